//! The therapist's own log beside the client records: supervision taken
//! and CPD done (`practice.json`). What a supervision counts for (the
//! BACP's group rule) and what a month needs (the minimum for an
//! accredited member, or a trainee's ratio and fortnightly rule) are
//! decided here, pure, in minutes so sums stay exact.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use serde::{Deserialize, Serialize};

use super::bounds;
use super::hours::HOUR;

/// The version of `practice.json` this build writes.
pub const LOG_VERSION: u32 = 1;

/// The most members a supervision group is taken to have.
pub const GROUP_MEMBERS: std::ops::RangeInclusive<u32> = 1..=100;

/// The most entries a log holds: a supervision a week and more CPD than
/// anyone does, for sixty years.
pub const LOG_ENTRIES: usize = 20_000;

/// The most CPD one entry may claim, in hours (a week's course).
pub const CPD_HOURS: u32 = 100;

/// The whole of `practice.json`: the therapist's own, never a client's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PracticeLog {
    #[schemars(range(min = 1, max = LOG_VERSION))]
    pub schema_version: u32,
    #[serde(default)]
    pub supervision: Vec<Supervision>,
    #[serde(default)]
    pub cpd: Vec<Cpd>,
}

impl Default for PracticeLog {
    fn default() -> Self {
        PracticeLog { schema_version: LOG_VERSION, supervision: Vec::new(), cpd: Vec::new() }
    }
}

/// A supervision session taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Supervision {
    /// `v1`, `v2`, …
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub id: String,
    pub at: NaiveDateTime,
    #[schemars(range(min = *bounds::MINUTES.start(), max = *bounds::MINUTES.end()))]
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<String>,
    /// How many took part in group supervision, you included; none for
    /// one-to-one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = *GROUP_MEMBERS.start(), max = *GROUP_MEMBERS.end()))]
    pub group: Option<u32>,
    /// The therapist's own notes of it: never in a client's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Continuing professional development done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cpd {
    /// `d1`, `d2`, …
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub id: String,
    pub on: NaiveDate,
    #[schemars(range(min = 1, max = CPD_HOURS * HOUR))]
    pub minutes: u32,
    pub text: String,
}

/// The group rule in words, with its source.
pub const GROUP_RULE: &str = "one-to-one in full; in a group of up to four, half the time; in a larger group, the time \
                              divided by the members (BACP)";

/// The minutes of a supervision one member may claim, by the BACP's rule:
/// one-to-one, all of it; in a group of up to four, half; in a larger
/// group, the time divided by the members (two hours with six: 20
/// minutes), to the nearest minute.
pub fn claimed_minutes(minutes: u32, group: Option<u32>) -> u32 {
    match group {
        None | Some(0 | 1) => minutes,
        Some(2..=4) => minutes / 2 + minutes % 2,
        Some(n) => (minutes + n / 2) / n,
    }
}

impl Supervision {
    pub fn claimed_minutes(&self) -> u32 {
        claimed_minutes(self.minutes, self.group)
    }

    /// "1:1", "group of 6".
    pub fn kind(&self) -> String {
        match self.group {
            None | Some(0 | 1) => "one-to-one".into(),
            Some(n) => format!("group of {n}"),
        }
    }
}

impl PracticeLog {
    /// Every value within its bounds and ids unique: a file edited by hand
    /// is refused whole, naming what is wrong, never half read.
    pub fn check(&self) -> Result<(), String> {
        if self.schema_version > LOG_VERSION {
            return Err(format!(
                "it was written by a newer Rapport (format {}; this one knows {LOG_VERSION})",
                self.schema_version
            ));
        }
        let entries = self.supervision.len() + self.cpd.len();
        if entries > LOG_ENTRIES {
            return Err(format!("it holds {entries} entries, more than a working life's ({LOG_ENTRIES})"));
        }
        let mut ids = std::collections::HashSet::new();
        for s in &self.supervision {
            if !ids.insert(&s.id) || !bounds::is_valid_id(&s.id) {
                return Err(format!(
                    "the supervision id '{}' is repeated or not an id",
                    crate::sanitize::visible(&s.id)
                ));
            }
            bounds::check_number("a supervision's minutes", s.minutes, &bounds::MINUTES)?;
            if let Some(g) = s.group {
                bounds::check_number("a supervision group's members", g, &GROUP_MEMBERS)?;
            }
            for t in [&s.supervisor, &s.notes].into_iter().flatten() {
                bounds::check_text("a supervision's text", t)?;
            }
            bounds::check_time("a supervision", s.at)?;
        }
        for c in &self.cpd {
            if !ids.insert(&c.id) || !bounds::is_valid_id(&c.id) {
                return Err(format!("the CPD id '{}' is repeated or not an id", crate::sanitize::visible(&c.id)));
            }
            bounds::check_number("a CPD entry's minutes", c.minutes, &(1..=CPD_HOURS * HOUR))?;
            bounds::check_text("a CPD entry's text", &c.text)?;
            bounds::check_date("a CPD entry", c.on)?;
        }
        Ok(())
    }

