//! The Discord edge: a serenity gateway client that turns interactions into `Invocation`s,
//! answers them through the same core as the CLI, and sends the reply's JSON as it is.

mod answers;
mod convert;
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

/// The bot token, read the same way for every call: surrounding white space (a token file's
/// new line) and a `Bot ` prefix are dropped. It never shows in debug output, and from the
/// moment it exists the log lines hide it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(raw: String) -> Secret {
        let token = raw.trim();
        let token = token.strip_prefix("Bot ").unwrap_or(token).trim_start();
        crate::redact::add_secret(token);
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
    let mut http = HttpBuilder::new(settings.token.authorization());
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
    let handler = handler::Handler::new(
        app.clone(),
        settings.guild_id.map(GuildId::new),
        settings.cooldowns,
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
    if let Some(channel) = settings.modlog_channel {
        let poster = post::Poster::new(settings.api_base_url.as_deref(), settings.token.clone());
        tokio::spawn(modlog::run(app.clone(), poster, channel, shutdown.clone()));
    }
    let poster = post::Poster::new(settings.api_base_url.as_deref(), settings.token.clone());
    tokio::spawn(scheduler(app.clone(), poster, shutdown.clone()));
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
    let worker = format!("bot-{}", std::process::id());
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
