//! Gateway session bookkeeping: open sockets, the live (authenticated) one, the sequence
//! numbers of the current session and the dispatch log replayed on RESUME.

use std::collections::{HashMap, VecDeque};

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::records::GatewayStats;

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

struct Logged {
    seq: u64,
    dispatch: Dispatch,
    /// Written to a live socket at least once (it may still have been lost with it).
    delivered: bool,
}

struct Session {
    id: String,
    seq: u64,
    log: VecDeque<Logged>,
}

struct Conn {
    tx: UnboundedSender<Outbound>,
    authenticated: bool,
}

#[derive(Default)]
pub(super) struct Gateway {
    conns: HashMap<u64, Conn>,
    next_conn: u64,
    /// The authenticated socket that receives dispatches.
    live: Option<u64>,
    session: Option<Session>,
    /// Dispatches made while no session existed, sent after the next READY.
    pending: VecDeque<Dispatch>,
    pub invalid_token: bool,
    /// Every IDENTIFY is answered with this close code.
    pub close_on_identify: Option<u16>,
    pub stats: GatewayStats,
}

impl Gateway {
    pub fn open(&mut self, tx: UnboundedSender<Outbound>) -> u64 {
        self.next_conn += 1;
        self.conns.insert(
            self.next_conn,
            Conn {
                tx,
                authenticated: false,
            },
        );
        self.stats.connections += 1;
        self.next_conn
    }

    /// The socket task ended.
    pub fn closed(&mut self, conn: u64) {
        self.conns.remove(&conn);
        if self.live == Some(conn) {
            self.live = None;
        }
    }

    /// The client sent a close frame; 1000 and 1001 end the session on Discord.
    pub fn client_closed(&mut self, conn: u64, code: Option<u16>) {
        if let Some(code) = code {
            self.stats.client_closes.push(code);
        }
        if matches!(code, Some(1000 | 1001)) && self.live == Some(conn) {
            self.end_session();
        }
    }

    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    pub fn is_authenticated(&self, conn: u64) -> bool {
        self.conns.get(&conn).is_some_and(|c| c.authenticated)
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
        self.live = None;
    }

    /// Sequences a dispatch in the current session and sends it if a socket is live; without a
    /// session it waits for the next READY. Returns the interaction it delivered, if any.
    pub fn push(&mut self, dispatch: Dispatch) -> Option<u64> {
        let Some(session) = &mut self.session else {
            self.pending.push_back(dispatch);
            return None;
        };
        session.seq += 1;
        let seq = session.seq;
        let tx = self.live.and_then(|c| self.conns.get(&c)).map(|c| &c.tx);
        let delivered =
            tx.is_some_and(|tx| tx.send(Outbound::Frame(frame(seq, &dispatch))).is_ok());
        let interaction = dispatch.interaction.filter(|_| delivered);
        session.log.push_back(Logged {
            seq,
            dispatch,
            delivered,
        });
        interaction
    }

    /// IDENTIFY succeeded: a new session starts with `initial` (READY, GUILD_CREATE…), then
    /// whatever never reached the client. Returns the interactions delivered.
    pub fn start_session(&mut self, conn: u64, id: String, initial: Vec<Dispatch>) -> Vec<u64> {
        self.end_session();
        self.session = Some(Session {
            id,
            seq: 0,
            log: VecDeque::new(),
        });
        self.go_live(conn);
        let queued = std::mem::take(&mut self.pending);
        initial
            .into_iter()
            .chain(queued)
            .filter_map(|d| self.push(d))
            .collect()
    }

    /// RESUME: replays everything after `seq`, then RESUMED. `None` if the session is unknown.
    pub fn resume(&mut self, conn: u64, session_id: &str, seq: u64) -> Option<Vec<u64>> {
        if self.session.as_ref().is_none_or(|s| s.id != session_id) {
            return None;
        }
        self.go_live(conn);
        let session = self.session.as_mut().expect("checked above");
        session.log.retain(|l| l.seq > seq);
        let tx = &self.conns[&conn].tx;
        let mut delivered = Vec::new();
        for logged in &mut session.log {
            let _ = tx.send(Outbound::Frame(frame(logged.seq, &logged.dispatch)));
            logged.delivered = true;
            delivered.extend(logged.dispatch.interaction);
        }
        self.stats.resumes += 1;
        delivered.extend(self.push(Dispatch {
            t: "RESUMED",
            d: json!({}),
            interaction: None,
        }));
        Some(delivered)
    }

    /// Op 1: acknowledge, and forget dispatches the client confirms it has.
    pub fn heartbeat(&mut self, conn: u64, seq: Option<u64>) {
        self.stats.heartbeats += 1;
        if let (Some(seq), Some(session)) = (seq, &mut self.session) {
            session.log.retain(|l| l.seq > seq);
        }
        self.send(
            conn,
            Outbound::Frame(json!({"op": 11, "d": null, "s": null, "t": null}).to_string()),
        );
    }

    /// Ends the session; dispatches that never reached a socket wait for the next one.
    pub fn end_session(&mut self) {
        if let Some(session) = self.session.take() {
            let undelivered = session
                .log
                .into_iter()
                .filter(|l| !l.delivered)
                .map(|l| l.dispatch);
            self.pending.extend(undelivered);
        }
        self.live = None;
    }

    fn go_live(&mut self, conn: u64) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.authenticated = true;
        }
        self.live = Some(conn);
    }
}

fn frame(seq: u64, dispatch: &Dispatch) -> String {
    json!({"op": 0, "s": seq, "t": dispatch.t, "d": dispatch.d}).to_string()
}
