//! Application command routes, global (`guild = None`) and per guild: list, bulk overwrite,
//! create (upsert by name), get, edit, delete. Every accepted write counts in `command_writes`.

use serde_json::{Value, json};

use super::super::command_schema::{check_command, check_command_list};
use super::super::errors::FieldErrors;
use super::{ApiError, Ctx, Handled, Inner, Reply, Request, objects};

pub(super) fn collection(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    app: u64,
    guild: Option<u64>,
) -> Handled {
    check_scope(ctx, app, guild)?;
    match req.method.as_str() {
        "GET" => Ok(Reply::ok(
            inner
                .commands
                .get(&guild)
                .cloned()
                .unwrap_or_default()
                .into(),
        )),
        "PUT" => {
            let mut errs = FieldErrors::default();
            let list = match req.json()? {
                Value::Array(list) => list.as_slice(),
                _ => {
                    errs.push("", "BASE_TYPE_ARRAY", "Must be an array.");
                    &[]
                }
            };
            check_command_list(list, &mut errs);
            errs.into_result()?;
            let old = inner.commands.remove(&guild).unwrap_or_default();
            let set: Vec<Value> = list
                .iter()
                .map(|body| stored(ctx, guild, old.iter().find(|c| same_key(c, body)), body))
                .collect();
            inner.commands.insert(guild, set.clone());
            inner.command_writes += 1;
            Ok(Reply::ok(set.into()))
        }
        "POST" => {
            let body = req.json()?;
            let mut errs = FieldErrors::default();
            check_command(body, "", &mut errs);
            errs.into_result()?;
            let set = inner.commands.entry(guild).or_default();
            inner.command_writes += 1;
            // Creating a command with an existing name overwrites it (200); a new one is 201.
            Ok(match set.iter().position(|c| same_key(c, body)) {
                Some(i) => {
                    set[i] = stored(ctx, guild, Some(&set[i]), body);
                    Reply::ok(set[i].clone())
                }
                None => {
                    set.push(stored(ctx, guild, None, body));
                    Reply::json(201, set[set.len() - 1].clone())
                }
            })
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

pub(super) fn single(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    app: u64,
    guild: Option<u64>,
    command: u64,
) -> Handled {
    check_scope(ctx, app, guild)?;
    let set = inner.commands.entry(guild).or_default();
    let index = set
        .iter()
        .position(|c| objects::id_text(&c["id"]) == command.to_string())
        .ok_or_else(|| ApiError::new(404, 10063, "Unknown application command"))?;
    match req.method.as_str() {
        "GET" => Ok(Reply::ok(set[index].clone())),
        "PATCH" => {
            let mut merged = set[index].clone();
            if let (Some(target), Value::Object(changes)) = (merged.as_object_mut(), req.json()?) {
                target.extend(changes.clone());
            }
            let mut errs = FieldErrors::default();
            check_command(&merged, "", &mut errs);
            errs.into_result()?;
            set[index] = stored(ctx, guild, Some(&set[index]), &merged);
            inner.command_writes += 1;
            Ok(Reply::ok(set[index].clone()))
        }
        "DELETE" => {
            set.remove(index);
            inner.command_writes += 1;
            Ok(Reply::no_content())
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// Another application's commands, or a guild the bot is not in, are out of reach.
fn check_scope(ctx: &Ctx<'_>, app: u64, guild: Option<u64>) -> Result<(), ApiError> {
    let guild_known = guild.is_none_or(|g| ctx.cfg.guild_ids.contains(&g));
    if app != ctx.cfg.application_id || !guild_known {
        return Err(ApiError::missing_access());
    }
    Ok(())
}

/// Commands are identified by type and name.
fn same_key(existing: &Value, body: &Value) -> bool {
    let kind = |c: &Value| c["type"].as_u64().unwrap_or(1);
    kind(existing) == kind(body) && existing["name"] == body["name"]
}

/// The command object Discord stores and returns. An overwrite keeps the id, and the version
/// too when nothing changed.
fn stored(ctx: &Ctx<'_>, guild: Option<u64>, existing: Option<&Value>, body: &Value) -> Value {
    let or = |key: &str, default: Value| {
        body.get(key)
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or(default)
    };
    let id = existing.map_or_else(
        || objects::snowflake().to_string(),
        |e| objects::id_text(&e["id"]),
    );
    let mut command = json!({
        "id": id,
        "application_id": ctx.cfg.application_id.to_string(),
        "version": existing.map_or(Value::Null, |e| e["version"].clone()),
        "type": or("type", 1.into()),
        "name": body["name"],
        "name_localizations": or("name_localizations", Value::Null),
        "description": or("description", "".into()),
        "description_localizations": or("description_localizations", Value::Null),
        "default_member_permissions": or("default_member_permissions", Value::Null),
        "nsfw": or("nsfw", false.into()),
    });
    if let Some(options) = body["options"].as_array().filter(|o| !o.is_empty()) {
        command["options"] = options.clone().into();
    }
    match guild {
        Some(guild) => command["guild_id"] = guild.to_string().into(),
        None => {
            command["dm_permission"] = or("dm_permission", true.into());
            command["integration_types"] = or("integration_types", json!([0]));
            command["contexts"] = or("contexts", Value::Null);
        }
    }
    if existing != Some(&command) {
        command["version"] = objects::snowflake().to_string().into();
    }
    command
}
