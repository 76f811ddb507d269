//! `/artist name [chart] [order]`: an act's entries on both charts, each counted over the weeks
//! whose credit names the act. The answer leads with what fans quote (the No. 1s and top 10s by
//! name, the best peak on each chart), then lists the other entries a page at a time, newest,
//! best or oldest first. A group's answer adds its members' own entries; a member's names the
//! group.

use std::cmp::Reverse;

use chrono::Datelike;

use super::{Caller, CommandError, CommandResult, command, milestones, user_error};
use crate::app::search::{ActEntry, Match, Song};
use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_day};
use crate::domain::credited::CreditedRun;
use crate::domain::text;
use crate::i18n::{Locale, msg, t};
use crate::reply::json::Choice;
use crate::reply::limits::lines_within;
use crate::reply::{ActionRow, Button, ButtonStyle, Embed, Reply, colour};
use crate::store::NoteRow;

/// Entries listed per page.
const PER_PAGE: usize = 10;
/// Characters a list field may take, so that every field of a big act's answer fits in
/// Discord's 6000 characters.
const LIST_CHARS: usize = 800;
/// Titles named in a one-line summary before "and N more".
const NAMED: usize = 3;
/// Longest title shown in a list line.
const TITLE_CHARS: usize = 60;

/// How the entries outside the top 10 are listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// By the first week credited to the act, newest first.
    #[default]
    Newest,
    /// By peak, then weeks at the peak, then weeks.
    Best,
    /// By the first week credited to the act, oldest first.
    Oldest,
}

impl Order {
    /// The option's values, as `spec` registers them.
    pub const SLUGS: [&'static str; 3] = ["newest", "best", "oldest"];

    pub fn slug(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Best => "best",
            Order::Oldest => "oldest",
        }
    }

    pub fn parse(input: &str) -> Option<Order> {
        match text::key(input).as_str() {
            "newest" | "new" | "latest" | "recent" | "최신" | "최신순" | "新しい順" => {
                Some(Order::Newest)
            }
            "best" | "peak" | "top" | "최고" | "최고순위" | "순위" | "最高位" | "順位" => {
                Some(Order::Best)
            }
            "oldest" | "old" | "debut" | "first" | "오래된" | "오래된순" | "古い順" => {
                Some(Order::Oldest)
            }
            _ => None,
        }
    }
}

/// What one answer shows: the act, the charts and the order of its list, and the page.
#[derive(Clone, Copy, Debug)]
struct View<'a> {
    act: &'a ActEntry,
    chart: Option<Chart>,
    order: Order,
    page: usize,
}

/// One of the act's entries: the run and the act's credited share of it.
#[derive(Clone, Copy)]
struct Entry<'a> {
    song: Song<'a>,
    run: &'a CreditedRun,
}

impl Entry<'_> {
    fn year(&self) -> i32 {
        self.run.first().date.year()
    }
}

pub async fn run(
    app: &App,
    asked: &command::ArtistQuery,
    locale: Locale,
    caller: &Caller,
) -> CommandResult {
    let ix = app.indexes().await?;
    let act = find_act(&ix, &asked.name, locale)?;
    let view = View {
        act,
        chart: asked.chart,
        order: asked.order.unwrap_or_default(),
        page: 0,
    };
    Ok(answer(&ix, view, locale, caller.user_id))
}

fn find_act<'a>(ix: &'a Indexes, name: &str, locale: Locale) -> Result<&'a ActEntry, CommandError> {
    let hits = ix.search.find_acts(name);
    match hits.first() {
        Some((m, a)) if *m <= Match::WordPrefix || hits.len() == 1 => Ok(a),
        Some(_) => {
            let names: Vec<&str> = hits
                .iter()
                .take(3)
                .map(|(_, a)| a.row.name.as_str())
                .collect();
            Err(user_error(
                locale,
                msg::artist_did_you_mean(&text::truncate(name, 60), &names.join(", ")),
            ))
        }
        None => Err(user_error(
            locale,
            msg::artist_unknown(&text::truncate(name, 60)),
        )),
    }
}

