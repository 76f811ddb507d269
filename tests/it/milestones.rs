//! Milestones, computed and typed, checked against the chart CSVs: each milestone of the seed
//! article is shown as the data says it today, with the week that proves it; no typed note the
//! data overtook or contradicts is shown as current; a note the data cannot check keeps its
//! source and date. Expected values are computed here from the CSV rows, never from the bot.

use std::collections::BTreeMap;
use std::path::Path;

use kpop_facts::domain::chart::{Chart, title_key};
use kpop_facts::domain::source::{NoteText, SourceInput};
use kpop_facts::domain::text::truncate;
use kpop_facts::edits::{self, Subject, Who};
use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;
use kpop_facts::store::Actor;

use crate::act_answers::{
    self, ActCsv, Data, REPO_DATA, artist, field_named, fields, full_data, seed_data,
};
use crate::support::app::{self as test_app, TestApp};
use crate::support::full::{self, ChartRow};

/// One row of `data/milestones.csv`.
#[derive(serde::Deserialize)]
struct NoteCsv {
    subject_kind: String,
    subject: String,
    act_id: String,
    text: String,
    as_of: String,
    publisher: String,
}

fn read_notes() -> Vec<NoteCsv> {
    csv::Reader::from_path(Path::new(REPO_DATA).join("milestones.csv"))
        .unwrap()
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

fn note(subject: &str) -> NoteCsv {
    read_notes()
        .into_iter()
        .find(|n| n.subject == subject)
        .unwrap()
}

fn chart_named(name: &str) -> Chart {
    if name.contains("200") {
        Chart::Billboard200
    } else {
        Chart::Hot100
    }
}

/// The lines of `field` (if the reply has it) that contain `text`.
fn lines_with<'a>(reply: &'a Reply, field: &str, text: &str) -> Vec<&'a str> {
    field_named(reply, field)
        .map(|v| v.lines().filter(|l| l.contains(text)).collect())
        .unwrap_or_default()
}

/// The line of the current milestones that says `text` and cites `chart` as the data has it.
fn computed_line<'a>(data: &Data<'_>, reply: &'a Reply, chart: Chart, text: &str) -> &'a str {
    let cited = format!(
        "({}, charts to {})",
        chart.name(),
        data.rows(chart).last().unwrap().chart_date
    );
    lines_with(reply, "Milestones", &format!("• {text}"))
        .into_iter()
        .find(|l| l.ends_with(&cited))
        .unwrap_or_else(|| panic!("no “{text}” {cited}: {:?}", fields(reply)))
}

/// Rows grouped into runs by title, each run's weeks in date order.
fn runs<'a>(rows: &[&'a ChartRow]) -> BTreeMap<String, Vec<&'a ChartRow>> {
    let mut out: BTreeMap<String, Vec<&ChartRow>> = BTreeMap::new();
    for r in rows {
        out.entry(r.title.clone()).or_default().push(r);
    }
    out
}

fn title(t: &str) -> String {
    truncate(t, 60)
}

/// What the data says of an act on one chart: its No. 1s (how many, the first and the latest,
/// each with the week it first reached No. 1) or its best peak and the week first reached.
fn head(data: &Data<'_>, act: &ActCsv, chart: Chart) -> String {
    let rows = data.credited(act, chart);
    let mut ones: Vec<(String, String)> = runs(&rows)
        .into_iter()
        .filter_map(|(t, weeks)| {
            let w = weeks.iter().find(|w| w.position == 1)?;
            Some((w.chart_date.clone(), title(&t)))
        })
        .collect();
    ones.sort();
    match ones.as_slice() {
        [] => {
            let best = rows
                .iter()
                .min_by_key(|r| (r.position, r.chart_date.clone()))
                .unwrap();
            format!(
                "Best peak No. {}, first reached by “{}” on {}",
                best.position,
                title(&best.title),
                best.chart_date
            )
        }
        [(date, t)] => format!("No. 1 with “{t}” on {date}"),
        [(first, ft), .., (latest, lt)] => format!(
            "{} No. 1s: the first “{ft}” on {first}, the latest “{lt}” on {latest}",
            ones.len()
        ),
    }
}

/// What a note's claim comes to against the data.
#[derive(Debug, PartialEq)]
enum Expect {
    Confirmed,
    /// Under the earlier milestones, with this said after the note.
    Earlier(String),
}

