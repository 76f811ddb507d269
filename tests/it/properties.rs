//! Properties of the edge parsers and the reply renderer, checked on generated input.
//!
//! - every parser takes any text without panicking (NUL, controls, bidi and zero-width marks,
//!   full-width text, emoji, Hangul, long strings), and what it accepts is well formed;
//! - periods and amounts of money print in forms that parse back to the same value;
//! - whatever a reply holds, the JSON the bot sends keeps Discord's limits and pings no one.

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

use kpop_facts::commands::spec::{self, CommandSpec};
use kpop_facts::commands::{CommandError, Invocation, fuzzing};
use kpop_facts::domain::chart::{self, Chart};
use kpop_facts::domain::country::{COUNTRIES, Country, CountryCatalog};
use kpop_facts::domain::money::{MAX_DOLLARS, MoneyError, Usd, grouped};
use kpop_facts::domain::period::{Period, PeriodInput, YearMonth};
use kpop_facts::domain::source::{MAX_NOTE, MAX_PUBLISHER, MAX_URL, NoteText, SourceInput};
use kpop_facts::domain::text;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::json::{self as reply_json, Choice};
use kpop_facts::reply::{
    self, ActionRow, Attachment, Button, ButtonStyle, Embed, Field, Modal, Reply, TextInput, limits,
};

static CATALOG: LazyLock<CountryCatalog> = LazyLock::new(CountryCatalog::default);

// ---------------------------------------------------------------------------------------------
// Generators

/// Pieces that break naive text handling, mixed with what fans really type.
const NASTY: &[&str] = &[
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "\r\n",
    "\t",
    "\u{85}",
    "\u{200B}",
    "\u{200D}",
    "\u{200E}",
    "\u{200F}",
    "\u{202A}",
    "\u{202E}",
    "\u{2066}",
    "\u{2069}",
    "\u{FEFF}",
    "\u{3000}",
    " ",
    "  ",
    "ＪＡＰＡＮ",
    "２０２３－Ｈ１",
    "🇯🇵",
    "🇺🇸",
    "🔥",
    "👩\u{200D}👩\u{200D}👧",
    "방탄소년단",
    "상반기",
    "하반기",
    "분기",
    "年",
    "月",
    "월",
    "년",
    "第",
    "四半期",
    "e\u{301}",
    "\u{301}",
    "İ",
    "ﬁ",
    "Ⅻ",
    "ROSÉ",
    "Æ",
    "**",
    "`",
    "[x](https://y.example)",
    "<t:1700000000:R>",
    "<t:-99999999999999999>",
    "<@123>",
    "<@&456>",
    "@everyone",
    "@here",
    "\"",
    "“",
    "”",
    "'",
    ":",
    "/",
    "-",
    "–",
    "~",
    "～",
    "(",
    ")",
    "[",
    "]",
    "&",
    " x ",
    " feat. ",
    "$",
    "US$",
    "만",
    "억",
    "万",
    "億",
    "ドル",
    "달러",
    ",",
    ".",
    "..",
    "'; DROP TABLE acts; --",
    "(a+)+$",
    "{command}",
    "{count|one|other}",
    "https://",
    "ftp://",
    "2023",
    "2023-07-18",
    "H1",
    "q4",
    "jan",
    "June",
    "first half of",
    "48.52",
    "M",
    "billion",
    "japan",
    "일본",
    "日本",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(NASTY).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Z0-9 ]{1,8}",
    ]
}

/// Short text made of nasty pieces.
fn nasty(max_pieces: usize) -> impl Strategy<Value = String> {
    vec(piece(), 0..=max_pieces).prop_map(|p| p.concat())
}

/// Text of 0 to `max` characters: mostly short, sometimes pieces repeated up to `max`.
fn text_up_to(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        5 => nasty(12),
        1 => (vec(piece(), 1..4), 0..=max).prop_map(|(pieces, n)| {
            let pattern = pieces.concat();
            pattern.chars().cycle().take(n).collect()
        }),
    ]
}

/// Any text a parser may be handed, long ones included.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => nasty(16),
        2 => any::<String>(),
        1 => text_up_to(5000),
    ]
}

