//! The fact store: SQLite through sqlx. Opening a store applies the migrations and, on a new
//! database, loads the seed facts. Reads are plain async methods grouped by table family, on
//! their own connections; every write goes through the one write connection, most in a
//! [`WriteTx`], which records an audit row and bumps the store's generation so in-memory indexes
//! know to reload.

mod acts;
mod audit;
pub mod backups;
mod bulk;
mod charts;
mod editors;
mod exports;
mod lock;
mod notes;
mod pending;
mod rows;
mod snapshots;
mod sources;
mod summaries;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlSafeStr, Sqlite, SqlitePool, Transaction};

pub use acts::{ActRow, AliasKind};
pub use audit::{Action, ActionFamily, Actor, AuditEntry, Change};
pub use charts::{ChartWeekRow, LinkedWeekRow, NewChartRow, NewSong, SongRow};
pub use editors::Editor;

pub use exports::{FigureFields, FigureRow, FigureSourceRow, Print};
pub use lock::{LockError, RunLock};
pub use notes::NoteRow;
pub use pending::{ImportKind, PendingImport};
pub use rows::BadValue;
use rows::{bad_value, row_from_raw};
pub use snapshots::Target;
pub use sources::{NewSource, SourceRow};
pub use summaries::{Claim, Covered, PostRow, PostState, Schedule, SlotEnd, WeekEntry};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// How long a write waits for the store's write lock unless the task says otherwise (see
/// [`with_write_patience`]): the command line and background work wait out an import of the
/// full history.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a read waits on SQLite (only while a WAL is recovered or checkpointed; a write in
/// progress never holds readers up).
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections for reads, each with its own view of the last commit.
const READERS: u32 = 4;

tokio::task_local! {
    static WRITE_PATIENCE: Duration;
}

/// Runs `work` with writes that wait at most `patience` for the store's write lock (another
/// write of this process, then another process's), then fail with [`Busy`]: an interaction
/// refuses in time rather than answering after Discord gave up on it.
pub async fn with_write_patience<F: Future>(patience: Duration, work: F) -> F::Output {
    WRITE_PATIENCE.scope(patience, work).await
}

/// A write gave up waiting for the store's write lock, held by an import or another writer.
#[derive(Debug, thiserror::Error)]
#[error("the store is busy with another write")]
pub struct Busy;

/// Whether `e` is, or was caused by, a write that gave up waiting for the lock.
pub fn is_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.is::<Busy>()
            || cause
                .downcast_ref::<sqlx::Error>()
                .is_some_and(is_sqlite_busy)
    })
}

fn is_sqlite_busy(e: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i64 = 5;
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_BUSY)
}

/// The fact store. Reads and writes go through separate pools: readers (WAL) see the last
/// commit and never wait behind a write; the one write connection queues this process's writes
/// so they never take a reader's place.
#[derive(Clone, Debug)]
pub struct Store {
    reads: SqlitePool,
    writes: SqlitePool,
    /// Commits made through this handle, so caches notice them without asking SQLite.
    local_writes: Arc<AtomicU64>,
}

