//! Records computed from the chart data: K-pop acts' (as credited) and the whole chart's
//! (entries and exact credit strings). Built with the search index from one small stored row
//! per run (`run_records`, kept current for the runs each write touches) and from the acts'
//! credited runs, and presorted per kind, so an answer is a filtered walk of one list.

mod entry;
mod query;
mod standing;

use chrono::NaiveDate;

pub use entry::{Day, DaySpan, Entry, Jump, NO_ACT};
pub use query::{First, FirstKind, Item, Line, Section};
pub use standing::Lead;

use crate::app::acts::ActFacts;
use crate::app::search::SearchIndex;
use crate::domain::chart::Chart;
use crate::store::RunRecordRow;

/// The record kinds, in the order `/records` offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    NumberOnes,
    TopTens,
    MostEntries,
    MostWeeks,
    WeeksAtOne,
    LongestRuns,
    HighestDebuts,
    BiggestJumps,
    Firsts,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::NumberOnes,
        Kind::TopTens,
        Kind::MostEntries,
        Kind::MostWeeks,
        Kind::WeeksAtOne,
        Kind::LongestRuns,
        Kind::HighestDebuts,
        Kind::BiggestJumps,
        Kind::Firsts,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::NumberOnes => "number-ones",
            Kind::TopTens => "top-tens",
            Kind::MostEntries => "most-entries",
            Kind::MostWeeks => "most-weeks",
            Kind::WeeksAtOne => "weeks-at-one",
            Kind::LongestRuns => "longest-runs",
            Kind::HighestDebuts => "highest-debuts",
            Kind::BiggestJumps => "biggest-jumps",
            Kind::Firsts => "firsts",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Kind::ALL.into_iter().find(|k| k.slug() == t)
    }

    /// The entry kinds listed in a presorted order, and that order's slot.
    fn order(self) -> Option<usize> {
        ORDERED.iter().position(|&k| k == self)
    }
}

/// Kinds listed entry by entry, each presorted.
const ORDERED: [Kind; 7] = [
    Kind::NumberOnes,
    Kind::TopTens,
    Kind::MostWeeks,
    Kind::WeeksAtOne,
    Kind::LongestRuns,
    Kind::HighestDebuts,
    Kind::BiggestJumps,
];

/// Whose records: K-pop acts (as credited), everyone on the chart, or some of the K-pop acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Who {
    #[default]
    Kpop,
    Everyone,
    Groups,
    Soloists,
    MemberSolos,
}

impl Who {
    pub const ALL: [Who; 5] = [
        Who::Kpop,
        Who::Everyone,
        Who::Groups,
        Who::Soloists,
        Who::MemberSolos,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Who::Kpop => "kpop",
            Who::Everyone => "everyone",
            Who::Groups => "groups",
            Who::Soloists => "soloists",
            Who::MemberSolos => "member-solos",
        }
    }

    pub fn parse(text: &str) -> Option<Who> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        let t = if t == "k-pop" { "kpop".to_string() } else { t };
        Who::ALL.into_iter().find(|w| w.slug() == t)
    }

    fn admits(self, act: &ActInfo) -> bool {
        match self {
            Who::Kpop | Who::Everyone => true,
            Who::Groups => act.kind == ActKind::Group,
            Who::Soloists => act.kind != ActKind::Group,
            Who::MemberSolos => act.kind == ActKind::MemberSolo,
        }
    }
}

/// A span of whole years, `YYYY` or `YYYY-YYYY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Years {
    pub from: i32,
    pub to: i32,
}

impl Years {
    /// Reads `2020`, `2018-2020` (any dash, spaces allowed); None when it is not years in order
    /// between 1900 and 2199.
    pub fn parse(text: &str) -> Option<Years> {
        let text = text.trim().replace(['–', '—', '~', '〜'], "-");
        let year = |s: &str| {
            let s = s.trim();
            (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i32>().ok())
                .flatten()
                .filter(|y| (1900..2200).contains(y))
        };
        let (from, to) = match text.split_once('-') {
            Some((a, b)) => (year(a)?, year(b)?),
            None => (year(&text)?, year(&text)?),
        };
        (from <= to).then_some(Years { from, to })
    }

    pub fn days(self) -> DaySpan {
        DaySpan::years(self.from, self.to)
    }

