//! Feeds: data that arrives without anyone typing a command. Each chart may have a source
//! (`KPOP_FACTS_FEED_HOT100`, `KPOP_FACTS_FEED_BILLBOARD200`) and the export figures a shared
//! sheet (`KPOP_FACTS_FEED_EXPORTS`). A pass of a feed fetches politely, checks every week or
//! row whole, and stores each week (or the sheet's changes) as one audited change by the feed.
//! What went wrong is logged; refusals and long failures reach the mod-log through the audit
//! log. `kpop-facts feed run-once` runs one pass of each; `kpop-facts run` polls them, one
//! process at a time.

mod charts;
mod fetch;
pub mod guards;
mod sheet;
pub mod source;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use tokio::sync::watch;

use crate::domain::chart::Chart;
use crate::store::Store;
use crate::telemetry;
pub use fetch::{FetchError, Fetcher};
pub use source::Source;

/// The feed name of the export figures' sheet.
pub const EXPORTS: &str = "exports";
/// The claim that keeps feed passes to one process at a time.
const CLAIM: &str = "feeds";
/// A pass holding the claim this long has died with it.
const CLAIM_STALE: Duration = Duration::from_secs(30 * 60);
/// How often a polling process looks whether a feed is due.
const POLL_TICK: Duration = Duration::from_secs(60);
/// The longest wait after failures in a row.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);
/// The first wait after a failure, when the interval is longer.
const FIRST_RETRY: Duration = Duration::from_secs(5 * 60);

/// The feeds' settings, from flags or the environment.
#[derive(Args, Debug, Clone)]
pub struct FeedArgs {
    /// The Hot 100's source: an http(s) address of one CSV, an address with {date} (the
    /// chart date, YYYY-MM-DD) and {year} in it, or a directory of weekly CSV files.
    #[arg(
        long = "feed-hot100",
        env = "KPOP_FACTS_FEED_HOT100",
        value_name = "SOURCE"
    )]
    pub hot100: Option<Source>,
    /// The Billboard 200's source, in the same forms.
    #[arg(
        long = "feed-billboard200",
        env = "KPOP_FACTS_FEED_BILLBOARD200",
        value_name = "SOURCE"
    )]
    pub billboard200: Option<Source>,
    /// A CSV of export figures in the `import exports` format (a published sheet's address,
    /// or a file).
    #[arg(
        long = "feed-exports",
        env = "KPOP_FACTS_FEED_EXPORTS",
        value_name = "SOURCE"
    )]
    pub exports: Option<Source>,
    /// The first chart week an address template is asked for when no later one is stored.
    #[arg(
        long = "feed-since",
        env = "KPOP_FACTS_FEED_SINCE",
        value_name = "YYYY-MM-DD"
    )]
    pub since: Option<NaiveDate>,
    /// How often the feeds are polled by `run`: 90s, 30m, 1h, 1d.
    #[arg(
        long = "feed-interval",
        env = "KPOP_FACTS_FEED_INTERVAL",
        default_value = "1h",
        value_parser = parse_duration
    )]
    pub interval: Duration,
    /// How many of the newest stored weeks are compared again each pass, for Billboard's
    /// corrections (0: none).
    #[arg(
        long = "feed-look-back",
        env = "KPOP_FACTS_FEED_LOOK_BACK",
        default_value_t = 2,
        value_name = "WEEKS"
    )]
    pub look_back: u32,
    /// How long a feed's server may take to answer.
    #[arg(
        long = "feed-timeout",
        env = "KPOP_FACTS_FEED_TIMEOUT",
        default_value = "30s",
        value_parser = parse_duration
    )]
    pub timeout: Duration,
    /// The most a feed's file may hold, in bytes (the whole Billboard 200 history is about
    /// 35 MB).
    #[arg(
        long = "feed-max-bytes",
        env = "KPOP_FACTS_FEED_MAX_BYTES",
        default_value_t = 64 << 20,
        value_name = "BYTES"
    )]
    pub max_bytes: u64,
    /// After this many failed passes in a row, the mod-log is told (once).
    #[arg(
        long = "feed-notice-after",
        env = "KPOP_FACTS_FEED_NOTICE_AFTER",
        default_value_t = 3,
        value_name = "N"
    )]
    pub notice_after: u32,
}

