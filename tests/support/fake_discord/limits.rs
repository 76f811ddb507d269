//! Discord's limits on message bodies, interaction callbacks, autocomplete results and modals.
//! A body that passes here is one Discord would accept (as far as the fake knows).

use std::collections::HashSet;

use serde_json::Value;

use super::command_schema::check_locale_keys;
use super::errors::{ApiError, FieldErrors, join};

const CONTENT_MAX: usize = 2000;
const EMBEDS_MAX: usize = 10;
const EMBED_TOTAL_MAX: usize = 6000;
const ROWS_MAX: usize = 5;
const ROW_WIDTH: usize = 5;
const V2_COMPONENTS_MAX: usize = 40;
const IS_COMPONENTS_V2: u64 = 1 << 15;

/// Whether a write creates a message (which must not be empty) or edits one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Write {
    Create,
    Edit,
}

/// Checks a message body. `files` are the uploaded names an embed may use as `attachment://`.
pub(super) fn check_message(
    msg: &Value,
    prefix: &str,
    files: &[String],
    write: Write,
) -> Result<(), ApiError> {
    let mut errs = FieldErrors::default();
    message_errors(msg, prefix, files, &mut errs);
    errs.into_result()?;
    if write == Write::Create && is_empty(msg, files) {
        return Err(ApiError::empty_message());
    }
    Ok(())
}

/// Checks an interaction callback: the type must suit the interaction, then its data must fit.
/// `interaction_kind` is the interaction's type; `has_message` whether it came from a message.
pub(super) fn check_callback(
    interaction_kind: u64,
    has_message: bool,
    body: &Value,
    files: &[String],
) -> Result<u64, ApiError> {
    let mut errs = FieldErrors::default();
    let Some(kind) = body["type"].as_u64() else {
        errs.required("type");
        return errs.into_result().map(|()| 0);
    };
    let allowed: &[u64] = match interaction_kind {
        2 => &[4, 5, 9],
        3 => &[4, 5, 6, 7, 9],
        4 => &[8],
        5 if has_message => &[4, 5, 6, 7],
        5 => &[4, 5],
        _ => &[],
    };
    if !allowed.contains(&kind) {
        errs.push(
            "type",
            "INTERACTION_RESPONSE_TYPE_INVALID",
            format!("Callback type {kind} is not valid for interaction type {interaction_kind}"),
        );
        return errs.into_result().map(|()| kind);
    }
    let data = &body["data"];
    match kind {
        4 => check_message(data, "data", files, Write::Create)?,
        7 if !data.is_null() => check_message(data, "data", files, Write::Edit)?,
        5 if !data.is_null() => check_flags(data, "data", &mut errs),
        8 => choices_errors(data, &mut errs),
        9 => modal_errors(data, &mut errs),
        _ => {}
    }
    errs.into_result().map(|()| kind)
}

fn is_empty(msg: &Value, files: &[String]) -> bool {
    let blank = |key: &str| match &msg[key] {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    };
    files.is_empty()
        && ["content", "embeds", "components", "sticker_ids", "poll"]
            .into_iter()
            .all(blank)
}

fn message_errors(msg: &Value, prefix: &str, files: &[String], errs: &mut FieldErrors) {
    if !msg.is_object() {
        errs.push(
            prefix,
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        );
        return;
    }
    match &msg["content"] {
        Value::Null => {}
        Value::String(content) => errs.max_chars(&join(prefix, "content"), content, CONTENT_MAX),
        _ => errs.push(
            &join(prefix, "content"),
            "BASE_TYPE_STRING",
            "Must be a string.",
        ),
    }
    if let Some(embeds) = array_at(msg, "embeds", prefix, errs) {
        let path = join(prefix, "embeds");
        errs.max_items(&path, embeds, EMBEDS_MAX);
        let total: usize = embeds
            .iter()
            .enumerate()
            .map(|(i, e)| embed_errors(e, &join(&path, i), files, errs))
            .sum();
        if total > EMBED_TOTAL_MAX {
            errs.push(
                &path,
                "MAX_EMBED_SIZE_EXCEEDED",
                format!("Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"),
            );
        }
    }
    check_flags(msg, prefix, errs);
    let flags = msg["flags"].as_u64().unwrap_or(0);
    if let Some(rows) = array_at(msg, "components", prefix, errs) {
        components_errors(rows, &join(prefix, "components"), flags, errs);
    }
    if let Some(mentions) = msg.get("allowed_mentions").filter(|m| !m.is_null()) {
        allowed_mentions_errors(mentions, &join(prefix, "allowed_mentions"), errs);
    }
}

