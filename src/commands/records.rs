//! `/records kind [chart] [who] [year]`: records computed from the chart data, ten lines a
//! page, each line with the week that proves it and ties stated as ties.

use super::command::RecordsQuery;
use super::{Caller, CommandResult, user_error};
use crate::app::records::{Entry, First, FirstKind, Item, Kind, Line, Section, Who, Years};
use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_day};
use crate::domain::text::truncate;
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::limits::lines_within;
use crate::reply::{ActionRow, Button, ButtonStyle, Embed, Reply, colour};

/// Lines per page, per chart.
const PER_PAGE: usize = 10;
/// Characters a chart's list may take: a field holds 1,024.
const FIELD_CHARS: usize = 1000;

/// What one answer shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct View {
    kind: Kind,
    chart: Option<Chart>,
    who: Who,
    years: Option<Years>,
    page: usize,
}

pub async fn run(
    app: &App,
    asked: &RecordsQuery,
    locale: Locale,
    caller: &Caller,
) -> CommandResult {
    let view = View {
        kind: asked.kind,
        chart: asked.chart,
        who: asked.who.unwrap_or_default(),
        years: asked.year,
        page: 0,
    };
    if view.kind == Kind::Firsts && view.who == Who::Everyone {
        return Err(user_error(locale, msg::records_firsts_everyone()));
    }
    let ix = app.indexes().await?;
    Ok(answer(&ix, view, locale, caller.user_id))
}

/// The page button's `custom_id`: `page:records:<kind>:<chart|all>:<who>:<years|all>:<page>:<owner>`.
fn page_id(view: &View, page: usize, owner: u64) -> String {
    let years = view
        .years
        .map_or_else(|| "all".to_string(), |y| format!("{}-{}", y.from, y.to));
    format!(
        "page:records:{}:{}:{}:{years}:{page}:{owner}",
        view.kind.slug(),
        view.chart.map_or("all", Chart::slug),
        view.who.slug(),
    )
}

/// Another page, for the person who asked (`owner`) only. `parts` is what follows
/// `page:records:` in the button's id, the owner left out.
pub async fn turn_page(app: &App, parts: &[&str], owner: u64, caller: &Caller) -> CommandResult {
    let locale = caller.locale;
    let expired = || user_error(locale, msg::error_expired_button());
    let [kind, chart, who, years, page] = parts else {
        return Err(expired());
    };
    if caller.user_id != Some(owner) {
        return Err(user_error(locale, msg::pages_not_yours()));
    }
    let view = View {
        kind: Kind::parse(kind).ok_or_else(expired)?,
        chart: match *chart {
            "all" => None,
            c => Some(Chart::parse(c).ok_or_else(expired)?),
        },
        who: Who::parse(who).ok_or_else(expired)?,
        years: match *years {
            "all" => None,
            y => Some(Years::parse(y).ok_or_else(expired)?),
        },
        page: page.parse().map_err(|_| expired())?,
    };
    let ix = app.indexes().await?;
    Ok(Reply {
        update: true,
        ..answer(&ix, view, locale, Some(owner))
    })
}

fn answer(ix: &Indexes, view: View, locale: Locale, owner: Option<u64>) -> Reply {
    let what = t(
        locale,
        named(&format!("records.title.{}", view.kind.slug())),
    );
    let who = t(locale, named(&format!("records.who.{}", view.who.slug())));
    let title = match view.years {
        Some(y) => t(locale, msg::records_heading_years(&what, &who, &y.label())),
        None => t(locale, msg::records_heading(&what, &who)),
    };
    let mut embed = Embed::new(colour::CHART).title(title);
    let newest = Chart::ALL
        .iter()
        .filter(|c| view.chart.is_none_or(|only| only == **c))
        .filter_map(|&c| ix.search.latest_date(c))
        .max();
    let mut pages = 1;
    let mut ties = false;
    if view.kind == Kind::Firsts {
        for (chart, firsts) in ix.records.firsts(view.chart, view.who, view.years) {
            let lines: Vec<String> = firsts.iter().map(|f| first_line(ix, f, locale)).collect();
            embed = embed.field(
                chart.name(),
                lines_within(&lines, FIELD_CHARS, more(locale)),
                false,
            );
        }
    } else {
        let sections = ix.records.list(
            view.kind, view.chart, view.who, view.years, view.page, PER_PAGE,
        );
        for s in &sections {
            pages = pages.max(s.total.div_ceil(PER_PAGE));
            ties |= s.lines.iter().chain(&s.leaders).any(|l| l.tied);
            embed = section(ix, embed, &view, s, locale);
        }
    }
    let mut footer = match (view.who, newest) {
        (_, None) => String::new(),
        (Who::Everyone, Some(d)) => t(
            locale,
            msg::records_footer_everyone(&display_day(d, locale)),
        ),
        (_, Some(d)) => t(locale, msg::records_footer(&display_day(d, locale))),
    };
    if ties {
        footer = format!("{footer} {}", t(locale, msg::records_ties()));
    }
    let mut reply = Reply::embed(embed.footer(footer.trim().to_string()));
    if let Some(owner) = owner.filter(|_| pages > 1) {
        reply.components.push(page_buttons(&view, pages, owner));
    }
    reply
}

