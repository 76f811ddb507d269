//! Chart pictures for replies, rendered in-process as PNG bytes with plotters and a subset of
//! Noto Sans CJK shipped in the binary, so no external service or system font is needed.
//!
//! Every picture is [`WIDTH`] × [`HEIGHT`] on Discord's dark-theme background, and speaks the
//! asker's language: headings, axis labels, ranks and notes come from the message catalogues,
//! and titles in Hangul, kana or the Han of the data draw as themselves. Renders never panic:
//! empty input gives a picture that says "no data", out-of-range positions are clamped, long
//! text is cut with "…". The bytes are deterministic for the same input.

mod bars;
mod overlay;
mod run;
mod text;
mod years;

use anyhow::Result;
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::i18n::{Locale, msg, t};
pub use text::missing_glyphs;
use text::{Label, draw_text, fit};

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;

/// One chart week of a run: the week's date and its position, None when off the chart that week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunWeek {
    pub date: NaiveDate,
    pub position: Option<i64>,
}

/// One bar of a ranking: `value` sets its length, `value_label` is what is written beside it,
/// and `rank`, when the data gives one, is written before the label as it is (never renumbered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub rank: Option<i64>,
    pub label: String,
    pub value: u64,
    pub value_label: String,
}

/// One full year's value: `value` sets the height, `value_label` is what is written beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearValue {
    pub year: i32,
    pub value: u64,
    pub value_label: String,
}

/// One line of a picture with several: its name in the legend and its full years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearSeries {
    pub label: String,
    pub years: Vec<YearValue>,
}

/// One run of an overlay: its name in the legend and its charted weeks as (weeks since its
/// debut, position); weeks off the chart are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayLine {
    pub label: String,
    pub weeks: Vec<(i64, i64)>,
}

// Discord's dark theme: its own background and text greys, so the picture blends in.
const BACKGROUND: RGBColor = RGBColor(0x2B, 0x2D, 0x31);
const TEXT: RGBColor = RGBColor(0xF2, 0xF3, 0xF5);
const MUTED: RGBColor = RGBColor(0xB5, 0xBA, 0xC1);
const GRID: RGBColor = RGBColor(0x40, 0x43, 0x49);
const RUN: RGBColor = RGBColor(0xE0, 0xA5, 0x26);
const BAR: RGBColor = RGBColor(0x2B, 0x7B, 0xB9);
/// A second line beside [`RUN`]: a light blue that stays apart from it for colour-blind eyes too.
const SECOND: RGBColor = RGBColor(0x5D, 0xAD, 0xE2);
/// The colours of the lines of a picture with several, in order; lines past these are not drawn.
const LINES: [RGBColor; 2] = [RUN, SECOND];

const W: i32 = WIDTH as i32;
const H: i32 = HEIGHT as i32;
const MARGIN: i32 = 16;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A rectangle in pixels, edges inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

/// A song's or album's run as a line: x = weeks (dates), y = position with No. 1 at the top.
///
/// Weeks may come in any order (they are sorted by date); a line joins only weeks next to each
/// other in that order that are both on the chart, so pass `None` weeks for the gaps. Positions
/// are clamped to `1..=chart_size` (a `chart_size` below 1 counts as 1). The peak is marked with
/// a dot and its label. With no charted week the picture says "no data" (it is not an error).
/// Labels and dates are written for `locale`.
pub fn run_chart(
    title: &str,
    chart_name: &str,
    chart_size: i64,
    weeks: &[RunWeek],
    locale: Locale,
) -> Result<Vec<u8>> {
    let size = chart_size.max(1);
    let mut weeks: Vec<RunWeek> = weeks.to_vec();
    weeks.sort_by_key(|w| w.date);
    for week in &mut weeks {
        week.position = week.position.map(|p| p.clamp(1, size));
    }
    render(|area| run::draw(area, title, chart_name, size, &weeks, locale))
}

