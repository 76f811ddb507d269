//! Bulk inserts of chart weeks through SQLite's own C API, on the connection (and inside the
//! transaction) sqlx holds. A full Billboard history is a million rows; binding them through
//! sqlx's async statement machinery costs several times the insert itself.

use std::ffi::{CStr, c_int};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;

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
