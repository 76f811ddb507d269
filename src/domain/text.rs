//! Text folding shared by every matcher: what a fan types and what the data holds are compared
//! only after both went through the same fold.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` for comparison: full-width forms to ASCII (NFKC), accents dropped (ROSÉ = ROSE),
/// lower case, every run of punctuation or white space turned into one space, trimmed.
/// Hangul, kana and kanji are kept as they are.
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
    for c in s
        .nfkc()
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
    {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match c {
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
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
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
    }

    #[test]
    fn clean_drops_controls_and_bidi() {
        assert_eq!(clean("a\u{0}b\u{202E}c\u{200B}d\ne"), "abcd\ne");
    }
}
