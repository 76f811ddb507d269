//! Proves the fake Discord works with the real serenity 0.12.5 client: a plain serenity bot
//! (not the project's) connects through `HttpBuilder::proxy`, gets interactions, answers them,
//! and the fake accepts or refuses what it sent the way Discord would.
//!
//! It uses the fake alone, nothing else of `tests/support` and nothing of `kpop_facts`: what it
//! proves about the fake must not depend on the bot's code.

use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::{
    ActivityData, ApplicationId, ChannelId, ClientBuilder, Command, CommandOptionType, Context,
    CreateAttachment, CreateCommand, CreateCommandOption, EventHandler, GatewayIntents, GuildId,
    Http, HttpBuilder, Interaction, Ready,
};
use serenity::gateway::GatewayError;
use serenity::http::HttpError;
use serenity::model::guild::Guild;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::support::fake_discord::{Failure, FakeConfig, FakeDiscord, WebhookWriteKind};

mod shards;

const WAIT: Duration = Duration::from_secs(5);
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake";

/// What the test bot did for one event: a label and the result of each HTTP call it made.
#[derive(Debug)]
struct Outcome {
    label: String,
    results: Vec<Result<(), serenity::Error>>,
}

struct TestBot {
    outcomes: mpsc::UnboundedSender<Outcome>,
}

impl TestBot {
    fn report(&self, label: impl Into<String>, results: Vec<Result<(), serenity::Error>>) {
        let _ = self.outcomes.send(Outcome {
            label: label.into(),
            results,
        });
    }
}

#[serenity::async_trait]
impl EventHandler for TestBot {
    async fn ready(&self, ctx: Context, ready: Ready) {
        // Sends op 3 (presence update), which the fake must accept.
        ctx.set_activity(Some(ActivityData::playing("charts")));
        self.report(format!("ready:{}", ready.guilds.len()), vec![]);
    }

    async fn guild_create(&self, _: Context, guild: Guild, _: Option<bool>) {
        self.report(format!("guild_create:{}", guild.channels.len()), vec![]);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let http = &ctx.http;
        let (id, token) = (interaction.id(), interaction.token().to_owned());
        let token = token.as_str();
        let respond = |body: Value| async move {
            http.create_interaction_response(id, token, &body, vec![])
                .await
        };
        match interaction {
            Interaction::Command(command) => {
                let name = command.data.name.as_str();
                let results = match name {
                    "chart" => {
                        let artist = command
                            .data
                            .options
                            .first()
                            .and_then(|o| o.value.as_str())
                            .unwrap_or("?");
                        let embed = json!({
                            "title": format!("Facts about {artist}"),
                            "description": "1st place",
                            "color": 0xFF_66AA,
                        });
                        let data = json!({"embeds": [embed], "allowed_mentions": {"parse": []}});
                        vec![respond(json!({"type": 4, "data": data})).await]
                    }
                    "twice" => {
                        let first = respond(json!({"type": 4, "data": {"content": "one"}})).await;
                        vec![
                            first,
                            respond(json!({"type": 4, "data": {"content": "two"}})).await,
                        ]
                    }
                    "huge" => vec![
                        respond(json!({"type": 4, "data": {"embeds": [embed_of_total_chars()]}}))
                            .await,
                    ],
                    "late" => {
                        vec![respond(json!({"type": 4, "data": {"content": "late"}})).await]
                    }
                    "deferred" => {
                        deferred_then_edit_and_follow_up(http, &command.token, respond).await
                    }
                    _ => vec![],
                };
                self.report(name, results);
            }
            Interaction::Autocomplete(autocomplete) => {
                let typed = autocomplete
                    .data
                    .autocomplete()
                    .map(|o| o.value.to_owned())
                    .unwrap_or_default();
                let body = match autocomplete.data.name.as_str() {
                    "chart" => {
                        let choice = json!({"name": format!("{typed}: BTS"), "value": "bts"});
                        json!({"type": 8, "data": {"choices": [choice]}})
                    }
                    // Wrong on purpose: autocomplete may only answer with choices.
                    _ => json!({"type": 4, "data": {"content": "a message"}}),
                };
                self.report(
                    format!("autocomplete:{}", autocomplete.data.name),
                    vec![respond(body).await],
                );
            }
            Interaction::Component(component) => {
                let body = match component.data.custom_id.as_str() {
                    "open-modal" => modal(),
                    _ => json!({"type": 7, "data": {"content": "updated", "components": []}}),
                };
                self.report(
                    format!("component:{}", component.data.custom_id),
                    vec![respond(body).await],
                );
            }
            Interaction::Modal(submit) => {
                let typed = match submit
                    .data
                    .components
                    .first()
                    .and_then(|row| row.components.first())
                {
                    Some(serenity::all::ActionRowComponent::InputText(input)) => {
                        input.value.clone().unwrap_or_default()
                    }
                    _ => String::new(),
                };
                let body = match submit.data.custom_id.as_str() {
                    "feedback" => {
                        json!({"type": 4, "data": {"content": format!("thanks: {typed}")}})
                    }
                    // Wrong on purpose: a modal submit cannot open another modal.
                    _ => modal(),
                };
                self.report(
                    format!("modal:{}", submit.data.custom_id),
                    vec![respond(body).await],
                );
            }
            _ => {}
        }
    }
}

