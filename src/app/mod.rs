//! The application core that every edge shares: the store plus the in-memory views built from
//! it. The gateway client, the CLI, the tests and the benchmarks all answer through one `App`.
//! No lock here is held across an await; rebuilding the views and drawing pictures run on
//! blocking threads.

pub mod acts;
pub mod cache;
pub mod records;
pub mod search;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::domain::country::CountryCatalog;
use crate::i18n::Locale;
use crate::store::{AliasKind, Generations, Location, Store};
use acts::ActFacts;
use cache::FactsCache;
use records::{Records, RecordsBuilder};
use search::{SearchIndex, SearchIndexBuilder};

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
    /// Records of K-pop acts and of whole charts; rebuilt with the search index.
    pub records: Arc<Records>,
    charts_generation: i64,
}

#[derive(Clone)]
struct Cached {
    indexes: Arc<Indexes>,
    /// `Store::local_writes` when last confirmed current.
    local_writes: u64,
    /// `Store::remote_writes` when last confirmed current.
    remote_writes: u64,
    checked: Instant,
}

/// How long the views may go without asking the store whether another process wrote to it.
/// Writes from this process are seen at once, and so are other processes' writes to a
/// PostgreSQL store, which announces them; this is the fallback when an announcement is lost.
const RECHECK: Duration = Duration::from_millis(500);

/// A picture's name, the language its labels are in, and the store generation it was drawn for.
type PictureKey = (String, Locale, i64);

/// Pictures kept before the cache starts over; a few MB at most.
const PICTURES_KEPT: usize = 64;

pub struct App {
    views: Arc<Views>,
    /// Rendered pictures by name and store generation: a popular run is drawn once.
    pictures: Mutex<HashMap<PictureKey, Arc<Vec<u8>>>>,
}

/// The store and what is built from it, shared with the task that refreshes it.
struct Views {
    store: Store,
    /// The views last built. Locked for a moment only, never across an await.
    cached: Mutex<Option<Cached>>,
    /// Set while one task brings the views up to date.
    refreshing: AtomicBool,
    refreshed: Notify,
}

/// The refresh a task has claimed; ending it (even by an error or a cancelled task) lets the
/// next one start and wakes whoever waits.
struct Refreshing(Arc<Views>);

impl Refreshing {
    fn claim(views: &Arc<Views>) -> Option<Refreshing> {
        views
            .refreshing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Refreshing(views.clone()))
    }
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        self.0.refreshing.store(false, Ordering::Release);
        self.0.refreshed.notify_waiters();
    }
}

impl App {
    /// Opens the store at `path`, seeded (the seed is the app's to load, not the store's).
    pub async fn open(at: impl Into<Location>) -> anyhow::Result<App> {
        Ok(App::new(crate::import::seed::open(at).await?))
    }