/// A peak or a position reached, held against an act's credited rows on the chart.
fn expect_act_claim(data: &Data<'_>, act: &ActCsv, n: &NoteCsv) -> Option<(Chart, Expect)> {
    let claim = regex::Regex::new(
        r"(peaked at|reached) No\. (\d+) on the (Billboard Hot 100|Billboard 200)",
    )
    .unwrap();
    let c = claim.captures(&n.text)?;
    let claimed: u32 = c[2].parse().unwrap();
    let chart = chart_named(&c[3]);
    let rows = data.credited(act, chart);
    let best = rows
        .iter()
        .min_by_key(|r| (r.position, r.chart_date.clone()))
        .unwrap();
    let instead = Expect::Earlier(format!(
        "The chart data says otherwise: best No. {}, first on {} ({}).",
        best.position,
        best.chart_date,
        title(&best.title)
    ));
    let expect = if &c[1] == "reached" {
        if best.position <= claimed {
            Expect::Confirmed
        } else {
            instead
        }
    } else if best.position == claimed {
        Expect::Confirmed
    } else if best.position < claimed
        && rows
            .iter()
            .all(|r| r.position >= claimed || r.chart_date > n.as_of)
    {
        let since = rows
            .iter()
            .filter(|r| r.chart_date > n.as_of)
            .min_by_key(|r| (r.position, r.chart_date.clone()))
            .unwrap();
        Expect::Earlier(format!(
            "Since then: No. {} on {} ({}).",
            since.position,
            since.chart_date,
            title(&since.title)
        ))
    } else {
        instead
    };
    Some((chart, expect))
}

/// Checks each act note of the seed article against `/artist`: the computed line for its chart
/// is shown; the note only under the earlier milestones, when later weeks overtook it or the
/// data says otherwise, never as current. Returns how many were confirmed and how many earlier.
async fn check_act_notes(data: &Data<'_>) -> (usize, usize) {
    let (mut confirmed, mut earlier) = (0, 0);
    for n in read_notes().iter().filter(|n| n.subject_kind == "act") {
        let act = data.act(&n.subject);
        let reply = artist(data.app, &[("name", &act.name)], Locale::En).await;
        let (chart, expect) = expect_act_claim(data, act, n).expect("a claim the data checks");
        computed_line(data, &reply, chart, &head(data, act, chart));
        assert!(
            lines_with(&reply, "Milestones", &n.text).is_empty(),
            "{}",
            n.text
        );
        match expect {
            Expect::Confirmed => {
                confirmed += 1;
                assert!(
                    lines_with(&reply, "Earlier milestones", &n.text).is_empty(),
                    "{}",
                    n.text
                );
            }
            Expect::Earlier(said) => {
                earlier += 1;
                let line = lines_with(&reply, "Earlier milestones", &n.text)[0];
                assert!(
                    line.starts_with(&format!("• As of {}: ", n.as_of))
                        && line.contains(&said)
                        && line.contains(&n.publisher),
                    "{line} / {said}"
                );
            }
        }
    }
    (confirmed, earlier)
}

#[tokio::test]
async fn act_milestones_are_computed_from_the_data_with_their_weeks() {
    let t = TestApp::new().await;
    let (confirmed, earlier) = check_act_notes(&seed_data(&t).await).await;
    // Stray Kids', TXT's and SEVENTEEN's stand; TWICE reached No. 1 after the note's No. 2.
    assert!(confirmed >= 1 && earlier >= 1, "{confirmed} {earlier}");
}

#[tokio::test]
async fn act_milestones_are_computed_from_the_data_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    check_act_notes(&full_data(full)).await;
}

/// The K-pop soloists' first No. 1 and first No. 1 debut on the Hot 100: the weeks, and the
/// (title, credit) of each entry that week.
type Firsts = (String, Vec<(String, String)>);

fn soloist_firsts(data: &Data<'_>) -> (Firsts, Firsts) {
    let opening = &data.rows(Chart::Hot100)[0].chart_date;
    let mut ones: Vec<(String, String, String)> = Vec::new();
    let mut debuts: Vec<(String, String, String)> = Vec::new();
    for act in data.acts.iter().filter(|a| a.kind.starts_with("solo")) {
        for (t, weeks) in runs(&data.credited(act, Chart::Hot100)) {
            if let Some(w) = weeks.iter().find(|w| w.position == 1) {
                ones.push((w.chart_date.clone(), title(&t), w.artist.clone()));
            }
            let first = weeks[0];
            if first.position == 1 && first.last_week.is_none() && &first.chart_date != opening {
                debuts.push((first.chart_date.clone(), title(&t), first.artist.clone()));
            }
        }
    }
    let earliest = |mut list: Vec<(String, String, String)>| -> Firsts {
        list.sort();
        list.dedup_by(|a, b| a.1 == b.1 && a.0 == b.0);
        let date = list[0].0.clone();
        let entries = list
            .into_iter()
            .filter(|e| e.0 == date)
            .map(|e| (e.1, e.2))
            .collect();
        (date, entries)
    };
    (earliest(ones), earliest(debuts))
}

