//! Weekly summary posts: each server's schedule names a weekday and an hour (UTC). A pass looks
//! at the latest slot of every schedule; a slot is claimed in the store before its post is sent,
//! so two passes or two processes never post it twice, a failed post is given back for the next
//! pass, and after downtime only the latest missed slot is posted.
//!
//! A post goes out only after its attempt is recorded in the claim. Whoever later holds a slot
//! with an attempt on record (a process that died, or a store too busy to record the answer)
//! reads the channel for the bot's own post of that slot before posting: the post carries the
//! slot as its embed's timestamp. When the channel cannot be read the slot is marked uncertain
//! and left alone: a missing post is better than a second one.
//!
//! A new-chart schedule has no weekday: its slots are chart dates (see [`chart_slot`]), claimed
//! and posted the same way.

pub mod channel;

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use self::channel::{Channel, Found, LookError, PostError};

use crate::app::App;
use crate::commands::weekly_post::{self, latest_slot};
use crate::domain::chart::Chart;
use crate::i18n::Locale;
use crate::reply::Reply;
use crate::store::{ChartArrival, Claim, Schedule, ScheduleKind, SlotEnd, Store};

/// A claim older than this belongs to a worker that died mid-post; another may take it over.
const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(10);
/// A post gives up after about six minutes (five tries of at most 15 s, each perhaps after a
/// 60 s rate-limit wait), so one started later than this after the claim could still be out
/// when the lease ends and another worker, finding nothing yet, posts too.
const LATEST_START: Duration = Duration::from_secs(3 * 60);

/// A new chart date waits this long for the other chart's week of the same date.
const OTHER_CHART_WAIT: TimeDelta = TimeDelta::hours(24);
/// Chart arrivals a pass reads: a few dates, enough to pass over a newest one still waiting.
const ARRIVALS_READ: i64 = 8;

/// A slot a pass may post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Its key in the claims.
    pub key: String,
    /// When it became due: a schedule set up later does not get it.
    pub due: DateTime<Utc>,
    /// The post shows the charts as of this time, and carries it as its mark.
    pub mark: DateTime<Utc>,
}

/// A weekly schedule's latest slot at `now`.
fn weekly_slot(weekday: u8, hour: u8, now: DateTime<Utc>) -> Slot {
    let at = latest_slot(weekday, hour, now);
    Slot {
        key: slot_key(at),
        due: at,
        mark: at,
    }
}

/// A new-chart schedule's slot at `now`: the newest chart date that both charts have, or that
/// one has had for [`OTHER_CHART_WAIT`]. Its key (`chart:` and the date) differs from every
/// weekly key, and its due time does not move when the late chart comes after all.
pub fn chart_slot(arrivals: &[ChartArrival], now: DateTime<Utc>) -> Option<Slot> {
    let mut by_date: BTreeMap<&str, Vec<DateTime<Utc>>> = BTreeMap::new();
    for a in arrivals.iter().filter(|a| a.first_stored_at <= now) {
        by_date
            .entry(&a.chart_date)
            .or_default()
            .push(a.first_stored_at);
    }
    by_date.into_iter().rev().find_map(|(date, times)| {
        let first = *times.iter().min()?;
        let waited = first + OTHER_CHART_WAIT;
        let due = if times.len() == Chart::ALL.len() {
            waited.min(*times.iter().max()?)
        } else {
            waited
        };
        let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        (due <= now).then(|| Slot {
            key: format!("chart:{date}"),
            due,
            mark: day.and_time(chrono::NaiveTime::MIN).and_utc(),
        })
    })
}

/// What a pass did for one server.
#[derive(Debug)]
pub enum Outcome {
    Posted {
        message_id: String,
    },
    /// An earlier attempt had posted it: found in the channel and recorded, not posted again.
    Found {
        message_id: String,
    },
    /// Nothing new since the last post.
    Skipped,
    /// Already posted, skipped or marked uncertain for this slot.
    Done,
    /// Another pass holds the slot.
    Busy,
    /// The schedule's first slot has not come yet.
    NotYet,
    /// The channel is gone or closed to the bot: the schedule is now disabled.
    Disabled {
        reason: String,
    },
    /// An earlier attempt may have posted it and the channel could not be checked: the slot
    /// is left unposted rather than risk posting it twice.
    Uncertain {
        reason: String,
    },
    /// The post failed; the slot was given back for the next pass.
    Failed {
        error: String,
    },
    /// A dry run (no Discord connection): the post that would go out, if any.
    WouldPost(Option<Reply>),
}

