//! How a change to the facts reads, from its audit entry: one place for `/facts history`, the
//! mod-log and the weekly post.

use serde_json::Value;

use crate::domain::money::Usd;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::store::{Action, ActionFamily, Actor, AuditEntry, Target};

/// "`#12` · <t:…:R> · <@123> · export H1 2023 Japan: $48.52M → $50.00M"
pub fn line(e: &AuditEntry, locale: Locale) -> String {
    let when = format!("<t:{}:R>", e.at.timestamp());
    let who = match &e.actor {
        Actor::Discord(id) => format!("<@{id}>"),
        Actor::Cli => t(locale, msg::facts_actor_cli()),
        Actor::Seed => t(locale, msg::facts_actor_seed()),
        Actor::Feed(name) => t(locale, msg::facts_actor_feed(name)),
    };
    let action = match e.action.family() {
        ActionFamily::Export => t(locale, msg::facts_action_export()),
        ActionFamily::Note => t(locale, msg::facts_action_note()),
        ActionFamily::Alias => t(locale, msg::facts_action_alias()),
        ActionFamily::Import => t(locale, msg::facts_action_import()),
        ActionFamily::Undo => t(locale, msg::facts_action_undo()),
        ActionFamily::Editor => t(locale, msg::facts_action_editor()),
        ActionFamily::Seed => t(locale, msg::facts_action_seed()),
        ActionFamily::Feed => t(locale, msg::facts_action_feed()),
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
    if e.action == Action::FeedNotice {
        return truncate(after["message"].as_str().unwrap_or("—"), 300);
    }
    describe_unit(&e.target, &before, &after, locale)
}

/// How one unit of facts changed, from its snapshots before and after.
fn describe_unit(target: &str, before: &Value, after: &Value, locale: Locale) -> String {
    match Target::parse(target) {
        Some(Target::Export { period, country }) => format!(
            "{} {}: {} → {}",
            period.display(locale),
            country.name(locale),
            current_value(before, locale),
            current_value(after, locale)
        ),
        Some(Target::Note(id)) => {
            let text = |v: &Value| {
                v["text"]
                    .as_str()
                    .map_or("—".to_string(), |s| format!("“{}”", truncate(s, 60)))
            };
            format!("note #{id}: {} → {}", text(before), text(after))
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
                list(before),
                list(after)
            )
        }
        Some(Target::ChartWeek { chart, date }) => {
            let rows = |v: &Value| v.as_array().map_or(0, Vec::len);
            format!(
                "{} {date}: {} → {} rows",
                chart.name(),
                rows(before),
                rows(after)
            )
        }
        Some(Target::Editor(editor)) => {
            let present = |v: &Value| v["present"].as_bool().unwrap_or(false);
            format!("{editor}: {} → {}", present(before), present(after))
        }
        Some(Target::FeedPulled(feed)) => format!(
            "{feed} sheet: {} → {} rows",
            sheet_rows(before),
            sheet_rows(after)
        ),
        None => truncate(target, 60),
    }
}

/// The current value an export snapshot holds, as a headline.
fn current_value(snapshot: &Value, locale: Locale) -> String {
    snapshot
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["superseded_by"].is_null() && f["value_usd"].is_i64())
        .and_then(|f| f["value_usd"].as_u64())
        .and_then(|d| Usd::new(d).ok())
        .map_or("—".to_string(), |u| u.headline(locale))
}

/// The rows of the sheet body a feed snapshot holds.
fn sheet_rows(snapshot: &Value) -> usize {
    snapshot["pulled"].as_str().map_or(0, |body| {
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(body.as_bytes())
            .records()
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_notice_reads_as_its_message_by_the_feed() {
        let entry = AuditEntry {
            id: 9,
            at: chrono::Utc::now(),
            actor: Actor::Feed("hot-100".into()),
            guild_id: None,
            action: Action::FeedNotice,
            target: "feed:hot-100".into(),
            before: None,
            after: Some(
                r#"{"message":"the week of 2026-09-05 was refused: it has 99 rows"}"#.into(),
            ),
            undoes: None,
            batch: None,
        };
        for locale in Locale::ALL {
            let shown = line(&entry, locale);
            assert!(shown.contains("it has 99 rows"), "{shown}");
            assert!(
                shown.contains(&t(locale, msg::facts_actor_feed("hot-100"))),
                "{shown}"
            );
            assert!(!shown.contains("facts."), "{shown}");
        }
    }

    #[test]
    fn a_seed_update_is_named_in_every_language_not_by_its_key() {
        let entry = AuditEntry {
            id: 7,
            at: chrono::Utc::now(),
            actor: Actor::Seed,
            guild_id: None,
            action: Action::SeedUpgrade,
            target: "seed".into(),
            before: None,
            after: None,
            undoes: None,
            batch: None,
        };
        for locale in Locale::ALL {
            let shown = line(&entry, locale);
            assert!(
                shown.contains(&t(locale, msg::facts_action_seed()))
                    && shown.contains(&t(locale, msg::facts_actor_seed())),
                "{shown}"
            );
            assert!(!shown.contains("facts."), "{shown}");
        }
    }
}
