//! Every run the bot shows agrees with what Billboard itself printed: in a run's last week,
//! Billboard's own `peak` and `weeks_on_chart` columns must equal the peak and the weeks the bot
//! computed by following the run through the weeks. That checks the run-following (renames,
//! re-entries) against the data, for songs and albums no other test names.
//!
//! By default this covers every K-pop run in the seed. With `KPOP_FACTS_FULL_DATA=DIR` (a folder
//! holding the full `hot100.csv` and `billboard200.csv`) it also checks every run from 2000 on
//! (the years without known position errors in the source) in the shared full-history store of
//! `support/full.rs`.

use kpop_facts::app::App;
use kpop_facts::i18n::Locale;

use crate::support::app::{TestApp, ask, field};
use crate::support::full;

#[derive(sqlx::FromRow)]
struct LastWeek {
    song_id: i64,
    peak: Option<i64>,
    weeks_on_chart: Option<i64>,
}

async fn check(app: &App, since: &str) -> (usize, Vec<String>) {
    // Each run's last row, with what Billboard printed in it.
    let last: Vec<LastWeek> = kpop_facts::on!(app.store().readers(), |p| sqlx::query_as(
        "SELECT e.song_id, min(e.peak) AS peak, max(e.weeks_on_chart) AS weeks_on_chart FROM chart_entries e
         JOIN chart_songs s ON s.id = e.song_id AND s.last_date = e.chart_date
         WHERE s.debut >= $1 GROUP BY e.song_id",
    )
    .bind(since)
    .fetch_all(p)
    .await)
    .unwrap();
    let mut mismatches = Vec::new();
    for w in &last {
        let r = ask(app, &format!("/chart title:song:{}", w.song_id), Locale::En).await;
        assert!(!r.refusal, "song {} was refused", w.song_id);
        let peak = field(&r, "Peak");
        let weeks = field(&r, "Weeks on chart");
        let want_peak = format!("No. {} ·", w.peak.unwrap_or(0));
        let want_weeks = w.weeks_on_chart.unwrap_or(0).to_string();
        if !peak.starts_with(&want_peak) || weeks != want_weeks {
            mismatches.push(format!(
                "{}: bot {peak} / {weeks} weeks, Billboard peak {:?} / {:?} weeks",
                r.embeds[0].title.as_deref().unwrap_or("?"),
                w.peak,
                w.weeks_on_chart
            ));
        }
    }
    (last.len(), mismatches)
}

#[tokio::test]
async fn every_seeded_run_matches_billboards_own_totals() {
    let t = TestApp::new().await;
    let (checked, mismatches) = check(&t.app, "2000-01-01").await;
    assert!(checked > 300, "{checked} runs checked");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn the_full_history_matches_billboards_own_totals() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let (checked, mismatches) = check(&full.app, "2000-01-01").await;
    println!("{checked} runs checked, {} differ", mismatches.len());
    for m in mismatches.iter().take(40) {
        println!("  {m}");
    }
    // Billboard's recurrent rules and a handful of credit changes make a few runs differ.
    assert!(
        mismatches.len() * 200 <= checked,
        "{} of {checked} differ",
        mismatches.len()
    );
}
