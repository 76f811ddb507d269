//! Replies rendered for a terminal: what `kpop-facts ask` prints without `--json`.

use std::sync::LazyLock;

use regex::Regex;

use super::{Reply, limits};

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\((https?://[^)\s]+)\)").expect("static regex"));

static TIMESTAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<t:(-?\d+)(?::\w)?>").expect("static regex"));

/// Discord markdown a terminal cannot show: bold and code markers go, links become
/// "text <url>",
/// timestamps become UTC times.
fn plain(s: &str) -> String {
    let unbolded = s.replace("**", "").replace('`', "");
    let s = LINK.replace_all(&unbolded, "$1 <$2>");
    TIMESTAMP
        .replace_all(&s, |c: &regex::Captures| {
            c[1].parse::<i64>()
                .ok()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map_or(c[0].to_string(), |d| {
                    d.format("%Y-%m-%d %H:%M UTC").to_string()
                })
        })
        .into_owned()
}

pub fn render(reply: &Reply) -> String {
    plain(&render_markdown(reply))
}

fn render_markdown(reply: &Reply) -> String {
    let reply = limits::fit(reply.clone());
    let mut out = String::new();
    if let Some(c) = &reply.content {
        out.push_str(c);
        out.push('\n');
    }
    for e in &reply.embeds {
        if let Some(t) = &e.title {
            out.push_str(&format!("━━ {t} ━━\n"));
        }
        if let Some(u) = &e.url {
            out.push_str(&format!("{u}\n"));
        }
        if let Some(d) = &e.description {
            out.push_str(d);
            out.push('\n');
        }
        for f in &e.fields {
            if f.value.contains('\n') {
                out.push_str(&format!("\n{}\n{}\n", f.name, indent(&f.value)));
            } else {
                out.push_str(&format!("{}: {}\n", f.name, f.value));
            }
        }
        if let Some(image) = &e.image {
            out.push_str(&format!("[image: {image}]\n"));
        }
        if let Some(footer) = &e.footer {
            out.push_str(&format!("— {footer}\n"));
        }
    }
    for row in &reply.components {
        let labels: Vec<String> = row
            .buttons
            .iter()
            .map(|b| format!("[{}]", b.label))
            .collect();
        out.push_str(&labels.join(" "));
        out.push('\n');
    }
    if reply.ephemeral {
        out.push_str("(only you can see this)\n");
    }
    out
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::{Embed, colour};

    #[test]
    fn shows_markdown_as_plain_text() {
        let reply = Reply::embed(
            Embed::new(colour::EXPORTS)
                .title("Japan")
                .description("**$48.52M**")
                .field(
                    "Source",
                    "[Yonhap](https://en.yna.co.kr/x), 2023-07-18",
                    false,
                ),
        );
        assert_eq!(
            render(&reply),
            "━━ Japan ━━\n$48.52M\nSource: Yonhap <https://en.yna.co.kr/x>, 2023-07-18\n"
        );
    }
}
