//! `/thisweek [week]`: the weekly post's chart weeks on demand. Expected weeks and entries are
//! read from the seed's chart files, not written down.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use kpop_facts::app::App;
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::support::app::{TestApp, field, shown};
use crate::support::fake_discord::{FakeConfig, FakeDiscord};

const WAIT: Duration = Duration::from_secs(5);

/// One row of a seed chart file.
struct Row {
    date: NaiveDate,
    position: i64,
    title: String,
    artist: String,
}

fn data(file: &str) -> csv::Reader<std::fs::File> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(file);
    csv::Reader::from_path(path).unwrap()
}

/// The credits the seed's act list counts as K-pop on `chart`, each from its act's first
/// date: the chart files also hold acts the list excludes (KATSEYE).
fn kpop_credits(chart: &str) -> Vec<(String, NaiveDate)> {
    let mut acts = data("kpop_acts.csv");
    let header = acts.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let credits = col(if chart == "Billboard 200" {
        "billboard200_credits"
    } else {
        "hot100_credits"
    });
    let mut out = Vec::new();
    for a in acts.records().map(Result::unwrap) {
        if &a[col("is_kpop")] != "yes" {
            continue;
        }
        let from: NaiveDate = a[col("min_chart_date")].parse().unwrap();
        out.extend(
            a[credits]
                .split(" | ")
                .map(|c| (c.trim().to_string(), from)),
        );
    }
    out
}

/// The seed's chart files, as (chart name, rows).
fn seed_charts() -> [(&'static str, Vec<Row>); 2] {
    let read = |file: &str| -> Vec<Row> {
        let mut rows = Vec::new();
        for r in data(file).records() {
            let r = r.unwrap();
            rows.push(Row {
                date: r[0].parse().unwrap(),
                position: r[1].parse().unwrap(),
                title: r[2].to_string(),
                artist: r[3].to_string(),
            });
        }
        rows
    };
    [
        ("Billboard Hot 100", read("hot100-kpop.csv")),
        ("Billboard 200", read("billboard200-kpop.csv")),
    ]
}

/// The newest week of `rows` on or before `day`.
fn week_on_or_before(rows: &[Row], day: NaiveDate) -> Option<NaiveDate> {
    rows.iter().map(|r| r.date).filter(|d| *d <= day).max()
}

/// Each chart's field shows its week on or before `day` and every entry of that week, each
/// on its own line with its position.
fn assert_shows_weeks_up_to(reply: &Reply, day: NaiveDate) {
    for (chart, rows) in seed_charts() {
        let week = week_on_or_before(&rows, day).unwrap();
        let value = field(reply, &format!("{chart} · {week}"));
        let kpop = kpop_credits(chart);
        let entries: Vec<&Row> = rows
            .iter()
            .filter(|r| r.date == week)
            .filter(|r| {
                kpop.iter()
                    .any(|(c, from)| *c == r.artist && *from <= r.date)
            })
            .collect();
        assert!(!entries.is_empty(), "{chart} {week} has K-pop entries");
        assert_eq!(
            value.lines().count(),
            entries.len(),
            "{chart} {week}: {value}"
        );
        for e in entries {
            let position = format!("`{:>3}`", e.position);
            let entry = format!("{} — {}", e.title, e.artist);
            assert!(
                value
                    .lines()
                    // The entry ends the line, or is followed by " · new peak" and the like.
                    .any(|l| l.starts_with(&position)
                        && (l.ends_with(&entry) || l.contains(&format!("{entry} · ")))),
                "{chart} {week}: no line for {position} {entry} in\n{value}"
            );
        }
    }
}

fn title(reply: &Reply) -> &str {
    reply.embeds[0].title.as_deref().unwrap_or_default()
}

fn description(reply: &Reply) -> &str {
    reply.embeds[0].description.as_deref().unwrap_or_default()
}

/// The Cupid (Fifty Fifty) week at its Hot 100 peak: a mid-history week with a known entry.
fn cupid_peak_week() -> (NaiveDate, i64) {
    let [(_, hot100), _] = seed_charts();
    hot100
        .iter()
        .filter(|r| r.title == "Cupid" && r.artist == "Fifty Fifty")
        .map(|r| (r.date, r.position))
        .min_by_key(|(date, position)| (*position, *date))
        .unwrap()
}

#[tokio::test]
async fn the_newest_week_is_shown_with_its_kpop_entries() {
    let t = TestApp::new().await;
    let newest = seed_charts()
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.date))
        .max()
        .unwrap();
    let r = t.ask("/thisweek").await;
    assert!(!r.refusal && !r.ephemeral, "a public answer: {r:?}");
    assert!(
        title(&r).contains(&format!("charts dated {newest}")),
        "{}",
        title(&r)
    );
    assert_shows_weeks_up_to(&r, newest);
    assert_eq!(description(&r), "", "the week asked for is the week shown");
    // The same standing as a picture, as the weekly post has it.
    assert_eq!(r.attachments.len(), 1);
    assert_eq!(r.attachments[0].filename, format!("kpop-week-{newest}.png"));
}

