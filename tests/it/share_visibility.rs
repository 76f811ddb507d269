//! Public or private answers, as each server chooses per read command (`/settings
//! visibility`), and the Share button on a private answer: the store on both engines, who may
//! choose, `ask`, and end to end against the fake Discord.

use std::future::Future;
use std::process::Command as Process;
use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation, share};
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use kpop_facts::i18n::{Locale, msg, t};
use kpop_facts::reply::{Reply, json};
use kpop_facts::store::Visibility;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::support::app::TestApp;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse, WebhookWriteKind};

const WAIT: Duration = Duration::from_secs(10);
const MANAGE_GUILD: u64 = 1 << 5;
const GUILD: u64 = 7;
const FAN: u64 = 4242;

fn caller(guild: Option<u64>, permissions: Option<u64>, locale: Locale) -> Caller {
    Caller {
        user_id: Some(FAN),
        guild_id: guild,
        permissions,
        locale,
        ..Caller::default()
    }
}

async fn ask(app: &App, question: &str, caller: &Caller) -> Reply {
    let inv = Invocation::parse(question, caller.locale).unwrap();
    commands::respond(app, &inv, caller).await
}

fn description(reply: &Reply) -> &str {
    reply.embeds[0].description.as_deref().unwrap_or_default()
}

/// The Share buttons of a reply.
fn share_buttons(reply: &Reply) -> Vec<&str> {
    let buttons = reply.components.iter().flat_map(|r| &r.buttons);
    buttons
        .map(|b| b.custom_id.as_str())
        .filter(|id| share::is_share(id))
        .collect()
}

#[tokio::test]
async fn settings_are_kept_per_server_and_command_and_rebuild_nothing() {
    let app = TestApp::new().await;
    let store = app.app.store();
    assert_eq!(store.visibility(1, "exports").await.unwrap(), None);
    let before = store.generations().await.unwrap();
    store
        .set_visibility(1, "exports", Visibility::Private)
        .await
        .unwrap();
    store
        .set_visibility(1, "chart", Visibility::Public)
        .await
        .unwrap();
    store
        .set_visibility(2, "exports", Visibility::Public)
        .await
        .unwrap();
    assert_eq!(
        store.visibility(1, "exports").await.unwrap(),
        Some(Visibility::Private)
    );
    store
        .set_visibility(1, "exports", Visibility::Public)
        .await
        .unwrap();
    for (guild, command, want) in [
        (1, "exports", Some(Visibility::Public)),
        (1, "chart", Some(Visibility::Public)),
        (1, "artist", None),
        (2, "exports", Some(Visibility::Public)),
        (3, "exports", None),
    ] {
        let got = store.visibility(guild, command).await.unwrap();
        assert_eq!(got, want, "{guild} {command}");
    }
    assert_eq!(
        store.generations().await.unwrap(),
        before,
        "a setting changes no fact, so no view is rebuilt"
    );
    assert_eq!(store.remove_visibilities(1).await.unwrap(), 2);
    assert_eq!(store.visibility(1, "chart").await.unwrap(), None);
    assert_eq!(
        store.visibility(2, "exports").await.unwrap(),
        Some(Visibility::Public)
    );
}

