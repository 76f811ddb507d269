//! Sending replies: the reply's JSON goes out as built, with its picture as a multipart file.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use serenity::all::{CreateAttachment, Http, InteractionId};

use crate::reply::{Reply, json};
use crate::telemetry::Outcome;

/// Work that takes longer than this is deferred first (Discord drops a response after 3 s).
pub const DEFER_AFTER: Duration = Duration::from_millis(1200);

/// A reply in the form it travels, built once (and kept by the answer cache).
pub struct Wire {
    /// The interaction response: `{"type":4,"data":{…}}`, a form, or an update.
    response: Value,
    /// The message alone, for an answer that follows "thinking…".
    message: Value,
    picture: Option<(String, String, Arc<Vec<u8>>)>,
    ephemeral: bool,
    modal: bool,
    /// Replaces the message whose button was pressed (rather than being a new message).
    update: bool,
    refusal: bool,
}

impl Wire {
    pub fn new(reply: &Reply) -> Wire {
        // serenity numbers raw multipart files `files[0]` whatever their count, so a reply
        // carries at most one picture.
        debug_assert!(reply.attachments.len() <= 1, "one picture per reply");
        Wire {
            response: json::interaction_response(reply),
            message: json::message_data(reply),
            picture: reply
                .attachments
                .first()
                .map(|a| (a.filename.clone(), a.description.clone(), a.bytes.clone())),
            ephemeral: reply.ephemeral,
            modal: reply.modal.is_some(),
            update: reply.update,
            refusal: reply.refusal,
        }
    }

    fn files(&self) -> Vec<CreateAttachment> {
        self.picture
            .iter()
            .map(|(name, description, bytes)| {
                CreateAttachment::bytes(bytes.to_vec(), name.clone())
                    .description(description.clone())
            })
            .collect()
    }
}

/// Answers an interaction with what `work` produces. When the work outlasts [`DEFER_AFTER`],
/// Discord is told "thinking…" first and the answer replaces it later; a refusal then goes out
/// as an ephemeral follow-up so it stays private.
///
/// For a button (`on_message`), "thinking…" keeps the message; an update then replaces it, and
/// anything else (a refusal, an apology) goes to the presser alone as a follow-up, leaving the
/// message as it was.
pub async fn answer(
    http: &Http,
    id: InteractionId,
    token: &str,
    on_message: bool,
    work: impl Future<Output = Arc<Wire>>,
) -> serenity::Result<Outcome> {
    answer_shown(http, id, token, on_message, false, work).await
}

/// [`answer`] for a command whose answer is known to be private before it is made (the server
/// chose so): "thinking…" is shown to the asker alone, and the answer replaces it there.
pub async fn answer_private(
    http: &Http,
    id: InteractionId,
    token: &str,
    work: impl Future<Output = Arc<Wire>>,
) -> serenity::Result<Outcome> {
    answer_shown(http, id, token, false, true, work).await
}

async fn answer_shown(
    http: &Http,
    id: InteractionId,
    token: &str,
    on_message: bool,
    private: bool,
    work: impl Future<Output = Arc<Wire>>,
) -> serenity::Result<Outcome> {
    tokio::pin!(work);
    let wire = tokio::select! {
        wire = &mut work => {
            http.create_interaction_response(id, token, &wire.response, wire.files()).await?;
            return Ok(wire.outcome(false));
        }
        _ = tokio::time::sleep(DEFER_AFTER) => {
            let thinking = if on_message { json::deferred_update() } else { json::deferred(private) };
            http.create_interaction_response(id, token, &thinking, vec![]).await?;
            work.await
        }
    };
    // A form cannot follow "thinking…"; say the work took too long instead.
    let wire = if wire.modal {
        Arc::new(Wire::new(&Reply::refusal(
            "Sorry, that took too long. Please try again.",
        )))
    } else {
        wire
    };
    if on_message && !wire.update {
        http.create_followup_message(token, &wire.message, wire.files())
            .await?;
    } else if wire.ephemeral && !on_message && !private {
        http.delete_original_interaction_response(token).await?;
        http.create_followup_message(token, &wire.message, wire.files())
            .await?;
    } else {
        http.edit_original_interaction_response(token, &wire.message, wire.files())
            .await?;
    }
    Ok(wire.outcome(true))
}

impl Wire {
    fn outcome(&self, deferred: bool) -> Outcome {
        match (self.refusal, deferred) {
            (true, _) => Outcome::Refused,
            (false, true) => Outcome::Deferred,
            (false, false) => Outcome::Answered,
        }
    }
}

/// Answers an interaction at once with a reply already made (a refusal that needs no work).
pub async fn now(
    http: &Http,
    id: InteractionId,
    token: &str,
    wire: &Wire,
) -> serenity::Result<Outcome> {
    http.create_interaction_response(id, token, &wire.response, wire.files())
        .await?;
    Ok(wire.outcome(false))
}

/// Posts a reply as a follow-up message of an interaction already answered: public unless the
/// reply is ephemeral.
pub async fn followup(http: &Http, token: &str, wire: &Wire) -> serenity::Result<Outcome> {
    http.create_followup_message(token, &wire.message, wire.files())
        .await?;
    Ok(wire.outcome(false))
}

/// Sends autocomplete choices (type 8).
pub async fn choices(
    http: &Http,
    id: InteractionId,
    token: &str,
    choices: &[json::Choice],
) -> serenity::Result<Outcome> {
    http.create_interaction_response(id, token, &json::autocomplete(choices), vec![])
        .await?;
    Ok(Outcome::Answered)
}