/// Text shaped like a period, right or wrong: it parses often enough for the properties of
/// what was accepted to be checked.
fn period_like() -> impl Strategy<Value = String> {
    let year = || {
        prop_oneof![
            3 => select(vec!["2023", "1990", "2100", "２０２３"]),
            1 => select(vec!["1899", "3023", "99", "20233"]),
        ]
    };
    let part = || {
        prop_oneof![
            3 => select(vec![
                "H1", "h2", "Q3", "q4", "1H", "first half", "the second quarter", "상반기",
                "하반기", "2분기", "上半期", "第3四半期", "6월", "June", "sept", "Jan–Oct",
                "1~10월", "1～10月", "",
            ]),
            1 => select(vec!["H3", "Q5", "Oct-Jan", "13월", "smarch"]),
        ]
    };
    let sep = || select(vec!["", " ", "-", "/", " of ", "년 ", "年", ", ", " to "]);
    prop_oneof![
        (year(), sep(), part()).prop_map(|(y, s, p)| format!("{y}{s}{p}")),
        (part(), sep(), year()).prop_map(|(p, s, y)| format!("{p}{s}{y}")),
        (part(), year(), sep(), part(), year())
            .prop_map(|(a, y, s, b, z)| format!("{a} {y}{s}{b} {z}")),
        (year(), 0..=13u8, sep(), year(), 0..=13u8)
            .prop_map(|(y, m, s, z, n)| format!("{y}-{m:02}{s}{z}-{n}")),
        part().prop_map(String::from),
    ]
}

/// Text shaped like an amount of money, right or wrong.
fn money_like() -> impl Strategy<Value = String> {
    let prefix = select(vec!["", "", "$", "$", "US$", "USD ", "＄", "-"]);
    let number = prop_oneof![
        (0..=999_999u64).prop_map(|n| n.to_string()),
        (0..=999_999_999_999u64).prop_map(grouped),
        (0..=9_999u64, 0..=999u64).prop_map(|(a, b)| format!("{a}.{b}")),
        "[0-9,.]{1,12}",
    ];
    let unit = select(vec![
        "",
        "",
        "M",
        "m",
        " million",
        "B",
        " bn",
        "K",
        "k",
        " thousand",
        "X",
        "만",
        "만 달러",
        "억",
        "억 3,297만 달러",
        "万ドル",
        "億",
        " dollars",
    ]);
    (prefix, number, unit).prop_map(|(p, n, u)| format!("{p}{n}{u}"))
}

fn year() -> impl Strategy<Value = i32> {
    1990..=2100i32
}

fn year_month() -> impl Strategy<Value = YearMonth> {
    (year(), 1..=12u8).prop_map(|(y, m)| YearMonth::new(y, m).expect("valid month"))
}

/// Every kind of period; spans go through `from_range`, as parsed ones do.
fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        year().prop_map(Period::Year),
        (year(), 1..=2u8).prop_map(|(y, h)| Period::Half(y, h)),
        (year(), 1..=4u8).prop_map(|(y, q)| Period::Quarter(y, q)),
        year_month().prop_map(Period::Month),
        (year_month(), 1..=11u8).prop_filter_map("ends after December", |(a, len)| {
            let b = YearMonth::new(a.year, a.month.checked_add(len)?)?;
            Period::from_range(a, b).ok()
        }),
        (year_month(), year_month()).prop_filter_map("starts after it ends", |(a, b)| (a < b)
            .then(|| Period::from_range(a, b).expect("ordered range"))),
    ]
}

fn locale() -> impl Strategy<Value = Locale> {
    select(Locale::ALL.to_vec())
}

fn dollars() -> impl Strategy<Value = u64> {
    prop_oneof![
        1..=MAX_DOLLARS,
        1..=99_999u64,
        (
            1..=100_000u64,
            select(vec![1_000u64, 10_000, 1_000_000, 10_000_000])
        )
            .prop_map(|(n, unit)| (n * unit).min(MAX_DOLLARS)),
        (1..=10u64).prop_map(|n| MAX_DOLLARS + 1 - n),
    ]
}

// ---------------------------------------------------------------------------------------------
// Parsers never panic, and what they accept is well formed

fn is_valid(p: Period) -> bool {
    let (s, e) = (p.start(), p.end());
    let ok_month = |ym: YearMonth| YearMonth::new(ym.year, ym.month) == Some(ym);
    let named = match p {
        Period::Half(_, h) => (1..=2).contains(&h),
        Period::Quarter(_, q) => (1..=4).contains(&q),
        Period::Span(a, b) => a < b,
        Period::Year(_) | Period::Month(_) => true,
    };
    named && ok_month(s) && ok_month(e) && s <= e && p.months() >= 1
}

