//! `kpop-facts import billboard|exports FILE`.

use crate::store::Location;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::EXIT_FAILED;
use crate::domain::chart::Chart;
use crate::import::{ImportError, Progress, billboard, describe_errors, exports, seed};
use crate::store::Actor;

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Billboard chart weeks: chart_date,position,title,artist,last_week,peak,weeks_on_chart.
    Billboard {
        /// hot-100 or billboard-200.
        #[arg(long, value_parser = parse_chart)]
        chart: Chart,
        file: PathBuf,
    },
    /// Export figures in the format of data/exports.csv.
    Exports { file: PathBuf },
}

fn parse_chart(s: &str) -> Result<Chart, String> {
    Chart::parse(s).ok_or_else(|| format!("`{s}` is not a chart: use hot-100 or billboard-200"))
}

pub async fn run(db: &Location, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let store = seed::open(db).await?;
    let started = Instant::now();
    let (file, outcome) = match &cmd {
        ImportCommand::Billboard { chart, file } => {
            let data =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let bar = progress_bar();
            let mut tx = store.begin().await?;
            let result = billboard::import(&mut tx, *chart, &data, &Actor::Cli, &bar).await;
            bar.finish_and_clear();
            let outcome = match result {
                Ok(report) => {
                    tx.commit().await?;
                    Ok(format!(
                        "{}: {} rows read, {} added, {} unchanged, {} warning(s); {} weeks, {} new runs",
                        chart.name(),
                        report.rows,
                        report.added,
                        report.unchanged,
                        report.warnings,
                        report.weeks,
                        report.new_songs
                    ) + &warnings(&report.warning_samples, report.warnings))
                }
                Err(e) => Err(e),
            };
            (file, outcome)
        }
        ImportCommand::Exports { file } => {
            let data =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let mut tx = store.begin().await?;
            let outcome = match exports::import(&mut tx, &data, &Actor::Cli, None).await {
                Ok(r) => {
                    tx.commit().await?;
                    Ok(format!(
                        "exports: {} rows read, {} new figures, {} source links added, {} values withheld, {} rows skipped, {} revisions",
                        r.rows,
                        r.figures_added,
                        r.sources_linked,
                        r.values_withheld,
                        r.rows_skipped,
                        r.revisions
                    ))
                }
                Err(e) => Err(e),
            };
            (file, outcome)
        }
    };
    store.close().await;
    match outcome {
        Ok(summary) => {
            println!("{summary}\n({:.1} s)", started.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => {
            eprintln!(
                "{}: nothing imported; {} unreadable row(s):\n{}",
                file.display(),
                errors.len(),
                describe_errors(&errors, 50)
            );
            Ok(ExitCode::from(EXIT_FAILED))
        }
        Err(ImportError::Other(e)) => Err(e),
    }
}

fn warnings(samples: &[String], total: usize) -> String {
    if samples.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "\nwarnings (rows imported as they are):\n  {}",
        samples.join("\n  ")
    );
    if total > samples.len() {
        s.push_str(&format!("\n  … and {} more", total - samples.len()));
    }
    s
}

/// An import's progress, drawn as the terminal's bar.
impl Progress for ProgressBar {
    fn start(&self, steps: u64) {
        self.set_length(steps);
    }

    fn advance(&self, steps: u64) {
        self.inc(steps);
    }
}

/// A progress bar on a terminal; nothing when stderr is not one.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {percent}% ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("importing");
    bar
}
