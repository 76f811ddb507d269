//! Billboard chart weeks in the format of `hot100.csv` / `billboard200.csv`:
//! `chart_date,position,title,artist,last_week,peak,weeks_on_chart`, or in the public scrape's
//! (`utdata/rwd-billboard-data`): the same columns under other names, `last_week` `-`, empty
//! or `0` for a new entry or a re-entry.
//!
//! Each row is keyed by chart, date, position, title and credit, so importing a file again
//! changes nothing and a newer file adds only its new weeks. Rows are assigned to songs (runs)
//! week by week: a row whose `last_week` points at last week's row with the same title or the
//! same credit continues that run (so renames such as "Soak City (Do It)" → "Soak City" keep
//! their history); otherwise the title and credit keys find an earlier run (a re-entry) or
//! start a new one.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{ImportError, Progress, optional_int, read_csv_with_headers};
use crate::domain::chart::{Chart, CreditMatcher, credit_key, parse_chart_date, title_key};
use crate::domain::source::hides_link;
use crate::domain::text;
use crate::store::{Action, Actor, Change, NewChartRow, NewSong, WriteTx};

pub const HEADER: [&str; 7] = [
    "chart_date",
    "position",
    "title",
    "artist",
    "last_week",
    "peak",
    "weeks_on_chart",
];

/// The public scrape's header (`utdata/rwd-billboard-data`), column for column [`HEADER`].
pub const SCRAPE_HEADER: [&str; 7] = [
    "chart_week",
    "current_week",
    "title",
    "performer",
    "last_week",
    "peak_pos",
    "wks_on_chart",
];

/// Both formats, told apart by the header.
const HEADERS: [&[&str]; 2] = [&HEADER, &SCRAPE_HEADER];

/// Whether `header` (a file's first line) is one a chart file may have.
pub fn is_header(header: &str) -> bool {
    HEADERS.iter().any(|h| header == h.join(","))
}

/// Reads every row of a chart file in either format.
pub fn read_rows(chart: Chart, data: &[u8]) -> Result<Vec<Row>, ImportError> {
    read_csv_with_headers(data, &HEADERS, |r, format, line| {
        let scrape = HEADERS[format] == SCRAPE_HEADER;
        parse_row(r, line, chart.size(), scrape)
    })
}

/// Weeks further apart than this are not consecutive charts, whatever `last_week` says.
const MAX_WEEK_GAP_DAYS: i64 = 13;
/// From this many new rows on, the chart indexes are rebuilt after the load instead of updated.
const BULK_ROWS: usize = 50_000;
/// Below this many rows (a few months of weekly charts), only the runs the file's credits and
/// the week before can meet are read, instead of every run of the chart.
const FEW_ROWS: usize = 5_000;
/// How many warnings the report spells out; the rest are only counted.
const WARNING_SAMPLES: usize = 20;
/// The longest title or credit a row may hold; Billboard's own are far shorter.
const MAX_TEXT: usize = 300;

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BillboardReport {
    pub rows: usize,
    pub added: u64,
    pub unchanged: u64,
    pub weeks: usize,
    pub new_songs: usize,
    pub warnings: usize,
    pub warning_samples: Vec<String>,
}

impl BillboardReport {
    fn warn(&mut self, line: u64, message: String) {
        self.warnings += 1;
        if self.warning_samples.len() < WARNING_SAMPLES {
            self.warning_samples.push(format!("line {line}: {message}"));
        }
    }
}

/// One readable row of a chart file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its line in the file, the header being line 1.
    pub line: u64,
    pub date: NaiveDate,
    pub position: i64,
    pub title: String,
    pub credit: String,
    /// None for a new entry or a re-entry.
    pub last_week: Option<i64>,
    pub peak: Option<i64>,
    pub weeks: Option<i64>,
}

