//! `/facts set-export` and `/facts remove-export`.

use super::{done, refusal};
use crate::app::App;
use crate::commands::exports::parse_country;
use crate::commands::{CommandError, CommandResult, Invocation, user_error};
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::source::SourceInput;
use crate::domain::text::truncate;
use crate::edits::{self, Who};
use crate::i18n::{Locale, msg};

fn period(inv: &Invocation) -> Result<Period, CommandError> {
    let text = inv.get("period").unwrap_or_default();
    Period::parse(text)
        .map_err(|_| user_error(inv.locale, msg::facts_bad_period(&truncate(text, 60))))
}

pub(super) fn source(inv: &Invocation) -> Result<SourceInput, CommandError> {
    SourceInput::parse(inv.get("source").unwrap_or_default())
        .map_err(|e| user_error(inv.locale, msg::facts_bad_source(&e.to_string())))
}

pub async fn set(app: &App, inv: &Invocation, who: &Who) -> CommandResult {
    let locale = inv.locale;
    let ix = app.indexes().await?;
    let country = parse_country(&ix, inv.get("country").unwrap_or_default(), locale)?;
    let period = period(inv)?;
    let text = inv.get("value").unwrap_or_default();
    let value = Usd::parse(text).map_err(|e| {
        user_error(
            locale,
            msg::facts_bad_value(&truncate(text, 40), &e.to_string()),
        )
    })?;
    let source = source(inv)?;
    let change = edits::set_export(app.store(), who, period, country, value, &source)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_export_set(
            country.name(locale),
            &period.display(locale),
            &value.headline(locale),
            &value.exact(),
            &source.publisher,
        ),
        change,
    ))
}

pub async fn remove(app: &App, inv: &Invocation, who: &Who) -> CommandResult {
    let locale: Locale = inv.locale;
    let ix = app.indexes().await?;
    let country = parse_country(&ix, inv.get("country").unwrap_or_default(), locale)?;
    let period = period(inv)?;
    let change = edits::remove_export(app.store(), who, period, country)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_export_removed(country.name(locale), &period.display(locale)),
        change,
    ))
}
