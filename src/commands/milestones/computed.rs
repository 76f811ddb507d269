//! Milestones computed from the chart data as of the newest week held, each naming the week (or
//! weeks) that prove it and citing its chart. An act's: per chart, its No. 1s (or its best peak),
//! the K-pop firsts it holds and the K-pop records it leads. A title's: the firsts it set and the
//! K-pop records it holds.

use chrono::NaiveDate;

use crate::app::Indexes;
use crate::app::records::{ActKind, Entry, First, FirstKind, Kind, Lead, Who};
use crate::app::search::Song;
use crate::domain::chart::{Chart, display_day};
use crate::domain::credited::CreditedRun;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};

const TITLE_CHARS: usize = 60;
/// Others named in a tie before they are only counted.
const TIES_NAMED: usize = 2;

/// The computed milestones of one answer, and what they say that a note may claim too.
#[derive(Default)]
pub struct Computed {
    /// Most telling first: those left out for room are in `/records`.
    pub lines: Vec<String>,
    /// Charts with a line giving the act's No. 1s or best peak: a note's peak there is said.
    pub peaks: Vec<Chart>,
    /// The firsts named.
    pub firsts: Vec<Named>,
}

/// A first a line names: (run, kind of first, kind of act).
pub type Named = (i64, FirstKind, ActKind);

/// An act's milestones on `charts` (those it has entries on).
pub fn for_act(ix: &Indexes, act_id: &str, charts: &[Chart], locale: Locale) -> Computed {
    let mut out = Computed::default();
    let Some(act) = ix.records.act_index(act_id) else {
        return out;
    };
    let (mut heads, mut firsts, mut leads) = (Vec::new(), Vec::new(), Vec::new());
    for &chart in charts {
        let on: Vec<&CreditedRun> = ix
            .acts
            .runs(act_id)
            .iter()
            .filter(|r| r.chart == chart)
            .collect();
        if on.is_empty() {
            continue;
        }
        let cite = |text: String| cite(ix, chart, text, locale);
        let chart_leads = ix.records.act_leads(chart, act);
        let (most_ones, others): (Vec<&Lead>, Vec<&Lead>) = chart_leads.iter().partition(|l| {
            matches!(
                l,
                Lead::Act {
                    kind: Kind::NumberOnes,
                    ..
                }
            )
        });
        heads.push(cite(ones_or_best(ix, &on, most_ones.first(), locale)));
        out.peaks.push(chart);
        let held = |e: &Entry| ix.acts.credited(act_id, e.song()).is_some();
        for (line, named) in first_lines(ix, chart, held, locale) {
            firsts.push(cite(line));
            out.firsts.extend(named);
        }
        leads.extend(others.into_iter().map(|l| cite(lead_line(ix, l, locale))));
    }
    out.lines = [heads, firsts, leads].concat();
    out
}

/// A title's milestones on its chart.
pub fn for_title(ix: &Indexes, song: Song<'_>, locale: Locale) -> Computed {
    let chart = song.chart;
    let mut out = Computed::default();
    let mut lines = Vec::new();
    for (line, named) in first_lines(ix, chart, |e| e.song() == song.id, locale) {
        lines.push(cite(ix, chart, line, locale));
        out.firsts.extend(named);
    }
    for lead in ix.records.entry_leads(chart, song.id) {
        lines.push(cite(ix, chart, lead_line(ix, &lead, locale), locale));
    }
    out.lines = lines;
    out
}

/// "• … (Billboard 200, charts to 2026-08-22)": a line with its chart and how far the data goes.
pub fn cite(ix: &Indexes, chart: Chart, text: String, locale: Locale) -> String {
    let to = ix
        .search
        .latest_date(chart)
        .map_or_else(|| "?".to_string(), |d| display_day(d, locale));
    t(locale, msg::milestone_computed(&text, chart.name(), &to))
}

