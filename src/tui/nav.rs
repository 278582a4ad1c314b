//! Moves between screens and the steps every screen shares: going home,
//! opening a note or a review, refusing a change to a read-only client,
//! typing into a box, and asking before typed text is thrown away.

use super::action::Effect;
pub(crate) use super::input::type_line;
use super::model::{Model, Popup, Screen};
use super::screens::note_form::NoteForm;
use crate::domain::{Appointment, ClientId};

pub use super::screens::list::{PAGE, step};

pub(crate) fn home(m: &Model) -> Screen {
    match m.home {
        Screen::Today => Screen::Today,
        _ => Screen::Clients,
    }
}

/// Refuses a change to a client whose file is unreadable or newer.
pub(crate) fn writable(m: &mut Model, id: &str) -> bool {
    match m.entry(id) {
        Some(e) if !e.read_only => true,
        Some(e) => {
            let why = match &e.summary {
                Err(reason) => reason.clone(),
                Ok(_) => format!("{} was written by a newer Rapport and is read-only here", e.name()),
            };
            m.set_error(why);
            false
        }
        None => false,
    }
}

/// Opens a new note for `client` (or the one kept unsaved). It is for
/// `appointment` when given, else for the one just held or under way that
/// has no note yet, and takes that appointment's time and length.
///
/// A note another window kept (one that stopped) is first claimed for this
/// window, so two windows never restore the same note: the form opens when
/// the claim comes back ([`claimed`]).
pub(crate) fn open_note(m: &mut Model, client: &str, appointment: Option<Appointment>) -> Vec<Effect> {
    if !writable(m, client) {
        return vec![];
    }
    if let Some(draft) = m.drafts.get(client).filter(|d| d.window != m.window) {
        let from = draft.window.clone();
        m.set_info("Opening the kept note…");
        return vec![Effect::ClaimDraft { client: ClientId::new(client), from, to: m.window.clone() }];
    }
    open_form(m, client, appointment);
    vec![]
}

/// The answer to [`Effect::ClaimDraft`]: the kept note opens here, or the
/// message says where it is.
pub(crate) fn claimed(m: &mut Model, client: &str, result: Result<(), String>) {
    match result {
        Ok(()) => {
            if let Some(d) = m.drafts.get_mut(client) {
                d.window = m.window.clone();
            }
            open_form(m, client, None)
        }
        Err(why) => {
            m.drafts.remove(client);
            m.set_error(why);
        }
    }
}

fn open_form(m: &mut Model, client: &str, appointment: Option<Appointment>) {
    let Some(summary) = m.summary(client) else { return };
    let name = summary.display_name();
    let now = m.now;
    let appointment = appointment.or_else(|| match m.record(client) {
        Some(r) => r.appointment_for_note(now).cloned(),
        None => summary.appointment_for_note(now).cloned(),
    });
    let form = match m.drafts.get(client).filter(|d| d.restorable(now)).cloned() {
        Some(mut draft) => {
            // A draft kept before appointments had ids names it by its start.
            if draft.appointment_id.is_none()
                && let Some(start) = draft.appointment
            {
                draft.appointment_id = m.summary(client).and_then(|s| s.appointment_at(start)).map(|a| a.id.clone());
            }
            let kept = draft.kept_at.format("%a %-d %b %H:%M");
            match appointment.filter(|a| draft.appointment_id.as_ref() != Some(&a.id)) {
                // One unsaved note per client: it opens first, and says it is not this appointment's.
                Some(a) => m.set_error(format!(
                    "This is the unsaved note kept {kept}, not the note for {}: save it (Ctrl-S), then n again \
                     for that appointment.",
                    a.start.format("%a %-d %b %H:%M")
                )),
                None if draft.discarded => m.set_info(format!("Restored the note you discarded {kept}.")),
                None => m.set_info(format!("Restored the unsaved note kept {kept}.")),
            }
            NoteForm::from_draft(ClientId::new(client), name, &draft)
        }
        None => NoteForm::new(ClientId::new(client), name, now, appointment.as_ref()),
    };
    m.screen = Screen::NoteForm(Box::new(form));
}

/// Leaves the form on screen for the home screen, after asking when
/// something was typed (the note form's kept draft goes with it).
pub(crate) fn leave_form(m: &mut Model, typed: bool) -> Vec<Effect> {
    if typed {
        m.popup = Some(Popup::Discard { keep: None });
        return vec![];
    }
    discard_form(m)
}

pub(crate) fn discard_form(m: &mut Model) -> Vec<Effect> {
    let note = match &m.screen {
        Screen::NoteForm(f) if f.has_text() => Some(f.draft(m.now, &m.window)),
        _ => None,
    };
    let client = match &m.screen {
        Screen::NoteForm(f) => Some((f.client.clone(), drafts_of(m, f), f.client_name.clone())),
        _ => None,
    };
    m.screen = home(m);
    match (client, note) {
        // Nothing typed is lost, even when discarded: kept, marked so, for `n` to bring back.
        (Some((client, _, name)), Some(mut draft)) => {
            draft.discarded = true;
            m.drafts.insert(client.clone(), draft.clone());
            m.set_info(format!(
                "Discarded. n on {name} in the next {} hours brings it back.",
                crate::tui::draft::DISCARDED_KEPT_HOURS
            ));
            vec![Effect::SaveDraft { client, draft }]
        }
        (Some((client, windows, _)), None) if m.drafts.remove(&client).is_some() => {
            vec![Effect::DeleteDraft { client, windows }]
        }
        _ => vec![],
    }
}

/// The windows whose kept draft a note form stands for: this one, and the
/// one it was restored from.
pub(crate) fn drafts_of(m: &Model, form: &NoteForm) -> Vec<String> {
    std::iter::once(m.window.clone()).chain(form.restored_from.clone()).collect()
}

/// How long typed text may wait before it is kept as a draft.
const DRAFT_DELAY_MS: i64 = 1000;

/// Keeps the note form's text as a draft once typing has paused.
pub(crate) fn keep_draft_if_due(m: &mut Model) -> Vec<Effect> {
    let now = m.now;
    let Screen::NoteForm(form) = &mut m.screen else { return vec![] };
    match form.unkept_since {
        Some(since) if (now - since).num_milliseconds() >= DRAFT_DELAY_MS => {
            form.unkept_since = None;
            let draft = form.draft(now, &m.window);
            let client = form.client.clone();
            m.drafts.insert(client.clone(), draft.clone());
            vec![Effect::SaveDraft { client, draft }]
        }
        _ => vec![],
    }
}

/// A note reached the disk: the client list shows it, and its draft goes.
pub(crate) fn note_saved(
    m: &mut Model,
    record: crate::domain::ClientRecord,
    session: crate::domain::SessionId,
) -> Vec<Effect> {
    let windows = match &m.screen {
        Screen::NoteForm(f) => drafts_of(m, f),
        _ => vec![m.window.clone()],
    };
    let id = record.client.id.clone();
    let name = record.called().to_string();
    let position = record.sessions_newest_first().iter().position(|s| s.id == session).unwrap_or(0);
    m.replace_record(record);
    m.select_client(id.as_str());
    m.list.session = position;
    m.list.scroll = 0;
    m.list.sessions_focus = false;
    m.screen = Screen::Clients;
    m.home = Screen::Clients;
    m.drafts.remove(&id);
    m.set_info(format!("Note saved for {name} ({session})."));
    vec![Effect::DeleteDraft { client: id, windows }]
}
