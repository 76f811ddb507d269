//! The ranking picture: one bar per entry, largest first as given.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::text::{Label, draw_text, fit, text_width};
use super::{
    Area, BAR, Bar, H, MARGIN, MUTED, Rect, TEXT, W, draw_heading, draw_no_data, lerp, rank_text,
};
use crate::i18n::{Locale, msg, t};

const BARS_TOP: i32 = 58;
const BARS_BOTTOM: i32 = H - MARGIN;
const MIN_ROW: i32 = 22;
const MAX_ROW: i32 = 40;
const MAX_RANK_WIDTH: i32 = 60;
const MAX_LABEL_WIDTH: i32 = 220;
const MAX_VALUE_WIDTH: i32 = 160;
const GAP: i32 = 8;
/// Rows that fit at the smallest legible row height.
const BAR_ROWS: usize = ((BARS_BOTTOM - BARS_TOP) / MIN_ROW) as usize;

/// Pixel layout of the bar chart, worked out from the text it has to hold.
#[derive(Clone, Copy, Debug)]
struct BarLayout {
    shown: usize,
    row: i32,
    /// The right edge of the rank column.
    rank_right: i32,
    bar_left: i32,
    bar_max: i32,
}

impl BarLayout {
    fn new(count: usize, rank_width: i32, label_width: i32, value_width: i32) -> BarLayout {
        // The last row goes to the "+ N more" note when not everything fits.
        let (shown, rows) = if count > BAR_ROWS {
            (BAR_ROWS - 1, BAR_ROWS)
        } else {
            (count, count.max(1))
        };
        let row = ((BARS_BOTTOM - BARS_TOP) / rows as i32).min(MAX_ROW);
        let rank_right = MARGIN + rank_width;
        let rank_gap = if rank_width > 0 { GAP } else { 0 };
        let bar_left = rank_right + rank_gap + label_width + GAP;
        let bar_max = (W - MARGIN - value_width - GAP - bar_left).max(1);
        BarLayout {
            shown,
            row,
            rank_right,
            bar_left,
            bar_max,
        }
    }

    fn row_top(&self, index: usize) -> i32 {
        BARS_TOP + self.row * index as i32
    }

    fn length(&self, value: u64, max: u64) -> i32 {
        if value == 0 || max == 0 {
            return 0;
        }
        // A tiny but real value still shows as a sliver.
        lerp(0, self.bar_max, value as f64 / max as f64).max(2)
    }
}

pub(super) fn draw(area: &Area, title: &str, bars: &[Bar], locale: Locale) -> Result<()> {
    draw_heading(area, title, "")?;
    if bars.is_empty() {
        let within = Rect {
            left: 0,
            top: BARS_TOP,
            right: W,
            bottom: BARS_BOTTOM,
        };
        return draw_no_data(area, within, locale);
    }
    let rank_style = Label::new(15.0, MUTED, HPos::Right, VPos::Center);
    let label_style = Label::new(15.0, TEXT, HPos::Right, VPos::Center);
    let value_style = Label::new(15.0, MUTED, HPos::Left, VPos::Center);
    let candidates = &bars[..bars.len().min(BAR_ROWS)];
    let labels = fitted(
        candidates.iter().map(|b| &b.label),
        &label_style,
        MAX_LABEL_WIDTH,
    )?;
    let values = fitted(
        candidates.iter().map(|b| &b.value_label),
        &value_style,
        MAX_VALUE_WIDTH,
    )?;
    let ranks = fitted(
        rank_labels(candidates, locale).iter(),
        &rank_style,
        MAX_RANK_WIDTH,
    )?;
    let rank_width = widest(&ranks, &rank_style)?;
    let label_width = widest(&labels, &label_style)?;
    let value_width = widest(&values, &value_style)?;
    let layout = BarLayout::new(bars.len(), rank_width, label_width, value_width);
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    for (i, bar) in bars.iter().take(layout.shown).enumerate() {
        let top = layout.row_top(i);
        let middle = top + layout.row / 2;
        let thickness = (layout.row * 7 / 10).max(2);
        let length = layout.length(bar.value, max);
        if length > 0 {
            let (y0, y1) = (middle - thickness / 2, middle + (thickness - 1) / 2);
            let corners = [(layout.bar_left, y0), (layout.bar_left + length - 1, y1)];
            area.draw(&Rectangle::new(corners, BAR.filled()))?;
        }
        let rank_at = (layout.rank_right, middle);
        draw_text(area, &ranks[i], rank_at, &rank_style)?;
        draw_text(
            area,
            &labels[i],
            (layout.bar_left - GAP, middle),
            &label_style,
        )?;
        let value_x = layout.bar_left + length + GAP;
        draw_text(area, &values[i], (value_x, middle), &value_style)?;
    }
    draw_more_note(area, &layout, bars.len(), locale)
}

/// Each bar's rank as the data gives it ("#1", "#2", "#11": never renumbered), "–" for a bar
/// whose rank is unknown among ranked ones; no column at all when no bar has a rank.
fn rank_labels(bars: &[Bar], locale: Locale) -> Vec<String> {
    if bars.iter().all(|b| b.rank.is_none()) {
        return vec![String::new(); bars.len()];
    }
    bars.iter()
        .map(|b| {
            b.rank
                .map_or_else(|| "–".to_string(), |r| rank_text(r, locale))
        })
        .collect()
}

