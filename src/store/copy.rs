//! Moving a store from SQLite to PostgreSQL: every table copied, in one PostgreSQL transaction,
//! from one consistent read of the SQLite file, and the row counts compared before the commit.

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use sqlx::{Row, SqliteConnection};

use super::bulk::copy_text;
use super::{Engine, Store};

/// Every table, parents before the tables that refer to them.
pub const TABLES: &[&str] = &[
    "meta",
    "sources",
    "export_figures",
    "figure_sources",
    "acts",
    "act_tokens",
    "act_members",
    "aliases",
    "chart_songs",
    "chart_entries",
    "run_records",
    "chart_date_arrivals",
    "chart_song_titles",
    "song_acts",
    "notes",
    "audit_log",
    "editors",
    "pending_imports",
    "summary_schedules",
    "summary_posts",
    "command_visibility",
];

/// Tables of the running processes (shard leases, claims), not of the facts: not copied.
const RUNTIME_TABLES: &[&str] = &["shard_leases", "claims", "feed_state", "feed_validators"];

/// How much COPY data is sent at a time.
const CHUNK: usize = 1 << 20;
/// NULL in COPY's text format.
const NULL: &str = "\\N";

/// Copies the SQLite store `from` into the PostgreSQL store `to`, which must hold nothing but
/// its migrations. Returns each table with its row count, equal on both sides.
pub async fn copy_store(from: &Store, to: &Store) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let Engine::Sqlite(source) = from.readers() else {
        bail!("db copy reads a SQLite store (--from FILE)");
    };
    anyhow::ensure!(
        to.is_postgres(),
        "db copy writes a PostgreSQL store (--to postgres://…)"
    );
    let mut read = source.begin().await.context("reading the SQLite store")?;
    let mut tx = to.begin().await?;
    let Engine::Postgres(pg) = tx.conn() else {
        unreachable!("checked above")
    };
    ensure_empty(pg).await?;
    sqlx::query("DELETE FROM meta").execute(&mut *pg).await?;
    let mut counts = Vec::new();
    for table in TABLES {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut *pg)
        .await?;
        let names = columns
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let copied = copy_table(&mut read, pg, table, &names, &columns)
            .await
            .with_context(|| format!("copying {table}"))?;
        let stored: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *pg)
                .await?;
        let source_rows: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *read)
                .await?;
        if stored != source_rows || copied != source_rows {
            bail!(
                "{table}: {source_rows} row(s) in SQLite, {copied} read, {stored} in PostgreSQL; nothing was copied"
            );
        }
        continue_ids(pg, table).await?;
        counts.push((*table, stored));
    }
    tx.touch_charts();
    tx.commit().await?;
    read.rollback().await?;
    Ok(counts)
}

/// Streams one table from SQLite into PostgreSQL's `COPY`; returns the rows sent.
async fn copy_table(
    read: &mut SqliteConnection,
    pg: &mut sqlx::PgConnection,
    table: &str,
    names: &str,
    columns: &[(String, String)],
) -> anyhow::Result<i64> {
    let mut copy = pg
        .copy_in_raw(&format!("COPY {table} ({names}) FROM STDIN"))
        .await?;
    let select = format!("SELECT {names} FROM {table}");
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *read);
    let mut buf = String::with_capacity(CHUNK + 4096);
    let mut sent = 0;
    while let Some(row) = rows.try_next().await? {
        for (i, (name, kind)) in columns.iter().enumerate() {
            if i > 0 {
                buf.push('\t');
            }
            match kind.as_str() {
                "bigint" | "integer" => match row.try_get::<Option<i64>, _>(i)? {
                    Some(n) => buf.push_str(&n.to_string()),
                    None => buf.push_str(NULL),
                },
                "boolean" => match row.try_get::<Option<i64>, _>(i)? {
                    Some(n) => buf.push_str(if n != 0 { "t" } else { "f" }),
                    None => buf.push_str(NULL),
                },
                "bytea" => match row.try_get::<Option<Vec<u8>>, _>(i)? {
                    Some(bytes) => {
                        // `\x` then hex, its backslash escaped for COPY's text format.
                        buf.push_str("\\\\x");
                        for b in bytes {
                            buf.push_str(&format!("{b:02x}"));
                        }
                    }
                    None => buf.push_str(NULL),
                },
                "text" => match row.try_get::<Option<String>, _>(i)? {
                    Some(s) => copy_text(&mut buf, &s),
                    None => buf.push_str(NULL),
                },
                other => bail!("column {name} has a type db copy does not know: {other}"),
            }
        }
        buf.push('\n');
        sent += 1;
        if buf.len() >= CHUNK {
            copy.send(std::mem::take(&mut buf).into_bytes()).await?;
            buf.reserve(CHUNK + 4096);
        }
    }
    if !buf.is_empty() {
        copy.send(buf.into_bytes()).await?;
    }
    copy.finish().await?;
    Ok(sent)
}

/// Refuses a database that holds anything but what its migrations wrote, or a table this copy
/// does not know (a migration added since [`TABLES`] was written).
async fn ensure_empty(pg: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations' ORDER BY table_name",
    )
    .fetch_all(&mut *pg)
    .await?;
    if let Some(unknown) = tables
        .iter()
        .find(|t| !TABLES.contains(&t.as_str()) && !RUNTIME_TABLES.contains(&t.as_str()))
    {
        bail!("db copy does not know the table {unknown}; nothing was copied");
    }
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE NOT ({})",
            if *table == "meta" {
                "key = 'generation'"
            } else {
                "FALSE"
            }
        )))
        .fetch_one(&mut *pg)
        .await?;
        if rows > 0 {
            bail!(
                "the PostgreSQL database is not empty: {table} has {rows} row(s); db copy only fills an empty one (createdb a new database and copy into it)"
            );
        }
    }
    Ok(())
}

/// Moves a table's id sequence past the copied ids, so new rows continue after them.
async fn continue_ids(pg: &mut sqlx::PgConnection, table: &str) -> anyhow::Result<()> {
    let identity: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'
           AND is_identity = 'YES')",
    )
    .bind(table)
    .fetch_one(&mut *pg)
    .await?;
    if identity {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
        )))
        .execute(&mut *pg)
        .await?;
    }
    Ok(())
}