impl Store {
    /// Opens (creating when missing) the database at `path` and migrates it. A new store is
    /// empty: `import::seed::open` is what gives it the facts it starts with.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn open(path: &Path) -> anyhow::Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .foreign_keys(true)
            // Statement journals of multi-row inserts stay off the disk.
            .pragma("temp_store", "memory")
            // Building the indexes reads every run at once; that is expected, not a warning.
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            // Waiting for the connection is bounded by the task's patience instead.
            .acquire_timeout(Duration::from_secs(24 * 60 * 60))
            .connect_with(
                options
                    .clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(BUSY_TIMEOUT),
            )
            .await
            .with_context(|| format!("opening the fact store {}", path.display()))?;
        MIGRATOR.run(&writes).await.context("applying migrations")?;
        let reads = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(
                options
                    .busy_timeout(READ_BUSY_TIMEOUT)
                    // A write slipped onto a reader fails loudly instead of queueing readers.
                    .pragma("query_only", "ON"),
            )
            .await
            .with_context(|| format!("opening the fact store {}", path.display()))?;
        Ok(Store {
            reads,
            writes,
            local_writes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Opens the store at `path` as it is: never creates, migrates or seeds it (for checks and
    /// backups, which must not turn a wrong path into a new store).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn open_existing(path: &Path) -> anyhow::Result<Store> {
        anyhow::ensure!(
            path.is_file(),
            "no store at {} (nothing was created)",
            path.display()
        );
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(false)
            .foreign_keys(true);
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().busy_timeout(BUSY_TIMEOUT))
            .await
            .with_context(|| format!("opening the fact store {}", path.display()))?;
        let reads = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(
                options
                    .busy_timeout(READ_BUSY_TIMEOUT)
                    .pragma("query_only", "ON"),
            )
            .await
            .with_context(|| format!("opening the fact store {}", path.display()))?;
        Ok(Store {
            reads,
            writes,
            local_writes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The readers.
    pub fn pool(&self) -> &SqlitePool {
        &self.reads
    }

    /// The write connection, waited for (here, then on SQLite's lock) no longer than the
    /// task's patience.
    async fn writer(&self) -> anyhow::Result<PoolConnection<Sqlite>> {
        let patience = WRITE_PATIENCE.try_with(|p| *p).unwrap_or(BUSY_TIMEOUT);
        let started = Instant::now();
        let mut conn = tokio::time::timeout(patience, self.writes.acquire())
            .await
            .map_err(|_| Busy)??;
        let left = patience.saturating_sub(started.elapsed());
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA busy_timeout = {}",
            left.as_millis()
        )))
        .execute(&mut *conn)
        .await?;
        Ok(conn)
    }

    /// A transaction on the write connection that holds the write lock from its start.
    async fn begin_immediate(&self) -> anyhow::Result<Transaction<'static, Sqlite>> {
        let conn = self.writer().await?;
        // IMMEDIATE takes the write lock now rather than on the first write, so two writers
        // queue on the busy timeout instead of one failing with SQLITE_BUSY half-way through.
        Transaction::begin(conn, Some("BEGIN IMMEDIATE".into_sql_str()))
            .await
            .map_err(|e| {
                if is_sqlite_busy(&e) {
                    Busy.into()
                } else {
                    anyhow::Error::from(e)
                }
            })
    }

    /// Starts a write. Nothing is visible to readers until [`WriteTx::commit`].
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn begin(&self) -> anyhow::Result<WriteTx> {
        Ok(WriteTx {
            tx: self.begin_immediate().await?,
            touches_charts: false,
            local_writes: self.local_writes.clone(),
        })
    }

    /// Numbers that change with every committed write (from any process), and with every
    /// write to chart data, acts or their aliases, for caches to compare.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn generations(&self) -> anyhow::Result<Generations> {
        let (all, charts): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT value FROM meta WHERE key = 'generation'),
                    (SELECT value FROM meta WHERE key = 'charts_generation')",
        )
        .fetch_one(&self.reads)
        .await?;
        let parse = |v: Option<String>| v.and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok(Generations {
            all: parse(all),
            charts: parse(charts),
        })
    }

    /// How many writes this process has committed through this store.
    pub fn local_writes(&self) -> u64 {
        self.local_writes.load(Ordering::Acquire)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn meta(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.reads)
            .await?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_meta(&self, key: &str, value: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Runs SQLite's own consistency checks; the list is empty when the store is sound.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn check(&self) -> anyhow::Result<Vec<String>> {
        let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.reads)
            .await?;
        problems.retain(|p| p != "ok");
        let fk: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
                .fetch_all(&self.reads)
                .await?;
        problems.extend(
            fk.into_iter()
                .map(|(t, id)| format!("broken reference in {t} row {id}")),
        );
        Ok(problems)
    }

    pub async fn close(&self) {
        self.reads.close().await;
        self.writes.close().await;
    }
}

/// See [`Store::generations`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    pub all: i64,
    pub charts: i64,
}

/// One write transaction. Dropping it without `commit` rolls everything back.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    touches_charts: bool,
    local_writes: Arc<AtomicU64>,
}

impl WriteTx {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn meta(&mut self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(self.conn())
            .await?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_meta(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }

    /// Marks the write as changing chart data, acts or their aliases: the search index must
    /// be rebuilt, not only the small caches.
    pub fn touch_charts(&mut self) {
        self.touches_charts = true;
    }

    /// Commits the write and everything it audited, and bumps the generations.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn commit(mut self) -> anyhow::Result<()> {
        let keys: &[&str] = if self.touches_charts {
            &["generation", "charts_generation"]
        } else {
            &["generation"]
        };
        for key in keys {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES (?, '1')
                 ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            )
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        }
        self.tx.commit().await?;
        self.local_writes.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}
