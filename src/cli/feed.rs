//! `kpop-facts feed run-once|status`: one pass of every configured feed, as cron would run it,
//! and where each feed stands.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::{EXIT_FAILED, EXIT_REFUSED, EXIT_USAGE};
use crate::feeds::{FeedArgs, Feeds, Outcome};
use crate::import::seed;
use crate::store::Location;

#[derive(Subcommand, Debug)]
pub enum FeedCommand {
    /// One pass of every configured feed. Exit 0 when each ran (new data, unchanged or not
    /// published yet), 1 when data was refused, 3 on any other failure. Refusals are left in
    /// the store for the bot's mod-log.
    RunOnce {
        #[command(flatten)]
        feeds: FeedArgs,
        /// The time the pass records, instead of now (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
    },
    /// Each feed's last success, last error and next try.
    Status {
        #[command(flatten)]
        feeds: FeedArgs,
    },
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{s}` is not an RFC 3339 time: {e}"))
}

pub async fn run(db: &Location, cmd: FeedCommand) -> anyhow::Result<ExitCode> {
    let (FeedCommand::RunOnce { feeds, .. } | FeedCommand::Status { feeds }) = &cmd;
    let feeds = match Feeds::new(feeds) {
        Ok(feeds) => feeds,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    if feeds.sources().is_empty() {
        eprintln!(
            "error: no feed is configured: set KPOP_FACTS_FEED_HOT100, KPOP_FACTS_FEED_BILLBOARD200 or KPOP_FACTS_FEED_EXPORTS (see the README)"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let store = seed::open(db).await?;
    let code = match cmd {
        FeedCommand::RunOnce { now, .. } => {
            let outcomes = feeds.run_once(&store, now.unwrap_or_else(Utc::now)).await;
            let mut code = ExitCode::SUCCESS;
            let (mut refused, mut failed) = (false, false);
            for (feed, outcome) in outcomes {
                match outcome {
                    Outcome::Ran(summary) => println!("{}: {summary}", feed.name()),
                    Outcome::Refused(why) => {
                        refused = true;
                        println!("{}: refused: {why}", feed.name());
                    }
                    Outcome::Failed(why) => {
                        failed = true;
                        println!("{}: failed: {why}", feed.name());
                    }
                }
            }
            if failed {
                code = ExitCode::from(EXIT_FAILED);
            } else if refused {
                code = ExitCode::from(EXIT_REFUSED);
            }
            code
        }
        FeedCommand::Status { .. } => {
            for (feed, source) in feeds.sources() {
                let s = store.feed_state(feed.name()).await?;
                let time =
                    |t: Option<DateTime<Utc>>| t.map_or("never".to_string(), |t| t.to_rfc3339());
                println!("{} ({source})", feed.name());
                println!("  last success: {}", time(s.last_success));
                match (&s.last_error, s.last_error_at) {
                    (Some(e), Some(at)) if s.failures > 0 => println!(
                        "  last error:   {} ({} in a row): {e}",
                        at.to_rfc3339(),
                        s.failures
                    ),
                    (Some(e), Some(at)) => {
                        println!("  last error:   {} (recovered since): {e}", at.to_rfc3339())
                    }
                    _ => println!("  last error:   none"),
                }
                println!(
                    "  next try:     {}",
                    s.next_try
                        .map_or("at the next poll".to_string(), |t| t.to_rfc3339())
                );
            }
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}
