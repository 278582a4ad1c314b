//! The scales: the four standard ones built in, custom ones defined in the
//! settings (`"measures": [...]` in config.json) and copied into the
//! record of each client scored on them.

use serde::{Deserialize, Serialize};

use super::{MeasureKind, Score, folded};
use crate::domain::bounds::{self, check_number};

/// Whether a higher total means the client is doing better (ORS) or worse (PHQ-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HigherIs {
    Better,
    Worse,
}

/// A scale defined by the therapist, for CORE-10, WSAS or a service's own.
/// Items score whole numbers from 0 to `item_max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomScale {
    /// As shown and typed: "CORE-10".
    pub name: String,
    /// How many items it has.
    pub items: u32,
    /// The highest score of one item.
    pub item_max: u32,
    pub higher_is: HigherIs,
    /// The clinical cutoff: a total at or above it is in the clinical range
    /// when higher is worse; below it, when higher is better.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<Score>,
    /// The smallest change that counts as reliable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliable_change: Option<Score>,
}

impl CustomScale {
    /// Its key in a client file: the name in lower case, `core-10`.
    pub fn key(&self) -> String {
        crate::domain::slug(&self.name)
    }

    /// Checks a definition read from the settings or a client file.
    pub fn check(&self) -> Result<(), String> {
        let n = &self.name;
        if n.trim().is_empty()
            || n.chars().count() > bounds::SCALE_NAME_CHARS
            || n.chars().any(char::is_control)
            || !crate::sanitize::is_visible(n)
        {
            return Err(format!(
                "a custom measure's name must be one line of 1 to {} characters",
                bounds::SCALE_NAME_CHARS
            ));
        }
        let shown = crate::sanitize::visible(n);
        if !n.chars().any(|c| c.is_alphanumeric())
            || MeasureKind::STANDARD.iter().any(|k| folded(k.key()) == folded(n) || k.key() == self.key())
        {
            return Err(format!("'{shown}' cannot name a custom measure; choose another name"));
        }
        check_number(&format!("the number of items of {shown}"), self.items, &bounds::CUSTOM_ITEMS)?;
        check_number(&format!("the highest item score of {shown}"), self.item_max, &bounds::CUSTOM_ITEM_MAX)?;
        let max = Score::whole(self.items * self.item_max);
        if self.cutoff.is_some_and(|c| c > max) {
            return Err(format!("the cutoff of {shown} is above its highest total, {max}"));
        }
        if self.reliable_change.is_some_and(|r| r == Score::ZERO || r > max) {
            return Err(format!("the reliable change of {shown} must be above 0 and at most its highest total, {max}"));
        }
        Ok(())
    }
}

/// A scale as Rapport scores and reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub kind: MeasureKind,
    /// As shown: "PHQ-9".
    pub name: String,
    /// What the scale measures, in a word or two.
    pub about: &'static str,
    /// A short label per item: the ORS's and SRS's domains, never their wording.
    pub labels: Vec<String>,
    /// The wording of each item, for scales free to reproduce (PHQ-9, GAD-7).
    pub wording: &'static [&'static str],
    /// What each whole score of an item means, for those scales.
    pub answers: &'static [&'static str],
    pub item_max: Score,
    /// Items take one decimal (the ORS and SRS, marked on a 10 cm line).
    pub decimals: bool,
    pub higher_is: HigherIs,
    /// See [`CustomScale::cutoff`].
    pub cutoff: Option<Score>,
    pub reliable_change: Option<Score>,
    /// Severity bands: (highest total of the band, its name), lowest first.
    pub bands: &'static [(u32, &'static str)],
}

const PHQ9_WORDING: &[&str] = &[
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
];

const GAD7_WORDING: &[&str] = &[
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
];

/// The answers of the PHQ-9 and GAD-7, for "over the last 2 weeks, how
/// often have you been bothered by…".
const OFTEN: &[&str] = &["not at all", "several days", "more than half the days", "nearly every day"];

/// The SRS total at or below which the alliance needs talking about.
pub const SRS_CONCERN: Score = Score::whole(36);
/// An SRS fall from one session to the next this large is a warning.
pub const SRS_DROP: Score = Score::whole(3);
/// An SRS item under this is worth a word, whatever the total.
pub const SRS_ITEM_WORD: Score = Score::whole(9);
/// The PHQ-9 item about thoughts of self-harm (1-based).
pub const PHQ9_SELF_HARM_ITEM: usize = 9;

fn labels(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}