    /// The next id with `prefix` (`v`, `d`) after those in use.
    pub fn next_id(&self, prefix: &str) -> String {
        let ids = self.supervision.iter().map(|s| s.id.as_str()).chain(self.cpd.iter().map(|c| c.id.as_str()));
        super::edit::next_id_with(prefix, ids, None)
    }
}

/// What a month of supervision must reach, chosen in the settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionRule {
    /// At least 1.5 hours a month (BACP's minimum for its members).
    #[default]
    Monthly,
    /// A trainee's: at least one hour for every eight client hours, at
    /// least 1.5 hours a month, and never more than two weeks between.
    Trainee,
}

/// The minutes of supervision every month needs at the least.
pub const MONTHLY_MINUTES: u32 = 90;

/// The client hours one hour of supervision covers for a trainee.
pub const TRAINEE_RATIO: u32 = 8;

/// The longest a trainee goes between supervisions, in days.
pub const TRAINEE_GAP_DAYS: i64 = 14;

impl SupervisionRule {
    /// The rule in words, with its source.
    pub fn said(self) -> &'static str {
        match self {
            SupervisionRule::Monthly => "at least 1.5 hours of supervision a month (BACP)",
            SupervisionRule::Trainee => {
                "at least 1 hour of supervision for every 8 client hours, 1.5 hours a month, and no more than two \
                 weeks between supervisions (BACP, for trainees)"
            }
        }
    }

    /// The minutes of supervision a month with `client_minutes` of counted
    /// client hours needs.
    pub fn due_minutes(self, client_minutes: u64) -> u64 {
        match self {
            SupervisionRule::Monthly => u64::from(MONTHLY_MINUTES),
            SupervisionRule::Trainee => {
                u64::from(MONTHLY_MINUTES).max(client_minutes.div_ceil(u64::from(TRAINEE_RATIO)))
            }
        }
    }
}

/// A month that fell short of the rule, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    /// `2026-11`.
    pub month: String,
    /// In words: "1 h of supervision of the 1.5 h due".
    pub said: String,
}

/// The months of client work in `[first, last]` that fall short of
/// `rule`: `sessions` are the days and counted minutes of sessions held,
/// `supervision` the days and claimed minutes of supervision (any order).
/// A month with no session held is not checked; the month of `today` is
/// not over, so only a gap already too long counts in it.
pub fn shortfalls(
    rule: SupervisionRule,
    sessions: &[(NaiveDate, u64)],
    supervision: &[(NaiveDate, u64)],
    today: NaiveDate,
) -> Vec<Shortfall> {
    let month = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let mut client: BTreeMap<String, u64> = BTreeMap::new();
    for (d, m) in sessions {
        *client.entry(month(*d)).or_default() += m;
    }
    let mut taken: BTreeMap<String, u64> = BTreeMap::new();
    for (d, m) in supervision {
        *taken.entry(month(*d)).or_default() += m;
    }
    let mut out = Vec::new();
    for (m, client_minutes) in &client {
        if *m == month(today) {
            continue;
        }
        let due = rule.due_minutes(*client_minutes);
        let had = taken.get(m).copied().unwrap_or(0);
        if had < due {
            let why = match rule {
                SupervisionRule::Trainee if due > u64::from(MONTHLY_MINUTES) => {
                    format!(" for {} client hours at 1:{TRAINEE_RATIO}", super::hours::format_hours(*client_minutes))
                }
                _ => String::new(),
            };
            out.push(Shortfall {
                month: m.clone(),
                said: format!(
                    "{} h of supervision of the {} h due{why}",
                    super::hours::format_hours(had),
                    super::hours::format_hours(due)
                ),
            });
        }
    }
    if rule == SupervisionRule::Trainee {
        out.extend(gaps(sessions, supervision));
        out.sort_by(|a, b| a.month.cmp(&b.month));
    }
    out
}

