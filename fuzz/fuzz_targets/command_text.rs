//! Command text as a user types it after `kpop-facts ask`, or as a Discord option holds it.
//! The logic is `kpop_facts::commands::fuzzing::fuzz_command_text`, which
//! `tests/it/fuzz_corpus.rs` also runs on the committed corpus.
//!
//! `cargo fuzz run command_text -s none` (from the repository root) runs it on stable Rust.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    kpop_facts::commands::fuzzing::fuzz_command_text(&text);
});
