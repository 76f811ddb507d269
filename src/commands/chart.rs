//! `/chart title [artist] [chart]`: a song's or album's Billboard run.

use chrono::{Datelike, NaiveDate};

use super::{CommandResult, Invocation, command, user_error};
use crate::app::search::{Lookup, Match, SearchIndex, Song, TitleFilter};
use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_date, parse_chart_date, title_key};
use crate::domain::credited::CreditedWeek;
use crate::domain::run::{Run, Week};
use crate::domain::text;
use crate::i18n::{Locale, msg, t};
use crate::reply::json::Choice;
use crate::reply::plot::{self, RunWeek};
use crate::reply::{Embed, Reply, colour};

/// Autocomplete values that pick one song exactly: `song:<id>`.
const SONG_PREFIX: &str = "song:";
/// How many other matches an answer names.
const OTHERS_SHOWN: usize = 5;

pub async fn run(app: &App, asked: &command::ChartQuery, locale: Locale) -> CommandResult {
    let title = asked.title.as_str();
    let ix = app.indexes().await?;
    let filter = TitleFilter {
        chart: asked.chart,
        artist: asked.artist.as_deref().map(text::fold),
    };
    let picked = title
        .strip_prefix(SONG_PREFIX)
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| ix.search.song_by_id(id));
    let answer = match picked {
        Some(song) => Answer {
            best: song,
            label: Vec::new(),
            others: Vec::new(),
            more: 0,
        },
        None => choose(&ix.search, title, &filter, asked.artist.as_deref(), locale)?,
    };
    let weeks = app.store().song_weeks(answer.best.id).await?;
    let run = Run::from_weeks(weeks.iter().map(Week::from))
        .ok_or_else(|| anyhow::anyhow!("song {} has no weeks", answer.best.id))?;
    let latest = ix.search.latest_date(answer.best.chart);
    let found = Found {
        still_on: latest.is_some_and(|d| d.to_string() == run.last.date),
        run,
        choice: answer,
    };
    let song = found.choice.best;
    let chart_name = song.chart.name();
    let embed = render(&ix, &found, locale);
    let mut reply = Reply::embed(embed);
    let (title, chart, drawn_run) = (song.title.to_string(), song.chart, found.run);
    let drawn = app
        .picture(
            &format!("run-{}", song.id),
            locale,
            ix.generation,
            move || picture(&title, chart, &drawn_run, locale),
        )
        .await;
    match drawn {
        Ok(png) => {
            reply = reply.with_picture(
                format!("run-{}.png", song.id),
                t(locale, msg::chart_picture_alt(song.title, chart_name)),
                png,
            );
        }
        Err(e) => tracing::warn!(song = song.id, error = ?e, "rendering the run picture failed"),
    }
    Ok(reply)
}

/// What a `/chart` answer says: the run found, how it was chosen, and whether it is on the
/// latest chart.
struct Found<'a> {
    choice: Answer<'a>,
    run: Run,
    still_on: bool,
}

/// A found run as the answer's embed.
fn render(ix: &Indexes, found: &Found<'_>, locale: Locale) -> Embed {
    let (song, run, answer) = (found.choice.best, &found.run, &found.choice);
    let chart_name = song.chart.name();
    let summary = t(
        locale,
        msg::chart_summary(chart_name, &run.total_weeks().to_string()),
    );
    let description = if answer.label.is_empty() {
        summary
    } else {
        format!("{}\n\n{summary}", answer.label.join("\n"))
    };
    let mut embed = Embed::new(colour::CHART)
        .title(format!("{} — {}", song.title, song.credit))
        .description(description);
    embed = run_fields(embed, run, found.still_on, locale);
    if let Some(joined) = joined_lines(ix, song, run, locale) {
        embed = embed.field(t(locale, msg::chart_credit_changes()), joined, false);
    }
    embed = milestones(embed, ix, song, run, locale);
    if !answer.others.is_empty() {
        let mut value = answer
            .others
            .iter()
            .map(|s| pointer(locale, *s))
            .collect::<Vec<_>>()
            .join("\n");
        if answer.more > 0 {
            let more = answer.more.to_string();
            value.push_str(&format!("\n{}", t(locale, msg::chart_more_matches(&more))));
        }
        embed = embed.field(t(locale, msg::chart_other_matches()), value, false);
    }
    embed.footer(t(
        locale,
        msg::chart_footer(
            chart_name,
            &display_date(&run.debut.date, locale),
            &display_date(&run.last.date, locale),
        ),
    ))
}

