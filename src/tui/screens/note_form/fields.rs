//! The note form's fields (name, label, hint, Tab order) and the draft it
//! is kept as on disk while unsaved, by field name.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::domain::{AppointmentId, SessionId};
use crate::tui::input::TextInput;

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

/// The fields in Tab order. Measures come last, so Shift-Tab from Topics
/// reaches them at once (and drafts kept in field order still restore).
pub const FIELDS: [Field; 10] = [
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

// Where each field stands in [`FIELDS`], so the form reads them by name.
pub(super) const TOPICS: usize = 0;
pub(super) const FEEDBACK: usize = 1;
pub(super) const TASKS: usize = 2;
pub(super) const PERSONAL: usize = 3;
pub(super) const OBSERVATIONS: usize = 4;
pub(super) const PLAN: usize = 5;
pub(super) const NOTES: usize = 6;
pub(super) const WHEN: usize = 7;
pub(super) const MINUTES: usize = 8;
pub(super) const MEASURES: usize = 9;

/// Field `i` holding `text`, its hint shown while it is empty.
pub(super) fn field(i: usize, text: &str) -> TextInput {
    let input = if FIELDS[i].one_line { TextInput::one_line(text) } else { TextInput::multi_line(text) };
    input.with_placeholder(FIELDS[i].hint)
}

pub(super) fn fields(texts: &[String]) -> Vec<TextInput> {
    texts.iter().enumerate().map(|(i, t)| field(i, t)).collect()
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
}

#[cfg(test)]
mod tests {
    use super::super::NoteForm;
    use super::*;
    use crate::domain::time::dt;

    #[test]
    fn a_draft_is_kept_by_field_name_and_an_older_positional_draft_still_restores() {
        let mut form = NoteForm::new(crate::domain::ClientId::new("ann"), "Ann".into(), dt("2026-11-26 10:00"), None);
        form.paste("sleep\nwork");
        let json = serde_json::to_value(form.draft(dt("2026-11-26 10:05"), "w1")).unwrap();
        assert_eq!(json["fields"]["topics"], "sleep\nwork");
        assert_eq!(json["fields"]["when"], "2026-11-26 10:00");
        let back: NoteDraft = serde_json::from_value(json).unwrap();
        assert_eq!(back.fields[TOPICS], "sleep\nwork");
        assert_eq!(back.fields[MINUTES], "50");

        let old = r#"{"fields": ["grief", "", "", "", "", "", "", "2026-11-20 10:00", "50"], "kept_at": "2026-11-20T11:00:00"}"#;
        let old: NoteDraft = serde_json::from_str(old).unwrap();
        assert_eq!(old.fields[TOPICS], "grief");
        assert_eq!(old.fields[WHEN], "2026-11-20 10:00");
    }

    #[test]
    fn each_field_is_read_by_the_name_it_is_kept_under() {
        let named = [
            (TOPICS, "topics"),
            (FEEDBACK, "feedback"),
            (TASKS, "tasks"),
            (PERSONAL, "personal"),
            (OBSERVATIONS, "observations"),
            (PLAN, "plan"),
            (NOTES, "notes"),
            (WHEN, "when"),
            (MINUTES, "minutes"),
            (MEASURES, "measures"),
        ];
        assert_eq!(named.len(), FIELDS.len());
        for (i, key) in named {
            assert_eq!(FIELDS[i].key, key);
        }
    }
}
