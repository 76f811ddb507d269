//! Periods of export statistics: a year, a half, a quarter, a month or a span of months.
//!
//! Every period is a range of months with one canonical label (`2023`, `2023-H1`, `2023-Q2`,
//! `2023-06`, `2023-01/2023-10`), the form the store keys figures by. A span that covers exactly a
//! half, a quarter or a year becomes that period, so one range has one label.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn new(year: i32, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (MIN_YEAR..=MAX_YEAR).contains(&year))
            .then_some(YearMonth { year, month })
    }
    fn index(self) -> i32 {
        self.year * 12 + i32::from(self.month) - 1
    }
}

const MIN_YEAR: i32 = 1900;
/// The longest period text read, in bytes once normalised.
const MAX_INPUT: usize = 64;
const MAX_YEAR: i32 = 2100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(YearMonth),
    Span(YearMonth, YearMonth),
}

/// What a fan may type: a full period, or a half, quarter or month without a year ("상반기"),
/// which the command resolves against the years it has figures for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodInput {
    Exact(Period),
    Yearless(Yearless),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Yearless {
    Half(u8),
    Quarter(u8),
    Month(u8),
}

impl Yearless {
    pub fn in_year(self, year: i32) -> Period {
        match self {
            Yearless::Half(h) => Period::Half(year, h),
            Yearless::Quarter(q) => Period::Quarter(year, q),
            Yearless::Month(m) => Period::Month(YearMonth { year, month: m }),
        }
    }
}

/// A period named relative to today or to the figures held: "latest", "last year", "올해".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relative {
    /// The newest period with figures.
    Latest,
    ThisYear,
    LastYear,
}

impl Relative {
    /// The year this names on `today` (UTC); None for [`Relative::Latest`], which depends on
    /// the figures held.
    pub fn resolve(self, today: chrono::NaiveDate) -> Option<Period> {
        use chrono::Datelike;
        match self {
            Relative::Latest => None,
            Relative::ThisYear => Some(Period::Year(today.year())),
            Relative::LastYear => Some(Period::Year(today.year() - 1)),
        }
    }

    /// The canonical word, as the autocomplete offers it: every language's words read back.
    pub fn word(self) -> &'static str {
        match self {
            Relative::Latest => "latest",
            Relative::ThisYear => "this year",
            Relative::LastYear => "last year",
        }
    }

    fn parse(s: &str) -> Option<Relative> {
        RELATIVE_WORDS
            .iter()
            .find(|(_, words)| words.contains(&s))
            .map(|(r, _)| *r)
    }
}

/// Relative words in English, Korean and Japanese, as [`normalize`] leaves them: "year", `년`
/// and `年` are gone by then, so "last year" is read as "last", "작년" as "작", "去年" as "去".
const RELATIVE_WORDS: [(Relative, &[&str]); 3] = [
    (
        Relative::Latest,
        &[
            "latest",
            "newest",
            "most recent",
            "최신",
            "최근",
            "最新",
            "直近",
        ],
    ),
    (
        Relative::ThisYear,
        &["this", "current", "올해", "금", "今", "本"],
    ),
    (
        Relative::LastYear,
        &["last", "previous", "작", "지난해", "去", "昨", "前"],
    ),
];

/// One period as a question names it: as a period, or relative to today or to the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodRef {
    Given(PeriodInput),
    Relative(Relative),
}

/// The period part of a question: one period, two to compare ("2022 vs 2023"), or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodQuery {
    One(PeriodRef),
    Versus(PeriodRef, PeriodRef),
    /// Every year held: "all", "전체", "全期間".
    All,
}

/// The words for every period held, as the folded input reads them.
const ALL_WORDS: [&str; 7] = [
    "all",
    "all years",
    "all time",
    "전체",
    "전체 기간",
    "全期間",
    "全て",
];

