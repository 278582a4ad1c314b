//! The sample practice's measures: ORS at the start and SRS at the end of
//! most sessions, PHQ-9 or GAD-7 for some. Maria López improves reliably
//! (her ORS crosses the cutoff: recovered); James Okafor's alliance dips
//! after a session that felt rushed, so his review opens with the warning.

use crate::domain::measures::{MeasureKind, NewMeasure, Score};
use crate::domain::{ClientRecord, SessionId};

/// A measure over the course of therapy: its total at the first session
/// and at the last, in tenths, drawn as a straight line with a wobble.
struct Course {
    kind: MeasureKind,
    first: u32,
    last: u32,
}

/// (client, measures taken each session, SRS of the last session if it dipped).
struct Plan {
    name: &'static str,
    courses: &'static [Course],
    srs_dip: Option<u32>,
}

const fn c(kind: MeasureKind, first: u32, last: u32) -> Course {
    Course { kind, first, last }
}

use MeasureKind::{Gad7, Ors, Phq9, Srs};

const PLANS: &[Plan] = &[
    Plan { name: "Maria López", courses: &[c(Ors, 180, 290), c(Srs, 370, 390), c(Gad7, 140, 80)], srs_dip: None },
    Plan { name: "James Okafor", courses: &[c(Ors, 160, 190), c(Srs, 385, 390)], srs_dip: Some(340) },
    Plan { name: "Priya Raman", courses: &[c(Ors, 210, 245), c(Srs, 375, 385), c(Phq9, 120, 90)], srs_dip: None },
    Plan { name: "Tom Becker", courses: &[c(Ors, 240, 260), c(Srs, 380, 390)], srs_dip: None },
    Plan { name: "Aisha Khan", courses: &[c(Ors, 200, 230), c(Srs, 370, 380), c(Gad7, 120, 100)], srs_dip: None },
    Plan { name: "Daniel Novak", courses: &[c(Ors, 230, 250), c(Srs, 385, 395)], srs_dip: None },
    Plan { name: "Sofia Rossi", courses: &[c(Ors, 190, 230), c(Srs, 380, 390), c(Phq9, 140, 110)], srs_dip: None },
];

/// Splits a total (tenths) over `n` items of at most `max` (tenths), in
/// steps of `step` tenths, with the remainder spread from the first item.
fn items(total: u32, n: u32, max: u32, step: u32) -> Vec<Score> {
    let units = total / step;
    let (each, extra) = (units / n, units % n);
    (0..n).map(|i| Score::from_tenths(((each + u32::from(i < extra)) * step).min(max))).collect()
}

/// Records the client's measures in each of their sessions, oldest first.
pub(super) fn take(r: &mut ClientRecord, name: &str) {
    let Some(plan) = PLANS.iter().find(|p| p.name == name) else { return };
    let sessions: Vec<(SessionId, chrono::NaiveDateTime)> = r.sessions.iter().map(|s| (s.id.clone(), s.at)).collect();
    let n = sessions.len().max(2) as i64 - 1;
    for (i, (id, at)) in sessions.iter().enumerate() {
        let last = i as i64 == n;
        for course in plan.courses {
            let line = i64::from(course.first) + (i64::from(course.last) - i64::from(course.first)) * i as i64 / n;
            let wobble = [0, 6, -4, 3, -5, 4][i % 6] * if course.kind == Srs { 1 } else { 2 };
            let mut total = u32::try_from((line + wobble).max(0)).unwrap_or(0);
            if last {
                total = course.last;
            }
            let (count, max, step) = match course.kind {
                Ors | Srs => (4, 100, 1),
                Phq9 => (9, 30, 10),
                _ => (7, 30, 10),
            };
            let mut scores = items(total, count, max, step);
            if course.kind == Phq9 {
                // Item 9 (thoughts of self-harm) stays 0 in the sample: its
                // share goes to the first item that has room.
                let moved = scores[8];
                scores[8] = Score::ZERO;
                if let Some(s) = scores.iter_mut().find(|s| s.tenths() + moved.tenths() <= 30) {
                    *s = Score::from_tenths(s.tenths() + moved.tenths());
                }
            }
            if course.kind == Srs
                && last
                && let Some(dip) = plan.srs_dip
            {
                scores = items(dip, 4, 100, 5);
            }
            let m = NewMeasure { kind: course.kind.clone(), items: scores, at: *at, session: Some(id.clone()) };
            let _ = r.add_measure(m, &[]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_split_into_items_that_add_back_up() {
        assert_eq!(Score::sum(&items(293, 4, 100, 1)), Score::from_tenths(293));
        assert_eq!(Score::sum(&items(140, 7, 30, 10)), Score::whole(14));
        assert!(items(400, 4, 100, 1).iter().all(|s| *s == Score::whole(10)));
    }
}
