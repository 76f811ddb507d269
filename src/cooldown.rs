//! Per-user cooldowns on the commands that draw pictures or import files: a few in a row are
//! fine, a flood waits a moment and is told how long.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many uses a burst allows, within what window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub uses: usize,
    pub per: Duration,
}

/// The limit for a command, or None for commands cheap enough to need none.
pub fn limit_for(command: &str) -> Option<Limit> {
    match command {
        "chart" | "artist" => Some(Limit {
            uses: 5,
            per: Duration::from_secs(20),
        }),
        "exports" => Some(Limit {
            uses: 8,
            per: Duration::from_secs(20),
        }),
        "facts import" => Some(Limit {
            uses: 2,
            per: Duration::from_secs(60),
        }),
        _ => None,
    }
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
        // Forget users who have been quiet for a whole window, so the map stays small.
        uses.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now.duration_since(*t) < limit.per)
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
}
