//! Secrets out of text that is about to be logged. The logger passes every line through
//! [`redact`], whoever wrote it (this crate, serenity, reqwest): interaction and webhook tokens
//! in URLs, the signatures of attachment URLs, values labelled as tokens, and every bot token
//! this process holds.

use std::borrow::Cow;
use std::sync::{LazyLock, PoisonError, RwLock};

use regex::Regex;

/// What a secret is replaced with.
pub const HIDDEN: &str = "[redacted]";

/// Each keeps its first group and hides the rest of the match.
static PATTERNS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        // `/interactions/{id}/{token}/callback`, `/webhooks/{application}/{token}/messages/…`:
        // the token is the whole authority to answer or post.
        r#"(/(?:interactions|webhooks)/\d+/)[^/\s"'?&)]+"#,
        // Attachment URLs are signed: `?ex=…&is=…&hm=…` lets anyone fetch the file until it
        // expires.
        r"\b((?:ex|is|hm)=)[0-9A-Fa-f]+",
        // `token: "…"`, `"token":"…"`, `interaction_token=…`, `DISCORD_TOKEN=Bot …`.
        r#"(?i)(token"?\s*[:=]\s*"?)(?:(?:Bot|Bearer) )?[^"\s,})&]+"#,
    ]
    .map(|p| Regex::new(p).expect("static regex"))
});

/// Secrets known by value (the bot token); shorter ones would hide ordinary words.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());
const SHORTEST_SECRET: usize = 8;

/// Hides `secret` wherever it appears in logged text from now on.
pub fn add_secret(secret: &str) {
    if secret.len() < SHORTEST_SECRET {
        return;
    }
    let mut known = SECRETS.write().unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|s| s == secret) {
        known.push(secret.to_string());
    }
}

/// `text` with every secret it holds replaced by [`HIDDEN`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for secret in SECRETS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), HIDDEN));
        }
    }
    for pattern in PATTERNS.iter() {
        if pattern.is_match(&out) {
            let hidden = format!("${{1}}{HIDDEN}");
            out = Cow::Owned(pattern.replace_all(&out, hidden.as_str()).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_tokens_in_urls_and_fields_and_attachment_signatures() {
        for (line, secret) in [
            (
                r#"error=Http(UnsuccessfulRequest(ErrorResponse { status_code: 404, url: "https://discord.com/api/v10/interactions/1577633407012175882/aW50ZXJhY3Rpb246MTIz/callback", method: POST"#,
                "aW50ZXJhY3Rpb246MTIz",
            ),
            (
                "PATCH https://discord.com/api/v10/webhooks/110000/aW50ZXJhY3Rpb246MTIz/messages/@original",
                "aW50ZXJhY3Rpb246MTIz",
            ),
            (
                "https://discord.com/api/webhooks/110000/AbC-dEf_123?wait=true",
                "AbC-dEf_123",
            ),
            (
                "error sending request for url (https://cdn.discordapp.com/attachments/1/2/a.csv?ex=6a1b2c3d&is=6a19dabd&hm=0123abcd&)",
                "0123abcd",
            ),
            (
                r#"Url { path: "/attachments/1/2/a.csv", query: Some("ex=6a1b2c3d&is=6a19dabd&hm=0123abcd") }"#,
                "6a1b2c3d",
            ),
            (
                r#"route: InteractionResponse { interaction_id: InteractionId(1), token: "aW50ZXJhY3Rpb24" }"#,
                "aW50ZXJhY3Rpb24",
            ),
            (
                r#"{"op":2,"d":{"token":"Bot MTEw.Gx.secret","intents":1}}"#,
                "MTEw.Gx.secret",
            ),
            ("interaction_token=aW50ZXJh rest", "aW50ZXJh"),
            ("DISCORD_TOKEN=Bot MTEw.Gx.secret", "MTEw.Gx.secret"),
        ] {
            let shown = redact(line);
            assert!(
                !shown.contains(secret) && shown.contains(HIDDEN),
                "{line} → {shown}"
            );
        }
    }

    #[test]
    fn hides_known_secrets_and_leaves_other_text_alone() {
        add_secret("a-bot-token-held-by-value");
        add_secret("short");
        assert_eq!(
            redact("tried a-bot-token-held-by-value twice"),
            format!("tried {HIDDEN} twice")
        );
        for line in [
            "Discord rejected the token (gateway close code 4004): check DISCORD_TOKEN",
            "GET /api/v10/gateway 200; shortly after; this=5",
            "reading the token file /etc/kpop-facts/token",
            "a short word",
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
