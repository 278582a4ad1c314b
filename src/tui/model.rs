//! All the app's state, in one place.

use crate::sanitize::{MakeVisible, visible};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use std::collections::{HashMap, VecDeque};

use crate::domain::finalise::FinalisePolicy;
use crate::domain::{Appointment, ClientRecord, TaskStatus};
use crate::store::index::Stamp;
use crate::store::{ClientSummary, IndexEntry};
use crate::tui::input::TextInput;
use crate::tui::keymap::Context;
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::client_form::ClientForm;
use crate::tui::screens::note_form::{NoteDraft, NoteForm};
use crate::tui::screens::profile::{Part, ProfileView};
use crate::tui::screens::review::ReviewView;
use crate::tui::screens::search::SearchView;
use crate::tui::theme::Theme;

/// One client as the app holds it: the index's summary (or why the file
/// could not be read), and the whole record once it has been loaded.
#[derive(Debug, Clone)]
pub struct ClientEntry {
    pub id: String,
    pub summary: Result<ClientSummary, String>,
    /// Written by a newer Rapport, or unreadable: nothing writes to it.
    pub read_only: bool,
    /// Loaded when first shown; only a few are kept.
    pub record: Option<ClientRecord>,
    /// The file version the summary was read from; None after our own save
    /// (the next refresh learns it without calling it a change).
    pub stamp: Option<Stamp>,
}

impl ClientEntry {
    pub fn from_index(e: IndexEntry) -> ClientEntry {
        let read_only = e.read_only || e.summary.is_none();
        let summary = e.summary.ok_or_else(|| e.error.unwrap_or_else(|| "could not be read".into()));
        ClientEntry { id: e.id, summary, read_only, record: None, stamp: Some(e.stamp) }
    }

    pub fn name(&self) -> &str {
        match &self.summary {
            Ok(s) => &s.name,
            Err(_) => &self.id,
        }
    }

    fn sort_key(&self) -> String {
        self.name().to_lowercase()
    }
}

/// The screen that fills the window.
#[derive(Debug)]
pub enum Screen {
    Today,
    Clients,
    Review(ReviewView),
    NoteForm(Box<NoteForm>),
    ClientForm(ClientForm),
    Appointment(AppointmentForm),
    Profile(ProfileView),
    Search(Box<SearchView>),
}

/// What a yes to the question will do.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    CancelAppointment { client: String, start: NaiveDateTime },
    Finalise { client: String, session: String },
    RemoveItem { client: String, part: Part, id: String },
}

/// A small window over the screen that takes the keys until closed.
#[derive(Debug)]
pub enum Popup {
    Confirm {
        question: String,
        on_yes: Confirmed,
    },
    Tasks {
        client: String,
        selected: usize,
    },
    Outcome {
        client: String,
        task: String,
        task_text: String,
        status: TaskStatus,
        input: Box<TextInput>,
    },
    Restore {
        client: String,
    },
    AddItem {
        client: String,
        part: Part,
        input: Box<TextInput>,
    },
    Addendum {
        client: String,
        session: String,
        input: Box<TextInput>,
    },
    /// [`DISCARD_QUESTION`], asked by Esc on any form or box with typed
    /// text: `keep` is the box to go back to (None: the form on screen).
    Discard {
        keep: Option<Box<Popup>>,
    },
}

/// The one question Esc asks before throwing typed text away.
pub const DISCARD_QUESTION: &str = "Discard what you typed? y discards it, n keeps it.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
    /// A note could not be saved: nothing less important replaces it.
    NoteNotSaved,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

/// One row of Today: an appointment and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaRow {
    pub client: String,
    pub appointment: Appointment,
}

