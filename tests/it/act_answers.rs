//! What `/artist` says about acts, checked against the chart CSVs: credited weeks
//! only, the fields fans quote first, and members' entries (milestones: `milestones.rs`).
//!
//! Each check runs on the seed (the K-pop runs in `data/`) and, with `KPOP_FACTS_FULL_DATA`,
//! on the full history too. Expected values are computed here from the CSV rows and the credit
//! lists of `kpop_acts.csv` (the exact artist strings each act charted under), never from the
//! bot.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use kpop_facts::app::App;
use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::{Reply, limits};

use crate::support::app::{self as test_app, TestApp};
use crate::support::full::{self, ChartRow};

pub(crate) const REPO_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

/// One row of `kpop_acts.csv`, the columns these tests read.
pub(crate) struct ActCsv {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    min_date: String,
    hot100: HashSet<String>,
    b200: HashSet<String>,
    member_of: Option<String>,
}

impl ActCsv {
    fn credits(&self, chart: Chart) -> &HashSet<String> {
        match chart {
            Chart::Hot100 => &self.hot100,
            Chart::Billboard200 => &self.b200,
        }
    }

    /// Whether this row's credit names the act.
    fn credited(&self, chart: Chart, row: &ChartRow) -> bool {
        row.chart_date >= self.min_date && self.credits(chart).contains(&row.artist)
    }
}

fn read_acts(path: &Path) -> Vec<ActCsv> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let list = |s: &str| -> HashSet<String> {
        s.split(" | ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let get = |name: &str| r[col(name).unwrap()].to_string();
            ActCsv {
                id: get("act_id"),
                name: get("name"),
                kind: get("type"),
                min_date: get("min_chart_date"),
                hot100: list(&get("hot100_credits")),
                b200: list(&get("billboard200_credits")),
                member_of: col("member_of").map(|i| r[i].to_string()),
            }
        })
        .collect()
}

fn read_rows(path: &Path) -> Vec<ChartRow> {
    csv::Reader::from_path(path)
        .unwrap()
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

/// The chart rows a test reads (the seed's or the full history's), with each act's credited
/// rows found once.
pub(crate) struct Data<'a> {
    pub(crate) app: &'a App,
    pub(crate) acts: Vec<ActCsv>,
    hot100: &'a [ChartRow],
    b200: &'a [ChartRow],
    /// Per (act, chart): the indexes of the rows whose credit names the act.
    credited: HashMap<(String, Chart), Vec<usize>>,
    /// Per chart: each date's first row, dates in order.
    dates: HashMap<Chart, Vec<(&'a str, usize)>>,
}

impl<'a> Data<'a> {
    fn new(app: &'a App, acts: Vec<ActCsv>, hot100: &'a [ChartRow], b200: &'a [ChartRow]) -> Self {
        let mut data = Data {
            app,
            acts,
            hot100,
            b200,
            credited: HashMap::new(),
            dates: HashMap::new(),
        };
        for chart in Chart::ALL {
            let rows = data.rows(chart);
            let mut by_credit: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, act) in data.acts.iter().enumerate() {
                for credit in act.credits(chart) {
                    by_credit.entry(credit.as_str()).or_default().push(i);
                }
            }
            let mut credited: HashMap<(String, Chart), Vec<usize>> = HashMap::new();
            let mut dates: Vec<(&'a str, usize)> = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                if dates.last().is_none_or(|(d, _)| *d != r.chart_date) {
                    dates.push((r.chart_date.as_str(), i));
                }
                for &a in by_credit.get(r.artist.as_str()).into_iter().flatten() {
                    let act = &data.acts[a];
                    if act.credited(chart, r) {
                        credited.entry((act.id.clone(), chart)).or_default().push(i);
                    }
                }
            }
            data.credited.extend(credited);
            data.dates.insert(chart, dates);
        }
        data
    }

    pub(crate) fn rows(&self, chart: Chart) -> &'a [ChartRow] {
        match chart {
            Chart::Hot100 => self.hot100,
            Chart::Billboard200 => self.b200,
        }
    }

    pub(crate) fn act(&self, id: &str) -> &ActCsv {
        self.acts.iter().find(|a| a.id == id).unwrap()
    }

    /// The rows whose credit names `act`.
    pub(crate) fn credited(&self, act: &ActCsv, chart: Chart) -> Vec<&'a ChartRow> {
        let rows = self.rows(chart);
        self.credited
            .get(&(act.id.clone(), chart))
            .into_iter()
            .flatten()
            .map(|&i| &rows[i])
            .collect()
    }

    /// Weeks where `act` joined a run that was on the chart the week before without it:
    /// `(title, date, credited weeks of that run from then on, best position from then on)`.
    fn joins(&self, act: &ActCsv, chart: Chart) -> Vec<(String, String, usize, u32)> {
        let rows = self.rows(chart);
        let dates = &self.dates[&chart];
        let credited = self.credited(act, chart);
        let mut out = Vec::new();
        for r in &credited {
            let Some(lw) = r.last_week else { continue };
            let d = dates
                .binary_search_by(|(date, _)| (*date).cmp(r.chart_date.as_str()))
                .unwrap();
            if d == 0 {
                continue;
            }
            let (previous, start) = dates[d - 1];
            let before = rows[start..]
                .iter()
                .take_while(|p| p.chart_date == previous)
                .find(|p| p.position == lw);
            if before.is_some_and(|p| !act.credited(chart, p)) {
                let after: Vec<&&ChartRow> = credited
                    .iter()
                    .filter(|x| {
                        x.title.eq_ignore_ascii_case(&r.title) && x.chart_date >= r.chart_date
                    })
                    .collect();
                let best = after.iter().map(|x| x.position).min().unwrap();
                out.push((r.title.clone(), r.chart_date.clone(), after.len(), best));
            }
        }
        out
    }
}

