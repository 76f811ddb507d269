//! `/exports` answers checked against `data/exports.csv` itself: for every figure of the seed,
//! the cited source, its confirmations, weakly sourced and approximate figures, changes, shares
//! and periods are what the curation rules give, computed here from the rows.

use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::domain::country::Country;
use kpop_facts::domain::period::Period;
use kpop_facts::i18n::Locale;
use kpop_facts::import::exports;
use kpop_facts::reply::{Reply, text};
use kpop_facts::store::Actor;

use crate::support::app::{TestApp, field, shown};
use crate::support::exports_csv::{
    KINDS, PRESS, Row, Seed, WEAK, best, computed_change, exact, headline, share, sources,
    year_before,
};

fn description(r: &Reply) -> &str {
    r.embeds[0].description.as_deref().unwrap_or("")
}

/// The answer about one destination (or, for WORLD, the period's ranking).
async fn answer(t: &TestApp, period: &str, country: &str) -> Reply {
    let q = if country == "WORLD" {
        format!("/exports period:{period}")
    } else {
        format!("/exports country:{country} period:{period}")
    };
    let r = t.ask(&q).await;
    assert!(!r.refusal, "{q}: {}", description(&r));
    r
}

fn en(period: &str) -> String {
    Period::parse(period).unwrap().display(Locale::En)
}

fn link(r: &Row) -> String {
    format!("[{}]({})", r.publisher, r.url)
}

/// The line of a ranking that names `country`.
fn ranking_line<'a>(r: &'a Reply, country: &str) -> Option<&'a str> {
    let name = Country::from_code(country).unwrap().name(Locale::En);
    field(r, "Destinations")
        .lines()
        .find(|l| l.contains(&format!(" {name} — ")))
}

async fn import(t: &TestApp, csv: &str) {
    let mut tx = t.app.store().begin().await.unwrap();
    exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

const HEADER: &str = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,published_on,note,publisher_detail,source_kind\n";

#[tokio::test]
async fn every_figure_cites_the_source_the_rule_picks_and_counts_the_others() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let mut checked = 0;
    for (period, country) in seed.pairs() {
        let Some((_, rows)) = seed.current(&period, &country) else {
            continue;
        };
        let best = best(&rows);
        let r = answer(&t, &period, &country).await;
        if country == "WORLD" {
            let first = field(&r, "Sources").lines().next().unwrap();
            assert!(
                best.iter().any(|b| first.starts_with(&link(b))),
                "{period} total cites {first}; the rule picks {:?}",
                best.iter().map(|b| &b.url).collect::<Vec<_>>()
            );
        } else {
            let source = field(&r, "Source");
            assert!(
                best.iter().any(|b| source.starts_with(&link(b))),
                "{period} {country} cites {source}; the rule picks {:?}",
                best.iter().map(|b| &b.url).collect::<Vec<_>>()
            );
            let others = sources(&rows).len() - 1;
            if others > 0 {
                let plural = if others == 1 { "report" } else { "reports" };
                assert!(
                    source.ends_with(&format!("confirmed by {others} more {plural}")),
                    "{period} {country}: {source}"
                );
            } else {
                assert!(
                    !source.contains("confirmed"),
                    "{period} {country}: {source}"
                );
            }
            for (_, earlier) in seed.earlier(&period, &country) {
                let first = field(&r, "First report");
                assert!(best_of(&earlier).any(|b| first.starts_with(&link(b))));
            }
        }
        checked += 1;
    }
    assert!(checked >= 70, "{checked} figures checked");
}

fn best_of<'a>(rows: &[&'a Row]) -> impl Iterator<Item = &'a Row> {
    best(rows).into_iter()
}

