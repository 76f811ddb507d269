//! Interaction callbacks and the interaction webhook (edits and follow-ups), with Discord's
//! rules: one acknowledgement, a 3 s deadline, a 15 min token, and message limits.

use tokio::time::Instant;

use serde_json::Value;

use super::super::limits::{self, Write};
use super::super::records::{RecordedResponse, Rejection, WebhookWrite, WebhookWriteKind};
use super::super::state::InteractionState;
use super::{ApiError, Ctx, Handled, Inner, Reply, Request, objects, store_uploads};

/// Discord's `LOADING` flag on the placeholder of a deferred response.
const LOADING: u64 = 1 << 7;

pub(super) fn callback(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    id: u64,
    token: &str,
) -> Handled {
    let interaction = inner
        .interactions
        .get(&id)
        .ok_or_else(ApiError::unknown_interaction)?;
    let checked = check_callback(interaction, ctx, req, token);
    if checked.as_ref().is_err_and(|e| e.body["code"] == 10062) {
        // For an interaction the fake knows, 10062 means the deadline passed.
        inner
            .interactions
            .get_mut(&id)
            .expect("looked up above")
            .late = true;
    }
    let kind = recorded(inner, id, "callback", ctx.now, checked)?;
    let body = req.json()?;
    let data = &body["data"];
    let attachments = store_uploads(inner, ctx, req, data);
    let interaction = inner.interactions.get_mut(&id).expect("looked up above");
    let origin = webhook_origin(ctx, interaction, if interaction.kind == 2 { 20 } else { 0 });
    interaction.original = match kind {
        4 => Some(objects::message(&origin, data, attachments)),
        5 => {
            let mut placeholder = objects::message(&origin, &Value::Null, attachments);
            placeholder["flags"] = (data["flags"].as_u64().unwrap_or(0) | LOADING).into();
            Some(placeholder)
        }
        6 => interaction.message.clone(),
        7 => interaction.message.clone().map(|mut message| {
            objects::apply_edit(&mut message, data, attachments);
            message
        }),
        _ => None,
    };
    interaction.response = Some(RecordedResponse {
        kind,
        body: body.clone(),
        files: req.files().to_vec(),
        elapsed: interaction.elapsed(ctx.now),
    });
    Ok(Reply::no_content())
}

fn check_callback(
    interaction: &InteractionState,
    ctx: &Ctx<'_>,
    req: &Request,
    token: &str,
) -> Result<u64, ApiError> {
    if interaction.token != token {
        return Err(ApiError::invalid_webhook_token());
    }
    if interaction.response.is_some() {
        return Err(ApiError::new(
            400,
            40060,
            "Interaction has already been acknowledged.",
        ));
    }
    if interaction.elapsed(ctx.now) > ctx.cfg.interaction_deadline {
        return Err(ApiError::unknown_interaction());
    }
    let body = req.json()?;
    let names = req.upload_names(&body["data"]);
    limits::check_callback(
        interaction.kind,
        interaction.message.is_some(),
        body,
        &names,
    )
}

/// `POST /webhooks/{app}/{token}`: a follow-up message.
pub(super) fn followup(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    app: u64,
    token: &str,
) -> Handled {
    let id = interaction_for_token(inner, ctx, app, token)?;
    let body = req.json();
    let checked = body
        .and_then(|body| limits::check_message(body, "", &req.upload_names(body), Write::Create));
    recorded(inner, id, "followup", ctx.now, checked)?;
    let body = req.json()?;
    let attachments = store_uploads(inner, ctx, req, body);
    let interaction = inner
        .interactions
        .get_mut(&id)
        .expect("token maps to an interaction");
    let message = objects::message(&webhook_origin(ctx, interaction, 0), body, attachments);
    interaction.followups.push(message.clone());
    let write = write(
        WebhookWriteKind::Followup,
        body.clone(),
        req,
        message.clone(),
        interaction,
        ctx.now,
    );
    interaction.writes.push(write);
    Ok(Reply::ok(message))
}

/// `GET/PATCH/DELETE /webhooks/{app}/{token}/messages/{@original|id}`.
pub(super) fn webhook_message(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    app: u64,
    token: &str,
    message: &str,
) -> Handled {
    let id = interaction_for_token(inner, ctx, app, token)?;
    let action = match req.method.as_str() {
        "GET" => "get",
        "PATCH" => "edit",
        "DELETE" => "delete",
        _ => return Err(ApiError::method_not_allowed()),
    };
    let result = message_write(inner, ctx, req, id, message);
    recorded(inner, id, action, ctx.now, result)
}

