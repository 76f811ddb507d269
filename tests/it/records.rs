//! `/records`: every kind, `who`, `chart` and `year` against records computed here from the
//! chart CSVs, never from the bot: the seed (`data/`) for K-pop acts, and with
//! `KPOP_FACTS_FULL_DATA` the whole history for `who:everyone` and the "Savage Love" remix.
//!
//! Runs are read from the CSV rows as Billboard links and counts them: a row whose `last_week`
//! points at last week's row with the same title or credit continues it (renames keep their
//! run); a new entry (week 1 by Billboard's count) starts a run; a re-entry continues the run
//! with the same title and credit, or the one its own week count continues. An act's entry is
//! the weeks of a run whose credit is one of the act's exact credits in `kpop_acts.csv`.
//! Lines are compared as (value, evidence week, title, rank, tie): the order among equals is
//! the earlier evidence week, and a run's title is its first week's, as the data prints it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate};
use kpop_facts::app::records::{ActKind, Entry, FirstKind, Item, Kind, Line, Who, Years};
use kpop_facts::app::{App, Indexes};
use kpop_facts::commands::{self, Caller};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::{Reply, json};
use serde_json::Value;

use crate::support::app::{TestApp, ask, shown};
use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedResponse};
use crate::support::full::{self, ChartRow};

const REPO_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
/// A page size that holds any whole list.
const ALL: usize = 1_000_000;
const ENTRY_KINDS: [Kind; 7] = [
    Kind::NumberOnes,
    Kind::TopTens,
    Kind::MostWeeks,
    Kind::WeeksAtOne,
    Kind::LongestRuns,
    Kind::HighestDebuts,
    Kind::BiggestJumps,
];
const KPOP_WHO: [Who; 4] = [Who::Kpop, Who::Groups, Who::Soloists, Who::MemberSolos];
const SAVAGE_LOVE: (&str, &str) = (
    "Savage Love (Laxed - Siren Beat)",
    "Jawsh 685 x Jason Derulo",
);

// ── The data, read here ──────────────────────────────────────────────────────────────────

/// A K-pop act of `kpop_acts.csv`.
struct Act {
    id: String,
    name: String,
    kind: ActKind,
    min_date: String,
    /// The exact credits it charted under, per chart.
    credits: [HashSet<String>; 2],
}

fn slot(chart: Chart) -> usize {
    match chart {
        Chart::Hot100 => 0,
        Chart::Billboard200 => 1,
    }
}

fn read_acts() -> Vec<Act> {
    let mut reader = csv::Reader::from_path(Path::new(REPO_DATA).join("kpop_acts.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let list = |s: &str| -> HashSet<String> {
        s.split(" | ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("is_kpop")] == "yes")
        .map(|r| {
            let kind = &r[col("type")];
            let kind = if !kind.starts_with("solo") {
                ActKind::Group
            } else if kind.contains("member") || !r[col("member_of")].is_empty() {
                ActKind::MemberSolo
            } else {
                ActKind::Soloist
            };
            Act {
                id: r[col("act_id")].to_string(),
                name: r[col("name")].to_string(),
                kind,
                min_date: r[col("min_chart_date")].to_string(),
                credits: [
                    list(&r[col("hot100_credits")]),
                    list(&r[col("billboard200_credits")]),
                ],
            }
        })
        .collect()
}

fn seed_rows(chart: Chart) -> &'static [ChartRow] {
    static HOT100: OnceLock<Vec<ChartRow>> = OnceLock::new();
    static B200: OnceLock<Vec<ChartRow>> = OnceLock::new();
    let (cell, file) = match chart {
        Chart::Hot100 => (&HOT100, "hot100-kpop.csv"),
        Chart::Billboard200 => (&B200, "billboard200-kpop.csv"),
    };
    cell.get_or_init(|| {
        csv::Reader::from_path(Path::new(REPO_DATA).join(file))
            .unwrap()
            .deserialize()
            .map(Result::unwrap)
            .collect()
    })
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// What records read off a run or an act's share of it.
#[derive(Clone, Debug)]
struct Made {
    first: NaiveDate,
    weeks: usize,
    debut: Option<u32>,
    weeks_at_one: usize,
    first_at_one: Option<NaiveDate>,
    first_top_ten: Option<NaiveDate>,
    /// The longest streak and its first week, the earliest of equals.
    streak: (usize, NaiveDate),
    /// The biggest climb and its week, the earliest of equals.
    jump: Option<(u32, NaiveDate)>,
}

/// `weeks` as `(date, position, last_week)`, oldest first; `fresh` when the first of them is
/// the run's first week (an act that joined a charting run has no debut).
fn made(weeks: &[(NaiveDate, u32, Option<u32>)], fresh: bool) -> Made {
    let first = weeks[0];
    let (mut streak, mut best, mut start) = (0, (0, first.0), first.0);
    let mut jump: Option<(u32, NaiveDate)> = None;
    for (i, &(date, position, last_week)) in weeks.iter().enumerate() {
        // A week with no "last week" is a new entry or a re-entry: the streak starts over.
        if i > 0 && last_week.is_none() {
            streak = 0;
        }
        if streak == 0 {
            start = date;
        }
        streak += 1;
        if streak > best.0 {
            best = (streak, start);
        }
        if let Some(lw) = last_week.filter(|lw| *lw > position)
            && jump.is_none_or(|(size, _)| lw - position > size)
        {
            jump = Some((lw - position, date));
        }
    }
    let first_within = |top: u32| weeks.iter().find(|w| w.1 <= top).map(|w| w.0);
    Made {
        first: first.0,
        weeks: weeks.len(),
        debut: (fresh && first.2.is_none()).then_some(first.1),
        weeks_at_one: weeks.iter().filter(|w| w.1 == 1).count(),
        first_at_one: first_within(1),
        first_top_ten: first_within(10),
        streak: best,
        jump,
    }
}

/// One entry as the test computes it.
#[derive(Clone, Debug)]
struct Rec {
    run: usize,
    /// The run's first title and credit, as printed.
    title: String,
    credit: String,
    /// The act (an index into `Data::acts`), for a K-pop entry.
    act: Option<usize>,
    counted: bool,
    made: Made,
}

struct ChartData {
    /// The first week held: its entries may have charted before, so none is a debut.
    opening: NaiveDate,
    newest: NaiveDate,
    /// Whole runs.
    everyone: Vec<Rec>,
    /// Each act's share of each run it is credited on, and the entries listed uncounted.
    kpop: Vec<Rec>,
}

struct Data {
    acts: Vec<Act>,
    charts: [ChartData; 2],
}

/// The rows of each run, in file order (by date, then position).
fn runs(rows: &[ChartRow]) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut run_of = vec![0; rows.len()];
    let mut by_key: HashMap<(String, String), usize> = HashMap::new();
    let mut previous: (Option<NaiveDate>, Vec<usize>) = (None, Vec::new());
    let mut i = 0;
    while i < rows.len() {
        let date = day(&rows[i].chart_date);
        let end = i + rows[i..]
            .iter()
            .take_while(|r| r.chart_date == rows[i].chart_date)
            .count();
        // Billboard's "last week" means the chart before, not a week further back.
        let linkable = previous.0.is_some_and(|p| (date - p).num_days() <= 10);
        for j in i..end {
            let r = &rows[j];
            let key = (
                r.title.trim().to_lowercase(),
                r.artist.trim().to_lowercase(),
            );
            let linked = r.last_week.filter(|_| linkable).and_then(|lw| {
                previous.1.iter().copied().find(|&p| {
                    rows[p].position == lw
                        && (base_title(&rows[p].title) == base_title(&r.title)
                            || rows[p].artist.eq_ignore_ascii_case(&r.artist))
                })
            });
            // Billboard counts a new entry as week 1, even under an old title and credit.
            let new = r.last_week.is_none() && r.weeks_on_chart == Some(1);
            let run = linked
                .map(|p| run_of[p])
                .or_else(|| by_key.get(&key).copied().filter(|_| !new))
                .or_else(|| renamed(rows, &runs, r).filter(|_| !new));
            let run = match run {
                Some(run) => run,
                None => {
                    runs.push(Vec::new());
                    runs.len() - 1
                }
            };
            run_of[j] = run;
            runs[run].push(j);
            by_key.insert(key, run);
        }
        previous = (Some(date), (i..end).collect());
        i = end;
    }
    runs
}

/// A title without its parentheses, case or padding: "Ever Since U Left Me (I Went Deaf)"
/// continues "Ever Since U Left Me".
fn base_title(title: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The run a re-entry under a new title continues, by Billboard's own count: the latest run
/// by the same credit whose last week counted one week fewer, at the peak this row prints
/// ("Ate: Mini Album (EP)" re-entered as "ATE (EP)", its 15th week).
fn renamed(rows: &[ChartRow], runs: &[Vec<usize>], r: &ChartRow) -> Option<usize> {
    let weeks = r.weeks_on_chart.filter(|w| *w > 1)?;
    runs.iter().rposition(|run| {
        let last = &rows[run[run.len() - 1]];
        last.artist.eq_ignore_ascii_case(&r.artist)
            && last.weeks_on_chart == Some(weeks - 1)
            && r.peak == last.peak.map(|p| p.min(r.position))
    })
}

fn weeks_of<'r>(
    rows: &'r [ChartRow],
    run: &'r [usize],
) -> impl Iterator<Item = (&'r ChartRow, (NaiveDate, u32, Option<u32>))> {
    run.iter().map(move |&i| {
        let r = &rows[i];
        (r, (day(&r.chart_date), r.position, r.last_week))
    })
}

fn chart_data(acts: &[Act], chart: Chart, rows: &[ChartRow]) -> ChartData {
    let mut data = ChartData {
        opening: day(&rows[0].chart_date),
        newest: day(&rows[rows.len() - 1].chart_date),
        everyone: Vec::new(),
        kpop: Vec::new(),
    };
    for (n, run) in runs(rows).iter().enumerate() {
        let first = &rows[run[0]];
        let rec = |act, counted, made| Rec {
            run: n,
            title: first.title.trim().to_string(),
            credit: first.artist.trim().to_string(),
            act,
            counted,
            made,
        };
        let weeks: Vec<_> = weeks_of(rows, run).map(|(_, w)| w).collect();
        let whole = made(&weeks, true);
        for (a, act) in acts.iter().enumerate() {
            let mut credited: Vec<(NaiveDate, u32, Option<u32>)> = Vec::new();
            for (r, w) in weeks_of(rows, run) {
                if r.chart_date < act.min_date || !act.credits[slot(chart)].contains(&r.artist) {
                    continue;
                }
                // A run listed twice in one week keeps its better position.
                match credited.last_mut() {
                    Some(last) if last.0 == w.0 => last.1 = last.1.min(w.1),
                    _ => credited.push(w),
                }
            }
            if !credited.is_empty() {
                let fresh = credited[0].0 == weeks[0].0;
                data.kpop.push(rec(Some(a), true, made(&credited, fresh)));
            }
            // Listed under BTS, as credited to others only (SOURCES.md).
            if act.id == "bts"
                && chart == Chart::Hot100
                && (first.title.as_str(), first.artist.as_str()) == SAVAGE_LOVE
            {
                data.kpop.push(rec(Some(a), false, whole.clone()));
            }
        }
        data.everyone.push(rec(None, true, whole));
    }
    data
}

fn data_of(hot100: &[ChartRow], b200: &[ChartRow]) -> Data {
    let acts = read_acts();
    let charts = [
        chart_data(&acts, Chart::Hot100, hot100),
        chart_data(&acts, Chart::Billboard200, b200),
    ];
    Data { acts, charts }
}

fn seed_data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| data_of(seed_rows(Chart::Hot100), seed_rows(Chart::Billboard200)))
}

