//! What a moderator types for a fact's source and text, read into checked values. Imports read
//! their columns into the same values, so a file can hold nothing a command would refuse.

use std::fmt;

use chrono::NaiveDate;

use crate::domain::chart::parse_chart_date;
use crate::domain::text::clean;

/// A source as a moderator gives it: `Yonhap https://en.yna.co.kr/view/… 2023-07-18`, a
/// publisher with an optional URL and publication date, in any order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInput {
    pub publisher: String,
    pub url: Option<SourceUrl>,
    pub published_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the source needs a publisher")]
    NoPublisher,
    #[error("the publisher is longer than {max} characters")]
    PublisherTooLong { max: usize },
    #[error("the publisher holds a link; give the link on its own")]
    LinkInPublisher,
    #[error(
        "the link is not an http(s) address of at most {max} characters without spaces, quotes, brackets or parentheses"
    )]
    BadUrl { max: usize },
}

pub const MAX_PUBLISHER: usize = 100;
pub const MAX_URL: usize = 300;

impl SourceInput {
    pub fn parse(input: &str) -> Result<SourceInput, SourceError> {
        let mut url = None;
        let mut published_on = None;
        let mut words = Vec::new();
        let cleaned = clean(input);
        for word in cleaned.split_whitespace() {
            if word.starts_with("http://") || word.starts_with("https://") {
                if url.is_some() {
                    return Err(SourceError::BadUrl { max: MAX_URL });
                }
                url = Some(SourceUrl::parse(word)?);
            } else if let (None, Some(d)) = (published_on, parse_chart_date(word)) {
                published_on = Some(d);
            } else if word.contains("://") {
                return Err(SourceError::BadUrl { max: MAX_URL });
            } else {
                words.push(word);
            }
        }
        Ok(SourceInput {
            publisher: publisher(&words)?,
            url,
            published_on,
        })
    }

    /// A source given as separate columns (publisher, link, date), as import files hold it,
    /// under the rules of [`SourceInput::parse`].
    pub fn from_columns(
        publisher_text: &str,
        url: Option<&str>,
        published_on: Option<NaiveDate>,
    ) -> Result<SourceInput, SourceError> {
        let cleaned = clean(publisher_text);
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        if words.iter().any(|w| w.contains("://")) {
            return Err(SourceError::LinkInPublisher);
        }
        Ok(SourceInput {
            publisher: publisher(&words)?,
            url: url.map(SourceUrl::parse).transpose()?,
            published_on,
        })
    }
}

fn publisher(words: &[&str]) -> Result<String, SourceError> {
    let publisher = words.join(" ");
    if publisher.is_empty() {
        return Err(SourceError::NoPublisher);
    }
    if publisher.chars().count() > MAX_PUBLISHER {
        return Err(SourceError::PublisherTooLong { max: MAX_PUBLISHER });
    }
    if hides_link(&publisher) {
        return Err(SourceError::LinkInPublisher);
    }
    Ok(publisher)
}

/// A source's web address: http or https, with a host and no credentials, at most
/// [`MAX_URL`] characters, and none of the characters that could end a markdown link or
/// start another (`()[]<>`, quotes, backslash, white space), so `[publisher](address)` is
/// always exactly one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceUrl(String);

/// Characters that can close a markdown link's address or open another link.
const LINK_BREAKERS: [char; 10] = ['(', ')', '[', ']', '<', '>', '"', '\'', '`', '\\'];

