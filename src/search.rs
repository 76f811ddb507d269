//! The in-memory index behind title and artist look-ups and autocomplete: every song and album
//! that ever charted, and every act with its aliases, folded for forgiving matches. Built from
//! the store and rebuilt when the store's generation changes.

use std::collections::HashMap;

use crate::domain::chart::{Chart, title_key};
use crate::domain::text;
use crate::store::{ActRow, SongRow};

#[derive(Clone, Debug)]
pub struct SongEntry {
    pub row: SongRow,
    pub is_kpop: bool,
    /// Indexes into `SearchIndex::acts`.
    pub acts: Vec<usize>,
    fold: String,
    key: String,
    credit_fold: String,
}

#[derive(Clone, Debug)]
pub struct ActEntry {
    pub row: ActRow,
    /// Folded names: the name, Hangul and every alias.
    names: Vec<String>,
    /// Songs and albums credited to the act, as indexes into `SearchIndex::songs`.
    pub songs: Vec<usize>,
}

/// How well a candidate matched, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    Exact,
    Prefix,
    WordPrefix,
    Contains,
    Typo,
}

pub struct SearchIndex {
    songs: Vec<SongEntry>,
    acts: Vec<ActEntry>,
    /// (song index, byte offset of a word start in its folded title), sorted by the text from
    /// that offset: every title word is a binary-search entry point.
    words: Vec<(u32, u16)>,
    /// Folded alias → title key, from moderators' title aliases.
    title_aliases: HashMap<String, String>,
}

