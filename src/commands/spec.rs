//! The shape of the command set, as Discord registers it and the CLI grammar reads it. The
//! commands themselves are defined, with their options, in [`super::command`]; this module
//! gathers them into [`COMMANDS`] and writes the registration. Names and descriptions come
//! from the message catalogue, so each language is one file.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::command;
use crate::i18n::{Locale, Msg, t};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    String = 3,
    Integer = 4,
    Channel = 7,
    Attachment = 11,
}

#[derive(Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    /// Set from the field's type in [`super::command`]: only `Option<_>` fields are optional.
    pub required: bool,
    /// What suggests values while the option is typed; registered as `autocomplete`.
    pub complete: Option<Completer>,
    /// Fixed values, offered as Discord choices.
    pub choices: &'static [&'static str],
    pub max_length: Option<u16>,
    /// Bounds of an integer option.
    pub range: Option<(i64, i64)>,
}

/// The suggestions an autocompleted option offers (see `commands::autocomplete`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completer {
    /// Countries with figures.
    Country,
    /// Periods with figures, for the country given beside it.
    Period,
    /// Titles that charted, narrowed by the chart and artist given beside them.
    Title,
    /// Acts, then every credit that charted.
    Credit,
    /// Acts.
    Act,
    /// What `/compare` reads: acts, titles and destinations.
    Compared,
}

/// How the CLI reads words given without `name:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bare {
    /// Not accepted.
    None,
    /// Words that read as a period go to `period`, the rest to `country`.
    CountryAndPeriod,
    /// All words, joined, go to this option.
    Join(&'static str),
    /// Two names, one word each (a name with spaces in double quotes), or the words either
    /// side of a "vs": the first to the first option, the second to the second. With one of
    /// them given by name, all the words go to the other.
    Two(&'static str, &'static str),
}

/// Which repeat questions share a kept answer (see `discord::answers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// Never kept: the command changes things, answers one person, or shows what changes
    /// with no new store generation (the feeds' standing).
    Never,
    /// The same for everyone.
    Shared,
    /// The same for everyone on one UTC day ("this year" changes meaning at midnight).
    Daily,
    /// The same for one user (page buttons belong to who asked).
    PerUser,
}

#[derive(Debug)]
pub struct CommandSpec {
    /// The command's path: `exports`, or `facts set-export` for a subcommand.
    pub name: &'static str,
    pub options: &'static [OptionSpec],
    pub bare: Bare,
    /// Subcommands, for a command that is only a group of them.
    pub subcommands: &'static [CommandSpec],
    /// Discord's `default_member_permissions`: who sees the command. Hiding is not a
    /// permission check; commands that change facts check the caller themselves.
    pub default_permissions: Option<u64>,
    /// Usable in DMs with the bot.
    pub in_dms: bool,
    /// What the command costs to answer, for commands costly enough that each user gets a
    /// burst allowance (the Discord edge turns it into a limit).
    pub cooldown: Option<Cost>,
    pub kept: Kept,
}

/// Why a command is costly to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// Draws a picture.
    Picture,
    /// Draws a table of figures.
    Table,
    /// Imports a file.
    Import,
    /// Writes a schedule or draws the week's picture.
    Settings,
}

/// Discord's MANAGE_GUILD permission bit.
pub const MANAGE_GUILD: u64 = 1 << 5;

/// What a command or subcommand is unless its definition says otherwise.
pub(super) const LEAF: CommandSpec = CommandSpec {
    name: "",
    options: &[],
    bare: Bare::None,
    subcommands: &[],
    default_permissions: None,
    in_dms: false,
    cooldown: None,
    kept: Kept::Never,
};

/// A plain option of `kind`; the helpers below set what differs. Whether it is required
/// comes from the field's type.
const fn option(name: &'static str, kind: OptionKind) -> OptionSpec {
    OptionSpec {
        name,
        kind,
        required: false,
        complete: None,
        choices: &[],
        max_length: None,
        range: None,
    }
}

pub(super) const fn text(name: &'static str, complete: Option<Completer>) -> OptionSpec {
    OptionSpec {
        complete,
        max_length: Some(200),
        ..option(name, OptionKind::String)
    }
}

pub(super) const fn long_text(name: &'static str, max: u16) -> OptionSpec {
    OptionSpec {
        max_length: Some(max),
        ..option(name, OptionKind::String)
    }
}

