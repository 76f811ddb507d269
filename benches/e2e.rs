//! End to end: interactions per second and latency through the real serenity client and the
//! test suite's fake Discord, for the bot and for the framework's floor (a plain serenity bot
//! answering every command with one constant embed), measured in the same run.
//!
//! `cargo bench --bench e2e`. Writes nothing but a temporary store (seeded from `data/`).
//!
//! The fake and this driver run on one tokio runtime, the bot on another (as it would in its
//! own process); both share the machine's cores. Latency is the fake's own clock: from the
//! moment INTERACTION_CREATE reaches the socket to the answer (the callback, or for a deferred
//! interaction the edit that carries the answer).

#[path = "../tests/support/fake_discord/mod.rs"]
mod fake_discord;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use fake_discord::{FakeConfig, FakeDiscord, InteractionHandle};
use kpop_facts::app::App;
use kpop_facts::discord::{self, RunError, Secret, Settings, ShardRange, Sharding};
use serde_json::{Value, json};
use serenity::all::{
    ClientBuilder, Context, EventHandler, GatewayIntents, HttpBuilder, Interaction, ShardManager,
};
use tokio::runtime::Runtime;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

/// Interactions answered before anything is measured (connections, caches, pictures).
const WARM_UP: usize = 50;
/// One at a time: the latency a user sees on a quiet bot.
const SEQUENTIAL: usize = 1000;
/// Back to back with at most [`IN_FLIGHT`] unanswered: the rate the bot sustains.
const BURST: usize = 2000;
const IN_FLIGHT: usize = 64;
/// A burst of each kind alone, to see where the time goes.
const PER_KIND: usize = 400;
/// How long one interaction may take before the bench gives up on it (Discord allows 3 s
/// for the acknowledgement; this only bounds the wait).
const WAIT: Duration = Duration::from_secs(10);
/// Discord's acknowledgement deadline.
const DEADLINE: Duration = Duration::from_secs(3);
/// Connecting, registering and stopping.
const SETUP: Duration = Duration::from_secs(20);
/// The whole bench; past this it exits non-zero instead of hanging.
const WATCHDOG: Duration = Duration::from_secs(900);
/// Each round measures the floor, then the bot; figures are the median of the rounds.
const ROUNDS: usize = 3;
/// Within this factor of the floor is the target.
const TARGET: f64 = 1.5;

fn main() {
    // A failure anywhere (an unanswered interaction in a waiter task, say) ends the bench at
    // once, rather than leaving runtimes and clients to wind down or hang.
    let report_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report_panic(info);
        std::process::exit(101);
    }));
    std::thread::spawn(|| {
        std::thread::sleep(WATCHDOG);
        eprintln!("e2e bench: no result after {WATCHDOG:?}; giving up");
        std::process::exit(2);
    });
    // The bot's own warnings and errors (a failed answer, a failed registration) go to stderr;
    // serenity's complaint about the close frame when a client is stopped does not.
    let filter = "warn,serenity::gateway::bridge::shard_runner=error";
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        .with_writer(std::io::stderr)
        .init();

    let load_before = load_average();
    let driver = runtime("fake-rt");
    let (mut bot, mut floor) = (Vec::new(), Vec::new());
    // Rounds alternate so that whatever else the machine does falls on both alike.
    for round in 1..=ROUNDS {
        eprintln!("round {round}/{ROUNDS}: the floor (a plain serenity bot, one constant embed)…");
        floor.push(measure(&driver, Target::Floor));
        eprintln!("round {round}/{ROUNDS}: the bot (discord::run on a fresh store)…");
        let dir = tempfile::tempdir().unwrap();
        bot.push(measure(&driver, Target::Bot(&dir.path().join("facts.db"))));
    }
    report(&bot, &floor, &load_before);
}

fn runtime(name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name(name)
        .build()
        .unwrap()
}

// --- the workload ---

/// One kind of interaction in the mix, in the order the mix repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ask {
    ExportsCountry,
    ExportsRanking,
    Chart,
    Artist,
    Help,
    AutoCountry,
    AutoTitle,
    AutoTitleLonger,
}

