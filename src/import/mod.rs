//! Importers: CSV files into the store, each file in one transaction. A file with an unreadable
//! row changes nothing and reports every such line.

pub mod acts;
pub mod billboard;
pub mod exports;
pub mod notes;
pub mod seed;
pub mod title_aliases;

use std::fmt;

/// How far a long import has come, for whoever watches: the CLI draws a bar on the terminal;
/// `()` is nobody.
pub trait Progress: Sync {
    /// The work ahead, in steps.
    fn start(&self, steps: u64);
    /// `steps` more are done.
    fn advance(&self, steps: u64);
}

impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// A line of an import file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file, the header being line 1.
    pub line: u64,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has unreadable rows; nothing was imported.
    #[error("{} unreadable row(s); nothing was imported", .0.len())]
    Rows(Vec<LineError>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Other(e.into())
    }
}

/// Reads a CSV with the expected header, calling `row` for each record with its line number.
/// Errors from `row` are collected, not fatal, so every bad line is reported at once.
fn read_csv<T>(
    data: &[u8],
    expected_header: &[&str],
    mut row: impl FnMut(&csv::StringRecord, u64) -> Result<T, String>,
) -> Result<Vec<T>, ImportError> {
    read_csv_with_headers(data, &[expected_header], |r, _, line| row(r, line))
}

/// [`read_csv`] for a format with several accepted headers (older files have fewer columns);
/// `row` is told which of `headers` the file has.
fn read_csv_with_headers<T>(
    data: &[u8],
    headers: &[&[&str]],
    mut row: impl FnMut(&csv::StringRecord, usize, u64) -> Result<T, String>,
) -> Result<Vec<T>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let header = reader.headers().map_err(|e| {
        ImportError::Rows(vec![LineError {
            line: 1,
            message: format!("unreadable header: {e}"),
        }])
    })?;
    let given: Vec<&str> = header.iter().collect();
    let Some(format) = headers.iter().position(|h| given == *h) else {
        let wanted: Vec<String> = headers
            .iter()
            .map(|h| format!("`{}`", h.join(",")))
            .collect();
        return Err(ImportError::Rows(vec![LineError {
            line: 1,
            message: format!("the header must be {}", wanted.join(" or ")),
        }]));
    };
    let expected_header = headers[format];
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) if record.len() != expected_header.len() => errors.push(LineError {
                line,
                message: format!(
                    "{} columns, expected {}",
                    record.len(),
                    expected_header.len()
                ),
            }),
            Ok(true) => match row(&record, format, line) {
                Ok(v) => out.push(v),
                Err(message) => errors.push(LineError { line, message }),
            },
            Err(e) => errors.push(LineError {
                line,
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// Lists the line errors of a refused import, at most `max` of them.
pub fn describe_errors(errors: &[LineError], max: usize) -> String {
    let mut out: Vec<String> = errors.iter().take(max).map(ToString::to_string).collect();
    if errors.len() > max {
        out.push(format!("… and {} more", errors.len() - max));
    }
    out.join("\n")
}

fn optional(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn optional_int(s: &str, what: &str) -> Result<Option<i64>, String> {
    optional(s)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| format!("{what} `{v}` is not a whole number"))
        })
        .transpose()
}
