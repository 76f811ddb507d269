//! Facts as undoable units. A change records the JSON snapshot of its unit before and after;
//! undo writes the "before" snapshot back exactly, ids included.

use std::fmt;

use serde_json::{Value, json};

use super::{AliasKind, Editor, FigureRow, NoteRow, WriteTx};
use crate::domain::chart::Chart;
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::domain::text;

/// One unit of facts that a change touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every figure of one destination and period, with its sources.
    Export {
        period: Period,
        country: Country,
    },
    Note(i64),
    /// Every row of one alias (by kind and folded alias).
    Alias {
        kind: AliasKind,
        key: String,
    },
    /// Every row of one chart week.
    ChartWeek {
        chart: Chart,
        date: String,
    },
    Editor(Editor),
    /// What a feed last applied (its body), kept with the facts it brought so that undoing a
    /// pull takes the feed back to the pull before.
    FeedPulled(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Export { period, country } => write!(f, "export:{period}:{country}"),
            Target::Note(id) => write!(f, "note:{id}"),
            Target::Alias { kind, key } => write!(f, "alias:{}:{key}", kind.as_str()),
            Target::ChartWeek { chart, date } => write!(f, "chart:{chart}:{date}"),
            Target::Editor(Editor::User(u)) => write!(f, "editor:user:{u}"),
            Target::Editor(Editor::Role { guild, role }) => write!(f, "editor:role:{guild}:{role}"),
            Target::FeedPulled(feed) => write!(f, "feed-pulled:{feed}"),
        }
    }
}

impl Target {
    pub fn alias(kind: AliasKind, alias: &str) -> Target {
        Target::Alias {
            kind,
            key: text::key(alias),
        }
    }

    /// Reads the form `Display` writes.
    pub fn parse(s: &str) -> Option<Target> {
        let parts: Vec<&str> = s.splitn(4, ':').collect();
        Some(match parts.as_slice() {
            ["export", rest @ ..] => {
                // Periods may hold a '/', never a ':'; the country comes last.
                let (period, country) = s.strip_prefix("export:")?.rsplit_once(':')?;
                let _ = rest;
                Target::Export {
                    period: Period::parse(period).ok()?,
                    country: Country::from_code(country)?,
                }
            }
            ["note", id] => Target::Note(id.parse().ok()?),
            ["alias", kind, key] => Target::Alias {
                kind: match *kind {
                    "act" => AliasKind::Act,
                    "title" => AliasKind::Title,
                    "country" => AliasKind::Country,
                    _ => return None,
                },
                key: key.to_string(),
            },
            ["chart", chart, date] => Target::ChartWeek {
                chart: Chart::parse(chart)?,
                date: date.to_string(),
            },
            ["editor", "user", u] => Target::Editor(Editor::User(u.parse().ok()?)),
            ["editor", "role", g, r] => Target::Editor(Editor::Role {
                guild: g.parse().ok()?,
                role: r.parse().ok()?,
            }),
            ["feed-pulled", ..] => Target::FeedPulled(s.strip_prefix("feed-pulled:")?.to_string()),
            _ => return None,
        })
    }
}

/// One row of a chart week, as a snapshot holds it.
#[derive(sqlx::FromRow, serde::Serialize, serde::Deserialize)]
struct WeekRow {
    position: i64,
    title: String,
    credit: String,
    last_week: Option<i64>,
    peak: Option<i64>,
    weeks_on_chart: Option<i64>,
    song_id: i64,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    figure_id: i64,
    source_id: i64,
    printed: Option<String>,
    precise: bool,
    rank: Option<i64>,
    yoy_change_pct: Option<String>,
    note: Option<String>,
}

