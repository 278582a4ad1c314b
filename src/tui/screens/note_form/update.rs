//! The note form's keys and update: typing, Tab between fields, $EDITOR,
//! Ctrl-S to save (asking first about a date that looks mistyped), Esc to
//! leave.

use super::NoteForm;
use crate::practice::{Answers, Question, note};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::Typed;
use crate::tui::keys::{BACKTAB, Binding, Context, ESC, F1, KeyTable, TAB, b, ctrl};
use crate::tui::popup::{Confirmed, Popup};

/// Said when Ctrl-S finds nothing typed.
fn empty_note(ctx: &Ctx) -> String {
    format!(
        "The note is empty: type in at least one part (topics, feedback, …), or {} to leave it.",
        ctx.key_for(Context::NoteForm, Action::Back)
    )
}

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
pub fn save_anyway(keys: &KeyTable) -> String {
    let (yes, no) = (keys.key_for(Context::Confirm, &Action::Yes), keys.key_for(Context::Confirm, &Action::No));
    format!("Save anyway? {yes} saves it, {no} goes back to it.")
}

/// The box that asks `questions` before the note is saved; yes saves it
/// with them answered. None when nothing is asked.
pub fn ask_before_saving(ctx: &Ctx, questions: Vec<Question>, save: Confirmed) -> Option<Popup> {
    questions.first()?;
    // Every question in one box: a yes answers all of them.
    let said: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let question = format!("{} {}", said.join(" "), save_anyway(ctx.keys));
    let on_yes = match save {
        Confirmed::SaveNote { client, editing, note, base, answers } => {
            Confirmed::SaveNote { client, editing, note, base, answers: answers.and(questions.iter().map(|q| q.ask)) }
        }
        other => other,
    };
    Some(Popup::Confirm { question, on_yes })
}

pub fn update(form: &mut NoteForm, ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Input(_) | Action::Paste(_) => {
            let typed = match action {
                Action::Input(key) => form.input(key),
                Action::Paste(text) => form.paste(&text),
                _ => Typed::NotTaken,
            };
            match typed {
                Typed::Changed => {
                    form.unkept_since.get_or_insert(ctx.now);
                }
                Typed::Refused(why) => return Outcome::error(why),
                Typed::Moved | Typed::NotTaken => {}
            }
        }
        Action::NextField => form.next_field(&super::fields::order(ctx.note_format)),
        Action::PrevField => form.prev_field(&super::fields::order(ctx.note_format)),
        Action::ExternalEditor if ctx.encrypted => {
            return Outcome::error(format!(
                "{} is off while the data folder is encrypted: the editor would write the note to disk unencrypted.",
                ctx.key_for(Context::NoteForm, Action::ExternalEditor)
            ));
        }
        Action::ExternalEditor => return Outcome::effect(Effect::OpenEditor { text: form.focused_text() }),
        Action::Save => return save(form, ctx),
        // Nothing typed is thrown away without asking.
        Action::Back if form.has_text() => return Outcome::go(Go::AskDiscard),
        Action::Back => return super::life::discard(form, ctx),
        _ => {}
    }
    Outcome::none()
}

/// Ctrl-S: the note is saved, or the core's questions about it asked first.
fn save(form: &NoteForm, ctx: &Ctx) -> Outcome {
    let client = form.client.clone();
    let scales = ctx.roster.scales_for(client.as_str());
    let note = match form.to_new_session(&scales) {
        Ok(note) if note.is_empty() => return Outcome::error(empty_note(ctx)),
        Ok(note) => note,
        Err(e) => return Outcome::error(e),
    };
    if let Err(refused) = ctx.writable(client.as_str()) {
        return refused.into();
    }
    let editing = form.editing.clone();
    let questions = note::questions(&note, form.appointment, &form.client_name, editing.is_some(), ctx.policy, ctx.now);
    let base = form.base.clone();
    let save = Confirmed::SaveNote { client, editing, note: Box::new(note), base, answers: Answers::none() };
    match ask_before_saving(ctx, questions, save.clone()) {
        Some(asking) => Outcome::go(Go::Popup(asking)),
        None => Outcome::effect(save.effect()).and_info("Saving…"),
    }
}
