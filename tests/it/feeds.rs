//! Chart feeds against a local web server that grows week by week: new weeks are stored and
//! answered, unchanged files cost a 304 and nothing else, and every guard leaves the store as
//! it was with one line saying why. The weeks are made from the seed's newest K-pop rows
//! (`data/hot100-kpop.csv`), continued and filled up to a whole chart.

use std::process::Output;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use kpop_facts::app::App;
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::store::{Action, Actor, Location, Store};

use crate::support::app::{ask, shown};
use crate::support::feed_server::{FeedServer, Served};

const TEMPLATE: &str = "/hot-100/{year}/{date}.csv";
const SCRAPE_HEADER: &str =
    "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart";

/// A seed row of the newest Hot 100 week: position, title, credit, weeks on chart.
#[derive(Clone, Debug)]
struct SeedRow {
    position: i64,
    title: String,
    credit: String,
    weeks: i64,
}

/// The seed's newest Hot 100 week and its K-pop rows, read from the repository's seed file.
fn seed_newest() -> (NaiveDate, Vec<SeedRow>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/hot100-kpop.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let newest = rows.iter().map(|r| r[0].to_string()).max().unwrap();
    let week = rows
        .iter()
        .filter(|r| r[0] == newest)
        .map(|r| SeedRow {
            position: r[1].parse().unwrap(),
            title: r[2].to_string(),
            credit: r[3].to_string(),
            weeks: r[6].parse().unwrap(),
        })
        .collect();
    (newest.parse().unwrap(), week)
}

/// A credit of the seed's newest week that is one act's alone (no "&", "Featuring" or ",").
fn seed_act(seed: &[SeedRow]) -> String {
    seed.iter()
        .map(|s| s.credit.clone())
        .find(|c| !c.contains('&') && !c.contains(',') && !c.contains("eaturing"))
        .expect("a solo credit in the seed's newest week")
}

