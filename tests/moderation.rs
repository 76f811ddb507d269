//! Moderators through the gateway: only editors change facts, every change shows at once, is
//! audited and undoes exactly; refusals change nothing.

mod support;

use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::discord::{self, Secret, Settings};
use kpop_facts::edits::{self, Who};
use kpop_facts::store::{Actor, Editor, Store};
use serde_json::Value;
use support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse};
use tokio::sync::watch;

const WAIT: Duration = Duration::from_secs(5);
const EDITOR: u64 = 4242;
const ADMIN: u64 = 777;
const EDITOR_ROLE: u64 = 9001;

struct Setup {
    fake: FakeDiscord,
    app: Arc<App>,
    guild: u64,
    _stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    setup_with(None).await
}

async fn setup_with(modlog_channel: Option<u64>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::open(&dir.path().join("facts.db")).await.unwrap());
    let owner = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    edits::set_editor(app.store(), &owner, Editor::User(EDITOR), true)
        .await
        .unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let guild = fake.config().guild_ids[0];
    if let Some(channel) = modlog_channel {
        fake.add_channel(channel, Some(guild));
    }
    edits::set_editor(
        app.store(),
        &owner,
        Editor::Role {
            guild,
            role: EDITOR_ROLE,
        },
        true,
    )
    .await
    .unwrap();
    let settings = Settings {
        token: Secret::new(fake.config().token.clone()),
        api_base_url: Some(fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel,
        cooldowns: false,
    };
    let (stop, rx) = watch::channel(false);
    tokio::spawn(discord::run(settings, app.clone(), rx));
    assert!(fake.wait_ready(WAIT).await);
    Setup {
        fake,
        app,
        guild,
        _stop: stop,
        _dir: dir,
    }
}

async fn ask(fake: &FakeDiscord, payload: Value) -> RecordedResponse {
    let sent = fake.dispatch(payload).await;
    fake.wait_response(sent.id, WAIT).await.expect("answered")
}

/// The change number in "… `/facts undo change:12` …".
fn change_in(text: &str) -> i64 {
    let after = text.split("change:").nth(1).expect("an undo hint");
    after
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

fn text(r: &RecordedResponse) -> String {
    r.embeds()
        .first()
        .and_then(|e| e["description"].as_str())
        .unwrap_or_default()
        .to_string()
}

async fn audit_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

fn set_export(
    fake: &FakeDiscord,
    user: u64,
    value: &str,
) -> support::fake_discord::InteractionBuilder {
    fake.slash("facts")
        .user(user, "someone")
        .subcommand("set-export", |o| {
            o.option("country", "japan")
                .option("period", "2023-H1")
                .option("value", value)
                .option("source", "Yonhap https://en.yna.co.kr/a 2024-01-02")
        })
}

#[tokio::test]
async fn a_server_administrator_who_is_not_an_editor_is_refused() {
    let s = setup().await;
    let before = audit_rows(s.app.store()).await;
    let r = ask(
        &s.fake,
        set_export(&s.fake, ADMIN, "$50M").permissions("8").build(),
    )
    .await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains("Only editors can change facts"),
        "{}",
        text(&r)
    );
    assert_eq!(audit_rows(s.app.store()).await, before);
    let r = ask(
        &s.fake,
        s.fake
            .slash("exports")
            .option("country", "japan")
            .option("period", "2023-H1")
            .build(),
    )
    .await;
    assert!(text(&r).contains("$48.52M"));
}

#[tokio::test]
async fn an_editors_change_shows_at_once_and_undo_restores_it_exactly() {
    let s = setup().await;
    let f = &s.fake;
    let exports = || {
        f.slash("exports")
            .option("country", "japan")
            .option("period", "2023-H1")
            .build()
    };
    let original = ask(f, exports()).await.body;

    let r = ask(f, set_export(f, EDITOR, "$50M").build()).await;
    assert!(
        text(&r).contains("is now **$50.00M** (US$50,000,000), cited to Yonhap"),
        "{}",
        text(&r)
    );
    let now = ask(f, exports()).await;
    assert!(
        text(&now).contains("**$50.00M** (US$50,000,000) · first reported as $48.52M"),
        "{}",
        text(&now)
    );

    // A member holding the editors' role in this server may write too.
    let r = ask(f, set_export(f, 5555, "$51M").roles(&[EDITOR_ROLE]).build()).await;
    assert!(text(&r).contains("$51.00M"), "{}", text(&r));

    let r = ask(
        f,
        f.slash("facts")
            .user(5555, "x")
            .roles(&[EDITOR_ROLE])
            .subcommand("undo", |o| o)
            .build(),
    )
    .await;
    assert!(text(&r).starts_with("Undid change"), "{}", text(&r));
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("undo", |o| o)
            .build(),
    )
    .await;
    assert!(text(&r).starts_with("Undid change"), "{}", text(&r));
    assert_eq!(
        ask(f, exports()).await.body,
        original,
        "the exact previous state is back"
    );

    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("history", |o| o.option("subject", "japan 2023-H1"))
            .build(),
    )
    .await;
    let lines: Vec<String> = text(&r).lines().map(String::from).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].contains("undo")
            && lines[0].contains(&format!("<@{EDITOR}>"))
            && lines[0].contains("$50.00M → $48.52M")
    );
    assert!(lines[1].contains("undo") && lines[1].contains("$51.00M → $50.00M"));
    assert!(lines[2].contains("<@5555>") && lines[2].contains("$50.00M → $51.00M"));
    assert!(lines[3].contains("$48.52M → $50.00M"));
}

