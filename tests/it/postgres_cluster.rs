//! The PostgreSQL test cluster itself (`tests/support/postgres.rs`): databases apart and
//! reachable, one database per key, the binaries' lookup, the skip line, and a cluster that
//! leaves no server and no directory behind.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::support::postgres::{
    self, Cluster, cluster_or_skip, find_bin_dir, skip_line, skip_unless,
};

/// Only a hang outlasts it.
const GENEROUS: Duration = Duration::from_secs(60);

/// `sql` through psql on the database at `url`; its unaligned, untitled output.
fn psql(pg: &Cluster, url: &str, sql: &str) -> String {
    let output = Command::new(pg.bin_dir().join("psql"))
        .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "psql {url} -c {sql:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn database_name(url: &str) -> &str {
    url.rsplit_once('/').unwrap().1
}

#[test]
fn fresh_databases_are_apart_and_both_reachable() {
    let Some(pg) = cluster_or_skip() else { return };
    let a = pg.fresh_database();
    let b = pg.fresh_database();
    assert_ne!(a, b);
    let prefix = format!("postgres://postgres@127.0.0.1:{}/t_", pg.port());
    assert!(a.starts_with(&prefix), "{a}");
    assert_eq!(psql(pg, &a, "SELECT current_database()"), database_name(&a));
    assert_eq!(psql(pg, &b, "SELECT current_database()"), database_name(&b));

    psql(pg, &a, "CREATE TABLE only_in_a (x int)");
    let tables = "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'";
    assert_eq!(psql(pg, &a, tables), "1");
    assert_eq!(psql(pg, &b, tables), "0");
}

#[test]
fn databases_made_at_once_are_all_made_and_all_different() {
    let Some(pg) = cluster_or_skip() else { return };
    let urls: Vec<String> = std::thread::scope(|s| {
        let made: Vec<_> = (0..8).map(|_| s.spawn(|| pg.fresh_database())).collect();
        made.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut names: Vec<&str> = urls.iter().map(|u| database_name(u)).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), urls.len());
    let listed = psql(pg, &pg.url("postgres"), "SELECT datname FROM pg_database");
    for name in names {
        assert!(listed.lines().any(|l| l == name), "{name} not in {listed}");
    }
}

#[test]
fn database_for_gives_one_database_per_key() {
    let Some(pg) = cluster_or_skip() else { return };
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let url = pg.database_for(first.path());
    psql(
        pg,
        &url,
        "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)",
    );

    // A bot started again on the same directory reaches the same data.
    let again = pg.database_for(first.path());
    assert_eq!(again, url);
    assert_eq!(psql(pg, &again, "SELECT x FROM kept"), "7");

    let other = pg.database_for(second.path());
    assert_ne!(other, url);
    let tables = "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'";
    assert_eq!(psql(pg, &other, tables), "0");
}

/// Fake install roots: `versions` are the complete `<root>/<v>/bin`; `partial` lack createdb.
fn fake_versions(root: &Path, versions: &[&str], partial: &[&str]) {
    for (v, names) in versions
        .iter()
        .map(|v| (v, &["initdb", "pg_ctl", "postgres", "createdb"][..]))
        .chain(
            partial
                .iter()
                .map(|v| (v, &["initdb", "pg_ctl", "postgres"][..])),
        )
    {
        let bin = root.join(v).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for name in names {
            std::fs::write(bin.join(name), "").unwrap();
        }
    }
}

fn bin_of(root: &Path, version: &str) -> Option<PathBuf> {
    Some(root.join(version).join("bin"))
}

#[test]
fn the_lookup_prefers_15_then_the_newest_complete_version_above() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    fake_versions(root, &["14", "15", "16"], &[]);
    assert_eq!(find_bin_dir(None, root), bin_of(root, "15"));

    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    fake_versions(root, &["14", "16", "17"], &["18"]);
    assert_eq!(find_bin_dir(None, root), bin_of(root, "17"));

    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    fake_versions(root, &["13", "14"], &["15", "16"]);
    assert_eq!(find_bin_dir(None, root), None);

    assert_eq!(find_bin_dir(None, &root.join("no-such-dir")), None);
}

