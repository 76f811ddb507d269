//! kpop-facts: a Discord bot that answers K-pop market facts (album exports and Billboard
//! chart runs), each with its source and date.
//!
//! Layout, in layers: a module uses its own layer and the ones below it, never one above
//! (`tests/it/tidy.rs` checks it). Top to bottom:
//! - The edges. [`cli`]: the `kpop-facts` command line (`ask`, `import`, `db`, `run`,
//!   `summary`). [`discord`]: the serenity gateway client (interactions in, reply JSON out,
//!   command registration when the command set changes), with its per-user cooldowns and the
//!   redaction of secrets from every log line. [`weekly`]: weekly summary posts (schedules,
//!   slots claimed before posting, catch-up), sent through its own `Channel` trait, which the
//!   Discord client implements. [`telemetry`]: the Prometheus metrics and the health check an
//!   operator scrapes.
//! - [`commands`]: `commands::Command`, every command and its options as one typed set (read
//!   once from an `Invocation`), and one module per command returning a `Reply`; `weekly_post` builds the weekly
//!   post and `changes` says how a change to the facts reads. [`reply`]: replies as data,
//!   Discord's limits, the JSON the bot sends, terminal text and pictures.
//! - [`app`]: the store plus its in-memory views (`cache`, `search`, `acts`): the one core
//!   every edge answers through; it seeds the stores it opens.
//! - [`edits`]: changes to facts (set, remove, notes, aliases, imports, undo): checked, one
//!   transaction each, audited with before and after snapshots. [`import`]: CSV importers
//!   (exports, Billboard weeks, acts, notes) and the seed data a new store starts with.
//! - [`store`]: the SQLite fact store (sqlx): pool, migrations, one module per table family;
//!   the only place SQL is written. Every write goes through a `WriteTx` that leaves an audit
//!   row.
//! - [`domain`]: typed values parsed at the edge (country, period, money, chart, runs), the
//!   text folding every matcher shares, and `i18n` (English, Korean and Japanese texts,
//!   re-exported here as [`i18n`]). No I/O.

pub mod app;
pub mod cli;
pub mod commands;
pub mod discord;
pub mod domain;
pub mod edits;
pub mod feeds;
pub mod import;
pub mod reply;
pub mod store;
pub mod telemetry;
pub mod weekly;

/// Every layer speaks the message catalogue, so it is reachable from the root as well.
pub use domain::i18n;
