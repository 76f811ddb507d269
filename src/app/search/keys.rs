//! Title keys and the runs that have each, with typo look-ups over them.

use std::sync::LazyLock;

use fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};

use super::songs::Songs;
use super::titles::main_keys;
use crate::domain::chart::title_key;

/// An FST from each title key to its ordinal, and the runs of every key in one flat array. A
/// run is found by the key of its whole title and by those of its main title (see
/// [`main_keys`]): "5star" finds "5-Star: The 3rd Album" as surely as "5 Star".
pub(super) struct TitleKeys {
    map: Map<Vec<u8>>,
    /// Runs of key `k`: `runs[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    runs: Vec<u32>,
}

impl TitleKeys {
    pub(super) fn build(songs: &Songs) -> TitleKeys {
        let mut pairs: Vec<(String, u32)> = Vec::with_capacity(songs.len());
        for i in 0..songs.len() as u32 {
            let s = songs.get(i);
            pairs.push((title_key(s.title), i));
            pairs.extend(main_keys(s.title, s.credit).into_iter().map(|k| (k, i)));
        }
        pairs.retain(|(k, _)| !k.is_empty());
        pairs.sort_unstable();
        pairs.dedup();
        let mut map = MapBuilder::memory();
        let (mut starts, mut runs) = (Vec::new(), Vec::with_capacity(pairs.len()));
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            map.insert(&group[0].0, starts.len() as u64)
                .expect("sorted, distinct keys");
            starts.push(runs.len() as u32);
            runs.extend(group.iter().map(|(_, i)| *i));
        }
        starts.push(runs.len() as u32);
        TitleKeys {
            map: map.into_map(),
            starts,
            runs,
        }
    }

    fn runs_of(&self, ordinal: u64) -> &[u32] {
        let k = ordinal as usize;
        &self.runs[self.starts[k] as usize..self.starts[k + 1] as usize]
    }

    pub(super) fn get(&self, key: &str) -> &[u32] {
        self.map.get(key).map_or(&[], |k| self.runs_of(k))
    }

    /// The runs of every key within one or two slips of `key` (transpositions count as one):
    /// two only for mid-length keys, as short ones would match half the index and for long
    /// ones the automaton costs more than it finds.
    pub(super) fn close_to(&self, key: &str) -> Vec<&[u32]> {
        let builder = if (9..=14).contains(&key.chars().count()) {
            &*TWO_SLIPS
        } else {
            &*ONE_SLIP
        };
        let mut stream = self.map.search(Slips(builder.build_dfa(key))).into_stream();
        let mut out = Vec::new();
        while let Some((_, k)) = stream.next() {
            out.push(self.runs_of(k));
        }
        out
    }
}

/// Building these is the slow part and happens once; each query's automaton is then quick.
static ONE_SLIP: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO_SLIPS: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

/// A Levenshtein automaton walking the FST.
struct Slips(DFA);

impl Automaton for Slips {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}
