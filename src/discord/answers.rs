//! Answers kept for repeat questions: a read command's reply depends only on its options, the
//! language and the store, so the same question against the same store generation is answered
//! from here, its JSON and picture built once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::respond::Wire;
use crate::commands::{Caller, Invocation};

/// Answers kept before the cache starts over.
const KEPT: usize = 512;

#[derive(Default)]
pub struct Answers {
    entries: Mutex<HashMap<String, (i64, Arc<Wire>)>>,
}

/// What a read command's answer depends on; None for commands that change things or whose
/// answer belongs to one person.
pub fn key(inv: &Invocation, caller: &Caller) -> Option<String> {
    let base = format!("{}|{:?}|{:?}", inv.command, inv.options, inv.locale);
    match inv.command.as_str() {
        // "This year" and "last year" change meaning at midnight UTC.
        "exports" => Some(format!("{base}|{}", chrono::Utc::now().date_naive())),
        "chart" | "about" => Some(base),
        // The command mentions depend on the server; the page buttons on who asked.
        "help" => Some(format!("{base}|{:?}", caller.guild_id)),
        "artist" => Some(format!("{base}|{:?}", caller.user_id)),
        _ => None,
    }
}

impl Answers {
    pub fn get(&self, key: &str, generation: i64) -> Option<Arc<Wire>> {
        let entries = self.entries.lock().expect("answer cache");
        entries
            .get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, w)| w.clone())
    }

    pub fn put(&self, key: String, generation: i64, wire: Arc<Wire>) {
        let mut entries = self.entries.lock().expect("answer cache");
        if entries.len() >= KEPT {
            entries.clear();
        }
        entries.insert(key, (generation, wire));
    }
}