/// `rows` as a file in the project's own format, for an import of just them.
pub fn to_csv<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    // Writing to memory cannot fail.
    let _ = w.write_record(HEADER);
    for r in rows {
        let _ = w.write_record([
            r.date.to_string(),
            r.position.to_string(),
            r.title.clone(),
            r.credit.clone(),
            number(r.last_week),
            number(r.peak),
            number(r.weeks),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// One row; `scrape` rows write a new entry's `last_week` as `-` or `0`.
fn parse_row(r: &csv::StringRecord, line: u64, size: i64, scrape: bool) -> Result<Row, String> {
    let date = parse_chart_date(&r[0])
        .ok_or_else(|| format!("chart_date `{}` is not a YYYY-MM-DD date", &r[0]))?;
    let position = r[1]
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=size).contains(p))
        .ok_or_else(|| format!("position `{}` is not a number from 1 to {size}", &r[1]))?;
    // An empty title or credit is odd (the source lost it) but readable: kept, with a warning.
    let title = shown_text(&r[2], "title")?;
    let credit = shown_text(&r[3], "artist")?;
    let in_range = |v: Option<i64>, what: &str, max: i64| match v {
        Some(n) if !(1..=max).contains(&n) => Err(format!("{what} `{n}` is out of range")),
        _ => Ok(v),
    };
    Ok(Row {
        line,
        date,
        position,
        title: title.to_string(),
        credit: credit.to_string(),
        last_week: in_range(last_week(&r[4], scrape)?, "last_week", size)?,
        peak: in_range(optional_int(&r[5], "peak")?, "peak", size)?,
        weeks: in_range(
            optional_int(&r[6], "weeks_on_chart")?,
            "weeks_on_chart",
            10_000,
        )?,
    })
}

fn last_week(text: &str, scrape: bool) -> Result<Option<i64>, String> {
    match text.trim() {
        "-" | "0" if scrape => Ok(None),
        other => optional_int(other, "last_week"),
    }
}

/// A title or credit as replies show it: bounded, without control characters or bidi
/// overrides, and without link markup.
fn shown_text<'a>(text: &'a str, column: &str) -> Result<&'a str, String> {
    let text = text.trim();
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if text.chars().count() > MAX_TEXT {
        Err(format!("{column} is longer than {MAX_TEXT} characters"))
    } else if text.chars().any(|c| c.is_control() || bidi(c)) {
        Err(format!("{column} holds control characters"))
    } else if hides_link(text) {
        Err(format!(
            "{column} hides a link behind words ([words](address))"
        ))
    } else {
        Ok(text)
    }
}

/// The run identities known so far.
#[derive(Default)]
struct Runs {
    keys_of: HashMap<i64, (String, String)>,
    by_keys: HashMap<(String, String), i64>,
    /// The whole title's key (version suffix kept) and the credit key → the latest run under
    /// them: "Encanto (Highlights)" re-enters its own run, not "Encanto"'s.
    by_title: HashMap<(String, String), i64>,
    /// Each run's latest whole-title key.
    whole_of: HashMap<i64, String>,
    /// Credit key → runs under it, newest last.
    by_credit: HashMap<String, Vec<i64>>,
    next_id: i64,
    new: Vec<NewSong>,
}

impl Runs {
    /// Records that `song` charted under these keys; an empty `whole_title` records no title.
    fn remember(&mut self, song: i64, keys: (String, String), whole_title: &str) {
        if !whole_title.is_empty()
            && self.whole_of.get(&song).map(String::as_str) != Some(whole_title)
        {
            self.by_title
                .insert((whole_title.to_string(), keys.1.clone()), song);
            self.whole_of.insert(song, whole_title.to_string());
        }
        // Most weeks repeat last week's keys; skip the map writes then.
        if self.keys_of.get(&song) == Some(&keys) && self.by_keys.get(&keys) == Some(&song) {
            return;
        }
        let runs = self.by_credit.entry(keys.1.clone()).or_default();
        runs.retain(|s| *s != song);
        runs.push(song);
        self.by_keys.insert(keys.clone(), song);
        self.keys_of.insert(song, keys);
    }

