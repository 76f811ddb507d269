//! The in-memory index behind title and artist look-ups and autocomplete: every song and album
//! that ever charted, and every act with its aliases, folded for forgiving matches. Built from
//! the store and rebuilt when chart data, acts or their aliases change.
//!
//! Titles are found three ways, best first: the whole title (an FST of title keys), the start
//! of any word (binary search in the sorted word starts), and close spellings (a Levenshtein
//! automaton walking the same FST). No look-up scans every title.

mod credits;
mod keys;
mod songs;
mod titles;
mod words;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::chart::{Chart, title_key};
use crate::domain::text;
use crate::store::{ActRow, SongRow};
use credits::Credits;
use keys::TitleKeys;
pub use songs::Song;
use songs::Songs;
use words::Words;

#[derive(Clone, Debug)]
pub struct ActEntry {
    pub row: ActRow,
    /// Folded names: the name, Hangul and every alias.
    names: Vec<String>,
    /// The act's runs, as indexes of the index's songs.
    songs: Vec<u32>,
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

/// A prefix starting at least this many title words gets its answer computed in advance.
const POPULAR_RANGE: usize = 1500;
/// Typo look-ups only for keys up to this long: a longer query is no title with a slip.
const MAX_TITLE_KEY: usize = 120;
/// How many matches are kept for such a prefix: one autocomplete list.
const POPULAR_KEPT: usize = 25;

pub struct SearchIndex {
    songs: Songs,
    acts: Vec<ActEntry>,
    by_id: HashMap<i64, u32>,
    by_key: TitleKeys,
    words: Words,
    credits: Credits,
    /// (alias key, title key) of every title alias, sorted: Korean and Japanese names of
    /// titles, found whole or as they are typed.
    title_aliases: Vec<(String, String)>,
    /// Per chart: first chart date, last chart date and number of chart weeks held.
    coverage: HashMap<Chart, (NaiveDate, NaiveDate, i64)>,
    /// K-pop runs, longest first: what autocomplete offers before anything is typed.
    kpop_longest: Vec<u32>,
    /// Folded short prefix → its best matches and their counts (see `precompute_popular`).
    popular: HashMap<String, Found>,
}

/// Matches as (match, run index), best first, how many there were and how many exact.
#[derive(Clone, Default)]
struct Found {
    hits: Vec<(Match, u32)>,
    total: usize,
    exact: usize,
}

/// Title matches, best first, how many there were in all, and how many of them are called
/// what was asked (`Match::Exact`).
pub struct TitleHits<'a> {
    pub hits: Vec<(Match, Song<'a>)>,
    pub total: usize,
    pub exact: usize,
}

/// What a title look-up found, as `/chart` answers it.
pub enum Lookup<'a> {
    /// The query has no letter or digit to look for.
    Nothing,
    /// Titles called what was asked that pass the filters, best first (the answer, then the
    /// others it names), and how many there are in all.
    Called { hits: Vec<Song<'a>>, total: usize },
    /// No title called that passes the filters: the closest that do (best first, possibly
    /// none), and the titles called that which the filters leave out.
    Closest {
        closest: Vec<Song<'a>>,
        total: usize,
        elsewhere: Vec<Song<'a>>,
    },
}

/// Collects runs a slice at a time, so the whole history never sits in memory twice.
#[derive(Default)]
pub struct SearchIndexBuilder {
    songs: Songs,
}

impl SearchIndexBuilder {
    /// Adds runs, in id order.
    pub fn add(&mut self, rows: Vec<SongRow>) {
        self.songs.extend(rows);
    }

