//! Text in pictures: the bundled font, line layout, rasterising and cutting to fit.
//!
//! Text is laid out and rasterised here with ab_glyph rather than through plotters' own ab_glyph
//! backend: plotters 0.3.7 drops each glyph's left side bearing, which squeezes and spreads
//! letters unevenly ("Bill board Hot100").

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlinedGlyph, ScaleFont, point};
use anyhow::{Result, anyhow};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Area;

/// A subset of Noto Sans CJK KR: Latin, every Hangul syllable, kana, and the Han characters of
/// the catalogues and the data (`assets/fonts/subset-noto-cjk.py` rebuilds it).
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKkr-Subset.otf");

/// Parsed once and borrowed from the binary's own bytes: no picture copies the font. Glyphs are
/// outlined from it on every render (a few hundred per picture).
static FONT: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT_BYTES).ok());

/// Titles longer than this cannot fit at any width we draw, so longer input is cut before measuring.
const MAX_CHARS: usize = 300;

/// How one piece of text looks and which of its points sits on the given anchor.
#[derive(Clone, Copy)]
pub(super) struct Label {
    pub size: f32,
    pub color: RGBColor,
    pub h: HPos,
    pub v: VPos,
}

impl Label {
    pub const fn new(size: f32, color: RGBColor, h: HPos, v: VPos) -> Label {
        Label { size, color, h, v }
    }
}

pub(super) fn font() -> Result<&'static FontRef<'static>> {
    FONT.as_ref()
        .ok_or_else(|| anyhow!("the bundled chart font could not be parsed"))
}

/// The characters of `text` the bundled font has no glyph for (they would draw as a box);
/// spaces and control characters, which draw nothing, are not counted.
pub fn missing_glyphs(text: &str) -> Result<Vec<char>> {
    let font = font()?;
    Ok(text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|&c| font.glyph_id(c) == GlyphId(0))
        .collect())
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

pub(super) fn text_width(text: &str, label: &Label) -> Result<f32> {
    Ok(layout(font()?, label.size, text).1)
}

pub(super) fn draw_text(area: &Area, text: &str, (x, y): (i32, i32), label: &Label) -> Result<()> {
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
pub(super) fn fit(text: &str, label: &Label, max_width: i32) -> Result<String> {
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

#[cfg(test)]
mod tests {
    use super::super::TEXT;
    use super::*;

    const TITLE: Label = Label::new(22.0, TEXT, HPos::Left, VPos::Top);

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
    fn the_font_draws_hangul_kana_and_the_han_of_the_data() {
        for text in [
            "방탄소년단 봄날 · 뷁 똠 햏",
            "ひらがな カタカナ ヴァ ・ー",
            "上半期 輸出先 韓国関税庁 日本",
            "Beyoncé · Cupid (Twin Ver.) — No. 1 ▲3 ▼2 “quotes” …",
        ] {
            assert_eq!(missing_glyphs(text).unwrap(), Vec::<char>::new(), "{text}");
        }
        // A character the subset leaves out is reported, so the check itself can fail.
        assert_eq!(missing_glyphs("a\u{1F3C6}b").unwrap(), ['\u{1F3C6}']);
    }

    /// The Han, Hangul and kana of the messages, the data and the country names are all in
    /// the font; when this fails, rerun `assets/fonts/subset-noto-cjk.py`.
    #[test]
    fn the_subset_covers_the_catalogues_and_the_data() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("src/domain/country.rs")];
        for dir in ["src/domain/i18n", "data"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let ext = path.extension().and_then(|e| e.to_str());
                if matches!(ext, Some("txt" | "csv")) {
                    files.push(path);
                }
            }
        }
        let cjk = |c: &char| matches!(u32::from(*c), 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let used: String = text.chars().filter(cjk).collect();
            let missing = missing_glyphs(&used).unwrap();
            assert!(
                missing.is_empty(),
                "{}: no glyph for {missing:?}",
                path.display()
            );
        }
    }
}
