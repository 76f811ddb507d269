//! Replays the fuzz corpus (`fuzz/corpus/command_text/`) through the harness the fuzz target
//! drives, so every test run checks the inputs the fuzzer kept without needing cargo-fuzz.
//! The fuzzer itself: `cargo fuzz run command_text -s none` from the repository root.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use kpop_facts::commands::fuzzing::fuzz_command_text;

/// Fewer files than this means the corpus was lost, not trimmed.
const MIN_CORPUS: usize = 30;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn corpus() -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus/command_text");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_input_is_handled() {
    let files = corpus();
    assert!(
        files.len() >= MIN_CORPUS,
        "the corpus holds {} files, fewer than {MIN_CORPUS}",
        files.len()
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).expect("corpus file");
            // As the fuzz target reads its input.
            let text = String::from_utf8_lossy(&bytes);
            catch_unwind(AssertUnwindSafe(|| fuzz_command_text(&text))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "the harness panicked on {failed:#?}");
}

#[test]
fn corpus_files_stay_small() {
    for path in corpus() {
        let size = std::fs::metadata(&path).expect("corpus file").len();
        assert!(size < 2048, "{} is {size} bytes", path.display());
    }
}

#[test]
fn the_fuzz_target_drives_the_same_harness() {
    let target = std::fs::read_to_string(fuzz_dir().join("fuzz_targets/command_text.rs"))
        .expect("fuzz target");
    assert!(target.contains("fuzz_command_text(&text)"), "{target}");
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("[workspace]") && manifest.contains("cargo-fuzz = true"));
}