/// The page button's `custom_id`: `page:artist:<act>:<chart|all>:<order>:<page>:<owner>`.
fn page_id(view: &View<'_>, page: usize, owner: u64) -> String {
    format!(
        "page:artist:{}:{}:{}:{page}:{owner}",
        view.act.row.id,
        view.chart.map_or("all", Chart::slug),
        view.order.slug()
    )
}

/// Another page of an act's entries, for the person who asked (`owner`) only. `parts` is what
/// follows `page:artist:` in the button's id; buttons sent before the chart and order options
/// existed (`<act>:<page>:<owner>`) still turn.
pub async fn turn_page(app: &App, parts: &[&str], caller: &Caller) -> CommandResult {
    let locale = caller.locale;
    let expired = || user_error(locale, msg::error_expired_button());
    let (act_id, chart, order, page, owner) = match parts {
        [act, chart, order, page, owner] => {
            let chart = match *chart {
                "all" => None,
                c => Some(Chart::parse(c).ok_or_else(expired)?),
            };
            (
                *act,
                chart,
                Order::parse(order).ok_or_else(expired)?,
                *page,
                *owner,
            )
        }
        [act, page, owner] => (*act, None, Order::default(), *page, *owner),
        _ => return Err(expired()),
    };
    let (Ok(page), Ok(owner)) = (page.parse::<usize>(), owner.parse::<u64>()) else {
        return Err(expired());
    };
    if caller.user_id != Some(owner) {
        return Err(user_error(locale, msg::pages_not_yours()));
    }
    let ix = app.indexes().await?;
    let act = ix.search.act_by_id(act_id).ok_or_else(expired)?;
    let view = View {
        act,
        chart,
        order,
        page,
    };
    Ok(Reply {
        update: true,
        ..answer(&ix, view, locale, Some(owner))
    })
}

/// The act's entries on the charts the view shows, in the view's order.
fn entries<'a>(ix: &'a Indexes, act_id: &str, view: &View<'_>) -> Vec<Entry<'a>> {
    let mut out: Vec<Entry<'a>> = ix
        .acts
        .runs(act_id)
        .iter()
        .filter(|r| view.chart.is_none_or(|c| c == r.chart))
        .filter_map(|run| {
            Some(Entry {
                song: ix.search.song_by_id(run.song_id)?,
                run,
            })
        })
        .collect();
    match view.order {
        Order::Newest => out.sort_by_key(|e| (Reverse(e.run.first().date), Reverse(e.song.id))),
        Order::Oldest => out.sort_by_key(|e| (e.run.first().date, e.song.id)),
        Order::Best => out.sort_by_key(|e| {
            let r = e.run;
            (
                r.peak(),
                Reverse(r.weeks_at(r.peak())),
                Reverse(r.total_weeks()),
                r.first().date,
                e.song.id,
            )
        }),
    }
    out
}

/// What an `/artist` answer says: the act's groups, its entries by chart, its No. 1s and top
/// 10s, its latest and first weeks, a page of the rest, its members' own entries, and notes.
struct Found<'a> {
    view: View<'a>,
    /// The groups the act is a member of.
    groups: Vec<&'a str>,
    /// The act's entries on each chart shown, charts without any left out.
    charts: Vec<(Chart, Vec<Entry<'a>>)>,
    /// Entries that reached No. 1, in the view's order.
    ones: Vec<Entry<'a>>,
    /// Entries that peaked at No. 2 to 10, in the view's order.
    top10: Vec<Entry<'a>>,
    /// The entry on the newest chart week (the higher placed one when several are), and how
    /// many of the act's entries charted that week.
    latest: Option<(Entry<'a>, usize)>,
    /// The entry whose credited run began first.
    first: Option<Entry<'a>>,
    rest: Page<'a>,
    members: Vec<Member<'a>>,
    notes: Vec<&'a NoteRow>,
    /// Every run credited to the act, which the notes are checked against.
    runs: &'a [CreditedRun],
}

/// The page shown of the entries outside the top 10.
struct Page<'a> {
    entries: Vec<Entry<'a>>,
    /// Counted from 0, within `pages`.
    page: usize,
    /// At least 1.
    pages: usize,
}