#[tokio::test]
async fn no_answer_shows_a_curator_remark_or_cites_a_doubtful_or_conflicting_report() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    // Each remark as words of its own ("German" is no remark in "Germany").
    let remarks: Vec<(String, regex::Regex)> = seed
        .rows
        .iter()
        .map(|r| r.publisher_detail.as_str())
        .filter(|d| !d.is_empty())
        .map(|d| {
            let re = format!(r"(?:^|\W){}(?:\W|$)", regex::escape(d));
            (d.to_string(), regex::Regex::new(&re).unwrap())
        })
        .collect();
    let url = regex::Regex::new(r"https?://[^\s>)]+").unwrap();
    let mut disputed_pairs = 0;
    for (period, country) in seed.pairs() {
        let r = t
            .ask(&if country == "WORLD" {
                format!("/exports period:{period}")
            } else {
                format!("/exports country:{country} period:{period}")
            })
            .await;
        let words = url.replace_all(&text::render(&r), "").into_owned();
        for (remark, re) in &remarks {
            assert!(
                !re.is_match(&words),
                "{period} {country} shows {remark:?}:\n{words}"
            );
        }
        // A report may be cited in a ranking for another destination it printed cleanly.
        let clean: Vec<&str> = seed
            .rows
            .iter()
            .filter(|row| row.period == period && !row.disputed())
            .filter(|row| country == "WORLD" || row.country == country)
            .map(|row| row.url.as_str())
            .collect();
        let all = shown(&r);
        for row in seed
            .of(&period, &country)
            .into_iter()
            .filter(|r| r.disputed())
        {
            disputed_pairs += 1;
            if !clean.contains(&row.url.as_str()) {
                assert!(
                    !all.contains(&row.url),
                    "{period} {country} cites {} ({})",
                    row.publisher,
                    row.url
                );
            }
        }
    }
    assert!(
        disputed_pairs > 0,
        "the seed has doubtful and conflicting rows"
    );
}

#[tokio::test]
async fn a_figure_only_weak_sources_report_says_so() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let mut weak_figures = 0;
    for (period, country) in seed.pairs() {
        let Some((_, rows)) = seed.current(&period, &country) else {
            continue;
        };
        let weak = rows.iter().all(|r| WEAK.contains(&r.source_kind.as_str()));
        weak_figures += usize::from(weak);
        let r = answer(&t, &period, &country).await;
        let warned = description(&r).contains("Reported only by");
        assert_eq!(warned, weak, "{period} {country}: {}", description(&r));
        if weak {
            let kinds: Vec<&str> = KINDS
                .iter()
                .filter(|k| rows.iter().any(|r| r.source_kind == **k))
                .map(|k| match *k {
                    "blog" => "blogs",
                    "forum" => "forums",
                    _ => "AI-generated pages",
                })
                .collect();
            assert!(
                description(&r).contains(&format!("Reported only by {},", kinds.join("/"))),
                "{period} {country}: {}",
                description(&r)
            );
        }
        if country != "WORLD" {
            let ranking = answer(&t, &period, "WORLD").await;
            let line = ranking_line(&ranking, &country).unwrap();
            assert_eq!(line.ends_with(" only"), weak, "{period}: {line}");
        }
    }
    assert!(weak_figures > 0, "the seed has figures only blogs report");
}

#[tokio::test]
async fn a_figure_is_approximate_only_when_every_print_rounds_it() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let mut rounded_prints = 0;
    for (period, country) in seed.pairs() {
        let Some((value, rows)) = seed.current(&period, &country) else {
            continue;
        };
        rounded_prints += rows.iter().filter(|r| r.has("approx")).count();
        let all_rounded = rows.iter().all(|r| r.has("approx"));
        let r = answer(&t, &period, &country).await;
        let d = description(&r);
        let about = format!("about {}", headline(value));
        assert_eq!(d.contains(&about), all_rounded, "{period} {country}: {d}");
        assert_eq!(
            d.contains(&exact(value)),
            !all_rounded,
            "{period} {country}: {d}"
        );
    }
    assert!(rounded_prints > 0, "the seed has rounded prints");

    // Figures every source rounded, and one only some did.
    import(
        &t,
        &format!(
            "{HEADER}2030,WORLD,100000000,,,Example Wire,,https://example.com/w,2031-01-10,[approx]; printed: 'about $100 million',,wire\n\
             2030,JP,40000000,1,,Example Wire,,https://example.com/w,2031-01-10,[approx]; printed: 'about $40 million',,wire\n\
             2030,JP,40000000,1,,Example Daily,,https://example.com/d,2031-01-11,[approx]; printed: '약 4천만 달러',,newspaper\n\
             2030,US,30000000,2,,Example Wire,,https://example.com/w,2031-01-10,[approx]; printed: 'about $30 million',,wire\n\
             2030,US,30000000,2,,Example Daily,,https://example.com/d,2031-01-11,printed: '3000만 달러',,newspaper\n"
        ),
    )
    .await;
    let d = description(&t.ask("/exports japan 2030").await).to_string();
    assert!(
        d.contains("**about $40.00M**") && !d.contains("US$40,000,000"),
        "{d}"
    );
    let d = description(&t.ask("/exports usa 2030").await).to_string();
    assert!(
        d.contains("**$30.00M** (US$30,000,000)") && !d.contains("about"),
        "{d}"
    );
    let r = t.ask("/exports 2030").await;
    assert!(description(&r).contains("Total **about $100.00M**"));
    assert!(ranking_line(&r, "JP").unwrap().contains("— about $40.00M"));
    assert!(ranking_line(&r, "US").unwrap().contains("— $30.00M"));
}

