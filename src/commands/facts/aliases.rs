//! `/facts add-alias` and `/facts remove-alias`, for acts, titles and countries.

use super::{done, refusal};
use crate::app::App;
use crate::app::search::Match;
use crate::commands::exports::parse_country;
use crate::commands::{CommandError, CommandResult, Invocation, user_error};
use crate::domain::chart::title_key;
use crate::domain::source::hides_link;
use crate::domain::text::{self, truncate};
use crate::edits::{self, Who};
use crate::i18n::msg;
use crate::store::AliasKind;

const MAX_ALIAS: usize = 100;

fn kind(inv: &Invocation) -> Result<AliasKind, CommandError> {
    match inv.get("kind").unwrap_or_default() {
        "act" => Ok(AliasKind::Act),
        "title" => Ok(AliasKind::Title),
        "country" => Ok(AliasKind::Country),
        other => Err(user_error(
            inv.locale,
            msg::facts_bad_alias_kind(&truncate(other, 20)),
        )),
    }
}

fn alias(inv: &Invocation) -> Result<String, CommandError> {
    let a = text::clean(inv.get("alias").unwrap_or_default())
        .trim()
        .to_string();
    if text::key(&a).is_empty() || a.chars().count() > MAX_ALIAS {
        return Err(user_error(
            inv.locale,
            msg::facts_bad_alias(&MAX_ALIAS.to_string()),
        ));
    }
    // History and the mod-log quote aliases in markdown.
    if hides_link(&a) {
        return Err(user_error(inv.locale, msg::facts_bad_alias_link()));
    }
    Ok(a)
}

pub async fn add(app: &App, inv: &Invocation, who: &Who) -> CommandResult {
    let locale = inv.locale;
    let kind = kind(inv)?;
    let alias = alias(inv)?;
    let input = inv.get("target").unwrap_or_default();
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

pub async fn remove(app: &App, inv: &Invocation, who: &Who) -> CommandResult {
    let locale = inv.locale;
    let kind = kind(inv)?;
    let alias = alias(inv)?;
    let change = edits::remove_alias(app.store(), who, kind, &alias)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(locale, msg::facts_alias_removed(&alias), change))
}