pub(super) const fn choice(name: &'static str, choices: &'static [&'static str]) -> OptionSpec {
    OptionSpec {
        choices,
        ..option(name, OptionKind::String)
    }
}

pub(super) const fn integer(name: &'static str, min: i64, max: i64) -> OptionSpec {
    OptionSpec {
        range: Some((min, max)),
        ..option(name, OptionKind::Integer)
    }
}

pub(super) const fn channel(name: &'static str) -> OptionSpec {
    option(name, OptionKind::Channel)
}

pub(super) const fn attachment(name: &'static str) -> OptionSpec {
    option(name, OptionKind::Attachment)
}

pub(super) const ALIAS_KINDS: &[&str] = &["act", "title", "country"];
pub const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub(super) const CHARTS: &[&str] = &["hot-100", "billboard-200"];
pub(super) const RECORD_KINDS: &[&str] = &[
    "number-ones",
    "top-tens",
    "most-entries",
    "most-weeks",
    "weeks-at-one",
    "longest-runs",
    "highest-debuts",
    "biggest-jumps",
    "firsts",
];
pub(super) const RECORD_WHO: &[&str] = &["kpop", "everyone", "groups", "soloists", "member-solos"];
pub(super) const ORDERS: &[&str] = &super::artist::Order::SLUGS;
/// The commands whose answers a server may make public or private: those that only read.
pub const READ_COMMANDS: &[&str] = &[
    "exports", "chart", "artist", "thisweek", "records", "compare", "help", "about",
];

/// Every command, in the order Discord lists them; each is defined with its options in
/// [`super::command`].
pub static COMMANDS: &[CommandSpec] = &[
    command::Exports::SPEC,
    command::ChartQuery::SPEC,
    command::ArtistQuery::SPEC,
    command::ThisWeek::SPEC,
    command::RecordsQuery::SPEC,
    command::Compare::SPEC,
    command::Help::SPEC,
    command::About::SPEC,
    command::FACTS,
    command::SUMMARY,
    command::SETTINGS,
];

/// The command or subcommand at `path` (`exports`, `facts set-export`).
pub fn find(path: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c).chain(c.subcommands))
        .find(|c| c.name == path)
}

impl CommandSpec {
    pub fn option(&'static self, name: &str) -> Option<&'static OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }

    /// The last word of the path: what Discord calls the command or subcommand.
    pub fn leaf(&self) -> &'static str {
        self.name.rsplit(' ').next().unwrap_or(self.name)
    }

    fn key(&self) -> String {
        format!("cmd.{}", self.name.replace(' ', "."))
    }

    pub fn description(&self, locale: Locale) -> String {
        catalogued(locale, &format!("{}.description", self.key()))
    }
}

/// A registration text named by the command table. Every command and option has its texts (a
/// test registers them all), so a missing one shows as its key rather than failing a start.
fn catalogued(locale: Locale, key: &str) -> String {
    Msg::named(key).map_or_else(|| key.to_string(), |m| t(locale, m))
}

fn localizations(key: &str) -> Value {
    let mut m = Map::new();
    for locale in [Locale::Ko, Locale::Ja] {
        for tag in locale.discord_tags() {
            m.insert((*tag).to_string(), json!(catalogued(locale, key)));
        }
    }
    Value::Object(m)
}

/// The command set as Discord's bulk-overwrite body.
pub fn registration() -> Value {
    Value::Array(COMMANDS.iter().map(command_json).collect())
}

fn named(key: &str, leaf: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(leaf));
    m.insert(
        "name_localizations".into(),
        localizations(&format!("{key}.name")),
    );
    m.insert(
        "description".into(),
        json!(catalogued(Locale::En, &format!("{key}.description"))),
    );
    m.insert(
        "description_localizations".into(),
        localizations(&format!("{key}.description")),
    );
    m
}

fn options_json(c: &CommandSpec) -> Vec<Value> {
    if !c.subcommands.is_empty() {
        return c
            .subcommands
            .iter()
            .map(|s| {
                let mut m = named(&s.key(), s.leaf());
                m.insert("type".into(), json!(1));
                m.insert("options".into(), Value::Array(options_json(s)));
                Value::Object(m)
            })
            .collect();
    }
    c.options
        .iter()
        .map(|o| {
            let mut m = named(
                &format!("opt.{}.{}", c.name.replace(' ', "."), o.name),
                o.name,
            );
            m.insert("type".into(), json!(o.kind as u8));
            m.insert("required".into(), json!(o.required));
            if o.complete.is_some() {
                m.insert("autocomplete".into(), json!(true));
            }
            if !o.choices.is_empty() {
                let key = format!("opt.{}.{}", c.name.replace(' ', "."), o.name);
                m.insert(
                    "choices".into(),
                    Value::Array(
                        o.choices
                            .iter()
                            .map(|value| choice_json(&format!("{key}.choice.{value}"), value))
                            .collect(),
                    ),
                );
            }
            if let Some(max) = o.max_length {
                m.insert("max_length".into(), json!(max));
            }
            if let Some((min, max)) = o.range {
                m.insert("min_value".into(), json!(min));
                if max < i64::MAX {
                    m.insert("max_value".into(), json!(max));
                }
            }
            if o.kind == OptionKind::Channel {
                // Text and announcement channels.
                m.insert("channel_types".into(), json!([0, 5]));
            }
            Value::Object(m)
        })
        .collect()
}

/// A fixed value, with names in each language when the catalogue has them (`<option
/// key>.choice.<value>`); otherwise the value is its own name.
fn choice_json(key: &str, value: &str) -> Value {
    let Some(named) = Msg::named(key).map(|m| t(Locale::En, m)) else {
        return json!({"name": value, "value": value});
    };
    json!({"name": named, "name_localizations": localizations(key), "value": value})
}