impl WriteTx {
    /// The unit as it is now.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn snapshot(&mut self, target: &Target) -> anyhow::Result<Value> {
        Ok(match target {
            Target::Export { period, country } => self.export_snapshot(period, country).await?,
            Target::Note(id) => {
                let note: Option<NoteRow> = on!(self.conn(), |c| {
                    sqlx::query_as(
                        "SELECT id, subject_kind, subject_key, subject_label, act_id, text, as_of, source_id FROM notes WHERE id = $1",
                    )
                    .bind(id)
                    .fetch_optional(c)
                    .await
                })?;
                serde_json::to_value(note)?
            }
            Target::Alias { kind, key } => {
                let rows: Vec<(i64, String, String)> = on!(self.conn(), |c| {
                    sqlx::query_as("SELECT id, target, alias FROM aliases WHERE kind = $1 AND alias_key = $2 ORDER BY id")
                        .bind(kind.as_str())
                        .bind(key)
                        .fetch_all(c)
                        .await
                })?;
                Value::Array(
                    rows.into_iter()
                        .map(|(id, t, a)| json!({"id": id, "target": t, "alias": a}))
                        .collect(),
                )
            }
            Target::ChartWeek { chart, date } => {
                let rows: Vec<WeekRow> = on!(self.conn(), |c| {
                    sqlx::query_as(
                        "SELECT position, title, credit, last_week, peak, weeks_on_chart, song_id FROM chart_entries
                         WHERE chart = $1 AND chart_date = $2 ORDER BY position, title, credit",
                    )
                    .bind(chart)
                    .bind(date)
                    .fetch_all(c)
                    .await
                })?;
                serde_json::to_value(rows)?
            }
            Target::Editor(e) => {
                let present = self.editor_present(*e).await?;
                json!({"editor": e.to_string(), "present": present})
            }
            Target::FeedPulled(feed) => {
                let pulled = self.feed_pulled(feed).await?;
                json!({"feed": feed, "pulled": pulled.map(|b| String::from_utf8_lossy(&b).into_owned())})
            }
        })
    }

    /// One destination and period's figures, each with the sources that printed it.
    async fn export_snapshot(
        &mut self,
        period: &Period,
        country: &Country,
    ) -> anyhow::Result<Value> {
        let figures: Vec<FigureRow> = on!(self.conn(), |c| {
            sqlx::query_as(
                "SELECT id, period, country, value_usd, rank, yoy_change_pct, top10, superseded_by
                 FROM export_figures WHERE period = $1 AND country = $2 ORDER BY id",
            )
            .bind(period.label())
            .bind(country.code())
            .fetch_all(c)
            .await
        })?;
        let links: Vec<LinkRow> = on!(self.conn(), |c| {
            sqlx::query_as(
                "SELECT figure_id, source_id, printed, precise, rank, yoy_change_pct, note FROM figure_sources
                 WHERE figure_id IN (SELECT id FROM export_figures WHERE period = $1 AND country = $2)
                 ORDER BY figure_id, source_id",
            )
            .bind(period.label())
            .bind(country.code())
            .fetch_all(c)
            .await
        })?;
        Ok(Value::Array(
            figures
                .iter()
                .map(|f| {
                    let sources: Vec<Value> = links
                        .iter()
                        .filter(|l| l.figure_id == f.id)
                        .map(|l| json!({"source_id": l.source_id, "printed": l.printed, "precise": l.precise, "rank": l.rank, "yoy_change_pct": l.yoy_change_pct, "note": l.note}))
                        .collect();
                    let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                    v["sources"] = Value::Array(sources);
                    v
                })
                .collect(),
        ))
    }

    /// Makes one destination and period's figures and their prints what `snapshot` holds.
    async fn restore_export(
        &mut self,
        period: Period,
        country: Country,
        snapshot: &Value,
    ) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "DELETE FROM export_figures WHERE period = $1 AND country = $2"
        )
        .bind(period.label())
        .bind(country.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let figures = snapshot.as_array().cloned().unwrap_or_default();
        for f in &figures {
            let row: FigureRow = serde_json::from_value(f.clone())?;
            on!(self.conn(), |c| {
                sqlx::query(
                    "INSERT INTO export_figures
                        (id, period, period_start, period_end, country, value_usd, rank, yoy_change_pct, top10)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(row.id)
                .bind(period.label())
                .bind(format!("{}-{:02}", period.start().year, period.start().month))
                .bind(format!("{}-{:02}", period.end().year, period.end().month))
                .bind(country.code())
                .bind(row.value_usd)
                .bind(row.rank)
                .bind(&row.yoy_change_pct)
                .bind(row.top10)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
            })?;
            for l in f["sources"].as_array().into_iter().flatten() {
                on!(self.conn(), |c| sqlx::query(
                    "INSERT INTO figure_sources
                        (figure_id, source_id, printed, precise, rank, yoy_change_pct, note)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(row.id)
                .bind(l["source_id"].as_i64())
                .bind(l["printed"].as_str())
                .bind(l["precise"].as_bool().unwrap_or(true))
                .bind(l["rank"].as_i64())
                .bind(l["yoy_change_pct"].as_str())
                .bind(l["note"].as_str())
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
        }
        for f in &figures {
            if let (Some(id), Some(by)) = (f["id"].as_i64(), f["superseded_by"].as_i64()) {
                self.set_superseded_by(id, Some(by)).await?;
            }
        }
        Ok(())
    }

    /// Makes one chart week's rows what `snapshot` holds, and the runs' totals follow.
    async fn restore_chart_week(
        &mut self,
        chart: Chart,
        date: &str,
        snapshot: &Value,
    ) -> anyhow::Result<()> {
        let mut songs: Vec<i64> = on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT song_id FROM chart_entries WHERE chart = $1 AND chart_date = $2",
        )
        .bind(chart)
        .bind(date)
        .fetch_all(c)
        .await)?;
        on!(self.conn(), |c| sqlx::query(
            "DELETE FROM chart_entries WHERE chart = $1 AND chart_date = $2"
        )
        .bind(chart)
        .bind(date)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let weeks: Vec<WeekRow> = serde_json::from_value(snapshot.clone())?;
        let rows: Vec<super::NewChartRow> = weeks
            .into_iter()
            .map(|r| super::NewChartRow {
                chart_date: date.to_string(),
                position: r.position,
                title: r.title,
                credit: r.credit,
                last_week: r.last_week,
                peak: r.peak,
                weeks_on_chart: r.weeks_on_chart,
                song_id: r.song_id,
            })
            .collect();
        songs.extend(rows.iter().map(|r| r.song_id));
        self.insert_chart_rows(chart, &rows).await?;
        songs.sort_unstable();
        songs.dedup();
        self.refresh_song_stats(&songs).await?;
        self.recount_song_titles(&songs).await?;
        Ok(())
    }

    /// Makes the unit exactly what `snapshot` describes.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn restore(&mut self, target: &Target, snapshot: &Value) -> anyhow::Result<()> {
        if matches!(
            target,
            Target::ChartWeek { .. }
                | Target::Alias {
                    kind: AliasKind::Act | AliasKind::Title,
                    ..
                }
        ) {
            self.touch_charts();
        }
        match target {
            Target::Export { period, country } => {
                self.restore_export(*period, *country, snapshot).await?;
            }
            Target::Note(id) => {
                on!(self.conn(), |c| sqlx::query(
                    "DELETE FROM notes WHERE id = $1"
                )
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
                if !snapshot.is_null() {
                    let note: NoteRow = serde_json::from_value(snapshot.clone())?;
                    self.insert_note(&note).await?;
                }
            }
            Target::Alias { kind, key } => {
                on!(self.conn(), |c| sqlx::query(
                    "DELETE FROM aliases WHERE kind = $1 AND alias_key = $2"
                )
                .bind(kind.as_str())
                .bind(key)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
                for a in snapshot.as_array().into_iter().flatten() {
                    on!(self.conn(), |c| {
                        sqlx::query("INSERT INTO aliases (id, kind, target, alias, alias_key) VALUES ($1, $2, $3, $4, $5)")
                        .bind(a["id"].as_i64())
                        .bind(kind.as_str())
                        .bind(a["target"].as_str())
                        .bind(a["alias"].as_str())
                        .bind(key)
                        .execute(c)
                        .await.map(|r| r.rows_affected())
                    })?;
                }
            }
            Target::ChartWeek { chart, date } => {
                self.restore_chart_week(*chart, date, snapshot).await?;
            }
            Target::Editor(e) => {
                if snapshot["present"].as_bool().unwrap_or(false) {
                    self.add_editor(*e).await?;
                } else {
                    self.remove_editor(*e).await?;
                }
            }
            Target::FeedPulled(feed) => match snapshot["pulled"].as_str() {
                Some(body) => self.set_feed_pulled(feed, body.as_bytes()).await?,
                None => self.clear_feed_pulled(feed).await?,
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_back() {
        for t in [
            Target::Export {
                period: Period::parse("2023-01/2023-10").unwrap(),
                country: Country::from_code("JP").unwrap(),
            },
            Target::Export {
                period: Period::Half(2023, 1),
                country: Country::WORLD,
            },
            Target::Note(7),
            Target::alias(AliasKind::Act, "Stray Kids"),
            Target::ChartWeek {
                chart: Chart::Hot100,
                date: "2023-04-01".into(),
            },
            Target::Editor(Editor::User(42)),
            Target::Editor(Editor::Role { guild: 1, role: 2 }),
            Target::FeedPulled("exports".into()),
        ] {
            assert_eq!(Target::parse(&t.to_string()), Some(t.clone()), "{t}");
        }
        assert_eq!(Target::parse("exports"), None);
    }
}
