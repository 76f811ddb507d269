//! Discord's message limits, applied to every reply on its way out. Facts and user input can be
//! any length; a reply never is.

use super::{Embed, Reply};
use crate::domain::text::{clean, truncate};

pub const CONTENT: usize = 2000;
pub const EMBEDS: usize = 10;
pub const TITLE: usize = 256;
pub const DESCRIPTION: usize = 4096;
pub const FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
/// Characters summed over every embed of one message.
pub const TOTAL: usize = 6000;
pub const ACTION_ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const CUSTOM_ID: usize = 100;
pub const BUTTON_LABEL: usize = 80;
pub const CHOICES: usize = 25;
pub const CHOICE_TEXT: usize = 100;
pub const ATTACHMENT_DESCRIPTION: usize = 1024;

/// Cuts a reply to Discord's limits and strips control characters Discord would reject or
/// that would reorder the text around them.
pub fn fit(mut reply: Reply) -> Reply {
    reply.content = reply.content.map(|c| truncate(&clean(&c), CONTENT));
    reply.embeds.truncate(EMBEDS);
    for embed in &mut reply.embeds {
        fit_embed(embed);
    }
    loop {
        let excess = total(&reply.embeds).saturating_sub(TOTAL);
        if excess == 0 || !shrink(&mut reply.embeds, excess) {
            break;
        }
    }
    reply.components.truncate(ACTION_ROWS);
    for row in &mut reply.components {
        row.buttons.truncate(BUTTONS_PER_ROW);
        for b in &mut row.buttons {
            b.label = truncate(&clean(&b.label), BUTTON_LABEL);
            b.custom_id = truncate(&b.custom_id, CUSTOM_ID);
        }
    }
    for a in &mut reply.attachments {
        a.description = truncate(&clean(&a.description), ATTACHMENT_DESCRIPTION);
    }
    reply
}

/// Whole lines, one per row, within `max` characters: the lines that fit, then `more(n)` for
/// the `n` left out (its own length counted in). A list cut here ends on a whole line and says
/// how much is missing, where `fit` would cut a field mid-word.
pub fn lines_within(lines: &[String], max: usize, more: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let n = line.chars().count() + usize::from(i > 0);
        let left = lines.len() - i - 1;
        let note = if left > 0 {
            more(left).chars().count() + 1
        } else {
            0
        };
        if used + n + note > max {
            let tail = more(lines.len() - i);
            if used + tail.chars().count() < max {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&tail);
            }
            return out;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        used += n;
    }
    out
}

fn fit_embed(e: &mut Embed) {
    let cut = |s: &mut Option<String>, max| {
        *s = s
            .take()
            .map(|v| truncate(&clean(&v), max))
            .filter(|v| !v.trim().is_empty());
    };
    cut(&mut e.title, TITLE);
    cut(&mut e.description, DESCRIPTION);
    cut(&mut e.footer, FOOTER);
    e.fields.truncate(FIELDS);
    for f in &mut e.fields {
        f.name = non_empty(truncate(&clean(&f.name), FIELD_NAME));
        f.value = non_empty(truncate(&clean(&f.value), FIELD_VALUE));
    }
}

/// Discord refuses empty field names and values.
fn non_empty(s: String) -> String {
    if s.trim().is_empty() {
        "—".to_string()
    } else {
        s
    }
}

fn len(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, |s| s.chars().count())
}

/// Characters Discord counts toward the 6000 limit.
pub fn total(embeds: &[Embed]) -> usize {
    embeds
        .iter()
        .map(|e| {
            len(&e.title)
                + len(&e.description)
                + len(&e.footer)
                + e.fields
                    .iter()
                    .map(|f| f.name.chars().count() + f.value.chars().count())
                    .sum::<usize>()
        })
        .sum()
}

/// Removes at least `excess` characters, least important first: the last fields, then the
/// longest description, then whole embeds after the first, then footers and titles.
/// Returns false when nothing is left to cut.
fn shrink(embeds: &mut Vec<Embed>, excess: usize) -> bool {
    if let Some(e) = embeds.iter_mut().rev().find(|e| e.fields.len() > 1) {
        e.fields.pop();
        return true;
    }
    if let Some(e) = embeds
        .iter_mut()
        .max_by_key(|e| len(&e.description))
        .filter(|e| len(&e.description) > 1)
    {
        let keep = len(&e.description).saturating_sub(excess).max(1);
        e.description = e.description.as_ref().map(|d| truncate(d, keep));
        return true;
    }
    if embeds.len() > 1 {
        embeds.pop();
        return true;
    }
    let Some(e) = embeds.first_mut() else {
        return false;
    };
    for text in [&mut e.footer, &mut e.title] {
        if len(text) > 1 {
            let keep = len(text).saturating_sub(excess).max(1);
            *text = text.as_ref().map(|t| truncate(t, keep));
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::{Field, colour};

    fn big_embed() -> Embed {
        Embed {
            title: Some("t".repeat(1000)),
            description: Some("d".repeat(10_000)),
            colour: colour::INFO,
            fields: (0..40)
                .map(|i| Field {
                    name: format!("{i}{}", "n".repeat(300)),
                    value: "v".repeat(2000),
                    inline: false,
                })
                .collect(),
            footer: Some("f".repeat(3000)),
            image: None,
            url: None,
            timestamp: None,
        }
    }

    #[test]
    fn every_limit_holds_for_oversized_replies() {
        let reply = fit(Reply {
            embeds: vec![big_embed(); 12],
            content: Some("c".repeat(5000)),
            ..Reply::default()
        });
        assert!(reply.content.as_ref().unwrap().chars().count() <= CONTENT);
        assert!(reply.embeds.len() <= EMBEDS);
        assert!(total(&reply.embeds) <= TOTAL);
        for e in &reply.embeds {
            assert!(
                len(&e.title) <= TITLE
                    && len(&e.description) <= DESCRIPTION
                    && len(&e.footer) <= FOOTER
            );
            assert!(e.fields.len() <= FIELDS);
            for f in &e.fields {
                assert!(!f.name.is_empty() && f.name.chars().count() <= FIELD_NAME);
                assert!(!f.value.is_empty() && f.value.chars().count() <= FIELD_VALUE);
            }
        }
    }

    #[test]
    fn lists_are_cut_on_whole_lines_with_a_count() {
        let lines: Vec<String> = (1..=10).map(|i| format!("line {i:02}")).collect();
        let more = |n: usize| format!("+{n}");
        assert_eq!(lines_within(&lines[..2], 100, more), "line 01\nline 02");
        let cut = lines_within(&lines, 30, more);
        assert_eq!(cut, "line 01\nline 02\nline 03\n+7");
        assert!(cut.chars().count() <= 30);
        assert_eq!(lines_within(&lines, 7, more), "+10");
    }

    #[test]
    fn small_replies_pass_unchanged() {
        let reply = Reply::embed(
            Embed::new(colour::INFO)
                .title("Japan")
                .field("Value", "$48.52M", true),
        );
        assert_eq!(fit(reply.clone()), reply);
    }

    #[test]
    fn empty_fields_and_controls_are_mended() {
        let reply = fit(Reply::embed(Embed::new(colour::INFO).field(
            "",
            "a\u{0}b\u{202E}",
            false,
        )));
        assert_eq!(reply.embeds[0].fields[0].name, "—");
        assert_eq!(reply.embeds[0].fields[0].value, "ab");
    }
}
