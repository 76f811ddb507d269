//! Moderators through the gateway: only editors change facts, every change shows at once, is
//! audited and undoes exactly; refusals change nothing.

use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use kpop_facts::domain::chart::Chart;
use kpop_facts::edits::{self, EditError, ImportKind, Who};
use kpop_facts::i18n::Locale;
use kpop_facts::import::{ImportError, exports};
use kpop_facts::store::{Actor, Editor, Store};
use serde_json::Value;
use tokio::sync::watch;

use crate::support;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse, WebhookWriteKind};
use crate::support::wait;

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

impl Setup {
    fn db_path(&self) -> kpop_facts::store::Location {
        crate::support::db::at(self._dir.path())
    }
}

async fn setup() -> Setup {
    setup_with(None).await
}

async fn setup_with(modlog_channel: Option<u64>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    start(dir, app, modlog_channel).await
}

/// Makes the editors and starts the bot on `app`.
async fn start(dir: tempfile::TempDir, app: Arc<App>, modlog_channel: Option<u64>) -> Setup {
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
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
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
    kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM audit_log"
    )
    .fetch_one(p)
    .await)
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
    // The data confirms the edited note: its computed line stands in the note's place.
    let value = milestones["value"].as_str().unwrap();
    assert!(
        value.contains("25 weeks on the chart in all")
            && !value.contains("25 weeks on the Hot 100 in the end"),
        "{value}"
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

const EXPORTS_HEADER: &str =
    "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n";
const CHART_HEADER: &str = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n";
const GOOD_EXPORTS: &str = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n\
    2026-H1,WORLD,150000000,,5.0,Example News,Exports up,https://example.com/a,2026-07-20,\n\
    2026-H1,JP,50000000,1,,Example News,Exports up,https://example.com/a,2026-07-20,\n";

fn owner() -> Who {
    Who {
        actor: Actor::Cli,
        guild_id: None,
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
        sqlx::AssertSqlSafe(sql)
    )
    .fetch_one(p)
    .await)
    .unwrap()
}

fn undo_by(fake: &FakeDiscord, user: u64, change: i64) -> Value {
    fake.slash("facts")
        .user(user, "someone")
        .roles(&[EDITOR_ROLE])
        .subcommand("undo", |o| o.option("change", change))
        .build()
}

/// `/facts import` of `csv` by `user`: the answer and the message it left (the preview).
async fn upload(
    fake: &FakeDiscord,
    user: u64,
    name: &str,
    csv: &str,
    chart: Option<&str>,
) -> (RecordedResponse, Value) {
    let file = fake.add_attachment(name, "text/csv", csv.as_bytes().to_vec());
    let sent = fake
        .dispatch(
            fake.slash("facts")
                .user(user, "someone")
                .subcommand("import", |o| {
                    let o = o.attachment("file", &file);
                    match chart {
                        Some(c) => o.option("chart", c),
                        None => o,
                    }
                })
                .build(),
        )
        .await;
    let response = fake.wait_response(sent.id, WAIT).await.expect("answered");
    let message = fake
        .interaction(sent.id)
        .and_then(|i| i.original_message)
        .unwrap_or(Value::Null);
    (response, message)
}

/// The Confirm and Cancel buttons' custom ids of a preview.
fn buttons(preview: &RecordedResponse) -> (String, String) {
    let row = &preview.data()["components"][0]["components"];
    let id = |i: usize| {
        row[i]["custom_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no button {i} in {}", preview.body))
            .to_string()
    };
    (id(0), id(1))
}

use crate::support::db::{hold_write_lock, release};

async fn pending_uploads(store: &Store) -> i64 {
    count(store, "SELECT count(*) FROM pending_imports").await
}

