//! Export figures in the format of `data/exports.csv`: one row per figure and per source
//! that printed it (see the README for the columns).
//!
//! Rows whose value a source garbled, converted or contradicted (tags `[misprint]`,
//! `[converted]`, `[doubtful]`, `[KRW-only]`, `[conflict]`) keep only their rank. Where Korea
//! Customs Service revised a figure, the revision supersedes the earlier print.

mod keyed;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::{ImportError, optional, optional_int, read_csv_with_headers};
use crate::domain::chart::parse_chart_date;
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::print::{PrintTags, SourceKind};
use crate::domain::source::{NoteText, SourceInput, SourceTitle};
use crate::store::{Action, Actor, Change, FigureFields, NewSource, Print, WriteTx};

/// The header of the current format: the publisher's name alone, with what the curator noted
/// about it and the kind of publication in columns of their own.
pub const HEADER: [&str; 12] = [
    "period",
    "country",
    "value_usd",
    "rank",
    "yoy_change_pct",
    "publisher",
    "title",
    "url",
    "published_on",
    "note",
    "publisher_detail",
    "source_kind",
];

/// The earlier format, still accepted: its sources have no kind.
pub const HEADER_V1: [&str; 10] = [
    "period",
    "country",
    "value_usd",
    "rank",
    "yoy_change_pct",
    "publisher",
    "title",
    "url",
    "published_on",
    "note",
];

const HEADERS: [&[&str]; 2] = [&HEADER, &HEADER_V1];

pub use keyed::{KeyedFile, KeyedRow, RowKey, file_of, has_value, resolve_again, take_back};

/// Whether `line` is the header of an exports file, in either format.
pub fn is_header(line: &str) -> bool {
    HEADERS.iter().any(|h| h.join(",") == line)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportsReport {
    pub rows: usize,
    pub figures_added: i64,
    pub sources_linked: usize,
    /// Values not served because a tag marks them as garbled or disputed.
    pub values_withheld: usize,
    /// Rows that only name a further destination, with nothing to serve.
    pub rows_skipped: usize,
    pub revisions: usize,
}

#[derive(PartialEq)]
struct Row {
    period: Period,
    country: Country,
    value: Option<i64>,
    rank: Option<i64>,
    yoy: Option<String>,
    source: NewSource,
    printed: Option<String>,
    precise: bool,
    top10: bool,
    withheld: bool,
    note: Option<String>,
}

static PRINTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"printed: '(.*?)'(?:;|$)").expect("static regex"));

fn parse_row(r: &csv::StringRecord, format: usize) -> Result<Row, String> {
    let period = Period::parse(&r[0])
        .map_err(|_| format!("period `{}` is not a period label such as 2023-H1", &r[0]))?;
    let country = Country::from_code(&r[1])
        .ok_or_else(|| format!("country `{}` is not an ISO alpha-2 code or WORLD", &r[1]))?;
    let value = optional_int(&r[2], "value_usd")?;
    if let Some(v) = value {
        Usd::new(u64::try_from(v).unwrap_or(0)).map_err(|e| format!("value_usd {v}: {e}"))?;
    }
    let rank = optional_int(&r[3], "rank")?;
    if rank.is_some_and(|r| !(1..=250).contains(&r)) {
        return Err(format!("rank `{}` is out of range", &r[3]));
    }
    let yoy = optional(&r[4]).map(str::to_string);
    if let Some(y) = &yoy {
        y.parse::<f64>()
            .ok()
            .filter(|y| y.is_finite())
            .ok_or_else(|| format!("yoy_change_pct `{y}` is not a number"))?;
    }
    let published_on = optional(&r[8])
        .map(|d| {
            parse_chart_date(d)
                .ok_or_else(|| format!("published_on `{d}` is not a YYYY-MM-DD date"))
        })
        .transpose()?;
    let mut source = source_columns(&r[5], &r[6], &r[7], published_on)?;
    if HEADERS[format].len() == HEADER.len() {
        source.detail = optional(&r[10])
            .map(|d| SourceTitle::parse(d).map_err(|e| format!("publisher_detail: {e}")))
            .transpose()?
            .map(|d| d.as_str().to_string());
        source.kind = optional(&r[11])
            .map(|k| {
                SourceKind::parse(k).ok_or_else(|| {
                    let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
                    format!("source_kind `{k}` is not one of {}", kinds.join(", "))
                })
            })
            .transpose()?;
    }
    let note = optional(&r[9])
        .map(|n| NoteText::parse(n).map_err(|e| format!("note: {e}")))
        .transpose()?
        .map(|n| n.as_str().to_string());
    let note_text = note.as_deref().unwrap_or("");
    let tags = PrintTags::from_note(note_text);
    Ok(Row {
        period,
        country,
        value: if tags.withheld { None } else { value },
        rank,
        yoy: if tags.withheld { None } else { yoy },
        source,
        printed: PRINTED.captures(note_text).map(|c| c[1].to_string()),
        precise: !tags.approx
            && !note_text.contains("value_usd is the same figure as printed more precisely"),
        top10: tags.top10_member,
        withheld: tags.withheld && value.is_some(),
        note,
    })
}