/// The run's figures: debut, peak, weeks, streak, re-entries, No. 1s, last week, week by week.
fn run_fields(mut embed: Embed, run: &Run, still_on: bool, locale: Locale) -> Embed {
    let at = |position: i64, date: &str| {
        t(
            locale,
            msg::chart_at(&position.to_string(), &display_date(date, locale)),
        )
    };
    embed = embed
        .field(
            t(locale, msg::chart_debut()),
            at(run.debut.position, &run.debut.date),
            true,
        )
        .field(
            t(locale, msg::chart_peak()),
            t(
                locale,
                msg::chart_peak_value(&run.peak.to_string(), &run.weeks_at_peak.to_string()),
            ),
            true,
        )
        .field(
            t(locale, msg::chart_total_weeks()),
            run.total_weeks().to_string(),
            true,
        )
        .field(
            t(locale, msg::chart_longest_streak()),
            t(
                locale,
                msg::chart_weeks_count(&run.longest_streak.to_string()),
            ),
            true,
        )
        .field(
            t(locale, msg::chart_re_entries()),
            run.re_entries.to_string(),
            true,
        );
    if run.weeks_at_number_one > 0 {
        embed = embed.field(
            t(locale, msg::chart_weeks_at_one()),
            run.weeks_at_number_one.to_string(),
            true,
        );
    }
    let last = if still_on {
        msg::chart_this_week()
    } else {
        msg::chart_last_week_on_chart()
    };
    embed = embed.field(t(locale, last), at(run.last.position, &run.last.date), true);
    embed.field(
        t(locale, msg::chart_week_by_week()),
        week_by_week(run, locale, WEEK_BY_WEEK_CHARS),
        false,
    )
}

/// The run an answer shows, what it says about the choice, and the others it names.
struct Answer<'a> {
    best: Song<'a>,
    /// Lines before the run's summary: which title this is when several are called that, or
    /// that none is and this is the closest.
    label: Vec<String>,
    others: Vec<Song<'a>>,
    /// How many more there are than `others` names.
    more: usize,
}

/// Picks the run to answer with, or refuses with what is true: that nothing is called that
/// (under the filters asked for), where titles called that are instead, and where the act's
/// own entries are.
fn choose<'a>(
    search: &'a SearchIndex,
    title: &str,
    filter: &TitleFilter,
    artist: Option<&str>,
    locale: Locale,
) -> Result<Answer<'a>, super::CommandError> {
    let shown = text::truncate(title, 60);
    let (closest, total, elsewhere) = match search.lookup(title, filter, 1 + OTHERS_SHOWN) {
        Lookup::Nothing => {
            return Err(user_error(locale, msg::chart_no_letters(&shown)));
        }
        Lookup::Called { hits, total } => {
            let best = hits[0];
            let label = if total > 1 {
                vec![t(
                    locale,
                    msg::chart_chosen(&total.to_string(), &shown, &entry(locale, best)),
                )]
            } else {
                Vec::new()
            };
            return Ok(Answer {
                best,
                label,
                others: hits[1..].to_vec(),
                more: total - hits.len(),
            });
        }
        Lookup::Closest {
            closest,
            total,
            elsewhere,
        } => (closest, total, elsewhere),
    };
    // An act's name asked as a title: the act is what was meant.
    if let Some((Match::Exact, act)) = search.find_acts(title).first() {
        return Err(user_error(
            locale,
            msg::chart_nothing_found_try_artist(&shown, &act.row.name),
        ));
    }
    let act = artist.and_then(|a| match search.find_acts(a).first() {
        Some((Match::Exact, act)) => Some(act.row.name.as_str()),
        _ => None,
    });
    let artist_shown =
        act.map_or_else(|| artist.map(|a| text::truncate(a, 60)), |a| Some(a.into()));
    let none = match (&artist_shown, filter.chart) {
        (None, None) if closest.is_empty() => {
            return Err(user_error(locale, msg::chart_nothing_found(&shown)));
        }
        (None, None) => t(locale, msg::chart_none_called(&shown)),
        (None, Some(c)) => t(locale, msg::chart_none_called_on(c.name(), &shown)),
        (Some(a), None) => t(locale, msg::chart_none_called_by(a, &shown)),
        (Some(a), Some(c)) => t(locale, msg::chart_none_called_by_on(a, c.name(), &shown)),
    };
    let mut label = vec![none];
    if let Some(&best) = closest.first() {
        label.push(t(locale, msg::chart_closest(&entry(locale, best))));
    }
    if !elsewhere.is_empty() {
        label.push(t(locale, msg::chart_called_elsewhere(&shown)));
        label.extend(elsewhere.iter().map(|s| pointer(locale, *s)));
    }
    if let Some(a) = act {
        label.push(t(locale, msg::chart_act_entries(a)));
    }
    match closest.first() {
        None => Err(super::CommandError::User(label.join("\n"))),
        Some(&best) => Ok(Answer {
            best,
            label,
            others: closest[1..].to_vec(),
            more: total.saturating_sub(closest.len()),
        }),
    }
}