#[tokio::test]
async fn only_the_owner_changes_the_editor_list() {
    let s = setup().await;
    let f = &s.fake;
    let store = s.app.store();
    let revoked = 5151;
    edits::set_editor(store, &owner(), Editor::User(revoked), true)
        .await
        .unwrap();
    let removal = edits::set_editor(store, &owner(), Editor::User(revoked), false)
        .await
        .unwrap();
    let role_added = count(
        store,
        &format!(
            "SELECT id FROM audit_log WHERE action = 'editor.add' AND target = 'editor:role:{}:{EDITOR_ROLE}'",
            s.guild
        ),
    )
    .await;
    let before = audit_rows(store).await;
    // Neither re-admitting a revoked editor nor revoking another.
    for change in [removal, role_added] {
        let r = ask(f, undo_by(f, EDITOR, change)).await;
        assert_eq!(r.data()["flags"], 64);
        assert!(text(&r).contains("Only the owner"), "{}", text(&r));
    }
    assert!(!store.is_editor(revoked, Some(s.guild), &[]).await.unwrap());
    assert!(
        store
            .is_editor(5555, Some(s.guild), &[EDITOR_ROLE])
            .await
            .unwrap()
    );
    assert_eq!(audit_rows(store).await, before);

    // Nor through a batch that holds an editor change.
    let set = ask(f, set_export(f, EDITOR, "$50M").build()).await;
    let export_change = change_in(&text(&set));
    kpop_facts::on!(&support::app::outside(&s.db_path()).await, |p| sqlx::query(
        "UPDATE audit_log SET batch = 987654 WHERE id IN ($1, $2)"
    )
    .bind(export_change)
    .bind(role_added)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let r = ask(f, undo_by(f, EDITOR, export_change)).await;
    assert!(text(&r).contains("Only the owner"), "{}", text(&r));
    assert!(
        store
            .is_editor(5555, Some(s.guild), &[EDITOR_ROLE])
            .await
            .unwrap()
    );

    // The changes stay in the history, and the owner undoes them on the command line.
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("history", |o| o)
            .build(),
    )
    .await;
    assert!(
        text(&r).contains(&format!("user {revoked}: true → false")),
        "{}",
        text(&r)
    );
    let inv = Invocation::parse(&format!("/facts undo change:{removal}"), Locale::En).unwrap();
    let owner_caller = Caller {
        owner: true,
        ..Caller::default()
    };
    let reply = commands::respond(&s.app, &inv, &owner_caller).await;
    assert!(!reply.refusal, "{reply:?}");
    assert!(store.is_editor(revoked, Some(s.guild), &[]).await.unwrap());
}

#[tokio::test]
async fn an_import_checks_sources_notes_and_titles_like_the_commands() {
    let s = setup().await;
    let f = &s.fake;
    let store = s.app.store();
    let row = |publisher: &str, title: &str, url: &str, note: &str| {
        format!("2026-H1,JP,50000000,1,,{publisher},{title},{url},2026-07-20,{note}\n")
    };
    let long_url = format!("https://example.com/{}", "a".repeat(400));
    let csv = [
        EXPORTS_HEADER.to_string(),
        row("Example News", "Exports up", "https://example.com/a", ""),
        row("Example News", "", "ftp://example.com/a", ""),
        row("Example News", "", &long_url, ""),
        row(
            "Example News",
            "",
            "https://a.example)[Official](https://phish.example",
            "",
        ),
        row(&"P".repeat(101), "", "", ""),
        row("Example News", "", "", &"x".repeat(501)),
        row("Example News", "[Official](https://phish.example)", "", ""),
        row("Example https://phish.example", "", "", ""),
        row("Example News", "", "", "[Official](https://phish.example)"),
    ]
    .concat();
    let before = audit_rows(store).await;
    let (r, _) = upload(f, EDITOR, "checks.csv", &csv, None).await;
    assert_eq!(r.data()["flags"], 64);
    let t = text(&r);
    assert!(t.contains("Nothing was imported: 8 unreadable rows"), "{t}");
    for line in 3..=10 {
        assert!(t.contains(&format!("line {line}: ")), "line {line}: {t}");
    }
    assert!(!t.contains("line 2: "), "{t}");
    assert!(r.data().get("components").is_none());
    assert_eq!(audit_rows(store).await, before);

    // The owner's command line reads files with the same rules.
    let owners = edits::apply_import(store, &owner(), ImportKind::Exports, csv.as_bytes()).await;
    assert!(
        matches!(&owners, Err(EditError::Import(ImportError::Rows(lines))) if lines.len() == 8),
        "{owners:?}"
    );
    let mut tx = store.begin().await.unwrap();
    let bulk = exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None).await;
    assert!(
        matches!(&bulk, Err(ImportError::Rows(lines)) if lines.len() == 8),
        "{bulk:?}"
    );
}

