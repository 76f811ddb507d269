//! `/summary setup|off|preview`: a server's summary post, weekly or after each new chart. For
//! members who manage the server, checked here on the server side.

use chrono::Utc;

use super::command::{Summary, SummarySetup};
use super::{Caller, CommandError, CommandResult, spec, user_error};
use crate::app::App;
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::Reply;
use crate::store::{Schedule, ScheduleKind};

pub async fn run(app: &App, asked: &Summary, locale: Locale, caller: &Caller) -> CommandResult {
    let Some(guild) = caller.guild_id else {
        return Err(user_error(locale, msg::summary_server_only()));
    };
    if !caller.manages_server() {
        return Err(user_error(locale, msg::summary_not_manager()));
    }
    match asked {
        Summary::Setup(c) => setup(app, c, locale, caller, guild).await,
        Summary::Off(_) => {
            let message = if app.store().remove_schedule(guild).await? {
                msg::summary_off()
            } else {
                msg::summary_none()
            };
            Ok(Reply::done(t(locale, message)))
        }
        Summary::Preview(_) => preview(app, guild, locale).await,
    }
}

fn weekday(text: &str, locale: Locale) -> Result<u8, CommandError> {
    spec::WEEKDAYS
        .iter()
        .position(|d| text.to_lowercase().starts_with(d))
        .map(|i| i as u8)
        .ok_or_else(|| user_error(locale, msg::summary_bad_weekday()))
}

async fn setup(
    app: &App,
    asked: &SummarySetup,
    locale: Locale,
    caller: &Caller,
    guild: u64,
) -> CommandResult {
    let channel: u64 = asked
        .channel
        .trim_start_matches("<#")
        .trim_end_matches('>')
        .parse()
        .map_err(|_| user_error(locale, msg::summary_bad_channel()))?;
    let kind = match &asked.when {
        None => ScheduleKind::Weekly,
        Some(w) => {
            ScheduleKind::parse(w).ok_or_else(|| user_error(locale, msg::summary_bad_when()))?
        }
    };
    let (weekday, hour) = match kind {
        ScheduleKind::NewChart => (0, 0),
        ScheduleKind::Weekly => time(asked, locale)?,
    };
    let now = Utc::now();
    let post_locale = caller.guild_locale.unwrap_or(locale);
    app.store()
        .set_schedule(&Schedule {
            guild_id: guild,
            channel_id: channel,
            kind,
            weekday,
            hour,
            locale: post_locale.tag().to_string(),
            enabled: true,
            disabled_reason: None,
            created_at: now,
        })
        .await?;
    let channel = format!("<#{channel}>");
    if kind == ScheduleKind::NewChart {
        return Ok(Reply::done(t(locale, msg::summary_set_new_chart(&channel))));
    }
    let next = super::weekly_post::latest_slot(weekday, hour, now + chrono::Days::new(7));
    Ok(Reply::done(t(
        locale,
        msg::summary_set(
            &channel,
            &t(locale, weekday_name(weekday)),
            &format!("{hour:02}:00"),
            &format!("<t:{}:F>", next.timestamp()),
        ),
    )))
}

/// A weekly schedule's weekday and hour: Discord cannot require them (a new-chart schedule
/// has none), so their absence is refused here.
fn time(asked: &SummarySetup, locale: Locale) -> Result<(u8, u8), CommandError> {
    let (Some(day), Some(hour)) = (&asked.weekday, &asked.hour) else {
        return Err(user_error(locale, msg::summary_needs_time()));
    };
    let hour: u8 = hour
        .parse()
        .ok()
        .filter(|h| *h < 24)
        .ok_or_else(|| user_error(locale, msg::summary_bad_hour()))?;
    Ok((weekday(day, locale)?, hour))
}

/// What the next post would show now, only to the caller.
async fn preview(app: &App, guild: u64, locale: Locale) -> CommandResult {
    let previous = app.store().last_sent_post(guild).await?;
    match super::weekly_post::build(app, locale, Utc::now(), previous.as_ref(), None).await? {
        Some((reply, _)) => Ok(Reply {
            ephemeral: true,
            ..reply
        }),
        None => Ok(Reply::done(t(locale, msg::summary_nothing_new()))),
    }
}

/// The name of a weekday, 0 being Monday.
fn weekday_name(weekday: u8) -> Msg<'static> {
    match weekday {
        0 => msg::weekday_mon(),
        1 => msg::weekday_tue(),
        2 => msg::weekday_wed(),
        3 => msg::weekday_thu(),
        4 => msg::weekday_fri(),
        5 => msg::weekday_sat(),
        _ => msg::weekday_sun(),
    }
}
