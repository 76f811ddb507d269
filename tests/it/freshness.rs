//! `/about` and `/help` say how far the data goes (each chart's newest week, the newest export
//! period) and when each feed last brought it, checked against what the store holds.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kpop_facts::domain::chart::{Chart, display_day};
use kpop_facts::domain::period::Period;
use kpop_facts::i18n::Locale;
use kpop_facts::import::exports;
use kpop_facts::store::{Actor, Store};

use crate::support::app::{TestApp, field};

/// The newest week the store holds of `chart`, read from its rows.
async fn newest_week(store: &Store, chart: Chart) -> NaiveDate {
    let newest: Option<String> = kpop_facts::on!(store.readers(), |c| sqlx::query_scalar(
        "SELECT MAX(chart_date) FROM chart_entries WHERE chart = $1"
    )
    .bind(chart)
    .fetch_one(c)
    .await)
    .unwrap();
    newest.unwrap().parse().unwrap()
}

/// The export period held that ends last (the longest of those that end together).
async fn newest_period(store: &Store) -> Period {
    let figures = store.all_figures().await.unwrap();
    figures
        .iter()
        .map(|f| f.period)
        .min_by_key(|p| (std::cmp::Reverse(p.end()), p.start()))
        .unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn stamp(t: DateTime<Utc>) -> String {
    format!("<t:{}:R>", t.timestamp())
}

/// The /about field and the /help field that tell how fresh the data is, in `locale`.
async fn freshness_fields(t: &TestApp, locale: Locale) -> (String, String) {
    let (about, data) = match locale {
        Locale::En => ("Latest data", "Data"),
        Locale::Ko => ("최신 데이터", "데이터"),
        Locale::Ja => ("最新データ", "データ"),
    };
    let a = t.ask_in("/about", locale).await;
    let h = t.ask_in("/help", locale).await;
    assert!(!a.refusal && !h.refusal);
    (field(&a, about).to_string(), field(&h, data).to_string())
}

#[tokio::test]
async fn about_says_up_to_which_week_and_period_the_data_goes() {
    let t = TestApp::new().await;
    let store = t.app.store();
    let (about, help) = freshness_fields(&t, Locale::En).await;
    for chart in Chart::ALL {
        let week = newest_week(store, chart).await;
        let line = format!("{}: up to the week of {week}", chart.name());
        assert!(about.contains(&line), "{line}\n{about}");
        // /help's coverage line already ends at that week.
        assert!(help.contains(&format!(" to {week} ")), "{week}\n{help}");
    }
    let period = newest_period(store).await;
    let line = format!("Export figures: up to {}", period.display(Locale::En));
    assert!(
        about.contains(&line) && help.contains(&line),
        "{line}\n{about}\n{help}"
    );
    // No feed has run: the data is kept up by hand.
    let by_hand = "The bot's operator updates the data by hand.";
    assert!(
        about.ends_with(by_hand) && help.ends_with(by_hand),
        "{about}\n{help}"
    );

    // A newer period, once imported, is the one named.
    let mut tx = store.begin().await.unwrap();
    let csv = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note,publisher_detail,source_kind\n\
               2031-H1,JP,40000000,1,,Example Wire,,https://example.com/w,2031-07-10,,,wire\n";
    exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let newer = newest_period(store).await;
    assert_ne!(newer, period);
    let (about, _) = freshness_fields(&t, Locale::En).await;
    let line = format!("Export figures: up to {}", newer.display(Locale::En));
    assert!(about.contains(&line), "{line}\n{about}");
}

#[tokio::test]
async fn about_and_help_name_each_feeds_last_success_and_its_failures() {
    let t = TestApp::new().await;
    let store = t.app.store();
    let ok = at("2031-01-05T06:00:00Z");
    let hour = Duration::hours(1);
    store
        .feed_succeeded("hot-100", ok, ok + hour)
        .await
        .unwrap();
    let (about, help) = freshness_fields(&t, Locale::En).await;
    let line = format!(
        "Billboard Hot 100: updated automatically; last update {}",
        stamp(ok)
    );
    for shown in [&about, &help] {
        assert!(shown.contains(&line), "{line}\n{shown}");
        assert!(!shown.contains("by hand"), "{shown}");
    }

    // Two failed passes since, and an exports feed that has never worked.
    let failed = ok + hour * 2;
    for (i, when) in [ok + hour, failed].into_iter().enumerate() {
        let n = store
            .feed_failed("hot-100", "HTTP 503", when, |n| when + hour * n as i32)
            .await
            .unwrap();
        assert_eq!(n as usize, i + 1);
    }
    store
        .feed_failed("exports", "unreadable sheet", failed, |_| failed + hour)
        .await
        .unwrap();
    let (about, help) = freshness_fields(&t, Locale::En).await;
    let hot = format!(
        "Billboard Hot 100: updated automatically; last update {}, but 2 tries since failed (latest {})",
        stamp(ok),
        stamp(failed)
    );
    let exports = format!(
        "Export figures: updated automatically, but no update has worked yet; 1 try failed (latest {})",
        stamp(failed)
    );
    for shown in [&about, &help] {
        // In the order of the data: the charts', then the export figures'.
        assert!(shown.contains(&format!("{hot}\n{exports}")), "{shown}");
        // What went wrong is for the operator's `feed status`, not the fans.
        assert!(
            !shown.contains("HTTP 503") && !shown.contains("unreadable"),
            "{shown}"
        );
    }

    // In Korean and Japanese: the same weeks, period and times, in their words.
    let period = newest_period(store).await;
    for (locale, tries) in [(Locale::Ko, "실패 2회"), (Locale::Ja, "2回エラー")] {
        let (about, help) = freshness_fields(&t, locale).await;
        for chart in Chart::ALL {
            let week = display_day(newest_week(store, chart).await, locale);
            assert!(
                about.contains(&week) && help.contains(&week),
                "{week}\n{about}"
            );
        }
        for shown in [&about, &help] {
            assert!(shown.contains(&period.display(locale)), "{shown}");
            assert!(
                shown.contains(&stamp(ok)) && shown.contains(&stamp(failed)),
                "{shown}"
            );
            assert!(shown.contains(tries), "{shown}");
            assert!(
                !shown.contains("freshness") && !shown.contains('{') && !shown.contains("updated"),
                "{shown}"
            );
        }
    }
}
