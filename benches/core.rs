//! Speed and memory of the core on the full Billboard history, each figure beside a reference
//! measured in the same run.
//!
//! `cargo bench --bench core -- DATA_DIR` where DATA_DIR holds `hot100.csv` and
//! `billboard200.csv` (the full files). Writes nothing but a temporary store.

use std::path::{Path, PathBuf};
use std::time::Instant;

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::import::billboard;
use kpop_facts::reply::plot::{self, Bar, OverlayLine, RunWeek};
use kpop_facts::store::{Actor, Store};

#[path = "common/measure.rs"]
mod measure;
use measure::{Stats, ratio, sqlite_import, time_async, us};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serve-child") {
        // As the bot's own process does, before any thread starts.
        kpop_facts::cli::limit_malloc_arenas();
        // A fresh process that only serves, so its peak RSS is the bot's, not the importer's.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(serve_child(Path::new(&args[i + 1])));
        return;
    }
    let Some(data) = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
    else {
        eprintln!(
            "usage: cargo bench --bench core -- DATA_DIR   (a folder with hot100.csv and billboard200.csv)"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(&data));
}

fn row(what: &str, ours: &Stats, reference: Option<&Stats>) {
    match reference {
        Some(r) => println!(
            "| {what} | {} | {} | {} | {} | {} |",
            us(ours.p50),
            us(ours.p99),
            us(r.p50),
            us(r.p99),
            ratio(ours.p99, r.p99)
        ),
        None => println!(
            "| {what} | {} | {} | – | – | – |",
            us(ours.p50),
            us(ours.p99)
        ),
    }
}

