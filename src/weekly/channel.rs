//! What the weekly scheduler needs from a chat service: post a message to a channel, and find
//! its own earlier post there. The Discord client implements it; tests may bring their own.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::reply::Reply;

/// A place the bot posts its own messages to.
pub trait Channel: Sync {
    /// Posts `reply` to `channel` with `nonce` (a retry with the same nonce posts nothing new);
    /// returns the message id.
    fn post(
        &self,
        channel: u64,
        reply: &Reply,
        nonce: &str,
    ) -> impl Future<Output = Result<String, PostError>> + Send;

    /// Looks for the bot's own message in `channel`, posted since `since`, that `is_it`
    /// recognises.
    fn find_own(
        &self,
        channel: u64,
        since: DateTime<Utc>,
        is_it: impl Fn(&Value) -> bool + Send + Sync,
    ) -> impl Future<Output = Result<Found, LookError>> + Send;
}

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The channel is gone or the bot may not post there ("Unknown Channel", "Missing Access").
    #[error("the channel cannot be posted to: {0}")]
    Gone(String),
    /// Not posted: every try was refused or never reached Discord.
    #[error(transparent)]
    Failed(anyhow::Error),
    /// Perhaps posted: a try failed after Discord may have created the message (a server error,
    /// a connection lost after sending).
    #[error("{0} (the message may have been created)")]
    Unknown(anyhow::Error),
}

/// What a look for the bot's own post found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// The post is there: its message id.
    Message(String),
    /// The channel can be read and the post is not in it.
    NotThere,
}

#[derive(Debug, thiserror::Error)]
pub enum LookError {
    /// The channel cannot be read (no access, no Read Message History, gone), or not far enough
    /// back: whether the post is there cannot be known.
    #[error("the channel cannot be checked: {0}")]
    Unreadable(String),
    /// Reading failed for now; a later look may succeed.
    #[error(transparent)]
    Failed(anyhow::Error),
}
