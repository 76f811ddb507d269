//! Acts in the format of `data/kpop_acts.csv`: names, Hangul, aliases and the tokens that
//! recognise them in chart credits.

use super::{ImportError, optional, read_csv};
use crate::domain::chart::parse_chart_date;
use crate::store::{ActRow, AliasKind, WriteTx};

const HEADER: [&str; 21] = [
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
];

struct Act {
    row: ActRow,
    aliases: Vec<String>,
    tokens: Vec<String>,
    case_sensitive: bool,
    since: String,
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

/// Imports the acts; returns how many were read.
pub async fn import(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let acts = read_csv(data, &HEADER, |r, _| {
        let id = optional(&r[0]).ok_or("act_id is empty")?.to_string();
        let since = r[9].trim().to_string();
        parse_chart_date(&since)
            .ok_or_else(|| format!("min_chart_date `{since}` is not a date"))?;
        let hangul = list(&r[5], " / ");
        let mut aliases = list(&r[6], " | ");
        aliases.extend(hangul.iter().cloned());
        Ok(Act {
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
        })
    })?;
    for act in &acts {
        tx.upsert_act(&act.row).await?;
        for token in &act.tokens {
            sqlx::query(
                "INSERT OR REPLACE INTO act_tokens (act_id, token, case_sensitive, since) VALUES (?, ?, ?, ?)",
            )
            .bind(&act.row.id)
            .bind(token)
            .bind(act.case_sensitive)
            .bind(&act.since)
            .execute(tx.conn())
            .await?;
        }
        for alias in act.aliases.iter().chain([&act.row.name]) {
            tx.add_alias(AliasKind::Act, &act.row.id, alias).await?;
        }
    }
    Ok(acts.len())
}

/// Adds the aliases (and Hangul names) of acts already in the store that no act has yet: an
/// editor's removal or reassignment of an older alias stands. Returns how many were added.
pub async fn add_new_aliases(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let names = read_csv(data, &HEADER, |r, _| {
        let id = optional(&r[0]).ok_or("act_id is empty")?.to_string();
        let mut aliases = list(&r[6], " | ");
        aliases.extend(list(&r[5], " / "));
        Ok((id, aliases))
    })?;
    let taken: Vec<String> = sqlx::query_scalar("SELECT alias_key FROM aliases WHERE kind = 'act'")
        .fetch_all(tx.conn())
        .await?;
    let known: Vec<String> = sqlx::query_scalar("SELECT id FROM acts")
        .fetch_all(tx.conn())
        .await?;
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