#[tokio::test]
async fn typed_text_cannot_hide_a_second_link() {
    let s = setup().await;
    let f = &s.fake;
    let before = audit_rows(s.app.store()).await;
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("set-export", |o| {
                o.option("country", "japan")
                    .option("period", "2023-H1")
                    .option("value", "$50M")
                    .option(
                        "source",
                        "Yonhap https://a.example)[Official](https://phish.example",
                    )
            })
            .build(),
    )
    .await;
    assert!(
        text(&r).contains("The source is not usable"),
        "{}",
        text(&r)
    );
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("add-note", |o| {
                o.option("subject", "BTS")
                    .option("text", "Streams: [Official](https://phish.example)")
                    .option("source", "Yonhap")
            })
            .build(),
    )
    .await;
    assert!(text(&r).contains("The text is not usable"), "{}", text(&r));
    let r = ask(
        f,
        f.slash("facts")
            .user(EDITOR, "e")
            .subcommand("add-alias", |o| {
                o.option("kind", "act")
                    .option("target", "BTS")
                    .option("alias", "[Official](https://phish.example)")
            })
            .build(),
    )
    .await;
    assert!(text(&r).contains("link markup"), "{}", text(&r));
    let chart = format!("{CHART_HEADER}2030-01-05,1,[Official](https://phish.example),Act,,1,1\n");
    let (r, _) = upload(f, EDITOR, "week.csv", &chart, Some("hot-100")).await;
    assert!(
        text(&r).contains("line 2: title hides a link"),
        "{}",
        text(&r)
    );
    assert_eq!(audit_rows(s.app.store()).await, before);
}

#[tokio::test]
async fn a_stored_address_renders_as_one_link_at_most() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    // A store written before addresses were checked: every source's address would end a link.
    kpop_facts::on!(
        &support::app::outside(&crate::support::db::at(dir.path())).await,
        |p| sqlx::query(
            "UPDATE sources SET url = 'https://a.example)[Official](https://phish.example/' || id",
        )
        .execute(p)
        .await
        .map(|r| r.rows_affected())
    )
    .unwrap();
    let s = start(dir, app, None).await;
    let r = ask(
        &s.fake,
        s.fake
            .slash("exports")
            .option("country", "japan")
            .option("period", "2023-H1")
            .build(),
    )
    .await;
    let shown = r.body.to_string();
    assert!(
        shown.contains("Korea Customs Service via ") && shown.contains("US$48,523,000"),
        "{shown}"
    );
    assert!(!shown.contains("phish.example"), "{shown}");
}

#[tokio::test]
async fn chart_imports_are_bounded_in_weeks_and_rows_per_week() {
    let s = setup().await;
    let f = &s.fake;
    let before = audit_rows(s.app.store()).await;
    let mut crowded = CHART_HEADER.to_string();
    for p in 1..=100 {
        crowded.push_str(&format!("2030-01-05,{p},Song {p},Act {p},,{p},1\n"));
    }
    crowded.push_str("2030-01-05,1,Another,Someone,,1,1\n");
    let (r, _) = upload(f, EDITOR, "week.csv", &crowded, Some("hot-100")).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains("would hold 101 rows") && text(&r).contains("100 places"),
        "{}",
        text(&r)
    );

    let mut long = CHART_HEADER.to_string();
    let first = chrono::NaiveDate::from_ymd_opt(2030, 1, 5).unwrap();
    for w in 0..105 {
        let date = first + chrono::Duration::days(7 * w);
        long.push_str(&format!("{date},1,Song,Act,,1,{}\n", w + 1));
    }
    let (r, _) = upload(f, EDITOR, "weeks.csv", &long, Some("hot-100")).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains("spans 105 chart weeks") && text(&r).contains("at most 104"),
        "{}",
        text(&r)
    );
    assert_eq!(audit_rows(s.app.store()).await, before);
}