/// Shown text may keep new lines and tabs, nothing else invisible that reorders or hides text.
fn has_hidden_chars(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn period_parsers_accept_only_well_formed_periods(
        s in prop_oneof![any_text(), period_like()],
    ) {
        match PeriodInput::parse(&s) {
            Ok(PeriodInput::Exact(p)) => {
                prop_assert!(is_valid(p), "{s:?} → {p:?}");
                prop_assert_eq!(Period::parse(&p.label()), Ok(p), "{:?}", s);
                // One range, one period: a span never stands for a named period.
                prop_assert_eq!(Period::from_range(p.start(), p.end()), Ok(p));
                prop_assert_eq!(Period::parse(&s), Ok(p));
            }
            Ok(PeriodInput::Yearless(y)) => {
                let p = y.in_year(2023);
                prop_assert!(is_valid(p), "{s:?} → {y:?}");
                prop_assert!(Period::parse(&s).is_err());
            }
            Err(_) => prop_assert!(Period::parse(&s).is_err()),
        }
    }

    #[test]
    fn money_parser_accepts_only_positive_bounded_whole_dollars(
        s in prop_oneof![any_text(), money_like()],
    ) {
        if let Ok(usd) = Usd::parse(&s) {
            prop_assert!((1..=MAX_DOLLARS).contains(&usd.dollars()), "{s:?} → {usd:?}");
            prop_assert_eq!(Usd::parse(&usd.exact()), Ok(usd));
            for l in Locale::ALL {
                usd.headline(l);
            }
        }
    }

    #[test]
    fn country_parser_answers_known_countries_or_suggestions(s in any_text()) {
        match CATALOG.parse(&s) {
            Ok(c) => prop_assert_eq!(Country::from_code(c.code()), Some(c)),
            Err(e) => prop_assert!(e.suggestions.len() <= 3),
        }
        let completions = CATALOG.complete(&s, &[Country::WORLD], 25);
        prop_assert!(completions.len() <= 25);
    }

    #[test]
    fn command_text_reads_the_same_in_every_locale(s in any_text()) {
        let read: Vec<_> = Locale::ALL
            .iter()
            .map(|&l| match Invocation::parse(&s, l) {
                Ok(inv) => {
                    assert_eq!(inv.locale, l);
                    Ok((inv.command, inv.options))
                }
                Err(CommandError::User(_)) => Err(()),
                Err(CommandError::Internal(e)) => panic!("{s:?}: internal error {e:?}"),
            })
            .collect();
        prop_assert_eq!(&read[0], &read[1]);
        prop_assert_eq!(&read[0], &read[2]);
    }

    #[test]
    fn folding_is_idempotent_and_leaves_words_and_single_spaces(s in any_text()) {
        let f = text::fold(&s);
        prop_assert_eq!(f.trim(), f.as_str());
        prop_assert!(!f.contains("  "), "{:?}", f);
        prop_assert!(
            f.chars().all(|c| c == ' ' || c.is_alphanumeric()),
            "{s:?} → {f:?}"
        );
        prop_assert!(!f.chars().any(|c| c.is_ascii_uppercase()));
        prop_assert_eq!(text::fold(&f), f.clone(), "fold not idempotent on {:?}", s);
        let k = text::key(&s);
        prop_assert_eq!(&k, &f.replace(' ', ""));
        prop_assert_eq!(text::key(&k), k);
    }

    #[test]
    fn chart_keys_never_panic_and_hold_no_spaces(s in any_text()) {
        let t = chart::title_key(&s);
        prop_assert!(!t.contains(' '));
        let c = chart::credit_key(&s);
        prop_assert!(!c.contains(' '));
        for name in chart::credit_names(&s) {
            prop_assert!(!name.is_empty() && name.trim() == name);
        }
        Chart::parse(&s);
    }

    #[test]
    fn sources_and_notes_are_clean_and_bounded(s in any_text()) {
        if let Ok(src) = SourceInput::parse(&s) {
            let n = src.publisher.chars().count();
            prop_assert!((1..=MAX_PUBLISHER).contains(&n), "{s:?} → {src:?}");
            prop_assert!(!has_hidden_chars(&src.publisher), "{:?}", src);
            if let Some(url) = &src.url {
                let url = url.as_str();
                prop_assert!(url.starts_with("http://") || url.starts_with("https://"));
                prop_assert!(url.chars().count() <= MAX_URL && !has_hidden_chars(url));
                prop_assert!(!url.contains(['(', ')', '[', ']', '<', '>']), "{url:?}");
            }
        }
        if let Ok(note) = NoteText::parse(&s) {
            let t = note.as_str();
            prop_assert!((1..=MAX_NOTE).contains(&t.chars().count()), "{:?}", t);
            prop_assert_eq!(t.trim(), t);
            prop_assert!(!has_hidden_chars(t), "{:?}", t);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips

/// The error of a headline: half its last printed unit.
fn headline_tolerance(dollars: u64, locale: Locale) -> u64 {
    match locale {
        Locale::En if dollars >= 1_000_000_000 => 5_000_000,
        Locale::En if dollars >= 1_000_000 => 5_000,
        Locale::En => 0,
        Locale::Ko | Locale::Ja if dollars < 10_000 => 0,
        Locale::Ko | Locale::Ja => 5_000,
    }
}

/// ASCII letters and digits in their full-width forms (`２０２３－Ｈ１`).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn period_labels_and_displays_parse_back(p in period()) {
        prop_assert!(is_valid(p));
        prop_assert_eq!(Period::from_range(p.start(), p.end()), Ok(p));
        let label = p.label();
        prop_assert_eq!(Period::parse(&label), Ok(p), "label {:?}", label);
        prop_assert_eq!(label.parse::<Period>(), Ok(p));
        for l in Locale::ALL {
            let shown = p.display(l);
            prop_assert_eq!(Period::parse(&shown), Ok(p), "{:?} display {:?}", l, shown);
        }
    }

    #[test]
    fn period_labels_ignore_case_width_and_spacing(p in period(), upper in any::<bool>()) {
        let label = p.label();
        let cased = if upper { label.to_uppercase() } else { label.to_lowercase() };
        prop_assert_eq!(Period::parse(&format!("  {cased}\t")), Ok(p));
        prop_assert_eq!(Period::parse(&full_width(&label)), Ok(p), "{:?}", full_width(&label));
    }

    #[test]
    fn exact_amounts_parse_back(d in dollars()) {
        let usd = Usd::new(d).expect("in range");
        prop_assert_eq!(usd.dollars(), d);
        prop_assert_eq!(Usd::parse(&usd.exact()), Ok(usd), "{}", usd.exact());
        prop_assert_eq!(Usd::parse(&d.to_string()), Ok(usd));
        prop_assert_eq!(Usd::parse(&format!("${}", grouped(d))), Ok(usd));
    }

    #[test]
    fn headlines_parse_back_within_their_rounding(d in dollars()) {
        let usd = Usd::new(d).expect("in range");
        for l in Locale::ALL {
            let headline = usd.headline(l);
            let back = Usd::parse(&headline);
            prop_assert!(back.is_ok(), "{:?} {} → {:?} → {:?}", l, d, headline, back);
            let back = back.expect("parsed").dollars();
            prop_assert!(
                back.abs_diff(d) <= headline_tolerance(d, l),
                "{:?} {} → {:?} → {}", l, d, headline, back
            );
        }
    }

    #[test]
    fn amounts_beyond_the_bounds_are_refused(d in (MAX_DOLLARS + 1)..=u64::MAX) {
        prop_assert_eq!(Usd::parse(&d.to_string()), Err(MoneyError::TooLarge));
        prop_assert_eq!(Usd::new(d), Err(MoneyError::TooLarge));
    }

    #[test]
    fn every_country_reads_back_from_its_names_in_any_case_or_width(
        i in 0..COUNTRIES.len(),
        l in locale(),
        upper in any::<bool>(),
        wide in any::<bool>(),
    ) {
        let c = Country::from_code(COUNTRIES[i].alpha2).expect("table code");
        let name = c.name(l);
        let mut typed = if upper { name.to_uppercase() } else { name.to_lowercase() };
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(CATALOG.parse(&format!(" {typed} ")), Ok(c), "{:?}", typed);
        prop_assert_eq!(CATALOG.parse(c.code()), Ok(c));
        prop_assert_eq!(CATALOG.parse(&c.code().to_lowercase()), Ok(c));
        prop_assert_eq!(CATALOG.parse(&c.flag()), Ok(c));
    }

    #[test]
    fn ascii_and_unicode_folding_agree(s in "[ -~]{0,40}") {
        // A zero-width space sends the text down the Unicode path and folds to nothing.
        prop_assert_eq!(text::fold(&format!("\u{200B}{s}")), text::fold(&s));
    }

    #[test]
    fn title_keys_ignore_version_parentheses(
        title in "[A-Za-z][A-Za-z0-9 ]{0,20}",
        version in "[A-Za-z0-9 .]{0,15}",
        square in any::<bool>(),
    ) {
        let with = if square { format!("{title} [{version}]") } else { format!("{title} ({version})") };
        prop_assert_eq!(chart::title_key(&with), chart::title_key(&title));
        prop_assert_eq!(chart::title_key(&title), text::key(&title));
    }

    #[test]
    fn credit_keys_ignore_order_case_and_separator(
        names in vec("[A-Z][a-z]{2,8}", 1..4),
        sep in select(vec![" & ", ", ", " Featuring ", " With ", " x ", " + "]),
    ) {
        let separators = ["And", "With", "Featuring"];
        prop_assume!(names.iter().all(|n| !separators.contains(&n.as_str())));
        let forward = names.join(sep);
        let backward = names.iter().rev().map(|n| n.to_uppercase()).collect::<Vec<_>>().join(" & ");
        prop_assert_eq!(chart::credit_key(&forward), chart::credit_key(&backward));
        prop_assert_eq!(chart::credit_names(&forward).len(), names.len());
    }

    #[test]
    fn sources_read_publisher_link_and_date_in_any_order(
        publisher in vec("[A-Za-z][A-Za-z.]{0,9}", 1..5),
        url in option::of("https://[a-z]{1,10}\\.example/[a-z0-9/]{0,20}"),
        date in option::of((1990..=2100i32, 1..=12u32, 1..=28u32)),
        order in 0..6usize,
    ) {
        let date = date.map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("day ≤ 28"));
        let mut parts = vec![publisher.join(" ")];
        parts.extend(url.clone());
        parts.extend(date.map(|d| d.to_string()));
        let n = parts.len();
        parts.rotate_left(order % n);
        let src = SourceInput::parse(&parts.join("  ")).expect("a valid source");
        prop_assert_eq!(src.publisher, publisher.join(" "));
        prop_assert_eq!(src.url.map(|u| u.as_str().to_string()), url);
        prop_assert_eq!(src.published_on, date);
    }
}

