//! The seed's `data/exports.csv` read as it is, and what its curation rules
//! (`[approx]`, `[revised]`, withheld tags, kinds of source) say about each figure, for tests to
//! compute what the bot should answer.

use std::collections::{BTreeMap, BTreeSet};

/// The kinds of source, in the order sources are cited.
pub const KINDS: [&str; 8] = [
    "government",
    "wire",
    "newspaper",
    "broadcaster",
    "portal",
    "blog",
    "forum",
    "ai-generated",
];
pub const PRESS: [&str; 3] = ["government", "wire", "newspaper"];
pub const WEAK: [&str; 3] = ["blog", "forum", "ai-generated"];
const WITHHELD: [&str; 5] = ["misprint", "converted", "doubtful", "KRW-only", "conflict"];

#[derive(Clone, Debug, serde::Deserialize)]
pub struct Row {
    pub period: String,
    pub country: String,
    pub value_usd: Option<i64>,
    pub rank: Option<i64>,
    pub yoy_change_pct: Option<String>,
    pub publisher: String,
    pub url: String,
    pub published_on: String,
    pub note: String,
    pub publisher_detail: String,
    pub source_kind: String,
}

impl Row {
    /// The tags at the start of the note.
    pub fn tags(&self) -> BTreeSet<String> {
        let mut tags = BTreeSet::new();
        let mut rest = self.note.trim_start();
        while let Some(tail) = rest.strip_prefix('[') {
            let Some((tag, after)) = tail.split_once(']') else {
                break;
            };
            tags.insert(tag.to_string());
            rest = after.trim_start_matches(';').trim_start();
        }
        tags
    }

    pub fn has(&self, tag: &str) -> bool {
        self.tags().contains(tag)
    }

    pub fn withheld(&self) -> bool {
        WITHHELD.iter().any(|t| self.has(t))
    }

    pub fn disputed(&self) -> bool {
        self.has("doubtful") || self.has("conflict")
    }

    /// A value the bot serves.
    pub fn value(&self) -> Option<i64> {
        self.value_usd.filter(|_| !self.withheld())
    }

    pub fn kind_rank(&self) -> usize {
        KINDS
            .iter()
            .position(|k| *k == self.source_kind)
            .unwrap_or_else(|| panic!("unknown kind {:?}", self.source_kind))
    }

    /// Where the row stands in the citation order: kind, then the earliest date (undated last).
    pub fn citation_key(&self) -> (usize, bool, String) {
        (
            self.kind_rank(),
            self.published_on.is_empty(),
            self.published_on.clone(),
        )
    }

    /// The change as the bot shows a printed one: `+17.1%`, `-10.2%`.
    pub fn signed_yoy(&self) -> Option<String> {
        let y = self.yoy_change_pct.as_deref()?;
        Some(if y.starts_with('-') {
            format!("{y}%")
        } else {
            format!("+{y}%")
        })
    }
}

pub fn rows() -> Vec<Row> {
    let mut reader = csv::Reader::from_path("data/exports.csv").expect("data/exports.csv");
    reader
        .deserialize()
        .map(|r| r.expect("a readable row"))
        .collect()
}

/// The rows of the seed, grouped by period and country.
pub struct Seed {
    pub rows: Vec<Row>,
}

impl Seed {
    pub fn load() -> Seed {
        Seed { rows: rows() }
    }

