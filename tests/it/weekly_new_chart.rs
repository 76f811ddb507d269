//! Summaries that follow the data (`/summary setup when:new-chart`): one post per server and
//! chart date, once both charts have the date or a day after the first did. Times are passed to
//! the pass; the chart weeks arrive at the real time of their import.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::discord::Secret;
use kpop_facts::discord::post::Poster;
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::{Locale, msg, t};
use kpop_facts::import::billboard;
use kpop_facts::store::{Actor, Covered, Schedule, ScheduleKind, SlotEnd};
use kpop_facts::weekly::{self, Outcome};

use crate::support::fake_discord::{FakeConfig, FakeDiscord};

const GUILD: u64 = 1_000;
const CHANNEL: u64 = 5_000;
const LATE_GUILD: u64 = 2_000;
const LATE_CHANNEL: u64 = 6_000;

/// The week after the seed's last (2026-08-22), with a K-pop entry on each chart.
const HOT100_WEEK: &str = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n\
                           2026-08-29,45,This & That,Stray Kids,38,38,2\n";
const B200_WEEK: &str = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n\
                         2026-08-29,3,This & That,Stray Kids,1,1,2\n";

struct Setup {
    fake: FakeDiscord,
    app: App,
    poster: Poster,
    dir: tempfile::TempDir,
}

/// A seeded store whose server posts after each new chart, set up now: the seed's weeks came
/// before it.
async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&crate::support::db::at(dir.path()))
        .await
        .unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    fake.add_channel(CHANNEL, Some(GUILD));
    fake.add_channel(LATE_CHANNEL, Some(LATE_GUILD));
    follow_charts(&app, GUILD, CHANNEL).await;
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

async fn follow_charts(app: &App, guild: u64, channel: u64) {
    app.store()
        .set_schedule(&Schedule {
            guild_id: guild,
            channel_id: channel,
            kind: ScheduleKind::NewChart,
            weekday: 0,
            hour: 0,
            locale: "en".into(),
            enabled: true,
            disabled_reason: None,
            created_at: Utc::now(),
        })
        .await
        .unwrap();
}

async fn import(app: &App, chart: Chart, csv: &str) {
    let mut tx = app.store().begin().await.unwrap();
    billboard::import(&mut tx, chart, csv.as_bytes(), &Actor::Cli, &())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The outcome for each server, by server.
async fn pass(s: &Setup, now: DateTime<Utc>) -> Vec<(u64, Outcome)> {
    weekly::run_due(&s.app, Some(&s.poster), now, "test")
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.guild_id, r.outcome))
        .collect()
}

fn hours(h: i64) -> DateTime<Utc> {
    Utc::now() + TimeDelta::hours(h)
}

