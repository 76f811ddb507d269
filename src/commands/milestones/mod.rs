//! Milestones as answers show them: those computed from the chart data first (`computed`),
//! then the typed notes. A note whose claim the data can check is not shown as current: the
//! computed line says what it claims, with its weeks; a note later weeks overtook, or one the
//! data says otherwise about, is listed with the earlier milestones together with what the data
//! says. A note the data cannot check is shown with its as-of date and source, marked when it is
//! written in another language than the answer.

pub mod computed;

use crate::app::Indexes;
use crate::app::records::{ActKind, Entry, FirstKind, Who};
use crate::domain::chart::{Chart, display_date, display_day};
use crate::domain::claim::{By, Claim, Feat, Proof, Since, Verdict};
use crate::domain::credited::CreditedWeek;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::Embed;
use crate::reply::limits::lines_within;
use crate::store::NoteRow;

pub use computed::Computed;

/// Characters each list of milestones may take, so the answer's other fields keep their room,
/// and the part of it the notes may take, so the computed lines keep theirs.
const MAX_CHARS: usize = 1000;
const NOTES_CHARS: usize = 450;

/// The weeks a note's claim is checked against: per run, its id and the subject's credited
/// weeks on the claim's chart, oldest first.
pub type Evidence<'a> = Vec<(i64, &'a [CreditedWeek])>;

/// What a note is about, for the firsts it may claim: a run, an act's runs, or neither (a
/// market note), which no first is checked for.
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    Song(i64),
    Act(&'a str),
    Market,
}

/// What the answer shows of one note.
enum Shown {
    Current(String),
    /// Said by a computed line: the one given, or one already shown.
    Said(Option<String>),
    /// What the data says instead or since, and the computed line of today's data when no
    /// other line says it.
    Earlier(String, Option<String>),
}

