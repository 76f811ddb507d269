//! Acts in the format of `data/kpop_acts.csv`: names, Hangul, aliases, the tokens that
//! recognise them in chart credits, and the groups soloists belong to (`member_of`).

use std::collections::HashSet;

use super::{ImportError, LineError, optional, read_csv};
use crate::domain::chart::parse_chart_date;
use crate::store::{ActRow, AliasKind, WriteTx};

const HEADER: [&str; 22] = [
    "act_id",
    "name",
    "is_kpop",
    "in_brief_list",
    "type",
    "hangul",
    "aliases",
    "billboard_match_tokens",
    "match_case_sensitive",
    "min_chart_date",
    "hot100_credits",
    "hot100_first_chart_date",
    "hot100_chart_weeks",
    "hot100_entries",
    "hot100_best_position",
    "billboard200_credits",
    "billboard200_first_chart_date",
    "billboard200_chart_weeks",
    "billboard200_entries",
    "billboard200_best_position",
    "notes",
    "member_of",
];

struct Act {
    line: u64,
    row: ActRow,
    aliases: Vec<String>,
    tokens: Vec<String>,
    case_sensitive: bool,
    since: String,
    member_of: Vec<String>,
}

fn list(s: &str, sep: &str) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn yes_no(s: &str, what: &str) -> Result<bool, String> {
    match s.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(format!("{what} `{other}` must be yes or no")),
    }
}

/// Reads the file, checking that every `member_of` names another act of the file.
fn read(data: &[u8]) -> Result<Vec<Act>, ImportError> {
    let acts = read_csv(data, &HEADER, |r, line| {
        let id = optional(&r[0]).ok_or("act_id is empty")?.to_string();
        let since = r[9].trim().to_string();
        parse_chart_date(&since)
            .ok_or_else(|| format!("min_chart_date `{since}` is not a date"))?;
        let hangul = list(&r[5], " / ");
        let mut aliases = list(&r[6], " | ");
        aliases.extend(hangul.iter().cloned());
        Ok(Act {
            line,
            row: ActRow {
                id,
                name: optional(&r[1]).ok_or("name is empty")?.to_string(),
                hangul: optional(&r[5]).map(str::to_string),
                kind: r[4].trim().to_string(),
                is_kpop: yes_no(&r[2], "is_kpop")?,
            },
            aliases,
            tokens: list(&r[7], " | "),
            case_sensitive: yes_no(&r[8], "match_case_sensitive")?,
            since,
            member_of: list(&r[21], " | "),
        })
    })?;
    let ids: HashSet<&str> = acts.iter().map(|a| a.row.id.as_str()).collect();
    let errors: Vec<LineError> = acts
        .iter()
        .flat_map(|a| {
            a.member_of
                .iter()
                .filter(|g| !ids.contains(g.as_str()) || **g == a.row.id)
                .map(|g| LineError {
                    line: a.line,
                    message: format!("member_of `{g}` is not another act of the file"),
                })
        })
        .collect();
    if errors.is_empty() {
        Ok(acts)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// Imports the acts; returns how many were read.
pub async fn import(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let acts = read(data)?;
    for act in &acts {
        tx.upsert_act(&act.row).await?;
        for token in &act.tokens {
            tx.set_act_token(&act.row.id, token, act.case_sensitive, &act.since)
                .await?;
        }
        for alias in act.aliases.iter().chain([&act.row.name]) {
            tx.add_alias(AliasKind::Act, &act.row.id, alias).await?;
        }
    }
    set_groups(tx, &acts).await?;
    Ok(acts.len())
}

/// Applies only the file's `member_of` column, to acts already stored: a store seeded before
/// the column existed learns its groups without its names or aliases being touched.
pub async fn import_groups(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let acts = read(data)?;
    set_groups(tx, &acts).await
}

async fn set_groups(tx: &mut WriteTx, acts: &[Act]) -> Result<usize, ImportError> {
    let stored: HashSet<String> = tx.act_ids().await?.into_iter().collect();
    let mut set = 0;
    for act in acts.iter().filter(|a| stored.contains(&a.row.id)) {
        let groups: Vec<String> = act
            .member_of
            .iter()
            .filter(|g| stored.contains(*g))
            .cloned()
            .collect();
        tx.set_act_groups(&act.row.id, &groups).await?;
        set += groups.len();
    }
    Ok(set)
}

/// Adds the aliases (and Hangul names) of acts already in the store that no act has yet and no
/// editor ever changed: an editor's removal or reassignment of an alias stands. Returns how many were added.
pub async fn add_new_aliases(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let names = read_csv(data, &HEADER, |r, _| {
        let id = optional(&r[0]).ok_or("act_id is empty")?.to_string();
        let mut aliases = list(&r[6], " | ");
        aliases.extend(list(&r[5], " / "));
        Ok((id, aliases))
    })?;
    let mut taken: Vec<String> = tx
        .alias_keys(AliasKind::Act)
        .await?
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    // An alias an editor ever changed (removed, above all) is theirs: it is not added back.
    taken.extend(tx.edited_alias_keys(AliasKind::Act).await?);
    let known = tx.act_ids().await?;
    let mut added = 0;
    for (id, aliases) in names.iter().filter(|(id, _)| known.contains(id)) {
        for alias in aliases {
            if !taken.contains(&crate::domain::text::key(alias))
                && tx.add_alias(AliasKind::Act, id, alias).await?.is_some()
            {
                added += 1;
            }
        }
    }
    Ok(added)
}
