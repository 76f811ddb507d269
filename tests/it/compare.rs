//! `/compare first second [chart]`: two acts, titles, destinations or periods side by side.
//! Expected figures are computed here from the chart CSVs and the exact credits of
//! `kpop_acts.csv` (the seed's, or the full history's with `KPOP_FACTS_FULL_DATA`), and from
//! `data/exports.csv`, never from the bot.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kpop_facts::app::App;
use kpop_facts::discord::{self, Secret, Settings, ShardRange, Sharding};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::support::app::{TestApp, ask, field, shown};
use crate::support::exports_csv::{Seed, headline};
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::full::{self, ChartRow};

const REPO_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
const WAIT: Duration = Duration::from_secs(5);

/// An act of `kpop_acts.csv`: its name and the credits it charted under on each chart, from
/// its first date.
struct Act {
    name: String,
    since: String,
    hot100: HashSet<String>,
    b200: HashSet<String>,
}

impl Act {
    fn credited(&self, chart: Chart, row: &ChartRow) -> bool {
        let credits = match chart {
            Chart::Hot100 => &self.hot100,
            Chart::Billboard200 => &self.b200,
        };
        row.chart_date >= self.since && credits.contains(&row.artist)
    }
}

fn read_acts(path: &Path) -> Vec<Act> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
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
            Act {
                name: r[col("name")].to_string(),
                since: r[col("min_chart_date")].to_string(),
                hot100: list(&r[col("hot100_credits")]),
                b200: list(&r[col("billboard200_credits")]),
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

/// The seed's act list and chart files.
fn seed() -> (Vec<Act>, [Vec<ChartRow>; 2]) {
    let data = Path::new(REPO_DATA);
    (
        read_acts(&data.join("kpop_acts.csv")),
        [
            read_rows(&data.join("hot100-kpop.csv")),
            read_rows(&data.join("billboard200-kpop.csv")),
        ],
    )
}

/// A title as runs are matched on a re-entry: folded, without its parentheses ("(EP)").
fn title_key(title: &str) -> String {
    let mut depth = 0;
    let mut out = String::new();
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            c if depth == 0 && c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// What `/compare` should say about one act on one chart, from its credited rows grouped into
/// entries: a row continues the entry of the row at its `last_week` position the week before
/// (whatever it was called then); a debut (week 1) starts one; anything else is a re-entry of
/// an earlier entry of the same title, or one whose title starts like it.
fn expected_lines(act: &Act, chart: Chart, rows: &[ChartRow]) -> Expected {
    let credited: Vec<&ChartRow> = rows.iter().filter(|r| act.credited(chart, r)).collect();
    // Per entry: its first title, key, best position with the first date there, and credit.
    let mut entries: Vec<(String, String, u32, String, String)> = Vec::new();
    let mut at: HashMap<(String, u32), usize> = HashMap::new();
    for r in &credited {
        let date = chrono::NaiveDate::parse_from_str(&r.chart_date, "%Y-%m-%d").unwrap();
        let before = (date - chrono::Days::new(7)).to_string();
        let key = title_key(&r.title);
        // A debut (Billboard's week 1) is a new entry, whatever came before.
        let debut = r.last_week.is_none() && r.weeks_on_chart == Some(1);
        let re_entry = || {
            if debut {
                return None;
            }
            entries.iter().position(|e| e.1 == key).or_else(|| {
                // Under a shorter or longer title ("Ate: Mini Album (EP)" → "ATE (EP)"): the
                // latest entry by the same credit whose title starts like this one.
                entries.iter().rposition(|e| {
                    e.4 == r.artist
                        && !key.is_empty()
                        && (e.1.starts_with(&key) || key.starts_with(&e.1))
                })
            })
        };
        let i = r
            .last_week
            .and_then(|lw| at.get(&(before, lw)).copied())
            .or_else(re_entry)
            .unwrap_or_else(|| {
                entries.push((
                    r.title.clone(),
                    key,
                    u32::MAX,
                    String::new(),
                    r.artist.clone(),
                ));
                entries.len() - 1
            });
        at.insert((r.chart_date.clone(), r.position), i);
        let e = &mut entries[i];
        if r.position < e.2 {
            (e.2, e.3) = (r.position, r.chart_date.clone());
        }
    }
    let best = entries.iter().map(|e| e.2).min();
    let at_best: Vec<&(String, String, u32, String, String)> =
        entries.iter().filter(|e| Some(e.2) == best).collect();
    let first = at_best.iter().min_by_key(|e| &e.3);
    Expected {
        entries: entries.len(),
        ones: entries.iter().filter(|e| e.2 == 1).count(),
        top10: entries.iter().filter(|e| e.2 <= 10).count(),
        weeks: credited.len(),
        best: first.map(|e| (e.2, e.0.clone(), e.3.clone(), at_best.len() - 1)),
    }
}

struct Expected {
    entries: usize,
    ones: usize,
    top10: usize,
    weeks: usize,
    /// Position, title, first date there, and how many other entries reached it.
    best: Option<(u32, String, String, usize)>,
}

fn best_line(name: &str, e: &Expected) -> String {
    match &e.best {
        None => format!("Best peak, {name}: no entries"),
        Some((p, title, date, 0)) => {
            format!("Best peak, {name}: No. {p} — {title}, first reached on {date}")
        }
        Some((p, title, date, more)) => format!(
            "Best peak, {name}: No. {p} — {title}, first reached on {date} (and {more} more at No. {p})"
        ),
    }
}

/// Compares each act with the next in the list and checks every line of both charts' fields.
async fn check_acts(app: &App, acts: &[Act], rows: &[&[ChartRow]; 2]) -> usize {
    let mut checked = 0;
    for pair in acts.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let r = ask(
            app,
            &format!("/compare \"{}\" \"{}\"", a.name, b.name),
            Locale::En,
        )
        .await;
        assert!(!r.refusal, "{} vs {}: {}", a.name, b.name, shown(&r));
        for (chart, rows) in Chart::ALL.into_iter().zip(rows) {
            let (ea, eb) = (
                expected_lines(a, chart, rows),
                expected_lines(b, chart, rows),
            );
            let count = |label: &str, x: usize, y: usize| {
                format!("{label}: {} **{x}** · {} **{y}**", a.name, b.name)
            };
            let want = [
                count("Entries", ea.entries, eb.entries),
                count("No. 1s", ea.ones, eb.ones),
                count("Top 10s", ea.top10, eb.top10),
                count("Chart weeks", ea.weeks, eb.weeks),
                best_line(&a.name, &ea),
                best_line(&b.name, &eb),
            ]
            .join("\n");
            assert_eq!(
                field(&r, chart.name()),
                want,
                "{} vs {} on the {}",
                a.name,
                b.name,
                chart.name()
            );
            checked += 1;
        }
        let footer = r.embeds[0].footer.as_deref().unwrap_or_default();
        assert!(
            footer.starts_with("Source: Billboard Hot 100 and Billboard 200, charts up to ")
                && footer.contains("credit names each act"),
            "{footer}"
        );
    }
    checked
}

#[tokio::test]
async fn two_acts_side_by_side_count_their_credited_weeks() {
    let t = TestApp::new().await;
    let (acts, [hot100, b200]) = seed();
    let by_name = |n: &str| acts.iter().find(|a| a.name == n).unwrap();
    // BTS and BLACKPINK first, then every act of the list against the next.
    let pair = [clone_act(by_name("BTS")), clone_act(by_name("BLACKPINK"))];
    assert_eq!(check_acts(&t.app, &pair, &[&hot100, &b200]).await, 2);
    assert_eq!(
        check_acts(&t.app, &acts, &[&hot100, &b200]).await,
        2 * (acts.len() - 1)
    );

    // `chart` keeps one chart; Hangul names read as the acts they name.
    let r = t
        .ask_in(
            "/compare 방탄소년단 블랙핑크 chart:billboard-200",
            Locale::Ko,
        )
        .await;
    let names: Vec<&str> = r.embeds[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Billboard 200"]);
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("BTS (방탄소년단) vs BLACKPINK (블랙핑크)")
    );
    let b = expected_lines(by_name("BTS"), Chart::Billboard200, &b200);
    assert!(
        field(&r, "Billboard 200").contains(&format!("1위: BTS **{}** · ", b.ones)),
        "{}",
        field(&r, "Billboard 200")
    );
}

fn clone_act(a: &Act) -> Act {
    Act {
        name: a.name.clone(),
        since: a.since.clone(),
        hot100: a.hot100.clone(),
        b200: a.b200.clone(),
    }
}

#[tokio::test]
async fn two_acts_side_by_side_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let acts = read_acts(&full.dir.join("kpop_acts.csv"));
    let rows = [full.rows(Chart::Hot100), full.rows(Chart::Billboard200)];
    assert!(check_acts(&full.app, &acts, &rows).await > 0);
    // Destinations that are also titles outside K-pop ("Japan", Famous Dex) are destinations.
    let r = ask(&full.app, "/compare japan china", Locale::En).await;
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("🇯🇵 Japan vs 🇨🇳 China · all years"),
        "{}",
        shown(&r)
    );
}

