//! What a client's measures mean: the band of the latest total, the change
//! since the first read the Jacobson–Truax way, a sparkline, and the
//! warnings the review puts at its top.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use super::scales::{PHQ9_SELF_HARM_ITEM, SRS_CONCERN, SRS_DROP, SRS_ITEM_WORD};
use super::{Delta, HigherIs, MeasureKind, Scale, Score};
use crate::domain::{ClientRecord, Measure, MeasureId};

/// A change read the Jacobson–Truax way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Reliable improvement that also crossed the cutoff out of the clinical
    /// range: clinically significant.
    Recovered,
    ReliableImprovement,
    NoReliableChange,
    ReliableDeterioration,
}

impl Reading {
    pub fn label(self) -> &'static str {
        match self {
            Reading::Recovered => "recovered",
            Reading::ReliableImprovement => "reliable improvement",
            Reading::NoReliableChange => "no reliable change",
            Reading::ReliableDeterioration => "reliable deterioration",
        }
    }
}

impl Scale {
    /// The Jacobson–Truax reading of a change from `first` to `latest`: a
    /// change of at least the reliable-change value is reliable; reliable
    /// improvement from the clinical range out of it is recovery. None for a
    /// scale without a reliable-change value (the SRS).
    pub fn reading(&self, first: Score, latest: Score) -> Option<Reading> {
        let rc = i64::from(self.reliable_change?.tenths());
        let change = Delta::between(first, latest).tenths();
        let better = if self.higher_is == HigherIs::Better { change } else { -change };
        Some(match better {
            b if b >= rc && self.clinical(first) == Some(true) && self.clinical(latest) == Some(false) => {
                Reading::Recovered
            }
            b if b >= rc => Reading::ReliableImprovement,
            b if -b >= rc => Reading::ReliableDeterioration,
            _ => Reading::NoReliableChange,
        })
    }

    /// Every total as a sparkline, oldest first (`▁▂▃▄▅▆▇█`, higher is a
    /// higher total whichever way the scale points). The bars span the
    /// client's own range, but never less than the reliable change (or an
    /// eighth of the scale), so noise does not look like a swing.
    pub fn sparkline(&self, totals: &[Score]) -> String {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let (Some(lo), Some(hi)) = (totals.iter().min(), totals.iter().max()) else { return String::new() };
        let floor = self.reliable_change.unwrap_or(Score::from_tenths(self.max_total().tenths() / 8)).tenths().max(1);
        let (lo, hi) = (lo.tenths(), hi.tenths());
        let span = (hi - lo).max(floor);
        let lo = lo.saturating_sub((span - (hi - lo)) / 2);
        totals
            .iter()
            .map(|t| {
                let level = (u64::from(t.tenths().saturating_sub(lo)) * 7 + u64::from(span) / 2) / u64::from(span);
                BARS[usize::try_from(level).unwrap_or(7).min(7)]
            })
            .collect()
    }
}

/// The change from a client's first measure of a kind to the latest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub since: NaiveDate,
    pub from: Score,
    pub by: Delta,
    pub reading: Option<Reading>,
}

/// One kind of measure over the course of therapy, as the review shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub kind: MeasureKind,
    pub name: String,
    pub latest: Score,
    pub latest_at: NaiveDateTime,
    pub latest_items: Vec<Score>,
    pub band: Option<String>,
    pub clinical: Option<bool>,
    /// The total at which a score is clinical (caseness), if the scale has one.
    pub cutoff: Option<Score>,
    /// None until there are two.
    pub change: Option<Change>,
    /// From the one before the latest to the latest: None until there are
    /// three (with two it is `change`).
    pub step: Option<Change>,
    /// Every total, oldest first.
    pub totals: Vec<Score>,
    pub sparkline: String,
    /// SRS items under 9 in the latest: each worth a word, whatever the total.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub low_items: Vec<LowItem>,
}

/// An item of the latest SRS under 9.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LowItem {
    /// Its short domain label: "Approach or method".
    pub item: String,
    pub score: Score,
}

/// What raises a warning at the top of the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// PHQ-9 item 9 (thoughts of self-harm) above 0.
    SelfHarm,
    ReliableDeterioration,
    /// The last SRS at or below 36.
    AllianceLow,
    /// The SRS fell by 3 or more since the one before.
    AllianceDrop,
    /// A reliable deterioration from one measure to the next (the whole
    /// course may still read as no reliable change).
    SuddenDeterioration,
}

/// A warning, in words for the therapist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// The measure that raised it.
    pub measure: MeasureId,
    pub text: String,
}

/// `20 Nov`
fn day(at: NaiveDateTime) -> String {
    at.format("%-d %b").to_string()
}

impl ClientRecord {
    /// The measures taken up to `until`, oldest first.
    fn measures_until(&self, until: NaiveDateTime) -> impl Iterator<Item = &Measure> {
        self.measures.iter().filter(move |m| m.at <= until)
    }

