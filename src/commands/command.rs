//! The commands as types: one struct per command and subcommand, its options as fields, and
//! [`Command`], the closed set of them. Each field's line is also the option's registration
//! (its kind, its completer; whether Discord requires it follows from the field's type), and
//! each struct's settings say how it is shown, limited and kept. `spec::COMMANDS` is gathered
//! from these, so registration, the `ask` grammar, dispatch, autocomplete, cooldowns and the
//! answer cache read one definition: an option added here is read, registered and offered
//! wherever it belongs.
//!
//! An [`Invocation`] (options as text, from Discord or the CLI) is read into a [`Command`]
//! once. Options whose meaning needs no data (a chart, an order) are parsed here; a country, a
//! period or a subject needs the store's indexes and is read by its command.

use super::artist::Order;
use super::invocation::{InputFile, Invocation};
use super::spec::{
    ALIAS_KINDS, Bare, CHARTS, CommandSpec, Completer, Cost, Kept, LEAF, MANAGE_GUILD, ORDERS,
    OptionSpec, RECORD_KINDS, RECORD_WHO, attachment, channel, choice, integer, long_text, text,
};
use super::{CommandError, user_error};
use chrono::NaiveDate;

use crate::app::records::{Kind, Who, Years};
use crate::domain::chart::{Chart, parse_chart_date};
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg};

/// How a field is read from its option. `REQUIRED` is what registration tells Discord.
pub trait FromOption: Sized {
    const REQUIRED: bool;
    /// Reads option `name` of the command at `path`.
    fn read(inv: &Invocation, path: &str, name: &str) -> Result<Self, CommandError>;
}

/// A value read from an option's (trimmed, non-blank) text.
pub trait OptionText: Sized {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError>;
}

impl OptionText for String {
    fn parse_text(text: &str, _: Locale) -> Result<Self, CommandError> {
        Ok(text.to_string())
    }
}

impl OptionText for Chart {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        Chart::parse(text)
            .ok_or_else(|| user_error(locale, msg::chart_bad_chart(&truncate(text, 40))))
    }
}

/// A date such as a chart week: `YYYY-MM-DD`.
impl OptionText for NaiveDate {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        parse_chart_date(text)
            .ok_or_else(|| user_error(locale, msg::error_bad_date(&truncate(text, 40))))
    }
}

impl OptionText for Kind {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        Kind::parse(text).ok_or_else(|| {
            user_error(
                locale,
                msg::records_bad_kind(&truncate(text, 40), &RECORD_KINDS.join(", ")),
            )
        })
    }
}

impl OptionText for Who {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        Who::parse(text).ok_or_else(|| {
            user_error(
                locale,
                msg::records_bad_who(&truncate(text, 40), &RECORD_WHO.join(", ")),
            )
        })
    }
}

/// A required choice: missing is refused as a missing `String` is.
impl FromOption for Kind {
    const REQUIRED: bool = true;
    fn read(inv: &Invocation, path: &str, name: &str) -> Result<Self, CommandError> {
        Kind::parse_text(&String::read(inv, path, name)?, inv.locale)
    }
}

/// `2020` or `2018-2020`.
impl OptionText for Years {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        Years::parse(text)
            .ok_or_else(|| user_error(locale, msg::records_bad_year(&truncate(text, 40))))
    }
}

impl OptionText for Order {
    fn parse_text(text: &str, locale: Locale) -> Result<Self, CommandError> {
        Order::parse(text).ok_or_else(|| {
            user_error(
                locale,
                msg::artist_bad_order(&truncate(text, 40), &Order::SLUGS.join(", ")),
            )
        })
    }
}

/// A required option: missing (or blank) is refused as the CLI grammar refuses it.
impl FromOption for String {
    const REQUIRED: bool = true;
    fn read(inv: &Invocation, path: &str, name: &str) -> Result<Self, CommandError> {
        inv.get(name)
            .map(str::to_string)
            .ok_or_else(|| user_error(inv.locale, msg::error_missing_option(path, name)))
    }
}

impl<T: OptionText> FromOption for Option<T> {
    const REQUIRED: bool = false;
    fn read(inv: &Invocation, _: &str, name: &str) -> Result<Self, CommandError> {
        inv.get(name)
            .map(|text| T::parse_text(text, inv.locale))
            .transpose()
    }
}

