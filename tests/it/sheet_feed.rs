//! Export figures from a shared sheet: each pull applies only the rows added, changed or
//! removed since the pull before, checked like `/facts import`, as one change of the feed that
//! undo takes back whole; figures the sheet did not bring stay as they were.

use kpop_facts::edits::{self, EditError, SheetPull, Who};
use kpop_facts::import::ImportError;
use kpop_facts::store::{Actor, Store, Target};
use serde_json::Value;

use crate::support::app::{TestApp, shown};

const FEED: &str = "exports";
const HEADER: &str = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note,publisher_detail,source_kind\n";
const HEADER_V1: &str =
    "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note\n";

// Rows of the sheet, by what a test does with them.
const JP: &str = "2030-H1,JP,100000000,1,,Sheet Wire,,https://sheet.example/jp,2030-07-20,printed: '$100 million',,wire\n";
const JP_REVISED: &str = "2030-H1,JP,101000000,1,,Sheet Wire,,https://sheet.example/jp,2030-07-20,printed: '$101 million',,wire\n";
const US: &str = "2030-H1,US,50000000,2,,Sheet Daily,,https://sheet.example/us,2030-07-21,printed: '$50 million',,newspaper\n";
const KR: &str = "2030-H1,KR,30000000,3,,Sheet Daily,,https://sheet.example/kr,2030-07-21,printed: '$30 million',,newspaper\n";
const KR_RANKED: &str = "2030-H1,KR,30000000,4,,Sheet Daily,,https://sheet.example/kr,2030-07-21,printed: '$30 million',,newspaper\n";
const CN: &str = "2030-H1,CN,,5,,Sheet Daily,,https://sheet.example/cn,2030-07-21,,,newspaper\n";
/// The row above, its period spelled another way.
const CN_RESPELLED: &str =
    "H1 2030,cn,,5,,Sheet Daily,,https://sheet.example/cn,2030-07-21,,,newspaper\n";
const FR: &str = "2030-H1,FR,9000000,6,,Sheet Daily,,https://sheet.example/fr,2030-07-22,printed: '$9 million',,newspaper\n";

fn sheet(rows: &[&str]) -> Vec<u8> {
    format!("{HEADER}{}", rows.concat()).into_bytes()
}

async fn pull(t: &TestApp, body: &[u8]) -> SheetPull {
    edits::apply_pull(t.app.store(), FEED, body).await.unwrap()
}

fn counts(p: &SheetPull) -> (usize, usize, usize) {
    (p.added, p.changed, p.removed)
}

fn owner() -> Who {
    Who {
        actor: Actor::Cli,
        guild_id: None,
    }
}

fn unit(period: &str, country: &str) -> Target {
    Target::parse(&format!("export:{period}:{country}")).unwrap()
}

/// A unit as the store holds it now, ids included.
async fn snapshot(store: &Store, target: &Target) -> Value {
    // Read inside a write that is dropped, never committed.
    store.begin().await.unwrap().snapshot(target).await.unwrap()
}

/// Value, rank, whether current, sources.
type Figure = (Option<i64>, Option<i64>, bool, Vec<i64>);