/// What a press finally showed, and whether it replaced the preview: the response itself, or
/// after a deferral the message written later.
async fn outcome(f: &FakeDiscord, id: u64) -> (bool, Value) {
    let response = f.wait_response(id, WAIT).await.expect("answered");
    match response.kind {
        7 => (true, response.data().clone()),
        4 => (false, response.data().clone()),
        6 => {
            assert!(
                f.wait_until(WAIT, |f| !f.webhook_writes(id).is_empty())
                    .await
            );
            let writes = f.webhook_writes(id);
            assert_eq!(writes.len(), 1, "{writes:#?}");
            let replaced = writes[0].kind == WebhookWriteKind::EditOriginal;
            (replaced, writes[0].body.clone())
        }
        other => panic!("a press answered with type {other}"),
    }
}

#[tokio::test]
async fn confirming_twice_at_once_applies_once() {
    let s = setup().await;
    let f = &s.fake;
    let store = s.app.store();
    let (preview, message) = upload(f, EDITOR, "h1.csv", GOOD_EXPORTS, None).await;
    let (confirm, _) = buttons(&preview);
    let press = || {
        f.button(&confirm)
            .user(EDITOR, "e")
            .message(message.clone())
            .build()
    };
    let (a, b) = tokio::join!(f.dispatch(press()), f.dispatch(press()));
    let (a, b) = tokio::join!(outcome(f, a.id), outcome(f, b.id));
    assert_eq!(
        count(
            store,
            &format!(
                "SELECT count(*) FROM audit_log
                 WHERE action = 'import.exports' AND target = 'exports' AND actor = 'discord:{EDITOR}'"
            )
        )
        .await,
        1,
        "applied once"
    );
    let (applied, refused) = if a.0 { (a, b) } else { (b, a) };
    assert!(
        applied.0 && !refused.0,
        "one press replaced the preview: {applied:?} {refused:?}"
    );
    assert!(applied.1.to_string().contains("Undo the whole import"));
    assert_eq!(refused.1["flags"], 64);
    assert!(
        refused.1.to_string().contains("no longer available"),
        "{}",
        refused.1
    );
}

/// Both confirms are in flight, waiting on the store's write lock, when it is let go: one
/// finds the upload, the other finds it gone, and the import is applied once.
#[tokio::test]
async fn two_confirms_in_flight_together_apply_the_upload_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::db::at(dir.path());
    let app = App::open(&path).await.unwrap();
    let store = app.store();
    store
        .put_pending_import(&kpop_facts::store::PendingImport {
            token: "t0k3n".into(),
            user_id: EDITOR,
            guild_id: None,
            kind: ImportKind::Exports,
            filename: "h1.csv".into(),
            data: GOOD_EXPORTS.as_bytes().to_vec(),
        })
        .await
        .unwrap();
    let before = count(
        store,
        "SELECT count(*) FROM audit_log WHERE action = 'import.exports' AND target = 'exports'",
    )
    .await;
    let who = Who {
        actor: Actor::Discord(EDITOR),
        guild_id: None,
    };
    let mut lock = hold_write_lock(&path).await;
    // join! polls in order: both confirms have started and wait on the lock before it goes.
    let (a, b, ()) = tokio::join!(
        edits::apply_pending_import(store, &who, "t0k3n", EDITOR),
        edits::apply_pending_import(store, &who, "t0k3n", EDITOR),
        async {
            release(&mut lock).await;
        }
    );
    let gone = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(EditError::ImportGone)))
        .count();
    assert_eq!(
        (a.is_ok() as u8 + b.is_ok() as u8, gone),
        (1, 1),
        "{a:?} {b:?}"
    );
    let after = count(
        store,
        "SELECT count(*) FROM audit_log WHERE action = 'import.exports' AND target = 'exports'",
    )
    .await;
    assert_eq!(after - before, 1, "applied once");
}

