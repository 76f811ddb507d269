//! `/thisweek [week]`: the weekly post's content on demand, for anyone: the newest chart week,
//! or the stored week a date falls in.

use chrono::NaiveDate;

use super::command::ThisWeek;
use super::{CommandResult, user_error, weekly_post};
use crate::app::App;
use crate::domain::chart::{Chart, display_day, parse_chart_date};
use crate::i18n::{Locale, msg, t};

pub async fn run(app: &App, asked: &ThisWeek, locale: Locale) -> CommandResult {
    let ix = app.indexes().await?;
    let first = Chart::ALL
        .iter()
        .filter_map(|&c| ix.search.coverage(c).map(|(from, _, _)| from))
        .min();
    let Some(first) = first else {
        return Err(user_error(locale, msg::thisweek_no_charts()));
    };
    let shown = match asked.week {
        None => Chart::ALL
            .iter()
            .filter_map(|&c| ix.search.latest_date(c))
            .max(),
        Some(day) => week_on_or_before(app, day).await?,
    };
    let Some(shown) = shown else {
        let asked = asked
            .week
            .map_or_else(String::new, |d| display_day(d, locale));
        return Err(user_error(
            locale,
            msg::thisweek_before_charts(&display_day(first, locale), &asked, &first.to_string()),
        ));
    };
    // The builder shows each chart's newest week on or before the slot's day, so the slot is
    // the shown week's own day, not now: Billboard dates a chart days after it comes out, so
    // today could miss the newest week.
    let slot = shown
        .and_hms_opt(23, 59, 59)
        .expect("a valid time")
        .and_utc();
    // A past week lists the facts changed in its own week, not those changed since.
    let newest = Chart::ALL
        .iter()
        .filter_map(|&c| ix.search.latest_date(c))
        .max();
    let until = (Some(shown) < newest).then_some(slot);
    let Some((mut reply, _)) = weekly_post::build(app, locale, slot, None, until).await? else {
        // Only a store without chart weeks has nothing to show, and that was refused above.
        return Err(anyhow::anyhow!("no weekly post for the chart week {shown}").into());
    };
    if let Some(day) = asked.week.filter(|d| *d != shown) {
        let note = t(
            locale,
            msg::thisweek_shown_week(&display_day(day, locale), &display_day(shown, locale)),
        );
        if let Some(embed) = reply.embeds.first_mut() {
            embed.description = Some(note);
        }
    }
    Ok(reply)
}

/// The newest stored chart week, of either chart, on or before `day`.
async fn week_on_or_before(app: &App, day: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
    let mut newest = None;
    for chart in Chart::ALL {
        let week = app
            .store()
            .chart_week_on_or_before(chart, &day.to_string())
            .await?;
        newest = newest.max(week.as_deref().and_then(parse_chart_date));
    }
    Ok(newest)
}