/// `90s`, `30m`, `1h`, `1d`, or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 90s, 30m, 1h or 1d"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("`{s}`: the unit is s, m, h or d")),
    };
    if n == 0 {
        return Err(format!("`{s}` is no time at all"));
    }
    Ok(Duration::from_secs(n.saturating_mul(seconds)))
}

/// One feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    Chart(Chart),
    Exports,
}

impl Feed {
    pub fn name(self) -> &'static str {
        match self {
            Feed::Chart(chart) => chart.slug(),
            Feed::Exports => EXPORTS,
        }
    }
}

/// Why a pass did not run through.
#[derive(Debug)]
pub enum Problem {
    /// The data was refused by a guard: nothing of it was stored.
    Refused(String),
    /// The source could not be read (an error status, a timeout, a body over the cap) or the
    /// store failed.
    Failed(String),
}

impl From<anyhow::Error> for Problem {
    fn from(e: anyhow::Error) -> Problem {
        Problem::Failed(format!("the store failed: {e:#}"))
    }
}

impl From<FetchError> for Problem {
    fn from(e: FetchError) -> Problem {
        Problem::Failed(e.to_string())
    }
}

/// How one feed's pass ended, for the command line and the log.
#[derive(Debug)]
pub enum Outcome {
    Ran(String),
    Refused(String),
    Failed(String),
}

/// The configured feeds, ready to run.
pub struct Feeds {
    sources: Vec<(Feed, Source)>,
    fetcher: Fetcher,
    since: Option<NaiveDate>,
    look_back_weeks: u32,
    interval: Duration,
    notice_after: u32,
}

impl Feeds {
    pub fn new(args: &FeedArgs) -> anyhow::Result<Feeds> {
        let mut sources = Vec::new();
        for (feed, source) in [
            (Feed::Chart(Chart::Hot100), &args.hot100),
            (Feed::Chart(Chart::Billboard200), &args.billboard200),
            (Feed::Exports, &args.exports),
        ] {
            if let Some(source) = source {
                if feed == Feed::Exports && matches!(source, Source::Template(_)) {
                    anyhow::bail!(
                        "KPOP_FACTS_FEED_EXPORTS is one sheet: an address without {{date}}, or a file"
                    );
                }
                sources.push((feed, source.clone()));
            }
        }
        Ok(Feeds {
            sources,
            fetcher: Fetcher::new(args.timeout, args.max_bytes)?,
            since: args.since,
            look_back_weeks: args.look_back,
            interval: args.interval,
            notice_after: args.notice_after.max(1),
        })
    }

    /// The feeds configured, with their sources.
    pub fn sources(&self) -> &[(Feed, Source)] {
        &self.sources
    }

    /// One pass of every feed, due or not; each feed's outcome in order.
    pub async fn run_once(&self, store: &Store, now: DateTime<Utc>) -> Vec<(Feed, Outcome)> {
        let mut out = Vec::new();
        for (feed, source) in &self.sources {
            out.push((*feed, self.run_feed(store, *feed, source, now).await));
        }
        out
    }

    /// One pass of each feed whose next try has come.
    async fn run_due(&self, store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
        for (feed, source) in &self.sources {
            let state = store.feed_state(feed.name()).await?;
            if state.next_try.is_none_or(|t| t <= now) {
                self.run_feed(store, *feed, source, now).await;
            }
        }
        Ok(())
    }

