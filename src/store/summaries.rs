//! Weekly summary schedules, and the posts claimed for their slots.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, bad_value, row_from_raw};

/// When a server's summary is posted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScheduleKind {
    /// On the schedule's weekday and hour.
    #[default]
    Weekly,
    /// Once per chart date, when both charts have it or a day after the first did.
    NewChart,
}

impl ScheduleKind {
    pub const SLUGS: [&'static str; 2] = ["weekly", "new-chart"];

    pub fn slug(self) -> &'static str {
        match self {
            ScheduleKind::Weekly => "weekly",
            ScheduleKind::NewChart => "new-chart",
        }
    }

    pub fn parse(text: &str) -> Option<ScheduleKind> {
        match text.trim().to_lowercase().as_str() {
            "weekly" => Some(ScheduleKind::Weekly),
            "new-chart" => Some(ScheduleKind::NewChart),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub guild_id: u64,
    pub channel_id: u64,
    pub kind: ScheduleKind,
    /// 0 = Monday. Unused (0) by new-chart schedules.
    pub weekday: u8,
    /// UTC. Unused (0) by new-chart schedules.
    pub hour: u8,
    pub locale: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ScheduleRow {
    guild_id: String,
    channel_id: String,
    kind: String,
    weekday: i64,
    hour: i64,
    locale: String,
    enabled: bool,
    disabled_reason: Option<String>,
    created_at: String,
}

row_from_raw!(Schedule, ScheduleRow);

impl TryFrom<ScheduleRow> for Schedule {
    type Error = sqlx::Error;

    fn try_from(r: ScheduleRow) -> Result<Schedule, sqlx::Error> {
        let bad = |column: &'static str, value: &dyn ToString| {
            bad_value("summary_schedules", column, &value.to_string())
        };
        Ok(Schedule {
            guild_id: r
                .guild_id
                .parse()
                .map_err(|_| bad("guild_id", &r.guild_id))?,
            channel_id: r
                .channel_id
                .parse()
                .map_err(|_| bad("channel_id", &r.channel_id))?,
            kind: ScheduleKind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            weekday: u8::try_from(r.weekday).map_err(|_| bad("weekday", &r.weekday))?,
            hour: u8::try_from(r.hour).map_err(|_| bad("hour", &r.hour))?,
            locale: r.locale,
            enabled: r.enabled,
            disabled_reason: r.disabled_reason,
            created_at: DateTime::parse_from_rfc3339(&r.created_at)
                .map_err(|_| bad("created_at", &r.created_at))?
                .with_timezone(&Utc),
        })
    }
}

/// Where a slot's post stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum PostState {
    /// A worker holds it.
    Claimed,
    /// Given back after an attempt that may have reached Discord.
    Released,
    Sent,
    /// Nothing new to post.
    Skipped,
    /// An earlier attempt may have posted it and the channel could not be checked.
    Uncertain,
}

/// A post of one slot, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PostRow {
    pub slot: String,
    pub state: PostState,
    pub message_id: Option<String>,
    pub hot100_week: Option<String>,
    pub b200_week: Option<String>,
    pub facts_through: Option<i64>,
    /// Why a slot is uncertain.
    pub note: Option<String>,
}

impl PostRow {
    /// Nothing more happens to this slot.
    pub fn is_final(&self) -> bool {
        matches!(
            self.state,
            PostState::Sent | PostState::Skipped | PostState::Uncertain
        )
    }
}

/// What a sent post covered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Covered {
    pub hot100_week: Option<String>,
    pub b200_week: Option<String>,
    pub facts_through: Option<i64>,
}

/// A slot a worker holds now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claim {
    /// When an earlier attempt to post this slot started: that post may be in the channel.
    pub attempted_at: Option<DateTime<Utc>>,
    /// What that attempt's post covered.
    pub covered: Covered,
}

#[derive(FromRow)]
struct ClaimRow {
    attempted_at: Option<String>,
    hot100_week: Option<String>,
    b200_week: Option<String>,
    facts_through: Option<i64>,
}

/// How a claimed slot ends.
#[derive(Clone, Copy, Debug)]
pub enum SlotEnd<'a> {
    Sent {
        message_id: &'a str,
        covered: &'a Covered,
    },
    /// Nothing new to post.
    Skipped,
    /// An earlier attempt may have posted it and the channel could not be checked.
    Uncertain { reason: &'a str },
}

