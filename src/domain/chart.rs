//! Billboard charts, chart weeks, and how a chart credit names acts.

use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::domain::text;
use crate::i18n::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(type_name = "TEXT")]
pub enum Chart {
    #[sqlx(rename = "hot-100")]
    Hot100,
    #[sqlx(rename = "billboard-200")]
    Billboard200,
}

impl Chart {
    pub const ALL: [Chart; 2] = [Chart::Hot100, Chart::Billboard200];

    /// The option value and store key: `hot-100`, `billboard-200`.
    pub fn slug(self) -> &'static str {
        match self {
            Chart::Hot100 => "hot-100",
            Chart::Billboard200 => "billboard-200",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Chart::Hot100 => "Billboard Hot 100",
            Chart::Billboard200 => "Billboard 200",
        }
    }

    /// The name where space is short: "Hot 100", "B200".
    pub fn short_name(self) -> &'static str {
        match self {
            Chart::Hot100 => "Hot 100",
            Chart::Billboard200 => "B200",
        }
    }

    /// How many positions the chart has: the y axis of a run picture.
    pub fn size(self) -> i64 {
        match self {
            Chart::Hot100 => 100,
            Chart::Billboard200 => 200,
        }
    }

    /// Reads `hot-100`, `hot100`, `Hot 100`, `billboard-200`, `b200`, `200`, `albums`.
    pub fn parse(input: &str) -> Option<Chart> {
        match text::key(input).as_str() {
            "hot100" | "hot" | "100" | "songs" | "singles" | "billboardhot100" | "핫100" => {
                Some(Chart::Hot100)
            }
            "billboard200" | "b200" | "200" | "albums" | "album" | "bb200" | "빌보드200" => {
                Some(Chart::Billboard200)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Chart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A chart's "week of" date as Billboard prints it.
pub fn parse_chart_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A date as fans read it: plain ISO "2023-04-01" in English, "2023년 4월 1일" in Korean,
/// "2023年4月1日" in Japanese.
pub fn display_date(date: &str, locale: Locale) -> String {
    parse_chart_date(date).map_or_else(|| date.to_string(), |d| display_day(d, locale))
}

/// [`display_date`] for a date already parsed.
pub fn display_day(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Ko => d.format("%Y년 %-m월 %-d일").to_string(),
        Locale::Ja => d.format("%Y年%-m月%-d日").to_string(),
        Locale::En => d.to_string(),
    }
}

/// The title without version or featuring parentheses, folded: "Cupid (Twin Ver.)" → "cupid".
/// A run keeps its identity through such changes.
pub fn title_key(title: &str) -> String {
    let mut stripped = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => stripped.push(c),
            _ => {}
        }
    }
    let k = text::key(&stripped);
    if k.is_empty() { text::key(title) } else { k }
}

static SEPARATORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:[,&+/:;]|\b(?:Featuring|featuring|FEATURING|Feat\.|feat\.|With|with|WITH|X|x|And|and|AND|Of|of|OF)\b)\s*")
        .expect("static regex")
});

