//! Acts, the chart credits they appear under, and the aliases fans know them, titles and
//! countries by.

use sqlx::FromRow;

use super::{Store, WriteTx};
use crate::domain::chart::{ActToken, parse_chart_date};

#[derive(Clone, Debug, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct ActRow {
    pub id: String,
    pub name: String,
    pub hangul: Option<String>,
    pub kind: String,
    pub is_kpop: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasKind {
    Act,
    Title,
    Country,
}

impl AliasKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AliasKind::Act => "act",
            AliasKind::Title => "title",
            AliasKind::Country => "country",
        }
    }
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn acts(&self) -> anyhow::Result<Vec<ActRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT id, name, hangul, kind, is_kpop FROM acts ORDER BY id"
        )
        .fetch_all(c)
        .await)?)
    }

    /// `(group id, member id)` pairs: the groups soloists belong to.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn act_members(&self) -> anyhow::Result<Vec<(String, String)>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT group_id, member_id FROM act_members ORDER BY group_id, member_id",
        )
        .fetch_all(c)
        .await)?)
    }

    /// How each act is recognised in chart credits.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn act_tokens(&self) -> anyhow::Result<Vec<ActToken>> {
        let rows = on!(self.readers(), |c| sqlx::query_as(ACT_TOKENS)
            .fetch_all(c)
            .await)?;
        act_tokens(rows)
    }

    /// `(target, alias)` pairs of one kind.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn aliases(&self, kind: AliasKind) -> anyhow::Result<Vec<(String, String)>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT target, alias FROM aliases WHERE kind = $1 ORDER BY id"
        )
        .bind(kind.as_str())
        .fetch_all(c)
        .await)?)
    }
}

impl WriteTx {
    /// How each act is recognised in chart credits.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn act_tokens(&mut self) -> anyhow::Result<Vec<ActToken>> {
        let rows = on!(self.conn(), |c| sqlx::query_as(ACT_TOKENS)
            .fetch_all(c)
            .await)?;
        act_tokens(rows)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn act_ids(&mut self) -> anyhow::Result<Vec<String>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT id FROM acts ORDER BY id"
        )
        .fetch_all(c)
        .await)?)
    }

    /// Makes `member` belong to exactly `groups`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_act_groups(&mut self, member: &str, groups: &[String]) -> anyhow::Result<()> {
        self.touch_charts();
        on!(self.conn(), |c| sqlx::query(
            "DELETE FROM act_members WHERE member_id = $1"
        )
        .bind(member)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        for group in groups {
            on!(self.conn(), |c| {
                sqlx::query(
                    "INSERT INTO act_members (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                )
                .bind(group)
                .bind(member)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn upsert_act(&mut self, act: &ActRow) -> anyhow::Result<()> {
        self.touch_charts();
        on!(self.conn(), |c| sqlx::query(
            "INSERT INTO acts (id, name, hangul, kind, is_kpop) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, hangul = excluded.hangul,
                kind = excluded.kind, is_kpop = excluded.is_kpop",
        )
        .bind(&act.id)
        .bind(&act.name)
        .bind(&act.hangul)
        .bind(&act.kind)
        .bind(act.is_kpop)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The name of act `id`, if there is one.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn act_name(&mut self, id: &str) -> anyhow::Result<Option<String>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT name FROM acts WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    /// Sets one of the tokens act `act_id`'s credits are recognised by.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_act_token(
        &mut self,
        act_id: &str,
        token: &str,
        case_sensitive: bool,
        since: &str,
    ) -> anyhow::Result<()> {
        on!(self.conn(), |c| {
            sqlx::query(
                "INSERT INTO act_tokens (act_id, token, case_sensitive, since) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (act_id, token) DO UPDATE
                 SET case_sensitive = excluded.case_sensitive, since = excluded.since",
            )
            .bind(act_id)
            .bind(token)
            .bind(case_sensitive)
            .bind(since)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// `(alias key, target)` pairs of one kind, as this transaction sees them.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn alias_keys(&mut self, kind: AliasKind) -> anyhow::Result<Vec<(String, String)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT alias_key, target FROM aliases WHERE kind = $1"
        )
        .bind(kind.as_str())
        .fetch_all(c)
        .await)?)
    }

    /// Removes the alias of `kind` whose key is `alias_key`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_alias(&mut self, kind: AliasKind, alias_key: &str) -> anyhow::Result<()> {
        if kind != AliasKind::Country {
            self.touch_charts();
        }
        on!(self.conn(), |c| sqlx::query(
            "DELETE FROM aliases WHERE kind = $1 AND alias_key = $2"
        )
        .bind(kind.as_str())
        .bind(alias_key)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Adds an alias; returns its id, or None when the same alias already names the target.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn add_alias(
        &mut self,
        kind: AliasKind,
        target: &str,
        alias: &str,
    ) -> anyhow::Result<Option<i64>> {
        if kind != AliasKind::Country {
            self.touch_charts();
        }
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "INSERT INTO aliases (kind, target, alias, alias_key) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(kind.as_str())
        .bind(target)
        .bind(alias)
        .bind(crate::domain::text::key(alias))
        .fetch_optional(c)
        .await)?)
    }
}

const ACT_TOKENS: &str =
    "SELECT act_id, token, case_sensitive, since FROM act_tokens ORDER BY act_id, token";

fn act_tokens(rows: Vec<(String, String, bool, String)>) -> anyhow::Result<Vec<ActToken>> {
    Ok(rows
        .into_iter()
        .filter_map(|(act_id, token, case_sensitive, since)| {
            Some(ActToken {
                act_id,
                token,
                case_sensitive,
                since: parse_chart_date(&since)?,
            })
        })
        .collect())
}
