//! `kpop-facts run`: the bot, connected to Discord's gateway until SIGINT or SIGTERM.

use crate::store::Location;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use super::token::TokenArgs;
use super::{EXIT_CONFIG, EXIT_FAILED, EXIT_USAGE};
use crate::app::App;
use crate::discord::{self, RunError, Settings, ShardRange, ShardSpan, Sharding};
use crate::feeds::{FeedArgs, Feeds};
use crate::store::RunLock;
use crate::telemetry;

/// How long the exit waits for the store's connections to come back.
const STORE_CLOSE_GRACE: Duration = Duration::from_secs(1);

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    token: TokenArgs,
    /// An origin serving Discord's API instead of https://discord.com: a REST proxy or a
    /// local fake, e.g. http://127.0.0.1:8790.
    #[arg(long, env = "DISCORD_API_BASE_URL")]
    api_base_url: Option<String>,
    /// Register the commands in this server only (instant, for development).
    #[arg(long, env = "DISCORD_GUILD_ID")]
    guild_id: Option<u64>,
    /// A channel that receives every change to facts.
    #[arg(long, env = "KPOP_FACTS_MODLOG_CHANNEL")]
    modlog_channel: Option<u64>,
    /// Serve only these gateway shards, FIRST-LAST inclusive (`0-0` is shard 0 alone), when
    /// several processes share the bot. Without it the process serves every shard Discord
    /// recommends.
    #[arg(
        long,
        env = "KPOP_FACTS_SHARDS",
        value_name = "FIRST-LAST",
        requires = "shard_count"
    )]
    shards: Option<ShardSpan>,
    /// How many shards the bot runs across all its processes (the same on every one).
    #[arg(
        long,
        env = "KPOP_FACTS_SHARD_COUNT",
        value_name = "N",
        requires = "shards"
    )]
    shard_count: Option<u32>,
    /// Serve Prometheus metrics at /metrics and a health check at /health on this loopback
    /// address, e.g. 127.0.0.1:9187.
    #[arg(long, env = "KPOP_FACTS_METRICS_ADDR", value_name = "ADDRESS")]
    metrics_addr: Option<SocketAddr>,
    #[command(flatten)]
    feeds: FeedArgs,
}

impl RunArgs {
    /// The shards to serve, or why the flags do not make a range.
    fn sharding(&self) -> Result<Sharding, String> {
        match (self.shards, self.shard_count) {
            (Some(span), Some(count)) => ShardRange::new(span.first, span.last, count)
                .map(Sharding::Fixed)
                .ok_or_else(|| {
                    format!(
                        "--shards {}-{} does not fit --shard-count {count}: shards are numbered 0 to {}",
                        span.first,
                        span.last,
                        count.saturating_sub(1)
                    )
                }),
            (None, None) => Ok(Sharding::Auto),
            _ => Err("give --shards and --shard-count together, or neither".to_string()),
        }
    }
}

pub async fn run(db: &Location, args: RunArgs) -> anyhow::Result<ExitCode> {
    let sharding = match args.sharding() {
        Ok(sharding) => sharding,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    if let Some(addr) = args.metrics_addr.filter(|a| !a.ip().is_loopback()) {
        eprintln!(
            "error: KPOP_FACTS_METRICS_ADDR {addr} is not a loopback address: serve metrics on 127.0.0.1 and let the scraper on this machine forward them"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let token = match args.token.read() {
        Ok(Some(token)) => token,
        Ok(None) => {
            eprintln!(
                "error: give the bot's token in DISCORD_TOKEN_FILE (or --token-file) or DISCORD_TOKEN; see the README"
            );
            return Ok(ExitCode::from(EXIT_USAGE));
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let feeds = match Feeds::new(&args.feeds) {
        Ok(feeds) if feeds.sources().is_empty() => None,
        Ok(feeds) => Some(Arc::new(feeds)),
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let api_base_url = args
        .api_base_url
        .filter(|u| u.trim() != "https://discord.com" && !u.trim().is_empty());
    // Held until the process ends: a second `run` on this SQLite store exits 3 naming this one.
    // Processes sharing a PostgreSQL store coordinate through it instead.
    let _lock = db.sqlite_path().map(RunLock::acquire).transpose()?;
    let app = Arc::new(App::open(db).await?);
    // Build the indexes now, not on the first interaction's clock.
    app.indexes().await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    if let Some(addr) = args.metrics_addr {
        telemetry::serve(addr, telemetry::install()?, stop_rx.clone()).await?;
    }
    let mut sigterm = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    tokio::spawn(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = sigterm.recv() => {}
        }
        let _ = stop_tx.send(true);
    });
    let settings = Settings {
        token,
        api_base_url,
        guild_id: args.guild_id,
        application_id: None,
        modlog_channel: args.modlog_channel,
        cooldowns: true,
        sharding,
        feeds,
    };
    let result = discord::run(settings, app.clone(), stop_rx).await;
    // An answer still running may hold a connection for a moment; the exit does not wait long.
    if tokio::time::timeout(STORE_CLOSE_GRACE, app.store().close())
        .await
        .is_err()
    {
        tracing::warn!("the store did not close in time");
    }
    exit(result)
}

/// The exit code of a run, with the one line that says why it stopped.
fn exit(result: Result<(), RunError>) -> anyhow::Result<ExitCode> {
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        // Restarting would only be refused again.
        Err(e @ (RunError::Refused { .. } | RunError::Unauthorized)) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_CONFIG))
        }
        // Exits like a second `run` on a locked SQLite store: another process has the work.
        Err(e @ (RunError::Held(_) | RunError::LeaseLost)) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_FAILED))
        }
        Err(RunError::Other(e)) => Err(e),
    }
}