#[tokio::test]
async fn only_a_server_manager_chooses_and_is_told_the_new_setting() {
    let app = TestApp::new().await;
    let set = "/settings visibility command:exports answers:private";
    let mut was = None;
    for locale in [Locale::En, Locale::Ko, Locale::Ja] {
        let refused = ask(&app.app, set, &caller(None, None, locale)).await;
        assert!(refused.refusal && refused.ephemeral);
        assert_eq!(
            description(&refused),
            t(locale, msg::settings_server_only())
        );

        // Discord showed the command to a member who cannot manage the server (a server may
        // open it to anyone): the bot refuses all the same.
        let member = caller(Some(GUILD), Some(1 << 10), locale);
        let refused = ask(&app.app, set, &member).await;
        assert!(refused.refusal && refused.ephemeral);
        assert_eq!(
            description(&refused),
            t(locale, msg::settings_not_manager())
        );
        assert_eq!(
            app.app.store().visibility(GUILD, "exports").await.unwrap(),
            was
        );

        let manager = caller(Some(GUILD), Some(MANAGE_GUILD), locale);
        let done = ask(&app.app, set, &manager).await;
        assert!(!done.refusal && done.ephemeral && done.components.is_empty());
        assert_eq!(
            description(&done),
            t(locale, msg::settings_now_private("/exports"))
        );
        assert_eq!(
            app.app.store().visibility(GUILD, "exports").await.unwrap(),
            Some(Visibility::Private)
        );
        was = Some(Visibility::Private);
    }
    let admin = caller(Some(GUILD), Some(1 << 3), Locale::En);
    let done = ask(
        &app.app,
        "/settings visibility command:/Help answers:public",
        &admin,
    )
    .await;
    assert_eq!(
        description(&done),
        t(Locale::En, msg::settings_now_public("/help"))
    );
    assert_eq!(
        app.app.store().visibility(GUILD, "help").await.unwrap(),
        Some(Visibility::Public)
    );

    let manager = caller(Some(GUILD), Some(MANAGE_GUILD), Locale::En);
    for (question, want) in [
        // Moderation is never shown to the channel.
        (
            "/settings visibility command:facts answers:public",
            "/exports, /chart",
        ),
        (
            "/settings visibility command:exports answers:hidden",
            "public",
        ),
        ("/settings visibility command:exports", "answers"),
    ] {
        let refused = match Invocation::parse(question, Locale::En) {
            Ok(inv) => commands::respond(&app.app, &inv, &manager).await,
            Err(e) => Reply::refusal(e.to_string()),
        };
        assert!(refused.refusal, "{question}");
        assert!(
            description(&refused).contains(want),
            "{question}: {refused:?}"
        );
    }
    assert_eq!(
        app.app.store().visibility(GUILD, "facts").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_private_answer_carries_a_share_button_that_answers_again_in_public() {
    let app = TestApp::new().await;
    let store = app.app.store();
    let member = caller(Some(GUILD), Some(0), Locale::En);
    let public = ask(&app.app, "/exports japan", &member).await;
    assert!(!public.ephemeral && share_buttons(&public).is_empty());
    let help = ask(&app.app, "/help", &member).await;
    assert!(
        help.ephemeral && share_buttons(&help).is_empty(),
        "as today"
    );

    store
        .set_visibility(GUILD, "exports", Visibility::Private)
        .await
        .unwrap();
    store
        .set_visibility(GUILD, "help", Visibility::Public)
        .await
        .unwrap();
    let private = ask(&app.app, "/exports japan", &member).await;
    assert!(private.ephemeral);
    assert_eq!(private.embeds, public.embeds, "the same answer");
    assert_eq!(share_buttons(&private), ["share:exports country:japan"]);
    assert!(!ask(&app.app, "/help", &member).await.ephemeral);

    // Elsewhere, and for refusals, nothing changes.
    let dm = caller(None, None, Locale::En);
    assert_eq!(ask(&app.app, "/exports japan", &dm).await, public);
    let refused = ask(&app.app, "/exports narnia", &member).await;
    assert!(refused.refusal && refused.ephemeral && share_buttons(&refused).is_empty());

    // The press, in the presser's language.
    for locale in [Locale::En, Locale::Ko] {
        let presser = caller(Some(GUILD), Some(0), locale);
        let id = share_buttons(&private)[0];
        let shared = share::shared(&app.app, id, &presser, chrono::Utc::now()).await;
        let asked = ask(&app.app, "/exports japan", &caller(None, None, locale)).await;
        assert!(!shared.ephemeral && !shared.refusal && share_buttons(&shared).is_empty());
        assert_eq!(shared.embeds, asked.embeds);
        let by = t(locale, msg::share_by(&format!("<@{FAN}>")));
        assert_eq!(shared.content.as_deref(), Some(by.as_str()));
        assert_eq!(
            json::message_data(&shared)["allowed_mentions"],
            json!({"parse": []})
        );
    }
    let member = caller(Some(GUILD), Some(0), Locale::En);
    for forged in ["share:facts undo", "share:exports colour:red", "share:"] {
        let refused = share::shared(&app.app, forged, &member, chrono::Utc::now()).await;
        assert!(refused.refusal && refused.ephemeral, "{forged}");
    }
}

#[test]
fn ask_refuses_the_setting_and_shows_a_servers_private_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let run = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_kpop-facts"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let set = "/settings visibility command:exports answers:private";
    // `ask` speaks as a member without special permissions, in a DM unless given a server.
    for (args, want) in [
        (
            &["ask", "--json", set][..],
            t(Locale::En, msg::settings_server_only()),
        ),
        (
            &["ask", "--json", "--guild", "7", set],
            t(Locale::En, msg::settings_not_manager()),
        ),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let body: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(body["data"]["flags"], 64);
        assert_eq!(body["data"]["embeds"][0]["description"], want, "{args:?}");
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::open(&db).await.unwrap();
        app.store()
            .set_visibility(GUILD, "exports", Visibility::Private)
            .await
            .unwrap();
        app.store().close().await;
    });
    let body = |args: &[&str]| -> Value {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let private = body(&["ask", "--json", "--guild", "7", "/exports japan"]);
    assert_eq!(private["data"]["flags"], 64);
    let button = &private["data"]["components"][0]["components"][0];
    assert_eq!(button["custom_id"], "share:exports country:japan");
    assert_eq!(button["label"], t(Locale::En, msg::share_button()));
    let dm = body(&["ask", "--json", "/exports japan"]);
    assert!(dm["data"].get("flags").is_none() && dm["data"].get("components").is_none());
}

struct Bot {
    fake: FakeDiscord,
    app: Arc<App>,
    _stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

async fn start() -> Bot {
    start_with(|_| async {}).await
}

/// Starts the bot on a store `before` has prepared.
async fn start_with<F: Future<Output = ()>>(before: impl FnOnce(Arc<App>) -> F) -> Bot {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    before(app.clone()).await;
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
    Bot {
        fake,
        app,
        _stop: stop,
        _dir: dir,
    }
}

impl Bot {
    /// Dispatches an interaction and waits for its acknowledgement.
    async fn send(&self, payload: Value) -> (u64, RecordedResponse) {
        let sent = self.fake.dispatch(payload).await;
        let response = self.fake.wait_response(sent.id, WAIT).await;
        (sent.id, response.expect("the bot answered"))
    }

    /// `/settings visibility` as a member with these permissions, in the fake's server.
    async fn set(&self, command: &str, answers: &str, permissions: &str) -> RecordedResponse {
        let payload = self
            .fake
            .slash("settings")
            .permissions(permissions)
            .subcommand("visibility", |o| {
                o.option("command", command).option("answers", answers)
            })
            .build();
        self.send(payload).await.1
    }

    async fn exports_japan(&self) -> (u64, RecordedResponse) {
        let payload = self
            .fake
            .slash("exports")
            .user(FAN, "fan")
            .option("country", "japan")
            .build();
        self.send(payload).await
    }

    fn guild(&self) -> u64 {
        self.fake.config().guild_ids[0]
    }
}

fn text(r: &RecordedResponse) -> &str {
    r.embeds()[0]["description"].as_str().unwrap_or_default()
}

fn buttons(data: &Value) -> Vec<&Value> {
    let rows = data["components"].as_array().into_iter().flatten();
    rows.flat_map(|r| r["components"].as_array().into_iter().flatten())
        .collect()
}

// long: one story, from the setting to a shared answer and back.
#[tokio::test]
async fn a_server_makes_exports_private_and_a_fan_shares_one_answer_once() {
    let bot = start().await;
    let fake = &bot.fake;

    // A member Discord let through is refused by the bot; so is a DM.
    let refused = bot.set("exports", "private", "1024").await;
    assert_eq!(refused.data()["flags"], 64);
    assert_eq!(text(&refused), t(Locale::En, msg::settings_not_manager()));
    let dm = fake
        .slash("settings")
        .guild(None)
        .subcommand("visibility", |o| {
            o.option("command", "exports").option("answers", "private")
        })
        .build();
    assert_eq!(
        text(&bot.send(dm).await.1),
        t(Locale::En, msg::settings_server_only())
    );
    let store = bot.app.store();
    assert_eq!(
        store.visibility(bot.guild(), "exports").await.unwrap(),
        None
    );

    let (_, before) = bot.exports_japan().await;
    assert!(before.data().get("flags").is_none() && buttons(before.data()).is_empty());

    let done = bot.set("exports", "private", "32").await;
    assert_eq!(done.data()["flags"], 64);
    assert_eq!(
        text(&done),
        t(Locale::En, msg::settings_now_private("/exports"))
    );

    // The same question, now private (not the public answer kept from before), with a button.
    let (asked, private) = bot.exports_japan().await;
    assert_eq!((private.kind, &private.data()["flags"]), (4, &json!(64)));
    assert_eq!(private.embeds(), before.embeds());
    let share = buttons(private.data());
    assert_eq!(share.len(), 1);
    assert_eq!(share[0]["label"], t(Locale::En, msg::share_button()));
    let custom_id = share[0]["custom_id"].as_str().unwrap().to_owned();
    let message = fake.interaction(asked).unwrap().original_message.unwrap();

    let press = || {
        fake.button(&custom_id)
            .user(FAN, "fan")
            .message(message.clone())
            .build()
    };
    let (pressed, update) = bot.send(press()).await;
    // The private answer stays; only its button changes, to a disabled "Shared".
    assert_eq!(update.kind, 7);
    assert!(update.data().get("embeds").is_none());
    let spent = buttons(update.data());
    assert_eq!(spent.len(), 1);
    assert_eq!(
        (&spent[0]["disabled"], &spent[0]["label"]),
        (&json!(true), &json!(t(Locale::En, msg::share_done())))
    );
    assert!(
        fake.wait_until(WAIT, |f| !f.webhook_writes(pressed).is_empty())
            .await
    );
    let writes = fake.webhook_writes(pressed);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].kind, WebhookWriteKind::Followup);
    let posted = &writes[0].body;
    assert!(posted.get("flags").is_none(), "public: {posted}");
    assert_eq!(
        posted["content"],
        t(Locale::En, msg::share_by(&format!("<@{FAN}>"))),
        "names the sharer"
    );
    assert_eq!(
        writes[0].allowed_mentions(),
        Some(&json!({"parse": []})),
        "pings no one, the sharer included"
    );
    assert_eq!(posted["embeds"].as_array().unwrap(), private.embeds());
    assert!(buttons(posted).is_empty());

    // A second press sent before Discord showed the button disabled posts nothing more.
    let (again, refused) = bot.send(press()).await;
    assert_eq!(refused.data()["flags"], 64);
    assert_eq!(text(&refused), t(Locale::En, msg::share_already()));
    assert!(fake.webhook_writes(again).is_empty());
    assert_eq!(fake.webhook_writes(pressed).len(), 1);

    // Refusals stay private and unshared.
    let narnia = fake
        .slash("exports")
        .user(FAN, "fan")
        .option("country", "narnia")
        .build();
    let (_, refused) = bot.send(narnia).await;
    assert_eq!(refused.data()["flags"], 64);
    assert!(buttons(refused.data()).is_empty());

    // Public again: no flag, no button.
    bot.set("exports", "public", "32").await;
    let (_, public) = bot.exports_japan().await;
    assert!(public.data().get("flags").is_none() && buttons(public.data()).is_empty());
    assert_eq!(public.embeds(), before.embeds());
}

