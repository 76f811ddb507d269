//! A song's or album's run on a chart, computed from its weeks.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    pub date: String,
    pub position: i64,
    /// Billboard's "last week" position: None for a debut or a re-entry.
    pub last_week: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub weeks: Vec<Week>,
    pub debut: Week,
    pub peak: i64,
    pub weeks_at_peak: usize,
    pub weeks_at_number_one: usize,
    pub longest_streak: usize,
    pub re_entries: usize,
    pub last: Week,
}

impl Run {
    /// The run of these weeks (oldest first); None when there are none. A week that repeats a
    /// date keeps its better position.
    pub fn from_weeks(charted: impl IntoIterator<Item = Week>) -> Option<Run> {
        let mut weeks: Vec<Week> = Vec::new();
        for w in charted {
            match weeks.last_mut() {
                Some(prev) if prev.date == w.date => {
                    if w.position < prev.position {
                        *prev = w;
                    }
                }
                _ => weeks.push(w),
            }
        }
        let debut = weeks.first()?.clone();
        let last = weeks.last()?.clone();
        let peak = weeks.iter().map(|w| w.position).min()?;
        let mut longest_streak = 0;
        let mut streak = 0;
        let mut re_entries = 0;
        for (i, w) in weeks.iter().enumerate() {
            if i > 0 && w.last_week.is_none() {
                re_entries += 1;
                streak = 0;
            }
            streak += 1;
            longest_streak = longest_streak.max(streak);
        }
        Some(Run {
            weeks_at_peak: weeks.iter().filter(|w| w.position == peak).count(),
            weeks_at_number_one: weeks.iter().filter(|w| w.position == 1).count(),
            debut,
            peak,
            longest_streak,
            re_entries,
            last,
            weeks,
        })
    }

    pub fn total_weeks(&self) -> usize {
        self.weeks.len()
    }

    /// "100 → 94 → 85 | 60 → …": the positions week by week, `|` where the song left the
    /// chart and came back, cut in the middle to fit `max` characters.
    pub fn week_by_week(&self, max: usize) -> String {
        let parts: Vec<String> = self
            .weeks
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let sep = if i == 0 {
                    ""
                } else if w.last_week.is_none() {
                    " | "
                } else {
                    " → "
                };
                format!("{sep}{}", w.position)
            })
            .collect();
        let full: String = parts.concat();
        if full.chars().count() <= max {
            return full;
        }
        // Keep the start and the end, which fans look for; drop the middle.
        let half = max.saturating_sub(3) / 2;
        let len = |s: &str| s.chars().count();
        let (mut head, mut i) = (String::new(), 0);
        while i < parts.len() && len(&head) + len(&parts[i]) <= half {
            head.push_str(&parts[i]);
            i += 1;
        }
        let (mut tail, mut used, mut j) = (Vec::new(), 0, parts.len());
        while j > i && used + len(&parts[j - 1]) <= half {
            j -= 1;
            used += len(&parts[j]);
            tail.push(parts[j].as_str());
        }
        tail.reverse();
        format!("{head} …{}", tail.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(weeks: &[(&str, i64, Option<i64>)]) -> Vec<Week> {
        weeks
            .iter()
            .map(|(d, p, lw)| Week {
                date: d.to_string(),
                position: *p,
                last_week: *lw,
            })
            .collect()
    }

    #[test]
    fn computes_debut_peak_streaks_and_re_entries() {
        let run = Run::from_weeks(rows(&[
            ("2023-01-07", 50, None),
            ("2023-01-14", 10, Some(50)),
            ("2023-01-21", 1, Some(10)),
            ("2023-01-28", 1, Some(1)),
            ("2023-03-04", 80, None),
            ("2023-03-11", 90, Some(80)),
        ]))
        .unwrap();
        assert_eq!(
            (run.debut.position, run.debut.date.as_str()),
            (50, "2023-01-07")
        );
        assert_eq!(
            (run.peak, run.weeks_at_peak, run.weeks_at_number_one),
            (1, 2, 2)
        );
        assert_eq!(
            (run.total_weeks(), run.longest_streak, run.re_entries),
            (6, 4, 1)
        );
        assert_eq!(run.last.position, 90);
        assert_eq!(run.week_by_week(200), "50 → 10 → 1 → 1 | 80 → 90");
    }

    #[test]
    fn long_runs_keep_both_ends() {
        let weeks: Vec<(String, i64, Option<i64>)> = (0..400)
            .map(|i| {
                (
                    format!("2000-{:04}", i),
                    100 - (i % 100),
                    if i == 0 { None } else { Some(1) },
                )
            })
            .collect();
        let borrowed: Vec<(&str, i64, Option<i64>)> =
            weeks.iter().map(|(d, p, l)| (d.as_str(), *p, *l)).collect();
        let run = Run::from_weeks(rows(&borrowed)).unwrap();
        let line = run.week_by_week(300);
        assert!(line.chars().count() <= 300, "{}", line.len());
        assert!(
            line.starts_with("100 → 99") && line.contains('…') && line.ends_with("→ 1"),
            "{line}"
        );
    }

    #[test]
    fn no_weeks_no_run() {
        assert!(Run::from_weeks([]).is_none());
    }
}