/// A title's run on `chart` from its rows: debut, peak (first date), weeks at peak, weeks,
/// the longest stretch without a week off and its first and last dates.
fn run_of(rows: &[ChartRow], title: &str, artist: &str) -> Vec<String> {
    let run: Vec<&ChartRow> = rows
        .iter()
        .filter(|r| r.title == title && r.artist == artist)
        .collect();
    assert!(!run.is_empty(), "{title} — {artist}");
    let peak = run.iter().map(|r| r.position).min().unwrap();
    let peak_date = &run.iter().find(|r| r.position == peak).unwrap().chart_date;
    let at_peak = run.iter().filter(|r| r.position == peak).count();
    let (mut best, mut start) = ((0, 0, 0), 0);
    for (i, r) in run.iter().enumerate() {
        if i > 0 && r.last_week.is_none() {
            start = i;
        }
        if i - start + 1 > best.0 {
            best = (i - start + 1, start, i);
        }
    }
    let plural = |n: usize| if n == 1 { "week" } else { "weeks" };
    let mut lines = vec![
        format!("Debut: No. {} · {}", run[0].position, run[0].chart_date),
        format!(
            "Peak: No. {peak} · first on {peak_date} · {at_peak} {} at peak",
            plural(at_peak)
        ),
        format!("Weeks on chart: {}", run.len()),
        format!(
            "Longest streak: {} {} in a row, {} to {}",
            best.0,
            plural(best.0),
            run[best.1].chart_date,
            run[best.2].chart_date
        ),
    ];
    let ones = run.iter().filter(|r| r.position == 1).count();
    if ones > 0 {
        lines.push(format!("Weeks at No. 1: {ones}"));
    }
    lines
}