/// One chart's field: its leaders (for No. 1s and top tens) and the page's lines.
fn section(ix: &Indexes, embed: Embed, view: &View, s: &Section, locale: Locale) -> Embed {
    let pages = s.total.div_ceil(PER_PAGE);
    let name = if pages > 1 {
        t(
            locale,
            msg::records_section_page(
                s.chart.name(),
                &(view.page + 1).to_string(),
                &pages.to_string(),
                &s.total.to_string(),
            ),
        )
    } else {
        t(
            locale,
            msg::records_section(s.chart.name(), &s.total.to_string()),
        )
    };
    let mut lines: Vec<String> = s
        .lines
        .iter()
        .map(|l| line(ix, view.kind, l, locale))
        .collect();
    if lines.is_empty() {
        lines.push(match view.years {
            Some(y) if s.total == 0 => t(locale, msg::records_none_in(&y.label())),
            _ => t(locale, msg::records_none()),
        });
    }
    let mut embed = embed;
    if !s.leaders.is_empty() {
        let leaders: Vec<String> = s
            .leaders
            .iter()
            .map(|l| line(ix, view.kind, l, locale))
            .collect();
        let label = format!(
            "{} · {}",
            t(locale, msg::records_leaders()),
            s.chart.short_name()
        );
        embed = embed.field(
            label,
            lines_within(&leaders, FIELD_CHARS, more(locale)),
            false,
        );
    }
    embed.field(name, lines_within(&lines, FIELD_CHARS, more(locale)), false)
}

fn more(locale: Locale) -> impl Fn(usize) -> String {
    move |n| t(locale, msg::more(&n.to_string()))
}

/// A catalogue message named by data (a kind's or a group's label).
fn named(key: &str) -> Msg<'static> {
    Msg::named(key).unwrap_or_else(|| panic!("catalogue has no message {key}"))
}

fn rank(l: &Line) -> String {
    match (l.rank, l.tied) {
        (Some(r), true) => format!("={r}."),
        (Some(r), false) => format!("{r}."),
        (None, _) => String::new(),
    }
}

fn line(ix: &Indexes, kind: Kind, l: &Line, locale: Locale) -> String {
    let day = |d: crate::app::records::Day| display_day(d.date(), locale);
    match &l.item {
        Item::Entry(e) => entry_line(ix, kind, l, e, locale),
        Item::Act {
            act,
            count,
            first,
            latest,
        } => {
            let name = ix.records.act(*act).map_or("?", |a| a.name.as_str());
            let detail = count_detail(kind, *count, &day(*first), &day(*latest), locale);
            t(locale, msg::records_name(&rank(l), name, &detail))
        }
        Item::Credit {
            song_id,
            count,
            first,
            latest,
        } => {
            let credit = ix.search.song_by_id(*song_id).map_or("?", |s| s.credit);
            let detail = count_detail(kind, *count, &day(*first), &day(*latest), locale);
            t(
                locale,
                msg::records_name(&rank(l), &truncate(credit, 80), &detail),
            )
        }
    }
}

fn count_detail(kind: Kind, count: usize, first: &str, latest: &str, locale: Locale) -> String {
    let n = count.to_string();
    t(
        locale,
        match kind {
            Kind::NumberOnes => msg::records_count_number_ones(&n, first, latest),
            Kind::TopTens => msg::records_count_top_tens(&n, first, latest),
            _ => msg::records_count_most_entries(&n, first, latest),
        },
    )
}

