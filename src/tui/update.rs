//! `update(&mut Model, Action) -> Vec<Effect>`: every state change of the
//! app. Pure: no clock, no files, no terminal.

use crate::domain::bounds;

use super::action::{Action, Effect};
use super::ctx::{Go, Outcome, Say};
use super::model::Popup;
use super::model::{Model, Screen, StatusKind};
use super::screens;
use crate::domain::ClientId;

/// How often the data folder is checked for changes made elsewhere.
const REFRESH_MS: i64 = 2000;

/// How soon after a paste a Ctrl-C is taken to have come with it.
const PASTED_KEYS_MS: i64 = 1000;

pub fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    // A paste typed blind into a window too small to show it is not taken.
    if matches!(action, Action::Paste(_)) && !m.too_small() {
        m.pasted_at = Some(m.now);
    }
    let saved = matches!(action, Action::NoteSaved { .. } | Action::RecordSaved { .. } | Action::ClientSaved(_));
    let mut effects = step_model(m, action);
    if saved {
        // The header counts the change among those to sync.
        effects.extend(super::sync::changed(&mut m.sync, m.now));
    }
    // Load the records the screen now shows, if they are not loaded yet.
    effects.extend(wanted(m).into_iter().map(|client| Effect::LoadClient { client }));
    effects
}

/// The clients whose records the screen needs and that are not loaded:
/// each screen says which it wants.
fn wanted(m: &Model) -> Vec<ClientId> {
    let ctx = crate::ctx!(m);
    let mut ids = Vec::new();
    match &m.screen {
        Screen::Clients => ids.extend(screens::clients::wants(&m.list, &ctx)),
        Screen::Review(v) => ids.extend(screens::review::wants(v, &ctx)),
        Screen::Profile(v) => ids.extend(screens::profile::wants(v, &ctx)),
        Screen::Chart(v) => ids.extend(screens::chart::wants(v, &ctx)),
        _ => {}
    }
    if let Some(p) = &m.popup {
        ids.extend(screens::popups::wants(p, &ctx));
    }
    ids
}

/// Today or the client list, whichever is home.
fn home(m: &Model) -> Screen {
    match m.home {
        Screen::Today => Screen::Today,
        _ => Screen::Clients,
    }
}

/// Carries out what a screen asked for: the status line, where to go, the effects.
fn apply(m: &mut Model, outcome: Outcome) -> Vec<Effect> {
    let Outcome { mut effects, go, say } = outcome;
    // The drafts held are those kept on disk: each follows the effect that keeps or drops it.
    for effect in &effects {
        match effect {
            Effect::SaveDraft { client, draft } => {
                m.drafts.insert(client.clone(), draft.clone());
            }
            Effect::DeleteDraft { client, .. } => {
                m.drafts.remove(client);
            }
            _ => {}
        }
    }
    match say {
        Some(Say::Info(text)) => m.set_info(text),
        Some(Say::Error(text)) => m.set_error(text),
        None => {}
    }
    if let Some(go) = go {
        effects.extend(go_to(m, go));
    }
    effects
}

