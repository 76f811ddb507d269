//! Chart pictures for replies, rendered in-process as PNG bytes with plotters and the DejaVu
//! Sans font shipped in the binary, so no external service or system font is needed.
//!
//! Every picture is [`WIDTH`] × [`HEIGHT`] on Discord's dark-theme background. Renders never
//! panic: empty input gives a picture that says "no data", out-of-range positions are clamped,
//! long text is cut with "…", and glyphs DejaVu lacks (Hangul, kana) show as boxes. The bytes
//! are deterministic for the same input.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlinedGlyph, ScaleFont, point};
use anyhow::{Result, anyhow};
use chrono::{Datelike, Months, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;

/// One chart week of a run: the week's date and its position, None when off the chart that week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunWeek {
    pub date: NaiveDate,
    pub position: Option<i64>,
}

/// One bar of a ranking: `value` sets its length, `value_label` is what is written beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub value_label: String,
}

const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Parsed once; glyphs are outlined from it on every render (a few hundred per picture).
static FONT: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT_BYTES).ok());

// Discord's dark theme: its own background and text greys, so the picture blends in.
const BACKGROUND: RGBColor = RGBColor(0x2B, 0x2D, 0x31);
const TEXT: RGBColor = RGBColor(0xF2, 0xF3, 0xF5);
const MUTED: RGBColor = RGBColor(0xB5, 0xBA, 0xC1);
const GRID: RGBColor = RGBColor(0x40, 0x43, 0x49);
const RUN: RGBColor = RGBColor(0xE0, 0xA5, 0x26);
const BAR: RGBColor = RGBColor(0x2B, 0x7B, 0xB9);

const W: i32 = WIDTH as i32;
const H: i32 = HEIGHT as i32;
const MARGIN: i32 = 16;
/// Titles longer than this cannot fit at any width we draw, so longer input is cut before measuring.
const MAX_CHARS: usize = 300;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A rectangle in pixels, edges inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

/// Where a run's line may go; the axis labels sit outside it.
const RUN_PLOT: Rect = Rect {
    left: 60,
    top: 76,
    right: W - 24,
    bottom: H - 36,
};
/// Keeps the extreme weeks and positions off the frame so the peak dot is never clipped.
const RUN_INSET: i32 = 10;

/// A song's or album's run as a line: x = weeks (dates), y = position with No. 1 at the top.
///
/// Weeks may come in any order (they are sorted by date); a line joins only weeks next to each
/// other in that order that are both on the chart, so pass `None` weeks for the gaps. Positions
/// are clamped to `1..=chart_size` (a `chart_size` below 1 counts as 1). The peak is marked with
/// a dot and its label. With no charted week the picture says "no data" (it is not an error).
pub fn run_chart(
    title: &str,
    chart_name: &str,
    chart_size: i64,
    weeks: &[RunWeek],
) -> Result<Vec<u8>> {
    let size = chart_size.max(1);
    let mut weeks: Vec<RunWeek> = weeks.to_vec();
    weeks.sort_by_key(|w| w.date);
    for week in &mut weeks {
        week.position = week.position.map(|p| p.clamp(1, size));
    }
    render(|area| draw_run(area, title, chart_name, size, &weeks))
}

/// One bar per destination, largest first as given, labelled with `label` and `value_label`
/// (e.g. "Japan", "$48.52M"); title at the top.
///
/// Bars are scaled to the largest value wherever it is; the order is kept as given. Only the
/// first bars that fit legibly are drawn, with a note of how many more there were. With no bars
/// the picture says "no data" (it is not an error).
pub fn ranking_bars(title: &str, bars: &[Bar]) -> Result<Vec<u8>> {
    render(|area| draw_bars(area, title, bars))
}

/// Draws on a fresh background in an RGB buffer and encodes that as PNG.
fn render(draw: impl FnOnce(&Area) -> Result<()>) -> Result<Vec<u8>> {
    font()?;
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        area.fill(&BACKGROUND)?;
        draw(&area)?;
        area.present()?;
    }
    encode_png(&rgb)
}

