//! Application command registration rules: names, descriptions, options, choices, locales.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::errors::{FieldErrors, join};

/// Locales Discord accepts as keys of `name_localizations` / `description_localizations`.
const LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

static NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$").expect("valid name regex")
});

const CHAT_INPUT: u64 = 1;
const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;
/// String, integer and number options may have choices or autocomplete.
const CHOICE_TYPES: [u64; 3] = [3, 4, 10];

/// Where an options array sits: subcommand groups hold only subcommands, subcommands hold only
/// leaf options.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Command,
    Group,
    SubCommand,
}

/// Validates a whole bulk-overwrite body (`PUT .../commands`).
pub(super) fn check_command_list(commands: &[Value], errs: &mut FieldErrors) {
    let mut seen = HashSet::new();
    for (i, command) in commands.iter().enumerate() {
        check_command(command, &i.to_string(), errs);
        let key = (
            command["type"].as_u64().unwrap_or(CHAT_INPUT),
            command["name"].as_str(),
        );
        if !seen.insert(key) {
            errs.push(
                &join(&i.to_string(), "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            );
        }
    }
    let chat = commands
        .iter()
        .filter(|c| c["type"].as_u64().unwrap_or(CHAT_INPUT) == CHAT_INPUT);
    if chat.count() > 100 {
        errs.push(
            "",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 100 or fewer in length.",
        );
    }
}

/// Validates one command object; `path` prefixes error paths (empty for a single command).
pub(super) fn check_command(command: &Value, path: &str, errs: &mut FieldErrors) {
    let kind = command["type"].as_u64().unwrap_or(CHAT_INPUT);
    if !(1..=4).contains(&kind) {
        errs.push(
            &join(path, "type"),
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 2, 3, 4}.",
        );
    }
    let chat = kind == CHAT_INPUT;
    if chat {
        name_errors(&command["name"], &join(path, "name"), errs);
        description_errors(&command["description"], &join(path, "description"), errs);
    } else {
        match command["name"].as_str() {
            Some(name) => errs.chars_between(&join(path, "name"), name, 1, 32),
            None => errs.required(&join(path, "name")),
        }
        if command["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
        {
            errs.push(
                &join(path, "description"),
                "APPLICATION_COMMAND_DESCRIPTION_INVALID",
                "Context menu commands cannot have a description",
            );
        }
    }
    localization_errors(command, path, chat, errs);
    if let Some(options) = command["options"].as_array() {
        if chat {
            options_errors(options, &join(path, "options"), Level::Command, errs);
        } else if !options.is_empty() {
            errs.push(
                &join(path, "options"),
                "APPLICATION_COMMAND_OPTIONS_INVALID",
                "Only chat input commands have options",
            );
        }
    }
    let permissions = &command["default_member_permissions"];
    if !permissions.is_null()
        && !permissions
            .as_str()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        errs.push(
            &join(path, "default_member_permissions"),
            "BASE_TYPE_STRING",
            "Must be a string holding a permission bitfield.",
        );
    }
}

/// Keys of a localization map must be Discord locales.
pub(super) fn check_locale_keys(map: &Value, path: &str, errs: &mut FieldErrors) {
    let Some(map) = map.as_object() else { return };
    for key in map.keys().filter(|k| !LOCALES.contains(&k.as_str())) {
        errs.push(
            &join(path, key),
            "LOCALE",
            format!("\"{key}\" is not a valid locale."),
        );
    }
}

fn name_errors(name: &Value, path: &str, errs: &mut FieldErrors) {
    let Some(name) = name.as_str() else {
        errs.required(path);
        return;
    };
    if !NAME.is_match(name) {
        errs.push(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name \"{name}\" is invalid"),
        );
    } else if name.to_lowercase() != name {
        errs.push(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name \"{name}\" must be lowercase"),
        );
    }
}

fn description_errors(description: &Value, path: &str, errs: &mut FieldErrors) {
    match description.as_str() {
        Some(text) => errs.chars_between(path, text, 1, 100),
        None => errs.required(path),
    }
}

