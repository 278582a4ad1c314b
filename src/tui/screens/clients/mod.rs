//! The main screen: the client list, the selected client's sessions, and the
//! full text of the highlighted session.

use crate::domain::time::format_day_near;
use crate::domain::{ClientRecord, name_within};
use crate::fit::{self, fit, fit_exact};
use crate::tui::action::{Action, Effect};
use crate::tui::input::TextInput;
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, PGDN, PGUP, TAB, UP, b, ctrl, k};
use crate::tui::model::{AGENDA_DAYS, Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::roster::{ClientEntry, Roster};
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::client_form::ClientForm;
use crate::tui::screens::list::Rows;
pub use crate::tui::screens::list::selectable_list;
use crate::tui::screens::note_form::NoteForm;
use crate::tui::screens::panel;
use crate::tui::screens::profile::{Part, ProfileView};
use crate::tui::theme::Theme;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{ListItem, Paragraph, Wrap};

/// The client list's own state: which client is selected, the name filter,
/// and the sessions pane on the right.
#[derive(Debug, Default)]
pub struct ClientsState {
    /// Index into `visible` of the selected client.
    pub selected: usize,
    /// Indices into the roster that pass the filter, in order.
    pub visible: Vec<usize>,
    /// The name filter being typed or kept.
    pub filter: Option<TextInput>,
    pub filter_typing: bool,
    /// The sessions pane has the keys.
    pub sessions_focus: bool,
    /// Index of the highlighted session, newest first.
    pub session: usize,
    /// How far the note text is scrolled.
    pub scroll: u16,
    /// Archived (discharged) clients are listed too.
    pub show_archived: bool,
}

impl ClientsState {
    /// The client selected in the list.
    pub fn selected_entry<'r>(&self, roster: &'r Roster) -> Option<&'r ClientEntry> {
        self.visible.get(self.selected).and_then(|&i| roster.clients.get(i))
    }

    /// Selects client `id` in the list, clearing a filter that hides it.
    pub fn select_client(&mut self, roster: &Roster, id: &str) {
        let Some(i) = roster.index_of(id) else { return };
        if !self.visible.contains(&i) {
            self.filter = None;
            self.filter_typing = false;
            self.refilter(roster);
        }
        if let Some(pos) = self.visible.iter().position(|&v| v == i) {
            self.selected = pos;
        }
    }

    /// Recomputes `visible` from the filter: fuzzy, on full and preferred
    /// name, best match first.
    pub fn refilter(&mut self, roster: &Roster) {
        let query = self.filter.as_ref().map(|f| f.lines().join(" ")).unwrap_or_default();
        let query = query.trim();
        let shown = |c: &ClientEntry| self.show_archived || !c.summary.as_ref().is_ok_and(|s| s.archived);
        if query.is_empty() {
            self.visible = (0..roster.clients.len()).filter(|&i| shown(&roster.clients[i])).collect();
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = roster
                .clients
                .iter()
                .enumerate()
                .filter(|(_, c)| shown(c))
                .filter_map(|(i, c)| {
                    let hay = match &c.summary {
                        Ok(s) => format!("{} {}", s.name, s.preferred_name.as_deref().unwrap_or("")),
                        Err(_) => c.id.to_string(),
                    };
                    pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher).map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.visible = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }
}

mod view;
use view::{client_list, client_pane, welcome};

pub fn view(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    if m.roster.clients.is_empty() {
        return welcome(frame, area, theme);
    }
    let left_width = (area.width * 2 / 5).clamp(34, 48);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(area);
    client_list(frame, left, m);
    match m.selected_entry() {
        Some(entry) => match (&entry.record, &entry.summary) {
            (Some(r), _) => client_pane(frame, right, m, r),
            (None, Ok(s)) => frame.render_widget(
                Paragraph::new(Line::styled("Opening…", theme.quiet())).block(panel(s.display_name(), false, theme)),
                right,
            ),
            (None, Err(e)) => {
                let text = vec![
                    Line::styled("This client's file could not be read.", theme.error()),
                    Line::raw(""),
                    Line::raw(e.clone()),
                    Line::raw(""),
                    Line::raw("Rapport will not write to it. Every other client works as usual."),
                ];
                frame.render_widget(
                    Paragraph::new(text).wrap(Wrap { trim: false }).block(panel(entry.id.as_str(), false, theme)),
                    right,
                );
            }
        },
        None => frame.render_widget(
            Paragraph::new("No client matches the filter. Esc clears it.").block(panel("Sessions", false, theme)),
            right,
        ),
    }
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Clients, &[UP, k('k')], Action::Up, "previous client", false),
    b(Context::Clients, &[DOWN, k('j')], Action::Down, "next client", false),
    b(Context::Clients, &[ENTER], Action::Open, "read sessions", false),
    b(Context::Clients, &[k('x')], Action::Export, "export record", false),
    b(Context::Clients, &[k('A')], Action::ShowArchived, "show or hide archived clients", false),
    b(Context::Clients, &[k('n')], Action::NewNote, "new note", true),
    b(Context::Clients, &[k('r')], Action::Review, "review", true).about("review before the next appointment"),
    b(Context::Clients, &[k('t')], Action::Tasks, "tasks", true).about("open tasks: mark them done or dropped"),
    b(Context::Clients, &[k('s')], Action::Schedule, "book", true).about("book an appointment"),
    b(Context::Clients, &[k('p')], Action::Profile, "profile", true)
        .about("profile: personal details, goals, watch-for, messages"),
    b(Context::Clients, &[k('/')], Action::Filter, "find", true).about("find a client by name"),
    b(Context::Clients, &[ctrl('f')], Action::Search, "search notes", true),
    b(Context::Clients, &[k('a')], Action::AddClient, "add client", true),
    b(Context::Clients, &[k('e')], Action::EditClient, "edit client", false),
    b(Context::Clients, &[ESC], Action::Back, "clear the filter", false),
    b(Context::Clients, &[PGUP], Action::PageUp, "scroll note up", false),
    b(Context::Clients, &[PGDN], Action::PageDown, "scroll note down", false),
    b(Context::Clients, &[TAB], Action::SwitchTab, "today", true),
    b(Context::Clients, &[k('S')], Action::Sync, "sync", false)
        .about("sync with your other devices now (a synced practice; the header says where it stands)"),
    b(Context::Clients, &[k('?')], Action::Help, "help", true),
    b(Context::Clients, &[ctrl('l')], Action::Blank, "hide", true)
        .about("hide the screen at once; any key brings it back"),
    b(Context::Clients, &[k('q')], Action::Quit, "quit", true),
    b(Context::Sessions, &[UP, k('k')], Action::Up, "newer session", true),
    b(Context::Sessions, &[DOWN, k('j')], Action::Down, "older session", true),
    b(Context::Sessions, &[PGUP], Action::PageUp, "scroll up", true),
    b(Context::Sessions, &[PGDN], Action::PageDown, "scroll down", true),
    b(Context::Sessions, &[k('n')], Action::NewNote, "new note", true),
    b(Context::Sessions, &[k('r')], Action::Review, "review", false),
    b(Context::Sessions, &[k('e')], Action::EditNote, "edit note", true),
    b(Context::Sessions, &[k('f')], Action::Finalise, "finalise", true)
        .about("finalise the note: read-only from then on (asks first)"),
    b(Context::Sessions, &[k('+')], Action::Addendum, "addendum", true)
        .about("add a dated correction beneath the note"),
    b(Context::Sessions, &[ctrl('f')], Action::Search, "search notes", false),
    b(Context::Sessions, &[ESC], Action::Back, "back to clients", true),
    b(Context::Sessions, &[k('?')], Action::Help, "help", true),
    b(Context::Filter, &[ENTER], Action::Open, "keep filter", true),
    b(Context::Filter, &[UP], Action::Up, "previous match", false),
    b(Context::Filter, &[DOWN], Action::Down, "next match", false),
    b(Context::Filter, &[ESC], Action::Back, "clear filter", true),
];

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let selected = m.selected_entry().map(|e| e.id.clone());
    if m.list.filter_typing {
        match action {
            action @ (Action::Input(_) | Action::Paste(_)) => {
                if let Some(why) = m.list.filter.as_mut().and_then(|f| type_line(f, action)) {
                    m.set_error(why);
                }
                m.list.selected = 0;
                m.refilter();
            }
            Action::Up | Action::Down => {
                m.list.selected = step(m.list.selected, m.list.visible.len(), action == Action::Down)
            }
            Action::Open => m.list.filter_typing = false,
            Action::Back => {
                m.list.filter = None;
                m.list.filter_typing = false;
                m.refilter();
                if let Some(id) = selected {
                    m.select_client(id.as_str());
                }
            }
            _ => {}
        }
        m.list.session = 0;
        m.list.scroll = 0;
        return vec![];
    }
    if m.list.sessions_focus {
        if let Some(effects) = session_action(m, &action) {
            return effects;
        }
        match action {
            Action::Up | Action::Down => {
                m.list.session = step(m.list.session, selected_sessions(m), action == Action::Down);
                m.list.scroll = 0;
                return vec![];
            }
            Action::Back => {
                m.list.sessions_focus = false;
                return vec![];
            }
            _ => {}
        }
    }
    match action {
        Action::Up | Action::Down => {
            m.list.selected = step(m.list.selected, m.list.visible.len(), action == Action::Down);
            m.list.session = 0;
            m.list.scroll = 0;
        }
        Action::Open => m.list.sessions_focus = selected_sessions(m) > 0,
        Action::PageUp => m.list.scroll = m.list.scroll.saturating_sub(PAGE),
        Action::PageDown => m.list.scroll = super::note_pane::scroll_down(m, PAGE),
        Action::NewNote => {
            if let Some(id) = selected {
                return open_note(m, id.as_str(), None);
            }
        }
        Action::Review => {
            if let Some(id) = selected {
                open_review(m, id.as_str(), None);
            }
        }
        Action::Tasks => {
            if let Some(id) = selected.filter(|id| m.summary(id.as_str()).is_some()) {
                m.popup = Some(Popup::Tasks { client: id, selected: 0 });
            }
        }
        Action::Schedule => {
            if let Some(id) = selected.filter(|id| writable(m, id.as_str()))
                && let Some(r) = m.summary(id.as_str())
            {
                let last = r.appointments.iter().max_by_key(|a| a.start).map(|a| (a.start, a.minutes));
                m.screen = Screen::Appointment(AppointmentForm::book(id, r.display_name(), last, m.now));
            }
        }
        Action::Filter => {
            m.list.filter.get_or_insert_with(|| TextInput::one_line(""));
            m.list.filter_typing = true;
        }
        Action::Back if m.list.filter.is_some() => {
            m.list.filter = None;
            m.refilter();
            if let Some(id) = selected {
                m.select_client(id.as_str());
            }
        }
        Action::AddClient => m.screen = Screen::ClientForm(ClientForm::add()),
        Action::Export => {
            if let Some(id) = selected.filter(|id| m.summary(id.as_str()).is_some()) {
                return vec![Effect::Export { client: id }];
            }
        }
        Action::ShowArchived => {
            m.list.show_archived = !m.list.show_archived;
            m.refilter();
            if let Some(id) = selected {
                m.select_client(id.as_str());
            }
            let n = m.roster.clients.iter().filter(|c| c.summary.as_ref().is_ok_and(|s| s.archived)).count();
            m.set_info(if m.list.show_archived {
                format!("Showing {} too (A hides them).", crate::domain::plural(n, "archived client"))
            } else {
                "Archived clients hidden (A shows them).".to_string()
            });
        }
        Action::Profile => {
            if let Some(id) = selected.filter(|id| m.summary(id.as_str()).is_some()) {
                m.screen = Screen::Profile(ProfileView { client: id, part: Part::Personal, selected: 0 });
            }
        }
        Action::EditClient => {
            if let Some(id) = selected.filter(|id| writable(m, id.as_str()))
                && let Some(r) = m.record(id.as_str())
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

fn selected_sessions(m: &Model) -> usize {
    m.selected_entry().and_then(|e| e.summary.as_ref().ok()).map_or(0, |s| s.sessions)
}

/// Edit, finalise or add to the highlighted note (sessions pane).
fn session_action(m: &mut Model, action: &Action) -> Option<Vec<Effect>> {
    if !matches!(action, Action::EditNote | Action::Finalise | Action::Addendum) {
        return None;
    }
    let entry = m.selected_entry()?;
    let client = entry.id.clone();
    let record = entry.record.as_ref()?;
    let s = (*record.sessions_newest_first().get(m.list.session)?).clone();
    let name = record.display_name();
    let is_final = record.is_final(&s, m.now, m.policy);
    // What the note set stays as it is; the form says so, so none is typed twice.
    let set_tasks: Vec<String> = record
        .tasks
        .iter()
        .filter(|t| t.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
        .map(|t| t.text.clone())
        .collect();
    let set_personal: Vec<String> = record
        .personal
        .iter()
        .filter(|p| p.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
        .map(|p| p.text.clone())
        .collect();
    let kept_measures = record.measure_names(&s.id);
    if !writable(m, client.as_str()) {
        return Some(vec![]);
    }
    match action {
        Action::EditNote if is_final => {
            m.set_error(format!("Note {} is final and cannot be changed; add a correction with +.", s.id));
        }
        Action::EditNote => {
            let form = NoteForm::edit(client, name, &s, &set_tasks, &set_personal).with_kept_measures(&kept_measures);
            m.screen = Screen::NoteForm(Box::new(form))
        }
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