async fn run(data: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    println!("# kpop-facts core benchmark\n");
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_name()
    );

    // Import, against SQLite's own CSV import of the same files.
    let store = Store::open(&db).await.unwrap();
    let mut rows = 0;
    let started = Instant::now();
    for (chart, file) in [
        (Chart::Hot100, "hot100.csv"),
        (Chart::Billboard200, "billboard200.csv"),
    ] {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let mut tx = store.begin().await.unwrap();
        let report = billboard::import(&mut tx, chart, &bytes, &Actor::Cli, &())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        rows += report.rows;
    }
    let import = started.elapsed();
    store.close().await;
    println!("\n## Import (both full files, {rows} rows, one transaction per file)\n");
    println!("| what | time | rows/s |\n|---|---|---|");
    println!(
        "| kpop-facts import billboard | {:.2} s | {:.0} |",
        import.as_secs_f64(),
        rows as f64 / import.as_secs_f64()
    );
    match sqlite_import(data, dir.path()) {
        Some(t) => {
            println!(
                "| sqlite3 .import (reference) | {:.2} s | {:.0} |",
                t.as_secs_f64(),
                rows as f64 / t.as_secs_f64()
            );
            println!("\nratio: {}", ratio(import, t));
        }
        None => println!("| sqlite3 .import (reference) | sqlite3 not installed | – |"),
    }

    let app = App::open(&db).await.unwrap();
    let started = Instant::now();
    app.indexes().await.unwrap();
    println!(
        "\nindex build on start: {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    // Autocomplete: every prefix of a spread of real titles and names.
    let ix = app.indexes().await.unwrap();
    let mut partials: Vec<(String, String)> = Vec::new();
    for s in ix.search.songs().step_by(350) {
        let chars: Vec<char> = s.title.chars().collect();
        for n in 1..=chars.len().min(12) {
            partials.push(("title".into(), chars[..n].iter().collect()));
        }
    }
    for typo in [
        "cupd",
        "dynamte",
        "strai kids",
        "bttr",
        "hey jued",
        "thriler",
    ] {
        partials.push(("title".into(), typo.into()));
    }
    for name in [
        "b", "bt", "bts", "방탄", "blackp", "skz", "twice", "newj", "rose", "로제",
    ] {
        partials.push(("artist".into(), name.into()));
    }
    // The artist option also suggests every credit: typed a letter at a time like titles.
    for s in ix.search.songs().step_by(700) {
        let chars: Vec<char> = s.credit.chars().collect();
        for n in 1..=chars.len().min(12) {
            partials.push(("artist".into(), chars[..n].iter().collect()));
        }
    }
    for c in ["j", "ja", "japan", "미국", "uk", "hong", "🇯🇵"] {
        partials.push(("country".into(), c.into()));
    }
    let invs: Vec<(Invocation, String, String)> = partials
        .iter()
        .map(|(opt, p)| {
            let cmd = if opt == "country" { "exports" } else { "chart" };
            (
                Invocation::new(cmd, &[], Locale::En),
                opt.clone(),
                p.clone(),
            )
        })
        .collect();
    let n = invs.len();
    let auto = time_async(n * 3, |i| {
        let (inv, opt, p) = &invs[i % n];
        let app = &app;
        async move {
            std::hint::black_box(commands::autocomplete(app, inv, opt, p).await);
        }
    })
    .await;
    println!("\n## Autocomplete ({n} distinct partial inputs, core path)\n");
    println!("| what | p50 | p99 |\n|---|---|---|");
    println!("| autocomplete | {} | {} |", us(auto.p50), us(auto.p99));
    let artists: Vec<&(Invocation, String, String)> =
        invs.iter().filter(|(_, opt, _)| opt == "artist").collect();
    let m = artists.len();
    let artist = time_async(m * 3, |i| {
        let (inv, opt, p) = artists[i % m];
        let app = &app;
        async move {
            std::hint::black_box(commands::autocomplete(app, inv, opt, p).await);
        }
    })
    .await;
    println!(
        "| of which `/chart artist` ({m} inputs, acts and every credit) | {} | {} |",
        us(artist.p50),
        us(artist.p99)
    );

    // Commands, each beside the bare indexed query that answers its main question.
    println!("\n## Commands (parse → query → reply), against the bare indexed SQLite query\n");
    println!(
        "| command | p50 | p99 | bare query p50 | bare query p99 | p99 ratio |\n|---|---|---|---|---|---|"
    );
    let caller = Caller::default();
    let kpop_facts::store::Engine::Sqlite(pool) = app.store().readers() else {
        panic!("the bare queries are SQLite's")
    };
    let pool = pool.clone();
    let song = |title: &'static str, credit: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM chart_songs WHERE title = ? AND credit = ? ORDER BY weeks DESC LIMIT 1",
            )
            .bind(title)
            .bind(credit)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let cupid = song("Cupid", "Fifty Fifty").await;
    let thriller = song("Thriller", "Michael Jackson").await;
    let cases: Vec<(&str, String, Vec<i64>)> = vec![
        ("/exports japan 2023-H1", "SELECT value_usd, rank FROM export_figures WHERE period = '2023-H1' AND country = 'JP'".into(), vec![]),
        ("/exports 2023-H1", "SELECT country, value_usd, rank FROM export_figures WHERE period = '2023-H1'".into(), vec![]),
        ("/chart cupid", "SELECT chart_date, position FROM chart_entries WHERE song_id = ? ORDER BY chart_date".into(), vec![cupid]),
        ("/chart title:thriller chart:billboard-200", "SELECT chart_date, position FROM chart_entries WHERE song_id = ? ORDER BY chart_date".into(), vec![thriller]),
        ("/artist BTS", "SELECT s.id, s.weeks, s.peak FROM chart_songs s JOIN song_acts a ON a.song_id = s.id WHERE a.act_id = 'bts'".into(), vec![]),
    ];
    for (question, bare, binds) in &cases {
        let inv = Invocation::parse(question, Locale::En).unwrap();
        let ours = time_async(300, |_| {
            let (app, inv, caller) = (&app, &inv, &caller);
            async move {
                std::hint::black_box(commands::respond(app, inv, caller).await);
            }
        })
        .await;
        let reference = time_async(300, |_| {
            let pool = &pool;
            async move {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(bare.clone()));
                for b in binds {
                    q = q.bind(*b);
                }
                std::hint::black_box(q.fetch_all(pool).await.unwrap());
            }
        })
        .await;
        row(question, &ours, Some(&reference));
    }

    records(&app, &caller).await;

    // Pictures alone.
    let weeks: Vec<RunWeek> = (0..52)
        .map(|i| RunWeek {
            date: chrono::NaiveDate::from_ymd_opt(2023, 1, 7).unwrap() + chrono::Days::new(7 * i),
            position: Some(100 - i as i64),
        })
        .collect();
    let bars: Vec<Bar> = (0..10)
        .map(|i| Bar {
            rank: Some(i as i64 + 1),
            label: format!("Country {i}"),
            value: 1_000_000 * (10 - i),
            value_label: format!("${}M", 10 - i),
        })
        .collect();
    let run_pic = time_async(200, |_| {
        let weeks = &weeks;
        async move {
            std::hint::black_box(
                plot::run_chart("Cupid", "Billboard Hot 100", 100, weeks, Locale::En).unwrap(),
            );
        }
    })
    .await;
    let bar_pic = time_async(200, |_| {
        let bars = &bars;
        async move {
            std::hint::black_box(plot::ranking_bars("Exports", bars, Locale::En).unwrap());
        }
    })
    .await;
    let overlay: Vec<OverlayLine> = [("Dynamite", 0i64), ("Butter", 3)]
        .iter()
        .map(|(label, shift)| OverlayLine {
            label: label.to_string(),
            weeks: (0..32).map(|w| (w, 1 + (w * 3 + shift) % 100)).collect(),
        })
        .collect();
    let overlay_pic = time_async(200, |_| {
        let overlay = &overlay;
        async move {
            std::hint::black_box(
                plot::overlay_runs(
                    "Dynamite vs Butter",
                    "Billboard Hot 100",
                    100,
                    overlay,
                    Locale::En,
                )
                .unwrap(),
            );
        }
    })
    .await;
    println!("\n## Pictures\n\n| picture | p50 | p99 |\n|---|---|---|");
    println!(
        "| two runs overlaid, 32 weeks each (`/compare`) | {} | {} |",
        us(overlay_pic.p50),
        us(overlay_pic.p99)
    );
    println!(
        "| run, 52 weeks | {} | {} |",
        us(run_pic.p50),
        us(run_pic.p99)
    );
    println!(
        "| ranking, 10 bars | {} | {} |",
        us(bar_pic.p50),
        us(bar_pic.p99)
    );

    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--serve-child")
        .arg(&db)
        .output()
        .unwrap();
    println!(
        "\n## Memory\n\n{}",
        String::from_utf8_lossy(&child.stdout).trim()
    );
}

