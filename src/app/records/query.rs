//! Reading records: a page of one kind for one chart, filtered by whose and by years, ranked
//! with ties stated, and the firsts.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{ActKind, ChartRecords, Day, Entry, Kind, Records, Set, Who, Years};
use crate::domain::chart::Chart;

/// The sort key of an entry in a kind's list (smaller first), or None when the entry has no
/// place in it (no week at No. 1, no debut, no climb).
pub(super) fn value(kind: Kind, e: &Entry, opening: Option<Day>) -> Option<i64> {
    let neg = |n: u16| -i64::from(n);
    match kind {
        Kind::NumberOnes => e.first_at_one.map(|d| i64::from(d.raw())),
        Kind::TopTens => e.first_in_top_ten.map(|d| i64::from(d.raw())),
        Kind::MostWeeks | Kind::MostEntries | Kind::Firsts => Some(neg(e.weeks)),
        Kind::WeeksAtOne => (e.weeks_at_one > 0).then(|| neg(e.weeks_at_one)),
        Kind::LongestRuns => Some(neg(e.streak)),
        Kind::HighestDebuts => debut(e, opening).map(i64::from),
        Kind::BiggestJumps => e.jump.map(|j| -i64::from(j.size())),
    }
}

/// The debut position, unless the entry was already on the chart's first week held.
fn debut(e: &Entry, opening: Option<Day>) -> Option<u8> {
    e.debut_position.filter(|_| Some(e.first) != opening)
}

/// The week that places an entry in a kind, for the `year` filter and as its evidence.
pub(super) fn placed(kind: Kind, e: &Entry) -> Option<Day> {
    match kind {
        Kind::NumberOnes | Kind::WeeksAtOne => e.first_at_one,
        Kind::TopTens => e.first_in_top_ten,
        Kind::MostWeeks | Kind::MostEntries | Kind::HighestDebuts | Kind::Firsts => Some(e.first),
        Kind::LongestRuns => Some(e.streak_from),
        Kind::BiggestJumps => e.jump.map(|j| j.week),
    }
}

/// One line of a list: its rank (None for an entry listed but not counted), whether another
/// line shares the rank, and what it ranks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub rank: Option<usize>,
    pub tied: bool,
    pub item: Item,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Entry(Entry),
    /// A K-pop act with `count` entries of the kind, the first and latest placed weeks.
    Act {
        act: u16,
        count: usize,
        first: Day,
        latest: Day,
    },
    /// An exact credit, read from the run `song_id`, with the same.
    Credit {
        song_id: i64,
        count: usize,
        first: Day,
        latest: Day,
    },
}

/// One chart's part of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub chart: Chart,
    /// The page's lines.
    pub lines: Vec<Line>,
    /// Lines in the whole list.
    pub total: usize,
    /// For No. 1s and top tens: who has the most, ranked (up to five lines and their ties).
    pub leaders: Vec<Line>,
    /// The newest week the records reach.
    pub newest: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstKind {
    Entry,
    TopTen,
    NumberOne,
    NumberOneDebut,
}

impl FirstKind {
    pub const ALL: [FirstKind; 4] = [
        FirstKind::Entry,
        FirstKind::TopTen,
        FirstKind::NumberOne,
        FirstKind::NumberOneDebut,
    ];
}

/// The first entries of a kind by acts of one kind on one chart: none yet, one, or several
/// in the same week (a tie).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct First {
    pub kind: FirstKind,
    pub acts: ActKind,
    pub entries: Vec<Entry>,
}

/// Leaders shown above a list of No. 1s or top tens.
const LEADERS: usize = 5;

impl Records {
    /// Page `page` (of `per_page` lines) of `kind` on each chart asked (both when `chart` is
    /// None). `Kind::Firsts` is read by [`Records::firsts`].
    pub fn list(
        &self,
        kind: Kind,
        chart: Option<Chart>,
        who: Who,
        years: Option<Years>,
        page: usize,
        per_page: usize,
    ) -> Vec<Section> {
        charts(chart)
            .map(|chart| {
                let c = self.chart(chart);
                let within = (page * per_page)..((page + 1) * per_page);
                let (lines, total) = match kind {
                    Kind::MostEntries => self.names(c, kind, who, years, within, false),
                    _ => self.entries(c, kind, who, years, within),
                };
                let leaders = match kind {
                    Kind::NumberOnes | Kind::TopTens => {
                        self.names(c, kind, who, years, 0..LEADERS, true).0
                    }
                    _ => Vec::new(),
                };
                Section {
                    chart,
                    lines,
                    total,
                    leaders,
                    newest: c.newest,
                }
            })
            .collect()
    }

