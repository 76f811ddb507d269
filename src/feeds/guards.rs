//! What a feed's week must be before it is stored: a whole chart, on the chart's weekday, with
//! `last_week` links that agree with the week before. A week that fails any of these is
//! refused whole: a half-published or mangled file never reaches the store.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::chart::{Chart, credit_key, title_key};
use crate::import::billboard::Row;
use crate::store::StoredRow;

/// Billboard's chart weeks are dated Saturdays (since 1962).
pub const CHART_WEEKDAY: Weekday = Weekday::Sat;

/// `last_week` links that may disagree with the stored week before, in 100 rows: Billboard's
/// own files hold a few (a title renamed between weeks).
const LINK_TOLERANCE_PERCENT: usize = 5;

/// Why a week was refused, in words for the log and the mod-log.
pub type Refusal = String;

/// Checks one week of `chart` dated `date`. `previous` is the stored week seven days before,
/// checked against only when it is complete (the seed holds only the K-pop rows of a week).
pub fn check_week(
    chart: Chart,
    date: NaiveDate,
    rows: &[&Row],
    previous: &[StoredRow],
) -> Result<(), Refusal> {
    if date.weekday() != CHART_WEEKDAY {
        return Err(format!(
            "it is dated {date}, a {}; {} weeks are dated on {}s",
            day_name(date.weekday()),
            chart.name(),
            day_name(CHART_WEEKDAY)
        ));
    }
    let size = usize::try_from(chart.size()).unwrap_or_default();
    if rows.len() != size {
        return Err(format!(
            "it has {} rows; the {} has {size} places",
            rows.len(),
            chart.name()
        ));
    }
    let mut seen = HashSet::with_capacity(size);
    if let Some(twice) = rows.iter().find(|r| !seen.insert(r.position)) {
        return Err(format!(
            "position {} appears twice (line {})",
            twice.position, twice.line
        ));
    }
    if let Some(missing) = (1..=chart.size()).find(|p| !seen.contains(p)) {
        return Err(format!("position {missing} is missing"));
    }
    if previous.len() == size {
        check_links(chart, rows, previous)?;
    }
    Ok(())
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The rows whose `last_week` position held, the week before, neither their title nor their
/// credit: more than the tolerance means the file is not the week after the stored one.
fn check_links(chart: Chart, rows: &[&Row], previous: &[StoredRow]) -> Result<(), Refusal> {
    let before = |position: i64| previous.iter().find(|p| p.0 == position);
    let contradicting: Vec<&&Row> = rows
        .iter()
        .filter(|r| {
            r.last_week.is_some_and(|lw| match before(lw) {
                Some(p) => {
                    title_key(&p.1) != title_key(&r.title)
                        && credit_key(&p.2) != credit_key(&r.credit)
                }
                None => true,
            })
        })
        .collect();
    let tolerance = rows.len() * LINK_TOLERANCE_PERCENT / 100;
    if contradicting.len() > tolerance {
        let first = contradicting[0];
        return Err(format!(
            "{} rows' last_week contradict the stored {} week before (at most {tolerance} may), \
             first on line {}: #{} says last week #{}",
            contradicting.len(),
            chart.name(),
            first.line,
            first.position,
            first.last_week.unwrap_or_default()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saturday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 5).unwrap()
    }

    fn week(date: NaiveDate, n: i64) -> Vec<Row> {
        (1..=n)
            .map(|p| Row {
                line: p as u64 + 1,
                date,
                position: p,
                title: format!("Song {p}"),
                credit: format!("Act {p}"),
                last_week: Some(p),
                peak: Some(p),
                weeks: Some(2),
            })
            .collect()
    }

    fn stored(rows: &[Row]) -> Vec<StoredRow> {
        rows.iter()
            .map(|r| {
                (
                    r.position,
                    r.title.clone(),
                    r.credit.clone(),
                    None,
                    None,
                    None,
                )
            })
            .collect()
    }

    fn check(rows: &[Row], previous: &[StoredRow]) -> Result<(), Refusal> {
        let refs: Vec<&Row> = rows.iter().collect();
        check_week(Chart::Hot100, saturday(), &refs, previous)
    }

    #[test]
    fn a_whole_week_that_follows_the_stored_one_passes() {
        let rows = week(saturday(), 100);
        assert_eq!(check(&rows, &stored(&rows)), Ok(()));
    }

    #[test]
    fn a_short_week_is_refused() {
        let err = check(&week(saturday(), 99), &[]).unwrap_err();
        assert!(err.contains("99 rows"), "{err}");
    }

    #[test]
    fn duplicate_and_missing_positions_are_refused() {
        let mut rows = week(saturday(), 100);
        rows[10].position = 10;
        let err = check(&rows, &[]).unwrap_err();
        assert!(err.contains("position 10 appears twice"), "{err}");
    }

    #[test]
    fn a_week_off_the_charts_weekday_is_refused() {
        let friday = saturday().pred_opt().unwrap();
        let rows = week(friday, 100);
        let refs: Vec<&Row> = rows.iter().collect();
        let err = check_week(Chart::Hot100, friday, &refs, &[]).unwrap_err();
        assert!(err.contains("Saturdays"), "{err}");
    }

    #[test]
    fn links_are_checked_only_against_a_complete_week_and_within_the_tolerance() {
        let rows = week(saturday(), 100);
        let mut shuffled = stored(&rows);
        for s in shuffled.iter_mut().take(6) {
            s.1 = format!("Other {}", s.0);
            s.2 = format!("Someone {}", s.0);
        }
        let err = check(&rows, &shuffled).unwrap_err();
        assert!(err.contains("6 rows' last_week"), "{err}");
        // Five are within Billboard's own renames; a partial week is not checked at all.
        assert_eq!(check(&rows, &shuffled[1..]), Ok(()));
        shuffled[0] = stored(&rows)[0].clone();
        assert_eq!(check(&rows, &shuffled), Ok(()));
    }
}