/// "2022 vs 2023", "2022년 대 2023년", "2022年対2023年".
static VERSUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:\bversus\b|\bvs\b\.?|(?:^|\s)대(?:\s|$)|対)\s*").expect("static regex")
});

/// Splits "2022 vs 20" at its last "vs" into the text before and after it.
pub fn split_versus(input: &str) -> Option<(&str, &str)> {
    let m = VERSUS.find_iter(input).last()?;
    Some((&input[..m.start()], &input[m.end()..]))
}

impl PeriodRef {
    pub fn parse(input: &str) -> Result<PeriodRef, PeriodError> {
        match PeriodInput::parse(input) {
            Ok(p) => Ok(PeriodRef::Given(p)),
            Err(e) => Relative::parse(&normalize(input))
                .map(PeriodRef::Relative)
                .ok_or(e),
        }
    }
}

impl PeriodQuery {
    /// Reads one period, a relative one, or two joined by "vs" (versus, 대, 対).
    pub fn parse(input: &str) -> Result<PeriodQuery, PeriodError> {
        if input.len() > 2 * MAX_INPUT {
            return Err(PeriodError::Unreadable);
        }
        let folded: String = input.nfkc().flat_map(char::to_lowercase).collect();
        let words = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        if ALL_WORDS.contains(&words.as_str()) {
            return Ok(PeriodQuery::All);
        }
        let parts: Vec<&str> = VERSUS.split(&folded).collect();
        match parts.as_slice() {
            [one] => PeriodRef::parse(one).map(PeriodQuery::One),
            [a, b] => Ok(PeriodQuery::Versus(
                PeriodRef::parse(a)?,
                PeriodRef::parse(b)?,
            )),
            _ => Err(PeriodError::Unreadable),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("not a period")]
    Unreadable,
    #[error("the span ends before it starts")]
    Backwards,
    #[error("the year is out of range")]
    YearOutOfRange,
}

impl Period {
    /// Builds the period for a range of months, preferring the named forms.
    pub fn from_range(start: YearMonth, end: YearMonth) -> Result<Period, PeriodError> {
        if end < start {
            return Err(PeriodError::Backwards);
        }
        let (y, m0, m1) = (start.year, start.month, end.month);
        Ok(if start == end {
            Period::Month(start)
        } else if start.year != end.year {
            Period::Span(start, end)
        } else if m0 == 1 && m1 == 12 {
            Period::Year(y)
        } else if (m0, m1) == (1, 6) || (m0, m1) == (7, 12) {
            Period::Half(y, if m0 == 1 { 1 } else { 2 })
        } else if m0 % 3 == 1 && m1 == m0 + 2 {
            Period::Quarter(y, m0 / 3 + 1)
        } else {
            Period::Span(start, end)
        })
    }

    pub fn start(self) -> YearMonth {
        match self {
            Period::Year(y) => YearMonth { year: y, month: 1 },
            Period::Half(y, h) => YearMonth {
                year: y,
                month: (h - 1) * 6 + 1,
            },
            Period::Quarter(y, q) => YearMonth {
                year: y,
                month: (q - 1) * 3 + 1,
            },
            Period::Month(ym) | Period::Span(ym, _) => ym,
        }
    }

    pub fn end(self) -> YearMonth {
        match self {
            Period::Year(y) => YearMonth { year: y, month: 12 },
            Period::Half(y, h) => YearMonth {
                year: y,
                month: h * 6,
            },
            Period::Quarter(y, q) => YearMonth {
                year: y,
                month: q * 3,
            },
            Period::Month(ym) | Period::Span(_, ym) => ym,
        }
    }

    pub fn year(self) -> i32 {
        self.end().year
    }

    /// The same months `years` years later (earlier when negative).
    pub fn shifted(self, years: i32) -> Period {
        let ym = |m: YearMonth| YearMonth {
            year: m.year + years,
            month: m.month,
        };
        match self {
            Period::Year(y) => Period::Year(y + years),
            Period::Half(y, h) => Period::Half(y + years, h),
            Period::Quarter(y, q) => Period::Quarter(y + years, q),
            Period::Month(m) => Period::Month(ym(m)),
            Period::Span(a, b) => Period::Span(ym(a), ym(b)),
        }
    }

