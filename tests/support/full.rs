//! The full Billboard history from `$KPOP_FACTS_FULL_DATA` (a folder holding `hot100.csv` and
//! `billboard200.csv`): one store with both files imported, built once and shared by every test
//! of a run, and the CSV rows themselves, for tests to compute what the bot should say.
//!
//! Tests that use it start with
//! `let Some(full) = full::Full::get().await else { return };`, which prints one line and skips
//! when the variable is unset.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use kpop_facts::app::App;
use kpop_facts::domain::chart::Chart;
use tokio::sync::OnceCell;

pub const VAR: &str = "KPOP_FACTS_FULL_DATA";

/// One row of `hot100.csv` or `billboard200.csv`, as printed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct ChartRow {
    pub chart_date: String,
    pub position: u32,
    pub title: String,
    pub artist: String,
    pub last_week: Option<u32>,
    pub peak: Option<u32>,
    pub weeks_on_chart: Option<u32>,
}

pub struct Full {
    pub dir: PathBuf,
    /// The shared store: read from it only.
    pub app: App,
}

static FULL: OnceCell<Option<Full>> = OnceCell::const_new();

impl Full {
    /// The shared full-history store, or None (with one line on stderr) when
    /// `$KPOP_FACTS_FULL_DATA` is unset.
    pub async fn get() -> Option<&'static Full> {
        FULL.get_or_init(|| async {
            let Some(dir) = std::env::var_os(VAR).map(PathBuf::from) else {
                eprintln!("{VAR} not set: skipping the tests over the full chart history");
                return None;
            };
            let db = fixture(&dir);
            let app = App::open(&db).await.expect("open the full-history store");
            Some(Full { dir, app })
        })
        .await
        .as_ref()
    }

    /// Every row of one chart's CSV, in file order (by date, then position).
    pub fn rows(&self, chart: Chart) -> &'static [ChartRow] {
        static HOT100: OnceLock<Vec<ChartRow>> = OnceLock::new();
        static B200: OnceLock<Vec<ChartRow>> = OnceLock::new();
        let (cell, file) = match chart {
            Chart::Hot100 => (&HOT100, "hot100.csv"),
            Chart::Billboard200 => (&B200, "billboard200.csv"),
        };
        cell.get_or_init(|| read_rows(&self.dir.join(file)))
    }
}

fn read_rows(path: &Path) -> Vec<ChartRow> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    reader
        .deserialize()
        .map(|r| r.unwrap_or_else(|e| panic!("a row of {}: {e}", path.display())))
        .collect()
}

/// The path of a store holding both full files, imported by this build's binary. It is built
/// once per data and binary (the key is their sizes and times) under a file lock, so test
/// processes running at once wait for one import instead of each doing their own.
fn fixture(dir: &Path) -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_kpop-facts"));
    let mut h = DefaultHasher::new();
    for p in [
        dir.join("hot100.csv"),
        dir.join("billboard200.csv"),
        bin.to_path_buf(),
    ] {
        let m = std::fs::metadata(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        (m.len(), m.modified().ok()).hash(&mut h);
    }
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("full-history");
    std::fs::create_dir_all(&home).expect("fixture folder");
    let db = home.join(format!("full-{:016x}.db", h.finish()));
    let lock = std::fs::File::create(home.join("build.lock")).expect("fixture lock");
    lock.lock().expect("wait for the fixture lock");
    if !db.exists() {
        for old in std::fs::read_dir(&home).expect("fixture folder").flatten() {
            if old.file_name().to_string_lossy().starts_with("full-") {
                let _ = std::fs::remove_file(old.path());
            }
        }
        let building = home.join("building.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
        for (chart, file) in [
            ("hot-100", "hot100.csv"),
            ("billboard-200", "billboard200.csv"),
        ] {
            let out = Command::new(bin)
                .env_remove("RUST_LOG")
                .arg("--db")
                .arg(&building)
                .args(["import", "billboard", "--chart", chart])
                .arg(dir.join(file))
                .output()
                .expect("run the importer");
            assert!(
                out.status.success(),
                "importing {file} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // A checkpointed single file, renamed into place whole.
        let out = Command::new(bin)
            .arg("--db")
            .arg(&building)
            .args(["db", "check"])
            .output()
            .expect("run db check");
        assert!(out.status.success(), "the fixture store is damaged");
        std::fs::rename(&building, &db).expect("put the fixture in place");
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
    }
    db
}
