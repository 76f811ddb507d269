//! The run picture: a song's or album's chart positions week by week.

use anyhow::Result;
use chrono::{Datelike, Months, NaiveDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::text::{Label, draw_text, text_width};
use super::{
    Area, BACKGROUND, GRID, H, MUTED, RUN, Rect, RunWeek, TEXT, W, draw_heading, draw_no_data,
    lerp, rank_text,
};
use crate::i18n::{Locale, msg, t};

/// Where a run's line may go; the axis labels sit outside it.
const RUN_PLOT: Rect = Rect {
    left: 60,
    top: 76,
    right: W - 24,
    bottom: H - 36,
};
/// Keeps the extreme weeks and positions off the frame so the peak dot is never clipped.
const RUN_INSET: i32 = 10;

/// Maps weeks and positions to pixels inside [`RUN_PLOT`].
#[derive(Clone, Copy, Debug)]
struct RunScale {
    first: NaiveDate,
    span_days: i64,
    size: i64,
}

impl RunScale {
    fn new(weeks: &[RunWeek], size: i64) -> Option<RunScale> {
        let first = weeks.first()?.date;
        let span_days = (weeks.last()?.date - first).num_days();
        Some(RunScale {
            first,
            span_days,
            size,
        })
    }

    fn x(&self, date: NaiveDate) -> i32 {
        let (left, right) = (RUN_PLOT.left + RUN_INSET, RUN_PLOT.right - RUN_INSET);
        if self.span_days == 0 {
            return (left + right) / 2;
        }
        let frac = (date - self.first).num_days() as f64 / self.span_days as f64;
        lerp(left, right, frac)
    }

    fn y(&self, position: i64) -> i32 {
        let (top, bottom) = (RUN_PLOT.top + RUN_INSET, RUN_PLOT.bottom - RUN_INSET);
        if self.size <= 1 {
            return top;
        }
        let frac = (position.clamp(1, self.size) - 1) as f64 / (self.size - 1) as f64;
        lerp(top, bottom, frac)
    }
}

pub(super) fn draw(
    area: &Area,
    title: &str,
    chart_name: &str,
    size: i64,
    weeks: &[RunWeek],
    locale: Locale,
) -> Result<()> {
    let peak = weeks
        .iter()
        .filter_map(|w| Some((w.position?, w.date)))
        .min_by_key(|&(position, date)| (position, date));
    let charted = weeks.iter().filter(|w| w.position.is_some()).count();
    let (Some(scale), Some(peak)) = (RunScale::new(weeks, size), peak) else {
        draw_heading(area, title, chart_name)?;
        draw_frame(area, RUN_PLOT)?;
        return draw_no_data(area, RUN_PLOT, locale);
    };
    let summary = run_summary(chart_name, peak.0, charted, locale);
    draw_heading(area, title, &summary)?;
    draw_rank_axis(area, &scale, locale)?;
    draw_date_axis(area, &scale, weeks, locale)?;
    draw_frame(area, RUN_PLOT)?;
    draw_run_line(area, &scale, weeks)?;
    draw_peak(area, &scale, peak, locale)
}

fn run_summary(chart_name: &str, peak: i64, charted: usize, locale: Locale) -> String {
    let facts = t(
        locale,
        msg::picture_run_facts(&peak.to_string(), &charted.to_string()),
    );
    if chart_name.trim().is_empty() {
        facts
    } else {
        format!("{chart_name} · {facts}")
    }
}

fn draw_frame(area: &Area, r: Rect) -> Result<()> {
    area.draw(&Rectangle::new(
        [(r.left, r.top), (r.right, r.bottom)],
        GRID.stroke_width(1),
    ))?;
    Ok(())
}

fn draw_rank_axis(area: &Area, scale: &RunScale, locale: Locale) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Right, VPos::Center);
    for rank in rank_ticks(scale.size) {
        let y = scale.y(rank);
        let line = vec![(RUN_PLOT.left, y), (RUN_PLOT.right, y)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        let text = rank_text(rank, locale);
        draw_text(area, &text, (RUN_PLOT.left - 8, y), &label)?;
    }
    Ok(())
}

