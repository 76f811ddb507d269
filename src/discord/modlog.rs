//! The mod-log: every change to facts, from Discord or the command line, posted to one channel
//! of the deployment. The last change posted is kept in the store, so a restart neither skips
//! nor repeats one; each post's nonce makes a retry after a lost response harmless.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::post::{PostError, Poster};
use crate::app::App;
use crate::commands::change_line;
use crate::i18n::{Locale, t};
use crate::reply::{Embed, Reply, colour, limits};

const TICK: Duration = Duration::from_secs(2);
/// Changes gathered into one post; an import's many units stay one message.
const PER_POST: i64 = 20;
const MARK: &str = "modlog_posted";

pub async fn run(app: Arc<App>, poster: Poster, channel: u64, mut shutdown: watch::Receiver<bool>) {
    let store = app.store();
    let mut posted: i64 = match store.meta(MARK).await {
        Ok(Some(v)) => v.parse().unwrap_or(0),
        // A new mod-log starts from now rather than posting the whole history.
        _ => {
            let latest = store
                .audit_log(None, 1)
                .await
                .ok()
                .and_then(|l| l.first().map(|e| e.id))
                .unwrap_or(0);
            let _ = store.set_meta(MARK, &latest.to_string()).await;
            latest
        }
    };
    loop {
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => return,
        }
        let entries = match store.audit_after(posted, PER_POST).await {
            Ok(e) if !e.is_empty() => e,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = ?e, "reading changes for the mod-log failed");
                continue;
            }
        };
        let last = entries.last().map_or(posted, |e| e.id);
        let lines: Vec<String> = entries.iter().map(|e| change_line(e, Locale::En)).collect();
        let mut description = String::new();
        for line in lines {
            if description.chars().count() + line.chars().count() + 1 > limits::DESCRIPTION {
                break;
            }
            description.push_str(&line);
            description.push('\n');
        }
        let reply = Reply::embed(
            Embed::new(colour::MODERATION)
                .title(t(Locale::En, "modlog.title", &[]))
                .description(description),
        );
        match poster
            .post(channel, &reply, &format!("modlog-{last}"))
            .await
        {
            Ok(_) => {
                posted = last;
                if let Err(e) = store.set_meta(MARK, &posted.to_string()).await {
                    tracing::warn!(error = ?e, "recording the mod-log position failed");
                }
            }
            Err(PostError::Gone(why)) => {
                tracing::error!(
                    channel,
                    why,
                    "the mod-log channel cannot be posted to; the mod-log stops"
                );
                return;
            }
            Err(e) => {
                tracing::warn!(channel, error = ?e, "posting to the mod-log failed; trying again")
            }
        }
    }
}
