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

/// `{name}` placeholders and `{count|one form|other form}` plurals (English picks a form by the
/// count).
static PLACEHOLDER: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\{(\w+)(?:\|([^|}]*)\|([^}]*))?\}").expect("static regex")
});

/// The message `key` in `locale` with its placeholders filled. An unknown key comes back as the
/// key itself, so a slip shows in the reply instead of panicking.
///
/// Placeholders are filled in one pass over the template: a value that itself reads like a
/// placeholder (a user typed `{input}`) is shown as it is.
pub fn t(locale: Locale, key: &str, args: Args) -> String {
    let template = catalog(locale)
        .get(key)
        .or_else(|| catalog(Locale::En).get(key))
        .copied()
        .unwrap_or(key)
        .replace("\\n", "\n");
    let value = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    PLACEHOLDER
        .replace_all(&template, |c: &regex::Captures| {
            match (c.get(2), c.get(3)) {
                (Some(one), Some(other)) => {
                    let form = if value(&c[1]) == Some("1") {
                        one
                    } else {
                        other
                    };
                    form.as_str().to_string()
                }
                _ => value(&c[1]).map_or_else(|| c[0].to_string(), str::to_string),
            }
        })
        .into_owned()
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

    #[test]
    fn values_are_never_read_as_placeholders() {
        assert_eq!(
            t(
                Locale::En,
                "facts.bad_value",
                &[("input", "{reason} {input}"), ("reason", "it has letters")]
            ),
            "“{reason} {input}” is not an amount: it has letters. Write it like $48.52M or 48,523,000."
        );
        assert_eq!(
            t(
                Locale::En,
                "chart.weeks_count",
                &[("weeks", "{weeks|one|many}")]
            ),
            "{weeks|one|many} weeks in a row"
        );
    }
}
