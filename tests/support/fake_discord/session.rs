//! Gateway session bookkeeping: open sockets and, per shard, the live (authenticated) one, the
//! sequence numbers of its session and the dispatch log replayed on RESUME. Dispatches for a
//! shard without a session wait in one queue until it has one.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::FakeConfig;
use super::records::GatewayStats;
use super::shards;

/// What the REST side or a fault asks a socket task to do.
pub(super) enum Outbound {
    Frame(String),
    /// Send a close frame with this code, then end the connection.
    Close(u16, &'static str),
    /// End the TCP connection without a close frame.
    Drop,
}

pub(super) struct Dispatch {
    pub t: &'static str,
    pub d: Value,
    /// Set for INTERACTION_CREATE, whose 3 s clock starts when it reaches a socket.
    pub interaction: Option<u64>,
}

/// An INTERACTION_CREATE written to a live socket, and the shard of that socket.
pub(super) struct Delivered {
    pub interaction: u64,
    pub shard: u32,
}

struct Logged {
    seq: u64,
    dispatch: Dispatch,
    /// Written to a live socket at least once (it may still have been lost with it).
    delivered: bool,
}

struct Session {
    id: String,
    /// The shard count this session identified with.
    num_shards: u32,
    seq: u64,
    log: VecDeque<Logged>,
}

/// One shard's side of the gateway.
#[derive(Default)]
struct Shard {
    /// The authenticated socket that receives this shard's dispatches.
    live: Option<u64>,
    session: Option<Session>,
}

struct Conn {
    tx: UnboundedSender<Outbound>,
    /// The shard this socket identified or resumed as.
    shard: Option<u32>,
}

pub(super) struct Gateway {
    conns: HashMap<u64, Conn>,
    next_conn: u64,
    shards: BTreeMap<u32, Shard>,
    /// The count of the most recent IDENTIFY; dispatches are routed by it.
    num_shards: u32,
    /// Dispatches whose shard had no session, sent after that shard's READY.
    pending: VecDeque<Dispatch>,
    pub invalid_token: bool,
    /// Every IDENTIFY is answered with this close code.
    pub close_on_identify: Option<u16>,
    /// What `GET /gateway/bot` recommends.
    pub recommended_shards: u32,
    /// Session starts left, counted down by every accepted IDENTIFY.
    pub session_starts_remaining: u32,
    pub stats: GatewayStats,
}

impl Default for Gateway {
    fn default() -> Self {
        Self::new(&FakeConfig::default())
    }
}

impl Gateway {
    pub fn new(config: &FakeConfig) -> Self {
        Self {
            conns: HashMap::new(),
            next_conn: 0,
            shards: BTreeMap::new(),
            num_shards: 1,
            pending: VecDeque::new(),
            invalid_token: false,
            close_on_identify: None,
            recommended_shards: config.shard_count,
            session_starts_remaining: config.session_start_total,
            stats: GatewayStats::default(),
        }
    }

    pub fn open(&mut self, tx: UnboundedSender<Outbound>) -> u64 {
        self.next_conn += 1;
        self.conns.insert(self.next_conn, Conn { tx, shard: None });
        self.stats.connections += 1;
        self.next_conn
    }

    /// The socket task ended.
    pub fn closed(&mut self, conn: u64) {
        self.conns.remove(&conn);
        for shard in self.shards.values_mut() {
            if shard.live == Some(conn) {
                shard.live = None;
            }
        }
    }

    /// The client sent a close frame; 1000 and 1001 end the session on Discord.
    pub fn client_closed(&mut self, conn: u64, code: Option<u16>) {
        if let Some(code) = code {
            self.stats.client_closes.push(code);
        }
        if !matches!(code, Some(1000 | 1001)) {
            return;
        }
        if let Some(shard) = self.live_shard_of(conn) {
            self.end_shard_session(shard);
        }
    }

    /// Some shard has a live socket.
    pub fn is_live(&self) -> bool {
        self.shards.values().any(|s| s.live.is_some())
    }

    /// `(shard_id, num_shards)` of every shard with a live socket, by shard id.
    pub fn live_shards(&self) -> Vec<(u32, u32)> {
        self.shards
            .iter()
            .filter(|(_, s)| s.live.is_some())
            .filter_map(|(&id, s)| Some((id, s.session.as_ref()?.num_shards)))
            .collect()
    }

    pub fn is_authenticated(&self, conn: u64) -> bool {
        self.conns.get(&conn).is_some_and(|c| c.shard.is_some())
    }

    pub fn send(&self, conn: u64, out: Outbound) {
        if let Some(c) = self.conns.get(&conn) {
            // A send fails only when the socket task is already gone, which is fine.
            let _ = c.tx.send(out);
        }
    }

    /// Sends `out` to every socket (fault injection); no socket stays live.
    pub fn kick(&mut self, out: impl Fn() -> Outbound) {
        for conn in self.conns.values() {
            let _ = conn.tx.send(out());
        }
        for shard in self.shards.values_mut() {
            shard.live = None;
        }
    }

    /// Sends `out` to every socket authenticated as `shard`; that shard is no longer live.
    pub fn kick_shard(&mut self, shard: u32, out: impl Fn() -> Outbound) {
        for conn in self.conns.values().filter(|c| c.shard == Some(shard)) {
            let _ = conn.tx.send(out());
        }
        if let Some(state) = self.shards.get_mut(&shard) {
            state.live = None;
        }
    }

