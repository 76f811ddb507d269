//! One `kpop-facts run` per store. Two bots on one store would answer every interaction twice
//! and race for the weekly posts, so `run` holds an OS lock on `<db>.lock` while it lives. The
//! kernel lets the lock go when the holder exits however it exits (a crash, SIGKILL), so a
//! restart is never blocked by a stale file. The file names the holder's PID, for the message.

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Held until dropped (or the process ends).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another `kpop-facts run` (PID {pid}) is serving this store: {} is locked",
        path.display()
    )]
    Held { pid: String, path: PathBuf },
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RunLock {
    /// Takes the lock of the store at `db`, or says which process has it.
    pub fn acquire(db: &Path) -> Result<RunLock, LockError> {
        let path = lock_path(db);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = match pid.trim() {
                    "" => "unknown".to_string(),
                    p => p.to_string(),
                };
                return Err(LockError::Held { pid, path });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.write_all(format!("{}\n", std::process::id()).as_bytes())
            .map_err(io)?;
        Ok(RunLock { _file: file })
    }
}

/// `kpop-facts.db` → `kpop-facts.db.lock`, beside it.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map_or_else(OsString::new, OsString::from);
    name.push(".lock");
    db.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_holder_is_told_who_has_it_and_a_dropped_lock_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("facts.db");
        let first = RunLock::acquire(&db).unwrap();
        assert_eq!(
            std::fs::read_to_string(lock_path(&db)).unwrap(),
            format!("{}\n", std::process::id())
        );
        match RunLock::acquire(&db) {
            Err(LockError::Held { pid, path }) => {
                assert_eq!(pid, std::process::id().to_string());
                assert_eq!(path, dir.path().join("facts.db.lock"));
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        RunLock::acquire(&db).unwrap();
    }
}
