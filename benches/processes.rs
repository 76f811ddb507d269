//! The bot as one process against two, on one PostgreSQL store, end to end: the release
//! binary's `kpop-facts run` against the test suite's fake Discord with four gateway shards,
//! either as one process serving shards 0-3 (A) or as two serving 0-1 and 2-3 (B).
//!
//! `cargo bench --bench processes`. Needs PostgreSQL's server binaries (as the tests find
//! them); starts a throwaway cluster of its own and writes nothing else.
//!
//! The bench process runs the fake and the driver; the bots and PostgreSQL are processes of
//! their own, all on the machine's cores. Latency is the fake's clock, from INTERACTION_CREATE
//! reaching the socket to the answer. CPU comes from /proc: the bots' own, the cluster's (its
//! postmaster, its children and the children it has reaped) and this process's.

#[path = "../tests/support/fake_discord/mod.rs"]
mod fake_discord;
#[allow(dead_code)]
#[path = "common/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../tests/support/postgres.rs"]
mod postgres;
#[path = "../tests/support/process.rs"]
mod process;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use fake_discord::{FakeConfig, FakeDiscord, WebhookWriteKind};
use kpop_facts::app::App;
use kpop_facts::store::Location;
use measure::stats;
use process::BotProcess;
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

const SHARDS: u32 = 4;
const GUILDS: usize = 64;
/// Answered before anything is measured: connections, each process's answer cache, pictures.
const WARM_UP: usize = 256;
/// Back to back with at most [`IN_FLIGHT`] unanswered.
const BURST: usize = 2000;
const IN_FLIGHT: usize = 64;
/// Each round measures A, then B; figures are the median of the rounds.
const ROUNDS: usize = 3;
/// How long one interaction may take before the bench gives up on it.
const WAIT: Duration = Duration::from_secs(10);
/// Connecting every shard: serenity starts one shard per 5 s.
const BOOT: Duration = Duration::from_secs(90);
/// The whole bench; past this it exits non-zero instead of hanging.
const WATCHDOG: Duration = Duration::from_secs(15 * 60);
/// Discord's flag for a reply only its asker sees: how the bot refuses (cooldowns included).
const EPHEMERAL: u64 = 64;

/// One way to run the bot: the shard range of each process.
struct Config {
    name: &'static str,
    ranges: &'static [&'static str],
}

const CONFIGS: [Config; 2] = [
    Config {
        name: "A: one process, shards 0-3",
        ranges: &["0-3"],
    },
    Config {
        name: "B: two processes, 0-1 and 2-3",
        ranges: &["0-1", "2-3"],
    },
];

/// Bot processes still running, killed when the bench ends early (their `kill_on_drop` does
/// not run on `process::exit`, and a bot left behind would reconnect forever).
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn main() {
    let report_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report_panic(info);
        abandon(101);
    }));
    std::thread::spawn(|| {
        std::thread::sleep(WATCHDOG);
        eprintln!("processes bench: no result after {WATCHDOG:?}; giving up");
        abandon(2);
    });
    let Some(bin) = postgres::bin_dir() else {
        println!("processes bench {}", postgres::skip_line());
        return;
    };
    let cluster = postgres::Cluster::start(&bin).expect("a PostgreSQL cluster starts");
    let load_before = load_average();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (runs, postgres_cpu) = rt.block_on(all_rounds(&cluster));
    report(&runs, postgres_cpu, &load_before);
}

/// Kills the bots still running and exits with `code`.
fn abandon(code: i32) -> ! {
    for &pid in RUNNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        // SAFETY: kill(2) on a child this bench started and has not yet seen end.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    std::process::exit(code);
}

/// Every round of both configurations on one fake and one store: `runs[config][round]`; and
/// the cluster's CPU time over it all.
async fn all_rounds(cluster: &postgres::Cluster) -> ([Vec<Run>; 2], Duration) {
    let fake = Arc::new(
        FakeDiscord::start(FakeConfig {
            shard_count: SHARDS,
            guild_ids: FakeConfig::guilds(GUILDS),
            ..FakeConfig::default()
        })
        .await,
    );
    let postmaster = postmaster_pid(cluster);
    let postgres_before = cluster_cpu(postmaster);
    let db = Location::Postgres(cluster.fresh_database());
    // Seeded here, once, so that no two bots seed it at the same time.
    App::open(&db)
        .await
        .expect("the store seeds itself")
        .store()
        .close()
        .await;
    let mut runs = [Vec::new(), Vec::new()];
    // Alternating, so that whatever else the machine does falls on both alike.
    for round in 1..=ROUNDS {
        for (config, out) in CONFIGS.iter().zip(&mut runs) {
            eprintln!("round {round}/{ROUNDS}: {}…", config.name);
            out.push(measure(&fake, &db, config, postmaster).await);
        }
    }
    (
        runs,
        cluster_cpu(postmaster).saturating_sub(postgres_before),
    )
}

