//! Message texts, one file per language (`en.txt`, `ko.txt`, `ja.txt`): `key = text` lines with
//! `{name}` placeholders, `{count|one|other}` plurals and `\n` for new lines.
//!
//! `build.rs` compiles the three files into [`Key`], the texts, and one function per message in
//! [`msg`] whose parameters are the message's placeholders: a key that does not exist, or a
//! placeholder left out, does not compile, and the build fails when the files differ in their
//! keys or placeholders. (Fluent was the alternative; its checks happen at run time, and its
//! plural rules are more than three languages with one count-dependent form need.)

use std::sync::LazyLock;

use super::Locale;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// A message of the catalogue with its placeholder values. Made only by the functions of
/// [`msg`], one per key, so a message always exists and always has its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg<'a> {
    key: Key,
    args: Vec<(&'static str, &'a str)>,
}

impl<'a> Msg<'a> {
    fn new(key: Key, args: Vec<(&'static str, &'a str)>) -> Msg<'a> {
        Msg { key, args }
    }

    /// The message written `name` in the catalogue files, when it exists and has no
    /// placeholders: for texts named by data, such as the commands' registration names.
    pub fn named(name: &str) -> Option<Msg<'static>> {
        Key::from_name(name)
            .filter(|k| k.placeholders().is_empty())
            .map(|key| Msg::new(key, Vec::new()))
    }
}

fn template(locale: Locale, key: Key) -> &'static str {
    let texts = match locale {
        Locale::En => &EN,
        Locale::Ko => &KO,
        Locale::Ja => &JA,
    };
    texts[key as usize]
}

/// `{name}` placeholders and `{count|one form|other form}` plurals (English picks a form by the
/// count).
static PLACEHOLDER: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\{(\w+)(?:\|([^|}]*)\|([^}]*))?\}").expect("static regex")
});

/// The message in `locale` with its placeholders filled.
///
/// Placeholders are filled in one pass over the template: a value that itself reads like a
/// placeholder (a user typed `{input}`) is shown as it is.
pub fn t(locale: Locale, msg: Msg<'_>) -> String {
    let template = template(locale, msg.key);
    let args = &msg.args;
    let value = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    PLACEHOLDER
        .replace_all(template, |c: &regex::Captures| match (c.get(2), c.get(3)) {
            (Some(one), Some(other)) => {
                let form = if value(&c[1]) == Some("1") {
                    one
                } else {
                    other
                };
                form.as_str().to_string()
            }
            _ => value(&c[1]).map_or_else(|| c[0].to_string(), str::to_string),
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_plurals() {
        assert_eq!(
            t(Locale::En, msg::error_unknown_country("japn", "Japan")),
            "No country “japn”. Did you mean Japan?"
        );
        assert_eq!(
            t(Locale::En, msg::chart_weeks_count("1")),
            "1 week in a row"
        );
        assert_eq!(
            t(Locale::En, msg::chart_weeks_count("16")),
            "16 weeks in a row"
        );
    }

    #[test]
    fn values_are_never_read_as_placeholders() {
        assert_eq!(
            t(
                Locale::En,
                msg::facts_bad_value("{reason} {input}", "it has letters")
            ),
            "“{reason} {input}” is not an amount: it has letters. Write it like $48.52M or 48,523,000."
        );
        assert_eq!(
            t(Locale::En, msg::chart_weeks_count("{weeks|one|many}")),
            "{weeks|one|many} weeks in a row"
        );
    }

    #[test]
    fn every_language_fills_every_placeholder_of_every_message() {
        for key in Key::ALL {
            let args: Vec<(&'static str, &str)> =
                key.placeholders().iter().map(|p| (*p, "VALUE")).collect();
            for locale in Locale::ALL {
                let text = t(locale, Msg::new(key, args.clone()));
                assert!(
                    !PLACEHOLDER.is_match(&text),
                    "{locale:?} {} leaves a placeholder: {text}",
                    key.name()
                );
            }
        }
    }
}
