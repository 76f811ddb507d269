//! The gateway event handler: READY registers the commands when needed; every interaction is
//! answered through the core.

use std::sync::Arc;

use serenity::all::{Context, EventHandler, GuildId, Interaction, Ready};
use serenity::async_trait;

use super::{convert, register, respond};
use crate::app::App;
use crate::commands;
use crate::i18n::t;
use crate::reply::Reply;

pub struct Handler {
    app: Arc<App>,
    guild: Option<GuildId>,
}

impl Handler {
    pub fn new(app: Arc<App>, guild: Option<GuildId>) -> Handler {
        Handler { app, guild }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected");
        if let Err(e) = register::ensure(&ctx.http, self.app.store(), self.guild).await {
            tracing::error!(error = ?e, "registering the commands failed");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let result = match &interaction {
            Interaction::Command(i) => {
                let (inv, caller) = convert::invocation(i);
                tracing::debug!(command = %inv.command, user = i.user.id.get(), "command");
                respond::answer(
                    &ctx.http,
                    i.id,
                    &i.token,
                    commands::respond(&self.app, &inv, &caller),
                )
                .await
            }
            Interaction::Autocomplete(i) => {
                let (inv, _) = convert::invocation(i);
                let (option, partial) = convert::focused(i).unwrap_or_default();
                let choices = commands::autocomplete(&self.app, &inv, &option, &partial).await;
                respond::choices(&ctx.http, i.id, &i.token, &choices).await
            }
            Interaction::Component(i) => {
                let locale = crate::i18n::Locale::from_discord(&i.locale);
                let reply = Reply::refusal(t(locale, "error.expired_button", &[]));
                respond::answer(&ctx.http, i.id, &i.token, async { reply }).await
            }
            Interaction::Modal(i) => {
                let locale = crate::i18n::Locale::from_discord(&i.locale);
                let reply = Reply::refusal(t(locale, "error.expired_button", &[]));
                respond::answer(&ctx.http, i.id, &i.token, async { reply }).await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::error!(interaction = %interaction.id(), error = ?e, "answering an interaction failed");
        }
    }
}
