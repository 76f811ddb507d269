//! The names fans give a title besides the whole of it. Billboard prints albums with their
//! edition labels ("5-Star: The 3rd Album", "Stray Kids Mini Album: Oddinary (EP)",
//! "2nd EP 'Get Up'"); fans say "5-Star", "Oddinary", "Get Up".

use std::sync::LazyLock;

use regex::Regex;

use crate::domain::chart::credit_names;
use crate::domain::text;

/// An edition label at the end of a folded part: "the 3rd album", "12th mini album",
/// "4th album repackage", "2nd ep", "best album".
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(?:the\s)?(?:(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|debut)\s)?(?:(?:mini|full|special|studio|best|repackage|single|korean|japanese|english)\s)*(?:album|ep|single|lp)(?:\srepackage)?$",
    )
    .expect("static regex")
});

/// Words a title can end with only when it carries an edition label.
const LABEL_ENDS: [&str; 5] = ["album", "ep", "single", "lp", "repackage"];

/// The keys (as `title_key` makes them) of `title`'s main title, credited to `credit`: the part
/// before a subtitle ("5star" of "5-Star: The 3rd Album") and the title without its edition
/// labels and its act's own name ("thesinvanish" of "The Sin:Vanish: 7th Mini Album (EP)").
/// Keys equal to the whole title's key are left out; most titles have none.
pub fn main_keys(title: &str, credit: &str) -> Vec<String> {
    let bare = strip_brackets(title);
    let has_parts = bare.contains([':', '\'', '"', '‘', '“']);
    if !has_parts
        && text::fold(&bare)
            .rsplit(' ')
            .next()
            .is_none_or(|w| !LABEL_ENDS.contains(&w))
    {
        return Vec::new();
    }
    let acts: Vec<String> = credit_names(credit).into_iter().map(text::key).collect();
    let parts: Vec<String> = split_parts(&bare)
        .into_iter()
        .map(|p| {
            let f = text::fold(p);
            match LABEL.find(&f) {
                Some(m) => f[..m.start()].trim().to_string(),
                None => f,
            }
        })
        .filter(|p| !p.is_empty())
        .collect();
    let named: Vec<&String> = parts
        .iter()
        .filter(|p| !acts.contains(&p.replace(' ', "")))
        .collect();
    // "SuperM: The 1st Mini Album" is called "SuperM", its act's name and nothing else.
    let kept: Vec<&String> = if named.is_empty() {
        parts.iter().take(1).collect()
    } else {
        named
    };
    let whole = text::key(title);
    let bracketless = text::key(&bare);
    let mut keys = Vec::new();
    let head = kept.first().map(|p| p.replace(' ', ""));
    let all: String = kept.iter().map(|p| p.replace(' ', "")).collect();
    for k in head.into_iter().chain([all]) {
        if !k.is_empty() && k != whole && k != bracketless && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// The title without its bracketed parts ("(EP)", "[Deluxe]").
fn strip_brackets(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits at subtitle colons (not the one of "3:16") and around quoted names ("2nd EP 'Get
/// Up'"); an apostrophe inside a word ("Thursday's") quotes nothing.
fn split_parts(s: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j].1);
        let after = chars.get(i + 1).map(|x| x.1);
        let opens = matches!(c, '\'' | '"' | '‘' | '“')
            && quote.is_none()
            && before.is_none_or(char::is_whitespace);
        let closes = quote.is_some_and(|q| closing(q) == c || q == c)
            && after.is_none_or(|a| !a.is_alphanumeric());
        let colon = c == ':'
            && quote.is_none()
            && !(before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit()));
        if opens || closes || colon {
            parts.push(&s[start..at]);
            start = at + c.len_utf8();
            quote = if opens { Some(c) } else { None };
        }
    }
    parts.push(&s[start..]);
    parts
}

fn closing(open: char) -> char {
    match open {
        '‘' => '’',
        '“' => '”',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_titles_of_albums() {
        for (title, credit, want) in [
            ("5-Star: The 3rd Album", "Stray Kids", vec!["5star"]),
            (
                "Stray Kids Mini Album: Oddinary (EP)",
                "Stray Kids",
                vec!["oddinary"],
            ),
            (
                "SEVENTEEN 4th Album Repackage: Sector 17",
                "SEVENTEEN",
                vec!["sector17"],
            ),
            ("SuperM: The 1st Mini Album (EP)", "SuperM", vec!["superm"]),
            ("2nd EP 'Get Up'", "NewJeans", vec!["getup"]),
            (
                "SEVENTEEN 12th Mini Album 'Spill The Feels' (EP)",
                "SEVENTEEN",
                vec!["spillthefeels"],
            ),
            ("Love Yourself: Tear", "BTS", vec!["loveyourself"]),
            ("MAP OF THE SOUL : 7", "BTS", vec!["mapofthesoul"]),
            (
                "The Sin:Vanish: 7th Mini Album (EP)",
                "ENHYPEN",
                vec!["thesin", "thesinvanish"],
            ),
            (
                "NCT #127: Neo Zone, The 2nd Album",
                "NCT 127",
                vec!["neozone"],
            ),
            (
                "Minisode 2: Thursday's Child (EP)",
                "TOMORROW X TOGETHER",
                vec!["minisode2"],
            ),
        ] {
            assert_eq!(main_keys(title, credit), want, "{title}");
        }
    }

    #[test]
    fn most_titles_have_no_other_name() {
        for (title, credit) in [
            ("Dynamite", "BTS"),
            ("The Album", "BLACKPINK"),
            ("Cupid (Twin Ver.)", "Fifty Fifty"),
            ("John Cougar, John Deere, John 3:16", "Keith Urban"),
            ("★★★★★ (5-STAR)", "Stray Kids"),
            ("Single Ladies (Put A Ring On It)", "Beyonce"),
        ] {
            assert!(main_keys(title, credit).is_empty(), "{title}");
        }
    }
}