/// A member act with entries of its own: runs that do not credit the group.
struct Member<'a> {
    name: &'a str,
    entries: usize,
    /// Its No. 1s, earliest first.
    ones: Vec<Entry<'a>>,
    /// Its best peak, reached first.
    best: Entry<'a>,
}

/// The answer for `view`, as its reply; page buttons only for an `owner`.
fn answer(ix: &Indexes, view: View<'_>, locale: Locale, owner: Option<u64>) -> Reply {
    render(ix, &find(ix, view), locale, owner)
}

/// What the answer for `view` says.
fn find<'a>(ix: &'a Indexes, view: View<'a>) -> Found<'a> {
    let act = view.act;
    let entries = entries(ix, &act.row.id, &view);
    let peaked = |range: std::ops::RangeInclusive<i64>| -> Vec<Entry<'a>> {
        entries
            .iter()
            .copied()
            .filter(|e| range.contains(&e.run.peak()))
            .collect()
    };
    let latest = entries
        .iter()
        .max_by_key(|e| (e.run.last().date, Reverse(e.run.last().position)))
        .map(|latest| {
            let date = latest.run.last().date;
            let same_week = entries.iter().filter(|e| e.run.last().date == date).count();
            (*latest, same_week)
        });
    let rest: Vec<Entry<'a>> = peaked(11..=i64::MAX);
    let pages = rest.len().div_ceil(PER_PAGE).max(1);
    let page = view.page.min(pages - 1);
    let shown = rest[page * PER_PAGE..rest.len().min((page + 1) * PER_PAGE)].to_vec();
    Found {
        groups: ix
            .acts
            .groups_of(&act.row.id)
            .iter()
            .filter_map(|g| ix.search.act_by_id(g))
            .map(|g| g.row.name.as_str())
            .collect(),
        charts: Chart::ALL
            .into_iter()
            .map(|chart| {
                let on = entries.iter().copied().filter(|e| e.song.chart == chart);
                (chart, on.collect::<Vec<_>>())
            })
            .filter(|(_, on)| !on.is_empty())
            .collect(),
        ones: peaked(1..=1),
        top10: peaked(2..=10),
        latest,
        first: entries
            .iter()
            .copied()
            .min_by_key(|e| (e.run.first().date, e.song.id)),
        rest: Page {
            entries: shown,
            page,
            pages,
        },
        members: members(ix, &view),
        notes: ix
            .facts
            .act_notes(&act.row.id)
            .filter(|n| view.chart.is_none_or(|c| milestones::about_chart(n, c)))
            .collect(),
        runs: ix.acts.runs(&act.row.id),
        view,
    }
}

