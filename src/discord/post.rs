//! Messages the bot posts on its own (weekly summaries, the mod-log), with the retries Discord
//! expects: 429 waits `retry_after`, 5xx and network errors back off, and every post carries a
//! nonce with `enforce_nonce`, so a retry after a lost response cannot post twice. Discord
//! forgets nonces after a few minutes, so a post retried later is first looked for among the
//! channel's recent messages ([`Poster::find_own`]): the bot reads its own posts back, nothing
//! else.
//!
//! serenity does not retry when its rate limiter is off (as with an API base URL) and its error
//! drops the 429 body, so these go through reqwest directly.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use tokio::sync::OnceCell;

use super::Secret;
use crate::reply::{Reply, json};
use crate::weekly::channel::Channel;
pub use crate::weekly::channel::{Found, LookError, PostError};

/// How many times one post is tried before giving up for now, and the first pause after a
/// server error (doubled each time).
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A `retry_after` longer than this is not waited for here; the caller tries again later.
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// Messages read per request (Discord's most), and how many pages a look reads at most.
const PAGE: usize = 100;
const MOST_PAGES: usize = 10;
/// A look starts this long before the attempt it checks: this machine's clock and Discord's
/// may disagree.
const CLOCK_MARGIN: TimeDelta = TimeDelta::minutes(5);
/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds, for snowflakes.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// How one call to Discord ended, before its caller gives it a meaning.
#[derive(Debug)]
enum CallError {
    /// A 4xx answer other than 429: Discord refused this try.
    Refused {
        status: u16,
        code: Option<i64>,
        message: String,
        /// An earlier try may have been carried out all the same.
        ambiguous: bool,
    },
    /// Out of tries, or a wait too long to make here.
    Failed {
        error: anyhow::Error,
        /// Some try may have been carried out by Discord all the same.
        ambiguous: bool,
    },
}

impl CallError {
    /// "Unknown Channel", "Missing Access" or "Missing Permissions".
    fn closed_channel(&self) -> Option<String> {
        match self {
            CallError::Refused {
                status: 403 | 404,
                code: Some(10003 | 50001 | 50013),
                message,
                ..
            } => Some(message.clone()),
            _ => None,
        }
    }

    fn ambiguous(&self) -> bool {
        match self {
            CallError::Refused { ambiguous, .. } | CallError::Failed { ambiguous, .. } => {
                *ambiguous
            }
        }
    }

    fn into_error(self, what: &str) -> anyhow::Error {
        match self {
            CallError::Refused {
                status, message, ..
            } => anyhow::anyhow!("{what} failed: {status}: {message}"),
            CallError::Failed { error, .. } => error.context(format!("{what} failed")),
        }
    }
}

#[derive(Clone)]
pub struct Poster {
    client: reqwest::Client,
    /// The API origin: https://discord.com, or the configured base URL.
    base: String,
    token: Secret,
    attempts: u32,
    first_backoff: Duration,
    /// The bot's own user id, asked for once: its posts are the messages with this author.
    me: Arc<OnceCell<String>>,
}

impl Poster {
    pub fn new(base: Option<&str>, token: Secret) -> Poster {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Poster::with_client(client, base, token)
    }

