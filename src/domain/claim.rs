//! What a milestone note claims, when it is something the chart data can say: a peak on a chart
//! ("peaked at No. 2 on the Billboard 200"), a position reached ("have reached No. 1 on the
//! Billboard 200"), a number of weeks ("16 consecutive weeks on the Billboard Hot 100"), or a
//! first ("the first song by a K-pop soloist to debut at No. 1 on the Billboard Hot 100"). A
//! note is true as of its date; the data today confirms it, or later weeks overtook it (the note
//! is then history rather than news), or the data says otherwise.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::domain::chart::Chart;
use crate::domain::credited::CreditedWeek;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The best position reached so far.
    Peak { chart: Chart, position: i64 },
    /// A position reached at least once.
    Reached { chart: Chart, position: i64 },
    /// Weeks on the chart in all.
    Weeks { chart: Chart, weeks: usize },
    /// Weeks on the chart without a break.
    Streak { chart: Chart, weeks: usize },
    /// The first of its kind by a kind of K-pop act, checked against the records.
    First { chart: Chart, feat: Feat, by: By },
}

/// What a first is the first of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feat {
    Entry,
    TopTen,
    NumberOne,
    NumberOneDebut,
}

/// Whose first: a K-pop group's, a K-pop soloist's, or any K-pop act's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Group,
    Soloist,
    Act,
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

/// What the chart data says of a claim's subject, with the weeks that prove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The best position, first reached on `date` by run `song_id`.
    Peak {
        position: i64,
        date: NaiveDate,
        song_id: i64,
    },
    /// The first week at or above a position: at `position`, on `date`, by run `song_id`.
    Reached {
        position: i64,
        date: NaiveDate,
        song_id: i64,
    },
    /// Weeks in all, from the first to the last.
    Weeks {
        weeks: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// The longest run of weeks without a break.
    Streak {
        weeks: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// A claim held against the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// True of the data today: the computed milestone says it, with its weeks.
    Confirmed(Proof),
    /// True as of the note's date; later weeks overtook it: what changed, and what the data says
    /// today.
    Overtaken { since: Since, now: Proof },
    /// Untrue of the data, then and now: what the data says instead.
    Contradicted(Proof),
}

const CHART: &str = r"(?:the\s+)?(Billboard\s+Hot\s+100|Hot\s+100|Billboard\s+200)";

static PEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bpeaked\s+at\s+No\.?\s*(\d{{1,3}})\s+on\s+{CHART}"
    ))
    .expect("static regex")
});
static REACHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:reached|hit)\s+No\.?\s*(\d{{1,3}})\s+on\s+{CHART}"
    ))
    .expect("static regex")
});
static WEEKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,4}})\s+(consecutive\s+|straight\s+)?weeks?\s+on\s+{CHART}"
    ))
    .expect("static regex")
});
/// "the first song by a K-pop soloist to debut at No. 1 on the Billboard Hot 100", "the first
/// K-pop group to top the Billboard 200", "the first solo K-pop act to enter the Hot 100".
static FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bfirst\b[^.]*?\b(solo\s+)?K-?pop\s+(soloist|solo\s+(?:act|artist|singer)|(?:boy\s+|girl\s+)?group|act|artist|singer)\b[^.]*?\bto\s+(debut\s+at\s+No\.?\s*1|(?:reach|hit)\s+No\.?\s*1|top|(?:reach|enter|crack)\s+the\s+top\s*10|enter|chart\s+on|appear\s+on)\s+(?:(?:on|of|in)\s+)?{CHART}"
    ))
    .expect("static regex")
});

