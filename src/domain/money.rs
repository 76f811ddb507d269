//! Amounts of money in whole US dollars. Every published Korea Customs Service figure is a whole
//! number of dollars, so no float ever holds one.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(u64);

/// Larger than any album export total by far; a figure beyond it is a typo.
pub const MAX_DOLLARS: u64 = 100_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount of money")]
    Unreadable,
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("the amount is implausibly large")]
    TooLarge,
    #[error("the amount has fractions of a dollar")]
    FractionOfDollar,
}

impl Usd {
    pub fn new(dollars: u64) -> Result<Usd, MoneyError> {
        match dollars {
            0 => Err(MoneyError::NotPositive),
            d if d > MAX_DOLLARS => Err(MoneyError::TooLarge),
            d => Ok(Usd(d)),
        }
    }

    pub fn dollars(self) -> u64 {
        self.0
    }

    /// Reads `$48.52M`, `48.52M`, `48.52 million`, `48,523,000`, `US$48,523,000`, `$1.2B`,
    /// `550K`, `4852만 달러`, `2억2083만6000달러`, `4852万ドル`.
    pub fn parse(input: &str) -> Result<Usd, MoneyError> {
        let s: String = input
            .nfkc()
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect();
        let s = strip_currency(&s);
        if s.is_empty() || s.len() > 40 {
            return Err(MoneyError::Unreadable);
        }
        if s.starts_with('-') {
            return Err(MoneyError::NotPositive);
        }
        if let Some(c) = CJK
            .captures(s)
            .filter(|c| c.get(2).is_some() || c.get(4).is_some())
        {
            let mut total = 0u128;
            for (value, unit) in [(1, 100_000_000u128), (3, 10_000), (5, 1)] {
                if let Some(v) = c.get(value) {
                    total += scaled(&v.as_str().replace(',', ""), unit)?;
                }
            }
            return Usd::from_wide(total);
        }
        let c = LATIN.captures(s).ok_or(MoneyError::Unreadable)?;
        let number = &c[1];
        if number.contains(',') && !GROUPED.is_match(number) {
            return Err(MoneyError::Unreadable);
        }
        let unit = match c.get(2).map_or("", |m| m.as_str()) {
            "" => 1,
            "k" | "thousand" => 1_000,
            "m" | "mn" | "mil" | "million" | "millions" => 1_000_000,
            "b" | "bn" | "billion" | "billions" => 1_000_000_000,
            _ => return Err(MoneyError::Unreadable),
        };
        Usd::from_wide(scaled(&number.replace(',', ""), unit)?)
    }

    fn from_wide(total: u128) -> Result<Usd, MoneyError> {
        Usd::new(u64::try_from(total).map_err(|_| MoneyError::TooLarge)?)
    }

    /// The figure rounded as the press prints it: `$48.52M`, `$1.20B`, `$550,000`;
    /// `4,852만 달러`, `1억 3,297만 달러`; `4,852万ドル`.
    pub fn headline(self, locale: Locale) -> String {
        let d = self.0;
        match locale {
            Locale::En if d >= 1_000_000_000 => format!("${}B", decimal(d, 1_000_000_000, 2)),
            Locale::En if d >= 1_000_000 => format!("${}M", decimal(d, 1_000_000, 2)),
            Locale::En => format!("${}", grouped(d)),
            Locale::Ko | Locale::Ja if d < 10_000 => {
                format!(
                    "{}{}",
                    grouped(d),
                    if locale == Locale::Ko {
                        " 달러"
                    } else {
                        "ドル"
                    }
                )
            }
            Locale::Ko | Locale::Ja => {
                let man = (d + 5_000) / 10_000;
                let (eok, rest) = (man / 10_000, man % 10_000);
                let (eok_word, man_word, unit) = if locale == Locale::Ko {
                    ("억", "만", " 달러")
                } else {
                    ("億", "万", "ドル")
                };
                let sep = if locale == Locale::Ko { " " } else { "" };
                match (eok, rest) {
                    (0, r) => format!("{}{man_word}{unit}", grouped(r)),
                    (e, 0) => format!("{e}{eok_word}{unit}"),
                    (e, r) => format!("{e}{eok_word}{sep}{}{man_word}{unit}", grouped(r)),
                }
            }
        }
    }

    /// The exact figure: `US$48,523,000`.
    pub fn exact(self) -> String {
        format!("US${}", grouped(self.0))
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.exact())
    }
}

static CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([\d,]+(?:\.\d+)?)(억|億))?(?:([\d,]+(?:\.\d+)?)(만|万))?([\d,]+)?$")
        .expect("static regex")
});
static LATIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([\d,]*\.?\d+)([a-z]*)$").expect("static regex"));
static GROUPED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(,\d{3})+(\.\d+)?$").expect("static regex"));

fn strip_currency(s: &str) -> &str {
    let mut s = s;
    for prefix in ["us$", "usd", "$"] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    for suffix in [
        "usdollars",
        "dollars",
        "dollar",
        "usd",
        "달러",
        "米ドル",
        "ドル",
        "美元",
    ] {
        s = s.strip_suffix(suffix).unwrap_or(s);
    }
    s
}

/// `number × unit` computed exactly from the decimal digits.
fn scaled(number: &str, unit: u128) -> Result<u128, MoneyError> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.len() + frac.len() > 24 || (whole.is_empty() && frac.is_empty()) {
        return Err(MoneyError::Unreadable);
    }
    let digits = |s: &str| -> Result<u128, MoneyError> {
        if s.is_empty() {
            Ok(0)
        } else {
            s.parse::<u128>().map_err(|_| MoneyError::Unreadable)
        }
    };
    let scale = 10u128.pow(frac.len() as u32);
    let total = (digits(whole)? * scale + digits(frac)?) * unit;
    if !total.is_multiple_of(scale) {
        return Err(MoneyError::FractionOfDollar);
    }
    Ok(total / scale)
}

/// `value / unit` with `places` decimals, rounded half up.
fn decimal(value: u64, unit: u64, places: u32) -> String {
    let step = unit / 10u64.pow(places);
    let rounded = (value + step / 2) / step;
    let p = 10u64.pow(places);
    format!(
        "{}.{:0width$}",
        rounded / p,
        rounded % p,
        width = places as usize
    )
}

pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        for (input, want) in [
            ("$48.52M", 48_520_000),
            ("48.52M", 48_520_000),
            ("48.52 million", 48_520_000),
            ("$48.52 mn", 48_520_000),
            ("48,523,000", 48_523_000),
            ("48523000", 48_523_000),
            ("US$48,523,000", 48_523_000),
            ("USD 48,523,000", 48_523_000),
            ("$1.2B", 1_200_000_000),
            ("1.2 billion dollars", 1_200_000_000),
            ("$550K", 550_000),
            ("4852만 달러", 48_520_000),
            ("4,852만 달러", 48_520_000),
            ("4852만3000달러", 48_523_000),
            ("2억2083만6000달러", 220_836_000),
            ("1억 3,297만 달러", 132_970_000),
            ("4852万ドル", 48_520_000),
            ("1億3293万ドル", 132_930_000),
            ("＄４８．５２Ｍ", 48_520_000),
        ] {
            assert_eq!(Usd::parse(input).map(Usd::dollars), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn refuses_bad_amounts() {
        for (input, want) in [
            ("", MoneyError::Unreadable),
            ("lots", MoneyError::Unreadable),
            ("48,52M", MoneyError::Unreadable),
            ("$48.52X", MoneyError::Unreadable),
            ("-5M", MoneyError::NotPositive),
            ("0", MoneyError::NotPositive),
            ("$48.5234567M", MoneyError::FractionOfDollar),
            ("$1000B", MoneyError::TooLarge),
            ("99999999999999999999999999", MoneyError::Unreadable),
        ] {
            assert_eq!(Usd::parse(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn headlines_round_like_the_press() {
        let h = |d: u64, l| Usd::new(d).unwrap().headline(l);
        assert_eq!(h(48_523_000, Locale::En), "$48.52M");
        assert_eq!(h(25_519_000, Locale::En), "$25.52M");
        assert_eq!(h(132_965_000, Locale::En), "$132.97M");
        assert_eq!(h(1_200_000_000, Locale::En), "$1.20B");
        assert_eq!(h(550_000, Locale::En), "$550,000");
        assert_eq!(h(48_523_000, Locale::Ko), "4,852만 달러");
        assert_eq!(h(132_965_000, Locale::Ko), "1억 3,297만 달러");
        assert_eq!(h(200_000_000, Locale::Ko), "2억 달러");
        assert_eq!(h(132_965_000, Locale::Ja), "1億3,297万ドル");
        assert_eq!(Usd::new(48_523_000).unwrap().exact(), "US$48,523,000");
    }

    #[test]
    fn exact_display_parses_back() {
        for d in [1, 999, 1_000, 550_000, 48_523_000, 132_965_000, MAX_DOLLARS] {
            let usd = Usd::new(d).unwrap();
            assert_eq!(Usd::parse(&usd.exact()), Ok(usd));
        }
    }
}
