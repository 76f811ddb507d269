//! The Discord edge: a serenity gateway client that turns interactions into `Invocation`s,
//! answers them through the same core as the CLI, and sends the reply's JSON as it is.

mod answers;
mod convert;
pub mod cooldown;
pub mod download;
mod handler;
mod modlog;
pub mod post;
pub mod redact;
mod register;
mod relay;
pub mod respond;
pub mod shards;
mod shared;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serenity::all::ClientBuilder;
use serenity::all::{ApplicationId, GatewayIntents, GuildId};
use serenity::gateway::GatewayError;
use serenity::http::{Http, HttpBuilder};
use tokio::sync::watch;

pub use shards::{ShardRange, ShardSpan, Sharding};

use crate::app::App;
use crate::store::Lease;

/// Where and how the bot connects.
#[derive(Clone)]
pub struct Settings {
    pub token: Secret,
    /// An origin such as `http://127.0.0.1:8790` serving Discord's REST API and handing out
    /// the gateway URL: a REST proxy or a local fake. None means discord.com.
    pub api_base_url: Option<String>,
    /// Register the commands in this guild only (for development) instead of globally.
    pub guild_id: Option<u64>,
    /// Known in advance only when REST calls must work before READY (tests).
    pub application_id: Option<u64>,
    /// The deployment's mod-log channel: every change to facts is posted there.
    pub modlog_channel: Option<u64>,
    /// Per-user cooldowns on the commands that draw pictures or import files.
    pub cooldowns: bool,
    /// Which gateway shards this process serves.
    pub sharding: Sharding,
    /// The feeds to poll, when any is configured.
    pub feeds: Option<Arc<crate::feeds::Feeds>>,
}

/// The bot token, read the same way for every call: surrounding white space (a token file's
/// new line) and a `Bot ` prefix are dropped. It never shows in debug output, and from the
/// moment it exists the log lines hide it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(raw: String) -> Secret {
        let token = raw.trim();
        let token = token.strip_prefix("Bot ").unwrap_or(token).trim_start();
        redact::add_secret(token);
        Secret(token.to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `Authorization` header value, for serenity's calls and our own.
    fn authorization(&self) -> String {
        format!("Bot {}", self.0)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why the bot stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The gateway closed the session with a code no reconnect can cure (4004, 4010, 4011 when
    /// more shards cannot be had, 4012, 4013, 4014); starting again would only be refused again.
    #[error("{}", refusal(*.code))]
    Refused { code: u16 },
    /// Discord's REST API rejected the token (401) before any gateway session.
    #[error(
        "Discord rejected the token (401 Unauthorized): check DISCORD_TOKEN_FILE or DISCORD_TOKEN; not starting"
    )]
    Unauthorized,
    /// Another live process serves shards this one was to serve, or runs another shard count.
    #[error("{0}; not starting (give this process other shards, or stop that one)")]
    Held(Lease),
    /// A lease lapsed while the store was out of reach, and another process may serve the shard.
    #[error(
        "a shard lease lapsed and another process may serve the shard now; stopped so no interaction is answered twice"
    )]
    LeaseLost,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn refusal(code: u16) -> String {
    let why = match code {
        4004 => "Discord rejected the token: check DISCORD_TOKEN_FILE or DISCORD_TOKEN",
        4010 => "Discord refused the shard the bot asked for: check --shards and --shard-count",
        4011 => {
            "Discord requires more shards than the bot runs (a shard holds at most 2,500 servers): \
             raise --shard-count on every process, or run without --shards to follow Discord's count"
        }
        4012 => "Discord refused the gateway API version this build speaks",
        4013 => "Discord refused the gateway intents as invalid",
        4014 => {
            "Discord refused a privileged gateway intent this application may not use \
             (developer portal → Bot → Privileged Gateway Intents)"
        }
        _ => "Discord refused the gateway session",
    };
    format!("{why} (gateway close code {code}); not reconnecting")
}

/// The close code that asks for more shards.
const SHARDING_REQUIRED: u16 = 4011;

/// How long a shutdown waits for serenity to close the gateway connection before leaving
/// without it: SIGTERM must end the process within seconds whatever the gateway does.
const CLOSE_GRACE: Duration = Duration::from_secs(3);

/// How the gateway connection ended.
enum Ended {
    /// serenity's client returned by itself.
    Client(serenity::Result<()>),
    /// The relay saw a close code no reconnect can cure.
    Refused(u16),
    /// Another process took over one of our shards.
    LeaseLost,
    /// Shutdown was asked for.
    Stop,
}

/// What the process shares between its attempts at the gateway.
struct Edge {
    settings: Settings,
    app: Arc<App>,
    relay: relay::Relay,
    web: reqwest::Client,
    shutdown: watch::Receiver<bool>,
    /// Whether the work done beside the gateway (mod-log, weekly posts, clean-ups) is running.
    background: bool,
}

