//! The websocket gateway: HELLO, IDENTIFY → READY (+ GUILD_CREATE) for the shard's guilds,
//! heartbeats, RESUME with replay, and Discord's close codes for protocol mistakes.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::session::{Dispatch, Outbound};
use super::state::{Inner, Shared};
use super::{FakeConfig, objects, shards};

type Close = (u16, &'static str);

const UNKNOWN_OPCODE: Close = (4001, "Unknown opcode.");
const DECODE_ERROR: Close = (4002, "Error while decoding payload.");
const NOT_AUTHENTICATED: Close = (4003, "Not authenticated.");
const AUTHENTICATION_FAILED: Close = (4004, "Authentication failed.");
const ALREADY_AUTHENTICATED: Close = (4005, "Already authenticated.");
const RATE_LIMITED: Close = (4008, "Rate limited.");
const INVALID_SHARD: Close = (4010, "Invalid shard.");
/// The shard would hold more guilds than Discord allows one shard.
const SHARDING_REQUIRED: Close = (4011, "Sharding required.");
const INVALID_INTENTS: Close = (4013, "Invalid intent(s).");
const DISALLOWED_INTENTS: Close = (4014, "Disallowed intent(s).");

const GUILDS_INTENT: u64 = 1;
/// GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT need enabling in the developer portal.
const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);
const MAX_PAYLOAD_BYTES: usize = 4096;
/// Discord allows 120 gateway sends per 60 s per connection.
const SEND_LIMIT: usize = 120;
const SEND_WINDOW: Duration = Duration::from_secs(60);

pub(super) async fn upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(shared, socket))
}

/// What the socket loop does next.
enum Step {
    Continue,
    Close(Close),
    End,
}

async fn serve(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut outbound) = mpsc::unbounded_channel();
    let conn = shared.update(|inner| inner.gateway.open(tx));
    let interval = u64::try_from(shared.config.heartbeat_interval.as_millis()).unwrap_or(u64::MAX);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}, "s": null, "t": null});
    let mut sends = VecDeque::new();
    let mut step = match socket.send(Message::Text(hello.to_string().into())).await {
        Ok(()) => Step::Continue,
        Err(_) => Step::End,
    };
    while let Step::Continue = step {
        step = tokio::select! {
            out = outbound.recv() => outgoing(&mut socket, out).await,
            msg = socket.recv() => incoming(&shared, conn, &mut sends, msg),
        };
    }
    if let Step::Close(code) = step {
        close(&shared, &mut socket, code).await;
    }
    shared.update(|inner| inner.gateway.closed(conn));
}

async fn outgoing(socket: &mut WebSocket, out: Option<Outbound>) -> Step {
    match out {
        Some(Outbound::Frame(text)) => match socket.send(Message::Text(text.into())).await {
            Ok(()) => Step::Continue,
            Err(_) => Step::End,
        },
        Some(Outbound::Close(code, reason)) => Step::Close((code, reason)),
        Some(Outbound::Drop) | None => Step::End,
    }
}

fn incoming(
    shared: &Shared,
    conn: u64,
    sends: &mut VecDeque<Instant>,
    msg: Option<Result<Message, axum::Error>>,
) -> Step {
    let text = match msg {
        Some(Ok(Message::Text(text))) => text,
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Step::Continue,
        // serenity sends JSON text; ETF or compressed client frames are not spoken here.
        Some(Ok(Message::Binary(_))) => return Step::Close(DECODE_ERROR),
        Some(Ok(Message::Close(frame))) => {
            shared.update(|inner| inner.gateway.client_closed(conn, frame.map(|f| f.code)));
            return Step::End;
        }
        Some(Err(_)) | None => return Step::End,
    };
    let verdict = if over_send_limit(sends) {
        Err(RATE_LIMITED)
    } else if text.len() > MAX_PAYLOAD_BYTES {
        Err(DECODE_ERROR)
    } else {
        let (cfg, url) = (&shared.config, &shared.gateway_url);
        shared.update(|inner| on_frame(inner, cfg, url, conn, text.as_str()))
    };
    verdict.map_or_else(Step::Close, |()| Step::Continue)
}

fn over_send_limit(sends: &mut VecDeque<Instant>) -> bool {
    let now = Instant::now();
    while sends
        .front()
        .is_some_and(|t| now.duration_since(*t) > SEND_WINDOW)
    {
        sends.pop_front();
    }
    sends.push_back(now);
    sends.len() > SEND_LIMIT
}

