//! `kpop-facts db check|backup|copy`. Check and backup need an existing store: a mistyped
//! `--db` is an error, never a new, empty store that passes its checks.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{TimeDelta, Utc};
use clap::{Args, Subcommand};

use super::{EXIT_FAILED, EXIT_USAGE};
use crate::store::backups::{self, Dated};
use crate::store::{Location, Store};

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Check the store's integrity; exits 3 on damage or when there is no store.
    Check,
    /// Write an online, consistent copy of the store to FILE, readable by its owner only
    /// (SQLite; a PostgreSQL store is backed up with pg_dump).
    Backup(BackupArgs),
    /// Copy a SQLite store into an empty PostgreSQL database, all or nothing, and compare the
    /// row counts of every table.
    Copy(CopyArgs),
}

#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The SQLite store to read.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The PostgreSQL database to fill: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, value_name = "URL")]
    to: Location,
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

pub async fn run(db: &Location, cmd: DbCommand) -> anyhow::Result<ExitCode> {
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
    if let DbCommand::Copy(args) = cmd {
        return copy(args).await;
    }
    if let (DbCommand::Backup(args), Location::Postgres(_)) = (&cmd, db) {
        eprintln!(
            "error: db backup copies SQLite stores; back up a PostgreSQL store with its own tool:\n  \
             pg_dump --format=custom --file={} '{db}'",
            args.file.display()
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if let Some(path) = db.sqlite_path()
        && !path.is_file()
    {
        eprintln!(
            "error: no store at {} (db check and db backup never create one; check --db)",
            path.display()
        );
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    let store = Store::open_existing(db).await?;
    let code = match cmd {
        DbCommand::Copy(_) => unreachable!("handled above"),
        DbCommand::Check => report(&db.to_string(), &store.check().await?),
        DbCommand::Backup(args) => {
            let written = store.backup(&args.file).await;
            store.close().await;
            written?;
            println!("backed up {db} to {}", args.file.display());
            if !args.verify {
                return Ok(ExitCode::SUCCESS);
            }
            let copy = Store::open_existing(&args.file).await?;
            let problems = copy.check().await;
            copy.close().await;
            let code = report(&args.file.display().to_string(), &problems?);
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
fn report(store: &str, problems: &[String]) -> ExitCode {
    if problems.is_empty() {
        println!("{store}: ok");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{store}: {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
        ExitCode::from(EXIT_FAILED)
    }
}

/// `db copy`: refuses a missing source or a target that is not PostgreSQL before touching
/// anything; the copy itself commits only when every table's count matches.
async fn copy(args: CopyArgs) -> anyhow::Result<ExitCode> {
    if !matches!(args.to, Location::Postgres(_)) {
        eprintln!("error: --to must be a PostgreSQL URL (postgres://USER@HOST/DATABASE)");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if !args.from.is_file() {
        eprintln!("error: no SQLite store at {}", args.from.display());
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    let from = Store::open(&args.from).await?;
    let to = Store::open(&args.to).await?;
    let copied = crate::store::copy::copy_store(&from, &to).await;
    from.close().await;
    to.close().await;
    for (table, rows) in copied? {
        println!("{table}: {rows} row(s)");
    }
    println!("copied {} to {}", args.from.display(), args.to);
    Ok(ExitCode::SUCCESS)
}
