//! Note entry: the quick note straight after a session.

use crate::domain::bounds;
use crate::domain::measures::{CustomScale, next_item_prompt, read_lines};
use crate::domain::time::{self, ahead, format_datetime, format_day_near, parse_datetime};
use crate::domain::{Appointment, AppointmentId, ClientId, NewSession, Session, SessionId};
use crate::tui::action::{Action, Effect};
use crate::tui::input::{TextInput, Typed};
use crate::tui::keymap::{BACKTAB, Binding, Context, ESC, F1, TAB, b, ctrl};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::panel;
use crate::tui::theme::Theme;
use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};
use serde::{Deserialize, Serialize};

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
/// Said when Ctrl-S finds nothing typed.
mod view;
pub use view::view;

pub const EMPTY_NOTE: &str = "The note is empty: type in at least one part (topics, feedback, …), or Esc to leave it.";

const TASKS: usize = 2;
const PERSONAL: usize = 3;
const WHEN: usize = 7;
const MINUTES: usize = 8;
const MEASURES: usize = 9;

/// Field `i` holding `text`, its hint shown while it is empty.
fn field(i: usize, text: &str) -> TextInput {
    let input = if FIELDS[i].one_line { TextInput::one_line(text) } else { TextInput::multi_line(text) };
    input.with_placeholder(FIELDS[i].hint)
}