/// Jimin's “Like Crazy”: the note says it was the first song by a K-pop soloist to debut at
/// No. 1 on the Hot 100. `/chart` and `/artist` say what the data has as that first.
async fn check_first(data: &Data<'_>) {
    let n = note("Like Crazy");
    let ((one_date, ones), (debut_date, debuts)) = soloist_firsts(data);
    let holds = |list: &[(String, String)]| list.iter().any(|(t, _)| t == "Like Crazy");
    let on_chart = test_app::ask(data.app, "/chart title:\"Like Crazy\"", Locale::En).await;
    let on_act = artist(data.app, &[("name", "Jimin")], Locale::En).await;
    for reply in [&on_chart, &on_act] {
        assert!(lines_with(reply, "Milestones", &n.text).is_empty());
    }
    assert!(lines_with(&on_act, "Earlier milestones", &n.text).is_empty());
    if holds(&debuts) {
        let text = if holds(&ones) && one_date == debut_date {
            format!(
                "The first No. 1 by a K-pop soloist, a No. 1 debut: “Like Crazy” on {debut_date}"
            )
        } else {
            format!("The first No. 1 debut by a K-pop soloist: “Like Crazy” on {debut_date}")
        };
        computed_line(data, &on_chart, Chart::Hot100, &text);
        computed_line(data, &on_act, Chart::Hot100, &text);
        assert!(lines_with(&on_chart, "Earlier milestones", &n.text).is_empty());
    } else {
        let line = lines_with(&on_chart, "Earlier milestones", &n.text)[0];
        let (t, credit) = &debuts[0];
        assert!(
            line.contains(&format!(
                "The chart data says otherwise: the first was “{t}” — {credit} on {debut_date}"
            )),
            "{line}"
        );
    }
}

#[tokio::test]
async fn a_first_is_checked_against_the_records() {
    let t = TestApp::new().await;
    check_first(&seed_data(&t).await).await;
}

#[tokio::test]
async fn a_first_is_checked_against_the_records_over_the_full_history() {
    let Some(full) = full::Full::get().await else {
        return;
    };
    check_first(&full_data(full)).await;
}

/// The longest unbroken stretch of `weeks` (length, first and last date), and the longest
/// still running after `after`.
fn streaks(weeks: &[&ChartRow], after: &str) -> ((usize, String, String), usize) {
    let mut longest = (0, String::new(), String::new());
    let mut grown = 0;
    let (mut len, mut from) = (0, String::new());
    for (i, w) in weeks.iter().enumerate() {
        if i == 0 || w.last_week.is_none() {
            len = 0;
            from = w.chart_date.clone();
        }
        len += 1;
        if len > longest.0 {
            longest = (len, from.clone(), w.chart_date.clone());
        }
        if w.chart_date.as_str() > after {
            grown = grown.max(len);
        }
    }
    (longest, grown)
}

#[tokio::test]
async fn a_streak_overtaken_is_history_and_todays_is_computed() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    let n = note("Cupid");
    let claimed: usize = 16;
    assert!(n.text.contains(&format!("{claimed} consecutive weeks")));
    let rows = data.credited(data.act(&n.act_id), Chart::Hot100);
    let cupid: Vec<&ChartRow> = rows.into_iter().filter(|r| r.title == "Cupid").collect();
    let ((longest, from, to), grown) = streaks(&cupid, &n.as_of);
    let r = test_app::ask(&t.app, "/chart cupid", Locale::En).await;
    assert!(lines_with(&r, "Milestones", &n.text).is_empty());
    computed_line(
        &data,
        &r,
        Chart::Hot100,
        &format!("{longest} weeks in a row, {from} to {to}"),
    );
    assert!(grown > claimed, "the seed's run went on after the note");
    let line = lines_with(&r, "Earlier milestones", &n.text)[0];
    assert!(
        line.contains(&format!("Since then: {grown} weeks in a row.")),
        "{line}"
    );
}