/// plotters only writes image files, so the buffer is encoded here. Pictures are drawn once per
/// store generation and then uploaded with every answer, so the default level is worth its extra
/// milliseconds: a run picture is about 30 KB instead of 70 KB at the fast level.
fn encode_png(rgb: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Text
//
// Text is laid out and rasterised here with ab_glyph rather than through plotters' own ab_glyph
// backend: plotters 0.3.7 drops each glyph's left side bearing, which squeezes and spreads
// letters unevenly ("Bill board Hot100").

/// How one piece of text looks and which of its points sits on the given anchor.
#[derive(Clone, Copy)]
struct Label {
    size: f32,
    color: RGBColor,
    h: HPos,
    v: VPos,
}

impl Label {
    const fn new(size: f32, color: RGBColor, h: HPos, v: VPos) -> Label {
        Label { size, color, h, v }
    }
}

fn font() -> Result<&'static FontRef<'static>> {
    FONT.as_ref()
        .ok_or_else(|| anyhow!("the bundled chart font could not be parsed"))
}

/// Pen positions of each glyph from the start of the line, and the line's advance width.
fn layout(font: &FontRef<'static>, size: f32, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
    let scaled = font.as_scaled(size);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut pen = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            pen += scaled.kern(previous, id);
        }
        glyphs.push((id, pen));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, pen)
}

fn text_width(text: &str, label: &Label) -> Result<f32> {
    Ok(layout(font()?, label.size, text).1)
}

fn draw_text(area: &Area, text: &str, (x, y): (i32, i32), label: &Label) -> Result<()> {
    let font = font()?;
    let (glyphs, width) = layout(font, label.size, text);
    let scaled = font.as_scaled(label.size);
    let left = x as f32
        - match label.h {
            HPos::Left => 0.0,
            HPos::Center => width / 2.0,
            HPos::Right => width,
        };
    // Centre on the middle of ascent and descent, which is about the middle of digits and capitals.
    let baseline = y as f32
        + match label.v {
            VPos::Top => scaled.ascent(),
            VPos::Center => (scaled.ascent() + scaled.descent()) / 2.0,
            VPos::Bottom => scaled.descent(),
        };
    for (id, pen) in glyphs {
        let glyph = id.with_scale_and_position(label.size, point(left + pen, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            draw_glyph(area, &outline, label.color)?;
        }
    }
    Ok(())
}

fn draw_glyph(area: &Area, outline: &OutlinedGlyph, color: RGBColor) -> Result<()> {
    let bounds = outline.px_bounds();
    let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
    let mut result = Ok(());
    outline.draw(|x, y, coverage| {
        if coverage > 0.0 && result.is_ok() {
            let at = (x0 + x as i32, y0 + y as i32);
            result = area.draw_pixel(at, &color.mix(f64::from(coverage.min(1.0))));
        }
    });
    Ok(result?)
}

/// `text` on one line, cut with "…" so it is at most `max_width` pixels wide.
fn fit(text: &str, label: &Label, max_width: i32) -> Result<String> {
    let max_width = max_width as f32;
    let chars: Vec<char> = text
        .chars()
        .take(MAX_CHARS + 1)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let whole: String = chars.iter().collect::<String>().trim().to_string();
    if chars.len() <= MAX_CHARS && text_width(&whole, label)? <= max_width {
        return Ok(whole);
    }
    let cut = |n: usize| format!("{}…", chars[..n].iter().collect::<String>().trim());
    // Width grows with the prefix length, so the longest prefix that fits is found by halving.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let middle = (fits + too_long) / 2;
        if text_width(&cut(middle), label)? <= max_width {
            fits = middle;
        } else {
            too_long = middle;
        }
    }
    Ok(cut(fits))
}

const TITLE: Label = Label::new(22.0, TEXT, HPos::Left, VPos::Top);
const SUBTITLE: Label = Label::new(14.0, MUTED, HPos::Left, VPos::Top);

