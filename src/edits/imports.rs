//! Imports from Discord: a dry run first (the import inside a transaction that is rolled
//! back), then the same bytes applied once confirmed, all or nothing, each changed unit
//! audited in one batch so one `undo` takes the whole import back.

use indicatif::ProgressBar;

use super::{EditError, Who, record};
use crate::domain::chart::Chart;
use crate::import::billboard::{self, BillboardReport};
use crate::import::exports::{self, ExportsReport};
use crate::store::{Store, Target, WriteTx};

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Exports,
    Chart(Chart),
}

impl ImportKind {
    /// The store's name for it: `exports`, `hot-100`, `billboard-200`.
    pub fn slug(self) -> &'static str {
        match self {
            ImportKind::Exports => "exports",
            ImportKind::Chart(c) => c.slug(),
        }
    }

    pub fn from_slug(s: &str) -> Option<ImportKind> {
        match s {
            "exports" => Some(ImportKind::Exports),
            other => Chart::parse(other).map(ImportKind::Chart),
        }
    }

    /// Tells the two CSV formats apart by their header.
    pub fn detect(data: &[u8], chart: Option<Chart>) -> Option<ImportKind> {
        let header = data.split(|b| *b == b'\n').next().unwrap_or_default();
        let header = String::from_utf8_lossy(header);
        let header = header.trim_start_matches('\u{feff}').trim();
        if header == exports::HEADER.join(",") {
            Some(ImportKind::Exports)
        } else if header == billboard::HEADER.join(",") {
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
        ImportKind::Chart(chart) => ImportPreview::Chart(
            billboard::import(tx, chart, data, &who.actor, &ProgressBar::hidden()).await?,
        ),
    })
}

fn units(kind: ImportKind, data: &[u8]) -> Result<Vec<Target>, EditError> {
    Ok(match kind {
        ImportKind::Exports => exports::units(data)?
            .into_iter()
            .map(|(period, country)| Target::Export { period, country })
            .collect(),
        ImportKind::Chart(chart) => {
            let weeks = billboard::weeks(chart, data)?;
            if weeks.len() > MAX_CHART_WEEKS {
                return Err(EditError::Other(anyhow::anyhow!(
                    "the file spans {} chart weeks; at most {MAX_CHART_WEEKS} can be imported from Discord",
                    weeks.len()
                )));
            }
            weeks
                .into_iter()
                .map(|d| Target::ChartWeek {
                    chart,
                    date: d.to_string(),
                })
                .collect()
        }
    })
}

/// What importing `data` would do, without doing it.
pub async fn preview_import(
    store: &Store,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<ImportPreview, EditError> {
    units(kind, data)?;
    let mut tx = store.begin().await?;
    // Dropped without commit: the dry run changes nothing.
    run(&mut tx, who, kind, data).await
}

/// Imports `data`, all or nothing; returns the report and one change of the batch (undoing
/// it undoes the whole import), or None when nothing changed.
pub async fn apply_import(
    store: &Store,
    who: &Who,
    kind: ImportKind,
    data: &[u8],
) -> Result<(ImportPreview, Option<i64>), EditError> {
    let targets = units(kind, data)?;
    let mut tx = store.begin().await?;
    let batch = tx.next_batch().await?;
    let mut before = Vec::with_capacity(targets.len());
    for t in &targets {
        before.push(tx.snapshot(t).await?);
    }
    let report = run(&mut tx, who, kind, data).await?;
    let mut first = None;
    for (t, b) in targets.iter().zip(before) {
        if tx.snapshot(t).await? != b {
            let id = record(
                &mut tx,
                who,
                &format!("import.{}", kind.slug()),
                t,
                b,
                Some(batch),
            )
            .await?;
            first.get_or_insert(id);
        }
    }
    tx.commit().await?;
    Ok((report, first))
}