/// A file option. Discord sends the attachment's id; the gateway client downloads it before
/// the command runs (the CLI reads it from disk at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upload {
    Missing,
    /// Not yet downloaded.
    Attachment(u64),
    File(InputFile),
}

impl FromOption for Upload {
    const REQUIRED: bool = true;
    fn read(inv: &Invocation, _: &str, name: &str) -> Result<Self, CommandError> {
        if let Some(file) = inv.files.iter().find(|f| f.option == name) {
            return Ok(Upload::File(file.clone()));
        }
        Ok(inv
            .get(name)
            .and_then(|id| id.parse().ok())
            .map_or(Upload::Missing, Upload::Attachment))
    }
}

/// One command or subcommand: its struct, with each option a field and its registration on
/// the same line, and `SPEC`, its entry in the command set.
macro_rules! command {
    (
        $(#[$doc:meta])*
        $name:ident = $path:literal { $($setting:ident: $value:expr),* $(,)? }
        $( $(#[$fdoc:meta])* $field:ident: $ty:ty = $kind:ident($($arg:expr),*) ),* $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fdoc])* pub $field: $ty, )*
        }

        impl $name {
            pub const SPEC: CommandSpec = CommandSpec {
                name: $path,
                options: &[$(OptionSpec {
                    required: <$ty as FromOption>::REQUIRED,
                    ..$kind(stringify!($field), $($arg),*)
                }),*],
                $($setting: $value,)*
                ..LEAF
            };

            fn read(inv: &Invocation) -> Result<Self, CommandError> {
                let _ = inv;
                Ok($name {
                    $( $field: FromOption::read(inv, $path, stringify!($field))?, )*
                })
            }
        }
    };
}

command! {
    /// `/exports [country] [period]`
    Exports = "exports" {
        bare: Bare::CountryAndPeriod, cooldown: Some(Cost::Table), kept: Kept::Daily,
        in_dms: true,
    }
    country: Option<String> = text(Some(Completer::Country)),
    period: Option<String> = text(Some(Completer::Period)),
}

command! {
    /// `/chart title [artist] [chart]`
    ChartQuery = "chart" {
        bare: Bare::Join("title"), cooldown: Some(Cost::Picture), kept: Kept::Shared,
        in_dms: true,
    }
    title: String = text(Some(Completer::Title)),
    artist: Option<String> = text(Some(Completer::Credit)),
    chart: Option<Chart> = choice(CHARTS),
}

command! {
    /// `/artist name [chart] [order]`
    ArtistQuery = "artist" {
        bare: Bare::Join("name"), cooldown: Some(Cost::Picture), kept: Kept::PerUser,
        in_dms: true,
    }
    name: String = text(Some(Completer::Act)),
    chart: Option<Chart> = choice(CHARTS),
    order: Option<Order> = choice(ORDERS),
}

command! {
    /// `/thisweek [week]`: the weekly post's content for a chart week, for anyone.
    ThisWeek = "thisweek" {
        bare: Bare::Join("week"), cooldown: Some(Cost::Picture), kept: Kept::Shared,
        in_dms: true,
    }
    week: Option<NaiveDate> = text(None),
}

command! {
    /// `/records kind [chart] [who] [year]`: records computed from the chart data.
    RecordsQuery = "records" {
        bare: Bare::Join("kind"), cooldown: Some(Cost::Table), kept: Kept::PerUser,
        in_dms: true,
    }
    kind: Kind = choice(RECORD_KINDS),
    chart: Option<Chart> = choice(CHARTS),
    who: Option<Who> = choice(RECORD_WHO),
    year: Option<Years> = text(None),
}

command! {
    /// `/compare first second [chart]`: two acts, titles, destinations or periods side by side.
    /// Kept for a day, as "last year" is a period.
    Compare = "compare" {
        bare: Bare::Two("first", "second"), cooldown: Some(Cost::Picture), kept: Kept::Daily,
        in_dms: true,
    }
    first: String = text(Some(Completer::Compared)),
    second: String = text(Some(Completer::Compared)),
    chart: Option<Chart> = choice(CHARTS),
}

command! {
    /// `/help`: not kept, as it names the feeds' last success, which changes with no new
    /// store generation.
    Help = "help" { in_dms: true }
}

command! {
    /// `/about`: not kept, like `/help`.
    About = "about" { in_dms: true }
}

command! {
    /// `/facts set-export country period value source`
    SetExport = "facts set-export" {}
    country: String = text(Some(Completer::Country)),
    period: String = text(Some(Completer::Period)),
    value: String = text(None),
    source: String = long_text(400),
}

command! {
    /// `/facts remove-export country period`
    RemoveExport = "facts remove-export" {}
    country: String = text(Some(Completer::Country)),
    period: String = text(Some(Completer::Period)),
}

command! {
    /// `/facts add-note subject text source [date]`
    AddNote = "facts add-note" {}
    subject: String = text(Some(Completer::Act)),
    text: String = long_text(500),
    source: String = long_text(400),
    date: Option<String> = text(None),
}

command! {
    /// `/facts edit-note id [text]`: without text, a form holding the current one.
    EditNote = "facts edit-note" {}
    id: String = integer(1, i64::MAX),
    text: Option<String> = long_text(500),
}

command! {
    /// `/facts remove-note id`
    RemoveNote = "facts remove-note" {}
    id: String = integer(1, i64::MAX),
}

command! {
    /// `/facts add-alias kind target alias`
    AddAlias = "facts add-alias" {}
    kind: String = choice(ALIAS_KINDS),
    target: String = text(None),
    alias: String = text(None),
}

command! {
    /// `/facts remove-alias kind alias`
    RemoveAlias = "facts remove-alias" {}
    kind: String = choice(ALIAS_KINDS),
    alias: String = text(None),
}

command! {
    /// `/facts history [subject]`
    History = "facts history" {}
    subject: Option<String> = text(None),
}

command! {
    /// `/facts undo [change]`
    Undo = "facts undo" {}
    change: Option<String> = integer(1, i64::MAX),
}

command! {
    /// `/facts import file [chart]`
    Import = "facts import" { cooldown: Some(Cost::Import) }
    file: Upload = attachment(),
    /// Read leniently: an unknown chart leaves the file's format to decide.
    chart: Option<String> = choice(CHARTS),
}

command! {
    /// `/summary setup channel [weekday] [hour] [when]`: weekday and hour are needed for a
    /// weekly post only, so Discord cannot require them; the command refuses their absence.
    SummarySetup = "summary setup" { cooldown: Some(Cost::Settings) }
    channel: String = channel(),
    weekday: Option<String> = choice(super::spec::WEEKDAYS),
    hour: Option<String> = integer(0, 23),
    /// Read leniently: an unknown value is refused by the command, in the caller's language.
    when: Option<String> = choice(&crate::store::ScheduleKind::SLUGS),
}

command! {
    /// `/summary off`
    SummaryOff = "summary off" { cooldown: Some(Cost::Settings) }
}

command! {
    /// `/summary preview`
    SummaryPreview = "summary preview" { cooldown: Some(Cost::Settings) }
}

command! {
    /// `/settings visibility command answers`: public or private answers, per read command.
    /// Both options are read leniently and refused by the command, in the caller's language.
    SettingsVisibility = "settings visibility" { cooldown: Some(Cost::Settings) }
    command: String = choice(super::spec::READ_COMMANDS),
    answers: String = choice(&crate::store::Visibility::SLUGS),
}

/// `/facts`: moderators' changes, for editors; seen by those who manage the server.
pub const FACTS: CommandSpec = CommandSpec {
    name: "facts",
    subcommands: &[
        SetExport::SPEC,
        RemoveExport::SPEC,
        AddNote::SPEC,
        EditNote::SPEC,
        RemoveNote::SPEC,
        AddAlias::SPEC,
        RemoveAlias::SPEC,
        History::SPEC,
        Undo::SPEC,
        Import::SPEC,
    ],
    default_permissions: Some(MANAGE_GUILD),
    ..LEAF
};

/// `/summary`: a server's weekly post, for those who manage the server.
pub const SUMMARY: CommandSpec = CommandSpec {
    name: "summary",
    subcommands: &[SummarySetup::SPEC, SummaryOff::SPEC, SummaryPreview::SPEC],
    default_permissions: Some(MANAGE_GUILD),
    ..LEAF
};

/// `/settings`: how the bot behaves in a server, for those who manage it.
pub const SETTINGS: CommandSpec = CommandSpec {
    name: "settings",
    subcommands: &[SettingsVisibility::SPEC],
    default_permissions: Some(MANAGE_GUILD),
    ..LEAF
};

/// Every command, with its options read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Exports(Exports),
    Chart(ChartQuery),
    Artist(ArtistQuery),
    ThisWeek(ThisWeek),
    Records(RecordsQuery),
    Compare(Compare),
    Help(Help),
    About(About),
    Facts(Facts),
    Summary(Summary),
    Settings(Settings),
}

/// `/facts …`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Facts {
    SetExport(SetExport),
    RemoveExport(RemoveExport),
    AddNote(AddNote),
    EditNote(EditNote),
    RemoveNote(RemoveNote),
    AddAlias(AddAlias),
    RemoveAlias(RemoveAlias),
    History(History),
    Undo(Undo),
    Import(Import),
}

