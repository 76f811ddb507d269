//! The in-memory index behind title and artist look-ups and autocomplete: every song and album
//! that ever charted, and every act with its aliases, folded for forgiving matches. Built from
//! the store and rebuilt when the store's generation changes.
//!
//! Titles are found three ways, best first: the whole title (a hash map of title keys), the
//! start of any word (binary search in a sorted array of title-word suffixes), and close
//! spellings (a Levenshtein automaton over an FST of title keys). No look-up scans every title.

use std::collections::HashMap;

use fst::{IntoStreamer, Set, automaton::Levenshtein};

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

const MATCHES: [Match; 5] = [
    Match::Exact,
    Match::Prefix,
    Match::WordPrefix,
    Match::Contains,
    Match::Typo,
];

pub struct SearchIndex {
    songs: Vec<SongEntry>,
    acts: Vec<ActEntry>,
    by_id: HashMap<i64, u32>,
    /// Title key → songs with that title.
    by_key: HashMap<String, Vec<u32>>,
    /// Every distinct title key, for typo look-ups.
    keys: Set<Vec<u8>>,
    /// (song index, byte offset of a word start in its folded title), sorted by the text from
    /// that offset: every title word is a binary-search entry point.
    words: Vec<(u32, u16)>,
    /// Folded alias → title key, from moderators' title aliases.
    title_aliases: HashMap<String, String>,
}

