//! Message texts, one file per language (`en.txt`, `ko.txt`, `ja.txt`): `key = text` lines with
//! `{name}` placeholders and `\n` for new lines. English is the fallback; a test keeps the three
//! files in step.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Locale;

/// Placeholder values for one message.
pub type Args<'a> = &'a [(&'a str, &'a str)];

static CATALOGS: LazyLock<[HashMap<&'static str, &'static str>; 3]> = LazyLock::new(|| {
    [
        parse(include_str!("en.txt")),
        parse(include_str!("ko.txt")),
        parse(include_str!("ja.txt")),
    ]
});

fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v))
        .collect()
}

fn catalog(locale: Locale) -> &'static HashMap<&'static str, &'static str> {
    &CATALOGS[match locale {
        Locale::En => 0,
        Locale::Ko => 1,
        Locale::Ja => 2,
    }]
}

/// `{count|one form|other form}`: English plurals pick a form by the count.
static PLURAL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\{(\w+)\|([^|}]*)\|([^}]*)\}").expect("static regex"));

/// The message `key` in `locale` with its placeholders filled. An unknown key comes back as the
/// key itself, so a slip shows in the reply instead of panicking.
pub fn t(locale: Locale, key: &str, args: Args) -> String {
    let template = catalog(locale)
        .get(key)
        .or_else(|| catalog(Locale::En).get(key))
        .copied()
        .unwrap_or(key);
    let mut out = template.replace("\\n", "\n");
    if out.contains('|') {
        out = PLURAL
            .replace_all(&out, |c: &regex::Captures| {
                let one = args
                    .iter()
                    .any(|(name, value)| *name == &c[1] && *value == "1");
                if one {
                    c[2].to_string()
                } else {
                    c[3].to_string()
                }
            })
            .into_owned();
    }
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let re = Regex::new(r"\{([a-z_]+)[}|]").unwrap();
        re.captures_iter(s).map(|c| c[1].to_string()).collect()
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        let en = catalog(Locale::En);
        for locale in [Locale::Ko, Locale::Ja] {
            let other = catalog(locale);
            let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
            let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(
                extra.is_empty(),
                "{locale:?} has keys English lacks: {extra:?}"
            );
            for (key, text) in en {
                assert_eq!(
                    placeholders(text),
                    placeholders(other[key]),
                    "{locale:?} {key}"
                );
            }
        }
    }

    #[test]
    fn fills_placeholders_and_falls_back() {
        assert_eq!(
            t(
                Locale::En,
                "error.unknown_country",
                &[("input", "japn"), ("suggestion", "Japan")]
            ),
            "No country “japn”. Did you mean Japan?"
        );
        assert_eq!(t(Locale::Ko, "no.such.key", &[]), "no.such.key");
        assert_eq!(
            t(Locale::En, "chart.weeks_count", &[("weeks", "1")]),
            "1 week in a row"
        );
        assert_eq!(
            t(Locale::En, "chart.weeks_count", &[("weeks", "16")]),
            "16 weeks in a row"
        );
    }
}
