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
            .arg(self.dir.path().join("facts.db"))
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
    let backup = cli.dir.path().join("copy.db");
    assert_eq!(
        cli.run(&["db", "backup", backup.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(backup.exists());
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
