//! The note form as kept on disk while it is unsaved, by field name: what
//! the app, the store worker and the form share (a leaf, so the actions
//! that carry a draft do not import the form).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::domain::{AppointmentId, SessionId};

/// A field of the form: its name in a kept draft, its label, its hint, and
/// whether it is one line.
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub one_line: bool,
}

const fn f(key: &'static str, label: &'static str, hint: &'static str, one_line: bool) -> Field {
    Field { key, label, hint, one_line }
}

/// The fields, in the order drafts were once kept in (new fields are added
/// at the end, so an old positional draft still restores). The Tab order
/// is the note format's (see `screens::note_form::fields::order`).
pub const FIELDS: [Field; 13] = [
    f("topics", "Topics", "one topic per line", false),
    f("feedback", "Client feedback", "what they said about the therapy, the plan, the last task; one per line", false),
    f("tasks", "Tasks set", "homework, one task per line", false),
    f("personal", "Personal details", "to ask about next time, one per line; add a date as YYYY-MM-DD", false),
    f("observations", "Observations", "non-verbal cues, silences; one per line", false),
    f("plan", "Plan for next time", "what to pick up next session", false),
    f("notes", "Notes", "free text", false),
    f("when", "When", "YYYY-MM-DD HH:MM", true),
    f("minutes", "Minutes", "length of the session", true),
    f(
        "measures",
        "Measures",
        "one per line, each item's score in order: ORS 6 6.5 7 6 · SRS 9 9 9.5 9 · PHQ-9 … · GAD-7 …",
        false,
    ),
    f("assessment", "Assessment", "your assessment: progress, formulation, risk", false),
    f("intervention", "Intervention", "what you did: the approach and techniques used", false),
    f(
        "process",
        "Process (private)",
        "your private reflections: kept apart from the record, in no review, search or export unless you ask",
        false,
    ),
];

/// A draft's fields are kept by name (`{"topics": "…", "when": "…"}`), so a
/// form that gains or reorders fields still restores every word; drafts
/// kept by an older Rapport as a list in [`FIELDS`] order still restore.
mod fields_by_name {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::FIELDS;

    pub fn serialize<S: Serializer>(fields: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(FIELDS.iter().zip(fields).map(|(f, text)| (f.key, text)))
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Kept {
        ByName(BTreeMap<String, String>),
        InOrder(Vec<String>),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match Kept::deserialize(d)? {
            Kept::ByName(mut map) => FIELDS.iter().map(|f| map.remove(f.key).unwrap_or_default()).collect(),
            Kept::InOrder(list) => list,
        })
    }
}

/// The form as kept on disk while it is unsaved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteDraft {
    /// The text of each field, in [`FIELDS`] order (kept on disk by name).
    #[serde(with = "fields_by_name")]
    pub fields: Vec<String>,
    /// The start of the appointment the note is for.
    #[serde(default)]
    pub appointment: Option<NaiveDateTime>,
    /// Its id (drafts kept before appointments had ids have only the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<AppointmentId>,
    /// The session being edited; None for a new note.
    #[serde(default)]
    pub editing: Option<SessionId>,
    pub kept_at: NaiveDateTime,
    /// The app window that kept it (a token made at its start).
    #[serde(default)]
    pub window: String,
    /// Discarded on purpose (Esc, then y): not offered when the app opens,
    /// but `n` on the client brings it back for [`DISCARDED_KEPT_HOURS`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discarded: bool,
}

/// How long a note discarded on purpose can still be brought back with `n`.
pub const DISCARDED_KEPT_HOURS: i64 = 24;

impl NoteDraft {
    /// Still to be offered at `now`: kept unsaved, or discarded lately.
    pub fn restorable(&self, now: NaiveDateTime) -> bool {
        !self.discarded || (now - self.kept_at).num_hours() < DISCARDED_KEPT_HOURS
    }
}
