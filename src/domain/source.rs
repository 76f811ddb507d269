//! What a moderator types for a fact's source and text, read into checked values.

use chrono::NaiveDate;

use crate::domain::chart::parse_chart_date;
use crate::domain::text::clean;

/// A source as a moderator gives it: `Yonhap https://en.yna.co.kr/view/… 2023-07-18`, a
/// publisher with an optional URL and publication date, in any order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInput {
    pub publisher: String,
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the source needs a publisher")]
    NoPublisher,
    #[error("the publisher is longer than {max} characters")]
    PublisherTooLong { max: usize },
    #[error("the link is not an http(s) address of at most {max} characters")]
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
                if word.chars().count() > MAX_URL || word.contains(['<', '>', '"']) || url.is_some()
                {
                    return Err(SourceError::BadUrl { max: MAX_URL });
                }
                url = Some(word.to_string());
            } else if let (None, Some(d)) = (published_on, parse_chart_date(word)) {
                published_on = Some(d);
            } else if word.contains("://") {
                return Err(SourceError::BadUrl { max: MAX_URL });
            } else {
                words.push(word);
            }
        }
        let publisher = words.join(" ");
        if publisher.is_empty() {
            return Err(SourceError::NoPublisher);
        }
        if publisher.chars().count() > MAX_PUBLISHER {
            return Err(SourceError::PublisherTooLong { max: MAX_PUBLISHER });
        }
        Ok(SourceInput {
            publisher,
            url,
            published_on,
        })
    }
}

/// A milestone's text: trimmed, without control characters, 1 to 500 characters, so every
/// reply that shows it stays within Discord's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteText(String);

pub const MAX_NOTE: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the text is empty")]
    Empty,
    #[error("the text is longer than {max} characters")]
    TooLong { max: usize },
}

impl NoteText {
    pub fn parse(input: &str) -> Result<NoteText, NoteError> {
        let cleaned = clean(input);
        let text = cleaned.trim();
        match text.chars().count() {
            0 => Err(NoteError::Empty),
            n if n > MAX_NOTE => Err(NoteError::TooLong { max: MAX_NOTE }),
            _ => Ok(NoteText(text.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
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
        assert_eq!(s.url.as_deref(), Some("https://en.yna.co.kr/view/AEN1"));
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
    }
}