#[tokio::test]
async fn undo_refuses_when_a_later_change_touched_the_fact() {
    let s = setup().await;
    let f = &s.fake;
    let first = ask(f, set_export(f, EDITOR, "$50M").build()).await;
    let change = change_in(&text(&first));
    ask(f, set_export(f, EDITOR, "$51M").build()).await;
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("undo", |o| o.option("change", change))
            .build(),
    )
    .await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains(&format!("Undo #{} first", change + 1)),
        "{}",
        text(&r)
    );
}

#[tokio::test]
async fn bad_values_are_refused_and_change_nothing() {
    let s = setup().await;
    let before = audit_rows(s.app.store()).await;
    for (payload, hint) in [
        (
            set_export(&s.fake, EDITOR, "lots").build(),
            "is not an amount",
        ),
        (set_export(&s.fake, EDITOR, "-5M").build(), "more than zero"),
        (
            set_export(&s.fake, EDITOR, "$900B").build(),
            "implausibly large",
        ),
        (
            s.fake
                .slash("facts")
                .user(EDITOR, "e")
                .subcommand("set-export", |o| {
                    o.option("country", "japn")
                        .option("period", "2023-H1")
                        .option("value", "$1M")
                        .option("source", "Yonhap")
                })
                .build(),
            "Did you mean Japan?",
        ),
        (
            s.fake
                .slash("facts")
                .user(EDITOR, "e")
                .subcommand("set-export", |o| {
                    o.option("country", "japan")
                        .option("period", "2023-H3")
                        .option("value", "$1M")
                        .option("source", "Yonhap")
                })
                .build(),
            "is not a period",
        ),
        (
            s.fake
                .slash("facts")
                .user(EDITOR, "e")
                .subcommand("set-export", |o| {
                    o.option("country", "japan")
                        .option("period", "2023-H1")
                        .option("value", "$1M")
                        .option("source", "https://only.a/link")
                })
                .build(),
            "needs a publisher",
        ),
        (
            s.fake
                .slash("facts")
                .user(EDITOR, "e")
                .subcommand("add-note", |o| {
                    o.option("subject", "nobody at all")
                        .option("text", "x")
                        .option("source", "Yonhap")
                })
                .build(),
            "neither an act",
        ),
        (
            s.fake
                .slash("facts")
                .user(EDITOR, "e")
                .subcommand("remove-note", |o| o.option("id", 999))
                .build(),
            "no such fact",
        ),
    ] {
        let r = ask(&s.fake, payload).await;
        assert_eq!(r.data()["flags"], 64);
        assert!(text(&r).contains(hint), "{hint}: {}", text(&r));
    }
    assert_eq!(audit_rows(s.app.store()).await, before);
}

#[tokio::test]
async fn editing_a_note_opens_a_form_with_its_text() {
    let s = setup().await;
    let f = &s.fake;
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("edit-note", |o| o.option("id", 8))
            .build(),
    )
    .await;
    assert_eq!(r.kind, 9);
    assert_eq!(r.data()["custom_id"], "note-edit:8");
    let input = &r.data()["components"][0]["components"][0];
    assert!(
        input["value"]
            .as_str()
            .unwrap()
            .contains("16 consecutive weeks")
    );
    let r = ask(
        f,
        f.modal_submit("note-edit:8")
            .user(EDITOR, "e")
            .text_input("text", "Cupid: 25 weeks on the Hot 100 in the end.")
            .build(),
    )
    .await;
    assert!(text(&r).contains("Edited note #8"), "{}", text(&r));
    let chart = ask(f, f.slash("chart").option("title", "cupid").build()).await;
    let milestones = chart.embeds()[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Milestones")
        .unwrap()
        .clone();
    assert!(
        milestones["value"]
            .as_str()
            .unwrap()
            .contains("25 weeks on the Hot 100 in the end")
    );
    // The form is checked like the command: a non-editor's submission changes nothing.
    let r = ask(
        f,
        f.modal_submit("note-edit:8")
            .user(ADMIN, "a")
            .text_input("text", "vandal")
            .build(),
    )
    .await;
    assert!(text(&r).contains("Only editors"));
}

