//! kpop-facts: a Discord bot that answers K-pop market facts (album exports and Billboard
//! chart runs), each with its source and date.
//!
//! Layout:
//! - [`domain`]: typed values parsed at the edge (country, period, money, chart, runs) and the
//!   text folding every matcher shares. No I/O.
//! - [`store`]: the SQLite fact store (sqlx): pool, migrations, one module per table family.
//!   Every write goes through a `WriteTx` that leaves an audit row.
//! - [`import`]: CSV importers (exports, Billboard weeks, acts, notes) and the seed data a new
//!   store starts with.
//! - [`edits`]: changes to facts (set, remove, notes, aliases, imports, undo): checked, one
//!   transaction each, audited with before and after snapshots.
//! - [`search`]: the in-memory index for forgiving title and artist look-ups and autocomplete.
//! - [`acts`]: each act's runs counted over the weeks that credit it, and its groups.
//! - [`cache`]: the small tables (export figures, sources, notes) held in memory.
//! - [`app`]: the store plus its in-memory views: the one core every edge answers through.
//! - [`commands`]: one module per slash command, taking an `Invocation` and returning a `Reply`;
//!   `commands::spec` lists every command and option once.
//! - [`cooldown`]: per-user limits on the commands that draw pictures, write or import files,
//!   and on autocomplete.
//! - [`reply`]: replies as data, Discord's limits, the JSON the bot sends, terminal text and
//!   pictures.
//! - [`i18n`]: English, Korean and Japanese texts.
//! - [`discord`]: the serenity gateway client: interactions in, reply JSON out, command
//!   registration when the command set changes.
//! - [`weekly`]: weekly summary posts: schedules, slots claimed before posting, catch-up.
//! - [`cli`]: the `kpop-facts` command line (`ask`, `import`, `db`, `run`).
//! - [`redact`]: secrets (tokens, signed URLs) taken out of every log line.

pub mod app;
pub mod cli;
pub mod commands;
pub mod discord;
pub mod domain;
pub mod edits;
pub mod import;
pub mod reply;
pub mod store;
pub mod weekly;

/// Every layer speaks the message catalogue, so it is reachable from the root as well.
pub use domain::i18n;
