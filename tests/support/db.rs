//! Which engine the suite runs on, and the store each test gets there: `cargo test` runs it on
//! SQLite; `KPOP_FACTS_TEST_ENGINE=postgres cargo test --test it` runs it again on a
//! PostgreSQL cluster of its own (see `postgres`).

use std::path::Path;

use kpop_facts::store::{Engine, Location};

use super::postgres;

/// The variable that picks the engine: `sqlite` (the default) or `postgres`.
pub const ENGINE_ENV: &str = "KPOP_FACTS_TEST_ENGINE";

/// Whether this run is the PostgreSQL one.
pub fn on_postgres() -> bool {
    std::env::var(ENGINE_ENV).is_ok_and(|e| e.eq_ignore_ascii_case("postgres"))
}

/// The store of the test that owns `dir`: `dir/facts.db`, or on PostgreSQL a database of its
/// own, the same one every time it is asked for with the same `dir` (a restart reopens it).
pub fn at(dir: &Path) -> Location {
    if on_postgres() {
        let cluster = postgres::cluster()
            .unwrap_or_else(|| panic!("{ENGINE_ENV}=postgres, but: {}", postgres::skip_line()));
        Location::Postgres(cluster.database_for(dir))
    } else {
        Location::Sqlite(dir.join("facts.db"))
    }
}

/// For a test about SQLite's file itself (its lock file, its backups, its pages): true on the
/// PostgreSQL run, after saying so, and the test returns.
pub fn skipped_on_postgres(what: &str) -> bool {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: {what}");
    }
    on_postgres()
}

/// The store opened as another process (or an earlier release) would: writable, with none of
/// the bot's rules, for tests that set up a state or hold a lock from outside.
pub type Outside = Engine<sqlx::SqlitePool, sqlx::PgPool>;

pub async fn outside(at: &Location) -> Outside {
    match at {
        Location::Sqlite(path) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .busy_timeout(std::time::Duration::from_secs(5));
            Engine::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .expect("open the store's file from outside"),
            )
        }
        Location::Postgres(url) => Engine::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await
                .expect("connect to the store's database from outside"),
        ),
    }
}

/// One number a query gives, read through the store's own readers.
pub async fn number(store: &kpop_facts::store::Store, sql: &str) -> i64 {
    kpop_facts::on!(store.readers(), |p| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(p)
            .await
    })
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The store's write lock, taken from outside as another process would: SQLite's, or the
/// advisory lock every PostgreSQL write holds. Let go by [`release`] (or by dropping it).
pub type Held =
    Engine<sqlx::pool::PoolConnection<sqlx::Sqlite>, sqlx::pool::PoolConnection<sqlx::Postgres>>;

pub async fn hold_write_lock(at: &Location) -> Held {
    match outside(at).await {
        Engine::Sqlite(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut *conn)
                .await
                .unwrap();
            Engine::Sqlite(conn)
        }
        Engine::Postgres(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(kpop_facts::store::WRITE_LOCK)
                .execute(&mut *conn)
                .await
                .unwrap();
            Engine::Postgres(conn)
        }
    }
}

pub async fn release(held: &mut Held) {
    match held {
        Engine::Sqlite(c) => sqlx::query("ROLLBACK").execute(&mut **c).await.map(|_| ()),
        Engine::Postgres(c) => sqlx::query("ROLLBACK").execute(&mut **c).await.map(|_| ()),
    }
    .unwrap();
}
