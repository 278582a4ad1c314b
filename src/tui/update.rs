//! `update(&mut Model, Action) -> Vec<Effect>`: every state change of the
//! app. Pure: no clock, no files, no terminal.

use crate::domain::bounds;
use chrono::NaiveDateTime;

use super::action::{Action, Effect};
use super::input::{TextInput, Typed};
use super::model::{Confirmed, Model, Popup, Screen, StatusKind};
use super::screens::appointment::AppointmentForm;
use super::screens::client_form::ClientForm;
use super::screens::clients::sessions_newest_first;
use super::screens::note_form::NoteForm;
use super::screens::profile::{Part, ProfileChange, ProfileView, item_ids, parse_new};
use super::screens::review::ReviewView;
use super::screens::search::SearchView;
use crate::domain::TaskStatus;
use crate::store::ClientSummary;

/// How long typed text may wait before it is kept as a draft.
const DRAFT_DELAY_MS: i64 = 1000;
const PAGE: u16 = 10;
/// How often the data folder is checked for changes made elsewhere.
const REFRESH_MS: i64 = 2000;

pub fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let mut effects = step_model(m, action);
    // Load the records the screen now shows, if they are not loaded yet.
    effects.extend(m.wanted().into_iter().map(|client| Effect::LoadClient { client }));
    effects
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
            if let Screen::Search(v) = &mut m.screen
                && v.query() == query
            {
                v.results = Some((query, result));
                v.selected = 0;
            }
            return vec![];
        }
        Action::ClientLoaded { client, record } => {
            m.loaded(&client, record.map(|r| *r));
            return vec![];
        }
        Action::Tick(now) => {
            m.now = now;
            let mut effects = keep_draft_if_due(m);
            if let Some(minutes) = m.blank_after_minutes
                && (now - m.last_key).num_minutes() >= i64::from(minutes)
            {
                m.blanked = true;
            }
            if (now - m.last_refresh).num_milliseconds() >= REFRESH_MS {
                m.last_refresh = now;
                effects.push(Effect::Refresh);
            }
            return effects;
        }
        Action::Refreshed(entries) => {
            let changed = m.refreshed(entries);
            match changed.as_slice() {
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
        Action::NoteSaved { record, session } => return note_saved(m, *record, session),
        Action::ClientSaved(record) => {
            let name = record.display_name();
            let id = record.client.id.clone();
            m.replace_record(*record);
            m.select_client(&id);
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
            m.set_info(format!("Saved {name}."));
            return vec![];
        }
        Action::RecordSaved { record, message } => {
            m.replace_record(*record);
            if matches!(m.screen, Screen::Appointment(_)) {
                m.screen = home(m);
            }
            m.today_row = m.today_row.min(m.agenda().len().saturating_sub(1));
            if let Screen::Review(v) = &mut m.screen {
                let open = m
                    .clients
                    .iter()
                    .find(|c| c.id == v.client)
                    .and_then(|c| c.record.as_ref())
                    .map_or(0, |r| r.open_tasks().count());
                v.task = v.task.min(open.saturating_sub(1));
            }
            m.set_info(message);
            return vec![];
        }
        Action::DraftSaved { .. } => return vec![],
        Action::DraftFailed(message) => {
            // A failed save says more; it is not covered up.
            if !m.status.as_ref().is_some_and(|s| s.kind == StatusKind::Error && s.text.starts_with("Not saved")) {
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
        Action::StoreFailed(message) | Action::StoreWarned(message) => {
            m.set_error(message);
            return vec![];
        }
        Action::EditorClosed(result) => {
            match (result, &mut m.screen) {
                (Ok(text), Screen::NoteForm(form)) => {
                    form.set_focused_text(&text);
                    form.unkept_since.get_or_insert(m.now);
                    m.set_info("Took the text back from the editor.");
                }
                (Err(e), _) => m.set_error(e),
                _ => {}
            }
            return vec![];
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
        return quit(m);
    }
    if let Some(scroll) = m.help {
        m.help = match action {
            Action::Back => None,
            Action::Up => Some(scroll.saturating_sub(1)),
            Action::Down => Some(scroll.saturating_add(1)),
            _ => Some(scroll),
        };
        return vec![];
    }
    if action == Action::Search && matches!(m.screen, Screen::Today | Screen::Clients) && m.popup.is_none() {
        m.screen = Screen::Search(Box::new(SearchView { input: TextInput::one_line(""), results: None, selected: 0 }));
        return vec![];
    }
    if action == Action::Help {
        m.help = Some(0);
        return vec![];
    }
    if let Some(popup) = m.popup.take() {
        return popup_update(m, popup, action);
    }
    match &m.screen {
        Screen::Today => today(m, action),
        Screen::Clients => clients(m, action),
        Screen::Review(_) => review(m, action),
        Screen::NoteForm(_) => note_form(m, action),
        Screen::ClientForm(_) => client_form(m, action),
        Screen::Appointment(_) => appointment_form(m, action),
        Screen::Profile(_) => profile(m, action),
        Screen::Search(_) => search(m, action),
    }
}

fn home(m: &Model) -> Screen {
    match m.home {
        Screen::Today => Screen::Today,
        _ => Screen::Clients,
    }
}

fn quit(m: &mut Model) -> Vec<Effect> {
    m.quit = true;
    match &m.screen {
        Screen::NoteForm(form) if form.has_text() => {
            vec![Effect::SaveDraft { client: form.client.clone(), draft: form.draft(m.now) }]
        }
        _ => vec![],
    }
}

fn keep_draft_if_due(m: &mut Model) -> Vec<Effect> {
    let now = m.now;
    let Screen::NoteForm(form) = &mut m.screen else { return vec![] };
    match form.unkept_since {
        Some(since) if (now - since).num_milliseconds() >= DRAFT_DELAY_MS => {
            form.unkept_since = None;
            let draft = form.draft(now);
            let client = form.client.clone();
            m.drafts.insert(client.clone(), draft.clone());
            vec![Effect::SaveDraft { client, draft }]
        }
        _ => vec![],
    }
}

fn note_saved(m: &mut Model, record: crate::domain::ClientRecord, session: String) -> Vec<Effect> {
    let id = record.client.id.clone();
    let name = record.client.preferred_name.clone().unwrap_or_else(|| record.client.name.clone());
    let position = sessions_newest_first(&record).iter().position(|s| s.id == session).unwrap_or(0);
    m.replace_record(record);
    m.select_client(&id);
    m.session = position;
    m.scroll = 0;
    m.sessions_focus = false;
    m.screen = Screen::Clients;
    m.home = Screen::Clients;
    m.drafts.remove(&id);
    m.set_info(format!("Note saved for {name} ({session})."));
    vec![Effect::DeleteDraft { client: id }]
}

/// Refuses a change to a client whose file is unreadable or newer.
fn writable(m: &mut Model, id: &str) -> bool {
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

fn open_note(m: &mut Model, client: &str, appointment: Option<(NaiveDateTime, u32)>) {
    if !writable(m, client) {
        return;
    }
    let Some(name) = m.summary(client).map(ClientSummary::display_name) else { return };
    let form = match m.drafts.get(client).cloned() {
        Some(draft) => {
            m.set_info(format!("Restored the unsaved note kept {}.", draft.kept_at.format("%a %-d %b %H:%M")));
            NoteForm::from_draft(client.to_string(), name, &draft)
        }
        None => NoteForm::new(client.to_string(), name, m.now, appointment),
    };
    m.screen = Screen::NoteForm(Box::new(form));
}

fn open_review(m: &mut Model, client: &str, appointment: Option<crate::domain::Appointment>) {
    let Some(summary) = m.summary(client) else {
        if let Some(Err(reason)) = m.entry(client).map(|e| e.summary.clone()) {
            m.set_error(reason);
        }
        return;
    };
    let now = m.now;
    let appointment =
        appointment.or_else(|| summary.appointments.iter().filter(|a| a.end() > now).min_by_key(|a| a.start).cloned());
    m.screen = Screen::Review(ReviewView { client: client.to_string(), appointment, task: 0, scroll: 0 });
}

fn step(i: usize, len: usize, down: bool) -> usize {
    if down { (i + 1).min(len.saturating_sub(1)) } else { i.saturating_sub(1) }
}

fn today(m: &mut Model, action: Action) -> Vec<Effect> {
    let rows = m.agenda();
    let row = rows.get(m.today_row).cloned();
    match action {
        Action::Up | Action::Down => m.today_row = step(m.today_row, rows.len(), action == Action::Down),
        Action::Review | Action::Open => {
            if let Some(r) = row {
                open_review(m, &r.client, Some(r.appointment));
            }
        }
        Action::NewNote => {
            if let Some(r) = row {
                open_note(m, &r.client, Some((r.appointment.start, r.appointment.minutes)));
            }
        }
        Action::MoveAppointment => {
            if let Some(r) = row.filter(|r| writable(m, &r.client)) {
                let name = m.summary(&r.client).map(ClientSummary::display_name).unwrap_or_default();
                m.screen = Screen::Appointment(AppointmentForm::move_existing(
                    r.client,
                    name,
                    r.appointment.start,
                    r.appointment.minutes,
                ));
            }
        }
        Action::CancelAppointment => {
            if let Some(r) = row.filter(|r| writable(m, &r.client)) {
                let name = m.summary(&r.client).map(|c| c.name.clone()).unwrap_or_default();
                m.popup = Some(Popup::Confirm {
                    question: format!(
                        "Cancel {name}'s appointment on {}? y cancels it, n keeps it.",
                        r.appointment.start.format("%a %-d %b at %H:%M")
                    ),
                    on_yes: Confirmed::CancelAppointment { client: r.client, start: r.appointment.start },
                });
            }
        }
        Action::SwitchTab => {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        _ => {}
    }
    vec![]
}

fn selected_sessions(m: &Model) -> usize {
    m.selected_entry().and_then(|e| e.summary.as_ref().ok()).map_or(0, |s| s.sessions)
}

fn clients(m: &mut Model, action: Action) -> Vec<Effect> {
    let selected = m.selected_entry().map(|e| e.id.clone());
    if m.filter_typing {
        match action {
            action @ (Action::Input(_) | Action::Paste(_)) => {
                if let Some(why) = m.filter.as_mut().and_then(|f| type_line(f, action)) {
                    m.set_error(why);
                }
                m.selected = 0;
                m.refilter();
            }
            Action::Up | Action::Down => m.selected = step(m.selected, m.visible.len(), action == Action::Down),
            Action::Open => m.filter_typing = false,
            Action::Back => {
                m.filter = None;
                m.filter_typing = false;
                m.refilter();
                if let Some(id) = selected {
                    m.select_client(&id);
                }
            }
            _ => {}
        }
        m.session = 0;
        m.scroll = 0;
        return vec![];
    }
    if m.sessions_focus {
        if let Some(effects) = session_action(m, &action) {
            return effects;
        }
        match action {
            Action::Up | Action::Down => {
                m.session = step(m.session, selected_sessions(m), action == Action::Down);
                m.scroll = 0;
                return vec![];
            }
            Action::Back => {
                m.sessions_focus = false;
                return vec![];
            }
            _ => {}
        }
    }
    match action {
        Action::Up | Action::Down => {
            m.selected = step(m.selected, m.visible.len(), action == Action::Down);
            m.session = 0;
            m.scroll = 0;
        }
        Action::Open => m.sessions_focus = selected_sessions(m) > 0,
        Action::PageUp => m.scroll = m.scroll.saturating_sub(PAGE),
        Action::PageDown => m.scroll = m.scroll.saturating_add(PAGE),
        Action::NewNote => {
            if let Some(id) = selected {
                open_note(m, &id, None);
            }
        }
        Action::Review => {
            if let Some(id) = selected {
                open_review(m, &id, None);
            }
        }
        Action::Tasks => {
            if let Some(id) = selected.filter(|id| m.summary(id).is_some()) {
                m.popup = Some(Popup::Tasks { client: id, selected: 0 });
            }
        }
        Action::Schedule => {
            if let Some(id) = selected.filter(|id| writable(m, id))
                && let Some(r) = m.summary(&id)
            {
                let last = r.appointments.iter().max_by_key(|a| a.start).map(|a| (a.start, a.minutes));
                m.screen = Screen::Appointment(AppointmentForm::book(id, r.display_name(), last, m.now));
            }
        }
        Action::Filter => {
            m.filter.get_or_insert_with(|| TextInput::one_line(""));
            m.filter_typing = true;
        }
        Action::Back if m.filter.is_some() => {
            m.filter = None;
            m.refilter();
            if let Some(id) = selected {
                m.select_client(&id);
            }
        }
        Action::AddClient => m.screen = Screen::ClientForm(ClientForm::add()),
        Action::Export => {
            if let Some(id) = selected.filter(|id| m.summary(id).is_some()) {
                return vec![Effect::Export { client: id }];
            }
        }
        Action::ShowArchived => {
            m.show_archived = !m.show_archived;
            m.refilter();
            if let Some(id) = selected {
                m.select_client(&id);
            }
            let n = m.clients.iter().filter(|c| c.summary.as_ref().is_ok_and(|s| s.archived)).count();
            m.set_info(if m.show_archived {
                format!("Showing {n} archived clients too (A hides them).")
            } else {
                "Archived clients hidden (A shows them).".to_string()
            });
        }
        Action::Profile => {
            if let Some(id) = selected.filter(|id| m.summary(id).is_some()) {
                m.screen = Screen::Profile(ProfileView { client: id, part: Part::Personal, selected: 0 });
            }
        }
        Action::EditClient => {
            if let Some(id) = selected.filter(|id| writable(m, id))
                && let Some(r) = m.record(&id)
            {
                m.screen = Screen::ClientForm(ClientForm::edit(id, r.profile()));
            }
        }
        Action::SwitchTab => {
            m.screen = Screen::Today;
            m.home = Screen::Today;
        }
        _ => {}
    }
    vec![]
}

fn review(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Review(v) = &m.screen else { return vec![] };
    let v = v.clone();
    let Some(summary) = v.summary(m) else {
        if action == Action::Back {
            m.screen = home(m);
        }
        return vec![];
    };
    let tasks = &summary.tasks_to_check;
    let mut next = v.clone();
    match action {
        Action::Up | Action::Down => next.task = step(v.task, tasks.len(), action == Action::Down),
        Action::PageUp => next.scroll = v.scroll.saturating_sub(PAGE),
        Action::PageDown => next.scroll = v.scroll.saturating_add(PAGE),
        Action::TaskDone | Action::TaskNotDone | Action::TaskDrop => {
            if let Some(t) = tasks.get(v.task).filter(|_| writable(m, &v.client)) {
                let status = match action {
                    Action::TaskDone => TaskStatus::Done,
                    Action::TaskDrop => TaskStatus::Dropped,
                    _ => TaskStatus::Open,
                };
                m.popup = Some(outcome_popup(&v.client, &t.id, &t.text, status));
            } else if tasks.is_empty() {
                m.set_info("No open tasks to mark.");
            }
        }
        Action::Profile => {
            m.screen = Screen::Profile(ProfileView { client: v.client.clone(), part: Part::Personal, selected: 0 });
            return vec![];
        }
        Action::NewNote => {
            let appt = v.appointment.as_ref().map(|a| (a.start, a.minutes));
            open_note(m, &v.client, appt);
            return vec![];
        }
        Action::Back => {
            m.screen = home(m);
            return vec![];
        }
        _ => {}
    }
    m.screen = Screen::Review(next);
    vec![]
}

/// Types a key or a paste into a one-line field (Enter is not a new line).
/// Returns why it was refused (the field is full), for the status line.
fn type_line(input: &mut TextInput, action: Action) -> Option<String> {
    let typed = match action {
        Action::Input(key) => input.input(key),
        Action::Paste(text) => input.paste(&text),
        _ => Typed::NotTaken,
    };
    match typed {
        Typed::Refused(why) => Some(why),
        _ => None,
    }
}

/// Esc on a box: closes it, or asks first when something was typed in it.
fn close_box(m: &mut Model, popup: Popup, typed: bool) -> Vec<Effect> {
    if typed {
        m.popup = Some(Popup::Discard { keep: Some(Box::new(popup)) });
    }
    vec![]
}

/// Leaves the form on screen for the home screen, after asking when
/// something was typed (the note form's kept draft goes with it).
fn leave_form(m: &mut Model, typed: bool) -> Vec<Effect> {
    if typed {
        m.popup = Some(Popup::Discard { keep: None });
        return vec![];
    }
    discard_form(m)
}

fn discard_form(m: &mut Model) -> Vec<Effect> {
    let note_client = match &m.screen {
        Screen::NoteForm(f) => Some(f.client.clone()),
        _ => None,
    };
    m.screen = home(m);
    match note_client {
        Some(client) if m.drafts.remove(&client).is_some() => vec![Effect::DeleteDraft { client }],
        _ => vec![],
    }
}

fn outcome_popup(client: &str, task: &str, text: &str, status: TaskStatus) -> Popup {
    Popup::Outcome {
        client: client.to_string(),
        task: task.to_string(),
        task_text: text.to_string(),
        status,
        input: Box::new(TextInput::one_line("")),
    }
}

fn popup_update(m: &mut Model, popup: Popup, action: Action) -> Vec<Effect> {
    match popup {
        Popup::Confirm { question, on_yes } => match action {
            Action::Yes => match on_yes {
                Confirmed::CancelAppointment { client, start } => vec![Effect::CancelAppointment { client, start }],
                Confirmed::Finalise { client, session } => vec![Effect::Finalise { client, session }],
                Confirmed::RemoveItem { client, part, id } => {
                    vec![Effect::ChangeProfile { client, change: ProfileChange::Remove { part, id } }]
                }
            },
            Action::No | Action::Back => vec![],
            _ => {
                m.popup = Some(Popup::Confirm { question, on_yes });
                vec![]
            }
        },
        Popup::Tasks { client, selected } => {
            let open: Vec<(String, String)> = m
                .record(&client)
                .map(|r| r.open_tasks().map(|t| (t.id.clone(), t.text.clone())).collect())
                .unwrap_or_default();
            match action {
                Action::Up | Action::Down => {
                    m.popup =
                        Some(Popup::Tasks { selected: step(selected, open.len(), action == Action::Down), client });
                }
                Action::TaskDone | Action::TaskDrop => {
                    if let Some((id, text)) = open.get(selected).filter(|_| writable(m, &client)) {
                        let status = if action == Action::TaskDone { TaskStatus::Done } else { TaskStatus::Dropped };
                        m.popup = Some(outcome_popup(&client, id, text, status));
                    } else {
                        m.popup = Some(Popup::Tasks { client, selected });
                    }
                }
                Action::Back => {}
                _ => m.popup = Some(Popup::Tasks { client, selected }),
            }
            vec![]
        }
        Popup::Outcome { client, task, task_text, status, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                let outcome = match (status, text.is_empty()) {
                    (TaskStatus::Open, true) => Some(format!("not done yet ({})", m.now.format("%-d %b"))),
                    (TaskStatus::Open, false) => Some(format!("not done yet ({}): {text}", m.now.format("%-d %b"))),
                    (_, true) => None,
                    (_, false) => Some(text),
                };
                vec![Effect::SetTask { client, task, status, outcome }]
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::Outcome { client, task, task_text, status, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::Outcome { client, task, task_text, status, input });
                vec![]
            }
        },
        Popup::AddItem { client, part, mut input } => match action {
            Action::Save => match parse_new(part, &input.lines().join(" ")) {
                Ok(change) => vec![Effect::ChangeProfile { client, change }],
                Err(e) => {
                    m.set_error(e);
                    m.popup = Some(Popup::AddItem { client, part, input });
                    vec![]
                }
            },
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::AddItem { client, part, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::AddItem { client, part, input });
                vec![]
            }
        },
        Popup::Addendum { client, session, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                if text.is_empty() {
                    m.set_error("Type the correction first, or Esc to cancel.");
                    m.popup = Some(Popup::Addendum { client, session, input });
                    return vec![];
                }
                vec![Effect::AddAddendum { client, session, text }]
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::Addendum { client, session, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::Addendum { client, session, input });
                vec![]
            }
        },
        Popup::Discard { keep } => match action {
            Action::Yes => match keep {
                Some(_) => vec![],
                None => {
                    m.set_info("Discarded.");
                    discard_form(m)
                }
            },
            Action::No | Action::Back => {
                m.popup = keep.map(|p| *p);
                vec![]
            }
            _ => {
                m.popup = Some(Popup::Discard { keep });
                vec![]
            }
        },
        Popup::Restore { client } => match action {
            Action::Open => {
                open_note(m, &client, None);
                vec![]
            }
            Action::DiscardDraft => {
                m.drafts.remove(&client);
                m.set_info("The kept note was discarded.");
                vec![Effect::DeleteDraft { client }]
            }
            Action::Back => vec![],
            _ => {
                m.popup = Some(Popup::Restore { client });
                vec![]
            }
        },
    }
}

fn note_form(m: &mut Model, action: Action) -> Vec<Effect> {
    let now = m.now;
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
            match form.to_new_session() {
                Ok(note) if writable(m, &client) => {
                    m.set_info("Saving…");
                    return vec![match editing {
                        Some(session) => Effect::EditNote { client, session, note },
                        None => Effect::SaveNote { client, note },
                    }];
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

fn client_form(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::ClientForm(form) = &mut m.screen else { return vec![] };
    match action {
        Action::Input(_) | Action::Paste(_) | Action::NextField | Action::PrevField => {
            if let Some(why) = form.fields.edit(action) {
                m.set_error(why);
            }
        }
        Action::Save => {
            let profile = form.profile();
            let editing = form.editing.clone();
            match profile.clone().cleaned() {
                Err(e) => m.set_error(format!("{e}: type it in the first field")),
                Ok(profile) => {
                    m.set_info("Saving…");
                    return vec![match editing {
                        None => Effect::AddClient { profile },
                        Some((client, base)) => Effect::EditClient { client, base, profile },
                    }];
                }
            }
        }
        Action::Back => {
            let typed = form.fields.changed();
            return leave_form(m, typed);
        }
        _ => {}
    }
    vec![]
}

fn appointment_form(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Appointment(form) = &mut m.screen else { return vec![] };
    match action {
        Action::Input(_) | Action::Paste(_) | Action::NextField | Action::PrevField => {
            if let Some(why) = form.fields.edit(action) {
                m.set_error(why);
            }
        }
        Action::Save => match form.booking() {
            Ok(b) => {
                let effect = Effect::Schedule {
                    client: form.client.clone(),
                    start: b.start,
                    minutes: b.minutes,
                    weekly: b.weekly,
                    replaces: form.replaces,
                };
                m.set_info("Saving…");
                return vec![effect];
            }
            Err(e) => m.set_error(e),
        },
        Action::Back => {
            let typed = form.fields.changed();
            return leave_form(m, typed);
        }
        _ => {}
    }
    vec![]
}

fn profile(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Profile(v) = &m.screen else { return vec![] };
    let mut v = v.clone();
    let Some(r) = m.record(&v.client) else {
        if action == Action::Back {
            m.screen = home(m);
        }
        return vec![];
    };
    let ids = item_ids(r, v.part);
    v.selected = v.selected.min(ids.len().saturating_sub(1));
    let selected = ids.get(v.selected).cloned();
    let mut info = None;
    let change = match (&action, v.part, selected) {
        (Action::Up | Action::Down, ..) => {
            v.selected = step(v.selected, ids.len(), action == Action::Down);
            None
        }
        (Action::NextField | Action::PrevField, ..) => {
            let i = Part::ALL.iter().position(|p| *p == v.part).unwrap_or(0);
            let n = Part::ALL.len();
            v.part = Part::ALL[if action == Action::NextField { (i + 1) % n } else { (i + n - 1) % n }];
            v.selected = 0;
            None
        }
        (Action::AddItem, part, _) => {
            let client = v.client.clone();
            m.screen = Screen::Profile(v);
            if writable(m, &client) {
                m.popup = Some(Popup::AddItem { client, part, input: Box::new(TextInput::one_line("")) });
            }
            return vec![];
        }
        (Action::Toggle, Part::Personal, Some(id)) => {
            let ask = r.personal.iter().find(|p| p.id == id).is_some_and(|p| p.ask);
            Some(ProfileChange::SetAsk { id, ask: !ask })
        }
        (Action::Toggle, Part::Goals, Some(id)) => {
            let agreed = r.goals.iter().find(|g| g.id == id).is_some_and(|g| g.agreed);
            Some(ProfileChange::SetAgreed { id, agreed: !agreed })
        }
        (Action::Toggle, Part::Messages, Some(id)) => {
            if r.contacts.iter().any(|c| c.id == id && c.awaits_reply()) {
                Some(ProfileChange::Replied(id))
            } else {
                info = Some("That message needs no reply.");
                None
            }
        }
        (Action::RemoveItem, Part::Goals, Some(_)) => {
            info = Some("Goals are not removed: x drops one, and it stays in the record.");
            None
        }
        (Action::RemoveItem, part, Some(id)) => {
            let client = v.client.clone();
            m.screen = Screen::Profile(v);
            if writable(m, &client) {
                m.popup = Some(Popup::Confirm {
                    question: format!("Remove this item from {}? y removes it, n keeps it.", part.title()),
                    on_yes: Confirmed::RemoveItem { client, part, id },
                });
            }
            return vec![];
        }
        (Action::GoalAchieved, Part::Goals, Some(id)) => {
            Some(ProfileChange::SetGoalStatus { id, status: crate::domain::GoalStatus::Achieved })
        }
        (Action::GoalDropped, Part::Goals, Some(id)) => {
            Some(ProfileChange::SetGoalStatus { id, status: crate::domain::GoalStatus::Dropped })
        }
        (Action::Back, ..) => {
            m.screen = home(m);
            return vec![];
        }
        _ => None,
    };
    let client = v.client.clone();
    m.screen = Screen::Profile(v);
    if let Some(info) = info {
        m.set_info(info);
    }
    match change {
        Some(change) if writable(m, &client) => vec![Effect::ChangeProfile { client, change }],
        _ => vec![],
    }
}

fn search(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Search(v) = &mut m.screen else { return vec![] };
    let before = v.query();
    match action {
        action @ (Action::Input(_) | Action::Paste(_)) => {
            if let Some(why) = type_line(&mut v.input, action) {
                m.set_error(why);
                return vec![];
            }
        }
        Action::Up | Action::Down => {
            let n = match &v.results {
                Some((_, Ok(f))) => f.hits.len(),
                _ => 0,
            };
            v.selected = step(v.selected, n, action == Action::Down);
        }
        Action::Open => {
            let hit = match &v.results {
                Some((_, Ok(f))) => f.hits.get(v.selected).cloned(),
                _ => None,
            };
            if let Some(hit) = hit {
                m.screen = Screen::Clients;
                m.home = Screen::Clients;
                m.select_client(&hit.client);
                match &hit.session {
                    Some(s) => {
                        m.sessions_focus = true;
                        m.select_session(&hit.client, s);
                    }
                    None => m.sessions_focus = false,
                }
            }
            return vec![];
        }
        Action::Back => {
            m.screen = home(m);
            return vec![];
        }
        _ => {}
    }
    let query = v.query();
    if query == before {
        return vec![];
    }
    if query.is_empty() {
        v.results = None;
        return vec![];
    }
    vec![Effect::Search { query }]
}

/// Edit, finalise or add to the highlighted note (sessions pane).
fn session_action(m: &mut Model, action: &Action) -> Option<Vec<Effect>> {
    if !matches!(action, Action::EditNote | Action::Finalise | Action::Addendum) {
        return None;
    }
    let entry = m.selected_entry()?;
    let client = entry.id.clone();
    let record = entry.record.as_ref()?;
    let s = (*sessions_newest_first(record).get(m.session)?).clone();
    let name = record.display_name();
    let is_final = record.is_final(&s, m.now, m.policy);
    if !writable(m, &client) {
        return Some(vec![]);
    }
    match action {
        Action::EditNote if is_final => {
            m.set_error(format!("Note {} is final and cannot be changed; add a correction with +.", s.id));
        }
        Action::EditNote => m.screen = Screen::NoteForm(Box::new(NoteForm::edit(client, name, &s))),
        Action::Finalise if s.finalised.is_some() => m.set_info(format!("Note {} is already final.", s.id)),
        Action::Finalise => {
            m.popup = Some(Popup::Confirm {
                question: format!(
                    "Finalise note {} of {}? It becomes read-only; corrections go in addenda. y finalises, n keeps it open.",
                    s.id,
                    s.at.format("%a %-d %b")
                ),
                on_yes: Confirmed::Finalise { client, session: s.id.clone() },
            });
        }
        _ => {
            m.popup = Some(Popup::Addendum { client, session: s.id.clone(), input: Box::new(TextInput::one_line("")) });
        }
    }
    Some(vec![])
}