/// One bar per entry in the order given, labelled with its rank (when the data gives one),
/// `label` and `value_label` (e.g. "#11", "Thailand", "$1.50M"); title at the top.
///
/// Bars are scaled to the largest value wherever it is. Only the first bars that fit legibly
/// are drawn, with a note of how many more there were. With no bars the picture says "no data"
/// (it is not an error). Ranks and notes are written for `locale`.
pub fn ranking_bars(title: &str, bars: &[Bar], locale: Locale) -> Result<Vec<u8>> {
    render(|area| bars::draw(area, title, bars, locale))
}

/// One value per year as a line, years along the bottom and values from zero up, written with
/// `money`; years without a value are bridged by a thin muted line, never a solid one.
///
/// Years may come in any order (they are sorted). With no years the picture says "no data"
/// (it is not an error).
pub fn yearly_line(
    title: &str,
    subtitle: &str,
    years: &[YearValue],
    money: &(dyn Fn(u64) -> String + Sync),
    locale: Locale,
) -> Result<Vec<u8>> {
    let series = [YearSeries {
        label: String::new(),
        years: years.to_vec(),
    }];
    yearly_lines(title, subtitle, &series, money, locale)
}

/// [`yearly_line`] for up to two series, one line each on one scale, named in a legend.
pub fn yearly_lines(
    title: &str,
    subtitle: &str,
    series: &[YearSeries],
    money: &(dyn Fn(u64) -> String + Sync),
    locale: Locale,
) -> Result<Vec<u8>> {
    let series: Vec<YearSeries> = series
        .iter()
        .take(LINES.len())
        .map(|s| {
            let mut years = s.years.clone();
            years.sort_by_key(|y| y.year);
            years.dedup_by_key(|y| y.year);
            YearSeries {
                label: s.label.clone(),
                years,
            }
        })
        .collect();
    render(|area| years::draw(area, title, subtitle, &series, money, locale))
}

/// Up to two runs on one chart overlaid: x = weeks since each one's debut, y = position with
/// No. 1 at the top (positions clamped to `1..=chart_size`), each line in its colour and named
/// in a legend, its peak marked. A line joins only weeks next to each other; a return to the
/// chart after weeks off starts a new stretch. With no charted week the picture says "no
/// data". `subtitle` says what the axes are, in the asker's language.
pub fn overlay_runs(
    title: &str,
    subtitle: &str,
    chart_size: i64,
    lines: &[OverlayLine],
    locale: Locale,
) -> Result<Vec<u8>> {
    let size = chart_size.max(1);
    let lines: Vec<OverlayLine> = lines
        .iter()
        .take(LINES.len())
        .map(|l| {
            let mut weeks: Vec<(i64, i64)> = l
                .weeks
                .iter()
                .map(|&(week, position)| (week.clamp(0, MAX_WEEKS), position.clamp(1, size)))
                .collect();
            weeks.sort_unstable();
            weeks.dedup_by_key(|w| w.0);
            OverlayLine {
                label: l.label.clone(),
                weeks,
            }
        })
        .collect();
    render(|area| overlay::draw(area, title, subtitle, size, &lines, locale))
}

/// The most weeks since a debut an overlay draws: longer than any run has charted.
const MAX_WEEKS: i64 = 5_000;

