//! What survives: a process killed in the middle of an import (caught holding the write lock,
//! then killed), a store locked by another process, and a bot killed while it serves.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kpop_facts::store::Store;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::wait;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kpop-facts"));
    c.env_remove("RUST_LOG");
    c
}

/// Every table's row count and the store's meta values (its generations among them): equal
/// fingerprints mean no write landed.
async fn fingerprint(db: &kpop_facts::store::Location) -> Vec<(String, String)> {
    let store = kpop_facts::import::seed::open(db).await.unwrap();
    assert!(
        store.check().await.unwrap().is_empty(),
        "the store is intact"
    );
    let mut print = Vec::new();
    for table in kpop_facts::store::copy::TABLES {
        let n: i64 = kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!("SELECT count(*) FROM \"{table}\""))
        )
        .fetch_one(p)
        .await)
        .unwrap();
        print.push((table.to_string(), n.to_string()));
    }
    let meta: Vec<(String, String)> = kpop_facts::on!(store.readers(), |p| sqlx::query_as(
        "SELECT key, value FROM meta ORDER BY key"
    )
    .fetch_all(p)
    .await)
    .unwrap();
    print.extend(meta);
    store.close().await;
    print
}

/// Whether another connection holds the store's write lock: a write that will not wait fails.
async fn write_lock_held(db: &kpop_facts::store::Location) -> bool {
    let mut conn = SqliteConnectOptions::new()
        .filename(db.sqlite_path().expect("a SQLite store"))
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .unwrap();
    let held = match sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await {
        Ok(_) => {
            sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
            false
        }
        Err(e) => {
            let busy = e.as_database_error().and_then(|d| d.code());
            assert_eq!(busy.as_deref(), Some("5"), "{e}");
            true
        }
    };
    conn.close().await.unwrap();
    held
}

fn signal(child: &Child, sig: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a pid this test spawned and has not reaped yet.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "signal {sig}");
}

/// How much of its transaction a child must have written to the WAL before it is killed: past
/// the start of the write, into its middle.
const WRITTEN_BEFORE_KILL: u64 = 512 * 1024;

fn wal_len(db: &kpop_facts::store::Location) -> u64 {
    let db = db.sqlite_path().expect("a SQLite store");
    std::fs::metadata(db.with_extension("db-wal")).map_or(0, |m| m.len())
}

/// Kills `child` in the middle of a write, on either engine. Panics when it finishes before
/// that happens.
async fn kill_mid_write(child: Child, db: &kpop_facts::store::Location) {
    match db {
        kpop_facts::store::Location::Sqlite(_) => kill_mid_sqlite_write(child, db).await,
        kpop_facts::store::Location::Postgres(url) => kill_mid_postgres_write(child, url).await,
    }
}

/// Kills `child` once its transaction holds the store's write lock and has written (the server
/// has given it a transaction id); PostgreSQL then rolls the transaction back.
async fn kill_mid_postgres_write(mut child: Child, url: &str) {
    let observer = sqlx::PgPool::connect(url).await.unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the child finished ({status}) before it was caught writing; give it more to do"
            );
        }
        let writing: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
             WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
               AND l.locktype = 'advisory' AND l.granted)",
        )
        .fetch_one(&observer)
        .await
        .unwrap();
        if writing {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    observer.close().await;
}

/// Kills `child` in the middle of a write: stopped, seen to hold the write lock with part of its
/// transaction already in the WAL, and killed before it can run again.
async fn kill_mid_sqlite_write(mut child: Child, db: &kpop_facts::store::Location) {
    let mut wal_at_start = None;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the child finished ({status}) before it was caught writing; give it more to do"
            );
        }
        signal(&child, libc::SIGSTOP);
        let written = wal_len(db);
        if write_lock_held(db).await {
            let start = *wal_at_start.get_or_insert(written);
            if written >= start + WRITTEN_BEFORE_KILL {
                break;
            }
        }
        signal(&child, libc::SIGCONT);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

async fn chart_rows(store: &Store) -> i64 {
    kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM chart_entries"
    )
    .fetch_one(p)
    .await)
    .unwrap()
}

/// A chart file of `weeks` full weeks in 2031 onwards, none of it in the seed.
fn big_chart(path: &std::path::Path, weeks: u32) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "chart_date,position,title,artist,last_week,peak,weeks_on_chart"
    )
    .unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2031, 1, 4).unwrap();
    for w in 0..weeks {
        let date = start + chrono::Days::new(7 * u64::from(w));
        for p in 1..=100 {
            let last = if w == 0 { String::new() } else { p.to_string() };
            writeln!(f, "{date},{p},Song {p},Band {p},{last},{p},{}", w + 1).unwrap();
        }
    }
}