const MIX: [Ask; 8] = [
    Ask::ExportsCountry,
    Ask::AutoCountry,
    Ask::ExportsRanking,
    Ask::AutoTitle,
    Ask::Chart,
    Ask::Artist,
    Ask::AutoTitleLonger,
    Ask::Help,
];

impl Ask {
    fn label(self) -> &'static str {
        match self {
            Ask::ExportsCountry => "/exports country:japan period:2023-H1",
            Ask::ExportsRanking => "/exports period:2023-H1 (ranking, PNG)",
            Ask::Chart => "/chart title:cupid (PNG)",
            Ask::Artist => "/artist name:BTS",
            Ask::Help => "/help",
            Ask::AutoCountry => "autocomplete /exports country: \"ja\"",
            Ask::AutoTitle => "autocomplete /chart title: \"cup\"",
            Ask::AutoTitleLonger => "autocomplete /chart title: \"love\"",
        }
    }

    fn payload(self, fake: &FakeDiscord) -> Value {
        match self {
            Ask::ExportsCountry => fake
                .slash("exports")
                .option("country", "japan")
                .option("period", "2023-H1")
                .build(),
            Ask::ExportsRanking => fake.slash("exports").option("period", "2023-H1").build(),
            Ask::Chart => fake.slash("chart").option("title", "cupid").build(),
            Ask::Artist => fake.slash("artist").option("name", "BTS").build(),
            Ask::Help => fake.slash("help").build(),
            Ask::AutoCountry => fake
                .autocomplete("exports")
                .focused("country", 3, "ja")
                .build(),
            Ask::AutoTitle => fake
                .autocomplete("chart")
                .focused("title", 3, "cup")
                .build(),
            Ask::AutoTitleLonger => fake
                .autocomplete("chart")
                .focused("title", 3, "love")
                .build(),
        }
    }

    fn is_autocomplete(self) -> bool {
        matches!(
            self,
            Ask::AutoCountry | Ask::AutoTitle | Ask::AutoTitleLonger
        )
    }
}

/// One answered interaction, as the fake saw it.
struct Sample {
    ask: Ask,
    id: u64,
    /// Until the callback (for a deferred interaction, "thinking…").
    ack: Duration,
    /// Until the answer itself: the callback, or the edit that followed "thinking…".
    answer: Duration,
    deferred: bool,
    files: usize,
    /// Bytes of the files the answer carried.
    file_bytes: usize,
    /// When the driver saw the answer.
    done_at: Instant,
}

/// Waits for the answer to `sent`; panics, with what the fake knows, when there is none.
async fn finish(fake: &FakeDiscord, ask: Ask, sent: InteractionHandle) -> Sample {
    let Some(r) = fake.wait_response(sent.id, WAIT).await else {
        panic!(
            "{} (interaction {}) was not answered within {WAIT:?}: {:?}",
            ask.label(),
            sent.id,
            fake.interaction(sent.id)
        );
    };
    let expected: &[u64] = if ask.is_autocomplete() { &[8] } else { &[4, 5] };
    assert!(
        expected.contains(&r.kind),
        "{} was answered with callback type {}: {}",
        ask.label(),
        r.kind,
        r.body
    );
    let (answer, files) = if r.kind == 5 {
        let written = fake
            .wait_until(WAIT, |f| !f.webhook_writes(sent.id).is_empty())
            .await;
        assert!(
            written,
            "{} was deferred and never answered: {:?}",
            ask.label(),
            fake.interaction(sent.id)
        );
        let writes = fake.webhook_writes(sent.id);
        let last = writes.last().expect("waited for a write");
        (last.elapsed, last.files.clone())
    } else {
        (r.elapsed, r.files)
    };
    Sample {
        ask,
        id: sent.id,
        ack: r.elapsed,
        answer,
        deferred: r.kind == 5,
        files: files.len(),
        file_bytes: files.iter().map(|f| f.bytes.len()).sum(),
        done_at: Instant::now(),
    }
}

