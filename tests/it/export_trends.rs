//! `/exports … period:all`: every full year of a destination or of the world total, checked
//! against `data/exports.csv` itself: values, ranks, changes on one release basis and each
//! year's first three destinations are computed here from the rows.

use std::collections::BTreeSet;

use kpop_facts::commands::{self, Invocation};
use kpop_facts::domain::country::Country;
use kpop_facts::domain::period::Period;
use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;

use crate::support::app::{TestApp, field};
use crate::support::exports_csv::{PRESS, Seed, computed_change, headline};

const PARTS: &str = "Half-years and year-to-date (not in the line)";

fn description(r: &Reply) -> &str {
    r.embeds[0].description.as_deref().unwrap_or("")
}

/// Every field named for the half-years and year-to-date spans, joined.
fn parts(r: &Reply) -> String {
    r.embeds[0]
        .fields
        .iter()
        .filter(|f| f.name.starts_with(PARTS))
        .map(|f| f.value.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The table's line for `year`.
fn year_line(r: &Reply, year: i32) -> &str {
    description(r)
        .lines()
        .find(|l| l.starts_with(&format!("**{year}** · ")))
        .unwrap_or_else(|| panic!("no line for {year} in {}", description(r)))
}

fn full_years(seed: &Seed, country: &str) -> BTreeSet<i32> {
    seed.pairs()
        .into_iter()
        .filter(|(p, c)| c == country && p.len() == 4)
        .filter_map(|(p, _)| p.parse().ok())
        .collect()
}

fn is_png(r: &Reply) -> bool {
    r.attachments.len() == 1 && r.attachments[0].bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

#[tokio::test]
async fn a_destinations_years_show_values_ranks_and_changes_on_one_basis() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let r = t.ask("/exports country:japan period:all").await;
    assert!(!r.refusal, "{}", description(&r));
    assert!(is_png(&r), "{r:#?}");
    assert_eq!(r.embeds[0].title.as_deref(), Some("🇯🇵 Japan · all years"));

    let years = full_years(&seed, "JP");
    assert!(years.len() >= 3, "{years:?}");
    let mut computed = 0;
    for &year in &years {
        let y = year.to_string();
        let line = year_line(&r, year);
        if let Some((value, _)) = seed.current(&y, "JP") {
            assert!(
                line.contains(&format!(" · {} ·", headline(value))),
                "{line}"
            );
        }
        let ranks: BTreeSet<i64> = seed.of(&y, "JP").iter().filter_map(|r| r.rank).collect();
        if let [rank] = ranks.iter().copied().collect::<Vec<_>>().as_slice() {
            assert!(line.contains(&format!("No. {rank}")), "{line}");
        }
        // Consecutive years on one release basis, with no change printed by the press: the
        // change is computed from the two values.
        let before = (year - 1).to_string();
        let Some((value, rows)) = seed.current(&y, "JP") else {
            continue;
        };
        let press_printed = rows.iter().chain(&seed.of(&y, "JP")).any(|r| {
            r.yoy_change_pct.is_some() && !r.disputed() && PRESS.contains(&r.source_kind.as_str())
        });
        let revised = seed.revised(&y, "JP", value);
        if let Some((earlier, _)) = seed.current(&before, "JP")
            && !press_printed
            && seed.revised(&before, "JP", earlier) == revised
            && seed.on_basis(&before, "JP", revised) == Some(earlier)
        {
            let want = computed_change(value, earlier);
            assert!(
                line.contains(&format!(" · {want}")),
                "{year}: want {want} in {line}"
            );
            computed += 1;
        }
    }
    assert!(computed > 0, "no consecutive years on one basis");

    // Half-years are listed below the table, never in it.
    let listed = parts(&r);
    let halves: Vec<(String, i64)> = seed
        .pairs()
        .into_iter()
        .filter(|(p, c)| c == "JP" && p.contains("-H"))
        .filter_map(|(p, _)| Some((p.clone(), seed.current(&p, "JP")?.0)))
        .collect();
    assert!(!halves.is_empty());
    for (p, value) in &halves {
        let shown = Period::parse(p).unwrap().display(Locale::En);
        assert!(
            listed.contains(&format!("{shown} — {}", headline(*value))),
            "{shown}: {listed}"
        );
        assert!(!description(&r).contains(&shown), "{}", description(&r));
    }
    // Cited, like every other answer.
    assert!(!field(&r, "Sources").is_empty());
    let footer = r.embeds[0].footer.as_deref().unwrap_or("");
    assert!(
        footer.starts_with("Source: Korea Customs Service"),
        "{footer}"
    );
}

#[tokio::test]
async fn the_world_total_names_each_years_first_three_destinations() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let r = t.ask("/exports period:all").await;
    assert!(!r.refusal, "{}", description(&r));
    assert!(is_png(&r), "{r:#?}");
    let mut named = 0;
    for year in full_years(&seed, "WORLD") {
        let y = year.to_string();
        let line = year_line(&r, year);
        if let Some((total, _)) = seed.current(&y, "WORLD") {
            assert!(line.contains(&headline(total)), "{line}");
        }
        // Ranked first (by the rank printed), then by value.
        let mut destinations: Vec<(i64, std::cmp::Reverse<i64>, String)> = seed
            .pairs()
            .into_iter()
            .filter(|(p, c)| *p == y && c != "WORLD")
            .filter_map(|(_, c)| {
                let rows = seed.of(&y, &c);
                let rank = rows.iter().filter_map(|r| r.rank).min();
                let value = seed.current(&y, &c).map(|(v, _)| v);
                (rank.is_some() || value.is_some()).then(|| {
                    (
                        rank.unwrap_or(i64::MAX),
                        std::cmp::Reverse(value.unwrap_or(-1)),
                        c,
                    )
                })
            })
            .collect();
        destinations.sort();
        let top: Vec<String> = destinations
            .iter()
            .take(3)
            .map(|(_, _, c)| {
                let c = Country::from_code(c).unwrap();
                format!("{} {}", c.flag(), c.name(Locale::En))
            })
            .collect();
        if top.is_empty() {
            assert!(!line.contains(" — "), "{line}");
        } else {
            assert!(line.ends_with(&format!(" — {}", top.join(", "))), "{line}");
            named += 1;
        }
    }
    assert!(named >= 3, "{named}");
}

#[tokio::test]
async fn every_year_is_asked_for_in_each_language_and_offered_first() {
    let t = TestApp::new().await;
    let english = t.ask("/exports japan all").await;
    for (question, locale, title) in [
        ("/exports japan 전체", Locale::En, "🇯🇵 Japan · all years"),
        (
            "/exports country:일본 period:전체",
            Locale::Ko,
            "🇯🇵 일본 · 전체 기간",
        ),
        (
            "/exports country:japan period:全期間",
            Locale::Ja,
            "🇯🇵 日本 · 全期間",
        ),
    ] {
        let r = t.ask_in(question, locale).await;
        assert!(!r.refusal, "{question}: {}", description(&r));
        assert_eq!(r.embeds[0].title.as_deref(), Some(title), "{question}");
        assert!(is_png(&r), "{question}");
        if locale == Locale::En {
            assert_eq!(r.embeds, english.embeds);
        }
    }
    let world = t.ask_in("/exports period:全期間", Locale::Ja).await;
    assert_eq!(
        world.embeds[0].title.as_deref(),
        Some("K-POPアルバム輸出 · 全期間")
    );

    for (locale, word) in [
        (Locale::En, "All years"),
        (Locale::Ko, "전체 기간"),
        (Locale::Ja, "全期間"),
    ] {
        let inv = Invocation::new("exports", &[("country", "japan")], locale);
        let choices = commands::autocomplete(&t.app, &inv, "period", "").await;
        assert_eq!(choices[0].value, "all", "{choices:?}");
        assert!(
            choices[0].name.starts_with(&format!("{word} · ")),
            "{choices:?}"
        );
        let typed = &word[..word.char_indices().nth(1).unwrap().0];
        let choices = commands::autocomplete(&t.app, &inv, "period", typed).await;
        assert_eq!(
            choices.first().map(|c| c.value.as_str()),
            Some("all"),
            "{typed}"
        );
    }
    // Setting a figure is for one period: the facts commands do not offer every year.
    let inv = Invocation::new("facts set-export", &[], Locale::En);
    let choices = commands::autocomplete(&t.app, &inv, "period", "").await;
    assert!(choices.iter().all(|c| c.value != "all"), "{choices:?}");
}
