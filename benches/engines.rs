//! The two store engines side by side on the full Billboard history, in one run: the full import
//! into each against the engine's own bulk load of the same files into a bare table, and the
//! latency of the core commands on each.
//!
//! `cargo bench --bench engines -- DATA_DIR` where DATA_DIR holds the full `hot100.csv` and
//! `billboard200.csv`. It needs PostgreSQL's server binaries (as the tests find them) and starts a
//! throwaway cluster of its own; it writes nothing but temporary stores.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::import::billboard;
use kpop_facts::store::{Actor, Location, Store};
use sqlx::Connection;

#[path = "common/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../tests/support/postgres.rs"]
mod postgres;

use kpop_facts::edits::{self, Who};
use kpop_facts::feeds::{FeedArgs, Feeds, Outcome, Source};
use measure::{Stats, ratio, sqlite_import, stats, time_async, us};

const FILES: [(Chart, &str); 2] = [
    (Chart::Hot100, "hot100.csv"),
    (Chart::Billboard200, "billboard200.csv"),
];

const COMMANDS: [&str; 5] = [
    "/exports japan 2023-H1",
    "/exports 2023-H1",
    "/chart cupid",
    "/chart title:thriller chart:billboard-200",
    "/artist BTS",
];

fn main() {
    let Some(data) = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
    else {
        eprintln!(
            "usage: cargo bench --bench engines -- DATA_DIR   (a folder with hot100.csv and billboard200.csv)"
        );
        return;
    };
    let Some(bin) = postgres::bin_dir() else {
        eprintln!("{}", postgres::skip_line());
        return;
    };
    let cluster = postgres::Cluster::start(&bin).expect("a PostgreSQL cluster starts");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(&data, &cluster));
}

/// One engine's figures.
struct Engine {
    import: Duration,
    reference: Option<Duration>,
    commands: Vec<Stats>,
    /// Per chart: one new week's import, and reading every run as a long file does.
    weeks: Vec<(Stats, Stats)>,
    /// Per chart: a feed's pass that stores one new week, committed.
    feed_weeks: Vec<Stats>,
}

/// Imports of one new week, each rolled back so the next starts from the same store.
const WEEK_IMPORTS: usize = 30;

async fn run(data: &Path, cluster: &postgres::Cluster) {
    let dir = tempfile::tempdir().unwrap();
    println!("# kpop-facts: SQLite and PostgreSQL\n");
    let sqlite = measure_engine(data, Location::Sqlite(dir.path().join("bench.db"))).await;
    let sqlite = Engine {
        reference: sqlite_import(data, dir.path()),
        ..sqlite
    };
    let url = cluster.fresh_database();
    let pg = measure_engine(data, Location::Postgres(url)).await;
    let pg = Engine {
        reference: Some(bare_copy(data, &cluster.fresh_database()).await),
        ..pg
    };

    println!("## Import of both full files (one transaction per file)\n");
    println!("| engine | kpop-facts import | the engine's own load into a bare table | ratio |");
    println!("|---|---|---|---|");
    for (name, e, reference) in [
        ("SQLite", &sqlite, "`sqlite3 .import`"),
        ("PostgreSQL", &pg, "`COPY … FROM STDIN (FORMAT csv)`"),
    ] {
        match e.reference {
            Some(r) => println!(
                "| {name} | {:.2} s | {reference}: {:.2} s | {} |",
                e.import.as_secs_f64(),
                r.as_secs_f64(),
                ratio(e.import, r)
            ),
            None => println!(
                "| {name} | {:.2} s | {reference}: not installed | – |",
                e.import.as_secs_f64()
            ),
        }
    }
    println!(
        "\nPostgreSQL import against SQLite import: {}",
        ratio(pg.import, sqlite.import)
    );

    println!(
        "\n## One new chart week on the full store ({WEEK_IMPORTS} imports, each rolled back)\n"
    );
    println!(
        "| chart | engine | import of the week p50 | p99 | reading every run (what a long file does) p50 | the feed's whole pass, committed, p50 | p99 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (i, (chart, _)) in FILES.iter().enumerate() {
        for (name, e) in [("SQLite", &sqlite), ("PostgreSQL", &pg)] {
            let (week, every_run) = &e.weeks[i];
            let feed = &e.feed_weeks[i];
            println!(
                "| {chart} | {name} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
                week.p50.as_secs_f64() * 1e3,
                week.p99.as_secs_f64() * 1e3,
                every_run.p50.as_secs_f64() * 1e3,
                feed.p50.as_secs_f64() * 1e3,
                feed.p99.as_secs_f64() * 1e3
            );
        }
    }

    println!("\n## Commands (parse → store → reply), 300 answers each\n");
    println!(
        "| command | SQLite p50 | SQLite p99 | PostgreSQL p50 | PostgreSQL p99 | p50 ratio | p99 ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    for ((question, s), p) in COMMANDS.iter().zip(&sqlite.commands).zip(&pg.commands) {
        println!(
            "| `{question}` | {} | {} | {} | {} | {} | {} |",
            us(s.p50),
            us(s.p99),
            us(p.p50),
            us(p.p99),
            ratio(p.p50, s.p50),
            ratio(p.p99, s.p99)
        );
    }
}