pub(crate) async fn seed_data(t: &TestApp) -> Data<'_> {
    static HOT100: std::sync::OnceLock<Vec<ChartRow>> = std::sync::OnceLock::new();
    static B200: std::sync::OnceLock<Vec<ChartRow>> = std::sync::OnceLock::new();
    let data = Path::new(REPO_DATA);
    Data::new(
        &t.app,
        read_acts(&data.join("kpop_acts.csv")),
        HOT100.get_or_init(|| read_rows(&data.join("hot100-kpop.csv"))),
        B200.get_or_init(|| read_rows(&data.join("billboard200-kpop.csv"))),
    )
}

pub(crate) fn full_data(full: &'static full::Full) -> Data<'static> {
    Data::new(
        &full.app,
        // The act list and its credit columns as published with the data.
        read_acts(&full.dir.join("kpop_acts.csv")),
        full.rows(Chart::Hot100),
        full.rows(Chart::Billboard200),
    )
}

fn caller(locale: Locale) -> Caller {
    Caller {
        user_id: Some(77),
        locale,
        ..Caller::default()
    }
}

pub(crate) async fn artist(app: &App, options: &[(&str, &str)], locale: Locale) -> Reply {
    let inv = Invocation::new("artist", options, locale);
    commands::respond(app, &inv, &caller(locale)).await
}

/// Every page of an `/artist` answer, turned with its own ▶ button.
async fn all_pages(app: &App, options: &[(&str, &str)]) -> Vec<Reply> {
    let mut pages = vec![artist(app, options, Locale::En).await];
    loop {
        let next = pages.last().unwrap().components.iter().find_map(|row| {
            row.buttons
                .iter()
                .find(|b| b.label == "▶" && !b.disabled)
                .map(|b| b.custom_id.clone())
        });
        let Some(id) = next else { break };
        let page = commands::respond_component(app, &id, &[], &caller(Locale::En)).await;
        assert!(!page.refusal, "{id}: {page:?}");
        pages.push(page);
        assert!(pages.len() < 50, "pages never end");
    }
    pages
}

/// A reply's fields as `(name, value)`.
pub(crate) fn fields(reply: &Reply) -> Vec<(&str, &str)> {
    reply.embeds[0]
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect()
}

pub(crate) fn field_named<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    fields(reply)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Every line an answer shows (description and field values).
pub(crate) fn lines(reply: &Reply) -> Vec<String> {
    let e = &reply.embeds[0];
    e.description
        .iter()
        .map(String::as_str)
        .chain(e.fields.iter().map(|f| f.value.as_str()))
        .flat_map(str::lines)
        .map(str::to_string)
        .collect()
}

/// The answer needs nothing cut to fit Discord: every limit holds before `limits::fit`.
fn assert_within_limits(reply: &Reply, what: &str) {
    let e = &reply.embeds[0];
    assert!(
        limits::total(&reply.embeds) <= limits::TOTAL,
        "{what}: too long"
    );
    assert!(e.fields.len() <= limits::FIELDS, "{what}: too many fields");
    for f in &e.fields {
        assert!(
            f.value.chars().count() <= limits::FIELD_VALUE && !f.value.is_empty(),
            "{what}: field {} is {} characters",
            f.name,
            f.value.chars().count()
        );
    }
    for row in &reply.components {
        for b in &row.buttons {
            assert!(
                b.custom_id.len() <= limits::CUSTOM_ID,
                "{what}: {}",
                b.custom_id
            );
        }
    }
}

fn short(chart: Chart) -> &'static str {
    match chart {
        Chart::Hot100 => "Hot 100",
        Chart::Billboard200 => "B200",
    }
}