/// Connects to the gateway and serves interactions on this process's shards until `shutdown`
/// turns true (then closes the shards cleanly) or the connection fails for good.
pub async fn run(
    settings: Settings,
    app: Arc<App>,
    shutdown: watch::Receiver<bool>,
) -> Result<(), RunError> {
    let http = settings.http();
    let gateway = match (http.get_gateway().await, &settings.api_base_url) {
        (Ok(gateway), _) => gateway.url,
        // Without this check the bot would quietly connect to Discord's real gateway.
        (Err(e), Some(_)) => {
            return Err(anyhow::Error::from(e)
                .context("GET /gateway on DISCORD_API_BASE_URL failed; not starting")
                .into());
        }
        // As serenity itself does when Discord's REST API does not answer.
        (Err(e), None) => {
            tracing::warn!(error = %e, "GET /gateway failed; using Discord's usual gateway");
            "wss://gateway.discord.gg".to_string()
        }
    };
    tracing::info!(url = %gateway, "gateway");
    let relay = relay::Relay::start(gateway)
        .await
        .context("starting the gateway relay")?;
    // One HTTP client for everything the bot fetches or posts itself; it follows no
    // redirects, so a download stays on the host it was allowed for.
    let web = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let mut edge = Edge {
        settings,
        app,
        relay,
        web,
        shutdown,
        background: false,
    };
    edge.serve_shards().await
}

impl Settings {
    /// serenity's REST client, aimed at the proxy or fake when there is one.
    fn http(&self) -> Http {
        let mut http = HttpBuilder::new(self.token.authorization());
        if let Some(base) = &self.api_base_url {
            // serenity only honours a proxy with its own ratelimiter off; retries of our own
            // posts are then ours to do.
            http = http
                .proxy(base.trim_end_matches('/'))
                .ratelimiter_disabled(true);
        }
        if let Some(id) = self.application_id {
            http = http.application_id(ApplicationId::new(id));
        }
        http.build()
    }
}

impl Edge {
    /// Starts the work beside the gateway, once the process has shards to serve: a process
    /// refused its shards must not take the mod-log or post first.
    fn start_background(&mut self) {
        if std::mem::replace(&mut self.background, true) {
            return;
        }
        let (app, shutdown) = (&self.app, &self.shutdown);
        let poster = post::Poster::with_client(
            self.web.clone(),
            self.settings.api_base_url.as_deref(),
            self.settings.token.clone(),
        );
        if let Some(channel) = self.settings.modlog_channel {
            tokio::spawn(modlog::run(
                app.clone(),
                poster.clone(),
                channel,
                shutdown.clone(),
            ));
        }
        tokio::spawn(scheduler(app.clone(), poster, shutdown.clone()));
        tokio::spawn(purge_uploads(app.clone(), shutdown.clone()));
        if let Some(feeds) = self.settings.feeds.clone() {
            let (app, shutdown) = (app.clone(), shutdown.clone());
            tokio::spawn(async move {
                feeds
                    .poll(app.store(), &shards::process_name(), shutdown)
                    .await;
            });
        }
    }

    /// Serves the shards, once more with Discord's new count if it asks for more shards
    /// (4011) while the count is its own to choose.
    async fn serve_shards(&mut self) -> Result<(), RunError> {
        let mut resharded = false;
        loop {
            let range = match self.settings.sharding {
                Sharding::Fixed(range) => range,
                Sharding::Auto => {
                    match shards::recommended(&self.settings.http(), &mut self.shutdown)
                        .await
                        .map_err(unauthorized)?
                    {
                        Some(range) => range,
                        None => return Ok(()),
                    }
                }
            };
            // Only one process can open a SQLite store (its run lock), so leases left there
            // by a process that died need no waiting out.
            let sole = !self.app.store().is_postgres();
            let mut leases = match shards::Leases::take(self.app.store(), range, sole).await? {
                Ok(leases) => leases,
                Err(other) => return Err(RunError::Held(other)),
            };
            tracing::info!(%range, "serving");
            self.start_background();
            crate::telemetry::shards_held(range.shards());
            let ended = self.serve(range, &mut leases).await;
            leases.release().await;
            match ended {
                Err(RunError::Refused { code })
                    if code == SHARDING_REQUIRED
                        && self.settings.sharding == Sharding::Auto
                        && !resharded =>
                {
                    tracing::warn!(
                        shards = range.count(),
                        "Discord asks for more shards; starting again with its new count"
                    );
                    resharded = true;
                    self.relay.reset();
                }
                ended => return ended,
            }
        }
    }

