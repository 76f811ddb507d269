//! Chart weeks that arrive a few at a time join the same runs as one import of everything: a
//! short file reads only the runs its credits and the week before can meet, and must decide
//! every row as a reading of every run would. And the public scrape's format imports as the
//! project's own.

use std::collections::{BTreeMap, BTreeSet};

use kpop_facts::domain::chart::Chart;
use kpop_facts::import::billboard;
use kpop_facts::store::{Actor, Store};

use crate::support::full;

/// A fresh, empty store of the run's engine.
async fn empty_store(dir: &tempfile::TempDir, name: &str) -> Store {
    let sub = dir.path().join(name);
    std::fs::create_dir_all(&sub).unwrap();
    Store::open(crate::support::db::at(&sub)).await.unwrap()
}

async fn import(store: &Store, chart: Chart, csv: &str) -> billboard::BillboardReport {
    let mut tx = store.begin().await.unwrap();
    let report = billboard::import(&mut tx, chart, csv.as_bytes(), &Actor::Cli, &())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    report
}

/// Each run as the set of its rows `(date, position)`: the partition, whatever the ids.
async fn runs(store: &Store, chart: Chart, since: &str) -> BTreeSet<Vec<(String, i64)>> {
    let rows: Vec<(String, i64, i64)> = kpop_facts::on!(store.readers(), |c| sqlx::query_as(
        "SELECT chart_date, position, song_id FROM chart_entries WHERE chart = $1"
    )
    .bind(chart)
    .fetch_all(c)
    .await)
    .unwrap();
    let mut by_song: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for (date, position, song) in rows {
        if date.as_str() >= since {
            by_song.entry(song).or_default().push((date, position));
        }
    }
    by_song
        .into_values()
        .map(|mut rows| {
            rows.sort();
            rows
        })
        .collect()
}

/// A CSV's header and its data lines grouped by chart week (the first column), in order.
fn weeks(csv: &str) -> (String, Vec<(String, String)>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap().to_string();
    let mut weeks: Vec<(String, String)> = Vec::new();
    for line in lines {
        let date = line.split(',').next().unwrap().to_string();
        match weeks.last_mut() {
            Some((d, text)) if *d == date => {
                text.push_str(line);
                text.push('\n');
            }
            _ => weeks.push((date, format!("{line}\n"))),
        }
    }
    (header, weeks)
}

/// Imports `csv` whole into one store; into another, the weeks before `split` as one file,
/// then every later week as a file of its own. The runs from `split` on must be the same.
async fn same_runs_week_by_week(chart: Chart, csv: &str, split: &str) {
    let dir = tempfile::tempdir().unwrap();
    let whole = empty_store(&dir, "whole").await;
    let weekly = empty_store(&dir, "weekly").await;
    import(&whole, chart, csv).await;
    let (header, weeks) = weeks(csv);
    let (before, after): (Vec<_>, Vec<_>) = weeks.iter().partition(|(d, _)| d.as_str() < split);
    let first: String = before.iter().map(|(_, t)| t.as_str()).collect();
    import(&weekly, chart, &format!("{header}\n{first}")).await;
    assert!(after.len() > 5, "weeks to add one by one");
    for (_, week) in &after {
        let report = import(&weekly, chart, &format!("{header}\n{week}")).await;
        assert_eq!(report.weeks, 1);
    }
    let (a, b) = (
        runs(&whole, chart, split).await,
        runs(&weekly, chart, split).await,
    );
    assert!(a.len() > 5, "runs to compare");
    assert_eq!(a, b, "the same runs, week by week or all at once");
}

#[tokio::test]
async fn seed_weeks_one_by_one_join_the_runs_one_import_makes() {
    for (chart, file, split) in [
        (Chart::Hot100, "data/hot100-kpop.csv", "2020-01-01"),
        (
            Chart::Billboard200,
            "data/billboard200-kpop.csv",
            "2021-01-01",
        ),
    ] {
        let csv = std::fs::read_to_string(file).unwrap();
        same_runs_week_by_week(chart, &csv, split).await;
    }
}

