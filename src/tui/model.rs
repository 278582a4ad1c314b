//! All the app's state, in one place.

use crate::sanitize::{MakeVisible, visible};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use std::collections::{HashMap, VecDeque};

use crate::domain::TaskStatus;
use crate::domain::finalise::FinalisePolicy;
use crate::domain::measures::CustomScale;
use crate::domain::profile::ProfileChange;
use crate::domain::{AppointmentId, ClientId, NewSession, SessionId, TaskId};
use crate::store::IndexEntry;
use crate::tui::action::Effect;
use crate::tui::input::TextInput;
use crate::tui::keymap::Context;
pub use crate::tui::roster::{AgendaRow, ClientEntry};
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::chart::ChartView;
use crate::tui::screens::client_form::ClientForm;
pub use crate::tui::screens::clients::ClientsState;
use crate::tui::screens::note_form::{NoteDraft, NoteForm};
pub use crate::tui::screens::note_pane::{NoteCache, NoteItem};
use crate::tui::screens::profile::{Part, ProfileView};
use crate::tui::screens::review::ReviewView;
use crate::tui::screens::search::SearchView;
pub use crate::tui::screens::today::TodayState;
use crate::tui::theme::Theme;

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
    /// A client's measures over time.
    Chart(ChartView),
}

/// What a yes to the question will do.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    CancelAppointment {
        client: ClientId,
        appointment: AppointmentId,
        start: NaiveDateTime,
    },
    Finalise {
        client: ClientId,
        session: SessionId,
    },
    RemoveItem {
        client: ClientId,
        part: Part,
        id: String,
    },
    /// Book a cancelled appointment again.
    Rebook {
        client: ClientId,
        start: NaiveDateTime,
        minutes: u32,
    },
    /// Save a note the therapist was asked about (dated in the future).
    SaveNote {
        client: ClientId,
        editing: Option<SessionId>,
        note: Box<NewSession>,
        /// The edited note as the form found it.
        base: Option<String>,
        /// The questions about it answered yes, this one included.
        answers: crate::practice::Answers,
    },
}

impl Confirmed {
    /// What a yes does.
    pub fn effect(self) -> Effect {
        match self {
            Confirmed::CancelAppointment { client, appointment, start } => {
                Effect::CancelAppointment { client, appointment, start }
            }
            Confirmed::Finalise { client, session } => Effect::Finalise { client, session },
            Confirmed::Rebook { client, start, minutes } => {
                Effect::Schedule { client, start, minutes, weekly: 0, replaces: None }
            }
            Confirmed::RemoveItem { client, part, id } => {
                Effect::ChangeProfile { client, change: ProfileChange::Remove { part, id } }
            }
            Confirmed::SaveNote { client, editing: Some(session), note, base, .. } => {
                Effect::EditNote { client, session, note: *note, base }
            }
            Confirmed::SaveNote { client, editing: None, note, answers, .. } => {
                Effect::SaveNote { client, note, answers }
            }
        }
    }
}