/// `/settings …`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settings {
    Visibility(SettingsVisibility),
}

/// `/summary …`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    Setup(SummarySetup),
    Off(SummaryOff),
    Preview(SummaryPreview),
}

impl TryFrom<&Invocation> for Command {
    type Error = CommandError;

    /// Reads an invocation's options into its command; an unknown path is refused as `ask`
    /// refuses it.
    fn try_from(inv: &Invocation) -> Result<Command, CommandError> {
        use Command as C;
        let path = inv.command.as_str();
        let is = |spec: &CommandSpec| spec.name == path;
        Ok(match () {
            () if is(&Exports::SPEC) => C::Exports(Exports::read(inv)?),
            () if is(&ChartQuery::SPEC) => C::Chart(ChartQuery::read(inv)?),
            () if is(&ArtistQuery::SPEC) => C::Artist(ArtistQuery::read(inv)?),
            () if is(&ThisWeek::SPEC) => C::ThisWeek(ThisWeek::read(inv)?),
            () if is(&RecordsQuery::SPEC) => C::Records(RecordsQuery::read(inv)?),
            () if is(&Compare::SPEC) => C::Compare(Compare::read(inv)?),
            () if is(&Help::SPEC) => C::Help(Help::read(inv)?),
            () if is(&About::SPEC) => C::About(About::read(inv)?),
            () if is(&SetExport::SPEC) => C::Facts(Facts::SetExport(SetExport::read(inv)?)),
            () if is(&RemoveExport::SPEC) => {
                C::Facts(Facts::RemoveExport(RemoveExport::read(inv)?))
            }
            () if is(&AddNote::SPEC) => C::Facts(Facts::AddNote(AddNote::read(inv)?)),
            () if is(&EditNote::SPEC) => C::Facts(Facts::EditNote(EditNote::read(inv)?)),
            () if is(&RemoveNote::SPEC) => C::Facts(Facts::RemoveNote(RemoveNote::read(inv)?)),
            () if is(&AddAlias::SPEC) => C::Facts(Facts::AddAlias(AddAlias::read(inv)?)),
            () if is(&RemoveAlias::SPEC) => C::Facts(Facts::RemoveAlias(RemoveAlias::read(inv)?)),
            () if is(&History::SPEC) => C::Facts(Facts::History(History::read(inv)?)),
            () if is(&Undo::SPEC) => C::Facts(Facts::Undo(Undo::read(inv)?)),
            () if is(&Import::SPEC) => C::Facts(Facts::Import(Import::read(inv)?)),
            () if is(&SummarySetup::SPEC) => C::Summary(Summary::Setup(SummarySetup::read(inv)?)),
            () if is(&SummaryOff::SPEC) => C::Summary(Summary::Off(SummaryOff::read(inv)?)),
            () if is(&SummaryPreview::SPEC) => {
                C::Summary(Summary::Preview(SummaryPreview::read(inv)?))
            }
            () if is(&SettingsVisibility::SPEC) => {
                C::Settings(Settings::Visibility(SettingsVisibility::read(inv)?))
            }
            () => {
                return Err(user_error(
                    inv.locale,
                    msg::error_unknown_command(&inv.command),
                ));
            }
        })
    }
}