/// Adds a "Milestones" field (the computed lines, then the notes still current) and an
/// "Earlier milestones" field (notes overtaken or contradicted by the data) to `embed`.
/// `evidence` gives, for a note and its claim, the weeks to check it against; `subject` what a
/// note is about.
pub fn add<'n, 'w, 's>(
    embed: Embed,
    ix: &Indexes,
    computed: Computed,
    notes: impl IntoIterator<Item = &'n NoteRow>,
    evidence: impl Fn(&NoteRow, Claim) -> Evidence<'w>,
    subject: impl Fn(&NoteRow) -> Subject<'s>,
    locale: Locale,
) -> Embed {
    let mut said = Vec::new();
    let mut current = Vec::new();
    let mut history = Vec::new();
    for note in notes {
        let proof = match shown(ix, &computed, note, &evidence, subject(note), locale) {
            Shown::Current(line) => {
                current.push(line);
                None
            }
            Shown::Said(proof) => proof,
            Shown::Earlier(instead, proof) => {
                history.push(history_line(ix, note, &instead, locale));
                proof
            }
        };
        if let Some(line) = proof.filter(|l| !said.contains(l)) {
            said.push(line);
        }
    }
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    let notes: Vec<String> = said.into_iter().chain(current).collect();
    let notes = lines_within(&notes, NOTES_CHARS, more);
    let room = MAX_CHARS - notes.chars().count() - 1;
    let records = |n: usize| t(locale, msg::milestone_more_records(&n.to_string()));
    let computed = lines_within(&computed.lines, room, records);
    let value = [computed, notes]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut embed = embed;
    if !value.is_empty() {
        embed = embed.field(t(locale, msg::milestones()), value, false);
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

/// One note held against the data.
fn shown<'w>(
    ix: &Indexes,
    computed: &Computed,
    note: &NoteRow,
    evidence: &impl Fn(&NoteRow, Claim) -> Evidence<'w>,
    subject: Subject<'_>,
    locale: Locale,
) -> Shown {
    let Some(claim) = Claim::read(&note.text) else {
        return Shown::Current(line(ix, note, locale));
    };
    let chart = claim.chart();
    if let Claim::First { feat, by, .. } = claim {
        return match first(ix, chart, feat, by, subject) {
            None => Shown::Current(line(ix, note, locale)),
            Some(Ok(kind)) if computed.firsts.iter().any(|f| held(f, subject, kind, by)) => {
                Shown::Said(None)
            }
            // Held, but not among the lines (cut for room): the note stands.
            Some(Ok(_)) => Shown::Current(line(ix, note, locale)),
            Some(Err(instead)) => Shown::Earlier(instead_first(ix, &instead, feat, locale), None),
        };
    }
    // Today's data in a computed line, unless one already says it.
    let said = |proof: Proof| {
        let peak = matches!(proof, Proof::Peak { .. } | Proof::Reached { .. });
        (!(peak && computed.peaks.contains(&chart)))
            .then(|| computed::cite(ix, chart, proof_text(ix, proof, locale), locale))
    };
    match claim.check(note.as_of, evidence(note, claim)) {
        None => Shown::Current(line(ix, note, locale)),
        Some(Verdict::Confirmed(proof)) => Shown::Said(said(proof)),
        Some(Verdict::Overtaken { since, now }) => {
            Shown::Earlier(since_text(ix, since, locale), said(now))
        }
        Some(Verdict::Contradicted(proof)) => Shown::Earlier(instead_text(ix, proof, locale), None),
    }
}

/// Whether a first named by the computed lines is the subject's first of `kind` by `by`.
fn held(
    (song, kind_named, acts): &computed::Named,
    subject: Subject<'_>,
    kind: FirstKind,
    by: By,
) -> bool {
    let whose = match by {
        By::Group => *acts == ActKind::Group,
        By::Soloist => *acts != ActKind::Group,
        By::Act => true,
    };
    let mine = match subject {
        Subject::Song(id) => *song == id,
        Subject::Act(_) | Subject::Market => true,
    };
    *kind_named == kind && whose && mine
}

fn first_kind(feat: Feat) -> FirstKind {
    match feat {
        Feat::Entry => FirstKind::Entry,
        Feat::TopTen => FirstKind::TopTen,
        Feat::NumberOne => FirstKind::NumberOne,
        Feat::NumberOneDebut => FirstKind::NumberOneDebut,
    }
}

/// The first a claim names, as the records have it: Ok when the subject holds it, else the
/// entries that do (none yet: empty). None when the subject is not a K-pop act's.
fn first(
    ix: &Indexes,
    chart: Chart,
    feat: Feat,
    by: By,
    subject: Subject<'_>,
) -> Option<Result<FirstKind, Vec<Entry>>> {
    let kind = first_kind(feat);
    let mine = |e: &Entry| match subject {
        Subject::Song(id) => e.song() == id,
        Subject::Act(act) => ix.acts.credited(act, e.song()).is_some(),
        Subject::Market => false,
    };
    match subject {
        Subject::Act(act) => {
            ix.records.act_index(act)?;
        }
        Subject::Market => return None,
        Subject::Song(_) => {}
    }
    let who = match by {
        By::Group => Who::Groups,
        By::Soloist => Who::Soloists,
        By::Act => Who::Kpop,
    };
    let mut entries: Vec<Entry> = ix
        .records
        .firsts(Some(chart), who, None)
        .into_iter()
        .flat_map(|(_, firsts)| firsts)
        .filter(|f| f.kind == kind)
        .flat_map(|f| f.entries)
        .collect();
    // Any K-pop act's first: the earlier of the groups' and the soloists'.
    if let Some(earliest) = entries.iter().map(|e| computed::first_date(kind, e)).min() {
        entries.retain(|e| computed::first_date(kind, e) == earliest);
    }
    Some(if entries.iter().any(mine) {
        Ok(kind)
    } else {
        Err(entries)
    })
}

/// A note's claim applies to `chart` when it names no chart or names this one.
pub fn about_chart(note: &NoteRow, chart: Chart) -> bool {
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

fn history_line(ix: &Indexes, note: &NoteRow, since: &str, locale: Locale) -> String {
    t(
        locale,
        msg::milestone_history_line(
            &date(note, locale),
            &text(note, locale),
            since,
            &source(ix, note),
        ),
    )
}

/// What later weeks changed.
fn since_text(ix: &Indexes, since: Since, locale: Locale) -> String {
    match since {
        Since::Peak {
            position,
            date,
            song_id,
        } => t(
            locale,
            msg::milestone_since_peak(
                &position.to_string(),
                &display_date(&date.to_string(), locale),
                &computed::title(ix, song_id),
            ),
        ),
        Since::Weeks(weeks) => t(locale, msg::milestone_since_weeks(&weeks.to_string())),
        Since::Streak(weeks) => t(locale, msg::milestone_since_streak(&weeks.to_string())),
    }
}

/// A confirmed claim as the data says it, with its weeks.
fn proof_text(ix: &Indexes, proof: Proof, locale: Locale) -> String {
    let day = |d| display_day(d, locale);
    match proof {
        Proof::Peak {
            position,
            date,
            song_id,
        } => t(
            locale,
            msg::milestone_best(
                &position.to_string(),
                &computed::title(ix, song_id),
                &day(date),
            ),
        ),
        Proof::Reached {
            position,
            date,
            song_id,
        } => t(
            locale,
            msg::milestone_reached(
                &position.to_string(),
                &computed::title(ix, song_id),
                &day(date),
            ),
        ),
        Proof::Weeks { weeks, from, to } => t(
            locale,
            msg::milestone_weeks(&weeks.to_string(), &day(from), &day(to)),
        ),
        Proof::Streak { weeks, from, to } => t(
            locale,
            msg::milestone_streak(&weeks.to_string(), &day(from), &day(to)),
        ),
    }
}

/// What the data says instead of a contradicted claim.
fn instead_text(ix: &Indexes, proof: Proof, locale: Locale) -> String {
    let day = |d| display_day(d, locale);
    match proof {
        Proof::Peak {
            position,
            date,
            song_id,
        }
        | Proof::Reached {
            position,
            date,
            song_id,
        } => t(
            locale,
            msg::milestone_instead_peak(
                &position.to_string(),
                &day(date),
                &computed::title(ix, song_id),
            ),
        ),
        Proof::Weeks { weeks, from, to } => t(
            locale,
            msg::milestone_instead_weeks(&weeks.to_string(), &day(from), &day(to)),
        ),
        Proof::Streak { weeks, from, to } => t(
            locale,
            msg::milestone_instead_streak(&weeks.to_string(), &day(from), &day(to)),
        ),
    }
}

/// The entries the records have as the first a note claims for another.
fn instead_first(ix: &Indexes, entries: &[Entry], feat: Feat, locale: Locale) -> String {
    if entries.is_empty() {
        return t(locale, msg::milestone_instead_first_none());
    }
    let kind = first_kind(feat);
    let named: Vec<String> = entries
        .iter()
        .filter_map(|e| {
            let song = ix.search.song_by_id(e.song())?;
            Some(t(
                locale,
                msg::milestone_entry(
                    &truncate(song.title, 60),
                    &truncate(song.credit, 60),
                    &display_day(computed::first_date(kind, e), locale),
                ),
            ))
        })
        .collect();
    t(locale, msg::milestone_instead_first(&named.join("; ")))
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
