//! Peak memory of the running bot: `kpop-facts run`, the release binary itself, serving the full
//! Billboard history to the test suite's fake Discord on loopback.
//!
//! `cargo bench --bench rss -- STORE` where STORE is a store holding the full history (made with
//! `kpop-facts import billboard`). The store is copied first: the bot registers its commands in
//! the copy, never in STORE. Two workloads, each in a fresh process (see [`Workload`]); the
//! figure is the bot process's VmHWM (its peak resident set) at the end. `KPOP_FACTS_BIN=PATH`
//! measures another build of the binary with the same workloads.

#[path = "../tests/support/fake_discord/mod.rs"]
mod fake_discord;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fake_discord::{FakeConfig, FakeDiscord};
use serde_json::Value;
use tokio::sync::Semaphore;

const WAIT: Duration = Duration::from_secs(30);
/// Unanswered interactions at once: a busy server's worth.
const IN_FLIGHT: usize = 16;
/// Rounds of the wide workload: the second and third find the caches full.
const ROUNDS: usize = 3;

/// Titles with long and short runs on both charts, K-pop and not: more pictures than are kept.
const TITLES: [&str; 40] = [
    "cupid",
    "thriller",
    "dynamite",
    "butter",
    "seven",
    "like crazy",
    "blinding lights",
    "old town road",
    "shape of you",
    "despacito",
    "uptown funk",
    "rolling in the deep",
    "hey jude",
    "gangnam style",
    "smooth",
    "mack the knife",
    "rumours",
    "21",
    "the dark side of the moon",
    "1989",
    "purple rain",
    "born in the u.s.a.",
    "bad",
    "hysteria",
    "jagged little pill",
    "back in black",
    "legend",
    "map of the soul: 7",
    "love yourself: answer",
    "be",
    "proof",
    "5-star",
    "maniac",
    "golden",
    "soda pop",
    "how it's done",
    "pink venom",
    "shut down",
    "lalisa",
    "money",
];
const PERIODS: [&str; 8] = [
    "2023-H1", "2023", "2022", "2021", "2020", "2024", "2025", "2019",
];
const ACTS: [&str; 6] = [
    "BTS",
    "BLACKPINK",
    "Stray Kids",
    "TWICE",
    "NewJeans",
    "Jimin",
];
const LOCALES: [&str; 3] = ["en-US", "ko", "ja"];