fn modal() -> Value {
    let input = json!({
        "type": 4,
        "custom_id": "text",
        "style": 2,
        "label": "Your feedback",
        "max_length": 4000,
    });
    let rows = json!([{"type": 1, "components": [input]}]);
    json!({"type": 9, "data": {"custom_id": "feedback", "title": "Feedback", "components": rows}})
}

/// An embed whose parts are each within their own limits but total 6001 characters.
fn embed_of_total_chars() -> Value {
    json!({
        "title": "t".repeat(256),
        "description": "d".repeat(4096),
        "fields": [
            {"name": "n".repeat(100), "value": "v".repeat(1024)},
            {"name": "n", "value": "v".repeat(524)},
        ],
    })
}

async fn deferred_then_edit_and_follow_up<F, Fut>(
    http: &Http,
    token: &str,
    respond: F,
) -> Vec<Result<(), serenity::Error>>
where
    F: Fn(Value) -> Fut,
    Fut: std::future::Future<Output = serenity::Result<()>>,
{
    let deferred = respond(json!({"type": 5})).await;
    let edit = http
        .edit_original_interaction_response(token, &json!({"content": "done"}), vec![])
        .await;
    let body =
        json!({"content": "chart", "embeds": [{"image": {"url": "attachment://chart.png"}}]});
    let file = CreateAttachment::bytes(PNG.to_vec(), "chart.png");
    let followup = http.create_followup_message(token, &body, vec![file]).await;
    vec![deferred, edit.map(drop), followup.map(drop)]
}

/// A fake Discord with a serenity client connected to it.
struct Harness {
    fake: FakeDiscord,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    client: JoinHandle<serenity::Result<()>>,
}

impl Harness {
    async fn start(config: FakeConfig) -> Self {
        let fake = FakeDiscord::start(config).await;
        let (outcomes, client) = start_client(&fake).await;
        assert!(fake.wait_ready(WAIT).await, "client never became ready");
        Self {
            fake,
            outcomes,
            client,
        }
    }

    /// The next outcome with this label, skipping others.
    async fn outcome(&mut self, label: &str) -> Outcome {
        let next = async {
            loop {
                let outcome = self.outcomes.recv().await.expect("bot alive");
                if outcome.label == label {
                    return outcome;
                }
            }
        };
        tokio::time::timeout(WAIT, next)
            .await
            .unwrap_or_else(|_| panic!("no outcome {label}"))
    }
}

