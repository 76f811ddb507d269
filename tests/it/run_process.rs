//! `kpop-facts run` as a process against the fake Discord: what its logs show, how it ends.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::process::{BotProcess, GENEROUS};

/// Every answer fails (the fake holds the bot to a deadline nothing can meet) and an attachment
/// cannot be downloaded: the errors are logged, with debug logs from every crate on, and no
/// token or signed URL is in them.
#[tokio::test(flavor = "multi_thread")]
async fn no_token_or_signed_url_reaches_the_logs() {
    let bot_token = "MTEwMDAwMDAwMDAwMDAwMDAwMg.Gx1234.a-bot-token-that-must-never-be-logged";
    let fake = FakeDiscord::start(FakeConfig {
        token: bot_token.into(),
        interaction_deadline: Duration::ZERO,
        ..FakeConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    // An editor's upload, so that the download is attempted at all.
    let added = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&db)
        .args([
            "editors",
            "add",
            "--user",
            &fake.config().user_id.to_string(),
        ])
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let bot = BotProcess::start(&fake, &db, &[("RUST_LOG", "debug")]);
    assert!(fake.wait_ready(GENEROUS).await, "the bot connected");

    let signature = "ex=6a1b2c3d&is=6a19dabd&hm=0123456789abcdef0123456789abcdef";
    let mut file = fake.add_attachment("figures.csv", "text/csv", b"a,b\n".to_vec());
    // A signed URL on a port nothing listens on: the download fails and is logged.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    file["url"] = json!(format!(
        "http://{closed}/attachments/1/2/figures.csv?{signature}"
    ));
    let mut sent = vec![
        fake.dispatch(fake.slash("help").build()).await,
        fake.dispatch(
            fake.autocomplete("exports")
                .focused("country", 3, "ja")
                .build(),
        )
        .await,
        fake.dispatch(
            fake.slash("facts")
                .subcommand("import", |o| o.attachment("file", &file))
                .build(),
        )
        .await,
    ];
    sent.push(fake.dispatch(fake.slash("about").build()).await);
    let refused = fake
        .wait_until(GENEROUS, |f| {
            sent.iter()
                .all(|s| f.interaction(s.id).is_some_and(|i| i.late))
        })
        .await;
    assert!(refused, "every callback came too late and was refused");

    bot.signal(libc::SIGTERM);
    let (status, stderr) = bot.exit().await;
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("answering an interaction failed")
            && stderr.contains("downloading an attachment failed"),
        "the failures were logged: {stderr}"
    );
    let mut secrets = vec![
        bot_token.to_string(),
        "6a1b2c3d".into(),
        "0123456789abcdef0123456789abcdef".into(),
    ];
    secrets.extend(sent.iter().map(|s| s.token.clone()));
    for secret in &secrets {
        let line = stderr.lines().find(|l| l.contains(secret.as_str()));
        assert!(line.is_none(), "{secret} was logged: {line:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_can_come_from_a_file_and_never_from_a_flag() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("Bot {}\n", fake.config().token)).unwrap();
    let bot = BotProcess::start(
        &fake,
        &crate::support::db::at(dir.path()),
        &[
            ("DISCORD_TOKEN", ""),
            ("DISCORD_TOKEN_FILE", file.to_str().unwrap()),
        ],
    );
    assert!(fake.wait_ready(GENEROUS).await, "the bot connected");
    bot.signal(libc::SIGTERM);
    let (status, stderr) = bot.exit().await;
    assert!(status.success(), "{stderr}");

    let flag = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(crate::support::db::at(dir.path()))
        .args(["run", "--token", "a-token-in-the-process-list"])
        .env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_TOKEN_FILE")
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), Some(2), "--token is no flag");
    let missing = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(crate::support::db::at(dir.path()))
        .args(["run", "--token-file"])
        .arg(dir.path().join("no-such-file"))
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-file"), "{stderr}");
}

/// Codes no reconnect can cure: the process ends with 78 by itself, one line says why, and the
/// session is asked for once.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_refused_for_good_exits_78_with_one_line() {
    let mut runs = Vec::new();
    for code in [4004, 4010, 4013, 4014] {
        let fake = FakeDiscord::start(FakeConfig::default()).await;
        fake.close_on_identify(Some(code));
        let dir = tempfile::tempdir().unwrap();
        let bot = BotProcess::start(&fake, &crate::support::db::at(dir.path()), &[]);
        runs.push((code, fake, dir, bot));
    }
    for (code, fake, _dir, bot) in runs {
        let (status, stderr) = bot.exit().await;
        assert_eq!(status.code(), Some(78), "{code}: {stderr}");
        let why: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains(&format!("close code {code}")))
            .collect();
        assert_eq!(why.len(), 1, "{code}: one line says why:\n{stderr}");
        assert!(why[0].contains("not reconnecting"), "{}", why[0]);
        let refusals = fake.gateway_stats().closes_sent;
        assert_eq!(refusals, [code], "{code}: one IDENTIFY, no retries");
    }
}

/// A gateway that keeps closing every session (with a code that may be cured by trying again)
/// holds the bot in reconnects; SIGTERM still ends the process. One bot per code, all at once.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_the_bot_while_the_gateway_keeps_failing() {
    let mut runs = Vec::new();
    for code in [4000, 4003, 4009] {
        let fake = FakeDiscord::start(FakeConfig::default()).await;
        fake.close_on_identify(Some(code));
        let dir = tempfile::tempdir().unwrap();
        let bot = BotProcess::start(&fake, &crate::support::db::at(dir.path()), &[]);
        runs.push((code, fake, dir, bot));
    }
    for (code, fake, _, bot) in &runs {
        assert!(
            fake.wait_until(GENEROUS, |f| !f.gateway_stats().closes_sent.is_empty())
                .await,
            "{code}: the bot tried to connect"
        );
        bot.signal(libc::SIGTERM);
    }
    for (code, _fake, _dir, bot) in runs {
        let (status, stderr) = bot.exit().await;
        assert!(status.success(), "{code}: {stderr}");
    }
}