/// Draws on a fresh background in an RGB buffer and encodes that as PNG.
fn render(draw: impl FnOnce(&Area) -> Result<()>) -> Result<Vec<u8>> {
    text::font()?;
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
    // Kept in the picture cache for the store's generation: hold no spare capacity.
    out.shrink_to_fit();
    Ok(out)
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

/// The names of a picture's lines, each after a square of its colour, in a row under the
/// heading; each name is cut to its share of the width.
fn draw_legend(area: &Area, names: &[&str]) -> Result<()> {
    let label = Label::new(14.0, TEXT, HPos::Left, VPos::Center);
    let n = i32::try_from(names.len().clamp(1, LINES.len())).unwrap_or(1);
    let share = (W - 2 * MARGIN) / n;
    let y = LEGEND_Y;
    for (i, (name, colour)) in names.iter().zip(LINES).enumerate() {
        let x = MARGIN + share * i as i32;
        area.draw(&Rectangle::new(
            [(x, y - 6), (x + 12, y + 6)],
            colour.filled(),
        ))?;
        draw_text(area, &fit(name, &label, share - 28)?, (x + 18, y), &label)?;
    }
    Ok(())
}

/// Where the legend's row sits: under the heading, above a plot that starts at 96.
const LEGEND_Y: i32 = 78;

fn draw_no_data(area: &Area, within: Rect, locale: Locale) -> Result<()> {
    let centre = (
        (within.left + within.right) / 2,
        (within.top + within.bottom) / 2,
    );
    draw_text(
        area,
        &t(locale, msg::picture_no_data()),
        centre,
        &Label::new(15.0, MUTED, HPos::Center, VPos::Center),
    )
}

/// A chart position or a rank as pictures write it: "#11", "11위", "11位".
fn rank_text(rank: i64, locale: Locale) -> String {
    t(locale, msg::picture_rank(&rank.to_string()))
}

fn lerp(from: i32, to: i32, frac: f64) -> i32 {
    let frac = if frac.is_finite() {
        frac.clamp(0.0, 1.0)
    } else {
        0.0
    };
    from + ((to - from) as f64 * frac).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoded picture, to look at its pixels.
    pub(super) struct Picture {
        pub width: u32,
        pub height: u32,
        pub rgb: Vec<u8>,
    }

    impl Picture {
        pub fn decode(bytes: &[u8]) -> Picture {
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

        pub fn is(&self, x: i32, y: i32, color: RGBColor) -> bool {
            let i = (y as usize * self.width as usize + x as usize) * 3;
            let px = &self.rgb[i..i + 3];
            let want = [color.0, color.1, color.2];
            px.iter().zip(want).all(|(&a, b)| a.abs_diff(b) <= 16)
        }

        /// Pixels of `color` in the rectangle, edges inclusive.
        pub fn count(&self, r: Rect, color: RGBColor) -> usize {
            (r.top..=r.bottom)
                .flat_map(|y| (r.left..=r.right).map(move |x| (x, y)))
                .filter(|&(x, y)| self.is(x, y, color))
                .count()
        }

        /// Pixels in the rectangle that differ from `other`'s.
        pub fn differs_from(&self, other: &Picture, r: Rect) -> usize {
            (r.top..=r.bottom)
                .flat_map(|y| (r.left..=r.right).map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let i = (y as usize * self.width as usize + x as usize) * 3;
                    self.rgb[i..i + 3] != other.rgb[i..i + 3]
                })
                .count()
        }

        /// Pixels in the rectangle that are not the background: text, lines, bars.
        pub fn inked(&self, r: Rect) -> usize {
            let area = (r.right - r.left + 1) * (r.bottom - r.top + 1);
            area as usize - self.count(r, BACKGROUND)
        }
    }

    pub(super) const WHOLE: Rect = Rect {
        left: 0,
        top: 0,
        right: W - 1,
        bottom: H - 1,
    };

    pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Consecutive weekly chart weeks from 2021-01-02 with the given positions.
    pub(super) fn weekly(positions: &[Option<i64>]) -> Vec<RunWeek> {
        let start = date(2021, 1, 2);
        let weeks = (0..).map(|i| start + chrono::Duration::weeks(i));
        weeks
            .zip(positions)
            .map(|(date, &position)| RunWeek { date, position })
            .collect()
    }

    pub(super) fn bar(label: &str, value: u64) -> Bar {
        Bar {
            rank: None,
            label: label.into(),
            value,
            value_label: format!("${value}M"),
        }
    }

    #[test]
    fn pictures_have_the_declared_size_in_every_language() {
        for locale in Locale::ALL {
            let pictures = [
                run_chart("봄날", "Hot 100", 100, &weekly(&[Some(3), Some(5)]), locale).unwrap(),
                run_chart("Song", "Hot 100", 100, &[], locale).unwrap(),
                ranking_bars("輸出", &[bar("일본", 5)], locale).unwrap(),
                ranking_bars("Exports", &[], locale).unwrap(),
            ];
            for bytes in pictures {
                let picture = Picture::decode(&bytes);
                assert_eq!((picture.width, picture.height), (WIDTH, HEIGHT));
                assert_eq!(picture.rgb.len(), WIDTH as usize * HEIGHT as usize * 3);
            }
        }
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let weeks = weekly(&[Some(17), Some(5), None, Some(9)]);
        let a = run_chart("Song", "Hot 100", 100, &weeks, Locale::En).unwrap();
        assert_eq!(
            a,
            run_chart("Song", "Hot 100", 100, &weeks, Locale::En).unwrap()
        );
        let bars = [bar("Japan", 100), bar("China", 7)];
        assert_eq!(
            ranking_bars("Exports", &bars, Locale::En).unwrap(),
            ranking_bars("Exports", &bars, Locale::En).unwrap()
        );
    }

    #[test]
    fn every_picture_text_and_country_name_has_glyphs() {
        use crate::domain::country::COUNTRIES;
        for locale in Locale::ALL {
            let texts = [
                t(locale, msg::picture_no_data()),
                rank_text(100, locale),
                t(locale, msg::picture_more("12")),
                t(locale, msg::picture_run_facts("1", "2")),
                t(locale, msg::exports_ranking_title("x")),
                t(locale, msg::weekly_picture_title("x")),
                t(locale, msg::exports_trend_title("x")),
                t(locale, msg::exports_trend_world_title()),
                t(locale, msg::exports_trend_picture_subtitle("2017–2025")),
            ];
            for text in texts {
                assert_eq!(missing_glyphs(&text).unwrap(), Vec::<char>::new(), "{text}");
            }
        }
        for c in COUNTRIES {
            for name in [c.en, c.ko, c.ja] {
                assert_eq!(missing_glyphs(name).unwrap(), Vec::<char>::new(), "{name}");
            }
        }
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
        for locale in Locale::ALL {
            for size in [i64::MIN, -1, 0, 1, 2, 200, i64::MAX] {
                for weeks in [&many[..], &many[..1], &extremes, &unsorted] {
                    run_chart(&long, &long, size, weeks, locale).unwrap();
                    run_chart("", "", size, weeks, locale).unwrap();
                }
            }
            let bars: Vec<Bar> = (0..40)
                .map(|i| Bar {
                    rank: [None, Some(i64::MIN), Some(i64::MAX), Some(i as i64)][i % 4],
                    label: long.clone(),
                    value: u64::MAX / (i as u64 + 1),
                    value_label: long.clone(),
                })
                .collect();
            for n in [0, 1, 13, 14, 15, 40] {
                ranking_bars(&long, &bars[..n], locale).unwrap();
            }
            let zeros = [bar("", 0), bar("", u64::MAX), bar("", 1)];
            ranking_bars("", &zeros, locale).unwrap();
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
        let bars: Vec<Bar> = ["일본", "미국", "중국", "홍콩", "대만", "베트남"]
            .iter()
            .zip([4852, 3110, 1200, 800, 420, 5])
            .map(|(label, value)| bar(label, value))
            .collect();
        let cases: [(&str, &dyn Fn() -> Vec<u8>); 3] = [
            ("run, 52 weeks", &|| {
                run_chart("Dynamite", "Billboard Hot 100", 100, &year, Locale::En).unwrap()
            }),
            ("run, 1,100 weeks, Korean", &|| {
                run_chart("봄날", "Billboard 200", 200, &long, Locale::Ko).unwrap()
            }),
            ("bars, 6, Korean", &|| {
                ranking_bars("K팝 음반 수출 · 2024년", &bars, Locale::Ko).unwrap()
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