/// Every character with a lower-case form: what `fold` makes of it folds to itself, so text
/// folded once (the index) and text folded once (what a fan typed) meet.
#[test]
fn folding_every_cased_character_is_idempotent() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let mut lower = c.to_lowercase();
        if lower.len() == 1 && lower.next() == Some(c) {
            continue;
        }
        let folded = text::fold(c.encode_utf8(&mut [0; 4]));
        assert_eq!(text::fold(&folded), folded, "{c:?} U+{:04X}", c as u32);
    }
}

// ---------------------------------------------------------------------------------------------
// The command grammar

/// Every command path the grammar knows, and one it does not.
static PATHS: LazyLock<Vec<&'static CommandSpec>> = LazyLock::new(|| {
    spec::COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c).chain(c.subcommands))
        .collect()
});

const WORDS: &[&str] = &[
    "japan",
    "일본",
    "日本",
    "usa",
    "united",
    "states",
    "first",
    "half",
    "of",
    "2023",
    "2023-H1",
    "H1",
    "Q2",
    "상반기",
    "2023년",
    "上半期",
    "like",
    "crazy",
    "Cupid",
    "(Twin",
    "Ver.)",
    "#3",
    "42",
    "$48.52M",
    "4,852만",
    "달러",
    "Yonhap",
    "https://x.example/a",
    "2023-07-18",
    "mon",
    "hot-100",
    "b200",
    "song:7",
    "country:",
    "",
];

