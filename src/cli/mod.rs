//! The `kpop-facts` command line. Exit status: 0 for an answer or a done job, 1 when the
//! question was refused (bad input, nothing found), 2 for misuse of the command line itself,
//! 3 when something failed (a store that cannot be opened, a refused import), 78 when Discord
//! refused the bot's session for good (gateway close code 4004, 4010, 4012, 4013 or 4014).

mod ask;
mod db;
mod facts;
mod feed;
mod import;
mod run;
mod summary;
mod token;

use std::path::Path;
use std::process::ExitCode;

use std::io::Write;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::discord::redact::redact;
use crate::reply::Reply;

pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_FAILED: u8 = 3;
/// Discord refused the session for good: the token, the shard or the intents (sysexits
/// EX_CONFIG); restarting would not help.
pub const EXIT_CONFIG: u8 = 78;

/// How long the exit waits for tasks still running when the command is done.
const RUNTIME_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

#[derive(Parser, Debug)]
#[command(
    name = "kpop-facts",
    version,
    about = "K-pop market facts for Discord: album exports and Billboard chart runs, with sources."
)]
pub struct Cli {
    /// The fact store: a SQLite file (created when missing) or a PostgreSQL database URL
    /// (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE). Either is migrated and seeded when
    /// empty.
    #[arg(
        long,
        global = true,
        env = "KPOP_FACTS_DB",
        default_value = "kpop-facts.db"
    )]
    pub db: crate::store::Location,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Answer a slash command offline, as the bot would: `ask "/exports japan"`.
    Ask(ask::AskArgs),
    /// Import CSV files into the store.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Change facts as the owner: `facts set-export country:japan period:2023-H1 …`.
    Facts(facts::FactsArgs),
    /// Manage who may change facts on Discord.
    #[command(subcommand)]
    Editors(facts::EditorsCommand),
    /// Weekly summary posts: setup, off, run-due, preview.
    #[command(subcommand)]
    Summary(summary::SummaryCommand),
    /// Serve the commands on Discord (needs the bot token: DISCORD_TOKEN_FILE or DISCORD_TOKEN).
    Run(run::RunArgs),
    /// Check or back up the store.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Data that arrives by itself: run-once, status.
    #[command(subcommand)]
    Feed(feed::FeedCommand),
}

/// Caps glibc's malloc arenas at two, before any thread starts. By default each thread that
/// allocates may get an arena of its own (up to eight per core), and memory freed in one is not
/// reused by another: building the indexes on tokio's blocking threads then leaves several
/// megabytes stranded. With two the process stays within its memory budget (BENCHMARKS.md);
/// small allocations still go through each thread's own cache.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

pub fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    init_logging(match cli.command {
        Command::Run(_) | Command::Feed(_) => "warn,kpop_facts=info",
        _ => "warn",
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Ask(args) => ask::run(&cli.db, args).await,
            Command::Import(cmd) => import::run(&cli.db, cmd).await,
            Command::Db(cmd) => db::run(&cli.db, cmd).await,
            Command::Run(args) => run::run(&cli.db, args).await,
            Command::Facts(args) => facts::facts(&cli.db, args).await,
            Command::Editors(cmd) => facts::editors(&cli.db, cmd).await,
            Command::Summary(cmd) => summary::run(&cli.db, cmd).await,
            Command::Feed(cmd) => feed::run(&cli.db, cmd).await,
        }
    });
    // Work left behind (a connection that will not close) must not keep the process alive.
    runtime.shutdown_timeout(RUNTIME_GRACE);
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", redact(&format!("{e:#}")));
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings and errors, and the bot's own
/// progress when it runs), each line with its secrets taken out.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let lines = tracing_subscriber::fmt::layer()
        // Colour codes inside a line would hide `token=` from the redaction.
        .with_ansi(false)
        .with_writer(RedactedStderr);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(crate::telemetry::StoreErrors)
        .try_init();
}

/// Hands the logger one buffer per line and writes it to stderr through [`redact`] when the
/// line is complete.
struct RedactedStderr;

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedLine;

    fn make_writer(&'a self) -> RedactedLine {
        RedactedLine(Vec::new())
    }
}

struct RedactedLine(Vec<u8>);

impl Write for RedactedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedLine {
    fn drop(&mut self) {
        let line = String::from_utf8_lossy(&self.0);
        // Nowhere to report a failed write to stderr.
        let _ = std::io::stderr().write_all(redact(&line).as_bytes());
    }
}

/// Writes a reply's pictures into `dir` (`--save-images`).
fn save_images(dir: &Path, reply: &Reply) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for a in &reply.attachments {
        let path = dir.join(&a.filename);
        std::fs::write(&path, a.bytes.as_slice())
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("saved {}", path.display());
    }
    Ok(())
}