#[tokio::test]
async fn imported_sources_keep_their_name_alone_and_a_moderators_comes_after_the_press() {
    let t = TestApp::new().await;
    import(
        &t,
        &format!(
            "{HEADER}2030,JP,40000000,1,,Example Portal,,https://example.com/p,2031-01-10,printed: '4000만 달러',\"originating outlet not shown; via Example\",portal\n\
             2030,US,30000000,2,,Example TV,,https://example.com/tv,2031-01-11,printed: '3000만 달러',English edition,broadcaster\n\
             2030,CN,20000000,3,,Example Blog,,https://example.com/b,2031-01-09,printed: '2000만 달러',,blog\n\
             2030,CN,20000000,3,,Example Forum,,https://example.com/f,2031-01-08,printed: '2000万ドル',,forum\n"
        ),
    )
    .await;
    let shown_jp = shown(&t.ask("/exports japan 2030").await);
    assert!(
        shown_jp.contains("[Example Portal](https://example.com/p)")
            && !shown_jp.contains("originating outlet"),
        "{shown_jp}"
    );
    // Blogs beat forums, however early the forum was.
    let r = t.ask("/exports china 2030").await;
    assert!(field(&r, "Source").starts_with("[Example Blog]"));
    assert!(description(&r).contains("Reported only by blogs/forums, not by any news outlet."));

    // A source typed by a moderator has no kind: it comes after the broadcasters and before the
    // portals, and is no weak source.
    let owner = Caller {
        owner: true,
        ..Caller::default()
    };
    for (country, value) in [
        ("japan", "40,000,000"),
        ("usa", "30,000,000"),
        ("china", "20,000,000"),
    ] {
        let q = format!(
            "/facts set-export country:{country} period:2030 value:{value} \"source:Example Editor https://example.com/e 2031-01-20\""
        );
        let inv = Invocation::parse(&q, Locale::En).unwrap();
        let r = commands::respond(&t.app, &inv, &owner).await;
        assert!(!r.refusal, "{q}: {r:?}");
    }
    let r = t.ask("/exports japan 2030").await;
    assert!(field(&r, "Source").starts_with("[Example Editor]"), "{r:?}");
    let r = t.ask("/exports usa 2030").await;
    assert!(field(&r, "Source").starts_with("[Example TV]"), "{r:?}");
    let r = t.ask("/exports china 2030").await;
    assert!(field(&r, "Source").starts_with("[Example Editor]"), "{r:?}");
    assert!(!description(&r).contains("Reported only by"));
}

/// The change the rules give for the current figure of a period and country, as the bot writes
/// it in a line of facts, with the printed changes that must not be shown instead.
fn expected_change(seed: &Seed, period: &str, country: &str) -> (Option<String>, Vec<String>) {
    let Some((value, rows)) = seed.current(period, country) else {
        return (None, Vec::new());
    };
    let alone: Vec<&Row> = seed
        .of(period, country)
        .into_iter()
        .filter(|r| r.value_usd.is_none() && !r.withheld())
        .collect();
    let printed: Vec<&Row> = rows
        .iter()
        .chain(&alone)
        .copied()
        .filter(|r| r.yoy_change_pct.is_some() && !r.disputed())
        .collect();
    let printed_text = |best: &[&Row]| {
        let r = best[0];
        let pct: f64 = r.yoy_change_pct.as_deref().unwrap().parse().unwrap();
        let rounded = printed
            .iter()
            .filter(|p| p.yoy_change_pct.as_deref().unwrap().parse::<f64>().unwrap() == pct)
            .all(|p| p.has("approx"));
        let change = r.signed_yoy().unwrap();
        let change = if rounded {
            format!("about {change}")
        } else {
            change
        };
        format!("{change} year on year ({})", r.publisher)
    };
    let press: Vec<&Row> = printed
        .iter()
        .copied()
        .filter(|r| PRESS.contains(&r.source_kind.as_str()))
        .collect();
    if !press.is_empty() {
        return (Some(printed_text(&best(&press))), Vec::new());
    }
    let revised = seed.revised(period, country, value);
    let before = year_before(period);
    if let Some(against) = seed.on_basis(&before, country, revised) {
        let not_shown = printed
            .iter()
            .map(|r| format!("{} year on year ({})", r.signed_yoy().unwrap(), r.publisher))
            .collect();
        return (
            Some(format!(
                "{} year on year (against {} in {})",
                computed_change(value, against),
                headline(against),
                en(&before)
            )),
            not_shown,
        );
    }
    if printed.is_empty() {
        return (None, Vec::new());
    }
    (Some(printed_text(&best(&printed))), Vec::new())
}