// ── 6. Credited weeks only ────────────────────────────────────────────────────────────────

async fn check_credited_weeks(data: &Data<'_>) -> usize {
    let mut joins_seen = 0;
    for act in data.acts.iter() {
        let reply = artist(data.app, &[("name", &act.name)], Locale::En).await;
        assert!(!reply.refusal, "{}: {reply:?}", act.name);
        for chart in Chart::ALL {
            let rows = data.credited(act, chart);
            if rows.is_empty() {
                assert!(field_named(&reply, chart.name()).is_none(), "{}", act.name);
                continue;
            }
            let summary = field_named(&reply, chart.name())
                .unwrap_or_else(|| panic!("{}: no {} field", act.name, chart.name()));
            assert!(
                summary.contains(&format!(" · {} chart weeks", rows.len())),
                "{} on the {}: {} credited weeks expected in {summary:?}",
                act.name,
                chart.name(),
                rows.len()
            );
        }
        let joins: Vec<(Chart, String, String, usize, u32)> = Chart::ALL
            .into_iter()
            .flat_map(|c| {
                data.joins(act, c)
                    .into_iter()
                    .map(move |(t, d, w, p)| (c, t, d, w, p))
            })
            .collect();
        let shown: Vec<String> = all_pages(data.app, &[("name", &act.name)])
            .await
            .iter()
            .flat_map(lines)
            .collect();
        for (chart, title, date, weeks, peak) in &joins {
            let joined = format!("joined the credit on {date}");
            let line = shown
                .iter()
                .find(|l| l.contains(title.as_str()) && l.contains(&joined))
                .unwrap_or_else(|| panic!("{}: no line says {title} {joined}", act.name));
            // The entry's weeks and peak are those from the week it joined.
            let counted = [
                format!("No. {peak} · {weeks} week"),
                format!("`#{peak:<3}` {title} ({}", short(*chart)),
            ];
            assert!(
                counted.iter().any(|c| line.contains(c.as_str())),
                "{}: {line:?} should show peak {peak} and {weeks} weeks",
                act.name
            );
            if !line.starts_with('`') {
                assert!(line.contains(&format!("{weeks} week")), "{line}");
            } else {
                assert!(line.contains(&format!("· {weeks} wk")), "{line}");
            }
            let chart_reply = test_app::ask(
                data.app,
                &format!(
                    "/chart title:\"{title}\" artist:\"{}\" chart:{}",
                    act.name,
                    chart.slug()
                ),
                Locale::En,
            )
            .await;
            let credit = field_named(&chart_reply, "Credit").unwrap_or_default();
            assert!(
                credit.contains(&format!("{} {joined}: {weeks} of", act.name)),
                "/chart {title}: {credit:?}"
            );
        }
        // No other entry is said to have been joined, and a joined week is never a debut.
        for l in shown.iter().filter(|l| l.contains("joined the credit on")) {
            assert!(
                joins
                    .iter()
                    .any(|(_, t, d, _, _)| l.contains(t.as_str()) && l.contains(d.as_str())),
                "{}: {l:?} is no join",
                act.name
            );
            assert!(!l.contains("debut"), "{l}");
        }
        joins_seen += joins.len();
    }
    joins_seen
}

#[tokio::test]
async fn an_acts_weeks_and_peaks_count_only_the_weeks_that_credit_it() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    // JENNIE joined "Dracula" in the seed's data too.
    assert!(check_credited_weeks(&data).await >= 1);
}

#[tokio::test]
async fn an_acts_weeks_and_peaks_count_only_the_weeks_that_credit_it_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let data = full_data(full);
    assert!(check_credited_weeks(&data).await >= 1);
}

