//! The fact store, on SQLite (one file, the default) or PostgreSQL (shared by several
//! processes), through sqlx. Opening a store applies the engine's migrations.
//!
//! Both engines run the same SQL: each query is written once, with `$1`-style binds that both
//! read, and compiled once per engine by [`on!`]. A trait with one implementation per engine
//! would hold some hundred methods twice, free to drift apart; here only what truly differs
//! (connecting, locking, bulk loads, checks, backups, notifications) lives in `sqlite` and
//! `postgres`, and a query that needs different SQL says so where it is written. Reads are plain async methods grouped by table family, on
//! their own connections; every write goes through the one write connection, most in a
//! [`WriteTx`], which records an audit row and bumps the store's generation so in-memory indexes
//! know to reload.

/// Runs `$body` with `$c` bound to the engine's value: the body is compiled once per engine, so
/// one query text serves both and the compiler checks both.
#[macro_export]
macro_rules! on {
    ($engine:expr, |$c:ident| $body:expr) => {
        match $engine {
            $crate::store::Engine::Sqlite($c) => $body,
            $crate::store::Engine::Postgres($c) => $body,
        }
    };
}

mod acts;
mod audit;
pub mod backups;
mod bulk;
mod charts;
pub mod copy;
mod editors;
mod exports;
mod feeds;
mod leases;
mod location;
mod lock;
mod notes;
mod pending;
mod postgres;
mod records;
mod rows;
mod snapshots;
mod sources;
mod sqlite;
mod summaries;
mod visibility;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

pub use acts::{ActRow, AliasKind};
pub use audit::{Action, ActionFamily, Actor, AuditEntry, Change};
pub use charts::{ChartWeekRow, LinkedWeekRow, NewChartRow, NewSong, SongRow};
pub use editors::Editor;

pub use exports::{FigureFields, FigureRow, FigureSourceRow, Print};
pub use feeds::{FeedState, StoredRow, Validators};
pub use leases::Lease;
pub use location::Location;
pub use lock::{LockError, RunLock};
pub use notes::NoteRow;
pub use pending::{ImportKind, PendingImport};
pub use postgres::WRITE_LOCK;
pub use records::RunRecordRow;
pub use rows::BadValue;
use rows::{bad_value, row_from_raw};
pub use snapshots::Target;
pub use sources::{NewSource, SourceRow};
pub use summaries::{
    ChartArrival, Claim, Covered, PostRow, PostState, Schedule, ScheduleKind, SlotEnd, WeekEntry,
};
pub use visibility::Visibility;

/// How long a write waits for the store's write lock unless the task says otherwise (see
/// [`with_write_patience`]): the command line and background work wait out an import of the
/// full history.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

tokio::task_local! {
    static WRITE_PATIENCE: Duration;
}

/// Runs `work` with writes that wait at most `patience` for the store's write lock (another
/// write of this process, then another process's), then fail with [`Busy`]: an interaction
/// refuses in time rather than answering after Discord gave up on it.
pub async fn with_write_patience<F: Future>(patience: Duration, work: F) -> F::Output {
    WRITE_PATIENCE.scope(patience, work).await
}

fn patience() -> Duration {
    WRITE_PATIENCE.try_with(|p| *p).unwrap_or(BUSY_TIMEOUT)
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
                .is_some_and(|e| sqlite::is_busy(e) || postgres::is_busy(e))
    })
}

/// One value per engine: a pool, a connection or a transaction of SQLite or of PostgreSQL.
/// [`on!`] runs the same code (and the same SQL text, `$1`-style binds, which both engines
/// read) against either.
pub enum Engine<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// The connections of one engine.
#[derive(Clone, Debug)]
enum Pools {
    Sqlite(sqlite::Pools),
    Postgres(postgres::Pools),
}

/// The fact store. Reads and writes go through separate pools: readers see the last commit
/// and never wait behind a write; the one write connection queues this process's writes so
/// they never take a reader's place, and a store-wide write lock (SQLite's own, or an
/// advisory lock on PostgreSQL) orders them with other processes' writes.
#[derive(Clone, Debug)]
pub struct Store {
    pools: Pools,
    /// Commits made through this handle, so caches notice them without asking the store.
    local_writes: Arc<AtomicU64>,
    /// Commits other processes announced (PostgreSQL's notifications), for the same purpose.
    remote_writes: Arc<AtomicU64>,
}

