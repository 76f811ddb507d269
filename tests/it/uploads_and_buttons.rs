//! The edge's trust rules against the fake Discord: who may make the bot download a file, from
//! where and how much, and what a button press may change.

use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding, respond};
use kpop_facts::edits::{self, Who};
use kpop_facts::reply::Reply;
use kpop_facts::store::{Actor, Editor};
use serde_json::Value;
use serenity::all::{ApplicationId, HttpBuilder, InteractionId};
use tokio::sync::watch;

use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse, WebhookWriteKind};

const WAIT: Duration = Duration::from_secs(10);
const EDITOR: u64 = 4242;
const CSV: &str = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n\
                   2026-H1,JP,50000000,1,,Example News,,https://example.com/a,2026-07-20,\n";

struct Setup {
    fake: FakeDiscord,
    app: Arc<App>,
    _stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let owner = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    edits::set_editor(app.store(), &owner, Editor::User(EDITOR), true)
        .await
        .unwrap();
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
    tokio::spawn(discord::run(settings, app.clone(), rx));
    assert!(fake.wait_ready(WAIT).await);
    Setup {
        fake,
        app,
        _stop: stop,
        _dir: dir,
    }
}

async fn import(fake: &FakeDiscord, user: u64, file: &Value) -> RecordedResponse {
    let sent = fake
        .dispatch(
            fake.slash("facts")
                .user(user, "someone")
                .subcommand("import", |o| o.attachment("file", file))
                .build(),
        )
        .await;
    fake.wait_response(sent.id, WAIT).await.expect("answered")
}

fn text(r: &RecordedResponse) -> String {
    r.embeds()
        .first()
        .and_then(|e| e["description"].as_str())
        .unwrap_or_default()
        .to_string()
}

async fn pending_uploads(app: &App) -> i64 {
    kpop_facts::on!(app.store().readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM pending_imports"
    )
    .fetch_one(p)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_non_editors_file_is_never_downloaded() {
    let s = setup().await;
    let file = s
        .fake
        .add_attachment("h1.csv", "text/csv", CSV.as_bytes().to_vec());
    let r = import(&s.fake, 777, &file).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(text(&r).contains("Only editors"), "{}", text(&r));
    assert!(
        s.fake.attachment_downloads().is_empty(),
        "nothing fetched for a caller who may not import"
    );
    // An editor's file is fetched, from the fake's own host.
    let r = import(&s.fake, EDITOR, &file).await;
    assert!(text(&r).contains("1 rows"), "{}", text(&r));
    assert_eq!(s.fake.attachment_downloads().len(), 1);
}

#[tokio::test]
async fn files_come_only_from_discords_attachment_hosts() {
    let s = setup().await;
    let mut file = s
        .fake
        .add_attachment("h1.csv", "text/csv", CSV.as_bytes().to_vec());
    // The same server under another name: a host the bot must not fetch from.
    for key in ["url", "proxy_url"] {
        let url = file[key]
            .as_str()
            .unwrap()
            .replace("127.0.0.1", "localhost");
        file[key] = url.into();
    }
    let r = import(&s.fake, EDITOR, &file).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        text(&r).contains("not a file uploaded to Discord"),
        "{}",
        text(&r)
    );
    assert!(s.fake.attachment_downloads().is_empty());
    assert_eq!(pending_uploads(&s.app).await, 0);
}

#[tokio::test]
async fn a_body_larger_than_its_claimed_size_is_cut_off() {
    let s = setup().await;
    let mut body = CSV.as_bytes().to_vec();
    body.resize(6 << 20, b'x');
    let file = s
        .fake
        .add_attachment_claiming("big.csv", "text/csv", body, 1000);
    let r = import(&s.fake, EDITOR, &file).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(text(&r).contains("larger than 5 MB"), "{}", text(&r));
    assert_eq!(pending_uploads(&s.app).await, 0);
}

/// `respond::answer` for a button whose work outlasts the defer threshold: an update replaces
/// the message, a refusal goes to the presser alone and leaves the message as it was. On paused
/// time: the threshold and the work's length pass without waiting.
#[tokio::test(start_paused = true)]
async fn a_slow_refusal_on_a_button_is_a_private_follow_up() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = HttpBuilder::new(&fake.config().token)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.config().application_id))
        .build();
    let slow = |reply: Reply| async move {
        tokio::time::sleep(respond::DEFER_AFTER + Duration::from_millis(300)).await;
        Arc::new(respond::Wire::new(&reply))
    };

    let press = fake.button("page:x").build();
    let message = press["message"].clone();
    let sent = fake.dispatch(press).await;
    respond::answer(
        &http,
        InteractionId::new(sent.id),
        &sent.token,
        true,
        slow(Reply::refusal("no")),
    )
    .await
    .unwrap();
    assert_eq!(fake.wait_response(sent.id, WAIT).await.unwrap().kind, 6);
    let writes = fake.webhook_writes(sent.id);
    let kinds: Vec<_> = writes.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WebhookWriteKind::Followup]);
    assert_eq!(writes[0].body["flags"], 64);
    assert_eq!(
        fake.interaction(sent.id).unwrap().original_message,
        Some(message),
        "the message is left as it was"
    );

    let sent = fake.dispatch(fake.button("page:y").build()).await;
    let update = Reply {
        content: Some("page 2".into()),
        update: true,
        ..Reply::default()
    };
    respond::answer(
        &http,
        InteractionId::new(sent.id),
        &sent.token,
        true,
        slow(update),
    )
    .await
    .unwrap();
    let kinds: Vec<_> = fake
        .webhook_writes(sent.id)
        .iter()
        .map(|w| w.kind)
        .collect();
    assert_eq!(kinds, [WebhookWriteKind::EditOriginal]);
    assert_eq!(
        fake.interaction(sent.id).unwrap().original_message.unwrap()["content"],
        "page 2"
    );
}
