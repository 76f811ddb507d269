//! Weekly summary posts against the fake Discord, on a controlled clock: each scenario ends with
//! exactly the posts it should.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kpop_facts::app::App;
use kpop_facts::discord::post::Poster;
use kpop_facts::discord::{self, Secret, Settings};
use kpop_facts::store::Schedule;
use kpop_facts::weekly::{self, Outcome};
use support::fake_discord::{Failure, FakeConfig, FakeDiscord};

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
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("facts.db")).await.unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    fake.add_channel(CHANNEL, Some(GUILD));
    app.store()
        .set_schedule(&Schedule {
            guild_id: GUILD,
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
    let restarted = App::open(&s.dir.path().join("facts.db")).await.unwrap();
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
    let other = App::open(&s.dir.path().join("facts.db")).await.unwrap();
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
    let app = Arc::new(App::open(&s.dir.path().join("facts.db")).await.unwrap());
    let settings = Settings {
        token: Secret::new(s.fake.config().token.clone()),
        api_base_url: Some(s.fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
    };
    let (_stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(discord::run(settings, app.clone(), rx));
    assert!(s.fake.wait_ready(Duration::from_secs(5)).await);
    s.fake.dispatch_event(
        "GUILD_DELETE",
        serde_json::json!({"id": GUILD.to_string(), "unavailable": false}),
    );
    for _ in 0..50 {
        if app.store().schedule(GUILD).await.unwrap().is_none() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the schedule is still there");
}
