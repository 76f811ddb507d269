//! The facts a new store starts with, shipped inside the binary from `data/`.

use indicatif::ProgressBar;

use crate::domain::chart::Chart;
use crate::store::{Actor, Change, Store};

/// Bump when the seed files change, so that a store seeded earlier can tell.
pub const SEED_VERSION: &str = "2";

const ACTS: &[u8] = include_bytes!("../../data/kpop_acts.csv");
const EXPORTS: &[u8] = include_bytes!("../../data/exports.csv");
const MILESTONES: &[u8] = include_bytes!("../../data/milestones.csv");
const HOT100: &[u8] = include_bytes!("../../data/hot100-kpop.csv");
const BILLBOARD200: &[u8] = include_bytes!("../../data/billboard200-kpop.csv");

/// Loads the seed into a store that has none, in one transaction; brings a store seeded from an
/// earlier seed up to this one.
pub async fn ensure(store: &Store) -> anyhow::Result<()> {
    match store.meta("seed_version").await? {
        Some(v) if v == SEED_VERSION => return Ok(()),
        Some(_) => return upgrade(store).await,
        None => {}
    }
    let mut tx = store.begin().await?;
    // Another process may have seeded between the check and the write lock.
    let seeded: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'seed_version'")
            .fetch_optional(tx.conn())
            .await?;
    if seeded.is_some() {
        return Ok(());
    }
    let actor = Actor::Seed;
    super::acts::import(&mut tx, ACTS).await?;
    super::exports::import(&mut tx, EXPORTS, &actor, None).await?;
    super::notes::import(&mut tx, MILESTONES, &actor).await?;
    let hidden = ProgressBar::hidden();
    super::billboard::import(&mut tx, Chart::Hot100, HOT100, &actor, &hidden).await?;
    super::billboard::import(&mut tx, Chart::Billboard200, BILLBOARD200, &actor, &hidden).await?;
    sqlx::query("INSERT INTO meta (key, value) VALUES ('seed_version', ?)")
        .bind(SEED_VERSION)
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// Brings the export sources of a store seeded earlier up to this seed (their names without
/// the curator's remarks, their remarks and kinds, each print's change), in one audited
/// transaction. Facts are not touched: a moderator's changes stay.
async fn upgrade(store: &Store) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let seeded: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'seed_version'")
            .fetch_optional(tx.conn())
            .await?;
    if seeded.as_deref() == Some(SEED_VERSION) {
        return Ok(());
    }
    let report = super::exports::refresh_seed_sources(&mut tx, EXPORTS)
        .await
        .map_err(|e| anyhow::anyhow!("refreshing the seed's export sources: {e}"))?;
    tx.audit(Change {
        actor: &Actor::Seed,
        guild_id: None,
        action: "import.seed-sources",
        target: "exports".into(),
        before: seeded.map(|v| serde_json::json!({ "seed_version": v })),
        after: Some(serde_json::json!({ "seed_version": SEED_VERSION, "refreshed": report })),
        undoes: None,
        batch: None,
    })
    .await?;
    sqlx::query("UPDATE meta SET value = ? WHERE key = 'seed_version'")
        .bind(SEED_VERSION)
        .execute(tx.conn())
        .await?;
    tx.commit().await
}