fn full_data(full: &full::Full) -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| data_of(full.rows(Chart::Hot100), full.rows(Chart::Billboard200)))
}

// ── Records, computed here ───────────────────────────────────────────────────────────────

fn days(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// An entry's place in `kind` (smaller first) and the week that sets it, or None when it has
/// none.
fn value(kind: Kind, m: &Made, opening: NaiveDate) -> Option<(i64, NaiveDate)> {
    let n = |x: usize| -(x as i64);
    match kind {
        Kind::NumberOnes => m.first_at_one.map(|d| (days(d), d)),
        Kind::TopTens => m.first_top_ten.map(|d| (days(d), d)),
        Kind::MostWeeks | Kind::MostEntries => Some((n(m.weeks), m.first)),
        Kind::WeeksAtOne => m.first_at_one.map(|d| (n(m.weeks_at_one), d)),
        Kind::LongestRuns => Some((n(m.streak.0), m.streak.1)),
        Kind::HighestDebuts => m
            .debut
            .filter(|_| m.first != opening)
            .map(|p| (i64::from(p), m.first)),
        Kind::BiggestJumps => m.jump.map(|(size, d)| (-i64::from(size), d)),
        Kind::Firsts => unreachable!("firsts are no list"),
    }
}

/// The same, read off the bot's entry.
fn value_shown(kind: Kind, e: &Entry) -> (i64, NaiveDate) {
    let n = |x: u16| -i64::from(x);
    let some = |d: Option<kpop_facts::app::records::Day>| d.expect("a placed week").date();
    match kind {
        Kind::NumberOnes => (days(some(e.first_at_one)), some(e.first_at_one)),
        Kind::TopTens => (days(some(e.first_in_top_ten)), some(e.first_in_top_ten)),
        Kind::MostWeeks | Kind::MostEntries => (n(e.weeks), e.first.date()),
        Kind::WeeksAtOne => (n(e.weeks_at_one), some(e.first_at_one)),
        Kind::LongestRuns => (n(e.streak), e.streak_from.date()),
        Kind::HighestDebuts => (
            i64::from(e.debut_position.expect("a debut")),
            e.first.date(),
        ),
        Kind::BiggestJumps => {
            let j = e.jump.expect("a jump");
            (-i64::from(j.size()), j.week.date())
        }
        Kind::Firsts => unreachable!("firsts are no list"),
    }
}

fn admits(who: Who, kind: ActKind) -> bool {
    match who {
        Who::Kpop | Who::Everyone => true,
        Who::Groups => kind == ActKind::Group,
        Who::Soloists => kind != ActKind::Group,
        Who::MemberSolos => kind == ActKind::MemberSolo,
    }
}

fn within(years: Option<Years>, d: NaiveDate) -> bool {
    years.is_none_or(|y| (y.from..=y.to).contains(&d.year()))
}

/// A first: whose, which, and the entries that set it as `(title, week)`.
type FirstSet = (ActKind, FirstKind, BTreeSet<(String, NaiveDate)>);

/// One line of a list: value, evidence week, title, rank (None: listed, not counted), tie.
type Shown = (i64, NaiveDate, String, Option<usize>, bool);

impl Data {
    fn recs(&self, chart: Chart, who: Who) -> impl Iterator<Item = &Rec> {
        let c = &self.charts[slot(chart)];
        let (all, kpop) = if who == Who::Everyone {
            (&c.everyone[..], &[][..])
        } else {
            (&[][..], &c.kpop[..])
        };
        all.iter().chain(
            kpop.iter()
                .filter(move |r| admits(who, self.acts[r.act.unwrap()].kind)),
        )
    }

    /// A kind's whole list, in order, ranked with ties: a K-pop entry crediting two acts is
    /// listed once, at its better place.
    fn list(&self, chart: Chart, kind: Kind, who: Who, years: Option<Years>) -> Vec<Shown> {
        let opening = self.charts[slot(chart)].opening;
        let mut best: HashMap<usize, (i64, NaiveDate, &Rec)> = HashMap::new();
        let mut placed = Vec::new();
        for r in self.recs(chart, who) {
            let Some((v, d)) = value(kind, &r.made, opening).filter(|(_, d)| within(years, *d))
            else {
                continue;
            };
            if who == Who::Everyone {
                placed.push((v, d, r));
                continue;
            }
            let b = best.entry(r.run).or_insert((v, d, r));
            if (v, d) < (b.0, b.1) {
                *b = (v, d, r);
            }
        }
        placed.extend(best.into_values());
        let mut counted: Vec<i64> = placed.iter().filter(|p| p.2.counted).map(|p| p.0).collect();
        counted.sort();
        let mut out: Vec<Shown> = placed
            .iter()
            .map(|&(v, d, r)| {
                // Competition ranking: one more than the counted entries ahead.
                let ahead = counted.partition_point(|&c| c < v);
                let equal = counted.partition_point(|&c| c <= v) - ahead;
                let rank = r.counted.then_some(1 + ahead);
                let tied = r.counted && equal > 1;
                (v, d, r.title.clone(), rank, tied)
            })
            .collect();
        out.sort();
        out
    }

    /// Acts (or, for everyone, exact credits) by how many entries of `kind` they have:
    /// `(name, count, first week, latest week, rank, tie)`, most first.
    fn names(
        &self,
        chart: Chart,
        kind: Kind,
        who: Who,
        years: Option<Years>,
    ) -> Vec<(String, usize, NaiveDate, NaiveDate, usize, bool)> {
        let opening = self.charts[slot(chart)].opening;
        let mut tally: HashMap<String, (usize, NaiveDate, NaiveDate)> = HashMap::new();
        for r in self.recs(chart, who).filter(|r| r.counted) {
            let Some((_, d)) = value(kind, &r.made, opening).filter(|(_, d)| within(years, *d))
            else {
                continue;
            };
            let name = match r.act {
                Some(a) => self.acts[a].name.clone(),
                None => r.credit.clone(),
            };
            let t = tally.entry(name).or_insert((0, d, d));
            *t = (t.0 + 1, t.1.min(d), t.2.max(d));
        }
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for t in tally.values() {
            *counts.entry(t.0).or_default() += 1;
        }
        let mut out: Vec<_> = tally
            .into_iter()
            .map(|(name, (n, first, latest))| {
                let more: usize = counts.iter().filter(|(c, _)| **c > n).map(|(_, k)| k).sum();
                let (rank, tied) = (1 + more, counts[&n] > 1);
                (name, n, first, latest, rank, tied)
            })
            .collect();
        out.sort_by_key(|x| (std::cmp::Reverse(x.1), x.2, x.0.clone()));
        out
    }

    /// Per kind of act and kind of first: the entries that set it, as `(title, week)`.
    fn firsts(&self, chart: Chart, who: Who, years: Option<Years>) -> Vec<FirstSet> {
        let c = &self.charts[slot(chart)];
        let sections: &[(ActKind, Who)] = match who {
            Who::Groups => &[(ActKind::Group, Who::Groups)],
            Who::Soloists => &[(ActKind::Soloist, Who::Soloists)],
            Who::MemberSolos => &[(ActKind::MemberSolo, Who::MemberSolos)],
            _ => &[
                (ActKind::Group, Who::Groups),
                (ActKind::Soloist, Who::Soloists),
            ],
        };
        let mut out = Vec::new();
        for &(acts, who) in sections {
            for kind in FirstKind::ALL {
                let week = |m: &Made| match kind {
                    FirstKind::Entry => Some(m.first),
                    FirstKind::TopTen => m.first_top_ten,
                    FirstKind::NumberOne => m.first_at_one,
                    FirstKind::NumberOneDebut => {
                        (value(Kind::HighestDebuts, m, c.opening).map(|v| v.0) == Some(1))
                            .then_some(m.first)
                    }
                };
                let set: Vec<(String, NaiveDate)> = self
                    .recs(chart, who)
                    .filter(|r| r.counted)
                    .filter_map(|r| Some((r.title.clone(), week(&r.made)?)))
                    .filter(|(_, d)| within(years, *d))
                    .collect();
                let earliest = set.iter().map(|s| s.1).min();
                let set = set.into_iter().filter(|s| Some(s.1) == earliest).collect();
                out.push((acts, kind, set));
            }
        }
        out
    }
}

// ── What the bot says ────────────────────────────────────────────────────────────────────

fn title_of(ix: &Indexes, song_id: i64) -> String {
    ix.search
        .song_by_id(song_id)
        .expect("a listed run")
        .title
        .to_string()
}

/// The lines of a list as [`Shown`], in the bot's order.
fn shown_lines(ix: &Indexes, kind: Kind, lines: &[Line]) -> Vec<Shown> {
    lines
        .iter()
        .map(|l| {
            let Item::Entry(e) = &l.item else {
                panic!("an entry line: {l:?}")
            };
            let (v, d) = value_shown(kind, e);
            (v, d, title_of(ix, e.song()), l.rank, l.tied)
        })
        .collect()
}

fn shown_names(ix: &Indexes, lines: &[Line]) -> Vec<Named> {
    lines
        .iter()
        .map(|l| {
            let (name, count, first, latest) = match &l.item {
                Item::Act {
                    act,
                    count,
                    first,
                    latest,
                } => (
                    ix.records.act(*act).unwrap().name.clone(),
                    count,
                    first,
                    latest,
                ),
                Item::Credit {
                    song_id,
                    count,
                    first,
                    latest,
                } => (
                    ix.search.song_by_id(*song_id).unwrap().credit.to_string(),
                    count,
                    first,
                    latest,
                ),
                Item::Entry(_) => panic!("a name line: {l:?}"),
            };
            (
                name,
                *count,
                first.date(),
                latest.date(),
                l.rank.expect("names are counted"),
                l.tied,
            )
        })
        .collect()
}

/// Equal lists, or a failure naming what differs.
fn assert_same<T: Ord + Clone + std::fmt::Debug>(got: &[T], want: &[T], what: &str) {
    if got == want {
        return;
    }
    let (g, w): (BTreeSet<T>, BTreeSet<T>) = (
        got.iter().cloned().collect(),
        want.iter().cloned().collect(),
    );
    let extra: Vec<_> = g.difference(&w).take(12).collect();
    let missing: Vec<_> = w.difference(&g).take(12).collect();
    panic!(
        "{what}: {} lines shown, {} computed\n shown, not computed: {extra:#?}\n computed, not \
         shown: {missing:#?}",
        got.len(),
        want.len()
    );
}

/// Every entry kind's whole list, its leaders and its pages agree with the CSVs' for `who` on
/// both charts (asked one chart at a time and both at once), for each span in `spans`.
///
/// `slack` is how many lines of a list may differ (0: none): the whole history of every run
/// holds a few runs the grouping here reads otherwise than the bot's (a re-release, a rename
/// with a new credit). Those lines are printed, and the other lines' ranks may move by as many.
async fn check_lists(
    app: &App,
    data: &Data,
    who: Who,
    spans: &[Option<Years>],
    slack: impl Fn(Kind, usize) -> usize,
) {
    let ix = app.indexes().await.unwrap();
    for &years in spans {
        for kind in ENTRY_KINDS {
            let both = ix.records.list(kind, None, who, years, 0, ALL);
            assert_eq!(
                both.iter().map(|s| s.chart).collect::<Vec<_>>(),
                Chart::ALL,
                "both charts, in two sections"
            );
            for (chart, section) in Chart::ALL.into_iter().zip(&both) {
                let what = format!("{} {} {who:?} {years:?}", kind.slug(), chart.slug());
                let one = ix.records.list(kind, Some(chart), who, years, 0, ALL);
                assert_eq!(one.len(), 1);
                assert_eq!(&one[0], section, "{what}: one chart as in both");
                let got = shown_lines(&ix, kind, &section.lines);
                let order: Vec<(i64, NaiveDate)> = got.iter().map(|l| (l.0, l.1)).collect();
                assert!(order.is_sorted(), "{what}: in order, equals by week");
                let mut sorted = got.clone();
                sorted.sort();
                let want = data.list(chart, kind, who, years);
                assert_ranked(&got, &what);
                compare_lines(&sorted, &want, slack(kind, want.len()), &what);
                assert_eq!(section.total, got.len(), "{what}");
                assert_eq!(section.newest, Some(data.charts[slot(chart)].newest));
                let slack = slack(kind, want.len());
                check_leaders(
                    &ix,
                    data,
                    (chart, kind, who, years),
                    &section.leaders,
                    slack,
                );
                check_pages(&ix, chart, kind, who, years, &section.lines);
            }
        }
        let names = ix.records.list(Kind::MostEntries, None, who, years, 0, ALL);
        for (chart, section) in Chart::ALL.into_iter().zip(&names) {
            let what = format!("most-entries {} {who:?} {years:?}", chart.slug());
            let want = data.names(chart, Kind::MostEntries, who, years);
            let slack = slack(Kind::MostEntries, want.len());
            check_names(&shown_names(&ix, &section.lines), &want, slack, &what);
            assert!(section.total.abs_diff(want.len()) <= slack, "{what}");
            assert!(section.leaders.is_empty());
        }
    }
}

/// Names ranked by count: the same counts, weeks, ranks and ties; the order is by count, then
/// the earlier first week.
fn check_names(got: &[Named], want: &[Named], slack: usize, what: &str) {
    let order: Vec<_> = got.iter().map(|g| (std::cmp::Reverse(g.1), g.2)).collect();
    assert!(
        order.is_sorted(),
        "{what}: most first, equals by first week"
    );
    // Ranks as the counts shown give them.
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for g in got {
        *counts.entry(g.1).or_default() += 1;
    }
    for g in got {
        let more: usize = counts
            .iter()
            .filter(|(c, _)| **c > g.1)
            .map(|(_, k)| k)
            .sum();
        assert_eq!((g.4, g.5), (1 + more, counts[&g.1] > 1), "{what}: {g:?}");
    }
    let mut sorted = got.to_vec();
    sorted.sort_by_key(|x| (std::cmp::Reverse(x.1), x.2, x.0.clone()));
    if slack == 0 {
        return assert_same(&sorted, want, what);
    }
    let key = |n: &Named| (n.0.clone(), n.1, n.2, n.3);
    let ranks: HashMap<_, usize> = want.iter().map(|w| (key(w), w.4)).collect();
    let differ = differing(
        &got.iter().map(key).collect::<Vec<_>>(),
        &want.iter().map(key).collect::<Vec<_>>(),
        slack,
        what,
    );
    for g in got {
        if let Some(r) = ranks.get(&key(g)) {
            assert!(g.4.abs_diff(*r) <= differ, "{what}: {g:?} ranked {r}");
        }
    }
}

/// `(name, count, first week, latest week, rank, tie)`.
type Named = (String, usize, NaiveDate, NaiveDate, usize, bool);

/// The lines the bot shows rank themselves: one more than the counted lines ahead, tied
/// with any other line of the same value.
fn assert_ranked(got: &[Shown], what: &str) {
    let mut values: Vec<i64> = got.iter().filter(|g| g.3.is_some()).map(|g| g.0).collect();
    values.sort();
    for g in got.iter().filter(|g| g.3.is_some()) {
        let ahead = values.partition_point(|&v| v < g.0);
        let equal = values.partition_point(|&v| v <= g.0) - ahead;
        assert_eq!((g.3, g.4), (Some(1 + ahead), equal > 1), "{what}: {g:?}");
    }
}

/// Equal lists (`slack` 0), or lists whose entries differ in at most `slack` lines (printed)
/// and whose other lines' ranks move by no more than that.
fn compare_lines(got: &[Shown], want: &[Shown], slack: usize, what: &str) {
    let entries = |l: &[Shown]| -> Vec<(i64, NaiveDate, String)> {
        l.iter().map(|x| (x.0, x.1, x.2.clone())).collect()
    };
    if slack == 0 {
        // What is listed first, then how it is ranked.
        assert_same(&entries(got), &entries(want), what);
        return assert_same(got, want, what);
    }
    let differ = differing(&entries(got), &entries(want), slack, what);
    let ranks: HashMap<_, _> = want
        .iter()
        .map(|w| ((w.0, w.1, w.2.clone()), w.3))
        .collect();
    for g in got {
        if let Some(Some(r)) = ranks.get(&(g.0, g.1, g.2.clone())) {
            let rank = g.3.expect("counted");
            assert!(rank.abs_diff(*r) <= differ, "{what}: {g:?} ranked {r}");
        }
    }
}

/// How many lines differ between the two; at most `slack`, each printed.
fn differing<T: Ord + Clone + std::fmt::Debug>(
    got: &[T],
    want: &[T],
    slack: usize,
    what: &str,
) -> usize {
    let (g, w): (BTreeSet<T>, BTreeSet<T>) = (
        got.iter().cloned().collect(),
        want.iter().cloned().collect(),
    );
    let extra: Vec<_> = g.difference(&w).collect();
    let missing: Vec<_> = w.difference(&g).collect();
    if !extra.is_empty() || !missing.is_empty() {
        println!(
            "{what}: {} lines read otherwise here\n  shown: {extra:?}\n  computed: {missing:?}",
            extra.len() + missing.len()
        );
    }
    let n = extra.len() + missing.len();
    assert!(n <= slack, "{what}: {n} lines differ, more than {slack}");
    n
}

/// Leaders of No. 1s and top tens: the acts (or credits) with the most, the first five.
fn check_leaders(
    ix: &Indexes,
    data: &Data,
    (chart, kind, who, years): (Chart, Kind, Who, Option<Years>),
    leaders: &[Line],
    slack: usize,
) {
    if !matches!(kind, Kind::NumberOnes | Kind::TopTens) {
        assert!(leaders.is_empty());
        return;
    }
    let what = format!(
        "leaders of {} {} {who:?} {years:?}",
        kind.slug(),
        chart.slug()
    );
    let want = data.names(chart, kind, who, years);
    let got = shown_names(ix, leaders);
    // The first five, and any tied with the fifth.
    let fifth = want.get(4).map_or(0, |w| w.1);
    let leading = want.iter().take_while(|w| w.1 >= fifth).count();
    if slack == 0 {
        assert_eq!(got.len(), leading, "{what}: {got:?}");
    }
    if slack > 0 {
        // Each leader is among the computed first, with about as many.
        for g in &got {
            let w = want[..want.len().min(leading + slack)]
                .iter()
                .find(|w| w.0 == g.0)
                .unwrap_or_else(|| panic!("{what}: {g:?} not in {want:?}"));
            assert!(g.1.abs_diff(w.1) <= slack, "{what}: {g:?} against {w:?}");
        }
        return;
    }
    for g in &got {
        assert!(want.contains(g), "{what}: {g:?} not in {want:?}");
    }
    // No one left out has as many as a leader.
    if let Some(last) = got.last() {
        assert!(
            want.iter()
                .filter(|w| !got.contains(w))
                .all(|w| w.1 < last.1),
            "{what}: {got:?} of {want:?}"
        );
    }
    let order: Vec<_> = got.iter().map(|g| (std::cmp::Reverse(g.1), g.2)).collect();
    assert!(order.is_sorted(), "{what}: {got:?}");
}

/// Ten lines a page: the pages together are the whole list, ranks and ties (across a page's
/// end too) as in one list.
fn check_pages(
    ix: &Indexes,
    chart: Chart,
    kind: Kind,
    who: Who,
    years: Option<Years>,
    whole: &[Line],
) {
    // The first pages and the last (a whole list of everyone's runs is thousands of pages),
    // and none after it.
    let pages = whole.len().div_ceil(10);
    let mut read: Vec<usize> = (0..pages.min(30)).collect();
    read.extend(pages.checked_sub(1));
    read.push(pages);
    read.dedup();
    for page in read {
        let s = ix
            .records
            .list(kind, Some(chart), who, years, page, 10)
            .remove(0);
        assert_eq!(s.total, whole.len());
        let from = (page * 10).min(whole.len());
        assert_eq!(
            s.lines,
            whole[from..whole.len().min(from + 10)],
            "{} {} {who:?} {years:?} page {page}",
            kind.slug(),
            chart.slug()
        );
    }
}

async fn check_firsts(app: &App, data: &Data, spans: &[Option<Years>]) -> usize {
    let ix = app.indexes().await.unwrap();
    let mut ties = 0;
    for &years in spans {
        for who in KPOP_WHO {
            let got = ix.records.firsts(None, who, years);
            assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), Chart::ALL);
            for (chart, firsts) in got {
                let shown: Vec<FirstSet> = firsts
                    .iter()
                    .map(|f| {
                        let set = f
                            .entries
                            .iter()
                            .map(|e| {
                                let week = match f.kind {
                                    FirstKind::Entry | FirstKind::NumberOneDebut => e.first,
                                    FirstKind::TopTen => e.first_in_top_ten.unwrap(),
                                    FirstKind::NumberOne => e.first_at_one.unwrap(),
                                };
                                (title_of(&ix, e.song()), week.date())
                            })
                            .collect();
                        assert_eq!(f.entries.len(), {
                            let s: &BTreeSet<_> = &set;
                            s.len()
                        });
                        (f.acts, f.kind, set)
                    })
                    .collect();
                let want = data.firsts(chart, who, years);
                ties += want.iter().filter(|w| w.2.len() > 1).count();
                assert_eq!(shown, want, "firsts {} {who:?} {years:?}", chart.slug());
            }
        }
    }
    ties
}