async fn sequential(fake: &FakeDiscord, n: usize) -> (Vec<Sample>, Duration) {
    let payloads: Vec<(Ask, Value)> = (0..n)
        .map(|i| (MIX[i % MIX.len()], MIX[i % MIX.len()].payload(fake)))
        .collect();
    let mut samples = Vec::with_capacity(n);
    let started = Instant::now();
    for (ask, payload) in payloads {
        let sent = fake.dispatch(payload).await;
        samples.push(finish(fake, ask, sent).await);
    }
    (samples, started.elapsed())
}

/// `n` interactions taken from `asks` in turn, dispatched as fast as answers free a slot, at
/// most [`IN_FLIGHT`] unanswered; the time is from the first dispatch to the last answer.
async fn burst(fake: &Arc<FakeDiscord>, asks: &[Ask], n: usize) -> (Vec<Sample>, Duration) {
    let payloads: Vec<(Ask, Value)> = (0..n)
        .map(|i| (asks[i % asks.len()], asks[i % asks.len()].payload(fake)))
        .collect();
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut waiters: Vec<JoinHandle<Sample>> = Vec::with_capacity(n);
    let started = Instant::now();
    for (ask, payload) in payloads {
        let slot = tokio::time::timeout(WAIT, slots.clone().acquire_owned())
            .await
            .expect("a slot frees up: some interaction is stuck")
            .expect("the semaphore stays open");
        let sent = fake.dispatch(payload).await;
        let fake = fake.clone();
        waiters.push(tokio::spawn(async move {
            let sample = finish(&fake, ask, sent).await;
            drop(slot);
            sample
        }));
    }
    let mut samples = Vec::with_capacity(n);
    for waiter in waiters {
        match waiter.await {
            Ok(sample) => samples.push(sample),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("a waiter was cancelled: {e}"),
        }
    }
    let last = samples.iter().map(|s| s.done_at).max().unwrap_or(started);
    (samples, last - started)
}

// --- the two bots ---

enum Target<'a> {
    /// kpop-facts' `discord::run` on a fresh store at this path.
    Bot(&'a Path),
    /// A plain serenity client answering one constant embed.
    Floor,
}

enum Running {
    Bot {
        stop: watch::Sender<bool>,
        task: JoinHandle<Result<(), RunError>>,
    },
    Floor {
        shards: Arc<ShardManager>,
        task: JoinHandle<serenity::Result<()>>,
    },
}

static FLOOR_EMBED: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": 4,
        "data": {"embeds": [{"title": "x", "description": "y"}], "allowed_mentions": {"parse": []}}
    })
});
static FLOOR_CHOICES: LazyLock<Value> =
    LazyLock::new(|| json!({"type": 8, "data": {"choices": [{"name": "x", "value": "x"}]}}));

struct Floor;

#[serenity::async_trait]
impl EventHandler for Floor {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token, body) = match &interaction {
            Interaction::Command(i) => (i.id, &i.token, &*FLOOR_EMBED),
            Interaction::Autocomplete(i) => (i.id, &i.token, &*FLOOR_CHOICES),
            _ => return,
        };
        if let Err(e) = ctx
            .http
            .create_interaction_response(id, token, body, vec![])
            .await
        {
            eprintln!("floor: answering {id} failed: {e}");
        }
    }
}

fn start(bot_rt: &Runtime, fake: &FakeDiscord, target: &Target<'_>) -> Running {
    let token = fake.config().token.clone();
    let base = fake.base_url();
    match target {
        Target::Bot(db) => {
            let app = bot_rt
                .block_on(App::open(*db))
                .expect("the store opens and seeds itself");
            let settings = Settings {
                token: Secret::new(token),
                api_base_url: Some(base),
                guild_id: None,
                application_id: None,
                modlog_channel: None,
                cooldowns: false,
                feeds: None,
                sharding: Sharding::Fixed(ShardRange::all(1)),
            };
            let (stop, rx) = watch::channel(false);
            let task = bot_rt.spawn(discord::run(settings, Arc::new(app), rx));
            Running::Bot { stop, task }
        }
        Target::Floor => {
            let http = HttpBuilder::new(&token)
                .proxy(base)
                .ratelimiter_disabled(true)
                .build();
            let mut client = bot_rt
                .block_on(async {
                    ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
                        .event_handler(Floor)
                        .await
                })
                .expect("the floor client builds");
            let shards = client.shard_manager.clone();
            let task = bot_rt.spawn(async move { client.start().await });
            Running::Floor { shards, task }
        }
    }
}