    pub fn new(store: Store) -> App {
        App {
            views: Arc::new(Views {
                store,
                cached: Mutex::new(None),
                refreshing: AtomicBool::new(false),
                refreshed: Notify::new(),
            }),
            pictures: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.views.store
    }

    /// The views of the store as it is now, rebuilt when a write (from this process or
    /// another) has changed it. Another process's writes are picked up by a task of their
    /// own while answers go on from the last views, so the rebuild after an import stalls
    /// nobody; this process's own writes, and the first build, are waited for.
    pub async fn indexes(&self) -> anyhow::Result<Arc<Indexes>> {
        let views = &self.views;
        loop {
            let local = views.store.local_writes();
            let remote = views.store.remote_writes();
            let last = views.last();
            if let Some(c) = &last
                && c.local_writes == local
                && c.remote_writes == remote
                && c.checked.elapsed() < RECHECK
            {
                return Ok(c.indexes.clone());
            }
            // Listen before looking at the flag, so a refresh ending in between is not missed.
            let refreshed = views.refreshed.notified();
            tokio::pin!(refreshed);
            refreshed.as_mut().enable();
            let current = last
                .as_ref()
                .filter(|c| c.local_writes == local)
                .map(|c| c.indexes.clone());
            match (Refreshing::claim(views), current) {
                (Some(claim), Some(current)) => {
                    tokio::spawn(async move {
                        if let Err(e) = claim.0.refresh(last, local, remote).await {
                            tracing::warn!(error = ?e, "refreshing the views failed; keeping the last ones");
                        }
                    });
                    return Ok(current);
                }
                (Some(_claim), None) => return views.refresh(last, local, remote).await,
                (None, Some(current)) => return Ok(current),
                (None, None) => refreshed.await,
            }
        }
    }

    /// The picture called `name`, labelled in `locale`, for the store as of `generation`, drawn
    /// by `draw` (off the async workers) only when not drawn already.
    pub async fn picture(
        &self,
        name: &str,
        locale: Locale,
        generation: i64,
        draw: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static,
    ) -> anyhow::Result<Arc<Vec<u8>>> {
        let key = (name.to_string(), locale, generation);
        if let Some(png) = self.lock_pictures().get(&key) {
            return Ok(png.clone());
        }
        let png = Arc::new(off_the_workers(draw).await??);
        let mut cache = self.lock_pictures();
        if cache.len() >= PICTURES_KEPT {
            cache.clear();
        }
        cache.insert(key, png.clone());
        Ok(png)
    }

    fn lock_pictures(&self) -> std::sync::MutexGuard<'_, HashMap<PictureKey, Arc<Vec<u8>>>> {
        self.pictures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Views {
    fn last(&self) -> Option<Cached> {
        self.cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asks the store for its generations and rebuilds what they say changed.
    async fn refresh(
        &self,
        last: Option<Cached>,
        local: u64,
        remote: u64,
    ) -> anyhow::Result<Arc<Indexes>> {
        let generations = self.store.generations().await?;
        let indexes = match &last {
            Some(c) if c.indexes.generation == generations.all => c.indexes.clone(),
            previous => Arc::new(
                self.build(generations, previous.as_ref().map(|c| &c.indexes))
                    .await?,
            ),
        };
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
            indexes: indexes.clone(),
            local_writes: local,
            remote_writes: remote,
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
        let (search, acts, records) = match previous {
            Some(p) if p.charts_generation == g.charts => {
                (p.search.clone(), p.acts.clone(), p.records.clone())
            }
            _ => {
                // Reading is the store's; indexing is CPU work, kept off the async workers.
                let mut builder = SearchIndexBuilder::default();
                let mut after = 0;
                loop {
                    let chunk = s.songs_after(after, 5_000).await?;
                    let Some(last) = chunk.last() else { break };
                    after = last.id;
                    builder = off_the_workers(move || {
                        builder.add(chunk);
                        builder
                    })
                    .await?;
                }
                let (acts, song_acts) = (s.acts().await?, s.song_acts().await?);
                let act_aliases = s.aliases(AliasKind::Act).await?;
                let title_aliases = s.aliases(AliasKind::Title).await?;
                let search = Arc::new(
                    off_the_workers(move || {
                        builder.finish(acts, song_acts, act_aliases, title_aliases)
                    })
                    .await?,
                );
                let acts = Arc::new(ActFacts::load(s).await?);
                let records = Arc::new(build_records(s, search.clone(), acts.clone()).await?);
                (search, acts, records)
            }
        };
        Ok(Indexes {
            generation: g.all,
            countries: CountryCatalog::new(s.aliases(AliasKind::Country).await?),
            facts: FactsCache::load(s).await?,
            search,
            acts,
            records,
            charts_generation: g.charts,
        })
    }
}

/// The records, from each run's stored record makings, read a slice at a time.
async fn build_records(
    s: &Store,
    search: Arc<SearchIndex>,
    acts: Arc<ActFacts>,
) -> anyhow::Result<Records> {
    let mut builder = RecordsBuilder::new(&search);
    let mut after = 0;
    loop {
        let chunk = s.run_records_after(after, 5_000).await?;
        let Some(last) = chunk.last() else { break };
        after = last.song_id;
        let search = search.clone();
        builder = off_the_workers(move || {
            builder.add(&search, &chunk);
            builder
        })
        .await?;
    }
    off_the_workers(move || builder.finish(&search, &acts)).await
}

/// Runs CPU work (drawing, indexing) on tokio's blocking threads, so the async workers go on
/// answering meanwhile.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow::anyhow!("background work failed: {e}"))
}