/// The array at `msg[key]`, if present; a non-array is an error.
fn array_at<'a>(
    msg: &'a Value,
    key: &str,
    prefix: &str,
    errs: &mut FieldErrors,
) -> Option<&'a [Value]> {
    match &msg[key] {
        Value::Null => None,
        Value::Array(items) => Some(items),
        _ => {
            errs.push(&join(prefix, key), "BASE_TYPE_ARRAY", "Must be an array.");
            None
        }
    }
}

fn check_flags(msg: &Value, prefix: &str, errs: &mut FieldErrors) {
    if !msg["flags"].is_null() && msg["flags"].as_u64().is_none() {
        errs.push(
            &join(prefix, "flags"),
            "NUMBER_TYPE_COERCE",
            "Value is not int.",
        );
    }
}

/// Validates one embed and returns the characters it adds to the 6000 total.
fn embed_errors(embed: &Value, path: &str, files: &[String], errs: &mut FieldErrors) -> usize {
    let mut total = 0;
    let mut text =
        |errs: &mut FieldErrors, key: &str, value: &Value, required: bool, max: usize| {
            let key = join(path, key);
            match value {
                Value::Null if !required => {}
                Value::String(s) if !(required && s.is_empty()) => {
                    errs.max_chars(&key, s, max);
                    total += s.chars().count();
                }
                Value::String(_) | Value::Null => errs.required(&key),
                _ => errs.push(&key, "BASE_TYPE_STRING", "Must be a string."),
            }
        };
    text(errs, "title", &embed["title"], false, 256);
    text(errs, "description", &embed["description"], false, 4096);
    if !embed["footer"].is_null() {
        text(errs, "footer.text", &embed["footer"]["text"], true, 2048);
        url_errors(
            &embed["footer"]["icon_url"],
            &join(path, "footer.icon_url"),
            files,
            errs,
        );
    }
    if !embed["author"].is_null() {
        text(errs, "author.name", &embed["author"]["name"], true, 256);
        url_errors(
            &embed["author"]["icon_url"],
            &join(path, "author.icon_url"),
            files,
            errs,
        );
    }
    if let Some(fields) = array_at(embed, "fields", path, errs) {
        errs.max_items(&join(path, "fields"), fields, 25);
        for (i, field) in fields.iter().enumerate() {
            text(errs, &format!("fields.{i}.name"), &field["name"], true, 256);
            text(
                errs,
                &format!("fields.{i}.value"),
                &field["value"],
                true,
                1024,
            );
        }
    }
    for key in ["image", "thumbnail"] {
        if !embed[key].is_null() {
            let (url, url_path) = (&embed[key]["url"], join(path, format!("{key}.url")));
            if url.is_null() {
                errs.required(&url_path);
            }
            url_errors(url, &url_path, files, errs);
        }
    }
    // The embed's own link must be a web URL: no files to match `attachment://` against.
    url_errors(&embed["url"], &join(path, "url"), &[], errs);
    let colour = &embed["color"];
    if !colour.is_null() && colour.as_u64().is_none_or(|c| c > 0xFF_FFFF) {
        errs.push(
            &join(path, "color"),
            "NUMBER_TYPE_MAX",
            "int value should be <= 16777215.",
        );
    }
    total
}

/// http(s) URLs, or `attachment://name` naming an uploaded file.
fn url_errors(url: &Value, path: &str, files: &[String], errs: &mut FieldErrors) {
    let Some(url) = url.as_str() else { return };
    if let Some(name) = url.strip_prefix("attachment://") {
        if !files.iter().any(|f| f == name) {
            errs.push(
                path,
                "ATTACHMENT_NOT_FOUND",
                format!("attachment://{name} does not name a file uploaded with this message"),
            );
        }
    } else if !(url.starts_with("http://") || url.starts_with("https://")) {
        errs.push(
            path,
            "URL_TYPE_INVALID_SCHEME",
            "Scheme must be one of ('http', 'https').",
        );
    }
}