    fn set<'c>(&self, c: &'c ChartRecords, who: Who) -> &'c Set {
        if who == Who::Everyone {
            &c.everyone
        } else {
            &c.kpop
        }
    }

    fn admits(&self, who: Who, e: &Entry) -> bool {
        who == Who::Everyone || self.act(e.act).is_some_and(|a| who.admits(a))
    }

    /// A kind's entries in its order, ranked, the lines at `within` and how many in all.
    fn entries(
        &self,
        c: &ChartRecords,
        kind: Kind,
        who: Who,
        years: Option<Years>,
        within: std::ops::Range<usize>,
    ) -> (Vec<Line>, usize) {
        let Some(order) = kind.order() else {
            return (Vec::new(), 0);
        };
        let set = self.set(c, who);
        // The whole chart's list unfiltered is walked only up to the page.
        let unfiltered = who == Who::Everyone && years.is_none();
        let years = years.map(Years::days);
        let mut seen: HashSet<u32> = HashSet::new();
        let mut lines: Vec<(Line, i64)> = Vec::new();
        let mut next_value = None;
        let (mut n, mut counted) = (0usize, 0usize);
        let mut last: Option<(i64, usize)> = None;
        for &i in &set.orders[order] {
            let e = &set.entries[i as usize];
            let Some(v) = value(kind, e, c.opening) else {
                continue;
            };
            if !self.admits(who, e)
                || years.is_some_and(|y| placed(kind, e).is_none_or(|d| !y.contains(d)))
                // An entry crediting two K-pop acts is listed once.
                || (who != Who::Everyone && !seen.insert(e.song_id))
            {
                continue;
            }
            let ranked = e.counted.then(|| {
                counted += 1;
                let ranked = match last {
                    Some((lv, lr)) if lv == v => (lr, true),
                    _ => (counted, false),
                };
                last = Some((v, ranked.0));
                ranked
            });
            let (rank, tied) = (ranked.map(|r| r.0), ranked.is_some_and(|r| r.1));
            if within.contains(&n) {
                lines.push((
                    Line {
                        rank,
                        tied,
                        item: Item::Entry(*e),
                    },
                    v,
                ));
            } else if n >= within.end && rank.is_some() && next_value.is_none() {
                next_value = Some(v);
            }
            n += 1;
            if unfiltered && n > within.end {
                break;
            }
        }
        mark_ties_ahead(&mut lines, next_value);
        let total = if unfiltered {
            set.orders[order].len()
        } else {
            n
        };
        (lines.into_iter().map(|(l, _)| l).collect(), total)
    }

    /// Acts (or, for everyone, exact credits) ranked by how many entries of `kind` they have;
    /// `with_ties` also keeps the names tied with the last line `within`.
    pub(super) fn names(
        &self,
        c: &ChartRecords,
        kind: Kind,
        who: Who,
        years: Option<Years>,
        within: std::ops::Range<usize>,
        with_ties: bool,
    ) -> (Vec<Line>, usize) {
        let ranked = self.tally(c, kind, who, years);
        let total = ranked.len();
        let lines = rank_names(ranked, within, with_ties)
            .into_iter()
            .filter_map(|(rank, tied, name, (count, first, latest))| {
                let (first, latest) = (Day::from_raw(first)?, Day::from_raw(latest)?);
                let item = if who == Who::Everyone {
                    Item::Credit {
                        song_id: *c.credits.get(name)?,
                        count,
                        first,
                        latest,
                    }
                } else {
                    Item::Act {
                        act: name as u16,
                        count,
                        first,
                        latest,
                    }
                };
                Some(Line {
                    rank: Some(rank),
                    tied,
                    item,
                })
            })
            .collect();
        (lines, total)
    }

    /// Per name with entries of `kind`: its index, how many, the first and latest placed weeks.
    fn tally(&self, c: &ChartRecords, kind: Kind, who: Who, years: Option<Years>) -> Vec<Named> {
        let set = self.set(c, who);
        let span = years.map(Years::days);
        // Per name: entries, first and latest placed weeks.
        let size = if who == Who::Everyone {
            c.credits.len()
        } else {
            self.acts.len()
        };
        let mut tally: Vec<(usize, u16, u16)> = vec![(0, u16::MAX, 0); size];
        // Only the entries that can count: those in the kind's own list, or (for entries, in
        // debut order) those that debuted within the years.
        let all: Box<dyn Iterator<Item = usize>> = match kind.order() {
            Some(o) => Box::new(set.orders[o].iter().map(|&i| i as usize)),
            None => Box::new(set.within(years)),
        };
        for i in all {
            let e = &set.entries[i];
            let Some(day) = placed(kind, e) else {
                continue;
            };
            if !e.counted
                || value(kind, e, c.opening).is_none()
                || !self.admits(who, e)
                || span.is_some_and(|y| !y.contains(day))
            {
                continue;
            }
            let name = if who == Who::Everyone {
                c.credit_of[i] as usize
            } else {
                usize::from(e.act)
            };
            let t = &mut tally[name];
            t.0 += 1;
            t.1 = t.1.min(day.raw());
            t.2 = t.2.max(day.raw());
        }
        tally
            .into_iter()
            .enumerate()
            .filter(|(_, t)| t.0 > 0)
            .collect()
    }

    /// The firsts on each chart asked, for groups and soloists (or only the acts `who` names).
    pub fn firsts(
        &self,
        chart: Option<Chart>,
        who: Who,
        years: Option<Years>,
    ) -> Vec<(Chart, Vec<First>)> {
        let sections: &[(ActKind, Who)] = match who {
            Who::Groups => &[(ActKind::Group, Who::Groups)],
            Who::Soloists => &[(ActKind::Soloist, Who::Soloists)],
            Who::MemberSolos => &[(ActKind::MemberSolo, Who::MemberSolos)],
            Who::Kpop | Who::Everyone => &[
                (ActKind::Group, Who::Groups),
                (ActKind::Soloist, Who::Soloists),
            ],
        };
        charts(chart)
            .map(|chart| {
                let c = self.chart(chart);
                let firsts = sections
                    .iter()
                    .flat_map(|&(acts, who)| {
                        FirstKind::ALL.into_iter().map(move |kind| First {
                            kind,
                            acts,
                            entries: self.first(c, kind, who, years),
                        })
                    })
                    .collect();
                (chart, firsts)
            })
            .collect()
    }

    fn first(
        &self,
        c: &ChartRecords,
        kind: FirstKind,
        who: Who,
        years: Option<Years>,
    ) -> Vec<Entry> {
        let years = years.map(Years::days);
        let day = |e: &Entry| match kind {
            FirstKind::Entry => Some(e.first),
            FirstKind::TopTen => e.first_in_top_ten,
            FirstKind::NumberOne => e.first_at_one,
            FirstKind::NumberOneDebut => (debut(e, c.opening) == Some(1)).then_some(e.first),
        };
        let candidates = c.kpop.entries.iter().filter_map(|e| {
            let d = day(e)?;
            (e.counted && self.admits(who, e) && years.is_none_or(|y| y.contains(d)))
                .then_some((d, e))
        });
        let Some(earliest) = candidates.clone().map(|(d, _)| d).min() else {
            return Vec::new();
        };
        let mut seen = HashSet::new();
        candidates
            .filter(|(d, e)| *d == earliest && seen.insert(e.song_id))
            .map(|(_, e)| *e)
            .collect()
    }
}

