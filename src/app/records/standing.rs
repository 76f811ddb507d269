//! What the records say of one K-pop act or one entry: the K-pop records it leads, ties
//! included, for the milestones `/artist` and `/chart` compute from the chart data.

use super::{ChartRecords, Day, Entry, Item, Kind, Records, Who, query};
use crate::domain::chart::Chart;

/// A K-pop record held: ahead of (or level with) every other K-pop act or entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lead {
    /// An act's count of `kind` (No. 1s or entries), its first and latest placed weeks, and the
    /// acts level with it.
    Act {
        kind: Kind,
        count: usize,
        first: Day,
        latest: Day,
        tied_with: Vec<u16>,
    },
    /// An entry's place in `kind`, and the entries level with it.
    Entry {
        kind: Kind,
        entry: Entry,
        tied_with: Vec<Entry>,
    },
}

/// Records an act is named for by its count.
const ACT_COUNTS: [Kind; 2] = [Kind::NumberOnes, Kind::MostEntries];
/// Records an act's milestones name when one of its entries holds them.
const ACT_ENTRIES: [Kind; 3] = [Kind::WeeksAtOne, Kind::LongestRuns, Kind::MostWeeks];
/// Records a title's milestones name.
const TITLE_ENTRIES: [Kind; 5] = [
    Kind::WeeksAtOne,
    Kind::LongestRuns,
    Kind::MostWeeks,
    Kind::BiggestJumps,
    Kind::HighestDebuts,
];

impl Records {
    /// The index records keep a K-pop act under.
    pub fn act_index(&self, id: &str) -> Option<u16> {
        self.acts
            .iter()
            .position(|a| a.id == id)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The K-pop records on `chart` that act `act` or one of its entries leads.
    pub fn act_leads(&self, chart: Chart, act: u16) -> Vec<Lead> {
        let c = self.chart(chart);
        let mut out = Vec::new();
        for kind in ACT_COUNTS {
            let (lines, _) = self.names(c, kind, Who::Kpop, None, 0..usize::MAX, false);
            let top: Vec<(u16, usize, Day, Day)> = lines
                .iter()
                .filter(|l| l.rank == Some(1))
                .filter_map(|l| match l.item {
                    Item::Act {
                        act,
                        count,
                        first,
                        latest,
                    } => Some((act, count, first, latest)),
                    _ => None,
                })
                .collect();
            if let Some(&(_, count, first, latest)) = top.iter().find(|t| t.0 == act) {
                out.push(Lead::Act {
                    kind,
                    count,
                    first,
                    latest,
                    tied_with: top.iter().map(|t| t.0).filter(|&a| a != act).collect(),
                });
            }
        }
        for kind in ACT_ENTRIES {
            let top = leaders(c, kind);
            if let Some(mine) = top.iter().find(|e| e.act == act) {
                out.push(entry_lead(kind, *mine, &top));
            }
        }
        out
    }

    /// The K-pop records on `chart` that the entry `song_id` leads; a highest debut only when
    /// it debuted at No. 1.
    pub fn entry_leads(&self, chart: Chart, song_id: i64) -> Vec<Lead> {
        let c = self.chart(chart);
        TITLE_ENTRIES
            .into_iter()
            .filter_map(|kind| {
                let top = leaders(c, kind);
                let mine = top.iter().find(|e| e.song() == song_id)?;
                if kind == Kind::HighestDebuts && mine.debut_position != Some(1) {
                    return None;
                }
                Some(entry_lead(kind, *mine, &top))
            })
            .collect()
    }
}

/// The counted K-pop entries ranked first in `kind` (several when tied).
fn leaders(c: &ChartRecords, kind: Kind) -> Vec<Entry> {
    let Some(order) = kind.order() else {
        return Vec::new();
    };
    let set = &c.kpop;
    let mut top = None;
    let mut out = Vec::new();
    for &i in &set.orders[order] {
        let e = &set.entries[i as usize];
        let Some(v) = query::value(kind, e, c.opening).filter(|_| e.counted) else {
            continue;
        };
        if top.is_some_and(|t| t != v) {
            break;
        }
        top = Some(v);
        out.push(*e);
    }
    out
}

/// `mine`'s lead, with the other entries among `top` (each once: an entry crediting two K-pop
/// acts is there twice).
fn entry_lead(kind: Kind, mine: Entry, top: &[Entry]) -> Lead {
    let mut tied_with: Vec<Entry> = Vec::new();
    for e in top {
        if e.song_id != mine.song_id && tied_with.iter().all(|t| t.song_id != e.song_id) {
            tied_with.push(*e);
        }
    }
    Lead::Entry {
        kind,
        entry: mine,
        tied_with,
    }
}