pub fn title(ix: &Indexes, song_id: i64) -> String {
    ix.search
        .song_by_id(song_id)
        .map_or_else(|| "?".to_string(), |s| truncate(s.title, TITLE_CHARS))
}

/// The act's No. 1s on one chart (how many, the first and the latest, with the weeks they first
/// reached No. 1), or without one its best peak and the week first reached; and whether that is
/// the most No. 1s of any K-pop act.
fn ones_or_best(ix: &Indexes, on: &[&CreditedRun], most: Option<&&Lead>, locale: Locale) -> String {
    let day = |d: NaiveDate| display_day(d, locale);
    let mut ones: Vec<(NaiveDate, i64)> = on
        .iter()
        .filter_map(|r| {
            let w = r.weeks().iter().find(|w| w.position == 1)?;
            Some((w.date, r.song_id))
        })
        .collect();
    ones.sort_unstable();
    let text = match ones.as_slice() {
        [] => {
            let best = on
                .iter()
                .min_by_key(|r| (r.peak(), r.peak_date(), r.song_id))
                .expect("the act has entries on the chart");
            t(
                locale,
                msg::milestone_best(
                    &best.peak().to_string(),
                    &title(ix, best.song_id),
                    &day(best.peak_date()),
                ),
            )
        }
        [(date, song)] => t(locale, msg::milestone_one(&title(ix, *song), &day(*date))),
        [(first, first_song), .., (latest, latest_song)] => t(
            locale,
            msg::milestone_ones(
                &ones.len().to_string(),
                &title(ix, *first_song),
                &day(*first),
                &title(ix, *latest_song),
                &day(*latest),
            ),
        ),
    };
    match most {
        Some(Lead::Act { tied_with, .. }) => {
            let lead = t(locale, msg::milestone_lead_number_ones());
            let names: Vec<String> = tied_with.iter().map(|&a| act_name(ix, a)).collect();
            format!("{text} · {}", tied(lead, &names, locale))
        }
        _ => text,
    }
}

fn act_name(ix: &Indexes, act: u16) -> String {
    ix.records
        .act(act)
        .map_or_else(|| "?".to_string(), |a| a.name.clone())
}

/// `text`, with who shares it: named when few, counted when many.
fn tied(text: String, others: &[String], locale: Locale) -> String {
    match others.len() {
        0 => text,
        n if n <= TIES_NAMED => t(locale, msg::milestone_tied(&text, &others.join(", "))),
        n => t(locale, msg::milestone_tied_count(&text, &n.to_string())),
    }
}

/// The week that makes an entry a first of `kind`.
pub fn first_date(kind: FirstKind, e: &Entry) -> NaiveDate {
    match kind {
        FirstKind::Entry | FirstKind::NumberOneDebut => e.first,
        FirstKind::TopTen => e.first_in_top_ten.unwrap_or(e.first),
        FirstKind::NumberOne => e.first_at_one.unwrap_or(e.first),
    }
    .date()
}