fn spans(data: &Data) -> Vec<Option<Years>> {
    let newest = data.charts.iter().map(|c| c.newest.year()).max().unwrap();
    vec![
        None,
        Some(Years {
            from: 2020,
            to: 2020,
        }),
        Some(Years {
            from: 2018,
            to: 2021,
        }),
        Some(Years {
            from: newest,
            to: newest,
        }),
        // Before any K-pop entry: nothing.
        Some(Years {
            from: 1990,
            to: 1995,
        }),
    ]
}

// ── The seed ─────────────────────────────────────────────────────────────────────────────

#[tokio::test]
async fn every_kind_for_each_kind_of_act_matches_the_seed_csvs() {
    let t = TestApp::new().await;
    let data = seed_data();
    for who in KPOP_WHO {
        check_lists(&t.app, data, who, &spans(data), |_, _| 0).await;
    }
}

#[tokio::test]
async fn firsts_match_the_seed_csvs() {
    let t = TestApp::new().await;
    let data = seed_data();
    let ties = check_firsts(&t.app, data, &spans(data)).await;
    println!("firsts set by two entries in one week: {ties}");
    // No soloist has a Billboard 200 No. 1 in the seed: "none yet", said as such.
    let b200 = data.firsts(Chart::Billboard200, Who::Soloists, None);
    let (_, _, none) = b200.iter().find(|f| f.1 == FirstKind::NumberOne).unwrap();
    assert!(none.is_empty(), "{none:?}");
    let r = t
        .ask("/records kind:firsts chart:billboard-200 who:soloists")
        .await;
    assert!(!r.refusal, "{r:?}");
    let text = field_starting(&r, "Billboard 200");
    assert!(
        text.lines()
            .any(|l| l == "**First No. 1** by a soloist: none yet"),
        "{text}"
    );
    // Each first of each chart, with its week, as the CSV has it; two entries in one week are
    // a tie.
    let r = t.ask("/records kind:firsts").await;
    assert_firsts_shown(&r, data, None);
}

