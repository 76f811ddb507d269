//! `/facts import file [chart]`: a dry run shown with Confirm and Cancel buttons; confirming
//! applies exactly the previewed bytes, all or nothing, once. The owner's command line applies
//! at once.

use super::{authorize, refusal};
use crate::app::App;
use crate::commands::command::{Import, Upload};
use crate::commands::{Caller, CommandError, CommandResult, user_error};
use crate::domain::chart::Chart;
use crate::edits::{self, ImportKind, ImportPreview, Who};
use crate::i18n::{Locale, msg, t};
use crate::reply::{ActionRow, Button, ButtonStyle, Embed, Reply, colour};
use crate::store::PendingImport;

pub async fn preview(
    app: &App,
    asked: &Import,
    locale: Locale,
    who: &Who,
    caller: &Caller,
) -> CommandResult {
    let Upload::File(file) = &asked.file else {
        return Err(user_error(locale, msg::facts_import_no_file()));
    };
    let chart = asked.chart.as_deref().and_then(Chart::parse);
    let kind = ImportKind::detect(&file.bytes, chart)
        .ok_or_else(|| user_error(locale, msg::facts_import_unknown_format()))?;
    if caller.owner {
        let (report, change) = edits::apply_import(app.store(), who, kind, &file.bytes)
            .await
            .map_err(|e| refusal(e, locale))?;
        return Ok(Reply::done(applied(&report, change, locale)));
    }
    let report = edits::preview_import(app.store(), who, kind, &file.bytes)
        .await
        .map_err(|e| refusal(e, locale))?;
    let token = token()?;
    app.store()
        .put_pending_import(&PendingImport {
            token: token.clone(),
            user_id: caller.user_id.unwrap_or_default(),
            guild_id: caller.guild_id,
            kind,
            filename: file.filename.clone(),
            data: file.bytes.clone(),
        })
        .await?;
    let embed = Embed::new(colour::MODERATION)
        .title(t(locale, msg::facts_import_preview_title(&file.filename)))
        .description(summary(&report, locale));
    Ok(Reply {
        embeds: vec![embed],
        components: vec![ActionRow {
            buttons: vec![
                Button {
                    custom_id: format!("import:confirm:{token}"),
                    label: t(locale, msg::facts_import_confirm()),
                    style: ButtonStyle::Success,
                    disabled: false,
                },
                Button {
                    custom_id: format!("import:cancel:{token}"),
                    label: t(locale, msg::facts_import_cancel()),
                    style: ButtonStyle::Secondary,
                    disabled: false,
                },
            ],
        }],
        ephemeral: true,
        ..Reply::default()
    })
}

/// 128 bits from the operating system's CSPRNG, in hex: what the preview's buttons name.
fn token() -> Result<String, CommandError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no random bytes: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn summary(report: &ImportPreview, locale: Locale) -> String {
    match report {
        ImportPreview::Exports(r) => t(
            locale,
            msg::facts_import_exports_summary(
                &r.rows.to_string(),
                &r.figures_added.to_string(),
                &r.sources_linked.to_string(),
                &r.values_withheld.to_string(),
            ),
        ),
        ImportPreview::Chart(r) => {
            let mut s = t(
                locale,
                msg::facts_import_chart_summary(
                    &r.rows.to_string(),
                    &r.added.to_string(),
                    &r.unchanged.to_string(),
                    &r.warnings.to_string(),
                ),
            );
            for w in r.warning_samples.iter().take(5) {
                s.push_str(&format!("\n• {w}"));
            }
            s
        }
    }
}

fn applied(report: &ImportPreview, change: Option<i64>, locale: Locale) -> String {
    let mut s = summary(report, locale);
    s.push('\n');
    s.push_str(&match change {
        Some(id) => t(locale, msg::facts_import_applied(&id.to_string())),
        None => t(locale, msg::facts_import_nothing()),
    });
    s
}

/// A preview's two buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportButton {
    Confirm,
    Cancel,
}

/// Whether `caller` may press a preview's button: Confirm is the uploader's (still an editor),
/// Cancel the uploader's or any editor's. It only reads, so a press is answered at once; returns
/// whether the caller is the uploader.
pub async fn check_import_press(
    app: &App,
    token: &str,
    button: ImportButton,
    caller: &Caller,
) -> Result<bool, CommandError> {
    let locale = caller.locale;
    let pending = app
        .store()
        .pending_import(token)
        .await?
        .ok_or_else(|| user_error(locale, msg::facts_import_expired()))?;
    let uploader = caller.user_id == Some(pending.user_id);
    match (button, uploader) {
        (ImportButton::Confirm, false) => {
            return Err(user_error(locale, msg::facts_import_not_yours()));
        }
        (ImportButton::Cancel, false) => match authorize(app, caller).await {
            Err(CommandError::User(_)) => {
                return Err(user_error(locale, msg::facts_import_cancel_not_yours()));
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        },
        (_, true) => {
            authorize(app, caller).await?;
        }
    }
    Ok(uploader)
}

/// The Confirm button: applies the previewed file, once, for the editor who uploaded it.
pub async fn confirm_import(app: &App, token: &str, caller: &Caller) -> CommandResult {
    let locale = caller.locale;
    let who = authorize(app, caller).await?;
    let uploader = caller
        .user_id
        .ok_or_else(|| user_error(locale, msg::facts_import_not_yours()))?;
    let (pending, report, change) = edits::apply_pending_import(app.store(), &who, token, uploader)
        .await
        .map_err(|e| refusal(e, locale))?;
    let embed = Embed::new(colour::MODERATION)
        .title(t(locale, msg::facts_import_done_title(&pending.filename)))
        .description(applied(&report, change, locale));
    Ok(Reply {
        embeds: vec![embed],
        ephemeral: true,
        update: true,
        ..Reply::default()
    })
}

/// The Cancel button: drops the upload. The uploader's preview turns into the answer; another
/// editor's answer is theirs alone and leaves the preview as it was.
pub async fn cancel_import(app: &App, token: &str, caller: &Caller) -> CommandResult {
    let uploader = check_import_press(app, token, ImportButton::Cancel, caller).await?;
    app.store().drop_pending_import(token).await?;
    Ok(Reply {
        update: uploader,
        ..Reply::done(t(caller.locale, msg::facts_import_cancelled()))
    })
}