    pub fn finish(
        self,
        acts: Vec<ActRow>,
        song_acts: Vec<(i64, String)>,
        act_aliases: Vec<(String, String)>,
        title_aliases: Vec<(String, String)>,
    ) -> SearchIndex {
        let mut songs = self.songs;
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
        let by_id: HashMap<i64, u32> = (0..songs.len() as u32).map(|i| (songs.id(i), i)).collect();
        let mut links = Vec::with_capacity(song_acts.len());
        for (song, act) in song_acts {
            if let (Some(&s), Some(&a)) = (by_id.get(&song), act_index.get(&act)) {
                links.push((s, a as u16, acts[a].row.is_kpop));
                acts[a].songs.push(s);
            }
        }
        songs.set_acts(links);
        let by_key = TitleKeys::build(&songs);
        let words = Words::build(&songs);
        let credits = Credits::build(&songs);
        let mut title_aliases: Vec<(String, String)> = title_aliases
            .into_iter()
            .map(|(target, alias)| (text::key(&alias), title_key(&target)))
            .filter(|(alias, target)| !alias.is_empty() && !target.is_empty())
            .collect();
        title_aliases.sort_unstable();
        title_aliases.dedup();
        let mut index = SearchIndex {
            songs,
            acts,
            by_id,
            by_key,
            words,
            credits,
            title_aliases,
            coverage: HashMap::new(),
            kpop_longest: Vec::new(),
            popular: HashMap::new(),
        };
        index.summarise();
        index.precompute_popular();
        index
    }
}

impl SearchIndex {
    /// Coverage per chart and the longest K-pop runs.
    fn summarise(&mut self) {
        let mut kpop = Vec::new();
        for (i, s) in self.songs.iter().enumerate() {
            if s.is_kpop {
                kpop.push(i as u32);
            }
            let (Some(debut), Some(last)) = (s.debut, s.last_date) else {
                continue;
            };
            let c = self.coverage.entry(s.chart).or_insert((debut, last, 0));
            c.0 = c.0.min(debut);
            c.1 = c.1.max(last);
            c.2 += s.weeks;
        }
        kpop.sort_by_key(|&i| {
            let s = self.songs.get(i);
            (std::cmp::Reverse(s.weeks), s.id)
        });
        kpop.truncate(POPULAR_KEPT);
        self.kpop_longest = kpop;
    }

    pub fn acts(&self) -> &[ActEntry] {
        &self.acts
    }

    pub fn act_by_id(&self, id: &str) -> Option<&ActEntry> {
        self.acts.iter().find(|a| a.row.id == id)
    }

    /// Every run, in id order.
    pub fn songs(&self) -> impl Iterator<Item = Song<'_>> {
        self.songs.iter()
    }

