//! Outcome and alliance measures (measurement-based care): the scales,
//! their scoring, and taking and removing a measure. What a series of
//! measures means (bands, Jacobson–Truax readings, flags) is in
//! [`reading`].
//!
//! The ORS and SRS are copyrighted: Rapport holds their scores and short
//! domain labels, never their item wording. The PHQ-9 and GAD-7 are free to
//! reproduce, so their wording is here to show while scores are entered.

mod reading;
mod scales;
mod score;

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::edit::{next_id, unknown};
use super::{Appointment, ClientRecord, Measure, MeasureId, RecordError, SessionId, bounds, time};
pub use reading::*;
pub use scales::{CustomScale, HigherIs, Scale};
pub use score::{Delta, Score};

/// Which measure was taken. Written to a file as its key: `ors`, `srs`,
/// `phq-9`, `gad-7`, or a custom scale's key (`core-10`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum MeasureKind {
    /// Outcome Rating Scale: wellbeing, 4 items 0–10.
    Ors,
    /// Session Rating Scale: the alliance, 4 items 0–10.
    Srs,
    /// Depression, 9 items 0–3.
    Phq9,
    /// Anxiety, 7 items 0–3.
    Gad7,
    /// A scale defined in the settings, by its key.
    Custom(String),
}

impl MeasureKind {
    /// The standard measures, in the order the review shows them.
    pub const STANDARD: [MeasureKind; 4] = [MeasureKind::Ors, MeasureKind::Srs, MeasureKind::Phq9, MeasureKind::Gad7];

    /// The key written to a file.
    pub fn key(&self) -> &str {
        match self {
            MeasureKind::Ors => "ors",
            MeasureKind::Srs => "srs",
            MeasureKind::Phq9 => "phq-9",
            MeasureKind::Gad7 => "gad-7",
            MeasureKind::Custom(k) => k,
        }
    }
}

impl schemars::JsonSchema for MeasureKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MeasureKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "Which measure: ors, srs, phq-9, gad-7, or the key of one of the file's scales (its name in lower case: core-10).",
            "examples": ["ors", "srs", "phq-9", "gad-7", "core-10"],
        })
    }
}

impl From<String> for MeasureKind {
    fn from(key: String) -> MeasureKind {
        match key.as_str() {
            "ors" => MeasureKind::Ors,
            "srs" => MeasureKind::Srs,
            "phq-9" => MeasureKind::Phq9,
            "gad-7" => MeasureKind::Gad7,
            _ => MeasureKind::Custom(key),
        }
    }
}

impl From<MeasureKind> for String {
    fn from(k: MeasureKind) -> String {
        k.key().to_string()
    }
}

impl fmt::Display for MeasureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

/// How a name is compared: case, hyphens, spaces and underscores ignored,
/// so `PHQ9`, `phq-9` and `Phq 9` are one measure.
fn folded(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).flat_map(char::to_lowercase).collect()
}

/// The measure a typed name stands for: a standard one, or one of
/// `custom` (the settings' and the client's own scales).
pub fn kind_named(typed: &str, custom: &[CustomScale]) -> Result<MeasureKind, String> {
    let f = folded(typed);
    if let Some(k) = MeasureKind::STANDARD.into_iter().find(|k| folded(k.key()) == f) {
        return Ok(k);
    }
    if let Some(c) = custom.iter().find(|c| folded(&c.name) == f) {
        return Ok(MeasureKind::Custom(c.key()));
    }
    let mut known = vec!["ORS".to_string(), "SRS".into(), "PHQ-9".into(), "GAD-7".into()];
    known.extend(custom.iter().map(|c| c.name.clone()));
    known.dedup();
    Err(format!(
        "'{}' is not a measure Rapport knows: {} (others can be defined under \"measures\" in config.json)",
        typed.trim(),
        known.join(", ")
    ))
}

/// Reads a measure typed on one line, `ORS 6 6.5 7 6`: its kind and its
/// item scores, checked against the scale (the error names the item).
pub fn read_line(line: &str, custom: &[CustomScale]) -> Result<(MeasureKind, Vec<Score>), String> {
    let mut words = line.split_whitespace();
    let name = words.next().ok_or("the line is empty; type a measure and its scores, e.g. ORS 6 6.5 7 6")?;
    read_scores(name.trim_end_matches(':'), words, custom)
}

/// Reads measures typed one to a line (or several on a line, between
/// semicolons), as the note form and the review's box take them. An error
/// names the entry when there is more than one.
pub fn read_lines(text: &str, custom: &[CustomScale]) -> Result<Vec<(MeasureKind, Vec<Score>)>, String> {
    let entries: Vec<&str> = text.split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).collect();
    let many = entries.len() > 1;
    entries
        .iter()
        .enumerate()
        .map(|(i, l)| read_line(l, custom).map_err(|e| if many { format!("measure {} ({l}): {e}", i + 1) } else { e }))
        .collect()
}