/// Turning a page of a private answer keeps its Share button.
#[tokio::test]
async fn a_private_answers_pages_keep_its_share_button() {
    let bot = start().await;
    let fake = &bot.fake;
    bot.app
        .store()
        .set_visibility(bot.guild(), "artist", Visibility::Private)
        .await
        .unwrap();
    let payload = fake
        .slash("artist")
        .user(FAN, "fan")
        .option("name", "BTS")
        .build();
    let (asked, answer) = bot.send(payload).await;
    let ids = |data: &Value| -> Vec<String> {
        buttons(data)
            .iter()
            .map(|b| b["custom_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = ids(answer.data());
    let next = before
        .iter()
        .rev()
        .find(|id| id.starts_with("page:"))
        .cloned();
    let next = next.expect("BTS's entries take more than one page");
    assert!(
        before.contains(&"share:artist name:BTS".to_owned()),
        "{before:?}"
    );
    let message = fake.interaction(asked).unwrap().original_message.unwrap();
    let press = fake.button(&next).user(FAN, "fan").message(message).build();
    let (_, page) = bot.send(press).await;
    assert_eq!(page.kind, 7);
    assert!(ids(page.data()).contains(&"share:artist name:BTS".to_owned()));
}

/// A server the bot is no longer in loses its settings: at once when Discord says so, or once the
/// bot is back and its READY no longer lists the server.
#[tokio::test]
async fn leaving_a_server_removes_its_settings() {
    const LEFT_WHILE_AWAY: u64 = 999;
    let bot = start_with(|app| async move {
        let store = app.store();
        for guild in [LEFT_WHILE_AWAY, FakeConfig::default().guild_ids[0]] {
            store
                .set_visibility(guild, "exports", Visibility::Private)
                .await
                .unwrap();
        }
    })
    .await;
    let store = bot.app.store();
    let gone = |guild| async move { store.visibility(guild, "exports").await.unwrap().is_none() };
    assert!(crate::support::wait::until(WAIT, || gone(LEFT_WHILE_AWAY)).await);
    assert_eq!(
        store.visibility(bot.guild(), "exports").await.unwrap(),
        Some(Visibility::Private),
        "a server the bot is in keeps them"
    );
    bot.fake.dispatch_event(
        "GUILD_DELETE",
        json!({"id": bot.guild().to_string(), "unavailable": false}),
    );
    assert!(crate::support::wait::until(WAIT, || gone(bot.guild())).await);
}

/// An answer the server keeps private is private from the start: when it takes long, its
/// "thinking…" shows to the asker alone and the answer replaces it there. On paused time: the
/// threshold and the work's length pass without waiting.
#[tokio::test(start_paused = true)]
async fn a_slow_private_answer_thinks_in_private() {
    use kpop_facts::discord::respond::{self, Wire};
    use serenity::all::{ApplicationId, HttpBuilder, InteractionId};

    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = HttpBuilder::new(&fake.config().token)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.config().application_id))
        .build();
    let sent = fake.dispatch(fake.slash("exports").build()).await;
    let slow = async {
        tokio::time::sleep(respond::DEFER_AFTER + Duration::from_millis(300)).await;
        Arc::new(Wire::new(&Reply {
            content: Some("only yours".into()),
            ephemeral: true,
            ..Reply::default()
        }))
    };
    respond::answer_private(&http, InteractionId::new(sent.id), &sent.token, slow)
        .await
        .unwrap();
    let thinking = fake.wait_response(sent.id, WAIT).await.unwrap();
    assert_eq!((thinking.kind, &thinking.data()["flags"]), (5, &json!(64)));
    let writes = fake.webhook_writes(sent.id);
    let kinds: Vec<_> = writes.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WebhookWriteKind::EditOriginal]);
    let message = fake.interaction(sent.id).unwrap().original_message.unwrap();
    assert_eq!(message["content"], "only yours");
    assert_eq!(message["flags"].as_u64().unwrap() & 64, 64);
}
