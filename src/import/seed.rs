//! The facts a new store starts with, shipped inside the binary from `data/`.

use anyhow::Context;

use crate::domain::chart::Chart;
use crate::store::{Action, Actor, Change, Location, Store};

/// Bump when the seed files change, so that a store seeded earlier can tell (and `ensure`
/// brings it up to date). 2: acts name the groups their members belong to (`member_of`), acts
/// and titles have names in other scripts, and export sources have clean names, kinds and the
/// change each print gave.
pub const SEED_VERSION: &str = "2";

const ACTS: &[u8] = include_bytes!("../../data/kpop_acts.csv");
const EXPORTS: &[u8] = include_bytes!("../../data/exports.csv");
const MILESTONES: &[u8] = include_bytes!("../../data/milestones.csv");
const HOT100: &[u8] = include_bytes!("../../data/hot100-kpop.csv");
const BILLBOARD200: &[u8] = include_bytes!("../../data/billboard200-kpop.csv");
const TITLE_ALIASES: &[u8] = include_bytes!("../../data/title_aliases.csv");

/// Opens (creating when missing) the store at `path` with the seed loaded: how every command
/// that answers from or writes to a store opens it.
pub async fn open(at: impl Into<Location>) -> anyhow::Result<Store> {
    let store = Store::open(at).await?;
    ensure(&store).await.context("loading the seed facts")?;
    Ok(store)
}

/// Loads the seed into a store that has none, or what a newer seed adds into a store seeded
/// earlier, in one transaction.
pub async fn ensure(store: &Store) -> anyhow::Result<()> {
    if store.meta("seed_version").await?.as_deref() == Some(SEED_VERSION) {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    // Another process may have seeded between the check and the write lock.
    let seeded = tx.meta("seed_version").await?;
    match seeded.as_deref() {
        None => {}
        Some("1") => {
            // Only what version 2 added: facts, names, aliases and notes moderators may have
            // changed since are left alone.
            let links = super::acts::import_groups(&mut tx, ACTS).await?;
            let names = super::acts::add_new_aliases(&mut tx, ACTS).await?;
            let titles = super::title_aliases::import(&mut tx, TITLE_ALIASES).await?;
            let sources = super::exports::refresh_seed_sources(&mut tx, EXPORTS)
                .await
                .map_err(|e| anyhow::anyhow!("refreshing the seed's export sources: {e}"))?;
            tx.audit(Change {
                actor: &Actor::Seed,
                guild_id: None,
                action: Action::SeedUpgrade,
                target: "seed".into(),
                before: None,
                after: Some(serde_json::json!({
                    "seed_version": SEED_VERSION,
                    "member_links": links,
                    "act_names": names,
                    "title_names": titles,
                    "export_sources": sources,
                })),
                undoes: None,
                batch: None,
            })
            .await?;
            tx.set_meta("seed_version", SEED_VERSION).await?;
            return tx.commit().await;
        }
        // This seed or one from a newer binary: nothing to add.
        Some(_) => return Ok(()),
    }
    let actor = Actor::Seed;
    super::acts::import(&mut tx, ACTS).await?;
    super::exports::import(&mut tx, EXPORTS, &actor, None).await?;
    super::notes::import(&mut tx, MILESTONES, &actor).await?;
    super::billboard::import(&mut tx, Chart::Hot100, HOT100, &actor, &()).await?;
    super::billboard::import(&mut tx, Chart::Billboard200, BILLBOARD200, &actor, &()).await?;
    super::title_aliases::import(&mut tx, TITLE_ALIASES).await?;
    tx.set_meta("seed_version", SEED_VERSION).await?;
    tx.commit().await
}
