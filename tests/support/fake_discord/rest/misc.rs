//! Startup and lookup routes: gateway discovery, channels, and the CDN serving attachments.

use serde_json::json;

use super::{ApiError, Ctx, Handled, Inner, Reply, objects};

/// Session starts reset a day after the first one; the fake never resets them.
const SESSION_START_RESET_MS: u64 = 86_400_000;

pub(super) fn gateway(ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({"url": ctx.gateway_url}))
}

/// The recommended shard count and what is left of the day's session starts.
pub(super) fn gateway_bot(inner: &Inner, ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({
        "url": ctx.gateway_url,
        "shards": inner.gateway.recommended_shards,
        "session_start_limit": {
            "total": ctx.cfg.session_start_total,
            "remaining": inner.gateway.session_starts_remaining,
            "reset_after": SESSION_START_RESET_MS,
            "max_concurrency": ctx.cfg.max_concurrency,
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