/// Imports the full files into a fresh store at `at`, then times every command on it.
async fn measure_engine(data: &Path, at: Location) -> Engine {
    let store = Store::open(&at).await.unwrap();
    let started = Instant::now();
    for (chart, file) in FILES {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let mut tx = store.begin().await.unwrap();
        billboard::import(&mut tx, chart, &bytes, &Actor::Cli, &())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let import = started.elapsed();
    let mut weeks = Vec::new();
    let mut feed_weeks = Vec::new();
    for (chart, file) in FILES {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let week = next_week(&bytes);
        weeks.push(time_week(&store, chart, &week).await);
        feed_weeks.push(time_feed_week(&store, chart, &week).await);
    }
    store.close().await;

    let app = App::open(&at).await.unwrap();
    app.indexes().await.unwrap();
    let caller = Caller::default();
    let mut commands = Vec::new();
    for question in COMMANDS {
        let inv = Invocation::parse(question, Locale::En).unwrap();
        commands.push(
            time_async(300, |_| {
                let (app, inv, caller) = (&app, &inv, &caller);
                async move {
                    std::hint::black_box(commands::respond(app, inv, caller).await);
                }
            })
            .await,
        );
    }
    app.store().close().await;
    Engine {
        import,
        reference: None,
        commands,
        weeks,
        feed_weeks,
    }
}

/// The week after a file's last one, as a feed would bring it: every song of the last week one
/// place on (`last_week` its old place, one more week on the chart).
fn next_week(csv: &[u8]) -> String {
    let text = std::str::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes())
        })
        .filter_map(|mut r| r.records().next()?.ok())
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    let last = rows.last().unwrap()[0].clone();
    let date = chrono::NaiveDate::parse_from_str(&last, "%Y-%m-%d").unwrap() + chrono::Days::new(7);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header.split(',')).unwrap();
    for r in rows.iter().filter(|r| r[0] == last) {
        let weeks: u32 = r[6].parse().unwrap_or(0) + 1;
        out.write_record([
            &date.to_string(),
            &r[1],
            &r[2],
            &r[3],
            &r[1],
            &r[5],
            &weeks.to_string(),
        ])
        .unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

/// One new week's import on the full store, rolled back each time; and, for reference, the
/// reads of every run a long file makes (which a short one no longer does).
async fn time_week(store: &Store, chart: Chart, week: &str) -> (Stats, Stats) {
    let import = time_async(WEEK_IMPORTS, |_| async move {
        let mut tx = store.begin().await.unwrap();
        let report = billboard::import(&mut tx, chart, week.as_bytes(), &Actor::Cli, &())
            .await
            .unwrap();
        assert!(report.added > 0 && report.weeks == 1);
    })
    .await;
    let every_run = time_async(WEEK_IMPORTS, |_| async move {
        let mut tx = store.begin().await.unwrap();
        std::hint::black_box(tx.song_keys(chart).await.unwrap());
        std::hint::black_box(tx.song_titles(chart).await.unwrap());
    })
    .await;
    (import, every_run)
}

/// A feed's whole pass for one new week (read from a directory, checked, stored as an audited
/// change and committed), each taken back by an undo that is not timed.
async fn time_feed_week(store: &Store, chart: Chart, week: &str) -> Stats {
    let dir = tempfile::tempdir().unwrap();
    let date = week.lines().nth(1).unwrap().split(',').next().unwrap();
    std::fs::write(dir.path().join(format!("{date}.csv")), week).unwrap();
    let source = Some(Source::Dir(dir.path().to_path_buf()));
    let args = FeedArgs {
        hot100: source.clone().filter(|_| chart == Chart::Hot100),
        billboard200: source.filter(|_| chart == Chart::Billboard200),
        exports: None,
        since: None,
        interval: Duration::from_secs(3_600),
        look_back: 0,
        timeout: Duration::from_secs(30),
        max_bytes: 64 << 20,
        notice_after: 3,
    };
    let feeds = Feeds::new(&args).unwrap();
    let who = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    let target = format!("chart:{}:{date}", chart.slug());
    let mut samples = Vec::new();
    for _ in 0..WEEK_IMPORTS {
        let started = Instant::now();
        let outcomes = feeds.run_once(store, chrono::Utc::now()).await;
        samples.push(started.elapsed());
        assert!(
            matches!(&outcomes[0].1, Outcome::Ran(s) if s.starts_with("new weeks")),
            "{outcomes:?}"
        );
        let change = store
            .audit_log(None, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.target == target)
            .unwrap();
        edits::undo(store, &who, Some(change.id)).await.unwrap();
    }
    stats(samples)
}

/// PostgreSQL's own load of the same files into bare tables of text columns, timed from the
/// first byte sent to the last commit.
async fn bare_copy(data: &Path, url: &str) -> Duration {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    for (_, file) in FILES {
        let table = file.trim_end_matches(".csv");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE {table} (chart_date text, position text, title text, artist text,
                                   last_week text, peak text, weeks_on_chart text)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let started = Instant::now();
    for (_, file) in FILES {
        let table = file.trim_end_matches(".csv");
        let bytes = std::fs::read(data.join(file)).unwrap();
        let mut tx = conn.begin().await.unwrap();
        let mut copy = tx
            .copy_in_raw(&format!(
                "COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
            ))
            .await
            .unwrap();
        for chunk in bytes.chunks(1 << 20) {
            copy.send(chunk).await.unwrap();
        }
        copy.finish().await.unwrap();
        tx.commit().await.unwrap();
    }
    started.elapsed()
}
