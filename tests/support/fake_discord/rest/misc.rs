//! Startup and lookup routes: gateway discovery, channels, and the CDN serving attachments.

use serde_json::json;

use super::{ApiError, Ctx, Handled, Inner, Reply, objects};

pub(super) fn gateway(ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({"url": ctx.gateway_url}))
}

pub(super) fn gateway_bot(ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({
        "url": ctx.gateway_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 999,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    }))
}

pub(super) fn channel(inner: &Inner, ctx: &Ctx<'_>, id: u64) -> Handled {
    let channel = inner
        .channels
        .get(&id)
        .ok_or_else(|| ApiError::new(404, 10003, "Unknown Channel"))?;
    Ok(Reply::ok(match channel.guild_id {
        Some(guild) => objects::guild_channel(id, guild),
        None => objects::dm_channel(id, objects::user(ctx.cfg.user_id, "fake-user", false)),
    }))
}

/// `GET /attachments/{id}/{filename}`, like the CDN: no auth, raw bytes.
pub(super) fn attachment(inner: &Inner, rest: &str) -> Handled {
    let (id, name) = rest.split_once('/').ok_or_else(ApiError::not_found)?;
    let file = id
        .parse()
        .ok()
        .and_then(|id: u64| inner.files.get(&id))
        .filter(|f| f.filename == name)
        .ok_or_else(ApiError::not_found)?;
    let content_type = file
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    Ok(if file.streamed {
        Reply::stream(200, content_type, file.bytes.clone())
    } else {
        Reply::bytes(200, content_type, file.bytes.clone())
    })
}
