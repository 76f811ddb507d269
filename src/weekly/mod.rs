//! Weekly summary posts: each server's schedule names a weekday and an hour (UTC). A pass looks
//! at the latest slot of every schedule; a slot is claimed in the store before its post is sent
//! (with a nonce), so two passes or two processes never post it twice, a failed post is given
//! back for the next pass, and after downtime only the latest missed slot is posted.

pub mod post;

use chrono::{DateTime, Datelike, Days, SecondsFormat, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::discord::post::{PostError, Poster};
use crate::i18n::Locale;
use crate::reply::Reply;
use crate::store::{Covered, Schedule};

/// A claim older than this belongs to a worker that died mid-post; another may take it over.
const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(10);

/// What a pass did for one server.
#[derive(Debug)]
pub enum Outcome {
    Posted {
        message_id: String,
    },
    /// Nothing new since the last post.
    Skipped,
    /// Already posted or skipped for this slot.
    Done,
    /// Another pass holds the slot.
    Busy,
    /// The schedule's first slot has not come yet.
    NotYet,
    /// The channel is gone or closed to the bot: the schedule is now disabled.
    Disabled {
        reason: String,
    },
    /// The post failed; the slot was given back for the next pass.
    Failed {
        error: String,
    },
    /// A dry run (no Discord connection): the post that would go out, if any.
    WouldPost(Option<Reply>),
}

#[derive(Debug)]
pub struct PassReport {
    pub guild_id: u64,
    pub slot: DateTime<Utc>,
    pub outcome: Outcome,
}

/// The newest scheduled hour at or before `now`.
pub fn latest_slot(weekday: u8, hour: u8, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.date_naive();
    (0..=7)
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|d| d.weekday().num_days_from_monday() == u32::from(weekday))
        .filter_map(|d| d.and_hms_opt(u32::from(hour), 0, 0).map(|t| t.and_utc()))
        .find(|t| *t <= now)
        .expect("a weekday recurs within a week")
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

/// One pass over every enabled schedule at `now`. Without a poster it only reports what would
/// be posted, claiming nothing.
pub async fn run_due(
    app: &App,
    poster: Option<&Poster>,
    now: DateTime<Utc>,
    worker: &str,
) -> anyhow::Result<Vec<PassReport>> {
    let mut reports = Vec::new();
    for schedule in app.store().enabled_schedules().await? {
        let slot = latest_slot(schedule.weekday, schedule.hour, now);
        let outcome = match pass(app, poster, &schedule, slot, now, worker).await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(guild = schedule.guild_id, error = ?e, "the weekly summary pass failed");
                Outcome::Failed {
                    error: e.to_string(),
                }
            }
        };
        reports.push(PassReport {
            guild_id: schedule.guild_id,
            slot,
            outcome,
        });
    }
    Ok(reports)
}

async fn pass(
    app: &App,
    poster: Option<&Poster>,
    s: &Schedule,
    slot: DateTime<Utc>,
    now: DateTime<Utc>,
    worker: &str,
) -> anyhow::Result<Outcome> {
    let store = app.store();
    if slot < s.created_at {
        return Ok(Outcome::NotYet);
    }
    let key = slot_key(slot);
    if store
        .slot_post(s.guild_id, &key)
        .await?
        .is_some_and(|p| p.state != "claimed")
    {
        return Ok(Outcome::Done);
    }
    let locale = Locale::from_discord(&s.locale);
    let previous = store.last_sent_post(s.guild_id).await?;
    let Some(poster) = poster else {
        let post = post::build(app, locale, slot, previous.as_ref()).await?;
        return Ok(Outcome::WouldPost(post.map(|(reply, _)| reply)));
    };
    let nonce = nonce(s.guild_id, &key);
    if !store
        .claim_slot(s.guild_id, &key, worker, &nonce, now, now - CLAIM_LEASE)
        .await?
    {
        return Ok(Outcome::Busy);
    }
    let Some((reply, covered)) = post::build(app, locale, slot, previous.as_ref()).await? else {
        store
            .finish_slot(s.guild_id, &key, "skipped", None, &Covered::default())
            .await?;
        return Ok(Outcome::Skipped);
    };
    match poster.post(s.channel_id, &reply, &nonce).await {
        Ok(message_id) => {
            store
                .finish_slot(s.guild_id, &key, "sent", Some(&message_id), &covered)
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
            store.release_slot(s.guild_id, &key).await?;
            Ok(Outcome::Disabled { reason })
        }
        Err(PostError::Failed(e)) => {
            tracing::warn!(guild = s.guild_id, error = ?e, "posting the weekly summary failed; the next pass retries");
            store.release_slot(s.guild_id, &key).await?;
            Ok(Outcome::Failed {
                error: e.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_latest_slot_is_at_or_before_now() {
        // Monday 12:00 UTC; 2023-07-17 is a Monday.
        assert_eq!(
            latest_slot(0, 12, at("2023-07-17T12:00:00Z")),
            at("2023-07-17T12:00:00Z")
        );
        assert_eq!(
            latest_slot(0, 12, at("2023-07-17T11:59:59Z")),
            at("2023-07-10T12:00:00Z")
        );
        assert_eq!(
            latest_slot(0, 12, at("2023-07-20T08:00:00Z")),
            at("2023-07-17T12:00:00Z")
        );
        assert_eq!(
            latest_slot(6, 23, at("2023-07-17T00:00:00Z")),
            at("2023-07-16T23:00:00Z")
        );
    }

    #[test]
    fn nonces_fit_discord_and_differ_by_slot() {
        let a = nonce(1, "2023-07-17T12:00:00Z");
        assert_eq!(a.len(), 24);
        assert_eq!(a, nonce(1, "2023-07-17T12:00:00Z"));
        assert_ne!(a, nonce(1, "2023-07-24T12:00:00Z"));
        assert_ne!(a, nonce(2, "2023-07-17T12:00:00Z"));
    }
}