/// A name's count, and its first and latest placed weeks (raw days).
type Tally = (usize, u16, u16);
/// A name's index and its tally.
type Named = (usize, Tally);
/// A name ranked: its rank, whether it shares it, its index and its tally.
type RankedName = (usize, bool, usize, Tally);

/// The names at `within` of the ranking by count (more first, then the earlier first week),
/// each as (rank, shares it, name, tally), and with `with_ties` those tied with the last.
/// Ranks come from a histogram of counts, so only the lines shown are sorted.
fn rank_names(
    mut ranked: Vec<Named>,
    within: std::ops::Range<usize>,
    with_ties: bool,
) -> Vec<RankedName> {
    let total = ranked.len();
    let mut above = vec![0usize; ranked.iter().map(|(_, t)| t.0).max().unwrap_or(0) + 2];
    for (_, t) in &ranked {
        above[t.0] += 1;
    }
    let same: Vec<usize> = above.clone();
    for k in (0..above.len() - 1).rev() {
        above[k] += above[k + 1];
    }
    let key = |(_, t): &Named| (std::cmp::Reverse(t.0), t.1);
    let end = within.end.min(total);
    if end > 0 && end < total {
        ranked.select_nth_unstable_by_key(end - 1, key);
        let mut keep = end;
        if with_ties {
            let last = ranked[end - 1].1.0;
            for i in end..total {
                if ranked[i].1.0 == last {
                    ranked.swap(i, keep);
                    keep += 1;
                }
            }
        }
        ranked.truncate(keep);
    }
    ranked.sort_by_key(key);
    ranked
        .into_iter()
        .skip(within.start)
        .map(|(name, t)| (above[t.0 + 1] + 1, same[t.0] > 1, name, t))
        .collect()
}

/// Marks lines tied with the line after them (within the page, or `next` after it).
fn mark_ties_ahead(lines: &mut [(Line, i64)], next: Option<i64>) {
    let counted: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].0.rank.is_some())
        .collect();
    for (k, &i) in counted.iter().enumerate() {
        let ahead = counted.get(k + 1).map(|&j| lines[j].1).or(next);
        if ahead == Some(lines[i].1) {
            lines[i].0.tied = true;
        }
    }
}

fn charts(chart: Option<Chart>) -> impl Iterator<Item = Chart> {
    Chart::ALL
        .into_iter()
        .filter(move |c| chart.is_none_or(|only| only == *c))
}
