//! Discord objects as JSON, with every field serenity 0.12.5 requires when it deserializes them
//! (a missing required field makes serenity drop a gateway event or fail an HTTP call).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use serenity::model::Timestamp;

use super::FakeConfig;

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Bits a typical bot gets: view, send, embed links, attach files, read history, external
/// emojis, use application commands, send in threads.
pub(super) const BOT_PERMISSIONS: u64 =
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 31) | (1 << 38);
/// Bits of an ordinary member: the bot's minus external emojis, plus add reactions.
pub(super) const MEMBER_PERMISSIONS: u64 =
    (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31);
/// `APPLICATION_COMMAND_BADGE`, which every bot with slash commands has.
const APPLICATION_FLAGS: u64 = 1 << 23;

/// A fresh, increasing snowflake whose timestamp part is now.
pub(super) fn snowflake() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis();
    let candidate = (u64::try_from(millis).expect("millis fit u64") - DISCORD_EPOCH_MS) << 22;
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(candidate.max(last + 1))
        })
        .expect("closure always returns Some");
    candidate.max(previous + 1)
}

pub(super) fn now() -> String {
    Timestamp::now().to_string()
}

pub(super) fn user(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": if bot { "1234" } else { "0" },
        "global_name": if bot { Value::Null } else { Value::from(username) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(super) fn bot_user(cfg: &FakeConfig) -> Value {
    user(cfg.bot_user_id, &cfg.bot_username, true)
}

/// `GET /users/@me` and READY's user carry the private fields too.
pub(super) fn current_user(cfg: &FakeConfig) -> Value {
    let mut me = bot_user(cfg);
    let extra = json!({
        "verified": true,
        "mfa_enabled": false,
        "email": null,
        "locale": "en-US",
        "premium_type": 0,
    });
    merge(&mut me, extra);
    me
}

pub(super) fn member(user: Value, roles: &[u64], permissions: Option<&str>) -> Value {
    let mut member = json!({
        "user": user,
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": now(),
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "nick": null,
        "avatar": null,
        "banner": null,
        "communication_disabled_until": null,
    });
    if let Some(permissions) = permissions {
        member["permissions"] = permissions.into();
    }
    member
}

pub(super) fn application(cfg: &FakeConfig) -> Value {
    json!({
        "id": cfg.application_id.to_string(),
        "name": cfg.bot_username,
        "icon": null,
        "description": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "owner": user(cfg.user_id, "owner", false),
        "team": null,
        "flags": APPLICATION_FLAGS,
        "bot": current_user(cfg),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
    })
}

/// READY of one shard, listing only that shard's guilds.
pub(super) fn ready(
    cfg: &FakeConfig,
    session_id: &str,
    gateway_url: &str,
    (shard, num_shards): (u32, u32),
    guild_ids: &[u64],
) -> Value {
    let guilds: Vec<Value> = guild_ids
        .iter()
        .map(|id| json!({"id": id.to_string(), "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": current_user(cfg),
        "guilds": guilds,
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": gateway_url,
        "shard": [shard, num_shards],
        "application": {"id": cfg.application_id.to_string(), "flags": APPLICATION_FLAGS},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fake-discord"],
    })
}

pub(super) fn guild_channel(id: u64, guild_id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": format!("channel-{id}"),
        "position": 0,
        "permission_overwrites": [],
        "parent_id": null,
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

pub(super) fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "recipients": [recipient],
        "last_message_id": null,
        "flags": 0,
    })
}

/// GUILD_CREATE for a guild holding the bot and the given text channels.
pub(super) fn guild_create(cfg: &FakeConfig, guild_id: u64, channels: &[u64]) -> Value {
    let everyone = json!({
        "id": guild_id.to_string(),
        "name": "@everyone",
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": 0,
        "permissions": MEMBER_PERMISSIONS.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    });
    let channels: Vec<Value> = channels
        .iter()
        .map(|&id| {
            let mut channel = guild_channel(id, guild_id);
            channel.as_object_mut().expect("object").remove("guild_id");
            channel
        })
        .collect();
    let mut guild = json!({
        "id": guild_id.to_string(),
        "name": format!("guild-{guild_id}"),
        "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null, "banner": null,
        "owner_id": cfg.user_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "public_updates_channel_id": null,
        "safety_alerts_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
    });
    // Split in two: one json! this large exceeds the default macro recursion limit.
    merge(
        &mut guild,
        json!({
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": false,
            "preferred_locale": "en-US",
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "joined_at": now(),
            "large": false,
            "unavailable": false,
            "lazy": true,
            "member_count": 2,
            "voice_states": [],
            "members": [member(bot_user(cfg), &[], None)],
            "channels": channels,
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "incidents_data": null,
        }),
    );
    guild
}

pub(super) fn attachment(
    base_url: &str,
    id: u64,
    filename: &str,
    content_type: Option<&str>,
    size: usize,
) -> Value {
    let url = format!("{base_url}/attachments/{id}/{filename}");
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    })
}