fn fields(texts: &[String]) -> Vec<TextInput> {
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

#[derive(Debug, Clone)]
pub struct NoteForm {
    pub client: ClientId,
    pub client_name: String,
    pub fields: Vec<TextInput>,
    pub focus: usize,
    /// The start of the appointment this note is for.
    pub appointment: Option<NaiveDateTime>,
    /// The appointment a new note is linked to when saved.
    pub appointment_id: Option<AppointmentId>,
    /// When the first change not yet kept as a draft was made.
    pub unkept_since: Option<NaiveDateTime>,
    /// The session being edited; None for a new note.
    pub editing: Option<SessionId>,
    /// The window whose kept draft this form was restored from (a window
    /// that stopped): its draft goes when this note is saved or discarded.
    pub restored_from: Option<String>,
}

impl NoteForm {
    /// A blank note; time from the appointment or `now`, 50 minutes.
    pub fn new(
        client: ClientId,
        client_name: String,
        at: NaiveDateTime,
        appointment: Option<&Appointment>,
    ) -> NoteForm {
        let (when, minutes) = appointment.map_or((at, 50), |a| (a.start, a.minutes));
        let mut texts = vec![String::new(); FIELDS.len()];
        texts[WHEN] = format_datetime(when);
        texts[MINUTES] = minutes.to_string();
        let mut form = NoteForm::build(client, client_name, texts, appointment.map(|a| a.start), None);
        form.appointment_id = appointment.map(|a| a.id.clone());
        form
    }

    fn build(
        client: ClientId,
        client_name: String,
        mut texts: Vec<String>,
        appointment: Option<NaiveDateTime>,
        editing: Option<SessionId>,
    ) -> NoteForm {
        texts.resize(FIELDS.len(), String::new());
        NoteForm {
            client,
            client_name,
            fields: fields(&texts),
            focus: 0,
            appointment,
            appointment_id: None,
            unkept_since: None,
            editing,
            restored_from: None,
        }
    }

    /// The form for changing a note not yet final. Tasks and personal
    /// details it set stay; new ones can be added.
    /// `tasks` and `personal` are what the note set already: they stay as
    /// they are (the tasks list and the profile change them), and the empty
    /// fields say so, so nothing is typed twice.
    pub fn edit(client: ClientId, client_name: String, s: &Session, tasks: &[String], personal: &[String]) -> NoteForm {
        let texts = vec![
            s.topics.join("\n"),
            s.feedback.join("\n"),
            String::new(),
            String::new(),
            s.observations.join("\n"),
            s.plan.clone(),
            s.notes.clone(),
            format_datetime(s.at),
            s.minutes.to_string(),
            String::new(),
        ];
        let mut form = NoteForm::build(client, client_name, texts, s.appointment, Some(s.id.clone()));
        for (i, set, what) in [(TASKS, tasks, "tasks"), (PERSONAL, personal, "personal details")] {
            if !set.is_empty() {
                let hint = format!("already set, and kept: {}. Type only new {what} here", set.join("; "));
                form.fields[i] = field(i, "").with_placeholder(&hint);
            }
        }
        form
    }

    /// Says in the empty Measures field which scores the note already has
    /// ("ORS 25.5, SRS 38"): they stay, so none is typed twice.
    pub fn with_kept_measures(mut self, kept: &[String]) -> NoteForm {
        if !kept.is_empty() {
            let hint = format!("already recorded, and kept: {}. Type only new measures here", kept.join(", "));
            self.fields[MEASURES] = field(MEASURES, "").with_placeholder(&hint);
        }
        self
    }

    /// The form as it was when kept.
    pub fn from_draft(client: ClientId, client_name: String, draft: &NoteDraft) -> NoteForm {
        let mut form =
            NoteForm::build(client, client_name, draft.fields.clone(), draft.appointment, draft.editing.clone());
        form.restored_from = Some(draft.window.clone());
        form.appointment_id = draft.appointment_id.clone();
        form
    }

    /// The form as a draft, marked as kept by `window`.
    pub fn draft(&self, now: NaiveDateTime, window: &str) -> NoteDraft {
        NoteDraft {
            window: window.to_string(),
            fields: self.fields.iter().map(TextInput::text).collect(),
            appointment: self.appointment,
            appointment_id: self.appointment_id.clone(),
            editing: self.editing.clone(),
            kept_at: now,
        }
    }

    /// Anything typed beyond the prefilled time and length.
    pub fn has_text(&self) -> bool {
        self.fields[..WHEN].iter().chain(&self.fields[MEASURES..]).any(|f| !f.is_blank())
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % FIELDS.len();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + FIELDS.len() - 1) % FIELDS.len();
    }

    /// Types a key into the focused field.
    pub fn input(&mut self, key: KeyEvent) -> Typed {
        self.fields[self.focus].input(key)
    }

    /// Pastes into the focused field (see [`TextInput::paste`]).
    pub fn paste(&mut self, text: &str) -> Typed {
        self.fields[self.focus].paste(text)
    }

    pub fn focused_text(&self) -> String {
        self.fields[self.focus].text()
    }

    /// Replaces the focused field's text (from $EDITOR).
    pub fn set_focused_text(&mut self, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        self.fields[self.focus] = field(self.focus, text);
    }

    fn lines(&self, i: usize) -> Vec<String> {
        self.fields[i].lines().to_vec()
    }

    /// The note to save, or what is wrong with the time, the length or a
    /// measure. `scales` are the custom measures the client's scores may use.
    pub fn to_new_session(&self, scales: &[CustomScale]) -> Result<NewSession, String> {
        let at = parse_datetime(&self.fields[WHEN].text()).map_err(|e| format!("When: {e}"))?;
        let minutes_text = self.fields[MINUTES].text();
        let minutes = bounds::parse_number("Minutes", &minutes_text, &bounds::MINUTES)?;
        if let Some(why) = self.lines(PERSONAL).iter().find_map(|l| time::impossible_date(l)) {
            return Err(format!("Personal details: {why}."));
        }
        let measures = read_lines(&self.fields[MEASURES].text(), scales).map_err(|e| format!("Measures: {e}"))?;
        Ok(NewSession {
            at: Some(at),
            minutes: Some(minutes),
            topics: self.lines(0),
            feedback: self.lines(1),
            tasks: self.lines(2),
            personal: self.lines(PERSONAL),
            observations: self.lines(4),
            plan: self.fields[5].text(),
            notes: self.fields[6].text(),
            appointment: self.appointment_id.clone(),
            measures,
            scales: scales.to_vec(),
        })
    }
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::NoteForm, &[TAB], Action::NextField, "next field", true),
    b(Context::NoteForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(Context::NoteForm, &[ctrl('s')], Action::Save, "save", true),
    b(Context::NoteForm, &[ctrl('e')], Action::ExternalEditor, "$EDITOR", true),
    b(Context::NoteForm, &[ESC], Action::Back, "cancel", true),
    b(Context::NoteForm, &[F1], Action::Help, "help", true),
];

