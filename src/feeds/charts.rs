//! One pass of a chart feed: fetch what is new since the newest stored week (and the
//! look-back weeks, for Billboard's corrections), check each week whole, then store each in a
//! transaction of its own. A refused week stops the pass; the weeks before it stay.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::fetch::Fetched;
use super::source::{Source, files_in, fill};
use super::{Feeds, Problem};
use crate::domain::chart::{Chart, credit_key, title_key};
use crate::edits::{self, ImportKind, Who};
use crate::import::ImportError;
use crate::import::billboard::{self, Row};
use crate::store::{Actor, Store, StoredRow};

use super::guards::check_week;

/// The most weeks a template pass asks for at once: ten years, against a server that answers
/// every address.
const MAX_WEEKS_PER_PASS: u32 = 520;

/// What a pass did.
#[derive(Debug, Default)]
pub struct ChartPass {
    pub new_weeks: Vec<NaiveDate>,
    pub corrected: Vec<NaiveDate>,
    /// Addresses that answered 304 (or files not due): nothing was read.
    pub unchanged: usize,
}

impl ChartPass {
    pub fn summary(&self) -> String {
        let dates = |d: &[NaiveDate]| {
            d.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (self.new_weeks.is_empty(), self.corrected.is_empty()) {
            (true, true) => "nothing new".to_string(),
            (false, true) => format!("new weeks: {}", dates(&self.new_weeks)),
            (true, false) => format!("corrected weeks: {}", dates(&self.corrected)),
            (false, false) => format!(
                "new weeks: {}; corrected weeks: {}",
                dates(&self.new_weeks),
                dates(&self.corrected)
            ),
        }
    }
}

/// A chart feed's pass over `source`.
pub async fn pass(
    feeds: &Feeds,
    store: &Store,
    chart: Chart,
    source: &Source,
) -> Result<ChartPass, Problem> {
    let mut run = Run {
        feeds,
        store,
        chart,
        done: ChartPass::default(),
    };
    let result = match source {
        Source::Url(url) => run.one_file(url.as_str()).await,
        Source::Template(template) => run.template(template).await,
        Source::Dir(dir) => run.directory(dir).await,
    };
    match result {
        Ok(()) => Ok(run.done),
        // Say what did land before the refusal.
        Err(Problem::Refused(why)) if !run.done.new_weeks.is_empty() => Err(Problem::Refused(
            format!("{why} (stored before it: {})", run.done.summary()),
        )),
        Err(problem) => Err(problem),
    }
}

struct Run<'a> {
    feeds: &'a Feeds,
    store: &'a Store,
    chart: Chart,
    done: ChartPass,
}

