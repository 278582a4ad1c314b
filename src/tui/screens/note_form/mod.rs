//! Note entry: the quick note straight after a session. Here the form's
//! state; its fields and draft are in `fields.rs`, its keys and update in
//! `update.rs`, its drawing in `view.rs`.

use chrono::NaiveDateTime;
use ratatui::crossterm::event::KeyEvent;

use crate::domain::bounds;
use crate::domain::measures::{CustomScale, read_lines};
use crate::domain::time::{self, format_datetime, parse_datetime};
use crate::domain::{Appointment, AppointmentId, ClientId, NewSession, Session, SessionId};
use crate::tui::input::{TextInput, Typed};

mod fields;
pub mod life;
mod update;
mod view;

pub use crate::tui::draft::{FIELDS, Field, NoteDraft};
use fields::{
    ASSESSMENT, FEEDBACK, INTERVENTION, MEASURES, MINUTES, NOTES, OBSERVATIONS, PERSONAL, PLAN, PROCESS, TASKS, TOPICS,
    WHEN, field, fields,
};
pub use update::{KEYS, ask_before_saving, save_anyway, update};
pub use view::view;

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
    /// The edited note as it was when the form opened (see
    /// [`crate::domain::Session::edit_base`]); None for a new note or one
    /// restored from a draft.
    pub base: Option<String>,
    /// The window whose kept draft this form was restored from (a window
    /// that stopped): its draft goes when this note is saved or discarded.
    pub restored_from: Option<String>,
    /// The fields of a note opened for editing, as it opened: until one
    /// differs, nothing was typed (Esc just closes it).
    pub initial: Option<Vec<String>>,
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
            base: None,
            restored_from: None,
            initial: None,
        }
    }

    /// The form for changing a note not yet final. Tasks and personal
    /// details it set stay; new ones can be added.
    /// `tasks` and `personal` are what the note set already: they stay as
    /// they are (the tasks list and the profile change them), and the empty
    /// fields say so, so nothing is typed twice.
    pub fn edit(client: ClientId, client_name: String, s: &Session, tasks: &[String], personal: &[String]) -> NoteForm {
        let mut texts = vec![String::new(); FIELDS.len()];
        texts[TOPICS] = s.topics.join("\n");
        texts[FEEDBACK] = s.feedback.join("\n");
        texts[OBSERVATIONS] = s.observations.join("\n");
        texts[PLAN] = s.plan.clone();
        texts[NOTES] = s.notes.clone();
        texts[ASSESSMENT] = s.assessment.clone();
        texts[INTERVENTION] = s.intervention.clone();
        texts[WHEN] = format_datetime(s.at);
        texts[MINUTES] = s.minutes.to_string();
        let mut form = NoteForm::build(client, client_name, texts, s.appointment, Some(s.id.clone()));
        form.base = Some(s.edit_base());
        form.initial = Some(form.fields.iter().map(TextInput::text).collect());
        // The process note is not read into the form (it stays in its own
        // file): what is typed here replaces it.
        form.fields[PROCESS] = field(PROCESS, "").with_placeholder(
            "private, kept apart from the record; what you type here replaces the process note kept (`rapport \
             process show` shows it)",
        );
        for (i, set, what) in [(TASKS, tasks, "tasks"), (PERSONAL, personal, "personal details")] {
            if !set.is_empty() {
                let hint = format!("already set, and kept: {}. Type only new {what} here", set.join("; "));
                form.fields[i] = field(i, "").with_placeholder(&hint);
            }
        }
        form
    }

    /// The form changing `client`'s note `session`, with what the note set
    /// named in the empty fields (None: the record or the note is not held).
    pub fn open_edit(ctx: &crate::tui::ctx::Ctx, client: &ClientId, session: &SessionId) -> Option<NoteForm> {
        let record = ctx.roster.record(client.as_str())?;
        let s = record.sessions.iter().find(|s| s.id == *session)?;
        // What the note set stays as it is; the form says so, so none is typed twice.
        let set_tasks: Vec<String> =
            record.tasks.iter().filter(|t| t.session.as_ref() == Some(&s.id)).map(|t| t.text.clone()).collect();
        let set_personal: Vec<String> =
            record.personal.iter().filter(|p| p.session.as_ref() == Some(&s.id)).map(|p| p.text.clone()).collect();
        let kept_measures = record.measure_names(&s.id);
        let form = NoteForm::edit(client.clone(), record.display_name(), s, &set_tasks, &set_personal);
        Some(form.with_kept_measures(&kept_measures))
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

    /// Says in the empty Measures field which scores taken today, before
    /// the note, it will take ("ORS 22.5"), so none is typed twice.
    pub fn with_pending_measures(mut self, taken: &[String]) -> NoteForm {
        if !taken.is_empty() {
            let hint =
                format!("taken today, and kept with this note: {}. Type only other measures here", taken.join(", "));
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
            discarded: false,
        }
    }

    /// Anything typed: in a new note, beyond the prefilled time and
    /// length; in a note opened for editing, any change to it.
    pub fn has_text(&self) -> bool {
        if let Some(initial) = &self.initial {
            return self.fields.iter().map(TextInput::text).ne(initial.iter().cloned());
        }
        // All but the prefilled time and length.
        self.fields.iter().enumerate().any(|(i, f)| i != WHEN && i != MINUTES && !f.is_blank())
    }

    /// The next field in the Tab `order` (see [`fields::order`]).
    pub fn next_field(&mut self, order: &[usize]) {
        let at = order.iter().position(|i| *i == self.focus).unwrap_or(0);
        self.focus = order[(at + 1) % order.len()];
    }

    pub fn prev_field(&mut self, order: &[usize]) {
        let at = order.iter().position(|i| *i == self.focus).unwrap_or(0);
        self.focus = order[(at + order.len() - 1) % order.len()];
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
            topics: self.lines(TOPICS),
            feedback: self.lines(FEEDBACK),
            tasks: self.lines(TASKS),
            personal: self.lines(PERSONAL),
            observations: self.lines(OBSERVATIONS),
            plan: self.fields[PLAN].text(),
            notes: self.fields[NOTES].text(),
            assessment: self.fields[ASSESSMENT].text(),
            intervention: self.fields[INTERVENTION].text(),
            process: self.fields[PROCESS].text(),
            appointment: self.appointment_id.clone(),
            measures,
            scales: scales.to_vec(),
        })
    }
}
