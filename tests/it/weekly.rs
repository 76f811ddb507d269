//! Weekly summary posts against the fake Discord, on a controlled clock: each scenario ends with
//! exactly the posts it should.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kpop_facts::app::App;
use kpop_facts::discord::post::Poster;
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use kpop_facts::store::{Covered, PostState, Schedule, ScheduleKind, SlotEnd};
use kpop_facts::weekly::{self, Outcome};

use crate::support::fake_discord::{Failure, FakeConfig, FakeDiscord};
use crate::support::wait;

const CHANNEL: u64 = 5_000;
const GUILD: u64 = 1_000;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Setup {
    fake: FakeDiscord,
    app: App,
    poster: Poster,
    dir: tempfile::TempDir,
}

/// A server posting every Monday at 12:00 UTC, set up on 2023-07-01.
async fn setup() -> Setup {
    setup_with(FakeConfig::default()).await
}

async fn setup_with(config: FakeConfig) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&crate::support::db::at(dir.path()))
        .await
        .unwrap();
    let fake = FakeDiscord::start(config).await;
    fake.add_channel(CHANNEL, Some(GUILD));
    app.store()
        .set_schedule(&Schedule {
            guild_id: GUILD,
            kind: ScheduleKind::Weekly,
            channel_id: CHANNEL,
            weekday: 0,
            hour: 12,
            locale: "en".into(),
            enabled: true,
            disabled_reason: None,
            created_at: at("2023-07-01T00:00:00Z"),
        })
        .await
        .unwrap();
    let poster = Poster::new(
        Some(&fake.base_url()),
        Secret::new(fake.config().token.clone()),
    )
    .with_retries(4, Duration::from_millis(10));
    Setup {
        fake,
        app,
        poster,
        dir,
    }
}

async fn pass(s: &Setup, now: &str) -> Vec<Outcome> {
    weekly::run_due(&s.app, Some(&s.poster), at(now), "test")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

fn post_text(s: &Setup, i: usize) -> String {
    let m = &s.fake.messages(CHANNEL)[i];
    let e = &m.embeds()[0];
    let mut text = e["title"].as_str().unwrap_or_default().to_string();
    for f in e["fields"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "\n{}\n{}",
            f["name"].as_str().unwrap(),
            f["value"].as_str().unwrap()
        ));
    }
    text
}