impl Run<'_> {
    fn who(&self) -> Who {
        Who {
            actor: Actor::Feed(self.chart.slug().to_string()),
            guild_id: None,
        }
    }

    async fn newest(&self) -> Result<Option<NaiveDate>, Problem> {
        Ok(self.store.newest_chart_week(self.chart).await?)
    }

    /// The first week of the look-back: stored weeks from it on are compared again (none,
    /// without a look-back).
    async fn look_back_from(&self) -> Result<Option<NaiveDate>, Problem> {
        let newest = self.newest().await?;
        Ok(match self.feeds.look_back_weeks {
            0 => newest.map(|n| n + Days::new(1)),
            weeks => newest.map(|n| n - Days::new(u64::from(weeks - 1) * 7)),
        })
    }

    async fn one_file(&mut self, url: &str) -> Result<(), Problem> {
        let last = self.store.feed_validators(url).await?;
        match self.feeds.fetcher.get(url, &last).await? {
            Fetched::NotModified | Fetched::NotFound => {
                self.done.unchanged += 1;
                Ok(())
            }
            Fetched::Body {
                bytes,
                html,
                validators,
            } => {
                self.take(url, &bytes, html, None).await?;
                self.store.set_feed_validators(url, &validators).await?;
                Ok(())
            }
        }
    }

    /// The look-back weeks again (each answered 304 unless Billboard changed it), then each
    /// week after the newest until the server has no more.
    async fn template(&mut self, template: &str) -> Result<(), Problem> {
        let newest = self.newest().await?;
        if let (Some(from), Some(newest)) = (self.look_back_from().await?, newest) {
            let mut date = from;
            while date <= newest {
                self.week_at(template, date).await?;
                date = date + Days::new(7);
            }
        }
        let next = newest.map(|n| n + Days::new(7));
        let mut date = match (next, self.feeds.since) {
            (Some(n), Some(s)) => n.max(s),
            (Some(n), None) => n,
            (None, Some(s)) => s,
            (None, None) => {
                return Err(Problem::Failed(format!(
                    "no {} week is stored yet, so there is no next week to ask for: set \
                     KPOP_FACTS_FEED_SINCE to the first week wanted",
                    self.chart.name()
                )));
            }
        };
        for _ in 0..MAX_WEEKS_PER_PASS {
            if !self.week_at(template, date).await? {
                break;
            }
            date = date + Days::new(7);
        }
        Ok(())
    }

    /// Asks for the week of `date`; false once the server says it has none (404).
    async fn week_at(&mut self, template: &str, date: NaiveDate) -> Result<bool, Problem> {
        let url = fill(template, date);
        let last = self.store.feed_validators(&url).await?;
        match self.feeds.fetcher.get(&url, &last).await? {
            Fetched::NotFound => Ok(false),
            Fetched::NotModified => {
                self.done.unchanged += 1;
                Ok(true)
            }
            Fetched::Body {
                bytes,
                html,
                validators,
            } => {
                self.take(&url, &bytes, html, Some(date)).await?;
                self.store.set_feed_validators(&url, &validators).await?;
                Ok(true)
            }
        }
    }

    /// Each file whose name dates it in the look-back or later (and each undated one).
    async fn directory(&mut self, dir: &std::path::Path) -> Result<(), Problem> {
        let files = files_in(dir)
            .map_err(|e| Problem::Failed(format!("reading {}: {e}", dir.display())))?;
        let from = self.look_back_from().await?;
        let mut due: Vec<_> = files
            .into_iter()
            .filter(|(_, date)| match (date, from) {
                (Some(d), Some(from)) => *d >= from,
                _ => true,
            })
            .collect();
        due.sort_by_key(|(path, date)| (*date, path.clone()));
        for (path, date) in due {
            let shown = path.display().to_string();
            let size = std::fs::metadata(&path)
                .map_err(|e| Problem::Failed(format!("{shown}: {e}")))?
                .len();
            if size > self.feeds.fetcher.max_bytes() {
                return Err(Problem::Failed(format!(
                    "{shown} holds more than {} bytes; the feed's limit is KPOP_FACTS_FEED_MAX_BYTES",
                    self.feeds.fetcher.max_bytes()
                )));
            }
            let bytes =
                std::fs::read(&path).map_err(|e| Problem::Failed(format!("{shown}: {e}")))?;
            self.take(&shown, &bytes, false, date).await?;
        }
        Ok(())
    }

    /// Takes in one file: refused whole when it is not a readable chart file, or not the week
    /// `asked` for; then its new weeks are stored and its look-back weeks compared.
    async fn take(
        &mut self,
        origin: &str,
        bytes: &[u8],
        html: bool,
        asked: Option<NaiveDate>,
    ) -> Result<(), Problem> {
        let refused = |why: String| Problem::Refused(format!("{origin}: {why}; nothing changed"));
        let text = std::str::from_utf8(bytes).map_err(|_| refused("not UTF-8 text".into()))?;
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if html || start.starts_with('<') {
            return Err(refused("an HTML page, not a chart file".into()));
        }
        let header = start.lines().next().unwrap_or_default().trim();
        if !billboard::is_header(header) {
            return Err(refused(format!(
                "the first line is not a chart header: `{}`",
                crate::domain::text::truncate(header, 80)
            )));
        }
        let rows = billboard::read_rows(self.chart, bytes).map_err(|e| match e {
            ImportError::Rows(lines) => refused(format!(
                "{} unreadable row(s): {}",
                lines.len(),
                crate::import::describe_errors(&lines, 3).replace('\n', "; ")
            )),
            ImportError::Other(e) => Problem::Failed(e.to_string()),
        })?;
        let mut weeks: BTreeMap<NaiveDate, Vec<&Row>> = BTreeMap::new();
        for row in &rows {
            weeks.entry(row.date).or_default().push(row);
        }
        if let Some(asked) = asked
            && weeks.keys().any(|d| *d != asked)
        {
            let held: Vec<String> = weeks.keys().map(ToString::to_string).collect();
            return Err(refused(format!(
                "it holds the week of {}, not the week of {asked} it was asked for",
                held.join(", ")
            )));
        }
        let from = self.look_back_from().await?;
        let mut newest = self.newest().await?;
        for (date, week) in weeks {
            if newest.is_none_or(|n| date > n) {
                self.add_week(date, &week).await?;
                newest = Some(date);
            } else if from.is_some_and(|f| date >= f) {
                self.compare_week(date, &week).await?;
            }
        }
        Ok(())
    }

    async fn previous_week(&self, date: NaiveDate) -> Result<Vec<StoredRow>, Problem> {
        Ok(self
            .store
            .stored_week(self.chart, date - Days::new(7))
            .await?)
    }

    async fn add_week(&mut self, date: NaiveDate, week: &[&Row]) -> Result<(), Problem> {
        let previous = self.previous_week(date).await?;
        check_week(self.chart, date, week, &previous).map_err(|why| {
            Problem::Refused(format!(
                "the {} week of {date} was refused: {why}; nothing changed",
                self.chart.name()
            ))
        })?;
        let csv = billboard::to_csv(week.iter().copied());
        edits::apply_import(self.store, &self.who(), ImportKind::Chart(self.chart), &csv)
            .await
            .map_err(|e| self.edit_failed(date, e))?;
        tracing::info!(feed = self.chart.slug(), week = %date, "stored a new week");
        self.done.new_weeks.push(date);
        Ok(())
    }

    /// A stored week the feed now reads differently: Billboard corrected it. Replaced whole,
    /// as one change with the stored week as its before.
    async fn compare_week(&mut self, date: NaiveDate, week: &[&Row]) -> Result<(), Problem> {
        let stored = self.store.stored_week(self.chart, date).await?;
        if same_week(&stored, week) {
            return Ok(());
        }
        let previous = self.previous_week(date).await?;
        check_week(self.chart, date, week, &previous).map_err(|why| {
            Problem::Refused(format!(
                "the correction of the {} week of {date} was refused: {why}; nothing changed",
                self.chart.name()
            ))
        })?;
        let csv = billboard::to_csv(week.iter().copied());
        let change = edits::replace_chart_week(self.store, &self.who(), self.chart, date, &csv)
            .await
            .map_err(|e| self.edit_failed(date, e))?;
        if let Some(change) = change {
            tracing::info!(feed = self.chart.slug(), week = %date, change, "corrected a stored week");
            self.done.corrected.push(date);
        }
        Ok(())
    }

    fn edit_failed(&self, date: NaiveDate, e: edits::EditError) -> Problem {
        match e {
            edits::EditError::Other(e) => Problem::Failed(format!(
                "storing the {} week of {date} failed: {e:#}",
                self.chart.name()
            )),
            refused => Problem::Refused(format!(
                "the {} week of {date} was refused: {refused}; nothing changed",
                self.chart.name()
            )),
        }
    }
}

/// Whether the stored rows of a week are the feed's, row for row (titles and credits as
/// their keys, so a change of case is not a correction).
fn same_week(stored: &[StoredRow], week: &[&Row]) -> bool {
    let key = |p: i64, t: &str, c: &str, lw, peak, weeks| {
        (p, title_key(t), credit_key(c), lw, peak, weeks)
    };
    let mut a: Vec<_> = stored
        .iter()
        .map(|s| key(s.0, &s.1, &s.2, s.3, s.4, s.5))
        .collect();
    let mut b: Vec<_> = week
        .iter()
        .map(|r| {
            key(
                r.position,
                &r.title,
                &r.credit,
                r.last_week,
                r.peak,
                r.weeks,
            )
        })
        .collect();
    a.sort();
    b.sort();
    a == b
}