/// Localized names follow the name rules (chat input) and descriptions the description rules.
fn localization_errors(item: &Value, path: &str, chat: bool, errs: &mut FieldErrors) {
    let names = join(path, "name_localizations");
    check_locale_keys(&item["name_localizations"], &names, errs);
    for (locale, name) in item["name_localizations"].as_object().into_iter().flatten() {
        if chat {
            name_errors(name, &join(&names, locale), errs);
        }
    }
    let descriptions = join(path, "description_localizations");
    check_locale_keys(&item["description_localizations"], &descriptions, errs);
    for (locale, text) in item["description_localizations"]
        .as_object()
        .into_iter()
        .flatten()
    {
        description_errors(text, &join(&descriptions, locale), errs);
    }
}

fn options_errors(options: &[Value], path: &str, level: Level, errs: &mut FieldErrors) {
    errs.max_items(path, options, 25);
    let mut names = HashSet::new();
    let mut seen_optional = false;
    let nested = |o: &Value| matches!(o["type"].as_u64(), Some(SUB_COMMAND | SUB_COMMAND_GROUP));
    if options.iter().any(nested) && !options.iter().all(nested) {
        errs.push(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands cannot be mixed with other options",
        );
    }
    for (i, option) in options.iter().enumerate() {
        let option_path = join(path, i);
        let kind = option["type"].as_u64().unwrap_or(0);
        let allowed = match level {
            Level::Command => (1..=11).contains(&kind),
            Level::Group => kind == SUB_COMMAND,
            Level::SubCommand => (3..=11).contains(&kind),
        };
        if !allowed {
            errs.push(
                &join(&option_path, "type"),
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                format!("Option type {kind} is not allowed here"),
            );
        }
        name_errors(&option["name"], &join(&option_path, "name"), errs);
        if let Some(name) = option["name"].as_str()
            && !names.insert(name)
        {
            errs.push(
                &join(&option_path, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            );
        }
        description_errors(
            &option["description"],
            &join(&option_path, "description"),
            errs,
        );
        localization_errors(option, &option_path, true, errs);
        match kind {
            SUB_COMMAND | SUB_COMMAND_GROUP => {
                let inner = if kind == SUB_COMMAND {
                    Level::SubCommand
                } else {
                    Level::Group
                };
                let children = option["options"].as_array().map_or(&[][..], Vec::as_slice);
                options_errors(children, &join(&option_path, "options"), inner, errs);
            }
            _ => {
                let required = option["required"].as_bool().unwrap_or(false);
                if required && seen_optional {
                    errs.push(
                        &join(&option_path, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    );
                }
                seen_optional |= !required;
                leaf_errors(option, kind, &option_path, errs);
            }
        }
    }
}

fn leaf_errors(option: &Value, kind: u64, path: &str, errs: &mut FieldErrors) {
    let choices = option["choices"].as_array().map_or(&[][..], Vec::as_slice);
    let autocomplete = option["autocomplete"].as_bool().unwrap_or(false);
    if (!choices.is_empty() || autocomplete) && !CHOICE_TYPES.contains(&kind) {
        errs.push(
            path,
            "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
            "Only string, integer and number options take choices or autocomplete",
        );
    }
    if autocomplete && !choices.is_empty() {
        errs.push(
            &join(path, "autocomplete"),
            "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
            "Autocomplete cannot be combined with choices",
        );
    }
    errs.max_items(&join(path, "choices"), choices, 25);
    for (i, choice) in choices.iter().enumerate() {
        let choice_path = join(path, format!("choices.{i}"));
        match choice["name"].as_str() {
            Some(name) => errs.chars_between(&join(&choice_path, "name"), name, 1, 100),
            None => errs.required(&join(&choice_path, "name")),
        }
        check_locale_keys(
            &choice["name_localizations"],
            &join(&choice_path, "name_localizations"),
            errs,
        );
        let value = &choice["value"];
        let fits = match kind {
            3 => value.as_str().is_some_and(|v| v.chars().count() <= 100),
            4 => value.is_i64() || value.is_u64(),
            _ => value.is_number(),
        };
        if !fits {
            errs.push(
                &join(&choice_path, "value"),
                "APPLICATION_COMMAND_OPTION_CHOICE_VALUE_INVALID",
                "Choice value does not fit the option type",
            );
        }
    }
    for key in ["min_length", "max_length"] {
        if option[key].as_u64().is_some_and(|n| n > 6000) {
            errs.push(
                &join(path, key),
                "NUMBER_TYPE_MAX",
                "int value should be <= 6000.",
            );
        }
    }
}