fn main() {
    let Some(store) = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
    else {
        eprintln!("usage: cargo bench --bench rss -- STORE   (a store holding the full history)");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("| workload | at start | peak (VmHWM) | interactions |\n|---|---|---|---|");
    for workload in [Workload::Mix, Workload::Wide] {
        // A fresh copy and a fresh process for each: one run's caches don't help the next.
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("facts.db");
        std::fs::copy(&store, &db).expect("the store copies");
        println!("{}", rt.block_on(measure(&db, workload)));
    }
}

#[derive(Clone, Copy, Debug)]
enum Workload {
    /// The end-to-end bench's mix, in English, five at a time: `/exports` for a country and
    /// the ranking (a picture), `/chart cupid` (a picture), `/artist BTS`, `/help`.
    Mix,
    /// Every kind of question in all three languages, sixteen at a time, three times over:
    /// 40 runs and 8 rankings drawn per language, more pictures than the picture cache keeps.
    Wide,
}

async fn measure(db: &Path, workload: Workload) -> String {
    let fake = Arc::new(FakeDiscord::start(FakeConfig::default()).await);
    let mut bot = Bot::start(&fake, db);
    assert!(fake.wait_ready(WAIT).await, "the bot connected");
    assert!(
        fake.wait_until(WAIT, |f| f.registered_commands(None).len() == 7)
            .await,
        "the bot registered its commands"
    );
    // The indexes are built before the bot connects: this is the bot at rest.
    let at_start = status_mib(&bot.status(), "VmRSS:");
    let mut answered = 0;
    match workload {
        Workload::Mix => {
            for i in 0..MIX_ROUNDS {
                answered += burst(&fake, mix(&fake, 5_000 + i)).await;
            }
        }
        Workload::Wide => {
            for _ in 0..ROUNDS {
                answered += burst(&fake, wide(&fake)).await;
            }
        }
    }
    let peak = status_mib(&bot.status(), "VmHWM:");
    bot.stop();
    format!("| {workload:?} | {at_start:.1} MiB | {peak:.1} MiB | {answered} |")
}

fn status_mib(status: &str, field: &str) -> f64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Rounds of the five-question mix.
const MIX_ROUNDS: u64 = 100;

fn mix(fake: &FakeDiscord, user: u64) -> Vec<Value> {
    let slash = |name: &str| fake.slash(name).user(user, "fan");
    vec![
        slash("exports")
            .option("country", "japan")
            .option("period", "2023-H1")
            .build(),
        slash("exports").option("period", "2023-H1").build(),
        slash("chart").option("title", "cupid").build(),
        slash("artist").option("name", "BTS").build(),
        slash("help").build(),
    ]
}

/// Every kind of question, in every language, each from its own user so no cooldown applies.
fn wide(fake: &FakeDiscord) -> Vec<Value> {
    let mut asks = Vec::new();
    let mut user = 1_000u64;
    let mut next_user = || {
        user += 1;
        user
    };
    for locale in LOCALES {
        let slash = |name: &str, user: u64| fake.slash(name).locale(locale).user(user, "fan");
        for title in TITLES {
            asks.push(slash("chart", next_user()).option("title", title).build());
        }
        for period in PERIODS {
            asks.push(
                slash("exports", next_user())
                    .option("period", period)
                    .build(),
            );
            asks.push(
                slash("exports", next_user())
                    .option("country", "japan")
                    .option("period", period)
                    .build(),
            );
        }
        for act in ACTS {
            asks.push(slash("artist", next_user()).option("name", act).build());
        }
        asks.push(slash("help", next_user()).build());
        asks.push(slash("about", next_user()).build());
        for partial in ["a", "lo", "love", "cup", "b", "the", "방탄"] {
            asks.push(
                fake.autocomplete("chart")
                    .locale(locale)
                    .user(next_user(), "fan")
                    .focused("title", 3, partial)
                    .build(),
            );
        }
    }
    asks
}

/// Sends every payload with at most [`IN_FLIGHT`] unanswered; the number answered.
async fn burst(fake: &Arc<FakeDiscord>, payloads: Vec<Value>) -> usize {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut waiters = Vec::with_capacity(payloads.len());
    for payload in payloads {
        let slot = slots.clone().acquire_owned().await.expect("open");
        let sent = fake.dispatch(payload).await;
        let fake = fake.clone();
        waiters.push(tokio::spawn(async move {
            let answered = match fake.wait_response(sent.id, WAIT).await {
                // "Thinking…" first: the answer is the edit that follows.
                Some(r) if r.kind == 5 => {
                    fake.wait_until(WAIT, |f| !f.webhook_writes(sent.id).is_empty())
                        .await
                }
                Some(_) => true,
                None => false,
            };
            drop(slot);
            answered
        }));
    }
    let mut answered = 0;
    for waiter in waiters {
        if waiter.await.expect("a waiter") {
            answered += 1;
        }
    }
    answered
}

/// The release binary serving Discord through the fake.
struct Bot {
    child: Child,
}

impl Bot {
    fn start(fake: &FakeDiscord, db: &Path) -> Bot {
        // Another build (an older commit's, say) can be measured in the same way.
        let binary = std::env::var_os("KPOP_FACTS_BIN").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_kpop-facts")),
            PathBuf::from,
        );
        let child = Command::new(binary)
            .arg("--db")
            .arg(db)
            .arg("run")
            .env("DISCORD_TOKEN", &fake.config().token)
            .env("DISCORD_API_BASE_URL", fake.base_url())
            .env("RUST_LOG", "warn,serenity=error")
            .stdout(Stdio::null())
            .spawn()
            .expect("kpop-facts starts");
        Bot { child }
    }

    fn status(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default()
    }

    /// SIGTERM, as systemd stops it; the bot closes the gateway and the store.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
    }
}
