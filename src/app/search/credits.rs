//! Every distinct chart credit ("Taylor Swift Featuring Ed Sheeran"), for the artist option of
//! `/chart`: the acts list knows the K-pop acts, this knows everyone who ever charted.

use std::collections::HashMap;

use super::Match;
use super::songs::Songs;
use crate::domain::text;

struct Credit {
    name: String,
    fold: String,
    /// Chart weeks of every run under this credit, on both charts: the better known first.
    weeks: u32,
    is_kpop: bool,
}

pub(super) struct Credits {
    credits: Vec<Credit>,
    /// (credit, byte offset of a word start in its fold), sorted by the fold from there on.
    words: Vec<(u32, u16)>,
}

impl Credits {
    pub(super) fn build(songs: &Songs) -> Credits {
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        let mut credits: Vec<Credit> = Vec::new();
        for s in songs.iter() {
            let i = *by_name.entry(s.credit).or_insert_with(|| {
                credits.push(Credit {
                    name: s.credit.to_string(),
                    fold: text::fold(s.credit),
                    weeks: 0,
                    is_kpop: false,
                });
                credits.len() - 1
            });
            let c = &mut credits[i];
            c.weeks = c.weeks.saturating_add(u32::try_from(s.weeks).unwrap_or(0));
            c.is_kpop |= s.is_kpop;
        }
        credits.retain(|c| !c.fold.is_empty());
        let mut words = Vec::new();
        for (i, c) in credits.iter().enumerate() {
            let mut at = 0;
            for w in c.fold.split(' ') {
                if let Ok(offset) = u16::try_from(at) {
                    words.push((i as u32, offset));
                }
                at += w.len() + 1;
            }
        }
        let suffix = |&(c, o): &(u32, u16)| &credits[c as usize].fold[usize::from(o)..];
        words.sort_unstable_by(|a, b| suffix(a).cmp(suffix(b)));
        words.shrink_to_fit();
        Credits { credits, words }
    }

    fn suffix(&self, (c, o): (u32, u16)) -> &str {
        &self.credits[c as usize].fold[usize::from(o)..]
    }

    /// Credits with a word starting with `query`, best first: the whole credit, then K-pop,
    /// then the most chart weeks. At most `limit`.
    pub(super) fn find(&self, query: &str, limit: usize) -> Vec<(Match, &str)> {
        let q = text::fold(query);
        if q.is_empty() {
            return Vec::new();
        }
        let start = self.words.partition_point(|&w| self.suffix(w) < q.as_str());
        let end = start
            + self.words[start..].partition_point(|&w| self.suffix(w).starts_with(q.as_str()));
        let mut best: HashMap<u32, Match> = HashMap::new();
        for &(c, offset) in &self.words[start..end] {
            let m = match (offset, self.credits[c as usize].fold == q) {
                (_, true) => Match::Exact,
                (0, false) => Match::Prefix,
                _ => Match::WordPrefix,
            };
            best.entry(c).and_modify(|b| *b = (*b).min(m)).or_insert(m);
        }
        let mut hits: Vec<(Match, &Credit)> = best
            .into_iter()
            .map(|(c, m)| (m, &self.credits[c as usize]))
            .collect();
        let rank = |(m, c): &(Match, &Credit)| (*m, !c.is_kpop, std::cmp::Reverse(c.weeks));
        let order = |a: &(Match, &Credit), b: &(Match, &Credit)| {
            rank(a).cmp(&rank(b)).then_with(|| a.1.name.cmp(&b.1.name))
        };
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit, order);
            hits.truncate(limit);
        }
        hits.sort_by(order);
        hits.into_iter()
            .map(|(m, c)| (m, c.name.as_str()))
            .collect()
    }
}