impl Claim {
    /// The claim in an English note's text, if it makes one of the kinds above.
    pub fn read(text: &str) -> Option<Claim> {
        // A first names a position too ("to debut at No. 1 on …"): read it first.
        if let Some(c) = FIRST.captures(text) {
            return first(&c);
        }
        if let Some(c) = PEAK.captures(text) {
            return Some(Claim::Peak {
                position: c[1].parse().ok()?,
                chart: Chart::parse(&c[2])?,
            });
        }
        if let Some(c) = REACHED.captures(text) {
            return Some(Claim::Reached {
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
            | Claim::Reached { chart, .. }
            | Claim::Weeks { chart, .. }
            | Claim::Streak { chart, .. }
            | Claim::First { chart, .. } => chart,
        }
    }

    /// The claim held against the subject's weeks on its chart (`runs`: one list per run, each
    /// oldest first). A claim true of the data today is confirmed; one true as of `as_of` and
    /// outgrown by later weeks is overtaken; any other is contradicted. None when the data
    /// holds no week of the subject to check it by, and for firsts, which the records check.
    pub fn check<'a>(
        self,
        as_of: NaiveDate,
        runs: impl IntoIterator<Item = (i64, &'a [CreditedWeek])>,
    ) -> Option<Verdict> {
        let runs: Vec<(i64, &[CreditedWeek])> = runs.into_iter().collect();
        let all = || {
            runs.iter()
                .flat_map(|(song, weeks)| weeks.iter().map(move |w| (*song, w)))
        };
        let (best_song, best) = all().min_by_key(|(_, w)| (w.position, w.date))?;
        let best = Proof::Peak {
            position: best.position,
            date: best.date,
            song_id: best_song,
        };
        let later = all().any(|(_, w)| w.date > as_of);
        Some(match self {
            Claim::Peak { position, .. } => match best {
                Proof::Peak { position: p, .. } if p == position => Verdict::Confirmed(best),
                // Better weeks, all of them after the note: it was true then.
                Proof::Peak { position: p, .. }
                    if p < position
                        && all().all(|(_, w)| w.position >= position || w.date > as_of) =>
                {
                    let (song_id, w) = all()
                        .filter(|(_, w)| w.date > as_of)
                        .min_by_key(|(_, w)| (w.position, w.date))?;
                    Verdict::Overtaken {
                        since: Since::Peak {
                            position: w.position,
                            date: w.date,
                            song_id,
                        },
                        now: best,
                    }
                }
                _ => Verdict::Contradicted(best),
            },
            Claim::Reached { position, .. } => {
                match all()
                    .filter(|(_, w)| w.position <= position)
                    .min_by_key(|(_, w)| w.date)
                {
                    Some((song_id, w)) => Verdict::Confirmed(Proof::Reached {
                        position: w.position,
                        date: w.date,
                        song_id,
                    }),
                    None => Verdict::Contradicted(best),
                }
            }
            Claim::Weeks { weeks, .. } => {
                let now = all().count();
                let proof = Proof::Weeks {
                    weeks: now,
                    from: all().map(|(_, w)| w.date).min()?,
                    to: all().map(|(_, w)| w.date).max()?,
                };
                if now < weeks {
                    Verdict::Contradicted(proof)
                } else if now > weeks && later {
                    Verdict::Overtaken {
                        since: Since::Weeks(now),
                        now: proof,
                    }
                } else {
                    Verdict::Confirmed(proof)
                }
            }
            Claim::Streak { weeks, .. } => streak_verdict(&runs, as_of, weeks)?,
            Claim::First { .. } => return None,
        })
    }
}

/// A claim of `weeks` in a row, held against `runs`.
fn streak_verdict(
    runs: &[(i64, &[CreditedWeek])],
    as_of: NaiveDate,
    weeks: usize,
) -> Option<Verdict> {
    let streaks: Vec<Stretch> = runs.iter().flat_map(|(_, w)| streaks(w)).collect();
    let longest = *streaks.iter().max_by_key(|s| (s.weeks, s.to))?;
    let proof = Proof::Streak {
        weeks: longest.weeks,
        from: longest.from,
        to: longest.to,
    };
    // Only a streak still running after the note's date can overtake it.
    let grown = streaks
        .iter()
        .filter(|s| s.to > as_of)
        .map(|s| s.weeks)
        .max()
        .filter(|&n| n > weeks);
    Some(match grown {
        _ if longest.weeks < weeks => Verdict::Contradicted(proof),
        Some(n) => Verdict::Overtaken {
            since: Since::Streak(n),
            now: proof,
        },
        None => Verdict::Confirmed(proof),
    })
}

/// A first claim from its captures: (1) "solo" before K-pop, (2) the act, (3) the feat, (4) the
/// chart.
fn first(c: &regex::Captures<'_>) -> Option<Claim> {
    let act = c[2].to_ascii_lowercase();
    let by = if act.contains("group") {
        By::Group
    } else if act.starts_with("solo") || act == "singer" || c.get(1).is_some() {
        By::Soloist
    } else {
        By::Act
    };
    let feat = c[3].to_ascii_lowercase();
    let feat = if feat.starts_with("debut") {
        Feat::NumberOneDebut
    } else if feat.contains("10") {
        Feat::TopTen
    } else if feat.starts_with("top") || feat.contains("no") {
        Feat::NumberOne
    } else {
        Feat::Entry
    };
    Some(Claim::First {
        chart: Chart::parse(&c[4])?,
        feat,
        by,
    })
}

/// An unbroken stretch of weeks.
#[derive(Clone, Copy, Debug)]
struct Stretch {
    weeks: usize,
    from: NaiveDate,
    to: NaiveDate,
}

/// Each unbroken stretch of weeks: a week without a "last week" position starts a new one.
fn streaks(weeks: &[CreditedWeek]) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        match out.last_mut() {
            Some(s) if i > 0 && w.last_week.is_some() => {
                s.weeks += 1;
                s.to = w.date;
            }
            _ => out.push(Stretch {
                weeks: 1,
                from: w.date,
                to: w.date,
            }),
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
    fn reads_peaks_positions_weeks_and_firsts() {
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
            Some(Claim::Reached {
                chart: Chart::Billboard200,
                position: 1
            })
        );
        assert_eq!(
            Claim::read(
                "Jimin's “Like Crazy” was the first song by a K-pop soloist to debut at No. 1 \
                 on the Billboard Hot 100."
            ),
            Some(Claim::First {
                chart: Chart::Hot100,
                feat: Feat::NumberOneDebut,
                by: By::Soloist
            })
        );
        assert_eq!(
            Claim::read("BTS were the first K-pop group to top the Billboard 200."),
            Some(Claim::First {
                chart: Chart::Billboard200,
                feat: Feat::NumberOne,
                by: By::Group
            })
        );
        assert_eq!(
            Claim::read("The first K-pop act to reach the top 10 of the Hot 100."),
            Some(Claim::First {
                chart: Chart::Hot100,
                feat: Feat::TopTen,
                by: By::Act
            })
        );
        assert_eq!(
            Claim::read("She was the first solo K-pop artist to enter the Billboard Hot 100."),
            Some(Claim::First {
                chart: Chart::Hot100,
                feat: Feat::Entry,
                by: By::Soloist
            })
        );
        assert_eq!(Claim::read("보라해"), None);
        assert_eq!(
            Claim::read("China was the No. 2 destination for K-pop album exports in 2022."),
            None
        );
    }

    #[test]
    fn a_peak_is_confirmed_overtaken_or_contradicted() {
        let peak = Claim::Peak {
            chart: Chart::Billboard200,
            position: 2,
        };
        let run1 = weeks(&[("2023-03-25", 2, None)]);
        let run2 = weeks(&[("2024-03-09", 1, None), ("2024-03-16", 1, Some(1))]);
        let one = Proof::Peak {
            position: 1,
            date: day("2024-03-09"),
            song_id: 2,
        };
        assert_eq!(
            peak.check(day("2023-07-18"), [(1, &run1[..]), (2, &run2[..])]),
            Some(Verdict::Overtaken {
                since: Since::Peak {
                    position: 1,
                    date: day("2024-03-09"),
                    song_id: 2
                },
                now: one
            })
        );
        assert_eq!(
            peak.check(day("2023-07-18"), [(1, &run1[..])]),
            Some(Verdict::Confirmed(Proof::Peak {
                position: 2,
                date: day("2023-03-25"),
                song_id: 1
            }))
        );
        // The better week came before the note: the note was wrong when written.
        assert_eq!(
            peak.check(day("2024-12-31"), [(2, &run2[..])]),
            Some(Verdict::Contradicted(one))
        );
        // Never as high as claimed.
        let low = weeks(&[("2023-03-25", 5, None)]);
        assert!(matches!(
            peak.check(day("2023-07-18"), [(1, &low[..])]),
            Some(Verdict::Contradicted(Proof::Peak { position: 5, .. }))
        ));
        assert_eq!(peak.check(day("2023-07-18"), []), None);
    }

    #[test]
    fn a_position_reached_stays_reached() {
        let reached = Claim::Reached {
            chart: Chart::Billboard200,
            position: 1,
        };
        let run = weeks(&[("2022-04-02", 1, None), ("2022-04-09", 1, Some(1))]);
        assert_eq!(
            reached.check(day("2023-07-18"), [(4, &run[..])]),
            Some(Verdict::Confirmed(Proof::Reached {
                position: 1,
                date: day("2022-04-02"),
                song_id: 4
            }))
        );
        let low = weeks(&[("2022-04-02", 3, None)]);
        assert!(matches!(
            reached.check(day("2023-07-18"), [(4, &low[..])]),
            Some(Verdict::Contradicted(Proof::Peak { position: 3, .. }))
        ));
    }

    #[test]
    fn streaks_and_totals_grow_only_with_later_weeks() {
        let run = weeks(&[
            ("2023-04-01", 100, None),
            ("2023-04-08", 94, Some(100)),
            ("2023-04-15", 85, Some(94)),
            ("2023-05-13", 80, None),
        ]);
        let streak = |weeks| Claim::Streak {
            chart: Chart::Hot100,
            weeks,
        };
        let three = Proof::Streak {
            weeks: 3,
            from: day("2023-04-01"),
            to: day("2023-04-15"),
        };
        assert_eq!(
            streak(2).check(day("2023-04-08"), [(1, &run[..])]),
            Some(Verdict::Overtaken {
                since: Since::Streak(3),
                now: three
            })
        );
        // Only the re-entry came later: it did not lengthen the streak.
        assert_eq!(
            streak(2).check(day("2023-04-15"), [(1, &run[..])]),
            Some(Verdict::Confirmed(three))
        );
        assert_eq!(
            streak(4).check(day("2023-04-15"), [(1, &run[..])]),
            Some(Verdict::Contradicted(three))
        );
        let total = |weeks| Claim::Weeks {
            chart: Chart::Hot100,
            weeks,
        };
        let four = Proof::Weeks {
            weeks: 4,
            from: day("2023-04-01"),
            to: day("2023-05-13"),
        };
        assert_eq!(
            total(3).check(day("2023-04-15"), [(1, &run[..])]),
            Some(Verdict::Overtaken {
                since: Since::Weeks(4),
                now: four
            })
        );
        assert_eq!(
            total(4).check(day("2023-04-15"), [(1, &run[..])]),
            Some(Verdict::Confirmed(four))
        );
        assert_eq!(
            total(5).check(day("2023-05-13"), [(1, &run[..])]),
            Some(Verdict::Contradicted(four))
        );
    }
}