impl SourceUrl {
    pub fn parse(input: &str) -> Result<SourceUrl, SourceError> {
        let bad = SourceError::BadUrl { max: MAX_URL };
        let text = input.trim();
        if text.is_empty()
            || text.chars().count() > MAX_URL
            || clean(text) != text
            || text
                .chars()
                .any(|c| c.is_whitespace() || LINK_BREAKERS.contains(&c))
        {
            return Err(bad);
        }
        let url = url::Url::parse(text).map_err(|_| bad.clone())?;
        let scheme_ok = matches!(url.scheme(), "http" | "https")
            && text
                .get(..url.scheme().len() + 3)
                .is_some_and(|start| start.eq_ignore_ascii_case(&format!("{}://", url.scheme())));
        if !scheme_ok
            || url.host_str().is_none_or(str::is_empty)
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(bad);
        }
        Ok(SourceUrl(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `text` holds markdown link syntax (`[words](address)`), which would show words in
/// place of where a link leads.
pub fn hides_link(text: &str) -> bool {
    text.contains("](")
}

/// A milestone's text: trimmed, without control characters, 1 to 500 characters, so every
/// reply that shows it stays within Discord's limits, and without link markup, so a link in it
/// shows where it leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteText(String);

pub const MAX_NOTE: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the text is empty")]
    Empty,
    #[error("the text is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the text hides a link behind words ([words](address)); write the address itself")]
    HiddenLink,
}

impl NoteText {
    pub fn parse(input: &str) -> Result<NoteText, NoteError> {
        bounded_text(input, MAX_NOTE).map(NoteText)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The title of a source (a report's headline): one line, cleaned like a note, at most 200
/// characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceTitle(String);

pub const MAX_TITLE: usize = 200;

impl SourceTitle {
    pub fn parse(input: &str) -> Result<SourceTitle, NoteError> {
        let one_line = input.split_whitespace().collect::<Vec<_>>().join(" ");
        bounded_text(&one_line, MAX_TITLE).map(SourceTitle)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn bounded_text(input: &str, max: usize) -> Result<String, NoteError> {
    let cleaned = clean(input);
    let text = cleaned.trim();
    match text.chars().count() {
        0 => Err(NoteError::Empty),
        n if n > max => Err(NoteError::TooLong { max }),
        _ if hides_link(text) => Err(NoteError::HiddenLink),
        _ => Ok(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_publisher_link_and_date_in_any_order() {
        let s =
            SourceInput::parse("Yonhap News https://en.yna.co.kr/view/AEN1 2023-07-18").unwrap();
        assert_eq!(s.publisher, "Yonhap News");
        assert_eq!(
            s.url.as_ref().map(SourceUrl::as_str),
            Some("https://en.yna.co.kr/view/AEN1")
        );
        assert_eq!(s.published_on, NaiveDate::from_ymd_opt(2023, 7, 18));
        let s = SourceInput::parse("https://x.example/a Korea Herald").unwrap();
        assert_eq!(
            (s.publisher.as_str(), s.url.is_some(), s.published_on),
            ("Korea Herald", true, None)
        );
    }

    #[test]
    fn refuses_sources_without_publisher_or_with_bad_links() {
        assert_eq!(
            SourceInput::parse("https://x.example/a"),
            Err(SourceError::NoPublisher)
        );
        assert_eq!(SourceInput::parse("   "), Err(SourceError::NoPublisher));
        assert!(matches!(
            SourceInput::parse("Yonhap ftp://x"),
            Err(SourceError::BadUrl { .. })
        ));
        assert!(matches!(
            SourceInput::parse(&format!("Y https://x/{}", "a".repeat(400))),
            Err(SourceError::BadUrl { .. })
        ));
        assert!(matches!(
            SourceInput::parse(&"Y".repeat(101)),
            Err(SourceError::PublisherTooLong { .. })
        ));
    }

    #[test]
    fn note_text_is_trimmed_cleaned_and_bounded() {
        assert_eq!(NoteText::parse("  hi\u{202E}  ").unwrap().as_str(), "hi");
        assert_eq!(NoteText::parse("\u{0} "), Err(NoteError::Empty));
        assert_eq!(
            NoteText::parse(&"x".repeat(501)),
            Err(NoteError::TooLong { max: 500 })
        );
        assert!(NoteText::parse("@everyone **bold** 🎉").is_ok());
        assert_eq!(
            NoteText::parse("see [Official](https://phish.example)"),
            Err(NoteError::HiddenLink)
        );
        assert!(NoteText::parse("see [1] (https://example.com/a)").is_ok());
    }

    #[test]
    fn addresses_cannot_end_a_link_or_start_another() {
        for good in [
            "https://en.yna.co.kr/view/AEN1?x=1&y=%28z%29#top",
            "http://example.com",
            "HTTPS://Example.com/a",
            "https://v.daum.net/v/한국",
        ] {
            assert_eq!(
                SourceUrl::parse(good).map(|u| u.to_string()).as_deref(),
                Ok(good)
            );
        }
        for bad in [
            "https://a.example)[Official](https://phish.example",
            "https://a.example/(x)",
            "https://a.example/<x>",
            "https://a.example/\"x\"",
            "https://a.example/'x'",
            "https://a.example/a\\b",
            "https://a.example/a b",
            "https://a.example/a\u{202E}b",
            "https://discord.com@phish.example/",
            "https://user:pw@a.example/",
            "https:a.example",
            "https://",
            "ftp://a.example/",
            "javascript:alert(1)",
            "",
        ] {
            assert!(SourceUrl::parse(bad).is_err(), "{bad:?}");
        }
        assert!(SourceUrl::parse(&format!("https://a.example/{}", "a".repeat(300))).is_err());
    }

    #[test]
    fn columns_follow_the_rules_of_the_typed_source() {
        let date = NaiveDate::from_ymd_opt(2023, 7, 18);
        let s = SourceInput::from_columns(" Yonhap  News ", Some("https://en.yna.co.kr/a"), date)
            .unwrap();
        assert_eq!(s.publisher, "Yonhap News");
        assert_eq!(
            s,
            SourceInput::parse("Yonhap News https://en.yna.co.kr/a 2023-07-18").unwrap()
        );
        assert_eq!(
            SourceInput::from_columns("Yonhap https://phish.example", None, None),
            Err(SourceError::LinkInPublisher)
        );
        assert_eq!(
            SourceInput::from_columns("", Some("https://a.example"), None),
            Err(SourceError::NoPublisher)
        );
        assert!(matches!(
            SourceInput::from_columns("Y", Some("ftp://a.example"), None),
            Err(SourceError::BadUrl { .. })
        ));
        assert!(matches!(
            SourceInput::parse("Yonhap https://a.example)[Official](https://phish.example"),
            Err(SourceError::BadUrl { .. })
        ));
    }

    #[test]
    fn titles_are_one_bounded_line() {
        assert_eq!(
            SourceTitle::parse(" K-pop\n exports  up ")
                .unwrap()
                .as_str(),
            "K-pop exports up"
        );
        assert!(SourceTitle::parse(&"t".repeat(201)).is_err());
        assert_eq!(
            SourceTitle::parse("[Official](https://phish.example)"),
            Err(NoteError::HiddenLink)
        );
    }
}
