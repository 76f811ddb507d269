//! What the fake saw: REST calls, interaction acknowledgements, webhook writes, channel messages
//! and gateway counters. Everything here is a snapshot handed to tests.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

/// One HTTP request the fake answered (REST, webhook, CDN), in arrival order.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Full path as received, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    /// `X-Audit-Log-Reason`, percent-decoded.
    pub audit_log_reason: Option<String>,
    pub content_type: Option<String>,
    pub body: RecordedBody,
    pub status: u16,
    /// The JSON the fake answered with, if any.
    pub response: Option<Value>,
    pub at: Instant,
}

impl RecordedRequest {
    /// The path without the `/api/v10` prefix (`/channels/1/messages`).
    pub fn route(&self) -> &str {
        self.path.strip_prefix("/api/v10").unwrap_or(&self.path)
    }

    /// The JSON body, or the `payload_json` part of a multipart body.
    pub fn json(&self) -> Option<&Value> {
        self.body.json()
    }

    /// Whether the request hit a route (or method) the fake does not know.
    pub fn is_unknown_route(&self) -> bool {
        matches!(self.status, 404 | 405) && self.response.as_ref().is_some_and(|r| r["code"] == 0)
    }
}

#[derive(Clone, Debug)]
pub enum RecordedBody {
    Empty,
    Json(Value),
    Multipart {
        payload_json: Option<Value>,
        files: Vec<RecordedFile>,
        /// Text parts other than `payload_json`.
        fields: Vec<(String, String)>,
    },
    /// A body that was neither JSON nor multipart (or failed to parse).
    Raw(Vec<u8>),
}

impl RecordedBody {
    pub fn json(&self) -> Option<&Value> {
        match self {
            Self::Json(value) => Some(value),
            Self::Multipart { payload_json, .. } => payload_json.as_ref(),
            Self::Empty | Self::Raw(_) => None,
        }
    }

    pub fn files(&self) -> &[RecordedFile] {
        match self {
            Self::Multipart { files, .. } => files,
            _ => &[],
        }
    }
}

/// A file part of a multipart upload (`files[n]`).
#[derive(Clone, Debug)]
pub struct RecordedFile {
    /// Form field name, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The accepted acknowledgement of an interaction (`POST /interactions/{id}/{token}/callback`).
#[derive(Clone, Debug)]
pub struct RecordedResponse {
    /// Callback type: 4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal.
    pub kind: u64,
    /// The whole callback JSON (`{"type": .., "data": ..}`).
    pub body: Value,
    pub files: Vec<RecordedFile>,
    /// From the moment the INTERACTION_CREATE frame was written to the socket.
    pub elapsed: Duration,
}

impl RecordedResponse {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn content(&self) -> Option<&str> {
        self.data()["content"].as_str()
    }

    pub fn embeds(&self) -> &[Value] {
        self.data()["embeds"].as_array().map_or(&[], Vec::as_slice)
    }

    /// Autocomplete choices (callback type 8).
    pub fn choices(&self) -> &[Value] {
        self.data()["choices"].as_array().map_or(&[], Vec::as_slice)
    }

    pub fn allowed_mentions(&self) -> Option<&Value> {
        self.data().get("allowed_mentions")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookWriteKind {
    /// `PATCH /webhooks/{app}/{token}/messages/@original`
    EditOriginal,
    /// `DELETE /webhooks/{app}/{token}/messages/@original`
    DeleteOriginal,
    /// `POST /webhooks/{app}/{token}`
    Followup,
    /// `PATCH /webhooks/{app}/{token}/messages/{id}`
    EditFollowup,
    /// `DELETE /webhooks/{app}/{token}/messages/{id}`
    DeleteFollowup,
}

/// An accepted edit, follow-up or delete made with an interaction token.
#[derive(Clone, Debug)]
pub struct WebhookWrite {
    pub kind: WebhookWriteKind,
    /// The message JSON sent (payload_json for multipart; `Null` for deletes).
    pub body: Value,
    pub files: Vec<RecordedFile>,
    /// The message as stored after the write (`Null` for deletes).
    pub message: Value,
    /// Since the interaction reached the client.
    pub elapsed: Duration,
}

impl WebhookWrite {
    pub fn allowed_mentions(&self) -> Option<&Value> {
        self.body.get("allowed_mentions")
    }
}

/// A callback or webhook call for an interaction that the fake refused.
#[derive(Clone, Debug)]
pub struct Rejection {
    /// `"callback"`, `"edit"`, `"followup"`, …
    pub action: &'static str,
    pub status: u16,
    pub error: Value,
    pub elapsed: Duration,
}

/// Everything known about one dispatched interaction.
#[derive(Clone, Debug)]
pub struct InteractionLog {
    pub id: u64,
    /// Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u64,
    pub response: Option<RecordedResponse>,
    /// A callback arrived after the deadline (and got 404 10062).
    pub late: bool,
    pub rejected: Vec<Rejection>,
    pub webhook_writes: Vec<WebhookWrite>,
    /// The current original response message, as Discord would return it.
    pub original_message: Option<Value>,
    /// The shard whose socket it was last written to; `None` while it never reached one.
    pub shard: Option<u32>,
}

/// A message created with `POST /channels/{id}/messages`.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    pub id: u64,
    /// The JSON sent (payload_json for multipart).
    pub body: Value,
    /// The message object the fake returned.
    pub message: Value,
    pub files: Vec<RecordedFile>,
    pub nonce: Option<String>,
    pub at: Instant,
}

impl StoredMessage {
    pub fn content(&self) -> Option<&str> {
        self.body["content"].as_str()
    }

    pub fn embeds(&self) -> &[Value] {
        self.body["embeds"].as_array().map_or(&[], Vec::as_slice)
    }

    pub fn allowed_mentions(&self) -> Option<&Value> {
        self.body.get("allowed_mentions")
    }
}

/// Gateway counters, for asserting on reconnect behaviour.
#[derive(Clone, Debug, Default)]
pub struct GatewayStats {
    pub connections: u64,
    pub identifies: u64,
    /// `(shard_id, num_shards)` of every accepted IDENTIFY, in order.
    pub identified: Vec<(u32, u32)>,
    pub resumes: u64,
    /// Op 9 sent because a RESUME named an unknown session.
    pub invalid_sessions: u64,
    pub heartbeats: u64,
    pub presence_updates: u64,
    /// Intents of the last IDENTIFY.
    pub last_intents: Option<u64>,
    /// Close codes the fake sent.
    pub closes_sent: Vec<u16>,
    /// Close codes the client sent.
    pub client_closes: Vec<u16>,
}