/// The title and an optional muted line under it, both cut to the picture's width.
fn draw_heading(area: &Area, title: &str, subtitle: &str) -> Result<()> {
    let max = W - 2 * MARGIN;
    draw_text(area, &fit(title, &TITLE, max)?, (MARGIN, 12), &TITLE)?;
    draw_text(
        area,
        &fit(subtitle, &SUBTITLE, max)?,
        (MARGIN, 44),
        &SUBTITLE,
    )
}

fn draw_no_data(area: &Area, within: Rect) -> Result<()> {
    let centre = (
        (within.left + within.right) / 2,
        (within.top + within.bottom) / 2,
    );
    draw_text(
        area,
        "no data",
        centre,
        &Label::new(15.0, MUTED, HPos::Center, VPos::Center),
    )
}

// ---------------------------------------------------------------------------------------------
// Run chart

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

fn lerp(from: i32, to: i32, frac: f64) -> i32 {
    let frac = if frac.is_finite() {
        frac.clamp(0.0, 1.0)
    } else {
        0.0
    };
    from + ((to - from) as f64 * frac).round() as i32
}

fn draw_run(
    area: &Area,
    title: &str,
    chart_name: &str,
    size: i64,
    weeks: &[RunWeek],
) -> Result<()> {
    let peak = weeks
        .iter()
        .filter_map(|w| Some((w.position?, w.date)))
        .min_by_key(|&(position, date)| (position, date));
    let charted = weeks.iter().filter(|w| w.position.is_some()).count();
    let (Some(scale), Some(peak)) = (RunScale::new(weeks, size), peak) else {
        draw_heading(area, title, chart_name)?;
        draw_frame(area, RUN_PLOT)?;
        return draw_no_data(area, RUN_PLOT);
    };
    draw_heading(area, title, &run_summary(chart_name, peak.0, charted))?;
    draw_rank_axis(area, &scale)?;
    draw_date_axis(area, &scale, weeks)?;
    draw_frame(area, RUN_PLOT)?;
    draw_run_line(area, &scale, weeks)?;
    draw_peak(area, &scale, peak)
}

fn run_summary(chart_name: &str, peak: i64, charted: usize) -> String {
    let weeks = if charted == 1 { "week" } else { "weeks" };
    let facts = format!("peak #{peak} · {charted} {weeks} on chart");
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

fn draw_rank_axis(area: &Area, scale: &RunScale) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Right, VPos::Center);
    for rank in rank_ticks(scale.size) {
        let y = scale.y(rank);
        let line = vec![(RUN_PLOT.left, y), (RUN_PLOT.right, y)];
        area.draw(&PathElement::new(line, GRID.stroke_width(1)))?;
        draw_text(area, &format!("#{rank}"), (RUN_PLOT.left - 8, y), &label)?;
    }
    Ok(())
}

/// No. 1 always, then round steps chosen so there are at most about six labels.
fn rank_ticks(size: i64) -> Vec<i64> {
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

fn draw_date_axis(area: &Area, scale: &RunScale, weeks: &[RunWeek]) -> Result<()> {
    let label = Label::new(13.0, MUTED, HPos::Center, VPos::Top);
    let last = weeks.last().map_or(scale.first, |w| w.date);
    for (date, text) in date_ticks(scale.first, last) {
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
fn date_ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
    let span = (last - first).num_days();
    let ticks = if span <= 7 * 16 {
        week_ticks(first, last, span)
    } else if span <= 3 * 366 {
        month_ticks(first, last)
    } else {
        year_ticks(first, last)
    };
    if ticks.is_empty() {
        vec![(first, first.format("%b %-d, %Y").to_string())]
    } else {
        ticks
    }
}

fn week_ticks(first: NaiveDate, last: NaiveDate, span: i64) -> Vec<(NaiveDate, String)> {
    let weeks = span / 7 + 1;
    let step = (weeks + MAX_DATE_TICKS - 1) / MAX_DATE_TICKS * 7;
    (0..MAX_DATE_TICKS)
        .filter_map(|i| first.checked_add_signed(chrono::Duration::days(i * step)))
        .filter(|&d| d <= last)
        .map(|d| (d, d.format("%b %-d, %Y").to_string()))
        .collect()
}

fn month_ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
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
        ticks.push((date, date.format("%b %Y").to_string()));
        match date.checked_add_months(Months::new(step)) {
            Some(next) => date = next,
            None => break,
        }
    }
    ticks
}

