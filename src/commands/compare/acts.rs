//! Two acts side by side on each chart: entries, No. 1s, top 10s, chart weeks and best peaks,
//! each counted over the weeks whose credit names the act ([`ActFacts::totals`]).
//!
//! [`ActFacts::totals`]: crate::app::acts::ActFacts::totals

use crate::app::Indexes;
use crate::app::acts::ActTotals;
use crate::app::search::ActEntry;
use crate::domain::chart::{Chart, display_day};
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};

/// Longest title named in a best-peak line.
const TITLE_CHARS: usize = 60;

pub(super) fn answer(
    ix: &Indexes,
    acts: [&ActEntry; 2],
    chart: Option<Chart>,
    locale: Locale,
) -> Reply {
    let charts: Vec<Chart> = chart.map_or(Chart::ALL.to_vec(), |c| vec![c]);
    let named = |a: &ActEntry| match &a.row.hangul {
        Some(h) => format!("{} ({h})", a.row.name),
        None => a.row.name.clone(),
    };
    let mut embed = Embed::new(colour::ARTIST).title(truncate(
        &format!("{} vs {}", named(acts[0]), named(acts[1])),
        256,
    ));
    for c in &charts {
        let totals = acts.map(|a| ix.acts.totals(&a.row.id, *c));
        embed = embed.field(c.name(), chart_field(ix, acts, &totals, locale), false);
    }
    let latest = charts
        .iter()
        .filter_map(|c| ix.search.latest_date(*c))
        .max()
        .map_or_else(|| "—".to_string(), |d| display_day(d, locale));
    let footer = match chart {
        Some(c) => msg::compare_acts_footer_one(c.name(), &latest),
        None => msg::compare_acts_footer(&latest),
    };
    Reply::embed(embed.footer(t(locale, footer)))
}

/// One chart's lines: each count with both acts' figures, then each act's best peak.
fn chart_field(
    ix: &Indexes,
    acts: [&ActEntry; 2],
    totals: &[ActTotals; 2],
    locale: Locale,
) -> String {
    let [a, b] = acts.map(|a| a.row.name.as_str());
    let count = |label: String, of: fn(&ActTotals) -> usize| {
        t(
            locale,
            msg::compare_count_line(
                &label,
                a,
                &of(&totals[0]).to_string(),
                b,
                &of(&totals[1]).to_string(),
            ),
        )
    };
    let mut lines = vec![
        count(t(locale, msg::compare_entries()), |t| t.entries),
        count(t(locale, msg::compare_number_ones()), |t| t.number_ones),
        count(t(locale, msg::compare_top_tens()), |t| t.top_tens),
        count(t(locale, msg::compare_weeks()), |t| t.weeks),
    ];
    for (name, totals) in [a, b].into_iter().zip(totals) {
        lines.push(best_line(ix, name, totals, locale));
    }
    lines.join("\n")
}

/// "Best peak, BTS: No. 1 — Dynamite, first reached on 2020-09-05 (and 5 more at No. 1)".
fn best_line(ix: &Indexes, act: &str, totals: &ActTotals, locale: Locale) -> String {
    let Some(best) = totals.best else {
        return t(locale, msg::compare_no_best_peak(act));
    };
    let title = ix
        .search
        .song_by_id(best.song_id)
        .map_or_else(|| "?".to_string(), |s| truncate(s.title, TITLE_CHARS));
    let (position, date) = (best.position.to_string(), display_day(best.date, locale));
    if best.others == 0 {
        t(
            locale,
            msg::compare_best_peak(act, &position, &title, &date),
        )
    } else {
        let others = best.others.to_string();
        t(
            locale,
            msg::compare_best_peak_more(act, &position, &title, &date, &others),
        )
    }
}