fn is_png(r: &Reply) -> bool {
    r.attachments.len() == 1 && r.attachments[0].bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

#[tokio::test]
async fn two_titles_are_overlaid_in_a_picture_with_a_table_of_their_runs() {
    let t = TestApp::new().await;
    let (_, [hot100, b200]) = seed();
    for (question, sides) in [
        (
            "/compare dynamite \"how you like that\"",
            [
                ("Dynamite", "BTS", "Hot 100", &hot100),
                ("How You Like That", "BLACKPINK", "Hot 100", &hot100),
            ],
        ),
        (
            "/compare \"like crazy\" vs seven chart:hot-100",
            [
                ("Like Crazy", "Jimin", "Hot 100", &hot100),
                ("Seven", "Jung Kook Featuring Latto", "Hot 100", &hot100),
            ],
        ),
    ] {
        let r = t.ask(question).await;
        assert!(!r.refusal, "{question}: {}", shown(&r));
        assert!(is_png(&r), "{question}: one picture");
        assert_eq!(
            r.embeds[0].image.as_deref(),
            Some(r.attachments[0].filename.as_str())
        );
        for (i, (title, artist, chart, rows)) in sides.iter().enumerate() {
            let name = format!("{}. {title} — {artist} ({chart})", i + 1);
            assert_eq!(
                field(&r, &name),
                run_of(rows, title, artist).join("\n"),
                "{question}"
            );
        }
        let footer = r.embeds[0].footer.as_deref().unwrap();
        assert!(
            footer.starts_with("Source: Billboard Hot 100, charts dated "),
            "{footer}"
        );
    }
    // Albums too, and the picture's labels follow the asker's language.
    let album = b200
        .iter()
        .find(|r| r.artist == "Stray Kids")
        .map(|r| r.title.clone())
        .unwrap();
    let other = b200
        .iter()
        .find(|r| r.artist == "TWICE")
        .map(|r| r.title.clone())
        .unwrap();
    let question = format!("/compare \"{album}\" \"{other}\" chart:billboard-200");
    let en = t.ask(&question).await;
    let ko = t.ask_in(&question, Locale::Ko).await;
    assert!(is_png(&en) && is_png(&ko), "{}", shown(&en));
    assert_ne!(en.attachments[0].bytes, ko.attachments[0].bytes);
    let name = format!("1. {album} — Stray Kids (B200)");
    assert_eq!(
        field(&en, &name),
        run_of(&b200, &album, "Stray Kids").join("\n")
    );
}

#[tokio::test]
async fn two_destinations_show_every_year_of_both_with_a_picture() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let r = t.ask("/compare japan usa").await;
    assert!(!r.refusal, "{}", shown(&r));
    assert!(is_png(&r));
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("🇯🇵 Japan vs 🇺🇸 United States · all years")
    );
    let description = r.embeds[0].description.as_deref().unwrap();
    let years: BTreeSet<String> = seed
        .pairs()
        .into_iter()
        .filter(|(p, c)| p.len() == 4 && (c == "JP" || c == "US"))
        .map(|(p, _)| p)
        .collect();
    assert!(years.len() >= 3, "{years:?}");
    for year in &years {
        let line = description
            .lines()
            .find(|l| l.starts_with(&format!("**{year}** · ")))
            .unwrap_or_else(|| panic!("no line for {year}: {description}"));
        // Japan's value, then the United States'.
        let at = |country: &str| {
            seed.current(year, country)
                .map(|(v, _)| line.find(&headline(v)).unwrap_or_else(|| panic!("{line}")))
        };
        if let (Some(jp), Some(us)) = (at("JP"), at("US")) {
            assert!(jp < us, "{line}");
        }
    }
    assert!(
        field(&r, "Sources").contains("]("),
        "{}",
        field(&r, "Sources")
    );
    assert!(
        r.embeds[0]
            .footer
            .as_deref()
            .unwrap()
            .starts_with("Source: Korea Customs Service · "),
    );
    // Korean and Japanese names read too, in either language.
    let ko = t.ask_in("/compare 일본 미국", Locale::Ko).await;
    assert_eq!(
        ko.embeds[0].title.as_deref(),
        Some("🇯🇵 일본 vs 🇺🇸 미국 · 전체 기간")
    );
}