async fn start_client(
    fake: &FakeDiscord,
) -> (
    mpsc::UnboundedReceiver<Outcome>,
    JoinHandle<serenity::Result<()>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let http = HttpBuilder::new(&fake.config().token)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build();
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(TestBot { outcomes: tx })
        .await
        .expect("client builds");
    assert_eq!(
        *client.ws_url.lock().await,
        fake.gateway_url(),
        "GET /gateway must point at the fake"
    );
    (rx, tokio::spawn(async move { client.start().await }))
}

/// A plain `Http` for REST-only tests.
fn rest_client(fake: &FakeDiscord) -> Http {
    HttpBuilder::new(&fake.config().token)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.config().application_id))
        .build()
}

fn discord_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

fn status(error: &serenity::Error) -> Option<u16> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.status_code.as_u16())
        }
        _ => None,
    }
}

/// A bare HTTP/1.1 GET, to send requests serenity never would (no auth header).
async fn raw_get(url: &str, authorization: Option<&str>) -> (u16, Vec<u8>) {
    let (host, path) = url
        .strip_prefix("http://")
        .and_then(|u| u.split_once('/'))
        .expect("http URL");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let request =
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let status = std::str::from_utf8(&raw[9..12])
        .expect("status")
        .parse()
        .expect("numeric status");
    (status, raw[split + 4..].to_vec())
}

#[tokio::test]
async fn slash_command_reply_reaches_the_fake() {
    let mut h = Harness::start(FakeConfig::default()).await;
    assert_eq!(h.outcome("ready:1").await.results.len(), 0);
    h.outcome("guild_create:1").await;

    let sent = h
        .fake
        .dispatch(h.fake.slash("chart").option("artist", "BTS"))
        .await;
    let reply = h.fake.wait_response(sent.id, WAIT).await.expect("answered");
    assert!(h.outcome("chart").await.results.iter().all(Result::is_ok));

    assert_eq!(reply.kind, 4);
    assert_eq!(reply.embeds()[0]["title"], "Facts about BTS");
    assert_eq!(reply.allowed_mentions(), Some(&json!({"parse": []})));
    assert!(reply.elapsed < Duration::from_secs(3));
    let log = h.fake.interaction(sent.id).expect("known interaction");
    assert_eq!(
        log.original_message.expect("reply message")["embeds"][0]["type"],
        "rich"
    );
    assert!(
        h.fake.unknown_routes().is_empty(),
        "{:?}",
        h.fake.unknown_routes()
    );
    let stats = h.fake.gateway_stats();
    assert_eq!(
        (stats.identifies, stats.last_intents),
        (1, Some(GatewayIntents::GUILDS.bits()))
    );
}

#[tokio::test]
async fn queued_before_connect_then_heartbeats_and_presence_are_accepted() {
    let config = FakeConfig {
        heartbeat_interval: Duration::from_millis(100),
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start(config).await;
    // Dispatched before any client connects: delivered right after READY.
    let early = fake
        .dispatch(fake.slash("chart").option("artist", "TWICE"))
        .await;
    let (_outcomes, client) = start_client(&fake).await;
    assert!(fake.wait_response(early.id, WAIT).await.is_some());

    let settled = fake
        .wait_until(WAIT, |f| {
            let stats = f.gateway_stats();
            stats.heartbeats >= 2 && stats.presence_updates >= 1
        })
        .await;
    let stats = fake.gateway_stats();
    assert!(settled, "{stats:?}");
    // A heartbeat left unacknowledged would have made serenity reconnect.
    assert_eq!(
        (stats.connections, stats.identifies, stats.resumes),
        (1, 1, 0)
    );
    assert!(!client.is_finished());
}

#[tokio::test]
async fn second_acknowledgement_is_rejected() {
    let mut h = Harness::start(FakeConfig::default()).await;
    let sent = h.fake.dispatch(h.fake.slash("twice")).await;
    let outcome = h.outcome("twice").await;

    assert!(outcome.results[0].is_ok());
    let second = outcome.results[1].as_ref().expect_err("second ack refused");
    assert_eq!(
        (status(second), discord_code(second)),
        (Some(400), Some(40060))
    );
    let log = h.fake.interaction(sent.id).expect("known interaction");
    assert_eq!(log.response.expect("first ack kept").content(), Some("one"));
    assert_eq!(log.rejected[0].error["code"], 40060);
}

#[tokio::test]
async fn invalid_token_closes_4004_and_client_start_fails() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    fake.set_invalid_token(true);
    let (_outcomes, client) = start_client(&fake).await;

    let ended = tokio::time::timeout(WAIT, client)
        .await
        .expect("client gave up in time")
        .expect("no panic");
    assert!(
        matches!(
            ended,
            Err(serenity::Error::Gateway(
                GatewayError::InvalidAuthentication
            ))
        ),
        "{ended:?}"
    );
    assert_eq!(fake.gateway_stats().closes_sent, vec![4004]);
}