    /// Each kind of measure taken up to `until`, standard ones first.
    pub fn trends(&self, until: NaiveDateTime) -> Vec<Trend> {
        let mut kinds: Vec<&MeasureKind> = self.measures_until(until).map(|m| &m.kind).collect();
        kinds.sort();
        kinds.dedup();
        kinds
            .into_iter()
            .filter_map(|kind| {
                let scale = self.scale(kind)?;
                let taken: Vec<&Measure> = self.measures_until(until).filter(|m| m.kind == *kind).collect();
                let (first, latest) = (taken.first()?, taken.last()?);
                let totals: Vec<Score> = taken.iter().map(|m| m.total).collect();
                let change = (taken.len() > 1).then(|| Change {
                    since: first.at.date(),
                    from: first.total,
                    by: Delta::between(first.total, latest.total),
                    reading: scale.reading(first.total, latest.total),
                });
                let step = match taken.as_slice() {
                    [_, .., before, last] if taken.len() > 2 => Some(Change {
                        since: before.at.date(),
                        from: before.total,
                        by: Delta::between(before.total, last.total),
                        reading: scale.reading(before.total, last.total),
                    }),
                    _ => None,
                };
                let low_items = match kind {
                    MeasureKind::Srs => latest
                        .items
                        .iter()
                        .zip(&scale.labels)
                        .filter(|(s, _)| **s < SRS_ITEM_WORD)
                        .map(|(s, l)| LowItem { item: l.clone(), score: *s })
                        .collect(),
                    _ => Vec::new(),
                };
                Some(Trend {
                    kind: kind.clone(),
                    name: scale.name.clone(),
                    latest: latest.total,
                    latest_at: latest.at,
                    latest_items: latest.items.clone(),
                    band: scale.band(latest.total),
                    clinical: scale.clinical(latest.total),
                    cutoff: scale.cutoff,
                    change,
                    step,
                    sparkline: scale.sparkline(&totals),
                    totals,
                    low_items,
                })
            })
            .collect()
    }

    /// The warnings the measures taken up to `until` raise, the most
    /// urgent first: PHQ-9 item 9 above 0 in the latest PHQ-9 (every time),
    /// reliable deterioration on any measure, the last SRS at or below 36,
    /// and an SRS fall of 3 or more since the one before.
    pub fn measure_flags(&self, until: NaiveDateTime) -> Vec<Flag> {
        let latest = |kind: MeasureKind| self.measures_until(until).filter(move |m| m.kind == kind).last();
        let mut flags = Vec::new();
        if let Some(m) = latest(MeasureKind::Phq9)
            && let Some(s) = m.items.get(PHQ9_SELF_HARM_ITEM - 1).filter(|s| **s > Score::ZERO)
        {
            flags.push(Flag {
                kind: FlagKind::SelfHarm,
                measure: m.id.clone(),
                text: format!("check risk: PHQ-9 item 9 scored {s} on {}", day(m.at)),
            });
        }
        for t in self.trends(until) {
            let worse = |c: &&Change| c.reading == Some(Reading::ReliableDeterioration);
            if let Some(c) = t.step.as_ref().filter(worse).filter(|_| t.change.as_ref().filter(worse).is_none()) {
                let id = latest(t.kind.clone()).map(|m| m.id.clone()).unwrap_or_default();
                flags.push(Flag {
                    kind: FlagKind::SuddenDeterioration,
                    measure: id,
                    text: format!(
                        "{}: fell {} → {} since {}, a reliable deterioration in one step: ask what happened",
                        t.name,
                        c.from,
                        t.latest,
                        c.since.format("%-d %b")
                    ),
                });
            }
            if let Some(c) = t.change.as_ref().filter(|c| c.reading == Some(Reading::ReliableDeterioration)) {
                let id = latest(t.kind.clone()).map(|m| m.id.clone()).unwrap_or_default();
                flags.push(Flag {
                    kind: FlagKind::ReliableDeterioration,
                    measure: id,
                    text: format!(
                        "{}: reliable deterioration, {} → {} since {}: review the plan together",
                        t.name,
                        c.from,
                        t.latest,
                        c.since.format("%-d %b")
                    ),
                });
            }
        }
        let srs: Vec<&Measure> = self.measures_until(until).filter(|m| m.kind == MeasureKind::Srs).collect();
        if let Some(last) = srs.last() {
            if last.total <= SRS_CONCERN {
                flags.push(Flag {
                    kind: FlagKind::AllianceLow,
                    measure: last.id.clone(),
                    text: format!("alliance: last SRS {}, ask how the sessions feel", last.total),
                });
            }
            if let [.., before, last] = srs.as_slice()
                && last.total < before.total
                && Delta::between(before.total, last.total).size() >= SRS_DROP
            {
                flags.push(Flag {
                    kind: FlagKind::AllianceDrop,
                    measure: last.id.clone(),
                    text: format!(
                        "alliance: SRS fell {} → {} since {}, ask what changed",
                        before.total,
                        last.total,
                        day(before.at)
                    ),
                });
            }
        }
        flags
    }
}