#[tokio::test]
async fn a_given_week_shows_that_weeks_entries() {
    let t = TestApp::new().await;
    let (week, position) = cupid_peak_week();
    let r = t.ask(&format!("/thisweek week:{week}")).await;
    assert!(!r.refusal && !r.ephemeral, "{r:?}");
    assert!(
        title(&r).contains(&format!("charts dated {week}")),
        "{}",
        title(&r)
    );
    assert_shows_weeks_up_to(&r, week);
    let hot100 = field(&r, &format!("Billboard Hot 100 · {week}"));
    assert!(
        hot100.lines().any(
            |l| l.starts_with(&format!("`{position:>3}`")) && l.contains("Cupid — Fifty Fifty")
        ),
        "{hot100}"
    );
    assert_eq!(description(&r), "");
    // Bare words are the week too.
    let bare = t.ask(&format!("/thisweek {week}")).await;
    assert_eq!(bare.embeds, r.embeds);
}

#[tokio::test]
async fn a_date_between_chart_weeks_shows_the_week_before_and_says_so() {
    let t = TestApp::new().await;
    let (cupid, _) = cupid_peak_week();
    let asked = cupid + Days::new(3);
    let charts = seed_charts();
    assert!(
        charts
            .iter()
            .all(|(_, rows)| rows.iter().all(|r| r.date != asked)),
        "{asked} is no chart week"
    );
    let shown_week = charts
        .iter()
        .filter_map(|(_, rows)| week_on_or_before(rows, asked))
        .max()
        .unwrap();
    let r = t.ask(&format!("/thisweek week:{asked}")).await;
    assert!(!r.refusal && !r.ephemeral, "{r:?}");
    assert_eq!(
        description(&r),
        format!(
            "No chart is dated {asked}: these are the charts dated {shown_week}, the newest week before it."
        )
    );
    assert!(title(&r).contains(&format!("charts dated {shown_week}")));
    assert_shows_weeks_up_to(&r, asked);
}

#[tokio::test]
async fn bad_dates_and_dates_before_the_charts_are_refused_with_a_suggestion() {
    let t = TestApp::new().await;
    for bad in ["2023-13-45", "last week", "15/07/2023"] {
        let r = t.ask(&format!("/thisweek week:\"{bad}\"")).await;
        assert!(r.refusal && r.ephemeral, "{bad}: {r:?}");
        assert_eq!(
            description(&r),
            format!("“{bad}” is not a date. Give it as YYYY-MM-DD, such as 2023-07-15.")
        );
    }
    let first = seed_charts()
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.date))
        .min()
        .unwrap();
    let early = first - Days::new(1);
    let r = t.ask(&format!("/thisweek week:{early}")).await;
    assert!(r.refusal && r.ephemeral, "{r:?}");
    assert_eq!(
        description(&r),
        format!(
            "The charts held start on {first}; {early} is before them. Try `/thisweek week:{first}`, \
             or leave `week` empty for the newest week."
        )
    );
    // The suggestion works.
    let r = t.ask(&format!("/thisweek week:{first}")).await;
    assert!(!r.refusal, "{r:?}");
}

#[tokio::test]
async fn korean_and_japanese_answers_are_whole() {
    let t = TestApp::new().await;
    let (cupid, _) = cupid_peak_week();
    let between = cupid + Days::new(3);
    let cases = [
        (
            Locale::Ko,
            "이번 주 K팝",
            "날짜의 차트는 없어요",
            "날짜가 아니에요",
            "차트는",
        ),
        (
            Locale::Ja,
            "今週のK-POP",
            "付のチャートはありません",
            "日付ではありません",
            "チャートは",
        ),
    ];
    for (locale, heading, note, bad, early) in cases {
        let answers = [
            t.ask_in("/thisweek", locale).await,
            t.ask_in(&format!("/thisweek week:{between}"), locale).await,
            t.ask_in("/thisweek week:soon", locale).await,
            t.ask_in("/thisweek week:1999-01-01", locale).await,
        ];
        for r in &answers {
            let text = shown(r);
            for key in [
                "thisweek.",
                "weekly.",
                "error.",
                "{asked}",
                "{shown}",
                "{first}",
            ] {
                assert!(!text.contains(key), "{locale:?}: {key} leaked in {text}");
            }
        }
        assert!(
            title(&answers[0]).contains(heading),
            "{}",
            title(&answers[0])
        );
        assert!(
            description(&answers[1]).contains(note),
            "{}",
            description(&answers[1])
        );
        assert!(answers[2].refusal && description(&answers[2]).contains(bad));
        assert!(answers[3].refusal && description(&answers[3]).contains(early));
        assert!(description(&answers[3]).contains("/thisweek week:"));
    }
}

