//! One entry as records read it, kept small: the full history holds 71,000 of them. Dates are
//! days since 1950 in two bytes; positions fit in one.

use std::num::NonZeroU16;

use chrono::{Days, NaiveDate};

use crate::app::search::Song;
use crate::domain::credited::CreditedRun;
use crate::store::RunRecordRow;

/// A chart week, as days since 1950-01-01 (never day 0: charts began in 1958).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(NonZeroU16);

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1950, 1, 1).expect("valid date");

impl Day {
    pub fn new(date: NaiveDate) -> Option<Day> {
        let days = (date - EPOCH).num_days();
        NonZeroU16::new(u16::try_from(days).ok()?).map(Day)
    }

    pub fn date(self) -> NaiveDate {
        EPOCH + Days::new(u64::from(self.0.get()))
    }

    /// The first day of `year`'s weeks and of the year after, as days.
    pub fn year_bounds(from: i32, to: i32) -> (u16, u16) {
        let day = |y: i32| {
            NaiveDate::from_ymd_opt(y, 1, 1).map_or(if y < 1950 { 0 } else { u16::MAX }, |d| {
                u16::try_from((d - EPOCH).num_days().max(0)).unwrap_or(u16::MAX)
            })
        };
        (day(from), day(to.saturating_add(1)))
    }

    pub fn from_raw(raw: u16) -> Option<Day> {
        NonZeroU16::new(raw).map(Day)
    }

    pub fn raw(self) -> u16 {
        self.0.get()
    }
}

/// Whole years as days, `from` up to (not including) `to`: checked once per entry, so the
/// bounds are worked out once per question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaySpan {
    from: u16,
    to: u16,
}

impl DaySpan {
    pub fn years(from: i32, to: i32) -> DaySpan {
        let (from, to) = Day::year_bounds(from, to);
        DaySpan { from, to }
    }

    pub fn contains(self, day: Day) -> bool {
        (self.from..self.to).contains(&day.raw())
    }
}

/// The biggest climb of an entry: from, to, and the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    pub from: u8,
    pub to: u8,
    pub week: Day,
}

impl Jump {
    pub fn size(self) -> u8 {
        self.from - self.to
    }
}

/// An act's index in `Records::acts`, or none for an entry of the whole chart.
pub const NO_ACT: u16 = u16::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The run's id (ids are the importer's, counted from 1).
    pub song_id: u32,
    /// The K-pop act this entry is counted for (its credited weeks), or `NO_ACT`.
    pub act: u16,
    /// False for an entry the act took part in that the data credits to others only: listed
    /// under the act, never counted.
    pub counted: bool,
    /// The first week (credited, for an act's entry) and the last.
    pub first: Day,
    pub last: Day,
    /// Set when the first week is a debut: not a week the act joined, not a week Billboard
    /// printed a "last week" for.
    pub debut_position: Option<u8>,
    pub peak: u8,
    pub weeks: u16,
    pub weeks_at_one: u16,
    pub first_at_one: Option<Day>,
    pub first_in_top_ten: Option<Day>,
    pub streak: u16,
    pub streak_from: Day,
    pub streak_to: Day,
    pub jump: Option<Jump>,
}

fn small(n: i64) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

fn count(n: i64) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

impl Entry {
    pub fn song(&self) -> i64 {
        i64::from(self.song_id)
    }

    /// A whole run, from its stored record makings and the search index's entry.
    pub fn of_run(row: &RunRecordRow, song: &Song<'_>) -> Option<Entry> {
        let first = Day::new(song.debut?)?;
        Some(Entry {
            song_id: u32::try_from(row.song_id).ok()?,
            act: NO_ACT,
            counted: true,
            first,
            last: Day::new(song.last_date?)?,
            debut_position: row.debut_position.map(small),
            peak: small(song.peak?),
            weeks: count(song.weeks),
            weeks_at_one: count(row.weeks_at_one),
            first_at_one: row.first_at_one.and_then(Day::new),
            first_in_top_ten: row.first_in_top_ten.and_then(Day::new),
            streak: count(row.streak),
            streak_from: Day::new(row.streak_from)?,
            streak_to: Day::new(row.streak_to)?,
            jump: row.jump.and_then(|(from, to, week)| {
                Some(Jump {
                    from: small(from),
                    to: small(to),
                    week: Day::new(week)?,
                })
            }),
        })
    }