/// What to ask before saving a note whose date looks mistyped: dated
/// ahead of now, on another day than the appointment it is for, or so long
/// ago that it would be final at once (a new note only: an edit keeps its
/// date's period). None: save it.
fn date_question(
    note: &NewSession,
    appointment: Option<chrono::NaiveDateTime>,
    now: chrono::NaiveDateTime,
    policy: crate::domain::finalise::FinalisePolicy,
    editing: bool,
) -> Option<String> {
    let at = note.at?;
    let dated = format!("This note is dated {} {}", format_day_near(at.date(), now.date()), at.format("%H:%M"));
    let ask = |why: String| Some(format!("{dated}, {why}. Save anyway? y saves it, n goes back to it."));
    match appointment {
        _ if at > now => ask(ahead(at, now)),
        Some(a) if a.date() != at.date() => {
            ask(format!("but its appointment was {}", format_day_near(a.date(), now.date())))
        }
        _ if !editing && policy.due_at(at, now) => ask(format!(
            "{}, so it would be final as soon as it is saved (corrected only by addenda)",
            crate::domain::time::ago(at.date(), now.date())
        )),
        _ => None,
    }
}

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let now = m.now;
    let scales = match (&m.screen, &action) {
        (Screen::NoteForm(form), Action::Save) => m.scales_for(&form.client),
        _ => Vec::new(),
    };
    let Screen::NoteForm(form) = &mut m.screen else { return vec![] };
    match action {
        Action::Input(_) | Action::Paste(_) => {
            let typed = match action {
                Action::Input(key) => form.input(key),
                Action::Paste(text) => form.paste(&text),
                _ => Typed::NotTaken,
            };
            match typed {
                Typed::Changed => {
                    form.unkept_since.get_or_insert(now);
                }
                Typed::Refused(why) => m.set_error(why),
                Typed::Moved | Typed::NotTaken => {}
            }
        }
        Action::NextField => form.next_field(),
        Action::PrevField => form.prev_field(),
        Action::ExternalEditor if m.encrypted => m.set_error(
            "Ctrl-E is off while the data folder is encrypted: the editor would write the note to disk unencrypted.",
        ),
        Action::ExternalEditor => return vec![Effect::OpenEditor { text: form.focused_text() }],
        Action::Save => {
            let client = form.client.clone();
            let editing = form.editing.clone();
            let appointment = form.appointment;
            match form.to_new_session(&scales) {
                Ok(note) if note.is_empty() => m.set_error(EMPTY_NOTE),
                Ok(note) if writable(m, &client) => {
                    let question = date_question(&note, appointment, now, m.policy, editing.is_some());
                    let save = Confirmed::SaveNote { client, editing, note: Box::new(note) };
                    match question {
                        Some(question) => m.popup = Some(Popup::Confirm { question, on_yes: save }),
                        None => {
                            m.set_info("Saving…");
                            return vec![save.effect()];
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => m.set_error(e),
            }
        }
        Action::Back => {
            let typed = form.has_text();
            return leave_form(m, typed);
        }
        _ => {}
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    #[test]
    fn a_draft_is_kept_by_field_name_and_an_older_positional_draft_still_restores() {
        let mut form = NoteForm::new("ann".into(), "Ann".into(), dt("2026-11-26 10:00"), None);
        form.paste("sleep\nwork");
        let json = serde_json::to_value(form.draft(dt("2026-11-26 10:05"), "w1")).unwrap();
        assert_eq!(json["fields"]["topics"], "sleep\nwork");
        assert_eq!(json["fields"]["when"], "2026-11-26 10:00");
        let back: NoteDraft = serde_json::from_value(json).unwrap();
        assert_eq!(back.fields[0], "sleep\nwork");
        assert_eq!(back.fields[MINUTES], "50");

        let old = r#"{"fields": ["grief", "", "", "", "", "", "", "2026-11-20 10:00", "50"], "kept_at": "2026-11-20T11:00:00"}"#;
        let old: NoteDraft = serde_json::from_str(old).unwrap();
        assert_eq!(old.fields[0], "grief");
        assert_eq!(old.fields[WHEN], "2026-11-20 10:00");
    }
}