/// A unit's figures without their ids (which a figure made again does not keep): value,
/// rank, whether it is current, and the sources that printed it.
async fn figures(store: &Store, target: &Target) -> Vec<Figure> {
    let s = snapshot(store, target).await;
    let mut out: Vec<_> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let sources = f["sources"].as_array().unwrap();
            (
                f["value_usd"].as_i64(),
                f["rank"].as_i64(),
                f["superseded_by"].is_null(),
                sources
                    .iter()
                    .map(|l| l["source_id"].as_i64().unwrap())
                    .collect(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn audit_rows(store: &Store) -> i64 {
    crate::support::db::number(store, "SELECT count(*) FROM audit_log").await
}

async fn feed_changes(store: &Store, change: i64) -> Vec<String> {
    let sql = format!(
        "SELECT target FROM audit_log WHERE batch = (SELECT batch FROM audit_log WHERE id = {change})
         AND actor = 'feed:{FEED}' AND action = 'import.exports' ORDER BY target"
    );
    kpop_facts::on!(store.readers(), |p| sqlx::query_scalar(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(p)
    .await)
    .unwrap()
}

#[tokio::test]
async fn each_pull_applies_only_the_rows_added_changed_or_removed() {
    let t = TestApp::new().await;
    let store = t.app.store();
    let first = pull(&t, &sheet(&[JP, US, KR, CN])).await;
    assert_eq!(counts(&first), (4, 0, 0));
    assert!(first.change.is_some());
    let jp = shown(&t.ask("/exports japan 2030-H1").await);
    assert!(
        jp.contains("US$100,000,000") && jp.contains("Sheet Wire"),
        "{jp}"
    );
    assert_eq!(
        figures(store, &unit("2030-H1", "KR")).await[0].1,
        Some(3),
        "the rank the sheet gave"
    );

    // The Japanese value revised, the U.S. row gone, the Korean rank corrected, France new,
    // China's period spelled another way (no change), in another order.
    let second = pull(&t, &sheet(&[FR, CN_RESPELLED, KR_RANKED, JP_REVISED])).await;
    assert_eq!(counts(&second), (1, 2, 1));
    let change = second.change.expect("the pull changed facts");
    let jp = figures(store, &unit("2030-H1", "JP")).await;
    assert_eq!(jp.len(), 1, "{jp:?}");
    assert_eq!(jp[0].0, Some(101_000_000));
    assert!(figures(store, &unit("2030-H1", "US")).await.is_empty());
    assert_eq!(figures(store, &unit("2030-H1", "KR")).await[0].1, Some(4));
    assert_eq!(
        figures(store, &unit("2030-H1", "FR")).await[0].0,
        Some(9_000_000)
    );
    assert_eq!(figures(store, &unit("2030-H1", "CN")).await[0].1, Some(5));
    let jp = shown(&t.ask("/exports japan 2030-H1").await);
    assert!(
        jp.contains("US$101,000,000") && !jp.contains("US$100,000,000"),
        "{jp}"
    );
    // One change of the feed per unit touched, China's not among them, and the body kept.
    assert_eq!(
        feed_changes(store, change).await,
        [
            "export:2030-H1:FR",
            "export:2030-H1:JP",
            "export:2030-H1:KR",
            "export:2030-H1:US",
            "feed-pulled:exports",
        ]
    );
    assert_eq!(
        store.feed_pulled(FEED).await.unwrap(),
        Some(sheet(&[FR, CN_RESPELLED, KR_RANKED, JP_REVISED]))
    );
}

#[tokio::test]
async fn a_pull_with_an_invalid_row_changes_nothing_and_names_its_line() {
    let t = TestApp::new().await;
    let store = t.app.store();
    pull(&t, &sheet(&[JP, US])).await;
    let audit = audit_rows(store).await;
    let before = figures(store, &unit("2030-H1", "JP")).await;
    let bad = "2030-H1,XX,1000,,,Sheet Daily,,https://sheet.example/xx,,,,newspaper\n";
    let refused = edits::apply_pull(store, FEED, &sheet(&[JP_REVISED, KR, bad, FR])).await;
    let Err(EditError::Import(ImportError::Rows(lines))) = refused else {
        panic!("accepted: {refused:?}");
    };
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].line, 4);
    assert!(lines[0].message.contains("country `XX`"), "{}", lines[0]);
    assert_eq!(audit_rows(store).await, audit);
    assert_eq!(figures(store, &unit("2030-H1", "JP")).await, before);
    assert!(figures(store, &unit("2030-H1", "KR")).await.is_empty());
    assert_eq!(
        store.feed_pulled(FEED).await.unwrap(),
        Some(sheet(&[JP, US]))
    );

    // A header of neither format is refused on line 1.
    let refused = edits::apply_pull(store, FEED, b"period,country\n2030,JP\n").await;
    let Err(EditError::Import(ImportError::Rows(lines))) = refused else {
        panic!("accepted: {refused:?}");
    };
    assert_eq!(lines[0].line, 1);
}

#[tokio::test]
async fn a_pull_reading_as_the_one_before_records_nothing() {
    let t = TestApp::new().await;
    let store = t.app.store();
    pull(&t, &sheet(&[JP, US, CN])).await;
    let audit = audit_rows(store).await;
    let nothing = SheetPull::default();
    assert_eq!(pull(&t, &sheet(&[JP, US, CN])).await, nothing);
    // The same rows in another order, or spelled otherwise.
    assert_eq!(pull(&t, &sheet(&[CN_RESPELLED, US, JP])).await, nothing);
    assert_eq!(audit_rows(store).await, audit);

    // Rows with no kind of source or remark read the same in the earlier format.
    let without_kinds: Vec<String> = [JP, US, CN]
        .iter()
        .map(|r| r.trim_end().rsplitn(3, ',').nth(2).unwrap().to_string())
        .collect();
    let current: String = without_kinds.iter().map(|r| format!("{r},,\n")).collect();
    assert_eq!(counts(&pull(&t, &sheet(&[&current])).await), (0, 3, 0));
    let audit = audit_rows(store).await;
    let earlier: String = without_kinds.iter().map(|r| format!("{r}\n")).collect();
    assert_eq!(
        pull(&t, format!("{HEADER_V1}{earlier}").as_bytes()).await,
        nothing
    );
    assert_eq!(audit_rows(store).await, audit);
}

#[tokio::test]
async fn undoing_a_pull_restores_the_facts_and_the_next_pull_applies_it_again() {
    let t = TestApp::new().await;
    let store = t.app.store();
    let units = ["JP", "US", "KR", "FR", "CN"].map(|c| unit("2030-H1", c));
    let first = pull(&t, &sheet(&[JP, US, KR, CN])).await.change.unwrap();
    let mut before = Vec::new();
    for u in &units {
        before.push(snapshot(store, u).await);
    }
    let second = sheet(&[FR, CN, KR_RANKED, JP_REVISED]);
    let change = pull(&t, &second).await.change.unwrap();
    let mut applied = Vec::new();
    for u in &units {
        applied.push(figures(store, u).await);
    }

    edits::undo(store, &owner(), Some(change)).await.unwrap();
    for (u, b) in units.iter().zip(&before) {
        assert_eq!(&snapshot(store, u).await, b, "{u}");
    }
    assert_eq!(
        store.feed_pulled(FEED).await.unwrap(),
        Some(sheet(&[JP, US, KR, CN])),
        "the feed stands where the undone pull found it"
    );
    // The sheet still says so: the next pull applies the same rows again.
    assert_eq!(counts(&pull(&t, &second).await), (1, 2, 1));
    for (u, a) in units.iter().zip(&applied) {
        assert_eq!(&figures(store, u).await, a, "{u}");
    }

    // Pulls go back in order: the first only once the one after it is undone.
    let refused = edits::undo(store, &owner(), Some(first)).await;
    assert!(
        matches!(refused, Err(EditError::TouchedLater { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn figures_the_sheet_did_not_bring_stay() {
    let t = TestApp::new().await;
    let store = t.app.store();
    let jp = unit("2023-H1", "JP");
    let seeded = snapshot(store, &jp).await;
    let prints = |figures: &[Figure]| {
        figures
            .iter()
            .find(|f| f.0 == Some(48_523_000))
            .map(|f| f.3.len())
    };
    let seeded_figures = figures(store, &jp).await;
    // The seed's figure printed by one more source (with the change the seed lacks), and a
    // later, different value.
    let same = "2023-H1,JP,48523000,1,12.5,Sheet Wire,,https://sheet.example/jp-h1,2023-07-19,printed: '$48.52 million',,wire\n";
    let other = "2023-H1,JP,48600000,1,,Sheet Daily,,https://sheet.example/jp-h1-late,2023-09-01,printed: '$48.6 million',,newspaper\n";
    let first = pull(&t, &sheet(&[same, other])).await;
    assert_eq!(counts(&first), (2, 0, 0));
    let now = figures(store, &jp).await;
    assert_eq!(now.len(), seeded_figures.len() + 1, "{now:?}");
    assert_eq!(
        prints(&now),
        prints(&seeded_figures).map(|n| n + 1),
        "{now:?}"
    );
    let filled = snapshot(store, &jp).await;
    assert!(
        filled
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value_usd"] == 48_523_000
                && f["yoy_change_pct"] == "12.5"
                && !f["superseded_by"].is_null()),
        "the sheet's change filled in, its later value current: {filled}"
    );

    let second = pull(&t, &sheet(&[])).await;
    assert_eq!(counts(&second), (0, 0, 2));
    assert_eq!(
        snapshot(store, &jp).await,
        seeded,
        "the seed's figure as it was"
    );
    let answer = shown(&t.ask("/exports japan 2023-H1").await);
    assert!(answer.contains("US$48,523,000"), "{answer}");
}

/// `kpop-facts feed run-once` with only the sheet's feed, at `source`.
fn run_once(db: &kpop_facts::store::Location, source: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(db)
        .args(["feed", "run-once"])
        .env_remove("RUST_LOG")
        .env_remove("KPOP_FACTS_FEED_HOT100")
        .env_remove("KPOP_FACTS_FEED_BILLBOARD200")
        .env("KPOP_FACTS_FEED_EXPORTS", source)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sheet_is_pulled_from_its_address_and_a_bad_row_names_its_line() {
    use crate::support::feed_server::{FeedServer, Served};

    let server = FeedServer::start().await;
    let t = TestApp::new().await;
    let db = t.db_path();
    let source = server.url("/sheet.csv");
    let out_text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();

    server.put("/sheet.csv", Served::csv(sheet(&[JP, US])));
    let out = run_once(&db, &source);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out_text(&out).contains("exports: rows added 2, changed 0, removed 0"),
        "{}",
        out_text(&out)
    );
    let reply = t.ask("/exports japan 2030-H1").await;
    assert!(shown(&reply).contains("$100.00M"), "{}", shown(&reply));

    // Unchanged: a 304, nothing applied.
    let out = run_once(&db, &source);
    assert!(
        out_text(&out).contains("exports: unchanged"),
        "{}",
        out_text(&out)
    );

    // One changed, one removed, one added.
    server.put("/sheet.csv", Served::csv(sheet(&[JP_REVISED, KR])));
    let out = run_once(&db, &source);
    assert!(
        out_text(&out).contains("rows added 1, changed 1, removed 1"),
        "{}",
        out_text(&out)
    );

    // A bad row on line 3 fails the whole pull.
    let bad = "2030-H1,XX,1,1,,Sheet Daily,,https://sheet.example/xx,2030-07-21,,,newspaper\n";
    server.put("/sheet.csv", Served::csv(sheet(&[JP_REVISED, bad, FR])));
    let before = t.app.store().audit_log(None, 1).await.unwrap();
    let out = run_once(&db, &source);
    assert_eq!(out.status.code(), Some(1), "{}", out_text(&out));
    assert!(out_text(&out).contains("line 3"), "{}", out_text(&out));
    assert_eq!(
        t.app.store().audit_log(None, 1).await.unwrap()[0].id,
        before[0].id + 1,
        "only the feed's notice was written"
    );
    let reply = t.ask("/exports france 2030-H1").await;
    assert!(!shown(&reply).contains("$9.00M"), "{}", shown(&reply));
}
