//! The facts a new store starts with, shipped inside the binary from `data/`.

use indicatif::ProgressBar;

use crate::domain::chart::Chart;
use crate::store::{Actor, Store};

/// Bump when the seed files change, so that a store seeded earlier can tell.
pub const SEED_VERSION: &str = "2";

const ACTS: &[u8] = include_bytes!("../../data/kpop_acts.csv");
const EXPORTS: &[u8] = include_bytes!("../../data/exports.csv");
const MILESTONES: &[u8] = include_bytes!("../../data/milestones.csv");
const HOT100: &[u8] = include_bytes!("../../data/hot100-kpop.csv");
const BILLBOARD200: &[u8] = include_bytes!("../../data/billboard200-kpop.csv");

/// Loads the seed into a store that has none, in one transaction.
pub async fn ensure(store: &Store) -> anyhow::Result<()> {
    if store.meta("seed_version").await?.is_some() {
        return Ok(());
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
