//! Every run, compactly: one text arena for titles, credits and folded titles, and small
//! fixed-size entries pointing into it. The full history is 70,000 runs; as ordinary structs
//! with their own strings they would take three times the memory.

use chrono::NaiveDate;

use crate::domain::chart::Chart;
use crate::domain::text;
use crate::store::SongRow;

/// A run as commands read it, borrowed from the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Song<'a> {
    pub id: i64,
    pub chart: Chart,
    pub title: &'a str,
    pub credit: &'a str,
    pub weeks: i64,
    pub peak: Option<i64>,
    pub debut: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub is_kpop: bool,
    /// Indexes into `SearchIndex::acts`.
    pub acts: &'a [u16],
    /// The folded title.
    pub(super) fold: &'a str,
}

#[derive(Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

struct Entry {
    id: i64,
    title: Span,
    credit: Span,
    fold: Span,
    acts: Span,
    debut: Option<NaiveDate>,
    last_date: Option<NaiveDate>,
    weeks: u16,
    peak: u8,
    chart: Chart,
    is_kpop: bool,
}

#[derive(Default)]
pub(super) struct Songs {
    entries: Vec<Entry>,
    text: String,
    act_links: Vec<u16>,
}

impl Songs {
    /// Adds runs, in id order.
    pub(super) fn extend(&mut self, rows: Vec<SongRow>) {
        self.entries.reserve(rows.len());
        for r in rows {
            let title = self.push_text(&r.title);
            let credit = self.push_text(&r.credit);
            let fold = self.push_text(&text::fold(&r.title));
            self.entries.push(Entry {
                id: r.id,
                title,
                credit,
                fold,
                acts: Span { start: 0, len: 0 },
                debut: r.debut,
                last_date: r.last_date,
                weeks: u16::try_from(r.weeks).unwrap_or(u16::MAX),
                peak: r.peak.and_then(|p| u8::try_from(p).ok()).unwrap_or(0),
                chart: r.chart,
                is_kpop: false,
            });
        }
    }

    fn push_text(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    /// Records each run's acts, given as (run index, act index, act is K-pop) pairs.
    pub(super) fn set_acts(&mut self, mut links: Vec<(u32, u16, bool)>) {
        links.sort_unstable();
        links.dedup();
        self.act_links = links.iter().map(|(_, a, _)| *a).collect();
        let mut start = 0;
        for group in links.chunk_by(|a, b| a.0 == b.0) {
            let e = &mut self.entries[group[0].0 as usize];
            e.acts = Span {
                start,
                len: group.len() as u32,
            };
            e.is_kpop = group.iter().any(|(_, _, kpop)| *kpop);
            start += group.len() as u32;
        }
        self.text.shrink_to_fit();
        self.entries.shrink_to_fit();
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    fn text(&self, s: Span) -> &str {
        &self.text[s.start as usize..(s.start + s.len) as usize]
    }

    pub(super) fn get(&self, i: u32) -> Song<'_> {
        let e = &self.entries[i as usize];
        Song {
            id: e.id,
            chart: e.chart,
            title: self.text(e.title),
            credit: self.text(e.credit),
            weeks: i64::from(e.weeks),
            peak: (e.peak > 0).then_some(i64::from(e.peak)),
            debut: e.debut,
            last_date: e.last_date,
            is_kpop: e.is_kpop,
            acts: &self.act_links[e.acts.start as usize..(e.acts.start + e.acts.len) as usize],
            fold: self.text(e.fold),
        }
    }

    pub(super) fn fold(&self, i: u32) -> &str {
        self.text(self.entries[i as usize].fold)
    }

    pub(super) fn id(&self, i: u32) -> i64 {
        self.entries[i as usize].id
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = Song<'_>> {
        (0..self.entries.len() as u32).map(|i| self.get(i))
    }
}
