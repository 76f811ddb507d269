//! A loopback relay between serenity's shard and the gateway. serenity 0.12 keeps close codes to
//! itself and answers some of them badly: after 4003, 4010 or 4011 its shard runner spins on the
//! closed socket (and will not stop); 4012 and unknown codes reconnect within seconds, forever.
//! Every gateway frame passes through here instead, where
//!
//! - a close code no reconnect can cure ([`INCURABLE`]) ends the run: the relay reports it, and
//!   serenity never sees it (nor reconnects, nor identifies again);
//! - a close serenity would spin on ([`CUT_INSTEAD`]) reaches it as a cut connection;
//! - IDENTIFYs that bring no READY space out the next connections, doubling the wait up to
//!   [`LONGEST_WAIT`], so a failing gateway cannot spend the day's identify budget (1,000).
//!
//! Anything else passes as it is: frames both ways, close frames, and connections cut without
//! one (serenity then resumes as it would).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Authentication failed (4004), invalid shard (4010), sharding required (4011: the shard
/// holds too many servers), invalid API version (4012), invalid (4013) or disallowed (4014)
/// intents: the same session would be refused again. 4011 may be cured by more shards.
pub const INCURABLE: [u16; 6] = [4004, 4010, 4011, 4012, 4013, 4014];

/// A code after which serenity 0.12 leaves its shard runner spinning on the closed socket (not
/// authenticated): the bot's socket is cut instead, and serenity reconnects.
const CUT_INSTEAD: [u16; 1] = [4003];

/// The wait before the first connection after an IDENTIFY that got no READY, doubled for each
/// further one, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(5);
const LONGEST_WAIT: Duration = Duration::from_secs(10 * 60);

/// Gateway payloads have no size limit of their own (READY can be large), as in serenity.
fn unlimited() -> WebSocketConfig {
    WebSocketConfig {
        max_message_size: None,
        max_frame_size: None,
        ..WebSocketConfig::default()
    }
}

pub struct Relay {
    /// `ws://127.0.0.1:PORT`, for serenity's `ws_url`.
    pub url: String,
    shared: Arc<Shared>,
    refused: watch::Receiver<Option<u16>>,
    accept: JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

struct Shared {
    /// The gateway URL without its query (serenity adds `?v=10`).
    gateway: String,
    refused: watch::Sender<Option<u16>>,
    identifies: Mutex<Identifies>,
}

#[derive(Default)]
struct Identifies {
    /// IDENTIFYs sent since the last READY.
    unanswered: u32,
    last: Option<Instant>,
}

impl Relay {
    /// Listens on loopback for serenity's connections and relays each to `gateway`.
    pub async fn start(gateway: String) -> std::io::Result<Relay> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("ws://{}", listener.local_addr()?);
        let (refused_tx, refused) = watch::channel(None);
        let shared = Arc::new(Shared {
            gateway,
            refused: refused_tx,
            identifies: Mutex::default(),
        });
        let accept = tokio::spawn(accept(listener, shared.clone()));
        Ok(Relay {
            url,
            shared,
            refused,
            accept,
        })
    }

    /// Resolves with the close code when the gateway refused the session for good.
    pub async fn refused(&mut self) -> u16 {
        let code = self
            .refused
            .wait_for(Option::is_some)
            .await
            .map(|code| code.unwrap_or_default());
        match code {
            Ok(code) => code,
            // The sender lives in `shared`, as long as `self`.
            Err(_) => std::future::pending().await,
        }
    }

    /// Forgets a refusal, before the shards start again in another way (more of them).
    pub fn reset(&mut self) {
        self.shared.refused.send_replace(None);
    }

    /// What the event handler tells when a session is READY.
    pub fn sessions(&self) -> Sessions {
        Sessions(self.shared.clone())
    }
}

/// Told when the gateway gave a session (READY), which clears the IDENTIFYs owed a pause.
/// (Not an event handler of its own: serenity would copy every event for it.)
pub struct Sessions(Arc<Shared>);

impl Sessions {
    pub fn started(&self) {
        self.0.session_started();
    }
}

impl Shared {
    fn lock_identifies(&self) -> std::sync::MutexGuard<'_, Identifies> {
        self.identifies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits out the pause owed to IDENTIFYs that got no READY.
    async fn wait_turn(&self) {
        let resume_at = {
            let ids = self.lock_identifies();
            match (ids.unanswered, ids.last) {
                (0, _) | (_, None) => return,
                (n, Some(last)) => {
                    let doubled = FIRST_WAIT.saturating_mul(1 << (n - 1).min(16));
                    last + doubled.min(LONGEST_WAIT)
                }
            }
        };
        if resume_at > Instant::now() {
            tracing::warn!(
                seconds = (resume_at - Instant::now()).as_secs(),
                "the gateway gave no session; waiting before connecting again"
            );
            tokio::time::sleep_until(resume_at).await;
        }
    }

    fn session_started(&self) {
        self.lock_identifies().unanswered = 0;
    }

    fn identifying(&self) {
        let mut ids = self.lock_identifies();
        ids.unanswered += 1;
        ids.last = Some(Instant::now());
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    connections.spawn(serve(tcp, shared.clone()));
                }
                Err(e) => tracing::warn!(error = %e, "the gateway relay could not accept"),
            },
            Some(_) = connections.join_next() => {}
        }
    }
}

