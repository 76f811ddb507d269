//! Bulk inserts of chart weeks, on the connection (and inside the transaction) sqlx holds: through
//! SQLite's own C API, or PostgreSQL's `COPY`. A full Billboard history is a million rows;
//! binding them through sqlx's async statement machinery costs several times the insert itself.

use std::ffi::{CStr, c_int};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::{PgConnection, SqliteConnection};

use super::NewChartRow;
use crate::domain::chart::Chart;

const INSERT: &CStr = c"INSERT INTO chart_entries
    (chart, chart_date, position, title, credit, last_week, peak, weeks_on_chart, song_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// A prepared statement, finalized when dropped.
struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement came from sqlite3_prepare_v2 and is finalized exactly once.
        unsafe { ffi::sqlite3_finalize(self.0.as_ptr()) };
    }
}

fn error(db: *mut ffi::sqlite3, rc: c_int) -> anyhow::Error {
    // SAFETY: `db` is a live connection; sqlite3_errmsg returns a NUL-terminated string it owns.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    anyhow::anyhow!("inserting chart rows failed ({rc}): {message}")
}

/// Inserts `rows`, which must all be new, in the connection's current transaction.
#[tracing::instrument(skip_all, err(level = "warn"))]
pub(super) async fn insert_chart_rows(
    conn: &mut SqliteConnection,
    chart: Chart,
    rows: &[NewChartRow],
) -> anyhow::Result<()> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // A full history is seconds of work: done where the runtime can move other tasks aside.
    // SAFETY: `handle` holds the connection's lock until the insert has returned.
    off_the_workers(|| unsafe { insert(db, chart, rows) })
}

/// Runs `work` in place, telling a multi-threaded runtime first so its other tasks move to
/// another worker meanwhile (a single-threaded one has nowhere to move them).
fn off_the_workers<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// # Safety
///
/// `db` must be a live connection that no one else uses until this returns.
unsafe fn insert(db: *mut ffi::sqlite3, chart: Chart, rows: &[NewChartRow]) -> anyhow::Result<()> {
    // SAFETY: `db` is live and ours (the caller's promise). Text is bound with SQLITE_STATIC:
    // every bound string lives in `rows` or `chart` until the statement is finalized at the end
    // of this function, and is rebound before each step.
    unsafe {
        let mut raw = ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(db, INSERT.as_ptr(), -1, &mut raw, ptr::null_mut());
        let stmt = match NonNull::new(raw) {
            Some(s) if rc == ffi::SQLITE_OK => Statement(s),
            _ => return Err(error(db, rc)),
        };
        let s = stmt.0.as_ptr();
        let text = |i: c_int, v: &str| {
            ffi::sqlite3_bind_text(
                s,
                i,
                v.as_ptr().cast(),
                v.len() as c_int,
                ffi::SQLITE_STATIC(),
            )
        };
        let int = |i: c_int, v: Option<i64>| match v {
            Some(n) => ffi::sqlite3_bind_int64(s, i, n),
            None => ffi::sqlite3_bind_null(s, i),
        };
        text(1, chart.slug());
        for r in rows {
            text(2, &r.chart_date);
            int(3, Some(r.position));
            text(4, &r.title);
            text(5, &r.credit);
            int(6, r.last_week);
            int(7, r.peak);
            int(8, r.weeks_on_chart);
            int(9, Some(r.song_id));
            let rc = ffi::sqlite3_step(s);
            if rc != ffi::SQLITE_DONE {
                return Err(error(db, rc));
            }
            ffi::sqlite3_reset(s);
        }
    }
    Ok(())
}

/// How much COPY data is sent at a time.
const COPY_CHUNK: usize = 1 << 20;

/// Inserts `rows`, which must all be new, with `COPY … FROM STDIN` in the connection's current
/// transaction.
#[tracing::instrument(skip_all, err(level = "warn"))]
pub(super) async fn copy_chart_rows(
    conn: &mut PgConnection,
    chart: Chart,
    rows: &[NewChartRow],
) -> anyhow::Result<()> {
    if rows.len() < COPY_FROM_ROWS {
        return insert_few_rows(conn, chart, rows).await;
    }
    let mut copy = conn
        .copy_in_raw(
            "COPY chart_entries
                (chart, chart_date, position, title, credit, last_week, peak, weeks_on_chart, song_id)
             FROM STDIN",
        )
        .await?;
    let mut buf = String::with_capacity(COPY_CHUNK + 4096);
    for r in rows {
        copy_row(&mut buf, chart, r);
        if buf.len() >= COPY_CHUNK {
            copy.send(std::mem::take(&mut buf).into_bytes()).await?;
            buf.reserve(COPY_CHUNK + 4096);
        }
    }
    if !buf.is_empty() {
        copy.send(buf.into_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Below this many rows a plain INSERT is quicker than COPY's extra round trips.
const COPY_FROM_ROWS: usize = 2_000;

/// A few rows (a new week) in one INSERT.
async fn insert_few_rows(
    conn: &mut PgConnection,
    chart: Chart,
    rows: &[NewChartRow],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO chart_entries
            (chart, chart_date, position, title, credit, last_week, peak, weeks_on_chart, song_id) ",
    );
    q.push_values(rows, |mut b, r| {
        b.push_bind(chart)
            .push_bind(&r.chart_date)
            .push_bind(r.position)
            .push_bind(&r.title)
            .push_bind(&r.credit)
            .push_bind(r.last_week)
            .push_bind(r.peak)
            .push_bind(r.weeks_on_chart)
            .push_bind(r.song_id);
    });
    q.build().execute(&mut *conn).await?;
    Ok(())
}

/// `v` in COPY's text format: backslash escapes for what would end the field or the row.
pub(super) fn copy_text(buf: &mut String, v: &str) {
    for ch in v.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// One row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
fn copy_row(buf: &mut String, chart: Chart, r: &NewChartRow) {
    use std::fmt::Write;
    let text = copy_text;
    let int = |buf: &mut String, v: Option<i64>| match v {
        Some(n) => {
            let _ = write!(buf, "{n}");
        }
        None => buf.push_str("\\N"),
    };
    buf.push_str(chart.slug());
    buf.push('\t');
    text(buf, &r.chart_date);
    buf.push('\t');
    int(buf, Some(r.position));
    buf.push('\t');
    text(buf, &r.title);
    buf.push('\t');
    text(buf, &r.credit);
    buf.push('\t');
    int(buf, r.last_week);
    buf.push('\t');
    int(buf, r.peak);
    buf.push('\t');
    int(buf, r.weeks_on_chart);
    buf.push('\t');
    int(buf, Some(r.song_id));
    buf.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_what_copy_reads_as_syntax() {
        let row = NewChartRow {
            chart_date: "2023-07-15".into(),
            position: 17,
            title: "Tab\there\\new\nline".into(),
            credit: "FIFTY FIFTY".into(),
            last_week: None,
            peak: Some(17),
            weeks_on_chart: Some(1),
            song_id: 42,
        };
        let mut buf = String::new();
        copy_row(&mut buf, Chart::Hot100, &row);
        assert_eq!(
            buf,
            "hot-100\t2023-07-15\t17\tTab\\there\\\\new\\nline\tFIFTY FIFTY\t\\N\t17\t1\t42\n"
        );
    }
}
