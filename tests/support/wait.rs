//! Waiting for a change that nothing announces (a row the bot deletes on its own, say): the
//! condition is looked at again every few milliseconds, and the limit is only for a hang.

use std::time::Duration;

use tokio::time::Instant;

/// How often the condition is looked at.
const EVERY: Duration = Duration::from_millis(10);

/// Whether `done` came to hold within `limit`.
pub async fn until<F, Fut>(limit: Duration, mut done: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if done().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(EVERY).await;
    }
}
