//! The replies of every command, answered from a fresh seeded store, checked figure by figure.

use kpop_facts::i18n::Locale;

use crate::support::app::{TestApp, field, shown};

#[tokio::test]
async fn exports_for_a_country_and_period_cites_its_source() {
    let t = TestApp::new().await;
    let r = t.ask("/exports japan 2023-H1").await;
    assert!(!r.refusal && !r.ephemeral);
    let e = &r.embeds[0];
    assert_eq!(e.title.as_deref(), Some("🇯🇵 Japan · H1 2023"));
    let d = e.description.as_deref().unwrap();
    assert!(d.contains("**$48.52M** (US$48,523,000)"), "{d}");
    assert!(d.contains("No. 1 destination"), "{d}");
    // Japan's figure came out with the first print of the total, not its revision.
    assert!(
        d.contains("36.5% of the first-reported total ($132.93M)"),
        "{d}"
    );
    let source = field(&r, "Source");
    assert!(
        source.contains("2023-07-18") && source.contains("more reports"),
        "{source}"
    );
    assert!(
        e.footer
            .as_deref()
            .unwrap()
            .starts_with("Source: Korea Customs Service via ")
    );
    assert!(e.footer.as_deref().unwrap().ends_with(" · H1 2023"));
}

#[tokio::test]
async fn every_spelling_of_a_country_and_period_gives_the_same_answer() {
    let t = TestApp::new().await;
    let want = shown(&t.ask("/exports japan 2023-H1").await);
    for q in [
        "/exports JP 2023-H1",
        "/exports jpn H1 2023",
        "/exports 일본 2023년 상반기",
        "/exports 日本 2023年上半期",
        "/exports 🇯🇵 first half of 2023",
        "/exports country:Japan period:\"Jan-Jun 2023\"",
        "exports ＪＡＰＡＮ 2023-h1",
    ] {
        assert_eq!(shown(&t.ask(q).await), want, "{q}");
    }
}

#[tokio::test]
async fn exports_without_a_period_answers_for_the_latest_year() {
    let t = TestApp::new().await;
    let r = t.ask("/exports japan").await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("🇯🇵 Japan · 2025"));
    let d = r.embeds[0].description.as_deref().unwrap();
    assert!(
        d.contains("$80.63M") && d.contains("US$80,625,000") && d.contains("-10.2% year on year"),
        "{d}"
    );
}

#[tokio::test]
async fn a_country_without_a_figure_that_year_gets_its_latest_and_is_told_so() {
    let t = TestApp::new().await;
    let r = t.ask("/exports thailand").await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("🇹🇭 Thailand · H1 2023"));
    let d = r.embeds[0].description.as_deref().unwrap();
    assert!(
        d.contains("No figure for 2025; the latest is for H1 2023."),
        "{d}"
    );
    assert!(
        d.contains("$1.50M") && d.contains("No. 11 destination"),
        "{d}"
    );

    let r = t.ask("/exports taiwan").await;
    let d = r.embeds[0].description.as_deref().unwrap();
    assert!(
        d.contains("Among the top 10") && d.contains("not published"),
        "{d}"
    );
    assert!(
        d.contains("The latest published value: $5.54M (H1 2023)"),
        "{d}"
    );
}

#[tokio::test]
async fn the_ranking_lists_every_destination_with_the_revised_total() {
    let t = TestApp::new().await;
    let r = t.ask("/exports 2023-H1").await;
    let d = r.embeds[0].description.as_deref().unwrap();
    assert!(d.contains("Total **$132.97M** (US$132,965,000)"), "{d}");
    assert!(
        d.contains("first reported as $132.93M, +17.1% year on year"),
        "{d}"
    );
    let ranking = field(&r, "Destinations");
    let lines: Vec<&str> = ranking.lines().collect();
    assert_eq!(lines[0], "1. 🇯🇵 Japan — $48.52M · 36.5%†");
    assert_eq!(lines[1], "2. 🇺🇸 United States — $25.52M · 19.2%†");
    assert_eq!(lines[2], "3. 🇨🇳 China — $22.64M · 17.0%†");
    assert_eq!(
        lines.last(),
        Some(&"† share of the first-reported total ($132.93M)")
    );
    assert!(
        lines[5].starts_with("6. 🇭🇰 Hong Kong — figure not published"),
        "{ranking}"
    );
    assert!(lines[9].starts_with("10. 🇫🇷 France"), "{ranking}");
    // The seed's market notes are about 2022: they belong to that year's answer.
    assert!(r.embeds[0].fields.iter().all(|f| f.name != "Milestones"));
    let r2022 = t.ask("/exports 2022").await;
    assert!(field(&r2022, "Milestones").contains("China was the No. 2 destination"));
    assert_eq!(r.attachments.len(), 1);
    assert_eq!(
        r.embeds[0].image.as_deref(),
        Some(r.attachments[0].filename.as_str())
    );
}