/// While a PHQ-9 or GAD-7 is typed, the wording of the item to score next
/// and what its scores mean: "PHQ-9 item 3 of 9: Trouble falling… (0 not
/// at all · 1 several days · …)". None for the ORS and SRS (their wording is
/// copyrighted) and once every item is scored.
pub fn next_item_prompt(typed: &str, custom: &[CustomScale]) -> Option<String> {
    let entry = typed.rsplit(['\n', ';']).next()?.trim_start();
    let mut words = entry.split_whitespace();
    let kind = kind_named(words.next()?.trim_end_matches(':'), custom).ok()?;
    let scale = Scale::of(&kind, custom)?;
    let given =
        words.count() - usize::from(!entry.ends_with(char::is_whitespace) && entry.split_whitespace().count() > 1);
    let wording = scale.wording.get(given)?;
    let answers: Vec<String> = scale.answers.iter().enumerate().map(|(i, a)| format!("{i} {a}")).collect();
    Some(format!("{} item {} of {}: {wording} ({})", scale.name, given + 1, scale.items(), answers.join(" · ")))
}

/// Reads a measure's name and its typed item scores, checked against the
/// scale (the error names the item).
pub fn read_scores<'a>(
    name: &str,
    scores: impl IntoIterator<Item = &'a str>,
    custom: &[CustomScale],
) -> Result<(MeasureKind, Vec<Score>), String> {
    let kind = kind_named(name, custom)?;
    let scale = Scale::of(&kind, custom).ok_or_else(|| format!("no scale is defined for {kind}"))?;
    let items = scores
        .into_iter()
        .enumerate()
        .map(|(i, w)| Score::parse(w).map_err(|e| format!("{} item {}: {e}", scale.name, i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    scale.check_items(&items)?;
    Ok((kind, items))
}

/// A measure to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeasure {
    pub kind: MeasureKind,
    pub items: Vec<Score>,
    pub at: NaiveDateTime,
    /// The note of the session it was taken in.
    pub session: Option<SessionId>,
}

impl ClientRecord {
    /// The scale this client's measures of `kind` are scored on.
    pub fn scale(&self, kind: &MeasureKind) -> Option<Scale> {
        Scale::of(kind, &self.scales)
    }

    /// Puts the measures in the order they were taken, as every reading of
    /// them (the first and latest score, the change between consecutive
    /// ones) assumes: a merge of two devices' lists, or a file edited by
    /// hand, may hold them in another.
    pub fn measures_in_time_order(&mut self) {
        self.measures.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    }

    /// Records a measure and its total. `custom` are the settings' custom
    /// scales: the first measure on one copies its definition into the
    /// record, so the file reads the same on any machine and in an export.
    pub fn add_measure(&mut self, new: NewMeasure, custom: &[CustomScale]) -> Result<MeasureId, RecordError> {
        let invalid = RecordError::Invalid;
        if let MeasureKind::Custom(key) = &new.kind {
            let defined = custom.iter().find(|c| c.key() == *key);
            match (self.scales.iter().find(|c| c.key() == *key), defined) {
                (Some(own), Some(d)) if own != d => {
                    return Err(invalid(format!(
                        "{}'s earlier {} scores were taken on another definition of it than config.json has now; \
                         give the changed scale a new name",
                        self.client.name, own.name
                    )));
                }
                (Some(_), _) => {}
                (None, Some(d)) => self.scales.push(d.clone()),
                (None, None) => return Err(invalid(format!("no scale '{key}' is defined in config.json"))),
            }
        }
        let scale = self.scale(&new.kind).ok_or_else(|| invalid(format!("no scale is defined for {}", new.kind)))?;
        scale.check_items(&new.items).map_err(invalid)?;
        bounds::check_time("the time of the measure", new.at).map_err(invalid)?;
        if let Some(s) = &new.session {
            if self.session(s).is_none() {
                return Err(unknown("note", s.as_str()));
            }
            if let Some(m) = self.measures.iter().find(|m| m.kind == new.kind && m.session.as_ref() == Some(s)) {
                return Err(invalid(format!(
                    "note {s} already has its {} scores ({}); remove those first",
                    scale.name, m.id
                )));
            }
        }
        if let Some(m) = self.measures.iter().find(|m| m.kind == new.kind && m.at == new.at) {
            return Err(invalid(format!(
                "{} scores were already taken at {} ({}); remove those first",
                scale.name,
                time::format_datetime(new.at),
                m.id
            )));
        }
        let id: MeasureId = next_id(self.measures.iter().map(|m| m.id.as_str()), self.device.tag());
        let total = Score::sum(&new.items);
        self.measures.push(Measure {
            id: id.clone(),
            kind: new.kind,
            at: new.at,
            items: new.items,
            total,
            session: new.session,
        });
        self.measures.sort_by_key(|m| m.at);
        Ok(id)
    }

    /// Records measures taken together (at `at`, in note `session` if
    /// any): all of them or, on the first refusal, none (the store writes
    /// only a change that succeeds). Says what was recorded, in words.
    pub fn add_measures(
        &mut self,
        taken: Vec<(MeasureKind, Vec<Score>)>,
        at: NaiveDateTime,
        session: Option<SessionId>,
        custom: &[CustomScale],
    ) -> Result<String, RecordError> {
        if taken.is_empty() {
            return Err(RecordError::Invalid("type a measure and its scores, e.g. ORS 6 6.5 7 6".into()));
        }
        let mut said = Vec::new();
        for (kind, items) in taken {
            self.add_measure(NewMeasure { kind: kind.clone(), items, at, session: session.clone() }, custom)?;
            let (scale, total) = (self.scale(&kind), self.measures.iter().rev().find(|m| m.kind == kind && m.at == at));
            if let (Some(scale), Some(m)) = (scale, total) {
                let band = scale.band(m.total).map(|b| format!(" ({b})")).unwrap_or_default();
                said.push(format!("{} {}{band}", scale.name, m.total));
            }
        }
        Ok(format!("Recorded {}.", said.join(", ")))
    }

    /// Takes a measure out of the record (entered by mistake); returns it.
    /// Scores of a finalised note stay with it, as its words do.
    pub fn remove_measure(&mut self, id: &MeasureId) -> Result<Measure, RecordError> {
        let i = self.measures.iter().position(|m| m.id == *id).ok_or_else(|| unknown("measure", id.as_str()))?;
        if let Some(s) = &self.measures[i].session
            && self.session(s).is_some_and(|s| s.finalised.is_some())
        {
            return Err(RecordError::Invalid(format!(
                "{id} belongs to note {s}, which is final: its scores stay with it. Say what was wrong in an \
                 addendum to the note (`rapport addendum`)"
            )));
        }
        Ok(self.measures.remove(i))
    }

    /// The scores note `session` has, in words: "ORS 25.5", "SRS 38".
    pub fn measure_names(&self, session: &SessionId) -> Vec<String> {
        self.measures
            .iter()
            .filter(|m| m.session.as_ref().map(|x| x.as_str()) == Some(session.as_str()))
            .map(|m| format!("{} {}", self.scale(&m.kind).map_or_else(|| m.kind.to_string(), |s| s.name), m.total))
            .collect()
    }

    /// Which note scores typed now belong to, and their time: those of the
    /// appointment `for_appointment` (the one a review is for) once it has
    /// its note; none yet while it is still to be held (the note written
    /// that day takes them, see `add_session`); without an appointment,
    /// today's latest note, else none.
    pub fn note_for_scores(
        &self,
        for_appointment: Option<&Appointment>,
        now: chrono::NaiveDateTime,
    ) -> (Option<SessionId>, chrono::NaiveDateTime) {
        let noted = |id: &SessionId| self.session(id).map(|s| (Some(s.id.clone()), s.at));
        match for_appointment {
            Some(a) => match a.note.as_ref().and_then(noted) {
                Some(found) => found,
                None => (None, now),
            },
            None => self
                .last_session()
                .filter(|s| s.at.date() == now.date())
                .map_or((None, now), |s| (Some(s.id.clone()), s.at)),
        }
    }

    /// The scores taken on `day` with no note yet (from the review, before
    /// the session): the note written that day takes them.
    pub fn pending_measures(&self, day: chrono::NaiveDate) -> impl Iterator<Item = &Measure> {
        self.measures.iter().filter(move |m| m.session.is_none() && m.at.date() == day)
    }

    /// Those, as the note form names them: "ORS 22.5".
    pub fn pending_measure_names(&self, day: chrono::NaiveDate) -> Vec<String> {
        self.pending_measures(day)
            .map(|m| format!("{} {}", self.scale(&m.kind).map_or_else(|| m.kind.to_string(), |s| s.name), m.total))
            .collect()
    }

    /// The custom scales no measure uses any more are dropped from the record.
    pub fn drop_unused_scales(&mut self) {
        let used: Vec<String> = self.measures.iter().map(|m| m.kind.key().to_string()).collect();
        self.scales.retain(|c| used.contains(&c.key()));
    }
}

#[cfg(test)]
mod tests;