/// A source given as publisher, title, link and date columns, checked as `/facts set-export`
/// checks a typed source.
pub(super) fn source_columns(
    publisher: &str,
    title: &str,
    url: &str,
    published_on: Option<chrono::NaiveDate>,
) -> Result<NewSource, String> {
    let source = SourceInput::from_columns(publisher, optional(url), published_on)
        .map_err(|e| format!("source: {e}"))?;
    let title = optional(title)
        .map(|t| SourceTitle::parse(t).map_err(|e| format!("title: {e}")))
        .transpose()?;
    Ok(NewSource {
        publisher: source.publisher,
        title: title.map(|t| t.as_str().to_string()),
        url: source.url.map(|u| u.as_str().to_string()),
        published_on: source.published_on.map(|d| d.to_string()),
        ..NewSource::default()
    })
}

/// The destinations and periods a file has rows for, or its unreadable lines.
pub fn units(data: &[u8]) -> Result<Vec<(Period, Country)>, ImportError> {
    let rows = read_csv_with_headers(data, &HEADERS, |r, format, _| parse_row(r, format))?;
    let mut units: Vec<(Period, Country)> = rows.iter().map(|r| (r.period, r.country)).collect();
    units.sort_by_key(|(p, c)| (p.label(), *c));
    units.dedup();
    Ok(units)
}

/// Imports export figures within `tx`. Unreadable rows abort with every bad line listed.
pub async fn import(
    tx: &mut WriteTx,
    data: &[u8],
    actor: &Actor,
    guild_id: Option<u64>,
) -> Result<ExportsReport, ImportError> {
    let rows = read_csv_with_headers(data, &HEADERS, |r, format, _| parse_row(r, format))?;
    let mut report = ExportsReport {
        rows: rows.len(),
        ..ExportsReport::default()
    };
    let before = tx.figure_count().await?;
    let mut touched = BTreeSet::new();
    for row in &rows {
        report.values_withheld += usize::from(row.withheld);
        if row.value.is_none() && row.rank.is_none() && !row.top10 && row.yoy.is_none() {
            report.rows_skipped += 1;
            continue;
        }
        let fields = FigureFields {
            rank: row.rank,
            yoy_change_pct: row.yoy.clone(),
            top10: row.top10,
        };
        let figure = tx
            .upsert_figure(row.period, row.country, row.value, &fields)
            .await?;
        let source = tx.upsert_source(&row.source).await?;
        let print = Print {
            printed: row.printed.as_deref(),
            precise: row.precise && row.value.is_some(),
            rank: row.rank,
            yoy_change_pct: row.yoy.as_deref(),
            note: row.note.as_deref(),
        };
        if tx.link_figure_source(figure, source, &print).await? {
            report.sources_linked += 1;
        }
        if row.value.is_some() {
            touched.insert((row.period.label(), row.country.code()));
        }
    }
    for (period, country) in &touched {
        report.revisions += resolve_revisions(tx, period, country).await?;
    }
    let after = tx.figure_count().await?;
    report.figures_added = after - before;
    tx.audit(Change {
        actor,
        guild_id,
        action: Action::ImportExports,
        target: "exports".into(),
        before: None,
        after: Some(serde_json::to_value(&report).map_err(anyhow::Error::from)?),
        undoes: None,
        batch: None,
    })
    .await?;
    Ok(report)
}

/// What bringing a store's seed sources up to a newer seed changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefreshReport {
    pub sources_refreshed: usize,
    pub changes_filled: usize,
}

/// Brings the sources an earlier seed created up to `data` (a file in the current format):
/// each takes the file's publisher name, remark and kind, and each of its prints the change it
/// printed. Sources are found by address, so a name that carried a remark ("Daum News
/// (originating outlet not shown)") becomes the name alone. Facts are left as they are.
pub async fn refresh_seed_sources(
    tx: &mut WriteTx,
    data: &[u8],
) -> Result<RefreshReport, ImportError> {
    let rows = read_csv_with_headers(data, &[&HEADER], |r, _, _| parse_row(r, 0))?;
    let mut refreshed = BTreeSet::new();
    let mut report = RefreshReport::default();
    for row in &rows {
        if let Some(id) = tx.refresh_seed_source(&row.source).await? {
            refreshed.insert(id);
        }
        if let (Some(url), Some(yoy)) = (&row.source.url, &row.yoy)
            && tx
                .fill_printed_change(row.period, row.country, row.value, url, yoy)
                .await?
        {
            report.changes_filled += 1;
        }
    }
    report.sources_refreshed = refreshed.len();
    Ok(report)
}

/// Where a period and country has several values, the one a source calls revised (or else the
/// one first printed latest) is current and supersedes the others. Returns how many it
/// superseded.
async fn resolve_revisions(tx: &mut WriteTx, period: &str, country: &str) -> anyhow::Result<usize> {
    let versions = tx.figure_versions(period, country).await?;
    if versions.len() < 2 {
        return Ok(0);
    }
    let current = versions
        .iter()
        .max_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1)))
        .map(|v| v.0)
        .expect("at least two versions");
    for (id, _, _) in &versions {
        tx.set_superseded_by(*id, (*id != current).then_some(current))
            .await?;
    }
    Ok(versions.len() - 1)
}
