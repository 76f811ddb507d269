//! `/facts set-export` and `/facts remove-export`.

use super::{done, refusal};
use crate::app::App;
use crate::commands::command::{RemoveExport, SetExport};
use crate::commands::exports::parse_country;
use crate::commands::{CommandError, CommandResult, user_error};
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::source::SourceInput;
use crate::domain::text::truncate;
use crate::edits::{self, Who};
use crate::i18n::{Locale, msg};

fn period(text: &str, locale: Locale) -> Result<Period, CommandError> {
    Period::parse(text).map_err(|_| user_error(locale, msg::facts_bad_period(&truncate(text, 60))))
}

pub(super) fn source(text: &str, locale: Locale) -> Result<SourceInput, CommandError> {
    SourceInput::parse(text).map_err(|e| user_error(locale, msg::facts_bad_source(&e.to_string())))
}

pub async fn set(app: &App, asked: &SetExport, locale: Locale, who: &Who) -> CommandResult {
    let ix = app.indexes().await?;
    let country = parse_country(&ix, &asked.country, locale)?;
    let period = period(&asked.period, locale)?;
    let text = asked.value.as_str();
    let value = Usd::parse(text).map_err(|e| {
        user_error(
            locale,
            msg::facts_bad_value(&truncate(text, 40), &e.to_string()),
        )
    })?;
    let source = source(&asked.source, locale)?;
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

pub async fn remove(app: &App, asked: &RemoveExport, locale: Locale, who: &Who) -> CommandResult {
    let ix = app.indexes().await?;
    let country = parse_country(&ix, &asked.country, locale)?;
    let period = period(&asked.period, locale)?;
    let change = edits::remove_export(app.store(), who, period, country)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_export_removed(country.name(locale), &period.display(locale)),
        change,
    ))
}