    /// An act's share of a run, counted over the weeks that credit it, by the same rules as
    /// the stored record makings of whole runs.
    pub fn of_credited(run: &CreditedRun, act: u16) -> Option<Entry> {
        let weeks = run.weeks();
        let first = weeks.first()?;
        let (mut streak, mut best) = (0u16, (0u16, first.date, first.date));
        let mut start = first.date;
        let mut jump: Option<(i64, i64, NaiveDate)> = None;
        for (i, w) in weeks.iter().enumerate() {
            if i > 0 && w.last_week.is_none() {
                streak = 0;
            }
            if streak == 0 {
                start = w.date;
            }
            streak += 1;
            if streak > best.0 {
                best = (streak, start, w.date);
            }
            if let Some(lw) = w.last_week
                && lw > w.position
                && jump.is_none_or(|(f, t, _)| lw - w.position > f - t)
            {
                jump = Some((lw, w.position, w.date));
            }
        }
        let first_at = |top: i64| weeks.iter().find(|w| w.position <= top).map(|w| w.date);
        let debut = run.joined().is_none() && first.last_week.is_none();
        Some(Entry {
            song_id: u32::try_from(run.song_id).ok()?,
            act,
            counted: true,
            first: Day::new(first.date)?,
            last: Day::new(run.last().date)?,
            debut_position: debut.then(|| small(first.position)),
            peak: small(run.peak()),
            weeks: count(weeks.len() as i64),
            weeks_at_one: count(run.weeks_at(1) as i64),
            first_at_one: first_at(1).and_then(Day::new),
            first_in_top_ten: first_at(10).and_then(Day::new),
            streak: best.0,
            streak_from: Day::new(best.1)?,
            streak_to: Day::new(best.2)?,
            jump: jump.and_then(|(from, to, week)| {
                Some(Jump {
                    from: small(from),
                    to: small(to),
                    week: Day::new(week)?,
                })
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chart::Chart;
    use crate::domain::credited::CreditedWeek;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_entry_stays_small() {
        // The full history holds 71,000 entries: 32 bytes each is 2.3 MB.
        assert!(std::mem::size_of::<Entry>() <= 32);
    }

    #[test]
    fn days_round_trip() {
        let d = day("2023-04-08");
        assert_eq!(Day::new(d).unwrap().date(), d);
        assert!(Day::new(day("1950-01-01")).is_none());
    }

    #[test]
    fn credited_share_counts_streaks_and_jumps_like_the_store() {
        let w = |d: &str, position, last_week| CreditedWeek {
            date: day(d),
            position,
            last_week,
        };
        let weeks = vec![
            w("2020-01-04", 50, None),
            w("2020-01-11", 10, Some(50)),
            w("2020-01-18", 1, Some(10)),
            w("2020-02-08", 30, None),
            w("2020-02-15", 20, Some(30)),
        ];
        let run = CreditedRun::new(7, Chart::Hot100, day("2020-01-04"), weeks).unwrap();
        let e = Entry::of_credited(&run, 0).unwrap();
        assert_eq!(e.debut_position, Some(50));
        assert_eq!((e.streak, e.streak_from.date()), (3, day("2020-01-04")));
        assert_eq!(e.streak_to.date(), day("2020-01-18"));
        let jump = e.jump.unwrap();
        assert_eq!(
            (jump.from, jump.to, jump.week.date()),
            (50, 10, day("2020-01-11"))
        );
        assert_eq!(e.first_in_top_ten.unwrap().date(), day("2020-01-11"));
        assert_eq!(e.weeks_at_one, 1);
    }
}
