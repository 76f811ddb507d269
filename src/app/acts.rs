//! What answers about acts need beyond their names: each act's runs counted over the weeks whose
//! credit names it, and the groups soloists belong to. Built with the search index, when chart
//! data or acts change; only the runs linked to an act are read, a few thousand weeks.

use std::collections::HashMap;

use crate::domain::chart::CreditMatcher;
use crate::domain::credited::{CreditedRun, RunWeek, credited_runs};
use crate::store::{LinkedWeekRow, Store};

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