// ── 7. What fans quote first ──────────────────────────────────────────────────────────────

/// `(chart, lower-cased title)` of the act's entries whose credited best is in `range`.
fn entries_peaking(
    data: &Data<'_>,
    act: &ActCsv,
    charts: &[Chart],
    range: std::ops::RangeInclusive<u32>,
) -> BTreeSet<(&'static str, String)> {
    let mut best: HashMap<(Chart, String), u32> = HashMap::new();
    for &chart in charts {
        for r in data.credited(act, chart) {
            let b = best.entry((chart, r.title.to_lowercase())).or_insert(999);
            *b = (*b).min(r.position);
        }
    }
    best.into_iter()
        .filter(|(_, p)| range.contains(p))
        .map(|((c, t), _)| (short(c), t))
        .collect()
}

/// `(chart, lower-cased title)` of the "• Title (Chart, year) · …" lines of a field.
fn listed(value: &str) -> BTreeSet<(&'static str, String)> {
    value
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("• ")?;
            for chart in Chart::ALL {
                let marker = format!(" ({}, ", short(chart));
                if let Some(i) = rest.rfind(&marker) {
                    return Some((short(chart), rest[..i].to_lowercase()));
                }
            }
            None
        })
        .collect()
}

/// The peak and year of each line of the paged list: "`#5  ` Title (Hot 100, 2026) · 3 wk".
fn list_lines(value: &str) -> Vec<(u32, i32)> {
    value
        .lines()
        .filter_map(|l| {
            let peak = l
                .strip_prefix("`#")?
                .split('`')
                .next()?
                .trim()
                .parse()
                .ok()?;
            let year = l.rsplit_once(", ")?.1.get(..4)?.parse().ok()?;
            Some((peak, year))
        })
        .collect()
}

async fn check_fan_fields(data: &Data<'_>) {
    for act in &data.acts {
        for (filter, charts) in [
            (None, &Chart::ALL[..]),
            (Some(Chart::Hot100), &[Chart::Hot100][..]),
            (Some(Chart::Billboard200), &[Chart::Billboard200][..]),
        ] {
            let mut options = vec![("name", act.name.as_str())];
            if let Some(c) = filter {
                options.push(("chart", c.slug()));
            }
            let reply = artist(data.app, &options, Locale::En).await;
            let what = format!("{} {filter:?}", act.name);
            assert_within_limits(&reply, &what);
            let names: Vec<&str> = fields(&reply).into_iter().map(|(n, _)| n).collect();
            // The counts and best peak of each chart come first, then the No. 1s and top 10s.
            let mut expected_lead: Vec<&str> = charts
                .iter()
                .filter(|c| !data.credited(act, **c).is_empty())
                .map(|c| c.name())
                .collect();
            let ones = entries_peaking(data, act, charts, 1..=1);
            let top10 = entries_peaking(data, act, charts, 2..=10);
            if !ones.is_empty() {
                expected_lead.push("No. 1s");
            }
            if !top10.is_empty() {
                expected_lead.push(if ones.is_empty() {
                    "Top 10s"
                } else {
                    "Other top 10s"
                });
            }
            assert_eq!(&names[..expected_lead.len()], expected_lead, "{what}");
            for chart in charts {
                let Some(best) = data.credited(act, *chart).iter().map(|r| r.position).min() else {
                    continue;
                };
                let summary = field_named(&reply, chart.name()).unwrap();
                assert!(
                    summary.contains(&format!("\nBest peak: No. {best} — ")),
                    "{what}: best No. {best} expected in {summary:?}"
                );
            }
            assert_eq!(
                listed(field_named(&reply, "No. 1s").unwrap_or_default()),
                ones,
                "{what}"
            );
            let top10_field = field_named(&reply, "Top 10s")
                .or(field_named(&reply, "Other top 10s"))
                .unwrap_or_default();
            assert_eq!(listed(top10_field), top10, "{what}");
            if filter.is_some() {
                let other = Chart::ALL.into_iter().find(|c| Some(*c) != filter).unwrap();
                assert!(!names.contains(&other.name()), "{what}");
                assert!(
                    !lines(&reply)
                        .iter()
                        .any(|l| l.contains(&format!("({}, ", short(other)))),
                    "{what}"
                );
            }
            // "Latest" is the latest week on the chart, and says so.
            let latest = charts
                .iter()
                .flat_map(|c| data.credited(act, *c))
                .map(|r| r.chart_date.clone())
                .max();
            match latest {
                Some(date) => {
                    let value = field_named(&reply, "Latest week on chart").unwrap();
                    assert!(value.contains(&format!(" on {date}")), "{what}: {value}");
                }
                None => assert!(field_named(&reply, "Latest week on chart").is_none()),
            }
        }
        // The rest, in the order asked for, every page of it.
        for (order, label) in [
            ("newest", "newest first"),
            ("best", "best first"),
            ("oldest", "oldest first"),
        ] {
            let pages = all_pages(data.app, &[("name", &act.name), ("order", order)]).await;
            let mut listed_rest: Vec<(u32, i32)> = Vec::new();
            for (i, page) in pages.iter().enumerate() {
                assert_within_limits(page, &format!("{} {order} page {i}", act.name));
                let Some((name, value)) = fields(page)
                    .into_iter()
                    .find(|(n, _)| n.starts_with("Outside the top 10"))
                else {
                    continue;
                };
                assert!(
                    name.contains(label) && name.ends_with(&format!("({}/{})", i + 1, pages.len())),
                    "{name}"
                );
                listed_rest.extend(list_lines(value));
            }
            assert!(listed_rest.iter().all(|(p, _)| *p > 10), "{}", act.name);
            let sorted = |key: fn(&(u32, i32)) -> i64| {
                listed_rest.windows(2).all(|w| key(&w[0]) <= key(&w[1]))
            };
            let in_order = match order {
                "newest" => sorted(|e| -i64::from(e.1)),
                "best" => sorted(|e| i64::from(e.0)),
                _ => sorted(|e| i64::from(e.1)),
            };
            assert!(in_order, "{} {order}: {listed_rest:?}", act.name);
        }
    }
}