const POST_COLUMNS: &str = "slot, state, message_id, hot100_week, b200_week, facts_through, note";

const SCHEDULE_COLUMNS: &str =
    "guild_id, channel_id, kind, weekday, hour, locale, enabled, disabled_reason, created_at";

impl Store {
    /// Creates or replaces a server's schedule, enabled.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_schedule(&self, s: &Schedule) -> anyhow::Result<()> {
        on!(self.writer().await?.conn(), |c| {
            sqlx::query(
                "INSERT INTO summary_schedules (guild_id, channel_id, weekday, hour, locale, enabled, disabled_reason, created_at, kind)
                 VALUES ($1, $2, $3, $4, $5, TRUE, NULL, $6, $7)
                 ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, kind = excluded.kind, weekday = excluded.weekday,
                    hour = excluded.hour, locale = excluded.locale, enabled = TRUE, disabled_reason = NULL,
                    created_at = excluded.created_at",
            )
            .bind(s.guild_id.to_string())
            .bind(s.channel_id.to_string())
            .bind(i64::from(s.weekday))
            .bind(i64::from(s.hour))
            .bind(&s.locale)
            .bind(s.created_at.to_rfc3339())
            .bind(s.kind.slug())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn schedule(&self, guild: u64) -> anyhow::Result<Option<Schedule>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {SCHEDULE_COLUMNS} FROM summary_schedules WHERE guild_id = $1"
            ))
        )
        .bind(guild.to_string())
        .fetch_optional(c)
        .await)?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn enabled_schedules(&self) -> anyhow::Result<Vec<Schedule>> {
        Ok(on!(self.readers(), |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {SCHEDULE_COLUMNS} FROM summary_schedules WHERE enabled = TRUE ORDER BY guild_id"
            ))).fetch_all(c).await
        })?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn disable_schedule(&self, guild: u64, reason: &str) -> anyhow::Result<()> {
        on!(self.writer().await?.conn(), |c| {
            sqlx::query(
                "UPDATE summary_schedules SET enabled = FALSE, disabled_reason = $1 WHERE guild_id = $2",
            )
            .bind(reason)
            .bind(guild.to_string())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Forgets a server's schedule and its posts; returns whether it had one.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_schedule(&self, guild: u64) -> anyhow::Result<bool> {
        let mut tx = self.begin_quiet().await?;
        on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM summary_posts WHERE guild_id = $1"
        )
        .bind(guild.to_string())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let done = on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM summary_schedules WHERE guild_id = $1"
        )
        .bind(guild.to_string())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(done == 1)
    }

    /// Every server with a schedule, enabled or not.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn schedule_guilds(&self) -> anyhow::Result<Vec<u64>> {
        let ids: Vec<String> = on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT guild_id FROM summary_schedules ORDER BY guild_id"
        )
        .fetch_all(c)
        .await)?;
        ids.iter()
            .map(|id| {
                id.parse()
                    .map_err(|_| bad_value("summary_schedules", "guild_id", id).into())
            })
            .collect()
    }

    /// Claims a slot for `worker`: Some when this call holds it now, either new, given back,
    /// or taken over from a claim older than `stale_before` (a worker that died mid-post).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn claim_slot(
        &self,
        guild: u64,
        slot: &str,
        worker: &str,
        nonce: &str,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> anyhow::Result<Option<Claim>> {
        let inserted = on!(self.writer().await?.conn(), |c| sqlx::query(
            "INSERT INTO summary_posts (guild_id, slot, state, claimed_by, claimed_at, nonce)
             VALUES ($1, $2, 'claimed', $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(guild.to_string())
        .bind(slot)
        .bind(worker)
        .bind(now.to_rfc3339())
        .bind(nonce)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(Some(Claim::default()));
        }
        // One statement, so two workers cannot both take the same claim over.
        let taken: Option<ClaimRow> = on!(self.writer().await?.conn(), |c| sqlx::query_as(
            "UPDATE summary_posts SET state = 'claimed', claimed_by = $1, claimed_at = $2
             WHERE guild_id = $3 AND slot = $4
               AND (state = 'released' OR (state = 'claimed' AND claimed_at < $5))
             RETURNING attempted_at, hot100_week, b200_week, facts_through",
        )
        .bind(worker)
        .bind(now.to_rfc3339())
        .bind(guild.to_string())
        .bind(slot)
        .bind(stale_before.to_rfc3339())
        .fetch_optional(c)
        .await)?;
        Ok(taken.map(|row| Claim {
            // A time that does not parse still says an attempt was made.
            attempted_at: row.attempted_at.map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc))
            }),
            covered: Covered {
                hot100_week: row.hot100_week,
                b200_week: row.b200_week,
                facts_through: row.facts_through,
            },
        }))
    }

    /// Records, before the post is sent, that `worker` is about to post its slot (at `at`,
    /// covering `covered`); false when the claim is no longer this worker's.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn start_attempt(
        &self,
        guild: u64,
        slot: &str,
        worker: &str,
        at: DateTime<Utc>,
        covered: &Covered,
    ) -> anyhow::Result<bool> {
        let done = on!(self.writer().await?.conn(), |c| {
            sqlx::query(
                "UPDATE summary_posts SET attempted_at = $1, hot100_week = $2, b200_week = $3, facts_through = $4
                 WHERE guild_id = $5 AND slot = $6 AND state = 'claimed' AND claimed_by = $7",
            )
            .bind(at.to_rfc3339())
            .bind(&covered.hot100_week)
            .bind(&covered.b200_week)
            .bind(covered.facts_through)
            .bind(guild.to_string())
            .bind(slot)
            .bind(worker)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Records how `worker`'s claim of a slot ended; false (and nothing changed) when the
    /// claim is not this worker's.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn finish_slot(
        &self,
        guild: u64,
        slot: &str,
        worker: &str,
        end: SlotEnd<'_>,
    ) -> anyhow::Result<bool> {
        let none = Covered::default();
        let (state, message_id, covered, note) = match end {
            SlotEnd::Sent {
                message_id,
                covered,
            } => ("sent", Some(message_id), covered, None),
            SlotEnd::Skipped => ("skipped", None, &none, None),
            SlotEnd::Uncertain { reason } => ("uncertain", None, &none, Some(reason)),
        };
        let done = on!(self.writer().await?.conn(), |c| {
            sqlx::query(
                "UPDATE summary_posts SET state = $1, message_id = $2, hot100_week = $3, b200_week = $4,
                    facts_through = $5, note = $6
                 WHERE guild_id = $7 AND slot = $8 AND state = 'claimed' AND claimed_by = $9",
            )
            .bind(state)
            .bind(message_id)
            .bind(&covered.hot100_week)
            .bind(&covered.b200_week)
            .bind(covered.facts_through)
            .bind(note)
            .bind(guild.to_string())
            .bind(slot)
            .bind(worker)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Gives `worker`'s claim of a slot back, so a later pass tries again. When a post may
    /// have reached Discord the row stays (`released`, with its attempt), so that pass looks in
    /// the channel first. False when the claim is not this worker's.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn release_slot(
        &self,
        guild: u64,
        slot: &str,
        worker: &str,
        may_have_posted: bool,
    ) -> anyhow::Result<bool> {
        let sql = if may_have_posted {
            "UPDATE summary_posts SET state = 'released'
             WHERE guild_id = $1 AND slot = $2 AND state = 'claimed' AND claimed_by = $3"
        } else {
            "DELETE FROM summary_posts
             WHERE guild_id = $1 AND slot = $2 AND state = 'claimed' AND claimed_by = $3"
        };
        let done = on!(self.writer().await?.conn(), |c| sqlx::query(sql)
            .bind(guild.to_string())
            .bind(slot)
            .bind(worker)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn slot_post(&self, guild: u64, slot: &str) -> anyhow::Result<Option<PostRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {POST_COLUMNS} FROM summary_posts WHERE guild_id = $1 AND slot = $2"
            ))
        )
        .bind(guild.to_string())
        .bind(slot)
        .fetch_optional(c)
        .await)?)
    }

    /// The server's latest sent post. By claim time first: weekly slots and chart dates
    /// (`chart:…`) do not sort together, and a server may switch from one to the other.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn last_sent_post(&self, guild: u64) -> anyhow::Result<Option<PostRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {POST_COLUMNS} FROM summary_posts
             WHERE guild_id = $1 AND state = 'sent' ORDER BY claimed_at DESC, slot DESC LIMIT 1"
            ))
        )
        .bind(guild.to_string())
        .fetch_optional(c)
        .await)?)
    }

    /// The newest chart dates still stored, newest first, each chart's with when it was first
    /// stored: at most `limit` rows, enough for a new-chart schedule to find its latest date.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn newest_chart_arrivals(&self, limit: i64) -> anyhow::Result<Vec<ChartArrival>> {
        // A week taken away again (an undone import) is not there to post.
        let rows: Vec<(String, crate::domain::chart::Chart, String)> = on!(self.readers(), |c| {
            sqlx::query_as(
                "SELECT a.chart_date, a.chart, a.first_stored_at FROM chart_date_arrivals a
                 WHERE EXISTS (SELECT 1 FROM chart_entries e WHERE e.chart = a.chart AND e.chart_date = a.chart_date)
                 ORDER BY a.chart_date DESC, a.chart LIMIT $1",
            )
            .bind(limit)
            .fetch_all(c)
            .await
        })?;
        rows.into_iter()
            .map(|(chart_date, chart, at)| {
                let first_stored_at = DateTime::parse_from_rfc3339(&at)
                    .map_err(|_| bad_value("chart_date_arrivals", "first_stored_at", &at))?
                    .with_timezone(&Utc);
                Ok(ChartArrival {
                    chart_date,
                    chart,
                    first_stored_at,
                })
            })
            .collect()
    }

    /// The newest week of a chart on or before `date` (YYYY-MM-DD).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn chart_week_on_or_before(
        &self,
        chart: crate::domain::chart::Chart,
        date: &str,
    ) -> anyhow::Result<Option<String>> {
        Ok(on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT max(chart_date) FROM chart_entries WHERE chart = $1 AND chart_date <= $2",
        )
        .bind(chart)
        .bind(date)
        .fetch_one(c)
        .await)?)
    }

    /// Changes to facts (exports, notes, aliases) after change `after`, made at or after
    /// `since` (RFC 3339), oldest first.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn fact_changes(
        &self,
        after: i64,
        since: &str,
        until: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<super::AuditEntry>> {
        // Times are RFC 3339 text, so "9" sorts after every one of them.
        let until = until.unwrap_or("9");
        Ok(on!(self.readers(), |c| {
            sqlx::query_as(
                "SELECT id, at, actor, guild_id, action, target, before, after, undoes, batch FROM audit_log
                 WHERE id > $1 AND at >= $2 AND at <= $4 AND actor <> 'seed'
                   AND (target LIKE 'export:%' OR target LIKE 'note:%' OR target LIKE 'alias:%')
                 ORDER BY id LIMIT $3",
            )
            .bind(after)
            .bind(since)
            .bind(limit)
            .bind(until)
            .fetch_all(c)
            .await
        })?)
    }

    /// The K-pop rows of one chart week, best first, each with its best position before.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn kpop_week(
        &self,
        chart: crate::domain::chart::Chart,
        date: &str,
    ) -> anyhow::Result<Vec<WeekEntry>> {
        Ok(on!(self.readers(), |c| {
            sqlx::query_as(
                "SELECT e.position, e.title, e.credit, e.last_week, e.peak, e.weeks_on_chart,
                        (SELECT min(p.position) FROM chart_entries p
                         WHERE p.song_id = e.song_id AND p.chart_date < e.chart_date) AS best_before
                 FROM chart_entries e
                 WHERE e.chart = $1 AND e.chart_date = $2
                   AND e.song_id IN (SELECT sa.song_id FROM song_acts sa JOIN acts a ON a.id = sa.act_id WHERE a.is_kpop = TRUE)
                 ORDER BY e.position",
            )
            .bind(chart)
            .bind(date)
            .fetch_all(c)
            .await
        })?)
    }
}

/// A K-pop entry of a chart week, with what it needs to show its movement.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct WeekEntry {
    pub position: i64,
    pub title: String,
    pub credit: String,
    pub last_week: Option<i64>,
    pub peak: Option<i64>,
    pub weeks_on_chart: Option<i64>,
    /// The run's best position in earlier weeks.
    pub best_before: Option<i64>,
}

/// When a chart's week was first stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartArrival {
    /// YYYY-MM-DD.
    pub chart_date: String,
    pub chart: crate::domain::chart::Chart,
    pub first_stored_at: DateTime<Utc>,
}
