//! The period a question names, resolved against the figures held and today's UTC date, and the
//! suggestions the `period` option offers while it is typed.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::list_periods;
use crate::app::App;
use crate::app::cache::FactsCache;
use crate::commands::{CommandError, Invocation, user_error};
use crate::domain::country::Country;
use crate::domain::period::{Period, PeriodInput, PeriodQuery, PeriodRef, Relative, split_versus};
use crate::domain::text::{fold, truncate};
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::json::Choice;

/// The period an answer is for, and the one asked for when that one had no figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Chosen {
    pub period: Period,
    pub instead_of: Option<Period>,
}

impl Chosen {
    fn exactly(period: Period) -> Chosen {
        Chosen {
            period,
            instead_of: None,
        }
    }
}

/// Where periods are looked for: every period with figures, or one destination's.
pub(super) struct Scope<'a> {
    facts: &'a FactsCache,
    country: Option<Country>,
    today: NaiveDate,
    locale: Locale,
    /// Every period with figures, newest first.
    all: Vec<Period>,
    /// The periods of the scope, newest first.
    periods: Vec<Period>,
}

impl<'a> Scope<'a> {
    pub fn new(
        facts: &'a FactsCache,
        country: Option<Country>,
        today: NaiveDate,
        locale: Locale,
    ) -> Scope<'a> {
        let all: Vec<Period> = facts.periods().iter().map(|(p, _)| *p).collect();
        let periods = match country {
            None => all.clone(),
            Some(c) => {
                let theirs: HashSet<Period> = facts
                    .figures_for_country(c)
                    .into_iter()
                    .map(|f| f.period)
                    .collect();
                all.iter().copied().filter(|p| theirs.contains(p)).collect()
            }
        };
        Scope {
            facts,
            country,
            today,
            locale,
            all,
            periods,
        }
    }

    fn has(&self, p: Period) -> bool {
        self.periods.contains(&p)
    }

    pub fn parse(&self, text: &str) -> Result<PeriodQuery, CommandError> {
        PeriodQuery::parse(text).map_err(|_| {
            user_error(
                self.locale,
                msg::error_bad_period(&truncate(text, 60), &list_periods(&self.all, self.locale)),
            )
        })
    }

    /// The newest period with figures; for a destination, the newest where it has a value (a
    /// rank alone says less), else its newest.
    fn latest(&self) -> Option<Period> {
        let valued = self.country.and_then(|c| {
            self.facts
                .figures_for_country(c)
                .into_iter()
                .find(|f| f.value_usd.is_some())
                .map(|f| f.period)
        });
        valued.or(self.periods.first().copied())
    }

    fn latest_or_refuse(&self) -> Result<Period, CommandError> {
        self.latest()
            .ok_or_else(|| user_error(self.locale, msg::exports_no_figures_at_all()))
    }

    /// Without a period: the latest full year; a destination with no figure that year gets its
    /// latest instead.
    pub fn default_period(&self) -> Option<Chosen> {
        let year = self
            .all
            .iter()
            .copied()
            .filter(|p| matches!(p, Period::Year(_)))
            .max_by_key(|p| p.year())?;
        if self.has(year) {
            return Some(Chosen::exactly(year));
        }
        Some(Chosen {
            period: self.latest()?,
            instead_of: Some(year),
        })
    }

    /// A period as asked; "this year" or "last year" without figures gives the latest period
    /// that has some, saying so.
    pub fn resolve(&self, r: PeriodRef, text: &str) -> Result<Chosen, CommandError> {
        match r {
            PeriodRef::Given(input) => self.given(input, text).map(Chosen::exactly),
            PeriodRef::Relative(rel) => match rel.resolve(self.today) {
                Some(asked) if self.has(asked) => Ok(Chosen::exactly(asked)),
                Some(asked) => Ok(Chosen {
                    period: self.latest_or_refuse()?,
                    instead_of: Some(asked),
                }),
                // "Latest" names no year of its own.
                None => self.latest_or_refuse().map(Chosen::exactly),
            },
        }
    }

    /// A period as asked, with no stand-in: one side of a comparison.
    pub fn resolve_strictly(&self, r: PeriodRef, text: &str) -> Result<Period, CommandError> {
        let chosen = self.resolve(r, text)?;
        match chosen.instead_of {
            None => Ok(chosen.period),
            Some(asked) => Err(user_error(
                self.locale,
                msg::exports_no_figures_yet(
                    &asked.display(self.locale),
                    &chosen.period.display(self.locale),
                ),
            )),
        }
    }

    fn given(&self, input: PeriodInput, text: &str) -> Result<Period, CommandError> {
        let locale = self.locale;
        let period = match input {
            PeriodInput::Exact(p) => p,
            // A half, quarter or month without a year: the latest year that has it.
            PeriodInput::Yearless(y) => self
                .periods
                .iter()
                .map(|p| y.in_year(p.year()))
                .find(|p| self.has(*p))
                .ok_or_else(|| {
                    user_error(
                        locale,
                        msg::exports_no_figures_for_period(
                            &truncate(text, 60),
                            &list_periods(&self.periods, locale),
                        ),
                    )
                })?,
        };
        if !self.all.contains(&period) {
            return Err(user_error(
                locale,
                msg::exports_no_figures_for_period(
                    &period.display(locale),
                    &list_periods(&self.all, locale),
                ),
            ));
        }
        match self.country {
            Some(c) if !self.has(period) => Err(user_error(
                locale,
                msg::exports_no_figure_for_country_period(
                    c.name(locale),
                    &period.display(locale),
                    &list_periods(&self.periods, locale),
                ),
            )),
            _ => Ok(period),
        }
    }

    /// Suggestions for what is typed: every year ("all"), the relative words in the asker's language with the
    /// period each gives, then the periods with figures that match; after "2022 vs", the
    /// periods to compare with.
    pub fn complete(&self, partial: &str) -> Vec<Choice> {
        if let Some((left, right)) = split_versus(partial)
            && let Ok(side) = PeriodRef::parse(left)
            && let Ok(first) = self.resolve_strictly(side, left)
        {
            let left = left.trim();
            return self
                .period_choices(right)
                .into_iter()
                .filter(|(p, _)| *p != first)
                .map(|(p, _)| Choice {
                    name: format!(
                        "{} vs {}",
                        first.display(self.locale),
                        p.display(self.locale)
                    ),
                    value: format!("{left} vs {}", p.label()),
                })
                .take(25)
                .collect();
        }
        let mut out: Vec<Choice> = self.all_choice(partial).into_iter().collect();
        out.extend(self.relative_choices(partial));
        out.extend(self.period_choices(partial).into_iter().map(|(_, c)| c));
        out.truncate(25);
        out
    }

    /// "All years · 2017–2025", offered first while nothing or a start of its words is typed.
    fn all_choice(&self, partial: &str) -> Option<Choice> {
        let locale = self.locale;
        let q = fold(partial);
        let word = t(locale, msg::exports_trend_all_years());
        let wanted = q.is_empty()
            || fold(&word).starts_with(&q)
            || "all".starts_with(&q)
            || PeriodQuery::parse(partial) == Ok(PeriodQuery::All);
        let years: Vec<i32> = self
            .periods
            .iter()
            .filter_map(|p| match p {
                Period::Year(y) => Some(*y),
                _ => None,
            })
            .collect();
        let (first, last) = (*years.iter().min()?, *years.iter().max()?);
        let span = if first == last {
            first.to_string()
        } else {
            format!("{first}–{last}")
        };
        wanted.then(|| Choice {
            name: t(locale, msg::exports_all_choice(&word, &span)),
            value: "all".to_string(),
        })
    }

    fn relative_choices(&self, partial: &str) -> Vec<Choice> {
        let locale = self.locale;
        let q = fold(partial);
        let typed = PeriodRef::parse(partial).ok();
        [Relative::Latest, Relative::LastYear, Relative::ThisYear]
            .into_iter()
            .filter_map(|rel| {
                let word = t(locale, relative_word(rel));
                let wanted = q.is_empty()
                    || fold(&word).starts_with(&q)
                    || fold(rel.word()).starts_with(&q)
                    || typed == Some(PeriodRef::Relative(rel));
                let chosen = self
                    .resolve(PeriodRef::Relative(rel), rel.word())
                    .ok()
                    .filter(|_| wanted)?;
                let period = chosen.period.display(locale);
                let name = match chosen.instead_of {
                    None => t(locale, msg::exports_relative_choice(&word, &period)),
                    Some(asked) => t(
                        locale,
                        msg::exports_relative_choice_instead(
                            &word,
                            &period,
                            &asked.display(locale),
                        ),
                    ),
                };
                Some(Choice {
                    name,
                    value: rel.word().to_string(),
                })
            })
            .collect()
    }

    /// The scope's periods that match what is typed, best matches first.
    fn period_choices(&self, partial: &str) -> Vec<(Period, Choice)> {
        let locale = self.locale;
        let wanted = PeriodInput::parse(partial).ok();
        let q = fold(partial);
        let mut out: Vec<(u8, Period, Choice)> = Vec::new();
        for (p, count) in self.facts.periods() {
            if !self.has(*p) {
                continue;
            }
            let label = p.label();
            let shown = p.display(locale);
            let class = match wanted {
                Some(PeriodInput::Exact(w)) if w == *p => 0,
                Some(PeriodInput::Yearless(y)) if y.in_year(p.year()) == *p => 1,
                _ if q.is_empty() => 2,
                _ if fold(&shown).contains(&q) || fold(&label).contains(&q) => 2,
                _ => continue,
            };
            let name = t(
                locale,
                msg::exports_period_choice(&shown, &count.to_string()),
            );
            out.push((class, *p, Choice { name, value: label }));
        }
        out.sort_by_key(|(class, _, _)| *class);
        out.into_iter().map(|(_, p, c)| (p, c)).collect()
    }
}

fn relative_word(rel: Relative) -> Msg<'static> {
    match rel {
        Relative::Latest => msg::period_latest(),
        Relative::ThisYear => msg::period_this_year(),
        Relative::LastYear => msg::period_last_year(),
    }
}

pub async fn complete_period(
    app: &App,
    partial: &str,
    inv: &Invocation,
    today: NaiveDate,
) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let country = inv
        .get("country")
        .and_then(|c| ix.countries.parse(c).ok())
        .filter(|c| !c.is_world());
    let mut choices = Scope::new(&ix.facts, country, today, inv.locale).complete(partial);
    // Every year at once is a question only `/exports` answers; a figure is set for one period.
    if inv.command != "exports" {
        choices.retain(|c| c.value != "all");
    }
    Ok(choices)
}
