//! The PostgreSQL engine, for a store several processes share. Writes keep SQLite's
//! one-writer-at-a-time meaning: each write transaction first takes a store-wide advisory lock,
//! so a read-then-write inside it sees no other writer's change half-way (the migrations take
//! sqlx's own advisory lock, the seed this one). A commit announces itself on a channel every
//! process listens to, so their caches rebuild at once instead of at their next poll.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool, Postgres, Transaction};

use super::Busy;
use super::location::Location;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock every write transaction holds ("kpopfact" in ASCII).
pub const WRITE_LOCK: i64 = 0x6b70_6f70_6661_6374;
/// Where commits are announced; the payload is the announcing store's origin.
const CHANNEL: &str = "kpop_facts_changes";
/// Connections for reads.
const READERS: u32 = 4;
/// How long to wait before listening again after the listening connection failed.
const RELISTEN: Duration = Duration::from_secs(1);

#[derive(Clone, Debug)]
pub(super) struct Pools {
    pub(super) reads: PgPool,
    writes: PgPool,
    url: Arc<str>,
    /// Identifies this store's own announcements, which its caches already know about.
    pub(super) origin: Arc<str>,
    closing: Arc<tokio::sync::watch::Sender<bool>>,
}

/// A lock wait that ran out of patience (`lock_not_available`), or a statement cancelled by
/// its timeout.
pub(super) fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .filter(|d| {
            d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
        })
        .and_then(|d| d.code())
        .is_some_and(|code| code == "55P03" || code == "57014")
}

impl Pools {
    pub(super) async fn open(url: &str) -> anyhow::Result<Pools> {
        let pools = Pools::connect(url).await?;
        MIGRATOR
            .run(&pools.writes)
            .await
            .context("applying migrations")?;
        Ok(pools)
    }

    /// PostgreSQL never creates a database on connect, so this differs from [`Pools::open`]
    /// only in not migrating.
    pub(super) async fn open_existing(url: &str) -> anyhow::Result<Pools> {
        let pools = Pools::connect(url).await?;
        let migrated: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
        )
        .fetch_one(&pools.reads)
        .await?;
        if !migrated {
            pools.close().await;
            anyhow::bail!(
                "no store at {} (the database holds no fact store; nothing was created)",
                Location::Postgres(url.to_string())
            );
        }
        Ok(pools)
    }

    async fn connect(url: &str) -> anyhow::Result<Pools> {
        let shown = Location::Postgres(url.to_string()).to_string();
        let options: PgConnectOptions = url
            .parse()
            .with_context(|| format!("reading the store's URL {shown}"))?;
        let options = options
            .application_name("kpop-facts")
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        // One connection first: a database that refuses or does not exist fails here, with
        // PostgreSQL's reason, rather than in a pool that keeps trying.
        options
            .connect()
            .await
            .with_context(|| format!("opening the fact store {shown}"))?
            .close()
            .await?;
        let writes = PgPoolOptions::new()
            .max_connections(1)
            // Waiting for the connection is bounded by the task's patience instead.
            .acquire_timeout(Duration::from_secs(24 * 60 * 60))
            .connect_with(options.clone())
            .await
            .with_context(|| format!("opening the fact store {shown}"))?;
        let reads = PgPoolOptions::new()
            .max_connections(READERS)
            .connect_with(options)
            .await
            .with_context(|| format!("opening the fact store {shown}"))?;
        let mut origin = [0u8; 8];
        getrandom::getrandom(&mut origin).context("choosing the store's origin")?;
        Ok(Pools {
            reads,
            writes,
            url: url.into(),
            origin: format!("{:016x}", u64::from_le_bytes(origin)).into(),
            closing: Arc::new(tokio::sync::watch::channel(false).0),
        })
    }

    pub(super) async fn writer(
        &self,
        patience: Duration,
    ) -> anyhow::Result<PoolConnection<Postgres>> {
        Ok(tokio::time::timeout(patience, self.writes.acquire())
            .await
            .map_err(|_| Busy)??)
    }

    /// A transaction that holds the store's write lock, waited for no longer than `patience`.
    pub(super) async fn begin(
        &self,
        patience: Duration,
    ) -> anyhow::Result<Transaction<'static, Postgres>> {
        let started = std::time::Instant::now();
        let conn = self.writer(patience).await?;
        let mut tx = Transaction::begin(conn, None).await?;
        let left = patience
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SET LOCAL lock_timeout = {}",
            left.as_millis()
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_busy(&e) {
                    Busy.into()
                } else {
                    anyhow::Error::from(e)
                }
            })?;
        Ok(tx)
    }

    /// `amcheck` over the store's B-tree indexes where the extension is installed, and what
    /// the schema and the data promise each other.
    pub(super) async fn check(&self) -> anyhow::Result<Vec<String>> {
        let mut problems = Vec::new();
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.reads)
                .await
                .context("reading the applied migrations")?;
        for m in MIGRATOR.iter() {
            match applied.iter().find(|(v, _)| *v == m.version) {
                Some((_, true)) => {}
                Some((_, false)) => {
                    problems.push(format!("migration {} failed half-way", m.version))
                }
                None => problems.push(format!("migration {} is not applied", m.version)),
            }
        }
        let amcheck: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')",
        )
        .fetch_one(&self.reads)
        .await?;
        if amcheck {
            let indexes: Vec<String> = sqlx::query_scalar(
                "SELECT c.relname::text FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_am a ON a.oid = c.relam
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE a.amname = 'btree' AND n.nspname = current_schema()",
            )
            .fetch_all(&self.reads)
            .await?;
            for index in indexes {
                if let Err(e) = sqlx::query("SELECT bt_index_check($1::regclass, true)")
                    .bind(&index)
                    .execute(&self.reads)
                    .await
                {
                    problems.push(format!("index {index}: {e}"));
                }
            }
        }
        let drifted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM chart_songs s
             WHERE s.weeks <> (SELECT count(*) FROM chart_entries e WHERE e.song_id = s.id)",
        )
        .fetch_one(&self.reads)
        .await?;
        if drifted > 0 {
            problems.push(format!(
                "{drifted} song(s) whose stored weeks differ from their chart rows"
            ));
        }
        Ok(problems)
    }

    pub(super) async fn close(&self) {
        self.closing.send_replace(true);
        self.reads.close().await;
        self.writes.close().await;
    }
}