#[tokio::test]
async fn changes_are_printed_by_the_press_or_computed_on_one_release_basis() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let mut computed = 0;
    let mut withheld_prints = 0;
    for (period, country) in seed.pairs() {
        if seed.current(&period, &country).is_none() {
            continue;
        }
        let (want, not_shown) = expected_change(&seed, &period, &country);
        let r = answer(&t, &period, &country).await;
        // What is said of the current figure: not the change of a first print it replaced.
        let line = description(&r)
            .lines()
            .map(|l| l.split(" · first reported as").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        match &want {
            Some(w) => assert!(
                line.contains(w.as_str()),
                "{period} {country}: want {w:?} in {line:?}"
            ),
            None => assert!(!line.contains("year on year"), "{period} {country}: {line}"),
        }
        computed += usize::from(want.as_deref().is_some_and(|w| w.contains("(against ")));
        for printed in &not_shown {
            if want.as_deref() != Some(printed.as_str()) {
                withheld_prints += 1;
                assert!(
                    !line.contains(printed.as_str()),
                    "{period} {country} shows {printed}: {line}"
                );
            }
        }
    }
    assert!(
        computed > 0 && withheld_prints > 0,
        "{computed} {withheld_prints}"
    );
    // The case fans noticed: Japan 2022 against 2021, both first prints.
    let (want, _) = expected_change(&seed, "2022", "JP");
    let d = description(&t.ask("/exports japan 2022").await).to_string();
    assert!(
        d.contains(want.unwrap().as_str()) && !d.contains("7.7%"),
        "{d}"
    );
}

#[tokio::test]
async fn a_share_is_taken_of_the_total_of_the_same_release() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let mut first_reported = 0;
    for (period, country) in seed.pairs() {
        if country == "WORLD" {
            continue;
        }
        let Some((value, rows)) = seed.current(&period, &country) else {
            continue;
        };
        let totals = seed.values(&period, "WORLD");
        if totals.is_empty() {
            continue;
        }
        let current_total = seed.current(&period, "WORLD").map(|(v, _)| v);
        let mine = sources(&rows);
        let shared = |rows: &Vec<&Row>| sources(rows).intersection(&mine).count();
        let total = totals
            .iter()
            .filter(|(_, rows)| shared(rows) > 0)
            .max_by_key(|(v, rows)| (shared(rows), Some(**v) == current_total))
            .map(|(v, _)| *v)
            .or_else(|| seed.on_basis(&period, "WORLD", seed.revised(&period, &country, value)))
            .unwrap();
        let words = if Some(total) == current_total {
            "of the total"
        } else {
            first_reported += 1;
            "of the first-reported total"
        };
        let want = format!("{} {words} ({})", share(value, total), headline(total));
        let d = description(&answer(&t, &period, &country).await).to_string();
        assert!(
            d.contains(&want),
            "{period} {country}: want {want:?} in {d}"
        );
    }
    assert!(first_reported > 0);
}

/// The newest period `country` has a value for, as `(label, end, start)` order gives it.
fn latest_valued(seed: &Seed, country: &str) -> String {
    let range = |label: &str| {
        let p = Period::parse(label).unwrap();
        (p.end(), std::cmp::Reverse(p.start()))
    };
    seed.rows
        .iter()
        .filter(|r| r.country == country && r.value().is_some())
        .map(|r| r.period.as_str())
        .max_by_key(|p| range(p))
        .unwrap()
        .to_string()
}

fn latest_year(seed: &Seed) -> i32 {
    seed.rows
        .iter()
        .filter_map(|r| r.period.parse::<i32>().ok())
        .max()
        .unwrap()
}

fn title(r: &Reply) -> &str {
    r.embeds[0].title.as_deref().unwrap_or("")
}

