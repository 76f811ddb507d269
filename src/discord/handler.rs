//! The gateway event handler: READY registers the commands when needed (on shard 0 only) and,
//! once every shard of the process is READY, forgets servers left while offline; every
//! interaction is answered through the core; leaving a server forgets what belonged to it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use serenity::all::{
    ActionRowComponent, CommandInteraction, Context, EventHandler, Guild, GuildId, Interaction,
    Ready, ShardStageUpdateEvent, UnavailableGuild,
};
use serenity::async_trait;

use std::time::Instant;

use super::answers::{self, Answers};
use super::cooldown::{self, Cooldowns};
use super::download::{DownloadError, Downloader, MAX_FILE_BYTES};
use super::respond::Wire;
use super::shards::{ReadyShards, ShardRange};
use super::shared::{self, Shared};
use super::{convert, register, relay, respond};
use crate::app::App;
use crate::commands::{self, Caller, Command, Invocation};
use crate::i18n::{Locale, msg, t};
use crate::reply::Reply;
use crate::store::{self, Visibility};
use crate::telemetry::{self, Outcome};

/// How long a write made for an interaction (`/facts`, `/summary`, a Confirm button) waits for
/// the store's write lock before refusing: well inside the 1.2 s after which an answer is
/// deferred, where a long import would otherwise keep it past Discord's deadline.
const INTERACTION_WRITE_WAIT: std::time::Duration = std::time::Duration::from_millis(750);

pub struct Handler {
    app: Arc<App>,
    guild: Option<GuildId>,
    answers: Answers,
    shared: Shared,
    /// None when per-user cooldowns are off (tests and benchmarks ask in bursts).
    cooldowns: Option<Cooldowns>,
    downloads: Downloader,
    sessions: relay::Sessions,
    /// The shards this process serves, and which of them are READY.
    shards: ShardRange,
    ready: Mutex<ReadyShards>,
}

impl Handler {
    pub fn new(
        app: Arc<App>,
        guild: Option<GuildId>,
        cooldowns: bool,
        downloads: Downloader,
        sessions: relay::Sessions,
        shards: ShardRange,
    ) -> Handler {
        Handler {
            app,
            guild,
            answers: Answers::default(),
            shared: Shared::default(),
            cooldowns: cooldowns.then(Cooldowns::default),
            downloads,
            sessions,
            shards,
            ready: Mutex::default(),
        }
    }

    /// How long `user` must wait before `command` again, when cooldowns are on.
    fn slow_down(&self, user: Option<u64>, command: &str) -> Option<std::time::Duration> {
        let (c, user) = (self.cooldowns.as_ref()?, user?);
        c.check(user, command, Instant::now()).err()
    }

    /// The answer to a command: a refusal when the caller must slow down, a kept answer to
    /// the same question, or a new one. `shown` is how the server shows the command's answers.
    async fn command(
        &self,
        i: &CommandInteraction,
        inv: Invocation,
        caller: Caller,
        shown: Option<Visibility>,
    ) -> Arc<Wire> {
        let mut command = match Command::try_from(&inv) {
            Ok(command) => command,
            Err(e) => {
                let refused = commands::refusal(e, &inv.command, &caller);
                return Arc::new(Wire::new(&refused));
            }
        };
        if let Some(wait) = self.slow_down(caller.user_id, command.path()) {
            let seconds = wait.as_secs().max(1).to_string();
            let text = t(caller.locale, msg::error_cooldown(command.path(), &seconds));
            return Arc::new(Wire::new(&Reply::refusal(text)));
        }
        // Who may run the command is settled before its files are fetched.
        if let Some(refused) = commands::admit(&self.app, &command, &caller).await {
            return Arc::new(Wire::new(&refused));
        }
        let key = answers::key(&command, inv.locale, &caller, shown);
        let generation = self.app.indexes().await.map(|ix| ix.generation).ok();
        if let (Some(k), Some(g)) = (&key, generation)
            && let Some(kept) = self.answers.get(k, g)
        {
            return kept;
        }
        if let Err(e) = self.downloads.fetch_files(i, &mut command).await {
            tracing::warn!(error = ?e, user = ?caller.user_id, "downloading an attachment failed");
            return Arc::new(Wire::new(&Reply::refusal(download_refusal(
                &e,
                caller.locale,
            ))));
        }
        let reply = commands::answer(&self.app, &command, &inv, &caller, shown).await;
        let wire = Arc::new(Wire::new(&reply));
        // Refusals are cheap to make again, and an apology must not outlive its fault.
        if let (Some(k), Some(g), false) = (key, generation, reply.refusal) {
            self.answers.put(k, g, wire.clone());
        }
        wire
    }
}

