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
    Ok(render(&ix, view, locale, caller.user_id))
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
        ..render(&ix, view, locale, Some(owner))
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

fn render(ix: &Indexes, view: View<'_>, locale: Locale, owner: Option<u64>) -> Reply {
    let act = view.act;
    let entries = entries(ix, &act.row.id, &view);
    let title = match &act.row.hangul {
        Some(h) => format!("{} ({h})", act.row.name),
        None => act.row.name.clone(),
    };
    let mut embed = Embed::new(colour::ARTIST).title(title);
    let mut description = Vec::new();
    let groups: Vec<&str> = ix
        .acts
        .groups_of(&act.row.id)
        .iter()
        .filter_map(|g| ix.search.act_by_id(g))
        .map(|g| g.row.name.as_str())
        .collect();
    if let Some(first) = groups.first() {
        description.push(t(locale, msg::artist_member_of(&groups.join(", "), first)));
    }
    if entries.is_empty() {
        description.push(match view.chart {
            None => t(locale, msg::artist_no_entries(&act.row.name)),
            Some(c) => t(locale, msg::artist_no_entries_on(&act.row.name, c.name())),
        });
    }
    if !description.is_empty() {
        embed = embed.description(description.join("\n"));
    }

    for chart in Chart::ALL {
        let on: Vec<Entry<'_>> = entries
            .iter()
            .copied()
            .filter(|e| e.song.chart == chart)
            .collect();
        if !on.is_empty() {
            embed = embed.field(chart.name(), chart_summary(&on, locale), false);
        }
    }
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    let ones: Vec<String> = entries
        .iter()
        .filter(|e| e.run.peak() == 1)
        .map(|e| {
            t(
                locale,
                msg::artist_one_line(
                    &text::truncate(e.song.title, TITLE_CHARS),
                    e.song.chart.short_name(),
                    &e.year().to_string(),
                    &e.run.weeks_at(1).to_string(),
                ),
            ) + &joined(*e, locale)
        })
        .collect();
    if !ones.is_empty() {
        embed = embed.field(
            t(locale, msg::artist_number_ones()),
            lines_within(&ones, LIST_CHARS, more),
            false,
        );
    }
    let top10: Vec<String> = entries
        .iter()
        .filter(|e| (2..=10).contains(&e.run.peak()))
        .map(|e| {
            t(
                locale,
                msg::artist_top10_line(
                    &text::truncate(e.song.title, TITLE_CHARS),
                    e.song.chart.short_name(),
                    &e.year().to_string(),
                    &e.run.peak().to_string(),
                    &e.run.total_weeks().to_string(),
                ),
            ) + &joined(*e, locale)
        })
        .collect();
    if !top10.is_empty() {
        let key = if ones.is_empty() {
            msg::artist_top10s()
        } else {
            msg::artist_other_top10s()
        };
        embed = embed.field(
            t(locale, key),
            lines_within(&top10, LIST_CHARS, more),
            false,
        );
    }
    if let Some(latest) = entries
        .iter()
        .max_by_key(|e| (e.run.last().date, Reverse(e.run.last().position)))
    {
        let week = latest.run.last();
        let same_week = entries
            .iter()
            .filter(|e| e.run.last().date == week.date)
            .count();
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
    if let Some(first) = entries
        .iter()
        .min_by_key(|e| (e.run.first().date, e.song.id))
    {
        embed = embed.field(
            t(locale, msg::artist_first()),
            entry_line(*first, locale),
            false,
        );
    }

    let rest: Vec<Entry<'_>> = entries
        .iter()
        .copied()
        .filter(|e| e.run.peak() > 10)
        .collect();
    let pages = rest.len().div_ceil(PER_PAGE).max(1);
    let page = view.page.min(pages - 1);
    if !rest.is_empty() {
        let lines: Vec<String> = rest[page * PER_PAGE..rest.len().min((page + 1) * PER_PAGE)]
            .iter()
            .map(|e| list_line(*e, locale))
            .collect();
        let heading = match view.order {
            Order::Newest => msg::artist_rest_newest,
            Order::Best => msg::artist_rest_best,
            Order::Oldest => msg::artist_rest_oldest,
        };
        let name = t(locale, heading(&(page + 1).to_string(), &pages.to_string()));
        embed = embed.field(name, lines_within(&lines, 1000, more), false);
    }
    if let Some(members) = members_field(ix, &view, locale) {
        embed = embed.field(t(locale, msg::artist_members()), members, false);
    }

    let notes: Vec<_> = ix
        .facts
        .act_notes(&act.row.id)
        .filter(|n| view.chart.is_none_or(|c| milestones::about_chart(n, c)))
        .collect();
    let runs = ix.acts.runs(&act.row.id);
    embed = milestones::add(
        embed,
        ix,
        notes,
        |_, claim| {
            runs.iter()
                .filter(|r| r.chart == claim.chart())
                .map(|r| (r.song_id, r.weeks()))
                .collect()
        },
        locale,
    );
    embed = embed.footer(t(locale, msg::artist_footer(&act.row.name)));

    let mut reply = Reply::embed(embed);
    if let (Some(owner), true) = (owner, pages > 1) {
        let button = |label: &str, to: usize, disabled: bool| Button {
            custom_id: page_id(&view, to, owner),
            label: label.to_string(),
            style: ButtonStyle::Secondary,
            disabled,
        };
        reply.components.push(ActionRow {
            buttons: vec![
                button("◀", page.saturating_sub(1), page == 0),
                button("▶", page + 1, page + 1 >= pages),
            ],
        });
    }
    reply
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

/// For a group: each member act with entries of its own (runs that do not credit the group),
/// with its No. 1s by name, or its best peak when it has none.
fn members_field(ix: &Indexes, view: &View<'_>, locale: Locale) -> Option<String> {
    let group = &view.act.row.id;
    let mut members: Vec<(usize, i64, String)> = Vec::new();
    for member in ix.acts.members_of(group) {
        let Some(act) = ix.search.act_by_id(member) else {
            continue;
        };
        let own: Vec<Entry<'_>> = entries(ix, member, &View { act, ..*view })
            .into_iter()
            .filter(|e| ix.acts.credited(group, e.song.id).is_none())
            .collect();
        let Some(best) = own.iter().min_by_key(|e| (e.run.peak(), e.run.peak_date())) else {
            continue;
        };
        let mut ones: Vec<&Entry<'_>> = own.iter().filter(|e| e.run.peak() == 1).collect();
        ones.sort_by_key(|e| (e.run.peak_date(), e.song.id));
        let count = own.len().to_string();
        let line = if ones.is_empty() {
            t(
                locale,
                msg::artist_member_best(
                    &act.row.name,
                    &count,
                    &best.run.peak().to_string(),
                    &text::truncate(best.song.title, TITLE_CHARS),
                ),
            )
        } else {
            let titles: Vec<String> = ones
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
                    &act.row.name,
                    &count,
                    &ones.len().to_string(),
                    &titles.join(", "),
                ),
            )
        };
        members.push((ones.len(), best.run.peak(), line));
    }
    if members.is_empty() {
        return None;
    }
    members.sort_by(|a, b| (Reverse(a.0), a.1, &a.2).cmp(&(Reverse(b.0), b.1, &b.2)));
    let lines: Vec<String> = members.into_iter().map(|(_, _, l)| l).collect();
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    Some(lines_within(&lines, LIST_CHARS, more))
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