    /// The run a re-entry continues: the same whole title and credit, else the same title
    /// without its version suffix, else the latest run by the same credit whose title starts
    /// like this one ("Ate: Mini Album (EP)" → "ATE (EP)").
    fn re_entry_of(&self, keys: &(String, String), whole_title: &str) -> Option<i64> {
        if let Some(s) = self
            .by_title
            .get(&(whole_title.to_string(), keys.1.clone()))
        {
            return Some(*s);
        }
        if let Some(s) = self.by_keys.get(keys) {
            return Some(*s);
        }
        let title = &keys.0;
        self.by_credit
            .get(&keys.1)?
            .iter()
            .rev()
            .copied()
            .find(|s| {
                let other = &self.keys_of[s].0;
                !title.is_empty()
                    && !other.is_empty()
                    && (other.starts_with(title.as_str()) || title.starts_with(other.as_str()))
            })
    }

    fn create(&mut self, title: &str, credit: &str, keys: &(String, String)) -> i64 {
        self.next_id += 1;
        self.new.push(NewSong {
            id: self.next_id,
            title: title.to_string(),
            credit: credit.to_string(),
            title_key: keys.0.clone(),
            credit_key: keys.1.clone(),
        });
        self.next_id
    }
}

/// Title and credit keys, computed once per distinct string: a full chart file repeats each
/// title and credit for every week it charts.
#[derive(Default)]
struct KeyCache {
    titles: HashMap<String, String>,
    whole_titles: HashMap<String, String>,
    credits: HashMap<String, String>,
}

impl KeyCache {
    /// The key of the whole title, version suffix and all.
    fn whole_title(&mut self, title: &str) -> String {
        match self.whole_titles.get(title) {
            Some(k) => k.clone(),
            None => self
                .whole_titles
                .entry(title.to_string())
                .or_insert_with(|| text::key(title))
                .clone(),
        }
    }

    fn keys(&mut self, title: &str, credit: &str) -> (String, String) {
        let t = match self.titles.get(title) {
            Some(k) => k.clone(),
            None => self
                .titles
                .entry(title.to_string())
                .or_insert_with(|| title_key(title))
                .clone(),
        };
        let c = match self.credits.get(credit) {
            Some(k) => k.clone(),
            None => self
                .credits
                .entry(credit.to_string())
                .or_insert_with(|| credit_key(credit))
                .clone(),
        };
        (t, c)
    }
}

/// One chart week as the next week's `last_week` links see it.
struct PreviousWeek {
    date: NaiveDate,
    songs: HashMap<i64, i64>,
}

/// The chart weeks a file has rows for, each with its number of rows, or the file's
/// unreadable lines.
pub fn weeks(chart: Chart, data: &[u8]) -> Result<Vec<(NaiveDate, usize)>, ImportError> {
    let rows = read_rows(chart, data)?;
    let mut dates: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    dates.sort_unstable();
    Ok(dates
        .chunk_by(|a, b| a == b)
        .map(|week| (week[0], week.len()))
        .collect())
}

/// Imports one chart file within `tx`. Unreadable rows abort with every bad line listed.
/// Which run each row belongs to is decided first, from the file and what the store holds
/// ([`assign_runs`]); the rows and runs are written after.
pub async fn import(
    tx: &mut WriteTx,
    chart: Chart,
    data: &[u8],
    actor: &Actor,
    progress: &dyn Progress,
) -> Result<BillboardReport, ImportError> {
    let started = std::time::Instant::now();
    let mut rows = read_rows(chart, data)?;
    tracing::debug!(elapsed = ?started.elapsed(), "parsed");
    rows.sort_by_key(|r| (r.date, r.position));
    let mut report = BillboardReport {
        rows: rows.len(),
        ..BillboardReport::default()
    };
    progress.start(rows.len() as u64 * 2);

    let known = Known::read(tx, chart, &rows).await?;
    let assigned = assign_runs(chart, &rows, known, &mut report, |n| progress.advance(n));
    tracing::debug!(elapsed = ?started.elapsed(), "runs assigned");
    write(tx, chart, &assigned, &mut report, progress).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "written");
    tx.audit(Change {
        actor,
        guild_id: None,
        action: Action::ImportBillboard,
        target: format!("chart:{chart}"),
        before: None,
        after: Some(serde_json::json!({
            "rows": report.rows, "added": report.added, "unchanged": report.unchanged,
            "warnings": report.warnings, "new_songs": report.new_songs,
        })),
        undoes: None,
        batch: None,
    })
    .await?;
    Ok(report)
}