    async fn run_feed(
        &self,
        store: &Store,
        feed: Feed,
        source: &Source,
        now: DateTime<Utc>,
    ) -> Outcome {
        let name = feed.name();
        let result = match feed {
            Feed::Chart(chart) => charts::pass(self, store, chart, source)
                .await
                .map(|p| p.summary()),
            Feed::Exports => sheet::pass(self, store, source).await,
        };
        let outcome = match result {
            Ok(summary) => {
                tracing::info!(feed = name, "feed ran: {summary}");
                if let Err(e) = store.feed_succeeded(name, now, now + self.interval).await {
                    tracing::warn!(feed = name, error = ?e, "recording the feed's success failed");
                }
                Outcome::Ran(summary)
            }
            Err(Problem::Refused(why)) => {
                tracing::warn!(feed = name, "feed refused: {why}");
                self.failed(store, name, &why, now, true).await;
                Outcome::Refused(why)
            }
            Err(Problem::Failed(why)) => {
                tracing::warn!(feed = name, "feed failed: {why}");
                self.failed(store, name, &why, now, false).await;
                Outcome::Failed(why)
            }
        };
        telemetry::feed_run(
            name,
            match outcome {
                Outcome::Ran(_) => "ran",
                Outcome::Refused(_) => "refused",
                Outcome::Failed(_) => "failed",
            },
        );
        outcome
    }

    /// Records a failed pass and tells the mod-log what it should hear: a refusal the first
    /// time it is made, and failures in a row once, when they reach the threshold.
    async fn failed(
        &self,
        store: &Store,
        name: &str,
        why: &str,
        now: DateTime<Utc>,
        refused: bool,
    ) {
        let result: anyhow::Result<()> = async {
            let before = store.feed_state(name).await?;
            let failures = store
                .feed_failed(name, why, now, |n| now + backoff(self.interval, n))
                .await?;
            if refused && before.last_error.as_deref() != Some(why) {
                store.feed_notice(name, why).await?;
            }
            if failures == self.notice_after {
                let since = before
                    .last_success
                    .map_or("it never ran through".to_string(), |t| {
                        format!("last ran through <t:{}:R>", t.timestamp())
                    });
                store
                    .feed_notice(
                        name,
                        &format!(
                            "the {name} feed has failed {failures} times in a row ({since}); the latest: {why}"
                        ),
                    )
                    .await?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(feed = name, error = ?e, "recording the feed's failure failed");
        }
    }

    /// Polls the feeds until shutdown: whichever process holds the claim runs the passes
    /// that are due, so several processes import one at a time.
    pub async fn poll(&self, store: &Store, holder: &str, mut shutdown: watch::Receiver<bool>) {
        loop {
            let now = Utc::now();
            let stale = now - chrono::Duration::from_std(CLAIM_STALE).unwrap_or_default();
            match store.claim(CLAIM, holder, now, stale).await {
                Ok(true) => {
                    if let Err(e) = self.run_due(store, now).await {
                        tracing::warn!(error = ?e, "reading the feeds' standing failed");
                    }
                    if let Err(e) = store.release_claim(CLAIM, holder).await {
                        tracing::warn!(error = ?e, "giving the feeds' claim back failed");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = ?e, "claiming the feeds failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval.min(POLL_TICK)) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}

/// The wait after `failures` failed passes in a row: doubling from the shorter of the
/// interval and five minutes, at most a day.
fn backoff(interval: Duration, failures: u32) -> chrono::Duration {
    let first = interval.min(FIRST_RETRY);
    let wait = first
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(16)))
        .min(MAX_BACKOFF);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn failures_in_a_row_wait_longer_each_time_up_to_a_day() {
        let hour = Duration::from_secs(3_600);
        let minutes = |n: u32| backoff(hour, n).num_minutes();
        assert_eq!(
            [1, 2, 3, 4].map(minutes),
            [5, 10, 20, 40],
            "doubling from five minutes"
        );
        assert_eq!(minutes(30), 24 * 60);
        // A short interval starts from itself.
        assert_eq!(backoff(Duration::from_secs(60), 1).num_seconds(), 60);
    }
}
