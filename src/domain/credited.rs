//! An act's share of a run: the weeks whose credit names it. "Dracula" charted 25 weeks as
//! Tame Impala's before JENNIE joined the credit; her entry is the 21 weeks after, and its first
//! week is no debut. Counts, peaks and dates of an act are read from these weeks alone.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::chart::{Chart, CreditMatcher};

/// One chart week of a run, with the credit printed that week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunWeek<'a> {
    pub song_id: i64,
    pub chart: Chart,
    pub date: NaiveDate,
    pub position: i64,
    pub last_week: Option<i64>,
    pub credit: &'a str,
}

/// A week that credited the act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreditedWeek {
    pub date: NaiveDate,
    pub position: i64,
    /// Billboard's "last week": None for a debut or a re-entry.
    pub last_week: Option<i64>,
}

/// The weeks of one run that credited one act (never none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditedRun {
    pub song_id: i64,
    pub chart: Chart,
    /// The run's first week, whoever it credited.
    run_debut: NaiveDate,
    /// Oldest first, one per date.
    weeks: Vec<CreditedWeek>,
    peak: i64,
}

impl CreditedRun {
    /// None when `weeks` is empty.
    pub fn new(
        song_id: i64,
        chart: Chart,
        run_debut: NaiveDate,
        weeks: Vec<CreditedWeek>,
    ) -> Option<CreditedRun> {
        let peak = weeks.iter().map(|w| w.position).min()?;
        Some(CreditedRun {
            song_id,
            chart,
            run_debut,
            weeks,
            peak,
        })
    }

    pub fn weeks(&self) -> &[CreditedWeek] {
        &self.weeks
    }

    pub fn total_weeks(&self) -> usize {
        self.weeks.len()
    }

    pub fn peak(&self) -> i64 {
        self.peak
    }

    /// How many credited weeks were spent at `position`.
    pub fn weeks_at(&self, position: i64) -> usize {
        self.weeks.iter().filter(|w| w.position == position).count()
    }

    /// The first credited week: the debut, unless the act [joined](Self::joined) later.
    pub fn first(&self) -> CreditedWeek {
        self.weeks[0]
    }

    pub fn last(&self) -> CreditedWeek {
        self.weeks[self.weeks.len() - 1]
    }

    /// The first credited week of a run that was already charting without the act: the week
    /// the act joined the credit, which is not a debut.
    pub fn joined(&self) -> Option<NaiveDate> {
        let first = self.first().date;
        (first > self.run_debut).then_some(first)
    }

    /// The first week at the peak.
    pub fn peak_date(&self) -> NaiveDate {
        self.weeks
            .iter()
            .find(|w| w.position == self.peak)
            .map_or(self.first().date, |w| w.date)
    }
}

/// Every act's credited share of every run in `weeks` (sorted by run, then date), as
/// `(act id, run)` pairs in run order.
pub fn credited_runs<'a>(
    weeks: impl IntoIterator<Item = RunWeek<'a>>,
    matcher: &CreditMatcher,
) -> Vec<(String, CreditedRun)> {
    let mut readings: HashMap<&str, Vec<(String, NaiveDate)>> = HashMap::new();
    let mut out = Vec::new();
    // The run being read: its id, chart, first week, and each act's weeks so far.
    let mut current: Option<(i64, Chart, NaiveDate)> = None;
    let mut open: Vec<(String, Vec<CreditedWeek>)> = Vec::new();
    let mut close = |run: Option<(i64, Chart, NaiveDate)>, open: &mut Vec<_>| {
        if let Some((song, chart, debut)) = run {
            for (act, weeks) in open.drain(..) {
                if let Some(r) = CreditedRun::new(song, chart, debut, weeks) {
                    out.push((act, r));
                }
            }
        }
    };
    for w in weeks {
        if current.is_none_or(|(song, _, _)| song != w.song_id) {
            close(current, &mut open);
            current = Some((w.song_id, w.chart, w.date));
        }
        let acts = readings
            .entry(w.credit)
            .or_insert_with(|| matcher.candidates(w.credit));
        for (act, since) in acts.iter() {
            if w.date < *since {
                continue;
            }
            let week = CreditedWeek {
                date: w.date,
                position: w.position,
                last_week: w.last_week,
            };
            let slot = match open.iter().position(|(a, _)| a == act) {
                Some(i) => &mut open[i].1,
                None => {
                    open.push((act.clone(), Vec::new()));
                    &mut open.last_mut().expect("just pushed").1
                }
            };
            // A run listed twice in one week keeps its better position, as `Run` does.
            match slot.last_mut() {
                Some(prev) if prev.date == week.date => {
                    if week.position < prev.position {
                        *prev = week;
                    }
                }
                _ => slot.push(week),
            }
        }
    }
    close(current, &mut open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chart::{ActToken, parse_chart_date};

    fn day(s: &str) -> NaiveDate {
        parse_chart_date(s).unwrap()
    }

    fn matcher() -> CreditMatcher {
        CreditMatcher::new([
            ActToken {
                act_id: "jennie".into(),
                token: "JENNIE".into(),
                case_sensitive: false,
                since: day("2008-01-01"),
            },
            ActToken {
                act_id: "jin".into(),
                token: "Jin".into(),
                case_sensitive: false,
                since: day("2022-01-01"),
            },
        ])
    }

    fn week<'a>(
        song: i64,
        date: &str,
        position: i64,
        last: Option<i64>,
        credit: &'a str,
    ) -> RunWeek<'a> {
        RunWeek {
            song_id: song,
            chart: Chart::Hot100,
            date: day(date),
            position,
            last_week: last,
            credit,
        }
    }

    #[test]
    fn counts_only_the_weeks_that_credit_the_act() {
        let weeks = vec![
            week(1, "2025-10-11", 55, None, "Tame Impala"),
            week(1, "2025-10-18", 70, Some(55), "Tame Impala"),
            week(1, "2026-04-04", 24, Some(70), "Tame Impala & JENNIE"),
            week(1, "2026-04-11", 5, Some(24), "Tame Impala & Jennie"),
            week(
                2,
                "2023-12-30",
                51,
                None,
                "The Weeknd, JENNIE & Lily Rose Depp",
            ),
            week(
                2,
                "2024-01-06",
                60,
                Some(51),
                "The Weeknd, Jennie & Lily Rose Depp",
            ),
        ];
        let runs = credited_runs(weeks, &matcher());
        assert_eq!(runs.len(), 2);
        let (act, dracula) = &runs[0];
        assert_eq!(act, "jennie");
        assert_eq!(
            (dracula.total_weeks(), dracula.peak(), dracula.first().date),
            (2, 5, day("2026-04-04"))
        );
        assert_eq!(dracula.joined(), Some(day("2026-04-04")));
        assert_eq!(dracula.peak_date(), day("2026-04-11"));
        let girls = &runs[1].1;
        assert_eq!((girls.total_weeks(), girls.joined()), (2, None));
    }

    #[test]
    fn dates_before_an_acts_start_are_someone_else() {
        let weeks = vec![
            week(3, "2004-05-01", 90, None, "Jin"),
            week(4, "2022-11-12", 51, None, "Jin"),
        ];
        let runs = credited_runs(weeks, &matcher());
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].1.song_id, 4);
    }
}