/// No. 1 always, then round steps chosen so there are at most about six labels.
pub(super) fn rank_ticks(size: i64) -> Vec<i64> {
    let step = rank_step(size);
    let mut ticks = vec![1];
    let mut rank = step;
    while rank <= size {
        // A step right next to No. 1 would print on top of it.
        if rank > step - step / 2 {
            ticks.push(rank);
        }
        rank = match rank.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    ticks
}

fn rank_step(size: i64) -> i64 {
    let mut power: i64 = 1;
    loop {
        for mantissa in [1, 2, 5] {
            let step = power.saturating_mul(mantissa);
            if size / step <= 5 {
                return step;
            }
        }
        power = match power.checked_mul(10) {
            Some(next) => next,
            None => return i64::MAX,
        };
    }
}

fn draw_date_axis(area: &Area, scale: &RunScale, weeks: &[RunWeek], locale: Locale) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Center, VPos::Top);
    let last = weeks.last().map_or(scale.first, |w| w.date);
    for (date, text) in date_ticks(scale.first, last, locale) {
        let x = scale.x(date);
        let line = vec![(x, RUN_PLOT.top), (x, RUN_PLOT.bottom)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        // Keep edge labels whole rather than centred off the picture.
        let half = (text_width(&text, &label)? / 2.0).ceil() as i32 + 2;
        let x = x.clamp(half, (W - half).max(half));
        draw_text(area, &text, (x, RUN_PLOT.bottom + 8), &label)?;
    }
    Ok(())
}

const MAX_DATE_TICKS: i64 = 6;

/// Dates for the x labels: weeks for a short run, month starts for a medium one, year starts
/// for a long one, spaced so that at most [`MAX_DATE_TICKS`] labels are drawn.
fn date_ticks(first: NaiveDate, last: NaiveDate, locale: Locale) -> Vec<(NaiveDate, String)> {
    let span = (last - first).num_days();
    let (ticks, unit) = if span <= 7 * 16 {
        (week_ticks(first, last, span), Tick::Day)
    } else if span <= 3 * 366 {
        (month_ticks(first, last), Tick::Month)
    } else {
        (year_ticks(first, last), Tick::Year)
    };
    let (ticks, unit) = if ticks.is_empty() {
        (vec![first], Tick::Day)
    } else {
        (ticks, unit)
    };
    ticks
        .into_iter()
        .map(|d| (d, tick_label(d, unit, locale)))
        .collect()
}

/// What a date label names.
#[derive(Clone, Copy)]
enum Tick {
    Day,
    Month,
    Year,
}

/// Dates as each language writes them on an axis: "Jan 2, 2021", "2021. 1. 2.", "2021/1/2".
fn tick_label(date: NaiveDate, unit: Tick, locale: Locale) -> String {
    let format = match (unit, locale) {
        (Tick::Day, Locale::En) => "%b %-d, %Y",
        (Tick::Day, Locale::Ko) => "%Y. %-m. %-d.",
        (Tick::Day, Locale::Ja) => "%Y/%-m/%-d",
        (Tick::Month, Locale::En) => "%b %Y",
        (Tick::Month, Locale::Ko) => "%Y년 %-m월",
        (Tick::Month, Locale::Ja) => "%Y年%-m月",
        (Tick::Year, Locale::En) => "%Y",
        (Tick::Year, Locale::Ko) => "%Y년",
        (Tick::Year, Locale::Ja) => "%Y年",
    };
    date.format(format).to_string()
}

fn week_ticks(first: NaiveDate, last: NaiveDate, span: i64) -> Vec<NaiveDate> {
    let weeks = span / 7 + 1;
    let step = (weeks + MAX_DATE_TICKS - 1) / MAX_DATE_TICKS * 7;
    (0..MAX_DATE_TICKS)
        .filter_map(|i| first.checked_add_signed(chrono::Duration::days(i * step)))
        .filter(|&d| d <= last)
        .collect()
}

