//! The gateway event handler: READY registers the commands when needed; every interaction is
//! answered through the core; leaving a server forgets what belonged to it.

use std::sync::Arc;

use serenity::all::{
    ActionRowComponent, Context, EventHandler, Guild, GuildId, Interaction, Ready, UnavailableGuild,
};
use serenity::async_trait;

use super::{convert, register, respond};
use crate::app::App;
use crate::commands::{self, Caller};
use crate::i18n::Locale;

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

    /// Leaving a server (not an outage) forgets its weekly summary.
    async fn guild_delete(
        &self,
        _ctx: Context,
        incomplete: UnavailableGuild,
        _full: Option<Guild>,
    ) {
        if incomplete.unavailable {
            return;
        }
        match self.app.store().remove_schedule(incomplete.id.get()).await {
            Ok(true) => tracing::info!(
                guild = incomplete.id.get(),
                "left a server; its weekly summary is removed"
            ),
            Ok(false) => {}
            Err(e) => {
                tracing::error!(guild = incomplete.id.get(), error = ?e, "removing a schedule failed")
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let app = &self.app;
        let result = match &interaction {
            Interaction::Command(i) => {
                let (mut inv, caller) = convert::invocation(i);
                tracing::debug!(command = %inv.command, user = i.user.id.get(), "command");
                let work = async {
                    if let Err(e) = convert::fetch_files(i, &mut inv).await {
                        tracing::warn!(error = ?e, "downloading an attachment failed");
                    }
                    commands::respond(app, &inv, &caller).await
                };
                respond::answer(&ctx.http, i.id, &i.token, false, work).await
            }
            Interaction::Autocomplete(i) => {
                let (inv, _) = convert::invocation(i);
                let (option, partial) = convert::focused(i).unwrap_or_default();
                let choices = commands::autocomplete(app, &inv, &option, &partial).await;
                respond::choices(&ctx.http, i.id, &i.token, &choices).await
            }
            Interaction::Component(i) => {
                let caller = Caller {
                    user_id: Some(i.user.id.get()),
                    guild_id: i.guild_id.map(|g| g.get()),
                    role_ids: i
                        .member
                        .as_ref()
                        .map(|m| m.roles.iter().map(|r| r.get()).collect())
                        .unwrap_or_default(),
                    locale: Locale::from_discord(&i.locale),
                    ..Caller::default()
                };
                let work = commands::respond_component(app, &i.data.custom_id, &caller);
                respond::answer(&ctx.http, i.id, &i.token, true, work).await
            }
            Interaction::Modal(i) => {
                let caller = Caller {
                    user_id: Some(i.user.id.get()),
                    guild_id: i.guild_id.map(|g| g.get()),
                    role_ids: i
                        .member
                        .as_ref()
                        .map(|m| m.roles.iter().map(|r| r.get()).collect())
                        .unwrap_or_default(),
                    locale: Locale::from_discord(&i.locale),
                    ..Caller::default()
                };
                let fields: Vec<(String, String)> = i
                    .data
                    .components
                    .iter()
                    .flat_map(|row| &row.components)
                    .filter_map(|c| match c {
                        ActionRowComponent::InputText(t) => {
                            Some((t.custom_id.clone(), t.value.clone().unwrap_or_default()))
                        }
                        _ => None,
                    })
                    .collect();
                let work = commands::respond_modal(app, &i.data.custom_id, &fields, &caller);
                respond::answer(&ctx.http, i.id, &i.token, false, work).await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::error!(interaction = %interaction.id(), error = ?e, "answering an interaction failed");
        }
    }
}
