//! The fact store: seeding, imports all or nothing, idempotence and run identity.

use indicatif::ProgressBar;
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::import::{ImportError, billboard, exports};
use kpop_facts::store::{Actor, Store};

use crate::support::app::{self as test_app, TestApp};

async fn count(store: &Store, table: &str) -> i64 {
    kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
        sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}"))
    )
    .fetch_one(p)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_new_store_is_seeded_once() {
    let t = TestApp::new().await;
    let s = t.app.store();
    assert_eq!(count(s, "acts").await, 57);
    assert_eq!(count(s, "chart_entries WHERE chart = 'hot-100'").await, 878);
    assert_eq!(
        count(s, "chart_entries WHERE chart = 'billboard-200'").await,
        1288
    );
    assert_eq!(count(s, "notes").await, 8);
    let figures = count(s, "export_figures").await;
    let audit = count(s, "audit_log").await;
    assert!(figures > 100 && audit > 0);
    // Every served figure carries at least one source.
    assert_eq!(
        count(
            s,
            "export_figures WHERE id NOT IN (SELECT figure_id FROM figure_sources)"
        )
        .await,
        0
    );

    let again = Store::open(&t.db_path()).await.unwrap();
    assert_eq!(count(&again, "export_figures").await, figures);
    assert_eq!(count(&again, "audit_log").await, audit);
    assert!(again.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn withheld_values_are_not_served_but_their_ranks_are() {
    let t = TestApp::new().await;
    let s = t.app.store();
    // KBS World FR printed 2020 as "135 millions" ([conflict]); only 136,201,000 is served.
    let values: Vec<Option<i64>> =
        kpop_facts::on!(s.readers(), |p| sqlx::query_scalar("SELECT value_usd FROM export_figures WHERE period = '2020' AND country = 'WORLD' ORDER BY id").fetch_all(p).await)
            .unwrap();
    assert_eq!(values, [Some(136_201_000)]);
    // Indonesia's 2021 rank comes from a row whose value is withheld.
    let rank: Option<i64> = kpop_facts::on!(s.readers(), |p| sqlx::query_scalar(
        "SELECT max(rank) FROM export_figures WHERE period = '2021' AND country = 'ID'",
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!(rank, Some(4));
}

const EXPORTS_HEADER: &str =
    "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n";

#[tokio::test]
async fn importing_the_same_exports_twice_changes_nothing() {
    let t = TestApp::new().await;
    let s = t.app.store();
    let data = std::fs::read("data/exports.csv").unwrap();
    let before = (
        count(s, "export_figures").await,
        count(s, "figure_sources").await,
    );
    let mut tx = s.begin().await.unwrap();
    let report = exports::import(&mut tx, &data, &Actor::Cli, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (report.rows, report.figures_added, report.sources_linked),
        (916, 0, 0)
    );
    assert_eq!(
        (
            count(s, "export_figures").await,
            count(s, "figure_sources").await
        ),
        before
    );
}

#[tokio::test]
async fn a_new_exports_file_adds_its_figures() {
    let t = TestApp::new().await;
    let csv = format!(
        "{EXPORTS_HEADER}2026-H1,WORLD,150000000,,5.0,Example News,Exports up,https://example.com/a,2026-07-20,printed: '$150 million'\n\
         2026-H1,JP,50000000,1,,Example News,Exports up,https://example.com/a,2026-07-20,\n"
    );
    let mut tx = t.app.store().begin().await.unwrap();
    let report = exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((report.figures_added, report.sources_linked), (2, 2));
    let r = t.ask("/exports japan 2026-H1").await;
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .unwrap()
            .contains("US$50,000,000")
    );
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .unwrap()
            .contains("33.3% of the total")
    );
}

#[tokio::test]
async fn exports_files_are_read_in_both_formats_and_the_seed_keeps_kinds_and_remarks_apart() {
    let t = TestApp::new().await;
    let s = t.app.store();
    // The seed: every source's kind and remark as the file gives them, never in its name.
    let mut reader = csv::Reader::from_path("data/exports.csv").unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.len(), 12, "{header:?}");
    for row in reader.records() {
        let row = row.unwrap();
        let (publisher, url, detail, kind) = (&row[5], &row[7], &row[10], &row[11]);
        let stored: (Option<String>, Option<String>) =
            kpop_facts::on!(s.readers(), |p| sqlx::query_as(
                "SELECT kind, detail FROM sources WHERE publisher = $1 AND url = $2"
            )
            .bind(publisher)
            .bind(url)
            .fetch_one(p)
            .await)
            .unwrap_or_else(|e| panic!("{publisher} {url}: {e}"));
        assert_eq!(stored.0.as_deref(), Some(kind), "{publisher} {url}");
        assert_eq!(stored.1.as_deref(), (!detail.is_empty()).then_some(detail));
    }

    // The 12-column format, a kind the bot does not know, and a header of neither format.
    let twelve = format!(
        "{}publisher_detail,source_kind\n",
        EXPORTS_HEADER.trim_end().to_string() + ","
    );
    let csv = format!(
        "{twelve}2026-H1,JP,50000000,1,,Example News,,https://example.com/b,2026-07-20,,Japanese edition,newspaper\n"
    );
    let mut tx = s.begin().await.unwrap();
    let report = exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((report.figures_added, report.sources_linked), (1, 1));
    let kind: Option<String> = kpop_facts::on!(s.readers(), |p| sqlx::query_scalar(
        "SELECT kind FROM sources WHERE url = 'https://example.com/b'"
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!(kind.as_deref(), Some("newspaper"));

    let csv = format!(
        "{twelve}2026-H1,US,40000000,2,,Example News,,https://example.com/b,2026-07-20,,,tabloid\n"
    );
    let mut tx = s.begin().await.unwrap();
    let Err(ImportError::Rows(lines)) =
        exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None).await
    else {
        panic!("an unknown kind is refused")
    };
    assert_eq!(lines[0].line, 2);
    assert!(
        lines[0].message.contains("source_kind `tabloid`"),
        "{}",
        lines[0].message
    );
    drop(tx);

    let eleven = EXPORTS_HEADER.trim_end().to_string() + ",source_kind\n";
    let mut tx = s.begin().await.unwrap();
    let Err(ImportError::Rows(lines)) =
        exports::import(&mut tx, eleven.as_bytes(), &Actor::Cli, None).await
    else {
        panic!("an unknown header is refused")
    };
    assert!(
        lines[0].message.contains("source_kind` or `period"),
        "{}",
        lines[0].message
    );
}

#[tokio::test]
async fn a_store_seeded_earlier_answers_like_a_new_one_once_opened() {
    let fresh = TestApp::new().await;
    let t = TestApp::new().await;
    let s = t.app.store();
    let outside = test_app::outside(&t.db_path()).await;
    // As the earlier seed left a store: remarks in the publishers' names, no kinds, no changes
    // on the prints.
    for sql in [
        "UPDATE sources SET publisher = publisher || ' (' || detail || ')' WHERE detail IS NOT NULL",
        "UPDATE sources SET kind = NULL, detail = NULL",
        "UPDATE figure_sources SET yoy_change_pct = NULL",
        "UPDATE meta SET value = '1' WHERE key = 'seed_version'",
    ] {
        kpop_facts::on!(&outside, |p| sqlx::query(sql)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
    }
    let old = t.ask("/exports japan 2023-H1").await;
    assert!(test_app::shown(&old).contains("Daum News (originating outlet"));
    s.close().await;

    let app = kpop_facts::app::App::open(&t.db_path()).await.unwrap();
    assert_eq!(
        app.store().meta("seed_version").await.unwrap().as_deref(),
        Some(kpop_facts::import::seed::SEED_VERSION)
    );
    let mut pairs: Vec<(String, String)> = csv::Reader::from_path("data/exports.csv")
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    for (period, country) in pairs {
        let q = format!("/exports country:{country} period:{period}");
        assert_eq!(
            test_app::shown(&test_app::ask(&app, &q, Locale::En).await),
            test_app::shown(&fresh.ask(&q).await),
            "{q}"
        );
    }
    let upgrades: i64 = kpop_facts::on!(app.store().readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE actor = 'seed' AND action = 'seed.upgrade'",
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!(upgrades, 1);
}

#[tokio::test]
async fn one_bad_row_rolls_back_the_whole_exports_import() {
    let t = TestApp::new().await;
    let s = t.app.store();
    let before = (
        count(s, "export_figures").await,
        count(s, "audit_log").await,
    );
    let csv = format!(
        "{EXPORTS_HEADER}2026-H1,WORLD,150000000,,,Example News,,https://example.com/a,2026-07-20,\n\
         2026-H9,JP,50000000,1,,Example News,,https://example.com/a,2026-07-20,\n\
         2026-H1,XX,1,,,Example News,,https://example.com/a,2026-07-20,\n\
         2026-H1,US,lots,,,Example News,,https://example.com/a,2026-07-20,\n"
    );
    let mut tx = s.begin().await.unwrap();
    let err = exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
        .await
        .unwrap_err();
    drop(tx);
    let ImportError::Rows(lines) = err else {
        panic!("expected line errors")
    };
    assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [3, 4, 5]);
    assert!(lines[0].message.contains("2026-H9"));
    assert_eq!(
        (
            count(s, "export_figures").await,
            count(s, "audit_log").await
        ),
        before
    );
}

const CHART_HEADER: &str = "chart_date,position,title,artist,last_week,peak,weeks_on_chart\n";

async fn import_chart(store: &Store, csv: &str) -> Result<billboard::BillboardReport, ImportError> {
    let mut tx = store.begin().await.unwrap();
    let result = billboard::import(
        &mut tx,
        Chart::Hot100,
        csv.as_bytes(),
        &Actor::Cli,
        &ProgressBar::hidden(),
    )
    .await;
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

#[tokio::test]
async fn runs_follow_renames_and_re_entries() {
    let t = TestApp::new().await;
    let csv = format!(
        "{CHART_HEADER}2031-01-04,10,Soak City (Do It),Example Band,,10,1\n\
         2031-01-04,20,Ever Since U Left Me,Max B & French Montana,,20,1\n\
         2031-01-11,8,Soak City,Example Band,10,8,2\n\
         2031-01-11,15,Ever Since U Left Me (I Went Deaf),French Montana & Max B,20,15,2\n\
         2031-01-25,50,Soak City,Example Band,,8,3\n"
    );
    let report = import_chart(t.app.store(), &csv).await.unwrap();
    assert_eq!((report.added, report.new_songs, report.warnings), (5, 2, 0));
    let r = t.ask("/chart soak city").await;
    assert_eq!(test_app::field(&r, "Weeks on chart"), "3");
    assert_eq!(test_app::field(&r, "Re-entries"), "1");
    assert_eq!(
        test_app::field(&r, "Week by week"),
        "2031-01-04: 10 → 8\n2031-01-25, back on the chart: 50"
    );
    let r = t.ask("/chart ever since u left me").await;
    assert_eq!(test_app::field(&r, "Weeks on chart"), "2");
}

/// "Encanto (Highlights)" re-entering continues its own run, not the original album's, in one
/// file or in a later one.
#[tokio::test]
async fn a_version_re_enters_its_own_run() {
    let weeks = [
        "2031-01-04,1,Encantado,Cast,,1,1\n2031-01-04,30,Encantado (Highlights),Cast,,30,1\n",
        "2031-01-11,2,Encantado,Cast,1,1,2\n",
        "2031-01-18,3,Encantado,Cast,2,1,3\n2031-01-18,40,Encantado (Highlights),Cast,,30,2\n",
    ];
    let runs = |t: &TestApp| {
        let store = t.app.store().clone();
        async move {
            kpop_facts::on!(store.readers(), |p| sqlx::query_as::<_, (String, i64)>(
                "SELECT title, weeks FROM chart_songs WHERE credit = 'Cast' ORDER BY title",
            )
            .fetch_all(p)
            .await)
            .unwrap()
        }
    };
    let want = [
        ("Encantado".to_string(), 3),
        ("Encantado (Highlights)".to_string(), 2),
    ];
    let at_once = TestApp::new().await;
    import_chart(
        at_once.app.store(),
        &format!("{CHART_HEADER}{}", weeks.concat()),
    )
    .await
    .unwrap();
    assert_eq!(runs(&at_once).await, want);
    let in_steps = TestApp::new().await;
    for week in weeks {
        import_chart(in_steps.app.store(), &format!("{CHART_HEADER}{week}"))
            .await
            .unwrap();
    }
    assert_eq!(runs(&in_steps).await, want);
}

#[tokio::test]
async fn chart_imports_are_idempotent_and_add_only_new_weeks() {
    let t = TestApp::new().await;
    let s = t.app.store();
    let week1 = format!("{CHART_HEADER}2031-01-04,1,New Song,Example Band,,1,1\n");
    let both = format!(
        "{week1}2031-01-11,2,New Song,Example Band,1,1,2\n2031-01-11,1,Other,Someone,,1,1\n"
    );
    assert_eq!(import_chart(s, &week1).await.unwrap().added, 1);
    let rows = count(s, "chart_entries").await;
    let again = import_chart(s, &week1).await.unwrap();
    assert_eq!((again.added, again.unchanged), (0, 1));
    assert_eq!(count(s, "chart_entries").await, rows);
    let newer = import_chart(s, &both).await.unwrap();
    assert_eq!((newer.added, newer.unchanged, newer.new_songs), (2, 1, 1));
    assert_eq!(
        test_app::field(&t.ask("/chart new song").await, "Weeks on chart"),
        "2"
    );
}

#[tokio::test]
async fn unreadable_chart_rows_abort_the_file_and_are_all_reported() {
    let t = TestApp::new().await;
    let s = t.app.store();
    let before = count(s, "chart_entries").await;
    let csv = format!(
        "{CHART_HEADER}2031-01-04,1,Fine,Band,,1,1\n\
         2031-13-04,2,Bad Date,Band,,2,1\n\
         2031-01-04,two,Bad Position,Band,,3,1\n\
         2031-01-04,4,Too Few Columns\n\
         2031-01-04,5,Fine Too,Band,,5,1\n"
    );
    let ImportError::Rows(lines) = import_chart(s, &csv).await.unwrap_err() else {
        panic!("expected line errors")
    };
    assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(count(s, "chart_entries").await, before);
}

#[tokio::test]
async fn odd_but_readable_rows_are_imported_with_warnings() {
    let t = TestApp::new().await;
    let csv = format!("{CHART_HEADER}2031-01-04,5,Odd,Band,,9,1\n");
    let report = import_chart(t.app.store(), &csv).await.unwrap();
    assert_eq!((report.added, report.warnings), (1, 1));
    assert!(report.warning_samples[0].contains("peak 9 is below the position"));
}

#[tokio::test]
async fn the_seeded_rows_read_back_as_typed_values() {
    let t = TestApp::new().await;
    let store = t.app.store();
    assert!(!store.all_figures().await.unwrap().is_empty());
    assert!(!store.all_figure_sources().await.unwrap().is_empty());
    assert!(!store.all_notes().await.unwrap().is_empty());
    assert!(!store.audit_log(None, 1000).await.unwrap().is_empty());
}
