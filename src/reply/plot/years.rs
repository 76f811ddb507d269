//! The yearly picture: one value per full year as a line, years along the bottom; two
//! destinations as two lines with a legend.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::text::{Label, draw_text};
use super::{
    Area, BACKGROUND, GRID, H, LINES, MUTED, Rect, TEXT, W, YearSeries, YearValue, draw_heading,
    draw_legend, draw_no_data, lerp,
};
use crate::i18n::Locale;

/// Where the line may go; the axis labels sit outside it.
const PLOT: Rect = Rect {
    left: 96,
    top: 76,
    right: W - 32,
    bottom: H - 36,
};
/// Where several lines go: below their legend.
const PLOT_WITH_LEGEND: Rect = Rect { top: 96, ..PLOT };
/// Keeps the first and last years and the top value off the frame.
const INSET: i32 = 24;

/// Maps years and values to pixels inside `plot`; values from zero to `top`.
#[derive(Clone, Copy, Debug)]
struct Scale {
    plot: Rect,
    first: i32,
    last: i32,
    top: u64,
}

impl Scale {
    fn x(&self, year: i32) -> i32 {
        let (left, right) = (self.plot.left + INSET, self.plot.right - INSET);
        if self.last == self.first {
            return (left + right) / 2;
        }
        lerp(
            left,
            right,
            f64::from(year - self.first) / f64::from(self.last - self.first),
        )
    }

    fn y(&self, value: u64) -> i32 {
        let (top, bottom) = (self.plot.top + INSET, self.plot.bottom);
        lerp(bottom, top, value as f64 / self.top.max(1) as f64)
    }
}

/// One line per series, each in its colour of [`LINES`]; several are named in a legend, and a
/// single one has its values written over its dots.
pub(super) fn draw(
    area: &Area,
    title: &str,
    subtitle: &str,
    series: &[YearSeries],
    money: &(dyn Fn(u64) -> String + Sync),
    locale: Locale,
) -> Result<()> {
    draw_heading(area, title, subtitle)?;
    let plot = if series.len() > 1 {
        let names: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        draw_legend(area, &names)?;
        PLOT_WITH_LEGEND
    } else {
        PLOT
    };
    let all = || series.iter().flat_map(|s| &s.years);
    let (Some(first), Some(last)) = (all().map(|y| y.year).min(), all().map(|y| y.year).max())
    else {
        draw_frame(area, plot)?;
        return draw_no_data(area, plot, locale);
    };
    let top = value_ticks(all().map(|y| y.value).max().unwrap_or(0));
    let scale = Scale {
        plot,
        first,
        last,
        top: *top.last().unwrap_or(&1),
    };
    let axis = Label::new(13.0, MUTED, HPos::Right, VPos::Center);
    for tick in &top {
        let y = scale.y(*tick);
        let line = vec![(plot.left, y), (plot.right, y)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        draw_text(area, &money(*tick), (plot.left - 8, y), &axis)?;
    }
    let below = Label::new(13.0, MUTED, HPos::Center, VPos::Top);
    let every = year_step(last - first);
    let mut years: Vec<i32> = all().map(|y| y.year).collect();
    years.sort_unstable();
    years.dedup();
    for year in years.into_iter().filter(|y| (y - first) % every == 0) {
        draw_text(
            area,
            &year.to_string(),
            (scale.x(year), plot.bottom + 8),
            &below,
        )?;
    }
    draw_frame(area, plot)?;
    for (s, colour) in series.iter().zip(LINES) {
        draw_line(area, &scale, &s.years, colour)?;
    }
    match series {
        [one] => draw_values(area, &scale, &one.years),
        _ => Ok(()),
    }
}

fn draw_frame(area: &Area, plot: Rect) -> Result<()> {
    area.draw(&Rectangle::new(
        [(plot.left, plot.top), (plot.right, plot.bottom)],
        GRID.stroke_width(1),
    ))?;
    Ok(())
}

/// Solid between years next to each other, thin and muted across years without a value, so
/// a gap is never drawn as if it had been measured; a dot on every year.
fn draw_line(area: &Area, scale: &Scale, years: &[YearValue], colour: RGBColor) -> Result<()> {
    for pair in years.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ends = vec![
            (scale.x(a.year), scale.y(a.value)),
            (scale.x(b.year), scale.y(b.value)),
        ];
        let style = if b.year - a.year == 1 {
            colour.stroke_width(3)
        } else {
            MUTED.stroke_width(1)
        };
        area.draw(&PathElement::new(ends, style))?;
    }
    for y in years {
        let at = (scale.x(y.year), scale.y(y.value));
        area.draw(&Circle::new(at, 6, BACKGROUND.filled()))?;
        area.draw(&Circle::new(at, 4, colour.filled()))?;
    }
    Ok(())
}

