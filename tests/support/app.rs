//! A fresh, seeded fact store per test, and shortcuts to ask it questions.

use std::path::PathBuf;

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::i18n::Locale;
use kpop_facts::reply::{Reply, json};
use tempfile::TempDir;

pub struct TestApp {
    pub app: App,
    pub dir: TempDir,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = App::open(&dir.path().join("facts.db"))
            .await
            .expect("open store");
        TestApp { app, dir }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("facts.db")
    }

    /// Asks as the CLI does: the text of a slash command, as an ordinary member.
    pub async fn ask(&self, question: &str) -> Reply {
        self.ask_in(question, Locale::En).await
    }

    pub async fn ask_in(&self, question: &str, locale: Locale) -> Reply {
        ask(&self.app, question, locale).await
    }

    /// Asks as at `now` (RFC 3339), as `ask --now` does.
    pub async fn ask_at(&self, question: &str, locale: Locale, now: &str) -> Reply {
        let now = chrono::DateTime::parse_from_rfc3339(now)
            .expect("an RFC 3339 time")
            .with_timezone(&chrono::Utc);
        let caller = Caller {
            locale,
            ..Caller::default()
        };
        match Invocation::parse(question, locale) {
            Ok(inv) => commands::respond_at(&self.app, &inv, &caller, now).await,
            Err(e) => Reply::refusal(e.to_string()),
        }
    }
}

/// Asks `app` as the CLI does, as an ordinary member.
pub async fn ask(app: &App, question: &str, locale: Locale) -> Reply {
    let caller = Caller {
        locale,
        ..Caller::default()
    };
    match Invocation::parse(question, locale) {
        Ok(inv) => commands::respond(app, &inv, &caller).await,
        Err(e) => Reply::refusal(e.to_string()),
    }
}

/// Everything a reply shows, as one string of its JSON, for "contains" checks.
pub fn shown(reply: &Reply) -> String {
    json::message_data(reply).to_string()
}

/// The text of the field named `name` in the first embed.
pub fn field<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.embeds[0]
        .fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no field {name:?} in {:#?}", reply.embeds[0].fields))
}

/// The store's file opened as another process (or an earlier release) would: writable, with
/// none of the bot's rules, for tests that set up a state or hold a lock from outside.
pub async fn outside(path: &std::path::Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(5));
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("open the store's file from outside")
}