/// The whole state of the app.
#[derive(Debug)]
pub struct Model {
    pub now: NaiveDateTime,
    pub theme: Theme,
    /// Sorted by name.
    pub clients: Vec<ClientEntry>,
    /// Position in `clients` of each id.
    pub by_id: HashMap<String, usize>,
    /// Kept, unsaved note forms by client id.
    pub drafts: BTreeMap<String, NoteDraft>,
    pub screen: Screen,
    /// Today or the client list: where Esc from a screen returns to.
    pub home: Screen,
    /// Index into `visible` of the selected client.
    pub selected: usize,
    /// Indices into `clients` that pass the filter, in order.
    pub visible: Vec<usize>,
    /// The name filter being typed or kept.
    pub filter: Option<TextInput>,
    pub filter_typing: bool,
    /// The sessions pane has the keys.
    pub sessions_focus: bool,
    /// Index of the highlighted session, newest first.
    pub session: usize,
    pub scroll: u16,
    /// Index of the selected row on Today.
    pub today_row: usize,
    pub popup: Option<Popup>,
    pub help: Option<u16>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Ids whose records are loaded, oldest first, so few are kept.
    pub loaded: VecDeque<String>,
    /// A session to highlight once its client's record is loaded.
    pub pending_session: Option<String>,
    /// When notes become read-only by themselves.
    pub policy: FinalisePolicy,
    /// When the data folder was last checked for changes made elsewhere.
    pub last_refresh: NaiveDateTime,
    /// The screen is hidden behind a neutral panel.
    pub blanked: bool,
    /// When a key was last pressed, for hiding the screen when idle.
    pub last_key: NaiveDateTime,
    /// Hide the screen after this many idle minutes; None for never.
    pub blank_after_minutes: Option<u32>,
    /// Archived (discharged) clients are listed too.
    pub show_archived: bool,
    /// The data folder is encrypted: nothing may reach the disk in plain text.
    pub encrypted: bool,
    /// Files in the data folder that need attention and are never shown
    /// (sync-conflict copies, links): the client list says so.
    pub strays: usize,
    /// The terminal's size (columns, rows), as last told by the loop.
    pub size: (u16, u16),
    /// Bumped whenever a held record changes, so [`NoteCache`] knows.
    pub generation: u64,
    /// The wrapped note on screen, kept between frames.
    pub note_cache: std::cell::RefCell<NoteCache>,
}

/// The wrapped lines of the note on screen, kept between frames so that a
/// keypress on a long note does not wrap all of it again. A memo of the
/// view, keyed by what the lines depend on; it changes nothing the app shows.
#[derive(Debug, Default)]
pub struct NoteCache {
    /// (generation, client, session, width)
    pub key: Option<(u64, String, String, usize)>,
    /// The note's headings and paragraphs, in order.
    pub items: Vec<NoteItem>,
    /// The first item not yet wrapped into `lines`.
    pub next: usize,
    pub lines: Vec<ratatui::text::Line<'static>>,
}

/// One part of a note's body, before wrapping.
#[derive(Debug, Clone)]
pub enum NoteItem {
    Heading(String),
    Text(String),
}

/// How many client records stay loaded at once.
pub const KEEP_LOADED: usize = 24;

/// How many days ahead Today looks.
pub const AGENDA_DAYS: i64 = 7;

