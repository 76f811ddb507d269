//! `kpop-facts db check|backup`. Both need an existing store: a mistyped `--db` is an error,
//! never a new, empty store that passes its checks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{TimeDelta, Utc};
use clap::{Args, Subcommand};

use super::{EXIT_FAILED, EXIT_USAGE};
use crate::store::Store;
use crate::store::backups::{self, Dated};

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Check the store's integrity; exits 3 on damage or when there is no store.
    Check,
    /// Write an online, consistent copy of the store to FILE, readable by its owner only.
    Backup(BackupArgs),
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    file: PathBuf,
    /// Open the copy and check its integrity; exits 3 if it fails.
    #[arg(long)]
    verify: bool,
    /// After a verified copy, remove the backups beside FILE dated more than N days ago:
    /// FILE must be named like kpop-facts-2026-01-31T0300.db (UTC), and only files named like
    /// it, with the same prefix, are removed.
    #[arg(long, value_name = "N", requires = "verify",
          value_parser = clap::value_parser!(u32).range(1..))]
    keep_days: Option<u32>,
}

pub async fn run(db: &Path, cmd: DbCommand) -> anyhow::Result<ExitCode> {
    if let DbCommand::Backup(args) = &cmd
        && args.keep_days.is_some()
        && Dated::of(&args.file).is_none()
    {
        eprintln!(
            "error: --keep-days needs FILE named like kpop-facts-2026-01-31T0300.db (a prefix, the time in UTC), \
             to know which files beside it are older backups"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if !db.is_file() {
        eprintln!(
            "error: no store at {} (db check and db backup never create one; check --db)",
            db.display()
        );
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    let store = Store::open_existing(db).await?;
    let code = match cmd {
        DbCommand::Check => report(db, &store.check().await?),
        DbCommand::Backup(args) => {
            let written = store.backup(&args.file).await;
            store.close().await;
            written?;
            println!("backed up {} to {}", db.display(), args.file.display());
            if !args.verify {
                return Ok(ExitCode::SUCCESS);
            }
            let copy = Store::open_existing(&args.file).await?;
            let problems = copy.check().await;
            copy.close().await;
            let code = report(&args.file, &problems?);
            // Old backups go only once the new one is known to be good.
            if code == ExitCode::SUCCESS
                && let Some(days) = args.keep_days
            {
                let keep = TimeDelta::days(i64::from(days));
                for removed in backups::prune_beside(&args.file, keep, Utc::now())? {
                    println!("removed {}", removed.display());
                }
            }
            return Ok(code);
        }
    };
    store.close().await;
    Ok(code)
}

/// Prints the outcome of a check: exit 0 when sound, 3 with the problems otherwise.
fn report(path: &Path, problems: &[String]) -> ExitCode {
    if problems.is_empty() {
        println!("{}: ok", path.display());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{}: {} problem(s):\n{}",
            path.display(),
            problems.len(),
            problems.join("\n")
        );
        ExitCode::from(EXIT_FAILED)
    }
}