fn fitted<'a>(
    texts: impl Iterator<Item = &'a String>,
    label: &Label,
    max_width: i32,
) -> Result<Vec<String>> {
    texts.map(|t| fit(t, label, max_width)).collect()
}

fn widest(texts: &[String], label: &Label) -> Result<i32> {
    let widest = texts.iter().try_fold(0.0f32, |w, t| {
        Ok::<_, anyhow::Error>(w.max(text_width(t, label)?))
    })?;
    Ok(widest.ceil() as i32)
}

fn draw_more_note(area: &Area, layout: &BarLayout, count: usize, locale: Locale) -> Result<()> {
    let hidden = count - layout.shown;
    if hidden == 0 {
        return Ok(());
    }
    let note = Label::new(14.0, MUTED, HPos::Left, VPos::Center);
    let middle = layout.row_top(layout.shown) + layout.row / 2;
    draw_text(
        area,
        &t(locale, msg::picture_more(&hidden.to_string())),
        (layout.bar_left, middle),
        &note,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Picture, WHOLE, bar};
    use super::super::{HEIGHT, WIDTH, ranking_bars};
    use super::*;

    #[test]
    fn the_largest_bar_reaches_furthest_right() {
        let bars = [
            bar("Japan", 100),
            bar("United States", 50),
            bar("Nowhere", 0),
        ];
        let picture = Picture::decode(&ranking_bars("Exports", &bars, Locale::En).unwrap());
        // Rows with bar colour, grouped into one run of rows per bar, top to bottom.
        let mut reach: Vec<i32> = Vec::new();
        let mut in_bar = false;
        for y in 0..HEIGHT as i32 {
            let right = (0..WIDTH as i32).rev().find(|&x| picture.is(x, y, BAR));
            match (right, in_bar) {
                (Some(x), true) => *reach.last_mut().unwrap() = x.max(*reach.last().unwrap()),
                (Some(x), false) => reach.push(x),
                (None, _) => {}
            }
            in_bar = right.is_some();
        }
        assert_eq!(reach.len(), 2, "a zero value draws no bar: {reach:?}");
        assert!(reach[0] > reach[1], "{reach:?}");
        let start = (0..WIDTH as i32)
            .find(|&x| {
                picture.count(
                    Rect {
                        left: x,
                        right: x,
                        top: 0,
                        bottom: HEIGHT as i32 - 1,
                    },
                    BAR,
                ) > 0
            })
            .unwrap();
        let (first, second) = (reach[0] - start, reach[1] - start);
        assert!(
            (first - 2 * second).abs() <= 3,
            "half the value, half the length: {first} {second}"
        );
    }

    #[test]
    fn no_bars_draw_no_bar() {
        for bars in [vec![], vec![bar("Japan", 0)]] {
            let picture = Picture::decode(&ranking_bars("Exports", &bars, Locale::En).unwrap());
            assert_eq!(picture.count(WHOLE, BAR), 0);
        }
    }

    fn ranked(rank: Option<i64>, label: &str, value: u64) -> Bar {
        Bar {
            rank,
            ..bar(label, value)
        }
    }

    #[test]
    fn ranks_are_the_datas_own() {
        let bars = [
            ranked(Some(1), "Japan", 48),
            ranked(Some(2), "United States", 25),
            ranked(Some(11), "Thailand", 1),
            ranked(None, "Vietnam", 1),
        ];
        assert_eq!(rank_labels(&bars, Locale::En), ["#1", "#2", "#11", "–"]);
        assert_eq!(rank_labels(&bars, Locale::Ko), ["1위", "2위", "11위", "–"]);
        assert_eq!(rank_labels(&bars, Locale::Ja), ["1位", "2位", "11位", "–"]);
        assert_eq!(
            rank_labels(&[bar("a", 1), bar("b", 2)], Locale::En),
            ["", ""]
        );

        // The rank is drawn: a column before the labels that pushes the bars right, and an
        // eleventh rank draws differently from a renumbered third.
        let draw =
            |bars: &[Bar]| Picture::decode(&ranking_bars("Exports", bars, Locale::En).unwrap());
        let bar_start = |p: &Picture| {
            (0..W)
                .find(|&x| {
                    let column = Rect {
                        left: x,
                        top: 0,
                        right: x,
                        bottom: H - 1,
                    };
                    p.count(column, BAR) > 0
                })
                .unwrap()
        };
        let unranked: Vec<Bar> = bars
            .iter()
            .map(|b| Bar {
                rank: None,
                ..b.clone()
            })
            .collect();
        assert!(bar_start(&draw(&bars)) > bar_start(&draw(&unranked)) + 15);
        let mut renumbered = bars.clone();
        renumbered[2].rank = Some(3);
        assert!(draw(&bars).differs_from(&draw(&renumbered), WHOLE) > 20);
    }

    #[test]
    fn the_more_note_follows_the_locale() {
        let many: Vec<Bar> = (0..30).map(|i| bar("x", 30 - i)).collect();
        let layout = BarLayout::new(many.len(), 0, 10, 10);
        let note = Rect {
            left: MARGIN,
            top: layout.row_top(layout.shown),
            right: W - 1,
            bottom: BARS_BOTTOM,
        };
        let en = Picture::decode(&ranking_bars("x", &many, Locale::En).unwrap());
        let ko = Picture::decode(&ranking_bars("x", &many, Locale::Ko).unwrap());
        assert!(en.inked(note) > 50);
        assert!(en.differs_from(&ko, note) > 50);
        assert_eq!(t(Locale::Ko, msg::picture_more("17")), "외 17개");
    }
}
