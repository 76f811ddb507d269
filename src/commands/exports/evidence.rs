//! What the stored prints of an export figure support: the source to cite and how many others
//! confirm it, whether the figure is approximate or known from weak sources only, its change on
//! a year earlier, and the total a destination's share is taken of.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::app::cache::FactsCache;
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::domain::print::{SourceKind, citation_rank};
use crate::store::{FigureRow, FigureSourceRow};

/// Whether a print may be cited: one that disagrees with other sources or with its own article
/// never is, even where it prints the same number.
pub fn citable(p: &FigureSourceRow) -> bool {
    !p.tags.disputed
}

/// The citation order: by kind of source, then the earliest publication (undated ones last),
/// then the fuller print.
fn citation_key(p: &FigureSourceRow) -> (u8, bool, Option<NaiveDate>, bool, i64) {
    (
        citation_rank(p.kind),
        p.source.published_on.is_none(),
        p.source.published_on,
        !p.precise,
        p.source.id,
    )
}

/// The print to cite among `prints`, and how many other sources that may be cited printed them
/// too.
pub fn cite<'a>(
    prints: impl IntoIterator<Item = &'a FigureSourceRow>,
) -> Option<(&'a FigureSourceRow, usize)> {
    let citable: Vec<&FigureSourceRow> = prints.into_iter().filter(|p| citable(p)).collect();
    let best = citable.iter().copied().min_by_key(|p| citation_key(p))?;
    let sources: HashSet<i64> = citable.iter().map(|p| p.source.id).collect();
    Some((best, sources.len() - 1))
}

/// A figure is shown as approximate only when every source that printed it rounded it.
pub fn approximate(prints: &[FigureSourceRow]) -> bool {
    let mut prints = prints.iter().filter(|p| citable(p)).peekable();
    prints.peek().is_some() && prints.all(|p| p.tags.approx)
}

/// The kinds of source behind a fact that only blogs, forums or AI-generated pages report; None
/// when any other source (or one of no stated kind) reports it too.
pub fn weak_only<'a>(
    prints: impl IntoIterator<Item = &'a FigureSourceRow>,
) -> Option<Vec<SourceKind>> {
    let mut kinds = Vec::new();
    for p in prints.into_iter().filter(|p| citable(p)) {
        match p.kind {
            Some(k) if k.is_weak() => kinds.push(k),
            _ => return None,
        }
    }
    kinds.sort_unstable();
    kinds.dedup();
    (!kinds.is_empty()).then_some(kinds)
}

/// Which release of Korea Customs Service a figure comes from, as far as the store knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The figure as first reported (also any figure that was never revised).
    FirstPrint,
    /// A revision: it replaced an earlier print, or a source calls it revised.
    Revised,
}

pub fn basis(cache: &FactsCache, f: &FigureRow) -> Basis {
    if cache.supersedes_another(f.id) || cache.prints(f.id).iter().any(|p| p.tags.revised) {
        Basis::Revised
    } else {
        Basis::FirstPrint
    }
}

fn earliest_print(cache: &FactsCache, f: &FigureRow) -> (bool, Option<NaiveDate>, i64) {
    let first = cache
        .prints(f.id)
        .iter()
        .filter_map(|p| p.source.published_on)
        .min();
    (first.is_none(), first, f.id)
}

/// The value of `period` and `country` on `basis`: the current revision, or the first print.
fn on_basis(
    cache: &FactsCache,
    period: Period,
    country: Country,
    wanted: Basis,
) -> Option<&FigureRow> {
    let values = cache
        .figures_of(period, country)
        .into_iter()
        .filter(|g| g.value_usd.is_some() && basis(cache, g) == wanted);
    match wanted {
        Basis::Revised => values.into_iter().find(|g| g.superseded_by.is_none()),
        Basis::FirstPrint => values.min_by_key(|g| earliest_print(cache, g)),
    }
}

/// A change on a year earlier.
#[derive(Clone, Copy, Debug)]
pub enum Change<'a> {
    /// As a source printed it (`-11.6`), cited to that source.
    Printed {
        pct: &'a str,
        /// Every source that printed this change rounded it ("about 50%").
        approx: bool,
        source: &'a FigureSourceRow,
    },
    /// Computed from the figure and `against`, a year earlier and of the same release basis, in
    /// tenths of a percent.
    Computed { tenths: i64, against: &'a FigureRow },
}

