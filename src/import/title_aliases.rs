//! Other names of chart titles, in the format of `data/title_aliases.csv`: the Korean and
//! Japanese names fans type for a title, each row naming the entry (chart, title as Billboard
//! prints it, act), the name, its language and where it is printed (or `transliteration`).

use std::collections::HashMap;

use super::{ImportError, LineError, optional, read_csv};
use crate::domain::chart::{Chart, title_key};
use crate::domain::text;
use crate::store::{AliasKind, WriteTx};

const HEADER: [&str; 6] = ["chart", "title", "act_id", "alias", "language", "source"];

/// The languages an alias may be in.
const LANGUAGES: [&str; 3] = ["ko", "ja", "en"];

/// Longer than any title; the limit `/facts add-alias` keeps too.
const MAX_ALIAS: usize = 100;

struct Row {
    line: u64,
    target: String,
    alias: String,
}

/// Adds the aliases; returns how many rows were read. An alias that already names another
/// title in the store is left to it (an editor's choice stands); two rows giving one alias to
/// two titles are an error.
pub async fn import(tx: &mut WriteTx, data: &[u8]) -> Result<usize, ImportError> {
    let acts = tx.act_ids().await?;
    let rows = read_csv(data, &HEADER, |r, line| {
        Chart::parse(&r[0]).ok_or_else(|| format!("chart `{}` is not a chart", &r[0]))?;
        let title = optional(&r[1]).ok_or("title is empty")?;
        let act = optional(&r[2]).ok_or("act_id is empty")?;
        if !acts.iter().any(|a| a == act) {
            return Err(format!("act_id `{act}` is not an act"));
        }
        let alias = text::clean(&r[3]).trim().to_string();
        if text::key(&alias).is_empty() || alias.chars().count() > MAX_ALIAS {
            return Err(format!(
                "alias `{alias}` needs a letter or digit and at most {MAX_ALIAS} characters"
            ));
        }
        let language = r[4].trim();
        if !LANGUAGES.contains(&language) {
            return Err(format!(
                "language `{language}` must be one of {}",
                LANGUAGES.join(", ")
            ));
        }
        optional(&r[5])
            .ok_or("source is empty: name where the alias is printed, or `transliteration`")?;
        Ok(Row {
            line,
            target: title_key(title),
            alias,
        })
    })?;
    let mut named: HashMap<String, &Row> = HashMap::new();
    let mut errors = Vec::new();
    for row in &rows {
        match named.get(&text::key(&row.alias)) {
            Some(other) if other.target != row.target => errors.push(LineError {
                line: row.line,
                message: format!(
                    "alias `{}` already names another title (line {})",
                    row.alias, other.line
                ),
            }),
            _ => {
                named.insert(text::key(&row.alias), row);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let taken = tx.alias_keys(AliasKind::Title).await?;
    for row in &rows {
        let key = text::key(&row.alias);
        if taken.iter().any(|(k, t)| *k == key && *t != row.target) {
            continue;
        }
        tx.add_alias(AliasKind::Title, &row.target, &row.alias)
            .await?;
    }
    Ok(rows.len())
}
