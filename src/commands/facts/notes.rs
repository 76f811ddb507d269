//! `/facts add-note`, `edit-note` (a form pre-filled with the current text) and `remove-note`.

use chrono::Utc;

use super::{authorize, done, refusal};
use crate::app::App;
use crate::app::search::Match;
use crate::commands::command::{AddNote, EditNote, RemoveNote};
use crate::commands::{Caller, CommandError, CommandResult, user_error};
use crate::domain::chart::{parse_chart_date, title_key};
use crate::domain::source::{MAX_NOTE, NoteText};
use crate::domain::text::{self, truncate};
use crate::edits::{self, Subject, Who};
use crate::i18n::{Locale, msg, t};
use crate::import::notes::MARKET_KEY;
use crate::reply::{Modal, Reply, TextInput};

/// Words that file a note under the export market rather than an act or a title.
const MARKET_WORDS: &[&str] = &["exports", "export", "market", "수출", "輸出"];

fn note_text(text: &str, locale: Locale) -> Result<NoteText, CommandError> {
    NoteText::parse(text).map_err(|e| user_error(locale, msg::facts_bad_text(&e.to_string())))
}

fn id(text: &str, locale: Locale) -> Result<i64, CommandError> {
    text.trim_start_matches('#')
        .parse()
        .map_err(|_| user_error(locale, msg::facts_bad_id(&truncate(text, 20))))
}

/// What a note is about: the export market, an act, or a title that charted.
async fn subject(app: &App, input: &str, locale: Locale) -> Result<Subject, CommandError> {
    if MARKET_WORDS.contains(&text::fold(input).as_str()) {
        return Ok(Subject {
            kind: "market",
            key: MARKET_KEY.into(),
            label: "K-pop album exports".into(),
            act_id: None,
        });
    }
    let ix = app.indexes().await?;
    if let Some((Match::Exact, act)) = ix.search.find_acts(input).first() {
        return Ok(Subject {
            kind: "act",
            key: act.row.id.clone(),
            label: act.row.name.clone(),
            act_id: Some(act.row.id.clone()),
        });
    }
    let found = ix.search.find_titles(input, &Default::default(), 1);
    if let Some((Match::Exact, song)) = found.hits.first() {
        let act_id = song
            .acts
            .first()
            .map(|&a| ix.search.acts()[usize::from(a)].row.id.clone());
        return Ok(Subject {
            kind: "title",
            key: title_key(song.title),
            label: song.title.to_string(),
            act_id,
        });
    }
    Err(user_error(
        locale,
        msg::facts_unknown_subject(&truncate(input, 60)),
    ))
}

pub async fn add(app: &App, asked: &AddNote, locale: Locale, who: &Who) -> CommandResult {
    let subject = subject(app, &asked.subject, locale).await?;
    let text = note_text(&asked.text, locale)?;
    let today = Utc::now().date_naive();
    let as_of = match asked.date.as_deref() {
        None => today,
        Some(d) => parse_chart_date(d)
            .filter(|d| *d <= today)
            .ok_or_else(|| user_error(locale, msg::facts_bad_date(&truncate(d, 20))))?,
    };
    let source = super::exports::source(&asked.source, locale)?;
    let (note, change) = edits::add_note(app.store(), who, &subject, &text, as_of, &source)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_note_added(&note.to_string(), &subject.label),
        change,
    ))
}

/// With `text`, saves it; without, opens a form holding the current text.
pub async fn edit(app: &App, asked: &EditNote, locale: Locale, who: &Who) -> CommandResult {
    let id = id(&asked.id, locale)?;
    if let Some(text) = asked.text.as_deref() {
        let text = note_text(text, locale)?;
        let change = edits::edit_note(app.store(), who, id, &text)
            .await
            .map_err(|e| refusal(e, locale))?;
        return Ok(done(
            locale,
            msg::facts_note_edited(&id.to_string()),
            change,
        ));
    }
    let note = app
        .store()
        .note(id)
        .await?
        .ok_or_else(|| user_error(locale, msg::facts_not_found()))?;
    Ok(Reply {
        modal: Some(Modal {
            custom_id: format!("note-edit:{id}"),
            title: t(locale, msg::facts_edit_note_title(&id.to_string())),
            inputs: vec![TextInput {
                custom_id: "text".into(),
                label: t(locale, msg::facts_edit_note_label()),
                value: Some(note.text),
                long: true,
                max_length: MAX_NOTE as u16,
            }],
        }),
        ..Reply::default()
    })
}

/// The form of `edit-note` submitted.
pub async fn save_note_edit(app: &App, id: i64, text: &str, caller: &Caller) -> CommandResult {
    let locale = caller.locale;
    let who = authorize(app, caller).await?;
    let text = NoteText::parse(text)
        .map_err(|e| user_error(locale, msg::facts_bad_text(&e.to_string())))?;
    let change = edits::edit_note(app.store(), &who, id, &text)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_note_edited(&id.to_string()),
        change,
    ))
}

pub async fn remove(app: &App, asked: &RemoveNote, locale: Locale, who: &Who) -> CommandResult {
    let id = id(&asked.id, locale)?;
    let change = edits::remove_note(app.store(), who, id)
        .await
        .map_err(|e| refusal(e, locale))?;
    Ok(done(
        locale,
        msg::facts_note_removed(&id.to_string()),
        change,
    ))
}