/// Every record kind for each whose, chart and span of years, first pages and later ones,
/// through the whole command path.
async fn records(app: &App, caller: &Caller) {
    let mut questions = Vec::new();
    for kind in RECORD_KINDS {
        for who in ["kpop", "everyone", "groups", "soloists", "member-solos"] {
            if kind == "firsts" && who == "everyone" {
                continue;
            }
            for extra in ["", " chart:hot-100", " year:2020", " year:1990-2019"] {
                questions.push(format!("/records kind:{kind} who:{who}{extra}"));
            }
        }
    }
    let invs: Vec<Invocation> = questions
        .iter()
        .map(|q| Invocation::parse(q, Locale::En).unwrap())
        .collect();
    let n = invs.len();
    let all = time_async(n * 5, |i| {
        let (app, inv, caller) = (app, &invs[i % n], caller);
        async move {
            std::hint::black_box(commands::respond(app, inv, caller).await);
        }
    })
    .await;
    let everyone: Vec<&Invocation> = invs
        .iter()
        .zip(&questions)
        .filter(|(_, q)| q.contains("everyone"))
        .map(|(inv, _)| inv)
        .collect();
    let m = everyone.len();
    let whole = time_async(m * 5, |i| {
        let (app, inv, caller) = (app, everyone[i % m], caller);
        async move {
            std::hint::black_box(commands::respond(app, inv, caller).await);
        }
    })
    .await;
    // A later page: the list is walked past the lines shown.
    let parts = ["weeks-at-one", "all", "everyone", "all", "40"];
    let owner = Caller {
        user_id: Some(1),
        ..Caller::default()
    };
    let page = time_async(300, |_| {
        let owner = &owner;
        async move {
            std::hint::black_box(
                commands::respond_component(
                    app,
                    &format!("page:records:{}:1", parts.join(":")),
                    &[],
                    owner,
                )
                .await,
            );
        }
    })
    .await;
    // The slowest questions, each timed alone.
    let mut alone = Vec::new();
    for (inv, q) in invs.iter().zip(&questions) {
        let s = time_async(20, |_| async move {
            std::hint::black_box(commands::respond(app, inv, caller).await);
        })
        .await;
        alone.push((s.p50, q.clone()));
    }
    alone.sort_by_key(|a| std::cmp::Reverse(a.0));
    println!("\n## Records ({n} distinct questions, command path)\n");
    println!("| what | p50 | p99 |\n|---|---|---|");
    println!(
        "| every kind × whose × chart or years | {} | {} |",
        us(all.p50),
        us(all.p99)
    );
    println!(
        "| of which everyone on the chart ({m}) | {} | {} |",
        us(whole.p50),
        us(whole.p99)
    );
    println!(
        "| page 41 of the whole Hot 100's weeks at No. 1 | {} | {} |",
        us(page.p50),
        us(page.p99)
    );
    println!("\nslowest alone (p50 of 20):");
    for (p50, q) in alone.iter().take(5) {
        println!("- `{q}`: {}", us(*p50));
    }
}

const RECORD_KINDS: [&str; 9] = [
    "number-ones",
    "top-tens",
    "most-entries",
    "most-weeks",
    "weeks-at-one",
    "longest-runs",
    "highest-debuts",
    "biggest-jumps",
    "firsts",
];

/// Opens the store, builds the indexes and answers every kind of question, then reports the
/// process's peak RSS.
async fn serve_child(db: &Path) {
    let app = App::open(db).await.unwrap();
    let caller = Caller::default();
    for q in [
        "/exports japan 2023-H1",
        "/exports 2023-H1",
        "/chart cupid",
        "/chart thriller",
        "/artist BTS",
        "/help",
        "/records number-ones",
        "/records kind:longest-runs who:everyone",
        "/records kind:most-entries who:everyone year:2000-2020",
    ] {
        let inv = Invocation::parse(q, Locale::En).unwrap();
        for _ in 0..20 {
            std::hint::black_box(commands::respond(&app, &inv, &caller).await);
        }
    }
    let inv = Invocation::new("chart", &[], Locale::En);
    for p in ["a", "lo", "love", "cupid", "b", "the"] {
        std::hint::black_box(commands::autocomplete(&app, &inv, "title", p).await);
    }
    println!(
        "peak RSS serving the full data (a separate process: store open, indexes built, every command answered): {:.1} MB",
        peak_rss_mb()
    );
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
