//! Two titles' runs: a table of each one's debut, peak, weeks and longest streak with their
//! dates, and both runs overlaid in one picture, each from its own debut.

use chrono::NaiveDate;

use crate::app::search::Song;
use crate::app::{App, Indexes};
use crate::commands::CommandResult;
use crate::domain::chart::{display_date, parse_chart_date};
use crate::domain::run::{Run, Week};
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::plot::{self, OverlayLine};
use crate::reply::{Embed, Reply, colour};

/// Longest title or credit shown in a field's name or a legend.
const NAME_CHARS: usize = 60;

/// One side: the title and its whole run.
struct Side<'a> {
    song: Song<'a>,
    run: Run,
}

pub(super) async fn answer(
    app: &App,
    ix: &Indexes,
    songs: [Song<'_>; 2],
    locale: Locale,
) -> CommandResult {
    let mut sides = Vec::with_capacity(2);
    for song in songs {
        let weeks = app.store().song_weeks(song.id).await?;
        let run = Run::from_weeks(weeks.iter().map(Week::from))
            .ok_or_else(|| anyhow::anyhow!("song {} has no weeks", song.id))?;
        sides.push(Side { song, run });
    }
    let mut reply = Reply::embed(render(&sides, locale));
    let charts = chart_names(&sides);
    let title = format!(
        "{} vs {}",
        truncate(sides[0].song.title, NAME_CHARS),
        truncate(sides[1].song.title, NAME_CHARS)
    );
    let subtitle = t(locale, msg::compare_picture_subtitle(&charts));
    let size = sides
        .iter()
        .map(|s| s.song.chart.size())
        .max()
        .unwrap_or(100);
    let lines: Vec<OverlayLine> = sides.iter().map(overlay_line).collect();
    let drawn = app
        .picture(
            &format!("compare-{}-{}", songs[0].id, songs[1].id),
            locale,
            ix.generation,
            move || plot::overlay_runs(&title, &subtitle, size, &lines, locale),
        )
        .await;
    match drawn {
        Ok(png) => {
            let alt = msg::compare_picture_alt(songs[0].title, songs[1].title);
            reply = reply.with_picture(
                format!("compare-{}-{}.png", songs[0].id, songs[1].id),
                t(locale, alt),
                png,
            );
        }
        Err(e) => tracing::warn!(error = ?e, "rendering the overlay failed"),
    }
    Ok(reply)
}

/// "Billboard Hot 100", or both charts' names when the titles charted on different ones.
fn chart_names(sides: &[Side<'_>]) -> String {
    let mut names: Vec<&str> = sides.iter().map(|s| s.song.chart.name()).collect();
    names.dedup();
    names.join(" / ")
}

/// The embed: a column of figures for each title, side by side.
fn render(sides: &[Side<'_>], locale: Locale) -> Embed {
    let mut embed = Embed::new(colour::CHART).title(truncate(
        &format!("{} vs {}", sides[0].song.title, sides[1].song.title),
        256,
    ));
    for (i, s) in sides.iter().enumerate() {
        let name = t(
            locale,
            msg::compare_title_line(
                &(i + 1).to_string(),
                &truncate(s.song.title, NAME_CHARS),
                &truncate(s.song.credit, NAME_CHARS),
                s.song.chart.short_name(),
            ),
        );
        embed = embed.field(name, figures(&s.run, locale), true);
    }
    let from = sides.iter().map(|s| s.run.debut.date.as_str()).min();
    let to = sides.iter().map(|s| s.run.last.date.as_str()).max();
    let (from, to) = (from.unwrap_or("—"), to.unwrap_or("—"));
    embed.footer(t(
        locale,
        msg::compare_titles_footer(
            &chart_names(sides),
            &display_date(from, locale),
            &display_date(to, locale),
        ),
    ))
}

/// A run's debut, peak, weeks, longest streak and weeks at No. 1, a line each, with dates.
fn figures(run: &Run, locale: Locale) -> String {
    let date = |d: &str| display_date(d, locale);
    let peak_date = run
        .weeks
        .iter()
        .find(|w| w.position == run.peak)
        .map_or(run.debut.date.as_str(), |w| w.date.as_str());
    let (from, to) = longest_streak(run);
    let mut lines = vec![
        t(
            locale,
            msg::compare_title_debut(&run.debut.position.to_string(), &date(&run.debut.date)),
        ),
        t(
            locale,
            msg::compare_title_peak(
                &run.peak.to_string(),
                &date(peak_date),
                &run.weeks_at_peak.to_string(),
            ),
        ),
        t(
            locale,
            msg::compare_title_weeks(&run.total_weeks().to_string()),
        ),
        t(
            locale,
            msg::compare_title_streak(&run.longest_streak.to_string(), &date(from), &date(to)),
        ),
    ];
    if run.weeks_at_number_one > 0 {
        lines.push(t(
            locale,
            msg::compare_title_weeks_at_one(&run.weeks_at_number_one.to_string()),
        ));
    }
    lines.join("\n")
}

/// The first and last week of the run's first longest stretch without a week off the chart.
fn longest_streak(run: &Run) -> (&str, &str) {
    let mut best = (0, 0, 0);
    let mut start = 0;
    for (i, w) in run.weeks.iter().enumerate() {
        if i > 0 && w.last_week.is_none() {
            start = i;
        }
        let len = i - start + 1;
        if len > best.0 {
            best = (len, start, i);
        }
    }
    (&run.weeks[best.1].date, &run.weeks[best.2].date)
}

/// The run's weeks as weeks since its debut: a week off the chart leaves its week out.
fn overlay_line(side: &Side<'_>) -> OverlayLine {
    let debut = parse_chart_date(&side.run.debut.date);
    let weeks = side
        .run
        .weeks
        .iter()
        .filter_map(|w| {
            let since: NaiveDate = parse_chart_date(&w.date)?;
            Some(((since - debut?).num_days().div_euclid(7), w.position))
        })
        .collect();
    OverlayLine {
        label: format!(
            "{} — {}",
            truncate(side.song.title, NAME_CHARS),
            truncate(side.song.credit, NAME_CHARS)
        ),
        weeks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(weeks: &[(&str, i64, Option<i64>)]) -> Run {
        Run::from_weeks(weeks.iter().map(|(d, p, lw)| Week {
            date: d.to_string(),
            position: *p,
            last_week: *lw,
        }))
        .unwrap()
    }

    #[test]
    fn the_longest_streak_is_dated_by_its_first_and_last_weeks() {
        let r = run(&[
            ("2020-01-04", 50, None),
            ("2020-01-11", 40, Some(50)),
            ("2020-02-01", 60, None),
            ("2020-02-08", 30, Some(60)),
            ("2020-02-15", 20, Some(30)),
            ("2020-03-07", 90, None),
        ]);
        assert_eq!(longest_streak(&r), ("2020-02-01", "2020-02-15"));
        let one = run(&[("2020-01-04", 5, None)]);
        assert_eq!(longest_streak(&one), ("2020-01-04", "2020-01-04"));
    }
}
