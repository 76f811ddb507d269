//! The bot token for `run` and `summary run-due`: from a file (`--token-file`,
//! `DISCORD_TOKEN_FILE`, e.g. a systemd credential) or from `DISCORD_TOKEN`. Never a flag of its
//! own: the process list shows every flag.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::discord::Secret;

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// A file holding the bot token (Discord developer portal → your application → Bot); when
    /// not given, DISCORD_TOKEN is read.
    #[arg(long, env = "DISCORD_TOKEN_FILE", value_name = "PATH")]
    token_file: Option<PathBuf>,
}

impl TokenArgs {
    /// The token from the file, else from `DISCORD_TOKEN`; None when neither holds one.
    pub fn read(&self) -> anyhow::Result<Option<Secret>> {
        let raw = match &self.token_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("reading the token file {}", path.display()))?,
            None => std::env::var("DISCORD_TOKEN").unwrap_or_default(),
        };
        let token = Secret::new(raw);
        Ok((!token.is_empty()).then_some(token))
    }
}