fn title(s: &Setup, i: usize) -> String {
    s.fake.messages(CHANNEL)[i].embeds()[0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_new_chart_date_is_posted_once_both_charts_have_it() {
    let s = setup().await;
    // The seed's weeks were stored before the server was set up: not posted after the fact.
    assert!(matches!(
        pass(&s, hours(0)).await[..],
        [(GUILD, Outcome::NotYet)]
    ));

    import(&s.app, Chart::Hot100, HOT100_WEEK).await;
    for now in [hours(0), hours(23)] {
        assert!(
            matches!(pass(&s, now).await[..], [(GUILD, Outcome::NotYet)]),
            "one chart, less than a day: waits for the other"
        );
    }
    assert!(s.fake.messages(CHANNEL).is_empty());

    import(&s.app, Chart::Billboard200, B200_WEEK).await;
    assert!(matches!(
        pass(&s, hours(0)).await[..],
        [(GUILD, Outcome::Posted { .. })]
    ));
    let posts = s.fake.messages(CHANNEL);
    assert_eq!(posts.len(), 1);
    assert!(title(&s, 0).contains("2026-08-29"), "{}", title(&s, 0));
    let shown = serde_json::to_string(posts[0].embeds()).unwrap();
    assert!(shown.contains("This & That — Stray Kids"), "{shown}");

    // The same date, later passes: nothing more.
    for now in [hours(0), hours(25), hours(24 * 6)] {
        assert!(matches!(pass(&s, now).await[..], [(GUILD, Outcome::Done)]));
    }
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);

    // A server set up after the date came does not get that date's post.
    follow_charts(&s.app, LATE_GUILD, LATE_CHANNEL).await;
    let outcomes = pass(&s, hours(1)).await;
    assert!(
        outcomes
            .iter()
            .any(|(g, o)| *g == LATE_GUILD && matches!(o, Outcome::NotYet)),
        "{outcomes:?}"
    );
    assert!(s.fake.messages(LATE_CHANNEL).is_empty());
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn a_lone_chart_is_posted_a_day_after_it_came_and_never_again() {
    let s = setup().await;
    import(&s.app, Chart::Billboard200, B200_WEEK).await;
    assert!(matches!(
        pass(&s, hours(23)).await[..],
        [(GUILD, Outcome::NotYet)]
    ));
    assert!(s.fake.messages(CHANNEL).is_empty());

    let day_after = hours(24) + TimeDelta::minutes(1);
    assert!(matches!(
        pass(&s, day_after).await[..],
        [(GUILD, Outcome::Posted { .. })]
    ));
    assert!(title(&s, 0).contains("2026-08-29"), "{}", title(&s, 0));
    assert!(matches!(
        pass(&s, day_after).await[..],
        [(GUILD, Outcome::Done)]
    ));

    // The late chart's week of the same date: that date was posted already.
    import(&s.app, Chart::Hot100, HOT100_WEEK).await;
    for now in [day_after, hours(48)] {
        assert!(matches!(pass(&s, now).await[..], [(GUILD, Outcome::Done)]));
    }
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn two_workers_post_a_chart_date_once() {
    let s = setup().await;
    import(&s.app, Chart::Hot100, HOT100_WEEK).await;
    import(&s.app, Chart::Billboard200, B200_WEEK).await;
    let other = App::open(&crate::support::db::at(s.dir.path()))
        .await
        .unwrap();
    let now = hours(1);
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
    // And a later pass of either finds it done.
    let again = weekly::run_due(&other, Some(&s.poster), hours(2), "two")
        .await
        .unwrap();
    assert!(matches!(again[0].outcome, Outcome::Done), "{again:?}");
    assert_eq!(s.fake.messages(CHANNEL).len(), 1);
}

fn manager(locale: Locale) -> Caller {
    Caller {
        guild_id: Some(GUILD),
        locale,
        owner: true,
        ..Caller::default()
    }
}

/// The reply's JSON, and whether it refused.
async fn setup_command(app: &App, options: &[(&str, &str)], locale: Locale) -> (bool, String) {
    let inv = Invocation::new("summary setup", options, locale);
    let reply = commands::respond(app, &inv, &manager(locale)).await;
    let shown = crate::support::app::shown(&reply);
    assert!(reply.ephemeral, "only to the caller: {shown}");
    (reply.refusal, shown)
}

#[tokio::test]
async fn the_command_sets_new_chart_and_refuses_weekly_without_a_time() {
    let t_app = crate::support::app::TestApp::new().await;
    let app = &t_app.app;
    for locale in [Locale::En, Locale::Ko, Locale::Ja] {
        let needs = t(locale, msg::summary_needs_time());
        for options in [
            &[("channel", "5000")][..],
            &[("channel", "5000"), ("weekday", "mon")],
        ] {
            let (refused, shown) = setup_command(app, options, locale).await;
            assert!(refused && shown.contains(&needs), "{locale:?}: {shown}");
        }
    }
    assert!(app.store().schedule(GUILD).await.unwrap().is_none());
    let (refused, shown) = setup_command(
        app,
        &[("channel", "5000"), ("when", "sometimes")],
        Locale::En,
    )
    .await;
    assert!(
        refused && shown.contains(&t(Locale::En, msg::summary_bad_when())),
        "{shown}"
    );

    let (refused, shown) = setup_command(
        app,
        &[("channel", "5000"), ("when", "new-chart")],
        Locale::En,
    )
    .await;
    assert!(
        !refused && shown.contains("after each new chart"),
        "{shown}"
    );
    let s = app.store().schedule(GUILD).await.unwrap().unwrap();
    assert_eq!((s.kind, s.channel_id), (ScheduleKind::NewChart, 5000));

    // Weekly as before, with its weekday and hour.
    let (refused, shown) = setup_command(
        app,
        &[("channel", "5000"), ("weekday", "fri"), ("hour", "9")],
        Locale::En,
    )
    .await;
    assert!(
        !refused && shown.contains("every Friday at 09:00 UTC"),
        "{shown}"
    );
    let s = app.store().schedule(GUILD).await.unwrap().unwrap();
    assert_eq!((s.kind, s.weekday, s.hour), (ScheduleKind::Weekly, 4, 9));
}

#[test]
fn the_cli_sets_new_chart_without_a_weekday() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let setup = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
            .arg("--db")
            .arg(&db)
            .args(["summary", "setup", "--guild", "7", "--channel", "8"])
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let refused = setup(&[]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--weekday"),
        "{refused:?}"
    );
    let done = setup(&["--when", "new-chart"]);
    assert!(done.status.success(), "{done:?}");
    assert!(String::from_utf8_lossy(&done.stdout).contains("after each new chart"));
    let kind = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = kpop_facts::store::Store::open(&db).await.unwrap();
        let kind = store.schedule(7).await.unwrap().unwrap().kind;
        store.close().await;
        kind
    });
    assert_eq!(kind, ScheduleKind::NewChart);
}

#[tokio::test]
async fn after_switching_kinds_the_latest_post_is_the_one_sent_last() {
    let s = setup().await;
    let store = s.app.store();
    let covered = Covered::default();
    // A chart date posted first, then a weekly slot: the weekly key sorts before `chart:…`.
    for (slot, claimed) in [
        ("chart:2026-08-29", "2026-09-01T10:00:00Z"),
        ("2026-09-07T12:00:00Z", "2026-09-07T12:00:00Z"),
    ] {
        let now = DateTime::parse_from_rfc3339(claimed).unwrap().to_utc();
        let claim = store
            .claim_slot(GUILD, slot, "w", slot, now, now - TimeDelta::minutes(10))
            .await
            .unwrap();
        assert!(claim.is_some());
        let sent = SlotEnd::Sent {
            message_id: "1",
            covered: &covered,
        };
        assert!(store.finish_slot(GUILD, slot, "w", sent).await.unwrap());
    }
    let last = store.last_sent_post(GUILD).await.unwrap().unwrap();
    assert_eq!(last.slot, "2026-09-07T12:00:00Z");
}