    /// The runs of an act.
    pub fn songs_of(&self, act: &ActEntry) -> impl Iterator<Item = Song<'_>> {
        act.songs.iter().map(|&i| self.songs.get(i))
    }

    /// The first and last chart dates held for a chart, and how many chart rows.
    pub fn coverage(&self, chart: Chart) -> Option<(NaiveDate, NaiveDate, i64)> {
        self.coverage.get(&chart).copied()
    }

    /// The newest chart date held for a chart.
    pub fn latest_date(&self, chart: Chart) -> Option<NaiveDate> {
        self.coverage(chart).map(|(_, last, _)| last)
    }

    /// The K-pop runs with the most weeks, longest first.
    pub fn kpop_longest(&self) -> impl Iterator<Item = Song<'_>> {
        self.kpop_longest.iter().map(|&i| self.songs.get(i))
    }

    pub fn song_by_id(&self, id: i64) -> Option<Song<'_>> {
        self.by_id.get(&id).map(|&i| self.songs.get(i))
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
                exact: 0,
            };
        }
        let unfiltered = filter.chart.is_none() && filter.artist.is_none();
        let found = match self.popular.get(&q) {
            Some(p) if unfiltered && limit <= POPULAR_KEPT => Found {
                hits: p.hits[..p.hits.len().min(limit)].to_vec(),
                ..*p
            },
            _ => self.search(&q, &title_key(query), &text::key(query), filter, limit),
        };
        let hits = found
            .hits
            .into_iter()
            .map(|(m, i)| (m, self.songs.get(i)))
            .collect();
        TitleHits {
            hits,
            total: found.total,
            exact: found.exact,
        }
    }

    /// The title `/chart` answers with, and the others it names (at most `shown` of each).
    /// A title called what was asked wins; when the filters leave none, the closest that
    /// pass them are offered as such, beside the titles called that elsewhere.
    pub fn lookup(&self, query: &str, filter: &TitleFilter, shown: usize) -> Lookup<'_> {
        if text::fold(query).is_empty() {
            return Lookup::Nothing;
        }
        let found = self.find_titles(query, filter, shown.max(1));
        let is_exact = |(m, _): &(Match, Song<'_>)| *m == Match::Exact;
        if found.exact > 0 {
            return Lookup::Called {
                hits: found
                    .hits
                    .into_iter()
                    .filter(is_exact)
                    .map(|(_, s)| s)
                    .collect(),
                total: found.exact,
            };
        }
        let elsewhere = if filter.chart.is_some() || filter.artist.is_some() {
            self.find_titles(query, &TitleFilter::default(), shown.max(1))
                .hits
                .into_iter()
                .filter(is_exact)
                .map(|(_, s)| s)
                .collect()
        } else {
            Vec::new()
        };
        Lookup::Closest {
            closest: found.hits.into_iter().map(|(_, s)| s).collect(),
            total: found.total,
            elsewhere,
        }
    }

    /// `find_titles` on a folded query, its title key and its alias key.
    fn search(&self, q: &str, qk: &str, ak: &str, filter: &TitleFilter, limit: usize) -> Found {
        let mut marks = Marks {
            best: vec![0; self.songs.len()],
            found: Vec::new(),
        };
        for &i in self.by_key.get(qk) {
            marks.note(i, Match::Exact);
        }
        // Names of titles in other scripts: the whole name, or the start of it as it is typed.
        if !ak.is_empty() {
            let from = self.title_aliases.partition_point(|(a, _)| a.as_str() < ak);
            for (alias, target) in self.title_aliases[from..]
                .iter()
                .take_while(|(a, _)| a.starts_with(ak))
            {
                let m = if alias == ak {
                    Match::Exact
                } else {
                    Match::Prefix
                };
                for &i in self.by_key.get(target) {
                    marks.note(i, m);
                }
            }
        }
        for w in self.words.starting_with(&self.songs, q) {
            let m = if w.offset > 0 {
                Match::WordPrefix
            } else if self.songs.fold(w.song) == q {
                Match::Exact
            } else {
                Match::Prefix
            };
            marks.note(w.song, m);
        }
        // No title is longer than this; a longer query cannot be a slip of one.
        let plausible = (3..=MAX_TITLE_KEY).contains(&qk.chars().count());
        if marks.found.len() < limit && plausible {
            for runs in self.by_key.close_to(qk) {
                for &i in runs {
                    marks.note(i, Match::Typo);
                }
            }
        }
        let mut hits: Vec<(Match, u32)> = marks
            .found
            .iter()
            .map(|&i| (MATCHES[usize::from(marks.best[i as usize] - 1)], i))
            .filter(|(_, i)| filter.accepts(self.songs.get(*i), self))
            .collect();
        let total = hits.len();
        let exact = hits.iter().filter(|(m, _)| *m == Match::Exact).count();
        // Within a kind of match: K-pop first (what fans of this bot mean), then the bigger
        // run: the better peak, then more weeks.
        let rank = |(m, i): &(Match, u32)| {
            let s = self.songs.get(*i);
            (*m, !s.is_kpop, s.peak.unwrap_or(i64::MAX), -s.weeks, s.id)
        };
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by_key(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(rank);
        Found { hits, total, exact }
    }

    /// Answers for the short prefixes that match thousands of titles ("a", "th", "lov"),
    /// computed once: these are the first keystrokes of every autocomplete.
    fn precompute_popular(&mut self) {
        let prefixes: Vec<String> = (1..=3)
            .flat_map(|len| self.words.crowded_prefixes(&self.songs, len, POPULAR_RANGE))
            .collect();
        self.popular = prefixes
            .into_iter()
            .map(|p| {
                let found = self.search(
                    &p,
                    &title_key(&p),
                    &text::key(&p),
                    &TitleFilter::default(),
                    POPULAR_KEPT,
                );
                (p, found)
            })
            .collect();
    }

    /// Chart credits with a word starting with `query`, best first (see [`Credits::find`]).
    pub fn find_credits(&self, query: &str, limit: usize) -> Vec<(Match, &str)> {
        self.credits.find(query, limit)
    }

    /// Acts whose name, Hangul name or alias matches `query`, best first.
    pub fn find_acts(&self, query: &str) -> Vec<(Match, &ActEntry)> {
        let q = text::fold(query);
        let qk = q.replace(' ', "");
        let mut hits: Vec<(Match, &ActEntry)> = Vec::new();
        for a in &self.acts {
            let best = a
                .names
                .iter()
                .filter_map(|n| {
                    let nk = n.replace(' ', "");
                    if q.is_empty() || nk.starts_with(&qk) {
                        Some(if !q.is_empty() && nk == qk {
                            Match::Exact
                        } else {
                            Match::Prefix
                        })
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
            if let Some(m) = best {
                hits.push((m, a));
            }
        }
        hits.sort_by(|(ma, a), (mb, b)| {
            (
                ma,
                !a.row.is_kpop,
                std::cmp::Reverse(a.songs.len()),
                &a.row.name,
            )
                .cmp(&(
                    mb,
                    !b.row.is_kpop,
                    std::cmp::Reverse(b.songs.len()),
                    &b.row.name,
                ))
        });
        hits
    }
}

/// The best match of each run found so far.
struct Marks {
    /// Per run: 1 + the match's place in `MATCHES`, or 0 when not found.
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

/// One or two slips, depending on length: "stray kds" is Stray Kids.
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
    fn accepts(&self, s: Song<'_>, index: &SearchIndex) -> bool {
        if self.chart.is_some_and(|c| c != s.chart) {
            return false;
        }
        match &self.artist {
            None => true,
            Some(a) => {
                let ak = a.replace(' ', "");
                text::fold(s.credit).contains(a.as_str())
                    || s.acts.iter().any(|&i| {
                        index.acts[usize::from(i)]
                            .names
                            .iter()
                            .any(|n| n.replace(' ', "") == ak)
                    })
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
            debut: NaiveDate::from_ymd_opt(2020, 1, 4),
            last_date: NaiveDate::from_ymd_opt(2020, 6, 4),
        }
    }

    fn kpop_act(id: &str, name: &str, hangul: Option<&str>) -> ActRow {
        ActRow {
            id: id.into(),
            name: name.into(),
            hangul: hangul.map(Into::into),
            kind: "group".into(),
            is_kpop: true,
        }
    }

    fn index() -> SearchIndex {
        let act = kpop_act("fiftyfifty", "FIFTY FIFTY", Some("피프티 피프티"));
        let mut builder = SearchIndexBuilder::default();
        builder.add(vec![
            song(1, Chart::Hot100, "Cupid", "Sam Cooke", 14),
            song(2, Chart::Hot100, "Cupid", "Fifty Fifty", 25),
            song(3, Chart::Hot100, "Stupid Cupid", "Connie Francis", 17),
            song(4, Chart::Billboard200, "Cupid Deluxe", "Blood Orange", 3),
            song(5, Chart::Hot100, "Like Crazy", "Jimin", 5),
            song(6, Chart::Hot100, "ROSÉ", "Someone", 2),
        ]);
        builder.finish(
            vec![act],
            vec![(2, "fiftyfifty".into())],
            vec![("fiftyfifty".into(), "5050".into())],
            vec![("Like Crazy".into(), "LC".into())],
        )
    }

    fn titles(hits: &TitleHits) -> Vec<(Match, i64)> {
        hits.hits.iter().map(|(m, s)| (*m, s.id)).collect()
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
    fn main_titles_sizes_aliases_and_what_lookup_answers() {
        let mut builder = SearchIndexBuilder::default();
        let mut small = song(1, Chart::Hot100, "5 Star", "Yo Gotti", 2);
        small.peak = Some(79);
        let mut big = song(
            2,
            Chart::Billboard200,
            "5-Star: The 3rd Album",
            "Stray Kids",
            16,
        );
        big.peak = Some(1);
        let mut longer = song(3, Chart::Hot100, "Butter", "Someone", 30);
        longer.peak = Some(40);
        builder.add(vec![
            small,
            big,
            longer,
            song(4, Chart::Billboard200, "Butterfly", "Mariah Carey", 55),
        ]);
        let ix = builder.finish(
            vec![],
            vec![],
            vec![],
            vec![("Butter".into(), "버터".into())],
        );
        let f = TitleFilter::default();
        // Both are called "5 Star"; the bigger run comes first.
        let hits = ix.find_titles("5-star", &f, 25);
        assert_eq!(
            (titles(&hits), hits.exact),
            (vec![(Match::Exact, 2), (Match::Exact, 1)], 2)
        );
        assert_eq!(titles(&ix.find_titles("버터", &f, 25)), [(Match::Exact, 3)]);
        assert_eq!(titles(&ix.find_titles("버", &f, 25))[0], (Match::Prefix, 3));
        let on_albums = TitleFilter {
            chart: Some(Chart::Billboard200),
            artist: None,
        };
        match ix.lookup("butter", &on_albums, 5) {
            Lookup::Closest {
                closest, elsewhere, ..
            } => {
                assert_eq!(closest.iter().map(|s| s.id).collect::<Vec<_>>(), [4]);
                assert_eq!(elsewhere.iter().map(|s| s.id).collect::<Vec<_>>(), [3]);
            }
            _ => panic!("butter is no album"),
        }
        assert!(matches!(ix.lookup("?!", &f, 5), Lookup::Nothing));
        assert!(matches!(
            ix.lookup("butter", &f, 5),
            Lookup::Called { total: 1, .. }
        ));
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

    #[test]
    fn credits_whole_then_word_with_kpop_then_weeks_first() {
        let mut builder = SearchIndexBuilder::default();
        builder.add(vec![
            song(1, Chart::Hot100, "A", "Sam Smith", 10),
            song(2, Chart::Hot100, "B", "Sam Smith", 10),
            song(3, Chart::Hot100, "C", "Kim Petras & Sam Smith", 30),
            song(4, Chart::Hot100, "D", "Samantha Fox", 12),
            song(5, Chart::Hot100, "E", "Sam", 1),
            song(6, Chart::Hot100, "F", "Samuel", 1),
        ]);
        let act = kpop_act("samuel", "Samuel", None);
        let ix = builder.finish(vec![act], vec![(6, "samuel".into())], vec![], vec![]);
        assert_eq!(
            ix.find_credits("SAM", 25),
            [
                (Match::Exact, "Sam"),
                (Match::Prefix, "Samuel"),
                (Match::Prefix, "Sam Smith"),
                (Match::Prefix, "Samantha Fox"),
                (Match::WordPrefix, "Kim Petras & Sam Smith"),
            ]
        );
        // A credit's weeks add up over its runs: Sam Smith (20) before Samantha Fox (12).
        assert_eq!(ix.find_credits("sam", 3)[2], (Match::Prefix, "Sam Smith"));
        assert_eq!(ix.find_credits("smith", 25).len(), 2);
        assert!(ix.find_credits("", 25).is_empty());
        assert!(ix.find_credits("zz", 25).is_empty());
    }
}