/// Each year's value above its dot, when there are few enough years for them not to collide.
fn draw_values(area: &Area, scale: &Scale, years: &[YearValue]) -> Result<()> {
    if years.len() > 8 {
        return Ok(());
    }
    let label = Label::new(12.0, TEXT, HPos::Center, VPos::Bottom);
    for y in years {
        let at = (scale.x(y.year), scale.y(y.value) - 8);
        draw_text(area, &y.value_label, at, &label)?;
    }
    Ok(())
}

/// Round steps from zero up to at least `max`, about four of them.
fn value_ticks(max: u64) -> Vec<u64> {
    let rough = (max / 4).max(1);
    let magnitude = 10u64.pow(rough.ilog10());
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10 * magnitude);
    let mut ticks = vec![0];
    while *ticks.last().unwrap_or(&0) < max {
        let next = ticks.last().unwrap_or(&0) + step;
        ticks.push(next);
    }
    if ticks.len() == 1 {
        ticks.push(step);
    }
    ticks
}

/// Every year labelled up to a dozen years, then every second or fifth.
fn year_step(span: i32) -> i32 {
    match span {
        ..=12 => 1,
        13..=30 => 2,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Picture, WHOLE};
    use super::super::{RUN, SECOND, yearly_line, yearly_lines};
    use super::*;

    fn year(year: i32, value: u64) -> YearValue {
        YearValue {
            year,
            value,
            value_label: format!("{value}"),
        }
    }

    #[test]
    fn ticks_are_round_and_reach_the_largest_value() {
        assert_eq!(
            value_ticks(119_170_000),
            [0, 50_000_000, 100_000_000, 150_000_000]
        );
        assert_eq!(value_ticks(40), [0, 10, 20, 30, 40]);
        assert_eq!(value_ticks(0), [0, 1]);
    }

    #[test]
    fn the_line_is_drawn_and_no_years_says_no_data() {
        let money = |v: u64| format!("${v}");
        let years = [year(2021, 78), year(2022, 85), year(2024, 89)];
        let png = yearly_line("Japan", "all years", &years, &money, Locale::En).unwrap();
        let picture = Picture::decode(&png);
        assert_eq!((picture.width, picture.height), (800, 400));
        assert!(picture.count(WHOLE, RUN) > 100);
        let empty = yearly_line("Japan", "all years", &[], &money, Locale::En).unwrap();
        assert_eq!(Picture::decode(&empty).count(WHOLE, RUN), 0);
        // Deterministic bytes for the same input.
        assert_eq!(
            png,
            yearly_line("Japan", "all years", &years, &money, Locale::En).unwrap()
        );
    }

    #[test]
    fn two_destinations_are_two_lines_on_one_scale() {
        let money = |v: u64| format!("${v}");
        let series = [
            YearSeries {
                label: "Japan".into(),
                years: vec![year(2021, 80), year(2022, 90)],
            },
            YearSeries {
                label: "United States".into(),
                years: vec![year(2020, 10), year(2021, 12), year(2022, 20)],
            },
        ];
        let png = yearly_lines("Japan vs United States", "", &series, &money, Locale::Ko).unwrap();
        let picture = Picture::decode(&png);
        assert!(picture.count(PLOT_WITH_LEGEND, RUN) > 100);
        assert!(picture.count(PLOT_WITH_LEGEND, SECOND) > 100);
        // The smaller values sit low on the shared scale.
        let low = Rect {
            top: (PLOT_WITH_LEGEND.top + PLOT_WITH_LEGEND.bottom) / 2,
            ..PLOT_WITH_LEGEND
        };
        assert_eq!(picture.count(low, RUN), 0);
        assert!(picture.count(low, SECOND) > 100);
    }
}