/// A run in a line: title, act, chart, year and peak, enough to pick it among others.
fn entry(locale: Locale, s: Song<'_>) -> String {
    t(
        locale,
        msg::chart_entry(
            s.title,
            s.credit,
            s.chart.name(),
            &s.debut.map_or("?".into(), |d| d.year().to_string()),
            &s.peak.map_or("?".into(), |p| p.to_string()),
        ),
    )
}

/// An entry and the command that shows its run.
fn pointer(locale: Locale, s: Song<'_>) -> String {
    format!(
        "• {}: `/chart title:\"{}\" artist:\"{}\" chart:{}`",
        entry(locale, s),
        s.title.replace('"', "'"),
        s.credit.replace('"', "'"),
        s.chart.slug()
    )
}

/// The run as a picture; a week off the chart before each re-entry breaks the line.
fn picture(title: &str, chart: Chart, run: &Run, locale: Locale) -> anyhow::Result<Vec<u8>> {
    let mut weeks: Vec<RunWeek> = Vec::with_capacity(run.weeks.len() + run.re_entries);
    for w in &run.weeks {
        let Ok(date) = NaiveDate::parse_from_str(&w.date, "%Y-%m-%d") else {
            continue;
        };
        if w.last_week.is_none()
            && let Some(prev) = weeks.last().map(|p| p.date)
        {
            weeks.push(RunWeek {
                date: prev + chrono::Days::new(7),
                position: None,
            });
        }
        weeks.push(RunWeek {
            date,
            position: Some(w.position),
        });
    }
    plot::run_chart(title, chart.name(), chart.size(), &weeks, locale)
}

/// Room for the week-by-week field: Discord takes 1,024 characters in a field's value.
const WEEK_BY_WEEK_CHARS: usize = 1000;

