//! How answers read: the week-by-week line a reader can follow by date, a `/help` that claims
//! only what Discord does, and the Korean and Japanese wording.

use kpop_facts::i18n::Locale;

use crate::support::app::{TestApp, field};

#[tokio::test]
async fn the_week_by_week_line_names_the_date_of_each_stretch() {
    let t = TestApp::new().await;
    let r = t.ask("/chart cupid").await;
    assert_eq!(
        field(&r, "Week by week"),
        "2023-04-01: 100 → 94 → 85 → 60 → 50\n\
         2023-05-06: 41 → 19 → 17 → 18\n\
         2023-06-03: 20 → 23 → 21 → 24\n\
         2023-07-01: 24 → 24 → 24 → 27 → 24\n\
         2023-08-05: 29 → 41 → 25 → 26\n\
         2023-09-02: 25 → 48 → 45"
    );
    let r = t.ask_in("/chart cupid", Locale::Ko).await;
    let lines = field(&r, "주별 순위");
    assert!(
        lines.starts_with("2023년 4월 1일: 100 → 94 → 85 → 60 → 50\n2023년 5월 6일: 41 →"),
        "{lines}"
    );
    let r = t.ask_in("/chart cupid", Locale::Ja).await;
    let lines = field(&r, "週ごとの順位");
    assert!(lines.starts_with("2023年4月1日：100 → 94"), "{lines}");

    // A return to the chart starts a line of its own that says so.
    let r = t
        .ask("/chart title:\"make it right\" artist:\"BTS Featuring Lauv\"")
        .await;
    assert_eq!(
        field(&r, "Week by week"),
        "2019-04-27: 95\n2019-11-02, back on the chart: 76"
    );
}

#[tokio::test]
async fn help_says_only_command_mentions_are_clickable() {
    let t = TestApp::new().await;
    let intro = |r: &kpop_facts::reply::Reply| r.embeds[0].description.clone().unwrap();
    // Before registration there is nothing to click, and /help claims nothing of the kind.
    let r = t.ask("/help").await;
    assert!(!intro(&r).to_lowercase().contains("click"), "{}", intro(&r));
    let exports = field(&r, "/exports");
    assert!(exports.starts_with("`/exports` — "), "{exports}");

    let ids = r#"{"exports":"111","chart":"222","artist":"333","thisweek":"888","help":"444","about":"555","facts":"666","summary":"777"}"#;
    t.app
        .store()
        .set_meta("command_ids:global", ids)
        .await
        .unwrap();
    let r = t.ask("/help").await;
    assert!(
        intro(&r)
            .ends_with("Click a command's name to start it; type or paste the examples yourself."),
        "{}",
        intro(&r)
    );
    let exports = field(&r, "/exports");
    assert!(exports.starts_with("</exports:111> — "), "{exports}");
    // The examples are code to type, never presented as links or mentions.
    assert!(exports.contains("`/exports japan`"), "{exports}");
    assert_eq!(exports.matches("</").count(), 1, "{exports}");
    let r = t.ask_in("/help", Locale::Ko).await;
    assert!(intro(&r).contains("명령어 이름을 누르면"), "{}", intro(&r));
}

#[tokio::test]
async fn korean_names_destinations_as_export_destinations() {
    let t = TestApp::new().await;
    let r = t.ask_in("/exports japan 2023-H1", Locale::Ko).await;
    let d = r.embeds[0].description.as_deref().unwrap();
    assert!(d.contains("수출 대상국 순위 1위"), "{d}");
    let r = t.ask_in("/exports 2023-H1", Locale::Ko).await;
    assert!(field(&r, "수출 대상국 순위").starts_with("1. 🇯🇵 일본"));
}