type Socket<S> = tokio_tungstenite::WebSocketStream<S>;

async fn serve(tcp: TcpStream, shared: Arc<Shared>) {
    // Frames go out as they come; Nagle's wait would add up to 40 ms to every answer.
    let _ = tcp.set_nodelay(true);
    let mut query = String::new();
    // The callback's signature (and its large error) is tungstenite's.
    #[allow(clippy::result_large_err)]
    let remember_query = |req: &Request, resp: Response| {
        query = req.uri().query().unwrap_or_default().to_string();
        Ok(resp)
    };
    let Ok(bot) =
        tokio_tungstenite::accept_hdr_async_with_config(tcp, remember_query, Some(unlimited()))
            .await
    else {
        return;
    };
    if shared.refused.borrow().is_some() {
        let (to_bot, from_bot) = bot.split();
        park(to_bot, from_bot).await;
        return;
    }
    shared.wait_turn().await;
    let url = if query.is_empty() {
        shared.gateway.clone()
    } else {
        format!("{}?{query}", shared.gateway)
    };
    match tokio_tungstenite::connect_async_with_config(url, Some(unlimited()), true).await {
        Ok((gateway, _)) => relay(bot, gateway, &shared).await,
        // Dropping the bot's socket makes serenity try again.
        Err(e) => tracing::warn!(error = %e, "connecting to the gateway failed"),
    }
}

/// Passes frames both ways until either side ends.
async fn relay<B, G>(bot: Socket<B>, gateway: Socket<G>, shared: &Shared)
where
    B: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    G: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut to_bot, mut from_bot) = bot.split();
    let (mut to_gateway, mut from_gateway) = gateway.split();
    loop {
        tokio::select! {
            sent = from_bot.next() => match sent {
                Some(Ok(Message::Text(text))) => {
                    if is_identify(&text) {
                        shared.identifying();
                    }
                    if to_gateway.send(Message::Text(text)).await.is_err() {
                        return;
                    }
                }
                Some(Ok(msg @ Message::Binary(_))) => {
                    if to_gateway.send(msg).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    // The bot's own close (a shutdown): answered on both sides, then done.
                    let _ = to_bot.flush().await;
                    let _ = to_gateway.send(Message::Close(frame)).await;
                    let _ = tokio::time::timeout(Duration::from_secs(1), from_gateway.next()).await;
                    return;
                }
                // Pings are answered by each side's own socket.
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            },
            received = from_gateway.next() => match received {
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.as_ref().map(|f| u16::from(f.code));
                    if let Some(code) = code.filter(|c| INCURABLE.contains(c)) {
                        shared.refused.send_replace(Some(code));
                        park(to_bot, from_bot).await;
                        return;
                    }
                    if code.is_some_and(|c| CUT_INSTEAD.contains(&c)) {
                        return;
                    }
                    let _ = to_bot.send(Message::Close(frame)).await;
                    let _ = tokio::time::timeout(Duration::from_secs(1), from_bot.next()).await;
                    return;
                }
                Some(Ok(msg @ (Message::Text(_) | Message::Binary(_)))) => {
                    if to_bot.send(msg).await.is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                // Cut without a close frame: cut the bot's socket the same way, so it resumes.
                Some(Err(_)) | None => return,
            },
        }
    }
}

/// Keeps the bot's socket open and quiet until the bot closes it (as it does on shutdown).
async fn park<Si, St>(mut to_bot: Si, mut from_bot: St)
where
    Si: futures_util::Sink<Message> + Unpin,
    St: futures_util::Stream<Item = Result<Message, WsError>> + Unpin,
{
    while let Some(Ok(msg)) = from_bot.next().await {
        if matches!(msg, Message::Close(_)) {
            let _ = to_bot.flush().await;
            return;
        }
    }
}

/// Whether a frame the bot sends is an IDENTIFY (op 2).
fn is_identify(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Op {
        op: u8,
    }
    serde_json::from_str::<Op>(text).is_ok_and(|o| o.op == 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_an_identify() {
        assert!(is_identify(r#"{"op":2,"d":{"token":"x","intents":1}}"#));
        assert!(!is_identify(r#"{"op":1,"d":41}"#));
        assert!(!is_identify(r#"{"op":6,"d":{"session_id":"s","seq":3}}"#));
        assert!(!is_identify("not json"));
    }

    #[tokio::test(start_paused = true)]
    async fn identifies_without_a_session_space_out_the_next_connections() {
        let shared = Shared {
            gateway: String::new(),
            refused: watch::channel(None).0,
            identifies: Mutex::default(),
        };
        let mut waits = Vec::new();
        for _ in 0..10 {
            let before = Instant::now();
            shared.wait_turn().await;
            waits.push((Instant::now() - before).as_secs());
            shared.identifying();
        }
        assert_eq!(waits, [0, 5, 10, 20, 40, 80, 160, 320, 600, 600]);
        // A day of refusals costs a few hundred IDENTIFYs at most, of Discord's 1,000.
        assert!(24 * 60 * 60 / LONGEST_WAIT.as_secs() < 200);
        shared.session_started();
        let before = Instant::now();
        shared.wait_turn().await;
        assert_eq!(Instant::now(), before, "a session resets the count");
    }
}