/// Stops the client cleanly; a client that will not stop is reported, not waited on forever.
fn stop(driver: &Runtime, bot_rt: &Runtime, running: Running, what: &str) {
    let outcome = match running {
        Running::Bot { stop, task } => {
            let _ = stop.send(true);
            match driver.block_on(async { tokio::time::timeout(SETUP, task).await }) {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(e))) => Err(format!("stopped with an error: {e:#}")),
                Ok(Err(e)) => Err(format!("its task failed: {e}")),
                Err(_) => Err(format!("did not stop within {SETUP:?}")),
            }
        }
        Running::Floor { shards, task } => {
            bot_rt.spawn(async move { shards.shutdown_all().await });
            match driver.block_on(async { tokio::time::timeout(SETUP, task).await }) {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(e))) => Err(format!("stopped with an error: {e}")),
                Ok(Err(e)) => Err(format!("its task failed: {e}")),
                Err(_) => Err(format!("did not stop within {SETUP:?}")),
            }
        }
    };
    if let Err(problem) = outcome {
        eprintln!("{what}: {problem}");
    }
}

// --- measuring ---

/// One round of one target.
struct Round {
    sequential: Vec<Sample>,
    sequential_wall: Duration,
    burst: Vec<Sample>,
    burst_wall: Duration,
    /// CPU time of each group of threads during the burst.
    burst_cpu: BTreeMap<String, Duration>,
    /// A burst of each kind of interaction alone.
    by_kind: Vec<KindBurst>,
    /// Interactions whose callback came after the deadline or that had a call refused.
    refused: Vec<String>,
    /// REST requests the fake answered with a status other than 2xx.
    non_2xx: BTreeMap<String, usize>,
    /// Gateway connections after the first (reconnects).
    reconnects: u64,
}

impl Round {
    fn samples(&self) -> impl Iterator<Item = &Sample> {
        let by_kind = self.by_kind.iter().flat_map(|k| &k.samples);
        self.sequential.iter().chain(&self.burst).chain(by_kind)
    }
}

struct KindBurst {
    ask: Ask,
    samples: Vec<Sample>,
    wall: Duration,
    cpu: BTreeMap<String, Duration>,
}

/// Thread groups' CPU time between two snapshots.
fn cpu_since(
    before: &BTreeMap<String, Duration>,
    after: BTreeMap<String, Duration>,
) -> BTreeMap<String, Duration> {
    after
        .into_iter()
        .map(|(group, t)| {
            let spent = t.saturating_sub(before.get(&group).copied().unwrap_or_default());
            (group, spent)
        })
        .filter(|(_, t)| !t.is_zero())
        .collect()
}

/// Each kind of interaction in the mix once, in a stable order.
fn kinds() -> Vec<Ask> {
    let mut kinds = MIX.to_vec();
    kinds.sort_unstable();
    kinds
}