    /// A poster that sends through `client` (the bot's one HTTP client).
    pub fn with_client(client: reqwest::Client, base: Option<&str>, token: Secret) -> Poster {
        let base = base
            .unwrap_or("https://discord.com")
            .trim_end_matches('/')
            .to_string();
        Poster {
            client,
            base,
            token,
            attempts: ATTEMPTS,
            first_backoff: FIRST_BACKOFF,
            me: Arc::new(OnceCell::new()),
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
        let request = || {
            let request = self.client.post(&url);
            Ok(match reply.attachments.first() {
                None => request
                    .header("Content-Type", "application/json")
                    .body(body.to_string()),
                Some(a) => {
                    let file = reqwest::multipart::Part::bytes(a.bytes.to_vec())
                        .file_name(a.filename.clone())
                        .mime_str("image/png")?;
                    let form = reqwest::multipart::Form::new()
                        .text("payload_json", body.to_string())
                        .part("files[0]", file);
                    request.multipart(form)
                }
            })
        };
        match self.call(request).await {
            Ok(message) => Ok(message["id"].as_str().unwrap_or_default().to_string()),
            Err(e) => Err(match e.closed_channel() {
                Some(reason) => PostError::Gone(reason),
                None => {
                    let ambiguous = e.ambiguous();
                    let error = e.into_error(&format!("posting to channel {channel}"));
                    if ambiguous {
                        PostError::Unknown(error)
                    } else {
                        PostError::Failed(error)
                    }
                }
            }),
        }
    }

    /// Looks for the bot's own message in `channel`, posted since `since` (give or take the
    /// clocks' disagreement), that `is_it` recognises. Other authors' messages are never taken
    /// for the bot's, whatever they contain.
    pub async fn find_own(
        &self,
        channel: u64,
        since: DateTime<Utc>,
        is_it: impl Fn(&Value) -> bool,
    ) -> Result<Found, LookError> {
        let me = self.me().await?;
        let start = snowflake_at(since - CLOCK_MARGIN);
        let mut after = start;
        let mut seen = 0;
        for _ in 0..MOST_PAGES {
            let url = format!(
                "{}/api/v10/channels/{channel}/messages?limit={PAGE}&after={after}",
                self.base
            );
            let page = self
                .call(|| Ok(self.client.get(&url)))
                .await
                .map_err(|e| look_error(e, channel))?;
            let messages = page.as_array().ok_or_else(|| {
                LookError::Failed(anyhow::anyhow!("channel {channel}'s messages: not a list"))
            })?;
            seen += messages.len();
            let mine = messages
                .iter()
                .find(|m| m["author"]["id"].as_str() == Some(me.as_str()) && is_it(m));
            if let Some(m) = mine {
                return Ok(Found::Message(
                    m["id"].as_str().unwrap_or_default().to_string(),
                ));
            }
            if messages.len() < PAGE {
                return if seen > 0 {
                    Ok(Found::NotThere)
                } else {
                    self.readable(channel, start)
                        .await
                        .map(|()| Found::NotThere)
                };
            }
            after = messages
                .iter()
                .filter_map(|m| m["id"].as_str()?.parse::<u64>().ok())
                .max()
                .unwrap_or(after);
        }
        Err(LookError::Unreadable(format!(
            "more than {} messages since the attempt",
            PAGE * MOST_PAGES
        )))
    }

    /// Without Read Message History Discord lists no messages rather than refusing, so an empty
    /// list proves nothing. Asking for one message by id (any id) does tell: a missing message
    /// is "Unknown Message" only to a bot that may read the channel.
    async fn readable(&self, channel: u64, any_id: u64) -> Result<(), LookError> {
        let url = format!("{}/api/v10/channels/{channel}/messages/{any_id}", self.base);
        match self.call(|| Ok(self.client.get(&url))).await {
            Ok(_)
            | Err(CallError::Refused {
                code: Some(10008), ..
            }) => Ok(()),
            Err(e) => Err(look_error(e, channel)),
        }
    }

    async fn me(&self) -> Result<&String, LookError> {
        self.me
            .get_or_try_init(|| async {
                let url = format!("{}/api/v10/users/@me", self.base);
                let user = self.call(|| Ok(self.client.get(&url))).await.map_err(|e| {
                    LookError::Failed(e.into_error("asking Discord who the bot is"))
                })?;
                user["id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| LookError::Failed(anyhow::anyhow!("GET /users/@me gave no id")))
            })
            .await
    }

    /// Sends a request (built afresh for each try) until Discord answers it for good.
    async fn call(
        &self,
        build: impl Fn() -> anyhow::Result<reqwest::RequestBuilder>,
    ) -> Result<Value, CallError> {
        let failed = |error: anyhow::Error, ambiguous| CallError::Failed { error, ambiguous };
        let mut backoff = self.first_backoff;
        let mut last = String::new();
        let mut ambiguous = false;
        for _ in 0..self.attempts {
            let request = build()
                .map_err(|e| failed(e, ambiguous))?
                .header("Authorization", self.token.authorization());
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    // A connection never made carried nothing; any later failure may have.
                    ambiguous |= !e.is_connect();
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
                return Ok(answer);
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
                    ambiguous = true;
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                code => {
                    return Err(CallError::Refused {
                        status: code,
                        code: answer["code"].as_i64(),
                        message: answer["message"]
                            .as_str()
                            .map_or_else(|| last.clone(), str::to_string),
                        ambiguous,
                    });
                }
            }
        }
        Err(failed(
            anyhow::anyhow!("no answer after retries: {last}"),
            ambiguous,
        ))
    }
}

/// The weekly scheduler posts through this.
impl Channel for Poster {
    async fn post(&self, channel: u64, reply: &Reply, nonce: &str) -> Result<String, PostError> {
        Poster::post(self, channel, reply, nonce).await
    }

    async fn find_own(
        &self,
        channel: u64,
        since: DateTime<Utc>,
        is_it: impl Fn(&Value) -> bool + Send + Sync,
    ) -> Result<Found, LookError> {
        Poster::find_own(self, channel, since, is_it).await
    }
}

fn look_error(e: CallError, channel: u64) -> LookError {
    match e.closed_channel() {
        Some(reason) => LookError::Unreadable(reason),
        None => LookError::Failed(e.into_error(&format!("reading channel {channel}"))),
    }
}

/// The smallest message id Discord could give at `at`.
fn snowflake_at(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis() - DISCORD_EPOCH_MS).map_or(0, |ms| ms << 22)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_start_at_discords_epoch() {
        // 2023-07-17T12:00:00Z, as Discord's own ids of that moment begin.
        let at = DateTime::parse_from_rfc3339("2023-07-17T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(snowflake_at(at), 1_130_468_946_739_200_000);
        assert_eq!(snowflake_at(DateTime::UNIX_EPOCH), 0);
    }
}
