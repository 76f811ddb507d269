//! The bot's own log events, recorded in the test's process: a sync point for a step that
//! leaves no other trace, such as a decision not to call Discord at all.
//!
//! One global subscriber serves the whole test binary and records for the threads that asked
//! for it. (A subscriber set per thread would miss events: tracing caches whether a log line is
//! wanted on the thread that reaches it first, which may be another test's.)

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};

thread_local! {
    static RECORDING: RefCell<Option<Logs>> = const { RefCell::new(None) };
}

/// One event: the module that logged it and its message.
#[derive(Clone, Debug)]
pub struct LogEvent {
    pub target: String,
    pub message: String,
}

/// Events of `kpop_facts` at INFO and above, as they are logged.
#[derive(Clone)]
pub struct Logs {
    events: Arc<Mutex<Vec<LogEvent>>>,
    changed: Arc<watch::Sender<()>>,
}

/// Records for this thread until dropped.
pub struct Recording(());

impl Drop for Recording {
    fn drop(&mut self) {
        RECORDING.with(|r| r.borrow_mut().take());
    }
}

impl Logs {
    /// Records what this thread logs until the guard is dropped. Under a current-thread runtime
    /// (plain `#[tokio::test]`) that is everything the bot's tasks log as well.
    pub fn capture() -> (Logs, Recording) {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(|| {
            let recorder =
                Recorder.with_filter(Targets::new().with_target("kpop_facts", LevelFilter::INFO));
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(recorder))
                .expect("the tests set no other global subscriber");
        });
        // A log line first reached while no subscriber was set is cached as unwanted.
        tracing::callsite::rebuild_interest_cache();
        let logs = Logs {
            events: Arc::default(),
            changed: Arc::new(watch::channel(()).0),
        };
        RECORDING.with(|r| *r.borrow_mut() = Some(logs.clone()));
        (logs, Recording(()))
    }

    /// Waits until an event for which `found` holds has been logged; false after `timeout`.
    pub async fn wait_for(&self, timeout: Duration, found: impl Fn(&LogEvent) -> bool) -> bool {
        // Subscribing before the first look means no event can slip in unseen.
        let mut changes = self.changed.subscribe();
        let deadline = Instant::now() + timeout;
        loop {
            if self.lock().iter().any(&found) {
                return true;
            }
            if !matches!(
                tokio::time::timeout_at(deadline, changes.changed()).await,
                Ok(Ok(()))
            ) {
                return self.lock().iter().any(&found);
            }
        }
    }

    /// Everything recorded so far, a line each, for failure messages.
    pub fn lines(&self) -> Vec<String> {
        self.lock()
            .iter()
            .map(|e| format!("{}: {}", e.target, e.message))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<LogEvent>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Recorder;

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        RECORDING.with(|r| {
            let Some(logs) = &*r.borrow() else {
                return;
            };
            let mut message = Message(String::new());
            event.record(&mut message);
            logs.lock().push(LogEvent {
                target: event.metadata().target().to_owned(),
                message: message.0,
            });
            logs.changed.send_replace(());
        });
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