impl Outcome {
    /// How the metrics count a pass that did something: None for one that found nothing to do.
    fn counted(&self) -> Option<&'static str> {
        match self {
            Outcome::Posted { .. } => Some("sent"),
            Outcome::Found { .. } => Some("found"),
            Outcome::Skipped => Some("skipped"),
            Outcome::Disabled { .. } => Some("disabled"),
            Outcome::Uncertain { .. } => Some("uncertain"),
            Outcome::Failed { .. } => Some("failed"),
            Outcome::Done | Outcome::Busy | Outcome::NotYet | Outcome::WouldPost(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct PassReport {
    pub guild_id: u64,
    pub slot: DateTime<Utc>,
    pub outcome: Outcome,
}

fn slot_key(slot: DateTime<Utc>) -> String {
    slot.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One nonce per server and slot (Discord takes at most 25 characters): a retry of the same
/// post, from any process, is recognised.
fn nonce(guild: u64, slot: &str) -> String {
    let digest = Sha256::digest(format!("{guild}/{slot}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// This process's name in claims: `kind`, the process id, and the time the process first
/// asked. PIDs are reused, so a restarted process must not pass for the one that died.
pub fn worker_id(kind: &str) -> String {
    static STARTED: OnceLock<u128> = OnceLock::new();
    let started = STARTED.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    });
    format!("{kind}-{}-{started:x}", std::process::id())
}

/// Whether a message read back from Discord is the post of `slot`: its embed carries the slot
/// as its timestamp (the author is checked by [`Channel::find_own`]).
fn is_post_of(message: &Value, slot: DateTime<Utc>) -> bool {
    message["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["timestamp"].as_str())
        .filter_map(|t| DateTime::parse_from_rfc3339(t).ok())
        .any(|t| t == slot)
}

/// Removes the schedules of servers the bot is no longer in: every scheduled server `ours`
/// (on the shards whose servers `present` lists) not among `present`. Returns them.
pub async fn forget_left_servers(
    store: &Store,
    present: &HashSet<u64>,
    ours: impl Fn(u64) -> bool,
) -> anyhow::Result<Vec<u64>> {
    let mut removed = Vec::new();
    for guild in store.schedule_guilds().await? {
        if ours(guild) && !present.contains(&guild) && store.remove_schedule(guild).await? {
            removed.push(guild);
        }
    }
    Ok(removed)
}

/// One pass over every enabled schedule at `now`. Without a poster it only reports what would
/// be posted, claiming nothing.
pub async fn run_due<C: Channel>(
    app: &App,
    poster: Option<&C>,
    now: DateTime<Utc>,
    worker: &str,
) -> anyhow::Result<Vec<PassReport>> {
    let mut reports = Vec::new();
    let schedules = app.store().enabled_schedules().await?;
    let arrivals = if schedules.iter().any(|s| s.kind == ScheduleKind::NewChart) {
        app.store().newest_chart_arrivals(ARRIVALS_READ).await?
    } else {
        Vec::new()
    };
    for schedule in schedules {
        let slot = match schedule.kind {
            ScheduleKind::Weekly => Some(weekly_slot(schedule.weekday, schedule.hour, now)),
            ScheduleKind::NewChart => chart_slot(&arrivals, now),
        };
        let outcome = match &slot {
            None => Outcome::NotYet,
            Some(slot) => match pass(app, poster, &schedule, slot, now, worker).await {
                Ok(o) => o,
                Err(e) => {
                    tracing::error!(guild = schedule.guild_id, error = ?e, "the weekly summary pass failed");
                    Outcome::Failed {
                        error: e.to_string(),
                    }
                }
            },
        };
        if let Some(label) = outcome.counted() {
            crate::telemetry::weekly_post(label);
        }
        reports.push(PassReport {
            guild_id: schedule.guild_id,
            // A new-chart schedule with no chart date due yet reports the pass's time.
            slot: slot.map_or(now, |s| s.mark),
            outcome,
        });
    }
    Ok(reports)
}

// long: claim, attempt, post and record one slot in order; each step depends on the last.
async fn pass<C: Channel>(
    app: &App,
    poster: Option<&C>,
    s: &Schedule,
    slot: &Slot,
    now: DateTime<Utc>,
    worker: &str,
) -> anyhow::Result<Outcome> {
    let store = app.store();
    if slot.due < s.created_at {
        return Ok(Outcome::NotYet);
    }
    let key = slot.key.clone();
    if store
        .slot_post(s.guild_id, &key)
        .await?
        .is_some_and(|p| p.is_final())
    {
        return Ok(Outcome::Done);
    }
    let locale = Locale::from_discord(&s.locale);
    let previous = store.last_sent_post(s.guild_id).await?;
    let Some(poster) = poster else {
        let post = weekly_post::build(app, locale, slot.mark, previous.as_ref(), None).await?;
        return Ok(Outcome::WouldPost(post.map(|(reply, _)| reply)));
    };
    let nonce = nonce(s.guild_id, &key);
    let Some(claim) = store
        .claim_slot(s.guild_id, &key, worker, &nonce, now, now - CLAIM_LEASE)
        .await?
    else {
        return Ok(Outcome::Busy);
    };
    let claimed = Instant::now();
    let held = Held {
        store,
        guild: s.guild_id,
        slot: &key,
        worker,
    };
    if let Some(attempted_at) = claim.attempted_at
        && let Some(outcome) = look_first(&held, poster, s, slot.mark, attempted_at, &claim).await?
    {
        return Ok(outcome);
    }
    let Some((reply, covered)) =
        weekly_post::build(app, locale, slot.mark, previous.as_ref(), None).await?
    else {
        held.finish(SlotEnd::Skipped).await?;
        return Ok(Outcome::Skipped);
    };
    let reply = marked(reply, slot.mark);
    if claimed.elapsed() > LATEST_START {
        // Slow reads or a busy store: too late to post within the lease. The next pass tries.
        held.release(claim.attempted_at.is_some()).await?;
        return Ok(Outcome::Busy);
    }
    // On record before it is sent: if this process dies or cannot record the answer, whoever
    // takes the slot over knows to look first.
    if !store
        .start_attempt(s.guild_id, &key, worker, Utc::now(), &covered)
        .await?
    {
        return Ok(Outcome::Busy);
    }
    match poster.post(s.channel_id, &reply, &nonce).await {
        Ok(message_id) => {
            held.finish(SlotEnd::Sent {
                message_id: &message_id,
                covered: &covered,
            })
            .await?;
            tracing::info!(guild = s.guild_id, slot = %key, "posted the weekly summary");
            Ok(Outcome::Posted { message_id })
        }
        Err(PostError::Gone(reason)) => {
            tracing::warn!(
                guild = s.guild_id,
                channel = s.channel_id,
                reason,
                "the summary channel is gone; disabling the schedule"
            );
            store.disable_schedule(s.guild_id, &reason).await?;
            held.release(claim.attempted_at.is_some()).await?;
            Ok(Outcome::Disabled { reason })
        }
        Err(e) => {
            let may_have_posted =
                claim.attempted_at.is_some() || matches!(e, PostError::Unknown(_));
            tracing::warn!(guild = s.guild_id, error = ?e, "posting the weekly summary failed; the next pass retries");
            held.release(may_have_posted).await?;
            Ok(Outcome::Failed {
                error: e.to_string(),
            })
        }
    }
}

/// A slot this worker has claimed.
struct Held<'a> {
    store: &'a Store,
    guild: u64,
    slot: &'a str,
    worker: &'a str,
}

impl Held<'_> {
    async fn finish(&self, end: SlotEnd<'_>) -> anyhow::Result<()> {
        if !self
            .store
            .finish_slot(self.guild, self.slot, self.worker, end)
            .await?
        {
            // Another worker took the claim over (this one outlived its lease); that one
            // looks in the channel before posting, so the record is left to it.
            tracing::warn!(
                guild = self.guild,
                slot = self.slot,
                "the slot's claim was taken over; not recording"
            );
        }
        Ok(())
    }

    async fn release(&self, may_have_posted: bool) -> anyhow::Result<()> {
        self.store
            .release_slot(self.guild, self.slot, self.worker, may_have_posted)
            .await?;
        Ok(())
    }
}

/// An earlier attempt may have posted this slot: records the post when it is in the channel,
/// marks the slot uncertain when the channel cannot be read, and returns None when the slot
/// should be posted now.
async fn look_first(
    held: &Held<'_>,
    poster: &impl Channel,
    s: &Schedule,
    slot: DateTime<Utc>,
    attempted_at: DateTime<Utc>,
    claim: &Claim,
) -> anyhow::Result<Option<Outcome>> {
    match poster
        .find_own(s.channel_id, attempted_at, |m| is_post_of(m, slot))
        .await
    {
        Ok(Found::Message(message_id)) => {
            held.finish(SlotEnd::Sent {
                message_id: &message_id,
                covered: &claim.covered,
            })
            .await?;
            tracing::info!(
                guild = s.guild_id,
                slot = held.slot,
                "an earlier attempt had posted the weekly summary; recorded it"
            );
            Ok(Some(Outcome::Found { message_id }))
        }
        Ok(Found::NotThere) => Ok(None),
        Err(LookError::Unreadable(reason)) => {
            tracing::warn!(
                guild = s.guild_id,
                channel = s.channel_id,
                slot = held.slot,
                reason,
                "an earlier attempt may have posted this weekly summary and the channel cannot be read; not posting it again (the bot needs Read Message History)"
            );
            held.finish(SlotEnd::Uncertain { reason: &reason }).await?;
            Ok(Some(Outcome::Uncertain { reason }))
        }
        Err(LookError::Failed(e)) => {
            tracing::warn!(guild = s.guild_id, error = ?e, "looking for an earlier weekly post failed; the next pass retries");
            held.release(true).await?;
            Ok(Some(Outcome::Failed {
                error: e.to_string(),
            }))
        }
    }
}

/// The post with its slot as the embed's timestamp: the mark it is found by in the channel.
fn marked(mut reply: Reply, slot: DateTime<Utc>) -> Reply {
    if let Some(embed) = reply.embeds.first_mut() {
        embed.timestamp = Some(slot);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn nonces_fit_discord_and_differ_by_slot() {
        let a = nonce(1, "2023-07-17T12:00:00Z");
        assert_eq!(a.len(), 24);
        assert_eq!(a, nonce(1, "2023-07-17T12:00:00Z"));
        assert_ne!(a, nonce(1, "2023-07-24T12:00:00Z"));
        assert_ne!(a, nonce(2, "2023-07-17T12:00:00Z"));
    }

    #[test]
    fn a_post_is_known_by_its_slot() {
        let slot = at("2023-07-17T12:00:00Z");
        let post = |timestamp: &str| serde_json::json!({"embeds": [{"title": "K-pop this week", "timestamp": timestamp}]});
        // Discord gives timestamps back in its own spelling.
        assert!(is_post_of(&post("2023-07-17T12:00:00+00:00"), slot));
        assert!(is_post_of(&post("2023-07-17T12:00:00Z"), slot));
        assert!(!is_post_of(&post("2023-07-10T12:00:00+00:00"), slot));
        assert!(!is_post_of(
            &serde_json::json!({"embeds": [{"title": "x"}]}),
            slot
        ));
        assert!(!is_post_of(
            &serde_json::json!({"content": "2023-07-17T12:00:00Z"}),
            slot
        ));
    }

    fn arrived(date: &str, chart: Chart, time: &str) -> ChartArrival {
        ChartArrival {
            chart_date: date.into(),
            chart,
            first_stored_at: at(time),
        }
    }

    #[test]
    fn a_chart_date_is_due_when_both_charts_have_it_or_a_day_after_the_first() {
        let old = [
            arrived("2023-07-08", Chart::Hot100, "2023-07-04T10:00:00Z"),
            arrived("2023-07-08", Chart::Billboard200, "2023-07-04T12:00:00Z"),
        ];
        let mut arrivals = vec![arrived("2023-07-15", Chart::Hot100, "2023-07-11T10:00:00Z")];
        arrivals.extend(old.clone());
        let slot = |now: &str, a: &[ChartArrival]| chart_slot(a, at(now)).map(|s| (s.key, s.due));
        // One chart for less than a day: the date before is the newest due.
        assert_eq!(
            slot("2023-07-12T09:59:00Z", &arrivals),
            Some(("chart:2023-07-08".into(), at("2023-07-04T12:00:00Z")))
        );
        assert_eq!(
            slot("2023-07-12T10:00:00Z", &arrivals),
            Some(("chart:2023-07-15".into(), at("2023-07-12T10:00:00Z")))
        );
        // Both: due when the second came.
        arrivals.push(arrived(
            "2023-07-15",
            Chart::Billboard200,
            "2023-07-11T11:00:00Z",
        ));
        assert_eq!(
            slot("2023-07-11T11:00:00Z", &arrivals),
            Some(("chart:2023-07-15".into(), at("2023-07-11T11:00:00Z")))
        );
        // The second a day late or later: still due when the wait ran out, as it was posted.
        arrivals.pop();
        arrivals.push(arrived(
            "2023-07-15",
            Chart::Billboard200,
            "2023-07-13T00:00:00Z",
        ));
        assert_eq!(
            slot("2023-07-14T00:00:00Z", &arrivals),
            Some(("chart:2023-07-15".into(), at("2023-07-12T10:00:00Z")))
        );
        // Nothing stored yet at `now`.
        assert_eq!(slot("2023-07-01T00:00:00Z", &arrivals), None);
        let s = chart_slot(&old, at("2023-07-05T00:00:00Z")).unwrap();
        assert_eq!(
            s.mark,
            at("2023-07-08T00:00:00Z"),
            "marked with the chart date"
        );
    }

    #[test]
    fn worker_ids_name_the_process_start() {
        let id = worker_id("bot");
        assert_eq!(id, worker_id("bot"), "one id for the life of the process");
        assert!(id.starts_with(&format!("bot-{}-", std::process::id())));
        assert!(id.len() > format!("bot-{}-", std::process::id()).len());
    }
}
