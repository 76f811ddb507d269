//! Shared support code for the integration tests (`tests/it`); the benchmarks include the fake
//! Discord alone.
pub mod app;
pub mod db;
pub mod exports_csv;
pub mod fake_discord;
pub mod feed_server;
pub mod full;
pub mod logs;
pub mod postgres;
pub mod process;
pub mod wait;