#[tokio::test]
async fn periods_are_read_as_people_say_them() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let year = latest_year(&seed);
    let japan_latest = en(&latest_valued(&seed, "JP"));
    let next_year = format!("{}-03-01T00:00:00Z", year + 1);
    let that_year = format!("{year}-06-01T00:00:00Z");
    let japan_has = |y: i32| seed.pairs().contains(&(y.to_string(), "JP".to_string()));

    for word in ["latest", "최신", "最新"] {
        for q in [
            format!("/exports japan {word}"),
            format!("/exports country:japan period:{word}"),
        ] {
            let r = t.ask_at(&q, Locale::En, &next_year).await;
            assert_eq!(title(&r), format!("🇯🇵 Japan · {japan_latest}"), "{q}");
        }
    }
    for word in ["last year", "작년", "去年"] {
        let q = format!("/exports japan {word}");
        let r = t.ask_at(&q, Locale::En, &next_year).await;
        if japan_has(year) {
            assert_eq!(title(&r), format!("🇯🇵 Japan · {year}"), "{q}");
            assert!(!description(&r).contains("No figure for"), "{q}");
        }
        let r = t.ask_at(&q, Locale::En, &that_year).await;
        if japan_has(year - 1) {
            assert_eq!(title(&r), format!("🇯🇵 Japan · {}", year - 1), "{q}");
        }
    }
    for word in ["this year", "올해", "今年"] {
        let q = format!("/exports japan {word}");
        let r = t.ask_at(&q, Locale::En, &next_year).await;
        assert_eq!(title(&r), format!("🇯🇵 Japan · {japan_latest}"), "{q}");
        assert!(
            description(&r).contains(&format!(
                "No figure for {}; the latest is for {japan_latest}.",
                year + 1
            )),
            "{q}: {}",
            description(&r)
        );
        let r = t.ask_at(&q, Locale::En, &that_year).await;
        if japan_has(year) {
            assert_eq!(title(&r), format!("🇯🇵 Japan · {year}"), "{q}");
        }
    }
    // In the asker's language, and for the ranking.
    let r = t.ask_at("/exports 일본 작년", Locale::Ko, &next_year).await;
    assert_eq!(title(&r), format!("🇯🇵 일본 · {year}년"));
    let r = t.ask_at("/exports 去年", Locale::Ja, &next_year).await;
    assert_eq!(title(&r), format!("K-POPアルバム輸出 · {year}年"));
    // A comparison needs figures on both sides, and names the latest when one has none.
    let r = t
        .ask_at(
            "/exports japan last year vs this year",
            Locale::En,
            &next_year,
        )
        .await;
    assert!(r.refusal && r.ephemeral);
    assert!(
        description(&r).contains(&format!(
            "No figures for {} yet; the latest are for {year}.",
            year + 1
        )),
        "{}",
        description(&r)
    );
}

#[tokio::test]
async fn two_periods_are_compared() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let (a, b) = ("2022", "2023");
    let r = t.ask(&format!("/exports japan {a} vs {b}")).await;
    assert_eq!(title(&r), format!("🇯🇵 Japan · {a} vs {b}"));
    let d = description(&r);
    for p in [a, b] {
        let (v, _) = seed.current(p, "JP").unwrap();
        assert!(
            d.contains(&format!("{p}: **{}** ({})", headline(v), exact(v))),
            "{d}"
        );
    }
    let (want, _) = expected_change(&seed, b, "JP");
    assert!(d.contains(want.unwrap().as_str()), "{d}");
    // The later period first gives the same answer.
    assert_eq!(
        shown(&t.ask(&format!("/exports japan {b} vs {a}")).await),
        shown(&r)
    );

    // Two years apart: computed when both are first prints of as many months.
    let r = t.ask("/exports japan 2021 vs 2023").await;
    let (v21, v23) = (
        seed.current("2021", "JP").unwrap().0,
        seed.current("2023", "JP").unwrap().0,
    );
    assert!(
        !seed.revised("2021", "JP", v21) && !seed.revised("2023", "JP", v23),
        "both first prints"
    );
    let want = format!(
        "{} (against {} in 2021)",
        computed_change(v23, v21),
        headline(v21)
    );
    assert!(description(&r).contains(&want), "{}", description(&r));

    // Without a country: the totals, and every destination with a value in either.
    let r = t.ask(&format!("/exports {a} vs {b}")).await;
    let d = description(&r);
    for p in [a, b] {
        let (v, _) = seed.current(p, "WORLD").unwrap();
        assert!(d.contains(&format!("{p}: **{}**", headline(v))), "{d}");
    }
    let (want, _) = expected_change(&seed, b, "WORLD");
    assert!(d.contains(want.unwrap().as_str()), "{d}");
    for (country, before, after) in ["JP", "US", "CN"].map(|c| {
        (
            c,
            seed.current(a, c).unwrap().0,
            seed.current(b, c).unwrap().0,
        )
    }) {
        let line = ranking_line(&r, country).unwrap();
        assert!(
            line.contains(&format!("— {} → {}", headline(before), headline(after))),
            "{line}"
        );
        let (want, _) = expected_change(&seed, b, country);
        let want = want.unwrap();
        let short = want.split(" year on year").next().unwrap();
        assert!(
            line.ends_with(&format!(" · {short}")) || line.contains(&want),
            "{line}"
        );
    }
}

