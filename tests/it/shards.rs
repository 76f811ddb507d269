//! The bot as several processes: shard ranges on one PostgreSQL store against the fake Discord,
//! which sends each server's events on its own shard. Every interaction is answered once, by
//! the process that owns its shard; an edit through one is seen through the other; weekly
//! posts and the mod-log go out once; a process that dies leaves the others answering; an
//! overlapping process is refused; a bot over Discord's guild limit comes back sharded.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::edits::{self, Who};
use kpop_facts::store::{Actor, Editor, Location, Schedule, ScheduleKind};
use serde_json::Value;

use crate::support::fake_discord::{FakeConfig, FakeDiscord, shard_of};
use crate::support::postgres::cluster_or_skip;
use crate::support::process::BotProcess;

const WAIT: Duration = Duration::from_secs(60);
const EDITOR: u64 = 1_100_000_000_000_000_777;
const MODLOG: u64 = 1_100_000_000_000_000_999;

/// Each server's text channel, where its weekly post goes and its interactions come from.
fn channel_of(guild: u64) -> u64 {
    guild + 1000
}

/// `/exports country:japan period:2023-H1` in `guild`, from a fan of its own (one question
/// each, so no cooldown applies).
fn exports_in(fake: &FakeDiscord, guild: u64) -> Value {
    static FANS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let fan = 1_100_000_000_000_010_000 + FANS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    fake.slash("exports")
        .user(fan, "fan")
        .guild(Some(guild))
        .channel(channel_of(guild))
        .option("country", "japan")
        .option("period", "2023-H1")
        .build()
}