#[tokio::test]
async fn fatal_close_code_stops_the_client() {
    let h = Harness::start(FakeConfig::default()).await;
    h.fake.close_with(4004);
    let ended = tokio::time::timeout(WAIT, h.client)
        .await
        .expect("client gave up in time")
        .expect("no panic");
    assert!(
        matches!(
            ended,
            Err(serenity::Error::Gateway(
                GatewayError::InvalidAuthentication
            ))
        ),
        "{ended:?}"
    );
}

#[tokio::test]
async fn every_resumable_disconnect_resumes_and_replays_queued_interactions() {
    let h = Harness::start(FakeConfig::default()).await;
    let first = h
        .fake
        .dispatch(h.fake.slash("chart").option("artist", "IVE"))
        .await;
    assert!(h.fake.wait_response(first.id, WAIT).await.is_some());

    let disconnects: [&dyn Fn(&FakeDiscord); 3] =
        [&|f| f.drop_connection(), &|f| f.close_with(4000), &|f| {
            f.request_reconnect()
        }];
    for (round, disconnect) in disconnects.into_iter().enumerate() {
        disconnect(&h.fake);
        // Dispatched while the client is away: delivered by the RESUME replay.
        let mut sent = Vec::new();
        for artist in ["aespa", "NewJeans", "LE SSERAFIM"] {
            sent.push(
                h.fake
                    .dispatch(h.fake.slash("chart").option("artist", artist))
                    .await,
            );
        }
        for interaction in &sent {
            let reply = h.fake.wait_response(interaction.id, WAIT).await;
            assert!(
                reply.is_some(),
                "round {round}: interaction {} unanswered",
                interaction.id
            );
        }
        assert_eq!(h.fake.gateway_stats().resumes, round as u64 + 1);
    }
    let stats = h.fake.gateway_stats();
    assert_eq!(
        (stats.identifies, stats.invalid_sessions, stats.connections),
        (1, 0, 4)
    );
    assert!(!h.client.is_finished());
}

#[tokio::test]
async fn oversized_embed_is_rejected_with_50035() {
    let mut h = Harness::start(FakeConfig::default()).await;
    let sent = h.fake.dispatch(h.fake.slash("huge")).await;
    let outcome = h.outcome("huge").await;

    let error = outcome.results[0]
        .as_ref()
        .expect_err("6001 characters refused");
    assert_eq!(
        (status(error), discord_code(error)),
        (Some(400), Some(50035))
    );
    let log = h.fake.interaction(sent.id).expect("known interaction");
    assert!(log.response.is_none());
    assert_eq!(
        log.rejected[0].error["errors"]["data"]["embeds"]["_errors"][0]["code"],
        "MAX_EMBED_SIZE_EXCEEDED"
    );

    // The same limits hold for channel messages; content is capped at 2000 characters.
    let http = rest_client(&h.fake);
    let channel = ChannelId::new(h.fake.config().channel_id);
    let long = http
        .send_message(channel, vec![], &json!({"content": "x".repeat(2001)}))
        .await;
    assert_eq!(long.as_ref().err().and_then(discord_code), Some(50035));
    let empty = http
        .send_message(channel, vec![], &json!({"content": ""}))
        .await;
    assert_eq!(empty.as_ref().err().and_then(discord_code), Some(50006));
}

