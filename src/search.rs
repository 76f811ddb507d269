//! The in-memory index behind title and artist look-ups and autocomplete: every song and album
//! that ever charted, and every act with its aliases, folded for forgiving matches. Built from
//! the store and rebuilt when the store's generation changes.
//!
//! Titles are found three ways, best first: the whole title (a hash map of title keys), the
//! start of any word (binary search in a sorted array of title-word suffixes), and close
//! spellings (a Levenshtein automaton over an FST of title keys). No look-up scans every title.

use std::collections::HashMap;

use std::sync::LazyLock;

use fst::{Automaton, IntoStreamer, Set};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};

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
    /// Every word start of every folded title, sorted by the text from there on: each title
    /// word is a binary-search entry point.
    words: Vec<Word>,
    /// Folded alias → title key, from moderators' title aliases.
    title_aliases: HashMap<String, String>,
    /// K-pop runs, longest first: what autocomplete offers before anything is typed.
    kpop_longest: Vec<u32>,
    /// Per chart: first chart date, last chart date and number of chart weeks held.
    coverage: HashMap<Chart, (String, String, i64)>,
    /// Folded short prefix → its best matches and their count (see `precompute_popular`).
    popular: HashMap<String, (Vec<(Match, u32)>, usize)>,
}

/// A prefix matching at least this many title words gets its answer computed in advance.
const POPULAR_RANGE: usize = 1500;
/// How many matches are kept for such a prefix: one autocomplete list.
const POPULAR_KEPT: usize = 25;