    /// Routes a dispatch to the shard of its guild (DMs and guildless events: shard 0).
    pub fn push(&mut self, dispatch: Dispatch) -> Option<Delivered> {
        let guild = shards::guild_of(dispatch.t, &dispatch.d);
        let shard = guild.map_or(0, |g| shards::shard_of(g, self.num_shards));
        self.push_to(shard, dispatch)
    }

    /// Sequences a dispatch in the shard's session and sends it if the shard's socket is live;
    /// without a session it waits for that shard's READY. Returns the interaction delivered.
    fn push_to(&mut self, shard: u32, dispatch: Dispatch) -> Option<Delivered> {
        let Some(state) = self.shards.get_mut(&shard) else {
            self.pending.push_back(dispatch);
            return None;
        };
        let Some(session) = &mut state.session else {
            self.pending.push_back(dispatch);
            return None;
        };
        session.seq += 1;
        let seq = session.seq;
        let tx = state.live.and_then(|c| self.conns.get(&c)).map(|c| &c.tx);
        let delivered =
            tx.is_some_and(|tx| tx.send(Outbound::Frame(frame(seq, &dispatch))).is_ok());
        let interaction = dispatch.interaction.filter(|_| delivered);
        session.log.push_back(Logged {
            seq,
            dispatch,
            delivered,
        });
        interaction.map(|interaction| Delivered { interaction, shard })
    }

    /// IDENTIFY succeeded: a new session of `shard` starts with `initial` (READY,
    /// GUILD_CREATE…), then whatever waited for it. Returns the interactions delivered.
    pub fn start_session(
        &mut self,
        conn: u64,
        (shard, num_shards): (u32, u32),
        id: String,
        initial: Vec<Dispatch>,
    ) -> Vec<Delivered> {
        self.end_shard_session(shard);
        self.num_shards = num_shards;
        self.shards.entry(shard).or_default().session = Some(Session {
            id,
            num_shards,
            seq: 0,
            log: VecDeque::new(),
        });
        self.go_live(conn, shard);
        let mut delivered: Vec<Delivered> = initial
            .into_iter()
            .filter_map(|d| self.push_to(shard, d))
            .collect();
        // Routed again: the count may have changed since they were queued.
        let queued = std::mem::take(&mut self.pending);
        delivered.extend(queued.into_iter().filter_map(|d| self.push(d)));
        delivered
    }

    /// RESUME: replays everything after `seq`, then RESUMED. `None` if the session is unknown.
    pub fn resume(&mut self, conn: u64, session_id: &str, seq: u64) -> Option<Vec<Delivered>> {
        let shard = self.shards.iter().find_map(|(&id, s)| {
            s.session
                .as_ref()
                .filter(|session| session.id == session_id)
                .map(|_| id)
        })?;
        self.go_live(conn, shard);
        let session = self.shards.get_mut(&shard)?.session.as_mut()?;
        session.log.retain(|l| l.seq > seq);
        let tx = &self.conns[&conn].tx;
        let mut delivered = Vec::new();
        for logged in &mut session.log {
            let _ = tx.send(Outbound::Frame(frame(logged.seq, &logged.dispatch)));
            logged.delivered = true;
            let interaction = logged.dispatch.interaction;
            delivered.extend(interaction.map(|interaction| Delivered { interaction, shard }));
        }
        self.stats.resumes += 1;
        delivered.extend(self.push_to(
            shard,
            Dispatch {
                t: "RESUMED",
                d: json!({}),
                interaction: None,
            },
        ));
        Some(delivered)
    }

    /// Op 1: acknowledge, and forget dispatches the client confirms it has.
    pub fn heartbeat(&mut self, conn: u64, seq: Option<u64>) {
        self.stats.heartbeats += 1;
        let shard = self.live_shard_of(conn);
        let session = shard.and_then(|s| self.shards.get_mut(&s)?.session.as_mut());
        if let (Some(seq), Some(session)) = (seq, session) {
            session.log.retain(|l| l.seq > seq);
        }
        self.send(
            conn,
            Outbound::Frame(json!({"op": 11, "d": null, "s": null, "t": null}).to_string()),
        );
    }

    /// Ends every shard's session.
    pub fn end_session(&mut self) {
        let shards: Vec<u32> = self.shards.keys().copied().collect();
        for shard in shards {
            self.end_shard_session(shard);
        }
    }

    /// Ends the shard's session; dispatches that never reached a socket wait for the next one.
    pub fn end_shard_session(&mut self, shard: u32) {
        let Some(state) = self.shards.get_mut(&shard) else {
            return;
        };
        state.live = None;
        if let Some(session) = state.session.take() {
            let undelivered = session
                .log
                .into_iter()
                .filter(|l| !l.delivered)
                .map(|l| l.dispatch);
            self.pending.extend(undelivered);
        }
    }

    /// The shard `conn` is the live socket of.
    fn live_shard_of(&self, conn: u64) -> Option<u32> {
        let shard = self.conns.get(&conn)?.shard?;
        (self.shards.get(&shard)?.live == Some(conn)).then_some(shard)
    }

    fn go_live(&mut self, conn: u64, shard: u32) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.shard = Some(shard);
        }
        self.shards.entry(shard).or_default().live = Some(conn);
    }
}

fn frame(seq: u64, dispatch: &Dispatch) -> String {
    json!({"op": 0, "s": seq, "t": dispatch.t, "d": dispatch.d}).to_string()
}
