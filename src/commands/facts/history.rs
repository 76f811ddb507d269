//! `/facts history [subject]`: the latest changes, with who, when, before and after.

use crate::app::App;
use crate::commands::changes::line;
use crate::commands::command::History;
use crate::commands::exports::parse_country;
use crate::commands::{CommandResult, user_error};
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};

/// How many changes one answer lists.
const SHOWN: i64 = 15;

pub async fn run(app: &App, asked: &History, locale: Locale) -> CommandResult {
    let pattern = match asked.subject.as_deref() {
        None => None,
        Some(subject) => Some(pattern(app, subject, locale).await?),
    };
    let entries = app.store().audit_log(pattern.as_deref(), SHOWN).await?;
    let mut embed = Embed::new(colour::MODERATION).title(t(locale, msg::facts_history_title()));
    if entries.is_empty() {
        embed = embed.description(t(locale, msg::facts_history_empty()));
    } else {
        embed = embed.description(
            entries
                .iter()
                .map(|e| line(e, locale))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Ok(Reply {
        ephemeral: true,
        ..Reply::embed(embed)
    })
}

/// The audit targets a subject means: `note 3`, a period, a country, or both.
async fn pattern(
    app: &App,
    subject: &str,
    locale: Locale,
) -> Result<String, crate::commands::CommandError> {
    let words: Vec<&str> = subject.split_whitespace().collect();
    if let ["note", id] | [id] = words.as_slice()
        && let Ok(n) = id.trim_start_matches('#').parse::<i64>()
    {
        return Ok(format!("note:{n}"));
    }
    let (period, country) = split(&words);
    let country = match country {
        Some(c) => Some(parse_country(&*app.indexes().await?, &c, locale)?),
        None => None,
    };
    if period.is_none() && country.is_none() {
        return Err(user_error(
            locale,
            msg::facts_bad_history_subject(&truncate(subject, 60)),
        ));
    }
    Ok(format!(
        "export:{}:{}",
        period.map_or("%".to_string(), |p| p.label()),
        country.map_or("%", Country::code)
    ))
}

/// The longest run of words that reads as a period, and the rest as a country.
fn split(words: &[&str]) -> (Option<Period>, Option<String>) {
    for len in (1..=words.len().min(6)).rev() {
        for start in 0..=words.len() - len {
            if let Ok(p) = Period::parse(&words[start..start + len].join(" ")) {
                let rest: Vec<&str> = words[..start]
                    .iter()
                    .chain(&words[start + len..])
                    .copied()
                    .collect();
                return (Some(p), (!rest.is_empty()).then(|| rest.join(" ")));
            }
        }
    }
    (None, (!words.is_empty()).then(|| words.join(" ")))
}
