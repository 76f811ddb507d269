//! `kpop-facts summary setup|off|run-due|preview`: weekly posts from the command line, for the
//! owner and for cron.

use crate::store::Location;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::EXIT_USAGE;
use super::token::TokenArgs;
use crate::app::App;
use crate::commands::spec::WEEKDAYS;
use crate::discord::post::Poster;
use crate::i18n::Locale;
use crate::reply::text;
use crate::store::{Schedule, ScheduleKind};
use crate::weekly::{self, Outcome};

#[derive(Subcommand, Debug)]
pub enum SummaryCommand {
    /// Post a server's summary to a channel on a weekday and hour (UTC), or after each new chart.
    Setup {
        #[arg(long)]
        guild: u64,
        #[arg(long)]
        channel: u64,
        /// weekly (needs --weekday and --hour) or new-chart (after each new chart).
        #[arg(long, default_value = "weekly", value_parser = ScheduleKind::SLUGS)]
        when: String,
        /// mon, tue, wed, thu, fri, sat or sun.
        #[arg(long, required_if_eq("when", "weekly"))]
        weekday: Option<String>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..24), required_if_eq("when", "weekly"))]
        hour: Option<u8>,
        /// The language of the posts: en, ko or ja.
        #[arg(long, default_value = "en")]
        locale: String,
    },
    /// Stop a server's weekly summary.
    Off {
        #[arg(long)]
        guild: u64,
    },
    /// One pass of the scheduler: posts what is due (with DISCORD_TOKEN), or prints it.
    RunDue(RunDueArgs),
    /// Print the post for a chart week.
    Preview {
        /// A chart date, YYYY-MM-DD.
        #[arg(long)]
        week: NaiveDate,
        #[arg(long, default_value = "en")]
        locale: String,
        /// Write the post's picture into this folder.
        #[arg(long, value_name = "DIR")]
        save_images: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct RunDueArgs {
    /// The time to act as, RFC 3339 (default: now).
    #[arg(long)]
    now: Option<DateTime<Utc>>,
    #[command(flatten)]
    token: TokenArgs,
    #[arg(long, env = "DISCORD_API_BASE_URL")]
    api_base_url: Option<String>,
}

// long: one arm per subcommand of `summary`.
pub async fn run(db: &Location, cmd: SummaryCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(db).await?;
    let code = match cmd {
        SummaryCommand::Setup {
            guild,
            channel,
            when,
            weekday,
            hour,
            locale,
        } => {
            let kind = ScheduleKind::parse(&when).unwrap_or_default();
            let (day, hour) = match (kind, weekday, hour) {
                (ScheduleKind::NewChart, _, _) => (0, 0),
                (ScheduleKind::Weekly, Some(weekday), Some(hour)) => {
                    let Some(day) = WEEKDAYS
                        .iter()
                        .position(|d| weekday.to_lowercase().starts_with(d))
                    else {
                        eprintln!("error: --weekday must be one of {}", WEEKDAYS.join(", "));
                        return Ok(ExitCode::from(EXIT_USAGE));
                    };
                    (day as u8, hour)
                }
                (ScheduleKind::Weekly, _, _) => {
                    eprintln!(
                        "error: a weekly summary needs --weekday and --hour (or --when new-chart)"
                    );
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
            };
            let locale = Locale::from_tag(&locale).unwrap_or_default();
            app.store()
                .set_schedule(&Schedule {
                    guild_id: guild,
                    channel_id: channel,
                    kind,
                    weekday: day,
                    hour,
                    locale: locale.tag().to_string(),
                    enabled: true,
                    disabled_reason: None,
                    created_at: Utc::now(),
                })
                .await?;
            match kind {
                ScheduleKind::NewChart => {
                    println!("server {guild}: after each new chart in channel {channel}")
                }
                ScheduleKind::Weekly => println!(
                    "server {guild}: every {} at {hour:02}:00 UTC in channel {channel}",
                    WEEKDAYS[usize::from(day)]
                ),
            }
            ExitCode::SUCCESS
        }
        SummaryCommand::Off { guild } => {
            let had = app.store().remove_schedule(guild).await?;
            println!(
                "server {guild}: {}",
                if had {
                    "weekly summary off"
                } else {
                    "had no weekly summary"
                }
            );
            ExitCode::SUCCESS
        }
        SummaryCommand::RunDue(args) => {
            let now = args.now.unwrap_or_else(Utc::now);
            let poster = args
                .token
                .read()?
                .map(|t| Poster::new(args.api_base_url.as_deref(), t));
            let worker = weekly::worker_id("cli");
            for r in weekly::run_due(&app, poster.as_ref(), now, &worker).await? {
                let what = match &r.outcome {
                    Outcome::WouldPost(Some(reply)) => {
                        format!("would post:\n{}", text::render(reply))
                    }
                    Outcome::WouldPost(None) => "nothing new to post".to_string(),
                    Outcome::Uncertain { reason } => format!(
                        "uncertain: an earlier attempt may have posted it and the channel cannot \
                         be read ({reason}); not posted again. Look in the channel, and give the \
                         bot Read Message History there"
                    ),
                    Outcome::Found { message_id } => {
                        format!("an earlier attempt had posted it (message {message_id}); recorded")
                    }
                    other => format!("{other:?}"),
                };
                println!("server {} · slot {}: {what}", r.guild_id, r.slot);
            }
            ExitCode::SUCCESS
        }
        SummaryCommand::Preview {
            week,
            locale,
            save_images,
        } => {
            let locale = Locale::from_tag(&locale).unwrap_or_default();
            let slot = week
                .and_hms_opt(23, 59, 59)
                .expect("a valid time")
                .and_utc();
            match crate::commands::weekly_post::build(&app, locale, slot, None, None).await? {
                Some((reply, _)) => {
                    print!("{}", text::render(&reply));
                    if let Some(dir) = &save_images {
                        super::save_images(dir, &reply)?;
                    }
                }
                None => println!("nothing to post for {week}"),
            }
            ExitCode::SUCCESS
        }
    };
    app.store().close().await;
    Ok(code)
}
