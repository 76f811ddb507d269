//! What only a PostgreSQL store does: several processes on one database (first starts that
//! seed once, changes announced to the others), `db copy` from SQLite, and the exits of a
//! database that cannot be used. Each test skips with one line when the server's binaries are
//! missing; the rest of the suite runs on PostgreSQL with `KPOP_FACTS_TEST_ENGINE=postgres`.

use std::process::{Command, Output};
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::store::{Action, Actor, Change, Location, Store};

use crate::support::app::ask;
use crate::support::postgres::cluster_or_skip;
use crate::support::wait::until;

fn bin(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpop-facts"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn first_starts_at_once_seed_the_database_once() {
    let Some(pg) = cluster_or_skip() else { return };
    let url = Location::Postgres(pg.fresh_database());
    let opened =
        futures_util::future::join_all((0..4).map(|_| kpop_facts::import::seed::open(url.clone())))
            .await;
    let stores: Vec<Store> = opened.into_iter().map(Result::unwrap).collect();
    // One seeding writes one audit row per seeded export figure, note and chart file: a second
    // seeding would double them, or fail on the unique keys.
    let seeded = crate::support::db::number(
        &stores[0],
        "SELECT count(*) FROM audit_log WHERE actor = 'seed'",
    )
    .await;
    let alone = kpop_facts::import::seed::open(Location::Postgres(pg.fresh_database()))
        .await
        .unwrap();
    let once = crate::support::db::number(
        &alone,
        "SELECT count(*) FROM audit_log WHERE actor = 'seed'",
    )
    .await;
    assert!(once > 0);
    assert_eq!(seeded, once);
}

/// A change with nothing in it but its audit row.
fn an_audited_nothing() -> Change<'static> {
    Change {
        actor: &Actor::Cli,
        guild_id: None,
        action: Action::SeedUpgrade,
        target: "seed".into(),
        before: None,
        after: None,
        undoes: None,
        batch: None,
    }
}

#[tokio::test]
async fn a_change_through_one_process_is_announced_to_the_others() {
    let Some(pg) = cluster_or_skip() else { return };
    let url = Location::Postgres(pg.fresh_database());
    let writer = App::open(&url).await.unwrap();
    let reader = App::open(&url).await.unwrap();
    let heard = reader.store().remote_writes();
    let mut tx = writer.store().begin().await.unwrap();
    tx.audit(an_audited_nothing()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        until(Duration::from_secs(10), || async {
            reader.store().remote_writes() > heard
        })
        .await,
        "the reader hears of the commit"
    );
    // The writer's own commit is not news to itself.
    assert_eq!(writer.store().remote_writes(), 0);
}

#[tokio::test]
async fn an_edit_made_by_another_process_reaches_the_answers() {
    let Some(pg) = cluster_or_skip() else { return };
    let url = pg.fresh_database();
    let reader = App::open(Location::Postgres(url.clone())).await.unwrap();
    let asked = || async {
        crate::support::app::shown(&ask(&reader, "/exports japan 2030", Default::default()).await)
    };
    // The reader's views are built, and know no 2030 figure.
    assert!(!asked().await.contains("Example Editor"));
    let o = bin(
        &url,
        &[
            "facts",
            "set-export",
            "country:japan",
            "period:2030",
            "value:40,000,000",
            "source:Example Editor https://example.com/e 2031-01-20",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        until(Duration::from_secs(10), || async {
            asked().await.contains("Example Editor")
        })
        .await,
        "the edit reaches the other process's answers: {}",
        asked().await
    );
}

#[tokio::test]
async fn db_copy_moves_a_sqlite_store_all_or_nothing() {
    let Some(pg) = cluster_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("facts.db");
    let file_arg = file.to_str().unwrap();
    let url = pg.fresh_database();
    kpop_facts::import::seed::open(&file)
        .await
        .unwrap()
        .close()
        .await;

    let o = bin(file_arg, &["db", "copy", "--from", file_arg, "--to", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("chart_entries: "), "{}", text(&o));

    // Every table holds what the file holds.
    let from = Store::open(&file).await.unwrap();
    let to = Store::open(Location::Postgres(url.clone())).await.unwrap();
    for table in kpop_facts::store::copy::TABLES {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(
            crate::support::db::number(&from, &sql).await,
            crate::support::db::number(&to, &sql).await,
            "{table}"
        );
    }
    assert!(to.check().await.unwrap().is_empty());
    // And answers as it did, with new rows numbered after the copied ones.
    for question in ["/exports japan 2023-H1", "/chart cupid", "/artist BTS"] {
        assert_eq!(
            text(&bin(file_arg, &["ask", question])),
            text(&bin(&url, &["ask", question])),
            "{question}"
        );
    }
    let mut tx = to.begin().await.unwrap();
    let id = tx.audit(an_audited_nothing()).await.unwrap();
    tx.commit().await.unwrap();
    let copied_max = crate::support::db::number(&from, "SELECT max(id) FROM audit_log").await;
    assert_eq!(id, copied_max + 1);
    to.close().await;

    // A second copy finds the database in use and changes nothing.
    let before = crate::support::db::number(&from, "SELECT count(*) FROM audit_log").await;
    let o = bin(file_arg, &["db", "copy", "--from", file_arg, "--to", &url]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("not empty"), "{}", text(&o));
    let to = Store::open(Location::Postgres(url)).await.unwrap();
    assert_eq!(
        crate::support::db::number(&to, "SELECT count(*) FROM audit_log").await,
        before + 1
    );
}

#[test]
fn db_backup_on_postgres_names_pg_dump_and_exits_2() {
    let Some(pg) = cluster_or_skip() else { return };
    let url = pg.fresh_database();
    let o = bin(&url, &["db", "backup", "/tmp/never-written.dump"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("pg_dump"), "{}", text(&o));
    assert!(!std::path::Path::new("/tmp/never-written.dump").exists());
}

#[test]
fn a_database_that_cannot_be_used_exits_3_with_the_reason_and_no_password() {
    let Some(pg) = cluster_or_skip() else { return };
    // Nothing listens on the port of a listener just closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("postgres://kpop:Sup3rSecret@127.0.0.1:{port}/kpop");
    let o = bin(&refused, &["ask", "/exports japan"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(!text(&o).contains("Sup3rSecret"), "{}", text(&o));
    assert!(text(&o).contains("refused"), "{}", text(&o));

    let missing = pg
        .url("no_such_database")
        .replace("postgres@", "postgres:Sup3rSecret@");
    let o = bin(&missing, &["ask", "/exports japan"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    assert!(!text(&o).contains("Sup3rSecret"), "{}", text(&o));
}