async fn add_note(t: &TestApp, kind: &'static str, key: &str, act: &str, text: &str, on: &str) {
    let who = Who {
        actor: Actor::Discord(1),
        guild_id: None,
    };
    let subject = Subject {
        kind,
        key: key.to_string(),
        label: key.to_string(),
        act_id: Some(act.to_string()),
    };
    let source = SourceInput::parse(&format!("Example News https://example.com/a {on}")).unwrap();
    let date = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
    edits::add_note(
        t.app.store(),
        &who,
        &subject,
        &NoteText::parse(text).unwrap(),
        date,
        &source,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn notes_the_data_contradicts_are_never_current() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    let newest = data
        .rows(Chart::Billboard200)
        .last()
        .unwrap()
        .chart_date
        .clone();
    // BTS reached No. 1 on the Billboard 200 before this note's date.
    let peak = "BTS have peaked at No. 3 on the Billboard 200.";
    add_note(&t, "act", "bts", "bts", peak, &newest).await;
    // Another soloist's No. 1 debut came first (or the note's is not one).
    let first = "Jung Kook's “Seven” was the first song by a K-pop soloist to debut at No. 1 \
                 on the Billboard Hot 100.";
    add_note(&t, "title", &title_key("Seven"), "jungkook", first, &newest).await;
    // Nothing the chart data can say.
    let award = "BTS won Top Duo/Group at the Billboard Music Awards.";
    add_note(&t, "act", "bts", "bts", award, &newest).await;

    let bts = data.act("bts");
    let r = artist(&t.app, &[("name", "BTS")], Locale::En).await;
    assert!(lines_with(&r, "Milestones", peak).is_empty());
    let best = data
        .credited(bts, Chart::Billboard200)
        .into_iter()
        .min_by_key(|r| (r.position, r.chart_date.clone()))
        .unwrap();
    let line = lines_with(&r, "Earlier milestones", peak)[0];
    assert!(
        line.contains(&format!(
            "The chart data says otherwise: best No. {}, first on {} ({}).",
            best.position,
            best.chart_date,
            title(&best.title)
        )),
        "{line}"
    );
    let kept = lines_with(&r, "Milestones", award);
    assert!(
        kept.len() == 1 && kept[0].contains(&format!("as of {newest}")),
        "{kept:?}"
    );
    assert!(kept[0].contains("Example News"), "{kept:?}");

    let r = test_app::ask(&t.app, "/chart seven artist:\"jung kook\"", Locale::En).await;
    assert!(
        lines_with(&r, "Milestones", first).is_empty(),
        "{:?}",
        fields(&r)
    );
    let (_, (date, debuts)) = soloist_firsts(&data);
    if !debuts.iter().any(|(t, _)| t == "Seven") {
        let (t, credit) = &debuts[0];
        let line = lines_with(&r, "Earlier milestones", first)[0];
        assert!(
            line.contains(&format!(
                "The chart data says otherwise: the first was “{t}” — {credit} on {date}"
            )),
            "{line}"
        );
    }
}

#[tokio::test]
async fn no_seed_note_the_data_checks_is_shown_as_current() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    for n in read_notes().iter().filter(|n| n.subject_kind != "market") {
        let reply = match n.subject_kind.as_str() {
            "act" => artist(&t.app, &[("name", &data.act(&n.subject).name)], Locale::En).await,
            _ => {
                let question = format!("/chart title:\"{}\"", n.subject);
                test_app::ask(&t.app, &question, Locale::En).await
            }
        };
        assert!(
            lines_with(&reply, "Milestones", &n.text).is_empty(),
            "{}: {:?}",
            n.text,
            fields(&reply)
        );
    }
}