/// Every first `data` computes is the line the answer shows for it.
fn assert_firsts_shown(r: &Reply, data: &Data, years: Option<Years>) -> usize {
    let mut ties = 0;
    for chart in Chart::ALL {
        let text = field_starting(r, chart.name());
        for (acts, kind, set) in data.firsts(chart, Who::Kpop, years) {
            let what = match kind {
                FirstKind::Entry => "First entry",
                FirstKind::TopTen => "First top 10",
                FirstKind::NumberOne => "First No. 1",
                FirstKind::NumberOneDebut => "First No. 1 debut",
            };
            let by = match acts {
                ActKind::Group => "by a group",
                _ => "by a soloist",
            };
            let label = format!("**{what}** {by}: ");
            let line = text
                .lines()
                .find(|l| l.starts_with(&label))
                .unwrap_or_else(|| panic!("no {label} in {text}"));
            let items = &line[label.len()..];
            match set.len() {
                0 => assert_eq!(items, "none yet"),
                1 => {
                    let (title, week) = set.first().unwrap();
                    assert!(items.starts_with(&format!("“{title}” — ")), "{line}");
                    assert!(items.ends_with(&format!(", {week}")), "{line}");
                }
                _ => {
                    ties += 1;
                    assert!(items.ends_with(" (a tie: the same week)"), "{line}");
                    for (title, week) in &set {
                        assert!(items.contains(&format!("“{title}” — ")), "{line}");
                        assert!(items.contains(&format!(", {week}")), "{line}");
                    }
                }
            }
        }
    }
    ties
}