    pub fn label(self) -> String {
        if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}–{}", self.from, self.to)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActKind {
    Group,
    Soloist,
    /// A soloist who is a member of a group.
    MemberSolo,
}

/// A K-pop act records are kept for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActInfo {
    pub id: String,
    pub name: String,
    pub kind: ActKind,
}

/// Entries an act took part in that the chart data credits to others only (SOURCES.md):
/// listed under the act with the credit printed, never counted. `(act, chart, title, credit)`.
const UNCREDITED: &[(&str, Chart, &str, &str)] = &[(
    "bts",
    Chart::Hot100,
    "Savage Love (Laxed - Siren Beat)",
    "Jawsh 685 x Jason Derulo",
)];

/// Entries and the orders each kind reads them in.
#[derive(Default)]
struct Set {
    entries: Vec<Entry>,
    orders: Vec<Vec<u32>>,
}

impl Set {
    /// The entries (in debut order) whose first week falls within `years`.
    fn within(&self, years: Option<Years>) -> std::ops::Range<usize> {
        let Some(y) = years else {
            return 0..self.entries.len();
        };
        let (from, to) = Day::year_bounds(y.from, y.to);
        let start = self.entries.partition_point(|e| e.first.raw() < from);
        let end = self.entries.partition_point(|e| e.first.raw() < to);
        start..end
    }

    /// Puts the entries in debut order and presorts every kind. `opening` is the chart's
    /// first week held, whose entries are no debuts.
    fn sort(&mut self, opening: Option<Day>) {
        self.entries.sort_by_key(|e| (e.first, e.song_id));
        self.entries.shrink_to_fit();
        self.orders = ORDERED
            .iter()
            .map(|&kind| {
                let mut order: Vec<u32> = (0..self.entries.len() as u32)
                    .filter(|&i| query::value(kind, &self.entries[i as usize], opening).is_some())
                    .collect();
                order.sort_by_key(|&i| {
                    let e = &self.entries[i as usize];
                    (
                        query::value(kind, e, opening),
                        query::placed(kind, e),
                        e.song_id,
                    )
                });
                order.shrink_to_fit();
                order
            })
            .collect();
    }
}

#[derive(Default)]
struct ChartRecords {
    /// The first week held: its entries may have charted before, so none of them is a debut.
    opening: Option<Day>,
    newest: Option<NaiveDate>,
    everyone: Set,
    kpop: Set,
    /// Per entry of `everyone`: the group of entries with its exact credit.
    credit_of: Vec<u32>,
    /// Per credit group: an entry's song id, to read the credit by.
    credits: Vec<i64>,
}

#[derive(Default)]
pub struct Records {
    acts: Vec<ActInfo>,
    charts: [ChartRecords; 2],
}

/// Collects the whole runs' entries a slice at a time.
pub struct RecordsBuilder {
    everyone: [Vec<Entry>; 2],
}

fn slot(chart: Chart) -> usize {
    match chart {
        Chart::Hot100 => 0,
        Chart::Billboard200 => 1,
    }
}

impl RecordsBuilder {
    /// A builder with room for every run the search index holds, so the lists never grow
    /// past their size.
    pub fn new(search: &SearchIndex) -> RecordsBuilder {
        let mut sizes = [0usize; 2];
        for song in search.songs() {
            sizes[slot(song.chart)] += 1;
        }
        RecordsBuilder {
            everyone: sizes.map(Vec::with_capacity),
        }
    }

    pub fn add(&mut self, search: &SearchIndex, rows: &[RunRecordRow]) {
        for row in rows {
            let Some(song) = search.song_by_id(row.song_id) else {
                continue;
            };
            if let Some(entry) = Entry::of_run(row, &song) {
                self.everyone[slot(song.chart)].push(entry);
            }
        }
    }

