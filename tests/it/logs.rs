//! What the logs say when an answer fails: where, in the store and in which command.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::app::{self as test_app, TestApp};

/// Log lines written into a buffer the test reads.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_query_is_logged_with_the_store_method_and_the_command() {
    let t = TestApp::new().await;
    assert!(!t.ask("/chart cupid").await.refusal);
    // The weeks go from under the running app, as a broken file would take them.
    kpop_facts::on!(&test_app::outside(&t.db_path()).await, |p| sqlx::query(
        "DROP TABLE chart_entries"
    )
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();

    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests of this binary may have logged first, under another subscriber.
    tracing::callsite::rebuild_interest_cache();
    let reply = t.ask("/chart cupid").await;
    assert!(reply.refusal, "{reply:?}");
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let line = logged
        .lines()
        .find(|l| {
            l.contains("no such table: chart_entries")
                || l.contains("relation \"chart_entries\" does not exist")
        })
        .unwrap_or_else(|| panic!("the failure was logged: {logged}"));
    assert!(
        line.contains("command{command=\"chart\"") && line.contains(":song_weeks"),
        "{line}"
    );
}