/// The value of the first field whose name starts with `name`.
fn field_starting<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.embeds[0]
        .fields
        .iter()
        .find(|f| f.name.starts_with(name))
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no field {name:?} in {:#?}", reply.embeds[0].fields))
}

/// The K-pop Hot 100 No. 1s as `(title, credit, first week at No. 1, weeks at No. 1)`, in
/// order, read straight off the CSV's rows at No. 1.
fn hot100_number_ones(rows: &[ChartRow], acts: &[Act]) -> Vec<(String, String, String, usize)> {
    let credited = |r: &ChartRow| {
        acts.iter().any(|a| {
            r.chart_date >= a.min_date && a.credits[slot(Chart::Hot100)].contains(&r.artist)
        })
    };
    let mut ones: Vec<(String, String, String, usize)> = Vec::new();
    for r in rows.iter().filter(|r| r.position == 1 && credited(r)) {
        match ones
            .iter_mut()
            .find(|o| o.0.eq_ignore_ascii_case(&r.title) && o.1 == r.artist)
        {
            Some(o) => o.3 += 1,
            None => ones.push((r.title.clone(), r.artist.clone(), r.chart_date.clone(), 1)),
        }
    }
    ones
}

#[tokio::test]
async fn ask_lists_every_kpop_hot_100_number_one_in_text_and_json() {
    let t = TestApp::new().await;
    let ones = hot100_number_ones(seed_rows(Chart::Hot100), &read_acts());
    assert!(ones.len() >= 8 && ones.len() <= 10, "one page: {ones:?}");
    let r = t.ask("/records kind:number-ones chart:hot-100").await;
    assert!(!r.refusal && !r.ephemeral, "{r:?}");
    assert_eq!(r.embeds[0].fields.len(), 2, "leaders and the list");
    let list = field_starting(&r, &format!("Billboard Hot 100 ({} in all)", ones.len()));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), ones.len(), "{list}");
    for (i, (title, credit, week, weeks)) in ones.iter().enumerate() {
        let plural = if *weeks == 1 { "week" } else { "weeks" };
        assert_eq!(
            lines[i],
            format!(
                "{}. “{title}” — {credit} · No. 1 on {week} · {weeks} {plural} at No. 1",
                i + 1
            )
        );
    }
    assert!(r.components.is_empty(), "one page, no buttons");
    // The JSON is the body the bot sends, with the same lines and no pings.
    let body = json::message_data(&r);
    assert_eq!(body["allowed_mentions"], serde_json::json!({"parse": []}));
    let text = body["embeds"][0].to_string();
    for (title, ..) in &ones {
        assert!(text.contains(&format!("“{title}”")), "{text}");
    }
    // And so does the command line.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(t.db_path())
        .args(["ask", "--json", "/records kind:number-ones chart:hot-100"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["type"], 4);
    assert_eq!(cli["data"]["embeds"], body["embeds"]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(t.db_path())
        .args(["ask", "/records kind:number-ones chart:hot-100"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for (title, credit, week, _) in &ones {
        assert!(
            text.contains(&format!("“{title}” — {credit} · No. 1 on {week}")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn ties_are_stated_and_ranked_alike() {
    let t = TestApp::new().await;
    let data = seed_data();
    // Every No. 1 debut on the Hot 100 shares first place.
    let debuts = data.list(Chart::Hot100, Kind::HighestDebuts, Who::Kpop, None);
    let at_one: Vec<&Shown> = debuts.iter().filter(|d| d.0 == 1).collect();
    assert!(at_one.len() > 1, "No. 1 debuts tie: {at_one:?}");
    let r = t.ask("/records kind:highest-debuts chart:hot-100").await;
    let list = field_starting(&r, "Billboard Hot 100");
    let tied: Vec<&str> = list.lines().filter(|l| l.starts_with("=1. ")).collect();
    assert_eq!(tied.len(), at_one.len().min(10), "{list}");
    for (_, week, title, ..) in at_one.iter().take(10) {
        assert!(
            tied.iter().any(|l| l.contains(&format!("“{title}”"))
                && l.ends_with(&format!("debuted at No. 1 on {week}"))),
            "{title}: {list}"
        );
    }
    assert!(
        r.embeds[0]
            .footer
            .as_ref()
            .is_some_and(|f| f.ends_with("“=” marks a tie.")),
        "{:?}",
        r.embeds[0].footer
    );
    // Acts with as many entries share a rank, and the next rank skips them.
    let names = data.names(Chart::Billboard200, Kind::MostEntries, Who::Kpop, None);
    let tie = names
        .iter()
        .position(|n| n.5)
        .expect("two acts with as many albums");
    let r = t
        .ask("/records kind:most-entries chart:billboard-200")
        .await;
    let list = field_starting(&r, "Billboard 200");
    for n in names.iter().take(10) {
        let rank = if n.5 {
            format!("={}.", n.4)
        } else {
            format!("{}.", n.4)
        };
        assert!(
            list.lines()
                .any(|l| l.starts_with(&format!("{rank} **{}** · {} ", n.0, n.1))),
            "{n:?} in {list}"
        );
    }
    assert!(names[tie].4 <= 10, "a tie on the first page: {names:?}");
    // The leaders above the Billboard 200's No. 1s: the first five and all tied with the
    // fifth, stated as tied.
    let leaders = data.names(Chart::Billboard200, Kind::NumberOnes, Who::Kpop, None);
    let fifth = leaders[4].1;
    let leading: Vec<_> = leaders.iter().filter(|l| l.1 >= fifth).collect();
    assert!(leading.len() > 5, "a tie at the fifth: {leaders:?}");
    let r = t.ask("/records kind:number-ones chart:billboard-200").await;
    let shown_leaders = field_starting(&r, "Most · B200");
    assert_eq!(
        shown_leaders.lines().count(),
        leading.len(),
        "{shown_leaders}"
    );
    for l in leading {
        let rank = if l.5 {
            format!("={}.", l.4)
        } else {
            format!("{}.", l.4)
        };
        assert!(
            shown_leaders
                .lines()
                .any(|x| x.starts_with(&format!("{rank} **{}** · {} No. 1", l.0, l.1))),
            "{l:?} in {shown_leaders}"
        );
    }
}

/// The seed's lists with a tie across the end of page one: page two starts with the same
/// rank, and page one's last line says it is tied.
#[tokio::test]
async fn page_two_continues_the_ranks_and_a_tie_across_pages() {
    let t = TestApp::new().await;
    let data = seed_data();
    let mut crossing = None;
    'find: for chart in Chart::ALL {
        for kind in ENTRY_KINDS {
            let list = data.list(chart, kind, Who::Kpop, None);
            if list.len() > 10 && list[9].3.is_some() && list[9].3 == list[10].3 {
                crossing = Some((chart, kind, list));
                break 'find;
            }
        }
    }
    let (chart, kind, list) = crossing.expect("a tie across the end of page one");
    let question = format!("/records kind:{} chart:{}", kind.slug(), chart.slug());
    let r = ask(&t.app, &question, Locale::En).await;
    let caller = Caller {
        user_id: Some(7),
        ..Caller::default()
    };
    // The CLI has no asker to page for; a Discord user has.
    assert!(r.components.is_empty());
    let inv = kpop_facts::commands::Invocation::parse(&question, Locale::En).unwrap();
    let r = commands::respond(&t.app, &inv, &caller).await;
    let next = next_button(&r).expect("a ▶ button");
    let page2 = commands::respond_component(&t.app, &next, &[], &caller).await;
    assert!(!page2.refusal && page2.update, "{page2:?}");
    let pages = list.len().div_ceil(10);
    let one = field_starting(&r, chart.name());
    let two = field_starting(&page2, chart.name());
    let rank = list[9].3.unwrap();
    assert!(
        one.lines()
            .nth(9)
            .unwrap()
            .starts_with(&format!("={rank}. ")),
        "{one}"
    );
    assert!(
        two.lines()
            .next()
            .unwrap()
            .starts_with(&format!("={rank}. ")),
        "{two}"
    );
    let name = &page2.embeds[0]
        .fields
        .iter()
        .find(|f| f.name.starts_with(chart.name()))
        .unwrap()
        .name;
    assert_eq!(
        name,
        &format!(
            "{} · page 2 of {pages} ({} in all)",
            chart.name(),
            list.len()
        )
    );
    // Someone else may not turn it.
    let other = Caller {
        user_id: Some(8),
        ..Caller::default()
    };
    let refused = commands::respond_component(&t.app, &next, &[], &other).await;
    assert!(refused.refusal && refused.ephemeral, "{refused:?}");
}

fn next_button(r: &Reply) -> Option<String> {
    r.components.iter().find_map(|row| {
        row.buttons
            .iter()
            .find(|b| b.label == "▶" && !b.disabled)
            .map(|b| b.custom_id.clone())
    })
}

#[tokio::test]
async fn years_one_a_span_and_a_span_with_none() {
    let t = TestApp::new().await;
    let data = seed_data();
    let r = t.ask("/records kind:number-ones year:2020").await;
    assert!(!r.refusal, "{r:?}");
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("No. 1s · K-pop acts · 2020")
    );
    let y2020 = Some(Years {
        from: 2020,
        to: 2020,
    });
    for chart in Chart::ALL {
        let want = data.list(chart, Kind::NumberOnes, Who::Kpop, y2020);
        assert!(!want.is_empty());
        let list = field_starting(&r, &format!("{} ({} in all)", chart.name(), want.len()));
        for (_, week, title, ..) in &want {
            assert!(list.contains(&format!("“{title}”")) && list.contains(&week.to_string()));
        }
    }
    let r = t
        .ask("/records kind:top-tens chart:billboard-200 year:2018-2019")
        .await;
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("Top 10 entries · K-pop acts · 2018–2019")
    );
    let want = data.list(
        Chart::Billboard200,
        Kind::TopTens,
        Who::Kpop,
        Some(Years {
            from: 2018,
            to: 2019,
        }),
    );
    assert!(!want.is_empty());
    field_starting(&r, &format!("Billboard 200 ({} in all)", want.len()));
    let r = t.ask("/records kind:longest-runs year:1990-1995").await;
    assert!(!r.refusal, "{r:?}");
    for chart in Chart::ALL {
        assert_eq!(
            field_starting(&r, &format!("{} (0 in all)", chart.name())),
            "None in 1990–1995."
        );
    }
}

#[tokio::test]
async fn bad_years_and_firsts_for_everyone_are_refused_helpfully() {
    let t = TestApp::new().await;
    for bad in ["20x0", "2021-2019", "99", "2020-"] {
        let r = t
            .ask(&format!("/records kind:number-ones year:{bad}"))
            .await;
        assert!(r.refusal && r.ephemeral, "{bad}: {r:?}");
        assert_eq!(
            r.embeds[0].description.as_deref(),
            Some(
                format!(
                    "“{bad}” is not a year or a span of years. Use a year such as 2020, or a span \
                     such as 2018-2020."
                )
                .as_str()
            )
        );
    }
    let r = t.ask("/records kind:firsts who:everyone").await;
    assert!(r.refusal && r.ephemeral, "{r:?}");
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .unwrap()
            .contains("leave `who` out, or use groups, soloists or member-solos"),
        "{r:?}"
    );
    let r = t.ask("/records kind:best-ever").await;
    assert!(r.refusal && r.ephemeral, "{r:?}");
    assert!(shown(&r).contains("number-ones, top-tens"), "{}", shown(&r));
    let r = t.ask("/records kind:number-ones who:bands").await;
    assert!(
        r.refusal && shown(&r).contains("member-solos"),
        "{}",
        shown(&r)
    );
}

#[tokio::test]
async fn korean_and_japanese_answers_are_whole() {
    let t = TestApp::new().await;
    let ones = hot100_number_ones(seed_rows(Chart::Hot100), &read_acts());
    let (title, ..) = &ones[0];
    let cases = [
        (Locale::Ko, "1위", "최초 기록", "2020년 9월 5일"),
        (Locale::Ja, "1位", "初の記録", "2020年9月5日"),
    ];
    for (locale, number_ones, firsts, date) in cases {
        let r = t
            .ask_in("/records kind:number-ones chart:hot-100", locale)
            .await;
        assert!(!r.refusal, "{locale:?}: {r:?}");
        let heading = r.embeds[0].title.as_deref().unwrap();
        assert!(heading.starts_with(number_ones), "{heading}");
        let text = shown(&r);
        assert!(text.contains(&format!("“{title}”")), "{text}");
        assert!(text.contains(date), "{locale:?}: dates are local: {text}");
        let r = t.ask_in("/records kind:firsts", locale).await;
        assert!(
            r.embeds[0].title.as_deref().unwrap().starts_with(firsts),
            "{:?}",
            r.embeds[0].title
        );
        let refused = t
            .ask_in("/records kind:number-ones year:soon", locale)
            .await;
        assert!(refused.refusal);
        for r in [&r, &refused] {
            let text = shown(r);
            for key in [
                "records.", "{what}", "{who}", "{years}", "{date}", "{input}",
            ] {
                assert!(!text.contains(key), "{locale:?}: {key} leaked in {text}");
            }
        }
    }
}

// ── The full history ─────────────────────────────────────────────────────────────────────

#[tokio::test]
async fn kpop_records_match_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let data = full_data(full);
    for who in KPOP_WHO {
        check_lists(&full.app, data, who, &spans(data), |_, _| 0).await;
    }
    let ties = check_firsts(&full.app, data, &spans(data)).await;
    let r = ask(&full.app, "/records kind:firsts", Locale::En).await;
    let shown_ties = assert_firsts_shown(&r, data, None);
    println!("firsts set by two entries in one week: {ties} (all spans), {shown_ties} (all years)");
}

#[tokio::test]
async fn everyone_matches_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let data = full_data(full);
    let spans = [
        None,
        Some(Years {
            from: 1985,
            to: 1985,
        }),
        Some(Years {
            from: 2000,
            to: 2009,
        }),
    ];
    // The first weeks at No. 1 and in the top 10 are read alike; lists of every run may
    // differ in a few runs in a thousand.
    let slack = |kind: Kind, lines: usize| match kind {
        Kind::NumberOnes | Kind::WeeksAtOne => 0,
        _ => 10 + lines / 500,
    };
    check_lists(&full.app, data, Who::Everyone, &spans, slack).await;
    // As answered: credits as printed, the most Hot 100 No. 1s first.
    let r = ask(
        &full.app,
        "/records kind:number-ones chart:hot-100 who:everyone",
        Locale::En,
    )
    .await;
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("No. 1s · everyone on the chart")
    );
    let footer = r.embeds[0].footer.as_deref().unwrap_or_default();
    assert!(
        footer.contains("Acts are the exact credits as printed."),
        "{footer}"
    );
    let most = &data.names(Chart::Hot100, Kind::NumberOnes, Who::Everyone, None)[0];
    let leaders = field_starting(&r, "Most · Hot 100");
    assert!(
        leaders.starts_with(&format!(
            "1. **{}** · {} No. 1s · first {}",
            most.0, most.1, most.2
        )),
        "{leaders}"
    );
}

