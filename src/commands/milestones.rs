//! Milestone notes as answers show them: each with its as-of date and source, marked when it is
//! written in another language than the answer, and, when later chart weeks overtook what it
//! claims, listed with the earlier milestones together with what changed since.

use crate::app::Indexes;
use crate::domain::chart::{display_date, display_day};
use crate::domain::claim::{Claim, Since};
use crate::domain::credited::CreditedWeek;
use crate::i18n::{Locale, msg, t};
use crate::reply::Embed;
use crate::reply::limits::lines_within;
use crate::store::NoteRow;

/// Characters each list of notes may take, so the answer's other fields keep their room.
const MAX_CHARS: usize = 700;

/// The weeks a note's claim is checked against: per run, its id and the subject's credited
/// weeks on the claim's chart, oldest first.
pub type Evidence<'a> = Vec<(i64, &'a [CreditedWeek])>;

/// Adds the notes to `embed`: a "Milestones" field for those still current, an "Earlier
/// milestones" field for those later weeks overtook. `evidence` gives, for a note and its claim,
/// the weeks to check it against.
pub fn add<'n, 'w>(
    embed: Embed,
    ix: &Indexes,
    notes: impl IntoIterator<Item = &'n NoteRow>,
    evidence: impl Fn(&NoteRow, Claim) -> Evidence<'w>,
    locale: Locale,
) -> Embed {
    let mut current = Vec::new();
    let mut history = Vec::new();
    for note in notes {
        let since = Claim::read(&note.text)
            .and_then(|claim| claim.overtaken(note.as_of, evidence(note, claim)));
        match since {
            None => current.push(line(ix, note, locale)),
            Some(since) => history.push(history_line(ix, note, since, locale)),
        }
    }
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    let mut embed = embed;
    if !current.is_empty() {
        embed = embed.field(
            t(locale, msg::milestones()),
            lines_within(&current, MAX_CHARS, more),
            false,
        );
    }
    if !history.is_empty() {
        embed = embed.field(
            t(locale, msg::milestones_history()),
            lines_within(&history, MAX_CHARS, more),
            false,
        );
    }
    embed
}

/// A note's claim applies to `chart` when it names no chart or names this one.
pub fn about_chart(note: &NoteRow, chart: crate::domain::chart::Chart) -> bool {
    Claim::read(&note.text).is_none_or(|c| c.chart() == chart)
}

fn line(ix: &Indexes, note: &NoteRow, locale: Locale) -> String {
    t(
        locale,
        msg::milestone_line(
            &text(note, locale),
            &t(locale, msg::as_of(&date(note, locale))),
            &source(ix, note),
        ),
    )
}

fn history_line(ix: &Indexes, note: &NoteRow, since: Since, locale: Locale) -> String {
    let since = match since {
        Since::Peak {
            position,
            date,
            song_id,
        } => t(
            locale,
            msg::milestone_since_peak(
                &position.to_string(),
                &display_date(&date.to_string(), locale),
                ix.search.song_by_id(song_id).map_or("?", |s| s.title),
            ),
        ),
        Since::Weeks(weeks) => t(locale, msg::milestone_since_weeks(&weeks.to_string())),
        Since::Streak(weeks) => t(locale, msg::milestone_since_streak(&weeks.to_string())),
    };
    t(
        locale,
        msg::milestone_history_line(
            &date(note, locale),
            &text(note, locale),
            &since,
            &source(ix, note),
        ),
    )
}

fn date(note: &NoteRow, locale: Locale) -> String {
    display_day(note.as_of, locale)
}

/// The note's text, marked with its language when the answer is in another one: notes are
/// kept as their source wrote them, not machine-translated.
fn text(note: &NoteRow, locale: Locale) -> String {
    let written = written_in(&note.text);
    if written == locale {
        return note.text.clone();
    }
    let language = t(
        locale,
        match written {
            Locale::En => msg::language_en(),
            Locale::Ko => msg::language_ko(),
            Locale::Ja => msg::language_ja(),
        },
    );
    format!(
        "{} {}",
        note.text,
        t(locale, msg::milestone_original(&language))
    )
}

/// The language a note is written in, by its script: Hangul is Korean, kana or kanji Japanese,
/// anything else English (the language of the sources notes quote).
fn written_in(text: &str) -> Locale {
    let hangul = |c: char| matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}');
    let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}');
    if text.chars().any(hangul) {
        Locale::Ko
    } else if text.chars().any(japanese) {
        Locale::Ja
    } else {
        Locale::En
    }
}

/// The publisher, linked when the source has an address.
fn source(ix: &Indexes, note: &NoteRow) -> String {
    match ix.facts.note_source(note) {
        Some(s) => {
            let name = s.publisher.replace('[', "(").replace(']', ")");
            match &s.url {
                Some(url) => format!("[{name}]({url})"),
                None => name,
            }
        }
        None => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_languages_by_script() {
        assert_eq!(written_in("TWICE have peaked at No. 2."), Locale::En);
        assert_eq!(written_in("@everyone **보라해** 💜"), Locale::Ko);
        assert_eq!(written_in("ビルボード200で1位"), Locale::Ja);
        assert_eq!(written_in("初登場1位"), Locale::Ja);
    }
}
