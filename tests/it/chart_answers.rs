//! Which song `/chart` answers with: what a fan means by a title, never a title swapped without
//! saying so, filters honoured in every script, ambiguous titles named, and titles and acts
//! known by their Korean and Japanese names.
//!
//! The tests over the full history read `$KPOP_FACTS_FULL_DATA` (see `support/full.rs`) and
//! compute what the answer must be from the CSV rows and `data/kpop_acts.csv`; without it they
//! skip. The others use the seed.

use std::collections::{BTreeMap, HashMap, HashSet};

use kpop_facts::app::App;
use kpop_facts::commands::{self, Invocation};
use kpop_facts::domain::chart::Chart;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;

use crate::support::app::{self as test_app, TestApp, ask, field};
use crate::support::full;

/// Lower-case letters and digits, words split by anything else: enough to compare the ASCII
/// titles these tests pick.
fn plain(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.replace('\'', "").to_lowercase())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The title before a `:` subtitle, without bracketed parts.
fn head(title: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split(':').next().unwrap_or("").to_string()
}

struct Act {
    id: String,
    name: String,
    is_kpop: bool,
    hot100: Vec<String>,
    billboard200: Vec<String>,
    aliases: Vec<String>,
}

fn acts() -> Vec<Act> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/kpop_acts.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let list = |s: &str| {
        s.split(" | ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect::<Vec<_>>()
    };
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Act {
                id: r[col("act_id")].to_string(),
                name: r[col("name")].to_string(),
                is_kpop: &r[col("is_kpop")] == "yes",
                hot100: list(&r[col("hot100_credits")]),
                billboard200: list(&r[col("billboard200_credits")]),
                aliases: list(&r[col("aliases")]),
            }
        })
        .collect()
}

impl Act {
    fn credits(&self, chart: Chart) -> &[String] {
        match chart {
            Chart::Hot100 => &self.hot100,
            Chart::Billboard200 => &self.billboard200,
        }
    }
}

