//! `kpop-facts ask --json` prints exactly the body the bot sends for the same interaction:
//! the real gateway client answers the fake Discord, the CLI answers from the same store, and
//! the two are compared byte for byte, buttons, flags, attachments and pictures included.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use serde_json::Value;
use tokio::sync::watch;

use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse};

const WAIT: Duration = Duration::from_secs(5);

/// What `ask --json` prints for `question` asked by `user` in `guild`, and the pictures it saves.
fn ask_json(
    db: &kpop_facts::store::Location,
    question: &str,
    user: u64,
    guild: u64,
) -> (String, Vec<Vec<u8>>) {
    let images = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(db)
        .args(["ask", "--json", "--user", &user.to_string()])
        .args(["--guild", &guild.to_string()])
        .arg("--save-images")
        .arg(images.path())
        .arg(question)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut saved: Vec<_> = std::fs::read_dir(images.path())
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    saved.sort();
    let pictures = saved.iter().map(|p| std::fs::read(p).unwrap()).collect();
    (stdout, pictures)
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_json_is_the_body_the_bot_sends() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let fake = FakeDiscord::start(FakeConfig::default()).await;
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
    let app = Arc::new(App::open(&db).await.unwrap());
    let bot = tokio::spawn(discord::run(settings, app, rx));
    assert!(fake.wait_ready(WAIT).await, "the bot connected");
    // `/help` names the commands by the ids registration stored.
    assert!(
        fake.wait_until(WAIT, |f| f.registered_commands(None).len() == 9)
            .await
    );

    let user = fake.config().user_id;
    let guild = fake.config().guild_ids[0];
    let asks: [(&str, Value); 6] = [
        // Page buttons, for the asker only.
        (
            "/artist BTS",
            fake.slash("artist").option("name", "BTS").build(),
        ),
        // A picture attachment.
        (
            "/exports 2023-H1",
            fake.slash("exports").option("period", "2023-H1").build(),
        ),
        (
            "/chart cupid",
            fake.slash("chart").option("title", "cupid").build(),
        ),
        // A chart week with its picture.
        (
            "/thisweek week:2023-07-15",
            fake.slash("thisweek").option("week", "2023-07-15").build(),
        ),
        // Ephemeral, with command mentions.
        ("/help", fake.slash("help").build()),
        // A refusal.
        (
            "/exports japn",
            fake.slash("exports").option("country", "japn").build(),
        ),
    ];
    for (question, payload) in asks {
        let sent = fake.dispatch(payload).await;
        let r: RecordedResponse = fake.wait_response(sent.id, WAIT).await.unwrap();
        let (printed, pictures) = ask_json(&db, question, user, guild);
        // The fake parsed what serenity sent; serde_json writes a Value back the same way.
        let sent_body = serde_json::to_string(&r.body).unwrap();
        assert_eq!(printed.trim_end(), sent_body, "{question}");
        let sent_pictures: Vec<Vec<u8>> = r.files.iter().map(|f| f.bytes.clone()).collect();
        assert_eq!(pictures, sent_pictures, "{question}: the same pictures");
    }

    // The cases that differ from a plain embed are really there.
    let (artist, _) = ask_json(&db, "/artist BTS", user, guild);
    let artist: Value = serde_json::from_str(&artist).unwrap();
    let buttons = &artist["data"]["components"][0]["components"];
    assert_eq!(buttons.as_array().map(Vec::len), Some(2), "{artist}");
    assert!(
        buttons[1]["custom_id"]
            .as_str()
            .unwrap()
            .ends_with(&format!(":{user}"))
    );
    let (help, _) = ask_json(&db, "/help", user, guild);
    assert!(
        help.contains("\"flags\":64") && help.contains("</exports:"),
        "{help}"
    );

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, bot)
        .await
        .expect("stopped in time")
        .unwrap()
        .expect("a clean shutdown");
}
