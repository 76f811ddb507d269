//! A fake Discord on loopback for end-to-end tests: REST v10 and the JSON gateway on one port,
//! as strict as Discord about what it accepts, recording everything the bot sent.
//!
//! ```ignore
//! let fake = FakeDiscord::start(FakeConfig::default()).await;
//! let http = HttpBuilder::new(&fake.config().token)
//!     .proxy(fake.base_url())
//!     .ratelimiter_disabled(true)
//!     .build();
//! let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
//!     .event_handler(handler)
//!     .await?;
//! tokio::spawn(async move { client.start().await });
//! assert!(fake.wait_ready(Duration::from_secs(5)).await);
//! let sent = fake.dispatch(fake.slash("chart").option("artist", "BTS")).await;
//! let reply = fake.wait_response(sent.id, Duration::from_secs(3)).await.expect("answered");
//! ```
//!
//! Its clock is tokio's: under `#[tokio::test(start_paused = true)]` the 3 s deadline, rate-limit
//! windows and recorded latencies follow `tokio::time::advance` and the bot's own timers.
#![allow(dead_code)] // a full record of what was sent; tests and benchmarks each read a part

mod command_schema;
mod errors;
mod faults;
mod gateway;
mod interactions;
mod limits;
mod multipart;
mod objects;
mod records;
mod rest;
mod session;
mod shards;
mod state;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use serde_json::Value;
use tokio::task::JoinHandle;

// Re-exports are the API; a benchmark that names only some of them must not warn.
#[allow(unused_imports)]
pub use faults::Failure;
#[allow(unused_imports)]
pub use interactions::{InteractionBuilder, OptionValue, Options};
#[allow(unused_imports)]
pub use records::{
    GatewayStats, InteractionLog, RecordedBody, RecordedFile, RecordedRequest, RecordedResponse,
    Rejection, StoredMessage, WebhookWrite, WebhookWriteKind,
};
#[allow(unused_imports)]
pub use shards::shard_of;

use session::{Dispatch, Outbound};
use state::{ChannelState, InteractionState, Shared, StoredFile};

#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The bot token without the `Bot ` prefix.
    pub token: String,
    pub application_id: u64,
    pub bot_user_id: u64,
    pub bot_username: String,
    /// Guilds the bot is in (each shard's READY lists those on the shard; GUILD_CREATE follows
    /// with the GUILDS intent). [`FakeConfig::guilds`] makes many spread over shards.
    pub guild_ids: Vec<u64>,
    /// A text channel of the first guild, known from the start; guild interactions come from it.
    pub channel_id: u64,
    /// The DM channel of DM interactions, known from the start.
    pub dm_channel_id: u64,
    /// The user who invokes interactions unless a builder says otherwise.
    pub user_id: u64,
    pub heartbeat_interval: Duration,
    /// Time to acknowledge an interaction (Discord: 3 s).
    pub interaction_deadline: Duration,
    /// Life of an interaction token for edits and follow-ups (Discord: 15 min).
    pub interaction_token_lifetime: Duration,
    /// How long an enforced nonce dedupes channel messages.
    pub nonce_window: Duration,
    /// Privileged intents enabled "in the developer portal"; IDENTIFY asking for others is
    /// closed with 4014, as Discord does.
    pub allowed_privileged_intents: u64,
    /// The shard count `GET /gateway/bot` recommends at start
    /// ([`FakeDiscord::set_recommended_shards`] changes it).
    pub shard_count: u32,
    /// `session_start_limit.max_concurrency` of `GET /gateway/bot`.
    pub max_concurrency: u32,
    /// Session starts allowed per day; each accepted IDENTIFY uses one.
    pub session_start_total: u32,
    /// An IDENTIFY whose shard would hold more guilds than this is closed with 4011 (Sharding
    /// required). Discord's limit is 2,500; `None` never refuses.
    pub guilds_per_shard_limit: Option<usize>,
    /// After a 4011, `GET /gateway/bot` recommends enough shards for the limit, as Discord's
    /// recommendation follows the bot's guild count; false keeps recommending the same count.
    pub recommend_enough_after_4011: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            token: "fake-token".to_owned(),
            application_id: 1_100_000_000_000_000_001,
            bot_user_id: 1_100_000_000_000_000_002,
            bot_username: "kpop-facts".to_owned(),
            guild_ids: vec![1_100_000_000_000_000_100],
            channel_id: 1_100_000_000_000_000_200,
            dm_channel_id: 1_100_000_000_000_000_201,
            user_id: 1_100_000_000_000_000_300,
            heartbeat_interval: Duration::from_millis(41_250),
            interaction_deadline: Duration::from_secs(3),
            interaction_token_lifetime: Duration::from_secs(15 * 60),
            nonce_window: Duration::from_secs(5 * 60),
            allowed_privileged_intents: 0,
            shard_count: 1,
            max_concurrency: 1,
            session_start_total: 1000,
            guilds_per_shard_limit: None,
            recommend_enough_after_4011: true,
        }
    }
}