fn measure(driver: &Runtime, target: Target<'_>) -> Round {
    let what = match target {
        Target::Bot(_) => "bot",
        Target::Floor => "floor",
    };
    let bot_rt = runtime(&format!("{what}-rt"));
    let fake = Arc::new(driver.block_on(FakeDiscord::start(FakeConfig::default())));
    let running = start(&bot_rt, &fake, &target);
    let results = driver.block_on(async {
        assert!(
            fake.wait_ready(SETUP).await,
            "{what}: did not connect to the fake gateway within {SETUP:?}"
        );
        if let Target::Bot(_) = target {
            // Registration follows READY; payloads then carry the registered command ids.
            assert!(
                fake.wait_until(SETUP, |f| !f.registered_commands(None).is_empty())
                    .await,
                "bot: registered no commands within {SETUP:?}"
            );
        }
        let (warm, _) = sequential(&fake, WARM_UP).await;
        if let Target::Bot(_) = target {
            for s in &warm {
                let picture = matches!(s.ask, Ask::ExportsRanking | Ask::Chart);
                assert_eq!(
                    s.files,
                    usize::from(picture),
                    "{}: {} PNG attachment(s)",
                    s.ask.label(),
                    s.files
                );
            }
        }
        let (sequential, sequential_wall) = sequential(&fake, SEQUENTIAL).await;
        let client_rt = format!("{what}-rt");
        let cpu = || cpu_by_thread_group(&client_rt);
        let before = cpu();
        let (mixed, burst_wall) = burst(&fake, &MIX, BURST).await;
        let burst_cpu = cpu_since(&before, cpu());
        let mut by_kind = Vec::new();
        for ask in kinds() {
            let before = cpu();
            let (samples, wall) = burst(&fake, &[ask], PER_KIND).await;
            let cpu = cpu_since(&before, cpu());
            by_kind.push(KindBurst {
                ask,
                samples,
                wall,
                cpu,
            });
        }
        Round {
            sequential,
            sequential_wall,
            burst: mixed,
            burst_wall,
            burst_cpu,
            by_kind,
            refused: Vec::new(),
            non_2xx: BTreeMap::new(),
            reconnects: 0,
        }
    });
    stop(driver, &bot_rt, running, what);
    bot_rt.shutdown_timeout(Duration::from_secs(2));
    let mut results = results;
    let mut refused = Vec::new();
    for s in results.samples() {
        let log = fake
            .interaction(s.id)
            .expect("the fake knows every interaction");
        if log.late || !log.rejected.is_empty() {
            refused.push(format!(
                "{}: late {} {:?}",
                s.ask.label(),
                log.late,
                log.rejected
            ));
        }
    }
    results.refused = refused;
    for r in fake.recorded() {
        if !(200..300).contains(&r.status) {
            let route = r.route().split('/').take(2).collect::<Vec<_>>().join("/");
            *results
                .non_2xx
                .entry(format!("{} {} → {}", r.method, route, r.status))
                .or_default() += 1;
        }
    }
    results.reconnects = fake.gateway_stats().connections.saturating_sub(1);
    drop(fake);
    results
}

/// CPU time of this process's threads so far, by thread name without its number: `fake-rt`
/// (the fake), `client runtime` (the bot's or the floor's tokio runtime, named `client_rt`),
/// `sqlx-sqlite-wor(ker)`, and `driver` for the main thread, which runs the workload. Threads
/// that already ended are missing.
fn cpu_by_thread_group(client_rt: &str) -> BTreeMap<String, Duration> {
    let mut groups = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return groups;
    };
    let pid = std::process::id().to_string();
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let name = name
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        let group = if task.file_name().to_str() == Some(pid.as_str()) {
            "driver (main thread)"
        } else if name == client_rt {
            "client runtime (bot-rt / floor-rt)"
        } else {
            name
        };
        *groups.entry(group.to_string()).or_default() += thread_cpu(&path);
    }
    groups
}

/// One thread's CPU time: nanoseconds from `schedstat`, else `stat`'s user and system ticks.
fn thread_cpu(task: &Path) -> Duration {
    let schedstat = std::fs::read_to_string(task.join("schedstat")).unwrap_or_default();
    if let Some(ns) = schedstat
        .split_whitespace()
        .next()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Duration::from_nanos(ns);
    }
    // /proc reports ticks in USER_HZ, 100 per second on Linux. Fields after the parenthesised
    // name start at field 3 (state); utime is field 14, stime 15.
    let stat = std::fs::read_to_string(task.join("stat")).unwrap_or_default();
    let ticks: u64 = stat.rsplit_once(')').map_or(0, |(_, rest)| {
        let fields: Vec<&str> = rest.split_whitespace().collect();
        [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
            .sum()
    });
    Duration::from_millis(10 * ticks)
}

// --- the report ---

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(samples: impl Iterator<Item = Duration>) -> Stats {
    let mut samples: Vec<Duration> = samples.collect();
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        max: at(1.0),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn per_second(n: usize, wall: Duration) -> f64 {
    n as f64 / wall.as_secs_f64().max(1e-9)
}

fn verdict(ratio: f64) -> &'static str {
    if ratio <= TARGET { "yes" } else { "**no**" }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    values[values.len() / 2]
}

