//! Which gateway shards this process serves: Discord's recommendation or the operator's range,
//! and the leases in the store that keep two processes off the same shard.

use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use chrono::Utc;
use serenity::http::Http;
use tokio::sync::watch;

use crate::store::{Lease, Store};

/// Shards `first` to `last` (inclusive) of a bot running `count` in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardRange {
    first: u32,
    last: u32,
    count: u32,
}

impl ShardRange {
    /// `first..=last` of `count`; None unless `first <= last < count`.
    pub fn new(first: u32, last: u32, count: u32) -> Option<ShardRange> {
        (first <= last && last < count).then_some(ShardRange { first, last, count })
    }

    /// Every shard of a bot running `count` (at least one).
    pub fn all(count: u32) -> ShardRange {
        let count = count.max(1);
        ShardRange {
            first: 0,
            last: count - 1,
            count,
        }
    }

    pub fn first(self) -> u32 {
        self.first
    }

    pub fn last(self) -> u32 {
        self.last
    }

    pub fn count(self) -> u32 {
        self.count
    }

    pub fn shards(self) -> RangeInclusive<u32> {
        self.first..=self.last
    }

    /// How many shards the range holds.
    pub fn held(self) -> u32 {
        self.last - self.first + 1
    }

    /// Whether the events of `guild` come on one of these shards: Discord's rule.
    pub fn holds_guild(self, guild: u64) -> bool {
        let shard = (guild >> 22) % u64::from(self.count);
        (u64::from(self.first)..=u64::from(self.last)).contains(&shard)
    }
}

impl std::fmt::Display for ShardRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shards {}-{} of {}", self.first, self.last, self.count)
    }
}

/// `FIRST-LAST` as `run --shards` takes it (`3` alone is `3-3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpan {
    pub first: u32,
    pub last: u32,
}

impl std::str::FromStr for ShardSpan {
    type Err = String;

