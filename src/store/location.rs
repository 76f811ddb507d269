//! Where a store lives, as `--db` / `KPOP_FACTS_DB` name it: a SQLite file path, or a
//! `postgres://` / `postgresql://` URL.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// The URL as given; shown only through [`Location`]'s `Display`, without its password.
    Postgres(String),
}

impl Location {
    /// The SQLite file, when the store is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl FromStr for Location {
    type Err = String;

    fn from_str(s: &str) -> Result<Location, String> {
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            url::Url::parse(s).map_err(|e| {
                format!("not a PostgreSQL URL ({e}): postgres://USER@HOST:PORT/DATABASE")
            })?;
            return Ok(Location::Postgres(s.to_string()));
        }
        if s.is_empty() {
            return Err("empty: give a SQLite file path or a postgres:// URL".into());
        }
        Ok(Location::Sqlite(PathBuf::from(s)))
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Location {
        Location::Sqlite(path.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::Sqlite(path)
    }
}

impl From<&Location> for Location {
    fn from(at: &Location) -> Location {
        at.clone()
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Location {
        Location::Sqlite(path.clone())
    }
}

/// As a command line argument (`--db`).
impl AsRef<std::ffi::OsStr> for Location {
    fn as_ref(&self) -> &std::ffi::OsStr {
        match self {
            Location::Sqlite(path) => path.as_os_str(),
            Location::Postgres(url) => url.as_ref(),
        }
    }
}

/// The path, or the URL with its password replaced by `***`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    write!(f, "{u}")
                }
                Err(_) => f.write_str("postgres://…"),
            },
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_anything_else_a_file() {
        assert_eq!(
            "postgres://u@h/db".parse::<Location>().unwrap(),
            Location::Postgres("postgres://u@h/db".into())
        );
        assert!(matches!(
            "POSTGRESQL://u@h:5433/db".parse::<Location>().unwrap(),
            Location::Postgres(_)
        ));
        assert_eq!(
            "kpop-facts.db".parse::<Location>().unwrap(),
            Location::Sqlite("kpop-facts.db".into())
        );
        assert!("".parse::<Location>().is_err());
    }

    #[test]
    fn the_password_is_never_shown() {
        let at: Location = "postgres://kpop:s3cret@db.internal:5432/kpop"
            .parse()
            .unwrap();
        assert_eq!(at.to_string(), "postgres://kpop:***@db.internal:5432/kpop");
        assert!(!format!("{at:?}").contains("s3cret"));
    }
}