fn entry_line(ix: &Indexes, kind: Kind, l: &Line, e: &Entry, locale: Locale) -> String {
    let Some(song) = ix.search.song_by_id(e.song()) else {
        return String::new();
    };
    let (title, credit) = (truncate(song.title, 60), truncate(song.credit, 60));
    let detail = detail(kind, e, locale);
    if l.rank.is_none() {
        let act = ix.records.act(e.act).map_or("?", |a| a.name.as_str());
        return t(
            locale,
            msg::records_uncounted(&title, &credit, &detail, act),
        );
    }
    t(
        locale,
        msg::records_entry(&rank(l), &title, &credit, &detail),
    )
}

/// What the line ranks, and the week (or weeks) that prove it.
fn detail(kind: Kind, e: &Entry, locale: Locale) -> String {
    let day = |d: crate::app::records::Day| display_day(d.date(), locale);
    let some = |d: Option<crate::app::records::Day>| d.map(day).unwrap_or_default();
    let text = |m: Msg<'_>| t(locale, m);
    match kind {
        Kind::NumberOnes => text(msg::records_detail_number_ones(
            &some(e.first_at_one),
            &e.weeks_at_one.to_string(),
        )),
        Kind::TopTens => text(msg::records_detail_top_tens(
            &some(e.first_in_top_ten),
            &e.peak.to_string(),
        )),
        Kind::WeeksAtOne => text(msg::records_detail_weeks_at_one(
            &e.weeks_at_one.to_string(),
            &some(e.first_at_one),
        )),
        Kind::LongestRuns => text(msg::records_detail_longest_runs(
            &e.streak.to_string(),
            &day(e.streak_from),
            &day(e.streak_to),
        )),
        Kind::HighestDebuts => text(msg::records_detail_highest_debuts(
            &e.debut_position.unwrap_or_default().to_string(),
            &day(e.first),
        )),
        Kind::BiggestJumps => e.jump.map_or_else(String::new, |j| {
            text(msg::records_detail_biggest_jumps(
                &j.from.to_string(),
                &j.to.to_string(),
                &j.size().to_string(),
                &day(j.week),
            ))
        }),
        Kind::MostWeeks | Kind::MostEntries | Kind::Firsts => text(msg::records_detail_most_weeks(
            &e.weeks.to_string(),
            &day(e.first),
            &day(e.last),
        )),
    }
}

fn first_line(ix: &Indexes, f: &First, locale: Locale) -> String {
    let what = match f.kind {
        FirstKind::Entry => msg::records_first_entry(),
        FirstKind::TopTen => msg::records_first_top_ten(),
        FirstKind::NumberOne => msg::records_first_number_one(),
        FirstKind::NumberOneDebut => msg::records_first_number_one_debut(),
    };
    let by = match f.acts {
        crate::app::records::ActKind::Group => msg::records_first_by_groups(),
        crate::app::records::ActKind::Soloist => msg::records_first_by_soloists(),
        crate::app::records::ActKind::MemberSolo => msg::records_first_by_member_solos(),
    };
    let date = |e: &Entry| match f.kind {
        FirstKind::Entry | FirstKind::NumberOneDebut => e.first,
        FirstKind::TopTen => e.first_in_top_ten.unwrap_or(e.first),
        FirstKind::NumberOne => e.first_at_one.unwrap_or(e.first),
    };
    let entries: Vec<String> = f
        .entries
        .iter()
        .filter_map(|e| {
            let song = ix.search.song_by_id(e.song())?;
            Some(t(
                locale,
                msg::records_first_item(
                    &truncate(song.title, 60),
                    &truncate(song.credit, 60),
                    &display_day(date(e).date(), locale),
                ),
            ))
        })
        .collect();
    let entries = match entries.len() {
        0 => t(locale, msg::records_first_none()),
        1 => entries[0].clone(),
        _ => t(locale, msg::records_first_tie(&entries.join("; "))),
    };
    t(
        locale,
        msg::records_first_line(&t(locale, what), &t(locale, by), &entries),
    )
}

/// ◀ ▶ for the person who asked.
fn page_buttons(view: &View, pages: usize, owner: u64) -> ActionRow {
    let page = view.page;
    let button = |label: &str, to: usize, disabled: bool| Button {
        custom_id: page_id(view, to, owner),
        label: label.to_string(),
        style: ButtonStyle::Secondary,
        disabled,
    };
    ActionRow {
        buttons: vec![
            button("◀", page.saturating_sub(1), page == 0),
            button("▶", page + 1, page + 1 >= pages),
        ],
    }
}