    pub fn finish(self, search: &SearchIndex, facts: &ActFacts) -> Records {
        let acts = kpop_acts(search, facts);
        let mut records = Records {
            acts,
            charts: Default::default(),
        };
        for (chart, everyone) in Chart::ALL.into_iter().zip(self.everyone) {
            let c = &mut records.charts[slot(chart)];
            c.opening = search
                .coverage(chart)
                .and_then(|(first, _, _)| Day::new(first));
            c.newest = search.latest_date(chart);
            c.everyone.entries = everyone;
            c.everyone.sort(c.opening);
            group_credits(c, search);
        }
        for (i, act) in records.acts.iter().enumerate() {
            for run in facts.runs(&act.id) {
                if let Some(e) = Entry::of_credited(run, i as u16) {
                    records.charts[slot(run.chart)].kpop.entries.push(e);
                }
            }
        }
        add_uncredited(&mut records, search);
        for c in &mut records.charts {
            c.kpop.sort(c.opening);
        }
        records
    }
}

/// The K-pop acts, with what kind of act each is.
fn kpop_acts(search: &SearchIndex, facts: &ActFacts) -> Vec<ActInfo> {
    search
        .acts()
        .iter()
        .filter(|a| a.row.is_kpop)
        .map(|a| {
            let kind = if !a.row.kind.starts_with("solo") {
                ActKind::Group
            } else if a.row.kind.contains("member") || !facts.groups_of(&a.row.id).is_empty() {
                ActKind::MemberSolo
            } else {
                ActKind::Soloist
            };
            ActInfo {
                id: a.row.id.clone(),
                name: a.row.name.clone(),
                kind,
            }
        })
        .take(usize::from(NO_ACT))
        .collect()
}

/// Groups the chart's entries by their exact credit.
fn group_credits(c: &mut ChartRecords, search: &SearchIndex) {
    let credit = |e: &Entry| search.song_by_id(e.song()).map_or("", |s| s.credit);
    let entries = &c.everyone.entries;
    let mut by_credit: Vec<u32> = (0..entries.len() as u32).collect();
    by_credit.sort_by(|&a, &b| credit(&entries[a as usize]).cmp(credit(&entries[b as usize])));
    c.credit_of = vec![0; entries.len()];
    let mut last: Option<&str> = None;
    for i in by_credit {
        let e = &entries[i as usize];
        let text = credit(e);
        if last != Some(text) {
            c.credits.push(e.song());
            last = Some(text);
        }
        c.credit_of[i as usize] = (c.credits.len() - 1) as u32;
    }
}

fn add_uncredited(records: &mut Records, search: &SearchIndex) {
    for &(act, chart, title, credit) in UNCREDITED {
        let Some(i) = records.acts.iter().position(|a| a.id == act) else {
            continue;
        };
        let c = &mut records.charts[slot(chart)];
        let found: Vec<Entry> = c
            .everyone
            .entries
            .iter()
            .filter(|e| {
                search
                    .song_by_id(e.song())
                    .is_some_and(|s| s.title == title && s.credit == credit)
            })
            .copied()
            .collect();
        for mut e in found {
            e.act = i as u16;
            e.counted = false;
            c.kpop.entries.push(e);
        }
    }
}

impl Records {
    pub fn act(&self, i: u16) -> Option<&ActInfo> {
        self.acts.get(usize::from(i))
    }

    fn chart(&self, chart: Chart) -> &ChartRecords {
        &self.charts[slot(chart)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_years_and_spans() {
        assert_eq!(
            Years::parse("2020"),
            Some(Years {
                from: 2020,
                to: 2020
            })
        );
        assert_eq!(
            Years::parse(" 2018 – 2020 "),
            Some(Years {
                from: 2018,
                to: 2020
            })
        );
        for bad in ["2020-2018", "20", "2020-", "twenty", "1850", "2020-21"] {
            assert_eq!(Years::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn years_hold_their_weeks_only() {
        let y = Years::parse("2020-2021").unwrap();
        let day = |s: &str| Day::new(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()).unwrap();
        assert!(y.days().contains(day("2020-01-04")));
        assert!(y.days().contains(day("2021-12-25")));
        assert!(!y.days().contains(day("2019-12-28")));
        assert!(!y.days().contains(day("2022-01-01")));
    }

    #[test]
    fn reads_kinds_and_whose_by_their_slugs() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.slug()), Some(kind));
        }
        assert_eq!(Kind::parse("Number Ones"), Some(Kind::NumberOnes));
        assert_eq!(Who::parse("k-pop"), Some(Who::Kpop));
        assert_eq!(Who::parse("member_solos"), Some(Who::MemberSolos));
        assert_eq!(Who::parse("fans"), None);
    }
}