/// The positions week by week, one line per calendar month and per return to the chart, each
/// line led by the date of its first week: "2023-04-01: 100 → 94 → 85 → 60 → 45", then
/// "2023-05-06: …". Every arrow is the next week, so each position's date can be counted out.
/// A long run keeps its first and last lines and says how many weeks are left out between.
fn week_by_week(run: &Run, locale: Locale, max: usize) -> String {
    let mut stretches: Vec<(&str, bool, Vec<i64>)> = Vec::new();
    for (i, w) in run.weeks.iter().enumerate() {
        let back = i > 0 && w.last_week.is_none();
        match stretches.last_mut() {
            Some((first, _, positions)) if !back && first.get(..7) == w.date.get(..7) => {
                positions.push(w.position);
            }
            _ => stretches.push((w.date.as_str(), back, vec![w.position])),
        }
    }
    let lines: Vec<(String, usize)> = stretches
        .iter()
        .map(|(date, back, positions)| {
            let line = if *back {
                msg::chart_week_line_back
            } else {
                msg::chart_week_line
            };
            let date = display_date(date, locale);
            let weeks: Vec<String> = positions.iter().map(i64::to_string).collect();
            let weeks_text = weeks.join(" → ");
            let line = t(locale, line(&date, &weeks_text));
            (line, positions.len())
        })
        .collect();
    let text = |lines: &[(String, usize)]| -> Vec<String> {
        lines.iter().map(|(line, _)| line.clone()).collect()
    };
    let total: usize = lines.iter().map(|(l, _)| l.chars().count() + 1).sum();
    if total <= max {
        return text(&lines).join("\n");
    }
    // Keep the start and the end, which fans look for, a line at a time from each, and say how
    // many weeks lie between.
    const GAP_ROOM: usize = 60;
    let (mut front, mut back, mut kept) = (0, lines.len(), 0);
    while front < back {
        let from_front = front <= lines.len() - back;
        let next = if from_front { front } else { back - 1 };
        let cost = lines[next].0.chars().count() + 1;
        if kept + cost + GAP_ROOM > max {
            break;
        }
        kept += cost;
        if from_front {
            front += 1;
        } else {
            back -= 1;
        }
    }
    let left_out: usize = lines[front..back].iter().map(|(_, weeks)| weeks).sum();
    let gap = t(locale, msg::chart_weeks_left_out(&left_out.to_string()));
    let mut out = text(&lines[..front]);
    out.push(gap);
    out.extend(text(&lines[back..]));
    out.join("\n")
}