impl Model {
    pub fn new(
        mut index: Vec<IndexEntry>,
        mut drafts: Vec<(String, NoteDraft)>,
        now: NaiveDateTime,
        theme: Theme,
    ) -> Model {
        // What the app holds it may draw: record text enters made visible.
        index.make_visible();
        drafts.iter_mut().for_each(|(_, d)| d.fields.make_visible());
        let mut m = Model {
            now,
            theme,
            clients: index.into_iter().map(ClientEntry::from_index).collect(),
            drafts: drafts.into_iter().collect(),
            screen: Screen::Today,
            home: Screen::Today,
            selected: 0,
            visible: Vec::new(),
            filter: None,
            filter_typing: false,
            sessions_focus: false,
            session: 0,
            scroll: 0,
            today_row: 0,
            popup: None,
            help: None,
            status: None,
            quit: false,
            loaded: VecDeque::new(),
            by_id: HashMap::new(),
            pending_session: None,
            policy: FinalisePolicy::default(),
            last_refresh: now,
            blanked: false,
            last_key: now,
            blank_after_minutes: None,
            show_archived: false,
            encrypted: false,
            generation: 0,
            note_cache: Default::default(),
            size: (80, 24),
            strays: 0,
        };
        m.sort_clients();
        m.refilter();
        if m.clients.is_empty() {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        if let Some(client) = m.drafts.keys().find(|id| m.index_of(id).is_some()).cloned() {
            m.popup = Some(Popup::Restore { client });
        }
        m
    }

    /// The context whose bindings apply now.
    pub fn context(&self) -> Context {
        if self.too_small() {
            return Context::TooSmall;
        }
        if self.blanked {
            return Context::Blank;
        }
        if self.help.is_some() {
            return Context::Help;
        }
        match &self.popup {
            Some(Popup::Confirm { .. } | Popup::Discard { .. }) => return Context::Confirm,
            Some(Popup::Tasks { .. }) => return Context::Tasks,
            Some(Popup::Outcome { .. }) => return Context::Outcome,
            Some(Popup::Restore { .. }) => return Context::Restore,
            Some(Popup::AddItem { .. }) => return Context::AddItem,
            Some(Popup::Addendum { .. }) => return Context::Addendum,
            None => {}
        }
        match &self.screen {
            Screen::Today => Context::Today,
            Screen::Clients if self.filter_typing => Context::Filter,
            Screen::Clients if self.sessions_focus => Context::Sessions,
            Screen::Clients => Context::Clients,
            Screen::Review(_) => Context::Review,
            Screen::NoteForm(_) => Context::NoteForm,
            Screen::ClientForm(_) => Context::ClientForm,
            Screen::Appointment(_) => Context::AppointmentForm,
            Screen::Profile(_) => Context::Profile,
            Screen::Search(_) => Context::Search,
        }
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Sorts the clients by name and re-indexes them by id.
    fn sort_clients(&mut self) {
        self.clients.sort_by_key(ClientEntry::sort_key);
        self.by_id = self.clients.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    }

    pub fn entry(&self, id: &str) -> Option<&ClientEntry> {
        self.index_of(id).map(|i| &self.clients[i])
    }

    /// The client's whole record, if it is loaded.
    pub fn record(&self, id: &str) -> Option<&ClientRecord> {
        self.entry(id).and_then(|e| e.record.as_ref())
    }

    /// What the index says of the client, if their file could be read.
    pub fn summary(&self, id: &str) -> Option<&ClientSummary> {
        self.entry(id).and_then(|e| e.summary.as_ref().ok())
    }

    /// The clients whose records the screen needs and that are not loaded.
    pub fn wanted(&self) -> Vec<String> {
        let mut ids: Vec<&str> = Vec::new();
        if let Some(e) = self.selected_entry().filter(|_| matches!(self.screen, Screen::Clients)) {
            ids.push(&e.id);
        }
        match &self.screen {
            Screen::Review(v) => ids.push(&v.client),
            Screen::Profile(v) => ids.push(&v.client),
            _ => {}
        }
        if let Some(Popup::Tasks { client, .. }) = &self.popup {
            ids.push(client);
        }
        ids.into_iter()
            .filter(|id| self.entry(id).is_some_and(|e| e.record.is_none() && e.summary.is_ok()))
            .map(str::to_string)
            .collect()
    }

    /// Takes a record read from disk, dropping the oldest loaded ones.
    pub fn loaded(&mut self, id: &str, record: Result<ClientRecord, String>) {
        let Some(i) = self.index_of(id) else { return };
        self.generation += 1;
        match record {
            Ok(r) => {
                self.clients[i].record = Some(r);
                self.loaded.retain(|l| l != id);
                self.loaded.push_back(id.to_string());
                while self.loaded.len() > KEEP_LOADED {
                    if let Some(old) = self.loaded.pop_front()
                        && let Some(j) = self.index_of(&old)
                    {
                        self.clients[j].record = None;
                    }
                }
                if let Some(session) = self.pending_session.take() {
                    self.select_session(id, &session);
                }
            }
            Err(e) => {
                self.clients[i].summary = Err(e);
                self.clients[i].read_only = true;
            }
        }
    }

    /// Takes in the index as it is on disk now: clients changed by another
    /// window or a sync tool get their new summary, and their record is read
    /// again when next shown. Returns the names of clients changed elsewhere.
    pub fn refreshed(&mut self, entries: Vec<IndexEntry>) -> Vec<String> {
        self.generation += 1;
        let mut changed = Vec::new();
        let mut added = false;
        let mut updated = false;
        let present: std::collections::HashSet<String> = entries.iter().map(|e| e.id.clone()).collect();
        for e in entries {
            match self.index_of(&e.id) {
                Some(i) if self.clients[i].stamp == Some(e.stamp) => {}
                Some(i) => {
                    // No stamp yet: the change is our own save. The record is
                    // read again either way, so what is shown is what is on disk.
                    let fresh = ClientEntry::from_index(e);
                    if self.clients[i].stamp.is_some() {
                        changed.push(fresh.name().to_string());
                    }
                    self.clients[i] = fresh;
                    updated = true;
                }
                None => {
                    let fresh = ClientEntry::from_index(e);
                    changed.push(fresh.name().to_string());
                    self.clients.push(fresh);
                    added = true;
                }
            }
        }
        let before = self.clients.len();
        let selected = self.selected_entry().map(|e| e.id.clone());
        self.clients.retain(|c| present.contains(&c.id));
        if added || updated || self.clients.len() != before {
            self.sort_clients();
            self.refilter();
            if let Some(id) = selected {
                self.select_client(&id);
            }
        }
        changed
    }

    /// Highlights session `session` of client `id` (newest first order).
    pub fn select_session(&mut self, id: &str, session: &str) {
        match self.record(id) {
            Some(r) => {
                let newest_first = r.sessions_newest_first();
                self.session = newest_first.iter().position(|s| s.id == session).unwrap_or(0);
                self.scroll = 0;
            }
            None => self.pending_session = Some(session.to_string()),
        }
    }

    /// The client selected in the list.
    pub fn selected_entry(&self) -> Option<&ClientEntry> {
        self.visible.get(self.selected).map(|&i| &self.clients[i])
    }

    /// Puts a record saved to disk in place of the one held, keeping order.
    pub fn replace_record(&mut self, record: ClientRecord) {
        self.generation += 1;
        let selected_id = self.selected_entry().map(|e| e.id.clone());
        let id = record.client.id.clone();
        let entry = ClientEntry {
            id: id.clone(),
            summary: Ok(ClientSummary::of(&record)),
            read_only: false,
            record: Some(record),
            stamp: None,
        };
        match self.index_of(&entry.id) {
            Some(i) => self.clients[i] = entry,
            None => self.clients.push(entry),
        }
        self.loaded.retain(|l| *l != id);
        self.loaded.push_back(id);
        self.sort_clients();
        self.refilter();
        if let Some(id) = selected_id {
            self.select_client(&id);
        }
    }

    /// Selects client `id` in the list, clearing a filter that hides it.
    pub fn select_client(&mut self, id: &str) {
        let Some(i) = self.index_of(id) else { return };
        if !self.visible.contains(&i) {
            self.filter = None;
            self.filter_typing = false;
            self.refilter();
        }
        if let Some(pos) = self.visible.iter().position(|&v| v == i) {
            self.selected = pos;
        }
    }

    /// Recomputes `visible` from the filter: fuzzy, on full and preferred
    /// name, best match first.
    pub fn refilter(&mut self) {
        let query = self.filter.as_ref().map(|f| f.lines().join(" ")).unwrap_or_default();
        let query = query.trim();
        if query.is_empty() {
            self.visible = (0..self.clients.len()).filter(|&i| !self.is_archived(i)).collect();
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = self
                .clients
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.is_archived(*i))
                .filter_map(|(i, c)| {
                    let hay = match &c.summary {
                        Ok(s) => format!("{} {}", s.name, s.preferred_name.as_deref().unwrap_or("")),
                        Err(_) => c.id.clone(),
                    };
                    pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher).map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.visible = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// Hidden from the list unless archived clients are asked for.
    fn is_archived(&self, i: usize) -> bool {
        !self.show_archived && self.clients[i].summary.as_ref().is_ok_and(|s| s.archived)
    }

    /// Today's appointments that have not ended, then the next days'.
    pub fn agenda(&self) -> Vec<AgendaRow> {
        let today = self.now.date();
        let until = today + chrono::Duration::days(AGENDA_DAYS);
        let mut rows: Vec<AgendaRow> = self
            .clients
            .iter()
            .filter_map(|c| Some((&c.id, c.summary.as_ref().ok()?)))
            .filter(|(_, s)| !s.archived)
            .flat_map(|(id, s)| {
                s.appointments
                    .iter()
                    .filter(|a| a.start.date() >= today && a.start.date() < until)
                    .map(|a| AgendaRow { client: id.clone(), appointment: a.clone() })
            })
            .collect();
        rows.sort_by_key(|r| r.appointment.start);
        rows
    }

    /// The window is smaller than the app can draw in.
    pub fn too_small(&self) -> bool {
        self.size.0 < crate::tui::view::MIN_WIDTH || self.size.1 < crate::tui::view::MIN_HEIGHT
    }

    pub fn set_info(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: visible(&text.into()).into_owned(), kind: StatusKind::Info });
    }

    pub fn set_status(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.status = Some(Status { text: visible(&text.into()).into_owned(), kind });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: visible(&text.into()).into_owned(), kind: StatusKind::Error });
    }
}
