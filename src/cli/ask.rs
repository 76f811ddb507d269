//! `kpop-facts ask "/exports japan"`: one answer, offline, through the same core as the bot.

use crate::store::Location;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;

use super::{EXIT_REFUSED, EXIT_USAGE};
use crate::app::App;
use crate::commands::{self, Caller, CommandError, Invocation};
use crate::i18n::Locale;
use crate::reply::{Reply, json, text};

/// The user `ask` speaks as unless told: a placeholder id no Discord account has.
const ASKER: u64 = 0;

#[derive(Args, Debug)]
pub struct AskArgs {
    /// The slash command as typed in Discord, e.g. "/exports japan 2023-H1".
    pub question: String,
    /// Print the interaction-response body the bot sends for this question, byte for byte,
    /// instead of text (pipe it through `jq` to read it).
    #[arg(long)]
    pub json: bool,
    /// Ask in this language: en, ko or ja.
    #[arg(long, default_value = "en")]
    pub locale: String,
    /// Ask as this Discord user id: answers only the asker may page through carry buttons
    /// for this id, as they would for that user on Discord.
    #[arg(long, value_name = "ID", default_value_t = ASKER)]
    pub user: u64,
    /// Ask in this server (id), as a member without special permissions; by default in a DM.
    #[arg(long, value_name = "ID")]
    pub guild: Option<u64>,
    /// Write the reply's pictures into this folder.
    #[arg(long, value_name = "DIR")]
    pub save_images: Option<PathBuf>,
    /// Answer as at this time, RFC 3339 ("this year" and "last year" are read against its UTC
    /// date; default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<DateTime<Utc>>,
}

pub async fn run(db: &Location, args: AskArgs) -> anyhow::Result<ExitCode> {
    let Some(locale) = Locale::from_tag(&args.locale) else {
        eprintln!("error: --locale must be en, ko or ja");
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    let app = App::open(db).await?;
    // `ask` speaks as an ordinary member: no editor rights, but a user like any on Discord, so
    // the reply is the one that user would get, buttons and all.
    let caller = Caller {
        user_id: Some(args.user),
        guild_id: args.guild,
        locale,
        ..Caller::default()
    };
    let reply = match Invocation::parse(&args.question, locale) {
        Ok(inv) => {
            let now = args.now.unwrap_or_else(Utc::now);
            commands::respond_at(&app, &inv, &caller, now).await
        }
        Err(CommandError::User(message)) => Reply::refusal(message),
        Err(CommandError::Internal(e)) => return Err(e),
    };
    if args.json {
        // Serialised as the gateway client serialises it, so the bytes are the ones sent.
        println!(
            "{}",
            serde_json::to_string(&json::interaction_response(&reply))?
        );
    } else {
        print!("{}", text::render(&reply));
    }
    if let Some(dir) = &args.save_images {
        super::save_images(dir, &reply)?;
    }
    app.store().close().await;
    Ok(if reply.refusal {
        ExitCode::from(EXIT_REFUSED)
    } else {
        ExitCode::SUCCESS
    })
}
