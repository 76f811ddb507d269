//! The application core that every edge shares: the store plus the in-memory indexes built
//! from it. The gateway client, the CLI, the tests and the benchmarks all answer through one
//! `App`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::sync::RwLock;

use crate::domain::country::CountryCatalog;
use crate::search::SearchIndex;
use crate::store::{AliasKind, Store};

/// What is derived from the store for fast look-ups, as of one store generation.
pub struct Indexes {
    pub generation: i64,
    pub countries: CountryCatalog,
    pub search: SearchIndex,
}

pub struct App {
    store: Store,
    indexes: RwLock<Option<Arc<Indexes>>>,
    /// Rendered pictures by name and store generation: a popular run is drawn once.
    pictures: Mutex<HashMap<PictureKey, Arc<Vec<u8>>>>,
}

/// A picture's name and the store generation it was drawn for.
type PictureKey = (String, i64);

/// Pictures kept before the cache starts over; a few MB at most.
const PICTURES_KEPT: usize = 64;

impl App {
    pub async fn open(path: &Path) -> anyhow::Result<App> {
        Ok(App::new(Store::open(path).await?))
    }

    pub fn new(store: Store) -> App {
        App {
            store,
            indexes: RwLock::new(None),
            pictures: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The indexes for the store as it is now, rebuilt when a write (from this process or
    /// another) has changed it.
    pub async fn indexes(&self) -> anyhow::Result<Arc<Indexes>> {
        let generation = self.store.generation().await?;
        if let Some(ix) = self
            .indexes
            .read()
            .await
            .as_ref()
            .filter(|ix| ix.generation == generation)
        {
            return Ok(ix.clone());
        }
        let mut slot = self.indexes.write().await;
        if let Some(ix) = slot.as_ref().filter(|ix| ix.generation == generation) {
            return Ok(ix.clone());
        }
        let ix = Arc::new(self.build(generation).await?);
        *slot = Some(ix.clone());
        Ok(ix)
    }

    /// The picture called `name` for the store as of `generation`, drawn by `draw` only when
    /// not drawn already.
    pub fn picture(
        &self,
        name: &str,
        generation: i64,
        draw: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Arc<Vec<u8>>> {
        let key = (name.to_string(), generation);
        if let Some(png) = self.pictures.lock().expect("picture cache").get(&key) {
            return Ok(png.clone());
        }
        let png = Arc::new(draw()?);
        let mut cache = self.pictures.lock().expect("picture cache");
        if cache.len() >= PICTURES_KEPT {
            cache.clear();
        }
        cache.insert(key, png.clone());
        Ok(png)
    }

    async fn build(&self, generation: i64) -> anyhow::Result<Indexes> {
        let s = &self.store;
        let countries = CountryCatalog::new(s.aliases(AliasKind::Country).await?);
        let search = SearchIndex::new(
            s.all_songs().await?,
            s.acts().await?,
            s.song_acts().await?,
            s.aliases(AliasKind::Act).await?,
            s.aliases(AliasKind::Title).await?,
        );
        Ok(Indexes {
            generation,
            countries,
            search,
        })
    }
}
