//! The integration tests, built as one binary: each module holds the tests of one area, and
//! `tests/support` (the fake Discord among it) is compiled and linked once for all of them.
//! Run one area with `cargo test --test it gateway::`.

#[path = "../support/mod.rs"]
mod support;

mod act_answers;
mod answers_during_import;
mod ask_json;
mod chart_answers;
mod cli;
mod compare;
mod export_answers;
mod export_trends;
mod fake_discord_selftest;
mod faults;
mod feeds;
mod freshness;
mod fuzz_corpus;
mod gateway;
mod hostile;
mod incremental_weeks;
mod logs;
mod milestones;
mod moderation;
mod pictures;
mod postgres_cluster;
mod postgres_store;
mod properties;
mod records;
mod replies;
mod run_process;
mod runs_match_data;
mod shard_leases;
mod shards;
mod share_visibility;
mod sheet_feed;
mod store;
mod thisweek;
mod tidy;
mod tidy_functions;
mod uploads_and_buttons;
mod weekly;
mod weekly_new_chart;
mod wording;
