//! Builders for INTERACTION_CREATE payloads, complete enough that serenity 0.12.5 deserializes
//! them (it silently drops an event with a missing required field).

use serde_json::{Map, Value, json};

use super::FakeConfig;
use super::objects::{self, BOT_PERMISSIONS, MEMBER_PERMISSIONS, Origin};

/// Discord's default upload limit for a user without Nitro in an unboosted guild (10 MiB).
const ATTACHMENT_SIZE_LIMIT: u64 = 10 << 20;

/// The value of a command option: string, integer, number or boolean.
#[derive(Clone, Debug)]
pub enum OptionValue {
    String(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
}

impl OptionValue {
    fn option_type(&self) -> u64 {
        match self {
            Self::String(_) => 3,
            Self::Integer(_) => 4,
            Self::Boolean(_) => 5,
            Self::Number(_) => 10,
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::String(s) => s.as_str().into(),
            Self::Integer(i) => (*i).into(),
            Self::Number(n) => (*n).into(),
            Self::Boolean(b) => (*b).into(),
        }
    }
}

impl From<&str> for OptionValue {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for OptionValue {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<i32> for OptionValue {
    fn from(value: i32) -> Self {
        Self::Integer(value.into())
    }
}

impl From<i64> for OptionValue {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<f64> for OptionValue {
    fn from(value: f64) -> Self {
        Self::Number(value)
    }
}

impl From<bool> for OptionValue {
    fn from(value: bool) -> Self {
        Self::Boolean(value)
    }
}

/// Options of a command or subcommand, with the attachments they resolve.
#[derive(Clone, Debug, Default)]
pub struct Options {
    options: Vec<Value>,
    attachments: Map<String, Value>,
}

impl Options {
    pub fn option(mut self, name: &str, value: impl Into<OptionValue>) -> Self {
        let value = value.into();
        self.options
            .push(json!({"name": name, "type": value.option_type(), "value": value.json()}));
        self
    }

    /// An attachment option; `attachment` is what [`super::FakeDiscord::add_attachment`] returned.
    pub fn attachment(mut self, name: &str, attachment: &Value) -> Self {
        let id = objects::id_text(&attachment["id"]);
        self.options
            .push(json!({"name": name, "type": 11, "value": id}));
        let mut resolved = attachment.clone();
        resolved["ephemeral"] = true.into();
        self.attachments.insert(id, resolved);
        self
    }

    /// The option being typed in an autocomplete interaction (Discord sends the partial input
    /// as a string whatever the option type; `option_type` is 3, 4 or 10).
    pub fn focused(mut self, name: &str, option_type: u64, partial: &str) -> Self {
        self.options
            .push(json!({"name": name, "type": option_type, "value": partial, "focused": true}));
        self
    }

    fn nest(mut self, name: &str, option_type: u64, inner: Options) -> Self {
        self.options
            .push(json!({"name": name, "type": option_type, "options": inner.options}));
        self.attachments.extend(inner.attachments);
        self
    }
}

#[derive(Clone, Debug)]
enum Kind {
    Command {
        command_id: u64,
        name: String,
        autocomplete: bool,
    },
    Component {
        custom_id: String,
        values: Option<Vec<String>>,
    },
    Modal {
        custom_id: String,
        rows: Vec<Value>,
    },
}

/// Builds one INTERACTION_CREATE payload. Start from [`super::FakeDiscord::slash`],
/// `autocomplete`, `button`, `select` or `modal_submit`; defaults come from [`FakeConfig`]:
/// the default user, in the first guild, in the default channel, locale `en-US`.
#[derive(Clone, Debug)]
pub struct InteractionBuilder {
    cfg: FakeConfig,
    kind: Kind,
    options: Options,
    id: u64,
    user_id: u64,
    username: String,
    guild_id: Option<u64>,
    channel_id: Option<u64>,
    roles: Vec<u64>,
    permissions: String,
    app_permissions: String,
    locale: String,
    guild_locale: String,
    message: Option<Value>,
}

impl InteractionBuilder {
    pub(super) fn command(
        cfg: &FakeConfig,
        name: &str,
        command_id: u64,
        autocomplete: bool,
    ) -> Self {
        Self::new(
            cfg,
            Kind::Command {
                command_id,
                name: name.to_owned(),
                autocomplete,
            },
        )
    }