/// What [`FakeDiscord::dispatch`] sent.
#[derive(Clone, Debug)]
pub struct InteractionHandle {
    pub id: u64,
    pub token: String,
    /// Interaction type (2 command, 3 component, 4 autocomplete, 5 modal submit).
    pub kind: u64,
}

pub struct FakeDiscord {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeDiscord {
    /// Binds 127.0.0.1 on a free port and serves REST and the gateway on it.
    pub async fn start(config: FakeConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::new(config, format!("http://{addr}")));
        let app = Router::new()
            .route("/gateway", get(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake Discord server");
        });
        Self { shared, server }
    }

    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// `http://127.0.0.1:PORT`, for `HttpBuilder::proxy`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `ws://127.0.0.1:PORT/gateway`, what `GET /gateway` answers.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    /// Waits until a client has IDENTIFIED or RESUMED and its socket is live (on any shard).
    #[must_use]
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |fake| {
            fake.shared.read(|inner| inner.gateway.is_live())
        })
        .await
    }

    /// Waits until `done` holds, re-checking on every change the fake sees (no polling).
    #[must_use]
    pub async fn wait_until(&self, timeout: Duration, mut done: impl FnMut(&Self) -> bool) -> bool {
        self.shared.wait_until(timeout, || done(self)).await
    }

    pub fn gateway_stats(&self) -> GatewayStats {
        self.shared.read(|inner| inner.gateway.stats.clone())
    }

    // --- interactions ---

    /// A slash command; `data.id` is the registered command's id when the bot registered one.
    pub fn slash(&self, name: &str) -> InteractionBuilder {
        InteractionBuilder::command(self.config(), name, self.command_id(name), false)
    }

    /// An autocomplete interaction; add the typed option with [`InteractionBuilder::focused`].
    pub fn autocomplete(&self, name: &str) -> InteractionBuilder {
        InteractionBuilder::command(self.config(), name, self.command_id(name), true)
    }

    pub fn button(&self, custom_id: &str) -> InteractionBuilder {
        InteractionBuilder::component(self.config(), custom_id, None)
    }

    pub fn select(&self, custom_id: &str, values: &[&str]) -> InteractionBuilder {
        let values = values.iter().map(|v| (*v).to_owned()).collect();
        InteractionBuilder::component(self.config(), custom_id, Some(values))
    }

    /// A modal submit; add fields with [`InteractionBuilder::text_input`].
    pub fn modal_submit(&self, custom_id: &str) -> InteractionBuilder {
        InteractionBuilder::modal(self.config(), custom_id)
    }

    /// Stores a file the fake serves at `/attachments/{id}/{filename}` and returns its
    /// attachment object, for [`InteractionBuilder::attachment`].
    pub fn add_attachment(&self, filename: &str, content_type: &str, bytes: Vec<u8>) -> Value {
        let size = bytes.len();
        self.add_attachment_claiming(filename, content_type, bytes, size)
    }

    /// Like [`Self::add_attachment`], but the attachment object claims `claimed_size` bytes
    /// whatever the served body holds: a client must not trust the size it was told.
    pub fn add_attachment_claiming(
        &self,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
        claimed_size: usize,
    ) -> Value {
        let id = objects::snowflake();
        let attachment = objects::attachment(
            &self.shared.base_url,
            id,
            filename,
            Some(content_type),
            claimed_size,
        );
        let file = StoredFile {
            filename: filename.to_owned(),
            content_type: Some(content_type.to_owned()),
            // A body that is not the size it claims comes in chunks, without a length.
            streamed: claimed_size != bytes.len(),
            bytes,
        };
        self.shared.update(|inner| inner.files.insert(id, file));
        attachment
    }

    /// Sends INTERACTION_CREATE to the shard of its guild (a DM to shard 0), or queues it for
    /// delivery after that shard's next RESUME or IDENTIFY. The 3 s deadline starts when it
    /// reaches a socket.
    pub async fn dispatch(&self, payload: impl Into<Value>) -> InteractionHandle {
        let payload: Value = payload.into();
        let id_of = |key: &str| objects::id_text(&payload[key]).parse::<u64>().ok();
        let id = id_of("id").expect("interaction payload has an id");
        let channel_id = id_of("channel_id").expect("interaction payload has a channel_id");
        let guild_id = id_of("guild_id");
        let token = payload["token"]
            .as_str()
            .expect("interaction payload has a token")
            .to_owned();
        let handle = InteractionHandle {
            id,
            token: token.clone(),
            kind: payload["type"].as_u64().unwrap_or_default(),
        };
        self.shared.update(|inner| {
            inner
                .channels
                .entry(channel_id)
                .or_insert_with(|| ChannelState::new(guild_id));
            inner.interactions.insert(
                id,
                InteractionState::new(&payload, id, token.clone(), channel_id, guild_id),
            );
            inner.tokens.insert(token, id);
            let delivered = inner.gateway.push(Dispatch {
                t: "INTERACTION_CREATE",
                d: payload,
                interaction: Some(id),
            });
            inner.mark_sent(delivered);
        });
        handle
    }

    /// Sends any other gateway event (`GUILD_DELETE`, …) to the shard of its guild (`d.id` for
    /// `GUILD_CREATE`/`UPDATE`/`DELETE`, else `d.guild_id`; none: shard 0), queued like
    /// interactions when that shard has no session.
    pub fn dispatch_event(&self, t: &'static str, d: Value) {
        self.shared.update(|inner| {
            let delivered = inner.gateway.push(Dispatch {
                t,
                d,
                interaction: None,
            });
            inner.mark_sent(delivered);
        });
    }

    /// The first accepted acknowledgement of the interaction, waiting up to `timeout`.
    pub async fn wait_response(
        &self,
        interaction_id: u64,
        timeout: Duration,
    ) -> Option<RecordedResponse> {
        let answered = |fake: &Self| {
            fake.interaction(interaction_id)
                .is_some_and(|i| i.response.is_some())
        };
        let _answered = self.wait_until(timeout, answered).await;
        self.interaction(interaction_id)?.response
    }

    /// Everything known about one interaction: acknowledgement, refusals, edits, follow-ups.
    pub fn interaction(&self, interaction_id: u64) -> Option<InteractionLog> {
        self.shared.read(|inner| {
            inner
                .interactions
                .get(&interaction_id)
                .map(InteractionState::log)
        })
    }

    /// Accepted edits, follow-ups and deletes made with the interaction's token.
    pub fn webhook_writes(&self, interaction_id: u64) -> Vec<WebhookWrite> {
        self.interaction(interaction_id)
            .map(|i| i.webhook_writes)
            .unwrap_or_default()
    }

    // --- REST records ---

    /// Every HTTP request answered so far, in order.
    pub fn recorded(&self) -> Vec<RecordedRequest> {
        self.shared.read(|inner| inner.requests.clone())
    }

    /// Requests for attachment files (`GET /attachments/…`), in order.
    pub fn attachment_downloads(&self) -> Vec<RecordedRequest> {
        self.recorded()
            .into_iter()
            .filter(|r| r.path.starts_with("/attachments/"))
            .collect()
    }

    /// Requests to routes the fake does not know.
    pub fn unknown_routes(&self) -> Vec<RecordedRequest> {
        self.recorded()
            .into_iter()
            .filter(RecordedRequest::is_unknown_route)
            .collect()
    }

    /// The current command set of a guild, or the global one for `None`.
    pub fn registered_commands(&self, guild: Option<u64>) -> Vec<Value> {
        self.shared
            .read(|inner| inner.commands.get(&guild).cloned().unwrap_or_default())
    }

    /// Accepted command writes (bulk overwrite, create, edit, delete) since start.
    pub fn command_writes(&self) -> u64 {
        self.shared.read(|inner| inner.command_writes)
    }

    fn command_id(&self, name: &str) -> u64 {
        let guild = self.config().guild_ids.first().copied();
        self.shared
            .read(|inner| {
                [guild, None]
                    .iter()
                    .filter_map(|scope| inner.commands.get(scope))
                    .flatten()
                    .find(|c| c["name"] == name)
                    .and_then(|c| objects::id_text(&c["id"]).parse().ok())
            })
            .unwrap_or_else(objects::snowflake)
    }

    // --- channels ---

    /// Makes a channel known (`guild_id: None` = a DM channel); unknown ones answer 10003.
    pub fn add_channel(&self, channel_id: u64, guild_id: Option<u64>) {
        self.shared.update(|inner| {
            inner
                .channels
                .insert(channel_id, ChannelState::new(guild_id))
        });
    }

    /// Messages created in a channel with `POST /channels/{id}/messages`.
    pub fn messages(&self, channel_id: u64) -> Vec<StoredMessage> {
        self.shared.read(|inner| {
            inner
                .channels
                .get(&channel_id)
                .map(|c| c.messages.clone())
                .unwrap_or_default()
        })
    }

    /// Queues a scripted answer for the next `POST /channels/{channel_id}/messages`.
    /// The channel must be known (the configured one, or added with [`Self::add_channel`]).
    pub fn fail_next_message(&self, channel_id: u64, failure: Failure) {
        self.shared.update(|inner| {
            let channel = inner.channels.get_mut(&channel_id);
            channel
                .expect("fail_next_message: unknown channel, call add_channel first")
                .failures
                .push_back(failure);
        });
    }

    /// Grants or takes away the bot's Read Message History permission in a channel.
    pub fn set_read_history(&self, channel_id: u64, allowed: bool) {
        self.shared.update(|inner| {
            inner
                .channels
                .get_mut(&channel_id)
                .expect("set_read_history: unknown channel, call add_channel first")
                .read_history = allowed;
        });
    }

    /// A message someone else (a user, or a webhook copying the bot's look) wrote in a channel;
    /// returns its id.
    pub fn add_message_from(&self, channel_id: u64, author_id: u64, body: Value) -> u64 {
        self.shared.update(|inner| {
            let channel = inner
                .channels
                .get_mut(&channel_id)
                .expect("add_message_from: unknown channel, call add_channel first");
            let origin = objects::Origin {
                channel_id,
                guild_id: channel.guild_id,
                author: objects::user(author_id, "someone", false),
                kind: 0,
                webhook_id: None,
                application_id: None,
            };
            let message = objects::message(&origin, &body, Vec::new());
            let id = objects::id_text(&message["id"])
                .parse()
                .expect("snowflake id");
            channel.messages.push(StoredMessage {
                id,
                body,
                message,
                files: Vec::new(),
                nonce: None,
                at: tokio::time::Instant::now(),
            });
            id
        })
    }

    /// Answers held back by [`Failure::HoldAfterStore`] so far (released or not).
    pub fn held_replies(&self) -> u64 {
        self.shared.read(|inner| inner.held_replies)
    }

    /// Sends every held answer.
    pub fn release_held_replies(&self) {
        self.shared
            .update(|inner| inner.released_replies = inner.held_replies);
    }

    /// Held answers the fake has let go and handed back to their requests.
    pub fn held_replies_sent(&self) -> u64 {
        self.shared.read(|inner| inner.sent_held_replies)
    }

    // --- gateway faults ---

    /// Cuts every gateway connection (all shards) without a close frame; the client must RESUME.
    pub fn drop_connection(&self) {
        self.shared
            .update(|inner| inner.gateway.kick(|| Outbound::Drop));
    }

    /// Closes every gateway connection (all shards; [`Self::close_shard_with`] closes one) with
    /// a close frame carrying `code`. serenity resumes after most 4xxx codes; 4004 and
    /// 4010–4014 make `Client::start` return an error. 4007 and 4009 also end the sessions
    /// here, as on Discord.
    pub fn close_with(&self, code: u16) {
        self.shared.update(|inner| {
            inner
                .gateway
                .kick(|| Outbound::Close(code, "Closed by the fake."));
            if matches!(code, 4007 | 4009) {
                inner.gateway.end_session();
            }
        });
    }

    /// Sends op 7 (Reconnect): the client should reconnect and RESUME.
    pub fn request_reconnect(&self) {
        let reconnect = serde_json::json!({"op": 7, "d": null, "s": null, "t": null}).to_string();
        self.shared
            .update(|inner| inner.gateway.kick(|| Outbound::Frame(reconnect.clone())));
    }

    /// From now on every IDENTIFY is answered with a close frame carrying `code` (4004, 4010,
    /// 4013, 4014, or a code Discord never sends); `None` accepts them again.
    pub fn close_on_identify(&self, code: Option<u16>) {
        self.shared
            .update(|inner| inner.gateway.close_on_identify = code);
    }

    /// From now on IDENTIFY and RESUME are answered with close 4004 (authentication failed).
    pub fn set_invalid_token(&self, invalid: bool) {
        self.shared
            .update(|inner| inner.gateway.invalid_token = invalid);
    }
}