fn message_write(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    id: u64,
    target: &str,
) -> Handled {
    let original = target == "@original";
    let interaction = &inner.interactions[&id];
    let current = if original {
        interaction.original.clone()
    } else {
        interaction
            .followups
            .iter()
            .find(|m| m["id"] == target)
            .cloned()
    };
    let mut message = current.ok_or_else(ApiError::unknown_message)?;
    let (kind, body) = match (req.method.as_str(), original) {
        ("GET", _) => return Ok(Reply::ok(message)),
        ("DELETE", true) => (WebhookWriteKind::DeleteOriginal, Value::Null),
        ("DELETE", false) => (WebhookWriteKind::DeleteFollowup, Value::Null),
        (_, true) => (WebhookWriteKind::EditOriginal, req.json()?.clone()),
        (_, false) => (WebhookWriteKind::EditFollowup, req.json()?.clone()),
    };
    let deleted = body.is_null();
    if !deleted {
        let mut names = req.upload_names(&body);
        let kept = message["attachments"].as_array().into_iter().flatten();
        names.extend(kept.filter_map(|a| a["filename"].as_str().map(str::to_owned)));
        limits::check_message(&body, "", &names, Write::Edit)?;
        let attachments = store_uploads(inner, ctx, req, &body);
        objects::apply_edit(&mut message, &body, attachments);
        if original {
            let flags = message["flags"].as_u64().unwrap_or(0) & !LOADING;
            message["flags"] = flags.into();
        }
    }
    let interaction = inner
        .interactions
        .get_mut(&id)
        .expect("token maps to an interaction");
    let stored = if deleted { None } else { Some(message.clone()) };
    if original {
        interaction.original = stored;
    } else {
        interaction.followups.retain(|m| m["id"] != target);
        interaction.followups.extend(stored);
    }
    let reply = if deleted {
        Reply::no_content()
    } else {
        Reply::ok(message.clone())
    };
    let message = if deleted { Value::Null } else { message };
    let write = write(kind, body, req, message, interaction, ctx.now);
    interaction.writes.push(write);
    Ok(reply)
}

/// The interaction behind a webhook token, if the token is usable: it must belong to this
/// application, be under 15 minutes old, and the interaction must have been acknowledged
/// with a message (not with autocomplete choices or a modal).
fn interaction_for_token(
    inner: &Inner,
    ctx: &Ctx<'_>,
    app: u64,
    token: &str,
) -> Result<u64, ApiError> {
    let id = *inner
        .tokens
        .get(token)
        .filter(|_| app == ctx.cfg.application_id)
        .ok_or_else(ApiError::unknown_webhook)?;
    let interaction = &inner.interactions[&id];
    if interaction.elapsed(ctx.now) > ctx.cfg.interaction_token_lifetime {
        return Err(ApiError::invalid_webhook_token());
    }
    match interaction.response.as_ref().map(|r| r.kind) {
        Some(4..=7) => Ok(id),
        _ => Err(ApiError::unknown_webhook()),
    }
}

/// Messages sent through the interaction webhook.
fn webhook_origin(ctx: &Ctx<'_>, interaction: &InteractionState, kind: u64) -> objects::Origin {
    objects::Origin {
        channel_id: interaction.channel_id,
        guild_id: interaction.guild_id,
        author: objects::bot_user(ctx.cfg),
        kind,
        webhook_id: Some(ctx.cfg.application_id),
        application_id: Some(ctx.cfg.application_id),
    }
}

fn write(
    kind: WebhookWriteKind,
    body: Value,
    req: &Request,
    message: Value,
    interaction: &InteractionState,
    now: Instant,
) -> WebhookWrite {
    WebhookWrite {
        kind,
        body,
        files: req.files().to_vec(),
        message,
        elapsed: interaction.elapsed(now),
    }
}

/// Keeps refused calls in the interaction's log, so tests see why an answer never came.
fn recorded<T>(
    inner: &mut Inner,
    id: u64,
    action: &'static str,
    now: Instant,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if let (Err(error), Some(interaction)) = (&result, inner.interactions.get_mut(&id)) {
        interaction.rejected.push(Rejection {
            action,
            status: error.status,
            error: error.body.clone(),
            elapsed: interaction.elapsed(now),
        });
    }
    result
}
