//! The overlay picture: two runs on one scale, each from its own debut, so their shapes can be
//! compared whatever years they charted in.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::run::rank_ticks;
use super::text::{Label, draw_text, text_width};
use super::{
    Area, BACKGROUND, GRID, H, LINES, MUTED, OverlayLine, Rect, TEXT, W, draw_heading, draw_legend,
    draw_no_data, lerp, rank_text,
};
use crate::i18n::Locale;

/// Where the lines may go: under the legend, with the axis labels outside.
const PLOT: Rect = Rect {
    left: 60,
    top: 96,
    right: W - 24,
    bottom: H - 36,
};
/// Keeps the first and last weeks and No. 1 off the frame, so the peak dots are whole.
const INSET: i32 = 10;
/// Week labels along the bottom, at most.
const MAX_WEEK_TICKS: i64 = 8;

/// Maps weeks since debut and positions to pixels inside [`PLOT`].
#[derive(Clone, Copy, Debug)]
struct Scale {
    /// The most weeks since debut of any line (0 for debuts alone).
    weeks: i64,
    size: i64,
}

impl Scale {
    fn x(&self, week: i64) -> i32 {
        let (left, right) = (PLOT.left + INSET, PLOT.right - INSET);
        if self.weeks == 0 {
            return (left + right) / 2;
        }
        lerp(left, right, week as f64 / self.weeks as f64)
    }

    fn y(&self, position: i64) -> i32 {
        let (top, bottom) = (PLOT.top + INSET, PLOT.bottom - INSET);
        if self.size <= 1 {
            return top;
        }
        lerp(
            top,
            bottom,
            (position.clamp(1, self.size) - 1) as f64 / (self.size - 1) as f64,
        )
    }
}

/// `lines` are sorted by week, one position a week, within `1..=size` (see `overlay_runs`).
pub(super) fn draw(
    area: &Area,
    title: &str,
    subtitle: &str,
    size: i64,
    lines: &[OverlayLine],
    locale: Locale,
) -> Result<()> {
    draw_heading(area, title, subtitle)?;
    let names: Vec<&str> = lines.iter().map(|l| l.label.as_str()).collect();
    draw_legend(area, &names)?;
    let weeks = lines
        .iter()
        .filter_map(|l| l.weeks.last().map(|w| w.0))
        .max();
    let Some(weeks) = weeks else {
        draw_frame(area)?;
        return draw_no_data(area, PLOT, locale);
    };
    let scale = Scale { weeks, size };
    draw_rank_axis(area, &scale, locale)?;
    draw_week_axis(area, &scale)?;
    draw_frame(area)?;
    for (line, colour) in lines.iter().zip(LINES) {
        draw_line(area, &scale, &line.weeks, colour)?;
    }
    // The first line's peak is drawn last, whole; a second peak at the same spot rings it.
    let peaks: Vec<Option<(i32, i32, i64)>> = lines.iter().map(|l| peak(&scale, l)).collect();
    let mut labelled: Vec<(i32, i32)> = Vec::new();
    for (i, (at, colour)) in peaks.iter().zip(LINES).enumerate().rev() {
        let Some((x, y, position)) = *at else {
            continue;
        };
        let near = |&(px, py): &(i32, i32)| (px - x).abs() < 24 && (py - y).abs() < 24;
        let crowded = peaks
            .iter()
            .enumerate()
            .any(|(j, p)| j != i && p.is_some_and(|(px, py, _)| near(&(px, py))));
        if crowded && i > 0 {
            area.draw(&Circle::new((x, y), 10, colour.stroke_width(3)))?;
        } else {
            area.draw(&Circle::new((x, y), 8, BACKGROUND.filled()))?;
            area.draw(&Circle::new((x, y), 6, colour.filled()))?;
        }
        if !labelled.iter().any(near) {
            draw_peak_label(area, (x, y), position, locale)?;
            labelled.push((x, y));
        }
    }
    Ok(())
}

/// Where a line first reaches its best position, and that position.
fn peak(scale: &Scale, line: &OverlayLine) -> Option<(i32, i32, i64)> {
    let &(week, position) = line.weeks.iter().min_by_key(|&&(w, p)| (p, w))?;
    Some((scale.x(week), scale.y(position), position))
}

