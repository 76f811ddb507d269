//! A long write never stalls answers: while `kpop-facts import` loads the full Hot 100 history
//! into the store the bot serves, every command and autocomplete is still answered within
//! Discord's 3 seconds (the fake Discord holds the bot to it), through the commit and the
//! rebuild of the search index that follows.
//!
//! Needs `KPOP_FACTS_FULL_DATA=DIR` (a folder holding the full `hot100.csv`); skipped without.
//! The latencies it prints are the ones in BENCHMARKS.md:
//! `KPOP_FACTS_FULL_DATA=../shared/data cargo test --release --test it answers_during_import -- --nocapture`

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::fake_discord::{FakeConfig, FakeDiscord, InteractionHandle};
use crate::support::process::{BotProcess, GENEROUS};

/// Each round asks these at once, each from another user (no cooldown applies).
fn round(fake: &FakeDiscord, n: usize, first_user: u64) -> Vec<(&'static str, Value)> {
    const COUNTRIES: [&str; 5] = ["japan", "usa", "china", "taiwan", "hong kong"];
    const PERIODS: [&str; 5] = ["2023-H1", "2022", "2021", "2020", "2019"];
    const TITLES: [&str; 5] = ["cupid", "dynamite", "butter", "gangnam style", "pink venom"];
    const ACTS: [&str; 5] = ["BTS", "BLACKPINK", "TWICE", "NewJeans", "Stray Kids"];
    const TYPED: [&str; 5] = ["cup", "lov", "dyn", "sh", "a"];
    let pick = |list: [&'static str; 5]| list[n % list.len()];
    let asks = vec![
        (
            "/exports country",
            fake.slash("exports")
                .option("country", pick(COUNTRIES))
                .option("period", "2023-H1"),
        ),
        (
            "/exports ranking (picture)",
            fake.slash("exports").option("period", pick(PERIODS)),
        ),
        (
            "/chart (picture)",
            fake.slash("chart").option("title", pick(TITLES)),
        ),
        ("/artist", fake.slash("artist").option("name", pick(ACTS))),
        ("/help", fake.slash("help")),
        (
            "autocomplete country",
            fake.autocomplete("exports").focused("country", 3, "ja"),
        ),
        (
            "autocomplete title",
            fake.autocomplete("chart").focused("title", 3, pick(TYPED)),
        ),
        (
            "autocomplete artist",
            fake.autocomplete("chart").focused("artist", 3, "bl"),
        ),
    ];
    asks.into_iter()
        .enumerate()
        .map(|(i, (kind, ask))| (kind, ask.user(first_user + i as u64, "fan").build()))
        .collect()
}

/// Whether the bot's title suggestions hold a song only the imported history has.
async fn serves_the_new_history(fake: &FakeDiscord) -> bool {
    let sent = fake
        .dispatch(
            fake.autocomplete("chart")
                .focused("title", 3, "blinding lig")
                .build(),
        )
        .await;
    fake.wait_response(sent.id, GENEROUS)
        .await
        .is_some_and(|r| {
            r.choices()
                .iter()
                .any(|c| c["name"].as_str().unwrap_or("").contains("Blinding Lights"))
        })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_stay_in_time_while_an_import_runs() {
    let Ok(data) = std::env::var("KPOP_FACTS_FULL_DATA") else {
        eprintln!("KPOP_FACTS_FULL_DATA not set: the answers-during-an-import check is skipped");
        return;
    };
    let file = std::path::Path::new(&data).join("hot100.csv");
    assert!(file.exists(), "{} is missing", file.display());
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let bot = BotProcess::start(&fake, &db, &[]);
    assert!(fake.wait_ready(GENEROUS).await, "the bot connected");
    assert!(
        !serves_the_new_history(&fake).await,
        "only the seed at first"
    );

    let mut import = Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(&db)
        .args(["import", "billboard", "--chart", "hot-100"])
        .arg(&file)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut sent: Vec<(&'static str, InteractionHandle)> = Vec::new();
    let mut imported = None;
    let mut user = fake.config().user_id;
    for n in 0.. {
        if imported.is_none() {
            imported = import.try_wait().unwrap();
        } else if serves_the_new_history(&fake).await {
            break;
        }
        let mut this_round = Vec::new();
        for (kind, payload) in round(&fake, n, user) {
            this_round.push((kind, fake.dispatch(payload).await));
        }
        user += 100;
        for (_, handle) in &this_round {
            let _ = fake.wait_response(handle.id, Duration::from_secs(5)).await;
        }
        sent.extend(this_round);
    }
    // Reaped already: this gives the status the loop saw.
    assert!(import.wait().unwrap().success(), "the import succeeded");

    let mut late = Vec::new();
    let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut deferred = 0;
    for (kind, handle) in &sent {
        let log = fake.interaction(handle.id).unwrap();
        match &log.response {
            Some(r) if !log.late => {
                by_kind.entry(kind).or_default().push(r.elapsed);
                if r.kind == 5 {
                    deferred += 1;
                    let answered = fake
                        .wait_until(GENEROUS, |f| !f.webhook_writes(handle.id).is_empty())
                        .await;
                    assert!(answered, "{kind} was deferred and never answered");
                }
            }
            _ => late.push(format!("{kind}: {log:?}")),
        }
    }
    println!(
        "{} interactions during the import ({deferred} deferred); first response, ms:",
        sent.len()
    );
    println!("| interaction | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (kind, mut times) in by_kind {
        times.sort();
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        println!(
            "| {kind} | {} | {} | {} | {} |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap())
        );
    }
    assert!(
        late.is_empty(),
        "{} of {} answers were late or missing:\n{}",
        late.len(),
        sent.len(),
        late.join("\n")
    );
    drop(bot);
}
