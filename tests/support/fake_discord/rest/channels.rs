//! `POST /channels/{id}/messages`: scripted failures, rate limits, validation, nonce dedupe.
//! `GET /channels/{id}/messages[/{message}]`: reading them back as Discord does (no nonces,
//! nothing without Read Message History).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::super::errors::FieldErrors;
use super::super::faults::Failure;
use super::super::limits::{self, Write};
use super::super::records::StoredMessage;
use super::{ApiError, Ctx, Handled, Inner, Reply, Request, objects, store_uploads};

pub(super) fn create_message(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    channel_id: u64,
) -> Handled {
    let channel = inner
        .channels
        .get_mut(&channel_id)
        .ok_or_else(unknown_channel)?;
    if let Some(until) = channel.rate_limited_until.filter(|until| ctx.now < *until) {
        return Ok(rate_limited((until - ctx.now).as_secs_f64(), false));
    }
    let mut hold = false;
    let fail_after_store = match channel.failures.pop_front() {
        None => None,
        Some(Failure::AfterStore { status }) => Some(status),
        Some(Failure::HoldAfterStore) => {
            hold = true;
            None
        }
        Some(Failure::RateLimited {
            retry_after,
            global,
        }) => {
            channel.rate_limited_until = Some(ctx.now + Duration::from_secs_f64(retry_after));
            return Ok(rate_limited(retry_after, global));
        }
        Some(Failure::Status { status, body }) => return Ok(Reply::json(status, body)),
        Some(Failure::BadGateway) => return Ok(server_error(502)),
    };
    let guild_id = channel.guild_id;
    let body = req.json()?;
    limits::check_message(body, "", &req.upload_names(body), Write::Create)?;
    let nonce = nonce(body)?;
    let enforce = body["enforce_nonce"].as_bool() == Some(true);
    let window = ctx.cfg.nonce_window;
    let channel = &inner.channels[&channel_id];
    let duplicate = channel.messages.iter().rev().find(|m| {
        enforce && nonce.is_some() && m.nonce == nonce && ctx.now.duration_since(m.at) < window
    });
    if let Some(existing) = duplicate {
        // Discord answers a repeated enforced nonce with the message it already created.
        return Ok(
            fail_after_store.map_or_else(|| Reply::ok(existing.message.clone()), server_error)
        );
    }
    let attachments = store_uploads(inner, ctx, req, body);
    let origin = objects::Origin {
        channel_id,
        guild_id,
        author: objects::bot_user(ctx.cfg),
        kind: 0,
        webhook_id: None,
        application_id: None,
    };
    let message = objects::message(&origin, body, attachments);
    let stored = StoredMessage {
        id: objects::id_text(&message["id"])
            .parse()
            .expect("snowflake id"),
        body: body.clone(),
        message: message.clone(),
        files: req.files().to_vec(),
        nonce,
        at: ctx.now,
    };
    inner
        .channels
        .get_mut(&channel_id)
        .expect("checked above")
        .messages
        .push(stored);
    let reply = fail_after_store.map_or_else(|| Reply::ok(message), server_error);
    Ok(if hold { reply.held() } else { reply })
}

/// `GET /channels/{id}/messages?limit&before&after`: newest first. With `after`, the `limit`
/// messages right after it (still newest first), as Discord pages forwards.
pub(super) fn list_messages(inner: &Inner, req: &Request, channel_id: u64) -> Handled {
    let channel = inner
        .channels
        .get(&channel_id)
        .ok_or_else(unknown_channel)?;
    let mut limit = 50;
    let (mut before, mut after) = (None, None);
    for (key, value) in req
        .query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
    {
        let number = || value.parse::<u64>().map_err(|_| invalid_query(key));
        match key {
            "limit" => {
                limit = number()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| invalid_query(key))?
            }
            "before" => before = Some(number()?),
            "after" => after = Some(number()?),
            _ => {}
        }
    }
    if !channel.read_history {
        return Ok(Reply::ok(json!([])));
    }
    let limit = usize::try_from(limit).expect("at most 100");
    let mut found: Vec<&StoredMessage> = channel
        .messages
        .iter()
        .filter(|m| before.is_none_or(|b| m.id < b) && after.is_none_or(|a| m.id > a))
        .collect();
    found.sort_by_key(|m| m.id);
    let page: Vec<Value> = if after.is_some() && before.is_none() {
        found.iter().take(limit).rev().map(|m| as_read(m)).collect()
    } else {
        found.iter().rev().take(limit).map(|m| as_read(m)).collect()
    };
    Ok(Reply::ok(Value::Array(page)))
}

/// `GET /channels/{id}/messages/{message}`.
pub(super) fn get_message(inner: &Inner, channel_id: u64, message_id: u64) -> Handled {
    let channel = inner
        .channels
        .get(&channel_id)
        .ok_or_else(unknown_channel)?;
    if !channel.read_history {
        return Err(ApiError::missing_access());
    }
    channel
        .messages
        .iter()
        .find(|m| m.id == message_id)
        .map(|m| Reply::ok(as_read(m)))
        .ok_or_else(ApiError::unknown_message)
}

/// A message as reading it returns it: Discord keeps a nonce only in the answer to the post.
fn as_read(m: &StoredMessage) -> Value {
    let mut message = m.message.clone();
    if let Some(fields) = message.as_object_mut() {
        fields.remove("nonce");
    }
    message
}

fn invalid_query(key: &str) -> ApiError {
    let mut errs = FieldErrors::default();
    errs.push(key, "NUMBER_TYPE_COERCE", "Value is not int.");
    errs.into_result()
        .err()
        .unwrap_or_else(ApiError::invalid_json)
}

fn unknown_channel() -> ApiError {
    ApiError::new(404, 10003, "Unknown Channel")
}

/// Nonces are strings of up to 25 characters or integers.
fn nonce(body: &Value) -> Result<Option<String>, ApiError> {
    let mut errs = FieldErrors::default();
    let nonce = match &body["nonce"] {
        Value::Null => None,
        Value::String(text) => {
            errs.max_chars("nonce", text, 25);
            Some(text.clone())
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => {
            errs.push(
                "nonce",
                "NONCE_TYPE_INVALID",
                "Nonce must be a string or an integer.",
            );
            None
        }
    };
    errs.into_result().map(|()| nonce)
}

fn rate_limited(retry_after: f64, global: bool) -> Reply {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64();
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": (retry_after * 1000.0).round() / 1000.0,
        "global": global,
    });
    let reply = Reply::json(429, body)
        .header("retry-after", format!("{}", retry_after.ceil()))
        .header("x-ratelimit-limit", "5".to_owned())
        .header("x-ratelimit-remaining", "0".to_owned())
        .header("x-ratelimit-reset", format!("{:.3}", now + retry_after))
        .header("x-ratelimit-reset-after", format!("{retry_after:.3}"))
        .header("x-ratelimit-bucket", "fake-channel-messages".to_owned())
        .header(
            "x-ratelimit-scope",
            if global { "global" } else { "user" }.to_owned(),
        );
    if global {
        reply.header("x-ratelimit-global", "true".to_owned())
    } else {
        reply
    }
}

/// 500 comes from Discord's API as JSON; 502/503/504 come from the edge as HTML.
fn server_error(status: u16) -> Reply {
    if status == 500 {
        return Reply::json(
            500,
            json!({"message": "500: Internal Server Error", "code": 0}),
        );
    }
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let title = format!("{status} {reason}");
    let html = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
         <center><h1>{title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    Reply::bytes(status, "text/html", html.into_bytes())
}