fn month_ticks(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let months = i64::from(last.year() - first.year()) * 12 + i64::from(last.month())
        - i64::from(first.month());
    let step = [1u32, 2, 3, 6, 12]
        .into_iter()
        .find(|&s| months / i64::from(s) < MAX_DATE_TICKS)
        .unwrap_or(12);
    // Start on a month that is a multiple of the step, so labels read Jan, Apr, Jul, Oct.
    let mut date = first.with_day(1).unwrap_or(first);
    while date < first || !date.month0().is_multiple_of(step) {
        match date.checked_add_months(Months::new(1)) {
            Some(next) => date = next,
            None => return Vec::new(),
        }
    }
    let mut ticks = Vec::new();
    while date <= last && ticks.len() < MAX_DATE_TICKS as usize + 1 {
        ticks.push(date);
        match date.checked_add_months(Months::new(step)) {
            Some(next) => date = next,
            None => break,
        }
    }
    ticks
}

fn year_ticks(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let years = i64::from(last.year()) - i64::from(first.year());
    let mut step: i64 = 1;
    'search: for power in 0..10 {
        for mantissa in [1, 2, 5] {
            step = mantissa * 10i64.pow(power);
            if years / step < MAX_DATE_TICKS {
                break 'search;
            }
        }
    }
    // The first year start on or after `first` that is a multiple of the step: 2015, 2020, …
    let mut year = i64::from(first.year()) + 1;
    if first.ordinal() == 1 {
        year -= 1;
    }
    year += (step - year.rem_euclid(step)) % step;
    let mut ticks = Vec::new();
    while year <= i64::from(last.year()) && ticks.len() < MAX_DATE_TICKS as usize + 1 {
        let date = i32::try_from(year)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1));
        ticks.extend(date);
        year += step;
    }
    ticks
}

/// Long runs get thinner lines so that neighbouring weeks stay apart.
fn line_width(weeks: usize) -> u32 {
    match weeks {
        0..=60 => 3,
        61..=260 => 2,
        _ => 1,
    }
}

/// One path per stretch of consecutive charted weeks; a lone week becomes a dot.
fn draw_run_line(area: &Area, scale: &RunScale, weeks: &[RunWeek]) -> Result<()> {
    let width = line_width(weeks.len());
    for stretch in weeks.split(|w| w.position.is_none()) {
        let points: Vec<(i32, i32)> = stretch
            .iter()
            .filter_map(|w| Some((scale.x(w.date), scale.y(w.position?))))
            .collect();
        match points.as_slice() {
            [] => {}
            [point] => {
                area.draw(&Circle::new(*point, width as i32 + 1, RUN.filled()))?;
            }
            _ => {
                area.draw(&PathElement::new(points, RUN.stroke_width(width)))?;
            }
        }
    }
    Ok(())
}

