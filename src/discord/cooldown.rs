//! Per-user cooldowns on the commands that draw pictures, write or import files, and on
//! autocomplete: a few in a row are fine, a flood waits a moment and is told how long.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::commands::spec::Cost;

/// How many uses a burst allows, within what window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub uses: usize,
    pub per: Duration,
}

/// What autocomplete interactions count against: one history for all of a user's typing.
pub const AUTOCOMPLETE: &str = "autocomplete";

/// Each user's allowance for a command of this cost.
pub fn limit(cost: Cost) -> Limit {
    let (uses, seconds) = match cost {
        Cost::Picture => (5, 20),
        Cost::Table => (8, 20),
        Cost::Import => (2, 60),
        // Set up once, looked at now and then.
        Cost::Settings => (4, 60),
    };
    Limit {
        uses,
        per: Duration::from_secs(seconds),
    }
}

/// The limit for a command's path (or [`AUTOCOMPLETE`]), as its definition in
/// `commands::command` sets it; None for commands cheap enough to need none.
pub fn limit_for(command: &str) -> Option<Limit> {
    if command == AUTOCOMPLETE {
        // Discord asks on every keystroke; fast typing stays well inside this.
        return Some(Limit {
            uses: 30,
            per: Duration::from_secs(10),
        });
    }
    crate::commands::spec::find(command)
        .and_then(|c| c.cooldown)
        .map(limit)
}

#[derive(Default)]
pub struct Cooldowns {
    uses: Mutex<HashMap<(u64, String), VecDeque<Instant>>>,
}

impl Cooldowns {
    /// Records a use of `command` by `user` at `now`; Err with the time left when the user
    /// must wait first (the use is then not recorded).
    pub fn check(&self, user: u64, command: &str, now: Instant) -> Result<(), Duration> {
        let Some(limit) = limit_for(command) else {
            return Ok(());
        };
        let mut uses = self.uses.lock().expect("cooldowns");
        // Forget histories quiet for a whole window of their own command, so the map stays small.
        uses.retain(|(_, used), times| {
            let per = limit_for(used).map_or(Duration::ZERO, |l| l.per);
            times.back().is_some_and(|t| now.duration_since(*t) < per)
        });
        let times = uses.entry((user, command.to_string())).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.per)
        {
            times.pop_front();
        }
        if times.len() >= limit.uses {
            let oldest = *times.front().expect("full, so not empty");
            return Err(limit.per - now.duration_since(oldest));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_waits_for_the_window() {
        let c = Cooldowns::default();
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(c.check(1, "chart", t0 + Duration::from_secs(i)), Ok(()));
        }
        let wait = c
            .check(1, "chart", t0 + Duration::from_secs(5))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(15));
        assert_eq!(
            c.check(2, "chart", t0 + Duration::from_secs(5)),
            Ok(()),
            "others are not held up"
        );
        assert_eq!(
            c.check(1, "exports", t0 + Duration::from_secs(5)),
            Ok(()),
            "nor other commands"
        );
        assert_eq!(
            c.check(1, "chart", t0 + Duration::from_secs(20)),
            Ok(()),
            "the window moved on"
        );
        for _ in 0..100 {
            assert_eq!(
                c.check(1, "help", t0),
                Ok(()),
                "cheap commands have no cooldown"
            );
        }
    }

    #[test]
    fn each_history_keeps_its_own_window() {
        let c = Cooldowns::default();
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        assert_eq!(c.check(1, "facts import", at(0)), Ok(()));
        assert_eq!(c.check(1, "facts import", at(1)), Ok(()));
        // A `/chart` long after the imports, but well inside their 60 s window.
        assert_eq!(c.check(1, "chart", at(25)), Ok(()));
        assert_eq!(
            c.check(1, "facts import", at(30)),
            Err(Duration::from_secs(30)),
            "the imports are still counted"
        );
        assert_eq!(c.check(1, "facts import", at(60)), Ok(()));
    }

    #[test]
    fn summaries_and_autocomplete_are_limited_too() {
        let c = Cooldowns::default();
        let t0 = Instant::now();
        for command in ["summary setup", "summary off", "summary preview"] {
            let limit = limit_for(command).expect("limited");
            for _ in 0..limit.uses {
                assert_eq!(c.check(7, command, t0), Ok(()));
            }
            assert_eq!(c.check(7, command, t0), Err(limit.per), "{command}");
        }
        let typing = limit_for(AUTOCOMPLETE).expect("limited");
        assert!(typing.uses >= 20, "a fast typist is never held up");
        for i in 0..typing.uses {
            assert_eq!(
                c.check(7, AUTOCOMPLETE, t0 + Duration::from_millis(i as u64)),
                Ok(())
            );
        }
        assert!(
            c.check(7, AUTOCOMPLETE, t0 + Duration::from_secs(1))
                .is_err()
        );
        assert_eq!(
            c.check(7, AUTOCOMPLETE, t0 + typing.per + Duration::from_secs(1)),
            Ok(())
        );
    }
}