/// What the store already holds that run assignment reads: the chart's runs, the stored rows
/// of the weeks the file repeats, and the stored week before the file's first.
struct Known {
    runs: Runs,
    keys: KeyCache,
    /// `(position, title, credit) → song` for each week of the file already stored.
    stored_weeks: HashMap<NaiveDate, HashMap<(i64, String, String), i64>>,
    previous: Option<PreviousWeek>,
}

impl Known {
    async fn read(tx: &mut WriteTx, chart: Chart, rows: &[Row]) -> anyhow::Result<Known> {
        let previous = match rows.first() {
            Some(first) => previous_stored_week(tx, chart, first.date).await?,
            None => None,
        };
        let mut keys = KeyCache::default();
        let runs = if rows.len() < FEW_ROWS {
            // Every lookup of run assignment is by a row's credit key, or by a song of the
            // week before: reading those runs alone gives the same answers.
            let credits: Vec<String> = rows
                .iter()
                .map(|r| keys.keys(&r.title, &r.credit).1)
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let linked: Vec<i64> = previous
                .iter()
                .flat_map(|p| p.songs.values().copied())
                .collect();
            let songs = tx.song_keys_among(chart, &credits, &linked).await?;
            let ids: Vec<i64> = songs.iter().map(|s| s.0).collect();
            let titles = tx.song_titles_of(&ids).await?;
            known_runs(tx, songs, titles, &mut keys).await?
        } else {
            let songs = tx.song_keys(chart).await?;
            let titles = tx.song_titles(chart).await?;
            known_runs(tx, songs, titles, &mut keys).await?
        };
        // A long file asks once which of its weeks are stored; a short one asks for each week.
        let stored_dates: Option<HashSet<String>> = if rows.len() < FEW_ROWS {
            None
        } else {
            Some(tx.chart_dates(chart).await?.into_iter().collect())
        };
        let mut stored_weeks = HashMap::new();
        for week in rows.chunk_by(|a, b| a.date == b.date) {
            let date = week[0].date.to_string();
            if stored_dates.as_ref().is_some_and(|d| !d.contains(&date)) {
                continue;
            }
            let stored = tx.week_rows(chart, &date).await?;
            if !stored.is_empty() {
                stored_weeks.insert(
                    week[0].date,
                    stored
                        .into_iter()
                        .map(|(p, t, c, s)| ((p, t, c), s))
                        .collect(),
                );
            }
        }
        Ok(Known {
            runs,
            keys,
            stored_weeks,
            previous,
        })
    }
}

/// The runs as assignment sees them, from their keys and every title each has charted under
/// (most recently charted last).
async fn known_runs(
    tx: &mut WriteTx,
    songs: Vec<(i64, String, String)>,
    titles: Vec<(i64, String)>,
    keys: &mut KeyCache,
) -> anyhow::Result<Runs> {
    let mut runs = Runs {
        next_id: tx.max_song_id().await?,
        ..Runs::default()
    };
    for (id, tk, ck) in songs {
        runs.remember(id, (tk, ck), "");
    }
    for (id, title) in titles {
        let whole = keys.whole_title(&title);
        let song_keys = runs.keys_of[&id].clone();
        runs.remember(id, song_keys, &whole);
    }
    Ok(runs)
}

/// The file's rows with their runs decided, and the runs to create.
struct Assigned {
    rows: Vec<NewChartRow>,
    new_songs: Vec<NewSong>,
}

