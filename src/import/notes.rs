//! Milestone facts in the format of `data/milestones.csv`:
//! `subject_kind,subject,act_id,text,as_of,publisher,title,url,published_on`.
//!
//! A `market` note's subject is `exports` (the market as a whole) or the period it is about
//! (`2022`, `2023-H1`): it is shown with the answers for that period only.

use super::exports::source_columns;
use super::{ImportError, optional, read_csv};
use crate::domain::chart::{parse_chart_date, title_key};
use crate::domain::period::Period;
use crate::domain::source::NoteText;
use crate::store::{Action, Actor, Change, NewSource, NoteRow, WriteTx};

const HEADER: [&str; 9] = [
    "subject_kind",
    "subject",
    "act_id",
    "text",
    "as_of",
    "publisher",
    "title",
    "url",
    "published_on",
];

/// What a market note is filed under.
pub const MARKET_KEY: &str = "exports";

struct Row {
    note: NoteRow,
    source: NewSource,
}

/// Imports milestone notes; returns how many were added.
pub async fn import(tx: &mut WriteTx, data: &[u8], actor: &Actor) -> Result<usize, ImportError> {
    let rows = read_csv(data, &HEADER, |r, _| {
        let kind = r[0].trim();
        let subject = optional(&r[1]).ok_or("subject is empty")?;
        let (key, label) = match kind {
            "market" if subject == MARKET_KEY => {
                (MARKET_KEY.to_string(), "K-pop album exports".to_string())
            }
            "market" => {
                let period = Period::parse(subject).map_err(|_| {
                    format!("a market note's subject `{subject}` must be {MARKET_KEY} or a period such as 2022")
                })?;
                (
                    period.label(),
                    format!("K-pop album exports, {}", period.label()),
                )
            }
            "title" => (title_key(subject), subject.to_string()),
            "act" => (subject.to_string(), subject.to_string()),
            other => {
                return Err(format!(
                    "subject_kind `{other}` must be market, title or act"
                ));
            }
        };
        let as_of = r[4].trim();
        let as_of = parse_chart_date(as_of)
            .ok_or_else(|| format!("as_of `{as_of}` is not a YYYY-MM-DD date"))?;
        let text = NoteText::parse(&r[3]).map_err(|e| format!("text: {e}"))?;
        let published_on = optional(&r[8])
            .map(|d| {
                parse_chart_date(d)
                    .ok_or_else(|| format!("published_on `{d}` is not a YYYY-MM-DD date"))
            })
            .transpose()?;
        Ok(Row {
            note: NoteRow {
                id: 0,
                subject_kind: kind.to_string(),
                subject_key: key,
                subject_label: label,
                act_id: optional(&r[2]).map(str::to_string),
                text: text.as_str().to_string(),
                as_of,
                source_id: 0,
            },
            source: source_columns(&r[5], &r[6], &r[7], published_on)?,
        })
    })?;
    for row in &rows {
        let mut note = row.note.clone();
        note.source_id = tx.upsert_source(&row.source).await?;
        if note.subject_kind == "act" {
            let name = tx.act_name(&note.subject_key).await?;
            note.subject_label =
                name.ok_or_else(|| anyhow::anyhow!("no act `{}`", note.subject_key))?;
        }
        note.id = tx.insert_note(&note).await?;
        tx.audit(Change {
            actor,
            guild_id: None,
            action: Action::NoteAdd,
            target: format!("note:{}", note.id),
            before: None,
            after: Some(serde_json::to_value(&note).map_err(anyhow::Error::from)?),
            undoes: None,
            batch: None,
        })
        .await?;
    }
    Ok(rows.len())
}
