//! Functions stay short enough to read in one go: one longer than [`MAX_LINES`] says why on the
//! line before it (or in its doc comment), with a comment containing `long:`.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 80;

/// Long functions in `src/commands/`, which is being reshaped as a whole: each is named by its
/// file and function, and goes from this list when it is split or explains itself.
const COMMANDS_KNOWN_LONG: &[(&str, &str)] = &[];

/// A function longer than [`MAX_LINES`]: file, name, first line, length.
#[derive(Debug)]
struct Long {
    file: String,
    name: String,
    line: usize,
    lines: usize,
    explained: bool,
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

/// The line with its string and character literals and line comments blanked, so their
/// braces do not count.
fn code_of(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_str = false,
                _ => {}
            }
            out.push(' ');
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(' ');
            }
            '/' if chars.peek() == Some(&'/') => break,
            '\'' => {
                // A char literal ('{', '\''), not a lifetime ('a).
                let rest: String = chars.clone().take(3).collect();
                let len = if rest.starts_with('\\') {
                    rest.find('\'').map(|i| i + 1).filter(|i| *i > 1)
                } else if rest.chars().nth(1) == Some('\'') {
                    Some(2)
                } else {
                    None
                };
                match len {
                    Some(n) => {
                        for _ in 0..n {
                            chars.next();
                        }
                        out.push(' ');
                    }
                    None => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn fn_name(code: &str) -> Option<String> {
    let at = code
        .match_indices("fn ")
        .find(|(i, _)| *i == 0 || !code[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_'))?
        .0;
    let rest = &code[at + 3..];
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Whether the comments right above line `at` (doc comments and attributes included) say why
/// the function is long.
fn explained(lines: &[&str], at: usize) -> bool {
    let mut i = at;
    while i > 0 {
        i -= 1;
        let l = lines[i].trim();
        if l.starts_with("//") || l.starts_with("#[") {
            if l.starts_with("//") && l.contains("long:") {
                return true;
            }
        } else {
            return false;
        }
    }
    false
}

fn long_functions(file: &str, text: &str) -> Vec<Long> {
    let lines: Vec<&str> = text.lines().collect();
    let code: Vec<String> = lines.iter().map(|l| code_of(l)).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // Test modules are not held to this.
        if lines[i].trim() == "#[cfg(test)]"
            && let Some(end) = block_end(&code, i + 1)
        {
            i = end + 1;
            continue;
        }
        if let Some(name) = fn_name(&code[i])
            && let Some(end) = block_end(&code, i)
            && end - i + 1 > MAX_LINES
        {
            found.push(Long {
                file: file.to_string(),
                name,
                line: i + 1,
                lines: end - i + 1,
                explained: explained(&lines, i),
            });
        }
        i += 1;
    }
    found
}

/// The line where the block opened at or after `start` closes: None for an item without a
/// body (a declaration ending in `;`).
fn block_end(code: &[String], start: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut opened = false;
    for (i, line) in code.iter().enumerate().skip(start) {
        for c in line.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                ';' if !opened && depth == 0 => return None,
                _ => {}
            }
            if opened && depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn all_long() -> Vec<Long> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            long_functions(&rel, &std::fs::read_to_string(path).unwrap())
        })
        .collect()
}

#[test]
fn long_functions_say_why() {
    let unexplained: Vec<String> = all_long()
        .into_iter()
        .filter(|f| !f.explained)
        .filter(|f| {
            !(f.file.starts_with("src/commands/")
                && COMMANDS_KNOWN_LONG.contains(&(f.file.as_str(), f.name.as_str())))
        })
        .map(|f| format!("{}:{} fn {} ({} lines)", f.file, f.line, f.name, f.lines))
        .collect();
    assert!(
        unexplained.is_empty(),
        "functions over {MAX_LINES} lines without a `long:` comment saying why:\n{}",
        unexplained.join("\n")
    );
}

#[test]
fn the_known_long_commands_are_still_long() {
    let long = all_long();
    for (file, name) in COMMANDS_KNOWN_LONG {
        assert!(
            long.iter().any(|f| f.file == *file && f.name == *name),
            "{file} fn {name} is no longer long: take it off COMMANDS_KNOWN_LONG"
        );
    }
}

#[test]
fn the_counter_finds_a_long_function_and_its_reason() {
    let body = "    x();\n".repeat(MAX_LINES);
    let src = format!(
        "fn short() {{ let c = '{{'; }}\n\nfn long() {{\n{body}}}\n\n// long: one table.\nfn why() {{\n{body}}}\n\n#[cfg(test)]\nmod tests {{\n    fn t() {{\n{body}    }}\n}}\n"
    );
    let found = long_functions("x.rs", &src);
    let names: Vec<(&str, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.explained))
        .collect();
    assert_eq!(names, [("long", false), ("why", true)]);
}