/// The bot, connected to `fake` with a fresh seeded store.
async fn start_bot(
    fake: &FakeDiscord,
    dir: &Path,
) -> (
    watch::Sender<bool>,
    tokio::task::JoinHandle<Result<(), discord::RunError>>,
) {
    let app = Arc::new(App::open(&crate::support::db::at(dir)).await.unwrap());
    let settings = Settings {
        token: Secret::new(fake.config().token.clone()),
        api_base_url: Some(fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (stop, rx) = watch::channel(false);
    let bot = tokio::spawn(discord::run(settings, app, rx));
    assert!(fake.wait_ready(WAIT).await, "the bot connected");
    (stop, bot)
}

/// The message the bot answered `payload` with, at once or after deferring.
async fn answer(fake: &FakeDiscord, payload: Value) -> (Value, usize) {
    let sent = fake.dispatch(payload).await;
    let r = fake
        .wait_response(sent.id, WAIT)
        .await
        .expect("the bot answered");
    if r.kind == 4 {
        return (r.data().clone(), r.files.len());
    }
    assert_eq!(r.kind, 5, "{:?}", r.body);
    assert!(
        fake.wait_until(WAIT, |f| !f.webhook_writes(sent.id).is_empty())
            .await,
        "the deferred answer was delivered"
    );
    let write = fake.webhook_writes(sent.id).remove(0);
    // A deferred answer keeps the flags it was deferred with.
    let mut body = write.body.clone();
    body["flags"] = r.data()["flags"].clone();
    (body, write.files.len())
}

#[tokio::test]
async fn thisweek_is_registered_for_everyone_and_answers_in_servers_and_dms() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let (stop, bot) = start_bot(&fake, dir.path()).await;
    assert!(
        fake.wait_until(WAIT, |f| f.registered_commands(None).len() == 9)
            .await
    );
    let registered = fake.registered_commands(None);
    let command = registered.iter().find(|c| c["name"] == "thisweek").unwrap();
    assert_eq!(command["default_member_permissions"], Value::Null);
    assert_eq!(command["contexts"], json!([0, 1]));
    assert_eq!(command["name_localizations"]["ko"], "이번주");
    assert_eq!(command["options"][0]["name"], "week");
    assert_eq!(command["options"][0]["required"], false);

    let (week, _) = cupid_peak_week();
    for guild in [Some(fake.config().guild_ids[0]), None] {
        let payload = fake
            .slash("thisweek")
            .option("week", week.to_string().as_str())
            .guild(guild)
            .build();
        let (body, files) = answer(&fake, payload).await;
        assert!(
            body.get("flags").is_none_or(Value::is_null),
            "public: {body}"
        );
        let embed = &body["embeds"][0];
        assert!(
            embed["title"]
                .as_str()
                .unwrap()
                .contains(&format!("charts dated {week}")),
            "{embed}"
        );
        assert!(embed.to_string().contains("Cupid — Fifty Fifty"), "{embed}");
        assert_eq!(files, 1, "the week's picture");
    }
    let (body, _) = answer(
        &fake,
        fake.slash("thisweek").option("week", "tomorrow").build(),
    )
    .await;
    assert_eq!(body["flags"], 64);
    assert!(
        body["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("is not a date")
    );

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, bot)
        .await
        .expect("stopped in time")
        .unwrap()
        .expect("a clean shutdown");
}

#[tokio::test]
async fn a_past_week_lists_the_facts_changed_in_its_own_week_not_todays() {
    use kpop_facts::edits::{self, Who};
    use kpop_facts::store::{Actor, AliasKind};

    let t = TestApp::new().await;
    let owner = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    edits::add_alias(
        t.app.store(),
        &owner,
        AliasKind::Act,
        "bts",
        "bangtan-today",
    )
    .await
    .unwrap();
    // The newest week's post tells today's change; an old week's does not.
    let newest = t.ask("/thisweek").await;
    assert!(
        shown(&newest).contains("bangtan-today"),
        "{}",
        shown(&newest)
    );
    let (week, _) = cupid_peak_week();
    let past = t.ask(&format!("/thisweek week:{week}")).await;
    assert!(!shown(&past).contains("bangtan-today"), "{}", shown(&past));
}