#[tokio::test]
async fn the_monday_post_shows_that_weeks_kpop_entries_once_per_week() {
    let s = setup().await;
    // Just before: the slot due is the previous Monday's.
    assert!(matches!(
        pass(&s, "2023-07-17T11:59:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert!(post_text(&s, 0).contains("charts dated 2023-07-08"));
    let before = s.fake.messages(CHANNEL).len();
    assert!(matches!(
        pass(&s, "2023-07-17T12:00:30Z").await[..],
        [Outcome::Posted { .. }]
    ));
    let text = post_text(&s, before);
    assert!(text.contains("charts dated 2023-07-15"), "{text}");
    assert!(text.contains("Billboard Hot 100 · 2023-07-15"), "{text}");
    assert!(text.contains("Cupid — Fifty Fifty"), "{text}");
    assert!(text.contains("Billboard 200 · 2023-07-15"), "{text}");
    let m = &s.fake.messages(CHANNEL)[before];
    assert_eq!(
        m.allowed_mentions(),
        Some(&serde_json::json!({"parse": []}))
    );
    // The standing as a picture, shown in the embed.
    assert_eq!(m.files.len(), 1);
    assert_eq!(m.files[0].filename, "kpop-week-2023-07-15.png");
    assert!(m.files[0].bytes.starts_with(b"\x89PNG"));
    assert_eq!(
        m.embeds()[0]["image"]["url"],
        "attachment://kpop-week-2023-07-15.png"
    );

    // The rest of the week: nothing more.
    for now in [
        "2023-07-17T12:05:00Z",
        "2023-07-18T09:00:00Z",
        "2023-07-23T23:59:00Z",
    ] {
        assert!(matches!(pass(&s, now).await[..], [Outcome::Done]), "{now}");
    }
    assert_eq!(s.fake.messages(CHANNEL).len(), before + 1);
    // The next week posts again, with the next chart week.
    assert!(matches!(
        pass(&s, "2023-07-24T12:00:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert!(post_text(&s, before + 1).contains("charts dated 2023-07-22"));
}

#[tokio::test]
async fn a_restart_mid_week_does_not_post_again() {
    let s = setup().await;
    pass(&s, "2023-07-17T12:00:00Z").await;
    let posts = s.fake.messages(CHANNEL).len();
    let restarted = App::open(&crate::support::db::at(s.dir.path()))
        .await
        .unwrap();
    let again = weekly::run_due(
        &restarted,
        Some(&s.poster),
        at("2023-07-19T08:00:00Z"),
        "other",
    )
    .await
    .unwrap();
    assert!(matches!(again[0].outcome, Outcome::Done));
    assert_eq!(s.fake.messages(CHANNEL).len(), posts);
}

#[tokio::test]
async fn two_passes_at_once_post_once() {
    let s = setup().await;
    let other = App::open(&crate::support::db::at(s.dir.path()))
        .await
        .unwrap();
    let now = at("2023-07-17T12:00:00Z");
    let (a, b) = tokio::join!(
        weekly::run_due(&s.app, Some(&s.poster), now, "one"),
        weekly::run_due(&other, Some(&s.poster), now, "two")
    );
    let outcomes: Vec<Outcome> = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .map(|r| r.outcome)
        .collect();
    let posted = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Posted { .. }))
        .count();
    assert_eq!(posted, 1, "{outcomes:?}");
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_without_duplicates() {
    let s = setup().await;
    s.fake
        .fail_next_message(CHANNEL, Failure::rate_limited(0.05));
    s.fake.fail_next_message(CHANNEL, Failure::internal_error());
    // A 502 after Discord stored the message: the retry carries the same nonce.
    s.fake.fail_next_message(CHANNEL, Failure::after_store(502));
    assert!(matches!(
        pass(&s, "2023-07-17T12:00:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
    assert!(matches!(
        pass(&s, "2023-07-17T12:10:00Z").await[..],
        [Outcome::Done]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn a_failed_post_is_given_back_and_retried_by_the_next_pass() {
    let s = setup().await;
    for _ in 0..4 {
        s.fake.fail_next_message(CHANNEL, Failure::internal_error());
    }
    assert!(matches!(
        pass(&s, "2023-07-17T12:00:00Z").await[..],
        [Outcome::Failed { .. }]
    ));
    assert!(s.fake.messages(CHANNEL).is_empty());
    assert!(matches!(
        pass(&s, "2023-07-17T12:01:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn an_unknown_channel_disables_the_schedule() {
    let s = setup().await;
    s.fake
        .fail_next_message(CHANNEL, Failure::unknown_channel());
    assert!(
        matches!(&pass(&s, "2023-07-17T12:00:00Z").await[..], [Outcome::Disabled { reason }] if reason.contains("Unknown Channel"))
    );
    assert!(
        pass(&s, "2023-07-24T12:00:00Z").await.is_empty(),
        "a disabled schedule is not run"
    );
    let schedule = s.app.store().schedule(GUILD).await.unwrap().unwrap();
    assert!(!schedule.enabled && schedule.disabled_reason.as_deref() == Some("Unknown Channel"));
    assert!(s.fake.messages(CHANNEL).is_empty());
}

#[tokio::test]
async fn after_a_week_of_downtime_only_the_latest_slot_is_posted() {
    let s = setup().await;
    // Down from before 2023-07-17 until 2023-07-26: the 07-17 and 07-24 slots were missed.
    assert!(matches!(
        pass(&s, "2023-07-26T09:00:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert!(matches!(
        pass(&s, "2023-07-26T09:01:00Z").await[..],
        [Outcome::Done]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
    assert!(post_text(&s, 0).contains("charts dated 2023-07-22"));
}

#[tokio::test]
async fn nothing_new_posts_nothing() {
    let s = setup().await;
    // The seed's last chart week is 2026-08-22; later weeks bring nothing new.
    assert!(matches!(
        pass(&s, "2026-08-31T12:00:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    assert!(matches!(
        pass(&s, "2026-09-07T12:00:00Z").await[..],
        [Outcome::Skipped]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn leaving_a_server_removes_its_schedule() {
    let s = setup().await;
    let app = Arc::new(
        App::open(&crate::support::db::at(s.dir.path()))
            .await
            .unwrap(),
    );
    let settings = Settings {
        token: Secret::new(s.fake.config().token.clone()),
        api_base_url: Some(s.fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (_stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(discord::run(settings, app.clone(), rx));
    assert!(s.fake.wait_ready(Duration::from_secs(5)).await);
    s.fake.dispatch_event(
        "GUILD_DELETE",
        serde_json::json!({"id": GUILD.to_string(), "unavailable": false}),
    );
    let app = &app;
    let removed = wait::until(WAIT, || async move {
        app.store().schedule(GUILD).await.unwrap().is_none()
    })
    .await;
    assert!(removed, "the schedule is still there");
}

// --- exactly once, across processes ---

const WAIT: Duration = Duration::from_secs(10);

/// `kpop-facts summary run-due` at `now` against the fake, as cron would run it.
fn run_due_command(
    db: &kpop_facts::store::Location,
    fake: &FakeDiscord,
    now: &str,
) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"));
    c.arg("--db")
        .arg(db)
        .args(["summary", "run-due", "--now", now])
        .env("DISCORD_TOKEN", &fake.config().token)
        .env("DISCORD_API_BASE_URL", fake.base_url())
        .env_remove("RUST_LOG");
    c
}

type SlotLock = kpop_facts::store::Engine<
    sqlx::Transaction<'static, sqlx::Sqlite>,
    sqlx::Transaction<'static, sqlx::Postgres>,
>;

/// A transaction from outside holding the slot's row (on SQLite, the whole store), so no
/// process can record how its post went until [`end_dead_sessions`].
async fn lock_slot_row(db: &kpop_facts::store::Location) -> SlotLock {
    const LOCK: &str = "UPDATE summary_posts SET note = note WHERE guild_id = $1";
    match crate::support::db::outside(db).await {
        kpop_facts::store::Engine::Sqlite(p) => {
            let mut tx = p.begin().await.unwrap();
            let q = sqlx::query(LOCK).bind(GUILD.to_string());
            q.execute(&mut *tx).await.unwrap();
            kpop_facts::store::Engine::Sqlite(tx)
        }
        kpop_facts::store::Engine::Postgres(p) => {
            let mut tx = p.begin().await.unwrap();
            let q = sqlx::query(LOCK).bind(GUILD.to_string());
            q.execute(&mut *tx).await.unwrap();
            kpop_facts::store::Engine::Postgres(tx)
        }
    }
}

/// Lets go of the lock once the writer is dead. PostgreSQL finishes a dead client's waiting
/// statement when the lock frees, as the server only notices a closed socket when it next
/// answers, so its sessions end first, as they would once the server noticed.
async fn end_dead_sessions(lock: SlotLock) {
    match lock {
        kpop_facts::store::Engine::Sqlite(tx) => tx.rollback().await.unwrap(),
        kpop_facts::store::Engine::Postgres(mut tx) => {
            sqlx::query(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.rollback().await.unwrap();
        }
    }
}

async fn slot_row(db: &kpop_facts::store::Location) -> (String, Option<String>) {
    let store = kpop_facts::store::Store::open(db).await.unwrap();
    let row = kpop_facts::on!(store.readers(), |p| sqlx::query_as(
        "SELECT state, message_id FROM summary_posts WHERE guild_id = $1 AND slot = '2023-07-17T12:00:00Z'",
    )
    .bind(GUILD.to_string()).fetch_one(p).await)
    .unwrap();
    store.close().await;
    row
}

/// A fake whose nonces are forgotten at once (as Discord forgets them after a few minutes),
/// and a store with the Monday schedule; the first `run-due` is killed after Discord took its
/// post and before the post was recorded, with the store busy.
async fn killed_between_post_and_record() -> (FakeDiscord, tempfile::TempDir) {
    let fake = FakeDiscord::start(FakeConfig {
        nonce_window: Duration::ZERO,
        ..FakeConfig::default()
    })
    .await;
    fake.add_channel(CHANNEL, Some(GUILD));
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let store = kpop_facts::store::Store::open(&db).await.unwrap();
    store
        .set_schedule(&Schedule {
            guild_id: GUILD,
            kind: ScheduleKind::Weekly,
            channel_id: CHANNEL,
            weekday: 0,
            hour: 12,
            locale: "en".into(),
            enabled: true,
            disabled_reason: None,
            created_at: at("2023-07-01T00:00:00Z"),
        })
        .await
        .unwrap();
    store.close().await;

    fake.fail_next_message(CHANNEL, Failure::hold_after_store());
    let mut child = run_due_command(&db, &fake, "2023-07-17T12:00:00Z")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        fake.wait_until(WAIT, |f| f.held_replies() == 1).await,
        "the post reached the fake"
    );
    // Discord has the post. Lock the slot's row so nothing can be recorded, let the answer go,
    // and kill the process wherever it got to.
    let busy = lock_slot_row(&db).await;
    fake.release_held_replies();
    assert!(
        fake.wait_until(WAIT, |f| f.held_replies_sent() == 1).await,
        "the answer left the fake"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    end_dead_sessions(busy).await;
    assert_eq!(fake.messages(CHANNEL).len(), 1);
    assert_eq!(
        slot_row(&db).await.0,
        "claimed",
        "the post was not recorded"
    );
    (fake, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_between_post_and_record_does_not_post_twice() {
    let (fake, dir) = killed_between_post_and_record().await;
    let db = crate::support::db::at(dir.path());
    // After the lease, the next run takes the claim over, finds the post in the channel and
    // records it instead of posting again.
    let out = run_due_command(&db, &fake, "2023-07-17T12:11:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fake.messages(CHANNEL).len(), 1, "posted once");
    let posted = fake.messages(CHANNEL)[0].id.to_string();
    assert_eq!(slot_row(&db).await, ("sent".into(), Some(posted)));
    // And the week stays done.
    let out = run_due_command(&db, &fake, "2023-07-18T09:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(fake.messages(CHANNEL).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slot_that_cannot_be_checked_is_marked_uncertain_and_not_posted_again() {
    let (fake, dir) = killed_between_post_and_record().await;
    let db = crate::support::db::at(dir.path());
    // Without Read Message History, Discord lists no messages at all: that proves nothing.
    fake.set_read_history(CHANNEL, false);
    let out = run_due_command(&db, &fake, "2023-07-17T12:11:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("uncertain"), "{stdout}");
    assert!(stdout.contains("Missing Access"), "{stdout}");
    assert_eq!(fake.messages(CHANNEL).len(), 1, "not posted again");
    assert_eq!(slot_row(&db).await.0, "uncertain");
    fake.set_read_history(CHANNEL, true);
    let out = run_due_command(&db, &fake, "2023-07-17T13:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        fake.messages(CHANNEL).len(),
        1,
        "an uncertain slot stays as it is"
    );
}

#[tokio::test]
async fn servers_left_while_offline_lose_their_schedules_on_ready() {
    let s = setup().await;
    let kept = s.fake.config().guild_ids[0];
    s.app
        .store()
        .set_schedule(&Schedule {
            guild_id: kept,
            kind: ScheduleKind::Weekly,
            channel_id: s.fake.config().channel_id,
            weekday: 3,
            hour: 9,
            locale: "ko".into(),
            enabled: true,
            disabled_reason: None,
            created_at: at("2023-07-01T00:00:00Z"),
        })
        .await
        .unwrap();
    // GUILD is not among READY's guilds: the bot left it while it was not connected.
    let settings = Settings {
        token: Secret::new(s.fake.config().token.clone()),
        api_base_url: Some(s.fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let app = Arc::new(
        App::open(&crate::support::db::at(s.dir.path()))
            .await
            .unwrap(),
    );
    let (_stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(discord::run(settings, app.clone(), rx));
    // READY's handler registers the commands after it looked at the schedules.
    assert!(
        s.fake
            .wait_until(WAIT, |f| f
                .recorded()
                .iter()
                .any(|r| r.route().starts_with("/applications/")))
            .await
    );
    assert!(app.store().schedule(GUILD).await.unwrap().is_none());
    assert!(app.store().schedule(kept).await.unwrap().is_some());
}

// --- exactly once, within a process ---

#[tokio::test]
async fn a_post_that_may_have_gone_through_is_looked_for_before_posting_again() {
    // Discord has forgotten the nonce by the next pass.
    let s = setup_with(FakeConfig {
        nonce_window: Duration::ZERO,
        ..FakeConfig::default()
    })
    .await;
    // Stored, but answered 502; then server errors until the pass gives up.
    s.fake.fail_next_message(CHANNEL, Failure::after_store(502));
    for _ in 0..3 {
        s.fake.fail_next_message(CHANNEL, Failure::internal_error());
    }
    assert!(matches!(
        pass(&s, "2023-07-17T12:00:00Z").await[..],
        [Outcome::Failed { .. }]
    ));
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
    let posted = s.fake.messages(CHANNEL)[0].id.to_string();
    assert!(
        matches!(&pass(&s, "2023-07-17T12:01:00Z").await[..], [Outcome::Found { message_id }] if *message_id == posted)
    );
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
    let row = s
        .app
        .store()
        .slot_post(GUILD, "2023-07-17T12:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.state, row.message_id), (PostState::Sent, Some(posted)));
    // What the found post covered is what the next one builds on.
    assert_eq!(row.hot100_week.as_deref(), Some("2023-07-15"));
}

#[tokio::test]
async fn only_the_bots_own_post_counts() {
    let s = setup().await;
    let store = s.app.store();
    let slot = "2023-07-17T12:00:00Z";
    let lease = chrono::TimeDelta::minutes(10);
    // A worker claimed the slot and started posting, then died.
    store
        .claim_slot(GUILD, slot, "dead", "n", at(slot), at(slot) - lease)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .start_attempt(GUILD, slot, "dead", Utc::now(), &Covered::default())
            .await
            .unwrap()
    );
    // Someone else's message (a webhook can post embeds) copies the post's look.
    let bot = s.fake.config().bot_user_id.to_string();
    s.fake.add_message_from(
        CHANNEL,
        4242,
        serde_json::json!({"embeds": [{"title": "K-pop this week", "timestamp": "2023-07-17T12:00:00+00:00"}]}),
    );
    assert!(matches!(
        pass(&s, "2023-07-17T12:11:00Z").await[..],
        [Outcome::Posted { .. }]
    ));
    let by_bot: Vec<_> = s
        .fake
        .messages(CHANNEL)
        .into_iter()
        .filter(|m| m.message["author"]["id"] == bot.as_str())
        .collect();
    assert_eq!(by_bot.len(), 1);
    assert_eq!(
        by_bot[0].embeds()[0]["timestamp"],
        "2023-07-17T12:00:00Z",
        "the post carries its slot"
    );
}

#[tokio::test]
async fn a_worker_finishes_or_releases_only_its_own_claim() {
    let s = setup().await;
    let store = s.app.store();
    let slot = "2023-07-17T12:00:00Z";
    let lease = chrono::TimeDelta::minutes(10);
    let t0 = at(slot);
    assert!(
        store
            .claim_slot(GUILD, slot, "a", "n", t0, t0 - lease)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .claim_slot(GUILD, slot, "b", "n", t0, t0 - lease)
            .await
            .unwrap()
            .is_none(),
        "a holds it"
    );
    assert!(
        store
            .start_attempt(GUILD, slot, "a", t0, &Covered::default())
            .await
            .unwrap()
    );
    // a outlives its lease; b takes the claim over and learns that a post may be out.
    let later = t0 + chrono::TimeDelta::minutes(11);
    let claim = store
        .claim_slot(GUILD, slot, "b", "n", later, later - lease)
        .await
        .unwrap()
        .expect("a stale claim is taken over");
    assert_eq!(claim.attempted_at, Some(t0));
    // a can neither give it back, nor record it, nor start another attempt.
    assert!(!store.release_slot(GUILD, slot, "a", false).await.unwrap());
    assert!(
        !store
            .finish_slot(GUILD, slot, "a", SlotEnd::Skipped)
            .await
            .unwrap()
    );
    assert!(
        !store
            .start_attempt(GUILD, slot, "a", later, &Covered::default())
            .await
            .unwrap()
    );
    let row = store.slot_post(GUILD, slot).await.unwrap().unwrap();
    assert_eq!(row.state, PostState::Claimed);
    // b gives it back keeping the attempt: the next holder looks first too.
    assert!(store.release_slot(GUILD, slot, "b", true).await.unwrap());
    let claim = store
        .claim_slot(GUILD, slot, "c", "n", later, later - lease)
        .await
        .unwrap()
        .expect("a released claim is free");
    assert_eq!(claim.attempted_at, Some(t0));
    assert!(
        store
            .finish_slot(
                GUILD,
                slot,
                "c",
                SlotEnd::Sent {
                    message_id: "42",
                    covered: &Covered::default()
                }
            )
            .await
            .unwrap()
    );
    let row = store.slot_post(GUILD, slot).await.unwrap().unwrap();
    assert_eq!(
        (row.state, row.message_id.as_deref()),
        (PostState::Sent, Some("42"))
    );
    assert!(
        store
            .claim_slot(GUILD, slot, "d", "n", later, later)
            .await
            .unwrap()
            .is_none(),
        "a sent slot is never claimed again"
    );
}