/// The `k`th whole week after the seed's newest (k ≥ 1), in the public scrape's format: the
/// seed's K-pop rows stay at their places, every other place holds a song that debuted in
/// week 1 and stayed put.
fn week(k: u64) -> (NaiveDate, String) {
    let (newest, seed) = seed_newest();
    let date = newest + Days::new(7 * k);
    let mut out = format!("{SCRAPE_HEADER}\n");
    for p in 1..=100i64 {
        let line = match seed.iter().find(|s| s.position == p) {
            Some(s) => format!(
                "{date},{p},\"{}\",\"{}\",{p},{p},{}",
                s.title,
                s.credit,
                s.weeks + k as i64
            ),
            None if k == 1 => format!("{date},{p},Feed Song {p},Feed Artist {p},-,{p},1"),
            None => format!("{date},{p},Feed Song {p},Feed Artist {p},{p},{p},{k}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    (date, out)
}

fn path_of(date: NaiveDate) -> String {
    TEMPLATE
        .replace("{year}", &date.format("%Y").to_string())
        .replace("{date}", &date.to_string())
}

/// `kpop-facts feed run-once` on `db` with the Hot 100 feed at `source`.
fn run_once(db: &Location, source: &str, extra: &[(&str, &str)]) -> Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"));
    c.arg("--db")
        .arg(db)
        .args(["feed", "run-once"])
        .env_remove("RUST_LOG")
        .env_remove("KPOP_FACTS_FEED_BILLBOARD200")
        .env_remove("KPOP_FACTS_FEED_EXPORTS")
        .env_remove("KPOP_FACTS_FEED_SINCE")
        .env("KPOP_FACTS_FEED_HOT100", source)
        .env("KPOP_FACTS_FEED_TIMEOUT", "2s");
    for (k, v) in extra {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What a test compares before and after a feed pass that must change nothing.
#[derive(Debug, PartialEq)]
struct Facts {
    newest: Option<NaiveDate>,
    rows: usize,
    changes: Vec<i64>,
}

async fn facts(db: &Location) -> Facts {
    let store = Store::open(db).await.unwrap();
    let newest = store.newest_chart_week(Chart::Hot100).await.unwrap();
    let rows = match newest {
        Some(n) => store.stored_week(Chart::Hot100, n).await.unwrap().len(),
        None => 0,
    };
    let changes = store
        .audit_log(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action != Action::FeedNotice)
        .map(|e| e.id)
        .collect();
    store.close().await;
    Facts {
        newest,
        rows,
        changes,
    }
}

/// A seeded store of a test's own.
async fn seeded() -> (tempfile::TempDir, Location) {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    App::open(&db).await.unwrap().store().close().await;
    (dir, db)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_growing_feed_is_stored_week_by_week_and_answered() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let source = server.url(TEMPLATE);
    let (first, body) = week(1);
    server.put(&path_of(first), Served::csv(body));

    let out = run_once(&db, &source, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("hot-100: new weeks: {first}")),
        "{}",
        text(&out.stdout)
    );
    let after = facts(&db).await;
    assert_eq!((after.newest, after.rows), (Some(first), 100));

    // The week is answered: the seed's K-pop songs have one week more, and the summary of the
    // week after lists them.
    let (_, seed) = seed_newest();
    let app = App::open(&db).await.unwrap();
    let song = &seed[0];
    let reply = ask(&app, &format!("/chart {}", song.title), Locale::En).await;
    let shown_text = shown(&reply);
    assert!(
        shown_text.contains(&format!("{} weeks", song.weeks + 1)),
        "{shown_text}"
    );
    // /artist's latest week is the feed's.
    let act = seed_act(&seed);
    let row = seed.iter().find(|s| s.credit == act).unwrap();
    let reply = ask(&app, &format!("/artist {act}"), Locale::En).await;
    let latest = format!(
        "{} (Billboard Hot 100) · No. {} on {first}",
        row.title, row.position
    );
    assert!(shown(&reply).contains(&latest), "{}", shown(&reply));
    let slot = (first + Days::new(2))
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    let (post, covered) =
        kpop_facts::commands::weekly_post::build(&app, Locale::En, slot, None, None)
            .await
            .unwrap()
            .expect("a post for the new week");
    assert_eq!(
        covered.hot100_week.as_deref(),
        Some(first.to_string().as_str())
    );
    assert!(shown(&post).contains(&song.title), "{}", shown(&post));
    app.store().close().await;

    // Next week's file appears; the week before answers 304 and costs nothing.
    let (second, body) = week(2);
    server.put(&path_of(second), Served::csv(body));
    server.forget_seen();
    let out = run_once(&db, &source, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("new weeks: {second}")));
    let seen = server.seen();
    let first_again = seen
        .iter()
        .find(|s| s.path == path_of(first))
        .expect("the look-back asked for the first week again");
    assert_eq!(first_again.status, 304, "{seen:?}");
    assert!(first_again.if_none_match.is_some());
    assert_eq!(facts(&db).await.newest, Some(second));

    // Nothing new: every file answers 304 or 404, and no change is recorded.
    let before = facts(&db).await;
    server.forget_seen();
    let out = run_once(&db, &source, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("hot-100: nothing new"));
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.status == 304 || s.status == 404),
        "{:?}",
        server.seen()
    );
    assert_eq!(facts(&db).await, before);
}