#[tokio::test]
async fn missing_or_wrong_authorization_is_401() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let url = format!("{}/api/v10/users/@me", fake.base_url());

    let (code, body) = raw_get(&url, None).await;
    assert_eq!(code, 401);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).expect("json"),
        json!({"message": "401: Unauthorized", "code": 0})
    );
    assert_eq!(raw_get(&url, Some("Bot fake-token")).await.0, 200);

    let wrong = HttpBuilder::new("not-the-token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build();
    let error = wrong.get_current_user().await.expect_err("refused");
    assert_eq!(status(&error), Some(401));
    // Unknown routes answer Discord's 404 and are listed for tests to assert on.
    let (code, body) = raw_get(
        &format!("{}/api/v10/nope", fake.base_url()),
        Some("Bot fake-token"),
    )
    .await;
    assert_eq!(code, 404);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).expect("json"),
        json!({"message": "404: Not Found", "code": 0})
    );
    assert_eq!(fake.unknown_routes()[0].route(), "/nope");
    // Discord does not ask for a bot token on GET /gateway.
    assert_eq!(
        raw_get(&format!("{}/api/v10/gateway", fake.base_url()), None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn enforced_nonce_dedupes_channel_messages() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = rest_client(&fake);
    let channel = ChannelId::new(9_000);
    let body = json!({"content": "daily chart", "nonce": "post-2024-06-01", "enforce_nonce": true});

    let unknown = http
        .send_message(channel, vec![], &body)
        .await
        .expect_err("unknown channel");
    assert_eq!(discord_code(&unknown), Some(10003));
    fake.add_channel(9_000, fake.config().guild_ids.first().copied());
    let first = http
        .send_message(channel, vec![], &body)
        .await
        .expect("created");
    let again = http
        .send_message(channel, vec![], &body)
        .await
        .expect("deduped");
    assert_eq!(first.id, again.id);
    assert_eq!(fake.messages(9_000).len(), 1);

    // Without enforce_nonce Discord creates a second message.
    let loose = json!({"content": "daily chart", "nonce": "post-2024-06-01"});
    http.send_message(channel, vec![], &loose)
        .await
        .expect("created");
    assert_eq!(fake.messages(9_000).len(), 2);
    assert!(fake.messages(9_000)[0].allowed_mentions().is_none());
}

#[tokio::test]
async fn channel_messages_read_back_as_discord_gives_them() {
    use serenity::all::{MessageId, MessagePagination};

    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = rest_client(&fake);
    let channel_id = fake.config().channel_id;
    let channel = ChannelId::new(channel_id);
    let mut ids = Vec::new();
    for i in 0..5 {
        let body = json!({"content": format!("post {i}"), "nonce": format!("n-{i}"), "enforce_nonce": true});
        ids.push(http.send_message(channel, vec![], &body).await.unwrap().id);
    }
    // Newest first; with `after`, the messages right after it (still newest first).
    let newest = http.get_messages(channel, None, Some(2)).await.unwrap();
    assert_eq!(
        newest.iter().map(|m| m.id).collect::<Vec<_>>(),
        [ids[4], ids[3]]
    );
    let after = http
        .get_messages(channel, Some(MessagePagination::After(ids[0])), Some(2))
        .await
        .unwrap();
    assert_eq!(
        after.iter().map(|m| m.id).collect::<Vec<_>>(),
        [ids[2], ids[1]]
    );
    assert!(
        after.iter().all(|m| m.nonce.is_none()),
        "no nonces when read back"
    );
    assert_eq!(
        http.get_message(channel, ids[1]).await.unwrap().content,
        "post 1"
    );
    let missing = http
        .get_message(channel, MessageId::new(1))
        .await
        .expect_err("unknown message");
    assert_eq!(discord_code(&missing), Some(10008));

    // Without Read Message History: an empty list, and 403 for one message.
    fake.set_read_history(channel_id, false);
    assert!(
        http.get_messages(channel, None, None)
            .await
            .unwrap()
            .is_empty()
    );
    let refused = http.get_message(channel, ids[1]).await.expect_err("403");
    assert_eq!(discord_code(&refused), Some(50001));
}

#[tokio::test(start_paused = true)]
async fn scripted_failures_are_observable() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = rest_client(&fake);
    let channel_id = fake.config().channel_id;
    let channel = ChannelId::new(channel_id);
    let body = json!({"content": "hi", "nonce": "n-1", "enforce_nonce": true});

    fake.fail_next_message(channel_id, Failure::rate_limited(0.05));
    fake.fail_next_message(channel_id, Failure::internal_error());
    fake.fail_next_message(channel_id, Failure::after_store(502));
    let limited = http
        .send_message(channel, vec![], &body)
        .await
        .expect_err("429");
    assert_eq!(status(&limited), Some(429));
    // Retrying before retry_after is refused again, as on Discord.
    let early = http
        .send_message(channel, vec![], &body)
        .await
        .expect_err("still limited");
    assert_eq!(status(&early), Some(429));
    tokio::time::advance(Duration::from_millis(60)).await;
    let failed = http
        .send_message(channel, vec![], &body)
        .await
        .expect_err("500");
    assert_eq!(
        (status(&failed), discord_code(&failed)),
        (Some(500), Some(0))
    );
    let lost = http
        .send_message(channel, vec![], &body)
        .await
        .expect_err("502 after store");
    assert_eq!(status(&lost), Some(502));
    assert_eq!(
        fake.messages(channel_id).len(),
        1,
        "the 502 came after the message was stored"
    );
    let retried = http
        .send_message(channel, vec![], &body)
        .await
        .expect("deduped by nonce");
    assert_eq!(fake.messages(channel_id).len(), 1);
    assert_eq!(retried.id.get(), fake.messages(channel_id)[0].id);

    let statuses: Vec<u16> = fake.recorded().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 500, 502, 200]);
    let first = &fake.recorded()[0];
    assert_eq!(first.response.as_ref().expect("json")["retry_after"], 0.05);
    assert_eq!(first.authorization.as_deref(), Some("Bot fake-token"));
}