#[tokio::test]
async fn savage_love_is_listed_under_bts_and_never_counted() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let data = full_data(full);
    let ones = data.list(Chart::Hot100, Kind::NumberOnes, Who::Kpop, None);
    let savage = ones
        .iter()
        .find(|o| o.2 == SAVAGE_LOVE.0)
        .expect("the remix's run");
    assert_eq!(savage.1, day("2020-10-17"));
    assert_eq!((savage.3, savage.4), (None, false), "listed, not counted");
    let r = ask(
        &full.app,
        "/records kind:number-ones chart:hot-100",
        Locale::En,
    )
    .await;
    let list = field_starting(&r, "Billboard Hot 100");
    let line = list
        .lines()
        .find(|l| l.contains(SAVAGE_LOVE.0))
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(
        line,
        format!(
            "– “{}” — {credit} · No. 1 on 2020-10-17 · 1 week at No. 1 · listed under BTS, not \
             counted: the chart data credits {credit} only",
            SAVAGE_LOVE.0,
            credit = SAVAGE_LOVE.1
        )
    );
    // Every K-pop No. 1 of the history is on the page, ranked without the remix.
    let counted = hot100_number_ones(full.rows(Chart::Hot100), &data.acts);
    assert!(counted.len() < 10, "one page: {counted:?}");
    for (i, (title, credit, week, _)) in counted.iter().enumerate() {
        assert!(
            list.lines().any(|l| l.starts_with(&format!(
                "{}. “{title}” — {credit} · No. 1 on {week}",
                i + 1
            ))),
            "{title}: {list}"
        );
    }
    // BTS's count leaves it out; firsts and the groups' list say the same.
    let bts_ones = counted.iter().filter(|o| o.1.contains("BTS")).count();
    let leaders = field_starting(&r, "Most · Hot 100");
    assert!(
        leaders
            .lines()
            .any(|l| l.contains("**BTS** · ") && l.contains(&format!(" {bts_ones} No. 1s"))),
        "{leaders}"
    );
    let groups = ask(
        &full.app,
        "/records kind:weeks-at-one chart:hot-100 who:groups",
        Locale::En,
    )
    .await;
    assert!(shown(&groups).contains("listed under BTS, not counted"));
    let soloists = ask(
        &full.app,
        "/records kind:number-ones chart:hot-100 who:soloists",
        Locale::En,
    )
    .await;
    assert!(!shown(&soloists).contains(SAVAGE_LOVE.0));
}