/// Each fault served as the week after the seed's newest, with what the pass must say.
fn faults() -> Vec<(&'static str, Served, &'static str, i32)> {
    let (_, whole) = week(1);
    let lines: Vec<&str> = whole.lines().collect();
    let short = lines[..lines.len() - 1].join("\n") + "\n";
    let truncated = &whole[..whole.len() - 40];
    let (old, _) = seed_newest();
    let past = whole.replace(&(old + Days::new(7)).to_string(), &old.to_string());
    let mut stalled = Served::csv(whole.clone());
    stalled.stall = Some(Duration::from_secs(5));
    vec![
        (
            "server error",
            Served::status(500, "text/plain", "oops"),
            "HTTP 500",
            3,
        ),
        ("timeout", stalled, "did not answer within 2 s", 3),
        (
            "html page",
            Served::status(200, "text/html", "<!doctype html><h1>Error</h1>"),
            "an HTML page",
            1,
        ),
        ("truncated", Served::csv(truncated), "unreadable row", 1),
        ("99 rows", Served::csv(short), "it has 99 rows", 1),
        ("dated in the past", Served::csv(past), "not the week of", 1),
        (
            "over the cap",
            Served::csv(whole.clone()),
            "more than 2000 bytes",
            3,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_guard_leaves_the_store_unchanged_with_one_line() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let source = server.url(TEMPLATE);
    let (date, _) = week(1);
    let before = facts(&db).await;
    for (name, served, says, code) in faults() {
        server.put(&path_of(date), served);
        let cap = if name == "over the cap" {
            "2000"
        } else {
            "1000000"
        };
        let out = run_once(&db, &source, &[("KPOP_FACTS_FEED_MAX_BYTES", cap)]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name}: {}",
            text(&out.stderr)
        );
        let log: Vec<String> = text(&out.stderr)
            .lines()
            .filter(|l| l.contains("feed refused") || l.contains("feed failed"))
            .map(str::to_string)
            .collect();
        assert_eq!(log.len(), 1, "{name}: {log:?}");
        assert!(log[0].contains(says), "{name}: {}", log[0]);
        assert!(
            text(&out.stdout).contains(says),
            "{name}: {}",
            text(&out.stdout)
        );
        assert_eq!(facts(&db).await, before, "{name} changed the store");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn links_that_contradict_a_whole_stored_week_refuse_the_week() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let source = server.url(TEMPLATE);
    let (first, body) = week(1);
    server.put(&path_of(first), Served::csv(body));
    assert!(run_once(&db, &source, &[]).status.success());
    // Week 2 with twenty places' songs moved one place down while still claiming to have
    // held their own place last week.
    let (second, body) = week(2);
    let moved: String = body
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if let Ok(p) = f[1].parse::<i64>()
                && (50..70).contains(&p)
                && f[2].starts_with("Feed Song")
            {
                f[2] = format!("Feed Song {}", p + 100);
                f[3] = format!("Feed Artist {}", p + 100);
            }
            f.join(",") + "\n"
        })
        .collect();
    server.put(&path_of(second), Served::csv(moved));
    let before = facts(&db).await;
    let out = run_once(&db, &source, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("week of {second} was refused")),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("last_week contradict"));
    assert_eq!(facts(&db).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_in_the_look_back_is_an_audited_change_that_undo_takes_back() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let source = server.url(TEMPLATE);
    let (first, body) = week(1);
    server.put(&path_of(first), Served::csv(body.clone()));
    assert!(run_once(&db, &source, &[]).status.success());
    let store = Store::open(&db).await.unwrap();
    let stored = store.stored_week(Chart::Hot100, first).await.unwrap();
    store.close().await;

    // Billboard fixes a title on the published week.
    let fixed = body.replace("Feed Song 77,", "Feed Song Seventy-Seven,");
    server.put(&path_of(first), Served::csv(fixed));
    let out = run_once(&db, &source, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("corrected weeks: {first}")),
        "{}",
        text(&out.stdout)
    );
    let store = Store::open(&db).await.unwrap();
    let now = store.stored_week(Chart::Hot100, first).await.unwrap();
    assert_eq!(
        now.iter().find(|r| r.0 == 77).unwrap().1,
        "Feed Song Seventy-Seven"
    );
    let change = store.audit_log(None, 1).await.unwrap().remove(0);
    assert_eq!(change.actor, Actor::Feed("hot-100".into()));
    assert_eq!(change.target, format!("chart:hot-100:{first}"));
    assert!(
        change
            .before
            .as_deref()
            .unwrap()
            .contains("\"Feed Song 77\"")
    );
    assert!(
        change
            .after
            .as_deref()
            .unwrap()
            .contains("Feed Song Seventy-Seven")
    );
    store.close().await;

    // In the history, and undone like any edit.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&db)
        .args(["facts", "history"])
        .output()
        .unwrap();
    let history = text(&out.stdout);
    assert!(
        history.contains(&format!("#{}", change.id)) && history.contains("the hot-100 feed"),
        "{history}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&db)
        .args(["facts", "undo", &format!("change:{}", change.id)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = Store::open(&db).await.unwrap();
    assert_eq!(
        store.stored_week(Chart::Hot100, first).await.unwrap(),
        stored
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_reaches_the_mod_log_once_and_failures_in_a_row_once() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let source = server.url(TEMPLATE);
    let (date, whole) = week(1);
    let short: String = whole.lines().take(100).map(|l| format!("{l}\n")).collect();
    server.put(&path_of(date), Served::csv(short));
    for _ in 0..4 {
        assert_eq!(run_once(&db, &source, &[]).status.code(), Some(1));
    }
    let store = Store::open(&db).await.unwrap();
    let notices: Vec<String> = store
        .audit_log(None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == Action::FeedNotice)
        .map(|e| e.after.unwrap_or_default())
        .collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices.iter().any(|n| n.contains("99 rows")));
    assert!(
        notices
            .iter()
            .any(|n| n.contains("failed 3 times in a row"))
    );
    let state = store.feed_state("hot-100").await.unwrap();
    assert_eq!(state.failures, 4);
    assert!(state.next_try.is_some());
    store.close().await;

    // Status says when it last failed and when it tries next.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&db)
        .args(["feed", "status"])
        .env("KPOP_FACTS_FEED_HOT100", &source)
        .env_remove("KPOP_FACTS_FEED_BILLBOARD200")
        .env_remove("KPOP_FACTS_FEED_EXPORTS")
        .output()
        .unwrap();
    assert!(out.status.success());
    let status = text(&out.stdout);
    assert!(status.contains("last success: never"), "{status}");
    assert!(status.contains("(4 in a row)"), "{status}");
    assert!(status.contains("99 rows"), "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_of_weekly_files_is_a_feed_too() {
    let (_dir, db) = seeded().await;
    let files = tempfile::tempdir().unwrap();
    let (first, body) = week(1);
    let (second, body2) = week(2);
    std::fs::create_dir_all(files.path().join("2026")).unwrap();
    std::fs::write(files.path().join(format!("2026/{first}.csv")), body).unwrap();
    std::fs::write(files.path().join(format!("2026/{second}.csv")), body2).unwrap();
    let out = run_once(&db, files.path().to_str().unwrap(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("new weeks: {first}, {second}")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(facts(&db).await.newest, Some(second));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_running_bot_keeps_chart_current_with_no_command_typed() {
    use crate::support::fake_discord::FakeDiscord;
    use crate::support::process::{BotProcess, GENEROUS};

    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let (first, body) = week(1);
    server.put(&path_of(first), Served::csv(body));
    let fake = FakeDiscord::start(Default::default()).await;
    const MODLOG: u64 = 7_000;
    fake.add_channel(MODLOG, Some(fake.config().guild_ids[0]));
    let source = server.url(TEMPLATE);
    let bot = BotProcess::start(
        &fake,
        &db,
        &[
            ("KPOP_FACTS_FEED_HOT100", source.as_str()),
            ("KPOP_FACTS_FEED_INTERVAL", "1s"),
            ("KPOP_FACTS_MODLOG_CHANNEL", &MODLOG.to_string()),
        ],
    );
    assert!(fake.wait_ready(GENEROUS).await, "the bot connected");
    let (_, seed) = seed_newest();
    let song = &seed[0];
    // Once the feed has stored `date`, /chart counts `weeks` weeks for the song.
    let answered_with = |date: NaiveDate, weeks: i64| {
        let (fake, db) = (&fake, &db);
        async move {
            let stored = crate::support::wait::until(GENEROUS, || async move {
                facts(db).await.newest == Some(date)
            })
            .await;
            assert!(stored, "the feed stored {date}");
            // The bot's views follow the store within half a second; ask until they have.
            crate::support::wait::until(GENEROUS, || async move {
                let sent = fake
                    .dispatch(
                        fake.slash("chart")
                            .option("title", song.title.as_str())
                            .build(),
                    )
                    .await;
                let reply = fake
                    .wait_response(sent.id, GENEROUS)
                    .await
                    .expect("answered");
                reply.body.to_string().contains(&format!("{weeks} weeks"))
            })
            .await
        }
    };
    assert!(
        answered_with(first, song.weeks + 1).await,
        "the first feed week"
    );
    let (second, body) = week(2);
    server.put(&path_of(second), Served::csv(body));
    assert!(
        answered_with(second, song.weeks + 2).await,
        "the week after, polled"
    );
    // A half-published week is refused, polled again every second: the mod-log hears of the
    // refusal once, and once that it keeps failing.
    let (third, body) = week(3);
    let short: String = body.lines().take(60).map(|l| format!("{l}\n")).collect();
    server.put(&path_of(third), Served::csv(short));
    let modlog = |f: &FakeDiscord| {
        f.messages(MODLOG)
            .iter()
            .map(|m| m.message.to_string())
            .collect::<String>()
    };
    assert!(
        fake.wait_until(GENEROUS, |f| modlog(f).contains("failed 3 times in a row"))
            .await,
        "the mod-log was told"
    );
    let text = modlog(&fake);
    assert_eq!(text.matches("it has 59 rows").count(), 2, "{text}");
    assert_eq!(facts(&db).await.newest, Some(second));
    bot.signal(libc::SIGTERM);
    let (status, stderr) = bot.exit().await;
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains(&format!("new weeks: {second}")), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_polling_processes_import_a_week_once() {
    use kpop_facts::feeds::{FeedArgs, Feeds};

    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let (first, body) = week(1);
    server.put(&path_of(first), Served::csv(body));
    let args = FeedArgs {
        hot100: Some(server.url(TEMPLATE).parse().unwrap()),
        billboard200: None,
        exports: None,
        since: None,
        interval: Duration::from_secs(3_600),
        look_back: 2,
        timeout: Duration::from_secs(5),
        max_bytes: 1 << 20,
        notice_after: 3,
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut pollers = Vec::new();
    for holder in ["one", "two"] {
        let (db, args, stopped) = (db.clone(), args.clone(), stopped.clone());
        pollers.push(tokio::spawn(async move {
            let store = Store::open(&db).await.unwrap();
            Feeds::new(&args)
                .unwrap()
                .poll(&store, holder, stopped)
                .await;
            store.close().await;
        }));
    }
    let store = Store::open(&db).await.unwrap();
    let ran = crate::support::wait::until(Duration::from_secs(60), || async {
        store
            .feed_state("hot-100")
            .await
            .unwrap()
            .last_success
            .is_some()
    })
    .await;
    assert!(ran, "a poller ran the feed");
    // Each poller has made its first pass (or found it held or not due) before it looks at
    // the stop signal.
    stop.send(true).unwrap();
    for p in pollers {
        p.await.unwrap();
    }
    let asked = server
        .seen()
        .iter()
        .filter(|s| s.path == path_of(first))
        .count();
    assert_eq!(asked, 1, "{:?}", server.seen());
    let imports = store
        .audit_log(None, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.target == format!("chart:hot-100:{first}"))
        .count();
    assert_eq!(imports, 1);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_file_of_many_weeks_adds_only_those_after_the_newest_stored() {
    let server = FeedServer::start().await;
    let (_dir, db) = seeded().await;
    let (first, one) = week(1);
    let (second, two) = week(2);
    // A long history in one file: an old week (half a chart, which no check looks at any
    // more) and two new ones, newest first as some scrapes write them.
    let body_of = |csv: &str| {
        csv.lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let old: String = (1..=50)
        .map(|p| format!("2020-01-04,{p},Old Song {p},Old Artist {p},,{p},3\n"))
        .collect();
    let file = format!("{SCRAPE_HEADER}\n{}{}{old}", body_of(&two), body_of(&one));
    server.put("/hot-100-current.csv", Served::csv(file));
    let source = server.url("/hot-100-current.csv");
    let out = run_once(&db, &source, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("new weeks: {first}, {second}")),
        "{}",
        text(&out.stdout)
    );
    let store = Store::open(&db).await.unwrap();
    let old_date = NaiveDate::from_ymd_opt(2020, 1, 4).unwrap();
    let old_rows = store.stored_week(Chart::Hot100, old_date).await.unwrap();
    assert!(old_rows.iter().all(|r| !r.1.starts_with("Old Song")));
    store.close().await;
    // Unchanged: one 304, nothing else.
    let before = facts(&db).await;
    server.forget_seen();
    let out = run_once(&db, &source, &[]);
    assert!(out.status.success());
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.seen()[0].status, 304);
    assert_eq!(facts(&db).await, before);
}