#[tokio::test]
async fn command_registration_is_validated_and_counted() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = rest_client(&fake);
    let chart = || {
        CreateCommand::new("chart")
            .description("Billboard chart runs")
            .name_localized("ko", "차트")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "artist", "Artist")
                    .required(true)
                    .set_autocomplete(true),
            )
            .add_option(CreateCommandOption::new(
                CommandOptionType::Integer,
                "weeks",
                "Weeks",
            ))
    };

    let created = Command::set_global_commands(&http, vec![chart()])
        .await
        .expect("registered");
    let again = Command::set_global_commands(&http, vec![chart()])
        .await
        .expect("registered again");
    assert_eq!(
        (created[0].id, created[0].version),
        (again[0].id, again[0].version)
    );
    assert_eq!(fake.command_writes(), 2);
    assert_eq!(fake.registered_commands(None)[0]["name"], "chart");
    assert_eq!(
        fake.slash("chart").build()["data"]["id"],
        created[0].id.to_string()
    );

    let guild = GuildId::new(fake.config().guild_ids[0]);
    guild
        .set_commands(
            &http,
            vec![CreateCommand::new("admin").description("Admin tools")],
        )
        .await
        .expect("guild set");
    assert_eq!(fake.registered_commands(Some(guild.get())).len(), 1);

    let invalid = [
        CreateCommand::new("Chart").description("uppercase name"),
        CreateCommand::new("chart").description(""),
        CreateCommand::new("chart")
            .description("bad locale")
            .name_localized("xx", "chart"),
        CreateCommand::new("chart")
            .description("optional before required")
            .add_option(CreateCommandOption::new(
                CommandOptionType::String,
                "a",
                "a",
            ))
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "b", "b").required(true),
            ),
        CreateCommand::new("chart")
            .description("choices and autocomplete")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "a", "a")
                    .add_string_choice("x", "x")
                    .set_autocomplete(true),
            ),
    ];
    for command in invalid {
        let error = Command::create_global_command(&http, command)
            .await
            .expect_err("invalid command");
        assert_eq!(discord_code(&error), Some(50035));
    }
    assert_eq!(fake.command_writes(), 3);
    let stored = Command::get_global_command(&http, created[0].id)
        .await
        .expect("get one");
    assert_eq!(stored.name_localizations.expect("localized")["ko"], "차트");
}