#[tokio::test]
async fn an_import_is_previewed_then_applied_once_and_undone_whole() {
    let s = setup().await;
    let f = &s.fake;
    let csv = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n\
               2026-H1,WORLD,150000000,,5.0,Example News,Exports up,https://example.com/a,2026-07-20,\n\
               2026-H1,JP,50000000,1,,Example News,Exports up,https://example.com/a,2026-07-20,\n";
    let file = f.add_attachment("h1.csv", "text/csv", csv.as_bytes().to_vec());
    let preview = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("import", |o| o.attachment("file", &file))
            .build(),
    )
    .await;
    assert_eq!(preview.data()["flags"], 64);
    assert!(
        text(&preview).contains("2 rows: 2 new figures"),
        "{}",
        text(&preview)
    );
    let confirm = preview.data()["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let unchanged = ask(f, f.slash("exports").option("period", "2026-H1").build()).await;
    assert_eq!(
        unchanged.data()["flags"],
        64,
        "nothing is imported before the confirm button"
    );

    // Only the uploader may confirm.
    let r = ask(
        f,
        f.button(&confirm)
            .user(EDITOR + 1, "x")
            .roles(&[EDITOR_ROLE])
            .build(),
    )
    .await;
    assert!(
        text(&r).contains("Only the editor who uploaded"),
        "{}",
        text(&r)
    );
    let r = ask(f, f.button(&confirm).user(EDITOR, "e").build()).await;
    assert_eq!(r.kind, 7, "the preview message is replaced");
    assert!(text(&r).contains("Undo the whole import"), "{}", text(&r));
    let shown = ask(
        f,
        f.slash("exports")
            .option("country", "japan")
            .option("period", "2026-H1")
            .build(),
    )
    .await;
    assert!(text(&shown).contains("US$50,000,000") && text(&shown).contains("33.3% of the total"));
    let again = ask(f, f.button(&confirm).user(EDITOR, "e").build()).await;
    assert!(
        text(&again).contains("no longer available"),
        "a second press applies nothing"
    );

    let undo = change_in(&text(&r));
    ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("undo", |o| o.option("change", undo))
            .build(),
    )
    .await;
    let gone = ask(f, f.slash("exports").option("period", "2026-H1").build()).await;
    assert_eq!(gone.data()["flags"], 64, "the whole import is undone");
}

#[tokio::test]
async fn one_bad_row_refuses_the_whole_import_with_its_line_number() {
    let s = setup().await;
    let f = &s.fake;
    let csv = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n\
               2026-H1,WORLD,150000000,,,Example News,,https://example.com/a,2026-07-20,\n\
               2026-H1,XX,1,,,Example News,,https://example.com/a,2026-07-20,\n";
    let file = f.add_attachment("bad.csv", "text/csv", csv.as_bytes().to_vec());
    let before = audit_rows(s.app.store()).await;
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("import", |o| o.attachment("file", &file))
            .build(),
    )
    .await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains("Nothing was imported") && text(&r).contains("line 3: country `XX`"),
        "{}",
        text(&r)
    );
    assert!(
        r.data().get("components").is_none(),
        "no confirm button for a file that cannot be imported"
    );
    assert_eq!(audit_rows(s.app.store()).await, before);
    let _ = s.guild;
}

#[tokio::test]
async fn every_change_reaches_the_mod_log() {
    let channel = 123_456;
    let s = setup_with(Some(channel)).await;
    ask(&s.fake, set_export(&s.fake, EDITOR, "$50M").build()).await;
    assert!(
        s.fake
            .wait_until(WAIT, |f| !f.messages(channel).is_empty())
            .await,
        "a mod-log post"
    );
    let posts = s.fake.messages(channel);
    let text = posts[0].embeds()[0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains(&format!("<@{EDITOR}>")) && text.contains("$48.52M → $50.00M"),
        "{text}"
    );
    assert_eq!(
        posts[0].allowed_mentions(),
        Some(&serde_json::json!({"parse": []})),
        "naming the editor pings no one"
    );
    // Changes made before the mod-log started (the seed, the editors) are not posted.
    assert_eq!(posts.len(), 1);
}