/// An answer as its reply: the embed, and the page buttons when there are pages to turn.
fn render(ix: &Indexes, found: &Found<'_>, locale: Locale, owner: Option<u64>) -> Reply {
    let act = found.view.act;
    let mut embed = head(found, locale);
    for (chart, on) in &found.charts {
        embed = embed.field(chart.name(), chart_summary(on, locale), false);
    }
    embed = highlights(embed, found, locale);
    if !found.rest.entries.is_empty() {
        let lines: Vec<String> = found
            .rest
            .entries
            .iter()
            .map(|e| list_line(*e, locale))
            .collect();
        let heading = match found.view.order {
            Order::Newest => msg::artist_rest_newest,
            Order::Best => msg::artist_rest_best,
            Order::Oldest => msg::artist_rest_oldest,
        };
        let (page, pages) = (found.rest.page + 1, found.rest.pages);
        let name = t(locale, heading(&page.to_string(), &pages.to_string()));
        embed = embed.field(name, lines_within(&lines, 1000, more(locale)), false);
    }
    if let Some(members) = members_field(&found.members, locale) {
        embed = embed.field(t(locale, msg::artist_members()), members, false);
    }
    let charts: Vec<Chart> = found.charts.iter().map(|(c, _)| *c).collect();
    embed = milestones::add(
        embed,
        ix,
        milestones::computed::for_act(ix, &act.row.id, &charts, locale),
        found.notes.iter().copied(),
        |_, claim| {
            found
                .runs
                .iter()
                .filter(|r| r.chart == claim.chart())
                .map(|r| (r.song_id, r.weeks()))
                .collect()
        },
        |_| milestones::Subject::Act(&act.row.id),
        locale,
    );
    embed = embed.footer(t(locale, msg::artist_footer(&act.row.name)));
    let mut reply = Reply::embed(embed);
    if let Some(owner) = owner {
        reply.components.extend(page_buttons(found, owner));
    }
    reply
}

/// "and 3 more", for a list cut to fit.
fn more(locale: Locale) -> impl Fn(usize) -> String {
    move |n| t(locale, msg::more(&n.to_string()))
}

/// The embed's title, and a description naming the act's groups, or that it has no entries.
fn head(found: &Found<'_>, locale: Locale) -> Embed {
    let act = found.view.act;
    let title = match &act.row.hangul {
        Some(h) => format!("{} ({h})", act.row.name),
        None => act.row.name.clone(),
    };
    let mut embed = Embed::new(colour::ARTIST).title(title);
    let mut description = Vec::new();
    if let Some(first) = found.groups.first() {
        let groups = found.groups.join(", ");
        description.push(t(locale, msg::artist_member_of(&groups, first)));
    }
    if found.charts.is_empty() {
        description.push(match found.view.chart {
            None => t(locale, msg::artist_no_entries(&act.row.name)),
            Some(c) => t(locale, msg::artist_no_entries_on(&act.row.name, c.name())),
        });
    }
    if !description.is_empty() {
        embed = embed.description(description.join("\n"));
    }
    embed
}

/// The No. 1s, the other top 10s, the latest week and the first entry.
fn highlights(mut embed: Embed, found: &Found<'_>, locale: Locale) -> Embed {
    let ones: Vec<String> = found.ones.iter().map(|e| one_line(*e, locale)).collect();
    if !ones.is_empty() {
        embed = embed.field(
            t(locale, msg::artist_number_ones()),
            lines_within(&ones, LIST_CHARS, more(locale)),
            false,
        );
    }
    let top10: Vec<String> = found.top10.iter().map(|e| top10_line(*e, locale)).collect();
    if !top10.is_empty() {
        let key = if ones.is_empty() {
            msg::artist_top10s()
        } else {
            msg::artist_other_top10s()
        };
        embed = embed.field(
            t(locale, key),
            lines_within(&top10, LIST_CHARS, more(locale)),
            false,
        );
    }
    if let Some((latest, same_week)) = found.latest {
        let week = latest.run.last();
        let mut value = t(
            locale,
            msg::artist_latest_value(
                latest.song.title,
                latest.song.chart.name(),
                &week.position.to_string(),
                &display_day(week.date, locale),
            ),
        );
        if same_week > 1 {
            value.push_str(" · ");
            value.push_str(&t(
                locale,
                msg::artist_same_week(&(same_week - 1).to_string()),
            ));
        }
        embed = embed.field(t(locale, msg::artist_latest_week()), value, false);
    }
    if let Some(first) = found.first {
        embed = embed.field(
            t(locale, msg::artist_first()),
            entry_line(first, locale),
            false,
        );
    }
    embed
}