/// The first `len` bytes of `s`, or all of it when shorter.
fn prefix_bytes(s: &str, len: usize) -> &[u8] {
    &s.as_bytes()[..s.len().min(len)]
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
        let mut words: Vec<Word> = Vec::new();
        for (i, s) in songs.iter().enumerate() {
            by_key
                .entry(title_key(&s.row.title))
                .or_default()
                .push(i as u32);
            let mut at = 0;
            for w in s.fold.split(' ') {
                if at <= usize::from(u16::MAX) {
                    words.push(Word::new(&s.fold, i as u32, at as u16));
                }
                at += w.len() + 1;
            }
        }
        // The first eight bytes settle most comparisons without touching the titles.
        words.sort_unstable_by(|a, b| {
            a.head
                .cmp(&b.head)
                .then_with(|| a.suffix(&songs).cmp(b.suffix(&songs)))
        });
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
        let mut index = SearchIndex {
            songs,
            acts,
            by_id,
            by_key,
            keys,
            words,
            title_aliases,
            coverage: HashMap::new(),
            kpop_longest: Vec::new(),
            popular: HashMap::new(),
        };
        let mut kpop: Vec<u32> = (0..index.songs.len() as u32)
            .filter(|&i| index.songs[i as usize].is_kpop)
            .collect();
        kpop.sort_by_key(|&i| {
            (
                std::cmp::Reverse(index.songs[i as usize].row.weeks),
                index.songs[i as usize].row.id,
            )
        });
        kpop.truncate(POPULAR_KEPT);
        index.kpop_longest = kpop;
        for s in &index.songs {
            let (Some(debut), Some(last)) = (&s.row.debut, &s.row.last_date) else {
                continue;
            };
            let c = index
                .coverage
                .entry(s.row.chart)
                .or_insert_with(|| (debut.clone(), last.clone(), 0));
            if debut < &c.0 {
                c.0 = debut.clone();
            }
            if last > &c.1 {
                c.1 = last.clone();
            }
            c.2 += s.row.weeks;
        }
        index.precompute_popular();
        index
    }

    pub fn songs(&self) -> &[SongEntry] {
        &self.songs
    }

    pub fn acts(&self) -> &[ActEntry] {
        &self.acts
    }

    /// The first and last chart dates held for a chart, and how many chart rows.
    pub fn coverage(&self, chart: Chart) -> Option<(&str, &str, i64)> {
        self.coverage
            .get(&chart)
            .map(|(a, b, n)| (a.as_str(), b.as_str(), *n))
    }

    /// The K-pop runs with the most weeks, longest first.
    pub fn kpop_longest(&self) -> impl Iterator<Item = &SongEntry> {
        self.kpop_longest.iter().map(|&i| &self.songs[i as usize])
    }

    /// The newest chart date held for a chart.
    pub fn latest_date(&self, chart: Chart) -> Option<&str> {
        self.coverage(chart).map(|(_, last, _)| last)
    }

    pub fn song_by_id(&self, id: i64) -> Option<&SongEntry> {
        self.by_id.get(&id).map(|&i| &self.songs[i as usize])
    }

    /// Songs and albums whose title matches `query`, at most `limit` of them, best first:
    /// exact titles, then title prefixes, then any word of the title, then close spellings.
    /// Within each, K-pop before the rest and longer runs before shorter ones.
    pub fn find_titles(&self, query: &str, filter: &TitleFilter, limit: usize) -> TitleHits<'_> {
        let q = text::fold(query);
        if q.is_empty() {
            return TitleHits {
                hits: Vec::new(),
                total: 0,
            };
        }
        let aliased = self.title_aliases.get(&text::key(query));
        let unfiltered = filter.chart.is_none() && filter.artist.is_none();
        let (found, total) = match self.popular.get(&q) {
            Some((top, total)) if unfiltered && aliased.is_none() && limit <= POPULAR_KEPT => {
                (top[..top.len().min(limit)].to_vec(), *total)
            }
            _ => self.search(&q, &title_key(query), aliased, filter, limit),
        };
        let hits = found
            .into_iter()
            .map(|(m, i)| (m, &self.songs[i as usize]))
            .collect();
        TitleHits { hits, total }
    }

    /// `find_titles` on a folded query and its title key: (match, song index) best first.
    fn search(
        &self,
        q: &str,
        qk: &str,
        aliased: Option<&String>,
        filter: &TitleFilter,
        limit: usize,
    ) -> (Vec<(Match, u32)>, usize) {
        let mut marks = Marks {
            best: vec![0; self.songs.len()],
            found: Vec::new(),
        };
        for key in [Some(qk), aliased.map(String::as_str)]
            .into_iter()
            .flatten()
        {
            for &i in self.by_key.get(key).into_iter().flatten() {
                marks.note(i, Match::Exact);
            }
        }
        for w in &self.words[self.word_range(q)] {
            let s = &self.songs[w.song as usize];
            let m = if w.offset > 0 {
                Match::WordPrefix
            } else if s.fold == q {
                Match::Exact
            } else {
                Match::Prefix
            };
            marks.note(w.song, m);
        }
        if marks.found.len() < limit && qk.chars().count() >= 3 {
            // Two slips only for mid-length titles: short ones would match half the index, and for
            // long ones the automaton costs more than it finds.
            let builder = if (9..=14).contains(&qk.chars().count()) {
                &*TWO_SLIPS
            } else {
                &*ONE_SLIP
            };
            let dfa = Slips(builder.build_dfa(qk));
            let keys = self
                .keys
                .search(&dfa)
                .into_stream()
                .into_strs()
                .unwrap_or_default();
            for key in keys {
                for &i in self.by_key.get(&key).into_iter().flatten() {
                    marks.note(i, Match::Typo);
                }
            }
        }
        let mut hits: Vec<(Match, u32)> = marks
            .found
            .iter()
            .map(|&i| (MATCHES[usize::from(marks.best[i as usize] - 1)], i))
            .filter(|(_, i)| filter.accepts(&self.songs[*i as usize], self))
            .collect();
        let total = hits.len();
        let rank = |(m, i): &(Match, u32)| {
            let s = &self.songs[*i as usize];
            (*m, !s.is_kpop, -s.row.weeks, s.row.id)
        };
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by_key(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(rank);
        (hits, total)
    }

    /// Answers for the short prefixes that match thousands of titles ("a", "th", "lov"),
    /// computed once: these are the first keystrokes of every autocomplete.
    fn precompute_popular(&mut self) {
        let mut prefixes: Vec<String> = Vec::new();
        for len in 1..=3 {
            let mut start = 0;
            while start < self.words.len() {
                let head = prefix_bytes(self.words[start].suffix(&self.songs), len);
                let end = start
                    + self.words[start..]
                        .partition_point(|w| prefix_bytes(w.suffix(&self.songs), len) == head);
                if end - start >= POPULAR_RANGE
                    && head.len() == len
                    && std::str::from_utf8(head).is_ok()
                {
                    prefixes.push(String::from_utf8_lossy(head).into_owned());
                }
                start = end;
            }
        }
        let popular = prefixes
            .into_iter()
            .map(|p| {
                let found = self.search(
                    &p,
                    &title_key(&p),
                    None,
                    &TitleFilter::default(),
                    POPULAR_KEPT,
                );
                (p, found)
            })
            .collect();
        self.popular = popular;
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
        let start = self.words.partition_point(|w| w.suffix(&self.songs) < q);
        let end =
            start + self.words[start..].partition_point(|w| w.suffix(&self.songs).starts_with(q));
        start..end
    }
}

/// Builders of Levenshtein automata (transpositions count as one slip). Building one is the
/// slow part and happens once; each query's automaton is then quick to make.
static ONE_SLIP: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO_SLIPS: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

/// A Levenshtein automaton walking the FST of title keys.
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

/// A word start in a folded title.
#[derive(Clone, Copy)]
struct Word {
    /// The first eight bytes from the word start, big-endian, zero-padded: sorts like the text.
    head: u64,
    song: u32,
    offset: u16,
}

impl Word {
    fn new(fold: &str, song: u32, offset: u16) -> Word {
        let mut head = [0u8; 8];
        let rest = &fold.as_bytes()[usize::from(offset)..];
        let n = rest.len().min(8);
        head[..n].copy_from_slice(&rest[..n]);
        Word {
            head: u64::from_be_bytes(head),
            song,
            offset,
        }
    }

    fn suffix<'a>(&self, songs: &'a [SongEntry]) -> &'a str {
        &songs[self.song as usize].fold[usize::from(self.offset)..]
    }
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
