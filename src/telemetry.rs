//! What operators see of a running process: Prometheus metrics at `/metrics` and a health check
//! at `/health`, on an address the operator gives (`KPOP_FACTS_METRICS_ADDR`, off unless given).
//! Counts are recorded through the `metrics` facade everywhere; without an exporter installed
//! they cost nothing.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::sync::watch;
use tracing::Subscriber;
use tracing_subscriber::layer::Context as LayerContext;
use tracing_subscriber::registry::LookupSpan;

const SHARDS_HELD: &str = "kpop_facts_shards_held";
const SHARD_UP: &str = "kpop_facts_shard_up";
const INTERACTIONS: &str = "kpop_facts_interactions_total";
const ANSWER_SECONDS: &str = "kpop_facts_answer_seconds";
const WEEKLY_POSTS: &str = "kpop_facts_weekly_posts_total";
const STORE_ERRORS: &str = "kpop_facts_store_errors_total";
const FEED_RUNS: &str = "kpop_facts_feed_runs_total";

/// Answer times worth telling apart: Discord's 3 s deadline and the 1.2 s defer among them.
const ANSWER_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.2, 2.0, 3.0, 5.0, 15.0,
];

/// How an interaction ended, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered within Discord's first response.
    Answered,
    /// Answered after "thinking…".
    Deferred,
    /// Answered with a refusal (bad input, no permission, a cooldown).
    Refused,
    /// Not answered: Discord's API failed or refused the answer.
    Failed,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Deferred => "deferred",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// Counts one interaction of `kind` (command, autocomplete, component, modal).
pub fn interaction(kind: &'static str, outcome: Outcome, took: Duration) {
    counter!(INTERACTIONS, "kind" => kind, "outcome" => outcome.label()).increment(1);
    histogram!(ANSWER_SECONDS, "kind" => kind).record(took.as_secs_f64());
}

/// Counts one weekly post by how it ended (sent, skipped, uncertain, released, failed).
pub fn weekly_post(outcome: &'static str) {
    counter!(WEEKLY_POSTS, "outcome" => outcome).increment(1);
}

/// Counts one pass of a feed by how it ended (ran, refused, failed).
pub fn feed_run(feed: &str, outcome: &'static str) {
    counter!(FEED_RUNS, "feed" => feed.to_string(), "outcome" => outcome).increment(1);
}

/// The shards this process serves, and whether each is connected, for `/health` and the gauges.
fn shards() -> &'static Mutex<BTreeMap<u32, String>> {
    static SHARDS: OnceLock<Mutex<BTreeMap<u32, String>>> = OnceLock::new();
    SHARDS.get_or_init(Mutex::default)
}

/// The process now serves `held`, none of them connected yet.
pub fn shards_held(held: impl IntoIterator<Item = u32>) {
    let mut map = shards().lock().unwrap_or_else(PoisonError::into_inner);
    map.clear();
    for shard in held {
        map.insert(shard, "connecting".to_string());
        gauge!(SHARD_UP, "shard" => shard.to_string()).set(0.0);
    }
    gauge!(SHARDS_HELD).set(map.len() as f64);
}

/// A shard's connection moved to `stage` (serenity's words: connected, resuming, …).
pub fn shard_stage(shard: u32, stage: &str) {
    let connected = stage == "connected";
    shards()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(shard, stage.to_string());
    gauge!(SHARD_UP, "shard" => shard.to_string()).set(if connected { 1.0 } else { 0.0 });
}

/// Installs the Prometheus recorder and describes every metric; once per process.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(ANSWER_SECONDS.to_string()), ANSWER_BUCKETS)
        .context("setting the answer-time buckets")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    describe_gauge!(SHARDS_HELD, "Gateway shards this process serves.");
    describe_gauge!(SHARD_UP, "1 while the shard's gateway connection is up.");
    describe_counter!(
        INTERACTIONS,
        "Interactions by kind and outcome (answered, deferred, refused, failed)."
    );
    describe_histogram!(
        ANSWER_SECONDS,
        metrics::Unit::Seconds,
        "From receiving an interaction to its answer sent."
    );
    describe_counter!(
        WEEKLY_POSTS,
        "Weekly summary posts by outcome (sent, skipped, uncertain, released, failed)."
    );
    describe_counter!(STORE_ERRORS, "Store operations that failed, by operation.");
    describe_counter!(
        FEED_RUNS,
        "Feed passes by feed and outcome (ran, refused, failed)."
    );
    Ok(handle)
}

