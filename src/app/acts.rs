//! What answers about acts need beyond their names: each act's runs counted over the weeks whose
//! credit names it, and the groups soloists belong to. Built with the search index, when chart
//! data or acts change; only the runs linked to an act are read, a few thousand weeks.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::chart::{Chart, CreditMatcher};
use crate::domain::credited::{CreditedRun, RunWeek, credited_runs};
use crate::store::{LinkedWeekRow, Store};

/// An act's figures on one chart, each counted over the weeks whose credit names it: what
/// `/compare` sets side by side and `/records` ranks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActTotals {
    /// Runs credited to the act.
    pub entries: usize,
    /// Entries whose credited best is No. 1.
    pub number_ones: usize,
    /// Entries whose credited best is in the top 10 (No. 1s included).
    pub top_tens: usize,
    /// Credited chart weeks, over every entry.
    pub weeks: usize,
    /// Credited weeks at No. 1, over every entry.
    pub weeks_at_one: usize,
    /// The best credited position, None without entries.
    pub best: Option<BestPeak>,
}

/// The act's best position on a chart and the entry that reached it first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BestPeak {
    pub position: i64,
    /// The run that reached it first (by its first credited week there, then run id).
    pub song_id: i64,
    /// The first credited week at that position.
    pub date: NaiveDate,
    /// Other entries that reached the same position later.
    pub others: usize,
}

#[derive(Debug, Default)]
pub struct ActFacts {
    /// Per act, its credited runs in run order.
    runs: HashMap<String, Vec<CreditedRun>>,
    /// Per run, the acts it credits: `(act id, index into runs[act])`.
    by_song: HashMap<i64, Vec<(String, usize)>>,
    /// Member → the groups it belongs to.
    groups: HashMap<String, Vec<String>>,
    /// Group → its members with acts of their own.
    members: HashMap<String, Vec<String>>,
}

impl ActFacts {
    pub async fn load(store: &Store) -> anyhow::Result<ActFacts> {
        let matcher = CreditMatcher::new(store.act_tokens().await?);
        let weeks = store.linked_weeks().await?;
        Ok(ActFacts::build(
            &weeks,
            &matcher,
            store.act_members().await?,
        ))
    }

    /// From every week of the linked runs (by run, then date), how credits name acts, and
    /// `(group, member)` pairs.
    pub fn build(
        weeks: &[LinkedWeekRow],
        matcher: &CreditMatcher,
        memberships: Vec<(String, String)>,
    ) -> ActFacts {
        let mut facts = ActFacts::default();
        let weeks = weeks.iter().map(|w| RunWeek {
            song_id: w.song_id,
            chart: w.chart,
            date: w.date,
            position: w.position,
            last_week: w.last_week,
            credit: &w.credit,
        });
        for (act, run) in credited_runs(weeks, matcher) {
            let runs = facts.runs.entry(act.clone()).or_default();
            facts
                .by_song
                .entry(run.song_id)
                .or_default()
                .push((act, runs.len()));
            runs.push(run);
        }
        for (group, member) in memberships {
            facts
                .groups
                .entry(member.clone())
                .or_default()
                .push(group.clone());
            facts.members.entry(group).or_default().push(member);
        }
        facts
    }

    /// The act's runs, each counted over the weeks that credit it.
    pub fn runs(&self, act_id: &str) -> &[CreditedRun] {
        self.runs.get(act_id).map_or(&[], Vec::as_slice)
    }

    /// The act's totals on `chart`, counted over its credited weeks.
    pub fn totals(&self, act_id: &str, chart: Chart) -> ActTotals {
        let mut t = ActTotals::default();
        let mut at_best: Vec<(NaiveDate, i64)> = Vec::new();
        for run in self.runs(act_id).iter().filter(|r| r.chart == chart) {
            let peak = run.peak();
            t.entries += 1;
            t.number_ones += usize::from(peak == 1);
            t.top_tens += usize::from(peak <= 10);
            t.weeks += run.total_weeks();
            t.weeks_at_one += run.weeks_at(1);
            match t.best {
                Some(b) if b.position < peak => continue,
                Some(b) if b.position > peak => at_best.clear(),
                _ => {}
            }
            at_best.push((run.peak_date(), run.song_id));
            t.best = Some(BestPeak {
                position: peak,
                song_id: run.song_id,
                date: run.peak_date(),
                others: 0,
            });
        }
        if let (Some(best), Some(&(date, song_id))) = (&mut t.best, at_best.iter().min()) {
            (best.date, best.song_id, best.others) = (date, song_id, at_best.len() - 1);
        }
        t
    }

    /// The acts a run credits, each with its share of the run.
    pub fn credits_of(&self, song_id: i64) -> impl Iterator<Item = (&str, &CreditedRun)> {
        self.by_song
            .get(&song_id)
            .into_iter()
            .flatten()
            .filter_map(|(act, i)| Some((act.as_str(), self.runs.get(act)?.get(*i)?)))
    }

    /// The act's share of one run, if the run credits it.
    pub fn credited(&self, act_id: &str, song_id: i64) -> Option<&CreditedRun> {
        self.credits_of(song_id)
            .find(|(a, _)| *a == act_id)
            .map(|(_, r)| r)
    }

    /// The groups the act is a member of.
    pub fn groups_of(&self, act_id: &str) -> &[String] {
        self.groups.get(act_id).map_or(&[], Vec::as_slice)
    }

    /// The group's members that have acts of their own.
    pub fn members_of(&self, group_id: &str) -> &[String] {
        self.members.get(group_id).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chart::{ActToken, parse_chart_date};

    fn week(song: i64, chart: Chart, date: &str, position: i64, credit: &str) -> LinkedWeekRow {
        LinkedWeekRow {
            song_id: song,
            chart,
            date: parse_chart_date(date).unwrap(),
            position,
            last_week: None,
            credit: credit.into(),
        }
    }

    #[test]
    fn totals_count_credited_weeks_and_name_the_first_to_reach_the_best_peak() {
        let matcher = CreditMatcher::new([ActToken {
            act_id: "a".into(),
            token: "Alpha".into(),
            case_sensitive: false,
            since: parse_chart_date("2000-01-01").unwrap(),
        }]);
        let (hot, b200) = (Chart::Hot100, Chart::Billboard200);
        let weeks = vec![
            week(1, hot, "2020-01-04", 5, "Alpha"),
            week(1, hot, "2020-01-11", 1, "Alpha"),
            week(1, hot, "2020-01-18", 1, "Alpha"),
            // Weeks before the act joined the credit are not its own.
            week(2, hot, "2020-02-01", 1, "Beta"),
            week(2, hot, "2020-02-08", 1, "Beta & Alpha"),
            week(2, hot, "2020-02-15", 3, "Beta & Alpha"),
            week(3, hot, "2019-05-04", 40, "Alpha"),
            week(4, b200, "2020-03-07", 2, "Alpha"),
        ];
        let facts = ActFacts::build(&weeks, &matcher, Vec::new());
        let t = facts.totals("a", hot);
        assert_eq!(
            (
                t.entries,
                t.number_ones,
                t.top_tens,
                t.weeks,
                t.weeks_at_one
            ),
            (3, 2, 2, 6, 3)
        );
        let best = t.best.unwrap();
        assert_eq!(
            (best.position, best.song_id, best.date, best.others),
            (1, 1, parse_chart_date("2020-01-11").unwrap(), 1)
        );
        let albums = facts.totals("a", b200);
        assert_eq!(
            (albums.entries, albums.best.map(|b| b.position)),
            (1, Some(2))
        );
        assert_eq!(facts.totals("nobody", hot), ActTotals::default());
    }
}