/// Why a file was not taken, as the caller reads it.
fn download_refusal(e: &DownloadError, locale: Locale) -> String {
    match e {
        DownloadError::ForeignHost => t(locale, msg::facts_file_not_discord()),
        DownloadError::TooLarge => t(
            locale,
            msg::facts_file_too_large(&(MAX_FILE_BYTES >> 20).to_string()),
        ),
        DownloadError::Failed(_) => t(locale, msg::facts_file_unavailable()),
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        self.sessions.started();
        let shard = ready.shard.map_or(0, |s| s.id.0);
        tracing::info!(
            user = %ready.user.name,
            shard,
            guilds = ready.guilds.len(),
            "connected"
        );
        let guilds = ready.guilds.iter().map(|g| g.id.get()).collect();
        let all_ready = self
            .ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .ready(self.shards, shard, guilds);
        if let Some(present) = all_ready {
            self.forget_left_servers(present.into_iter().collect())
                .await;
        }
        // One process registers for the whole bot: whichever serves shard 0.
        if shard == 0
            && let Err(e) = register::ensure(&ctx.http, self.app.store(), self.guild).await
        {
            tracing::error!(error = ?e, "registering the commands failed");
        }
    }

    /// Leaving a server (not an outage) forgets its weekly summary and its settings.
    async fn guild_delete(
        &self,
        _ctx: Context,
        incomplete: UnavailableGuild,
        _full: Option<Guild>,
    ) {
        if incomplete.unavailable {
            return;
        }
        if let Err(e) = self
            .app
            .store()
            .remove_visibilities(incomplete.id.get())
            .await
        {
            tracing::error!(guild = incomplete.id.get(), error = ?e, "removing a server's settings failed");
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
        tracing::debug!(interaction = %interaction.id(), shard = ctx.shard_id.0, "interaction");
        let started = Instant::now();
        let answered =
            store::with_write_patience(INTERACTION_WRITE_WAIT, self.answer(&ctx, &interaction));
        let outcome = answered.await.unwrap_or_else(|e| {
            tracing::error!(interaction = %interaction.id(), error = ?e, "answering an interaction failed");
            Outcome::Failed
        });
        telemetry::interaction(kind(&interaction), outcome, started.elapsed());
    }

    /// A shard's connection changed: its state for `/health` and the metrics.
    async fn shard_stage_update(&self, _ctx: Context, update: ShardStageUpdateEvent) {
        let stage = update.new.to_string();
        tracing::debug!(shard = update.shard_id.0, %stage, "shard");
        telemetry::shard_stage(update.shard_id.0, &stage);
    }
}

impl Handler {
    /// Servers left while the bot was not connected sent no GUILD_DELETE: the READYs of this
    /// process's shards list every server on them, so a schedule of one of those shards'
    /// servers that is not listed goes. Other processes' shards are theirs to judge.
    async fn forget_left_servers(&self, present: HashSet<u64>) {
        let ours = |guild| self.shards.holds_guild(guild);
        match crate::weekly::forget_left_servers(self.app.store(), &present, ours).await {
            Ok(removed) => {
                for guild in removed {
                    tracing::info!(
                        guild,
                        "not in this server any more; its weekly summary is removed"
                    );
                }
            }
            Err(e) => tracing::error!(error = ?e, "removing the schedules of servers left failed"),
        }
        if let Err(e) = self.forget_left_settings(&present).await {
            tracing::error!(error = ?e, "removing the settings of servers left failed");
        }
    }

    /// The settings of this process's servers that the READYs no longer list.
    async fn forget_left_settings(&self, present: &HashSet<u64>) -> anyhow::Result<()> {
        let store = self.app.store();
        for guild in store.visibility_guilds().await? {
            if self.shards.holds_guild(guild) && !present.contains(&guild) {
                store.remove_visibilities(guild).await?;
                tracing::info!(
                    guild,
                    "not in this server any more; its settings are removed"
                );
            }
        }
        Ok(())
    }

    // long: one arm per kind of interaction, each answered in place.
    async fn answer(&self, ctx: &Context, interaction: &Interaction) -> serenity::Result<Outcome> {
        let app = &self.app;
        match interaction {
            Interaction::Command(i) => {
                let (inv, caller) = convert::invocation(i);
                tracing::debug!(command = %inv.command, user = i.user.id.get(), "command");
                // Read first, so that a slow private answer's "thinking…" is private too.
                let shown = match Command::try_from(&inv) {
                    Ok(command) => commands::share::setting(app, &command, &caller).await,
                    Err(_) => None,
                };
                let work = self.command(i, inv, caller, shown);
                if shown == Some(Visibility::Private) {
                    respond::answer_private(&ctx.http, i.id, &i.token, work).await
                } else {
                    respond::answer(&ctx.http, i.id, &i.token, false, work).await
                }
            }
            Interaction::Autocomplete(i) => {
                let (inv, caller) = convert::invocation(i);
                let (option, partial) = convert::focused(i).unwrap_or_default();
                // A flood of suggestions gets none: autocomplete has no room for a message.
                let choices = if self
                    .slow_down(caller.user_id, cooldown::AUTOCOMPLETE)
                    .is_some()
                {
                    Vec::new()
                } else {
                    commands::autocomplete(app, &inv, &option, &partial).await
                };
                respond::choices(&ctx.http, i.id, &i.token, &choices).await
            }
            Interaction::Component(i) => {
                let caller = convert::caller(
                    &i.user,
                    i.guild_id,
                    i.member.as_ref(),
                    &i.locale,
                    i.guild_locale.as_deref(),
                );
                if commands::share::is_share(&i.data.custom_id) {
                    return shared::press(&ctx.http, app, &self.shared, i, &caller).await;
                }
                // A press that is not the presser's to make is refused before anything is
                // deferred: privately, and the message stays as it was.
                if let Some(refused) = commands::refuse_press(app, &i.data.custom_id, &caller).await
                {
                    let wire = Wire::new(&refused);
                    return respond::now(&ctx.http, i.id, &i.token, &wire).await;
                }
                let pressed = convert::rows(&i.message.components);
                let work = async {
                    Arc::new(Wire::new(
                        &commands::respond_component(app, &i.data.custom_id, &pressed, &caller)
                            .await,
                    ))
                };
                respond::answer(&ctx.http, i.id, &i.token, true, work).await
            }
            Interaction::Modal(i) => {
                let caller = convert::caller(
                    &i.user,
                    i.guild_id,
                    i.member.as_ref(),
                    &i.locale,
                    i.guild_locale.as_deref(),
                );
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
                let work = async {
                    Arc::new(Wire::new(
                        &commands::respond_modal(app, &i.data.custom_id, &fields, &caller).await,
                    ))
                };
                respond::answer(&ctx.http, i.id, &i.token, false, work).await
            }
            _ => Ok(Outcome::Answered),
        }
    }
}

/// An interaction's kind, as the metrics label it.
fn kind(interaction: &Interaction) -> &'static str {
    match interaction {
        Interaction::Command(_) => "command",
        Interaction::Autocomplete(_) => "autocomplete",
        Interaction::Component(_) => "component",
        Interaction::Modal(_) => "modal",
        _ => "other",
    }
}
