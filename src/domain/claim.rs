//! What a milestone note claims, when it is something the chart data can say: a peak on a chart
//! ("peaked at No. 2 on the Billboard 200") or a number of weeks ("16 consecutive weeks on the
//! Billboard Hot 100"). A note is true as of its date; a later chart week can overtake it, and
//! the note is then history rather than news.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::domain::chart::Chart;
use crate::domain::credited::CreditedWeek;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The best position reached so far.
    Peak { chart: Chart, position: i64 },
    /// Weeks on the chart in all.
    Weeks { chart: Chart, weeks: usize },
    /// Weeks on the chart without a break.
    Streak { chart: Chart, weeks: usize },
}

/// What the data says after the note's date, when that overtakes the claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// A better position, first reached on `date` by run `song_id`.
    Peak {
        position: i64,
        date: NaiveDate,
        song_id: i64,
    },
    Weeks(usize),
    Streak(usize),
}

const CHART: &str = r"(?:the\s+)?(Billboard\s+Hot\s+100|Hot\s+100|Billboard\s+200)";

static PEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bpeaked\s+at\s+No\.?\s*(\d{{1,3}})\s+on\s+{CHART}"
    ))
    .expect("static regex")
});
static WEEKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,4}})\s+(consecutive\s+|straight\s+)?weeks?\s+on\s+{CHART}"
    ))
    .expect("static regex")
});

impl Claim {
    /// The claim in an English note's text, if it makes one of the kinds above.
    pub fn read(text: &str) -> Option<Claim> {
        if let Some(c) = PEAK.captures(text) {
            return Some(Claim::Peak {
                position: c[1].parse().ok()?,
                chart: Chart::parse(&c[2])?,
            });
        }
        let c = WEEKS.captures(text)?;
        let weeks = c[1].parse().ok()?;
        let chart = Chart::parse(&c[3])?;
        Some(if c.get(2).is_some() {
            Claim::Streak { chart, weeks }
        } else {
            Claim::Weeks { chart, weeks }
        })
    }

    pub fn chart(self) -> Chart {
        match self {
            Claim::Peak { chart, .. }
            | Claim::Weeks { chart, .. }
            | Claim::Streak { chart, .. } => chart,
        }
    }

    /// What weeks after `as_of` changed, when they overtake the claim. `runs` are the subject's
    /// credited weeks on the claim's chart, one list per run, each oldest first.
    pub fn overtaken<'a>(
        self,
        as_of: NaiveDate,
        runs: impl IntoIterator<Item = (i64, &'a [CreditedWeek])>,
    ) -> Option<Since> {
        let runs: Vec<(i64, &[CreditedWeek])> = runs.into_iter().collect();
        let later = || {
            runs.iter()
                .flat_map(|(song, weeks)| weeks.iter().map(move |w| (*song, w)))
                .filter(move |(_, w)| w.date > as_of)
        };
        later().next()?;
        match self {
            Claim::Peak { position, .. } => later()
                .filter(|(_, w)| w.position < position)
                .min_by_key(|(_, w)| (w.position, w.date))
                .map(|(song_id, w)| Since::Peak {
                    position: w.position,
                    date: w.date,
                    song_id,
                }),
            Claim::Weeks { weeks, .. } => {
                let now: usize = runs.iter().map(|(_, w)| w.len()).sum();
                (now > weeks).then_some(Since::Weeks(now))
            }
            Claim::Streak { weeks, .. } => {
                // Only a streak still running after the note's date can overtake it.
                let now = runs
                    .iter()
                    .flat_map(|(_, w)| streaks(w))
                    .filter(|(_, end)| *end > as_of)
                    .map(|(len, _)| len)
                    .max()?;
                (now > weeks).then_some(Since::Streak(now))
            }
        }
    }
}

/// Each unbroken stretch of weeks as (length, last date): a week without a "last week"
/// position starts a new one.
fn streaks(weeks: &[CreditedWeek]) -> Vec<(usize, NaiveDate)> {
    let mut out: Vec<(usize, NaiveDate)> = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        match out.last_mut() {
            Some((len, end)) if i > 0 && w.last_week.is_some() => {
                *len += 1;
                *end = w.date;
            }
            _ => out.push((1, w.date)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chart::parse_chart_date;

    fn day(s: &str) -> NaiveDate {
        parse_chart_date(s).unwrap()
    }

    fn weeks(list: &[(&str, i64, Option<i64>)]) -> Vec<CreditedWeek> {
        list.iter()
            .map(|(d, p, l)| CreditedWeek {
                date: day(d),
                position: *p,
                last_week: *l,
            })
            .collect()
    }

    #[test]
    fn reads_peaks_and_weeks() {
        assert_eq!(
            Claim::read("TWICE have peaked at No. 2 on the Billboard 200."),
            Some(Claim::Peak {
                chart: Chart::Billboard200,
                position: 2
            })
        );
        assert_eq!(
            Claim::read(
                "FIFTY FIFTY's “Cupid” had spent 16 consecutive weeks on the Billboard Hot 100."
            ),
            Some(Claim::Streak {
                chart: Chart::Hot100,
                weeks: 16
            })
        );
        assert_eq!(
            Claim::read("Cupid: 25 weeks on the Hot 100 in the end."),
            Some(Claim::Weeks {
                chart: Chart::Hot100,
                weeks: 25
            })
        );
        assert_eq!(
            Claim::read("Stray Kids have reached No. 1 on the Billboard 200."),
            None
        );
        assert_eq!(Claim::read("보라해"), None);
    }

    #[test]
    fn only_later_weeks_overtake_a_claim() {
        let peak = Claim::Peak {
            chart: Chart::Billboard200,
            position: 2,
        };
        let run1 = weeks(&[("2023-03-25", 2, None)]);
        let run2 = weeks(&[("2024-03-09", 1, None), ("2024-03-16", 1, Some(1))]);
        assert_eq!(
            peak.overtaken(day("2023-07-18"), [(1, &run1[..]), (2, &run2[..])]),
            Some(Since::Peak {
                position: 1,
                date: day("2024-03-09"),
                song_id: 2
            })
        );
        assert_eq!(peak.overtaken(day("2024-12-31"), [(2, &run2[..])]), None);
        // The better week came before the note: the note was already wrong, not overtaken.
        let run3 = weeks(&[("2024-03-09", 1, None), ("2024-03-16", 5, Some(1))]);
        assert_eq!(peak.overtaken(day("2024-03-10"), [(3, &run3[..])]), None);
    }

    #[test]
    fn streaks_and_totals_grow_only_with_later_weeks() {
        let run = weeks(&[
            ("2023-04-01", 100, None),
            ("2023-04-08", 94, Some(100)),
            ("2023-04-15", 85, Some(94)),
            ("2023-05-13", 80, None),
        ]);
        let streak = Claim::Streak {
            chart: Chart::Hot100,
            weeks: 2,
        };
        assert_eq!(
            streak.overtaken(day("2023-04-08"), [(1, &run[..])]),
            Some(Since::Streak(3))
        );
        // Only the re-entry came later: it did not lengthen the streak.
        assert_eq!(streak.overtaken(day("2023-04-15"), [(1, &run[..])]), None);
        let total = Claim::Weeks {
            chart: Chart::Hot100,
            weeks: 3,
        };
        assert_eq!(
            total.overtaken(day("2023-04-15"), [(1, &run[..])]),
            Some(Since::Weeks(4))
        );
        assert_eq!(total.overtaken(day("2023-05-13"), [(1, &run[..])]), None);
    }
}
