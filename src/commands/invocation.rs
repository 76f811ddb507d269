//! A command with its option values, however it arrived: from a Discord interaction or from
//! the text of `kpop-facts ask "/exports japan 2023-H1"`.

use super::spec::{self, Bare, CommandSpec};
use super::{CommandError, user_error};
use crate::domain::period::PeriodQuery;
use crate::i18n::{Locale, msg};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The command's path: `exports`, or `facts set-export` for a subcommand.
    pub command: String,
    /// `(option name, value)` in the order given.
    pub options: Vec<(String, String)>,
    /// Files given to attachment options.
    pub files: Vec<InputFile>,
    pub locale: Locale,
}

/// A file given to an attachment option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub option: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl Invocation {
    pub fn new(command: &str, options: &[(&str, &str)], locale: Locale) -> Invocation {
        Invocation {
            command: command.to_string(),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            files: Vec::new(),
            locale,
        }
    }

    /// The value of an option, if given and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Reads the CLI grammar: `/command`, then `name:value` options (the value in double quotes
    /// when it holds a space or a colon) and bare words, which the command's spec assigns.
    pub fn parse(text: &str, locale: Locale) -> Result<Invocation, CommandError> {
        let words =
            tokenize(text).ok_or_else(|| user_error(locale, msg::error_unclosed_quote()))?;
        let Some((first, rest)) = words.split_first() else {
            return Err(user_error(locale, msg::error_empty_question()));
        };
        let mut name = first.trim_start_matches('/').to_lowercase();
        let mut spec = spec::find(&name)
            .ok_or_else(|| user_error(locale, msg::error_unknown_command(&name)))?;
        let mut rest = rest;
        if !spec.subcommands.is_empty() {
            let names: Vec<&str> = spec.subcommands.iter().map(|s| s.leaf()).collect();
            let missing = || {
                user_error(
                    locale,
                    msg::error_missing_subcommand(spec.name, &names.join(", ")),
                )
            };
            let (sub, tail) = rest.split_first().ok_or_else(missing)?;
            name = format!("{name} {}", sub.to_lowercase());
            spec = spec::find(&name).ok_or_else(missing)?;
            rest = tail;
        }
        let mut inv = Invocation {
            command: name,
            options: Vec::new(),
            files: Vec::new(),
            locale,
        };
        let mut bare: Vec<&str> = Vec::new();
        for word in rest {
            match option_word(word) {
                Some((key, value)) => {
                    let key = key.to_lowercase();
                    if spec.options.iter().all(|o| o.name != key) {
                        return Err(unknown_option(spec, &key, locale));
                    }
                    if inv.get(&key).is_some() {
                        return Err(user_error(locale, msg::error_repeated_option(&key)));
                    }
                    // `name:` with nothing after it gives nothing; bare words may still fill it.
                    if !value.trim().is_empty() {
                        inv.options.push((key, value.to_string()));
                    }
                }
                None => bare.push(word),
            }
        }
        inv.assign_bare(spec, &bare)?;
        for o in spec.options.iter().filter(|o| o.required) {
            if inv.get(o.name).is_none() && !inv.files.iter().any(|f| f.option == o.name) {
                return Err(user_error(
                    locale,
                    msg::error_missing_option(spec.name, o.name),
                ));
            }
        }
        Ok(inv)
    }

    fn assign_bare(&mut self, spec: &CommandSpec, words: &[&str]) -> Result<(), CommandError> {
        if words.is_empty() {
            return Ok(());
        }
        let give = |inv: &mut Invocation, key: &str, value: String| {
            if inv.get(key).is_some() {
                Err(user_error(inv.locale, msg::error_repeated_option(key)))
            } else {
                inv.options.push((key.to_string(), value));
                Ok(())
            }
        };
        match spec.bare {
            Bare::None => Err(user_error(
                self.locale,
                msg::error_no_bare_words(spec.name, &words.join(" ")),
            )),
            Bare::Join(key) => give(self, key, words.join(" ")),
            Bare::Two(first, second) => {
                let open: Vec<&str> = [first, second]
                    .into_iter()
                    .filter(|k| self.get(k).is_none())
                    .collect();
                let values = split_two(words, open.len()).ok_or_else(|| {
                    user_error(
                        self.locale,
                        msg::compare_two_words(spec.name, &words.join(" ")),
                    )
                })?;
                for (key, value) in open.into_iter().zip(values) {
                    give(self, key, value)?;
                }
                Ok(())
            }
            Bare::CountryAndPeriod => {
                let (period, country) = split_period(words);
                if let Some(p) = period {
                    give(self, "period", p)?;
                }
                if !country.is_empty() {
                    give(self, "country", country)?;
                }
                Ok(())
            }
        }
    }
}

/// Words that stand between two names compared: "bts vs blackpink", "방탄소년단 대 블랙핑크".
const VERSUS_WORDS: [&str; 5] = ["vs", "vs.", "versus", "대", "対"];

/// `words` as `n` values: one word each, or for two, the words either side of the one "vs"
/// among them; a single value takes every word. None when they cannot be told apart.
fn split_two(words: &[&str], n: usize) -> Option<Vec<String>> {
    if n == 1 {
        return Some(vec![words.join(" ")]);
    }
    let is_versus = |w: &&str| VERSUS_WORDS.contains(&w.to_lowercase().as_str());
    let mut at = words.iter().enumerate().filter(|(_, w)| is_versus(w));
    match (n, at.next(), at.next()) {
        (2, Some((i, _)), None) if i > 0 && i + 1 < words.len() => {
            Some(vec![words[..i].join(" "), words[i + 1..].join(" ")])
        }
        (_, None, _) if words.len() == n => Some(words.iter().map(|w| w.to_string()).collect()),
        _ => None,
    }
}

