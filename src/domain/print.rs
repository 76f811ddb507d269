//! One source's print of an export figure: what kind of publication the source is, and the tags
//! a curator put on the print (`[approx]`, `[revised]`, `[conflict]` …) at the start of its note.

use std::sync::LazyLock;

use regex::Regex;

/// What kind of publication a source is, the most authoritative first: the order in which
/// sources are cited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Government,
    Wire,
    Newspaper,
    Broadcaster,
    /// A portal page re-hosting another outlet's text.
    Portal,
    Blog,
    Forum,
    AiGenerated,
}

impl SourceKind {
    pub const ALL: [SourceKind; 8] = [
        SourceKind::Government,
        SourceKind::Wire,
        SourceKind::Newspaper,
        SourceKind::Broadcaster,
        SourceKind::Portal,
        SourceKind::Blog,
        SourceKind::Forum,
        SourceKind::AiGenerated,
    ];

    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Government => "government",
            SourceKind::Wire => "wire",
            SourceKind::Newspaper => "newspaper",
            SourceKind::Broadcaster => "broadcaster",
            SourceKind::Portal => "portal",
            SourceKind::Blog => "blog",
            SourceKind::Forum => "forum",
            SourceKind::AiGenerated => "ai-generated",
        }
    }

    /// Government, wire and newspaper sources: a change they print is shown as printed.
    pub fn is_press(self) -> bool {
        self <= SourceKind::Newspaper
    }

    /// Blogs, forums and AI-generated pages: a figure only they report says so.
    pub fn is_weak(self) -> bool {
        self >= SourceKind::Blog
    }
}

/// Where a source stands in the citation order. A source without a kind (one a moderator
/// typed, or one from a file without the `source_kind` column) comes after the broadcasters and
/// before the portals: an editor's source is trusted like the press, but not above it.
pub fn citation_rank(kind: Option<SourceKind>) -> u8 {
    match kind {
        Some(k) if k <= SourceKind::Broadcaster => k as u8 * 2,
        None => SourceKind::Broadcaster as u8 * 2 + 1,
        Some(k) => k as u8 * 2,
    }
}

/// The curator's tags on one print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrintTags {
    /// The source itself rounds ("about", "약", "nearly").
    pub approx: bool,
    pub preliminary: bool,
    pub revised: bool,
    /// The number is garbled, converted from won, given in won only, or disputed: not served.
    pub withheld: bool,
    /// The number disagrees with other sources or with its own article (`[conflict]`,
    /// `[doubtful]`): the source is never cited.
    pub disputed: bool,
    pub top10_member: bool,
}

/// Tags that mark a printed value as not to be served.
const WITHHELD: [&str; 5] = ["misprint", "converted", "doubtful", "KRW-only", "conflict"];

static LEADING_TAGS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\[[A-Za-z0-9-]+\]\s*;?\s*)+").expect("static regex"));
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([A-Za-z0-9-]+)\]").expect("static regex"));

impl PrintTags {
    /// The tags at the start of a note (`[approx][preliminary]; printed: '…'`); a bracket later
    /// in the text is not a tag.
    pub fn from_note(note: &str) -> PrintTags {
        let Some(lead) = LEADING_TAGS.find(note) else {
            return PrintTags::default();
        };
        let mut tags = PrintTags::default();
        for tag in TAG.captures_iter(lead.as_str()).filter_map(|c| c.get(1)) {
            let tag = tag.as_str();
            match tag {
                "approx" => tags.approx = true,
                "preliminary" => tags.preliminary = true,
                "revised" => tags.revised = true,
                "top10-member" => tags.top10_member = true,
                _ => {}
            }
            tags.withheld |= WITHHELD.contains(&tag);
            tags.disputed |= matches!(tag, "conflict" | "doubtful");
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_and_order_the_citations() {
        for k in SourceKind::ALL {
            assert_eq!(SourceKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(SourceKind::parse("tabloid"), None);
        let mut ranks: Vec<u8> = SourceKind::ALL
            .iter()
            .map(|k| citation_rank(Some(*k)))
            .collect();
        ranks.push(citation_rank(None));
        let unkinded = citation_rank(None);
        assert!(unkinded > citation_rank(Some(SourceKind::Broadcaster)));
        assert!(unkinded < citation_rank(Some(SourceKind::Portal)));
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks.len(), 9);
        assert!(SourceKind::Newspaper.is_press() && !SourceKind::Broadcaster.is_press());
        assert!(SourceKind::Blog.is_weak() && !SourceKind::Portal.is_weak());
    }

    #[test]
    fn tags_are_read_from_the_start_of_a_note_only() {
        let t = PrintTags::from_note("[approx][preliminary]; printed: 'about $132.9M'");
        assert!(t.approx && t.preliminary && !t.revised && !t.withheld);
        let t = PrintTags::from_note("[doubtful]; printed: '157,6 millions'");
        assert!(t.withheld && t.disputed);
        let t = PrintTags::from_note("[KRW-only]; printed: '708억 원'");
        assert!(t.withheld && !t.disputed);
        let t = PrintTags::from_note("printed: 'x'; see [approx] below");
        assert_eq!(t, PrintTags::default());
    }
}