// --- one configuration, once ---

/// One measured burst of one configuration.
struct Run {
    burst: Burst,
    cpu: Cpu,
    /// Warnings and errors the bots logged, from start to stop.
    log_problems: Vec<String>,
}

async fn measure(fake: &Arc<FakeDiscord>, db: &Location, config: &Config, postmaster: u32) -> Run {
    let bots: Vec<BotProcess> = config.ranges.iter().map(|r| start(fake, db, r)).collect();
    let pids: Vec<u32> = bots.iter().map(BotProcess::pid).collect();
    let ready = fake.wait_shards_ready(&[0, 1, 2, 3], SHARDS, BOOT).await
        && fake
            .wait_until(BOOT, |f| !f.registered_commands(None).is_empty())
            .await;
    if !ready {
        let logs = stop(bots, libc::SIGKILL).await;
        panic!(
            "{}: shards not ready within {BOOT:?}:\n{}",
            config.name,
            logs.join("\n")
        );
    }
    let warm = burst(fake, WARM_UP).await;
    assert!(warm.problems.is_empty(), "warm-up: {:?}", warm.problems);
    let before = cpu_now(&pids, postmaster);
    let burst = burst(fake, BURST).await;
    let cpu = cpu_now(&pids, postmaster).since(&before);
    let logs = stop(bots, libc::SIGTERM).await;
    // The next configuration's shards must not be mistaken for these.
    assert!(
        fake.wait_until(BOOT, |f| f.live_shards().is_empty()).await,
        "the fake still sees sessions after the bots stopped: {:?}",
        fake.live_shards()
    );
    let log_problems = logs
        .iter()
        .flat_map(|log| log.lines())
        .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
        .map(str::to_owned)
        .collect();
    Run {
        burst,
        cpu,
        log_problems,
    }
}

/// `kpop-facts run` over the shard range `range` of [`SHARDS`], with the CLI's per-user
/// cooldowns on.
fn start(fake: &FakeDiscord, db: &Location, range: &str) -> BotProcess {
    let count = SHARDS.to_string();
    let env = [
        ("KPOP_FACTS_SHARDS", range),
        ("KPOP_FACTS_SHARD_COUNT", count.as_str()),
    ];
    let bot = BotProcess::start(fake, db, &env);
    RUNNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(bot.pid());
    bot
}

/// Sends `signal` to every bot and waits for each to end: their stderr. A clean stop (SIGTERM)
/// frees the shard leases at once, so the next configuration is not refused.
async fn stop(bots: Vec<BotProcess>, signal: libc::c_int) -> Vec<String> {
    for bot in &bots {
        bot.signal(signal);
    }
    let mut logs = Vec::new();
    for bot in bots {
        let pid = bot.pid();
        let (status, stderr) = bot.exit().await;
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|&p| p != pid);
        if signal == libc::SIGTERM {
            assert!(
                status.success(),
                "bot {pid} stopped with {status}:\n{stderr}"
            );
        }
        logs.push(stderr);
    }
    logs
}

// --- the workload ---

/// One kind of interaction in the mix: the end-to-end bench's, without `/help` (whose answer
/// is ephemeral, as a refusal is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    ExportsCountry,
    AutoCountry,
    ExportsRanking,
    AutoTitle,
    Chart,
    Artist,
    AutoTitleLonger,
}

/// Seven kinds over 64 servers: every server (and so every shard) gets every kind.
const MIX: [Ask; 7] = [
    Ask::ExportsCountry,
    Ask::AutoCountry,
    Ask::ExportsRanking,
    Ask::AutoTitle,
    Ask::Chart,
    Ask::Artist,
    Ask::AutoTitleLonger,
];