/// Decides which run each row (sorted by date and position) belongs to: the stored row's run
/// for a week already stored, else the run last week's position links to, else an earlier
/// run it re-enters, else a new run. `done` hears how many rows each week held.
fn assign_runs(
    chart: Chart,
    rows: &[Row],
    known: Known,
    report: &mut BillboardReport,
    mut done: impl FnMut(u64),
) -> Assigned {
    let Known {
        mut runs,
        mut keys,
        stored_weeks,
        mut previous,
    } = known;
    let none = HashMap::new();
    let mut out: Vec<NewChartRow> = Vec::with_capacity(rows.len());
    for week in rows.chunk_by(|a, b| a.date == b.date) {
        let date = week[0].date;
        let stored = stored_weeks.get(&date).unwrap_or(&none);
        let linkable = previous
            .as_ref()
            .filter(|p| (date - p.date).num_days() <= MAX_WEEK_GAP_DAYS);
        let mut week_runs = WeekRuns {
            chart,
            date_s: date.to_string(),
            stored,
            linkable,
            songs_now: stored.iter().map(|((p, _, _), s)| (*p, *s)).collect(),
        };
        let mut seen_in_week: HashSet<(i64, &str, &str)> = HashSet::with_capacity(week.len());
        for row in week {
            if !seen_in_week.insert((row.position, &row.title, &row.credit)) {
                report.warn(
                    row.line,
                    format!(
                        "{} #{} repeats an earlier row",
                        week_runs.date_s, row.position
                    ),
                );
                continue;
            }
            if let Some(new) = week_runs.assign(row, &mut runs, &mut keys, report) {
                out.push(new);
            }
        }
        report.weeks += 1;
        done(week.len() as u64);
        previous = Some(PreviousWeek {
            date,
            songs: week_runs.songs_now,
        });
    }
    Assigned {
        rows: out,
        new_songs: runs.new,
    }
}

/// One chart week while its rows are assigned to runs.
struct WeekRuns<'a> {
    chart: Chart,
    date_s: String,
    stored: &'a HashMap<(i64, String, String), i64>,
    /// The week before, when close enough for `last_week` to link to it.
    linkable: Option<&'a PreviousWeek>,
    /// Position → run, this week.
    songs_now: HashMap<i64, i64>,
}

impl WeekRuns<'_> {
    /// Decides `row`'s run; returns the row to insert, None when the week is stored already.
    fn assign(
        &mut self,
        row: &Row,
        runs: &mut Runs,
        key_cache: &mut KeyCache,
        report: &mut BillboardReport,
    ) -> Option<NewChartRow> {
        self.warn_oddities(row, report);
        let keys = key_cache.keys(&row.title, &row.credit);
        let whole = key_cache.whole_title(&row.title);
        // Only weeks already in the store need the owned key.
        let stored_song = if self.stored.is_empty() {
            None
        } else {
            self.stored
                .get(&(row.position, row.title.clone(), row.credit.clone()))
                .copied()
        };
        let song = match stored_song {
            Some(song) => song,
            None => {
                let linked = self.linked(row, runs, &keys, report);
                // Billboard counts a debut as week 1: that is a new run even when an older one
                // had the same title and credit. Anything later without a link is a re-entry.
                let debut = row.last_week.is_none() && row.weeks == Some(1);
                let earlier = if debut {
                    None
                } else {
                    runs.re_entry_of(&keys, &whole)
                };
                match linked.or(earlier) {
                    Some(s) => s,
                    None => runs.create(&row.title, &row.credit, &keys),
                }
            }
        };
        runs.remember(song, keys, &whole);
        self.songs_now.insert(row.position, song);
        if stored_song.is_some() {
            return None;
        }
        Some(NewChartRow {
            chart_date: self.date_s.clone(),
            position: row.position,
            title: row.title.clone(),
            credit: row.credit.clone(),
            last_week: row.last_week,
            peak: row.peak,
            weeks_on_chart: row.weeks,
            song_id: song,
        })
    }

    /// Readable but odd rows: an empty title or artist, a peak below the position.
    fn warn_oddities(&self, row: &Row, report: &mut BillboardReport) {
        let date_s = &self.date_s;
        if row.title.is_empty() || row.credit.is_empty() {
            report.warn(
                row.line,
                format!(
                    "{date_s} #{}: the title or the artist is empty",
                    row.position
                ),
            );
        }
        if row.peak.is_some_and(|p| p > row.position) {
            report.warn(
                row.line,
                format!(
                    "{date_s} #{}: peak {} is below the position",
                    row.position,
                    row.peak.unwrap_or_default()
                ),
            );
        }
    }

    /// The run `row`'s `last_week` position held the week before, when it is the same title
    /// or credit.
    fn linked(
        &self,
        row: &Row,
        runs: &Runs,
        keys: &(String, String),
        report: &mut BillboardReport,
    ) -> Option<i64> {
        let (lw, prev) = (row.last_week?, self.linkable?);
        let date_s = &self.date_s;
        match prev.songs.get(&lw) {
            Some(s) => {
                let k = &runs.keys_of[s];
                if k.0 == keys.0 || k.1 == keys.1 {
                    Some(*s)
                } else {
                    report.warn(
                        row.line,
                        format!(
                            "{date_s} #{}: last week #{lw} was another title",
                            row.position
                        ),
                    );
                    None
                }
            }
            None if prev.songs.len() as i64 >= self.chart.size() * 9 / 10 => {
                report.warn(
                    row.line,
                    format!(
                        "{date_s} #{}: last week #{lw} is not on the previous chart",
                        row.position
                    ),
                );
                None
            }
            None => None,
        }
    }
}