/// The K-pop firsts on `chart` whose entries `held` picks, one line each, and the firsts each
/// line names. A first No. 1 that was also the first No. 1 debut is one line.
fn first_lines(
    ix: &Indexes,
    chart: Chart,
    held: impl Fn(&Entry) -> bool,
    locale: Locale,
) -> Vec<(String, Vec<Named>)> {
    let firsts: Vec<First> = ix
        .records
        .firsts(Some(chart), Who::Kpop, None)
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    let mut out = Vec::new();
    for f in &firsts {
        for e in f.entries.iter().filter(|e| held(e)) {
            let date = first_date(f.kind, e);
            let debut_too = f.kind == FirstKind::NumberOne
                && firsts.iter().any(|d| {
                    d.kind == FirstKind::NumberOneDebut
                        && d.acts == f.acts
                        && d.entries.iter().any(|x| x.song_id == e.song_id)
                });
            if f.kind == FirstKind::NumberOneDebut
                && out.iter().any(|(_, named): &(String, Vec<_>)| {
                    named.contains(&(e.song(), FirstKind::NumberOneDebut, f.acts))
                })
            {
                continue;
            }
            let by = t(
                locale,
                match f.acts {
                    ActKind::Group => msg::milestone_by_group(),
                    _ => msg::milestone_by_soloist(),
                },
            );
            let (name, when) = (title(ix, e.song()), display_day(date, locale));
            let text = t(
                locale,
                match f.kind {
                    FirstKind::NumberOne if debut_too => {
                        msg::milestone_first_number_one_at_debut(&by, &name, &when)
                    }
                    FirstKind::Entry => msg::milestone_first_entry(&by, &name, &when),
                    FirstKind::TopTen => msg::milestone_first_top_ten(&by, &name, &when),
                    FirstKind::NumberOne => msg::milestone_first_number_one(&by, &name, &when),
                    FirstKind::NumberOneDebut => {
                        msg::milestone_first_number_one_debut(&by, &name, &when)
                    }
                },
            );
            let others: Vec<String> = f
                .entries
                .iter()
                .filter(|x| x.song_id != e.song_id)
                .map(|x| format!("“{}”", title(ix, x.song())))
                .collect();
            let mut named = vec![(e.song(), f.kind, f.acts)];
            if debut_too {
                named.push((e.song(), FirstKind::NumberOneDebut, f.acts));
            }
            out.push((tied(text, &others, locale), named));
        }
    }
    out
}

/// A K-pop record led, with the weeks that prove it.
fn lead_line(ix: &Indexes, lead: &Lead, locale: Locale) -> String {
    let day = |d: crate::app::records::Day| display_day(d.date(), locale);
    match lead {
        Lead::Act {
            kind,
            count,
            first,
            latest,
            tied_with,
        } => {
            let text = match kind {
                Kind::NumberOnes => t(locale, msg::milestone_lead_number_ones()),
                _ => t(
                    locale,
                    msg::milestone_lead_most_entries(
                        &count.to_string(),
                        &day(*first),
                        &day(*latest),
                    ),
                ),
            };
            let names: Vec<String> = tied_with.iter().map(|&a| act_name(ix, a)).collect();
            tied(text, &names, locale)
        }
        Lead::Entry {
            kind,
            entry,
            tied_with,
        } => entry_lead_line(ix, *kind, entry, tied_with, locale),
    }
}

/// A K-pop record an entry leads, with the week (or weeks) that prove it.
fn entry_lead_line(
    ix: &Indexes,
    kind: Kind,
    e: &Entry,
    tied_with: &[Entry],
    locale: Locale,
) -> String {
    let day = |d: crate::app::records::Day| display_day(d.date(), locale);
    let name = title(ix, e.song());
    let text = match kind {
        Kind::WeeksAtOne => t(
            locale,
            msg::milestone_lead_weeks_at_one(
                &name,
                &e.weeks_at_one.to_string(),
                &e.first_at_one.map(day).unwrap_or_default(),
            ),
        ),
        Kind::LongestRuns => t(
            locale,
            msg::milestone_lead_longest_runs(
                &name,
                &e.streak.to_string(),
                &day(e.streak_from),
                &day(e.streak_to),
            ),
        ),
        Kind::BiggestJumps => e.jump.map_or_else(String::new, |j| {
            t(
                locale,
                msg::milestone_lead_biggest_jumps(
                    &name,
                    &j.from.to_string(),
                    &j.to.to_string(),
                    &day(j.week),
                ),
            )
        }),
        Kind::HighestDebuts => t(
            locale,
            msg::milestone_lead_highest_debuts(&name, &day(e.first)),
        ),
        _ => t(
            locale,
            msg::milestone_lead_most_weeks(
                &name,
                &e.weeks.to_string(),
                &day(e.first),
                &day(e.last),
            ),
        ),
    };
    let names: Vec<String> = tied_with
        .iter()
        .map(|x| format!("“{}”", title(ix, x.song())))
        .collect();
    tied(text, &names, locale)
}