#[tokio::test]
async fn artist_leads_with_number_ones_top_tens_and_best_peaks() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    check_fan_fields(&data).await;
    // Options are checked like any other: an unknown order is refused with the choices.
    let r = test_app::ask(data.app, "/artist BTS order:sideways", Locale::En).await;
    assert!(r.refusal && test_app::shown(&r).contains("newest, best, oldest"));
    let r = test_app::ask(data.app, "/artist BTS chart:top-40", Locale::En).await;
    assert!(r.refusal);
    // Page buttons sent before the chart and order options still turn.
    let old =
        commands::respond_component(data.app, "page:artist:bts:1:77", &[], &caller(Locale::En))
            .await;
    assert!(
        old.update && fields(&old).iter().any(|(n, _)| n.ends_with("(2/4)")),
        "{old:?}"
    );
}

#[tokio::test]
async fn artist_leads_with_number_ones_top_tens_and_best_peaks_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    check_fan_fields(&full_data(full)).await;
}

#[tokio::test]
async fn artist_options_are_registered_in_three_languages() {
    let all = commands::spec::registration();
    let artist = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "artist")
        .unwrap();
    let options = artist["options"].as_array().unwrap();
    let names: Vec<&str> = options
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["name", "chart", "order"]);
    for o in &options[1..] {
        for tag in ["ko", "ja"] {
            assert!(o["name_localizations"][tag].is_string(), "{o}");
            assert!(o["description_localizations"][tag].is_string(), "{o}");
        }
    }
    let orders = &options[2]["choices"];
    assert_eq!(orders[0]["value"], "newest");
    assert_eq!(orders[0]["name_localizations"]["ko"], "최신순");
}

// ── 8. Members' own entries ───────────────────────────────────────────────────────────────

#[test]
fn member_of_names_the_group_of_each_member_as_the_last_column() {
    let path = Path::new(REPO_DATA).join("kpop_acts.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().next_back(),
        Some("member_of")
    );
    let acts = read_acts(&path);
    let by_name: HashMap<&str, &str> = acts
        .iter()
        .map(|a| (a.name.as_str(), a.id.as_str()))
        .collect();
    let member = regex::Regex::new(r"\((.+) member\)").unwrap();
    let mut members = 0;
    for a in &acts {
        let expected: Vec<&str> = member
            .captures(&a.kind)
            .and_then(|c| by_name.get(c.get(1).unwrap().as_str()).copied())
            .into_iter()
            .collect();
        let got: Vec<&str> = a
            .member_of
            .as_deref()
            .unwrap()
            .split(" | ")
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(got, expected, "{}", a.id);
        members += got.len();
    }
    assert!(members >= 15);
}