/// "JENNIE joined the credit on 2026-04-04": for each act that joined a run already charting,
/// when, and what its share of the run was.
fn joined_lines(ix: &Indexes, song: Song<'_>, run: &Run, locale: Locale) -> Option<String> {
    let lines: Vec<String> = ix
        .acts
        .credits_of(song.id)
        .filter_map(|(act, credited)| {
            let date = credited.joined()?;
            let name = ix
                .search
                .act_by_id(act)
                .map_or(act, |a| a.row.name.as_str());
            Some(t(
                locale,
                msg::chart_joined(
                    name,
                    &display_date(&date.to_string(), locale),
                    &credited.total_weeks().to_string(),
                    &run.total_weeks().to_string(),
                    &credited.peak().to_string(),
                ),
            ))
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The title's computed milestones, and the notes about it on this chart (by any of its acts,
/// or by none named), checked against the weeks that credit the note's act, or the whole run.
fn milestones(embed: Embed, ix: &Indexes, song: Song<'_>, run: &Run, locale: Locale) -> Embed {
    let act_ids: Vec<&str> = song
        .acts
        .iter()
        .map(|&i| ix.search.acts()[usize::from(i)].row.id.as_str())
        .collect();
    let key = title_key(song.title);
    let notes = ix
        .facts
        .title_notes(&key)
        .filter(|n| n.act_id.as_deref().is_none_or(|a| act_ids.contains(&a)))
        .filter(|n| super::milestones::about_chart(n, song.chart));
    let whole: Vec<CreditedWeek> = run
        .weeks
        .iter()
        .filter_map(|w| {
            Some(CreditedWeek {
                date: parse_chart_date(&w.date)?,
                position: w.position,
                last_week: w.last_week,
            })
        })
        .collect();
    super::milestones::add(
        embed,
        ix,
        super::milestones::computed::for_title(ix, song, locale),
        notes,
        |n, _| match n.act_id.as_deref() {
            Some(act) => ix
                .acts
                .credited(act, song.id)
                .map(|r| vec![(song.id, r.weeks())])
                .unwrap_or_default(),
            None => vec![(song.id, whole.as_slice())],
        },
        |_| super::milestones::Subject::Song(song.id),
        locale,
    )
}

pub async fn complete_title(
    app: &App,
    partial: &str,
    inv: &Invocation,
) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let filter = TitleFilter {
        chart: inv.get("chart").and_then(Chart::parse),
        artist: inv.get("artist").map(text::fold),
    };
    let mut out = Vec::new();
    if partial.trim().is_empty() {
        // Nothing typed yet: the K-pop runs fans ask about most, longest first.
        out.extend(ix.search.kpop_longest().map(choice));
        return Ok(out);
    }
    let hits = ix.search.find_titles(partial, &filter, 25).hits;
    if hits.first().is_none_or(|(m, _)| *m != Match::Exact) {
        out.push(Choice {
            name: text::truncate(partial, 100),
            value: text::truncate(partial, 100),
        });
    }
    out.extend(
        hits.into_iter()
            .take(25 - out.len())
            .map(|(_, s)| choice(s)),
    );
    Ok(out)
}

/// The K-pop acts first (by any of their names), then every credit on either chart.
pub async fn complete_artist(app: &App, partial: &str) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let mut out: Vec<Choice> = super::artist::act_choices(&ix, partial).collect();
    let taken: Vec<String> = out.iter().map(|c| text::fold(&c.value)).collect();
    let credits = ix.search.find_credits(partial, 25);
    out.extend(
        credits
            .into_iter()
            .filter(|(_, credit)| !taken.contains(&text::fold(credit)))
            .map(|(_, credit)| Choice {
                name: text::truncate(credit, 100),
                value: text::truncate(credit, 100),
            }),
    );
    out.truncate(25);
    Ok(out)
}

/// A run as an autocomplete choice that picks it exactly.
pub(super) fn choice(s: Song<'_>) -> Choice {
    let short = s.chart.short_name();
    let year = s.debut.map_or(String::new(), |d| d.year().to_string());
    let suffix = format!(" ({short} {year}, #{})", s.peak.unwrap_or(0));
    let head = text::truncate(
        &format!("{} — {}", s.title, s.credit),
        100 - suffix.chars().count(),
    );
    Choice {
        name: format!("{head}{suffix}"),
        value: format!("{SONG_PREFIX}{}", s.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ChartWeekRow;

    /// Weekly rows from `first` on; a `None` position is a week off the chart.
    fn run(first: &str, positions: &[Option<i64>]) -> Run {
        let start = NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap();
        let mut rows: Vec<ChartWeekRow> = Vec::new();
        let mut previous = None;
        for (i, &position) in positions.iter().enumerate() {
            if let Some(position) = position {
                rows.push(ChartWeekRow {
                    chart_date: (start + chrono::Days::new(7 * i as u64)).to_string(),
                    position,
                    last_week: previous,
                    peak: None,
                    weeks_on_chart: None,
                });
            }
            previous = position;
        }
        Run::from_weeks(rows.iter().map(Week::from)).unwrap()
    }

    #[test]
    fn each_month_and_each_return_starts_a_dated_line() {
        let r = run(
            "2023-04-22",
            &[
                Some(60),
                Some(50),
                Some(41),
                None,
                Some(70),
                Some(65),
                None,
                None,
            ],
        );
        assert_eq!(
            week_by_week(&r, Locale::En, 1000),
            "2023-04-22: 60 → 50\n2023-05-06: 41\n2023-05-20, back on the chart: 70 → 65"
        );
        assert_eq!(
            week_by_week(&r, Locale::Ko, 1000),
            "2023년 4월 22일: 60 → 50\n2023년 5월 6일: 41\n2023년 5월 20일 재진입: 70 → 65"
        );
    }

    #[test]
    fn a_long_run_keeps_its_ends_and_counts_the_weeks_left_out() {
        let positions: Vec<Option<i64>> = (0..700).map(|i| Some(1 + i % 200)).collect();
        let r = run("2010-01-02", &positions);
        let text = week_by_week(&r, Locale::En, WEEK_BY_WEEK_CHARS);
        assert!(text.chars().count() <= WEEK_BY_WEEK_CHARS, "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("2010-01-02: 1 → 2 → 3 → 4 → 5"),
            "{text}"
        );
        assert!(lines.last().unwrap().starts_with("2023-"), "{text}");
        let gap = lines.iter().find(|l| l.starts_with('…')).unwrap();
        // Every week is either shown or counted in the gap.
        let shown: usize = lines
            .iter()
            .filter(|l| !l.starts_with('…'))
            .map(|l| l.matches('→').count() + 1)
            .sum();
        let left_out: usize = gap.split_whitespace().find_map(|w| w.parse().ok()).unwrap();
        assert_eq!(shown + left_out, 700, "{text}");
        assert!(gap.ends_with("more weeks …"), "{gap}");
    }
}