impl Command {
    /// The command's (or subcommand's) entry in the command set.
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            Command::Exports(_) => &Exports::SPEC,
            Command::Chart(_) => &ChartQuery::SPEC,
            Command::Artist(_) => &ArtistQuery::SPEC,
            Command::ThisWeek(_) => &ThisWeek::SPEC,
            Command::Records(_) => &RecordsQuery::SPEC,
            Command::Compare(_) => &Compare::SPEC,
            Command::Help(_) => &Help::SPEC,
            Command::About(_) => &About::SPEC,
            Command::Facts(f) => match f {
                Facts::SetExport(_) => &SetExport::SPEC,
                Facts::RemoveExport(_) => &RemoveExport::SPEC,
                Facts::AddNote(_) => &AddNote::SPEC,
                Facts::EditNote(_) => &EditNote::SPEC,
                Facts::RemoveNote(_) => &RemoveNote::SPEC,
                Facts::AddAlias(_) => &AddAlias::SPEC,
                Facts::RemoveAlias(_) => &RemoveAlias::SPEC,
                Facts::History(_) => &History::SPEC,
                Facts::Undo(_) => &Undo::SPEC,
                Facts::Import(_) => &Import::SPEC,
            },
            Command::Summary(s) => match s {
                Summary::Setup(_) => &SummarySetup::SPEC,
                Summary::Off(_) => &SummaryOff::SPEC,
                Summary::Preview(_) => &SummaryPreview::SPEC,
            },
            Command::Settings(Settings::Visibility(_)) => &SettingsVisibility::SPEC,
        }
    }

    /// The command's path: `exports`, `facts set-export`.
    pub fn path(&self) -> &'static str {
        self.spec().name
    }

    /// The file option waiting to be downloaded, if the command has one.
    pub fn upload_mut(&mut self) -> Option<&mut Upload> {
        match self {
            Command::Facts(Facts::Import(i)) => Some(&mut i.file),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::spec;

    /// Every path in the command set reads into the command whose definition it came from,
    /// given values for every option.
    #[test]
    fn every_command_in_the_set_reads_into_its_own_type() {
        let leaves = spec::COMMANDS
            .iter()
            .flat_map(|c| std::iter::once(c).chain(c.subcommands))
            .filter(|c| c.subcommands.is_empty());
        let mut seen = 0;
        for c in leaves {
            // A value each option reads: its first choice, a date for a date, else a number.
            let values: Vec<(&str, &str)> = c
                .options
                .iter()
                .map(|o| match (o.choices.first(), o.name) {
                    (Some(first), _) => (o.name, *first),
                    (None, "week") => (o.name, "2023-07-15"),
                    (None, "year") => (o.name, "2020"),
                    (None, _) => (o.name, "1"),
                })
                .collect();
            let inv = Invocation::new(c.name, &values, Locale::En);
            let cmd = Command::try_from(&inv).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert_eq!(cmd.path(), c.name);
            let names = |s: &CommandSpec| s.options.iter().map(|o| o.name).collect::<Vec<_>>();
            assert_eq!(names(cmd.spec()), names(c));
            seen += 1;
        }
        assert_eq!(seen, 22);
    }

    #[test]
    fn a_group_alone_is_no_command() {
        for path in ["facts", "summary", "settings", "nope"] {
            let inv = Invocation::new(path, &[], Locale::En);
            let Err(CommandError::User(text)) = Command::try_from(&inv) else {
                panic!("{path} read as a command");
            };
            assert!(text.contains(path) && !text.contains("cmd."), "{text}");
        }
    }

    #[test]
    fn options_are_read_into_their_types() {
        let inv = Invocation::new(
            "artist",
            &[("name", " bts "), ("chart", "hot-100"), ("order", "best")],
            Locale::En,
        );
        assert_eq!(
            Command::try_from(&inv).ok(),
            Some(Command::Artist(ArtistQuery {
                name: "bts".into(),
                chart: Some(Chart::Hot100),
                order: Some(Order::Best),
            }))
        );
        let inv = Invocation::new("chart", &[("title", "x"), ("chart", "top-40")], Locale::En);
        assert!(matches!(
            Command::try_from(&inv),
            Err(CommandError::User(_))
        ));
        let inv = Invocation::new("chart", &[("title", "  ")], Locale::En);
        assert!(matches!(
            Command::try_from(&inv),
            Err(CommandError::User(_))
        ));
    }
}
