//! The crate's layers, checked: every file under `src/` belongs to the layer its top folder
//! names, and may use its own layer's later modules and the layers below, never one above.
//! Discord's client library stays in `src/discord/`, SQL in `src/store/`, terminal progress
//! bars in `src/cli/`.

use std::path::{Path, PathBuf};

/// Top to bottom. Within a layer a module may use the ones listed after it: the CLI starts the
/// gateway client and the weekly scheduler, and the gateway client hosts the scheduler.
const LAYERS: &[&[&str]] = &[
    &["cli", "discord", "weekly", "feeds", "telemetry"],
    &["commands", "reply"],
    &["app"],
    &["edits", "import"],
    &["store"],
    &["domain"],
];

/// Names the crate root re-exports, and the module they stand for.
const ALIASES: &[(&str, &str)] = &[("i18n", "domain")];

/// Files that assemble the crate: they may name every module.
const ROOTS: &[&str] = &["lib.rs", "main.rs"];

/// Words that may appear in code only under one folder.
const CONFINED: &[(&str, &str, &str)] = &[
    ("serenity", "discord", "Discord's client library"),
    ("sqlx::query", "store", "SQL"),
    ("indicatif", "cli", "terminal progress bars"),
];

/// A module's place: (layer, position within the layer), lower layers first in `Ord`.
fn place(module: &str) -> Option<(usize, usize)> {
    let module = ALIASES
        .iter()
        .find(|(alias, _)| *alias == module)
        .map_or(module, |(_, real)| real);
    LAYERS.iter().enumerate().find_map(|(layer, names)| {
        names
            .iter()
            .position(|n| *n == module)
            .map(|pos| (LAYERS.len() - layer, names.len() - pos))
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's module path under the crate root: `src/app/search/mod.rs` is `app::search`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules a line of code names through `crate::`, including each name of a
/// `crate::{a, b::c}` group.
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        // `kpop_crate::` or `pub(crate)` are not paths into this crate.
        if line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        found.push(ident_at(&group[i..]).to_string());
                    }
                    _ => {}
                }
            }
        } else {
            found.push(ident_at(rest).to_string());
        }
    }
    found
}

/// Where `super::` paths lead when they climb to the crate root: the top-level module named
/// next. `depth` is how deep the line sits in inline modules (a file's `mod tests`).
fn super_paths(line: &str, module: &[String], depth: usize) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let preceded = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        let mut tail = &rest[at..];
        let mut climbs = 0;
        while let Some(t) = tail.strip_prefix("super::") {
            climbs += 1;
            tail = t;
        }
        if !preceded && climbs > depth && climbs - depth >= module.len() {
            let name = ident_at(tail);
            if !name.is_empty() {
                found.push(name.to_string());
            }
        }
        rest = tail;
    }
    found
}

/// Everything the layering rules find wrong under `src`, one line each.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).unwrap().to_path_buf();
        let shown = Path::new("src").join(&relative).display().to_string();
        let is_root = ROOTS.iter().any(|r| relative == Path::new(r));
        let module = module_path(&relative);
        let own = if is_root {
            None
        } else {
            module.first().cloned()
        };
        let own_place = match &own {
            Some(m) => match place(m) {
                Some(p) => Some(p),
                None => {
                    wrong.push(format!("{shown}: `{m}` has no layer in tests/tidy.rs"));
                    continue;
                }
            },
            None => None,
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let mut inline_depth = 0;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if code.starts_with("mod ") && code.ends_with('{') {
                inline_depth += 1;
            }
            for (word, folder, what) in CONFINED {
                if code.contains(word) && own.as_deref() != Some(folder) {
                    wrong.push(format!(
                        "{shown}:{}: {what} (`{word}`) belong in src/{folder}/",
                        n + 1
                    ));
                }
            }
            let (Some(own), Some(own_place)) = (&own, own_place) else {
                continue;
            };
            let named =
                crate_paths(code)
                    .into_iter()
                    .chain(super_paths(code, &module, inline_depth));
            for target in named {
                if target == *own {
                    continue;
                }
                if let Some(target_place) = place(&target)
                    && target_place > own_place
                {
                    wrong.push(format!(
                        "{shown}:{}: `{own}` uses `{target}`, which sits above it",
                        n + 1
                    ));
                }
            }
        }
    }
    wrong
}

#[test]
fn layers_only_use_what_sits_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let wrong = violations(&src);
    assert!(
        wrong.is_empty(),
        "the layering is broken ({} places):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    let module = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(crate_paths("use crate::store::Store;"), ["store"]);
    assert_eq!(
        crate_paths("use crate::{app::App, discord::post::{self, Poster}, i18n};"),
        ["app", "discord", "i18n"]
    );
    assert_eq!(
        crate_paths("x = crate::weekly::run(kpop_crate::y);"),
        ["weekly"]
    );
    assert!(crate_paths("pub(crate) fn f() {}").is_empty());
    // `super::` from weekly/mod.rs reaches the crate root; from a test module inside it, not.
    assert_eq!(
        super_paths("use super::discord::X;", &module("weekly"), 0),
        ["discord"]
    );
    assert!(super_paths("use super::*;", &module("weekly"), 1).is_empty());
    assert_eq!(
        super_paths("use super::super::app::App;", &module("weekly::post"), 0),
        ["app"]
    );
    assert!(super_paths("use super::post::Poster;", &module("discord::modlog"), 0).is_empty());
    assert!(place("discord") > place("weekly"));
    assert!(place("weekly") > place("commands"));
    assert!(place("cli") > place("discord"));
    assert_eq!(place("i18n"), place("domain"));
    assert!(place("store") > place("domain"));
    assert!(place("edits") > place("import"));
}