fn draw_frame(area: &Area) -> Result<()> {
    area.draw(&Rectangle::new(
        [(PLOT.left, PLOT.top), (PLOT.right, PLOT.bottom)],
        GRID.stroke_width(1),
    ))?;
    Ok(())
}

fn draw_rank_axis(area: &Area, scale: &Scale, locale: Locale) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Right, VPos::Center);
    for rank in rank_ticks(scale.size) {
        let y = scale.y(rank);
        let line = vec![(PLOT.left, y), (PLOT.right, y)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        draw_text(area, &rank_text(rank, locale), (PLOT.left - 8, y), &label)?;
    }
    Ok(())
}

/// Weeks since debut along the bottom: 0 (the debut) and round steps after it.
fn draw_week_axis(area: &Area, scale: &Scale) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Center, VPos::Top);
    for week in week_ticks(scale.weeks) {
        let x = scale.x(week);
        let line = vec![(x, PLOT.top), (x, PLOT.bottom)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        let text = week.to_string();
        let half = (text_width(&text, &label)? / 2.0).ceil() as i32 + 2;
        draw_text(
            area,
            &text,
            (x.clamp(half, W - half), PLOT.bottom + 8),
            &label,
        )?;
    }
    Ok(())
}

/// 0, then multiples of a round step (1, 2, 5, 10, 20, 25, 50, …) up to `weeks`, at most
/// [`MAX_WEEK_TICKS`] + 1 of them.
fn week_ticks(weeks: i64) -> Vec<i64> {
    let weeks = weeks.max(0);
    let mut power: i64 = 1;
    let step = 'search: loop {
        for mantissa in [1, 2, 5] {
            let step = power.saturating_mul(mantissa);
            if weeks / step <= MAX_WEEK_TICKS {
                break 'search step;
            }
        }
        power = power.saturating_mul(10);
    };
    (0..=weeks / step).map(|i| i * step).collect()
}

/// Long runs get thinner lines so that neighbouring weeks stay apart.
fn line_width(weeks: i64) -> u32 {
    match weeks {
        ..=60 => 3,
        61..=260 => 2,
        _ => 1,
    }
}

/// One path per stretch of consecutive weeks; a lone week becomes a dot.
fn draw_line(area: &Area, scale: &Scale, weeks: &[(i64, i64)], colour: RGBColor) -> Result<()> {
    let width = line_width(scale.weeks);
    let mut stretch: Vec<(i32, i32)> = Vec::new();
    for (i, &(week, position)) in weeks.iter().enumerate() {
        stretch.push((scale.x(week), scale.y(position)));
        let ends = weeks.get(i + 1).is_none_or(|next| next.0 != week + 1);
        if !ends {
            continue;
        }
        match stretch.as_slice() {
            [] => {}
            [point] => {
                area.draw(&Circle::new(*point, width as i32 + 1, colour.filled()))?;
            }
            _ => {
                area.draw(&PathElement::new(
                    std::mem::take(&mut stretch),
                    colour.stroke_width(width),
                ))?;
            }
        }
        stretch.clear();
    }
    Ok(())
}

