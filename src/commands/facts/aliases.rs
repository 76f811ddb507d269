//! `/facts add-alias` and `/facts remove-alias`, for acts, titles and countries.

use super::{done, refusal};
use crate::app::App;
use crate::app::search::Match;
use crate::commands::command::{AddAlias, RemoveAlias};
use crate::commands::exports::parse_country;
use crate::commands::{CommandError, CommandResult, user_error};
use crate::domain::chart::title_key;
use crate::domain::source::hides_link;
use crate::domain::text::{self, truncate};
use crate::edits::{self, Who};
use crate::i18n::{Locale, msg};
use crate::store::AliasKind;

const MAX_ALIAS: usize = 100;

fn kind(text: &str, locale: Locale) -> Result<AliasKind, CommandError> {
    match text {
        "act" => Ok(AliasKind::Act),
        "title" => Ok(AliasKind::Title),
        "country" => Ok(AliasKind::Country),
        other => Err(user_error(
            locale,
            msg::facts_bad_alias_kind(&truncate(other, 20)),
        )),
    }
}

fn alias(text: &str, locale: Locale) -> Result<String, CommandError> {
    let a = text::clean(text).trim().to_string();
    if text::key(&a).is_empty() || a.chars().count() > MAX_ALIAS {
        return Err(user_error(
            locale,
            msg::facts_bad_alias(&MAX_ALIAS.to_string()),
        ));
    }
    // History and the mod-log quote aliases in markdown.
    if hides_link(&a) {
        return Err(user_error(locale, msg::facts_bad_alias_link()));
    }
    Ok(a)
}

pub async fn add(app: &App, asked: &AddAlias, locale: Locale, who: &Who) -> CommandResult {
    let kind = kind(&asked.kind, locale)?;
    let alias = alias(&asked.alias, locale)?;
    let input = asked.target.as_str();
    let ix = app.indexes().await?;
    let (target, shown) = match kind {
        AliasKind::Act => match ix.search.find_acts(input).first() {
            Some((Match::Exact, a)) => (a.row.id.clone(), a.row.name.clone()),
            _ => {
                return Err(user_error(
                    locale,
                    msg::artist_unknown(&truncate(input, 60)),
                ));
            }
        },
        AliasKind::Title => match ix
            .search
            .find_titles(input, &Default::default(), 1)
            .hits
            .first()
        {
            Some((Match::Exact, s)) => (title_key(s.title), s.title.to_string()),
            _ => {
                return Err(user_error(
                    locale,
                    msg::chart_nothing_found(&truncate(input, 60)),
                ));
            }
        },
        AliasKind::Country => {
            let c = parse_country(&ix, input, locale)?;
            (c.code().to_string(), c.name(locale).to_string())
        }
    };
    let change = edits::add_alias(app.store(), who, kind, &target, &alias)
        .await
        .map_err(|e| super::refusal(e, locale))?;
    Ok(done(locale, msg::facts_alias_added(&alias, &shown), change))
}

pub async fn remove(app: &App, asked: &RemoveAlias, locale: Locale, who: &Who) -> CommandResult {
    let kind = kind(&asked.kind, locale)?;
    let alias = alias(&asked.alias, locale)?;
    let change = edits::remove_alias(app.store(), who, kind, &alias)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(locale, msg::facts_alias_removed(&alias), change))
}