#[test]
fn an_explicit_bin_dir_is_the_only_candidate() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    fake_versions(root, &["15", "custom"], &[]);
    let custom = root.join("custom").join("bin");
    assert_eq!(find_bin_dir(Some(&custom), root), Some(custom));

    let empty = tempfile::tempdir().unwrap();
    assert_eq!(find_bin_dir(Some(empty.path()), root), None);
}

#[test]
fn a_missing_server_is_said_once_and_skips() {
    let said = AtomicBool::new(false);
    let mut out = Vec::new();
    assert!(skip_unless(None::<&Cluster>, &said, &mut out).is_none());
    assert!(skip_unless(None::<&Cluster>, &said, &mut out).is_none());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{}\n", skip_line())
    );
    assert!(skip_line().starts_with("skipped: "));
    assert!(skip_line().contains("/usr/lib/postgresql/15/bin"));
    assert!(skip_line().contains("apt-get install postgresql"));

    let said = AtomicBool::new(false);
    let mut out = Vec::new();
    assert_eq!(skip_unless(Some(3), &said, &mut out), Some(3));
    assert!(out.is_empty());
}

/// Whether `pid` is a process that has not ended (a zombie has).
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next());
        state != Some(Some('Z'))
    })
}

fn postmaster_pid(pg: &Cluster) -> String {
    let pid_file = std::fs::read_to_string(pg.dir().join("data/postmaster.pid")).unwrap();
    pid_file.lines().next().unwrap().to_string()
}

/// Waits for `dir` to go, then checks that the server went first.
fn assert_gone(dir: &Path, pid: &str) {
    let deadline = Instant::now() + GENEROUS;
    while dir.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!dir.exists(), "{} still exists", dir.display());
    // The server was stopped before its directory went (a server whose directory is removed
    // under it runs on until its next check of the lock file, up to a minute later).
    assert!(!running(pid), "postmaster {pid} still runs");
}

#[test]
fn a_cluster_dropped_stops_its_server_and_removes_its_directory() {
    let Some(bin) = postgres::bin_dir() else {
        eprintln!("{}", skip_line());
        return;
    };
    let pg = Cluster::start(&bin).unwrap();
    let dir = pg.dir().to_path_buf();
    let pid = postmaster_pid(&pg);
    assert!(running(&pid), "postmaster {pid} is not running");
    assert_eq!(psql(&pg, &pg.fresh_database(), "SELECT 1"), "1");

    drop(pg);
    assert_gone(&dir, &pid);
}

/// What the test below kills: the shared cluster in a test process that waits for its stdin.
#[test]
#[ignore = "run by a_killed_test_process_leaves_no_server_and_no_directory"]
fn a_test_process_holding_the_cluster() {
    let pg = postgres::cluster().expect("the server binaries");
    println!("cluster: {} {}", pg.dir().display(), postmaster_pid(pg));
    let _ = std::io::stdin().read_line(&mut String::new());
}

#[test]
fn a_killed_test_process_leaves_no_server_and_no_directory() {
    if postgres::bin_dir().is_none() {
        eprintln!("{}", skip_line());
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "postgres_cluster::a_test_process_holding_the_cluster",
            "--exact",
        ])
        .args(["--ignored", "--nocapture"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let said = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .find_map(|line| Some(line.strip_prefix("cluster: ")?.to_string()))
        .expect("the child names its cluster");
    let (dir, pid) = said.rsplit_once(' ').unwrap();
    assert!(running(pid), "postmaster {pid} is not running");

    child.kill().unwrap();
    child.wait().unwrap();
    assert_gone(Path::new(dir), pid);
}
