//! The mod-log: every change to facts, from Discord or the command line, posted to one channel
//! of the deployment. The last change posted is kept in the store, so a restart neither skips
//! nor repeats one; each post's nonce makes a retry after a lost response harmless. A post
//! holds as many changes as fit; only those count as posted. However many processes serve the
//! bot, one at a time posts: the one holding the mod-log's claim in the store.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::post::{PostError, Poster};
use crate::app::App;
use crate::commands::changes;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour, limits};

const TICK: Duration = Duration::from_secs(2);
/// Changes gathered into one post; an import's many units stay one message.
const PER_POST: i64 = 20;
const MARK: &str = "modlog_posted";
const CLAIM: &str = "modlog";
/// A holder silent this long has died: another process takes the mod-log over, and posts
/// again what it may have been posting (the same nonce, so Discord keeps one).
const STALE: Duration = Duration::from_secs(60);

pub async fn run(app: Arc<App>, poster: Poster, channel: u64, mut shutdown: watch::Receiver<bool>) {
    let holder = super::shards::process_name();
    // Where a new mod-log starts is settled now: changes made from here on are posted.
    if let Err(e) = position(&app).await {
        tracing::warn!(error = ?e, "reading the mod-log position failed");
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => break,
        }
        let now = chrono::Utc::now();
        match app.store().claim(CLAIM, &holder, now, now - STALE).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = ?e, "claiming the mod-log failed");
                continue;
            }
        }
        if post_next(&app, &poster, channel).await.is_err() {
            break;
        }
    }
    if let Err(e) = app.store().release_claim(CLAIM, &holder).await {
        tracing::warn!(error = ?e, "giving the mod-log back failed; another process takes it over in a minute");
    }
}

/// Where the mod-log stands: the last change posted. A new mod-log starts from now rather than
/// posting the whole history.
async fn position(app: &App) -> anyhow::Result<i64> {
    let store = app.store();
    if let Some(v) = store.meta(MARK).await? {
        return Ok(v.parse().unwrap_or(0));
    }
    let latest = store.audit_log(None, 1).await?.first().map_or(0, |e| e.id);
    store.set_meta(MARK, &latest.to_string()).await?;
    Ok(latest)
}

/// Posts the changes after the mark that fit in one post, by the holder of the claim. Err when
/// the channel is gone for good.
async fn post_next(app: &App, poster: &Poster, channel: u64) -> Result<(), ()> {
    let store = app.store();
    let posted = match position(app).await {
        Ok(posted) => posted,
        Err(e) => {
            tracing::warn!(error = ?e, "reading the mod-log position failed");
            return Ok(());
        }
    };
    let entries = match store.audit_after(posted, PER_POST).await {
        Ok(e) if !e.is_empty() => e,
        Ok(_) => return Ok(()),
        Err(e) => {
            tracing::warn!(error = ?e, "reading changes for the mod-log failed");
            return Ok(());
        }
    };
    let lines: Vec<(i64, String)> = entries
        .iter()
        .map(|e| (e.id, changes::line(e, Locale::En)))
        .collect();
    let (description, last) = batch(&lines, limits::DESCRIPTION);
    let last = last.unwrap_or(posted);
    let reply = Reply::embed(
        Embed::new(colour::MODERATION)
            .title(t(Locale::En, msg::modlog_title()))
            .description(description),
    );
    match poster
        .post(channel, &reply, &format!("modlog-{last}"))
        .await
    {
        Ok(_) => {
            if let Err(e) = store.set_meta(MARK, &last.to_string()).await {
                tracing::warn!(error = ?e, "recording the mod-log position failed");
            }
        }
        Err(PostError::Gone(why)) => {
            tracing::error!(
                channel,
                why,
                "the mod-log channel cannot be posted to; the mod-log stops"
            );
            return Err(());
        }
        Err(e) => {
            tracing::warn!(channel, error = ?e, "posting to the mod-log failed; trying again")
        }
    }
    Ok(())
}

/// One post's description from `lines` (change id and line, oldest first): the lines that fit
/// whole, and the id of the last of them, up to which the mod-log counts as posted. The rest
/// waits for the next post. A first line too long for any post is shortened rather than
/// holding up every change after it.
fn batch(lines: &[(i64, String)], limit: usize) -> (String, Option<i64>) {
    let mut description = String::new();
    let mut last = None;
    let mut used = 0;
    for (id, line) in lines {
        let length = line.chars().count() + 1;
        if used + length > limit {
            if last.is_none() {
                description = truncate(line, limit.saturating_sub(1));
                description.push('\n');
                last = Some(*id);
            }
            break;
        }
        description.push_str(line);
        description.push('\n');
        used += length;
        last = Some(*id);
    }
    (description, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: i64, len: usize) -> Vec<(i64, String)> {
        (1..=n)
            .map(|id| (id, format!("`#{id}` {}", "x".repeat(len))))
            .collect()
    }

    /// The ids a description shows.
    fn shown(description: &str) -> Vec<i64> {
        description
            .lines()
            .map(|l| l[2..l.find("` ").unwrap()].parse().unwrap())
            .collect()
    }

    #[test]
    fn a_post_is_marked_posted_up_to_the_last_change_it_shows() {
        let all = lines(20, 300);
        let mut from = 0;
        let mut seen = Vec::new();
        while from < all.len() {
            let (description, last) = batch(&all[from..], limits::DESCRIPTION);
            assert!(description.chars().count() <= limits::DESCRIPTION);
            let ids = shown(&description);
            assert!(!ids.is_empty(), "every post moves on");
            assert_eq!(
                last,
                ids.last().copied(),
                "marked as posted: only what was shown"
            );
            seen.extend(ids);
            from = all.iter().position(|(id, _)| Some(*id) == last).unwrap() + 1;
        }
        assert_eq!(
            seen,
            (1..=20).collect::<Vec<_>>(),
            "every change once, in order"
        );
    }

    #[test]
    fn a_change_longer_than_a_post_is_shortened_not_stuck() {
        let all = lines(2, limits::DESCRIPTION * 2);
        let (description, last) = batch(&all, limits::DESCRIPTION);
        assert_eq!(last, Some(1));
        assert!(description.chars().count() <= limits::DESCRIPTION);
        assert!(description.starts_with("`#1` xxx"));
    }
}
