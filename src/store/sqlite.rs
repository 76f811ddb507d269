//! The SQLite engine: one file, WAL, readers on their own query-only connections and one
//! write connection whose transactions take SQLite's write lock from their start.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlSafeStr, Sqlite, SqlitePool, Transaction};

use super::{BUSY_TIMEOUT, Busy};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How long a read waits on SQLite (only while a WAL is recovered or checkpointed; a write in
/// progress never holds readers up).
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections for reads, each with its own view of the last commit.
const READERS: u32 = 4;

#[derive(Clone, Debug)]
pub(super) struct Pools {
    pub(super) reads: SqlitePool,
    writes: SqlitePool,
}

pub(super) fn is_busy(e: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i64 = 5;
    e.as_database_error()
        .filter(|d| d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some())
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_BUSY)
}

impl Pools {
    pub(super) async fn open(path: &Path) -> anyhow::Result<Pools> {
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
        Ok(Pools { reads, writes })
    }

    pub(super) async fn open_existing(path: &Path) -> anyhow::Result<Pools> {
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
        Ok(Pools { reads, writes })
    }

    /// The write connection, its busy timeout set to what is left of `patience`.
    pub(super) async fn writer(
        &self,
        patience: Duration,
        started: Instant,
    ) -> anyhow::Result<PoolConnection<Sqlite>> {
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
    pub(super) async fn begin(
        &self,
        patience: Duration,
        started: Instant,
    ) -> anyhow::Result<Transaction<'static, Sqlite>> {
        let conn = self.writer(patience, started).await?;
        // IMMEDIATE takes the write lock now rather than on the first write, so two writers
        // queue on the busy timeout instead of one failing with SQLITE_BUSY half-way through.
        Transaction::begin(conn, Some("BEGIN IMMEDIATE".into_sql_str()))
            .await
            .map_err(|e| {
                if is_busy(&e) {
                    Busy.into()
                } else {
                    anyhow::Error::from(e)
                }
            })
    }

    /// SQLite's integrity and foreign key checks.
    pub(super) async fn check(&self) -> anyhow::Result<Vec<String>> {
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

    pub(super) async fn close(&self) {
        self.reads.close().await;
        self.writes.close().await;
    }
}
