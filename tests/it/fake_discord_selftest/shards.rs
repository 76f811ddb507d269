//! The fake's gateway sharding, seen from bare websocket clients that each identify as one
//! shard: what `GET /gateway/bot` recommends, which guilds and events reach which shard, and the
//! close codes for a shard out of range (4010) or too full (4011).

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{WAIT, rest_client};
use crate::support::fake_discord::{FakeConfig, FakeDiscord, shard_of};

const GUILDS_INTENT: u64 = 1;

/// One gateway socket speaking JSON by hand, as a single shard would.
struct RawShard {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What came next on a socket.
#[derive(Debug)]
enum Received {
    Frame(Value),
    Closed(Option<u16>),
}

impl RawShard {
    /// Connects and reads HELLO.
    async fn connect(fake: &FakeDiscord) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(fake.gateway_url())
            .await
            .expect("gateway accepts the websocket");
        let mut shard = Self { ws };
        match shard.next().await {
            Received::Frame(hello) => assert_eq!(hello["op"], 10, "{hello}"),
            Received::Closed(code) => panic!("closed before HELLO: {code:?}"),
        }
        shard
    }

    /// Connects and sends IDENTIFY for `shard` (`None`: no `shard` field).
    async fn identify(fake: &FakeDiscord, shard: Option<[u32; 2]>) -> Self {
        let mut raw = Self::connect(fake).await;
        let mut d = json!({
            "token": format!("Bot {}", fake.config().token),
            "properties": {"os": "linux", "browser": "selftest", "device": "selftest"},
            "intents": GUILDS_INTENT,
        });
        if let Some(shard) = shard {
            d["shard"] = json!(shard);
        }
        let identify = json!({"op": 2, "d": d}).to_string();
        raw.ws
            .send(Message::Text(identify))
            .await
            .expect("IDENTIFY sent");
        raw
    }