    pub fn of(&self, period: &str, country: &str) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.period == period && r.country == country)
            .collect()
    }

    /// Every (period, country) with a row.
    pub fn pairs(&self) -> BTreeSet<(String, String)> {
        self.rows
            .iter()
            .map(|r| (r.period.clone(), r.country.clone()))
            .collect()
    }

    /// The values served for a period and country, each with the rows printing it.
    pub fn values(&self, period: &str, country: &str) -> BTreeMap<i64, Vec<&Row>> {
        let mut out: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
        for r in self.of(period, country) {
            if let Some(v) = r.value() {
                out.entry(v).or_default().push(r);
            }
        }
        out
    }

    /// The current value: the one a source calls revised, else the one first printed latest.
    pub fn current(&self, period: &str, country: &str) -> Option<(i64, Vec<&Row>)> {
        let values = self.values(period, country);
        let revised = values
            .iter()
            .find(|(_, rows)| rows.iter().any(|r| r.has("revised")));
        let chosen = revised.or_else(|| {
            values.iter().max_by_key(|(_, rows)| {
                rows.iter()
                    .filter(|r| !r.published_on.is_empty())
                    .map(|r| r.published_on.clone())
                    .min()
            })
        })?;
        Some((*chosen.0, chosen.1.clone()))
    }

    /// The values of a period and country other than the current one (earlier prints).
    pub fn earlier(&self, period: &str, country: &str) -> Vec<(i64, Vec<&Row>)> {
        let current = self.current(period, country).map(|(v, _)| v);
        self.values(period, country)
            .into_iter()
            .filter(|(v, _)| Some(*v) != current)
            .collect()
    }

    /// Whether the value is a revision: it replaced an earlier print, or a source says so.
    pub fn revised(&self, period: &str, country: &str, value: i64) -> bool {
        let values = self.values(period, country);
        let current = self.current(period, country).map(|(v, _)| v);
        values[&value].iter().any(|r| r.has("revised"))
            || (values.len() > 1 && current == Some(value))
    }

    /// The value of the same basis (both first prints, or both revised) for `period`.
    pub fn on_basis(&self, period: &str, country: &str, revised: bool) -> Option<i64> {
        let values = self.values(period, country);
        let mut same: Vec<(i64, String)> = values
            .iter()
            .filter(|(v, _)| self.revised(period, country, **v) == revised)
            .map(|(v, rows)| {
                let first = rows
                    .iter()
                    .filter(|r| !r.published_on.is_empty())
                    .map(|r| r.published_on.clone())
                    .min()
                    .unwrap_or_else(|| "9999".into());
                (*v, first)
            })
            .collect();
        same.sort_by(|a, b| a.1.cmp(&b.1));
        same.first().map(|(v, _)| *v)
    }
}

/// The rows among `rows` the citation rule allows to be cited first.
pub fn best<'a>(rows: &[&'a Row]) -> Vec<&'a Row> {
    let citable: Vec<&Row> = rows.iter().copied().filter(|r| !r.disputed()).collect();
    let Some(key) = citable.iter().map(|r| r.citation_key()).min() else {
        return Vec::new();
    };
    citable
        .into_iter()
        .filter(|r| r.citation_key() == key)
        .collect()
}

/// The distinct sources (publisher and address) among `rows`.
pub fn sources(rows: &[&Row]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| (r.publisher.clone(), r.url.clone()))
        .collect()
}

/// The same months a year earlier: `2023-01/2023-10` gives `2022-01/2022-10`.
pub fn year_before(period: &str) -> String {
    let re = regex::Regex::new(r"\d{4}").unwrap();
    re.replace_all(period, |c: &regex::Captures| {
        (c[0].parse::<i32>().unwrap() - 1).to_string()
    })
    .into_owned()
}

/// `(now - before) / before` as the bot shows a computed change: `+9.9%`.
pub fn computed_change(now: i64, before: i64) -> String {
    let tenths = ((now - before) as f64 * 1000.0 / before as f64).round() as i64;
    let sign = if tenths < 0 { "-" } else { "+" };
    format!("{sign}{}.{}%", tenths.abs() / 10, tenths.abs() % 10)
}

/// `part / whole` as the bot shows a share: `36.5%`.
pub fn share(part: i64, whole: i64) -> String {
    let tenths = (part as f64 * 1000.0 / whole as f64).round() as i64;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// A figure as the press rounds it in English: `$48.52M`, `$160,000`.
pub fn headline(value: i64) -> String {
    if value < 1_000_000 {
        return format!("${}", grouped(value));
    }
    let hundredths = (value + 5_000) / 10_000;
    format!("${}.{:02}M", hundredths / 100, hundredths % 100)
}

/// `US$48,523,000`.
pub fn exact(value: i64) -> String {
    format!("US${}", grouped(value))
}

fn grouped(value: i64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
