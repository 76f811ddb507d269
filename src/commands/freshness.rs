//! How far the data goes and how it is kept up: the newest week held of each chart, the newest
//! export period, and when each feed last brought data. `/about` and `/help` both say it, so a
//! fan can tell a quiet week from a stalled feed.

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_day};
use crate::domain::period::Period;
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::store::FeedState;

/// The feed of the export figures; the chart feeds are named by their chart's slug.
const EXPORTS_FEED: &str = "exports";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// The newest week held of each chart that has any, in [`Chart::ALL`] order.
    pub charts: Vec<(Chart, NaiveDate)>,
    /// The export period held that ends last.
    pub exports: Option<Period>,
    /// The feeds that have run, as the store keeps their standing.
    pub feeds: Vec<FeedState>,
}

impl Freshness {
    pub async fn read(app: &App) -> anyhow::Result<Freshness> {
        let ix = app.indexes().await?;
        Ok(Freshness::of(&ix, app.store().feed_states().await?))
    }

    pub fn of(ix: &Indexes, feeds: Vec<FeedState>) -> Freshness {
        Freshness {
            charts: Chart::ALL
                .into_iter()
                .filter_map(|c| Some((c, ix.search.latest_date(c)?)))
                .collect(),
            // Newest end first (see `FactsCache::periods`).
            exports: ix.facts.periods().first().map(|(p, _)| *p),
            feeds,
        }
    }

    /// "Billboard Hot 100: up to the week of 2025-06-14", one line per chart held.
    pub fn chart_lines(&self, locale: Locale) -> Vec<String> {
        self.charts
            .iter()
            .map(|(chart, week)| {
                t(
                    locale,
                    msg::freshness_chart(chart.name(), &display_day(*week, locale)),
                )
            })
            .collect()
    }

    /// "Export figures: up to H2 2025", when any are held.
    pub fn exports_line(&self, locale: Locale) -> Option<String> {
        self.exports
            .map(|p| t(locale, msg::freshness_exports(&p.display(locale))))
    }

    /// One line per feed that has run, in the order of the lines above; without any, one
    /// saying the operator updates the data.
    pub fn feed_lines(&self, locale: Locale) -> Vec<String> {
        let mut feeds: Vec<&FeedState> = self.feeds.iter().collect();
        feeds.sort_by_key(|s| (feed_rank(&s.feed), &s.feed));
        let lines: Vec<String> = feeds
            .into_iter()
            .filter_map(|s| feed_line(s, locale))
            .collect();
        if lines.is_empty() {
            vec![t(locale, msg::freshness_by_hand())]
        } else {
            lines
        }
    }

    /// Everything above, for a field of its own.
    pub fn lines(&self, locale: Locale) -> Vec<String> {
        let mut lines = self.chart_lines(locale);
        lines.extend(self.exports_line(locale));
        lines.extend(self.feed_lines(locale));
        lines
    }
}

/// A time as Discord shows it to each reader: "3 hours ago", in their language.
fn stamp(at: DateTime<Utc>) -> String {
    format!("<t:{}:R>", at.timestamp())
}

/// Where a feed's line goes: the charts' in their order, then the export figures', then any
/// other.
fn feed_rank(feed: &str) -> usize {
    Chart::ALL
        .iter()
        .position(|c| c.slug() == feed)
        .or((feed == EXPORTS_FEED).then_some(Chart::ALL.len()))
        .unwrap_or(usize::MAX)
}

/// What a feed brings, as a fan knows it.
fn feed_name(feed: &str, locale: Locale) -> String {
    if feed == EXPORTS_FEED {
        return t(locale, msg::about_exports());
    }
    match Chart::ALL.into_iter().find(|c| c.slug() == feed) {
        Some(chart) => chart.name().to_string(),
        None => truncate(feed, 40),
    }
}

