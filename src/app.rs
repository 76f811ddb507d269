//! The application core that every edge shares: the store plus the in-memory views built from
//! it. The gateway client, the CLI, the tests and the benchmarks all answer through one `App`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

use crate::acts::ActFacts;
use crate::cache::FactsCache;
use crate::domain::country::CountryCatalog;
use crate::i18n::Locale;
use crate::search::{SearchIndex, SearchIndexBuilder};
use crate::store::{AliasKind, Generations, Store};

/// What is derived from the store for fast look-ups, as of one store generation.
pub struct Indexes {
    pub generation: i64,
    pub countries: CountryCatalog,
    pub facts: FactsCache,
    /// Rebuilt only when chart data, acts or their aliases change: it takes a few hundred
    /// milliseconds over the full history, the rest a few.
    pub search: Arc<SearchIndex>,
    /// Each act's credited runs and groups; rebuilt with the search index.
    pub acts: Arc<ActFacts>,
    charts_generation: i64,
}

struct Cached {
    indexes: Arc<Indexes>,
    /// `Store::local_writes` when last confirmed current.
    local_writes: u64,
    checked: Instant,
}

/// How long the views may go without asking the store whether another process wrote to it.
/// Writes from this process are seen at once.
const RECHECK: Duration = Duration::from_millis(500);

/// A picture's name, the language its labels are in, and the store generation it was drawn for.
type PictureKey = (String, Locale, i64);

/// Pictures kept before the cache starts over; a few MB at most.
const PICTURES_KEPT: usize = 64;

pub struct App {
    store: Store,
    cached: RwLock<Option<Cached>>,
    /// Rendered pictures by name and store generation: a popular run is drawn once.
    pictures: Mutex<HashMap<PictureKey, Arc<Vec<u8>>>>,
}

impl App {
    pub async fn open(path: &Path) -> anyhow::Result<App> {
        Ok(App::new(Store::open(path).await?))
    }

    pub fn new(store: Store) -> App {
        App {
            store,
            cached: RwLock::new(None),
            pictures: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The views of the store as it is now, rebuilt when a write (from this process or
    /// another) has changed it.
    pub async fn indexes(&self) -> anyhow::Result<Arc<Indexes>> {
        let fresh =
            |c: &Cached, local: u64| c.local_writes == local && c.checked.elapsed() < RECHECK;
        let local = self.store.local_writes();
        if let Some(c) = self
            .cached
            .read()
            .await
            .as_ref()
            .filter(|c| fresh(c, local))
        {
            return Ok(c.indexes.clone());
        }
        let mut slot = self.cached.write().await;
        let local = self.store.local_writes();
        if let Some(c) = slot.as_ref().filter(|c| fresh(c, local)) {
            return Ok(c.indexes.clone());
        }
        let generations = self.store.generations().await?;
        let indexes = match slot.as_ref() {
            Some(c) if c.indexes.generation == generations.all => c.indexes.clone(),
            previous => Arc::new(
                self.build(generations, previous.map(|c| &c.indexes))
                    .await?,
            ),
        };
        *slot = Some(Cached {
            indexes: indexes.clone(),
            local_writes: local,
            checked: Instant::now(),
        });
        Ok(indexes)
    }

    async fn build(
        &self,
        g: Generations,
        previous: Option<&Arc<Indexes>>,
    ) -> anyhow::Result<Indexes> {
        let s = &self.store;
        let (search, acts) = match previous {
            Some(p) if p.charts_generation == g.charts => (p.search.clone(), p.acts.clone()),
            _ => {
                let mut builder = SearchIndexBuilder::default();
                let mut after = 0;
                loop {
                    let chunk = s.songs_after(after, 5_000).await?;
                    let Some(last) = chunk.last() else { break };
                    after = last.id;
                    builder.add(chunk);
                }
                let search = Arc::new(builder.finish(
                    s.acts().await?,
                    s.song_acts().await?,
                    s.aliases(AliasKind::Act).await?,
                    s.aliases(AliasKind::Title).await?,
                ));
                (search, Arc::new(ActFacts::load(s).await?))
            }
        };
        Ok(Indexes {
            generation: g.all,
            countries: CountryCatalog::new(s.aliases(AliasKind::Country).await?),
            facts: FactsCache::load(s).await?,
            search,
            acts,
            charts_generation: g.charts,
        })
    }

    /// The picture called `name`, labelled in `locale`, for the store as of `generation`, drawn
    /// by `draw` only when not drawn already.
    pub fn picture(
        &self,
        name: &str,
        locale: Locale,
        generation: i64,
        draw: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Arc<Vec<u8>>> {
        let key = (name.to_string(), locale, generation);
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
}