/// A free loopback port for a process's metrics.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The interactions a process's debug log says it received, by id.
fn received(stderr: &str) -> BTreeSet<u64> {
    stderr
        .lines()
        .filter(|l| l.contains(" interaction interaction="))
        .filter_map(|l| l.split("interaction=").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

/// A PostgreSQL store with an editor and a weekly schedule in every server, made before the
/// bot starts (as an operator would).
async fn store_for(fake: &FakeDiscord) -> Option<Location> {
    let pg = cluster_or_skip()?;
    let db = Location::Postgres(pg.fresh_database());
    let app = App::open(&db).await.unwrap();
    let owner = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    edits::set_editor(app.store(), &owner, Editor::User(EDITOR), true)
        .await
        .unwrap();
    for &guild in &fake.config().guild_ids {
        fake.add_channel(channel_of(guild), Some(guild));
        app.store()
            .set_schedule(&Schedule {
                guild_id: guild,
                kind: ScheduleKind::Weekly,
                channel_id: channel_of(guild),
                weekday: 0,
                hour: 12,
                locale: "en".into(),
                enabled: true,
                disabled_reason: None,
                // Long ago: this week's slot is due as soon as a scheduler looks.
                created_at: "2023-07-01T00:00:00Z".parse().unwrap(),
            })
            .await
            .unwrap();
    }
    fake.add_channel(MODLOG, Some(fake.config().guild_ids[0]));
    app.store().close().await;
    Some(db)
}

fn process(fake: &FakeDiscord, db: &Location, shards: &str, metrics: Option<u16>) -> BotProcess {
    let metrics = metrics
        .map(|p| format!("127.0.0.1:{p}"))
        .unwrap_or_default();
    let modlog = MODLOG.to_string();
    let mut env = vec![
        ("KPOP_FACTS_SHARDS", shards),
        ("KPOP_FACTS_SHARD_COUNT", "4"),
        ("KPOP_FACTS_MODLOG_CHANNEL", modlog.as_str()),
        ("RUST_LOG", "warn,kpop_facts=debug"),
    ];
    if !metrics.is_empty() {
        env.push(("KPOP_FACTS_METRICS_ADDR", metrics.as_str()));
    }
    BotProcess::start(fake, db, &env)
}

/// Sends one `/exports` per server, `rounds` times, and waits for every answer: id → server.
async fn burst(fake: &FakeDiscord, guilds: &[u64], rounds: usize) -> BTreeMap<u64, u64> {
    let mut sent = BTreeMap::new();
    for _ in 0..rounds {
        for &guild in guilds {
            sent.insert(fake.dispatch(exports_in(fake, guild)).await.id, guild);
        }
    }
    for &id in sent.keys() {
        let answer = fake.wait_response(id, WAIT).await;
        assert!(answer.is_some(), "interaction {id} answered");
    }
    sent
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The value of one Prometheus sample line, `name{labels} value`.
fn sample(metrics: &str, line_start: &str) -> f64 {
    metrics
        .lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

// long: one deployment's life, step by step: each step builds on the processes the last left.
#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_one_bot_on_postgresql() {
    let config = FakeConfig {
        shard_count: 4,
        guild_ids: FakeConfig::guilds(16),
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start(config).await;
    let Some(db) = store_for(&fake).await else {
        return;
    };
    let guilds = fake.config().guild_ids.clone();
    let port = free_port();
    let first = process(&fake, &db, "0-1", Some(port));
    let second = process(&fake, &db, "2-3", None);
    assert!(
        fake.wait_shards_ready(&[0, 1, 2, 3], 4, WAIT).await,
        "both processes connect their shards"
    );

    // A burst over every server: each answered, once, by the process owning its shard.
    let sent = burst(&fake, &guilds, 3).await;
    for &id in sent.keys() {
        let log = fake.interaction(id).unwrap();
        assert!(
            log.rejected.is_empty(),
            "{id} answered once: {:?}",
            log.rejected
        );
    }

    // Metrics of the first process count its own answers; its shards are up.
    let (status, health) = get(&format!("http://127.0.0.1:{port}/health")).await;
    assert_eq!(status, 200, "{health}");
    let health: Value = serde_json::from_str(&health).unwrap();
    let states: Vec<(u64, &str)> = health["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["shard"].as_u64().unwrap(), s["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(0, "connected"), (1, "connected")]);
    let (status, metrics) = get(&format!("http://127.0.0.1:{port}/metrics")).await;
    assert_eq!(status, 200);
    let ours = sent.values().filter(|&&g| shard_of(g, 4) < 2).count() as f64;
    let answered = sample(
        &metrics,
        r#"kpop_facts_interactions_total{kind="command",outcome="answered"}"#,
    ) + sample(
        &metrics,
        r#"kpop_facts_interactions_total{kind="command",outcome="deferred"}"#,
    );
    assert_eq!(answered, ours, "{metrics}");
    assert_eq!(sample(&metrics, "kpop_facts_shards_held"), 2.0);
    assert_eq!(sample(&metrics, r#"kpop_facts_shard_up{shard="1"}"#), 1.0);
    assert_eq!(
        sample(
            &metrics,
            r#"kpop_facts_answer_seconds_count{kind="command"}"#
        ),
        ours
    );

    // An edit through the first process is seen through the second.
    let on_first = *guilds.iter().find(|&&g| shard_of(g, 4) < 2).unwrap();
    let on_second = *guilds.iter().find(|&&g| shard_of(g, 4) >= 2).unwrap();
    let edit = fake
        .slash("facts")
        .guild(Some(on_first))
        .channel(channel_of(on_first))
        .user(EDITOR, "editor")
        .subcommand("set-export", |o| {
            o.option("country", "japan")
                .option("period", "2023-H1")
                .option("value", "$61,234,567")
                .option("source", "Yonhap https://en.yna.co.kr/a 2024-01-02")
        })
        .build();
    let edited = fake.dispatch(edit).await;
    let edited = fake.wait_response(edited.id, WAIT).await.unwrap();
    assert!(edited.body.to_string().contains("61.23"), "{}", edited.body);
    // The other process hears of the change from PostgreSQL a moment after it commits.
    let seen = crate::support::wait::until(WAIT, || async {
        let asked = fake.dispatch(exports_in(&fake, on_second)).await;
        let answer = fake.wait_response(asked.id, WAIT).await.unwrap();
        answer.body.to_string().contains("61.23")
    })
    .await;
    assert!(seen, "the second process answers with the edit");

    // Both ran the scheduler: one weekly post in every server; one mod-log post of the edit.
    for &guild in &guilds {
        let channel = channel_of(guild);
        assert!(
            fake.wait_until(WAIT, |f| !f.messages(channel).is_empty())
                .await,
            "a weekly post in {guild}"
        );
    }
    assert!(
        fake.wait_until(WAIT, |f| !f.messages(MODLOG).is_empty())
            .await,
        "the edit reaches the mod-log"
    );

    // A third process over the first one's shards is refused, naming it.
    let third = process(&fake, &db, "1-2", None);
    let (status, stderr) = third.exit().await;
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("PID {}", first.pid())) && stderr.contains("shard 1 of 4"),
        "{stderr}"
    );

    // The second dies outright: the first keeps answering its own shards.
    second.signal(libc::SIGKILL);
    let (_, second_log) = second.exit().await;
    let own: Vec<u64> = guilds
        .iter()
        .copied()
        .filter(|&g| shard_of(g, 4) < 2)
        .collect();
    let after = burst(&fake, &own, 1).await;
    first.signal(libc::SIGTERM);
    let (status, first_log) = first.exit().await;
    assert!(status.success(), "{first_log}");

    // Who received what: exactly the interactions of each process's shards, none twice.
    let by_first = received(&first_log);
    let by_second = received(&second_log);
    assert!(by_first.is_disjoint(&by_second));
    for (id, guild) in sent.iter().chain(&after) {
        let owner = if shard_of(*guild, 4) < 2 {
            &by_first
        } else {
            &by_second
        };
        assert!(
            owner.contains(id),
            "{id} (server {guild}) went to its shard's process"
        );
    }
    for &guild in &guilds {
        assert_eq!(
            fake.messages(channel_of(guild)).len(),
            1,
            "one weekly post in {guild}"
        );
    }
    assert_eq!(fake.messages(MODLOG).len(), 1, "one mod-log post");
    assert_eq!(
        fake.command_writes(),
        1,
        "the commands registered once, by shard 0's process"
    );
}

/// One shard over the guild limit: Discord closes it with 4011, the bot asks how many shards
/// it needs now and comes back with that many, answering in every server.
#[tokio::test(flavor = "multi_thread")]
async fn a_bot_over_the_guild_limit_comes_back_sharded() {
    let config = FakeConfig {
        guild_ids: FakeConfig::guilds(6),
        guilds_per_shard_limit: Some(2),
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start(config).await;
    let dir = tempfile::tempdir().unwrap();
    let bot = BotProcess::start(&fake, &crate::support::db::at(dir.path()), &[]);
    assert!(
        fake.wait_until(WAIT, |f| f.gateway_stats().closes_sent.contains(&4011))
            .await
    );
    assert!(
        fake.wait_shards_ready(&[0, 1, 2], 3, WAIT).await,
        "three shards of two servers each"
    );
    let guilds = fake.config().guild_ids.clone();
    burst(&fake, &guilds, 1).await;
    assert_eq!(
        fake.gateway_stats().identified,
        [(0, 3), (1, 3), (2, 3)],
        "the refused IDENTIFY is not counted; then one per shard"
    );
    bot.signal(libc::SIGTERM);
    let (status, stderr) = bot.exit().await;
    assert!(status.success(), "{stderr}");
}

/// When more shards do not help (Discord still refuses, or the operator fixed the count), the
/// process ends with 78 and says why, rather than reconnecting forever.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_4011_or_a_fixed_count_too_small_exits_78() {
    let config = FakeConfig {
        guild_ids: FakeConfig::guilds(6),
        guilds_per_shard_limit: Some(2),
        recommend_enough_after_4011: false,
        ..FakeConfig::default()
    };
    let auto = FakeDiscord::start(config.clone()).await;
    let fixed = FakeDiscord::start(config).await;
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let auto_bot = BotProcess::start(&auto, &crate::support::db::at(a.path()), &[]);
    let fixed_bot = BotProcess::start(
        &fixed,
        &crate::support::db::at(b.path()),
        &[
            ("KPOP_FACTS_SHARDS", "0-0"),
            ("KPOP_FACTS_SHARD_COUNT", "1"),
        ],
    );
    let (status, stderr) = auto_bot.exit().await;
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("close code 4011"), "{stderr}");
    assert_eq!(
        auto.gateway_stats().closes_sent,
        [4011, 4011],
        "tried once more, then stopped"
    );
    let (status, stderr) = fixed_bot.exit().await;
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("--shard-count"), "{stderr}");
    assert_eq!(fixed.gateway_stats().closes_sent, [4011]);
}

/// The flags come together or not at all, and the range must fit the count.
#[test]
fn shard_flags_that_do_not_make_a_range_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--shards", "0-1"][..],
        &["--shard-count", "4"],
        &["--shards", "2-4", "--shard-count", "4"],
        &["--shards", "3-1", "--shard-count", "4"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
            .arg("--db")
            .arg(dir.path().join("facts.db"))
            .arg("run")
            .args(args)
            .env("DISCORD_TOKEN", "x")
            .env_remove("KPOP_FACTS_SHARDS")
            .env_remove("KPOP_FACTS_SHARD_COUNT")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("shard"), "{args:?}: {stderr}");
    }
}