async fn check_members(data: &Data<'_>) {
    let repo = read_acts(&Path::new(REPO_DATA).join("kpop_acts.csv"));
    let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &repo {
        for g in a
            .member_of
            .as_deref()
            .unwrap()
            .split(" | ")
            .filter(|s| !s.is_empty())
        {
            groups.entry(g).or_default().push(&a.id);
        }
    }
    for (group_id, members) in &groups {
        let group = data.act(group_id);
        let reply = artist(data.app, &[("name", &group.name)], Locale::En).await;
        let section = field_named(&reply, "Members' own entries").unwrap_or_default();
        for member_id in members {
            let member = data.act(member_id);
            // Runs of the member's that do not credit the group.
            let mut own: Vec<(Chart, &ChartRow)> = Vec::new();
            for chart in Chart::ALL {
                own.extend(
                    data.credited(member, chart)
                        .into_iter()
                        .filter(|r| !group.credited(chart, r))
                        .map(|r| (chart, r)),
                );
            }
            let line = section
                .lines()
                .find(|l| l.starts_with(&format!("• {}: ", member.name)));
            let Some(best) = own.iter().map(|(_, r)| r.position).min() else {
                assert!(line.is_none(), "{section}");
                continue;
            };
            let line = line.unwrap_or_else(|| panic!("{}: no line in {section:?}", member.name));
            let ones: BTreeSet<(&str, &str)> = own
                .iter()
                .filter(|(_, r)| r.position == 1)
                .map(|(c, r)| (short(*c), r.title.as_str()))
                .collect();
            if ones.is_empty() {
                assert!(line.contains(&format!("best No. {best} (")), "{line}");
            } else {
                assert!(
                    line.contains(&format!("· {} No. 1 · ", ones.len())),
                    "{line}"
                );
                for (chart, title) in ones {
                    assert!(line.contains(&format!("{title} ({chart})")), "{line}");
                }
            }
            // The member's answer leads back to the group.
            let own_answer = artist(data.app, &[("name", &member.name)], Locale::En).await;
            let d = own_answer.embeds[0].description.clone().unwrap_or_default();
            assert!(
                d.contains(&format!("Member of {}", group.name))
                    && d.contains(&format!("`/artist {}`", group.name)),
                "{d}"
            );
        }
    }
    // An act that belongs to no group says nothing of the kind.
    let r = artist(data.app, &[("name", "PSY")], Locale::En).await;
    assert!(r.embeds[0].description.is_none());
    assert!(field_named(&r, "Members' own entries").is_none());
}

#[tokio::test]
async fn a_group_lists_its_members_own_entries_and_a_member_names_the_group() {
    let t = TestApp::new().await;
    check_members(&seed_data(&t).await).await;
    let r = artist(&t.app, &[("name", "지민")], Locale::Ko).await;
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .unwrap()
            .contains("BTS 멤버"),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_group_lists_its_members_own_entries_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    check_members(&full_data(full)).await;
}

#[tokio::test]
async fn a_store_seeded_before_member_of_learns_the_groups_and_keeps_its_edits() {
    let t = TestApp::new().await;
    let pool = test_app::outside(&t.db_path()).await;
    // As a store seeded by the previous version, where a moderator removed an alias.
    let who = kpop_facts::edits::Who {
        actor: kpop_facts::store::Actor::Cli,
        guild_id: None,
    };
    kpop_facts::edits::remove_alias(
        t.app.store(),
        &who,
        kpop_facts::store::AliasKind::Act,
        "Bangtan Boys",
    )
    .await
    .unwrap();
    for q in [
        "DELETE FROM act_members",
        "UPDATE meta SET value = '1' WHERE key = 'seed_version'",
    ] {
        kpop_facts::on!(&pool, |p| sqlx::query(q)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
    }
    let again = App::open(&t.db_path()).await.unwrap();
    let r = artist(&again, &[("name", "Jimin")], Locale::En).await;
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .is_some_and(|d| d.contains("Member of BTS")),
        "{r:?}"
    );
    let removed: i64 = kpop_facts::on!(again.store().readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM aliases WHERE alias = 'Bangtan Boys'"
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!(removed, 0);
    assert_eq!(
        again.store().meta("seed_version").await.unwrap().as_deref(),
        Some(kpop_facts::import::seed::SEED_VERSION)
    );
}