#[tokio::test]
async fn unranked_top_ten_members_are_named() {
    let t = TestApp::new().await;
    let r = t.ask("/exports 2025").await;
    let ranking = field(&r, "Destinations");
    assert!(ranking.starts_with("1. 🇯🇵 Japan — $80.63M"), "{ranking}");
    assert!(ranking.contains("2. 🇨🇳 China — $69.72M"), "{ranking}");
    let also = ranking.lines().last().unwrap();
    assert!(
        also.starts_with("Also in the top 10 (figures not published):") && also.contains("Poland"),
        "{also}"
    );
}

#[tokio::test]
async fn a_revision_supersedes_the_first_print() {
    let t = TestApp::new().await;
    let d = t.ask("/exports 2022").await.embeds[0]
        .description
        .clone()
        .unwrap();
    assert!(
        d.contains("US$231,389,000") && d.contains("first reported as $233.11M, +5.6%"),
        "{d}"
    );
    let d = t.ask("/exports 2021").await.embeds[0]
        .description
        .clone()
        .unwrap();
    assert!(d.contains("US$220,850,000"), "{d}");
}

#[tokio::test]
async fn yearless_periods_resolve_to_the_latest_year_with_figures() {
    let t = TestApp::new().await;
    let r = t.ask("/exports 상반기").await;
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("K-pop album exports · H1 2025")
    );
}

#[tokio::test]
async fn bad_or_unknown_input_is_refused_with_a_way_forward() {
    let t = TestApp::new().await;
    for (q, hint) in [
        ("/exports japn", "No country “japn”. Did you mean Japan?"),
        ("/exports narnia", "Try a name such as Japan"),
        (
            "/exports brazil",
            "No export figures for Brazil. Destinations with figures: Japan",
        ),
        (
            "/exports 2023-Q2",
            "No figures for Q2 2023. Periods with figures: 2025, H1 2025",
        ),
        (
            "/exports japan 2013",
            "No figure for Japan in 2013. Its periods: 2025",
        ),
        ("/exports japan smarch", "No country “japan smarch”"),
        ("/exports period:smarch", "“smarch” is not a period"),
        (
            "/chart zzzzzzzz",
            "Nothing on the Billboard Hot 100 or Billboard 200 matches “zzzzzzzz”",
        ),
        ("/chart cupid chart:top-40", "“top-40” is not a chart"),
        ("/chart 방탄소년단", "try `/artist BTS`"),
        ("/artist nobody at all", "No act “nobody at all”"),
        ("/nope", "There is no command `/nope`"),
        ("/exports colour:red", "`/exports` has no option `colour`"),
    ] {
        let r = t.ask(q).await;
        assert!(r.refusal && r.ephemeral, "{q} was not refused");
        let text = r.embeds[0].description.as_deref().unwrap();
        assert!(text.contains(hint), "{q}: {text}");
    }
}

#[tokio::test]
async fn chart_shows_the_whole_run() {
    let t = TestApp::new().await;
    let r = t.ask("/chart cupid").await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("Cupid — Fifty Fifty"));
    assert_eq!(field(&r, "Debut"), "No. 100 · 2023-04-01");
    assert_eq!(field(&r, "Peak"), "No. 17 · 1 week at peak");
    assert_eq!(field(&r, "Weeks on chart"), "25");
    assert_eq!(field(&r, "Longest streak"), "25 weeks in a row");
    assert_eq!(field(&r, "Re-entries"), "0");
    assert_eq!(field(&r, "Last week on chart"), "No. 45 · 2023-09-16");
    assert!(field(&r, "Week by week").starts_with("2023-04-01: 100 → 94 → 85 → 60"));
    // As of 2023-07-15 it had 16 weeks in a row; the run went on after that.
    let earlier = field(&r, "Earlier milestones");
    assert!(
        earlier.contains("16 consecutive weeks")
            && earlier.contains("Since then: 25 weeks in a row."),
        "{earlier}"
    );
    assert_eq!(
        r.attachments[0].filename,
        r.embeds[0].image.clone().unwrap()
    );
}

#[tokio::test]
async fn chart_counts_number_ones_and_re_entries() {
    let t = TestApp::new().await;
    let r = t.ask("/chart dynamite").await;
    assert_eq!(field(&r, "Debut"), "No. 1 · 2020-09-05");
    assert_eq!(field(&r, "Weeks at No. 1"), "3");
    assert_eq!(field(&r, "Weeks on chart"), "32");
    let r = t.ask("/chart seven artist:\"jung kook\"").await;
    assert_eq!(field(&r, "Weeks on chart"), "15");
    assert_eq!(field(&r, "Re-entries"), "1");
    assert!(
        field(&r, "Week by week").contains(", back on the chart: "),
        "a re-entry is marked"
    );
}

