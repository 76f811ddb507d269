//! Setting and removing export figures.

use super::{EditError, Who, new_source, record};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::source::SourceInput;
use crate::store::{Action, FigureFields, Print, Store, Target};

/// Makes `value` the current figure for a destination and period, cited to `source`. An
/// earlier different value stays, superseded, as the first print.
pub async fn set_export(
    store: &Store,
    who: &Who,
    period: Period,
    country: Country,
    value: Usd,
    source: &SourceInput,
) -> Result<i64, EditError> {
    let target = Target::Export { period, country };
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    let source_id = tx.upsert_source(&new_source(source)).await?;
    let dollars = i64::try_from(value.dollars()).map_err(anyhow::Error::from)?;
    let figure = tx
        .upsert_figure(period, country, Some(dollars), &FigureFields::default())
        .await?;
    tx.make_current(period, country, figure).await?;
    let printed = value.exact();
    let print = Print {
        printed: Some(&printed),
        precise: true,
        ..Print::default()
    };
    tx.link_figure_source(figure, source_id, &print).await?;
    let id = record(&mut tx, who, Action::ExportSet, &target, before, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes every figure of a destination and period.
pub async fn remove_export(
    store: &Store,
    who: &Who,
    period: Period,
    country: Country,
) -> Result<i64, EditError> {
    let target = Target::Export { period, country };
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    if before.as_array().is_none_or(|a| a.is_empty()) {
        return Err(EditError::NotFound);
    }
    tx.remove_figures(period, country).await?;
    let id = record(&mut tx, who, Action::ExportRemove, &target, before, None).await?;
    tx.commit().await?;
    Ok(id)
}