/// A No. 1 in its list: title, chart, year, weeks at No. 1.
fn one_line(e: Entry<'_>, locale: Locale) -> String {
    t(
        locale,
        msg::artist_one_line(
            &text::truncate(e.song.title, TITLE_CHARS),
            e.song.chart.short_name(),
            &e.year().to_string(),
            &e.run.weeks_at(1).to_string(),
        ),
    ) + &joined(e, locale)
}

/// A top 10 in its list: title, chart, year, peak, weeks.
fn top10_line(e: Entry<'_>, locale: Locale) -> String {
    t(
        locale,
        msg::artist_top10_line(
            &text::truncate(e.song.title, TITLE_CHARS),
            e.song.chart.short_name(),
            &e.year().to_string(),
            &e.run.peak().to_string(),
            &e.run.total_weeks().to_string(),
        ),
    ) + &joined(e, locale)
}

/// ◀ ▶ for the person who asked, when the rest takes more than one page.
fn page_buttons(found: &Found<'_>, owner: u64) -> Option<ActionRow> {
    let (page, pages) = (found.rest.page, found.rest.pages);
    if pages <= 1 {
        return None;
    }
    let button = |label: &str, to: usize, disabled: bool| Button {
        custom_id: page_id(&found.view, to, owner),
        label: label.to_string(),
        style: ButtonStyle::Secondary,
        disabled,
    };
    Some(ActionRow {
        buttons: vec![
            button("◀", page.saturating_sub(1), page == 0),
            button("▶", page + 1, page + 1 >= pages),
        ],
    })
}