/// The names in a credit, split like Billboard joins them: "TAEYANG Featuring Jimin" →
/// ["TAEYANG", "Jimin"].
pub fn credit_names(credit: &str) -> Vec<&str> {
    SEPARATORS
        .split(credit)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The folded, sorted names of a credit: the same act list in another order or case gives
/// the same key ("Max B & French Montana" = "French Montana & Max B").
pub fn credit_key(credit: &str) -> String {
    let mut names: Vec<String> = credit_names(credit).into_iter().map(text::key).collect();
    names.sort();
    names.dedup();
    names.join("|")
}

/// One way an act is named in credits.
#[derive(Clone, Debug)]
pub struct ActToken {
    pub act_id: String,
    pub token: String,
    pub case_sensitive: bool,
    /// Credits before this date are someone else.
    pub since: NaiveDate,
}

/// Finds the acts a chart credit names.
#[derive(Clone, Debug, Default)]
pub struct CreditMatcher {
    /// Tokens that contain a separator themselves ("TOMORROW X TOGETHER"), matched as phrases.
    phrases: Vec<(ActToken, Regex)>,
    words: Vec<(ActToken, String)>,
}

impl CreditMatcher {
    pub fn new(tokens: impl IntoIterator<Item = ActToken>) -> CreditMatcher {
        let mut m = CreditMatcher::default();
        for t in tokens {
            if SEPARATORS.is_match(&t.token) {
                let flags = if t.case_sensitive { "" } else { "(?i)" };
                let re = Regex::new(&format!(
                    r"{flags}(?:^|[,&+/:;]\s*|\s){}(?:$|\s*[,&+/:;]|\s)",
                    regex::escape(&t.token)
                ))
                .expect("escaped token");
                m.phrases.push((t, re));
            } else {
                let k = if t.case_sensitive {
                    t.token.clone()
                } else {
                    text::key(&t.token)
                };
                m.words.push((t, k));
            }
        }
        m
    }

    /// The act ids named in `credit` on chart date `date`, without repeats.
    pub fn acts(&self, credit: &str, date: NaiveDate) -> Vec<String> {
        self.candidates(credit)
            .into_iter()
            .filter(|(_, since)| date >= *since)
            .map(|(act, _)| act)
            .collect()
    }

    /// The act ids `credit` names, each with the date from which that reading holds. The
    /// answer depends on the credit alone, so importers compute it once per distinct credit.
    pub fn candidates(&self, credit: &str) -> Vec<(String, NaiveDate)> {
        let mut found: Vec<(String, NaiveDate)> = Vec::new();
        let mut rest = credit.to_string();
        for (t, re) in &self.phrases {
            if re.is_match(&rest) {
                rest = re.replace_all(&rest, " , ").into_owned();
                push_unique(&mut found, t);
            }
        }
        for name in credit_names(&rest) {
            let folded = text::key(name);
            for (t, k) in &self.words {
                if (t.case_sensitive && name == k) || (!t.case_sensitive && &folded == k) {
                    push_unique(&mut found, t);
                }
            }
        }
        found
    }
}

fn push_unique(found: &mut Vec<(String, NaiveDate)>, t: &ActToken) {
    match found.iter_mut().find(|(act, _)| *act == t.act_id) {
        Some((_, since)) => *since = (*since).min(t.since),
        None => found.push((t.act_id.clone(), t.since)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(act: &str, token: &str, case_sensitive: bool, since: &str) -> ActToken {
        ActToken {
            act_id: act.into(),
            token: token.into(),
            case_sensitive,
            since: parse_chart_date(since).unwrap(),
        }
    }

    fn matcher() -> CreditMatcher {
        CreditMatcher::new([
            token("bts", "BTS", false, "2008-01-01"),
            token("jimin", "Jimin", false, "2008-01-01"),
            token("taeyang", "TAEYANG", false, "2008-01-01"),
            token("txt", "TOMORROW X TOGETHER", false, "2008-01-01"),
            token("twice", "TWICE", false, "2008-01-01"),
            token(
                "twice",
                "JEONGYEON, JIHYO & CHAEYOUNG Of TWICE",
                false,
                "2008-01-01",
            ),
            token("psy", "PSY", true, "2008-01-01"),
            token("rose", "ROSE", true, "2016-01-01"),
            token("jin", "Jin", false, "2022-01-01"),
            token("monstax", "MONSTA X", false, "2008-01-01"),
        ])
    }

    fn acts(credit: &str, date: &str) -> Vec<String> {
        matcher().acts(credit, parse_chart_date(date).unwrap())
    }

    #[test]
    fn finds_featured_and_joint_credits() {
        assert_eq!(acts("Coldplay x BTS", "2021-10-09"), ["bts"]);
        assert_eq!(
            acts("TAEYANG Featuring Jimin", "2023-04-29"),
            ["taeyang", "jimin"]
        );
        assert_eq!(acts("TOMORROW X TOGETHER", "2023-02-11"), ["txt"]);
        assert_eq!(acts("MONSTA X", "2021-06-19"), ["monstax"]);
        assert_eq!(
            acts("JEONGYEON, JIHYO & CHAEYOUNG Of TWICE", "2025-07-12"),
            ["twice"]
        );
        assert_eq!(acts("Twice", "2025-07-12"), ["twice"]);
        assert_eq!(acts("Alex Warren & ROSE", "2025-07-12"), ["rose"]);
    }

    #[test]
    fn respects_case_and_dates() {
        assert!(acts("Psychedelic Furs", "1987-01-01").is_empty());
        assert!(acts("Psy", "2013-01-01").is_empty());
        assert!(acts("Rose Royce", "2020-01-01").is_empty());
        assert!(acts("Rose", "2020-01-01").is_empty());
        assert!(acts("Jin", "2004-05-01").is_empty());
        assert_eq!(acts("Jin", "2022-11-12"), ["jin"]);
        assert!(acts("The Weeknd, Jennie & Lily Rose Depp", "2023-06-24").is_empty());
    }

    #[test]
    fn keys_follow_runs_through_renames() {
        assert_eq!(title_key("Cupid (Twin Ver.)"), title_key("Cupid"));
        assert_eq!(title_key("Soak City (Do It)"), title_key("Soak City"));
        assert_eq!(title_key("(I Can't Get No) Satisfaction"), "satisfaction");
        assert_eq!(title_key("()"), "");
        assert_eq!(
            credit_key("Max B & French Montana"),
            credit_key("French Montana & Max B")
        );
        assert_eq!(credit_key("TWICE"), credit_key("Twice"));
    }

    #[test]
    fn reads_chart_names() {
        assert_eq!(Chart::parse("hot-100"), Some(Chart::Hot100));
        assert_eq!(Chart::parse("Hot 100"), Some(Chart::Hot100));
        assert_eq!(Chart::parse("billboard-200"), Some(Chart::Billboard200));
        assert_eq!(Chart::parse("B200"), Some(Chart::Billboard200));
        assert_eq!(Chart::parse("top 40"), None);
    }
}
