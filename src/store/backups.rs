//! Backups of the store: a consistent copy taken while the store is in use, readable by its
//! owner only, and the retention of the dated copies the backup timer leaves side by side
//! (`kpop-facts-2026-01-31T0300.db`).

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::Store;

/// The time in a backup's name, in UTC, as `date -u +%Y-%m-%dT%H%M` writes it.
const STAMP: &str = "%Y-%m-%dT%H%M";
const STAMP_LEN: usize = "2026-01-31T0300".len();

impl Store {
    /// Writes a consistent copy of the store to `path` (which must not exist) while it stays
    /// in use.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn backup(&self, path: &Path) -> anyhow::Result<()> {
        let target = path
            .to_str()
            .context("the backup path must be valid UTF-8")?;
        // Created empty and private first: SQLite writes into it and keeps its mode, so the
        // copy is never readable by others, whatever the umask.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        anyhow::ensure!(
            !self.is_postgres(),
            "a PostgreSQL store is backed up with pg_dump"
        );
        let mut writer = self.writer().await?;
        let super::Engine::Sqlite(c) = writer.conn() else {
            unreachable!("checked above")
        };
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(c)
            .await
            .map(|r| r.rows_affected());
        if let Err(e) = copied {
            let _ = std::fs::remove_file(path);
            return Err(e.into());
        }
        Ok(())
    }
}

/// A backup named `<family>-<stamp>.db`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dated {
    pub family: String,
    pub at: NaiveDateTime,
}

impl Dated {
    pub fn of(path: &Path) -> Option<Dated> {
        let stem = path.file_name()?.to_str()?.strip_suffix(".db")?;
        let (head, stamp) = stem.split_at_checked(stem.len().checked_sub(STAMP_LEN)?)?;
        let family = head.strip_suffix('-').filter(|f| !f.is_empty())?;
        let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
        // Only the exact spelling: chrono would also take shorter fields.
        (at.format(STAMP).to_string() == stamp).then(|| Dated {
            family: family.to_string(),
            at,
        })
    }
}

/// Removes the backups of `file`'s family in its folder dated more than `keep` before `now`:
/// plain files named `<family>-<stamp>.db` only, never `file` itself. Returns what it removed.
pub fn prune_beside(
    file: &Path,
    keep: TimeDelta,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<PathBuf>> {
    let Some(this) = Dated::of(file) else {
        anyhow::bail!("{} is not named like a dated backup", file.display());
    };
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let cutoff = (now - keep).naive_utc();
    let mut removed = Vec::new();
    for entry in
        std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?
    {
        let entry = entry?;
        let path = entry.path();
        let old = Dated::of(&path).is_some_and(|d| d.family == this.family && d.at < cutoff);
        // file_type does not follow links: a link is not a backup.
        if !old || !entry.file_type()?.is_file() || path.file_name() == file.file_name() {
            continue;
        }
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        removed.push(path);
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_names_are_read_exactly() {
        let d = Dated::of(Path::new("/var/backups/kpop-facts-2026-01-31T0300.db")).unwrap();
        assert_eq!(d.family, "kpop-facts");
        assert_eq!(d.at.to_string(), "2026-01-31 03:00:00");
        for name in [
            "kpop-facts-2026-01-31T0300.db-wal",
            "kpop-facts-2026-01-31T03000.db",
            "kpop-facts-2026-1-31T0300.db",
            "kpop-facts2026-01-31T0300.db",
            "-2026-01-31T0300.db",
            "2026-01-31T0300.db",
            "kpop-facts-2026-02-30T0300.db",
            "kpop-facts.db",
            "kpop-facts-한국-2026.db",
        ] {
            assert_eq!(Dated::of(Path::new(name)), None, "{name}");
        }
    }
}