/// The position beside its dot: above and to the right, unless that would leave the plot.
fn draw_peak_label(area: &Area, (x, y): (i32, i32), position: i64, locale: Locale) -> Result<()> {
    let text = rank_text(position, locale);
    let mut label = Label::new(14.0, TEXT, HPos::Left, VPos::Bottom);
    let (mut lx, mut ly) = (x + 12, y - 8);
    if lx as f32 + text_width(&text, &label)? > PLOT.right as f32 {
        (label.h, lx) = (HPos::Right, x - 12);
    }
    if y - PLOT.top < 30 {
        (label.v, ly) = (VPos::Top, y + 10);
    }
    draw_text(area, &text, (lx, ly), &label)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Picture, WHOLE};
    use super::super::{RUN, SECOND, overlay_runs};
    use super::*;

    fn line(label: &str, positions: &[Option<i64>]) -> OverlayLine {
        OverlayLine {
            label: label.into(),
            weeks: positions
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Some((i as i64, (*p)?)))
                .collect(),
        }
    }

    fn draw(lines: &[OverlayLine], locale: Locale) -> Picture {
        Picture::decode(&overlay_runs("A vs B", "weeks since debut", 100, lines, locale).unwrap())
    }

    fn band(from: f64, to: f64) -> Rect {
        let height = (PLOT.bottom - PLOT.top) as f64;
        Rect {
            top: PLOT.top + (height * from) as i32,
            bottom: PLOT.top + (height * to) as i32,
            ..PLOT
        }
    }

    #[test]
    fn each_run_is_its_own_colour_and_no_1_is_at_the_top() {
        let top = line("Top", &[Some(1), Some(1), Some(2)]);
        let low = line("Low", &[Some(95), Some(99), Some(100)]);
        let picture = draw(&[top, low], Locale::En);
        assert!(picture.count(band(0.0, 0.2), RUN) > 50);
        assert_eq!(picture.count(band(0.5, 1.0), RUN), 0);
        assert!(picture.count(band(0.8, 1.0), SECOND) > 50);
        assert_eq!(picture.count(band(0.0, 0.5), SECOND), 0);
        // The legend names both, each beside a square of its colour.
        let legend = Rect {
            left: 0,
            top: LEGEND_TOP,
            right: W - 1,
            bottom: PLOT.top - 4,
        };
        assert!(picture.count(legend, RUN) >= 100 && picture.count(legend, SECOND) >= 100);
    }

    const LEGEND_TOP: i32 = 66;

    #[test]
    fn weeks_are_counted_from_each_debut_and_a_gap_breaks_the_line() {
        // Both start at week 0 wherever their dates were; the second leaves for four weeks.
        let a = line("A", &[Some(50); 12]);
        let b = line(
            "B",
            &[
                Some(70),
                Some(70),
                None,
                None,
                None,
                None,
                Some(70),
                Some(70),
            ],
        );
        let picture = draw(&[a, b], Locale::En);
        let scale = Scale {
            weeks: 11,
            size: 100,
        };
        let y = scale.y(70);
        let across = |from: i64, to: i64| Rect {
            left: scale.x(from) + 6,
            right: scale.x(to) - 6,
            top: y - 3,
            bottom: y + 3,
        };
        assert!(picture.count(across(0, 1), SECOND) > 10);
        assert_eq!(picture.count(across(1, 6), SECOND), 0);
        assert!(picture.count(across(6, 7), SECOND) > 10);
        assert!(picture.count(WHOLE, RUN) > 100);
    }

    #[test]
    fn week_labels_are_round_and_start_at_the_debut() {
        assert_eq!(week_ticks(0), [0]);
        assert_eq!(week_ticks(7), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(week_ticks(32), [0, 5, 10, 15, 20, 25, 30]);
        assert_eq!(week_ticks(250), [0, 50, 100, 150, 200, 250]);
        assert!(week_ticks(i64::MAX).len() <= MAX_WEEK_TICKS as usize + 1);
    }

    #[test]
    fn no_weeks_say_no_data_and_odd_input_does_not_panic() {
        let empty = draw(&[line("A", &[]), line("B", &[])], Locale::Ko);
        assert_eq!(empty.count(PLOT, RUN), 0);
        let long = "방탄소년단 Love Yourself 結 \u{1F49C}".repeat(50);
        let odd = OverlayLine {
            label: long.clone(),
            weeks: vec![(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (3, 3), (3, 4)],
        };
        for locale in Locale::ALL {
            for size in [i64::MIN, 0, 1, 200, i64::MAX] {
                overlay_runs(&long, &long, size, std::slice::from_ref(&odd), locale).unwrap();
                overlay_runs(
                    "",
                    "",
                    size,
                    &[odd.clone(), odd.clone(), odd.clone()],
                    locale,
                )
                .unwrap();
                overlay_runs("", "", size, &[], locale).unwrap();
            }
        }
        let weeks = [line("A", &[Some(3), Some(5)]), line("B", &[Some(9)])];
        assert_eq!(
            overlay_runs("t", "s", 100, &weeks, Locale::Ja).unwrap(),
            overlay_runs("t", "s", 100, &weeks, Locale::Ja).unwrap()
        );
    }
}
