//! `kpop-facts db check|backup`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::EXIT_FAILED;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Check the store's integrity; exits non-zero on damage.
    Check,
    /// Write an online, consistent copy of the store to FILE.
    Backup { file: PathBuf },
}

pub async fn run(db: &Path, cmd: DbCommand) -> anyhow::Result<ExitCode> {
    let store = Store::open(db).await?;
    let code = match cmd {
        DbCommand::Check => {
            let problems = store.check().await?;
            if problems.is_empty() {
                println!("{}: ok", db.display());
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{}: {} problem(s):\n{}",
                    db.display(),
                    problems.len(),
                    problems.join("\n")
                );
                ExitCode::from(EXIT_FAILED)
            }
        }
        DbCommand::Backup { file } => {
            store.backup(&file).await?;
            println!("backed up {} to {}", db.display(), file.display());
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}