#[tokio::test]
async fn two_periods_are_the_exports_comparison() {
    let t = TestApp::new().await;
    for locale in Locale::ALL {
        for (compare, exports) in [
            ("/compare 2022 2023", "/exports 2022 vs 2023"),
            ("/compare 2023 2022", "/exports 2023 vs 2022"),
            ("/compare 2023-H1 2025-H1", "/exports 2023-H1 vs 2025-H1"),
        ] {
            let a = t.ask_in(compare, locale).await;
            assert!(!a.refusal, "{compare}: {}", shown(&a));
            assert_eq!(a, t.ask_in(exports, locale).await, "{compare} {locale:?}");
        }
    }
    // A period without figures is refused as `/exports` refuses it.
    let a = t.ask("/compare 2022 1999").await;
    assert!(a.refusal);
    assert_eq!(shown(&a), shown(&t.ask("/exports 2022 vs 1999").await));
}

#[tokio::test]
async fn two_kinds_are_refused_naming_how_each_was_read() {
    let t = TestApp::new().await;
    let cases = [
        (
            Locale::En,
            "/compare bts japan",
            &[
                "“bts” reads as an act (BTS)",
                "“japan” as a destination (Japan)",
            ][..],
        ),
        (
            Locale::En,
            "/compare dynamite 2023",
            &[
                "a title (Dynamite — BTS, Billboard Hot 100)",
                "a period (2023)",
            ],
        ),
        (
            Locale::Ko,
            "/compare 방탄소년단 일본",
            &["아티스트(BTS)", "수출 대상국(일본)"],
        ),
        (
            Locale::Ja,
            "/compare twice 2023",
            &["アーティスト（TWICE）", "期間（2023年）"],
        ),
        (
            Locale::En,
            "/compare bts bts",
            &["Both sides read as an act (BTS)"],
        ),
        (
            Locale::En,
            "/compare qqxzzv bts",
            &["“qqxzzv” is not an act, a title"],
        ),
        // Suggestions where the look-ups have them.
        (
            Locale::En,
            "/compare bts dynamitee",
            &["“dynamitee” is not", "Closest: Dynamite — BTS"],
        ),
    ];
    for (locale, question, parts) in cases {
        let r = t.ask_in(question, locale).await;
        assert!(r.refusal && r.ephemeral, "{question}: {r:?}");
        let text = r.embeds[0].description.as_deref().unwrap_or_default();
        for part in parts {
            assert!(text.contains(part), "{question}: {text}");
        }
        assert!(!text.contains("compare."), "{question}: {text}");
    }
    let r = t.ask("/compare \"stray kids\" vs").await;
    assert!(
        r.refusal && shown(&r).contains("double quotes"),
        "{}",
        shown(&r)
    );
}

