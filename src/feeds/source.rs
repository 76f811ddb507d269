//! Where a feed's files come from, as the operator wrote it: one address, an address template
//! with the chart date in it, or a directory of weekly files.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// A feed's source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// One file at one address, read whole each time it changes.
    Url(url::Url),
    /// One file per chart week: `{date}` is the chart date (`YYYY-MM-DD`), `{year}` its year.
    Template(String),
    /// A directory of chart files (searched below, too), each read once its name's date is due.
    Dir(PathBuf),
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Source, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err(
                "a feed source is an http(s) address, an address with {date}, or a directory"
                    .into(),
            );
        }
        let scheme = s
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https") => {
                if s.contains("{date}") || s.contains("{year}") {
                    // The template must make an address for any date.
                    let sample = fill(s, NaiveDate::from_ymd_opt(2024, 1, 6).unwrap_or_default());
                    url::Url::parse(&sample).map_err(|e| format!("`{s}`: {e}"))?;
                    Ok(Source::Template(s.to_string()))
                } else {
                    url::Url::parse(s)
                        .map(Source::Url)
                        .map_err(|e| format!("`{s}`: {e}"))
                }
            }
            Some(other) => Err(format!(
                "`{s}`: a feed is read over http or https, not {other}"
            )),
            None => Ok(Source::Dir(PathBuf::from(s))),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Url(u) => write!(f, "{u}"),
            Source::Template(t) => f.write_str(t),
            Source::Dir(d) => write!(f, "{}", d.display()),
        }
    }
}

/// The template's address for the chart week of `date`.
pub fn fill(template: &str, date: NaiveDate) -> String {
    template
        .replace("{date}", &date.format("%Y-%m-%d").to_string())
        .replace("{year}", &date.year().to_string())
}

/// The chart files under `dir`, each with the date its name carries (None when it carries
/// none: such a file is read every pass), sorted by name.
pub fn files_in(dir: &Path) -> std::io::Result<Vec<(PathBuf, Option<NaiveDate>)>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            {
                let date = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(date_in_name);
                out.push((path, date));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The last `YYYY-MM-DD` in a file name (`hot-100-2026-08-22` → 2026-08-22).
fn date_in_name(name: &str) -> Option<NaiveDate> {
    (0..name.len().saturating_sub(9))
        .rev()
        .filter(|i| name.is_char_boundary(*i) && name.is_char_boundary(i + 10))
        .find_map(|i| NaiveDate::parse_from_str(&name[i..i + 10], "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_told_apart_by_their_form() {
        assert!(matches!(
            "https://example.org/hot-100.csv".parse(),
            Ok(Source::Url(_))
        ));
        assert_eq!(
            "https://example.org/{year}/{date}.csv".parse(),
            Ok(Source::Template(
                "https://example.org/{year}/{date}.csv".into()
            ))
        );
        assert_eq!(
            "/var/lib/charts".parse(),
            Ok(Source::Dir(PathBuf::from("/var/lib/charts")))
        );
        assert!("ftp://example.org/a.csv".parse::<Source>().is_err());
        assert!("".parse::<Source>().is_err());
    }

    #[test]
    fn a_template_names_the_week_and_its_year() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 3).unwrap();
        assert_eq!(
            fill("https://x.org/hot-100/{year}/{date}.csv", d),
            "https://x.org/hot-100/2026/2026-01-03.csv"
        );
    }

    #[test]
    fn a_files_date_is_the_last_one_in_its_name() {
        assert_eq!(
            date_in_name("hot-100-2026-08-22"),
            NaiveDate::from_ymd_opt(2026, 8, 22)
        );
        assert_eq!(date_in_name("latest"), None);
    }
}
