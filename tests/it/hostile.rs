//! Hostile input: every read command gets a clear ephemeral refusal or a correct answer,
//! nothing pings, read commands never change the store, and an editor's odd but valid text is
//! stored and shown safely.

use kpop_facts::commands::{self, Caller, Invocation};
use kpop_facts::domain::source::{NoteText, SourceInput};
use kpop_facts::edits::{self, Subject, Who};
use kpop_facts::i18n::Locale;
use kpop_facts::reply::{Reply, json, limits};
use kpop_facts::store::Actor;
use serde_json::json;

use crate::support::app::{self as test_app, TestApp};

fn hostile() -> Vec<String> {
    vec![
        "'; DROP TABLE acts; --".into(),
        "' OR 1=1 --".into(),
        "japan\" OR \"1\"=\"1".into(),
        "a".repeat(100_000),
        "가".repeat(50_000),
        "\0".into(),
        "jap\0an".into(),
        "\u{202E}napaj".into(),
        "ja\u{200B}pan".into(),
        "\u{200F}\u{200E}\u{2066}".into(),
        "<@123456789012345678>".into(),
        "@everyone".into(),
        "@here <@&987654321>".into(),
        "**bold** __under__ ||spoiler|| `code` [link](https://evil.example)".into(),
        "🇯🇵🎉💜".into(),
        "ＪＡＰＡＮ　２０２３－Ｈ１".into(),
        "(a+)+$".into(),
        "((((((((((((((((((((a))))))))))))))))))))*".into(),
        "%_\\".into(),
        "\"".into(),
        ":".into(),
        "title:".into(),
        "\n\n\n".into(),
    ]
}

/// Every limit Discord enforces on a message, checked on what the bot would send.
fn assert_sendable(reply: &Reply, what: &str) {
    let data = json::message_data(reply);
    assert_eq!(data["allowed_mentions"], json!({"parse": []}), "{what}");
    let embeds = data["embeds"].as_array().unwrap();
    assert!(embeds.len() <= limits::EMBEDS, "{what}");
    let mut total = 0;
    for e in embeds {
        let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
        assert!(
            len(&e["title"]) <= limits::TITLE && len(&e["description"]) <= limits::DESCRIPTION,
            "{what}"
        );
        total += len(&e["title"]) + len(&e["description"]) + len(&e["footer"]["text"]);
        for f in e["fields"].as_array().into_iter().flatten() {
            assert!(
                (1..=limits::FIELD_NAME).contains(&len(&f["name"])),
                "{what}"
            );
            assert!(
                (1..=limits::FIELD_VALUE).contains(&len(&f["value"])),
                "{what}"
            );
            total += len(&f["name"]) + len(&f["value"]);
        }
    }
    assert!(total <= limits::TOTAL, "{what}");
    let text = data.to_string();
    assert!(
        !text.contains('\0') && !text.contains('\u{202E}'),
        "{what}: control characters reach Discord"
    );
}

async fn state(t: &TestApp) -> (i64, i64) {
    let audit: i64 = kpop_facts::on!(t.app.store().readers(), |p| sqlx::query_scalar(
        "SELECT count(*) FROM audit_log"
    )
    .fetch_one(p)
    .await)
    .unwrap();
    (audit, t.app.store().generations().await.unwrap().all)
}

#[tokio::test]
async fn hostile_input_is_refused_or_answered_and_changes_nothing() {
    let t = TestApp::new().await;
    let before = state(&t).await;
    let caller = Caller::default();
    for input in hostile() {
        let shown: String = input.chars().take(20).collect();
        for (command, option) in [
            ("exports", "country"),
            ("exports", "period"),
            ("chart", "title"),
            ("chart", "artist"),
            ("artist", "name"),
        ] {
            let mut options = vec![(option, input.as_str())];
            if command == "chart" && option == "artist" {
                options.push(("title", "cupid"));
            }
            let inv = Invocation::new(command, &options, Locale::En);
            let reply = commands::respond(&t.app, &inv, &caller).await;
            let what = format!("/{command} {option}:{shown:?}");
            assert_sendable(&reply, &what);
            let text = json::message_data(&reply).to_string();
            assert!(
                !text.contains("something went wrong"),
                "{what} failed instead of answering: {text}"
            );
            assert!(
                !reply.refusal || reply.ephemeral,
                "{what}: refusals are ephemeral"
            );
            let choices = commands::autocomplete(&t.app, &inv, option, &input).await;
            assert!(choices.len() <= limits::CHOICES, "{what}");
            let body = json::autocomplete(&choices);
            for c in body["data"]["choices"].as_array().unwrap() {
                assert!(
                    c["name"].as_str().unwrap().chars().count() <= limits::CHOICE_TEXT,
                    "{what}"
                );
            }
        }
        // The CLI grammar too.
        for text in [
            format!("/exports {input}"),
            format!("/chart {input}"),
            format!("/help {input}"),
        ] {
            let reply = match Invocation::parse(&text, Locale::En) {
                Ok(inv) => commands::respond(&t.app, &inv, &caller).await,
                Err(e) => Reply::refusal(e.to_string()),
            };
            assert_sendable(&reply, &format!("{shown:?}"));
        }
    }
    assert_eq!(
        state(&t).await,
        before,
        "read commands never change the store"
    );
}

#[tokio::test]
async fn an_editors_odd_but_valid_text_is_stored_and_shown_safely() {
    let t = TestApp::new().await;
    let who = Who {
        actor: Actor::Discord(1),
        guild_id: None,
    };
    let subject = Subject {
        kind: "act",
        key: "bts".into(),
        label: "BTS".into(),
        act_id: Some("bts".into()),
    };
    let odd = "@everyone <@123> **보라해** 💜 ||spoiler|| \u{202E}evil";
    let text = NoteText::parse(odd).unwrap();
    let source = SourceInput::parse("Weverse <@&1> https://weverse.io/bts 2024-06-13").unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2024, 6, 13).unwrap();
    edits::add_note(t.app.store(), &who, &subject, &text, date, &source)
        .await
        .unwrap();
    let reply = t.ask("/artist bts").await;
    assert_sendable(&reply, "artist with an odd note");
    let milestones = test_app::field(&reply, "Milestones");
    assert!(
        milestones.contains("@everyone <@123> **보라해** 💜 ||spoiler|| evil"),
        "{milestones}"
    );
}