/// Counts on one chart, then its best peak and the entries that reached it.
fn chart_summary(entries: &[Entry<'_>], locale: Locale) -> String {
    let ones = entries.iter().filter(|e| e.run.peak() == 1).count();
    let top10 = entries.iter().filter(|e| e.run.peak() <= 10).count();
    let weeks: usize = entries.iter().map(|e| e.run.total_weeks()).sum();
    let mut out = t(
        locale,
        msg::artist_summary(
            &entries.len().to_string(),
            &ones.to_string(),
            &top10.to_string(),
            &weeks.to_string(),
        ),
    );
    let Some(best) = entries.iter().map(|e| e.run.peak()).min() else {
        return out;
    };
    let mut at_best: Vec<&Entry<'_>> = entries.iter().filter(|e| e.run.peak() == best).collect();
    at_best.sort_by_key(|e| (e.run.peak_date(), e.song.id));
    let mut titles: Vec<String> = at_best
        .iter()
        .take(NAMED)
        .map(|e| text::truncate(e.song.title, TITLE_CHARS))
        .collect();
    if at_best.len() > NAMED {
        titles.push(t(
            locale,
            msg::artist_and_more(&(at_best.len() - NAMED).to_string()),
        ));
    }
    out.push('\n');
    out.push_str(&t(
        locale,
        msg::artist_best_peak(&best.to_string(), &titles.join(", ")),
    ));
    out
}

/// "Dracula (Billboard Hot 100) · peak No. 5 · 21 weeks · joined the credit on 2026-04-04".
fn entry_line(e: Entry<'_>, locale: Locale) -> String {
    let first = e.run.first();
    let line = if e.run.joined().is_some() {
        msg::artist_entry_joined
    } else {
        msg::artist_entry
    };
    t(
        locale,
        line(
            e.song.title,
            e.song.chart.name(),
            &e.run.peak().to_string(),
            &e.run.total_weeks().to_string(),
            &display_day(first.date, locale),
        ),
    )
}

/// One line of the paged list.
fn list_line(e: Entry<'_>, locale: Locale) -> String {
    let line = format!(
        "`#{:<3}` {} ({}, {}) · {}",
        e.run.peak(),
        text::truncate(e.song.title, TITLE_CHARS),
        e.song.chart.short_name(),
        e.year(),
        t(
            locale,
            msg::artist_weeks_short(&e.run.total_weeks().to_string())
        )
    );
    line + &joined(e, locale)
}

/// " · joined the credit on 2026-04-04" for an entry the act joined after its debut.
fn joined(e: Entry<'_>, locale: Locale) -> String {
    e.run.joined().map_or(String::new(), |date| {
        format!(
            " · {}",
            t(locale, msg::artist_joined(&display_day(date, locale)))
        )
    })
}

/// For a group: each member act with entries of its own (runs that do not credit the group).
fn members<'a>(ix: &'a Indexes, view: &View<'a>) -> Vec<Member<'a>> {
    let group = &view.act.row.id;
    let mut out = Vec::new();
    for member in ix.acts.members_of(group) {
        let Some(act) = ix.search.act_by_id(member) else {
            continue;
        };
        let own: Vec<Entry<'a>> = entries(ix, member, &View { act, ..*view })
            .into_iter()
            .filter(|e| ix.acts.credited(group, e.song.id).is_none())
            .collect();
        let Some(&best) = own.iter().min_by_key(|e| (e.run.peak(), e.run.peak_date())) else {
            continue;
        };
        let mut ones: Vec<Entry<'a>> = own.iter().copied().filter(|e| e.run.peak() == 1).collect();
        ones.sort_by_key(|e| (e.run.peak_date(), e.song.id));
        out.push(Member {
            name: &act.row.name,
            entries: own.len(),
            ones,
            best,
        });
    }
    out
}

/// The members, most No. 1s first, then by best peak: each with its No. 1s by name, or its
/// best peak when it has none.
fn members_field(members: &[Member<'_>], locale: Locale) -> Option<String> {
    let mut lines: Vec<(usize, i64, String)> = members
        .iter()
        .map(|m| (m.ones.len(), m.best.run.peak(), member_line(m, locale)))
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.sort_by(|a, b| (Reverse(a.0), a.1, &a.2).cmp(&(Reverse(b.0), b.1, &b.2)));
    let lines: Vec<String> = lines.into_iter().map(|(_, _, l)| l).collect();
    Some(lines_within(&lines, LIST_CHARS, more(locale)))
}

fn member_line(m: &Member<'_>, locale: Locale) -> String {
    let count = m.entries.to_string();
    if m.ones.is_empty() {
        return t(
            locale,
            msg::artist_member_best(
                m.name,
                &count,
                &m.best.run.peak().to_string(),
                &text::truncate(m.best.song.title, TITLE_CHARS),
            ),
        );
    }
    let titles: Vec<String> = m
        .ones
        .iter()
        .map(|e| {
            format!(
                "{} ({})",
                text::truncate(e.song.title, TITLE_CHARS),
                e.song.chart.short_name()
            )
        })
        .collect();
    t(
        locale,
        msg::artist_member_ones(
            m.name,
            &count,
            &m.ones.len().to_string(),
            &titles.join(", "),
        ),
    )
}

pub async fn complete_artist(app: &App, partial: &str) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    Ok(act_choices(&ix, partial).collect())
}

/// The acts matching `partial`, as choices named with their Hangul names.
pub fn act_choices<'a>(ix: &'a Indexes, partial: &str) -> impl Iterator<Item = Choice> + 'a {
    ix.search
        .find_acts(partial)
        .into_iter()
        .take(25)
        .map(|(_, a)| {
            let name = match &a.row.hangul {
                Some(h) => format!("{} ({h})", a.row.name),
                None => a.row.name.clone(),
            };
            Choice {
                name: text::truncate(&name, 100),
                value: text::truncate(&a.row.name, 100),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_read_in_three_languages() {
        for slug in Order::SLUGS {
            assert_eq!(Order::parse(slug).map(Order::slug), Some(slug));
        }
        assert_eq!(Order::parse("최신순"), Some(Order::Newest));
        assert_eq!(Order::parse("最高位"), Some(Order::Best));
        assert_eq!(Order::parse("sideways"), None);
    }
}