#[derive(Clone, Copy)]
enum Workload {
    Sequential,
    Burst,
}

impl Workload {
    fn name(self) -> String {
        match self {
            Workload::Sequential => format!("sequential ({SEQUENTIAL}, one at a time)"),
            Workload::Burst => format!("burst ({BURST}, ≤ {IN_FLIGHT} in flight)"),
        }
    }

    fn of(self, round: &Round) -> (&[Sample], Duration) {
        match self {
            Workload::Sequential => (&round.sequential, round.sequential_wall),
            Workload::Burst => (&round.burst, round.burst_wall),
        }
    }
}

/// One workload of one round: p50, p99, max and interactions/s.
struct Figures {
    latency: Stats,
    rate: f64,
}

fn figures(round: &Round, workload: Workload) -> Figures {
    let (samples, wall) = workload.of(round);
    Figures {
        latency: stats(samples.iter().map(|s| s.answer)),
        rate: per_second(samples.len(), wall),
    }
}

/// The median over rounds of p50, p99 and interactions/s, and the worst max.
fn summary(rounds: &[Round], workload: Workload) -> (f64, f64, f64, f64) {
    let all: Vec<Figures> = rounds.iter().map(|r| figures(r, workload)).collect();
    let secs =
        |f: fn(&Figures) -> Duration| median(all.iter().map(|x| f(x).as_secs_f64()).collect());
    (
        secs(|f| f.latency.p50),
        secs(|f| f.latency.p99),
        all.iter()
            .map(|f| f.latency.max.as_secs_f64())
            .fold(0.0, f64::max),
        median(all.iter().map(|f| f.rate).collect()),
    )
}

/// The thread groups that belong to the client: its runtime and the bot's SQLite threads.
fn is_client(group: &str) -> bool {
    group.starts_with("client") || group.starts_with("sqlx")
}

fn ms_f(secs: f64) -> String {
    format!("{:.2} ms", secs * 1e3)
}

