//! The weekly post: every K-pop entry of the newest chart weeks (movement, debuts, re-entries,
//! new peaks, No. 1s) and the facts changed since the last post.

use chrono::{DateTime, Datelike, Days, SecondsFormat, TimeDelta, Utc};

use crate::app::App;
use crate::commands::changes;
use crate::domain::chart::{Chart, display_date};
use crate::i18n::{Locale, msg, t};
use crate::reply::plot::{self, Bar};
use crate::reply::{Embed, Reply, colour, limits};
use crate::store::{Covered, PostRow, WeekEntry};

/// The newest scheduled hour at or before `now`.
pub fn latest_slot(weekday: u8, hour: u8, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.date_naive();
    (0..=7)
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .filter(|d| d.weekday().num_days_from_monday() == u32::from(weekday))
        .filter_map(|d| d.and_hms_opt(u32::from(hour), 0, 0).map(|t| t.and_utc()))
        .find(|t| *t <= now)
        .expect("a weekday recurs within a week")
}

/// Facts changed more than this long before a server's first post are old news.
const FIRST_LOOKBACK: TimeDelta = TimeDelta::days(7);
const MAX_FACT_LINES: i64 = 12;

// long: the post reads top to bottom as it is shown: weeks, bars, fact changes.
/// The post for `slot`, or None when nothing is new since `previous`. Facts changed after
/// `until` are left out (a post about a past week lists that week's changes, not today's).
pub async fn build(
    app: &App,
    locale: Locale,
    slot: DateTime<Utc>,
    previous: Option<&PostRow>,
    until: Option<DateTime<Utc>>,
) -> anyhow::Result<Option<(Reply, Covered)>> {
    let store = app.store();
    let day = slot.date_naive().to_string();
    let hot100 = store.chart_week_on_or_before(Chart::Hot100, &day).await?;
    let b200 = store
        .chart_week_on_or_before(Chart::Billboard200, &day)
        .await?;
    let newer =
        |now: &Option<String>, before: Option<&String>| now.is_some() && now.as_ref() > before;
    let new_week = newer(&hot100, previous.and_then(|p| p.hot100_week.as_ref()))
        || newer(&b200, previous.and_then(|p| p.b200_week.as_ref()));
    let since = match previous {
        Some(_) => String::new(),
        None => (slot - FIRST_LOOKBACK).to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    let until = until.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
    let changes = store
        .fact_changes(
            previous.and_then(|p| p.facts_through).unwrap_or(0),
            &since,
            until.as_deref(),
            MAX_FACT_LINES,
        )
        .await?;
    if !new_week && changes.is_empty() {
        return Ok(None);
    }

    let newest = [&hot100, &b200]
        .into_iter()
        .flatten()
        .max()
        .cloned()
        .unwrap_or(day);
    let mut embed = Embed::new(colour::CHART)
        .title(t(locale, msg::weekly_title(&display_date(&newest, locale))));
    let mut bars = Vec::new();
    for (chart, week) in [(Chart::Hot100, &hot100), (Chart::Billboard200, &b200)] {
        let Some(week) = week else { continue };
        let entries = store.kpop_week(chart, week).await?;
        bars.extend(entries.iter().map(|e| bar(e, chart, locale)));
        let lines: Vec<String> = entries.iter().map(|e| line(e, locale)).collect();
        let value = if lines.is_empty() {
            t(locale, msg::weekly_no_kpop())
        } else {
            fit(&lines)
        };
        let name = t(
            locale,
            msg::weekly_chart_heading(chart.name(), &display_date(week, locale)),
        );
        embed = embed.field(name, value, false);
    }
    if !changes.is_empty() {
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("• {}", changes::describe(c, locale)))
            .collect();
        embed = embed.field(t(locale, msg::weekly_facts_changed()), fit(&lines), false);
    }
    embed = embed.footer(t(locale, msg::weekly_footer()));
    let covered = Covered {
        hot100_week: hot100,
        b200_week: b200,
        facts_through: changes
            .last()
            .map(|c| c.id)
            .or(previous.and_then(|p| p.facts_through)),
    };
    let mut reply = Reply::embed(embed);
    // One entry reads fine as text; a standing of several is easier to take in at a glance.
    if bars.len() >= 2 {
        // Every server posting these chart weeks gets the same picture: drawn once.
        let generation = app.indexes().await?.generation;
        let name = format!(
            "kpop-week-{:?}-{:?}",
            covered.hot100_week, covered.b200_week
        );
        let title = t(
            locale,
            msg::weekly_picture_title(&display_date(&newest, locale)),
        );
        let drawn = app
            .picture(&name, locale, generation, move || {
                plot::ranking_bars(&title, &bars, locale)
            })
            .await;
        match drawn {
            Ok(png) => {
                reply = reply.with_picture(
                    format!("kpop-week-{newest}.png"),
                    t(
                        locale,
                        msg::weekly_chart_alt(&display_date(&newest, locale)),
                    ),
                    png,
                );
            }
            // The text says it all; a post without its picture beats no post.
            Err(e) => tracing::warn!(error = ?e, "the weekly picture failed to render"),
        }
    }
    Ok(Some((reply, covered)))
}

