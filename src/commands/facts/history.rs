//! `/facts history [subject]`: the latest changes, with who, when, before and after.

use serde_json::Value;

use crate::app::App;
use crate::commands::command::History;
use crate::commands::exports::parse_country;
use crate::commands::{CommandResult, user_error};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};
use crate::store::{AuditEntry, Target};

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

/// "`#12` · <t:…:R> · <@123> · export H1 2023 Japan: $48.52M → $50.00M"
pub fn line(e: &AuditEntry, locale: Locale) -> String {
    let when = chrono::DateTime::parse_from_rfc3339(&e.at)
        .map_or(e.at.clone(), |d| format!("<t:{}:R>", d.timestamp()));
    let who = match e.actor.strip_prefix("discord:") {
        Some(id) => format!("<@{id}>"),
        None => match e.actor.as_str() {
            "cli" => t(locale, msg::facts_actor_cli()),
            "seed" => t(locale, msg::facts_actor_seed()),
            other => other.to_string(),
        },
    };
    let family = e.action.split('.').next().unwrap_or_default();
    let action = match family {
        "export" => t(locale, msg::facts_action_export()),
        "note" => t(locale, msg::facts_action_note()),
        "alias" => t(locale, msg::facts_action_alias()),
        "import" => t(locale, msg::facts_action_import()),
        "undo" => t(locale, msg::facts_action_undo()),
        "editor" => t(locale, msg::facts_action_editor()),
        "seed" => t(locale, msg::facts_action_seed()),
        other => other.to_string(),
    };
    let undo = e.undoes.map(|u| format!(" (#{u})")).unwrap_or_default();
    format!(
        "`#{}` · {when} · {who} · {action}{undo} · {}",
        e.id,
        describe(e, locale)
    )
}

/// What changed, from the snapshots: "export H1 2023 Japan: $48.52M → $50.00M".
pub fn describe(e: &AuditEntry, locale: Locale) -> String {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .unwrap_or(Value::Null)
    };
    let (before, after) = (parse(&e.before), parse(&e.after));
    match Target::parse(&e.target) {
        Some(Target::Export { period, country }) => {
            let value = |v: &Value| {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .find(|f| f["superseded_by"].is_null() && f["value_usd"].is_i64())
                    .and_then(|f| f["value_usd"].as_u64())
                    .and_then(|d| Usd::new(d).ok())
                    .map_or("—".to_string(), |u| u.headline(locale))
            };
            format!(
                "{} {}: {} → {}",
                period.display(locale),
                country.name(locale),
                value(&before),
                value(&after)
            )
        }
        Some(Target::Note(id)) => {
            let text = |v: &Value| {
                v["text"]
                    .as_str()
                    .map_or("—".to_string(), |s| format!("“{}”", truncate(s, 60)))
            };
            format!("note #{id}: {} → {}", text(&before), text(&after))
        }
        Some(Target::Alias { kind, .. }) => {
            let list = |v: &Value| {
                let names: Vec<String> = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| {
                        a["alias"].as_str().map(|s| {
                            format!(
                                "“{}” → {}",
                                truncate(s, 40),
                                a["target"].as_str().unwrap_or("?")
                            )
                        })
                    })
                    .collect();
                if names.is_empty() {
                    "—".to_string()
                } else {
                    names.join(", ")
                }
            };
            format!(
                "{} alias: {} → {}",
                kind.as_str(),
                list(&before),
                list(&after)
            )
        }
        Some(Target::ChartWeek { chart, date }) => {
            let rows = |v: &Value| v.as_array().map_or(0, Vec::len);
            format!(
                "{} {date}: {} → {} rows",
                chart.name(),
                rows(&before),
                rows(&after)
            )
        }
        Some(Target::Editor(editor)) => {
            let present = |v: &Value| v["present"].as_bool().unwrap_or(false);
            format!("{editor}: {} → {}", present(&before), present(&after))
        }
        None => truncate(&e.target, 60),
    }
}