/// A trainee's sessions held more than two weeks after the last
/// supervision before them: one shortfall for each such stretch, in the
/// month of its first session.
fn gaps(sessions: &[(NaiveDate, u64)], supervision: &[(NaiveDate, u64)]) -> Vec<Shortfall> {
    let mut days: Vec<NaiveDate> = sessions.iter().map(|(d, _)| *d).collect();
    days.sort();
    days.dedup();
    let mut sup: Vec<NaiveDate> = supervision.iter().map(|(d, _)| *d).collect();
    sup.sort();
    let mut out = Vec::new();
    let mut reported: Option<Option<NaiveDate>> = None;
    for d in days {
        let last = sup.iter().rev().find(|s| **s <= d).copied();
        let since = last.map(|l| (d - l).num_days());
        if since.is_some_and(|n| n <= TRAINEE_GAP_DAYS) {
            continue;
        }
        // One shortfall for each supervision (or none) the stretch follows.
        if reported == Some(last) {
            continue;
        }
        reported = Some(last);
        let said = match (last, since) {
            (Some(l), Some(n)) => format!(
                "the session of {} was {n} days after the last supervision ({}), more than two weeks",
                d.format("%-d %b"),
                l.format("%-d %b")
            ),
            _ => format!("the session of {} was held with no supervision before it", d.format("%-d %b")),
        };
        out.push(Shortfall { month: format!("{:04}-{:02}", d.year(), d.month()), said });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn one_to_one_supervision_is_claimed_whole() {
        assert_eq!(claimed_minutes(90, None), 90);
        assert_eq!(claimed_minutes(90, Some(1)), 90);
    }

    #[test]
    fn in_a_group_of_up_to_four_each_member_claims_half() {
        for n in 2..=4 {
            assert_eq!(claimed_minutes(120, Some(n)), 60, "group of {n}");
        }
        assert_eq!(claimed_minutes(75, Some(3)), 38, "half of 75, to the nearest minute up");
    }

    #[test]
    fn in_a_larger_group_the_time_is_divided_by_the_members() {
        assert_eq!(claimed_minutes(120, Some(6)), 20, "the BACP's own example");
        assert_eq!(claimed_minutes(120, Some(5)), 24);
        assert_eq!(claimed_minutes(90, Some(8)), 11, "11.25 to the nearest minute");
    }

    #[test]
    fn a_month_with_an_hour_and_a_half_of_supervision_is_enough_for_a_member() {
        let sessions = [(day("2026-10-05"), 600)];
        let today = day("2026-12-01");
        assert!(shortfalls(SupervisionRule::Monthly, &sessions, &[(day("2026-10-20"), 90)], today).is_empty());
        let short = shortfalls(SupervisionRule::Monthly, &sessions, &[(day("2026-10-20"), 60)], today);
        assert_eq!(
            short,
            vec![Shortfall { month: "2026-10".into(), said: "1 h of supervision of the 1.5 h due".into() }]
        );
    }

    #[test]
    fn supervision_on_the_last_evening_of_a_month_counts_in_that_month() {
        let sessions = [(day("2026-10-05"), 600), (day("2026-11-05"), 600)];
        let sup = [(day("2026-10-31"), 90), (day("2026-11-01"), 90)];
        assert!(shortfalls(SupervisionRule::Monthly, &sessions, &sup, day("2026-12-01")).is_empty());
        let sup = [(day("2026-11-01"), 180)];
        let short = shortfalls(SupervisionRule::Monthly, &sessions, &sup, day("2026-12-01"));
        assert_eq!(short.iter().map(|s| s.month.as_str()).collect::<Vec<_>>(), ["2026-10"]);
    }

    #[test]
    fn a_month_with_no_session_held_and_the_month_not_over_are_not_checked() {
        let sessions = [(day("2026-12-02"), 600)];
        assert!(shortfalls(SupervisionRule::Monthly, &sessions, &[], day("2026-12-15")).is_empty());
    }

    #[test]
    fn a_trainee_needs_an_hour_for_every_eight_client_hours() {
        // 16 client hours: 2 hours due, more than the monthly 1.5.
        let sessions: Vec<(NaiveDate, u64)> =
            (1..=16).map(|i| (day("2026-10-01") + chrono::Duration::days(i % 13), 60)).collect();
        let sup = [(day("2026-10-01"), 60), (day("2026-10-12"), 30)];
        let short = shortfalls(SupervisionRule::Trainee, &sessions, &sup, day("2026-12-01"));
        assert_eq!(
            short,
            vec![Shortfall {
                month: "2026-10".into(),
                said: "1.5 h of supervision of the 2 h due for 16 client hours at 1:8".into()
            }]
        );
        let sup = [(day("2026-10-01"), 60), (day("2026-10-12"), 60)];
        assert!(shortfalls(SupervisionRule::Trainee, &sessions, &sup, day("2026-12-01")).is_empty());
    }

    #[test]
    fn a_trainee_more_than_two_weeks_from_supervision_is_told_once_per_stretch() {
        let sessions = [
            (day("2026-10-02"), 60),
            (day("2026-10-16"), 60), // 14 days after: still within
            (day("2026-10-23"), 60), // 21 days after
            (day("2026-10-30"), 60), // the same stretch
        ];
        let sup = [(day("2026-10-02"), 120)];
        let short = shortfalls(SupervisionRule::Trainee, &sessions, &sup, day("2026-12-01"));
        assert_eq!(short.len(), 1, "{short:?}");
        assert_eq!(
            short[0].said,
            "the session of 23 Oct was 21 days after the last supervision (2 Oct), more than two weeks"
        );
        // Even in the month not yet over, a gap already too long is told.
        let short = shortfalls(SupervisionRule::Trainee, &sessions, &sup, day("2026-10-31"));
        assert_eq!(short.len(), 1);
    }

    #[test]
    fn a_log_edited_by_hand_out_of_bounds_is_refused_naming_what() {
        let mut log = PracticeLog::default();
        log.supervision.push(Supervision {
            id: "v1".into(),
            at: crate::domain::time::dt("2026-11-02 10:00"),
            minutes: 90,
            supervisor: None,
            group: Some(0),
            notes: None,
        });
        assert!(log.check().unwrap_err().contains("members"));
        log.supervision[0].group = Some(6);
        log.check().unwrap();
        log.cpd.push(Cpd { id: "v1".into(), on: day("2026-11-02"), minutes: 60, text: "x".into() });
        assert!(log.check().unwrap_err().contains("repeated"));
    }
}
