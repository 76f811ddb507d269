//! Replies as Discord's JSON: the interaction-response bodies the bot sends and the CLI's
//! `--json` prints, byte for byte the same.

use serde_json::{Map, Value, json};

use super::{Reply, limits};
use crate::domain::text::truncate;

pub const EPHEMERAL: u64 = 1 << 6;

/// Interaction callback types.
pub mod callback {
    pub const MESSAGE: u64 = 4;
    pub const DEFERRED_MESSAGE: u64 = 5;
    pub const DEFERRED_UPDATE: u64 = 6;
    pub const UPDATE_MESSAGE: u64 = 7;
    pub const AUTOCOMPLETE: u64 = 8;
    pub const MODAL: u64 = 9;
}

/// The message part of a reply: what a callback's `data`, a follow-up, an edit of the original
/// response or a channel post carries. `allowed_mentions` is always empty: no fact pings anyone.
pub fn message_data(reply: &Reply) -> Value {
    let reply = limits::fit(reply.clone());
    let mut data = Map::new();
    if let Some(content) = &reply.content {
        data.insert("content".into(), json!(content));
    }
    data.insert(
        "embeds".into(),
        Value::Array(reply.embeds.iter().map(embed).collect()),
    );
    if !reply.components.is_empty() {
        data.insert("components".into(), components(&reply));
    }
    if !reply.attachments.is_empty() {
        let list: Vec<Value> = reply
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| json!({"id": i, "filename": a.filename, "description": a.description}))
            .collect();
        data.insert("attachments".into(), Value::Array(list));
    }
    if reply.ephemeral {
        data.insert("flags".into(), json!(EPHEMERAL));
    }
    data.insert("allowed_mentions".into(), json!({"parse": []}));
    Value::Object(data)
}

/// The reply as the first response to an interaction: `{"type":4,"data":{…}}` for a message,
/// type 7 when it replaces the message whose button was pressed, type 9 for a form.
pub fn interaction_response(reply: &Reply) -> Value {
    if let Some(modal) = &reply.modal {
        return modal_response(modal);
    }
    let kind = if reply.update {
        callback::UPDATE_MESSAGE
    } else {
        callback::MESSAGE
    };
    json!({"type": kind, "data": message_data(reply)})
}

fn modal_response(m: &super::Modal) -> Value {
    let rows: Vec<Value> = m
        .inputs
        .iter()
        .take(5)
        .map(|i| {
            let mut input = json!({
                "type": 4,
                "custom_id": truncate(&i.custom_id, limits::CUSTOM_ID),
                "style": if i.long { 2 } else { 1 },
                "label": truncate(&i.label, 45),
                "max_length": i.max_length.min(4000),
                "required": true,
            });
            if let Some(v) = &i.value {
                input["value"] = json!(truncate(v, usize::from(i.max_length.min(4000))));
            }
            json!({"type": 1, "components": [input]})
        })
        .collect();
    json!({"type": callback::MODAL, "data": {
        "custom_id": truncate(&m.custom_id, limits::CUSTOM_ID),
        "title": truncate(&m.title, 45),
        "components": rows,
    }})
}

/// `{"type":7}` changing only the buttons of the message whose button was pressed: its text,
/// embeds and picture stay as they are.
pub fn buttons_update(rows: &[super::ActionRow]) -> Value {
    let rows = Reply {
        components: rows.to_vec(),
        ..Reply::default()
    };
    let rows = limits::fit(rows);
    json!({"type": callback::UPDATE_MESSAGE, "data": {"components": components(&rows)}})
}

/// `{"type":5}`: "thinking…", answered later by editing the original response.
pub fn deferred(ephemeral: bool) -> Value {
    if ephemeral {
        json!({"type": callback::DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL}})
    } else {
        json!({"type": callback::DEFERRED_MESSAGE})
    }
}

