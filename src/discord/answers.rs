//! Answers kept for repeat questions: a read command's reply depends only on its options, the
//! language and the store, so the same question against the same store generation is answered
//! from here, its JSON and picture built once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::respond::Wire;
use crate::commands::spec::Kept;
use crate::commands::{Caller, Command};
use crate::i18n::Locale;
use crate::store::Visibility;

/// Answers kept before the cache starts over.
const KEPT: usize = 512;

#[derive(Default)]
pub struct Answers {
    entries: Mutex<HashMap<String, (i64, Arc<Wire>)>>,
}

/// What a read command's answer depends on, as its definition says (`spec::Kept`): the
/// command with its options read, the language, how the server shows it (public and private
/// answers differ by their flag and Share button), and the day or user where the answer
/// differs by them. None for commands whose answers are not kept.
pub fn key(
    command: &Command,
    locale: Locale,
    caller: &Caller,
    shown: Option<Visibility>,
) -> Option<String> {
    let base = format!("{command:?}|{locale:?}|{shown:?}");
    match command.spec().kept {
        Kept::Never => None,
        Kept::Shared => Some(base),
        Kept::Daily => Some(format!("{base}|{}", chrono::Utc::now().date_naive())),
        Kept::PerUser => Some(format!("{base}|{:?}", caller.user_id)),
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