#[tokio::test]
async fn startup_routes_parse_in_serenity() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = rest_client(&fake);
    assert_eq!(
        http.get_gateway().await.expect("gateway").url,
        fake.gateway_url()
    );
    assert_eq!(http.get_bot_gateway().await.expect("bot gateway").shards, 1);
    assert_eq!(
        http.get_current_user().await.expect("me").id.get(),
        fake.config().bot_user_id
    );
    let app = http
        .get_current_application_info()
        .await
        .expect("application");
    assert_eq!(app.id.get(), fake.config().application_id);
    let channel = http
        .get_channel(ChannelId::new(fake.config().channel_id))
        .await
        .expect("channel");
    assert!(channel.guild().is_some());
    assert!(
        http.get_channel(ChannelId::new(fake.config().dm_channel_id))
            .await
            .expect("dm")
            .private()
            .is_some()
    );
    assert!(fake.unknown_routes().is_empty());
}

#[tokio::test]
async fn autocomplete_accepts_only_choices() {
    let mut h = Harness::start(FakeConfig::default()).await;
    let typed = h
        .fake
        .dispatch(
            h.fake
                .autocomplete("chart")
                .focused("artist", 3, "bt")
                .option("weeks", 3),
        )
        .await;
    let reply = h.fake.wait_response(typed.id, WAIT).await.expect("choices");
    assert_eq!(
        (reply.kind, reply.choices()[0]["name"].as_str()),
        (8, Some("bt: BTS"))
    );

    h.fake
        .dispatch(h.fake.autocomplete("other").focused("q", 3, "x"))
        .await;
    let refused = h.outcome("autocomplete:other").await;
    assert_eq!(
        refused.results[0].as_ref().err().and_then(discord_code),
        Some(50035)
    );
}

#[tokio::test]
async fn late_acknowledgement_gets_10062_and_is_marked_late() {
    // A deadline over as soon as the event is sent: any acknowledgement comes too late.
    let config = FakeConfig {
        interaction_deadline: Duration::ZERO,
        ..FakeConfig::default()
    };
    let mut h = Harness::start(config).await;
    let sent = h.fake.dispatch(h.fake.slash("late")).await;
    let outcome = h.outcome("late").await;

    assert_eq!(
        outcome.results[0].as_ref().err().and_then(discord_code),
        Some(10062)
    );
    let log = h.fake.interaction(sent.id).expect("known interaction");
    assert!(log.late && log.response.is_none());
}

#[tokio::test]
async fn deferred_reply_edit_and_followup_with_file_are_recorded() {
    let mut h = Harness::start(FakeConfig::default()).await;
    let sent = h.fake.dispatch(h.fake.slash("deferred").guild(None)).await;
    let outcome = h.outcome("deferred").await;
    assert!(
        outcome.results.iter().all(Result::is_ok),
        "{:?}",
        outcome.results
    );

    assert_eq!(
        h.fake
            .wait_response(sent.id, WAIT)
            .await
            .expect("deferred")
            .kind,
        5
    );
    let writes = h.fake.webhook_writes(sent.id);
    let kinds: Vec<WebhookWriteKind> = writes.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [WebhookWriteKind::EditOriginal, WebhookWriteKind::Followup]
    );
    assert_eq!(writes[0].message["content"], "done");
    assert_eq!(writes[1].files[0].filename, "chart.png");
    assert_eq!(
        writes[1].files[0].content_type.as_deref(),
        Some("image/png")
    );
    assert_eq!(writes[1].files[0].bytes, PNG);
    // attachment:// resolves to the uploaded file, which the fake serves.
    let url = writes[1].message["embeds"][0]["image"]["url"]
        .as_str()
        .expect("resolved url");
    assert_eq!(raw_get(url, None).await, (200, PNG.to_vec()));
}