#[tokio::test]
async fn names_with_spaces_are_quoted_or_split_at_vs() {
    let t = TestApp::new().await;
    let want = Some("Stray Kids (스트레이 키즈) vs TWICE (트와이스)");
    for question in [
        "/compare \"stray kids\" twice",
        "/compare stray kids vs twice",
        "/compare first:\"stray kids\" second:twice",
        "/compare second:twice \"stray kids\"",
    ] {
        let r = t.ask(question).await;
        assert_eq!(
            r.embeds[0].title.as_deref(),
            want,
            "{question}: {}",
            shown(&r)
        );
    }
    let r = t.ask("/compare stray kids twice").await;
    assert!(r.refusal && shown(&r).contains("/compare \\\"stray kids\\\" twice"));
}

#[tokio::test]
async fn compare_is_registered_and_answers_through_the_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let app = Arc::new(
        App::open(&crate::support::db::at(dir.path()))
            .await
            .unwrap(),
    );
    let settings = Settings {
        token: Secret::new(fake.config().token.clone()),
        api_base_url: Some(fake.base_url()),
        guild_id: None,
        application_id: None,
        modlog_channel: None,
        cooldowns: false,
        feeds: None,
        sharding: Sharding::Fixed(ShardRange::all(1)),
    };
    let (stop, rx) = watch::channel(false);
    let bot = tokio::spawn(discord::run(settings, app, rx));
    assert!(fake.wait_ready(WAIT).await, "the bot connected");
    assert!(
        fake.wait_until(WAIT, |f| f
            .registered_commands(None)
            .iter()
            .any(|c| c["name"] == "compare"))
            .await
    );
    let registered = fake.registered_commands(None);
    let command = registered.iter().find(|c| c["name"] == "compare").unwrap();
    assert_eq!(command["name_localizations"]["ko"], "비교");
    assert_eq!(command["contexts"], json!([0, 1]));
    let options: Vec<(&str, bool)> = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["required"] == true))
        .collect();
    assert_eq!(
        options,
        [("first", true), ("second", true), ("chart", false)]
    );

    let (body, files) = answer(
        &fake,
        fake.slash("compare")
            .option("first", "dynamite")
            .option("second", "butter")
            .build(),
    )
    .await;
    assert!(
        body.get("flags").is_none_or(Value::is_null),
        "public: {body}"
    );
    assert_eq!(body["embeds"][0]["title"], "Dynamite vs Butter");
    assert_eq!(body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(files, 1, "the overlay picture");

    let (body, _) = answer(
        &fake,
        fake.slash("compare")
            .option("first", "BTS")
            .option("second", "japan")
            .build(),
    )
    .await;
    assert_eq!(body["flags"], 64, "a refusal is private: {body}");

    // Both options suggest acts, destinations and titles while they are typed.
    let sent = fake
        .dispatch(
            fake.autocomplete("compare")
                .option("first", "bts")
                .focused("second", 3, "jap")
                .build(),
        )
        .await;
    let r = fake.wait_response(sent.id, WAIT).await.unwrap();
    assert_eq!(r.kind, 8);
    let values: Vec<&str> = r
        .choices()
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert!(values.contains(&"JP"), "{values:?}");

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, bot)
        .await
        .expect("stopped in time")
        .unwrap()
        .expect("a clean shutdown");
}

/// The message the bot answered `payload` with, at once or after deferring, and its files.
async fn answer(fake: &FakeDiscord, payload: Value) -> (Value, usize) {
    let sent = fake.dispatch(payload).await;
    let r = fake
        .wait_response(sent.id, WAIT)
        .await
        .expect("the bot answered");
    if r.kind == 4 {
        return (r.data().clone(), r.files.len());
    }
    assert_eq!(r.kind, 5, "{:?}", r.body);
    assert!(
        fake.wait_until(WAIT, |f| !f.webhook_writes(sent.id).is_empty())
            .await,
        "the deferred answer was delivered"
    );
    let write = fake.webhook_writes(sent.id).remove(0);
    let mut body = write.body.clone();
    body["flags"] = r.data()["flags"].clone();
    (body, write.files.len())
}
