//! Imports from Discord: a dry run first (the import inside a transaction that is rolled
//! back), then the same bytes applied once confirmed, all or nothing, each changed unit
//! audited in one batch so one `undo` takes the whole import back. The upload waiting for its
//! confirm button is taken inside that same transaction.

use super::{EditError, Who, record};
use crate::domain::chart::{Chart, parse_chart_date};
use crate::import::billboard::{self, BillboardReport};
use crate::import::exports::{self, ExportsReport};
use crate::store::{Action, PendingImport, Store, Target, WriteTx};

pub use crate::store::ImportKind;

impl ImportKind {
    /// Tells the two CSV formats apart by their header.
    pub fn detect(data: &[u8], chart: Option<Chart>) -> Option<ImportKind> {
        let header = data.split(|b| *b == b'\n').next().unwrap_or_default();
        let header = String::from_utf8_lossy(header);
        let header = header.trim_start_matches('\u{feff}').trim();
        if exports::is_header(header) {
            Some(ImportKind::Exports)
        } else if billboard::is_header(header) {
            chart.map(ImportKind::Chart)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportPreview {
    Exports(ExportsReport),
    Chart(BillboardReport),
}

/// A chart file from Discord may span at most this many weeks: a larger history is the owner's
/// to load with `kpop-facts import billboard`, where no undo snapshot is kept.
pub const MAX_CHART_WEEKS: usize = 104;

async fn run(
    tx: &mut WriteTx,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<ImportPreview, EditError> {
    Ok(match kind {
        ImportKind::Exports => {
            ImportPreview::Exports(exports::import(tx, data, &who.actor, who.guild_id).await?)
        }
        ImportKind::Chart(chart) => {
            let report = billboard::import(tx, chart, data, &who.actor, &()).await?;
            ImportPreview::Chart(report)
        }
    })
}

/// The units a file changes, once it is known to fit: a chart file spans at most
/// [`MAX_CHART_WEEKS`] weeks with no more rows a week than the chart has places.
fn units(kind: ImportKind, data: &[u8]) -> Result<Vec<Target>, EditError> {
    Ok(match kind {
        ImportKind::Exports => exports::units(data)?
            .into_iter()
            .map(|(period, country)| Target::Export { period, country })
            .collect(),
        ImportKind::Chart(chart) => {
            let weeks = billboard::weeks(chart, data)?;
            if weeks.len() > MAX_CHART_WEEKS {
                return Err(EditError::TooManyWeeks {
                    weeks: weeks.len(),
                    max: MAX_CHART_WEEKS,
                });
            }
            if let Some(&(date, rows)) = weeks.iter().find(|(_, rows)| *rows as i64 > chart.size())
            {
                return Err(EditError::WeekTooFull { chart, date, rows });
            }
            weeks
                .into_iter()
                .map(|(d, _)| Target::ChartWeek {
                    chart,
                    date: d.to_string(),
                })
                .collect()
        }
    })
}

/// Refuses an import that leaves a chart week with more rows than the chart has places
/// (rows held already and the file's together).
async fn check_weeks_fit(tx: &mut WriteTx, targets: &[Target]) -> Result<(), EditError> {
    for t in targets {
        let Target::ChartWeek { chart, date } = t else {
            continue;
        };
        let rows = tx.week_row_count(*chart, date).await?;
        if rows > chart.size() {
            return Err(EditError::WeekTooFull {
                chart: *chart,
                date: parse_chart_date(date)
                    .ok_or_else(|| anyhow::anyhow!("chart week {date} is not a date"))?,
                rows: rows as usize,
            });
        }
    }
    Ok(())
}

/// What importing `data` would do, without doing it.
pub async fn preview_import(
    store: &Store,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<ImportPreview, EditError> {
    let targets = units(kind, data)?;
    let mut tx = store.begin().await?;
    // Dropped without commit: the dry run changes nothing.
    let report = run(&mut tx, who, kind, data).await?;
    check_weeks_fit(&mut tx, &targets).await?;
    Ok(report)
}

/// Imports `data`, all or nothing; returns the report and one change of the batch (undoing
/// it undoes the whole import), or None when nothing changed.
pub async fn apply_import(
    store: &Store,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<(ImportPreview, Option<i64>), EditError> {
    let mut tx = store.begin().await?;
    let applied = apply(&mut tx, who, kind, data).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Applies the upload waiting under `token` for `uploader`, taking it in the same transaction:
/// of two presses only one finds it, and a failed import leaves it waiting for another press.
pub async fn apply_pending_import(
    store: &Store,
    who: &Who,
    token: &str,
    uploader: u64,
) -> Result<(PendingImport, ImportPreview, Option<i64>), EditError> {
    let mut tx = store.begin().await?;
    let pending = tx
        .take_pending_import(token)
        .await?
        .ok_or(EditError::ImportGone)?;
    if pending.user_id != uploader {
        return Err(EditError::ImportNotYours);
    }
    let (report, change) = apply(&mut tx, who, pending.kind, &pending.data).await?;
    tx.commit().await?;
    Ok((pending, report, change))
}

/// Replaces the stored `chart` week of `date` with `data` (that week's rows alone), all or
/// nothing, as one change whose before is the stored week: a correction Billboard made after
/// the week was first stored, undoable like any edit. None when the week already read so.
pub async fn replace_chart_week(
    store: &Store,
    who: &Who,
    chart: Chart,
    date: chrono::NaiveDate,
    data: &[u8],
) -> Result<Option<i64>, EditError> {
    let target = Target::ChartWeek {
        chart,
        date: date.to_string(),
    };
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    tx.restore(&target, &serde_json::json!([])).await?;
    billboard::import(&mut tx, chart, data, &who.actor, &()).await?;
    check_weeks_fit(&mut tx, std::slice::from_ref(&target)).await?;
    if tx.snapshot(&target).await? == before {
        // Dropped without commit: nothing changes.
        return Ok(None);
    }
    let id = record(
        &mut tx,
        who,
        Action::ImportChart(chart),
        &target,
        before,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

async fn apply(
    tx: &mut WriteTx,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<(ImportPreview, Option<i64>), EditError> {
    let targets = units(kind, data)?;
    let batch = tx.next_batch().await?;
    let mut before = Vec::with_capacity(targets.len());
    for t in &targets {
        before.push(tx.snapshot(t).await?);
    }
    let report = run(tx, who, kind, data).await?;
    check_weeks_fit(tx, &targets).await?;
    let mut first = None;
    for (t, b) in targets.iter().zip(before) {
        if tx.snapshot(t).await? != b {
            let id = record(
                tx,
                who,
                match kind {
                    ImportKind::Exports => Action::ImportExports,
                    ImportKind::Chart(chart) => Action::ImportChart(chart),
                },
                t,
                b,
                Some(batch),
            )
            .await?;
            first.get_or_insert(id);
        }
    }
    Ok((report, first))
}