/// The change of figure `f` on a year earlier. `also` are changes printed for its destination
/// and period without a value.
///
/// A change a government, wire or newspaper source printed is shown as printed. Otherwise the
/// change is computed from the figure a year earlier when both are of the same release basis
/// (both first prints, or both revised), so a blog's or forum's change that disagrees with
/// the stored figures is never shown; without such a pair, the best printed change is.
pub fn change<'a>(
    cache: &'a FactsCache,
    f: &'a FigureRow,
    also: &[&'a FigureSourceRow],
) -> Option<Change<'a>> {
    let printed: Vec<&FigureSourceRow> = cache
        .prints(f.id)
        .iter()
        .chain(also.iter().copied())
        .filter(|p| citable(p) && p.yoy_change_pct.is_some())
        .collect();
    let press = printed
        .iter()
        .copied()
        .filter(|p| p.kind.is_some_and(SourceKind::is_press))
        .min_by_key(|p| citation_key(p));
    if let Some(p) = press {
        return printed_change(p, &printed);
    }
    if let Some(computed) = computed_change(cache, f) {
        return Some(computed);
    }
    printed
        .iter()
        .copied()
        .min_by_key(|p| citation_key(p))
        .and_then(|p| printed_change(p, &printed))
}

/// The change of `f` on the same period a year earlier, computed from two figures of the same
/// release basis.
fn computed_change<'a>(cache: &'a FactsCache, f: &FigureRow) -> Option<Change<'a>> {
    let (period, country) = (f.period, f.country);
    let against = on_basis(cache, period.shifted(-1), country, basis(cache, f))?;
    Some(Change::Computed {
        tenths: tenths_of_change(f.value_usd?, against.value_usd?)?,
        against,
    })
}

/// The change from `earlier` to `later`: the year-on-year change when `later` is a year after,
/// else computed when both are of the same basis and cover as many months. None when no change
/// can be given on one basis.
pub fn change_between<'a>(
    cache: &'a FactsCache,
    earlier: &'a FigureRow,
    later: &'a FigureRow,
    also: &[&'a FigureSourceRow],
) -> Option<Change<'a>> {
    let a = earlier.period;
    let b = later.period;
    if a.shifted(1) == b {
        return change(cache, later, also);
    }
    (basis(cache, earlier) == basis(cache, later) && a.months() == b.months())
        .then(|| {
            Some(Change::Computed {
                tenths: tenths_of_change(later.value_usd?, earlier.value_usd?)?,
                against: earlier,
            })
        })
        .flatten()
}

fn printed_change<'a>(p: &'a FigureSourceRow, all: &[&'a FigureSourceRow]) -> Option<Change<'a>> {
    let pct = p.yoy_change_pct.as_deref()?;
    let value = pct.parse::<f64>().ok()?;
    let same = |q: &&&FigureSourceRow| {
        q.yoy_change_pct
            .as_deref()
            .and_then(|y| y.parse::<f64>().ok())
            == Some(value)
    };
    Some(Change::Printed {
        pct,
        approx: all.iter().filter(same).all(|q| q.tags.approx),
        source: p,
    })
}

/// `(now - before) / before` in tenths of a percent, rounded half away from zero.
pub fn tenths_of_change(now: i64, before: i64) -> Option<i64> {
    if before <= 0 {
        return None;
    }
    let diff = i128::from(now - before) * 1000;
    let before = i128::from(before);
    let rounded = (diff.abs() * 2 + before) / (before * 2);
    i64::try_from(if diff < 0 { -rounded } else { rounded }).ok()
}

/// The total a destination's share is taken of.
#[derive(Clone, Copy, Debug)]
pub struct ShareBase<'a> {
    pub total: &'a FigureRow,
    /// The total is an earlier print, not the current one.
    pub first_reported: bool,
}

/// The total of the same release as the destination's figure `f`: the total that most of `f`'s
/// sources printed too, or else the total of the same basis.
pub fn share_base<'a>(cache: &'a FactsCache, f: &FigureRow) -> Option<ShareBase<'a>> {
    let period = f.period;
    let sources: HashSet<i64> = cache.prints(f.id).iter().map(|p| p.source.id).collect();
    let shared = |t: &FigureRow| {
        cache
            .prints(t.id)
            .iter()
            .filter(|p| sources.contains(&p.source.id))
            .count()
    };
    let total = cache
        .figures_of(period, Country::WORLD)
        .into_iter()
        .filter(|t| t.value_usd.is_some() && shared(t) > 0)
        .max_by_key(|t| (shared(t), t.superseded_by.is_none()))
        .or_else(|| on_basis(cache, period, Country::WORLD, basis(cache, f)))?;
    Some(ShareBase {
        total,
        first_reported: total.superseded_by.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_half_away_from_zero() {
        assert_eq!(tenths_of_change(85_749_000, 78_049_000), Some(99));
        assert_eq!(tenths_of_change(105, 100), Some(50));
        assert_eq!(tenths_of_change(10_005, 10_000), Some(1));
        assert_eq!(tenths_of_change(9_995, 10_000), Some(-1));
        assert_eq!(tenths_of_change(80_625_000, 89_800_000), Some(-102));
        assert_eq!(tenths_of_change(1, 0), None);
    }
}
