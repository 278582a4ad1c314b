//! The note form's fields (name, label, hint, Tab order) and the draft it
//! is kept as on disk while unsaved, by field name.

pub use crate::tui::draft::FIELDS;
use crate::tui::input::TextInput;

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
pub(super) const ASSESSMENT: usize = 10;
pub(super) const INTERVENTION: usize = 11;
pub(super) const PROCESS: usize = 12;

use crate::domain::note_format::{NoteFormat, NotePart};

/// The part of a note field `i` holds, if it is one a format heads.
fn part_of(i: usize) -> Option<NotePart> {
    Some(match i {
        TOPICS => NotePart::Topics,
        FEEDBACK => NotePart::Feedback,
        TASKS => NotePart::Tasks,
        OBSERVATIONS => NotePart::Observations,
        PLAN => NotePart::Plan,
        NOTES => NotePart::Notes,
        MEASURES => NotePart::Measures,
        ASSESSMENT => NotePart::Assessment,
        INTERVENTION => NotePart::Intervention,
        _ => return None,
    })
}

/// The fields in Tab order for `format`: Rapport's own keeps the order a
/// quick note is written in, the assessment and intervention after it
/// (Measures last, so Shift-Tab from Topics reaches them at once); SOAP, DAP and BIRP go heading by heading, then
/// what no heading holds (personal details, when, how long).
pub fn order(format: NoteFormat) -> Vec<usize> {
    match format {
        NoteFormat::Rapport => {
            vec![
                TOPICS,
                FEEDBACK,
                TASKS,
                PERSONAL,
                OBSERVATIONS,
                PLAN,
                NOTES,
                WHEN,
                MINUTES,
                ASSESSMENT,
                INTERVENTION,
                PROCESS,
                MEASURES,
            ]
        }
        _ => {
            let mut order: Vec<usize> =
                format.parts().filter_map(|p| (0..FIELDS.len()).find(|i| part_of(*i) == Some(p))).collect();
            order.extend((0..FIELDS.len()).filter(|i| part_of(*i).is_none()));
            order
        }
    }
}

/// Field `i`'s label under `format`: "S · Topics" in SOAP.
pub fn label(format: NoteFormat, i: usize) -> String {
    match part_of(i) {
        Some(p) if format != NoteFormat::Rapport => format!("{} {}", format.heading_of(p).letter, FIELDS[i].label),
        _ if format != NoteFormat::Rapport => format!("  {}", FIELDS[i].label),
        _ => FIELDS[i].label.to_string(),
    }
}

/// Field `i` holding `text`, its hint shown while it is empty.
pub(super) fn field(i: usize, text: &str) -> TextInput {
    let input = if FIELDS[i].one_line { TextInput::one_line(text) } else { TextInput::multi_line(text) };
    input.with_placeholder(FIELDS[i].hint)
}

pub(super) fn fields(texts: &[String]) -> Vec<TextInput> {
    texts.iter().enumerate().map(|(i, t)| field(i, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::NoteForm;
    use super::*;
    use crate::domain::time::dt;
    use crate::tui::draft::NoteDraft;

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
            (ASSESSMENT, "assessment"),
            (INTERVENTION, "intervention"),
            (PROCESS, "process"),
        ];
        assert_eq!(named.len(), FIELDS.len());
        for (i, key) in named {
            assert_eq!(FIELDS[i].key, key);
        }
    }
}
