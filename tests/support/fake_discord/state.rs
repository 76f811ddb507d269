//! The fake's shared state: one lock around everything, plus a change signal that waiters use
//! instead of polling.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;

use super::FakeConfig;
use super::faults::Failure;
use super::records::{
    InteractionLog, RecordedRequest, RecordedResponse, Rejection, StoredMessage, WebhookWrite,
};
use super::session::{Delivered, Gateway};

pub(super) struct Shared {
    pub config: FakeConfig,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// `ws://127.0.0.1:PORT/gateway`
    pub gateway_url: String,
    inner: Mutex<Inner>,
    changed: watch::Sender<()>,
}

impl Shared {
    pub fn new(config: FakeConfig, base_url: String) -> Self {
        let mut inner = Inner {
            gateway: Gateway::new(&config),
            ..Inner::default()
        };
        let default_guild = config.guild_ids.first().copied();
        inner
            .channels
            .insert(config.channel_id, ChannelState::new(default_guild));
        inner
            .channels
            .insert(config.dm_channel_id, ChannelState::new(None));
        let gateway_url = format!("{}/gateway", base_url.replacen("http", "ws", 1));
        Self {
            config,
            base_url,
            gateway_url,
            inner: Mutex::new(inner),
            changed: watch::channel(()).0,
        }
    }

    pub fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        f(&self.lock())
    }

    /// Mutates the state and wakes every waiter.
    pub fn update<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let result = f(&mut self.lock());
        self.changed.send_replace(());
        result
    }

    /// Waits until `done()` holds, re-checking after every state change; false on timeout.
    pub async fn wait_until(&self, timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
        // Subscribing before the first check means no change can slip in unseen.
        let mut changes = self.changed.subscribe();
        let deadline = Instant::now() + timeout;
        loop {
            if done() {
                return true;
            }
            if !matches!(
                tokio::time::timeout_at(deadline, changes.changed()).await,
                Ok(Ok(()))
            ) {
                return done();
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock must not take the others down with it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
pub(super) struct Inner {
    pub gateway: Gateway,
    pub interactions: HashMap<u64, InteractionState>,
    /// Interaction token → interaction id, for the webhook routes.
    pub tokens: HashMap<String, u64>,
    pub channels: HashMap<u64, ChannelState>,
    /// Command sets by guild (`None` = global), in registration order.
    pub commands: HashMap<Option<u64>, Vec<Value>>,
    pub command_writes: u64,
    /// Files served under `/attachments/{id}/{name}`.
    pub files: HashMap<u64, StoredFile>,
    pub requests: Vec<RecordedRequest>,
    /// Answers held back by [`Failure::HoldAfterStore`] so far, how many were let go, and how
    /// many of those have gone out.
    pub held_replies: u64,
    pub released_replies: u64,
    pub sent_held_replies: u64,
}

impl Inner {
    /// Starts the 3 s clock of interactions whose INTERACTION_CREATE just reached a socket.
    pub fn mark_sent(&mut self, delivered: impl IntoIterator<Item = Delivered>) {
        let now = Instant::now();
        for Delivered { interaction, shard } in delivered {
            if let Some(interaction) = self.interactions.get_mut(&interaction) {
                interaction.sent_at.get_or_insert(now);
                interaction.shard = Some(shard);
            }
        }
    }
}

pub(super) struct InteractionState {
    pub id: u64,
    pub token: String,
    pub kind: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// The message a component (or a modal opened from one) belongs to.
    pub message: Option<Value>,
    pub dispatched_at: Instant,
    pub sent_at: Option<Instant>,
    /// The shard whose socket it was last written to.
    pub shard: Option<u32>,
    pub response: Option<RecordedResponse>,
    pub late: bool,
    pub rejected: Vec<Rejection>,
    pub writes: Vec<WebhookWrite>,
    pub original: Option<Value>,
    pub followups: Vec<Value>,
}

impl InteractionState {
    pub fn new(
        payload: &Value,
        id: u64,
        token: String,
        channel_id: u64,
        guild_id: Option<u64>,
    ) -> Self {
        Self {
            id,
            token,
            kind: payload["type"].as_u64().unwrap_or_default(),
            channel_id,
            guild_id,
            message: payload.get("message").cloned(),
            dispatched_at: Instant::now(),
            sent_at: None,
            shard: None,
            response: None,
            late: false,
            rejected: Vec::new(),
            writes: Vec::new(),
            original: None,
            followups: Vec::new(),
        }
    }

    /// Time since the event reached the client (or since dispatch, if it never did).
    pub fn elapsed(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.sent_at.unwrap_or(self.dispatched_at))
    }

    pub fn log(&self) -> InteractionLog {
        InteractionLog {
            id: self.id,
            kind: self.kind,
            response: self.response.clone(),
            late: self.late,
            rejected: self.rejected.clone(),
            webhook_writes: self.writes.clone(),
            original_message: self.original.clone(),
            shard: self.shard,
        }
    }
}

pub(super) struct ChannelState {
    pub guild_id: Option<u64>,
    pub messages: Vec<StoredMessage>,
    pub failures: VecDeque<Failure>,
    /// Set by a scripted 429: posts before this instant are rate limited again.
    pub rate_limited_until: Option<Instant>,
    /// The bot's Read Message History permission here. Without it Discord lists no messages
    /// (an empty array, not an error) and refuses single ones with 403.
    pub read_history: bool,
}

impl ChannelState {
    pub fn new(guild_id: Option<u64>) -> Self {
        Self {
            guild_id,
            messages: Vec::new(),
            failures: VecDeque::new(),
            rate_limited_until: None,
            read_history: true,
        }
    }
}

pub(super) struct StoredFile {
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    /// Served in chunks without a `Content-Length`, so a client learns its size only by reading.
    pub streamed: bool,
}
