//! `kpop-facts facts …` (the owner's changes, with the same subcommands and options as
//! `/facts`) and `kpop-facts editors …` (who may make them on Discord).

use crate::store::Location;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{EXIT_REFUSED, EXIT_USAGE};
use crate::app::App;
use crate::commands::invocation::InputFile;
use crate::commands::{self, Caller, CommandError, Invocation};
use crate::edits::{self, EditError, Who};
use crate::i18n::Locale;
use crate::reply::text;
use crate::store::{Actor, Editor};

#[derive(Args, Debug)]
pub struct FactsArgs {
    /// The subcommand and its options as on Discord, e.g.
    /// `set-export country:japan period:2023-H1 value:48,523,000 source:"Yonhap https://…"`;
    /// `import file:PATH` reads a local file.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub words: Vec<String>,
}

pub async fn facts(db: &Location, args: FactsArgs) -> anyhow::Result<ExitCode> {
    // Each argument is one word of the command: quote it again where it holds a space.
    let question: Vec<String> = args
        .words
        .iter()
        .map(|w| match w.split_once(':') {
            Some((k, v)) if v.contains(char::is_whitespace) => format!("{k}:\"{v}\""),
            _ if w.contains(char::is_whitespace) => format!("\"{w}\""),
            _ => w.clone(),
        })
        .collect();
    let mut inv = match Invocation::parse(&format!("/facts {}", question.join(" ")), Locale::En) {
        Ok(inv) => inv,
        Err(CommandError::User(message)) => {
            eprintln!("{message}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
        Err(CommandError::Internal(e)) => return Err(e),
    };
    if let Some(pos) = inv.options.iter().position(|(k, _)| k == "file") {
        let (option, path) = inv.options.remove(pos);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {path}"))?;
        let filename = Path::new(&path)
            .file_name()
            .map_or(path.clone(), |f| f.to_string_lossy().into_owned());
        inv.files.push(InputFile {
            option,
            filename,
            bytes,
        });
    }
    let app = App::open(db).await?;
    let caller = Caller {
        owner: true,
        ..Caller::default()
    };
    let reply = commands::respond(&app, &inv, &caller).await;
    app.store().close().await;
    if reply.modal.is_some() {
        eprintln!("give the new text with text:\"…\"");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    print!("{}", text::render(&reply));
    Ok(if reply.refusal {
        ExitCode::from(EXIT_REFUSED)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Subcommand, Debug)]
pub enum EditorsCommand {
    /// Let a user, or every member with a role in one server, change facts.
    Add(EditorArg),
    /// Take that right away again.
    Remove(EditorArg),
    /// Who may change facts.
    List,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct EditorArg {
    /// A Discord user id.
    #[arg(long)]
    user: Option<u64>,
    /// A role in one server, as GUILD_ID:ROLE_ID.
    #[arg(long, value_parser = parse_role)]
    role: Option<(u64, u64)>,
}

fn parse_role(s: &str) -> Result<(u64, u64), String> {
    let (g, r) = s
        .split_once(':')
        .ok_or("write the role as GUILD_ID:ROLE_ID")?;
    Ok((
        g.trim()
            .parse()
            .map_err(|_| "the guild id is not a number")?,
        r.trim()
            .parse()
            .map_err(|_| "the role id is not a number")?,
    ))
}

impl EditorArg {
    fn editor(&self) -> Editor {
        match (self.user, self.role) {
            (Some(u), _) => Editor::User(u),
            (None, Some((guild, role))) => Editor::Role { guild, role },
            (None, None) => unreachable!("clap requires one of --user and --role"),
        }
    }
}

pub async fn editors(db: &Location, cmd: EditorsCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(db).await?;
    let who = Who {
        actor: Actor::Cli,
        guild_id: None,
    };
    let code = match cmd {
        EditorsCommand::List => {
            let list = app.store().editors().await?;
            if list.is_empty() {
                println!("no editors yet: add one with `kpop-facts editors add --user ID`");
            }
            for e in list {
                println!("{e}");
            }
            ExitCode::SUCCESS
        }
        EditorsCommand::Add(arg) => change(&app, &who, arg.editor(), true).await?,
        EditorsCommand::Remove(arg) => change(&app, &who, arg.editor(), false).await?,
    };
    app.store().close().await;
    Ok(code)
}

async fn change(app: &App, who: &Who, editor: Editor, add: bool) -> anyhow::Result<ExitCode> {
    match edits::set_editor(app.store(), who, editor, add).await {
        Ok(change) => {
            println!(
                "{} {editor} (change #{change})",
                if add { "added" } else { "removed" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(EditError::NotFound) => {
            eprintln!(
                "{editor} {}",
                if add {
                    "is an editor already"
                } else {
                    "is not an editor"
                }
            );
            Ok(ExitCode::from(EXIT_REFUSED))
        }
        Err(e) => Err(anyhow::anyhow!(e)),
    }
}