/// A small window over the screen that takes the keys until closed.
#[derive(Debug)]
pub enum Popup {
    Confirm {
        question: String,
        on_yes: Confirmed,
    },
    Tasks {
        client: ClientId,
        selected: usize,
    },
    Outcome {
        client: ClientId,
        task: TaskId,
        task_text: String,
        status: TaskStatus,
        input: Box<TextInput>,
    },
    Restore {
        client: ClientId,
    },
    /// A new item for a part of the profile, or new words for one.
    AddItem {
        client: ClientId,
        part: Part,
        /// The item being changed; None to add one.
        editing: Option<String>,
        input: Box<TextInput>,
    },
    Addendum {
        client: ClientId,
        session: SessionId,
        input: Box<TextInput>,
    },
    /// Typing a new task, from the open tasks (which it goes back to).
    NewTask {
        client: ClientId,
        input: Box<TextInput>,
    },
    /// Typing measure scores ("ORS 6 6.5 7 6; SRS 9 9 9 9") taken at `at`,
    /// in note `session` when there is one today.
    Measures {
        client: ClientId,
        session: Option<SessionId>,
        at: NaiveDateTime,
        input: Box<TextInput>,
    },
    /// A conflict from two devices to settle (see `screens::conflict`):
    /// `client`'s number `index`, from 0.
    Conflict {
        client: ClientId,
        index: usize,
        conflict: Box<crate::domain::Conflict>,
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

/// The whole state of the app.
#[derive(Debug)]
pub struct Model {
    pub now: NaiveDateTime,
    pub theme: Theme,
    /// Sorted by name.
    pub clients: Vec<ClientEntry>,
    /// Position in `clients` of each id.
    pub by_id: HashMap<ClientId, usize>,
    /// Kept, unsaved note forms by client id.
    pub drafts: BTreeMap<ClientId, NoteDraft>,
    pub screen: Screen,
    /// Today or the client list: where Esc from a screen returns to.
    pub home: Screen,
    /// The client list's own state (see [`ClientsState`]).
    pub list: ClientsState,
    /// Today's own state.
    pub today: TodayState,
    pub popup: Option<Popup>,
    pub help: Option<u16>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Ids whose records are loaded, oldest first, so few are kept.
    pub loaded: VecDeque<ClientId>,
    /// A session to highlight once its client's record is loaded.
    pub pending_session: Option<SessionId>,
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
    /// This app window's token, marking the drafts it keeps.
    pub window: String,
    /// The terminal's size (columns, rows), as last told by the loop.
    pub size: (u16, u16),
    /// Bumped whenever a held record changes, so [`NoteCache`] knows.
    pub generation: u64,
    /// The wrapped note on screen, kept between frames.
    pub note_cache: std::cell::RefCell<NoteCache>,
    /// The custom measures defined in the settings.
    pub custom_scales: Vec<CustomScale>,
    /// In a synced folder, what the header says of syncing.
    pub sync: Option<crate::tui::sync::SyncMark>,
}

/// How many client records stay loaded at once.
pub const KEEP_LOADED: usize = 24;

/// How many days ahead Today looks.
pub const AGENDA_DAYS: i64 = 7;

impl Model {
    pub fn new(
        mut index: Vec<IndexEntry>,
        mut drafts: Vec<(ClientId, NoteDraft)>,
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
            list: Default::default(),
            today: Default::default(),
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
            window: format!("{:016x}", fastrand::u64(..)),
            strays: 0,
            custom_scales: Vec::new(),
            sync: None,
        };
        m.sort_clients();
        m.refilter();
        m.today.row = super::screens::today::opening_row(&m.agenda(), now);
        if m.clients.is_empty() {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        if let Some(client) = m.drafts.keys().find(|id| m.index_of(id.as_str()).is_some()).cloned() {
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
            Some(Popup::NewTask { .. }) => return Context::NewTask,
            Some(Popup::Measures { .. }) => return Context::Measures,
            Some(Popup::Conflict { .. }) => return Context::Conflict,
            None => {}
        }
        match &self.screen {
            Screen::Today if self.today.messages_focus => Context::TodayMessages,
            Screen::Today => Context::Today,
            Screen::Clients if self.list.filter_typing => Context::Filter,
            Screen::Clients if self.list.sessions_focus => Context::Sessions,
            Screen::Clients => Context::Clients,
            Screen::Review(_) => Context::Review,
            Screen::NoteForm(_) => Context::NoteForm,
            Screen::ClientForm(_) => Context::ClientForm,
            Screen::Appointment(_) => Context::AppointmentForm,
            Screen::Profile(v) => match v.part {
                Part::Personal => Context::ProfilePersonal,
                Part::Goals => Context::ProfileGoals,
                Part::WatchFor => Context::ProfileWatch,
                Part::Messages => Context::ProfileMessages,
            },
            Screen::Search(_) => Context::Search,
            Screen::Chart(_) => Context::Chart,
        }
    }

    /// The custom measures a client's scores may be typed on: their own
    /// (kept in their file), then the settings'.
    pub fn scales_for(&self, client: &str) -> Vec<CustomScale> {
        let mut all = self.record(client).map(|r| r.scales.clone()).unwrap_or_default();
        let more: Vec<CustomScale> =
            self.custom_scales.iter().filter(|c| !all.iter().any(|a| a.key() == c.key())).cloned().collect();
        all.extend(more);
        all
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