fn draw_peak(
    area: &Area,
    scale: &RunScale,
    (position, date): (i64, NaiveDate),
    locale: Locale,
) -> Result<()> {
    let (x, y) = (scale.x(date), scale.y(position));
    // A ring of background colour lifts the dot off the line.
    area.draw(&Circle::new((x, y), 8, BACKGROUND.filled()))?;
    area.draw(&Circle::new((x, y), 6, RUN.filled()))?;

    // Above and to the right of the dot, unless that would leave the plot.
    let text = rank_text(position, locale);
    let mut label = Label::new(14.0, TEXT, HPos::Left, VPos::Bottom);
    let (mut lx, mut ly) = (x + 10, y - 8);
    if lx as f32 + text_width(&text, &label)? > RUN_PLOT.right as f32 {
        (label.h, lx) = (HPos::Right, x - 10);
    }
    if y - RUN_PLOT.top < 30 {
        (label.v, ly) = (VPos::Top, y + 8);
    }
    draw_text(area, &text, (lx, ly), &label)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Picture, WHOLE, date, weekly};
    use super::super::{missing_glyphs, run_chart};
    use super::*;

    fn run(size: i64, positions: &[Option<i64>]) -> Picture {
        let weeks = weekly(positions);
        Picture::decode(&run_chart("Song", "Hot 100", size, &weeks, Locale::En).unwrap())
    }

    fn plot_band(from: f64, to: f64) -> Rect {
        let height = (RUN_PLOT.bottom - RUN_PLOT.top) as f64;
        Rect {
            top: RUN_PLOT.top + (height * from) as i32,
            bottom: RUN_PLOT.top + (height * to) as i32,
            ..RUN_PLOT
        }
    }

    #[test]
    fn number_one_is_drawn_at_the_top() {
        let picture = run(100, &[Some(1)]);
        assert!(picture.count(plot_band(0.0, 0.2), RUN) > 20);
        assert_eq!(picture.count(plot_band(0.5, 1.0), RUN), 0);
    }

    #[test]
    fn number_100_is_drawn_at_the_bottom() {
        let picture = run(100, &[Some(100)]);
        assert!(picture.count(plot_band(0.8, 1.0), RUN) > 20);
        assert_eq!(picture.count(plot_band(0.0, 0.5), RUN), 0);
    }

    #[test]
    fn positions_off_the_scale_are_clamped_onto_it() {
        let picture = run(100, &[Some(-5), Some(0), Some(250)]);
        assert!(picture.count(plot_band(0.0, 0.1), RUN) > 20);
        assert!(picture.count(plot_band(0.9, 1.0), RUN) > 20);
    }

    #[test]
    fn weeks_off_the_chart_leave_a_gap_in_the_line() {
        let positions = [Some(40), Some(42), None, None, None, Some(60), Some(58)];
        let weeks = weekly(&positions);
        let picture = run(100, &positions);
        let scale = RunScale::new(&weeks, 100).unwrap();
        let (x0, x1, x5) = (
            scale.x(weeks[0].date),
            scale.x(weeks[1].date),
            scale.x(weeks[5].date),
        );
        // Leave room for the line's width and the dots at the stretch ends.
        let gap = Rect {
            left: x1 + 6,
            right: x5 - 6,
            ..RUN_PLOT
        };
        let charted = Rect {
            left: x0 + 10,
            right: x1 - 3,
            ..RUN_PLOT
        };
        assert!(
            gap.right - gap.left > 100,
            "the gap should be wide enough to test"
        );
        assert!(
            picture.count(charted, RUN) > 20,
            "the charted stretch is drawn"
        );
        assert_eq!(
            picture.count(gap, RUN),
            0,
            "nothing is drawn across the gap"
        );
    }

    #[test]
    fn a_lone_week_between_gaps_still_shows() {
        let positions = [Some(10), None, None, Some(50), None, None, Some(10)];
        let weeks = weekly(&positions);
        let picture = run(100, &positions);
        let scale = RunScale::new(&weeks, 100).unwrap();
        let (x, y) = (scale.x(weeks[3].date), scale.y(50));
        let around = Rect {
            left: x - 5,
            top: y - 5,
            right: x + 5,
            bottom: y + 5,
        };
        assert!(picture.count(around, RUN) > 4);
    }

    #[test]
    fn rank_labels_start_at_number_one_with_round_steps() {
        assert_eq!(rank_ticks(100), [1, 20, 40, 60, 80, 100]);
        assert_eq!(rank_ticks(200), [1, 50, 100, 150, 200]);
        assert_eq!(rank_ticks(10), [1, 2, 4, 6, 8, 10]);
        assert_eq!(rank_ticks(1), [1]);
        assert!(rank_ticks(i64::MAX).len() <= 7);
    }

    #[test]
    fn date_labels_suit_the_length_of_the_run() {
        let labels = |from, to| -> Vec<String> {
            date_ticks(from, to, Locale::En)
                .into_iter()
                .map(|(_, label)| label)
                .collect()
        };
        assert_eq!(labels(date(2021, 1, 2), date(2021, 1, 2)), ["Jan 2, 2021"]);
        assert_eq!(
            labels(date(2021, 1, 2), date(2021, 1, 23)),
            ["Jan 2, 2021", "Jan 9, 2021", "Jan 16, 2021", "Jan 23, 2021"]
        );
        assert_eq!(
            labels(date(2020, 9, 5), date(2021, 10, 2)),
            ["Oct 2020", "Jan 2021", "Apr 2021", "Jul 2021", "Oct 2021"]
        );
        assert_eq!(
            labels(date(2013, 6, 15), date(2036, 6, 1)),
            ["2015", "2020", "2025", "2030", "2035"]
        );
        for (from, to) in [
            (NaiveDate::MIN, NaiveDate::MAX),
            (date(2000, 1, 1), date(2000, 3, 20)),
        ] {
            let ticks = date_ticks(from, to, Locale::En);
            assert!(
                (1..=MAX_DATE_TICKS as usize + 1).contains(&ticks.len()),
                "{ticks:?}"
            );
            assert!(
                ticks.iter().all(|&(d, _)| from <= d && d <= to),
                "{ticks:?}"
            );
        }
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        let labels = |from, to, locale| -> Vec<String> {
            date_ticks(from, to, locale)
                .into_iter()
                .map(|(_, label)| label)
                .collect()
        };
        let weeks = (date(2021, 1, 2), date(2021, 1, 9));
        assert_eq!(
            labels(weeks.0, weeks.1, Locale::Ko),
            ["2021. 1. 2.", "2021. 1. 9."]
        );
        assert_eq!(
            labels(weeks.0, weeks.1, Locale::Ja),
            ["2021/1/2", "2021/1/9"]
        );
        let months = (date(2020, 9, 5), date(2021, 1, 2));
        assert_eq!(
            labels(months.0, months.1, Locale::Ko),
            ["2020년 10월", "2020년 11월", "2020년 12월", "2021년 1월"]
        );
        assert_eq!(
            labels(months.0, months.1, Locale::Ja),
            ["2020年10月", "2020年11月", "2020年12月", "2021年1月"]
        );
        let years = (date(2013, 6, 15), date(2021, 6, 1));
        assert_eq!(
            labels(years.0, years.1, Locale::Ko),
            ["2014년", "2016년", "2018년", "2020년"]
        );
        assert_eq!(
            labels(years.0, years.1, Locale::Ja),
            ["2014年", "2016年", "2018年", "2020年"]
        );
    }

    #[test]
    fn the_heading_and_labels_follow_the_locale() {
        let weeks = weekly(&[Some(17), Some(5), None, Some(9)]);
        let draw = |title: &str, locale| {
            Picture::decode(&run_chart(title, "Hot 100", 100, &weeks, locale).unwrap())
        };
        let (en, ko, ja) = (
            draw("Song", Locale::En),
            draw("Song", Locale::Ko),
            draw("Song", Locale::Ja),
        );
        assert_eq!(
            run_summary("Hot 100", 5, 3, Locale::Ko),
            "Hot 100 · 최고 5위 · 차트인 3주"
        );
        assert_eq!(
            run_summary("Hot 100", 5, 3, Locale::Ja),
            "Hot 100 · 最高5位 · チャートイン3週"
        );
        assert_eq!(
            run_summary("", 5, 1, Locale::En),
            "peak #5 · 1 week on chart"
        );
        // The subtitle band and the axis labels differ by language; the line does not.
        let subtitle = Rect {
            left: 0,
            top: 40,
            right: W - 1,
            bottom: 66,
        };
        let axis = Rect {
            left: 0,
            top: RUN_PLOT.top,
            right: RUN_PLOT.left - 2,
            bottom: RUN_PLOT.bottom,
        };
        for (a, b) in [(&en, &ko), (&en, &ja), (&ko, &ja)] {
            for r in [subtitle, axis] {
                let differ = a.differs_from(b, r);
                assert!(differ > 50, "{r:?}: {differ} pixels differ");
            }
        }
        assert_eq!(en.count(WHOLE, RUN), ko.count(WHOLE, RUN));
    }

    #[test]
    fn hangul_and_kana_titles_draw_their_own_glyphs() {
        let weeks = weekly(&[Some(3)]);
        let draw = |title: &str| {
            Picture::decode(&run_chart(title, "Hot 100", 100, &weeks, Locale::Ko).unwrap())
        };
        let heading = Rect {
            left: 0,
            top: 0,
            right: W - 1,
            bottom: 38,
        };
        // Glyphs the font lacked would all draw as the same box.
        for (a, b) in [("봄날", "뷁똠"), ("ひかり", "カタナ"), ("上半期", "輸出先")]
        {
            assert_eq!(
                missing_glyphs(&format!("{a}{b}")).unwrap(),
                Vec::<char>::new()
            );
            let differ = draw(a).differs_from(&draw(b), heading);
            assert!(differ > 50, "{a} and {b}: {differ} pixels differ");
        }
    }
}