impl Ask {
    fn label(self) -> &'static str {
        match self {
            Ask::ExportsCountry => "/exports country:japan period:2023-H1",
            Ask::ExportsRanking => "/exports period:2023-H1 (ranking, PNG)",
            Ask::Chart => "/chart title:cupid (PNG)",
            Ask::Artist => "/artist name:BTS",
            Ask::AutoCountry => "autocomplete /exports country: \"ja\"",
            Ask::AutoTitle => "autocomplete /chart title: \"cup\"",
            Ask::AutoTitleLonger => "autocomplete /chart title: \"love\"",
        }
    }

    /// The interaction in `guild`, from `user` (in the server's channel).
    fn payload(self, fake: &FakeDiscord, guild: u64, user: u64) -> Value {
        let asked = match self {
            Ask::ExportsCountry => fake
                .slash("exports")
                .option("country", "japan")
                .option("period", "2023-H1"),
            Ask::ExportsRanking => fake.slash("exports").option("period", "2023-H1"),
            Ask::Chart => fake.slash("chart").option("title", "cupid"),
            Ask::Artist => fake.slash("artist").option("name", "BTS"),
            Ask::AutoCountry => fake.autocomplete("exports").focused("country", 3, "ja"),
            Ask::AutoTitle => fake.autocomplete("chart").focused("title", 3, "cup"),
            Ask::AutoTitleLonger => fake.autocomplete("chart").focused("title", 3, "love"),
        };
        asked
            .user(user, "fan")
            .guild(Some(guild))
            .channel(guild + 1000)
            .build()
    }
}

/// A user who has never asked: the bots' per-user cooldowns never apply.
fn new_user() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1_100_000_000_000_010_000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One answered interaction.
struct Sample {
    /// The fake's clock, to the answer itself (for a deferred one, the edit carrying it).
    answer: Duration,
    deferred: bool,
    done_at: Instant,
}

struct Burst {
    samples: Vec<Sample>,
    /// From the first dispatch to the last answer.
    wall: Duration,
    /// Interactions answered with something other than a real answer: a refusal, no
    /// suggestions, a late or refused callback.
    problems: Vec<String>,
}

/// `n` interactions of the mix over every server, each from a new user, dispatched as fast
/// as answers free a slot, at most [`IN_FLIGHT`] unanswered.
async fn burst(fake: &Arc<FakeDiscord>, n: usize) -> Burst {
    let guilds = &fake.config().guild_ids;
    let payloads: Vec<(Ask, Value)> = (0..n)
        .map(|i| {
            let ask = MIX[i % MIX.len()];
            (ask, ask.payload(fake, guilds[i % guilds.len()], new_user()))
        })
        .collect();
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut waiters: Vec<JoinHandle<Result<Sample, String>>> = Vec::with_capacity(n);
    let started = Instant::now();
    for (ask, payload) in payloads {
        let slot = tokio::time::timeout(WAIT, slots.clone().acquire_owned())
            .await
            .expect("a slot frees up: some interaction is stuck")
            .expect("the semaphore stays open");
        let id = fake.dispatch(payload).await.id;
        let fake = fake.clone();
        waiters.push(tokio::spawn(async move {
            let sample = finish(&fake, ask, id).await;
            drop(slot);
            sample
        }));
    }
    let (mut samples, mut problems) = (Vec::with_capacity(n), Vec::new());
    for waiter in waiters {
        match waiter.await {
            Ok(Ok(sample)) => samples.push(sample),
            Ok(Err(problem)) => problems.push(problem),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    let last = samples.iter().map(|s| s.done_at).max().unwrap_or(started);
    Burst {
        samples,
        wall: last - started,
        problems,
    }
}

/// Waits for the answer to interaction `id`: a sample when it is a real answer, else what
/// came instead. Panics when nothing came at all.
async fn finish(fake: &FakeDiscord, ask: Ask, id: u64) -> Result<Sample, String> {
    let Some(r) = fake.wait_response(id, WAIT).await else {
        panic!(
            "{} ({id}) was not answered within {WAIT:?}: {:?}",
            ask.label(),
            fake.interaction(id)
        );
    };
    let refused = |what: &str| Err(format!("{} ({id}): {what}: {}", ask.label(), r.body));
    let flags = r.data()["flags"].as_u64().unwrap_or(0);
    let answer = match r.kind {
        8 if r.choices().is_empty() => return refused("no suggestions"),
        8 => r.elapsed,
        4 if flags & EPHEMERAL != 0 => return refused("an ephemeral reply"),
        4 => r.elapsed,
        5 => after_thinking(fake, ask, id).await?,
        _ => return refused("an unexpected callback"),
    };
    let log = fake.interaction(id).expect("the fake knows it");
    if log.late || !log.rejected.is_empty() {
        return Err(format!(
            "{} ({id}): late or refused calls: {:?}",
            ask.label(),
            log.rejected
        ));
    }
    Ok(Sample {
        answer,
        deferred: r.kind == 5,
        done_at: Instant::now(),
    })
}

/// The answer that follows "thinking…": an edit of it (a refusal deletes it and follows up
/// privately instead).
async fn after_thinking(fake: &FakeDiscord, ask: Ask, id: u64) -> Result<Duration, String> {
    let written = fake
        .wait_until(WAIT, |f| !f.webhook_writes(id).is_empty())
        .await;
    let writes = fake.webhook_writes(id);
    match writes.first() {
        Some(w) if w.kind == WebhookWriteKind::EditOriginal => Ok(w.elapsed),
        Some(w) => Err(format!(
            "{} ({id}): after thinking, {:?}",
            ask.label(),
            w.kind
        )),
        None => panic!(
            "{} ({id}) deferred, never answered ({written})",
            ask.label()
        ),
    }
}

// --- CPU from /proc ---

/// CPU time (user and system) so far.
#[derive(Clone, Copy, Default)]
struct Cpu {
    bots: Duration,
    postgres: Duration,
    bench: Duration,
}

impl Cpu {
    fn since(&self, before: &Cpu) -> Cpu {
        Cpu {
            bots: self.bots.saturating_sub(before.bots),
            postgres: self.postgres.saturating_sub(before.postgres),
            bench: self.bench.saturating_sub(before.bench),
        }
    }

    fn total(&self) -> Duration {
        self.bots + self.postgres + self.bench
    }
}

fn cpu_now(bots: &[u32], postmaster: u32) -> Cpu {
    Cpu {
        bots: bots.iter().map(|&pid| own_cpu(&pid.to_string())).sum(),
        postgres: cluster_cpu(postmaster),
        bench: own_cpu("self"),
    }
}

/// The postmaster's PID: the first line of `postmaster.pid` in the cluster's data directory.
fn postmaster_pid(cluster: &postgres::Cluster) -> u32 {
    let file = cluster.dir().join("data/postmaster.pid");
    let text = std::fs::read_to_string(&file).expect("the running cluster has postmaster.pid");
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("postmaster.pid starts with the PID")
}

/// The fields of `/proc/PID/stat` after the parenthesised name: state is [0], ppid [1], utime
/// [11], stime [12], cutime [13], cstime [14] (in clock ticks).
fn stat_fields(pid: &str) -> Vec<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')').map_or_else(Vec::new, |(_, rest)| {
        // The state is a letter; 0 keeps the other fields at their places.
        rest.split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect()
    })
}