/// `{"type":6}`: "thinking…" on the message whose button was pressed, which the answer will
/// replace.
pub fn deferred_update() -> Value {
    json!({"type": callback::DEFERRED_UPDATE})
}

/// One autocomplete suggestion: what the list shows and the value the option gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// `{"type":8,…}`: at most 25 choices, names and values cut to 100 characters.
pub fn autocomplete(choices: &[Choice]) -> Value {
    let list: Vec<Value> = choices
        .iter()
        .take(limits::CHOICES)
        .map(|c| {
            json!({
                "name": truncate(&c.name, limits::CHOICE_TEXT),
                "value": truncate(&c.value, limits::CHOICE_TEXT),
            })
        })
        .collect();
    json!({"type": callback::AUTOCOMPLETE, "data": {"choices": list}})
}

fn embed(e: &super::Embed) -> Value {
    let mut m = Map::new();
    if let Some(t) = &e.title {
        m.insert("title".into(), json!(t));
    }
    if let Some(u) = &e.url {
        m.insert("url".into(), json!(u));
    }
    if let Some(d) = &e.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("color".into(), json!(e.colour));
    if !e.fields.is_empty() {
        let fields: Vec<Value> = e
            .fields
            .iter()
            .map(|f| json!({"name": f.name, "value": f.value, "inline": f.inline}))
            .collect();
        m.insert("fields".into(), Value::Array(fields));
    }
    if let Some(f) = &e.footer {
        m.insert("footer".into(), json!({"text": f}));
    }
    if let Some(at) = &e.timestamp {
        m.insert(
            "timestamp".into(),
            json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
    }
    if let Some(image) = &e.image {
        m.insert(
            "image".into(),
            json!({"url": format!("attachment://{image}")}),
        );
    }
    Value::Object(m)
}

fn components(reply: &Reply) -> Value {
    Value::Array(
        reply
            .components
            .iter()
            .map(|row| {
                let buttons: Vec<Value> = row
                    .buttons
                    .iter()
                    .map(|b| {
                        json!({"type": 2, "style": b.style as u8, "label": b.label,
                               "custom_id": b.custom_id, "disabled": b.disabled})
                    })
                    .collect();
                json!({"type": 1, "components": buttons})
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::{Attachment, Embed, colour};

    #[test]
    fn every_message_silences_mentions() {
        let reply = Reply {
            content: Some("@everyone <@123>".into()),
            ..Reply::default()
        };
        let body = interaction_response(&reply);
        assert_eq!(body["type"], 4);
        assert_eq!(body["data"]["allowed_mentions"], json!({"parse": []}));
    }

    #[test]
    fn refusals_are_ephemeral_and_images_reference_attachments() {
        assert_eq!(
            interaction_response(&Reply::refusal("no"))["data"]["flags"],
            64
        );
        let mut e = Embed::new(colour::CHART);
        e.image = Some("run.png".into());
        let reply = Reply::embed(e).with_attachment(Attachment {
            filename: "run.png".into(),
            description: "chart run".into(),
            bytes: std::sync::Arc::new(vec![1, 2, 3]),
        });
        let data = message_data(&reply);
        assert_eq!(data["embeds"][0]["image"]["url"], "attachment://run.png");
        assert_eq!(data["attachments"][0]["filename"], "run.png");
        assert!(data.get("flags").is_none());
    }

    #[test]
    fn autocomplete_is_cut_to_discords_limits() {
        let choices: Vec<Choice> = (0..40)
            .map(|i| Choice {
                name: format!("{i}{}", "x".repeat(200)),
                value: "v".repeat(150),
            })
            .collect();
        let body = autocomplete(&choices);
        let list = body["data"]["choices"].as_array().unwrap();
        assert_eq!(list.len(), 25);
        assert!(
            list.iter()
                .all(|c| c["name"].as_str().unwrap().chars().count() <= 100
                    && c["value"].as_str().unwrap().chars().count() <= 100)
        );
    }
}
