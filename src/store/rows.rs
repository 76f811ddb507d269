//! Reading rows into domain types at the store's edge: a value that does not read as its type
//! fails the read with the table, column and value named, rather than reaching a caller as a
//! string it would have to parse again (or a row silently left out).

/// A stored value that does not read as its type.
#[derive(Debug, thiserror::Error)]
#[error("{table}.{column} holds {value:?}, which does not read as its type")]
pub struct BadValue {
    pub table: &'static str,
    pub column: &'static str,
    pub value: String,
}

/// The error a row conversion gives for a value that does not read.
pub(super) fn bad_value(table: &'static str, column: &'static str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(BadValue {
        table,
        column,
        value: value.to_string(),
    }))
}

/// Reads `$row` by reading the raw row `$raw` (its columns as the engine holds them) and
/// converting it with `TryFrom<$raw, Error = sqlx::Error>`.
macro_rules! row_from_raw {
    ($row:ty, $raw:ty) => {
        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $row {
            fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
                <$raw as sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>>::from_row(row)?.try_into()
            }
        }
        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $row {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                <$raw as sqlx::FromRow<'r, sqlx::postgres::PgRow>>::from_row(row)?.try_into()
            }
        }
    };
}
pub(super) use row_from_raw;

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// A store with one raw statement applied past the types the store writes.
    async fn store_with(sql: &str) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("facts.db")).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        crate::on!(tx.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(
            sql.to_string()
        ))
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();
        tx.commit().await.unwrap();
        (dir, store)
    }

    fn names(e: &anyhow::Error, table_column: &str, value: &str) -> bool {
        let text = format!("{e:#}");
        text.contains(table_column) && text.contains(value)
    }

    #[tokio::test]
    async fn a_figure_whose_period_does_not_read_fails_the_read_instead_of_vanishing() {
        let (_dir, store) = store_with(
            "INSERT INTO export_figures (period, period_start, period_end, country, value_usd)
             VALUES ('2023-H3', '2023-07', '2023-12', 'JP', 1)",
        )
        .await;
        let e = store.all_figures().await.unwrap_err();
        assert!(names(&e, "export_figures.period", "2023-H3"), "{e:#}");
    }

    #[tokio::test]
    async fn a_schedule_whose_channel_does_not_read_fails_the_read_instead_of_vanishing() {
        let (_dir, store) = store_with(
            "INSERT INTO summary_schedules (guild_id, channel_id, weekday, hour, locale, enabled, created_at)
             VALUES ('1', 'general', 0, 9, 'en-US', 1, '2024-01-01T00:00:00+00:00')",
        )
        .await;
        let e = store.enabled_schedules().await.unwrap_err();
        assert!(
            names(&e, "summary_schedules.channel_id", "general"),
            "{e:#}"
        );
    }

    #[tokio::test]
    async fn an_audit_row_by_an_unknown_actor_fails_the_read() {
        let (_dir, store) = store_with(
            "INSERT INTO audit_log (at, actor, action, target)
             VALUES ('2024-01-01T00:00:00.000Z', 'somebody', 'note.add', 'note:1')",
        )
        .await;
        let e = store.audit_log(None, 5).await.unwrap_err();
        assert!(names(&e, "audit_log.actor", "somebody"), "{e:#}");
    }

    #[tokio::test]
    async fn a_source_whose_date_does_not_read_fails_the_read() {
        let (_dir, store) = store_with(
            "INSERT INTO sources (id, publisher, published_on) VALUES (1, 'Yonhap', 'last spring');
             INSERT INTO export_figures (id, period, period_start, period_end, country, value_usd)
             VALUES (1, '2023-H1', '2023-01', '2023-06', 'JP', 48523000);
             INSERT INTO figure_sources (figure_id, source_id) VALUES (1, 1)",
        )
        .await;
        let e = store.all_figure_sources().await.unwrap_err();
        assert!(names(&e, "sources.published_on", "last spring"), "{e:#}");
    }
}
