//! Every command and option, once. Discord registration, the CLI grammar, option checks and
//! `/help` all read this table; names and descriptions come from the message catalogue, so
//! each language is one file.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::i18n::{Locale, t};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    String = 3,
    Integer = 4,
    Boolean = 5,
    Channel = 7,
    Attachment = 11,
}

#[derive(Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    pub required: bool,
    pub autocomplete: bool,
    /// Fixed values, offered as Discord choices.
    pub choices: &'static [&'static str],
    pub max_length: Option<u16>,
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
}

#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub options: &'static [OptionSpec],
    pub bare: Bare,
    /// Discord's `default_member_permissions`: who sees the command (not a security check).
    pub default_permissions: Option<u64>,
    /// Usable in DMs with the bot.
    pub in_dms: bool,
}

const fn text(name: &'static str, required: bool, autocomplete: bool) -> OptionSpec {
    OptionSpec {
        name,
        kind: OptionKind::String,
        required,
        autocomplete,
        choices: &[],
        max_length: Some(200),
    }
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "exports",
        options: &[text("country", false, true), text("period", false, true)],
        bare: Bare::CountryAndPeriod,
        default_permissions: None,
        in_dms: true,
    },
    CommandSpec {
        name: "chart",
        options: &[
            text("title", true, true),
            text("artist", false, true),
            OptionSpec {
                name: "chart",
                kind: OptionKind::String,
                required: false,
                autocomplete: false,
                choices: &["hot-100", "billboard-200"],
                max_length: None,
            },
        ],
        bare: Bare::Join("title"),
        default_permissions: None,
        in_dms: true,
    },
    CommandSpec {
        name: "artist",
        options: &[text("name", true, true)],
        bare: Bare::Join("name"),
        default_permissions: None,
        in_dms: true,
    },
    CommandSpec {
        name: "help",
        options: &[],
        bare: Bare::None,
        default_permissions: None,
        in_dms: true,
    },
];

pub fn find(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

impl CommandSpec {
    pub fn option(&self, name: &str) -> Option<&'static OptionSpec> {
        // The specs are 'static, so their options are too.
        let spec: &'static CommandSpec = find(self.name).expect("listed command");
        spec.options.iter().find(|o| o.name == name)
    }

    pub fn description(&self, locale: Locale) -> String {
        t(locale, &format!("cmd.{}.description", self.name), &[])
    }
}

fn localizations(key: &str) -> Value {
    let mut m = Map::new();
    for locale in [Locale::Ko, Locale::Ja] {
        for tag in locale.discord_tags() {
            m.insert((*tag).to_string(), json!(t(locale, key, &[])));
        }
    }
    Value::Object(m)
}

/// The command set as Discord's bulk-overwrite body.
pub fn registration() -> Value {
    Value::Array(COMMANDS.iter().map(command_json).collect())
}

fn command_json(c: &CommandSpec) -> Value {
    let base = format!("cmd.{}", c.name);
    let options: Vec<Value> = c
        .options
        .iter()
        .map(|o| {
            let key = format!("opt.{}.{}", c.name, o.name);
            let mut v = json!({
                "type": o.kind as u8,
                "name": o.name,
                "name_localizations": localizations(&format!("{key}.name")),
                "description": t(Locale::En, &format!("{key}.description"), &[]),
                "description_localizations": localizations(&format!("{key}.description")),
                "required": o.required,
            });
            if o.autocomplete {
                v["autocomplete"] = json!(true);
            }
            if !o.choices.is_empty() {
                v["choices"] = Value::Array(
                    o.choices
                        .iter()
                        .map(|c| json!({"name": c, "value": c}))
                        .collect(),
                );
            }
            if let Some(max) = o.max_length {
                v["max_length"] = json!(max);
            }
            v
        })
        .collect();
    json!({
        "type": 1,
        "name": c.name,
        "name_localizations": localizations(&format!("{base}.name")),
        "description": t(Locale::En, &format!("{base}.description"), &[]),
        "description_localizations": localizations(&format!("{base}.description")),
        "options": options,
        "default_member_permissions": c.default_permissions.map(|p| p.to_string()),
        "contexts": if c.in_dms { json!([0, 1]) } else { json!([0]) },
        "integration_types": [0],
    })
}

/// A digest of the command set: registration happens only when it changes.
pub fn registration_hash() -> String {
    let digest = Sha256::digest(registration().to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn names_and_descriptions_fit_discord() {
        let name = Regex::new(r"^[-_'\p{L}\p{N}]{1,32}$").unwrap();
        let check = |v: &Value| {
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
        };
        for c in registration().as_array().unwrap() {
            check(c);
            let options = c["options"].as_array().unwrap();
            assert!(options.len() <= 25);
            let mut seen_optional = false;
            for o in options {
                check(o);
                let required = o["required"].as_bool().unwrap();
                assert!(!(required && seen_optional), "required options come first");
                seen_optional |= !required;
            }
        }
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(registration_hash(), registration_hash());
        assert_eq!(registration_hash().len(), 64);
    }
}
