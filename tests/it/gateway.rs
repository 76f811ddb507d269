//! End to end: the real serenity client, run by the bot's own `discord::run`, against the
//! fake Discord in tests/support. Each test asserts on what the bot sent.

use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::discord::{self, RunError, Secret, Settings, ShardRange, Sharding};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::support;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse};
use crate::support::logs::Logs;

const WAIT: Duration = Duration::from_secs(5);

struct Bot {
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), RunError>>,
}

impl Bot {
    async fn start(
        fake: &FakeDiscord,
        db: &kpop_facts::store::Location,
        guild: Option<u64>,
    ) -> Bot {
        Bot::start_with(fake, db, guild, false).await
    }

    async fn start_with(
        fake: &FakeDiscord,
        db: &kpop_facts::store::Location,
        guild: Option<u64>,
        cooldowns: bool,
    ) -> Bot {
        let app = Arc::new(App::open(db).await.unwrap());
        let settings = Settings {
            token: Secret::new(fake.config().token.clone()),
            api_base_url: Some(fake.base_url()),
            guild_id: guild,
            application_id: None,
            modlog_channel: None,
            cooldowns,
            feeds: None,
            sharding: Sharding::Fixed(ShardRange::all(1)),
        };
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(discord::run(settings, app, rx));
        assert!(fake.wait_ready(WAIT).await, "the bot connected");
        Bot { stop, task }
    }

    async fn stop(self) -> Result<(), RunError> {
        self.stop.send(true).unwrap();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("stopped in time")
            .unwrap()
    }
}

struct Setup {
    fake: FakeDiscord,
    bot: Bot,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let bot = Bot::start(&fake, &crate::support::db::at(dir.path()), None).await;
    Setup {
        fake,
        bot,
        _dir: dir,
    }
}

async fn ask(fake: &FakeDiscord, payload: Value) -> RecordedResponse {
    let sent = fake.dispatch(payload).await;
    fake.wait_response(sent.id, WAIT)
        .await
        .expect("the bot answered")
}

