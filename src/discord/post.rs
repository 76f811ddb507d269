//! Messages the bot posts on its own (weekly summaries, the mod-log), with the retries Discord
//! expects: 429 waits `retry_after`, 5xx and network errors back off, and every post carries a
//! nonce with `enforce_nonce`, so a retry after a lost response cannot post twice.
//!
//! serenity does not retry when its rate limiter is off (as with an API base URL) and its error
//! drops the 429 body, so these go through reqwest directly.

use std::time::Duration;

use serde_json::Value;

use super::Secret;
use crate::reply::{Reply, json};

/// How many times one post is tried before giving up for now, and the first pause after a
/// server error (doubled each time).
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A `retry_after` longer than this is not waited for here; the caller tries again later.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The channel is gone or the bot may not post there ("Unknown Channel", "Missing Access").
    #[error("the channel cannot be posted to: {0}")]
    Gone(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

#[derive(Clone)]
pub struct Poster {
    client: reqwest::Client,
    /// The API origin: https://discord.com, or the configured base URL.
    base: String,
    token: Secret,
    attempts: u32,
    first_backoff: Duration,
}

impl Poster {
    pub fn new(base: Option<&str>, token: Secret) -> Poster {
        let base = base
            .unwrap_or("https://discord.com")
            .trim_end_matches('/')
            .to_string();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Poster {
            client,
            base,
            token,
            attempts: ATTEMPTS,
            first_backoff: FIRST_BACKOFF,
        }
    }

    /// Another retry policy (tests keep theirs short).
    pub fn with_retries(mut self, attempts: u32, first_backoff: Duration) -> Poster {
        self.attempts = attempts.max(1);
        self.first_backoff = first_backoff;
        self
    }

    /// Posts `reply` to `channel` with `nonce`; returns the message id.
    pub async fn post(
        &self,
        channel: u64,
        reply: &Reply,
        nonce: &str,
    ) -> Result<String, PostError> {
        let mut body = json::message_data(reply);
        body["nonce"] = Value::from(nonce);
        body["enforce_nonce"] = Value::from(true);
        let url = format!("{}/api/v10/channels/{channel}/messages", self.base);
        let mut backoff = self.first_backoff;
        let mut last = String::new();
        for _ in 0..self.attempts {
            let mut request = self
                .client
                .post(&url)
                .header("Authorization", self.token.authorization());
            request = match reply.attachments.first() {
                None => request
                    .header("Content-Type", "application/json")
                    .body(body.to_string()),
                Some(a) => {
                    let file = reqwest::multipart::Part::bytes(a.bytes.to_vec())
                        .file_name(a.filename.clone())
                        .mime_str("image/png")
                        .map_err(anyhow::Error::from)?;
                    let form = reqwest::multipart::Form::new()
                        .text("payload_json", body.to_string())
                        .part("files[0]", file);
                    request.multipart(form)
                }
            };
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    last = e.to_string();
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    continue;
                }
            };
            let status = response.status();
            let header_wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok());
            let text = response.text().await.unwrap_or_default();
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status.is_success() {
                return Ok(answer["id"].as_str().unwrap_or_default().to_string());
            }
            last = format!("{status}: {}", crate::domain::text::truncate(&text, 200));
            match status.as_u16() {
                429 => {
                    let secs = answer["retry_after"]
                        .as_f64()
                        .or(header_wait)
                        .unwrap_or(1.0);
                    let wait = Duration::from_secs_f64(secs.max(0.0));
                    if wait > LONGEST_WAIT {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                }
                500..=599 => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                404 | 403 if matches!(answer["code"].as_i64(), Some(10003 | 50001 | 50013)) => {
                    return Err(PostError::Gone(
                        answer["message"].as_str().unwrap_or("gone").to_string(),
                    ));
                }
                _ => {
                    return Err(PostError::Failed(anyhow::anyhow!(
                        "posting to channel {channel} failed: {last}"
                    )));
                }
            }
        }
        Err(PostError::Failed(anyhow::anyhow!(
            "posting to channel {channel} failed after retries: {last}"
        )))
    }
}
