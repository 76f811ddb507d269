//! A fresh, seeded fact store per test, and shortcuts to ask it questions.

use kpop_facts::store::Location;

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
        let app = App::open(super::db::at(dir.path()))
            .await
            .expect("open store");
        TestApp { app, dir }
    }

    /// Where the test's store is (a file, or a PostgreSQL database).
    pub fn db_path(&self) -> Location {
        super::db::at(self.dir.path())
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

pub use super::db::outside;