    /// Number of months the period covers.
    pub fn months(self) -> i32 {
        self.end().index() - self.start().index() + 1
    }

    /// The canonical label the store uses: `2023`, `2023-H1`, `2023-Q2`, `2023-06`,
    /// `2023-01/2023-10`.
    pub fn label(self) -> String {
        self.to_string()
    }

    /// Parses a canonical label (and every other accepted form).
    pub fn parse(input: &str) -> Result<Period, PeriodError> {
        match PeriodInput::parse(input)? {
            PeriodInput::Exact(p) => Ok(p),
            PeriodInput::Yearless(_) => Err(PeriodError::Unreadable),
        }
    }

    /// The period as a fan reads it: "H1 2023", "2023년 상반기", "2023年上半期".
    pub fn display(self, locale: Locale) -> String {
        let m = |ym: YearMonth| MONTHS[usize::from(ym.month) - 1].0;
        match (locale, self) {
            (Locale::En, Period::Year(y)) => y.to_string(),
            (Locale::En, Period::Half(y, h)) => format!("H{h} {y}"),
            (Locale::En, Period::Quarter(y, q)) => format!("Q{q} {y}"),
            (Locale::En, Period::Month(ym)) => {
                format!("{} {}", MONTH_NAMES_EN[usize::from(ym.month) - 1], ym.year)
            }
            (Locale::En, Period::Span(a, b)) if a.year == b.year => {
                format!("{}–{} {}", title_case(m(a)), title_case(m(b)), a.year)
            }
            (Locale::En, Period::Span(a, b)) => {
                format!(
                    "{} {}–{} {}",
                    title_case(m(a)),
                    a.year,
                    title_case(m(b)),
                    b.year
                )
            }
            (Locale::Ko, Period::Year(y)) => format!("{y}년"),
            (Locale::Ko, Period::Half(y, h)) => {
                format!("{y}년 {}", if h == 1 { "상반기" } else { "하반기" })
            }
            (Locale::Ko, Period::Quarter(y, q)) => format!("{y}년 {q}분기"),
            (Locale::Ko, Period::Month(ym)) => format!("{}년 {}월", ym.year, ym.month),
            (Locale::Ko, Period::Span(a, b)) if a.year == b.year => {
                format!("{}년 {}~{}월", a.year, a.month, b.month)
            }
            (Locale::Ko, Period::Span(a, b)) => {
                format!("{}년 {}월~{}년 {}월", a.year, a.month, b.year, b.month)
            }
            (Locale::Ja, Period::Year(y)) => format!("{y}年"),
            (Locale::Ja, Period::Half(y, h)) => {
                format!("{y}年{}", if h == 1 { "上半期" } else { "下半期" })
            }
            (Locale::Ja, Period::Quarter(y, q)) => format!("{y}年第{q}四半期"),
            (Locale::Ja, Period::Month(ym)) => format!("{}年{}月", ym.year, ym.month),
            (Locale::Ja, Period::Span(a, b)) if a.year == b.year => {
                format!("{}年{}～{}月", a.year, a.month, b.month)
            }
            (Locale::Ja, Period::Span(a, b)) => {
                format!("{}年{}月～{}年{}月", a.year, a.month, b.year, b.month)
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(ym) => write!(f, "{}-{:02}", ym.year, ym.month),
            Period::Span(a, b) => {
                write!(f, "{}-{:02}/{}-{:02}", a.year, a.month, b.year, b.month)
            }
        }
    }
}

/// Stored and snapshotted as its canonical label.
impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let label = String::deserialize(d)?;
        Period::parse(&label)
            .map_err(|_| serde::de::Error::custom(format!("`{label}` is not a period")))
    }
}