async fn close(shared: &Shared, socket: &mut WebSocket, (code, reason): Close) {
    shared.update(|inner| inner.gateway.stats.closes_sent.push(code));
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        // Wait for the client's answering close frame: dropping the socket with unread input
        // would reset the connection and could discard the close frame before it is read.
        let drain = async {
            while let Some(Ok(msg)) = socket.recv().await {
                if matches!(msg, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    }
}

fn on_frame(
    inner: &mut Inner,
    cfg: &FakeConfig,
    url: &str,
    conn: u64,
    text: &str,
) -> Result<(), Close> {
    let payload: Value = serde_json::from_str(text).map_err(|_| DECODE_ERROR)?;
    let d = &payload["d"];
    let op = payload["op"].as_u64().ok_or(DECODE_ERROR)?;
    if matches!(op, 3 | 4 | 8 | 31) && !inner.gateway.is_authenticated(conn) {
        return Err(NOT_AUTHENTICATED);
    }
    match op {
        1 => inner.gateway.heartbeat(conn, d.as_u64()),
        2 => identify(inner, cfg, url, conn, d)?,
        3 => inner.gateway.stats.presence_updates += 1,
        6 => resume(inner, cfg, conn, d)?,
        // Voice state, member and soundboard requests: accepted, never answered.
        4 | 8 | 31 => {}
        _ => return Err(UNKNOWN_OPCODE),
    }
    Ok(())
}

fn check_token(inner: &Inner, cfg: &FakeConfig, d: &Value) -> Result<(), Close> {
    let token = d["token"].as_str().ok_or(DECODE_ERROR)?;
    let token = token.strip_prefix("Bot ").unwrap_or(token);
    if inner.gateway.invalid_token || token != cfg.token {
        return Err(AUTHENTICATION_FAILED);
    }
    Ok(())
}

fn identify(
    inner: &mut Inner,
    cfg: &FakeConfig,
    url: &str,
    conn: u64,
    d: &Value,
) -> Result<(), Close> {
    if inner.gateway.is_authenticated(conn) {
        return Err(ALREADY_AUTHENTICATED);
    }
    if let Some(code) = inner.gateway.close_on_identify {
        return Err((code, "Closed by the fake on IDENTIFY."));
    }
    check_token(inner, cfg, d)?;
    if !d["properties"].is_object() {
        return Err(DECODE_ERROR);
    }
    let intents = d["intents"].as_u64().ok_or(INVALID_INTENTS)?;
    if intents & PRIVILEGED_INTENTS & !cfg.allowed_privileged_intents != 0 {
        return Err(DISALLOWED_INTENTS);
    }
    let shard = match &d["shard"] {
        Value::Null => (0, 1),
        shard => shards::parse_shard(shard).ok_or(INVALID_SHARD)?,
    };
    let guilds = shards::guilds_on(cfg, shard);
    if let Some(limit) = cfg.guilds_per_shard_limit.filter(|&l| guilds.len() > l) {
        if cfg.recommend_enough_after_4011 {
            let enough = (1..)
                .find(|&n| (0..n).all(|s| shards::guilds_on(cfg, (s, n)).len() <= limit))
                .unwrap_or(1);
            let recommended = &mut inner.gateway.recommended_shards;
            *recommended = (*recommended).max(enough);
        }
        return Err(SHARDING_REQUIRED);
    }
    let gateway = &mut inner.gateway;
    gateway.stats.identifies += 1;
    gateway.stats.identified.push(shard);
    gateway.stats.last_intents = Some(intents);
    gateway.session_starts_remaining = gateway.session_starts_remaining.saturating_sub(1);
    let session_id = format!("{:016x}{:016x}", objects::snowflake(), objects::snowflake());
    let mut initial = vec![Dispatch {
        t: "READY",
        d: objects::ready(cfg, &session_id, url, shard, &guilds),
        interaction: None,
    }];
    if intents & GUILDS_INTENT != 0 {
        initial.extend(guilds.iter().map(|&guild| guild_create(inner, cfg, guild)));
    }
    let delivered = inner
        .gateway
        .start_session(conn, shard, session_id, initial);
    inner.mark_sent(delivered);
    Ok(())
}

/// GUILD_CREATE with the text channels the fake knows in the guild.
fn guild_create(inner: &Inner, cfg: &FakeConfig, guild: u64) -> Dispatch {
    let mut channels: Vec<u64> = inner
        .channels
        .iter()
        .filter(|(_, c)| c.guild_id == Some(guild))
        .map(|(&id, _)| id)
        .collect();
    channels.sort_unstable();
    Dispatch {
        t: "GUILD_CREATE",
        d: objects::guild_create(cfg, guild, &channels),
        interaction: None,
    }
}

fn resume(inner: &mut Inner, cfg: &FakeConfig, conn: u64, d: &Value) -> Result<(), Close> {
    check_token(inner, cfg, d)?;
    let session_id = d["session_id"].as_str().ok_or(DECODE_ERROR)?;
    let seq = d["seq"].as_u64().ok_or(DECODE_ERROR)?;
    match inner.gateway.resume(conn, session_id, seq) {
        Some(delivered) => inner.mark_sent(delivered),
        None => {
            // Unknown session: op 9 (not resumable); the client must IDENTIFY again.
            inner.gateway.stats.invalid_sessions += 1;
            let invalid = json!({"op": 9, "d": false, "s": null, "t": null}).to_string();
            inner.gateway.send(conn, Outbound::Frame(invalid));
        }
    }
    Ok(())
}