/// Who wrote a message and how it came to be.
pub(super) struct Origin {
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author: Value,
    /// 0 default, 20 reply to a slash command.
    pub kind: u64,
    /// Set for messages sent through an interaction webhook.
    pub webhook_id: Option<u64>,
    pub application_id: Option<u64>,
}

/// The message Discord returns for a created message body.
pub(super) fn message(origin: &Origin, body: &Value, attachments: Vec<Value>) -> Value {
    let mut message = json!({
        "id": snowflake().to_string(),
        "channel_id": origin.channel_id.to_string(),
        "author": origin.author,
        "content": "",
        "timestamp": now(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "reactions": [],
        "pinned": false,
        "type": origin.kind,
        "flags": 0,
    });
    if let Some(guild_id) = origin.guild_id {
        message["guild_id"] = guild_id.to_string().into();
    }
    if let Some(webhook_id) = origin.webhook_id {
        message["webhook_id"] = webhook_id.to_string().into();
    }
    if let Some(application_id) = origin.application_id {
        message["application_id"] = application_id.to_string().into();
    }
    if let Some(nonce) = body.get("nonce").filter(|n| !n.is_null()) {
        message["nonce"] = nonce.clone();
    }
    apply_edit(&mut message, body, attachments);
    message["edited_timestamp"] = Value::Null;
    message
}

/// Applies a message body as Discord does on PATCH: present fields replace, absent ones stay;
/// `attachments`, when present, lists the existing attachments to keep.
pub(super) fn apply_edit(message: &mut Value, body: &Value, new_attachments: Vec<Value>) {
    if let Some(content) = body.get("content") {
        message["content"] = content.as_str().unwrap_or_default().into();
    }
    for key in ["embeds", "components"] {
        if let Some(items) = body.get(key) {
            message[key] = if items.is_null() {
                json!([])
            } else {
                items.clone()
            };
        }
    }
    if let Some(flags) = body["flags"].as_u64() {
        message["flags"] = flags.into();
    }
    let mut attachments: Vec<Value> = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(keep) = body["attachments"].as_array() {
        let kept: Vec<String> = keep.iter().map(|a| id_text(&a["id"])).collect();
        attachments.retain(|a| kept.contains(&id_text(&a["id"])));
    }
    attachments.extend(new_attachments);
    resolve_attachment_urls(message, &attachments);
    for embed in message["embeds"].as_array_mut().into_iter().flatten() {
        embed["type"] = "rich".into();
    }
    message["attachments"] = attachments.into();
    message["edited_timestamp"] = now().into();
}

/// Discord replaces `attachment://name` in embeds with the uploaded file's URL.
fn resolve_attachment_urls(message: &mut Value, attachments: &[Value]) {
    for embed in message["embeds"].as_array_mut().into_iter().flatten() {
        for (object, key) in [
            ("image", "url"),
            ("thumbnail", "url"),
            ("author", "icon_url"),
            ("footer", "icon_url"),
        ] {
            let Some(slot) = embed.get_mut(object).and_then(|o| o.get_mut(key)) else {
                continue;
            };
            let Some(name) = slot.as_str().and_then(|u| u.strip_prefix("attachment://")) else {
                continue;
            };
            if let Some(found) = attachments.iter().find(|a| a["filename"] == name) {
                *slot = found["url"].clone();
            }
        }
    }
}

/// Ids arrive as strings or numbers.
pub(super) fn id_text(id: &Value) -> String {
    id.as_str().map_or_else(|| id.to_string(), str::to_owned)
}

fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}