/// Serves `/metrics` and `/health` on `addr` until shutdown.
pub async fn serve(
    addr: SocketAddr,
    handle: PrometheusHandle,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening for metrics on {addr}"))?;
    tracing::info!(address = %listener.local_addr()?, "serving /metrics and /health");
    let app = Router::new()
        .route("/metrics", get(move || std::future::ready(handle.render())))
        .route("/health", get(health));
    Ok(tokio::spawn(async move {
        let stop = async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::warn!(error = %e, "the metrics endpoint stopped");
        }
    }))
}

/// 200 while every shard of the process is connected, else 503; the body says each shard's
/// state either way.
async fn health() -> impl IntoResponse {
    let shards = shards()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let up = !shards.is_empty() && shards.values().all(|s| s == "connected");
    let body = serde_json::json!({
        "status": if up { "ok" } else { "starting or reconnecting" },
        "shards": shards
            .iter()
            .map(|(shard, state)| serde_json::json!({"shard": shard, "state": state}))
            .collect::<Vec<_>>(),
    });
    let status = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// Counts store errors: every fallible store method is a span that logs its error as it
/// returns, so the count is kept where the errors are already seen.
pub struct StoreErrors;

impl<S> tracing_subscriber::Layer<S> for StoreErrors
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &tracing::Event<'_>, ctx: LayerContext<'_, S>) {
        let meta = event.metadata();
        if *meta.level() > tracing::Level::WARN || !meta.target().starts_with("kpop_facts::store") {
            return;
        }
        let operation = ctx.event_span(event).map_or("unknown", |span| span.name());
        counter!(STORE_ERRORS, "operation" => operation).increment(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    /// The counts a recorder of this test's own holds, as Prometheus text.
    fn recorded(work: impl FnOnce()) -> String {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let subscriber = tracing_subscriber::registry().with(StoreErrors);
        metrics::with_local_recorder(&recorder, || {
            tracing::subscriber::with_default(subscriber, work);
        });
        handle.render()
    }

    #[test]
    fn a_store_error_is_counted_by_the_operation_that_logged_it() {
        let text = recorded(|| {
            let span = tracing::info_span!("song_weeks");
            span.in_scope(|| {
                tracing::warn!(target: "kpop_facts::store::charts", error = "no such table", "failed");
            });
            // Not the store's: an answer's warning is not a store error.
            tracing::warn!(target: "kpop_facts::discord::handler", "slow");
            tracing::info!(target: "kpop_facts::store::charts", "fine");
        });
        assert!(
            text.contains(r#"kpop_facts_store_errors_total{operation="song_weeks"} 1"#),
            "{text}"
        );
        assert_eq!(
            text.matches("kpop_facts_store_errors_total{").count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn an_interaction_is_counted_by_kind_and_outcome_with_its_time() {
        let text = recorded(|| {
            interaction("command", Outcome::Answered, Duration::from_millis(3));
            interaction("command", Outcome::Deferred, Duration::from_millis(1500));
            interaction("autocomplete", Outcome::Answered, Duration::from_millis(1));
        });
        for line in [
            r#"kpop_facts_interactions_total{kind="command",outcome="answered"} 1"#,
            r#"kpop_facts_interactions_total{kind="command",outcome="deferred"} 1"#,
            r#"kpop_facts_interactions_total{kind="autocomplete",outcome="answered"} 1"#,
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
    }

    #[test]
    fn a_feed_pass_is_counted_by_feed_and_outcome() {
        let text = recorded(|| {
            feed_run("hot-100", "ran");
            feed_run("hot-100", "refused");
            feed_run("exports", "ran");
            feed_run("exports", "ran");
        });
        for line in [
            r#"kpop_facts_feed_runs_total{feed="hot-100",outcome="ran"} 1"#,
            r#"kpop_facts_feed_runs_total{feed="hot-100",outcome="refused"} 1"#,
            r#"kpop_facts_feed_runs_total{feed="exports",outcome="ran"} 2"#,
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
    }
}
