//! Timing helpers the benchmarks share: percentiles of repeated async calls, and SQLite's own
//! CSV import as a reference.

use std::path::Path;
use std::time::{Duration, Instant};

pub struct Stats {
    pub p50: Duration,
    pub p99: Duration,
}

pub fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.50),
        p99: at(0.99),
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

pub fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64().max(1e-12))
}

/// `f(0..n)` timed one call at a time, after a warm-up of up to 20 calls.
pub async fn time_async<F, Fut>(n: usize, mut f: F) -> Stats
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..n.min(20) {
        f(i).await;
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i).await;
        samples.push(t.elapsed());
    }
    stats(samples)
}

/// SQLite's own CSV import of the full files into a fresh database in `dir`, timed; None when
/// `sqlite3` is not installed.
pub fn sqlite_import(data: &Path, dir: &Path) -> Option<Duration> {
    let db = dir.join("reference.db");
    let script = format!(
        ".mode csv\n.import {} hot100\n.import {} billboard200\n",
        data.join("hot100.csv").display(),
        data.join("billboard200.csv").display()
    );
    let started = Instant::now();
    let out = std::process::Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take()?.write_all(script.as_bytes()).ok()?;
            child.wait().ok()
        })?;
    out.success().then(|| started.elapsed())
}
