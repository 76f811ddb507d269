//! What the fuzz target (`fuzz/fuzz_targets/command_text.rs`) and the corpus test
//! (`tests/it/fuzz_corpus.rs`) drive: command text as `kpop-facts ask` reads it, in every
//! language, each option value then fed to the typed parser its command reads it with.
//!
//! Nothing here may panic, whatever the text. The few assertions are invariants every parser
//! keeps; a failing one is a bug the fuzzer found, not a refusal.

use std::sync::LazyLock;

use crate::commands::{CommandError, Invocation, spec};
use crate::domain::chart::{self, Chart};
use crate::domain::country::{Country, CountryCatalog};
use crate::domain::money::{MAX_DOLLARS, Usd};
use crate::domain::period::{Period, PeriodInput, PeriodQuery, PeriodRef};
use crate::domain::source::{MAX_NOTE, MAX_PUBLISHER, NoteText, SourceInput};
use crate::domain::text;
use crate::i18n::Locale;
use crate::reply::{self, Reply};

static COUNTRIES: LazyLock<CountryCatalog> = LazyLock::new(CountryCatalog::default);

/// What a text was read as: the command and its options, or nothing when refused.
type Read = Option<(String, Vec<(String, String)>)>;

/// Parses `input` as a command in each locale and every option value it yields with its
/// typed parser; refusals are shown the way the bot would show them.
pub fn fuzz_command_text(input: &str) {
    let mut reads: Vec<Read> = Vec::new();
    for locale in Locale::ALL {
        let parsed = Invocation::parse(input, locale);
        reads.push(
            parsed
                .as_ref()
                .ok()
                .map(|i| (i.command.clone(), i.options.clone())),
        );
        match parsed {
            Ok(inv) => {
                for (name, value) in &inv.options {
                    option(&inv.command, name, value);
                }
            }
            // Refusals quote what was typed: they still pass Discord's limits.
            Err(CommandError::User(message)) => {
                let refusal = Reply::refusal(message);
                let data = reply::json::message_data(&refusal);
                assert_eq!(data["allowed_mentions"]["parse"], serde_json::json!([]));
                reply::text::render(&refusal);
            }
            Err(CommandError::Internal(e)) => panic!("parsing failed internally: {e:?}"),
        }
    }
    // The language changes the messages, never what was read.
    assert!(reads.windows(2).all(|w| w[0] == w[1]), "{reads:?}");
}

fn option(command: &str, name: &str, value: &str) {
    let known = spec::find(command).and_then(|s| s.option(name));
    assert!(known.is_some(), "{command} has no option {name:?}");
    match name {
        "period" => {
            if let Ok(PeriodInput::Exact(p)) = PeriodInput::parse(value) {
                assert_eq!(Period::parse(&p.label()), Ok(p), "{value:?}");
                for l in Locale::ALL {
                    p.display(l);
                }
            }
            // What `/exports` reads: one period, a relative one, two compared, or all.
            let sides = match PeriodQuery::parse(value) {
                Ok(PeriodQuery::One(a)) => vec![a],
                Ok(PeriodQuery::Versus(a, b)) => vec![a, b],
                Ok(PeriodQuery::All) | Err(_) => Vec::new(),
            };
            for side in sides {
                if let PeriodRef::Given(PeriodInput::Exact(p)) = side {
                    assert_eq!(Period::parse(&p.label()), Ok(p), "{value:?}");
                }
            }
        }
        "country" | "target" => {
            if let Ok(c) = COUNTRIES.parse(value) {
                assert_eq!(Country::from_code(c.code()), Some(c));
                c.flag();
            }
            COUNTRIES.complete(value, &[], 25);
        }
        "value" => {
            if let Ok(usd) = Usd::parse(value) {
                assert!((1..=MAX_DOLLARS).contains(&usd.dollars()), "{value:?}");
                assert_eq!(Usd::parse(&usd.exact()), Ok(usd), "{value:?}");
                for l in Locale::ALL {
                    usd.headline(l);
                }
            }
        }
        "chart" => {
            if let Some(c) = Chart::parse(value) {
                assert_eq!(Chart::parse(c.slug()), Some(c));
            }
        }
        "source" => {
            if let Ok(s) = SourceInput::parse(value) {
                let n = s.publisher.chars().count();
                assert!((1..=MAX_PUBLISHER).contains(&n), "{value:?}");
            }
        }
        "text" => {
            if let Ok(note) = NoteText::parse(value) {
                let n = note.as_str().chars().count();
                assert!((1..=MAX_NOTE).contains(&n), "{value:?}");
            }
        }
        "date" => {
            chart::parse_chart_date(value);
        }
        "title" => {
            chart::title_key(value);
        }
        _ => {
            chart::credit_key(value);
        }
    }
    text::fold(value);
}
