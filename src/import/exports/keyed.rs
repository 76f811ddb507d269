//! An exports file read as rows keyed by what names a print in it: period, destination,
//! publisher and address. Two versions of a file compare key by key, and what importing one
//! row did can be taken back, for a shared sheet pulled again and again.

use std::collections::BTreeMap;

use super::{
    HEADER, HEADERS, ImportError, Row, parse_row, read_csv_with_headers, resolve_revisions,
};
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::store::{FigureFields, WriteTx};

/// What names a row: the period's label, the country's code, the publisher and the address
/// (empty when none), all as read, so `H1 2023` and `2023-H1` name the same row.
pub type RowKey = (String, String, String, String);

/// One row of a file, read and checked as an import reads it.
pub struct KeyedRow {
    /// The row's line in its file, the header being line 1.
    pub line: u64,
    record: csv::StringRecord,
    row: Row,
}

/// Rows are the same when they read the same, wherever they stand and however they are
/// spelled.
impl PartialEq for KeyedRow {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
    }
}

impl KeyedRow {
    pub fn key(&self) -> RowKey {
        let s = &self.row.source;
        (
            self.row.period.label(),
            self.row.country.code().to_string(),
            s.publisher.clone(),
            s.url.clone().unwrap_or_default(),
        )
    }

    /// The destination and period the row is about.
    pub fn unit(&self) -> (Period, Country) {
        (self.row.period, self.row.country)
    }

    /// Whether an import gives the row nothing to serve (it only names a destination).
    fn skipped(&self) -> bool {
        let r = &self.row;
        r.value.is_none() && r.rank.is_none() && !r.top10 && r.yoy.is_none()
    }
}

/// A file's rows, in file order.
pub struct KeyedFile {
    pub rows: Vec<KeyedRow>,
}

impl KeyedFile {
    /// Reads `data` as an import does: any unreadable line refuses the file, every such line
    /// listed.
    pub fn read(data: &[u8]) -> Result<KeyedFile, ImportError> {
        let rows = read_csv_with_headers(data, &HEADERS, |r, format, line| {
            Ok(KeyedRow {
                line,
                record: r.clone(),
                row: parse_row(r, format)?,
            })
        })?;
        Ok(KeyedFile { rows })
    }

    /// The rows that still read of a file applied earlier (checks may have grown stricter
    /// since); none when even its header does not.
    pub fn read_applied(data: &[u8]) -> KeyedFile {
        let rows = read_csv_with_headers(data, &HEADERS, |r, format, line| {
            Ok(parse_row(r, format).ok().map(|row| KeyedRow {
                line,
                record: r.clone(),
                row,
            }))
        });
        KeyedFile {
            rows: rows.unwrap_or_default().into_iter().flatten().collect(),
        }
    }

    /// The rows by key; a key a file repeats holds each of its rows, in file order.
    pub fn by_key(&self) -> BTreeMap<RowKey, Vec<&KeyedRow>> {
        let mut keyed: BTreeMap<RowKey, Vec<&KeyedRow>> = BTreeMap::new();
        for r in &self.rows {
            keyed.entry(r.key()).or_default().push(r);
        }
        keyed
    }
}

/// A file of `rows` alone, in the current format (an earlier-format row has no publisher
/// detail or kind), for [`super::import`].
pub fn file_of(rows: &[&KeyedRow]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    for r in rows {
        let mut fields: Vec<&str> = r.record.iter().collect();
        fields.resize(HEADER.len(), "");
        w.write_record(&fields)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// Takes back what importing `row` did: its print, the figure when no other source printed
/// it, what only it filled in. Returns whether there was anything to take back. Revisions are
/// left for [`resolve_again`], once every row is taken back.
pub async fn take_back(tx: &mut WriteTx, row: &KeyedRow) -> anyhow::Result<bool> {
    if row.skipped() {
        return Ok(false);
    }
    let r = &row.row;
    let fields = FigureFields {
        rank: r.rank,
        yoy_change_pct: r.yoy.clone(),
        top10: r.top10,
    };
    tx.take_back_print(r.period, r.country, r.value, &r.source, &fields)
        .await
}

/// Decides again which value of each unit is current, by the rule an import follows, after
/// rows with a value were taken back there: a revision they made goes with them.
pub async fn resolve_again(tx: &mut WriteTx, units: &[(Period, Country)]) -> anyhow::Result<()> {
    for (period, country) in units {
        resolve_revisions(tx, &period.label(), country.code()).await?;
    }
    Ok(())
}

/// Whether taking `row` back can change which value of its unit is current.
pub fn has_value(row: &KeyedRow) -> bool {
    row.row.value.is_some()
}