/// Writes the assigned rows and new runs, then refreshes the runs' totals and act links.
async fn write(
    tx: &mut WriteTx,
    chart: Chart,
    assigned: &Assigned,
    report: &mut BillboardReport,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let out = &assigned.rows;
    report.new_songs = assigned.new_songs.len();
    tx.insert_songs(chart, &assigned.new_songs).await?;
    let suspended = if out.len() >= BULK_ROWS {
        tx.suspend_chart_indexes().await?
    } else {
        Vec::new()
    };
    for batch in out.chunks(20_000) {
        tx.insert_chart_rows(chart, batch).await?;
        progress.advance(batch.len() as u64);
    }
    report.added = out.len() as u64;
    progress.advance((report.rows - out.len()) as u64);
    if !suspended.is_empty() {
        tx.restore_chart_indexes(suspended).await?;
    }
    report.unchanged = report.rows as u64 - report.added;
    if report.added > 0 {
        let mut touched: Vec<i64> = out
            .iter()
            .map(|r| r.song_id)
            .collect::<HashSet<i64>>()
            .into_iter()
            .collect();
        touched.sort_unstable();
        tx.refresh_song_stats(&touched).await?;
        link_acts(tx, out).await?;
    }
    Ok(())
}

/// The newest stored week before `date`, for the first imported week's `last_week` links.
async fn previous_stored_week(
    tx: &mut WriteTx,
    chart: Chart,
    date: NaiveDate,
) -> anyhow::Result<Option<PreviousWeek>> {
    let prev = tx.week_before(chart, &date.to_string()).await?;
    let Some(prev) = prev.and_then(|d| parse_chart_date(&d)) else {
        return Ok(None);
    };
    let rows = tx.week_rows(chart, &prev.to_string()).await?;
    Ok(Some(PreviousWeek {
        date: prev,
        songs: rows.into_iter().map(|(p, _, _, s)| (p, s)).collect(),
    }))
}

/// Links the songs of `rows` to the acts their credits name.
async fn link_acts(tx: &mut WriteTx, rows: &[NewChartRow]) -> anyhow::Result<()> {
    let matcher = CreditMatcher::new(tx.act_tokens().await?);
    let mut by_credit: HashMap<&str, Vec<(String, NaiveDate)>> = HashMap::new();
    let mut links: HashSet<(i64, String)> = HashSet::new();
    for r in rows {
        let candidates = by_credit
            .entry(&r.credit)
            .or_insert_with(|| matcher.candidates(&r.credit));
        let date = parse_chart_date(&r.chart_date).expect("validated on import");
        for (act, since) in candidates.iter() {
            if date >= *since {
                links.insert((r.song_id, act.clone()));
            }
        }
    }
    let links: Vec<(i64, String)> = links.into_iter().collect();
    tx.link_song_acts(&links).await
}
