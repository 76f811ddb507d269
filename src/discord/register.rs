//! Command registration, only when the command set has changed: Discord allows 200 command
//! creates a day per guild, so a restart must not register again.

use serenity::all::{GuildId, Http};

use crate::commands::spec;
use crate::store::Store;

fn scope(guild: Option<GuildId>) -> String {
    match guild {
        Some(g) => format!("guild:{g}"),
        None => "global".to_string(),
    }
}

/// Registers the command set in `guild` (or globally) unless the store says this exact set is
/// registered there already. Returns whether it registered.
pub async fn ensure(http: &Http, store: &Store, guild: Option<GuildId>) -> anyhow::Result<bool> {
    let hash = spec::registration_hash();
    let hash_key = format!("commands_hash:{}", scope(guild));
    if store.meta(&hash_key).await?.as_deref() == Some(hash.as_str()) {
        tracing::info!(scope = %scope(guild), "commands unchanged; not registering");
        return Ok(false);
    }
    let body = spec::registration();
    let registered = match guild {
        Some(g) => http.create_guild_commands(g, &body).await?,
        None => http.create_global_commands(&body).await?,
    };
    // Kept for clickable command mentions (</exports:ID>) in replies.
    let ids: serde_json::Map<String, serde_json::Value> = registered
        .iter()
        .map(|c| (c.name.clone(), serde_json::json!(c.id.get().to_string())))
        .collect();
    store
        .set_meta(
            &format!("command_ids:{}", scope(guild)),
            &serde_json::Value::Object(ids).to_string(),
        )
        .await?;
    store.set_meta(&hash_key, &hash).await?;
    tracing::info!(scope = %scope(guild), commands = registered.len(), "registered the commands");
    Ok(true)
}