    // long: builds, runs and shuts down one client as one sequence.
    /// Runs `range` on one serenity client until it ends, then closes its shards.
    async fn serve(
        &mut self,
        range: ShardRange,
        leases: &mut shards::Leases,
    ) -> Result<(), RunError> {
        let handler = handler::Handler::new(
            self.app.clone(),
            self.settings.guild_id.map(GuildId::new),
            self.settings.cooldowns,
            download::Downloader::new(self.web.clone(), self.settings.api_base_url.as_deref()),
            self.relay.sessions(),
            range,
        );
        // GUILDS brings GUILD_DELETE, so what belongs to a server the bot leaves can go;
        // nothing here needs privileged intents.
        let mut client = ClientBuilder::new_with_http(self.settings.http(), GatewayIntents::GUILDS)
            .event_handler(handler)
            .await
            .context("building the Discord client")?;
        *client.ws_url.lock().await = self.relay.url.clone();
        let shards = client.shard_manager.clone();
        // serenity 0.12.5 takes the end of this range as the last shard, inclusive.
        let start = client.start_shard_range(range.first()..range.last(), range.count());
        tokio::pin!(start);
        let ended = tokio::select! {
            result = &mut start => Ended::Client(result),
            code = self.relay.refused() => Ended::Refused(code),
            () = leases.lost() => Ended::LeaseLost,
            () = stop_asked(&mut self.shutdown) => Ended::Stop,
        };
        let close = async {
            let closed = tokio::time::timeout(CLOSE_GRACE, async {
                shards.shutdown_all().await;
                let _ = start.as_mut().await;
            })
            .await;
            if closed.is_err() {
                tracing::warn!("the gateway connection did not close in time; leaving without it");
            }
        };
        match ended {
            Ended::Stop => {
                tracing::info!("shutting down: closing the shards");
                close.await;
                Ok(())
            }
            Ended::Refused(code) => {
                close.await;
                Err(RunError::Refused { code })
            }
            Ended::LeaseLost => {
                close.await;
                Err(RunError::LeaseLost)
            }
            Ended::Client(Ok(())) => Ok(()),
            Ended::Client(Err(serenity::Error::Gateway(e))) if refused_code(&e).is_some() => {
                Err(RunError::Refused {
                    code: refused_code(&e).unwrap_or_default(),
                })
            }
            Ended::Client(Err(e)) => Err(anyhow::Error::from(e)
                .context("the gateway connection failed")
                .into()),
        }
    }
}

/// A 401 from Discord's REST API as the refusal it is; any other error as it is.
fn unauthorized(e: anyhow::Error) -> RunError {
    let rejected = e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<serenity::Error>(),
            Some(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
                if r.status_code.as_u16() == 401
        )
    });
    if rejected {
        RunError::Unauthorized
    } else {
        RunError::Other(e)
    }
}

/// The close code behind the errors serenity's client returns for a refused session.
fn refused_code(e: &GatewayError) -> Option<u16> {
    match e {
        GatewayError::InvalidAuthentication => Some(4004),
        GatewayError::InvalidGatewayIntents => Some(4013),
        GatewayError::DisallowedGatewayIntents => Some(4014),
        _ => None,
    }
}

/// Resolves once `shutdown` is true; never when its sender is gone without asking.
async fn stop_asked(shutdown: &mut watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// How often the weekly-summary scheduler looks for due posts.
const SCHEDULER_TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs a weekly-summary pass every minute until shutdown.
async fn scheduler(app: Arc<App>, poster: post::Poster, mut shutdown: watch::Receiver<bool>) {
    let worker = crate::weekly::worker_id("bot");
    loop {
        if let Err(e) =
            crate::weekly::run_due(&app, Some(&poster), chrono::Utc::now(), &worker).await
        {
            tracing::error!(error = ?e, "the weekly summary pass failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(SCHEDULER_TICK) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// How often expired uploads waiting for their confirm button are deleted.
const PURGE_TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// Deletes uploads left unconfirmed past their time, every minute until shutdown.
async fn purge_uploads(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    loop {
        match app.store().purge_pending_imports().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(uploads = n, "deleted expired uploads"),
            Err(e) => tracing::warn!(error = ?e, "deleting expired uploads failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PURGE_TICK) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_normalised_and_never_shown() {
        for pasted in [
            "MTEw.Gx.token-value",
            "Bot MTEw.Gx.token-value",
            "  Bot MTEw.Gx.token-value\n",
            "MTEw.Gx.token-value\r\n",
        ] {
            let token = Secret::new(pasted.to_string());
            assert_eq!(token.authorization(), "Bot MTEw.Gx.token-value");
            assert!(!format!("{token:?}").contains("token-value"));
        }
        assert!(Secret::new(" \n".to_string()).is_empty());
    }
}
