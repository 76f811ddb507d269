//! The pictures replies carry: in the asker's language, with the data's own ranks.

use kpop_facts::i18n::Locale;
use kpop_facts::reply::Reply;
use kpop_facts::reply::plot::{self, Bar};

use crate::support::app::TestApp;

fn picture(reply: &Reply) -> &[u8] {
    assert_eq!(reply.attachments.len(), 1, "{reply:#?}");
    reply.attachments[0].bytes.as_slice()
}

fn bar(rank: i64, label: &str, value: u64, value_label: &str) -> Bar {
    Bar {
        rank: Some(rank),
        label: label.into(),
        value,
        value_label: value_label.into(),
    }
}

/// H1 2023 ranks six destinations with a value: the first five, then Thailand at No. 11.
#[tokio::test]
async fn the_exports_picture_labels_each_bar_with_its_real_rank() {
    let t = TestApp::new().await;
    let reply = t.ask("/exports 2023-H1").await;
    let want = plot::ranking_bars(
        "K-pop album exports · H1 2023",
        &[
            bar(1, "Japan", 48_523_000, "$48.52M"),
            bar(2, "United States", 25_519_000, "$25.52M"),
            bar(3, "China", 22_640_000, "$22.64M"),
            bar(4, "Germany", 5_628_000, "$5.63M"),
            bar(5, "Taiwan", 5_540_000, "$5.54M"),
            bar(11, "Thailand", 1_500_000, "$1.50M"),
        ],
        Locale::En,
    )
    .unwrap();
    assert!(
        picture(&reply) == want.as_slice(),
        "not the expected picture"
    );

    let reply = t.ask_in("/exports 2023-H1", Locale::Ko).await;
    let want = plot::ranking_bars(
        "K팝 음반 수출 · 2023년 상반기",
        &[
            bar(1, "일본", 48_523_000, "4,852만 달러"),
            bar(2, "미국", 25_519_000, "2,552만 달러"),
            bar(3, "중국", 22_640_000, "2,264만 달러"),
            bar(4, "독일", 5_628_000, "563만 달러"),
            bar(5, "대만", 5_540_000, "554만 달러"),
            bar(11, "태국", 1_500_000, "150만 달러"),
        ],
        Locale::Ko,
    )
    .unwrap();
    assert!(
        picture(&reply) == want.as_slice(),
        "not the expected Korean picture"
    );
}

/// Each language gets its own picture, even when another was drawn (and cached) first.
#[tokio::test]
async fn pictures_are_drawn_and_kept_per_language() {
    let t = TestApp::new().await;
    for question in ["/chart cupid", "/exports 2023-H1"] {
        let mut drawn = Vec::new();
        for locale in [Locale::En, Locale::Ko, Locale::Ja, Locale::En] {
            drawn.push(picture(&t.ask_in(question, locale).await).to_vec());
        }
        assert!(
            drawn[0] != drawn[1],
            "{question}: English and Korean differ"
        );
        assert!(
            drawn[0] != drawn[2],
            "{question}: English and Japanese differ"
        );
        assert!(
            drawn[1] != drawn[2],
            "{question}: Korean and Japanese differ"
        );
        assert!(
            drawn[0] == drawn[3],
            "{question}: the same language, the same picture"
        );
    }
}

/// The run picture's labels are the catalogue's, and every character in it has a glyph.
#[tokio::test]
async fn run_pictures_are_labelled_in_the_askers_language() {
    let t = TestApp::new().await;
    let reply = t.ask_in("/chart cupid", Locale::Ja).await;
    let weeks: Vec<plot::RunWeek> = [
        100, 94, 85, 60, 50, 41, 19, 17, 18, 20, 23, 21, 24, 24, 24, 24, 27, 24, 29, 41, 25, 26,
        25, 48, 45,
    ]
    .iter()
    .zip(0..)
    .map(|(&position, i)| plot::RunWeek {
        date: chrono::NaiveDate::from_ymd_opt(2023, 4, 1).unwrap() + chrono::Days::new(7 * i),
        position: Some(position),
    })
    .collect();
    let want = plot::run_chart("Cupid", "Billboard Hot 100", 100, &weeks, Locale::Ja).unwrap();
    assert!(
        picture(&reply) == want.as_slice(),
        "not the expected Japanese picture"
    );
    for text in [
        "Billboard Hot 100 · 最高17位 · チャートイン25週",
        "2023年4月",
        "17位",
    ] {
        assert!(plot::missing_glyphs(text).unwrap().is_empty(), "{text}");
    }
}