fn year_ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
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
        if let Some(date) = date {
            ticks.push((date, date.format("%Y").to_string()));
        }
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

fn draw_peak(area: &Area, scale: &RunScale, (position, date): (i64, NaiveDate)) -> Result<()> {
    let (x, y) = (scale.x(date), scale.y(position));
    // A ring of background colour lifts the dot off the line.
    area.draw(&Circle::new((x, y), 8, BACKGROUND.filled()))?;
    area.draw(&Circle::new((x, y), 6, RUN.filled()))?;

    // Above and to the right of the dot, unless that would leave the plot.
    let text = format!("#{position}");
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

// ---------------------------------------------------------------------------------------------
// Ranking bars

const BARS_TOP: i32 = 58;
const BARS_BOTTOM: i32 = H - MARGIN;
const MIN_ROW: i32 = 22;
const MAX_ROW: i32 = 40;
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
    bar_left: i32,
    bar_max: i32,
}

impl BarLayout {
    fn new(count: usize, label_width: i32, value_width: i32) -> BarLayout {
        // The last row goes to the "+ N more" note when not everything fits.
        let (shown, rows) = if count > BAR_ROWS {
            (BAR_ROWS - 1, BAR_ROWS)
        } else {
            (count, count.max(1))
        };
        let row = ((BARS_BOTTOM - BARS_TOP) / rows as i32).min(MAX_ROW);
        let bar_left = MARGIN + label_width + GAP;
        let bar_max = (W - MARGIN - value_width - GAP - bar_left).max(1);
        BarLayout {
            shown,
            row,
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

fn draw_bars(area: &Area, title: &str, bars: &[Bar]) -> Result<()> {
    draw_heading(area, title, "")?;
    if bars.is_empty() {
        let within = Rect {
            left: 0,
            top: BARS_TOP,
            right: W,
            bottom: BARS_BOTTOM,
        };
        return draw_no_data(area, within);
    }
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
    let label_width = widest(&labels, &label_style)?;
    let value_width = widest(&values, &value_style)?;
    let layout = BarLayout::new(bars.len(), label_width, value_width);
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
        draw_text(
            area,
            &labels[i],
            (layout.bar_left - GAP, middle),
            &label_style,
        )?;
        let value_x = layout.bar_left + length + GAP;
        draw_text(area, &values[i], (value_x, middle), &value_style)?;
    }
    draw_more_note(area, &layout, bars.len())
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

fn draw_more_note(area: &Area, layout: &BarLayout, count: usize) -> Result<()> {
    let hidden = count - layout.shown;
    if hidden == 0 {
        return Ok(());
    }
    let note = Label::new(14.0, MUTED, HPos::Left, VPos::Center);
    let middle = layout.row_top(layout.shown) + layout.row / 2;
    draw_text(
        area,
        &format!("+ {hidden} more"),
        (layout.bar_left, middle),
        &note,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Picture {
        width: u32,
        height: u32,
        rgb: Vec<u8>,
    }

    impl Picture {
        fn decode(bytes: &[u8]) -> Picture {
            let mut reader = png::Decoder::new(bytes).read_info().expect("a PNG header");
            let mut rgb = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut rgb).expect("PNG pixels");
            assert_eq!(info.color_type, png::ColorType::Rgb);
            assert_eq!(info.bit_depth, png::BitDepth::Eight);
            Picture {
                width: info.width,
                height: info.height,
                rgb,
            }
        }

        fn is(&self, x: i32, y: i32, color: RGBColor) -> bool {
            let i = (y as usize * self.width as usize + x as usize) * 3;
            let px = &self.rgb[i..i + 3];
            let want = [color.0, color.1, color.2];
            px.iter().zip(want).all(|(&a, b)| a.abs_diff(b) <= 16)
        }

        /// Pixels of `color` in the rectangle, edges inclusive.
        fn count(&self, r: Rect, color: RGBColor) -> usize {
            (r.top..=r.bottom)
                .flat_map(|y| (r.left..=r.right).map(move |x| (x, y)))
                .filter(|&(x, y)| self.is(x, y, color))
                .count()
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Consecutive weekly chart weeks from 2021-01-02 with the given positions.
    fn weekly(positions: &[Option<i64>]) -> Vec<RunWeek> {
        let start = date(2021, 1, 2);
        let weeks = (0..).map(|i| start + chrono::Duration::weeks(i));
        weeks
            .zip(positions)
            .map(|(date, &position)| RunWeek { date, position })
            .collect()
    }

    fn bar(label: &str, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            value_label: format!("${value}M"),
        }
    }

    fn run(size: i64, positions: &[Option<i64>]) -> Picture {
        Picture::decode(&run_chart("Song", "Hot 100", size, &weekly(positions)).unwrap())
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
    fn pictures_have_the_declared_size() {
        let pictures = [
            run_chart("Song", "Hot 100", 100, &weekly(&[Some(3), Some(5)])).unwrap(),
            run_chart("Song", "Hot 100", 100, &[]).unwrap(),
            ranking_bars("Exports", &[bar("Japan", 5)]).unwrap(),
            ranking_bars("Exports", &[]).unwrap(),
        ];
        for bytes in pictures {
            let picture = Picture::decode(&bytes);
            assert_eq!((picture.width, picture.height), (WIDTH, HEIGHT));
            assert_eq!(picture.rgb.len(), WIDTH as usize * HEIGHT as usize * 3);
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
    fn the_largest_bar_reaches_furthest_right() {
        let bars = [
            bar("Japan", 100),
            bar("United States", 50),
            bar("Nowhere", 0),
        ];
        let picture = Picture::decode(&ranking_bars("Exports", &bars).unwrap());
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
    fn the_same_input_gives_the_same_bytes() {
        let weeks = weekly(&[Some(17), Some(5), None, Some(9)]);
        let a = run_chart("Song", "Hot 100", 100, &weeks).unwrap();
        assert_eq!(a, run_chart("Song", "Hot 100", 100, &weeks).unwrap());
        let bars = [bar("Japan", 100), bar("China", 7)];
        assert_eq!(
            ranking_bars("Exports", &bars).unwrap(),
            ranking_bars("Exports", &bars).unwrap()
        );
    }

    #[test]
    fn no_data_draws_no_line_or_bar() {
        let empty = Picture::decode(&run_chart("Song", "Hot 100", 100, &[]).unwrap());
        let off = run(100, &[None, None]);
        let no_bars = Picture::decode(&ranking_bars("Exports", &[]).unwrap());
        let zero_bars = Picture::decode(&ranking_bars("Exports", &[bar("Japan", 0)]).unwrap());
        let whole = Rect {
            left: 0,
            top: 0,
            right: W - 1,
            bottom: H - 1,
        };
        assert_eq!(empty.count(whole, RUN) + off.count(whole, RUN), 0);
        assert_eq!(no_bars.count(whole, BAR) + zero_bars.count(whole, BAR), 0);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "방탄소년단 Love Yourself 結 \u{1F49C}\n\t".repeat(500);
        let start = date(2013, 6, 15);
        let many: Vec<RunWeek> = (0..1_200)
            .map(|i| RunWeek {
                date: start + chrono::Duration::weeks(i),
                position: (i % 9 != 0).then_some(i % 230 - 15),
            })
            .collect();
        let extremes = [
            RunWeek {
                date: NaiveDate::MAX,
                position: Some(i64::MIN),
            },
            RunWeek {
                date: NaiveDate::MIN,
                position: Some(i64::MAX),
            },
            RunWeek {
                date: NaiveDate::MIN,
                position: None,
            },
        ];
        let unsorted = [
            RunWeek {
                date: date(2024, 3, 2),
                position: Some(3),
            },
            RunWeek {
                date: date(2020, 1, 4),
                position: Some(8),
            },
            RunWeek {
                date: date(2022, 7, 9),
                position: Some(8),
            },
        ];
        for size in [i64::MIN, -1, 0, 1, 2, 200, i64::MAX] {
            for weeks in [&many[..], &many[..1], &extremes, &unsorted] {
                run_chart(&long, &long, size, weeks).unwrap();
                run_chart("", "", size, weeks).unwrap();
            }
        }
        let bars: Vec<Bar> = (0..40)
            .map(|i| Bar {
                label: long.clone(),
                value: u64::MAX / (i + 1),
                value_label: long.clone(),
            })
            .collect();
        for n in [0, 1, 13, 14, 15, 40] {
            ranking_bars(&long, &bars[..n]).unwrap();
        }
        ranking_bars("", &[bar("", 0), bar("", u64::MAX), bar("", 1)]).unwrap();
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        let text = "Love Yourself 結 'Answer' ".repeat(20);
        let cut = fit(&text, &TITLE, 300).unwrap();
        assert!(
            cut.ends_with('…') && cut.starts_with("Love Yourself"),
            "{cut}"
        );
        assert!(text_width(&cut, &TITLE).unwrap() <= 300.0);
        assert!(
            text_width(&cut, &TITLE).unwrap() > 250.0,
            "cut no more than needed: {cut}"
        );
        assert_eq!(fit(" Dynamite\n", &TITLE, 300).unwrap(), "Dynamite");
        assert_eq!(fit("Dynamite", &TITLE, 0).unwrap(), "…");
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
            date_ticks(from, to)
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
            let ticks = date_ticks(from, to);
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

    /// Render times in a release build:
    /// `cargo test --release --lib reply::plot::tests::render_times -- --ignored --nocapture`
    #[test]
    #[ignore = "timing report, run by hand in release mode"]
    fn render_times() {
        let start = date(2017, 9, 30);
        let year: Vec<RunWeek> = (0..52)
            .map(|i| RunWeek {
                date: start + chrono::Duration::weeks(i),
                position: (!(20..26).contains(&i)).then_some(1 + i * 37 % 90),
            })
            .collect();
        let long: Vec<RunWeek> = (0..1_100)
            .map(|i| RunWeek {
                date: start + chrono::Duration::weeks(i),
                position: (i % 97 >= 10).then_some(1 + i * 13 % 200),
            })
            .collect();
        let bars: Vec<Bar> = [
            "Japan",
            "United States",
            "China",
            "Hong Kong",
            "Taiwan",
            "Vietnam",
        ]
        .iter()
        .zip([4852, 3110, 1200, 800, 420, 5])
        .map(|(label, value)| bar(label, value))
        .collect();
        let cases: [(&str, &dyn Fn() -> Vec<u8>); 3] = [
            ("run, 52 weeks", &|| {
                run_chart("Dynamite", "Billboard Hot 100", 100, &year).unwrap()
            }),
            ("run, 1,100 weeks", &|| {
                run_chart("Love Yourself", "Billboard 200", 200, &long).unwrap()
            }),
            ("bars, 6", &|| {
                ranking_bars("Album exports, 2024", &bars).unwrap()
            }),
        ];
        // The first renders in a process pay for page faults and allocator growth.
        for _ in 0..20 {
            cases.iter().for_each(|(_, render)| drop(render()));
        }
        for (name, render) in cases {
            let mut times: Vec<std::time::Duration> = (0..200)
                .map(|_| {
                    let started = std::time::Instant::now();
                    std::hint::black_box(render());
                    started.elapsed()
                })
                .collect();
            times.sort();
            let (median, p99) = (times[times.len() / 2], times[times.len() * 99 / 100]);
            println!(
                "{name}: median {median:.2?}, p99 {p99:.2?}, {} bytes",
                render().len()
            );
        }
    }
}