/// Splits `usa first half of 2023` into the longest run of words that reads as a period (or
/// two compared: `2022 vs 2023`, or one named relatively: `last year`) and the words around it.
fn split_period(words: &[&str]) -> (Option<String>, String) {
    let n = words.len();
    for len in (1..=n.min(13)).rev() {
        for start in 0..=n - len {
            let candidate = words[start..start + len].join(" ");
            if PeriodQuery::parse(&candidate).is_ok() {
                let rest: Vec<&str> = words[..start]
                    .iter()
                    .chain(&words[start + len..])
                    .copied()
                    .collect();
                return (Some(candidate), rest.join(" "));
            }
        }
    }
    (None, words.join(" "))
}

fn unknown_option(spec: &CommandSpec, key: &str, locale: Locale) -> CommandError {
    let known: Vec<&str> = spec.options.iter().map(|o| o.name).collect();
    let known = if known.is_empty() {
        "—".to_string()
    } else {
        known.join(", ")
    };
    user_error(locale, msg::error_unknown_option(spec.name, key, &known))
}

/// `name:value` when the word starts with an option-like name and a colon.
fn option_word(word: &str) -> Option<(&str, &str)> {
    let (key, value) = word.split_once(':')?;
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_'))
    .then_some((key, value))
}

/// Splits on white space, keeping double-quoted stretches (which may sit after `name:`)
/// together. None when a quote is left open.
fn tokenize(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in text.chars() {
        match c {
            '"' | '“' | '”' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return None;
    }
    if started {
        words.push(current);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<(String, String)> {
        Invocation::parse(text, Locale::En)
            .map(|i| i.options)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_options_and_bare_words() {
        assert_eq!(parse("/exports japan"), pairs(&[("country", "japan")]));
        assert_eq!(
            parse("exports usa 2023-H1"),
            pairs(&[("period", "2023-H1"), ("country", "usa")])
        );
        assert_eq!(
            parse("/exports united states first half of 2023"),
            pairs(&[
                ("period", "first half of 2023"),
                ("country", "united states")
            ])
        );
        assert_eq!(parse("/exports 2023-H1"), pairs(&[("period", "2023-H1")]));
        assert_eq!(
            parse("/exports 일본 2023년 상반기"),
            pairs(&[("period", "2023년 상반기"), ("country", "일본")])
        );
        for (text, want) in [
            (
                "/exports japan latest",
                &[("period", "latest"), ("country", "japan")][..],
            ),
            (
                "/exports japan 작년",
                &[("period", "작년"), ("country", "japan")],
            ),
            ("/exports 2022 vs 2023", &[("period", "2022 vs 2023")]),
            (
                "/exports japan 2022 vs 2023",
                &[("period", "2022 vs 2023"), ("country", "japan")],
            ),
            (
                "/exports united states first half of 2022 vs first half of 2023",
                &[
                    ("period", "first half of 2022 vs first half of 2023"),
                    ("country", "united states"),
                ],
            ),
            (
                "/exports 대만 last year",
                &[("period", "last year"), ("country", "대만")],
            ),
        ] {
            assert_eq!(parse(text), pairs(want), "{text}");
        }
        assert_eq!(
            parse("/chart like crazy"),
            pairs(&[("title", "like crazy")])
        );
        assert_eq!(
            parse(r#"/chart title:"like crazy" chart:billboard-200"#),
            pairs(&[("title", "like crazy"), ("chart", "billboard-200")])
        );
        assert_eq!(
            parse(r#"/chart title:"Re:Birth""#),
            pairs(&[("title", "Re:Birth")])
        );
        for (text, first, second) in [
            ("/compare bts blackpink", "bts", "blackpink"),
            (r#"/compare "stray kids" twice"#, "stray kids", "twice"),
            (
                r#"/compare “stray kids” "New Jeans""#,
                "stray kids",
                "New Jeans",
            ),
            (
                "/compare stray kids vs new jeans",
                "stray kids",
                "new jeans",
            ),
            ("/compare 2022 대 2023", "2022", "2023"),
            ("/compare first:bts black pink", "bts", "black pink"),
            ("/compare second:twice bts", "bts", "twice"),
        ] {
            let mut got = parse(text);
            got.sort();
            assert_eq!(
                got,
                pairs(&[("first", first), ("second", second)]),
                "{text}"
            );
        }
        assert_eq!(
            parse("/compare japan usa chart:hot-100"),
            pairs(&[("chart", "hot-100"), ("first", "japan"), ("second", "usa")])
        );
        assert_eq!(
            parse("/artist 방탄소년단"),
            pairs(&[("name", "방탄소년단")])
        );
        assert_eq!(
            parse("/exports country:japan period:2023"),
            pairs(&[("country", "japan"), ("period", "2023")])
        );
        let inv = Invocation::parse("/facts remove-note id:3", Locale::En).unwrap();
        assert_eq!(inv.command, "facts remove-note");
        assert_eq!(inv.options, pairs(&[("id", "3")]));
    }

    #[test]
    fn refuses_misuse_with_a_reason() {
        for text in [
            "",
            "/nope",
            "/exports colour:red",
            "/chart",
            "/chart artist:BTS",
            "/help me",
            r#"/chart title:"open"#,
            "/exports country:japan country:usa",
            "/exports japan country:usa",
            "/facts",
            "/facts frobnicate",
            "/facts set-export country:japan",
            "/compare bts",
            "/compare stray kids twice",
            "/compare bts vs",
            "/compare a vs b vs c",
            "/compare first:bts second:twice blackpink",
        ] {
            assert!(
                matches!(
                    Invocation::parse(text, Locale::En),
                    Err(CommandError::User(_))
                ),
                "{text:?}"
            );
        }
    }
}
