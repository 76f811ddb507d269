//! Shard leases and claims in the store, on either engine: how processes sharing a store keep
//! off each other's shards and take turns at the mod-log. Times are given, not waited for.

use chrono::{DateTime, Duration, Utc};
use kpop_facts::store::Store;

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

async fn store(dir: &tempfile::TempDir) -> Store {
    kpop_facts::import::seed::open(crate::support::db::at(dir.path()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_shard_is_served_by_one_live_process_and_freed_when_its_lease_lapses() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let now = at("2026-12-01T12:00:00Z");
    let until = now + Duration::seconds(30);
    let a = "host-a PID 1";
    let b = "host-b PID 2";
    assert_eq!(
        s.take_shards(0..=1, 4, a, now, until).await.unwrap(),
        Ok(())
    );
    let overlap = s.take_shards(1..=2, 4, b, now, until).await.unwrap();
    let held = overlap.expect_err("shard 1 is a's");
    assert_eq!((held.shard, held.holder.as_str()), (1, a));
    assert!(held.to_string().contains(a), "{held}");
    assert_eq!(
        s.take_shards(2..=3, 4, b, now, until).await.unwrap(),
        Ok(()),
        "disjoint shards"
    );
    let other_count = s.take_shards(4..=4, 8, "host-c PID 3", now, until).await;
    assert_eq!(
        other_count
            .unwrap()
            .expect_err("a bot runs one shard count")
            .shard_count,
        4
    );
    let live: Vec<(u32, String)> = s
        .shard_leases(now)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.shard, l.holder))
        .collect();
    assert_eq!(
        live,
        [(0, a.into()), (1, a.into()), (2, b.into()), (3, b.into())]
    );

    // a dies: its leases lapse, b renews; then c takes a's shards.
    let later = until + Duration::seconds(1);
    assert_eq!(
        s.renew_shards(b, now, later + Duration::seconds(30))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.take_shards(
            0..=1,
            4,
            "host-c PID 3",
            later,
            later + Duration::seconds(30)
        )
        .await
        .unwrap(),
        Ok(())
    );
    assert_eq!(
        s.renew_shards(a, later, later + Duration::seconds(30))
            .await
            .unwrap(),
        0,
        "a process back from a pause learns it lost its shards"
    );
}

#[tokio::test]
async fn a_clean_stop_frees_the_shards_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let now = at("2026-12-01T12:00:00Z");
    let until = now + Duration::seconds(30);
    assert_eq!(
        s.take_shards(0..=3, 4, "a", now, until).await.unwrap(),
        Ok(())
    );
    assert!(
        s.take_shards(0..=0, 4, "b", now, until)
            .await
            .unwrap()
            .is_err()
    );
    s.release_shards("a").await.unwrap();
    assert_eq!(
        s.take_shards(0..=0, 4, "b", now, until).await.unwrap(),
        Ok(())
    );
    assert_eq!(
        s.take_shards(0..=1, 2, "a", now, until)
            .await
            .unwrap()
            .map_err(|l| l.holder),
        Err("b".to_string()),
        "a restart with another count waits for b"
    );
}

#[tokio::test]
async fn a_claim_has_one_holder_until_given_back_or_gone_stale() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let now = at("2026-12-01T12:00:00Z");
    let stale = |t: DateTime<Utc>| t - Duration::seconds(60);
    assert!(s.claim("modlog", "a", now, stale(now)).await.unwrap());
    assert!(!s.claim("modlog", "b", now, stale(now)).await.unwrap());
    let soon = now + Duration::seconds(2);
    assert!(
        s.claim("modlog", "a", soon, stale(soon)).await.unwrap(),
        "the holder keeps it"
    );
    assert!(!s.claim("modlog", "b", soon, stale(soon)).await.unwrap());
    // a falls silent: a minute after its last claim, b takes over.
    let silent = soon + Duration::seconds(61);
    assert!(s.claim("modlog", "b", silent, stale(silent)).await.unwrap());
    assert!(!s.claim("modlog", "a", silent, stale(silent)).await.unwrap());
    s.release_claim("modlog", "a").await.unwrap();
    assert!(
        !s.claim("modlog", "c", silent, stale(silent)).await.unwrap(),
        "only the holder gives it back"
    );
    s.release_claim("modlog", "b").await.unwrap();
    assert!(s.claim("modlog", "c", silent, stale(silent)).await.unwrap());
}