fn report(bot: &[Round], floor: &[Round], load_before: &str) {
    println!("# kpop-facts end-to-end benchmark\n");
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_name()
    );
    println!(
        "load average (1, 5, 15 min) before: {load_before}; after: {} (other work on the \
         machine shows in the spread between rounds)",
        load_average()
    );
    println!(
        "\nThrough serenity 0.12.5 and the fake Discord of tests/support, on loopback; the fake and \
         the bot share the machine. The mix repeats {} interactions: {}. Latency runs from \
         INTERACTION_CREATE reaching the socket to the answer (for a deferred one, the edit that \
         carries it). {ROUNDS} rounds, each the floor then the bot with a fresh fake (and store); \
         figures are the median of the rounds (max: the worst). Warm-up: {WARM_UP} per round.",
        MIX.len(),
        MIX.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")
    );

    println!("\n## Latency and throughput\n");
    println!("| workload | who | p50 | p99 | max | interactions/s |\n|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for workload in [Workload::Sequential, Workload::Burst] {
        let (b50, b99, bmax, brate) = summary(bot, workload);
        let (f50, f99, fmax, frate) = summary(floor, workload);
        for (who, p50, p99, max, rate) in [
            ("bot", b50, b99, bmax, brate),
            ("floor", f50, f99, fmax, frate),
        ] {
            println!(
                "| {} | {who} | {} | {} | {} | {rate:.0} |",
                workload.name(),
                ms_f(p50),
                ms_f(p99),
                ms_f(max)
            );
        }
        let per_round: Vec<String> = bot
            .iter()
            .zip(floor)
            .map(|(b, f)| {
                let (b, f) = (figures(b, workload), figures(f, workload));
                format!(
                    "{:.2}× / {:.2}×",
                    b.latency.p99.as_secs_f64() / f.latency.p99.as_secs_f64().max(1e-12),
                    f.rate / b.rate.max(1e-12)
                )
            })
            .collect();
        ratios.push((
            workload,
            b99 / f99.max(1e-12),
            frate / brate.max(1e-12),
            per_round,
        ));
    }
    println!(
        "\n| workload | p99 bot/floor | throughput floor/bot | each round (p99 / throughput) | both within {TARGET}× |\n|---|---|---|---|---|"
    );
    for (workload, p99, rate, per_round) in &ratios {
        println!(
            "| {} | {p99:.2}× | {rate:.2}× | {} | {} |",
            workload.name(),
            per_round.join(", "),
            verdict(p99.max(*rate))
        );
    }

    let client_cpu = |r: &Round| {
        let t: Duration = r
            .burst_cpu
            .iter()
            .filter(|(g, _)| is_client(g))
            .map(|(_, t)| *t)
            .sum();
        t.as_secs_f64() / r.burst.len().max(1) as f64
    };
    let b_cpu = median(bot.iter().map(client_cpu).collect());
    let f_cpu = median(floor.iter().map(client_cpu).collect());
    let per_round: Vec<String> = bot
        .iter()
        .zip(floor)
        .map(|(b, f)| format!("{:.2}×", client_cpu(b) / client_cpu(f).max(1e-12)))
        .collect();
    println!(
        "\nClient CPU per interaction in the mixed burst (the client's runtime, and the bot's SQLite \
         threads: what bounds throughput when the client has the cores to itself, whatever else \
         runs): bot {:.0} µs, floor {:.0} µs, **{:.2}×** (each round: {}).",
        b_cpu * 1e6,
        f_cpu * 1e6,
        b_cpu / f_cpu.max(1e-12),
        per_round.join(", ")
    );

    println!("\n## By interaction (sequential, all rounds)\n");
    println!(
        "| interaction | bot p50 | bot p99 | floor p50 | floor p99 | p50 bot/floor |\n|---|---|---|---|---|---|"
    );
    for ask in kinds() {
        let of = |rounds: &[Round]| {
            stats(
                rounds
                    .iter()
                    .flat_map(|r| &r.sequential)
                    .filter(|s| s.ask == ask)
                    .map(|s| s.answer),
            )
        };
        let (b, f) = (of(bot), of(floor));
        println!(
            "| {} | {} | {} | {} | {} | {:.2}× |",
            ask.label(),
            ms(b.p50),
            ms(b.p99),
            ms(f.p50),
            ms(f.p99),
            b.p50.as_secs_f64() / f.p50.as_secs_f64().max(1e-12)
        );
    }

    println!("\n## Burst: CPU time per interaction by thread group (all rounds)\n");
    println!("| threads | bot | floor |\n|---|---|---|");
    let cpu = |rounds: &[Round], group: Option<&String>| {
        let n: usize = rounds.iter().map(|r| r.burst.len()).sum();
        let t: Duration = rounds
            .iter()
            .flat_map(|r| &r.burst_cpu)
            .filter(|(g, _)| group.is_none_or(|want| *g == want))
            .map(|(_, t)| *t)
            .sum();
        if t.is_zero() {
            "–".to_string()
        } else {
            format!("{:.0} µs", t.as_secs_f64() * 1e6 / n.max(1) as f64)
        }
    };
    let groups: BTreeSet<&String> = bot
        .iter()
        .chain(floor)
        .flat_map(|r| r.burst_cpu.keys())
        .collect();
    for g in groups {
        println!("| {g} | {} | {} |", cpu(bot, Some(g)), cpu(floor, Some(g)));
    }
    println!("| all | {} | {} |", cpu(bot, None), cpu(floor, None));

    println!(
        "\n## Burst of one kind at a time ({PER_KIND} each per round, ≤ {IN_FLIGHT} in flight, all rounds)\n"
    );
    println!(
        "Client CPU: the client's runtime, and for the bot its SQLite threads. Fake CPU: the fake's \
         runtime, which also runs the driver's waiting tasks.\n"
    );
    println!(
        "| interaction | bot /s | floor /s | floor/bot | bot p99 | floor p99 | bot client CPU | floor client CPU | bot fake CPU | floor fake CPU |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for (i, ask) in kinds().into_iter().enumerate() {
        let of = |rounds: &[Round]| {
            let runs: Vec<&KindBurst> = rounds.iter().map(|r| &r.by_kind[i]).collect();
            assert!(runs.iter().all(|k| k.ask == ask));
            let n: usize = runs.iter().map(|k| k.samples.len()).sum();
            let wall: Duration = runs.iter().map(|k| k.wall).sum();
            let p99 = stats(runs.iter().flat_map(|k| &k.samples).map(|s| s.answer)).p99;
            let cpu = |client: bool| {
                let t: Duration = runs
                    .iter()
                    .flat_map(|k| &k.cpu)
                    .filter(|(g, _)| {
                        if client {
                            is_client(g)
                        } else {
                            *g == "fake-rt"
                        }
                    })
                    .map(|(_, t)| *t)
                    .sum();
                format!("{:.0} µs", t.as_secs_f64() * 1e6 / n.max(1) as f64)
            };
            (per_second(n, wall), p99, cpu(true), cpu(false))
        };
        let (b_rate, b_p99, b_client, b_fake) = of(bot);
        let (f_rate, f_p99, f_client, f_fake) = of(floor);
        println!(
            "| {} | {b_rate:.0} | {f_rate:.0} | {:.2}× | {} | {} | {b_client} | {f_client} | {b_fake} | {f_fake} |",
            ask.label(),
            f_rate / b_rate.max(1e-12),
            ms(b_p99),
            ms(f_p99),
        );
    }

    println!("\n## Checks (all rounds, every interaction)\n");
    println!("| check | bot | floor |\n|---|---|---|");
    let count = |rounds: &[Round], f: &dyn Fn(&Sample) -> bool| -> usize {
        rounds
            .iter()
            .flat_map(Round::samples)
            .filter(|s| f(s))
            .count()
    };
    let all = |r: &[Round]| count(r, &|_| true);
    let over = |r: &[Round]| count(r, &|s| s.ack > DEADLINE);
    println!(
        "| acknowledged after 3 s (must be 0) | {}/{} | {}/{} |",
        over(bot),
        all(bot),
        over(floor),
        all(floor)
    );
    println!(
        "| deferred (\"thinking…\" first) | {} | {} |",
        count(bot, &|s| s.deferred),
        count(floor, &|s| s.deferred)
    );
    let refused = |r: &[Round]| r.iter().map(|r| r.refused.len()).sum::<usize>();
    println!(
        "| late or refused callbacks | {} | {} |",
        refused(bot),
        refused(floor)
    );
    let non_2xx = |rounds: &[Round]| {
        let mut all: BTreeMap<&String, usize> = BTreeMap::new();
        for (k, n) in rounds.iter().flat_map(|r| &r.non_2xx) {
            *all.entry(k).or_default() += n;
        }
        if all.is_empty() {
            "0".to_string()
        } else {
            all.iter()
                .map(|(k, n)| format!("{n}× {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    println!(
        "| non-2xx REST answers | {} | {} |",
        non_2xx(bot),
        non_2xx(floor)
    );
    let reconnects = |r: &[Round]| r.iter().map(|r| r.reconnects).sum::<u64>();
    println!(
        "| gateway reconnects | {} | {} |",
        reconnects(bot),
        reconnects(floor)
    );
    let pictures = |rounds: &[Round]| {
        let with: Vec<&Sample> = rounds
            .iter()
            .flat_map(Round::samples)
            .filter(|s| s.files > 0)
            .collect();
        let bytes: usize = with.iter().map(|s| s.file_bytes).sum();
        match with.len() {
            0 => "0".to_string(),
            n => format!("{n} (mean {:.1} KB)", bytes as f64 / n as f64 / 1e3),
        }
    };
    println!(
        "| answers carrying a PNG | {} | {} |",
        pictures(bot),
        pictures(floor)
    );
    let problems: Vec<&String> = bot.iter().chain(floor).flat_map(|r| &r.refused).collect();
    for line in problems.iter().take(10) {
        println!("\n- {line}");
    }
    if over(bot) + over(floor) + problems.len() > 0 {
        eprintln!("e2e bench: some interactions were late or refused");
        std::process::exit(1);
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