/// Tells every listening process, once `tx` commits, that the store changed.
pub(super) async fn announce(
    tx: &mut Transaction<'static, Postgres>,
    origin: &str,
) -> anyhow::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(origin)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts other processes' commits into `seen` for as long as the store is open, listening
/// before it returns, so no commit after the store was opened goes unheard. A lost connection
/// counts as a change (announcements may have been missed meanwhile); the caches' poll of the
/// generations covers the time until listening again.
pub(super) async fn listen_for_changes(pools: &Pools, seen: &Arc<AtomicU64>) -> anyhow::Result<()> {
    let first = subscribe(&pools.url)
        .await
        .context("listening for the store's changes")?;
    let (url, origin, seen) = (pools.url.clone(), pools.origin.clone(), seen.clone());
    let mut closing = pools.closing.subscribe();
    tokio::spawn(async move {
        let mut listener = Some(first);
        loop {
            let listening = async {
                let subscribed = match listener.take() {
                    Some(l) => l,
                    None => subscribe(&url).await?,
                };
                hear(subscribed, &origin, &seen).await
            };
            tokio::select! {
                ended = listening => {
                    let Err(e) = ended;
                    tracing::debug!(error = %e, "listening for store changes stopped; listening again");
                    seen.fetch_add(1, Ordering::AcqRel);
                }
                _ = closing.wait_for(|closed| *closed) => return,
            }
            tokio::select! {
                () = tokio::time::sleep(RELISTEN) => {}
                _ = closing.wait_for(|closed| *closed) => return,
            }
        }
    });
    Ok(())
}

async fn subscribe(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn hear(
    mut listener: PgListener,
    origin: &str,
    seen: &AtomicU64,
) -> Result<Infallible, sqlx::Error> {
    loop {
        if listener.recv().await?.payload() != origin {
            seen.fetch_add(1, Ordering::AcqRel);
        }
    }
}
