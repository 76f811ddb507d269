//! The export figures' shared sheet: fetched like a chart file, then only what changed since
//! the previous pull is applied, as one change by the feed.

use super::fetch::Fetched;
use super::{EXPORTS, Feeds, Problem, Source};
use crate::edits::{self, EditError, SheetPull};
use crate::import::{ImportError, describe_errors};
use crate::store::Store;

/// One pull of the sheet.
pub async fn pass(feeds: &Feeds, store: &Store, source: &Source) -> Result<String, Problem> {
    let (origin, bytes) = match source {
        Source::Url(url) => {
            let url = url.as_str();
            let last = store.feed_validators(url).await?;
            match feeds.fetcher.get(url, &last).await? {
                Fetched::NotModified => return Ok("unchanged".to_string()),
                Fetched::NotFound => return Ok("not found (404)".to_string()),
                Fetched::Body {
                    bytes,
                    html,
                    validators,
                } => {
                    if html {
                        return Err(Problem::Refused(format!(
                            "{url}: an HTML page, not the sheet's CSV; nothing changed"
                        )));
                    }
                    let summary = apply(store, url, &bytes).await?;
                    store.set_feed_validators(url, &validators).await?;
                    return Ok(summary);
                }
            }
        }
        Source::Dir(path) => {
            let shown = path.display().to_string();
            let bytes =
                std::fs::read(path).map_err(|e| Problem::Failed(format!("{shown}: {e}")))?;
            (shown, bytes)
        }
        Source::Template(_) => unreachable!("refused when the feeds were set up"),
    };
    apply(store, &origin, &bytes).await
}

/// Applies the sheet's changes since the previous pull, all or nothing.
async fn apply(store: &Store, origin: &str, bytes: &[u8]) -> Result<String, Problem> {
    if bytes.trim_ascii_start().starts_with(b"<") {
        return Err(Problem::Refused(format!(
            "{origin}: an HTML page, not the sheet's CSV; nothing changed"
        )));
    }
    match edits::apply_pull(store, EXPORTS, bytes).await {
        Ok(SheetPull { change: None, .. }) => Ok("nothing new".to_string()),
        Ok(p) => Ok(format!(
            "rows added {}, changed {}, removed {} (change #{})",
            p.added,
            p.changed,
            p.removed,
            p.change.unwrap_or_default()
        )),
        Err(EditError::Import(ImportError::Rows(lines))) => Err(Problem::Refused(format!(
            "{origin}: {} invalid row(s), so nothing of this pull was applied: {}",
            lines.len(),
            describe_errors(&lines, 3).replace('\n', "; ")
        ))),
        Err(EditError::Other(e)) => {
            Err(Problem::Failed(format!("applying the sheet failed: {e:#}")))
        }
        Err(refused) => Err(Problem::Refused(format!(
            "{origin}: {refused}; nothing changed"
        ))),
    }
}