fn separator() -> impl Strategy<Value = &'static str> {
    select(vec![" ", " ", "  ", "\t", "\u{3000}", "\n"])
}

/// Command text close to what users type: a command, its options and bare words, with noise.
fn command_text() -> impl Strategy<Value = String> {
    (select(PATHS.clone()), any::<bool>(), any::<bool>())
        .prop_flat_map(|(spec, slash, upper)| {
            let mut names: Vec<&'static str> = spec.options.iter().map(|o| o.name).collect();
            names.extend(["colour", "Country", "TITLE"]);
            let value = prop_oneof![select(WORDS).prop_map(String::from), nasty(3)];
            let quoted = nasty(4).prop_map(|v| v.replace(['"', '“', '”'], ""));
            let token = prop_oneof![
                3 => select(WORDS).prop_map(String::from),
                3 => (select(names.clone()), value).prop_map(|(n, v)| format!("{n}:{v}")),
                2 => (select(names), quoted).prop_map(|(n, v)| format!("{n}:\"{v}\"")),
                1 => nasty(3),
            ];
            let name = if upper {
                spec.name.to_uppercase()
            } else {
                spec.name.to_string()
            };
            (
                Just(format!("{}{name}", if slash { "/" } else { "" })),
                vec((separator(), token), 0..7),
            )
        })
        .prop_map(|(head, tokens)| {
            let mut s = head;
            for (sep, token) in tokens {
                s.push_str(sep);
                s.push_str(&token);
            }
            s
        })
}