impl std::str::FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

const MONTH_NAMES_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month words accepted in input, with the canonical short name first.
const MONTHS: [(&str, &[&str]); 12] = [
    ("jan", &["january"]),
    ("feb", &["february"]),
    ("mar", &["march"]),
    ("apr", &["april"]),
    ("may", &[]),
    ("jun", &["june"]),
    ("jul", &["july"]),
    ("aug", &["august"]),
    ("sep", &["sept", "september"]),
    ("oct", &["october"]),
    ("nov", &["november"]),
    ("dec", &["december"]),
];

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn month_number(word: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|(short, long)| *short == word || long.contains(&word))
        .map(|i| i as u8 + 1)
}

fn ordinal(word: &str) -> Option<u8> {
    Some(match word {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        _ => return None,
    })
}

macro_rules! re {
    ($s:expr) => {
        LazyLock::new(|| Regex::new($s).expect("static regex"))
    };
}

// Korean and Japanese words are first rewritten into the English tokens below, so one grammar
// serves all three languages.
static CJK_MONTH_SPAN: LazyLock<Regex> = re!(r"(\d{1,2})\s*(?:월|月)?\s*-\s*(\d{1,2})\s*(?:월|月)");
static CJK_MONTH: LazyLock<Regex> = re!(r"(\d{1,2})\s*(?:월|月)");
static CJK_QUARTER: LazyLock<Regex> = re!(r"(?:第\s*)?([1-4])\s*(?:분기|四半期)");
static ORDINAL_PART: LazyLock<Regex> =
    re!(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(half|quarter)\b");
static SPAN_WORDS: LazyLock<Regex> = re!(r"\s*(?:\bto\b|\bthrough\b|\bthru\b|\buntil\b|\.\.)\s*");
static FILLER: LazyLock<Regex> = re!(r"\b(?:of|the|year|in)\b");

static YEAR: LazyLock<Regex> = re!(r"^(\d{4})$");
static PART_YEAR: LazyLock<Regex> =
    re!(r"^(?:(h|q)\s*-?\s*([1-4])|([1-4])\s*(h|q))\s*[-/ ]?\s*(\d{4})$");
static YEAR_PART: LazyLock<Regex> =
    re!(r"^(\d{4})\s*[-/ ]?\s*(?:(h|q)\s*([1-4])|([1-4])\s*(h|q))$");
static PART_ALONE: LazyLock<Regex> = re!(r"^(?:(h|q)\s*([1-4])|([1-4])\s*(h|q))$");
static NUM_MONTH: LazyLock<Regex> = re!(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$");
static MONTH_NUM_YEAR: LazyLock<Regex> = re!(r"^(\d{1,2})\s*[/.]\s*(\d{4})$");
static NUM_SPAN: LazyLock<Regex> =
    re!(r"^(\d{4})\s*-\s*(\d{1,2})\s*(?:/|-)\s*(\d{4})\s*-\s*(\d{1,2})$");
static WORD_MONTH: LazyLock<Regex> = re!(r"^([a-z]+)\s*,?\s*(\d{4})$");
static YEAR_WORD_MONTH: LazyLock<Regex> = re!(r"^(\d{4})\s*,?\s*([a-z]+)$");
static WORD_SPAN: LazyLock<Regex> = re!(r"^([a-z]+)\s*-\s*([a-z]+)\s*,?\s*(\d{4})$");
static YEAR_WORD_SPAN: LazyLock<Regex> = re!(r"^(\d{4})\s*,?\s*([a-z]+)\s*-\s*([a-z]+)$");
static WORD_SPAN_YEARS: LazyLock<Regex> =
    re!(r"^([a-z]+)\s*,?\s*(\d{4})\s*-\s*([a-z]+)\s*,?\s*(\d{4})$");
/// Korean and Japanese spans across years: "1990 jan -1991 jan" once normalised.
static YEAR_WORD_SPAN_YEARS: LazyLock<Regex> =
    re!(r"^(\d{4})\s*,?\s*([a-z]+)\s*-\s*(\d{4})\s*,?\s*([a-z]+)$");
static MONTH_ALONE: LazyLock<Regex> = re!(r"^([a-z]+)$");

impl PeriodInput {
    // long: one branch per accepted form, tried in order; split up, the order would be lost.
    pub fn parse(input: &str) -> Result<PeriodInput, PeriodError> {
        let s = normalize(input);
        if s.is_empty() || s.len() > MAX_INPUT {
            return Err(PeriodError::Unreadable);
        }
        let exact = |p: Result<Period, PeriodError>| p.map(PeriodInput::Exact);
        let year = |s: &str| -> Result<i32, PeriodError> {
            let y: i32 = s.parse().map_err(|_| PeriodError::Unreadable)?;
            if (MIN_YEAR..=MAX_YEAR).contains(&y) {
                Ok(y)
            } else {
                Err(PeriodError::YearOutOfRange)
            }
        };
        let ym = |y: i32, m: u8| YearMonth::new(y, m).ok_or(PeriodError::Unreadable);
        let part = |kind: &str, n: &str, y: i32| -> Result<Period, PeriodError> {
            let n: u8 = n.parse().map_err(|_| PeriodError::Unreadable)?;
            match kind {
                "h" if (1..=2).contains(&n) => Ok(Period::Half(y, n)),
                "q" => Ok(Period::Quarter(y, n)),
                _ => Err(PeriodError::Unreadable),
            }
        };
        let month = |w: &str| month_number(w).ok_or(PeriodError::Unreadable);

        if let Some(c) = YEAR.captures(&s) {
            return exact(Ok(Period::Year(year(&c[1])?)));
        }
        if let Some(c) = PART_YEAR.captures(&s) {
            let (kind, n) = split_part(&c, 1);
            return exact(part(kind, n, year(&c[5])?));
        }
        if let Some(c) = YEAR_PART.captures(&s) {
            let (kind, n) = split_part(&c, 2);
            return exact(part(kind, n, year(&c[1])?));
        }
        if let Some(c) = PART_ALONE.captures(&s) {
            let (kind, n) = split_part(&c, 1);
            return match part(kind, n, 2000)? {
                Period::Half(_, h) => Ok(PeriodInput::Yearless(Yearless::Half(h))),
                Period::Quarter(_, q) => Ok(PeriodInput::Yearless(Yearless::Quarter(q))),
                _ => Err(PeriodError::Unreadable),
            };
        }
        if let Some(c) = NUM_MONTH.captures(&s) {
            let m = c[2].parse().map_err(|_| PeriodError::Unreadable)?;
            return exact(Ok(Period::Month(ym(year(&c[1])?, m)?)));
        }
        if let Some(c) = MONTH_NUM_YEAR.captures(&s) {
            let m = c[1].parse().map_err(|_| PeriodError::Unreadable)?;
            return exact(Ok(Period::Month(ym(year(&c[2])?, m)?)));
        }
        if let Some(c) = NUM_SPAN.captures(&s) {
            let a = ym(
                year(&c[1])?,
                c[2].parse().map_err(|_| PeriodError::Unreadable)?,
            )?;
            let b = ym(
                year(&c[3])?,
                c[4].parse().map_err(|_| PeriodError::Unreadable)?,
            )?;
            return exact(Period::from_range(a, b));
        }
        if let Some(c) = WORD_MONTH.captures(&s) {
            return exact(Ok(Period::Month(ym(year(&c[2])?, month(&c[1])?)?)));
        }
        if let Some(c) = YEAR_WORD_MONTH.captures(&s) {
            return exact(Ok(Period::Month(ym(year(&c[1])?, month(&c[2])?)?)));
        }
        if let Some(c) = WORD_SPAN.captures(&s) {
            let y = year(&c[3])?;
            return exact(Period::from_range(
                ym(y, month(&c[1])?)?,
                ym(y, month(&c[2])?)?,
            ));
        }
        if let Some(c) = YEAR_WORD_SPAN.captures(&s) {
            let y = year(&c[1])?;
            return exact(Period::from_range(
                ym(y, month(&c[2])?)?,
                ym(y, month(&c[3])?)?,
            ));
        }
        if let Some(c) = WORD_SPAN_YEARS.captures(&s) {
            let a = ym(year(&c[2])?, month(&c[1])?)?;
            let b = ym(year(&c[4])?, month(&c[3])?)?;
            return exact(Period::from_range(a, b));
        }
        if let Some(c) = YEAR_WORD_SPAN_YEARS.captures(&s) {
            let a = ym(year(&c[1])?, month(&c[2])?)?;
            let b = ym(year(&c[3])?, month(&c[4])?)?;
            return exact(Period::from_range(a, b));
        }
        if let Some(c) = MONTH_ALONE.captures(&s) {
            return Ok(PeriodInput::Yearless(Yearless::Month(month(&c[1])?)));
        }
        Err(PeriodError::Unreadable)
    }
}

fn split_part<'a>(c: &'a regex::Captures<'a>, first: usize) -> (&'a str, &'a str) {
    match (c.get(first), c.get(first + 1)) {
        (Some(kind), Some(n)) => (kind.as_str(), n.as_str()),
        _ => (&c[first + 3], &c[first + 2]),
    }
}

/// Lower case, full-width folded, dashes and tildes unified, Korean and Japanese words rewritten
/// into the English tokens the grammar reads.
fn normalize(input: &str) -> String {
    let mut s: String = input
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '–' | '—' | '−' | '~' | '〜' | '～' | '‐' => '-',
            _ => c,
        })
        .collect();
    for (from, to) in [
        ("상반기", " h1 "),
        ("하반기", " h2 "),
        ("上半期", " h1 "),
        ("下半期", " h2 "),
        ("上期", " h1 "),
        ("下期", " h2 "),
    ] {
        s = s.replace(from, to);
    }
    s = CJK_MONTH_SPAN
        .replace_all(&s, |c: &regex::Captures| {
            format!(" {}-{} ", month_word(&c[1]), month_word(&c[2]))
        })
        .into_owned();
    s = CJK_MONTH
        .replace_all(&s, |c: &regex::Captures| format!(" {} ", month_word(&c[1])))
        .into_owned();
    s = CJK_QUARTER.replace_all(&s, " q$1 ").into_owned();
    s = s.replace(['년', '年'], " ");
    s = ORDINAL_PART
        .replace_all(&s, |c: &regex::Captures| {
            let n = ordinal(&c[1]).unwrap_or(0);
            format!(" {}{n} ", if &c[2] == "half" { "h" } else { "q" })
        })
        .into_owned();
    s = SPAN_WORDS.replace_all(&s, "-").into_owned();
    s = FILLER.replace_all(&s, " ").into_owned();
    s = s.replace(',', " ");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn month_word(n: &str) -> &'static str {
    n.parse::<usize>()
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| MONTHS.get(i))
        .map_or("?", |(short, _)| short)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: i32, month: u8) -> YearMonth {
        YearMonth { year, month }
    }

    #[test]
    fn every_period_is_asked_for_in_each_language() {
        for input in ["all", " ALL ", "All  years", "전체", "全期間", "ａｌｌ"] {
            assert_eq!(PeriodQuery::parse(input), Ok(PeriodQuery::All), "{input}");
        }
        for input in ["alll", "all 2023", "2023 vs all"] {
            assert_ne!(PeriodQuery::parse(input), Ok(PeriodQuery::All), "{input}");
        }
    }

    #[test]
    fn parses_every_documented_form() {
        let span = Period::Span(ym(2023, 1), ym(2023, 10));
        for (input, want) in [
            ("2023-H1", Period::Half(2023, 1)),
            ("H1 2023", Period::Half(2023, 1)),
            ("h1-2023", Period::Half(2023, 1)),
            ("2023h2", Period::Half(2023, 2)),
            ("1H 2023", Period::Half(2023, 1)),
            ("first half of 2023", Period::Half(2023, 1)),
            ("the second half of 2024", Period::Half(2024, 2)),
            ("2023 first half", Period::Half(2023, 1)),
            ("2023 Q2", Period::Quarter(2023, 2)),
            ("Q2 2023", Period::Quarter(2023, 2)),
            ("2023-Q4", Period::Quarter(2023, 4)),
            ("third quarter of 2023", Period::Quarter(2023, 3)),
            ("June 2023", Period::Month(ym(2023, 6))),
            ("jun 2023", Period::Month(ym(2023, 6))),
            ("2023 June", Period::Month(ym(2023, 6))),
            ("2023-06", Period::Month(ym(2023, 6))),
            ("2023/6", Period::Month(ym(2023, 6))),
            ("6/2023", Period::Month(ym(2023, 6))),
            ("2023", Period::Year(2023)),
            ("Jan–Oct 2023", span),
            ("jan-oct 2023", span),
            ("January to October 2023", span),
            ("january through october, 2023", span),
            ("2023-01/2023-10", span),
            ("2023-01-2023-10", span),
            (
                "Nov 2022 – Feb 2023",
                Period::Span(ym(2022, 11), ym(2023, 2)),
            ),
            ("Jan-Jun 2023", Period::Half(2023, 1)),
            ("2023-01/2023-12", Period::Year(2023)),
            ("Apr-Jun 2023", Period::Quarter(2023, 2)),
            ("2023년 상반기", Period::Half(2023, 1)),
            ("2023 상반기", Period::Half(2023, 1)),
            ("2023년 하반기", Period::Half(2023, 2)),
            ("2023년 2분기", Period::Quarter(2023, 2)),
            ("2023년 6월", Period::Month(ym(2023, 6))),
            ("2023년", Period::Year(2023)),
            ("2023년 1~10월", span),
            ("2023年上半期", Period::Half(2023, 1)),
            ("2023年第2四半期", Period::Quarter(2023, 2)),
            ("2023年6月", Period::Month(ym(2023, 6))),
            ("2023年1～10月", span),
            ("２０２３年", Period::Year(2023)),
            ("２０２３－Ｈ１", Period::Half(2023, 1)),
        ] {
            assert_eq!(
                PeriodInput::parse(input),
                Ok(PeriodInput::Exact(want)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn yearless_forms_wait_for_a_year() {
        for (input, want) in [
            ("하반기", Yearless::Half(2)),
            ("상반기", Yearless::Half(1)),
            ("上半期", Yearless::Half(1)),
            ("first half", Yearless::Half(1)),
            ("H2", Yearless::Half(2)),
            ("q3", Yearless::Quarter(3)),
            ("June", Yearless::Month(6)),
            ("6월", Yearless::Month(6)),
        ] {
            assert_eq!(
                PeriodInput::parse(input),
                Ok(PeriodInput::Yearless(want)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn relative_periods_in_three_languages() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for (words, want) in [
            (
                &[
                    "latest",
                    "Latest",
                    "the latest",
                    "most recent",
                    "최신",
                    "최근",
                    "最新",
                ][..],
                Relative::Latest,
            ),
            (
                &["this year", "올해", "금년", "今年", "本年"][..],
                Relative::ThisYear,
            ),
            (
                &[
                    "last year",
                    "Last Year",
                    "작년",
                    "지난해",
                    "去年",
                    "昨年",
                    "前年",
                ][..],
                Relative::LastYear,
            ),
        ] {
            for w in words {
                assert_eq!(
                    PeriodQuery::parse(w),
                    Ok(PeriodQuery::One(PeriodRef::Relative(want))),
                    "{w:?}"
                );
            }
        }
        assert_eq!(Relative::ThisYear.resolve(day), Some(Period::Year(2026)));
        assert_eq!(Relative::LastYear.resolve(day), Some(Period::Year(2025)));
        assert_eq!(Relative::Latest.resolve(day), None);
        for w in ["year", "japan", "next year", "latest 2023"] {
            assert!(PeriodQuery::parse(w).is_err(), "{w:?}");
        }
    }

    #[test]
    fn two_periods_compared() {
        let given = |p| PeriodRef::Given(PeriodInput::Exact(p));
        let pair = PeriodQuery::Versus(given(Period::Year(2022)), given(Period::Year(2023)));
        for input in [
            "2022 vs 2023",
            "2022 VS. 2023",
            "2022 versus 2023",
            "2022년 대 2023년",
            "2022年対2023年",
            "２０２２ ｖｓ ２０２３",
        ] {
            assert_eq!(PeriodQuery::parse(input), Ok(pair), "{input:?}");
        }
        assert_eq!(
            PeriodQuery::parse("H1 2023 vs last year"),
            Ok(PeriodQuery::Versus(
                given(Period::Half(2023, 1)),
                PeriodRef::Relative(Relative::LastYear)
            ))
        );
        for input in [
            "vs",
            "2022 vs",
            "2022 vs 2023 vs 2024",
            "대만 2023",
            "2022vs2023",
        ] {
            assert!(PeriodQuery::parse(input).is_err(), "{input:?}");
        }
        assert_eq!(split_versus("2022 vs 20"), Some(("2022", "20")));
        assert_eq!(
            Period::Span(ym(2023, 1), ym(2023, 10)).shifted(-1).label(),
            "2022-01/2022-10"
        );
        assert_eq!(Period::Half(2023, 1).shifted(1), Period::Half(2024, 1));
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for input in [
            "",
            "japan",
            "2023-13",
            "H3 2023",
            "Q5 2023",
            "smarch 2023",
            "20233",
            "99",
        ] {
            assert!(PeriodInput::parse(input).is_err(), "{input:?}");
        }
        assert_eq!(
            PeriodInput::parse("Oct–Jan 2023"),
            Err(PeriodError::Backwards)
        );
        assert_eq!(PeriodInput::parse("3023"), Err(PeriodError::YearOutOfRange));
    }

    #[test]
    fn labels_are_canonical_and_parse_back() {
        for (p, label) in [
            (Period::Year(2023), "2023"),
            (Period::Half(2023, 1), "2023-H1"),
            (Period::Quarter(2023, 2), "2023-Q2"),
            (Period::Month(ym(2024, 10)), "2024-10"),
            (Period::Span(ym(2023, 1), ym(2023, 10)), "2023-01/2023-10"),
        ] {
            assert_eq!(p.label(), label);
            assert_eq!(Period::parse(label), Ok(p));
            for locale in Locale::ALL {
                assert_eq!(Period::parse(&p.display(locale)), Ok(p), "{locale:?} {p}");
            }
        }
    }

    #[test]
    fn ranges_and_sizes() {
        let h1 = Period::Half(2023, 1);
        assert_eq!(
            (h1.start(), h1.end(), h1.months()),
            (ym(2023, 1), ym(2023, 6), 6)
        );
        assert_eq!(Period::Span(ym(2022, 11), ym(2023, 2)).months(), 4);
        assert_eq!(Period::Half(2023, 1).display(Locale::En), "H1 2023");
        assert_eq!(Period::Half(2023, 1).display(Locale::Ko), "2023년 상반기");
        assert_eq!(
            Period::Span(ym(2023, 1), ym(2023, 10)).display(Locale::En),
            "Jan–Oct 2023"
        );
    }
}