/// Title matches, best first, and how many there were in all.
pub struct TitleHits<'a> {
    pub hits: Vec<(Match, &'a SongEntry)>,
    pub total: usize,
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
        let mut songs: Vec<SongEntry> = songs
            .into_iter()
            .map(|row| SongEntry {
                fold: text::fold(&row.title),
                credit_fold: text::fold(&row.credit),
                row,
                is_kpop: false,
                acts: Vec::new(),
            })
            .collect();
        let by_id: HashMap<i64, u32> = songs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.row.id, i as u32))
            .collect();
        for (song, act) in song_acts {
            if let (Some(&s), Some(&a)) = (by_id.get(&song), act_index.get(&act)) {
                let s = s as usize;
                songs[s].acts.push(a);
                songs[s].is_kpop |= acts[a].row.is_kpop;
                acts[a].songs.push(s);
            }
        }
        let mut by_key: HashMap<String, Vec<u32>> = HashMap::new();
        let mut words: Vec<(u32, u16)> = Vec::new();
        for (i, s) in songs.iter().enumerate() {
            by_key
                .entry(title_key(&s.row.title))
                .or_default()
                .push(i as u32);
            let mut at = 0;
            for w in s.fold.split(' ') {
                if at <= usize::from(u16::MAX) {
                    words.push((i as u32, at as u16));
                }
                at += w.len() + 1;
            }
        }
        words.sort_unstable_by(|a, b| suffix(&songs, *a).cmp(suffix(&songs, *b)));
        let mut sorted_keys: Vec<&str> = by_key
            .keys()
            .map(String::as_str)
            .filter(|k| !k.is_empty())
            .collect();
        sorted_keys.sort_unstable();
        let keys = Set::from_iter(sorted_keys).expect("sorted, distinct keys");
        let title_aliases = title_aliases
            .into_iter()
            .map(|(target, alias)| (text::key(&alias), title_key(&target)))
            .collect();
        SearchIndex {
            songs,
            acts,
            by_id,
            by_key,
            keys,
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
        self.by_id.get(&id).map(|&i| &self.songs[i as usize])
    }

    /// Songs and albums whose title matches `query`, at most `limit` of them, best first:
    /// exact titles, then title prefixes, then any word of the title, then close spellings.
    /// Within each, K-pop before the rest and longer runs before shorter ones.
    pub fn find_titles(&self, query: &str, filter: &TitleFilter, limit: usize) -> TitleHits<'_> {
        let q = text::fold(query);
        let qk = title_key(query);
        if q.is_empty() {
            return TitleHits {
                hits: Vec::new(),
                total: 0,
            };
        }
        let mut marks = Marks {
            best: vec![0; self.songs.len()],
            found: Vec::new(),
        };
        let aliased = self.title_aliases.get(&text::key(query));
        for key in [Some(&qk), aliased].into_iter().flatten() {
            for &i in self.by_key.get(key).into_iter().flatten() {
                marks.note(i, Match::Exact);
            }
        }
        for &(i, offset) in &self.words[self.word_range(&q)] {
            marks.note(
                i,
                if offset == 0 {
                    Match::Prefix
                } else {
                    Match::WordPrefix
                },
            );
        }
        if marks.found.len() < limit && qk.chars().count() >= 3 {
            let distance = if qk.chars().count() <= 5 { 1 } else { 2 };
            if let Ok(automaton) = Levenshtein::new(&qk, distance) {
                for key in self
                    .keys
                    .search(automaton)
                    .into_stream()
                    .into_strs()
                    .unwrap_or_default()
                {
                    for &i in self.by_key.get(&key).into_iter().flatten() {
                        marks.note(i, Match::Typo);
                    }
                }
            }
        }
        let mut hits: Vec<(Match, &SongEntry)> = marks
            .found
            .iter()
            .map(|&i| {
                (
                    MATCHES[usize::from(marks.best[i as usize] - 1)],
                    &self.songs[i as usize],
                )
            })
            .filter(|(_, s)| filter.accepts(s, self))
            .collect();
        let total = hits.len();
        let rank = |(m, s): &(Match, &SongEntry)| (*m, !s.is_kpop, -s.row.weeks, s.row.id);
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by_key(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(rank);
        TitleHits { hits, total }
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

/// The best match of each song found so far.
struct Marks {
    /// Per song: 1 + the match's place in `MATCHES`, or 0 when not found.
    best: Vec<u8>,
    found: Vec<u32>,
}

impl Marks {
    fn note(&mut self, song: u32, m: Match) {
        let code = m as u8 + 1;
        let slot = &mut self.best[song as usize];
        if *slot == 0 {
            self.found.push(song);
        }
        if *slot == 0 || code < *slot {
            *slot = code;
        }
    }
}

fn suffix(songs: &[SongEntry], (song, offset): (u32, u16)) -> &str {
    &songs[song as usize].fold[usize::from(offset)..]
}

/// One or two slips, depending on length: "bts" is not "btob", "stray kds" is Stray Kids.
fn is_typo(q: &str, candidate: &str) -> bool {
    let (ql, cl) = (q.chars().count(), candidate.chars().count());
    let allowed = if ql <= 5 { 1 } else { 2 };
    ql.abs_diff(cl) <= allowed && strsim::damerau_levenshtein(q, candidate) <= allowed
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

#[cfg(test)]
mod tests {
    use super::*;

    fn song(id: i64, chart: Chart, title: &str, credit: &str, weeks: i64) -> SongRow {
        SongRow {
            id,
            chart,
            title: title.into(),
            credit: credit.into(),
            weeks,
            peak: Some(1),
            debut: Some("2020-01-04".into()),
            last_date: Some("2020-06-04".into()),
        }
    }

    fn index() -> SearchIndex {
        let act = ActRow {
            id: "fiftyfifty".into(),
            name: "FIFTY FIFTY".into(),
            hangul: Some("피프티 피프티".into()),
            kind: "group".into(),
            is_kpop: true,
        };
        SearchIndex::new(
            vec![
                song(1, Chart::Hot100, "Cupid", "Sam Cooke", 14),
                song(2, Chart::Hot100, "Cupid", "Fifty Fifty", 25),
                song(3, Chart::Hot100, "Stupid Cupid", "Connie Francis", 17),
                song(4, Chart::Billboard200, "Cupid Deluxe", "Blood Orange", 3),
                song(5, Chart::Hot100, "Like Crazy", "Jimin", 5),
                song(6, Chart::Hot100, "ROSÉ", "Someone", 2),
            ],
            vec![act],
            vec![(2, "fiftyfifty".into())],
            vec![("fiftyfifty".into(), "5050".into())],
            vec![("Like Crazy".into(), "LC".into())],
        )
    }

    fn titles(hits: &TitleHits) -> Vec<(Match, i64)> {
        hits.hits.iter().map(|(m, s)| (*m, s.row.id)).collect()
    }

    #[test]
    fn exact_then_prefix_then_words_with_kpop_first() {
        let ix = index();
        let hits = ix.find_titles("cupid", &TitleFilter::default(), 25);
        assert_eq!(
            titles(&hits),
            [
                (Match::Exact, 2),
                (Match::Exact, 1),
                (Match::Prefix, 4),
                (Match::WordPrefix, 3)
            ]
        );
        assert_eq!(hits.total, 4);
        let limited = ix.find_titles("cupid", &TitleFilter::default(), 2);
        assert_eq!(
            (titles(&limited), limited.total),
            (vec![(Match::Exact, 2), (Match::Exact, 1)], 4)
        );
    }

    #[test]
    fn typos_accents_versions_and_aliases() {
        let ix = index();
        assert_eq!(
            titles(&ix.find_titles("cupd", &TitleFilter::default(), 25))[0],
            (Match::Typo, 2)
        );
        assert_eq!(
            titles(&ix.find_titles("Cupid (Twin Ver.)", &TitleFilter::default(), 25))[0],
            (Match::Exact, 2)
        );
        assert_eq!(
            titles(&ix.find_titles("rose", &TitleFilter::default(), 25)),
            [(Match::Exact, 6)]
        );
        assert_eq!(
            titles(&ix.find_titles("ＬＩＫＥ ＣＲＡＺＹ", &TitleFilter::default(), 25)),
            [(Match::Exact, 5)]
        );
        assert_eq!(
            titles(&ix.find_titles("lc", &TitleFilter::default(), 25)),
            [(Match::Exact, 5)]
        );
        assert!(
            ix.find_titles("zzzz", &TitleFilter::default(), 25)
                .hits
                .is_empty()
        );
    }

    #[test]
    fn filters_by_chart_and_artist() {
        let ix = index();
        let f = TitleFilter {
            chart: Some(Chart::Billboard200),
            artist: None,
        };
        assert_eq!(
            titles(&ix.find_titles("cupid", &f, 25)),
            [(Match::Prefix, 4)]
        );
        let f = TitleFilter {
            chart: None,
            artist: Some(text::fold("Sam Cooke")),
        };
        assert_eq!(
            titles(&ix.find_titles("cupid", &f, 25)),
            [(Match::Exact, 1)]
        );
        let f = TitleFilter {
            chart: None,
            artist: Some(text::fold("피프티 피프티")),
        };
        assert_eq!(
            titles(&ix.find_titles("cupid", &f, 25)),
            [(Match::Exact, 2)]
        );
    }

    #[test]
    fn acts_by_name_hangul_alias_and_typo() {
        let ix = index();
        for q in ["FIFTY FIFTY", "fiftyfifty", "피프티 피프티", "5050"] {
            assert_eq!(ix.find_acts(q)[0].0, Match::Exact, "{q}");
        }
        assert_eq!(ix.find_acts("fifty fity")[0].0, Match::Typo);
        assert!(ix.find_acts("zzz").is_empty());
    }
}