// ── The store keeps records current ──────────────────────────────────────────────────────

#[tokio::test]
async fn a_new_week_updates_the_touched_runs_records_and_undo_restores_them() {
    use kpop_facts::edits::{self, ImportKind, Who as Editor};
    use kpop_facts::store::Actor;

    let t = TestApp::new().await;
    let store = t.app.store();
    let records = |s: &kpop_facts::store::Store| {
        let s = s.clone();
        async move { s.run_records_after(0, 1_000_000).await.unwrap() }
    };
    let before = records(store).await;
    // A K-pop entry of the newest Hot 100 week that never reached No. 1 goes to No. 1.
    let rows = seed_rows(Chart::Hot100);
    let newest = &rows[rows.len() - 1].chart_date;
    let acts = read_acts();
    let ones = hot100_number_ones(rows, &acts);
    let climber = rows
        .iter()
        .filter(|r| &r.chart_date == newest && r.position > 1)
        .find(|r| {
            !ones.iter().any(|o| o.0 == r.title)
                && acts
                    .iter()
                    .any(|a| a.credits[slot(Chart::Hot100)].contains(&r.artist))
        })
        .expect("a K-pop entry below No. 1 in the newest week");
    let next = day(newest) + Days::new(7);
    let week = ChartRow {
        chart_date: next.to_string(),
        position: 1,
        title: climber.title.clone(),
        artist: climber.artist.clone(),
        last_week: Some(climber.position),
        peak: Some(1),
        weeks_on_chart: climber.weeks_on_chart.map(|w| w + 1),
    };
    let csv = format!(
        "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n{},1,\"{}\",\"{}\",{},1,{}\n",
        week.chart_date,
        week.title,
        week.artist,
        climber.position,
        week.weeks_on_chart.unwrap_or(1)
    );
    let owner = Editor {
        actor: Actor::Cli,
        guild_id: None,
    };
    let (_, change) = edits::apply_import(
        store,
        &owner,
        ImportKind::Chart(Chart::Hot100),
        csv.as_bytes(),
    )
    .await
    .unwrap();
    let after = records(store).await;
    let changed: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
    assert_eq!(changed.len(), 1, "only the touched run: {changed:?}");
    assert_eq!(changed[0].first_at_one, Some(next));
    assert_eq!(changed[0].weeks_at_one, 1);
    assert_eq!(after.len(), before.len());
    // The lists read the new week, as the CSV with the week added says.
    let mut with_week = rows.to_vec();
    with_week.push(week);
    let data = data_of(&with_week, seed_rows(Chart::Billboard200));
    let ix = t.app.indexes().await.unwrap();
    for kind in ENTRY_KINDS {
        let got = ix
            .records
            .list(kind, Some(Chart::Hot100), Who::Kpop, None, 0, ALL)
            .remove(0);
        let mut got = shown_lines(&ix, kind, &got.lines);
        got.sort();
        assert_same(
            &got,
            &data.list(Chart::Hot100, kind, Who::Kpop, None),
            kind.slug(),
        );
    }
    let r = t.ask("/records kind:number-ones chart:hot-100").await;
    let list = field_starting(&r, "Billboard Hot 100");
    assert!(
        list.lines()
            .any(|l| l.contains(&format!("“{}” — ", climber.title))
                && l.contains(&format!(" · No. 1 on {next} · 1 week at No. 1"))),
        "{list}"
    );
    // Undo takes the week back, and its records with it.
    edits::undo(store, &owner, change).await.unwrap();
    assert_eq!(records(store).await, before);
    let r = t.ask("/records kind:number-ones chart:hot-100").await;
    assert!(!shown(&r).contains(&next.to_string()), "{}", shown(&r));
}

