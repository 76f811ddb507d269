//! Share presses: the private answer's button is disabled at once, then the answer is posted
//! in the channel as a follow-up, once per message.

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::Utc;
use serenity::all::{ComponentInteraction, Http};

use super::convert;
use super::respond::{self, Wire};
use crate::app::App;
use crate::commands::{Caller, share};
use crate::i18n::{msg, t};
use crate::reply::{Reply, json};
use crate::telemetry::Outcome;

/// Messages remembered before the list starts over: by then their buttons show as shared.
const REMEMBERED: usize = 4096;

/// The messages whose answer this process has shared. The button is disabled with the first
/// press's response; this covers a second press sent before Discord showed that. A server's
/// presses all reach the one process serving its shard.
#[derive(Default)]
pub struct Shared {
    messages: Mutex<HashSet<u64>>,
}

impl Shared {
    /// Whether `message` is shared now for the first time.
    fn first(&self, message: u64) -> bool {
        let mut messages = self.messages.lock().expect("shared messages");
        if messages.len() >= REMEMBERED {
            messages.clear();
        }
        messages.insert(message)
    }
}

/// Answers a Share press: the pressed message's Share button disabled (its answer stays as it
/// was), then the answer posted publicly, or a refusal to the presser alone.
pub async fn press(
    http: &Http,
    app: &App,
    shared: &Shared,
    i: &ComponentInteraction,
    caller: &Caller,
) -> serenity::Result<Outcome> {
    if !shared.first(i.message.id.get()) {
        let refused = Reply::refusal(t(caller.locale, msg::share_already()));
        return respond::now(http, i.id, &i.token, &Wire::new(&refused)).await;
    }
    let rows = share::spent(&convert::rows(&i.message.components), caller.locale);
    http.create_interaction_response(i.id, &i.token, &json::buttons_update(&rows), vec![])
        .await?;
    // The token stays valid for follow-ups for 15 minutes; no answer takes near that long.
    let reply = share::shared(app, &i.data.custom_id, caller, Utc::now()).await;
    respond::followup(http, &i.token, &Wire::new(&reply)).await
}
