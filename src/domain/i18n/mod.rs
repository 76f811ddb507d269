//! The languages the bot speaks and its message catalogue.

mod catalog;

pub use catalog::{Key, Msg, msg, t};

/// A language fans can be answered in. Discord sends a locale with every interaction;
/// anything other than Korean or Japanese is answered in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Ko,
    Ja,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Ko, Locale::Ja];

    /// Reads a Discord locale (`en-US`, `ko`, `ja`) or a CLI flag (`en`, `ko`, `ja`).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lang = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "en" => Some(Locale::En),
            "ko" => Some(Locale::Ko),
            "ja" => Some(Locale::Ja),
            _ => None,
        }
    }

    /// Like `from_tag`, falling back to English for languages without a translation.
    pub fn from_discord(tag: &str) -> Locale {
        Locale::from_tag(tag).unwrap_or_default()
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ko => "ko",
            Locale::Ja => "ja",
        }
    }

    /// The keys Discord uses for this language in `name_localizations`.
    pub fn discord_tags(self) -> &'static [&'static str] {
        match self {
            Locale::En => &["en-US", "en-GB"],
            Locale::Ko => &["ko"],
            Locale::Ja => &["ja"],
        }
    }
}