/// A bar as long as the entry is high on its chart, so both charts share one scale.
fn bar(e: &WeekEntry, chart: Chart, locale: Locale) -> Bar {
    let size = chart.size();
    let position = e.position.clamp(1, size);
    let value_label = t(
        locale,
        msg::weekly_picture_position(&e.position.to_string(), chart.short_name()),
    );
    Bar {
        rank: None,
        label: format!("{} — {}", e.title, e.credit),
        value: ((size + 1 - position) * 1000 / size) as u64,
        value_label,
    }
}

/// "`17` ▲3 Cupid — Fifty Fifty · new peak"
fn line(e: &WeekEntry, locale: Locale) -> String {
    let movement = match (e.last_week, e.weeks_on_chart) {
        (None, Some(1) | None) => t(locale, msg::weekly_new()),
        (None, Some(_)) => t(locale, msg::weekly_re_entry()),
        (Some(lw), _) if lw > e.position => format!("▲{}", lw - e.position),
        (Some(lw), _) if lw < e.position => format!("▼{}", e.position - lw),
        (Some(_), _) => "=".to_string(),
    };
    let mut s = format!("`{:>3}` {movement} {} — {}", e.position, e.title, e.credit);
    if e.position == 1 {
        s.push_str(&format!(" · {}", t(locale, msg::weekly_number_one())));
    } else if e.best_before.is_some_and(|b| e.position < b) {
        s.push_str(&format!(" · {}", t(locale, msg::weekly_new_peak())));
    }
    s
}

/// Joins lines into one field value, dropping the tail (with a count) past Discord's limit.
fn fit(lines: &[String]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let more = format!("\n… +{}", lines.len() - i);
        if out.chars().count() + l.chars().count() + 1 + more.chars().count() > limits::FIELD_VALUE
        {
            out.push_str(&more);
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(position: i64) -> WeekEntry {
        WeekEntry {
            position,
            title: "Cupid".into(),
            credit: "Fifty Fifty".into(),
            last_week: None,
            peak: None,
            weeks_on_chart: None,
            best_before: None,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_latest_slot_is_at_or_before_now() {
        // Monday 12:00 UTC; 2023-07-17 is a Monday.
        assert_eq!(
            latest_slot(0, 12, at("2023-07-17T12:00:00Z")),
            at("2023-07-17T12:00:00Z")
        );
        assert_eq!(
            latest_slot(0, 12, at("2023-07-17T11:59:59Z")),
            at("2023-07-10T12:00:00Z")
        );
        assert_eq!(
            latest_slot(0, 12, at("2023-07-20T08:00:00Z")),
            at("2023-07-17T12:00:00Z")
        );
        assert_eq!(
            latest_slot(6, 23, at("2023-07-17T00:00:00Z")),
            at("2023-07-16T23:00:00Z")
        );
    }

    #[test]
    fn bars_share_one_scale_across_charts() {
        let top = bar(&entry(1), Chart::Hot100, Locale::En);
        assert_eq!(top.value, 1000);
        assert_eq!(top.value_label, "No. 1 · Hot 100");
        assert_eq!(top.label, "Cupid — Fifty Fifty");
        // Halfway down either chart is the same length.
        assert_eq!(bar(&entry(51), Chart::Hot100, Locale::En).value, 500);
        assert_eq!(bar(&entry(101), Chart::Billboard200, Locale::En).value, 500);
        assert_eq!(bar(&entry(200), Chart::Billboard200, Locale::En).value, 5);
        // A position past the chart's end (a source error) still gets a bar.
        assert_eq!(bar(&entry(150), Chart::Hot100, Locale::En).value, 10);
    }
}
