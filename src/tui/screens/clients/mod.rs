//! The main screen: the client list, the selected client's sessions, and the
//! full text of the highlighted session.

use crate::domain::ClientId;
use crate::domain::time::format_day_near;
use crate::domain::{ClientRecord, name_within};
use crate::fit::{self, fit, fit_exact};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::{TextInput, type_line};
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, PGDN, PGUP, TAB, UP, b, ctrl, k};
use crate::tui::popup::{Confirmed, Popup};
use crate::tui::roster::{AGENDA_DAYS, ClientEntry, Roster};
use crate::tui::screens::list::{PAGE, Rows, selectable_list, step};
use crate::tui::screens::note_pane::NoteCache;
use crate::tui::screens::panel;
use crate::tui::screens::profile::Part;
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
    /// Files in the data folder that need attention and are never shown
    /// (sync-conflict copies, links): the list says so.
    pub strays: usize,
    /// The wrapped note on screen, kept between frames.
    pub note_cache: std::cell::RefCell<NoteCache>,
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

pub fn view(list: &ClientsState, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    if ctx.roster.clients.is_empty() {
        return welcome(frame, area, ctx);
    }
    let left_width = (area.width * 2 / 5).clamp(34, 48);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(area);
    client_list(frame, left, list, ctx);
    match list.selected_entry(ctx.roster) {
        Some(entry) => match (&entry.record, &entry.summary) {
            (Some(r), _) => client_pane(frame, right, list, ctx, entry, r),
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
        None => {
            let clear = ctx.key_for(Context::Clients, Action::Back);
            let text = format!("No client matches the filter. {clear} clears it.");
            frame.render_widget(Paragraph::new(text).block(panel("Sessions", false, theme)), right)
        }
    }
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Clients, &[UP, k('k')], Action::Up, "previous client", false).needs_client(),
    b(Context::Clients, &[DOWN, k('j')], Action::Down, "next client", false).needs_client(),
    b(Context::Clients, &[ENTER], Action::Open, "read sessions", false).needs_client(),
    b(Context::Clients, &[k('x')], Action::Export, "export record", false).needs_client(),
    b(Context::Clients, &[k('A')], Action::ShowArchived, "show or hide archived clients", false).needs_client(),
    b(Context::Clients, &[k('n')], Action::NewNote, "new note", true).needs_client(),
    b(Context::Clients, &[k('r')], Action::Review, "review", true)
        .needs_client()
        .about("review before the next appointment"),
    b(Context::Clients, &[k('t')], Action::Tasks, "tasks", true)
        .needs_client()
        .about("open tasks: mark them done or dropped"),
    b(Context::Clients, &[k('s')], Action::Schedule, "book", true).needs_client().about("book an appointment"),
    b(Context::Clients, &[k('p')], Action::Profile, "profile", true)
        .needs_client()
        .about("profile: personal details, goals, watch-for, messages"),
    b(Context::Clients, &[k('/')], Action::Filter, "find", true).needs_client().about("find a client by name"),
    b(Context::Clients, &[ctrl('f')], Action::Search, "search notes", true).needs_client(),
    b(Context::Clients, &[k('a')], Action::AddClient, "add client", true),
    b(Context::Clients, &[k('e')], Action::EditClient, "edit client", false).needs_client(),
    b(Context::Clients, &[ESC], Action::Back, "clear the filter", false),
    b(Context::Clients, &[PGUP], Action::PageUp, "scroll note up", false).needs_client(),
    b(Context::Clients, &[PGDN], Action::PageDown, "scroll note down", false).needs_client(),
    b(Context::Clients, &[TAB], Action::SwitchTab, "today", true),
    b(Context::Clients, &[k('P')], Action::Practice, "practice", false)
        .about("the practice log: client hours week by week, supervision due, CPD, questions for supervision"),
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

/// The selected client's record, while it is not loaded.
pub fn wants(list: &ClientsState, ctx: &Ctx) -> Option<ClientId> {
    list.selected_entry(ctx.roster).and_then(|e| ctx.roster.unloaded(e.id.as_str()))
}

/// After the filter or the archived clients shown changed: the selection
/// stays on client `id` when it is still listed.
fn refilter_keeping(list: &mut ClientsState, roster: &Roster, id: Option<ClientId>) {
    list.refilter(roster);
    if let Some(id) = id {
        list.select_client(roster, id.as_str());
    }
}

pub fn update(list: &mut ClientsState, ctx: &Ctx, action: Action) -> Outcome {
    let roster = ctx.roster;
    let selected = list.selected_entry(roster).map(|e| e.id.clone());
    if list.filter_typing {
        let mut outcome = Outcome::none();
        match action {
            action @ (Action::Input(_) | Action::Paste(_)) => {
                if let Some(why) = list.filter.as_mut().and_then(|f| type_line(f, action)) {
                    outcome = Outcome::error(why);
                }
                list.selected = 0;
                list.refilter(roster);
            }
            Action::Up | Action::Down => {
                list.selected = step(list.selected, list.visible.len(), action == Action::Down)
            }
            Action::Open => list.filter_typing = false,
            Action::Back => {
                list.filter = None;
                list.filter_typing = false;
                refilter_keeping(list, roster, selected);
            }
            _ => {}
        }
        list.session = 0;
        list.scroll = 0;
        return outcome;
    }
    if list.sessions_focus {
        if let Some(outcome) = session_action(list, ctx, &action) {
            return outcome;
        }
        match action {
            Action::Up | Action::Down => {
                list.session = step(list.session, selected_sessions(list, roster), action == Action::Down);
                list.scroll = 0;
                return Outcome::none();
            }
            Action::Back => {
                list.sessions_focus = false;
                return Outcome::none();
            }
            _ => {}
        }
    }
    let for_a_client = matches!(
        action,
        Action::Open
            | Action::NewNote
            | Action::Review
            | Action::Tasks
            | Action::Schedule
            | Action::EditClient
            | Action::Export
            | Action::Profile
    );
    if for_a_client && selected.is_none() {
        return ctx.no_client();
    }
    // The selected client, when their file could be read.
    let readable = selected.clone().filter(|id| roster.summary(id.as_str()).is_some());
    match action {
        Action::Up | Action::Down => {
            list.selected = step(list.selected, list.visible.len(), action == Action::Down);
            list.session = 0;
            list.scroll = 0;
        }
        Action::Open => list.sessions_focus = selected_sessions(list, roster) > 0,
        Action::PageUp => list.scroll = list.scroll.saturating_sub(PAGE),
        Action::PageDown => {
            let on_screen = list.selected_entry(roster).and_then(|e| {
                let session = e.record.as_ref()?.sessions_newest_first().get(list.session)?.id.clone();
                Some((e.id.clone(), session))
            });
            list.scroll = super::note_pane::scroll_down(&list.note_cache, ctx, on_screen, list.scroll, PAGE);
        }
        Action::NewNote => {
            if let Some(client) = selected {
                return Outcome::go(Go::NewNote { client, appointment: None });
            }
        }
        Action::Review => {
            if let Some(client) = selected {
                return Outcome::go(Go::Review { client, appointment: None });
            }
        }
        Action::Tasks => {
            if let Some(client) = readable {
                return Outcome::go(Go::Popup(Popup::Tasks { client, selected: 0 }));
            }
        }
        Action::Schedule | Action::EditClient => {
            let Some(client) = selected else { return Outcome::none() };
            if let Err(refused) = ctx.writable(client.as_str()) {
                return refused.into();
            }
            return Outcome::go(match action {
                Action::Schedule => Go::Book { client },
                _ => Go::EditClient { client },
            });
        }
        // Each `/` starts a new name to find, never adds to the last.
        Action::Filter => {
            list.filter = Some(TextInput::one_line(""));
            list.filter_typing = true;
            refilter_keeping(list, roster, selected);
        }
        Action::Back if list.filter.is_some() => {
            list.filter = None;
            refilter_keeping(list, roster, selected);
        }
        Action::AddClient => return Outcome::go(Go::NewClient),
        Action::Export => {
            if let Some(client) = readable {
                return Outcome::effect(Effect::Export { client });
            }
        }
        Action::ShowArchived => {
            list.show_archived = !list.show_archived;
            refilter_keeping(list, roster, selected);
            let n = roster.clients.iter().filter(|c| c.summary.as_ref().is_ok_and(|s| s.archived)).count();
            let key = ctx.key_for(Context::Clients, Action::ShowArchived);
            return Outcome::info(if list.show_archived {
                format!("Showing {} too ({key} hides them).", crate::domain::plural(n, "archived client"))
            } else {
                format!("Archived clients hidden ({key} shows them).")
            });
        }
        Action::Profile => {
            if let Some(client) = readable {
                return Outcome::go(Go::Profile { client, part: Part::Personal, selected: 0 });
            }
        }
        Action::SwitchTab => return Outcome::go(Go::Today),
        _ => {}
    }
    Outcome::none()
}

fn selected_sessions(list: &ClientsState, roster: &Roster) -> usize {
    list.selected_entry(roster).and_then(|e| e.summary.as_ref().ok()).map_or(0, |s| s.sessions)
}

/// Edit, finalise or add to the highlighted note (sessions pane).
fn session_action(list: &ClientsState, ctx: &Ctx, action: &Action) -> Option<Outcome> {
    if !matches!(action, Action::EditNote | Action::Finalise | Action::Addendum) {
        return None;
    }
    let entry = list.selected_entry(ctx.roster)?;
    let client = entry.id.clone();
    let record = entry.record.as_ref()?;
    let s = *record.sessions_newest_first().get(list.session)?;
    let is_final = record.is_final(s, ctx.now, ctx.policy);
    if let Err(refused) = ctx.writable(client.as_str()) {
        return Some(refused.into());
    }
    let session = s.id.clone();
    Some(match action {
        Action::EditNote if is_final => {
            let add = ctx.key_for(Context::Sessions, Action::Addendum);
            Outcome::error(format!("Note {session} is final and cannot be changed; add a correction with {add}."))
        }
        Action::EditNote => Outcome::go(Go::EditNote { client, session }),
        Action::Finalise if s.finalised.is_some() => Outcome::info(format!("Note {session} is already final.")),
        Action::Finalise => {
            let (yes, no) = (ctx.key_for(Context::Confirm, Action::Yes), ctx.key_for(Context::Confirm, Action::No));
            let question = format!(
                "Finalise note {session} of {}? It becomes read-only; corrections go in addenda. {yes} finalises, {no} \
                 keeps it open.",
                s.at.format("%a %-d %b")
            );
            Outcome::go(Go::Popup(Popup::Confirm { question, on_yes: Confirmed::Finalise { client, session } }))
        }
        _ => Outcome::go(Go::Popup(Popup::Addendum { client, session, input: Box::new(TextInput::one_line("")) })),
    })
}