impl Store {
    /// Opens (creating a SQLite file when missing) the store at `at` and migrates it. A new
    /// store is empty: `import::seed::open` is what gives it the facts it starts with.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn open(at: impl Into<Location>) -> anyhow::Result<Store> {
        let pools = match &at.into() {
            Location::Sqlite(path) => Pools::Sqlite(sqlite::Pools::open(path).await?),
            Location::Postgres(url) => Pools::Postgres(postgres::Pools::open(url).await?),
        };
        let store = Store::new(pools);
        if let Pools::Postgres(p) = &store.pools {
            postgres::listen_for_changes(p, &store.remote_writes).await?;
        }
        Ok(store)
    }

    /// Opens the store at `at` as it is: never creates, migrates or seeds it (for checks and
    /// backups, which must not turn a wrong path into a new store).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn open_existing(at: impl Into<Location>) -> anyhow::Result<Store> {
        let pools = match &at.into() {
            Location::Sqlite(path) => Pools::Sqlite(sqlite::Pools::open_existing(path).await?),
            Location::Postgres(url) => Pools::Postgres(postgres::Pools::open_existing(url).await?),
        };
        Ok(Store::new(pools))
    }

    fn new(pools: Pools) -> Store {
        Store {
            pools,
            local_writes: Arc::new(AtomicU64::new(0)),
            remote_writes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether the store is on PostgreSQL, for the few queries written differently there.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.pools, Pools::Postgres(_))
    }

    /// The text of a query written once per engine, as `(SQLite, PostgreSQL)`.
    fn pick(&self, (sqlite, postgres): (&'static str, &'static str)) -> &'static str {
        if self.is_postgres() { postgres } else { sqlite }
    }

    /// The readers, of whichever engine.
    pub fn readers(&self) -> Engine<&SqlitePool, &PgPool> {
        match &self.pools {
            Pools::Sqlite(p) => Engine::Sqlite(&p.reads),
            Pools::Postgres(p) => Engine::Postgres(&p.reads),
        }
    }

    /// The write connection, waited for (here, then on the engine's lock) no longer than the
    /// task's patience.
    async fn writer(&self) -> anyhow::Result<Writer> {
        let patience = patience();
        let started = Instant::now();
        Ok(match &self.pools {
            Pools::Sqlite(p) => Engine::Sqlite(p.writer(patience, started).await?),
            Pools::Postgres(p) => Engine::Postgres(p.writer(patience).await?),
        })
    }

    /// Starts a write. Nothing is visible to readers until [`WriteTx::commit`].
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn begin(&self) -> anyhow::Result<WriteTx> {
        self.begin_with(false).await
    }

    /// Starts a write to what no cache is built from (uploads waiting for confirmation): its
    /// commit leaves the generations alone, so it rebuilds nothing.
    pub(super) async fn begin_quiet(&self) -> anyhow::Result<WriteTx> {
        self.begin_with(true).await
    }

    async fn begin_with(&self, quiet: bool) -> anyhow::Result<WriteTx> {
        let patience = patience();
        let started = Instant::now();
        let tx = match &self.pools {
            Pools::Sqlite(p) => Engine::Sqlite(p.begin(patience, started).await?),
            Pools::Postgres(p) => Engine::Postgres(p.begin(patience).await?),
        };
        Ok(WriteTx {
            tx,
            quiet,
            touches_charts: false,
            local_writes: self.local_writes.clone(),
            origin: match &self.pools {
                Pools::Postgres(p) => Some(p.origin.clone()),
                Pools::Sqlite(_) => None,
            },
        })
    }

    /// Numbers that change with every committed write (from any process), and with every
    /// write to chart data, acts or their aliases, for caches to compare.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn generations(&self) -> anyhow::Result<Generations> {
        let (all, charts): (Option<String>, Option<String>) = on!(self.readers(), |db| {
            sqlx::query_as(
                "SELECT (SELECT value FROM meta WHERE key = 'generation'),
                        (SELECT value FROM meta WHERE key = 'charts_generation')",
            )
            .fetch_one(db)
            .await?
        });
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

    /// How many commits other processes have announced since the store was opened (always 0
    /// on SQLite, whose caches poll [`Store::generations`] instead).
    pub fn remote_writes(&self) -> u64 {
        self.remote_writes.load(Ordering::Acquire)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn meta(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(on!(self.readers(), |db| {
            sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                .bind(key)
                .fetch_optional(db)
                .await?
        }))
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_meta(&self, key: &str, value: &str) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| {
            sqlx::query(SET_META)
                .bind(key)
                .bind(value)
                .execute(c)
                .await
                .map(|r| r.rows_affected())?
        });
        Ok(())
    }

    /// Runs the engine's own consistency checks; the list is empty when the store is sound.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn check(&self) -> anyhow::Result<Vec<String>> {
        match &self.pools {
            Pools::Sqlite(p) => p.check().await,
            Pools::Postgres(p) => p.check().await,
        }
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite(p) => p.close().await,
            Pools::Postgres(p) => p.close().await,
        }
    }
}