fn ticks(n: u64) -> Duration {
    // SAFETY: sysconf(3) has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_nanos(n * 1_000_000_000 / per_second)
}

/// A process's own CPU time, all its threads (those ended included).
fn own_cpu(pid: &str) -> Duration {
    let f = stat_fields(pid);
    ticks(f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0))
}

/// The cluster's CPU time: the postmaster's, its children's that it has reaped (backends of
/// connections closed since), and those of its children now running (backends, checkpointer,
/// WAL writer, autovacuum …).
fn cluster_cpu(postmaster: u32) -> Duration {
    let own = stat_fields(&postmaster.to_string());
    let reaped = ticks(own.get(13).unwrap_or(&0) + own.get(14).unwrap_or(&0));
    let children: Duration = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| {
            let f = stat_fields(&pid.to_string());
            f.get(1) == Some(&u64::from(postmaster))
        })
        .map(|pid| own_cpu(&pid.to_string()))
        .sum();
    own_cpu(&postmaster.to_string()) + reaped + children
}

// --- the report ---

/// One run's figures.
struct Figures {
    rate: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    /// CPU seconds per 1000 interactions: bots, PostgreSQL, bench, all.
    per_1000: [f64; 4],
    /// All CPU over the burst's wall time: how many cores were busy.
    cores: f64,
}

