//! The Discord edge: a serenity gateway client that turns interactions into `Invocation`s,
//! answers them through the same core as the CLI, and sends the reply's JSON as it is.

mod answers;
mod convert;
pub mod download;
mod handler;
mod modlog;
pub mod post;
mod register;
pub mod respond;

use std::sync::Arc;

use anyhow::Context;
use serenity::all::ClientBuilder;
use serenity::all::{ApplicationId, GatewayIntents, GuildId};
use serenity::gateway::GatewayError;
use serenity::http::HttpBuilder;
use tokio::sync::watch;

use crate::app::App;

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
}

/// A token that never shows in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }

    fn expose(&self) -> &str {
        &self.0
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
    #[error("Discord rejected the token (gateway close code 4004): check DISCORD_TOKEN")]
    InvalidToken,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Connects to the gateway and serves interactions until `shutdown` turns true (then closes
/// the shards cleanly) or the connection fails for good.
pub async fn run(
    settings: Settings,
    app: Arc<App>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), RunError> {
    let mut http = HttpBuilder::new(settings.token.expose());
    if let Some(base) = &settings.api_base_url {
        // serenity only honours a proxy with its own ratelimiter off; retries of our own posts
        // are then ours to do.
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    if let Some(id) = settings.application_id {
        http = http.application_id(ApplicationId::new(id));
    }
    let http = http.build();
    if settings.api_base_url.is_some() {
        // Without this check serenity would quietly fall back to Discord's real gateway.
        let gateway = http
            .get_gateway()
            .await
            .context("GET /gateway on DISCORD_API_BASE_URL failed; not starting")?;
        tracing::info!(url = %gateway.url, "gateway from the API base URL");
    }
    // One HTTP client for everything the bot fetches or posts itself; it follows no
    // redirects, so a download stays on the host it was allowed for.
    let web = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let handler = handler::Handler::new(
        app.clone(),
        settings.guild_id.map(GuildId::new),
        settings.cooldowns,
        download::Downloader::new(web.clone(), settings.api_base_url.as_deref()),
    );
    // GUILDS brings GUILD_DELETE, so what belongs to a server the bot leaves can go; nothing
    // here needs privileged intents.
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(handler)
        .await
        .context("building the Discord client")?;
    if settings.api_base_url.is_some() && client.ws_url.lock().await.contains("gateway.discord.gg")
    {
        return Err(anyhow::anyhow!(
            "the API base URL gave no gateway; refusing to connect to Discord's"
        )
        .into());
    }
    let poster = post::Poster::with_client(
        web,
        settings.api_base_url.as_deref(),
        settings.token.clone(),
    );
    if let Some(channel) = settings.modlog_channel {
        tokio::spawn(modlog::run(
            app.clone(),
            poster.clone(),
            channel,
            shutdown.clone(),
        ));
    }
    tokio::spawn(scheduler(app.clone(), poster, shutdown.clone()));
    tokio::spawn(purge_uploads(app.clone(), shutdown.clone()));
    let shards = client.shard_manager.clone();
    let stopper = tokio::spawn(async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                return;
            }
        }
        tracing::info!("shutting down: closing the shards");
        shards.shutdown_all().await;
    });
    let result = client.start().await;
    stopper.abort();
    match result {
        Ok(()) => Ok(()),
        Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
            Err(RunError::InvalidToken)
        }
        Err(e) => Err(anyhow::Error::from(e)
            .context("the gateway connection failed")
            .into()),
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