/// A feed's standing; none for one that has neither succeeded nor failed yet.
fn feed_line(s: &FeedState, locale: Locale) -> Option<String> {
    let name = feed_name(&s.feed, locale);
    let count = s.failures.to_string();
    let ok = s.last_success.map(stamp);
    let failed = s.last_error_at.filter(|_| s.failures > 0).map(stamp);
    let message = match (&ok, &failed) {
        (Some(ok), Some(failed)) => msg::freshness_feed_failing(&name, ok, &count, failed),
        (Some(ok), None) => msg::freshness_feed_ok(&name, ok),
        (None, Some(failed)) => msg::freshness_feed_never(&name, &count, failed),
        (None, None) => return None,
    };
    Some(t(locale, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn fresh(feeds: Vec<FeedState>) -> Freshness {
        Freshness {
            charts: vec![
                (Chart::Hot100, NaiveDate::from_ymd_opt(2025, 6, 14).unwrap()),
                (
                    Chart::Billboard200,
                    NaiveDate::from_ymd_opt(2025, 6, 7).unwrap(),
                ),
            ],
            exports: Some(Period::Half(2025, 1)),
            feeds,
        }
    }

    #[test]
    fn says_how_far_each_kind_of_data_goes() {
        let f = fresh(Vec::new());
        assert_eq!(
            f.lines(Locale::En),
            [
                "Billboard Hot 100: up to the week of 2025-06-14",
                "Billboard 200: up to the week of 2025-06-07",
                "Export figures: up to H1 2025",
                "The bot's operator updates the data by hand.",
            ]
        );
        let ko = f.lines(Locale::Ko);
        assert_eq!(ko[0], "Billboard Hot 100: 2025년 6월 14일 자 차트까지");
        assert_eq!(ko[2], "수출 수치: 2025년 상반기까지");
        let ja = f.lines(Locale::Ja);
        assert_eq!(ja[1], "Billboard 200：2025年6月7日付のチャートまで");
        assert_eq!(ja[2], "輸出額：2025年上半期まで");
    }

    #[test]
    fn names_each_feeds_last_success_and_failures() {
        let ok = at("2025-06-16T09:00:00Z");
        let failed = at("2025-06-17T09:00:00Z");
        let f = fresh(vec![
            FeedState {
                feed: "billboard-200".into(),
                last_success: Some(ok),
                ..FeedState::default()
            },
            FeedState {
                feed: "exports".into(),
                last_error: Some("HTTP 503".into()),
                last_error_at: Some(failed),
                failures: 1,
                ..FeedState::default()
            },
            FeedState {
                feed: "hot-100".into(),
                last_success: Some(ok),
                last_error: Some("timed out".into()),
                last_error_at: Some(failed),
                failures: 3,
                ..FeedState::default()
            },
        ]);
        let (ok, failed) = (ok.timestamp(), failed.timestamp());
        assert_eq!(
            f.feed_lines(Locale::En),
            [
                format!(
                    "Billboard Hot 100: updated automatically; last update <t:{ok}:R>, \
                     but 3 tries since failed (latest <t:{failed}:R>)"
                ),
                format!("Billboard 200: updated automatically; last update <t:{ok}:R>"),
                format!(
                    "Export figures: updated automatically, but no update has worked yet; \
                     1 try failed (latest <t:{failed}:R>)"
                ),
            ]
        );
        for (locale, three) in [(Locale::Ko, "실패 3회"), (Locale::Ja, "3回エラー")] {
            let lines = f.feed_lines(locale);
            assert_eq!(lines.len(), 3);
            for line in &lines {
                assert!(!line.contains('{') && !line.contains("freshness"), "{line}");
            }
            assert!(lines[1].contains(&format!("<t:{ok}:R>")), "{lines:?}");
            assert!(
                lines[0].contains(three) && lines[0].contains(&format!("<t:{failed}:R>")),
                "{lines:?}"
            );
        }
        // The error's text is the operator's to read (`feed status`), not the fans'.
        assert!(!f.feed_lines(Locale::En).concat().contains("timed out"));
    }

    #[test]
    fn a_feed_that_has_not_finished_a_pass_is_not_named() {
        let f = fresh(vec![FeedState {
            feed: "hot-100".into(),
            ..FeedState::default()
        }]);
        assert_eq!(
            f.feed_lines(Locale::En),
            ["The bot's operator updates the data by hand."]
        );
    }
}