fn figures(run: &Run) -> Figures {
    let b = &run.burst;
    let answers: Vec<Duration> = b.samples.iter().map(|s| s.answer).collect();
    let latency = stats(answers.clone());
    let n = b.samples.len().max(1) as f64;
    let wall = b.wall.as_secs_f64().max(1e-9);
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / n;
    let c = &run.cpu;
    Figures {
        rate: n / wall,
        p50: latency.p50,
        p99: latency.p99,
        max: answers.into_iter().max().unwrap_or_default(),
        per_1000: [per(c.bots), per(c.postgres), per(c.bench), per(c.total())],
        cores: c.total().as_secs_f64() / wall,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(secs: f64) -> String {
    format!("{:.1} ms", secs * 1e3)
}

/// One configuration's row: medians over the rounds, max the worst round's.
fn row(name: &str, runs: &[Run]) -> String {
    let all: Vec<Figures> = runs.iter().map(figures).collect();
    let med = |f: &dyn Fn(&Figures) -> f64| median(all.iter().map(f).collect());
    let worst = all.iter().map(|f| f.max).max().unwrap_or_default();
    let cpu: Vec<String> = (0..4)
        .map(|i| format!("{:.3}", med(&|f| f.per_1000[i])))
        .collect();
    format!(
        "| {name} | {:.0} | {} | {} | {} | {} | {:.2} |",
        med(&|f| f.rate),
        ms(med(&|f| f.p50.as_secs_f64())),
        ms(med(&|f| f.p99.as_secs_f64())),
        ms(worst.as_secs_f64()),
        cpu.join(" | "),
        med(&|f| f.cores),
    )
}

fn report(runs: &[Vec<Run>; 2], postgres_cpu: Duration, load_before: &str) {
    println!("# kpop-facts: one process against two, on PostgreSQL\n");
    println!(
        "machine: {} cores, {}; load average (1, 5, 15 min) before: {load_before}, after: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_name(),
        load_average()
    );
    println!(
        "\n`kpop-facts run` (this build's binary) on one PostgreSQL 15 database, against the fake \
         Discord with {SHARDS} shards and {GUILDS} servers. A burst of {BURST} interactions, at \
         most {IN_FLIGHT} in flight, over every server, each from a new user: {}. Warm-up \
         {WARM_UP}. {ROUNDS} rounds, A then B; medians (max: the worst round). CPU seconds per \
         1000 interactions during the burst; cores busy = all that CPU over the burst's wall \
         time.\n",
        MIX.map(Ask::label).join(", ")
    );
    println!(
        "| configuration | interactions/s | p50 | p99 | max | bots CPU s/1000 | PostgreSQL CPU s/1000 | bench (fake + driver) CPU s/1000 | all CPU s/1000 | cores busy |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (config, runs) in CONFIGS.iter().zip(runs) {
        println!("{}", row(config.name, runs));
    }
    for (config, runs) in CONFIGS.iter().zip(runs) {
        let rounds: Vec<String> = runs
            .iter()
            .map(|r| {
                let pg = r.cpu.postgres.as_secs_f64() * 1e3;
                format!("{:.0}/s (PostgreSQL {pg:.0} ms)", figures(r).rate)
            })
            .collect();
        println!("\n{}, by round: {}", config.name, rounds.join(", "));
    }
    println!(
        "\nPostgreSQL's CPU over the whole bench (seeding the store, {} bot starts and stops, \
         warm-ups and bursts): {:.2} s.",
        ROUNDS * CONFIGS.iter().map(|c| c.ranges.len()).sum::<usize>(),
        postgres_cpu.as_secs_f64()
    );
    checks(runs);
}

/// What was not a plain answer; exits non-zero when any interaction was not really answered.
fn checks(runs: &[Vec<Run>; 2]) {
    println!("\n| check (all rounds) | A | B |\n|---|---|---|");
    let count = |f: &dyn Fn(&Run) -> usize| -> Vec<String> {
        runs.iter()
            .map(|rs| rs.iter().map(f).sum::<usize>().to_string())
            .collect()
    };
    let lines = [
        ("answered", count(&|r| r.burst.samples.len())),
        (
            "not a real answer (must be 0)",
            count(&|r| r.burst.problems.len()),
        ),
        (
            "deferred (\"thinking…\" first)",
            count(&|r| r.burst.samples.iter().filter(|s| s.deferred).count()),
        ),
        (
            "warnings and errors logged by the bots",
            count(&|r| r.log_problems.len()),
        ),
    ];
    for (what, by) in lines {
        println!("| {what} | {} | {} |", by[0], by[1]);
    }
    let all = || runs.iter().flatten();
    let problems: Vec<&String> = all().flat_map(|r| &r.burst.problems).collect();
    for line in all()
        .flat_map(|r| &r.log_problems)
        .chain(problems.iter().copied())
        .take(10)
    {
        println!("\n- {line}");
    }
    if !problems.is_empty() {
        eprintln!(
            "processes bench: {} interactions were not really answered",
            problems.len()
        );
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