#[tokio::test]
async fn components_and_modals_follow_discords_rules() {
    let mut h = Harness::start(FakeConfig::default()).await;
    let click = h.fake.dispatch(h.fake.button("open-modal")).await;
    assert_eq!(
        h.fake
            .wait_response(click.id, WAIT)
            .await
            .expect("modal")
            .kind,
        9
    );

    let submit = h
        .fake
        .dispatch(
            h.fake
                .modal_submit("feedback")
                .text_input("text", "great bot"),
        )
        .await;
    let thanks = h.fake.wait_response(submit.id, WAIT).await.expect("reply");
    assert_eq!(thanks.content(), Some("thanks: great bot"));

    // A modal submit cannot be answered with another modal.
    h.fake
        .dispatch(h.fake.modal_submit("again").text_input("text", "x"))
        .await;
    let refused = h.outcome("modal:again").await;
    assert_eq!(
        refused.results[0].as_ref().err().and_then(discord_code),
        Some(50035)
    );

    let select = h.fake.dispatch(h.fake.select("pick", &["a", "b"])).await;
    let update = h.fake.wait_response(select.id, WAIT).await.expect("update");
    assert_eq!(update.kind, 7);
    let log = h.fake.interaction(select.id).expect("known interaction");
    assert_eq!(
        log.original_message.expect("updated message")["content"],
        "updated"
    );
}

#[test]
fn built_payloads_deserialize_in_serenity() {
    let cfg = FakeConfig::default();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(FakeDiscord::start(cfg.clone()));
    let file = fake.add_attachment("list.csv", "text/csv", b"a,b\n".to_vec());
    let payloads = [
        fake.slash("chart")
            .option("artist", "BTS")
            .option("weeks", 3)
            .option("ratio", 0.5)
            .option("public", true)
            .build(),
        fake.slash("admin")
            .subcommand("import", |o| {
                o.attachment("file", &file).option("dry", true)
            })
            .build(),
        fake.slash("admin")
            .subcommand_group("cache", "clear", |o| o.option("all", true))
            .build(),
        fake.slash("chart")
            .guild(None)
            .user(42, "someone")
            .locale("ko")
            .build(),
        fake.slash("chart")
            .roles(&[7, 8])
            .permissions("8")
            .guild_locale("ja")
            .build(),
        fake.autocomplete("chart")
            .focused("artist", 3, "bt")
            .build(),
        fake.button("next").build(),
        fake.select("pick", &["a", "b"]).build(),
        fake.modal_submit("feedback")
            .text_input("text", "hi")
            .build(),
    ];
    for payload in payloads {
        let parsed: Interaction =
            serde_json::from_value(payload.clone()).unwrap_or_else(|e| panic!("{e}: {payload}"));
        assert_eq!(parsed.application_id().get(), cfg.application_id);
    }
    let dm: Interaction =
        serde_json::from_value(fake.slash("chart").guild(None).user(42, "x").build()).expect("dm");
    let dm = dm.command().expect("command");
    assert_eq!(
        (dm.user.id.get(), dm.guild_id, dm.locale.as_str()),
        (42, None, "en-US")
    );
    let with_file = fake
        .slash("admin")
        .subcommand("import", |o| o.attachment("file", &file))
        .build();
    let parsed = serde_json::from_value::<Interaction>(with_file)
        .expect("parses")
        .command()
        .expect("command");
    assert_eq!(
        parsed
            .data
            .resolved
            .attachments
            .values()
            .next()
            .expect("resolved")
            .filename,
        "list.csv"
    );
    let url = file["url"].as_str().expect("url").to_owned();
    assert_eq!(
        runtime.block_on(raw_get(&url, None)),
        (200, b"a,b\n".to_vec())
    );
}