    pub(super) fn component(
        cfg: &FakeConfig,
        custom_id: &str,
        values: Option<Vec<String>>,
    ) -> Self {
        Self::new(
            cfg,
            Kind::Component {
                custom_id: custom_id.to_owned(),
                values,
            },
        )
    }

    pub(super) fn modal(cfg: &FakeConfig, custom_id: &str) -> Self {
        Self::new(
            cfg,
            Kind::Modal {
                custom_id: custom_id.to_owned(),
                rows: Vec::new(),
            },
        )
    }

    fn new(cfg: &FakeConfig, kind: Kind) -> Self {
        Self {
            cfg: cfg.clone(),
            kind,
            options: Options::default(),
            id: objects::snowflake(),
            user_id: cfg.user_id,
            username: "fake-user".to_owned(),
            guild_id: cfg.guild_ids.first().copied(),
            channel_id: None,
            roles: Vec::new(),
            permissions: MEMBER_PERMISSIONS.to_string(),
            app_permissions: BOT_PERMISSIONS.to_string(),
            locale: "en-US".to_owned(),
            guild_locale: "en-US".to_owned(),
            message: None,
        }
    }

    /// A string, integer, number or boolean option of the command.
    pub fn option(mut self, name: &str, value: impl Into<OptionValue>) -> Self {
        self.options = self.options.option(name, value);
        self
    }

    pub fn attachment(mut self, name: &str, attachment: &Value) -> Self {
        self.options = self.options.attachment(name, attachment);
        self
    }

    /// See [`Options::focused`].
    pub fn focused(mut self, name: &str, option_type: u64, partial: &str) -> Self {
        self.options = self.options.focused(name, option_type, partial);
        self
    }

    /// Invokes subcommand `name` (an option of type 1) with the options `build` adds.
    pub fn subcommand(mut self, name: &str, build: impl FnOnce(Options) -> Options) -> Self {
        self.options = self.options.nest(name, 1, build(Options::default()));
        self
    }

    /// Invokes `group name` (type 2 holding type 1).
    pub fn subcommand_group(
        mut self,
        group: &str,
        name: &str,
        build: impl FnOnce(Options) -> Options,
    ) -> Self {
        let sub = Options::default().nest(name, 1, build(Options::default()));
        self.options = self.options.nest(group, 2, sub);
        self
    }

    /// A text input value of a modal submit.
    pub fn text_input(mut self, custom_id: &str, value: &str) -> Self {
        if let Kind::Modal { rows, .. } = &mut self.kind {
            let input = json!({"type": 4, "custom_id": custom_id, "value": value});
            rows.push(json!({"type": 1, "components": [input]}));
        }
        self
    }

    pub fn user(mut self, id: u64, username: &str) -> Self {
        self.user_id = id;
        self.username = username.to_owned();
        self
    }

    /// `None` makes a DM interaction (in the configured DM channel unless `channel` is set).
    pub fn guild(mut self, guild_id: Option<u64>) -> Self {
        self.guild_id = guild_id;
        self
    }

    pub fn channel(mut self, channel_id: u64) -> Self {
        self.channel_id = Some(channel_id);
        self
    }

    pub fn roles(mut self, roles: &[u64]) -> Self {
        self.roles = roles.to_vec();
        self
    }

    /// The member's permissions in the channel, as Discord's string bitfield.
    pub fn permissions(mut self, bits: &str) -> Self {
        self.permissions = bits.to_owned();
        self
    }

    /// The bot's own permissions in the channel.
    pub fn app_permissions(mut self, bits: &str) -> Self {
        self.app_permissions = bits.to_owned();
        self
    }

    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = locale.to_owned();
        self
    }

    pub fn guild_locale(mut self, locale: &str) -> Self {
        self.guild_locale = locale.to_owned();
        self
    }

