//! Scripted failures for `POST /channels/{id}/messages`, shaped like Discord's own answers.

use serde_json::{Value, json};

/// One scripted answer; queued per channel with [`super::FakeDiscord::fail_next_message`].
#[derive(Clone, Debug)]
pub enum Failure {
    /// 429 with Discord's body and `Retry-After` / `X-RateLimit-*` headers. Until `retry_after`
    /// has passed, further posts to the channel get 429 too, as on Discord.
    RateLimited { retry_after: f64, global: bool },
    /// Any status with a JSON body.
    Status { status: u16, body: Value },
    /// A Cloudflare-style 502 with an HTML body (not JSON).
    BadGateway,
    /// The message is validated and stored, then the answer is this 5xx: the "timed out after
    /// success" case, where a retry without an enforced nonce duplicates the post.
    AfterStore { status: u16 },
    /// The message is validated and stored, and the 200 answer waits until the test calls
    /// [`super::FakeDiscord::release_held_replies`]: Discord has the post, the bot does not know
    /// yet.
    HoldAfterStore,
}

impl Failure {
    pub fn rate_limited(retry_after: f64) -> Self {
        Self::RateLimited {
            retry_after,
            global: false,
        }
    }

    pub fn internal_error() -> Self {
        Self::Status {
            status: 500,
            body: json!({"message": "500: Internal Server Error", "code": 0}),
        }
    }

    pub fn bad_gateway() -> Self {
        Self::BadGateway
    }

    pub fn unknown_channel() -> Self {
        Self::Status {
            status: 404,
            body: json!({"message": "Unknown Channel", "code": 10003}),
        }
    }

    pub fn missing_access() -> Self {
        Self::Status {
            status: 403,
            body: json!({"message": "Missing Access", "code": 50001}),
        }
    }

    pub fn after_store(status: u16) -> Self {
        Self::AfterStore { status }
    }

    pub fn hold_after_store() -> Self {
        Self::HoldAfterStore
    }
}