/// The invocation written back as CLI text, every option named and quoted.
fn write_back(inv: &Invocation) -> String {
    let mut s = format!("/{}", inv.command);
    for (k, v) in &inv.options {
        write!(s, " {k}:\"{v}\"").expect("write to a String");
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsed_commands_name_known_options_and_write_back(text in command_text(), l in locale()) {
        let Ok(inv) = Invocation::parse(&text, l) else { return Ok(()) };
        let spec = spec::find(&inv.command);
        prop_assert!(spec.is_some(), "{text:?} → {:?}", inv.command);
        let spec = spec.expect("known command");
        prop_assert!(spec.subcommands.is_empty(), "a group is not a command: {:?}", text);
        for (k, _) in &inv.options {
            prop_assert!(spec.option(k).is_some(), "{text:?} → option {k:?}");
        }
        for o in spec.options.iter().filter(|o| o.required) {
            prop_assert!(inv.get(o.name).is_some(), "{text:?} lacks {}", o.name);
        }
        let again = Invocation::parse(&write_back(&inv), l);
        prop_assert!(again.is_ok(), "{:?} → {:?}", text, write_back(&inv));
        prop_assert_eq!(again.expect("parsed"), inv);
    }

    #[test]
    fn every_option_value_given_is_seen(text in command_text()) {
        let Ok(inv) = Invocation::parse(&text, Locale::En) else { return Ok(()) };
        for (k, v) in &inv.options {
            if !v.trim().is_empty() {
                prop_assert!(
                    inv.get(k).is_some(),
                    "{:?}: {}:{:?} was read but get({:?}) is None", text, k, v, k
                );
            }
        }
    }

    #[test]
    fn the_fuzz_harness_holds_on_command_like_text(text in command_text()) {
        fuzzing::fuzz_command_text(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_fuzz_harness_holds_on_any_text(text in any_text()) {
        fuzzing::fuzz_command_text(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Replies

fn field() -> impl Strategy<Value = Field> {
    (text_up_to(6000), text_up_to(6000), any::<bool>()).prop_map(|(name, value, inline)| Field {
        name,
        value,
        inline,
    })
}

/// Links and file names come from the store, not from what a user typed in a reply.
fn url() -> impl Strategy<Value = String> {
    "https://[a-z]{1,12}\\.example/[a-z0-9]{0,30}"
}

fn embed() -> impl Strategy<Value = Embed> {
    (
        option::of(text_up_to(6000)),
        option::of(url()),
        option::of(text_up_to(6000)),
        any::<u32>(),
        prop_oneof![3 => vec(field(), 0..6), 1 => vec(field(), 0..40)],
        option::of(text_up_to(6000)),
        option::of("[a-z]{1,8}\\.png"),
    )
        .prop_map(
            |(title, url, description, colour, fields, footer, image)| Embed {
                title,
                url,
                description,
                colour,
                fields,
                footer,
                image,
                timestamp: None,
            },
        )
}

fn button() -> impl Strategy<Value = Button> {
    (
        text_up_to(300),
        text_up_to(300),
        select(vec![
            ButtonStyle::Primary,
            ButtonStyle::Secondary,
            ButtonStyle::Success,
            ButtonStyle::Danger,
        ]),
        any::<bool>(),
    )
        .prop_map(|(custom_id, label, style, disabled)| Button {
            custom_id,
            label,
            style,
            disabled,
        })
}

fn modal() -> impl Strategy<Value = Modal> {
    let input = (
        text_up_to(200),
        text_up_to(200),
        option::of(text_up_to(6000)),
        any::<bool>(),
        any::<u16>(),
    )
        .prop_map(|(custom_id, label, value, long, max_length)| TextInput {
            custom_id,
            label,
            value,
            long,
            max_length,
        });
    (text_up_to(200), text_up_to(200), vec(input, 0..8)).prop_map(|(custom_id, title, inputs)| {
        Modal {
            custom_id,
            title,
            inputs,
        }
    })
}

fn any_reply() -> impl Strategy<Value = Reply> {
    (
        option::of(text_up_to(5000)),
        prop_oneof![3 => vec(embed(), 0..4), 1 => vec(embed(), 0..15)],
        vec(("[a-z]{1,8}\\.png", text_up_to(2000)), 0..4),
        vec(
            vec(button(), 0..8).prop_map(|buttons| ActionRow { buttons }),
            0..8,
        ),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        option::weighted(0.2, modal()),
    )
        .prop_map(
            |(content, embeds, files, rows, (ephemeral, update, refusal), modal)| Reply {
                content,
                embeds,
                attachments: files
                    .into_iter()
                    .map(|(filename, description)| Attachment {
                        filename,
                        description,
                        bytes: Arc::new(Vec::new()),
                    })
                    .collect(),
                components: rows,
                ephemeral,
                update,
                modal,
                refusal,
            },
        )
}

/// Short, visible text that already keeps every limit.
fn plain_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9가-힣][A-Za-z0-9가-힣 .,:$%*()-]{0,40}"
}

fn small_reply() -> impl Strategy<Value = Reply> {
    let field =
        (plain_text(), plain_text(), any::<bool>()).prop_map(|(name, value, inline)| Field {
            name,
            value,
            inline,
        });
    let embed = (
        option::of(plain_text()),
        option::of(plain_text()),
        vec(field, 0..25),
        option::of(plain_text()),
    )
        .prop_map(|(title, description, fields, footer)| Embed {
            title,
            description,
            fields,
            footer,
            ..Embed::default()
        });
    (option::of(plain_text()), vec(embed, 0..=3), any::<bool>()).prop_map(
        |(content, embeds, ephemeral)| Reply {
            content,
            embeds,
            ephemeral,
            ..Reply::default()
        },
    )
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Text Discord shows: within `max` characters, not blank, nothing hidden.
fn shown(v: &Value, max: usize, what: &str) -> Result<usize, TestCaseError> {
    let s = v
        .as_str()
        .ok_or_else(|| TestCaseError::fail(format!("{what} is not text")))?;
    let n = s.chars().count();
    prop_assert!(n <= max, "{} has {} characters, more than {}", what, n, max);
    prop_assert!(
        !has_hidden_chars(s),
        "{} holds hidden characters: {:?}",
        what,
        s
    );
    Ok(n)
}

/// Every limit Discord puts on a message body.
fn check_message(data: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(&data["allowed_mentions"], &json!({"parse": []}));
    if let Some(c) = data.get("content") {
        shown(c, limits::CONTENT, "content")?;
    }
    let embeds = data["embeds"].as_array().expect("embeds are a list");
    prop_assert!(embeds.len() <= limits::EMBEDS, "{} embeds", embeds.len());
    let mut total = 0;
    for e in embeds {
        for (key, max) in [
            ("title", limits::TITLE),
            ("description", limits::DESCRIPTION),
        ] {
            if let Some(v) = e.get(key) {
                total += shown(v, max, key)?;
                prop_assert!(
                    !v.as_str().unwrap_or_default().trim().is_empty(),
                    "blank {}",
                    key
                );
            }
        }
        if let Some(f) = e.get("footer") {
            total += shown(&f["text"], limits::FOOTER, "footer")?;
        }
        let fields = e
            .get("fields")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        prop_assert!(fields.len() <= limits::FIELDS, "{} fields", fields.len());
        for f in fields {
            for (key, max) in [("name", limits::FIELD_NAME), ("value", limits::FIELD_VALUE)] {
                total += shown(&f[key], max, key)?;
                prop_assert!(
                    !f[key].as_str().unwrap_or_default().trim().is_empty(),
                    "blank field {}",
                    key
                );
            }
        }
    }
    prop_assert!(
        total <= limits::TOTAL,
        "the embeds hold {} characters",
        total
    );
    if let Some(rows) = data.get("components") {
        let rows = rows.as_array().expect("rows are a list");
        prop_assert!(rows.len() <= limits::ACTION_ROWS, "{} rows", rows.len());
        for row in rows {
            let buttons = row["components"].as_array().expect("buttons are a list");
            prop_assert!(
                buttons.len() <= limits::BUTTONS_PER_ROW,
                "{} buttons",
                buttons.len()
            );
            for b in buttons {
                prop_assert!(chars(&b["custom_id"]) <= limits::CUSTOM_ID);
                shown(&b["label"], limits::BUTTON_LABEL, "button label")?;
            }
        }
    }
    for a in data
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        shown(
            &a["description"],
            limits::ATTACHMENT_DESCRIPTION,
            "attachment description",
        )?;
    }
    Ok(())
}

fn check_modal(body: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(&body["type"], &json!(reply_json::callback::MODAL));
    let data = &body["data"];
    prop_assert!(chars(&data["custom_id"]) <= limits::CUSTOM_ID);
    prop_assert!(chars(&data["title"]) <= 45);
    let rows = data["components"].as_array().expect("rows are a list");
    prop_assert!(rows.len() <= 5);
    for row in rows {
        let input = &row["components"][0];
        prop_assert!(chars(&input["custom_id"]) <= limits::CUSTOM_ID);
        prop_assert!(chars(&input["label"]) <= 45);
        let max = input["max_length"].as_u64().expect("max_length");
        prop_assert!(max <= 4000);
        prop_assert!(chars(&input["value"]) as u64 <= max);
    }
    Ok(())
}

/// The checks above can fail: each body breaks one of Discord's limits.
#[test]
fn the_message_checks_catch_what_discord_refuses() {
    let ok = || json!({"embeds": [], "allowed_mentions": {"parse": []}});
    let long = |n: usize| "x".repeat(n);
    let mut broken = Vec::new();
    let mut b = ok();
    b["allowed_mentions"] = json!({"parse": ["everyone"]});
    broken.push(b);
    let mut b = ok();
    b["content"] = json!(long(limits::CONTENT + 1));
    broken.push(b);
    let mut b = ok();
    b["content"] = json!("a\u{202E}b");
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!(vec![json!({}); limits::EMBEDS + 1]);
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!([{"title": long(limits::TITLE + 1)}]);
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!([{"description": " "}]);
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!([{"fields": [{"name": "", "value": "v"}]}]);
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!([{"fields": vec![json!({"name": "n", "value": "v"}); limits::FIELDS + 1]}]);
    broken.push(b);
    let mut b = ok();
    b["embeds"] = json!([{"description": long(4000)}, {"description": long(4000)}]);
    broken.push(b);
    let mut b = ok();
    b["components"] = json!([{"components": [{"custom_id": long(101), "label": "l"}]}]);
    broken.push(b);
    let mut b = ok();
    b["components"] = json!(vec![json!({"components": []}); limits::ACTION_ROWS + 1]);
    broken.push(b);
    assert!(check_message(&ok()).is_ok());
    for body in broken {
        assert!(check_message(&body).is_err(), "{body}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_reply_keeps_discords_limits(reply in any_reply()) {
        let fitted = limits::fit(reply.clone());
        check_message(&reply_json::message_data(&fitted))?;
        check_message(&reply_json::message_data(&reply))?;
        prop_assert!(limits::total(&fitted.embeds) <= limits::TOTAL);
        // Fitting again changes nothing: a reply may pass through it more than once.
        prop_assert_eq!(limits::fit(fitted.clone()), fitted);
        let body = reply_json::interaction_response(&reply);
        match &reply.modal {
            Some(_) => check_modal(&body)?,
            None => check_message(&body["data"])?,
        }
        let terminal = reply::text::render(&reply);
        prop_assert!(!has_hidden_chars(&terminal), "{:?}", terminal);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn replies_within_the_limits_pass_unchanged(reply in small_reply()) {
        prop_assert_eq!(limits::fit(reply.clone()), reply.clone());
        check_message(&reply_json::message_data(&reply))?;
    }

    #[test]
    fn autocomplete_keeps_discords_limits(
        choices in vec((text_up_to(300), text_up_to(300)), 0..60),
    ) {
        let choices: Vec<Choice> = choices
            .into_iter()
            .map(|(name, value)| Choice { name, value })
            .collect();
        let body = reply_json::autocomplete(&choices);
        prop_assert_eq!(&body["type"], &json!(reply_json::callback::AUTOCOMPLETE));
        let list = body["data"]["choices"].as_array().expect("choices are a list");
        prop_assert_eq!(list.len(), choices.len().min(limits::CHOICES));
        for (shown, given) in list.iter().zip(&choices) {
            for (key, original) in [("name", &given.name), ("value", &given.value)] {
                let s = shown[key].as_str().expect("text");
                prop_assert!(s.chars().count() <= limits::CHOICE_TEXT);
                // Cut, never rewritten: the value must still select the same thing when short.
                let kept = s.strip_suffix('…').unwrap_or(s);
                prop_assert!(original.starts_with(kept), "{:?} → {:?}", original, s);
                if original.chars().count() <= limits::CHOICE_TEXT {
                    prop_assert_eq!(s, original.as_str());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The smallest inputs of bugs these properties once found, kept as plain regression tests.

#[test]
fn korean_and_japanese_spans_across_years_parse_back() {
    let p = Period::Span(
        YearMonth::new(1990, 1).expect("month"),
        YearMonth::new(1991, 1).expect("month"),
    );
    for l in [Locale::Ko, Locale::Ja] {
        assert_eq!(Period::parse(&p.display(l)), Ok(p), "{}", p.display(l));
    }
}

#[test]
fn a_blank_option_gives_nothing_and_hides_nothing() {
    let inv = Invocation::parse("/exports japan country:\"\"", Locale::En).expect("parses");
    assert_eq!(inv.get("country"), Some("japan"), "{:?}", inv.options);
    let inv = Invocation::parse("/chart title: like crazy", Locale::En);
    assert_eq!(
        inv.ok()
            .and_then(|i| i.get("title").map(String::from))
            .as_deref(),
        Some("like crazy")
    );
}

#[test]
fn the_world_flag_parses_back() {
    assert_eq!(CATALOG.parse(&Country::WORLD.flag()), Ok(Country::WORLD));
}

#[test]
fn capital_sharp_s_folds_like_small() {
    assert_eq!(text::key("GROẞ"), text::key("groß"));
}