// ── End to end against the fake Discord ──────────────────────────────────────────────────

const WAIT: Duration = Duration::from_secs(5);

async fn answered(fake: &FakeDiscord, payload: Value) -> RecordedResponse {
    let sent = fake.dispatch(payload).await;
    fake.wait_response(sent.id, WAIT)
        .await
        .expect("the bot answered")
}

#[tokio::test]
async fn records_pages_for_the_asker_only_on_discord() {
    use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let settings = Settings {
        token: Secret::new(fake.config().token.clone()),
        api_base_url: Some(fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let bot = tokio::spawn(discord::run(settings, app, rx));
    assert!(fake.wait_ready(WAIT).await, "the bot connected");
    assert!(
        fake.wait_until(WAIT, |f| f
            .registered_commands(None)
            .iter()
            .any(|c| c["name"] == "records"))
            .await,
        "/records is registered"
    );

    // The Billboard 200's No. 1s run past one page.
    let data = seed_data();
    let want = data.list(Chart::Billboard200, Kind::NumberOnes, Who::Kpop, None);
    assert!(want.len() > 10);
    let me = fake.config().user_id;
    let r = answered(
        &fake,
        fake.slash("records")
            .option("kind", "number-ones")
            .option("chart", "billboard-200")
            .build(),
    )
    .await;
    assert_eq!(r.kind, 4, "{:?}", r.body);
    assert!(r.data().get("flags").is_none_or(Value::is_null), "public");
    let fields = r.embeds()[0]["fields"].to_string();
    let pages = want.len().div_ceil(10);
    assert!(
        fields.contains(&format!(
            "Billboard 200 · page 1 of {pages} ({} in all)",
            want.len()
        )),
        "{fields}"
    );
    assert!(fields.contains(&format!("1. “{}”", want[0].2)), "{fields}");
    let buttons = r.data()["components"][0]["components"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(buttons[0]["label"], "◀");
    assert_eq!(buttons[0]["disabled"], true, "no page before the first");
    assert_eq!(buttons[1]["label"], "▶");
    let next = buttons[1]["custom_id"].as_str().unwrap().to_string();

    let other = answered(
        &fake,
        fake.button(&next).user(me + 1, "someone else").build(),
    )
    .await;
    assert_eq!((other.kind, other.data()["flags"].as_u64()), (4, Some(64)));
    assert!(
        other.embeds()[0]["description"]
            .as_str()
            .unwrap()
            .contains("Only the person who asked"),
        "{:?}",
        other.body
    );

    let turned = answered(&fake, fake.button(&next).user(me, "me").build()).await;
    assert_eq!(turned.kind, 7, "the message itself turns the page");
    let fields = turned.embeds()[0]["fields"].to_string();
    assert!(
        fields.contains(&format!("Billboard 200 · page 2 of {pages}")),
        "{fields}"
    );
    assert!(
        fields.contains(&format!("11. “{}”", want[10].2)),
        "{fields}"
    );
    assert!(!fields.contains(&format!("“{}”", want[0].2)), "{fields}");

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, bot)
        .await
        .expect("stopped in time")
        .unwrap()
        .expect("a clean shutdown");
}