impl SearchIndex {
    pub fn new(
        songs: Vec<SongRow>,
        acts: Vec<ActRow>,
        song_acts: Vec<(i64, String)>,
        act_aliases: Vec<(String, String)>,
        title_aliases: Vec<(String, String)>,
    ) -> SearchIndex {
        let mut acts: Vec<ActEntry> = acts
            .into_iter()
            .map(|row| {
                let mut names = vec![text::fold(&row.name)];
                names.extend(
                    row.hangul
                        .iter()
                        .flat_map(|h| h.split(" / "))
                        .map(text::fold),
                );
                ActEntry {
                    row,
                    names,
                    songs: Vec::new(),
                }
            })
            .collect();
        let act_index: HashMap<String, usize> = acts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.row.id.clone(), i))
            .collect();
        for (act, alias) in act_aliases {
            if let Some(&i) = act_index.get(&act) {
                let f = text::fold(&alias);
                if !f.is_empty() && !acts[i].names.contains(&f) {
                    acts[i].names.push(f);
                }
            }
        }
        let song_index: HashMap<i64, usize> =
            songs.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut songs: Vec<SongEntry> = songs
            .into_iter()
            .map(|row| SongEntry {
                fold: text::fold(&row.title),
                key: title_key(&row.title),
                credit_fold: text::fold(&row.credit),
                row,
                is_kpop: false,
                acts: Vec::new(),
            })
            .collect();
        for (song, act) in song_acts {
            if let (Some(&s), Some(&a)) = (song_index.get(&song), act_index.get(&act)) {
                songs[s].acts.push(a);
                songs[s].is_kpop |= acts[a].row.is_kpop;
                acts[a].songs.push(s);
            }
        }
        let mut words: Vec<(u32, u16)> = Vec::new();
        for (i, s) in songs.iter().enumerate() {
            let mut at = 0;
            for w in s.fold.split(' ') {
                if at <= usize::from(u16::MAX) {
                    words.push((i as u32, at as u16));
                }
                at += w.len() + 1;
            }
        }
        words.sort_unstable_by(|a, b| suffix(&songs, *a).cmp(suffix(&songs, *b)));
        let title_aliases = title_aliases
            .into_iter()
            .map(|(target, alias)| (text::key(&alias), target))
            .collect();
        SearchIndex {
            songs,
            acts,
            words,
            title_aliases,
        }
    }

    pub fn songs(&self) -> &[SongEntry] {
        &self.songs
    }

    pub fn acts(&self) -> &[ActEntry] {
        &self.acts
    }

    pub fn song_by_id(&self, id: i64) -> Option<&SongEntry> {
        self.songs.iter().find(|s| s.row.id == id)
    }

    /// Songs and albums whose title matches `query`, best first: exact titles, then title
    /// prefixes, then any word of the title, then close spellings. Within each, K-pop before
    /// the rest and longer runs before shorter ones.
    pub fn find_titles(&self, query: &str, filter: &TitleFilter) -> Vec<(Match, &SongEntry)> {
        let q = text::fold(query);
        let qk = title_key(query);
        if q.is_empty() {
            return Vec::new();
        }
        let aliased = self.title_aliases.get(&text::key(query));
        let mut best: HashMap<usize, Match> = HashMap::new();
        let note = |best: &mut HashMap<usize, Match>, i: usize, m: Match| {
            let e = best.entry(i).or_insert(m);
            *e = (*e).min(m);
        };
        for i in self.word_range(&q) {
            let (song, offset) = self.words[i];
            let s = &self.songs[song as usize];
            let m = if s.key == qk || s.fold == q {
                Match::Exact
            } else if offset == 0 {
                Match::Prefix
            } else {
                Match::WordPrefix
            };
            note(&mut best, song as usize, m);
        }
        for (i, s) in self.songs.iter().enumerate() {
            if s.key == qk || aliased.is_some_and(|a| *a == s.key) {
                note(&mut best, i, Match::Exact);
            }
        }
        if best.is_empty() && q.chars().count() >= 3 {
            for (i, s) in self.songs.iter().enumerate() {
                if s.key.contains(&qk) {
                    note(&mut best, i, Match::Contains);
                } else if is_typo(&qk, &s.key) {
                    note(&mut best, i, Match::Typo);
                }
            }
        }
        let mut hits: Vec<(Match, &SongEntry)> = best
            .into_iter()
            .map(|(i, m)| (m, &self.songs[i]))
            .filter(|(_, s)| filter.accepts(s, self))
            .collect();
        hits.sort_by(|a, b| {
            (a.0, !a.1.is_kpop, -a.1.row.weeks, a.1.row.id).cmp(&(
                b.0,
                !b.1.is_kpop,
                -b.1.row.weeks,
                b.1.row.id,
            ))
        });
        hits
    }

    /// Acts whose name, Hangul name or alias matches `query`, best first.
    pub fn find_acts(&self, query: &str) -> Vec<(Match, &ActEntry)> {
        let q = text::fold(query);
        let qk = q.replace(' ', "");
        let mut hits: Vec<(Match, &ActEntry)> = Vec::new();
        for a in &self.acts {
            let m = a
                .names
                .iter()
                .filter_map(|n| {
                    let nk = n.replace(' ', "");
                    if q.is_empty() {
                        Some(Match::Prefix)
                    } else if nk == qk {
                        Some(Match::Exact)
                    } else if nk.starts_with(&qk) {
                        Some(Match::Prefix)
                    } else if n.split(' ').any(|w| w.starts_with(&q)) {
                        Some(Match::WordPrefix)
                    } else if nk.contains(&qk) {
                        Some(Match::Contains)
                    } else if qk.chars().count() >= 3 && is_typo(&qk, &nk) {
                        Some(Match::Typo)
                    } else {
                        None
                    }
                })
                .min();
            if let Some(m) = m {
                hits.push((m, a));
            }
        }
        hits.sort_by(|a, b| {
            (
                a.0,
                !a.1.row.is_kpop,
                std::cmp::Reverse(a.1.songs.len()),
                &a.1.row.name,
            )
                .cmp(&(
                    b.0,
                    !b.1.row.is_kpop,
                    std::cmp::Reverse(b.1.songs.len()),
                    &b.1.row.name,
                ))
        });
        hits
    }

    /// The act `query` names exactly, by name, Hangul or alias.
    pub fn act(&self, query: &str) -> Option<&ActEntry> {
        self.find_acts(query)
            .into_iter()
            .find(|(m, _)| *m == Match::Exact)
            .map(|(_, a)| a)
    }

    pub fn act_by_id(&self, id: &str) -> Option<&ActEntry> {
        self.acts.iter().find(|a| a.row.id == id)
    }

    /// The entries of `words` whose suffix starts with `q`.
    fn word_range(&self, q: &str) -> std::ops::Range<usize> {
        let start = self.words.partition_point(|w| suffix(&self.songs, *w) < q);
        let end =
            start + self.words[start..].partition_point(|w| suffix(&self.songs, *w).starts_with(q));
        start..end
    }
}

fn suffix(songs: &[SongEntry], (song, offset): (u32, u16)) -> &str {
    &songs[song as usize].fold[usize::from(offset)..]
}

/// One or two slips, depending on length: "cupd" is Cupid, "stray kds" is Stray Kids.
fn is_typo(q: &str, candidate: &str) -> bool {
    let (ql, cl) = (q.chars().count(), candidate.chars().count());
    let allowed = if ql <= 4 { 1 } else { 2 };
    if ql.abs_diff(cl) > allowed {
        return false;
    }
    strsim::damerau_levenshtein(q, candidate) <= allowed
}

/// Narrows a title search to a chart and an artist.
#[derive(Clone, Debug, Default)]
pub struct TitleFilter {
    pub chart: Option<Chart>,
    /// Folded artist text: an act (by any of its names) or part of the credit.
    pub artist: Option<String>,
}

impl TitleFilter {
    fn accepts(&self, s: &SongEntry, index: &SearchIndex) -> bool {
        if self.chart.is_some_and(|c| c != s.row.chart) {
            return false;
        }
        match &self.artist {
            None => true,
            Some(a) => {
                let ak = a.replace(' ', "");
                s.credit_fold.contains(a.as_str())
                    || s.acts
                        .iter()
                        .any(|&i| index.acts[i].names.iter().any(|n| n.replace(' ', "") == ak))
            }
        }
    }
}