fn components_errors(rows: &[Value], path: &str, flags: u64, errs: &mut FieldErrors) {
    if flags & IS_COMPONENTS_V2 != 0 {
        if count_components(rows) > V2_COMPONENTS_MAX {
            errs.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                "Must be 40 or fewer in length.",
            );
        }
        return;
    }
    errs.max_items(path, rows, ROWS_MAX);
    let mut custom_ids = HashSet::new();
    for (r, row) in rows.iter().enumerate() {
        let row_path = join(path, r);
        if row["type"] != 1 {
            errs.push(
                &join(&row_path, "type"),
                "UNION_TYPE_CHOICES",
                "Value must be an action row (1).",
            );
            continue;
        }
        let children = row["components"].as_array().map_or(&[][..], Vec::as_slice);
        if children.is_empty() {
            errs.push(
                &join(&row_path, "components"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            );
        }
        let mut width = 0;
        for (c, child) in children.iter().enumerate() {
            let child_path = join(&row_path, format!("components.{c}"));
            width += component_errors(child, &child_path, errs);
            if let Some(id) = child["custom_id"].as_str()
                && !custom_ids.insert(id)
            {
                errs.push(
                    &join(&child_path, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                );
            }
        }
        if width > ROW_WIDTH {
            errs.push(
                &join(&row_path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            );
        }
    }
}

fn count_components(items: &[Value]) -> usize {
    items
        .iter()
        .map(|c| {
            1 + c["components"]
                .as_array()
                .map_or(0, |inner| count_components(inner))
        })
        .sum()
}

/// Validates one message component and returns its width in the row (button 1, select 5).
fn component_errors(c: &Value, path: &str, errs: &mut FieldErrors) -> usize {
    let text = |errs: &mut FieldErrors, key: &str, min: usize, max: usize| match c[key].as_str() {
        Some(s) => errs.chars_between(&join(path, key), s, min, max),
        None if min > 0 => errs.required(&join(path, key)),
        None => {}
    };
    match c["type"].as_u64() {
        Some(2) => {
            let style = c["style"].as_u64().unwrap_or(0);
            match style {
                5 => {
                    url_errors(&c["url"], &join(path, "url"), &[], errs);
                    text(errs, "url", 1, 512);
                    if !c["custom_id"].is_null() {
                        errs.push(
                            &join(path, "custom_id"),
                            "BUTTON_LINK_CUSTOM_ID",
                            "Link buttons cannot have a custom_id",
                        );
                    }
                }
                6 => text(errs, "sku_id", 1, 20),
                1..=4 => text(errs, "custom_id", 1, 100),
                _ => errs.push(
                    &join(path, "style"),
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {1, 2, 3, 4, 5, 6}.",
                ),
            }
            text(errs, "label", 0, 80);
            1
        }
        Some(kind @ (3 | 5 | 6 | 7 | 8)) => {
            text(errs, "custom_id", 1, 100);
            text(errs, "placeholder", 0, 150);
            let min = c["min_values"].as_u64().unwrap_or(1);
            let max = c["max_values"].as_u64().unwrap_or(1);
            if min > 25 {
                errs.push(
                    &join(path, "min_values"),
                    "NUMBER_TYPE_MAX",
                    "int value should be <= 25.",
                );
            }
            if !(1..=25).contains(&max) {
                errs.push(
                    &join(path, "max_values"),
                    "NUMBER_TYPE_MAX",
                    "int value should be between 1 and 25.",
                );
            }
            if kind == 3 {
                let options = c["options"].as_array().map_or(&[][..], Vec::as_slice);
                if options.is_empty() || options.len() > 25 {
                    errs.push(
                        &join(path, "options"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.",
                    );
                }
                for (i, option) in options.iter().enumerate() {
                    let option_path = join(path, format!("options.{i}"));
                    for (key, min, max) in [
                        ("label", 1, 100),
                        ("value", 1, 100),
                        ("description", 0, 100),
                    ] {
                        match option[key].as_str() {
                            Some(s) => errs.chars_between(&join(&option_path, key), s, min, max),
                            None if min > 0 => errs.required(&join(&option_path, key)),
                            None => {}
                        }
                    }
                }
            }
            ROW_WIDTH
        }
        _ => {
            errs.push(
                &join(path, "type"),
                "UNION_TYPE_CHOICES",
                "Value is not a valid message component type.",
            );
            1
        }
    }
}

fn allowed_mentions_errors(mentions: &Value, path: &str, errs: &mut FieldErrors) {
    let parse: Vec<&str> = mentions["parse"]
        .as_array()
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (i, kind) in parse.iter().enumerate() {
        if !["users", "roles", "everyone"].contains(kind) {
            errs.push(
                &join(path, format!("parse.{i}")),
                "BASE_TYPE_CHOICES",
                "Value must be one of ('roles', 'users', 'everyone').",
            );
        }
    }
    for key in ["users", "roles"] {
        let ids = mentions[key].as_array().map_or(&[][..], Vec::as_slice);
        errs.max_items(&join(path, key), ids, 100);
        if !ids.is_empty() && parse.contains(&key) {
            errs.push(
                path,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                format!("parse:[\"{key}\"] and {key}: [ids...] are mutually exclusive."),
            );
        }
    }
}

fn choices_errors(data: &Value, errs: &mut FieldErrors) {
    let Some(choices) = data["choices"].as_array() else {
        errs.required("data.choices");
        return;
    };
    errs.max_items("data.choices", choices, 25);
    for (i, choice) in choices.iter().enumerate() {
        let path = format!("data.choices.{i}");
        match choice["name"].as_str() {
            Some(name) => errs.chars_between(&join(&path, "name"), name, 1, 100),
            None => errs.required(&join(&path, "name")),
        }
        match &choice["value"] {
            Value::String(value) => errs.max_chars(&join(&path, "value"), value, 100),
            Value::Number(_) => {}
            _ => errs.required(&join(&path, "value")),
        }
        check_locale_keys(
            &choice["name_localizations"],
            &join(&path, "name_localizations"),
            errs,
        );
    }
}

fn modal_errors(data: &Value, errs: &mut FieldErrors) {
    for (key, max) in [("custom_id", 100), ("title", 45)] {
        match data[key].as_str() {
            Some(s) => errs.chars_between(&join("data", key), s, 1, max),
            None => errs.required(&join("data", key)),
        }
    }
    let rows = data["components"].as_array().map_or(&[][..], Vec::as_slice);
    if rows.is_empty() || rows.len() > ROWS_MAX {
        errs.push(
            "data.components",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.",
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let path = format!("data.components.{r}");
        let inputs = row["components"].as_array().map_or(&[][..], Vec::as_slice);
        if row["type"] != 1 || inputs.len() != 1 || inputs[0]["type"] != 4 {
            errs.push(
                &path,
                "UNION_TYPE_CHOICES",
                "Each modal row must hold exactly one text input.",
            );
            continue;
        }
        let input = &inputs[0];
        let input_path = format!("{path}.components.0");
        for (key, min, max) in [
            ("custom_id", 1, 100),
            ("label", 1, 45),
            ("value", 0, 4000),
            ("placeholder", 0, 100),
        ] {
            match input[key].as_str() {
                Some(s) => errs.chars_between(&join(&input_path, key), s, min, max),
                None if min > 0 => errs.required(&join(&input_path, key)),
                None => {}
            }
        }
        if !matches!(input["style"].as_u64(), Some(1 | 2)) {
            errs.push(
                &join(&input_path, "style"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {1, 2}.",
            );
        }
        for (key, min) in [("min_length", 0), ("max_length", 1)] {
            if input[key]
                .as_u64()
                .is_some_and(|n| !(min..=4000).contains(&n))
            {
                errs.push(
                    &join(&input_path, key),
                    "NUMBER_TYPE_MAX",
                    "int value should be <= 4000.",
                );
            }
        }
    }
}