#[tokio::test]
async fn a_press_while_the_store_is_busy_is_refused_privately_and_can_be_made_again() {
    let s = setup().await;
    let f = &s.fake;
    let (preview, message) = upload(f, EDITOR, "h1.csv", GOOD_EXPORTS, None).await;
    let (confirm, _) = buttons(&preview);
    let press = || {
        f.button(&confirm)
            .user(EDITOR, "e")
            .message(message.clone())
            .build()
    };
    let mut lock = hold_write_lock(&s.db_path()).await;
    let busy = f.dispatch(press()).await;
    // Someone else's press is answered at once and privately, whatever the store is doing.
    let other = ask(
        f,
        f.button(&confirm)
            .user(5555, "x")
            .roles(&[EDITOR_ROLE])
            .message(message.clone())
            .build(),
    )
    .await;
    assert_eq!((other.kind, other.data()["flags"].as_u64()), (4, Some(64)));
    assert!(
        text(&other).contains("Only the editor who uploaded"),
        "{}",
        text(&other)
    );
    let (replaced, shown) = outcome(f, busy.id).await;
    assert!(!replaced, "the preview is left as it was: {shown}");
    assert_eq!(shown["flags"], 64);
    assert!(shown.to_string().contains("busy"), "{shown}");
    release(&mut lock).await;

    // The upload was kept: the same button applies it once the store is free.
    let again = f.dispatch(press()).await;
    let (replaced, shown) = outcome(f, again.id).await;
    assert!(replaced, "{shown}");
    assert!(
        shown.to_string().contains("Undo the whole import"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_confirm_that_fails_keeps_the_upload_for_another_press() {
    let s = setup().await;
    let f = &s.fake;
    let store = s.app.store();
    let week = |from: i64, to: i64, name: &str| {
        let mut csv = CHART_HEADER.to_string();
        for p in from..=to {
            csv.push_str(&format!("2030-01-05,{p},{name} {p},Act {p},,{p},1\n"));
        }
        csv
    };
    let (preview, message) =
        upload(f, EDITOR, "week.csv", &week(1, 60, "Song"), Some("hot-100")).await;
    assert!(
        text(&preview).contains("60 rows: 60 new"),
        "{}",
        text(&preview)
    );
    let (confirm, _) = buttons(&preview);
    // Meanwhile the owner loads other rows of that week from the command line.
    let (_, change) = edits::apply_import(
        store,
        &owner(),
        ImportKind::Chart(Chart::Hot100),
        week(51, 100, "Other").as_bytes(),
    )
    .await
    .unwrap();
    let press = || {
        f.button(&confirm)
            .user(EDITOR, "e")
            .message(message.clone())
            .build()
    };
    let r = ask(f, press()).await;
    assert_eq!((r.kind, r.data()["flags"].as_u64()), (4, Some(64)));
    assert!(text(&r).contains("would hold 110 rows"), "{}", text(&r));
    assert_eq!(pending_uploads(store).await, 1, "the upload is kept");

    edits::undo(store, &owner(), change).await.unwrap();
    let r = ask(f, press()).await;
    assert_eq!(r.kind, 7, "{}", r.body);
    assert!(text(&r).contains("Undo the whole import"), "{}", text(&r));
    assert_eq!(pending_uploads(store).await, 0);
}

#[tokio::test]
async fn only_the_uploader_or_an_editor_cancels_an_upload() {
    let s = setup().await;
    let f = &s.fake;
    let store = s.app.store();
    let (preview, message) = upload(f, EDITOR, "h1.csv", GOOD_EXPORTS, None).await;
    let (_, cancel) = buttons(&preview);
    let r = ask(
        f,
        f.button(&cancel)
            .user(ADMIN, "a")
            .permissions("8")
            .message(message.clone())
            .build(),
    )
    .await;
    assert_eq!((r.kind, r.data()["flags"].as_u64()), (4, Some(64)));
    assert!(
        text(&r).contains("Only the editor who uploaded"),
        "{}",
        text(&r)
    );
    assert_eq!(pending_uploads(store).await, 1);

    // Another editor may cancel it; their answer is theirs, the preview stays as it was.
    let sent = f
        .dispatch(
            f.button(&cancel)
                .user(5555, "x")
                .roles(&[EDITOR_ROLE])
                .message(message.clone())
                .build(),
        )
        .await;
    let r = f.wait_response(sent.id, WAIT).await.unwrap();
    assert_eq!((r.kind, r.data()["flags"].as_u64()), (4, Some(64)));
    assert!(text(&r).contains("Import cancelled"), "{}", text(&r));
    assert_eq!(pending_uploads(store).await, 0);

    // The uploader's own Cancel replaces the preview.
    let (preview, message) = upload(f, EDITOR, "h1.csv", GOOD_EXPORTS, None).await;
    let (_, cancel) = buttons(&preview);
    let r = ask(
        f,
        f.button(&cancel).user(EDITOR, "e").message(message).build(),
    )
    .await;
    assert_eq!(r.kind, 7);
    assert!(text(&r).contains("Import cancelled"), "{}", text(&r));
    assert_eq!(pending_uploads(store).await, 0);
}

#[tokio::test]
async fn an_exports_file_with_kinds_of_source_is_recognised() {
    let s = setup().await;
    let csv = format!(
        "{}publisher_detail,source_kind\n\
         2026-H1,JP,50000000,1,,Example News,,https://example.com/a,2026-07-20,,Japanese edition,newspaper\n",
        EXPORTS_HEADER.trim_end().to_string() + ","
    );
    let (preview, _) = upload(&s.fake, EDITOR, "h1.csv", &csv, None).await;
    assert!(
        text(&preview).contains("1 new figure"),
        "{}",
        text(&preview)
    );
}

#[tokio::test]
async fn upload_tokens_are_long_and_random() {
    let s = setup().await;
    let f = &s.fake;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let (preview, _) = upload(f, EDITOR, "h1.csv", GOOD_EXPORTS, None).await;
        let (confirm, _) = buttons(&preview);
        let token = confirm.rsplit(':').next().unwrap().to_string();
        assert_eq!(token.len(), 32, "128 bits: {token}");
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1]);
}

#[tokio::test]
async fn expired_uploads_are_deleted_by_any_change_and_by_the_running_bot() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let expired = |token: &str| {
        format!(
            "INSERT INTO pending_imports (token, user_id, guild_id, kind, filename, data, created_at)
             VALUES ('{token}', '{EDITOR}', NULL, 'exports', 'old.csv', $1, '2000-01-01T00:00:00Z')"
        )
    };
    kpop_facts::on!(
        &support::app::outside(&crate::support::db::at(dir.path())).await,
        |p| sqlx::query(sqlx::AssertSqlSafe(expired("old1")))
            .bind(vec![0u8])
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    )
    .unwrap();
    assert!(app.store().pending_import("old1").await.unwrap().is_none());
    // Any change to the waiting uploads (here a Cancel of another one) deletes expired ones.
    app.store().drop_pending_import("other").await.unwrap();
    assert_eq!(
        pending_uploads(app.store()).await,
        0,
        "deleted with the change"
    );

    kpop_facts::on!(
        &support::app::outside(&crate::support::db::at(dir.path())).await,
        |p| sqlx::query(sqlx::AssertSqlSafe(expired("old2")))
            .bind(vec![0u8])
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    )
    .unwrap();
    let s = start(dir, app, None).await;
    let store = s.app.store();
    let gone = wait::until(WAIT, || async move { pending_uploads(store).await == 0 }).await;
    assert!(gone, "the running bot deletes expired uploads");
}
