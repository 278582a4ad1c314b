//! The note form's keys and update: typing, Tab between fields, $EDITOR,
//! Ctrl-S to save (asking first about a date that looks mistyped), Esc to
//! leave.

use crate::practice::{Answers, Question, note};
use crate::tui::action::{Action, Effect};
use crate::tui::input::Typed;
use crate::tui::keys::{BACKTAB, Binding, Context, ESC, F1, TAB, b, ctrl};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::{leave_form, writable};

/// Said when Ctrl-S finds nothing typed.
pub const EMPTY_NOTE: &str = "The note is empty: type in at least one part (topics, feedback, …), or Esc to leave it.";

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::NoteForm, &[TAB], Action::NextField, "next field", true),
    b(Context::NoteForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(Context::NoteForm, &[ctrl('s')], Action::Save, "save", true),
    b(Context::NoteForm, &[ctrl('e')], Action::ExternalEditor, "$EDITOR", true),
    b(Context::NoteForm, &[ESC], Action::Back, "cancel", true),
    b(Context::NoteForm, &[F1], Action::Help, "help", true),
];

/// What the app adds to a question of the core's: the keys that answer it.
pub const SAVE_ANYWAY: &str = "Save anyway? y saves it, n goes back to it.";

/// The popup that asks `questions` before the note is saved; yes saves it
/// with them answered.
pub(crate) fn ask_before_saving(m: &mut Model, questions: Vec<Question>, save: Confirmed) -> bool {
    let Some(first) = questions.first() else { return false };
    let question = format!("{} {SAVE_ANYWAY}", first.text);
    let on_yes = match save {
        Confirmed::SaveNote { client, editing, note, base, answers } => {
            Confirmed::SaveNote { client, editing, note, base, answers: answers.and(questions.iter().map(|q| q.ask)) }
        }
        other => other,
    };
    m.popup = Some(Popup::Confirm { question, on_yes });
    true
}

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let now = m.now;
    let scales = match (&m.screen, &action) {
        (Screen::NoteForm(form), Action::Save) => m.scales_for(form.client.as_str()),
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
            let base = form.base.clone();
            let who = form.client_name.clone();
            let appointment = form.appointment;
            match form.to_new_session(&scales) {
                Ok(note) if note.is_empty() => m.set_error(EMPTY_NOTE),
                Ok(note) if writable(m, client.as_str()) => {
                    let questions = note::questions(&note, appointment, &who, editing.is_some(), m.policy, now);
                    let save =
                        Confirmed::SaveNote { client, editing, note: Box::new(note), base, answers: Answers::none() };
                    if !ask_before_saving(m, questions, save.clone()) {
                        m.set_info("Saving…");
                        return vec![save.effect()];
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
