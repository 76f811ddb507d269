//! Sending replies: the reply's JSON goes out as built, with its pictures as multipart files.

use std::future::Future;
use std::time::Duration;

use serenity::all::{CreateAttachment, Http, InteractionId};

use crate::reply::{Reply, json};

/// Work that takes longer than this is deferred first (Discord drops a response after 3 s).
pub const DEFER_AFTER: Duration = Duration::from_millis(1200);

fn files(reply: &Reply) -> Vec<CreateAttachment> {
    // serenity numbers raw multipart files `files[0]` whatever their count, so a reply carries
    // at most one picture.
    debug_assert!(reply.attachments.len() <= 1, "one picture per reply");
    reply
        .attachments
        .iter()
        .take(1)
        .map(|a| {
            CreateAttachment::bytes(a.bytes.to_vec(), a.filename.clone())
                .description(a.description.clone())
        })
        .collect()
}

/// Answers an interaction with the reply `work` produces. When the work outlasts
/// [`DEFER_AFTER`], Discord is told "thinking…" first and the answer replaces it later; a
/// refusal then goes out as an ephemeral follow-up so it stays private.
///
/// For a button (`on_message`), "thinking…" keeps the message and the answer replaces it.
pub async fn answer(
    http: &Http,
    id: InteractionId,
    token: &str,
    on_message: bool,
    work: impl Future<Output = Reply>,
) -> serenity::Result<()> {
    tokio::pin!(work);
    let reply = tokio::select! {
        reply = &mut work => {
            return http.create_interaction_response(id, token, &json::interaction_response(&reply), files(&reply)).await;
        }
        _ = tokio::time::sleep(DEFER_AFTER) => {
            let thinking = if on_message { json::deferred_update() } else { json::deferred(false) };
            http.create_interaction_response(id, token, &thinking, vec![]).await?;
            work.await
        }
    };
    // A form cannot follow "thinking…"; say the work took too long instead.
    let reply = if reply.modal.is_some() {
        Reply::refusal("Sorry, that took too long. Please try again.")
    } else {
        reply
    };
    if reply.ephemeral && !on_message {
        http.delete_original_interaction_response(token).await?;
        http.create_followup_message(token, &json::message_data(&reply), files(&reply))
            .await?;
    } else {
        http.edit_original_interaction_response(token, &json::message_data(&reply), files(&reply))
            .await?;
    }
    Ok(())
}

/// Sends autocomplete choices (type 8).
pub async fn choices(
    http: &Http,
    id: InteractionId,
    token: &str,
    choices: &[json::Choice],
) -> serenity::Result<()> {
    http.create_interaction_response(id, token, &json::autocomplete(choices), vec![])
        .await
}