/// A time as the store keeps it: RFC 3339 in UTC, to the second.
pub(crate) fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time to the millisecond, for the audit log's order within a second.
pub(crate) fn time_text_millis(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

const SET_META: &str = "INSERT INTO meta (key, value) VALUES ($1, $2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// A connection of either engine, as a transaction or the write connection lends it.
pub type Conn<'a> = Engine<&'a mut SqliteConnection, &'a mut PgConnection>;

/// The write connection of either engine.
type Writer = Engine<PoolConnection<Sqlite>, PoolConnection<Postgres>>;

impl Writer {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Engine::Sqlite(c) => Engine::Sqlite(&mut **c),
            Engine::Postgres(c) => Engine::Postgres(&mut **c),
        }
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
    tx: Engine<Transaction<'static, Sqlite>, Transaction<'static, Postgres>>,
    /// See [`Store::begin_quiet`].
    quiet: bool,
    touches_charts: bool,
    local_writes: Arc<AtomicU64>,
    /// Whose commit a PostgreSQL announcement is.
    origin: Option<Arc<str>>,
}

impl WriteTx {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn meta(&mut self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(on!(self.conn(), |c| {
            sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                .bind(key)
                .fetch_optional(c)
                .await?
        }))
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_meta(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
        on!(self.conn(), |c| {
            sqlx::query(SET_META)
                .bind(key)
                .bind(value)
                .execute(c)
                .await
                .map(|r| r.rows_affected())?
        });
        Ok(())
    }

    /// The transaction's connection, of whichever engine.
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.tx {
            Engine::Sqlite(t) => Engine::Sqlite(&mut **t),
            Engine::Postgres(t) => Engine::Postgres(&mut **t),
        }
    }

    /// Marks the write as changing chart data, acts or their aliases: the search index must
    /// be rebuilt, not only the small caches.
    pub fn touch_charts(&mut self) {
        self.touches_charts = true;
    }

    /// Commits the write and everything it audited, and bumps the generations.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn commit(mut self) -> anyhow::Result<()> {
        let keys: &[&str] = if self.quiet {
            &[]
        } else if self.touches_charts {
            &["generation", "charts_generation"]
        } else {
            &["generation"]
        };
        for key in keys {
            on!(self.conn(), |c| {
                sqlx::query(
                    "INSERT INTO meta (key, value) VALUES ($1, '1')
                     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)",
                )
                .bind(key)
                .execute(c)
                .await.map(|r| r.rows_affected())?
            });
        }
        match self.tx {
            Engine::Sqlite(tx) => tx.commit().await?,
            Engine::Postgres(mut tx) if !self.quiet => {
                // Delivered to every listening process when (and only if) the commit lands.
                postgres::announce(&mut tx, self.origin.as_deref().unwrap_or_default()).await?;
                tx.commit().await?
            }
            Engine::Postgres(tx) => tx.commit().await?,
        }
        self.local_writes.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}
