//! Replies as data: embeds, fields, attachments, buttons and flags, before they become the
//! Discord JSON the bot sends ([`json`]) or the text the CLI prints ([`text`]). Every reply is
//! cut to Discord's limits ([`limits`]) on its way out, whatever the data.

pub mod json;
pub mod limits;
pub mod plot;
pub mod text;

use std::sync::Arc;

/// Colours by kind of answer, so fans learn them at a glance.
pub mod colour {
    pub const EXPORTS: u32 = 0x2B7BB9;
    pub const CHART: u32 = 0xE0A526;
    pub const ARTIST: u32 = 0x9B59B6;
    pub const INFO: u32 = 0x5865F2;
    pub const MODERATION: u32 = 0x3BA55C;
    pub const REFUSAL: u32 = 0xED4245;
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub attachments: Vec<Attachment>,
    pub components: Vec<ActionRow>,
    /// Only the person who asked sees it.
    pub ephemeral: bool,
    /// Replaces the message whose button was pressed instead of answering anew.
    pub update: bool,
    /// A form to fill in instead of a message.
    pub modal: Option<Modal>,
    /// A refusal (bad input, nothing found, not allowed) rather than an answer.
    pub refusal: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Embed {
    pub title: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub colour: u32,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    /// The file name of an attachment shown as the embed's image.
    pub image: Option<String>,
    /// Shown by Discord beside the footer, in each reader's time zone.
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub description: String,
    /// Shared with the picture cache: replies copy no image.
    pub bytes: Arc<Vec<u8>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionRow {
    pub buttons: Vec<Button>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

/// A form Discord shows over the chat (a modal): one or more text fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modal {
    pub custom_id: String,
    pub title: String,
    pub inputs: Vec<TextInput>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextInput {
    pub custom_id: String,
    pub label: String,
    pub value: Option<String>,
    /// A multi-line field.
    pub long: bool,
    pub max_length: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary = 1,
    Secondary = 2,
    Success = 3,
    Danger = 4,
}

impl Reply {
    /// A public answer made of one embed.
    pub fn embed(embed: Embed) -> Reply {
        Reply {
            embeds: vec![embed],
            ..Reply::default()
        }
    }

    /// An ephemeral refusal that says what went wrong and what to do instead.
    pub fn refusal(message: impl Into<String>) -> Reply {
        Reply {
            embeds: vec![Embed {
                description: Some(message.into()),
                colour: colour::REFUSAL,
                ..Embed::default()
            }],
            ephemeral: true,
            refusal: true,
            ..Reply::default()
        }
    }

    /// An ephemeral confirmation of a change.
    pub fn done(message: impl Into<String>) -> Reply {
        Reply {
            embeds: vec![Embed {
                description: Some(message.into()),
                colour: colour::MODERATION,
                ..Embed::default()
            }],
            ephemeral: true,
            ..Reply::default()
        }
    }

    pub fn with_attachment(mut self, attachment: Attachment) -> Reply {
        self.attachments.push(attachment);
        self
    }

    /// Attaches a PNG and shows it as the first embed's image.
    pub fn with_picture(
        mut self,
        filename: String,
        description: String,
        bytes: Arc<Vec<u8>>,
    ) -> Reply {
        if let Some(embed) = self.embeds.first_mut() {
            embed.image = Some(filename.clone());
        }
        self.with_attachment(Attachment {
            filename,
            description,
            bytes,
        })
    }
}

impl Embed {
    pub fn new(colour: u32) -> Embed {
        Embed {
            colour,
            ..Embed::default()
        }
    }

    pub fn title(mut self, title: impl Into<String>) -> Embed {
        self.title = Some(title.into());
        self
    }

    pub fn timestamp(mut self, at: chrono::DateTime<chrono::Utc>) -> Embed {
        self.timestamp = Some(at);
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Embed {
        self.description = Some(description.into());
        self
    }

    pub fn field(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        inline: bool,
    ) -> Embed {
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
            inline,
        });
        self
    }

    pub fn footer(mut self, footer: impl Into<String>) -> Embed {
        self.footer = Some(footer.into());
        self
    }
}