/// Opens the screen or box a screen asked for, each with its own `open`.
fn go_to(m: &mut Model, go: Go) -> Vec<Effect> {
    match go {
        Go::Home => m.screen = home(m),
        Go::Today => {
            m.screen = Screen::Today;
            m.home = Screen::Today;
        }
        Go::Clients => {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        Go::Review { client, appointment } => match screens::review::open(&crate::ctx!(m), &client, appointment) {
            Ok(review) => m.screen = Screen::Review(review),
            Err(Some(why)) => m.set_error(why),
            Err(None) => {}
        },
        Go::NewNote { client, appointment } => {
            let (form, outcome) = screens::note_form::life::open(&crate::ctx!(m), &client, appointment);
            if let Some(form) = form {
                m.screen = Screen::NoteForm(Box::new(form));
            }
            return apply(m, outcome);
        }
        Go::DiscardForm => {
            m.popup = None;
            let outcome = match &m.screen {
                Screen::NoteForm(form) => screens::note_form::life::discard(form, &crate::ctx!(m)),
                _ => Outcome::go(Go::Home),
            };
            return apply(m, outcome);
        }
        Go::Session { client, session } => {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
            m.select_client(client.as_str());
            m.list.sessions_focus = session.is_some();
            if let Some(session) = session {
                m.select_session(client.as_str(), &session);
            }
        }
        Go::Profile { client, part, selected } => {
            let from =
                std::mem::replace(&mut m.screen, Screen::Profile(screens::profile::open(client, part, selected)));
            // Opened from the review, Esc goes back to it.
            m.behind = matches!(from, Screen::Review(_)).then(|| Box::new(from));
        }
        Go::NewClient => m.screen = Screen::ClientForm(screens::client_form::ClientForm::add()),
        Go::EditClient { client } => {
            if let Some(form) = screens::client_form::open_edit(&crate::ctx!(m), client) {
                m.screen = Screen::ClientForm(form);
            }
        }
        Go::EditNote { client, session } => {
            if let Some(form) = screens::note_form::NoteForm::open_edit(&crate::ctx!(m), &client, &session) {
                m.screen = Screen::NoteForm(Box::new(form));
            }
        }
        Go::Book { client } => {
            if let Some(form) = screens::appointment::open_book(&crate::ctx!(m), client) {
                m.screen = Screen::Appointment(form);
            }
        }
        Go::MoveAppointment { client, appointment } => {
            m.screen = Screen::Appointment(screens::appointment::open_move(&crate::ctx!(m), client, &appointment))
        }
        Go::Chart { client } => {
            let from = std::mem::replace(&mut m.screen, Screen::Chart(screens::chart::open(client)));
            m.behind = Some(Box::new(from));
        }
        Go::Practice => {
            let (view, count) = screens::practice::open();
            let from = std::mem::replace(&mut m.screen, Screen::Practice(view));
            m.behind = Some(Box::new(from));
            return vec![count];
        }
        Go::Back => m.screen = m.behind.take().map_or_else(|| home(m), |s| *s),
        Go::Popup(popup) => m.popup = Some(popup),
        Go::Close if m.help.is_some() => m.help = None,
        Go::Close => m.popup = None,
        // Asked over a box, the box is kept to go back to; over a form, the form stays.
        Go::AskDiscard => m.popup = Some(Popup::Discard { keep: m.popup.take().map(Box::new) }),
    }
    vec![]
}

fn step_model(m: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        // One limit for every field: an over-long paste is refused whole,
        // and what was typed before it stays as it was.
        Action::Paste(text) if text.len() > bounds::FIELD_BYTES => {
            m.set_error(format!(
                "Nothing was pasted: that text is {}, and one field holds at most {}. What you typed is kept.",
                bounds::size(text.len() as u64),
                bounds::size(bounds::FIELD_BYTES as u64)
            ));
            return vec![];
        }
        Action::Resized(w, h) => {
            m.size = (w, h);
            return vec![];
        }
        // Nothing typed blind into a window too small to show it acts.
        Action::Paste(_) if m.too_small() => return vec![],
        Action::SearchDone { query, result } => {
            let Screen::Search(v) = &mut m.screen else { return vec![] };
            let outcome = screens::search::found(v, query, result);
            return apply(m, outcome);
        }
        Action::ClientLoaded { client, record } => {
            m.loaded(client.as_str(), record.map(|r| *r));
            return vec![];
        }
        Action::Opened => {
            if m.roster.complete {
                return vec![];
            }
            m.loading_roster = true;
            return vec![Effect::LoadRoster];
        }
        Action::RosterLoaded(result) => {
            m.loading_roster = false;
            match result {
                // A sync on start may have brought every client first, newer.
                Ok(entries) if !m.roster.complete => m.roster_loaded(entries),
                Ok(_) => {}
                Err(e) => m.set_error(format!(
                    "Could not read every client: {e}. Only Today's are shown; Rapport tries again in a moment."
                )),
            }
            return vec![];
        }
        Action::RosterLoading { done, total } => {
            if !m.roster.complete {
                m.roster_loading(done, total);
            }
            return vec![];
        }
        Action::Tick(now) => {
            m.now = now;
            let mut effects = match &mut m.screen {
                Screen::NoteForm(form) => {
                    let keep = screens::note_form::life::keep_if_due(form, &crate::ctx!(m));
                    apply(m, Outcome::effects(keep))
                }
                _ => vec![],
            };
            if let Some(minutes) = m.blank_after_minutes
                && (now - m.last_key).num_minutes() >= i64::from(minutes)
            {
                m.blanked = true;
            }
            if (now - m.last_refresh).num_milliseconds() >= REFRESH_MS {
                m.last_refresh = now;
                // Until every client is held, the look is the loading itself
                // (tried again if it failed).
                match m.roster.complete {
                    true => effects.push(Effect::Refresh),
                    false if !m.loading_roster => {
                        m.loading_roster = true;
                        effects.push(Effect::LoadRoster);
                    }
                    false => {}
                }
            }
            effects.extend(super::sync::tick(&mut m.sync, now));
            return effects;
        }
        Action::Synced(result) => {
            match super::sync::synced(&mut m.sync, *result) {
                Ok((entries, said)) => {
                    m.refreshed(entries);
                    screens::today::messages_changed(&mut m.today, &m.roster);
                    // A conflict the sync brought is worth more than a passing word.
                    if super::sync::conflicts(&m.roster) > 0 {
                        m.set_error(said);
                    } else {
                        m.set_info(said);
                    }
                }
                Err(said) => m.set_error(said),
            }
            return vec![];
        }
        Action::SyncChecked(result) => {
            super::sync::checked(&mut m.sync, result);
            return vec![];
        }
        Action::Refreshed(entries) => {
            let changed = m.refreshed(entries);
            screens::today::messages_changed(&mut m.today, &m.roster);
            // A note not saved says why, and what to do: the news of a file
            // changed on disk never covers it.
            let refused = m.status.as_ref().is_some_and(|s| s.kind == StatusKind::NoteNotSaved);
            match changed.as_slice() {
                _ if refused => {}
                [] => {}
                [one] => m.set_info(format!(
                    "{one}'s file changed on disk (another window or a sync tool); showing it as it is now."
                )),
                many => {
                    m.set_info(format!("{} clients' files changed on disk; showing them as they are now.", many.len()))
                }
            }
            return vec![];
        }
        Action::NoteSaved { record, session, kept } => {
            let form = match &m.screen {
                Screen::NoteForm(f) => Some(&**f),
                _ => None,
            };
            let forget = screens::note_form::life::saved(form, &crate::ctx!(m), record.client.id.clone());
            // The client list shows the note, the client's row selected.
            let id = record.client.id.clone();
            let name = record.called().to_string();
            let position = record.sessions_newest_first().iter().position(|s| s.id == session).unwrap_or(0);
            m.replace_record(*record);
            m.select_client(id.as_str());
            m.list.session = position;
            m.list.scroll = 0;
            m.list.sessions_focus = false;
            // The next client's review is Enter away on Today (Tab, Enter
            // from the client list): back to Today when the note was begun
            // there, else to the client list, showing the note.
            screens::today::on_note_saved(&mut m.today, &crate::ctx!(m));
            m.screen = home(m);
            let also = if kept.is_empty() {
                String::new()
            } else {
                format!(" What another window changed meanwhile is kept too ({}).", kept.join(", "))
            };
            return apply(m, Outcome::effect(forget).and_info(format!("Note saved for {name} ({session}).{also}")));
        }
        Action::ClientSaved(record) => {
            let name = record.display_name();
            let id = record.client.id.clone();
            m.replace_record(*record);
            m.select_client(id.as_str());
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
            m.set_info(format!("Saved {name}."));
            return vec![];
        }
        Action::RecordSaved { record, message } => {
            m.replace_record(*record);
            let effects = match &m.screen {
                Screen::Appointment(form) => {
                    let outcome = screens::appointment::on_saved(form);
                    apply(m, outcome)
                }
                _ => vec![],
            };
            screens::today::on_saved(&mut m.today, &crate::ctx!(m));
            if let Screen::Review(v) = &mut m.screen {
                screens::review::on_saved(v, &crate::ctx!(m));
            }
            m.set_info(message);
            return effects;
        }
        Action::DraftSaved { .. } => {
            m.draft_unkept = false;
            return vec![];
        }
        Action::DraftClaimed { client, result } => {
            match result {
                Ok(()) => {
                    // The kept note is this window's now: it opens here.
                    if let Some(d) = m.drafts.get_mut(&client) {
                        d.window = m.window.clone();
                    }
                    let (form, outcome) = screens::note_form::life::form(&crate::ctx!(m), &client, None);
                    if let Some(form) = form {
                        m.screen = Screen::NoteForm(Box::new(form));
                    }
                    return apply(m, outcome);
                }
                Err(why) => {
                    m.drafts.remove(&client);
                    m.set_error(why);
                }
            }
            return vec![];
        }
        Action::DraftFailed(message) => {
            m.draft_unkept = true;
            // A failed save says more; it is not covered up.
            if !m.status.as_ref().is_some_and(|s| s.kind == StatusKind::NoteNotSaved) {
                m.set_error(message);
            }
            return vec![];
        }
        Action::Exported(result) => {
            match result {
                Ok(path) => m.set_info(format!("Exported the whole record to {path}")),
                Err(e) => m.set_error(format!("Not exported: {e}")),
            }
            return vec![];
        }
        Action::NoteNotSaved(message) => {
            m.set_status(message, StatusKind::NoteNotSaved);
            return vec![];
        }
        Action::NoteQuestions { client, note, answers, questions } => {
            let save = crate::tui::model::Confirmed::SaveNote { client, editing: None, note, base: None, answers };
            if let Some(asking) = screens::note_form::ask_before_saving(&crate::ctx!(m), questions, save) {
                m.popup = Some(asking);
            }
            return vec![];
        }
        Action::PracticeCounted(figures) => {
            if let Screen::Practice(v) = &mut m.screen {
                screens::practice::counted(v, figures);
            }
            return vec![];
        }
        Action::SnapshotsListed { client, snapshots } => {
            let outcome = screens::popups::snapshots::listed(&crate::ctx!(m), client, snapshots);
            // A box opened meanwhile is not covered.
            if m.popup.is_some() && outcome.go.is_some() {
                return vec![];
            }
            return apply(m, outcome);
        }
        Action::RestoreQuestions { client, snapshot, answers, questions } => {
            if let Some(asking) =
                screens::popups::snapshots::ask_before_restoring(&crate::ctx!(m), questions, client, snapshot, answers)
            {
                m.popup = Some(asking);
            }
            return vec![];
        }
        Action::StoreFailed(message) | Action::StoreWarned(message) => {
            m.set_error(message);
            return vec![];
        }
        Action::EditorClosed(result) => {
            return match (result, &mut m.screen) {
                (Ok(text), Screen::NoteForm(form)) => {
                    let outcome = screens::note_form::life::editor_closed(form, &crate::ctx!(m), &text);
                    apply(m, outcome)
                }
                (Err(e), _) => apply(m, Outcome::error(e)),
                _ => vec![],
            };
        }
        _ => {}
    }
    // A key was pressed: an old message has been read.
    m.status = None;
    m.last_key = m.now;
    match action {
        Action::Blank => {
            m.blanked = true;
            return vec![];
        }
        Action::Unblank => {
            m.blanked = false;
            return vec![];
        }
        _ => {}
    }
    if action == Action::Quit {
        // A Ctrl-C that came with a paste (its end cut short by the text)
        // does not throw away a form being filled in.
        let pasted = m.pasted_at.take().is_some_and(|at| (m.now - at).num_milliseconds() < PASTED_KEYS_MS);
        if pasted && m.holds_text() {
            let quit = super::keymap::TABLE.key_for_quit();
            m.set_info(format!(
                "Not quitting: that {quit} came with the paste. What you typed is kept; {quit} again quits."
            ));
            return vec![];
        }
        // A note that could not be kept as a draft would be lost: the
        // first quit says so, the second goes.
        if m.draft_unkept && !m.quit_asked && matches!(&m.screen, Screen::NoteForm(f) if f.has_text()) {
            m.quit_asked = true;
            let quit = super::keymap::TABLE.key_for_quit();
            let save = super::keymap::TABLE.key_for(super::keys::Context::NoteForm, &Action::Save);
            m.set_error(format!(
                "Not quitting: this note could not be kept as a draft (another window holds one for this client), \
                 so it would be lost. {save} saves it; {quit} again quits without it."
            ));
            return vec![];
        }
        return quit(m);
    }
    if let Some(scroll) = &mut m.help {
        let outcome = screens::help::update(scroll, &crate::ctx!(m), action);
        return apply(m, outcome);
    }
    if action == Action::Practice && matches!(m.screen, Screen::Today | Screen::Clients) && m.popup.is_none() {
        return go_to(m, Go::Practice);
    }
    if action == Action::Search && matches!(m.screen, Screen::Today | Screen::Clients) && m.popup.is_none() {
        m.screen = Screen::Search(Box::new(screens::search::open()));
        return vec![];
    }
    // The key table says where S syncs (Today, the client list, the review).
    if action == Action::Sync && m.popup.is_none() {
        let outcome = super::sync::sync_key(&mut m.sync);
        return apply(m, outcome);
    }
    if action == Action::Help {
        // Help opens at the keys of the screen it was asked from.
        m.help = Some(screens::help::section_start(&super::keymap::TABLE, m.context()));
        return vec![];
    }
    if let Some(popup) = &mut m.popup {
        let outcome = screens::popups::update(popup, &crate::ctx!(m), action);
        // A box that sends the therapist to a screen closes on the way.
        if outcome.go.as_ref().is_some_and(Go::leaves_box) {
            m.popup = None;
        }
        return apply(m, outcome);
    }
    // The open screen's own keys.
    match &mut m.screen {
        Screen::Today => {
            let outcome = screens::today::update(&mut m.today, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Clients => {
            let outcome = screens::clients::update(&mut m.list, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Review(v) => {
            let outcome = screens::review::update(v, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::NoteForm(form) => {
            let outcome = screens::note_form::update(form, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::ClientForm(form) => {
            let outcome = screens::client_form::update(form, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Appointment(form) => {
            let outcome = screens::appointment::update(form, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Profile(v) => {
            let outcome = screens::profile::update(v, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Search(v) => {
            let outcome = screens::search::update(v, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Chart(v) => {
            let outcome = screens::chart::update(v, &crate::ctx!(m), action);
            apply(m, outcome)
        }
        Screen::Practice(v) => {
            let outcome = screens::practice::update(v, &crate::ctx!(m), action);
            apply(m, outcome)
        }
    }
}

fn quit(m: &mut Model) -> Vec<Effect> {
    m.quit = true;
    match &m.screen {
        Screen::NoteForm(form) => screens::note_form::life::at_quit(form, &crate::ctx!(m)),
        _ => vec![],
    }
}