#[tokio::test]
async fn notes_the_data_cannot_check_keep_their_source_and_date_in_three_languages() {
    let t = TestApp::new().await;
    let notes = read_notes();
    let everywhere = |r: &Reply| act_answers::lines(r).join("\n");
    for n in notes.iter().filter(|n| n.subject_kind == "market") {
        let own = test_app::ask(&t.app, &format!("/exports {}", n.subject), Locale::En).await;
        let line = lines_with(&own, "Milestones", &n.text)[0];
        assert!(
            line.contains(&format!("as of {}", n.as_of)) && line.contains(&n.publisher),
            "{line}"
        );
        assert!(!line.contains("(in English"), "{line}");
        for other in ["2023-H1", "2021", "2024"] {
            let r = test_app::ask(&t.app, &format!("/exports {other}"), Locale::En).await;
            assert!(!everywhere(&r).contains(&n.text), "{other}");
        }
    }
    let n = notes.iter().find(|n| n.subject_kind == "market").unwrap();
    let (y, m, d) = {
        let p: Vec<u32> = n.as_of.split('-').map(|x| x.parse().unwrap()).collect();
        (p[0], p[1], p[2])
    };
    for (locale, name, mark, date) in [
        (
            Locale::Ko,
            "주요 기록",
            "(영어 원문)",
            format!("{y}년 {m}월 {d}일 기준"),
        ),
        (
            Locale::Ja,
            "主な記録",
            "（英語の原文）",
            format!("{y}年{m}月{d}日時点"),
        ),
    ] {
        let question = format!("/exports {}", n.subject);
        let r = test_app::ask(&t.app, &question, locale).await;
        let line = lines_with(&r, name, &n.text)[0];
        assert!(
            line.contains(mark) && line.contains(&date) && line.contains(&n.publisher),
            "{line}"
        );
    }
}

#[tokio::test]
async fn computed_milestones_read_in_korean_and_japanese() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    let ((one_date, ones), (debut_date, debuts)) = soloist_firsts(&data);
    let holds = |list: &[(String, String)]| list.iter().any(|(t, _)| t == "Like Crazy");
    assert!(holds(&ones) && holds(&debuts) && one_date == debut_date);
    let newest = data.rows(Chart::Hot100).last().unwrap().chart_date.clone();
    let day = |d: &str, locale: Locale| {
        let p: Vec<u32> = d.split('-').map(|x| x.parse().unwrap()).collect();
        match locale {
            Locale::Ko => format!("{}년 {}월 {}일", p[0], p[1], p[2]),
            _ => format!("{}年{}月{}日", p[0], p[1], p[2]),
        }
    };
    for (locale, name, text, cited) in [
        (
            Locale::Ko,
            "주요 기록",
            format!(
                "• K팝 솔로 최초 1위, 1위로 데뷔: “Like Crazy”, {}",
                day(&debut_date, Locale::Ko)
            ),
            format!("(Billboard Hot 100, {} 차트까지)", day(&newest, Locale::Ko)),
        ),
        (
            Locale::Ja,
            "主な記録",
            format!(
                "• K-POPソロ初の1位、1位初登場：“Like Crazy”、{}",
                day(&debut_date, Locale::Ja)
            ),
            format!(
                "（Billboard Hot 100、{}付チャートまで）",
                day(&newest, Locale::Ja)
            ),
        ),
    ] {
        for r in [
            artist(&t.app, &[("name", "Jimin")], locale).await,
            test_app::ask(&t.app, "/chart title:\"Like Crazy\"", locale).await,
        ] {
            let found = lines_with(&r, name, &text);
            assert!(
                found.len() == 1 && found[0].ends_with(&cited),
                "{:?}",
                fields(&r)
            );
        }
    }
    // An overtaken note in Korean: marked as English, with what changed since.
    let twice = note("twice");
    let r = artist(&t.app, &[("name", "TWICE")], Locale::Ko).await;
    let line = lines_with(&r, "지난 기록", &twice.text)[0];
    assert!(
        line.contains("(영어 원문)") && line.contains("이후 "),
        "{line}"
    );
}

#[tokio::test]
async fn milestones_keep_to_the_chart_and_the_subject_asked_about() {
    let t = TestApp::new().await;
    let data = seed_data(&t).await;
    let everywhere = |r: &Reply| act_answers::lines(r).join("\n");
    // An act note about the Billboard 200, and its computed line, are not in a Hot 100 answer.
    let twice = note("twice");
    let act = data.act("twice");
    let r = artist(
        &t.app,
        &[("name", "TWICE"), ("chart", "hot-100")],
        Locale::En,
    )
    .await;
    assert!(!everywhere(&r).contains(&twice.text));
    assert!(!everywhere(&r).contains(&head(&data, act, Chart::Billboard200)));
    computed_line(&data, &r, Chart::Hot100, &head(&data, act, Chart::Hot100));
    // A title's note belongs to the title, not to the act's page.
    for n in read_notes().iter().filter(|n| n.subject_kind == "title") {
        let name = &data.act(&n.act_id).name;
        let on_act = artist(&t.app, &[("name", name)], Locale::En).await;
        assert!(!everywhere(&on_act).contains(&n.text), "{name}");
    }
}
