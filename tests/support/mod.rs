//! Shared support code for the integration tests and benchmarks (`mod support;`).
pub mod app;
pub mod fake_discord;
pub mod process;
