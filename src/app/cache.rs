//! The small tables of the store, held in memory: every export figure with its sources, and
//! every milestone note. A few hundred rows, rebuilt in milliseconds after a write, so reads of
//! `/exports` never wait on SQLite.

use std::collections::{HashMap, HashSet};

use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::import::notes::MARKET_KEY;
use crate::store::{FigureRow, FigureSourceRow, NoteRow, SourceRow, Store};

pub struct FactsCache {
    /// Newest period first.
    figures: Vec<FigureRow>,
    /// Per figure, its sources earliest first.
    sources: HashMap<i64, Vec<FigureSourceRow>>,
    /// Figures that replaced an earlier print of theirs (revisions).
    superseding: HashSet<i64>,
    /// Periods with figures, newest first, with how many destinations have a value.
    periods: Vec<(Period, usize)>,
    /// Destinations with figures, the highest ranked and most reported first.
    countries: Vec<Country>,
    notes: Vec<NoteRow>,
    note_sources: HashMap<i64, SourceRow>,
}

impl FactsCache {
    pub async fn load(store: &Store) -> anyhow::Result<FactsCache> {
        let figures = store.all_figures().await?;
        let mut sources: HashMap<i64, Vec<FigureSourceRow>> = HashMap::new();
        for s in store.all_figure_sources().await? {
            sources.entry(s.figure_id).or_default().push(s);
        }
        let superseding = figures.iter().filter_map(|f| f.superseded_by).collect();
        let mut periods: Vec<(Period, usize)> = Vec::new();
        for f in &figures {
            let p = f.period;
            if !periods.iter().any(|(q, _)| *q == p) {
                let valued = figures
                    .iter()
                    .filter(|g| g.period == p && g.value_usd.is_some() && !g.country.is_world())
                    .map(|g| g.country)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                periods.push((p, valued));
            }
        }
        periods.sort_by_key(|(p, _)| (std::cmp::Reverse(p.end()), p.start()));
        let mut ranked: HashMap<Country, (i64, usize)> = HashMap::new();
        for f in figures.iter().filter(|f| !f.country.is_world()) {
            let e = ranked.entry(f.country).or_insert((999, 0));
            e.0 = e.0.min(f.rank.unwrap_or(999));
            e.1 += 1;
        }
        let mut countries: Vec<Country> = ranked.keys().copied().collect();
        countries.sort_by_key(|c| (ranked[c].0, std::cmp::Reverse(ranked[c].1), *c));
        let notes = store.all_notes().await?;
        let mut note_sources = HashMap::new();
        for n in &notes {
            if let Some(s) = store.source(n.source_id).await? {
                note_sources.insert(n.source_id, s);
            }
        }
        Ok(FactsCache {
            figures,
            sources,
            superseding,
            periods,
            countries,
            notes,
            note_sources,
        })
    }

    pub fn periods(&self) -> &[(Period, usize)] {
        &self.periods
    }

    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// A destination's figures, newest period first.
    pub fn figures_for_country(&self, country: Country) -> Vec<&FigureRow> {
        self.figures
            .iter()
            .filter(|f| f.country == country)
            .collect()
    }

    /// Every figure of one period.
    pub fn figures_in(&self, period: Period) -> Vec<&FigureRow> {
        self.figures.iter().filter(|f| f.period == period).collect()
    }

    /// The figures of one destination and period: its values (current and earlier prints) and
    /// a value-less one holding ranks and changes printed without a value.
    pub fn figures_of(&self, period: Period, country: Country) -> Vec<&FigureRow> {
        self.figures
            .iter()
            .filter(|f| f.period == period && f.country == country)
            .collect()
    }

    /// The prints of one figure, earliest first.
    pub fn prints(&self, figure_id: i64) -> &[FigureSourceRow] {
        self.sources.get(&figure_id).map_or(&[], Vec::as_slice)
    }

    /// Whether the figure replaced an earlier print of its value.
    pub fn supersedes_another(&self, figure_id: i64) -> bool {
        self.superseding.contains(&figure_id)
    }

    /// Notes about the export market as a whole, and about `period` in particular.
    pub fn market_notes(&self, period: Period) -> impl Iterator<Item = &NoteRow> {
        let label = period.label();
        self.notes.iter().filter(move |n| {
            n.subject_kind == "market" && (n.subject_key == MARKET_KEY || n.subject_key == label)
        })
    }

    /// Notes about a title (by key), whichever act they name.
    pub fn title_notes<'a>(&'a self, title_key: &'a str) -> impl Iterator<Item = &'a NoteRow> {
        self.notes
            .iter()
            .filter(move |n| n.subject_kind == "title" && n.subject_key == title_key)
    }

    /// Notes about the act itself; notes about its titles belong to the titles.
    pub fn act_notes<'a>(&'a self, act_id: &'a str) -> impl Iterator<Item = &'a NoteRow> {
        self.notes
            .iter()
            .filter(move |n| n.subject_kind == "act" && n.subject_key == act_id)
    }

    pub fn note_source(&self, note: &NoteRow) -> Option<&SourceRow> {
        self.note_sources.get(&note.source_id)
    }
}