#[tokio::test]
async fn chart_forgives_typos_case_and_version_suffixes() {
    let t = TestApp::new().await;
    for q in [
        "/chart cupd",
        "/chart CUPID",
        "/chart Cupid (Twin Ver.)",
        "/chart title:cupid chart:hot-100",
    ] {
        assert_eq!(
            t.ask(q).await.embeds[0].title.as_deref(),
            Some("Cupid — Fifty Fifty"),
            "{q}"
        );
    }
    let r = t.ask("/chart like crazy").await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("Like Crazy — Jimin"));
    // The note's first, as the records have it: the computed line stands in the note's place.
    let milestones = field(&r, "Milestones");
    assert!(
        milestones.contains("by a K-pop soloist")
            && !milestones.contains("first song by a K-pop soloist to debut at No. 1"),
        "{milestones}"
    );
}

#[tokio::test]
async fn artist_counts_entries_on_both_charts() {
    let t = TestApp::new().await;
    let r = t.ask("/artist 방탄소년단").await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("BTS (방탄소년단)"));
    assert!(
        field(&r, "Billboard Hot 100").starts_with("40 entries · 6 No. 1 · "),
        "{}",
        field(&r, "Billboard Hot 100")
    );
    assert!(field(&r, "Billboard 200").starts_with("17 entries · 7 No. 1 · "));
    for q in ["/artist bts", "/artist Bangtan Boys", "/artist name:BTS"] {
        assert_eq!(
            t.ask(q).await.embeds[0].title.as_deref(),
            Some("BTS (방탄소년단)"),
            "{q}"
        );
    }
    let r = t.ask("/artist SKZ").await;
    // "have reached No. 1 on the Billboard 200", said by the data with its weeks.
    let milestones = field(&r, "Milestones");
    assert!(
        milestones.contains("No. 1s: the first ")
            && !milestones.contains("Stray Kids have reached No. 1"),
        "{milestones}"
    );
}

#[tokio::test]
async fn help_lists_commands_and_the_data_held() {
    let t = TestApp::new().await;
    let r = t.ask("/help").await;
    assert!(r.ephemeral && !r.refusal);
    let data = field(&r, "Data");
    assert!(data.contains("Billboard Hot 100: 878 chart rows"), "{data}");
    assert!(field(&r, "/exports").contains("`/exports japan`"));
}

#[tokio::test]
async fn korean_and_japanese_questions_get_answers_in_their_language() {
    let t = TestApp::new().await;
    let r = t.ask_in("/exports japan 2023-H1", Locale::Ko).await;
    assert_eq!(
        r.embeds[0].title.as_deref(),
        Some("🇯🇵 일본 · 2023년 상반기")
    );
    assert!(
        r.embeds[0]
            .description
            .as_deref()
            .unwrap()
            .contains("4,852만 달러")
    );
    let r = t.ask_in("/exports japan 2023-H1", Locale::Ja).await;
    assert_eq!(r.embeds[0].title.as_deref(), Some("🇯🇵 日本 · 2023年上半期"));
}

#[tokio::test]
async fn about_names_sources_licences_and_privacy() {
    let t = TestApp::new().await;
    let r = t.ask("/about").await;
    assert!(r.ephemeral && !r.refusal);
    assert!(
        field(&r, "Charts").contains("MIT licence") && field(&r, "Charts").contains("Penske Media")
    );
    assert!(field(&r, "Export figures").contains("HS 8523.49.1040"));
    assert!(
        field(&r, "Privacy").contains("reads no one's messages")
            && field(&r, "Privacy").contains("PRIVACY.md")
    );
}

#[tokio::test]
async fn a_command_without_its_subcommand_is_told_which_ones_exist() {
    let t = TestApp::new().await;
    for (locale, word) in [
        (Locale::En, "subcommand"),
        (Locale::Ko, "하위 명령어"),
        (Locale::Ja, "サブコマンド"),
    ] {
        let r = t.ask_in("/facts", locale).await;
        assert!(r.refusal && r.ephemeral);
        let text = r.embeds[0].description.as_deref().unwrap();
        assert!(
            text.contains(word) && text.contains("set-export") && !text.contains("error."),
            "{locale:?}: {text}"
        );
    }
}

/// What a user typed is shown as typed, even when it looks like a placeholder of the message
/// that quotes it.
#[tokio::test]
async fn braces_in_user_text_stay_as_typed() {
    let t = TestApp::new().await;
    for (q, shown) in [
        ("/exports japan {input}x", "“japan {input}x”"),
        ("/exports period:{periods}", "“{periods}” is not a period"),
        ("/artist {input}{names}", "“{input}{names}”"),
    ] {
        let r = t.ask(q).await;
        let text = r.embeds[0].description.as_deref().unwrap();
        assert!(text.contains(shown), "{q}: {text}");
    }
}