#[tokio::test]
async fn the_period_option_suggests_relative_periods_in_the_askers_language() {
    let t = TestApp::new().await;
    let seed = Seed::load();
    let newest = seed
        .pairs()
        .into_iter()
        .map(|(p, _)| p)
        .max_by_key(|p| {
            let p = Period::parse(p).unwrap();
            (p.end(), std::cmp::Reverse(p.start()))
        })
        .unwrap();
    let newest = Period::parse(&newest).unwrap();
    for (locale, latest, last, this) in [
        (Locale::En, "Latest", "Last year", "This year"),
        (Locale::Ko, "최신", "작년", "올해"),
        (Locale::Ja, "最新", "昨年", "今年"),
    ] {
        let inv = Invocation::new("exports", &[], locale);
        let choices = commands::autocomplete(&t.app, &inv, "period", "").await;
        // Every year first (`export_trends`), then the relative words.
        assert_eq!(choices[1].value, "latest");
        assert_eq!(
            choices[1].name,
            format!("{latest} · {}", newest.display(locale))
        );
        let named = |value: &str, word: &str| {
            choices
                .iter()
                .any(|c| c.value == value && c.name.starts_with(&format!("{word} · ")))
        };
        assert!(
            named("last year", last) && named("this year", this),
            "{choices:?}"
        );
        // What is typed narrows them, in any language.
        let typed = &last[..last.char_indices().nth(1).unwrap().0];
        let choices = commands::autocomplete(&t.app, &inv, "period", typed).await;
        assert!(
            choices.iter().any(|c| c.value == "last year"),
            "{typed}: {choices:?}"
        );
    }
    // Japan's latest, when the country is given.
    let inv = Invocation::new("exports", &[("country", "japan")], Locale::En);
    let choices = commands::autocomplete(&t.app, &inv, "period", "").await;
    assert_eq!(
        choices[1].name,
        format!("Latest · {}", en(&latest_valued(&seed, "JP")))
    );
    // After "2022 vs", the periods to compare with; each suggestion answers.
    let inv = Invocation::new("exports", &[], Locale::En);
    let choices = commands::autocomplete(&t.app, &inv, "period", "2022 vs 20").await;
    assert!(
        choices.iter().any(|c| c.value == "2022 vs 2023"),
        "{choices:?}"
    );
    assert!(choices.iter().all(|c| c.value.starts_with("2022 vs ")));
    for c in choices.iter().take(5) {
        let r = t.ask(&format!("/exports period:\"{}\"", c.value)).await;
        assert!(!r.refusal, "{}: {}", c.value, description(&r));
    }
}

/// Every option registered as autocompleted is answered with suggestions: the country and
/// period of `/facts set-export` and `remove-export` are offered as `/exports` offers them.
#[tokio::test]
async fn the_facts_options_registered_as_autocompleted_suggest_values() {
    let t = TestApp::new().await;
    let exports = Invocation::new("exports", &[], Locale::En);
    let want = commands::autocomplete(&t.app, &exports, "country", "ja").await;
    assert!(!want.is_empty());
    for command in ["facts set-export", "facts remove-export"] {
        let inv = Invocation::new(command, &[], Locale::En);
        let got = commands::autocomplete(&t.app, &inv, "country", "ja").await;
        assert_eq!(got, want, "{command} country");
        let got = commands::autocomplete(&t.app, &inv, "period", "").await;
        assert!(
            got.first().is_some_and(|c| c.value == "latest"),
            "{command} period: {got:?}"
        );
    }
    let inv = Invocation::new("facts add-note", &[], Locale::En);
    let acts = commands::autocomplete(&t.app, &inv, "subject", "blackp").await;
    assert!(!acts.is_empty(), "add-note subject");
}