    async fn next(&mut self) -> Received {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the fake sent something in time");
            match msg {
                Some(Ok(Message::Text(text))) => {
                    return Received::Frame(serde_json::from_str(&text).expect("JSON frame"));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Received::Closed(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    /// The next dispatch (op 0): `(t, d, s)`.
    async fn dispatch(&mut self) -> (String, Value, u64) {
        loop {
            match self.next().await {
                Received::Frame(frame) if frame["op"] == 0 => {
                    let t = frame["t"].as_str().expect("dispatch name").to_owned();
                    let s = frame["s"].as_u64().expect("dispatch seq");
                    return (t, frame["d"].clone(), s);
                }
                Received::Frame(_) => {}
                Received::Closed(code) => panic!("closed instead of a dispatch: {code:?}"),
            }
        }
    }

    /// READY and the GUILD_CREATEs after it: the shard in READY, the guild ids READY lists and
    /// those GUILD_CREATE announced.
    async fn ready(&mut self, guild_creates: usize) -> (Value, Vec<u64>, Vec<u64>) {
        let (t, ready, seq) = self.dispatch().await;
        assert_eq!((t.as_str(), seq), ("READY", 1), "{ready}");
        let listed = ready["guilds"]
            .as_array()
            .expect("READY guilds")
            .iter()
            .map(|g| id(&g["id"]))
            .collect();
        let mut created = Vec::new();
        for _ in 0..guild_creates {
            let (t, guild, _) = self.dispatch().await;
            assert_eq!(t, "GUILD_CREATE");
            created.push(id(&guild["id"]));
        }
        (ready["shard"].clone(), listed, created)
    }

    /// The close code the fake ends the connection with (after any frames before it).
    async fn close_code(&mut self) -> Option<u16> {
        loop {
            if let Received::Closed(code) = self.next().await {
                // Sends the answering close frame the fake waits for.
                let _ = self.ws.flush().await;
                return code;
            }
        }
    }
}

fn id(value: &Value) -> u64 {
    value
        .as_str()
        .expect("snowflake string")
        .parse()
        .expect("snowflake")
}

fn on_shard(guilds: &[u64], shard: u32, num_shards: u32) -> Vec<u64> {
    guilds
        .iter()
        .copied()
        .filter(|&g| shard_of(g, num_shards) == shard)
        .collect()
}

#[tokio::test]
async fn gateway_bot_recommends_the_configured_shards_and_counts_down_session_starts() {
    let fake = FakeDiscord::start(FakeConfig {
        shard_count: 4,
        max_concurrency: 2,
        session_start_total: 10,
        ..FakeConfig::default()
    })
    .await;
    let http = rest_client(&fake);
    let before = http.get_bot_gateway().await.expect("bot gateway");
    assert_eq!(
        (before.url.as_str(), before.shards),
        (fake.gateway_url().as_str(), 4)
    );
    let limit = before.session_start_limit;
    assert_eq!(
        (limit.total, limit.remaining, limit.max_concurrency),
        (10, 10, 2)
    );
    assert!(limit.reset_after > 0);

    let guilds = &fake.config().guild_ids;
    let mut first = RawShard::identify(&fake, Some([0, 4])).await;
    first.ready(on_shard(guilds, 0, 4).len()).await;
    let mut second = RawShard::identify(&fake, Some([3, 4])).await;
    second.ready(on_shard(guilds, 3, 4).len()).await;
    fake.set_recommended_shards(6);

    let after = http.get_bot_gateway().await.expect("bot gateway");
    assert_eq!((after.shards, after.session_start_limit.remaining), (6, 8));
    assert_eq!(fake.session_starts_remaining(), 8);
    assert_eq!(fake.gateway_stats().identified, vec![(0, 4), (3, 4)]);
}

#[tokio::test]
async fn each_shard_gets_only_its_guilds_and_their_events() {
    let guilds = FakeConfig::guilds(6);
    let fake = FakeDiscord::start(FakeConfig {
        guild_ids: guilds.clone(),
        ..FakeConfig::default()
    })
    .await;
    let (mine0, mine1) = (on_shard(&guilds, 0, 2), on_shard(&guilds, 1, 2));
    assert_eq!((mine0.len(), mine1.len()), (3, 3), "{guilds:?}");

    let mut shard0 = RawShard::identify(&fake, Some([0, 2])).await;
    let mut shard1 = RawShard::identify(&fake, Some([1, 2])).await;
    // Each shard has its own session: both READYs are sequence 1.
    assert_eq!(shard0.ready(3).await, (json!([0, 2]), mine0.clone(), mine0));
    assert_eq!(
        shard1.ready(3).await,
        (json!([1, 2]), mine1.clone(), mine1.clone())
    );
    assert!(fake.wait_shards_ready(&[0, 1], 2, WAIT).await);
    assert_eq!(fake.live_shards(), vec![(0, 2), (1, 2)]);

    // Pushed in this order; each socket sees its own in order, so the first thing shard 0
    // sees being the DM proves the guild interaction did not go there, and likewise the
    // GUILD_DELETE following the interaction on shard 1 proves the DM did not.
    let guild_channel = 1_100_000_000_000_009_001;
    fake.add_channel(guild_channel, Some(mine1[0]));
    let in_guild = fake
        .dispatch(
            fake.slash("chart")
                .guild(Some(mine1[0]))
                .channel(guild_channel),
        )
        .await;
    let dm = fake.dispatch(fake.slash("chart").guild(None)).await;
    fake.dispatch_event(
        "GUILD_DELETE",
        json!({"id": mine1[0].to_string(), "unavailable": true}),
    );

    let (t, d, _) = shard0.dispatch().await;
    assert_eq!((t.as_str(), id(&d["id"])), ("INTERACTION_CREATE", dm.id));
    let (t, d, _) = shard1.dispatch().await;
    assert_eq!(
        (t.as_str(), id(&d["id"])),
        ("INTERACTION_CREATE", in_guild.id)
    );
    let (t, d, _) = shard1.dispatch().await;
    assert_eq!((t.as_str(), id(&d["id"])), ("GUILD_DELETE", mine1[0]));

    let shard_of_log = |sent: u64| fake.interaction(sent).expect("known").shard;
    assert_eq!(
        (shard_of_log(in_guild.id), shard_of_log(dm.id)),
        (Some(1), Some(0))
    );
}

#[tokio::test]
async fn an_event_for_a_shard_without_a_session_waits_for_its_ready() {
    let guilds = FakeConfig::guilds(4);
    let fake = FakeDiscord::start(FakeConfig {
        guild_ids: guilds.clone(),
        ..FakeConfig::default()
    })
    .await;
    let mine1 = on_shard(&guilds, 1, 2);
    let mut shard0 = RawShard::identify(&fake, Some([0, 2])).await;
    shard0.ready(2).await;

    let channel = 1_100_000_000_000_009_002;
    fake.add_channel(channel, Some(mine1[0]));
    let early = fake
        .dispatch(fake.slash("chart").guild(Some(mine1[0])).channel(channel))
        .await;
    assert_eq!(fake.interaction(early.id).expect("known").shard, None);

    let mut shard1 = RawShard::identify(&fake, Some([1, 2])).await;
    shard1.ready(2).await;
    let (t, d, _) = shard1.dispatch().await;
    assert_eq!((t.as_str(), id(&d["id"])), ("INTERACTION_CREATE", early.id));
    assert_eq!(fake.interaction(early.id).expect("known").shard, Some(1));
}

#[tokio::test]
async fn a_shard_out_of_range_is_closed_4010_and_uses_no_session_start() {
    let fake = FakeDiscord::start(FakeConfig {
        session_start_total: 5,
        ..FakeConfig::default()
    })
    .await;
    for shard in [[2, 2], [0, 0]] {
        let mut refused = RawShard::identify(&fake, Some(shard)).await;
        assert_eq!(refused.close_code().await, Some(4010), "{shard:?}");
    }
    let mut accepted = RawShard::identify(&fake, Some([1, 2])).await;
    let guilds = on_shard(&fake.config().guild_ids, 1, 2);
    assert_eq!(accepted.ready(guilds.len()).await.0, json!([1, 2]));

    let stats = fake.gateway_stats();
    assert_eq!(
        (stats.closes_sent, stats.identified),
        (vec![4010, 4010], vec![(1, 2)])
    );
    let limit = rest_client(&fake)
        .get_bot_gateway()
        .await
        .expect("bot gateway")
        .session_start_limit;
    assert_eq!((limit.total, limit.remaining), (5, 4));
}

#[tokio::test]
async fn a_shard_over_the_guild_limit_is_closed_4011_and_smaller_shards_are_accepted() {
    let guilds = FakeConfig::guilds(6);
    let fake = FakeDiscord::start(FakeConfig {
        guild_ids: guilds.clone(),
        guilds_per_shard_limit: Some(3),
        ..FakeConfig::default()
    })
    .await;
    let mut whole = RawShard::identify(&fake, Some([0, 1])).await;
    assert_eq!(whole.close_code().await, Some(4011));
    let mut unsharded = RawShard::identify(&fake, None).await;
    assert_eq!(unsharded.close_code().await, Some(4011));

    let mut shard0 = RawShard::identify(&fake, Some([0, 2])).await;
    let mut shard1 = RawShard::identify(&fake, Some([1, 2])).await;
    assert_eq!(shard0.ready(3).await.1, on_shard(&guilds, 0, 2));
    assert_eq!(shard1.ready(3).await.1, on_shard(&guilds, 1, 2));
    assert!(fake.wait_shards_ready(&[0, 1], 2, WAIT).await);
    assert_eq!(fake.gateway_stats().closes_sent, vec![4011, 4011]);
}

#[tokio::test]
async fn closing_one_shard_leaves_the_other_live() {
    let guilds = FakeConfig::guilds(2);
    let fake = FakeDiscord::start(FakeConfig {
        guild_ids: guilds,
        ..FakeConfig::default()
    })
    .await;
    let mut shard0 = RawShard::identify(&fake, Some([0, 2])).await;
    let mut shard1 = RawShard::identify(&fake, Some([1, 2])).await;
    shard0.ready(1).await;
    shard1.ready(1).await;
    assert!(fake.wait_shards_ready(&[0, 1], 2, WAIT).await);

    fake.close_shard_with(1, 4000);
    assert_eq!(shard1.close_code().await, Some(4000));
    assert!(
        fake.wait_until(WAIT, |f| f.live_shards() == vec![(0, 2)])
            .await
    );
    // Shard 0's socket still carries its events.
    let dm = fake.dispatch(fake.slash("chart").guild(None)).await;
    let (t, d, _) = shard0.dispatch().await;
    assert_eq!((t.as_str(), id(&d["id"])), ("INTERACTION_CREATE", dm.id));
}