/// Every exact credit of a K-pop act on `chart`, with the act's id.
fn kpop_credits(chart: Chart) -> HashMap<String, String> {
    acts()
        .into_iter()
        .filter(|a| a.is_kpop)
        .flat_map(|a| {
            a.credits(chart)
                .iter()
                .map(|c| (c.clone(), a.id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One title under one credit on one chart, as the CSV rows show it.
#[derive(Clone, Debug)]
struct Entry {
    chart: Chart,
    title: String,
    artist: String,
    peak: u32,
    first_date: String,
    first_position: u32,
}

impl Entry {
    fn year(&self) -> &str {
        &self.first_date[..4]
    }
}

/// The entries (title and credit) of `chart` whose rows pass `keep`.
fn entries(full: &full::Full, chart: Chart, keep: impl Fn(&full::ChartRow) -> bool) -> Vec<Entry> {
    let mut out: BTreeMap<(String, String), Entry> = BTreeMap::new();
    for r in full.rows(chart).iter().filter(|r| keep(r)) {
        let e = out
            .entry((r.title.clone(), r.artist.clone()))
            .or_insert_with(|| Entry {
                chart,
                title: r.title.clone(),
                artist: r.artist.clone(),
                peak: r.position,
                first_date: r.chart_date.clone(),
                first_position: r.position,
            });
        e.peak = e.peak.min(r.position);
    }
    out.into_values().collect()
}

fn description(r: &Reply) -> &str {
    r.embeds[0].description.as_deref().unwrap_or("")
}

fn heading(r: &Reply) -> &str {
    r.embeds[0].title.as_deref().unwrap_or("")
}

/// How an answer names an entry beside the one it shows.
fn named(e: &Entry) -> String {
    format!(
        "“{}” — {} ({}, {}, peak No. {})",
        e.title,
        e.artist,
        e.chart.name(),
        e.year(),
        e.peak
    )
}

async fn ask_en(app: &App, q: &str) -> Reply {
    ask(app, q, Locale::En).await
}

#[tokio::test]
async fn five_star_is_the_kpop_album_whatever_the_spelling() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let kpop = kpop_credits(Chart::Billboard200);
    let mut albums = entries(full, Chart::Billboard200, |r| {
        kpop.contains_key(&r.artist) && plain(&head(&r.title)) == "5 star"
    });
    albums.sort_by_key(|e| e.peak);
    let album = albums.first().expect("a K-pop album called 5-Star").clone();
    let songs = entries(full, Chart::Hot100, |r| plain(&r.title) == "5 star");
    assert!(!songs.is_empty(), "the data holds a song called 5 Star");
    for q in [
        "/chart 5-star",
        "/chart 5 star",
        "/chart ★★★★★ (5-STAR)",
        "/chart ★★★★★",
    ] {
        let r = ask_en(&full.app, q).await;
        assert_eq!(
            heading(&r),
            format!("{} — {}", album.title, album.artist),
            "{q}"
        );
        assert_eq!(
            field(&r, "Debut"),
            format!("No. {} · {}", album.first_position, album.first_date),
            "{q}"
        );
        assert!(
            field(&r, "Peak").starts_with(&format!("No. {} ·", album.peak)),
            "{q}"
        );
        for song in &songs {
            assert!(field(&r, "Other matches").contains(&named(song)), "{q}");
        }
    }
}

#[tokio::test]
async fn kpop_albums_are_found_by_their_main_title() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let kpop = kpop_credits(Chart::Billboard200);
    let albums = entries(full, Chart::Billboard200, |r| kpop.contains_key(&r.artist));
    // Main titles that are neither an edition label nor the act's own name.
    let heads: HashSet<String> = albums
        .iter()
        .filter(|e| e.peak <= 10 && e.title.contains(':'))
        .map(|e| plain(&head(&e.title)))
        .filter(|h| {
            !h.is_empty()
                && !h
                    .split(' ')
                    .any(|w| ["album", "ep", "repackage"].contains(&w))
                && !albums.iter().any(|e| plain(&e.artist) == *h)
        })
        .collect();
    assert!(heads.len() >= 10, "{heads:?}");
    for h in heads {
        let best = albums
            .iter()
            .filter(|e| plain(&head(&e.title)) == h)
            .map(|e| e.peak)
            .min()
            .unwrap();
        let r = ask_en(&full.app, &format!("/chart title:\"{h}\"")).await;
        let shown = albums
            .iter()
            .find(|e| heading(&r) == format!("{} — {}", e.title, e.artist))
            .unwrap_or_else(|| panic!("{h}: answered {:?}", heading(&r)));
        assert_eq!(plain(&head(&shown.title)), h);
        assert_eq!(shown.peak, best, "{h}: the biggest run first");
        assert!(!description(&r).contains("Closest"), "{h}");
    }
}

#[tokio::test]
async fn a_title_not_on_the_asked_chart_is_said_and_pointed_to() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let kpop = kpop_credits(Chart::Hot100);
    let albums: HashSet<String> = full
        .rows(Chart::Billboard200)
        .iter()
        .flat_map(|r| [plain(&r.title), plain(&head(&r.title))])
        .collect();
    let songs: Vec<Entry> = entries(full, Chart::Hot100, |r| kpop.contains_key(&r.artist))
        .into_iter()
        .filter(|e| e.peak == 1 && !albums.contains(&plain(&e.title)))
        .collect();
    assert!(
        songs.iter().any(|e| e.title == "Butter"),
        "{songs:?} includes Butter"
    );
    for song in &songs {
        let r = ask_en(
            &full.app,
            &format!("/chart title:\"{}\" chart:billboard-200", song.title),
        )
        .await;
        let text = description(&r);
        assert!(
            text.contains(&format!(
                "No title on the Billboard 200 is called “{}”",
                song.title
            )),
            "{}: {text}",
            song.title
        );
        assert!(text.contains(&named(song)), "{}: {text}", song.title);
        if !r.refusal {
            assert!(text.contains("Closest: "), "{}: {text}", song.title);
            assert!(
                !heading(&r).starts_with(&format!("{} — ", song.title)),
                "{}",
                song.title
            );
        }
    }
    // Butterfly is what the Billboard 200 has closest to "butter": shown, and labelled.
    let r = ask_en(&full.app, "/chart butter chart:billboard-200").await;
    assert!(!r.refusal);
    let closest = &heading(&r)[..heading(&r).find(" — ").unwrap()];
    assert!(
        description(&r).contains(&format!("Closest: “{closest}”")),
        "{}",
        description(&r)
    );
}

#[tokio::test]
async fn filters_are_honoured_in_every_script() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let jungkook = acts().into_iter().find(|a| a.id == "jungkook").unwrap();
    let seven = entries(full, Chart::Hot100, |r| {
        jungkook.hot100.contains(&r.artist) && plain(&r.title) == "seven"
    });
    assert_eq!(seven.len(), 1, "{seven:?}");
    for q in [
        "/chart title:세븐 artist:정국",
        "/chart title:セブン artist:ジョングク",
        "/chart title:seven artist:jungkook",
        "/chart title:Seven artist:\"Jung Kook\" chart:hot-100",
    ] {
        let r = ask_en(&full.app, q).await;
        assert_eq!(
            heading(&r),
            format!("{} — {}", seven[0].title, seven[0].artist),
            "{q}: {}",
            description(&r)
        );
    }

    // Stray Kids have no entry called Maniac: the refusal says so, names the Maniacs there
    // are, and points to Stray Kids' entries.
    let skz = acts().into_iter().find(|a| a.id == "straykids").unwrap();
    let mut maniacs = Vec::new();
    for chart in Chart::ALL {
        maniacs.extend(entries(full, chart, |r| plain(&r.title) == "maniac"));
    }
    assert!(!maniacs.is_empty());
    assert!(
        maniacs
            .iter()
            .all(|e| !skz.credits(e.chart).contains(&e.artist))
    );
    let r = ask_en(&full.app, "/chart maniac artist:\"stray kids\"").await;
    assert!(r.refusal);
    let text = description(&r);
    assert!(
        text.contains(
            "No title by Stray Kids on the Billboard Hot 100 or Billboard 200 is called “maniac”"
        ),
        "{text}"
    );
    assert!(!text.contains("Nothing on the"), "{text}");
    assert!(text.contains("`/artist Stray Kids`"), "{text}");
    for m in &maniacs {
        assert!(text.contains(&m.artist), "{text} names {}", m.artist);
    }
}

#[tokio::test]
async fn nonsense_gets_a_plain_refusal() {
    let t = TestApp::new().await;
    for q in [
        "/chart ???",
        "/chart .",
        "/chart title:\"!!\" chart:hot-100",
        "/chart title:\"★\"",
    ] {
        let r = t.ask(q).await;
        assert!(r.refusal, "{q}");
        let text = description(&r);
        assert!(text.contains("has no letter or digit"), "{q}: {text}");
        assert!(!text.contains("/artist"), "{q}: {text}");
    }
    // A start of an act's name is no reason to send anyone to it.
    let r = t.ask("/chart 세븐틴zz").await;
    assert!(
        !description(&r).contains("/artist SEVENTEEN"),
        "{}",
        description(&r)
    );
}

/// The entries a choice list offers, as "title — credit" heads, in order.
fn offered(choices: &[kpop_facts::reply::json::Choice]) -> Vec<String> {
    choices
        .iter()
        .filter(|c| c.value.starts_with("song:"))
        .map(|c| c.name[..c.name.rfind(" (").unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn ambiguous_titles_name_the_others_and_autocomplete_agrees() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let mut called = Vec::new();
    for chart in Chart::ALL {
        called.extend(entries(full, chart, |r| plain(&r.title) == "seven"));
    }
    let kpop: Vec<&Entry> = called
        .iter()
        .filter(|e| kpop_credits(e.chart).contains_key(&e.artist))
        .collect();
    assert_eq!(kpop.len(), 1, "{kpop:?}");
    assert!(called.len() >= 3, "{called:?}");
    let r = ask_en(&full.app, "/chart seven").await;
    assert_eq!(
        heading(&r),
        format!("{} — {}", kpop[0].title, kpop[0].artist)
    );
    let text = description(&r);
    assert!(text.contains(" entries match “seven”"), "{text}");
    assert!(
        text.contains(&format!("This is {}", named(kpop[0]))),
        "{text}"
    );
    let others = field(&r, "Other matches");
    for e in called.iter().filter(|e| e.artist != kpop[0].artist).take(5) {
        assert!(others.contains(&named(e)), "{others} names {e:?}");
    }

    // Autocomplete offers them in the answer's order.
    let inv = Invocation::new("chart", &[], Locale::En);
    let choices = commands::autocomplete(&full.app, &inv, "title", "seven").await;
    assert!(choices.len() <= 25 && choices.iter().all(|c| c.name.chars().count() <= 100));
    let answer_order: Vec<String> = std::iter::once(heading(&r).to_string())
        .chain(others.lines().filter_map(|l| {
            let l = l.strip_prefix("• “")?;
            let (title, rest) = l.split_once("” — ")?;
            Some(format!("{title} — {}", &rest[..rest.find(" (")?]))
        }))
        .collect();
    let offered = offered(&choices);
    assert_eq!(
        offered[..answer_order.len()],
        answer_order[..],
        "{offered:#?}"
    );
}

#[tokio::test]
async fn every_kpop_top_ten_entry_has_korean_and_japanese_titles() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    let aliases = title_aliases();
    for chart in Chart::ALL {
        let kpop = kpop_credits(chart);
        for e in entries(full, chart, |r| kpop.contains_key(&r.artist)) {
            if e.peak > 10 {
                continue;
            }
            for language in ["ko", "ja"] {
                assert!(
                    aliases.iter().any(|a| a.chart == chart.slug()
                        && a.title == e.title
                        && a.language == language),
                    "no {language} title for {} — {} ({})",
                    e.title,
                    e.artist,
                    chart.slug()
                );
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct TitleAlias {
    chart: String,
    title: String,
    act_id: String,
    alias: String,
    language: String,
    source: String,
}

fn title_aliases() -> Vec<TitleAlias> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/title_aliases.csv");
    csv::Reader::from_path(path)
        .unwrap()
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn every_title_alias_answers_its_entry() {
    let t = TestApp::new().await;
    let acts = acts();
    let aliases = title_aliases();
    assert!(!aliases.is_empty());
    for a in &aliases {
        assert!(!a.source.trim().is_empty(), "{a:?}");
        let chart = Chart::parse(&a.chart).unwrap();
        let act = acts.iter().find(|x| x.id == a.act_id).expect("a known act");
        for q in [
            format!("/chart title:\"{}\" chart:{}", a.alias, a.chart),
            format!("/chart title:\"{}\" artist:\"{}\"", a.alias, act.name),
        ] {
            let r = t.ask(&q).await;
            let (title, credit) = heading(&r)
                .split_once(" — ")
                .unwrap_or_else(|| panic!("{q}: {}", description(&r)));
            assert_eq!(title, a.title, "{q}");
            // A run shows its first credit: "Tame Impala" for the weeks later credited
            // "Tame Impala & JENNIE".
            assert!(
                act.credits(chart).iter().any(|c| c.contains(credit)),
                "{q}: {credit}"
            );
            assert!(!description(&r).contains("Closest"), "{q}");
        }
    }
    // Japanese typed in hiragana, before the input method turns it into katakana.
    let r = t.ask("/chart ばたー").await;
    assert_eq!(heading(&r), "Butter — BTS", "{}", description(&r));
    // Typed a syllable at a time, the Korean name is suggested before it is complete.
    let inv = Invocation::new("chart", &[], Locale::En);
    let choices = commands::autocomplete(&t.app, &inv, "title", "다이너").await;
    assert!(
        offered(&choices).iter().any(|c| c == "Dynamite — BTS"),
        "{choices:?}"
    );
}

#[tokio::test]
async fn acts_are_known_by_their_japanese_and_korean_names() {
    let t = TestApp::new().await;
    let ix = t.app.indexes().await.unwrap();
    for (name, id) in [
        ("ジミン", "jimin"),
        ("ブラックピンク", "blackpink"),
        ("防弾少年団", "bts"),
        ("스키즈", "straykids"),
        ("ジョングク", "jungkook"),
        ("少女時代", "snsd"),
    ] {
        let hits = ix.search.find_acts(name);
        let (m, act) = hits.first().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            (*m, act.row.id.as_str()),
            (kpop_facts::app::search::Match::Exact, id),
            "{name}"
        );
    }
    // Every act has a name in Japanese script, so Japanese fans can type it.
    let japanese = |s: &str| {
        s.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    };
    for a in acts() {
        assert!(a.aliases.iter().any(|x| japanese(x)), "{}", a.name);
    }
}

#[tokio::test]
async fn a_store_seeded_before_gets_the_new_names_on_open() {
    let t = TestApp::new().await;
    // As a store seeded by the first seed was: no title aliases, no names in kana or kanji.
    let pool = &test_app::outside(&t.db_path()).await;
    kpop_facts::on!(&pool, |p| sqlx::query(
        "DELETE FROM aliases WHERE kind = 'title' OR alias IN ('ジミン', '스키즈')"
    )
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    kpop_facts::on!(&pool, |p| sqlx::query(
        "UPDATE meta SET value = '1' WHERE key = 'seed_version'"
    )
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let old = App::open(&t.db_path()).await.unwrap();
    let r = ask_en(&old, "/chart 버터").await;
    assert_eq!(heading(&r), "Butter — BTS", "{}", description(&r));
    let ix = old.indexes().await.unwrap();
    assert_eq!(ix.search.find_acts("스키즈")[0].1.row.id, "straykids");
    assert_eq!(ix.search.find_acts("ジミン")[0].1.row.id, "jimin");
}
