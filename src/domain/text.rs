//! Text folding shared by every matcher: what a fan types and what the data holds are compared
//! only after both went through the same fold.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` for comparison: full-width forms to ASCII (NFKC), accents dropped (ROSÉ = ROSE),
/// lower case, every run of punctuation or white space turned into one space, trimmed.
/// Hangul and kanji are kept as they are; hiragana reads as katakana ("だいなまいと", typed before
/// the input method converts it, is "ダイナマイト"). Stylised forms read as what they stand for:
/// the Greek and Cyrillic letters of "BLΛƆKPIИK" as Latin ones, "★★★★★" as "5 star".
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return fold_ascii(s);
    }
    fold_unicode(s)
}

/// `fold` for any text: normalised, accents dropped, then folded a character at a time.
fn fold_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let normal: Vec<char> = s
        .nfkc()
        .collect::<String>()
        .nfd()
        // Kana voicing marks are no accents: バ is not ハ.
        .filter(|c| !is_combining_mark(*c) || matches!(c, '\u{3099}' | '\u{309A}'))
        .nfc()
        .collect();
    let mut i = 0;
    while i < normal.len() {
        let c = normal[i];
        i += 1;
        let stars = normal[i - 1..]
            .iter()
            .take_while(|c| matches!(c, '★' | '☆'))
            .count();
        if stars >= STARS_READ {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("{stars} star"));
            pending_space = true;
            i += stars - 1;
            continue;
        }
        if let Some(latin) = stylised_latin(c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(latin);
        } else if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match c {
                'ぁ'..='ゖ' => out.extend(char::from_u32(c as u32 + KATAKANA_OFFSET)),
                'æ' | 'Æ' => out.push_str("ae"),
                'ø' | 'Ø' => out.push('o'),
                'ß' | 'ẞ' => out.push_str("ss"),
                _ => out.extend(c.to_lowercase()),
            }
        } else if c == '\'' || c == '’' || c == '`' {
            // "Girls' Generation" and "Girls Generation" are one name.
        } else {
            pending_space = true;
        }
    }
    out
}

/// From a hiragana letter to the katakana letter of the same sound.
const KATAKANA_OFFSET: u32 = 'ァ' as u32 - 'ぁ' as u32;

/// A row of at least this many stars is a rating ("★★★★★ (5-STAR)"); fewer are decoration.
const STARS_READ: usize = 3;

/// Letters of other alphabets that stylised names use for Latin ones ("BLΛƆKPIИK", "LOOΠΔ").
/// Billboard prints no title in Greek or Cyrillic, so nothing else is read differently.
fn stylised_latin(c: char) -> Option<char> {
    Some(match c {
        'Λ' | 'λ' | 'Δ' => 'a',
        'Ɔ' | 'ɔ' => 'c',
        'И' | 'и' | 'Π' => 'n',
        'Я' | 'я' => 'r',
        _ => return None,
    })
}

/// `fold` for ASCII text, which needs no normalisation: most titles and names, and the
/// index folds every one of them when it is built.
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
        } else if b != b'\'' && b != b'`' {
            pending_space = true;
        }
    }
    out
}

/// `fold` without spaces: "New Jeans" and "NewJeans" share one key.
pub fn key(s: &str) -> String {
    fold(s).replace(' ', "")
}

/// Cuts `s` to at most `max` characters, ending with "…" when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    // No room even for the ellipsis.
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Removes control characters (NUL, bidi overrides and the like) from text that will be shown,
/// keeping new lines and tabs.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '\n' || *c == '\t' || !(c.is_control() || is_format_char(*c)))
        .collect()
}

fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_width_and_punctuation() {
        for (input, want) in [
            ("ROSÉ", "rose"),
            ("Rosé", "rose"),
            ("ＪＡＰＡＮ", "japan"),
            ("  Like   Crazy ", "like crazy"),
            ("Cupid (Twin Ver.)", "cupid twin ver"),
            ("Girls' Generation", "girls generation"),
            ("(G)I-DLE", "g i dle"),
            ("æspa", "aespa"),
            ("방탄소년단", "방탄소년단"),
            ("日本", "日本"),
            ("TOMORROW X TOGETHER", "tomorrow x together"),
            ("BLΛƆKPIИK", "blackpink"),
            ("LOOΠΔ", "loona"),
            ("★★★★★", "5 star"),
            ("★★★★★ (5-STAR)", "5 star 5 star"),
            ("Lucky★Star", "lucky star"),
            ("だいなまいと", "ダイナマイト"),
            ("ばたー", "バター"),
        ] {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    /// The ASCII shortcut must fold exactly as the general path would: every pair of printable
    /// ASCII characters between letters, through both paths.
    #[test]
    fn ascii_and_unicode_paths_agree() {
        let printable: Vec<char> = (b' '..=b'~').map(char::from).collect();
        for a in &printable {
            for b in &printable {
                for s in [
                    format!("{a}{b}"),
                    format!("X{a}y{b}Z"),
                    format!(" {a}1{b} "),
                ] {
                    assert_eq!(fold_ascii(&s), fold_unicode(&s), "{s:?}");
                }
            }
        }
        for s in [
            "Like Crazy",
            "Girls' Generation",
            "(G)I-DLE",
            "  A  b--c ",
            "Don`t",
        ] {
            assert_eq!(fold(s), fold_unicode(s), "{s:?}");
        }
    }

    #[test]
    fn stylised_titles_key_like_their_plain_form() {
        assert_eq!(key("★★★★★"), key("5-Star"));
        assert_eq!(key("BLΛƆKPIИK"), key("BLACKPINK"));
        assert_ne!(key("バター"), key("ハター"), "voiced kana stay voiced");
    }

    #[test]
    fn key_ignores_spaces() {
        assert_eq!(key("New Jeans"), key("NewJeans"));
        assert_eq!(key("(G)I-DLE"), "gidle");
        assert_eq!(key("스트레이 키즈"), "스트레이키즈");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("가나다라마", 3).chars().count(), 3);
        // Never longer than asked, even with no room for the mark.
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn clean_drops_controls_and_bidi() {
        assert_eq!(clean("a\u{0}b\u{202E}c\u{200B}d\ne"), "abcd\ne");
    }
}