impl Scale {
    /// The scale of `kind`: a standard one, or the custom one of `custom`
    /// with its key.
    pub fn of(kind: &MeasureKind, custom: &[CustomScale]) -> Option<Scale> {
        let standard = |name: &str, about, l: &[&str], item_max, decimals, higher_is| Scale {
            kind: kind.clone(),
            name: name.to_string(),
            about,
            labels: labels(l),
            wording: &[],
            answers: &[],
            item_max: Score::whole(item_max),
            decimals,
            higher_is,
            cutoff: None,
            reliable_change: None,
            bands: &[],
        };
        Some(match kind {
            MeasureKind::Ors => Scale {
                cutoff: Some(Score::whole(25)),
                reliable_change: Some(Score::whole(5)),
                ..standard(
                    "ORS",
                    "wellbeing",
                    &["Individually", "Interpersonally", "Socially", "Overall"],
                    10,
                    true,
                    HigherIs::Better,
                )
            },
            MeasureKind::Srs => standard(
                "SRS",
                "alliance",
                &["Relationship", "Goals and topics", "Approach or method", "Overall"],
                10,
                true,
                HigherIs::Better,
            ),
            MeasureKind::Phq9 => Scale {
                wording: PHQ9_WORDING,
                answers: OFTEN,
                cutoff: Some(Score::whole(10)),
                reliable_change: Some(Score::whole(6)),
                bands: &[(4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"), (27, "severe")],
                ..standard(
                    "PHQ-9",
                    "depression",
                    &[
                        "interest",
                        "low mood",
                        "sleep",
                        "energy",
                        "appetite",
                        "self-worth",
                        "concentration",
                        "slowed or restless",
                        "thoughts of self-harm",
                    ],
                    3,
                    false,
                    HigherIs::Worse,
                )
            },
            MeasureKind::Gad7 => Scale {
                wording: GAD7_WORDING,
                answers: OFTEN,
                cutoff: Some(Score::whole(8)),
                reliable_change: Some(Score::whole(4)),
                bands: &[(4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe")],
                ..standard(
                    "GAD-7",
                    "anxiety",
                    &[
                        "nervous",
                        "cannot stop worrying",
                        "worrying too much",
                        "trouble relaxing",
                        "restless",
                        "irritable",
                        "afraid",
                    ],
                    3,
                    false,
                    HigherIs::Worse,
                )
            },
            MeasureKind::Custom(key) => {
                let c = custom.iter().find(|c| c.key() == *key)?;
                Scale {
                    kind: kind.clone(),
                    name: c.name.clone(),
                    about: "custom measure",
                    labels: (1..=c.items).map(|i| format!("item {i}")).collect(),
                    wording: &[],
                    answers: &[],
                    item_max: Score::whole(c.item_max),
                    decimals: false,
                    higher_is: c.higher_is,
                    cutoff: c.cutoff,
                    reliable_change: c.reliable_change,
                    bands: &[],
                }
            }
        })
    }

    pub fn items(&self) -> usize {
        self.labels.len()
    }

    /// The highest total.
    pub fn max_total(&self) -> Score {
        Score::from_tenths(self.item_max.tenths().saturating_mul(self.items() as u32))
    }

    /// The label of item `i` (0-based), with its number: "item 2 (Interpersonally)".
    pub fn item_name(&self, i: usize) -> String {
        match self.labels.get(i) {
            Some(l) if !l.starts_with("item ") => format!("item {} ({l})", i + 1),
            _ => format!("item {}", i + 1),
        }
    }

    /// Refuses a wrong number of items or an item out of its range, naming it.
    pub fn check_items(&self, items: &[Score]) -> Result<(), String> {
        if items.len() != self.items() {
            return Err(format!(
                "{} takes {} item scores; {} {} given",
                self.name,
                self.items(),
                items.len(),
                if items.len() == 1 { "was" } else { "were" }
            ));
        }
        for (i, s) in items.iter().enumerate() {
            let whole = if self.decimals { "" } else { "whole numbers " };
            if *s > self.item_max || (!self.decimals && !s.is_whole()) {
                return Err(format!(
                    "{} {} is {s}; it takes {whole}0 to {}",
                    self.name,
                    self.item_name(i),
                    self.item_max
                ));
            }
        }
        Ok(())
    }

    /// Whether `total` is in the clinical range (None: no cutoff).
    pub fn clinical(&self, total: Score) -> Option<bool> {
        let cutoff = self.cutoff?;
        Some(match self.higher_is {
            HigherIs::Better => total < cutoff,
            HigherIs::Worse => total >= cutoff,
        })
    }

    /// The line the chart draws: the cutoff, or for the SRS the level of concern.
    pub fn line(&self) -> Option<Score> {
        if self.kind == MeasureKind::Srs { Some(SRS_CONCERN) } else { self.cutoff }
    }

    /// The name of the range `total` falls in: "moderate", "clinical range",
    /// "alliance concern"; None for a scale without bands or a cutoff.
    pub fn band(&self, total: Score) -> Option<String> {
        if self.kind == MeasureKind::Srs {
            let b = if total <= SRS_CONCERN { "alliance concern" } else { "no alliance concern" };
            return Some(b.to_string());
        }
        if let Some((_, name)) = self.bands.iter().find(|(top, _)| total <= Score::whole(*top)) {
            return Some(name.to_string());
        }
        self.clinical(total).map(|c| if c { "clinical range" } else { "non-clinical range" }.to_string())
    }
}