#[tokio::test]
async fn a_killed_import_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let before = fingerprint(&db).await;
    let file = dir.path().join("big.csv");
    big_chart(&file, 3000);

    let child = bin()
        .arg("--db")
        .arg(&db)
        .args(["import", "billboard", "--chart", "hot-100"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_mid_write(child, &db).await;
    assert_eq!(
        fingerprint(&db).await,
        before,
        "nothing of the import is there"
    );

    // And the store takes the import afterwards.
    let status = bin()
        .arg("--db")
        .arg(&db)
        .args(["import", "billboard", "--chart", "hot-100"])
        .arg(&file)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let store = Store::open(&db).await.unwrap();
    let rows = |p: &[(String, String)]| {
        p.iter()
            .find(|(t, _)| t == "chart_entries")
            .map(|(_, n)| n.parse::<i64>().unwrap())
            .unwrap()
    };
    assert_eq!(chart_rows(&store).await, rows(&before) + 300_000);
}

#[tokio::test]
async fn a_store_locked_by_another_process_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let store = Store::open(&db).await.unwrap();
    let tx = store.begin().await.unwrap();
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args([
            "facts",
            "set-export",
            "country:japan",
            "period:2023-H1",
            "value:$50M",
            "source:Yonhap",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut exited = None;
    let db = &db;
    let settled = wait::until(Duration::from_secs(20), || {
        exited = child.try_wait().unwrap();
        let gone = exited.is_some();
        async move { gone || waits_for_the_write_lock(db, pid).await }
    })
    .await;
    assert!(
        settled && exited.is_none(),
        "the writer waits while the lock is held: {exited:?}"
    );
    drop(tx); // releases the write lock without writing
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("$50.00M"));
    assert!(store.check().await.unwrap().is_empty());
}

/// Whether process `pid` waits for the store's write lock, as the engine shows it rather than as
/// time would suggest: on SQLite it sleeps between tries (seen in /proc), on PostgreSQL its
/// request for the advisory lock is not granted yet.
async fn waits_for_the_write_lock(db: &kpop_facts::store::Location, pid: u32) -> bool {
    match db {
        kpop_facts::store::Location::Sqlite(_) => in_nanosleep(pid),
        kpop_facts::store::Location::Postgres(url) => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
                .await
                .unwrap();
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap()
        }
    }
}

/// Whether a thread of process `pid` sleeps in nanosleep(2), as SQLite's busy handler does
/// between its tries for a lock (the process's other threads wait in futex or epoll calls).
fn in_nanosleep(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("syscall"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<libc::c_long>().ok())
            .is_some_and(|n| n == libc::SYS_nanosleep || n == libc::SYS_clock_nanosleep)
    })
}

#[tokio::test]
async fn db_check_finds_damage() {
    if crate::support::db::skipped_on_postgres("a fault test of the SQLite file") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let store = Store::open(&db).await.unwrap();
    store.close().await;
    let check = || {
        bin()
            .arg("--db")
            .arg(&db)
            .args(["db", "check"])
            .output()
            .unwrap()
    };
    assert!(check().status.success());
    // Scribble over pages in the middle of the file, as a failing disk would.
    let file = db.sqlite_path().expect("a SQLite store");
    let mut bytes = std::fs::read(file).unwrap();
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    for b in &mut bytes[middle..middle + 8 * page] {
        *b = 0x5a;
    }
    std::fs::write(file, bytes).unwrap();
    let out = check();
    assert!(
        !out.status.success(),
        "damage goes unnoticed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn a_killed_edit_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let before = fingerprint(&db).await;
    // An owner's undoable import: many units, each snapshotted and audited in one transaction.
    let file = dir.path().join("figures.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(
        f,
        "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note"
    )
    .unwrap();
    for year in 1950..2050 {
        for month in 1..=12 {
            for country in ["JP", "US", "CN", "TW", "HK"] {
                writeln!(f, "{year}-{month:02},{country},{},,,Example,,https://example.com/{year},{year}-12-31,", 1000 + month).unwrap();
            }
        }
    }
    drop(f);
    let child = bin()
        .arg("--db")
        .arg(&db)
        .arg("facts")
        .arg("import")
        .arg(format!("file:{}", file.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_mid_write(child, &db).await;
    assert_eq!(
        fingerprint(&db).await,
        before,
        "nothing of the edit is there"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_run_per_store_and_a_killed_one_does_not_block_the_next() {
    if crate::support::db::skipped_on_postgres("a fault test of the SQLite file") {
        return;
    }
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::db::at(dir.path());
    let run = || {
        let mut c = bin();
        c.arg("--db")
            .arg(&db)
            .arg("run")
            .env("DISCORD_TOKEN", &fake.config().token)
            .env("DISCORD_API_BASE_URL", fake.base_url())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let wait = Duration::from_secs(20);
    let mut first = KillOnDrop(run().spawn().unwrap());
    assert!(fake.wait_ready(wait).await, "the first bot connects");

    let mut second = tokio::process::Command::from(run());
    // Killed when the wait below gives up on it; `output` reads its stderr.
    second.kill_on_drop(true);
    let out = tokio::time::timeout(wait, second.output())
        .await
        .expect("a second run on the same store does not start")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("PID {}", first.0.id())) && stderr.contains("facts.db.lock"),
        "{stderr}"
    );
    assert!(
        first.0.try_wait().unwrap().is_none(),
        "the first one serves on"
    );
    assert_eq!(fake.gateway_stats().identifies, 1);

    // Killed without a chance to clean up: the kernel frees the lock, the next start runs.
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let mut third = KillOnDrop(run().spawn().unwrap());
    assert!(
        fake.wait_until(wait, |f| f.gateway_stats().identifies == 2)
            .await,
        "the next bot connects"
    );
    assert!(third.0.try_wait().unwrap().is_none());
}

/// A bot process that does not outlive its test, even a failing one.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