fn command_json(c: &CommandSpec) -> Value {
    let mut m = named(&c.key(), c.name);
    m.insert("type".into(), json!(1));
    m.insert("options".into(), Value::Array(options_json(c)));
    m.insert(
        "default_member_permissions".into(),
        json!(c.default_permissions.map(|p| p.to_string())),
    );
    m.insert(
        "contexts".into(),
        if c.in_dms { json!([0, 1]) } else { json!([0]) },
    );
    m.insert("integration_types".into(), json!([0]));
    Value::Object(m)
}

/// A digest of the command set: registration happens only when it changes.
pub fn registration_hash() -> String {
    hash_of(&registration())
}

fn hash_of(registration: &Value) -> String {
    let digest = Sha256::digest(registration.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn every_command_and_option_has_its_texts_in_the_catalogue() {
        let mut missing = Vec::new();
        let mut need = |key: String| {
            for part in ["name", "description"] {
                let name = format!("{key}.{part}");
                if Msg::named(&name).is_none() {
                    missing.push(name);
                }
            }
        };
        for c in COMMANDS
            .iter()
            .flat_map(|c| std::iter::once(c).chain(c.subcommands))
        {
            need(c.key());
            for o in c.options {
                need(format!("opt.{}.{}", c.name.replace(' ', "."), o.name));
            }
        }
        assert!(missing.is_empty(), "no catalogue text for {missing:?}");
    }

    fn check(v: &Value, name: &Regex) {
        let n = v["name"].as_str().unwrap();
        assert!(name.is_match(n) && n.to_lowercase() == n, "name {n}");
        let d = v["description"].as_str().unwrap();
        assert!(
            (1..=100).contains(&d.chars().count()),
            "description of {n}: {d}"
        );
        for (locale, text) in v["name_localizations"].as_object().unwrap() {
            let text = text.as_str().unwrap();
            assert!(
                name.is_match(text) && text.to_lowercase() == text,
                "{locale} name {text}"
            );
        }
        for (locale, text) in v["description_localizations"].as_object().unwrap() {
            let len = text.as_str().unwrap().chars().count();
            assert!((1..=100).contains(&len), "{locale} description of {n}");
        }
        let options = v["options"].as_array().map_or(&[][..], Vec::as_slice);
        assert!(options.len() <= 25);
        let mut seen_optional = false;
        for o in options {
            check(o, name);
            let required = o["required"].as_bool().unwrap_or(false);
            assert!(
                !(required && seen_optional),
                "required options come first in {n}"
            );
            seen_optional |= !required;
        }
    }

    #[test]
    fn names_and_descriptions_fit_discord() {
        let name = Regex::new(r"^[-_'\p{L}\p{N}]{1,32}$").unwrap();
        for c in registration().as_array().unwrap() {
            check(c, &name);
        }
    }

    #[test]
    fn subcommands_are_found_by_path() {
        assert_eq!(
            find("facts set-export").map(|c| c.leaf()),
            Some("set-export")
        );
        assert!(find("facts").is_some_and(|c| !c.subcommands.is_empty()));
        assert!(find("set-export").is_none());
        let all = registration();
        let facts = all
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "facts")
            .unwrap();
        assert_eq!(facts["default_member_permissions"], "32");
        assert_eq!(facts["options"][0]["type"], 1);
        assert_eq!(facts["options"][0]["name"], "set-export");
    }

    /// The stored hash decides whether the bot registers again: it must be the hash of exactly
    /// what is registered, and move with anything Discord would show differently.
    #[test]
    fn the_hash_follows_every_part_of_the_command_set() {
        let registered = registration();
        let hash = registration_hash();
        assert_eq!(hash, hash_of(&registered));
        assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        type Edit = (&'static str, fn(&mut Value));
        let edits: [Edit; 7] = [
            ("a command's description", |v| {
                v[0]["description"] = json!("Something else")
            }),
            ("a translated name", |v| {
                v[0]["name_localizations"]["ko"] = json!("다른")
            }),
            ("an option's name", |v| {
                v[0]["options"][0]["name"] = json!("other")
            }),
            ("whether an option is required", |v| {
                v[1]["options"][0]["required"] = json!(false)
            }),
            ("a choice", |v| {
                let chart = v
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|c| c["name"] == "chart");
                chart.unwrap()["options"][2]["choices"][0]["value"] = json!("top-40")
            }),
            ("who may see a command", |v| {
                let facts = v
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|c| c["name"] == "facts");
                facts.unwrap()["default_member_permissions"] = Value::Null
            }),
            ("a command more", |v| {
                v.as_array_mut().unwrap().push(json!({"name": "extra"}))
            }),
        ];
        for (what, edit) in edits {
            let mut changed = registered.clone();
            edit(&mut changed);
            assert_ne!(changed, registered, "{what}: the edit changed nothing");
            assert_ne!(hash_of(&changed), hash, "{what} leaves the hash as it was");
        }
    }
}