    /// The message a component (or the modal opened from it) belongs to, e.g. the bot's
    /// earlier reply from [`super::InteractionLog::original_message`].
    pub fn message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }

    pub fn build(self) -> Value {
        let channel_id = self.channel_id.unwrap_or(match self.guild_id {
            Some(_) => self.cfg.channel_id,
            None => self.cfg.dm_channel_id,
        });
        let user = objects::user(self.user_id, &self.username, false);
        let (kind, data) = self.data();
        let mut payload = json!({
            "id": self.id.to_string(),
            "application_id": self.cfg.application_id.to_string(),
            "type": kind,
            "data": data,
            "channel_id": channel_id.to_string(),
            "token": format!("fake-interaction-token-{}", self.id),
            "version": 1,
            "app_permissions": self.app_permissions,
            "locale": self.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        });
        match self.guild_id {
            Some(guild) => {
                let mut channel = objects::guild_channel(channel_id, guild);
                channel["permissions"] = self.permissions.as_str().into();
                payload["channel"] = channel;
                payload["guild_id"] = guild.to_string().into();
                payload["guild_locale"] = self.guild_locale.as_str().into();
                payload["member"] = objects::member(user, &self.roles, Some(&self.permissions));
                payload["authorizing_integration_owners"] = json!({"0": guild.to_string()});
                payload["context"] = 0.into();
            }
            None => {
                payload["channel"] = objects::dm_channel(channel_id, user.clone());
                payload["user"] = user;
                // A guild-installed app used in its DM has guild owner id "0".
                payload["authorizing_integration_owners"] = json!({"0": "0"});
                payload["context"] = 1.into();
            }
        }
        let message = match &self.kind {
            Kind::Component { custom_id, values } => {
                Some(self.message.clone().unwrap_or_else(|| {
                    self.default_message(channel_id, custom_id, values.as_deref())
                }))
            }
            _ => self.message.clone(),
        };
        if let Some(message) = message {
            payload["message"] = message;
        }
        payload
    }

    /// The interaction type and its `data`.
    fn data(&self) -> (u64, Value) {
        match &self.kind {
            Kind::Command {
                command_id,
                name,
                autocomplete,
            } => {
                let mut data = json!({
                    "id": command_id.to_string(),
                    "name": name,
                    "type": 1,
                    "options": self.options.options,
                });
                if !self.options.attachments.is_empty() {
                    data["resolved"] = json!({"attachments": self.options.attachments});
                }
                (if *autocomplete { 4 } else { 2 }, data)
            }
            Kind::Component {
                custom_id,
                values: None,
            } => (3, json!({"custom_id": custom_id, "component_type": 2})),
            Kind::Component {
                custom_id,
                values: Some(values),
            } => (
                3,
                json!({"custom_id": custom_id, "component_type": 3, "values": values}),
            ),
            Kind::Modal { custom_id, rows } => {
                (5, json!({"custom_id": custom_id, "components": rows}))
            }
        }
    }

    /// A bot message carrying the clicked component, for when the test gives none.
    fn default_message(
        &self,
        channel_id: u64,
        custom_id: &str,
        values: Option<&[String]>,
    ) -> Value {
        let component = match values {
            None => json!({"type": 2, "style": 1, "label": custom_id, "custom_id": custom_id}),
            Some(values) => {
                let options: Vec<Value> = values
                    .iter()
                    .map(|v| json!({"label": v, "value": v}))
                    .collect();
                json!({"type": 3, "custom_id": custom_id, "options": options})
            }
        };
        let origin = Origin {
            channel_id,
            guild_id: self.guild_id,
            author: objects::bot_user(&self.cfg),
            kind: 0,
            webhook_id: None,
            application_id: Some(self.cfg.application_id),
        };
        let body = json!({"content": "", "components": [{"type": 1, "components": [component]}]});
        objects::message(&origin, &body, Vec::new())
    }
}

impl From<InteractionBuilder> for Value {
    fn from(builder: InteractionBuilder) -> Self {
        builder.build()
    }
}