    fn from_str(s: &str) -> Result<ShardSpan, String> {
        let number = |n: &str| {
            n.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{s}` is not FIRST-LAST, e.g. 0-3 (shard numbers from 0)"))
        };
        let (first, last) = match s.split_once('-') {
            Some((first, last)) => (number(first)?, number(last)?),
            None => (number(s)?, number(s)?),
        };
        if first > last {
            return Err(format!("`{s}`: the first shard comes after the last"));
        }
        Ok(ShardSpan { first, last })
    }
}

/// How the process chooses its shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharding {
    /// All of them, as many as Discord recommends; re-asked once if Discord says too few.
    Auto,
    /// The operator's range, part of a bot that other processes serve the rest of.
    Fixed(ShardRange),
}

/// Every shard Discord recommends for the bot (`GET /gateway/bot`), once its session-start
/// budget allows starting them all: when fewer starts remain than shards, it waits for the
/// budget to reset. None when shutdown is asked for meanwhile.
pub async fn recommended(
    http: &Http,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<Option<ShardRange>> {
    let gateway = http
        .get_bot_gateway()
        .await
        .context("GET /gateway/bot failed: the number of shards to run is unknown")?;
    let limit = &gateway.session_start_limit;
    let range = ShardRange::all(gateway.shards);
    tracing::info!(
        shards = range.count(),
        max_concurrency = limit.max_concurrency,
        session_starts_left = limit.remaining,
        "Discord's recommendation"
    );
    if u64::from(range.count()) > limit.remaining {
        let wait = Duration::from_millis(limit.reset_after);
        tracing::warn!(
            shards = range.count(),
            session_starts_left = limit.remaining,
            minutes = wait.as_secs() / 60,
            "too few session starts left today for every shard; waiting for the budget to reset"
        );
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return Ok(None),
        }
    }
    Ok(Some(range))
}

/// This process's name in leases and claims: host, PID and start, so that a restarted
/// process (which may get the PID of one that died) is not taken for it.
pub fn process_name() -> String {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown-host".to_string());
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        format!("{host} PID {} (started {started:x})", std::process::id())
    })
    .clone()
}

/// How long a lease lasts unless renewed: a process killed outright frees its shards within
/// this. Renewed three times as often, so a slow store round trip does not lose it.
pub const LEASE_TERM: Duration = Duration::from_secs(30);
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// This process's hold on its shards: renewed in the background until [`Leases::release`].
pub struct Leases {
    store: Store,
    holder: String,
    renewing: tokio::task::JoinHandle<()>,
    lost: watch::Receiver<bool>,
}

impl Leases {
    /// Takes `range` for this process, or returns the live lease of another one in the way.
    /// `sole` says no other process can share the store (SQLite under its run lock): leases left
    /// by a process that died there are dropped at once rather than waited out.
    pub async fn take(
        store: &Store,
        range: ShardRange,
        sole: bool,
    ) -> anyhow::Result<Result<Leases, Lease>> {
        let holder = process_name();
        if sole {
            store.forget_shard_leases().await?;
        }
        let now = Utc::now();
        let until = now + LEASE_TERM;
        if let Err(other) = store
            .take_shards(range.shards(), range.count(), &holder, now, until)
            .await?
        {
            return Ok(Err(other));
        }
        let (lost_tx, lost) = watch::channel(false);
        let renewing = tokio::spawn(renew(
            store.clone(),
            holder.clone(),
            u64::from(range.held()),
            lost_tx,
        ));
        Ok(Ok(Leases {
            store: store.clone(),
            holder,
            renewing,
            lost,
        }))
    }

    /// Resolves if another process has taken over a shard of ours (our lease lapsed while the
    /// store was out of reach): this process must stop serving at once.
    pub async fn lost(&mut self) {
        if self.lost.wait_for(|lost| *lost).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Stops renewing and gives the shards back, for the next process to take at once.
    pub async fn release(self) {
        self.renewing.abort();
        if let Err(e) = self.store.release_shards(&self.holder).await {
            tracing::warn!(error = ?e, "giving the shard leases back failed; they lapse by themselves");
        }
    }
}

async fn renew(store: Store, holder: String, held: u64, lost: watch::Sender<bool>) {
    let mut tick = tokio::time::interval(RENEW_EVERY);
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = Utc::now();
        match store.renew_shards(&holder, now, now + LEASE_TERM).await {
            Ok(n) if n >= held => {}
            Ok(n) => {
                tracing::error!(
                    held,
                    still = n,
                    "a shard lease lapsed and may be served by another process now; stopping"
                );
                let _ = lost.send(true);
                return;
            }
            // The lease is still good for a while; the next tick tries again.
            Err(e) => tracing::warn!(error = ?e, "renewing the shard leases failed"),
        }
    }
}

/// READYs seen per shard since the last clean-up of schedules: a process forgets the servers
/// it left only once every one of its shards has said which servers it is in.
#[derive(Default)]
pub struct ReadyShards {
    seen: std::collections::BTreeMap<u32, Vec<u64>>,
}

impl ReadyShards {
    /// Records shard `shard`'s servers; returns every server of `range` once all its shards
    /// have reported, and starts counting again.
    pub fn ready(&mut self, range: ShardRange, shard: u32, guilds: Vec<u64>) -> Option<Vec<u64>> {
        self.seen.insert(shard, guilds);
        if !range.shards().all(|s| self.seen.contains_key(&s)) {
            return None;
        }
        Some(
            std::mem::take(&mut self.seen)
                .into_values()
                .flatten()
                .collect(),
        )
    }
}

/// Shared by the handler's READY and the process's run loop.
pub type SharedReady = Arc<std::sync::Mutex<ReadyShards>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_inclusive_and_checked() {
        assert_eq!(
            "0-0".parse::<ShardSpan>(),
            Ok(ShardSpan { first: 0, last: 0 })
        );
        assert_eq!(
            "2-5".parse::<ShardSpan>(),
            Ok(ShardSpan { first: 2, last: 5 })
        );
        assert_eq!(
            "3".parse::<ShardSpan>(),
            Ok(ShardSpan { first: 3, last: 3 })
        );
        for bad in ["", "a-b", "3-1", "-1", "1-", "0..3"] {
            assert!(bad.parse::<ShardSpan>().is_err(), "{bad}");
        }
        assert!(ShardRange::new(0, 3, 4).is_some());
        assert!(
            ShardRange::new(0, 4, 4).is_none(),
            "shard 4 of 4 does not exist"
        );
        assert_eq!(ShardRange::new(1, 2, 4).map(ShardRange::held), Some(2));
    }

    #[test]
    fn a_guild_belongs_to_the_shard_discord_sends_its_events_on() {
        let guild = |shard_key: u64| shard_key << 22 | 0x3f_ffff;
        let first_half = ShardRange::new(0, 1, 4).unwrap();
        let second_half = ShardRange::new(2, 3, 4).unwrap();
        for key in 0..16 {
            assert_ne!(
                first_half.holds_guild(guild(key)),
                second_half.holds_guild(guild(key)),
                "each server on exactly one of the two"
            );
            assert_eq!(first_half.holds_guild(guild(key)), key % 4 < 2);
        }
        assert!(ShardRange::all(1).holds_guild(guild(7)));
    }

    #[test]
    fn schedules_are_cleaned_only_once_every_shard_said_where_it_is() {
        let range = ShardRange::new(2, 4, 8).unwrap();
        let mut ready = ReadyShards::default();
        assert_eq!(ready.ready(range, 2, vec![1]), None);
        assert_eq!(ready.ready(range, 4, vec![3]), None);
        assert_eq!(ready.ready(range, 2, vec![1, 5]), None, "a shard again");
        let mut all = ready.ready(range, 3, vec![2]).expect("all three ready");
        all.sort_unstable();
        assert_eq!(all, [1, 2, 3, 5]);
        assert_eq!(ready.ready(range, 3, vec![2]), None, "counting again");
    }
}
