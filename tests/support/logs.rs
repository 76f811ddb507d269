//! The bot's own log events, recorded in the test's process: a sync point for a step that
//! leaves no other trace, such as a decision not to call Discord at all.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tracing::field::{Field, Visit};
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};

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

impl Logs {
    /// Records what this thread logs until the guard is dropped. Under a current-thread runtime
    /// (plain `#[tokio::test]`) that is everything the bot's tasks log as well.
    pub fn capture() -> (Logs, DefaultGuard) {
        let logs = Logs {
            events: Arc::default(),
            changed: Arc::new(watch::channel(()).0),
        };
        let layer = Recorder(logs.clone())
            .with_filter(Targets::new().with_target("kpop_facts", LevelFilter::INFO));
        let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
        (logs, guard)
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

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LogEvent>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Recorder(Logs);

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0.lock().push(LogEvent {
            target: event.metadata().target().to_owned(),
            message: message.0,
        });
        self.0.changed.send_replace(());
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