/// Whole charts: every row of a week, renames and re-entries among them. Years of the Hot 100
/// imported at once (every run read), then a year of weeks one by one (only the runs met).
#[tokio::test]
async fn full_weeks_one_by_one_join_the_runs_one_import_makes() {
    let Some(dir) = std::env::var_os(full::VAR) else {
        eprintln!("{} not set: skipping", full::VAR);
        return;
    };
    let path = std::path::Path::new(&dir).join("hot100.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let (header, weeks) = weeks(&text);
    let span: String = weeks
        .iter()
        .filter(|(d, _)| ("2016-01-01".."2021-01-01").contains(&d.as_str()))
        .map(|(_, t)| t.as_str())
        .collect();
    same_runs_week_by_week(Chart::Hot100, &format!("{header}\n{span}"), "2020-01-01").await;
}

#[tokio::test]
async fn the_public_scrape_format_imports_as_the_projects_own() {
    let own = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n\
               2023-07-15,1,Last Night,Morgan Wallen,1,1,23\n\
               2023-07-15,17,Cupid,FIFTY FIFTY,14,14,16\n\
               2023-07-15,90,Seven,Jung Kook Featuring Latto,,90,1\n\
               2023-07-22,1,Last Night,Morgan Wallen,1,1,24\n\
               2023-07-22,17,Cupid,FIFTY FIFTY,17,14,17\n\
               2023-07-22,20,Seven,Jung Kook Featuring Latto,,1,2\n";
    let scrape = "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart\n\
                  2023-07-15,1,Last Night,Morgan Wallen,1,1,23\n\
                  2023-07-15,17,Cupid,FIFTY FIFTY,14,14,16\n\
                  2023-07-15,90,Seven,Jung Kook Featuring Latto,-,90,1\n\
                  2023-07-22,1,Last Night,Morgan Wallen,1,1,24\n\
                  2023-07-22,17,Cupid,FIFTY FIFTY,17,14,17\n\
                  2023-07-22,20,Seven,Jung Kook Featuring Latto,0,1,2\n";
    let dir = tempfile::tempdir().unwrap();
    let a = empty_store(&dir, "own").await;
    let b = empty_store(&dir, "scrape").await;
    let ra = import(&a, Chart::Hot100, own).await;
    let rb = import(&b, Chart::Hot100, scrape).await;
    assert_eq!(ra, rb, "the same report");
    let stored = |s: Store| async move {
        let rows: Vec<(String, i64, Option<i64>, i64)> = kpop_facts::on!(s.readers(), |c| {
            sqlx::query_as(
                "SELECT chart_date, position, last_week, song_id FROM chart_entries
                 ORDER BY chart_date, position",
            )
            .fetch_all(c)
            .await
        })
        .unwrap();
        rows
    };
    let (sa, sb) = (stored(a).await, stored(b).await);
    assert_eq!(sa, sb);
    assert_eq!(sb[2].2, None, "`-` is a new entry");
    assert_eq!(sb[5].2, None, "`0` is a new entry (a re-entry here)");
    assert!(billboard::is_header(
        "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart"
    ));
    assert!(!billboard::is_header("chart_week,rank,title,performer"));
}

/// Every title each run charts under, with its last week, as the rows say.
async fn titles_from_rows(store: &Store) -> Vec<(i64, String, String)> {
    kpop_facts::on!(store.readers(), |c| sqlx::query_as(
        "SELECT song_id, title, max(chart_date) FROM chart_entries
         GROUP BY song_id, title ORDER BY song_id, title"
    )
    .fetch_all(c)
    .await)
    .unwrap()
}

/// The same, as kept for short files to read.
async fn titles_kept(store: &Store) -> Vec<(i64, String, String)> {
    kpop_facts::on!(store.readers(), |c| sqlx::query_as(
        "SELECT song_id, title, last_date FROM chart_song_titles ORDER BY song_id, title"
    )
    .fetch_all(c)
    .await)
    .unwrap()
}

#[tokio::test]
async fn the_titles_kept_for_short_files_follow_imports_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let store = kpop_facts::import::seed::open(crate::support::db::at(dir.path()))
        .await
        .unwrap();
    assert_eq!(titles_kept(&store).await, titles_from_rows(&store).await);
    let owner = kpop_facts::edits::Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    let header = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n";
    let weeks = [
        "2030-01-05,1,Cupid,FIFTY FIFTY,,1,1\n",
        "2030-01-12,1,Cupid (Twin Version),FIFTY FIFTY,1,1,2\n",
    ];
    let mut changes = Vec::new();
    for week in weeks {
        let (_, change) = kpop_facts::edits::apply_import(
            &store,
            &owner,
            kpop_facts::edits::ImportKind::Chart(Chart::Hot100),
            format!("{header}{week}").as_bytes(),
        )
        .await
        .unwrap();
        changes.push(change);
        assert_eq!(titles_kept(&store).await, titles_from_rows(&store).await);
    }
    let renamed = titles_kept(&store).await;
    assert!(
        renamed
            .iter()
            .any(|t| t.1 == "Cupid (Twin Version)" && t.2 == "2030-01-12"),
        "the new title, kept with its week"
    );
    kpop_facts::edits::undo(&store, &owner, changes[1])
        .await
        .unwrap();
    let undone = titles_kept(&store).await;
    assert_eq!(undone, titles_from_rows(&store).await);
    assert!(
        !undone.iter().any(|t| t.1 == "Cupid (Twin Version)"),
        "an undone week takes its title with it"
    );
}