fn description(r: &RecordedResponse) -> &str {
    r.embeds()[0]["description"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn registers_its_commands_once_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let guild = fake.config().guild_ids[0];
    let bot = start_and_register(&fake, &db, guild).await;
    let commands = fake.registered_commands(Some(guild));
    assert_eq!(commands.len(), 9);
    let by_name = |n: &str| commands.iter().find(|c| c["name"] == n).cloned().unwrap();
    let exports = by_name("exports");
    assert_eq!(exports["options"][0]["name"], "country");
    assert_eq!(exports["options"][0]["type"], 3);
    assert_eq!(exports["options"][0]["autocomplete"], true);
    assert_eq!(exports["options"][1]["name"], "period");
    assert_eq!(exports["name_localizations"]["ko"], "수출");
    assert!(!exports["description"].as_str().unwrap().is_empty());
    let chart = by_name("chart");
    assert_eq!(chart["options"][0]["name"], "title");
    assert_eq!(chart["options"][0]["required"], true);
    assert_eq!(chart["options"][1]["autocomplete"], true);
    assert_eq!(
        chart["options"][2]["choices"],
        json!([{"name": "hot-100", "value": "hot-100"}, {"name": "billboard-200", "value": "billboard-200"}])
    );
    let facts = by_name("facts");
    assert_eq!(
        facts["default_member_permissions"], "32",
        "moderators' commands are hidden from members"
    );
    assert_eq!(facts["options"][0]["type"], 1);
    assert!(
        fake.registered_commands(None).is_empty(),
        "DISCORD_GUILD_ID keeps registration in one guild"
    );
    assert_eq!(fake.command_writes(), 1);
    bot.stop().await.expect("a clean shutdown");

    // A restart with the same command set registers nothing.
    let bot = start_and_register(&fake, &db, guild).await;
    let r = ask(&fake, fake.slash("help").build()).await;
    assert_eq!(r.kind, 4);
    let id = fake
        .registered_commands(Some(guild))
        .iter()
        .find(|c| c["name"] == "exports")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fields = r.embeds()[0]["fields"].to_string();
    assert!(
        fields.contains(&format!("</exports:{id}>")),
        "help mentions the registered command: {fields}"
    );
    assert_eq!(fake.command_writes(), 1);
    bot.stop().await.expect("a clean shutdown");
}

/// Starts the bot in `guild` and waits until READY's registration step is over: the commands
/// registered and their hash stored, or found unchanged. Only the bot's log tells the latter.
async fn start_and_register(
    fake: &FakeDiscord,
    db: &kpop_facts::store::Location,
    guild: u64,
) -> Bot {
    let (logs, _recording) = Logs::capture();
    let bot = Bot::start(fake, db, Some(guild)).await;
    let done = logs
        .wait_for(WAIT, |e| e.target == "kpop_facts::discord::register")
        .await;
    assert!(done, "the registration step ended: {:#?}", logs.lines());
    bot
}

#[tokio::test]
async fn answers_exports_with_the_figures_and_a_picture() {
    let s = setup().await;
    let r = ask(
        &s.fake,
        s.fake
            .slash("exports")
            .option("country", "japan")
            .option("period", "2023-H1")
            .build(),
    )
    .await;
    assert_eq!(r.kind, 4);
    assert!(r.elapsed < Duration::from_secs(3));
    assert_eq!(r.embeds()[0]["title"], "🇯🇵 Japan · H1 2023");
    assert!(
        description(&r).contains("**$48.52M** (US$48,523,000)"),
        "{}",
        description(&r)
    );
    assert!(description(&r).contains("No. 1 destination"));
    assert_eq!(r.data().get("flags"), None, "answers are public");

    let r = ask(
        &s.fake,
        s.fake.slash("exports").option("country", "JP").build(),
    )
    .await;
    assert_eq!(r.embeds()[0]["title"], "🇯🇵 Japan · 2025");

    let r = ask(
        &s.fake,
        s.fake.slash("exports").option("period", "2023-H1").build(),
    )
    .await;
    assert_eq!(r.files.len(), 1);
    assert!(r.files[0].bytes.starts_with(b"\x89PNG"));
    assert_eq!(
        r.embeds()[0]["image"]["url"],
        format!("attachment://{}", r.files[0].filename)
    );
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn answers_in_dms_and_in_the_users_language() {
    let s = setup().await;
    let r = ask(
        &s.fake,
        s.fake
            .slash("chart")
            .option("title", "cupid")
            .guild(None)
            .build(),
    )
    .await;
    assert_eq!(r.embeds()[0]["title"], "Cupid — Fifty Fifty");
    let r = ask(
        &s.fake,
        s.fake
            .slash("exports")
            .option("country", "일본")
            .option("period", "2023년 상반기")
            .locale("ko")
            .build(),
    )
    .await;
    assert_eq!(r.embeds()[0]["title"], "🇯🇵 일본 · 2023년 상반기");
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn autocompletes_countries_periods_titles_and_artists() {
    let s = setup().await;
    let f = &s.fake;
    let values = |r: &RecordedResponse| {
        r.choices()
            .iter()
            .map(|c| c["value"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let r = ask(
        f,
        f.autocomplete("exports")
            .focused("country", 3, "ja")
            .build(),
    )
    .await;
    assert_eq!(r.kind, 8);
    assert_eq!(values(&r)[0], "JP");
    let r = ask(
        f,
        f.autocomplete("exports")
            .focused("country", 3, "미국")
            .build(),
    )
    .await;
    assert_eq!(values(&r)[0], "US");
    let r = ask(
        f,
        f.autocomplete("exports")
            .option("country", "japan")
            .focused("period", 3, "2023")
            .build(),
    )
    .await;
    assert!(
        values(&r).contains(&"2023-H1".to_string()),
        "{:?}",
        values(&r)
    );
    let r = ask(
        f,
        f.autocomplete("chart").focused("title", 3, "cup").build(),
    )
    .await;
    assert!(
        r.choices()[1]["name"]
            .as_str()
            .unwrap()
            .starts_with("Cupid — Fifty Fifty"),
        "{:?}",
        r.choices()
    );
    let r = ask(
        f,
        f.autocomplete("chart").focused("artist", 3, "방탄").build(),
    )
    .await;
    assert_eq!(values(&r)[0], "BTS");
    // Past the acts list: any credit that charted, and picking it narrows the search.
    let r = ask(
        f,
        f.autocomplete("chart").focused("artist", 3, "aoki").build(),
    )
    .await;
    assert_eq!(values(&r), ["Steve Aoki Featuring BTS"]);
    let answer = ask(
        f,
        f.slash("chart")
            .option("title", "waste it on me")
            .option("artist", "Steve Aoki Featuring BTS")
            .build(),
    )
    .await;
    assert!(
        answer.embeds()[0]["title"]
            .as_str()
            .unwrap()
            .contains("Waste It On Me"),
        "{:?}",
        answer.embeds()
    );
    let r = ask(f, f.autocomplete("chart").focused("title", 3, "").build()).await;
    assert_eq!(
        r.choices().len(),
        25,
        "at most 25, and something to pick before typing"
    );
    for c in r.choices() {
        assert!(
            c["name"].as_str().unwrap().chars().count() <= 100
                && c["value"].as_str().unwrap().chars().count() <= 100
        );
    }
    // Picking a suggestion gives exactly that run.
    let picked = r.choices()[0]["value"].as_str().unwrap().to_string();
    let answer = ask(f, f.slash("chart").option("title", picked.as_str()).build()).await;
    assert_eq!(answer.kind, 4);
    assert!(answer.data().get("flags").is_none());
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn refusals_are_ephemeral_and_say_what_to_do() {
    let s = setup().await;
    let r = ask(
        &s.fake,
        s.fake.slash("exports").option("country", "japn").build(),
    )
    .await;
    assert_eq!(r.data()["flags"], 64);
    assert!(description(&r).contains("Did you mean Japan?"));
    let r = ask(
        &s.fake,
        s.fake
            .slash("chart")
            .option("title", "cupid")
            .option("chart", "top-40")
            .build(),
    )
    .await;
    assert_eq!(r.data()["flags"], 64);
    assert!(description(&r).contains("hot-100"));
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn every_reply_silences_mentions_and_no_unknown_route_is_called() {
    let s = setup().await;
    let f = &s.fake;
    for payload in [
        f.slash("exports").build(),
        f.slash("chart").option("title", "@everyone").build(),
        f.slash("artist").option("name", "<@123> BTS").build(),
        f.slash("help").build(),
    ] {
        let r = ask(f, payload).await;
        assert_eq!(
            r.allowed_mentions(),
            Some(&json!({"parse": []})),
            "{:?}",
            r.body
        );
    }
    assert!(f.unknown_routes().is_empty(), "{:?}", f.unknown_routes());
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_dropped_connection_resumes_and_no_interaction_is_lost() {
    let s = setup().await;
    let f = &s.fake;
    let mut sent = Vec::new();
    for i in 0..12 {
        if i == 6 {
            f.drop_connection();
        }
        sent.push(
            f.dispatch(f.slash("exports").option("country", "japan").build())
                .await,
        );
    }
    for h in &sent {
        let r = f
            .wait_response(h.id, WAIT)
            .await
            .expect("answered after the resume");
        assert_eq!(r.kind, 4);
        assert!(description(&r).contains("$80.63M"));
    }
    assert!(f.gateway_stats().resumes >= 1, "{:?}", f.gateway_stats());
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn refuses_to_start_when_the_api_base_url_has_no_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let settings = Settings {
        token: Secret::new("t".into()),
        api_base_url: Some(format!("http://{closed}")),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (_stop, rx) = watch::channel(false);
    let err = tokio::time::timeout(WAIT, discord::run(settings, app, rx))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("GET /gateway"), "{err}");
}

#[test]
fn an_invalid_token_exits_non_zero_with_a_clear_message() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeDiscord::start(FakeConfig::default()));
    fake.set_invalid_token(true);
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(crate::support::db::at(dir.path()))
        .arg("run")
        .env("DISCORD_TOKEN", "secret-token-value")
        .env("DISCORD_API_BASE_URL", fake.base_url())
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("rejected the token") && stderr.contains("DISCORD_TOKEN"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("secret-token-value"),
        "the token is never printed"
    );
}

/// Work slower than the defer threshold: "thinking…" first, then the answer, and a refusal
/// stays private. On paused time: the threshold and the work's length pass without waiting.
#[tokio::test(start_paused = true)]
async fn slow_answers_are_deferred_then_delivered() {
    use kpop_facts::discord::respond;
    use kpop_facts::reply::Reply;
    use serenity::all::{ApplicationId, HttpBuilder, InteractionId};
    use support::fake_discord::WebhookWriteKind;

    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = HttpBuilder::new(&fake.config().token)
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.config().application_id))
        .build();
    let slow = |reply: Reply| async move {
        tokio::time::sleep(respond::DEFER_AFTER + Duration::from_millis(300)).await;
        std::sync::Arc::new(respond::Wire::new(&reply))
    };

    let sent = fake.dispatch(fake.slash("help").build()).await;
    let answer = Reply {
        content: Some("done".into()),
        ..Reply::default()
    };
    respond::answer(
        &http,
        InteractionId::new(sent.id),
        &sent.token,
        false,
        slow(answer),
    )
    .await
    .unwrap();
    let first = fake.wait_response(sent.id, WAIT).await.unwrap();
    assert_eq!(first.kind, 5);
    assert!(first.elapsed < Duration::from_secs(3));
    let writes = fake.webhook_writes(sent.id);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].kind, WebhookWriteKind::EditOriginal);
    assert_eq!(writes[0].body["content"], "done");

    let sent = fake.dispatch(fake.slash("help").build()).await;
    respond::answer(
        &http,
        InteractionId::new(sent.id),
        &sent.token,
        false,
        slow(Reply::refusal("no")),
    )
    .await
    .unwrap();
    let kinds: Vec<_> = fake
        .webhook_writes(sent.id)
        .iter()
        .map(|w| w.kind)
        .collect();
    assert_eq!(
        kinds,
        [WebhookWriteKind::DeleteOriginal, WebhookWriteKind::Followup]
    );
    assert_eq!(fake.webhook_writes(sent.id)[1].body["flags"], 64);
}

#[tokio::test]
async fn long_lists_page_for_the_caller_only() {
    let s = setup().await;
    let f = &s.fake;
    let me = f.config().user_id;
    let r = ask(f, f.slash("artist").option("name", "BTS").build()).await;
    let fields = r.embeds()[0]["fields"].as_array().unwrap().clone();
    let entries = fields
        .iter()
        .find(|x| {
            x["name"]
                .as_str()
                .unwrap()
                .starts_with("Outside the top 10")
        })
        .unwrap();
    assert!(
        entries["name"].as_str().unwrap().ends_with("(1/4)"),
        "{entries}"
    );
    let buttons = r.data()["components"][0]["components"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(buttons[0]["disabled"], true, "no page before the first");
    let next = buttons[1]["custom_id"].as_str().unwrap().to_string();

    let other = ask(f, f.button(&next).user(me + 1, "someone else").build()).await;
    assert_eq!((other.kind, other.data()["flags"].as_u64()), (4, Some(64)));
    assert!(
        other.embeds()[0]["description"]
            .as_str()
            .unwrap()
            .contains("Only the person who asked")
    );

    let turned = ask(f, f.button(&next).user(me, "me").build()).await;
    assert_eq!(turned.kind, 7, "the message itself turns the page");
    let page_two = turned.embeds()[0]["fields"].to_string();
    assert!(page_two.contains("(2/4)"), "{page_two}");
    s.bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_flood_of_picture_commands_is_asked_to_wait() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let bot = Bot::start_with(&fake, &crate::support::db::at(dir.path()), None, true).await;
    let me = fake.config().user_id;
    for _ in 0..5 {
        let r = ask(&fake, fake.slash("chart").option("title", "cupid").build()).await;
        assert!(r.data().get("flags").is_none(), "a burst of five is fine");
    }
    let r = ask(&fake, fake.slash("chart").option("title", "cupid").build()).await;
    assert_eq!(r.data()["flags"], 64);
    assert!(
        description(&r).contains("You are going fast! Try `/chart` again in"),
        "{}",
        description(&r)
    );
    let other = ask(
        &fake,
        fake.slash("chart")
            .option("title", "cupid")
            .user(me + 1, "other")
            .build(),
    )
    .await;
    assert!(
        other.data().get("flags").is_none(),
        "others are not held up"
    );
    let cheap = ask(&fake, fake.slash("help").build()).await;
    assert_eq!(cheap.kind, 4);
    assert!(!description(&cheap).contains("going fast"));
    bot.stop().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_flood_of_autocompletes_gets_no_suggestions_for_a_while() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let bot = Bot::start_with(&fake, &crate::support::db::at(dir.path()), None, true).await;
    let me = fake.config().user_id;
    let typing =
        kpop_facts::discord::cooldown::limit_for(kpop_facts::discord::cooldown::AUTOCOMPLETE)
            .unwrap();
    let suggest = |user: u64| {
        fake.autocomplete("exports")
            .focused("country", 3, "ja")
            .user(user, "typist")
            .build()
    };
    for _ in 0..typing.uses {
        let r = ask(&fake, suggest(me)).await;
        assert!(!r.choices().is_empty(), "typing is never held up");
    }
    let r = ask(&fake, suggest(me)).await;
    assert_eq!(r.kind, 8, "still answered, in time");
    assert!(r.choices().is_empty(), "{:?}", r.choices());
    let other = ask(&fake, suggest(me + 1)).await;
    assert!(!other.choices().is_empty(), "others are not held up");
    bot.stop().await.expect("a clean shutdown");
}

/// A token pasted with its `Bot ` prefix and a new line works for the gateway, serenity's REST
/// calls and the bot's own posts alike.
#[tokio::test]
async fn the_token_is_read_the_same_way_for_every_call() {
    use kpop_facts::discord::post::Poster;
    use kpop_facts::reply::Reply;

    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let pasted = format!(" Bot {}\n", fake.config().token);
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let settings = Settings {
        token: Secret::new(pasted.clone()),
        api_base_url: Some(fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(discord::run(settings, app, rx));
    assert!(fake.wait_ready(WAIT).await, "the gateway took the token");
    assert!(
        fake.wait_until(WAIT, |f| f.registered_commands(None).len() == 9)
            .await,
        "serenity's REST calls took it"
    );
    let poster = Poster::new(Some(&fake.base_url()), Secret::new(pasted));
    let reply = Reply {
        content: Some("hello".into()),
        ..Reply::default()
    };
    poster
        .post(fake.config().channel_id, &reply, "nonce-1")
        .await
        .expect("the bot's own posts took it");
    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

/// While another process holds the store's write lock (a long import), a change asked for on
/// Discord is refused in time, in the caller's language, and nothing changes; once the lock
/// is free the same change goes through.
#[tokio::test]
async fn a_change_during_an_import_is_refused_in_time() {
    use kpop_facts::edits::{self, Who};
    use kpop_facts::store::{Actor, Editor, Store};

    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let editor = fake.config().user_id;
    let importer = Store::open(&db).await.unwrap();
    let owner = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    edits::set_editor(&importer, &owner, Editor::User(editor), true)
        .await
        .unwrap();
    let bot = Bot::start(&fake, &db, None).await;
    let set_export = |locale: &str| {
        fake.slash("facts")
            .locale(locale)
            .subcommand("set-export", |o| {
                o.option("country", "japan")
                    .option("period", "2023-H1")
                    .option("value", "$50M")
                    .option("source", "Yonhap")
            })
            .build()
    };
    let import = importer.begin().await.unwrap();
    for (locale, busy) in [
        ("en-US", "The store is busy with an import"),
        ("ko", "저장소가 바빠요"),
        ("ja", "データの取り込み中"),
    ] {
        let r = ask(&fake, set_export(locale)).await;
        assert_eq!(r.kind, 4, "answered at once, not deferred: {:?}", r.body);
        assert_eq!(r.data()["flags"], 64);
        assert!(description(&r).contains(busy), "{}", description(&r));
    }
    drop(import);
    let r = ask(&fake, set_export("en-US")).await;
    assert!(description(&r).contains("$50.00M"), "{}", description(&r));
    bot.stop().await.expect("a clean shutdown");
}

/// A feed pass that brought nothing new changes no fact, so no store generation: /about and
/// /help tell its time all the same, not that of an answer kept from before.
#[tokio::test]
async fn about_and_help_tell_a_feeds_latest_success_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::db::at(dir.path());
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let bot = Bot::start(&fake, &db, None).await;
    let store = kpop_facts::store::Store::open(db).await.unwrap();
    let field = |r: &RecordedResponse, name: &str| -> String {
        r.embeds()[0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .and_then(|f| f["value"].as_str())
            .unwrap_or_else(|| panic!("no field {name}: {:?}", r.embeds()))
            .to_string()
    };
    let first = chrono::DateTime::parse_from_rfc3339("2031-01-05T06:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    for week in 0..2 {
        let at = first + chrono::Duration::weeks(week);
        store.feed_succeeded("hot-100", at, at).await.unwrap();
        let said = format!("last update <t:{}:R>", at.timestamp());
        let about = ask(&fake, fake.slash("about").build()).await;
        let help = ask(&fake, fake.slash("help").build()).await;
        for shown in [field(&about, "Latest data"), field(&help, "Data")] {
            assert!(shown.contains(&said), "{said}\n{shown}");
        }
    }
    store.close().await;
    bot.stop().await.expect("a clean shutdown");
}
