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
    pub async fn acts(&self) -> anyhow::Result<Vec<ActRow>> {
        Ok(
            sqlx::query_as("SELECT id, name, hangul, kind, is_kpop FROM acts ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// `(act id, exact credit)` pairs.
    pub async fn act_credits(&self) -> anyhow::Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT act_id, credit FROM act_credits ORDER BY act_id, credit")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// `(target, alias)` pairs of one kind.
    pub async fn aliases(&self, kind: AliasKind) -> anyhow::Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT target, alias FROM aliases WHERE kind = ? ORDER BY id")
                .bind(kind.as_str())
                .fetch_all(self.pool())
                .await?,
        )
    }
}

impl WriteTx {
    /// How each act is recognised in chart credits.
    pub async fn act_tokens(&mut self) -> anyhow::Result<Vec<ActToken>> {
        let rows: Vec<(String, String, bool, String)> = sqlx::query_as(
            "SELECT act_id, token, case_sensitive, since FROM act_tokens ORDER BY act_id, token",
        )
        .fetch_all(self.conn())
        .await?;
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

    pub async fn upsert_act(&mut self, act: &ActRow) -> anyhow::Result<()> {
        self.touch_charts();
        sqlx::query(
            "INSERT INTO acts (id, name, hangul, kind, is_kpop) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, hangul = excluded.hangul,
                kind = excluded.kind, is_kpop = excluded.is_kpop",
        )
        .bind(&act.id)
        .bind(&act.name)
        .bind(&act.hangul)
        .bind(&act.kind)
        .bind(act.is_kpop)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Adds an alias; returns its id, or None when the same alias already names the target.
    pub async fn add_alias(
        &mut self,
        kind: AliasKind,
        target: &str,
        alias: &str,
    ) -> anyhow::Result<Option<i64>> {
        if kind != AliasKind::Country {
            self.touch_charts();
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO aliases (kind, target, alias, alias_key) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(kind.as_str())
        .bind(target)
        .bind(alias)
        .bind(crate::domain::text::key(alias))
        .fetch_optional(self.conn())
        .await?)
    }
}
