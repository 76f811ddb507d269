//! The `kpop-facts` binary as a newcomer runs it: answers, JSON, exit statuses.

use std::process::{Command, Output};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
            .arg("--db")
            .arg(crate::support::db::at(self.dir.path()))
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn ask_answers_offline_with_exit_status_zero() {
    let cli = Cli::new();
    let o = cli.run(&["ask", "/exports japan 2023-H1"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    assert!(text.contains("$48.52M (US$48,523,000)"), "{text}");
    assert!(text.contains("No. 1 destination"), "{text}");
    assert!(text.contains("2023-07-18"), "{text}");
    assert!(
        !text.contains("**"),
        "markdown is stripped for the terminal"
    );

    let text = stdout(&cli.run(&["ask", "/chart cupid"]));
    assert!(
        text.contains("Debut: No. 100 · 2023-04-01")
            && text.contains("Peak: No. 17")
            && text.contains("Weeks on chart: 25"),
        "{text}"
    );
}

#[test]
fn json_is_the_interaction_response_the_bot_sends() {
    let cli = Cli::new();
    let o = cli.run(&["ask", "--json", "/exports 2023-H1"]);
    assert_eq!(o.status.code(), Some(0));
    let body: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(
        body["data"]["allowed_mentions"],
        serde_json::json!({"parse": []})
    );
    assert!(
        body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("$132.97M")
    );
    assert_eq!(
        body["data"]["attachments"][0]["filename"],
        "exports-2023-H1.png"
    );
}

#[test]
fn refusals_exit_one_and_misuse_exits_two() {
    let cli = Cli::new();
    let o = cli.run(&["ask", "/exports japn"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Did you mean Japan?"));
    let o = cli.run(&["ask", "--json", "/exports japn"]);
    let body: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(body["data"]["flags"], 64, "refusals are ephemeral");
    assert_eq!(cli.run(&["ask"]).status.code(), Some(2));
    assert_eq!(
        cli.run(&["ask", "--locale", "fr", "/help"]).status.code(),
        Some(2)
    );
    assert_eq!(cli.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn locale_and_images() {
    let cli = Cli::new();
    let text = stdout(&cli.run(&["ask", "--locale", "ko", "/exports japan 2023-H1"]));
    assert!(
        text.contains("일본") && text.contains("4,852만 달러"),
        "{text}"
    );
    let images = cli.dir.path().join("images");
    let o = cli.run(&[
        "ask",
        "--save-images",
        images.to_str().unwrap(),
        "/chart cupid",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let saved: Vec<_> = std::fs::read_dir(&images)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1);
    assert!(
        saved[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("run-")
    );
    assert!(std::fs::read(&saved[0]).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn import_reports_and_db_check_passes() {
    let cli = Cli::new();
    let csv = cli.dir.path().join("week.csv");
    std::fs::write(&csv, "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n2031-01-04,1,New Song,Band,,1,1\n").unwrap();
    let o = cli.run(&[
        "import",
        "billboard",
        "--chart",
        "hot-100",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout(&o).contains("1 rows read, 1 added, 0 unchanged"),
        "{}",
        stdout(&o)
    );
    std::fs::write(
        &csv,
        "chart_date,position,title,artist,last_week,peak,weeks_on_chart\nnot-a-date,1,X,Y,,1,1\n",
    )
    .unwrap();
    let o = cli.run(&[
        "import",
        "billboard",
        "--chart",
        "hot-100",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2: chart_date `not-a-date`"));
    assert_eq!(cli.run(&["db", "check"]).status.code(), Some(0));
    if crate::support::db::skipped_on_postgres("db backup copies SQLite files") {
        return;
    }
    let backup = cli.dir.path().join("copy.db");
    assert_eq!(
        cli.run(&["db", "backup", backup.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(backup.exists());
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn db_check_and_backup_never_create_a_store() {
    let cli = Cli::new();
    let store = cli.dir.path().join("facts.db");
    let o = cli.run(&["db", "check"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no store at"), "{}", stderr(&o));
    let copy = cli.dir.path().join("copy.db");
    let o = cli.run(&["db", "backup", copy.to_str().unwrap()]);
    // PostgreSQL is backed up with pg_dump: a usage error before the store is looked at.
    let refused = if crate::support::db::on_postgres() {
        2
    } else {
        3
    };
    assert_eq!(o.status.code(), Some(refused), "{}", stderr(&o));
    assert!(!store.exists(), "no store was created");
    assert!(!copy.exists(), "no copy was written");
}

#[test]
fn a_verified_backup_is_private_and_older_backups_beside_it_go() {
    use std::os::unix::fs::PermissionsExt;

    if crate::support::db::skipped_on_postgres("db backup copies SQLite files") {
        return;
    }
    let cli = Cli::new();
    assert_eq!(cli.run(&["ask", "/help"]).status.code(), Some(0), "a store");
    let backups = cli.dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let stamp = |days: i64| {
        (chrono::Utc::now() - chrono::TimeDelta::days(days))
            .format("%Y-%m-%dT%H%M")
            .to_string()
    };
    let old = backups.join(format!("kpop-facts-{}.db", stamp(9)));
    let recent = backups.join(format!("kpop-facts-{}.db", stamp(6)));
    // Not backups of this family, or not plain files: never touched.
    let others = [
        backups.join(format!("kpop-facts-{}.db-wal", stamp(30))),
        backups.join(format!("other-{}.db", stamp(30))),
        backups.join("kpop-facts-notes.db"),
        backups.join("kpop-facts.db"),
    ];
    for f in others.iter().chain([&old, &recent]) {
        std::fs::write(f, b"x").unwrap();
    }
    let old_dir = backups.join(format!("kpop-facts-{}.db", stamp(40)));
    std::fs::create_dir(&old_dir).unwrap();

    let new = backups.join(format!("kpop-facts-{}.db", stamp(0)));
    let o = cli.run(&[
        "db",
        "backup",
        new.to_str().unwrap(),
        "--verify",
        "--keep-days",
        "7",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("removed {}", old.display())),
        "{}",
        stdout(&o)
    );
    assert!(!old.exists(), "a backup older than 7 days is removed");
    assert!(recent.exists() && old_dir.exists());
    assert!(others.iter().all(|f| f.exists()));
    assert_eq!(
        std::fs::metadata(&new).unwrap().permissions().mode() & 0o777,
        0o600,
        "the copy is readable by its owner only"
    );
    // The copy is a store that answers.
    let o = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&new)
        .args(["ask", "/exports japan 2023-H1"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(stdout(&o).contains("$48.52M"), "{}", stdout(&o));
}

#[test]
fn keep_days_needs_a_dated_backup_name_and_a_verified_copy() {
    let cli = Cli::new();
    assert_eq!(cli.run(&["ask", "/help"]).status.code(), Some(0), "a store");
    let copy = cli.dir.path().join("copy.db");
    let o = cli.run(&[
        "db",
        "backup",
        copy.to_str().unwrap(),
        "--verify",
        "--keep-days",
        "7",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("kpop-facts-2026-01-31T0300.db"),
        "{}",
        stderr(&o)
    );
    assert!(!copy.exists(), "nothing was written");
    let dated = cli.dir.path().join("kpop-facts-2026-01-31T0300.db");
    let o = cli.run(&["db", "backup", dated.to_str().unwrap(), "--keep-days", "7"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--keep-days without --verify: {}",
        stderr(&o)
    );
    assert!(!dated.exists());
}

#[test]
fn ask_reads_this_year_and_last_year_against_the_time_given() {
    // The newest full year the seed has figures for.
    let data = std::fs::read_to_string("data/exports.csv").unwrap();
    let newest = data
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next()?.parse::<i32>().ok())
        .max()
        .unwrap();
    let cli = Cli::new();
    let now = format!("{}-02-01T09:00:00Z", newest + 1);
    let o = cli.run(&["ask", "--now", &now, "/exports last year"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with(&format!("━━ K-pop album exports · {newest} ━━")),
        "{}",
        stdout(&o)
    );
    let o = cli.run(&["ask", "--now", &now, "/exports 올해"]);
    assert!(
        stdout(&o).contains(&format!(
            "No figure for {}; the latest is for {newest}.",
            newest + 1
        )),
        "{}",
        stdout(&o)
    );
    let o = cli.run(&["ask", "--now", "yesterday", "/exports 올해"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a time that is not RFC 3339 is misuse"
    );
}

/// systemd must not restart what would only be refused again, and must give up on a crash loop.
#[test]
fn the_service_file_knows_the_exit_statuses() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/kpop-facts.service"
    ))
    .unwrap();
    let setting = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    };
    let kept_down: Vec<u8> = setting("RestartPreventExitStatus")
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(kept_down.contains(&kpop_facts::cli::EXIT_CONFIG));
    assert!(kept_down.contains(&kpop_facts::cli::EXIT_USAGE));
    assert!(setting("StartLimitBurst").parse::<u32>().unwrap() > 1);
    assert!(setting("StartLimitIntervalSec").parse::<u32>().unwrap() > 0);
    assert!(unit.contains("DISCORD_TOKEN_FILE=%d/discord-token"));
}

#[tokio::test]
async fn ask_about_tells_the_feeds_last_success_in_utc() {
    let cli = Cli::new();
    let text = stdout(&cli.run(&["ask", "/about"]));
    assert!(
        text.contains("The bot's operator updates the data by hand."),
        "{text}"
    );
    let store = kpop_facts::store::Store::open(crate::support::db::at(cli.dir.path()))
        .await
        .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2031-01-05T06:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    store.feed_succeeded("exports", at, at).await.unwrap();
    store.close().await;
    let text = stdout(&cli.run(&["ask", "/about"]));
    assert!(
        text.contains("Export figures: updated automatically; last update 2031-01-05 06:00 UTC"),
        "{text}"
    );
    let text = stdout(&cli.run(&["ask", "--locale", "ja", "/help"]));
    assert!(text.contains("最終更新：2031-01-05 06:00 UTC"), "{text}");
}
