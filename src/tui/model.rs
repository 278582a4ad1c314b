//! All the app's state, in one place.

use crate::sanitize::{MakeVisible, visible};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::domain::finalise::FinalisePolicy;
use crate::domain::measures::CustomScale;
use crate::domain::{ClientId, ClientRecord, SessionId};
use crate::store::{ClientSummary, IndexEntry};
use crate::tui::keys::Context;
pub use crate::tui::roster::{AGENDA_DAYS, AgendaRow, ClientEntry, KEEP_LOADED, Roster};
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::chart::ChartView;
use crate::tui::screens::client_form::ClientForm;
pub use crate::tui::screens::clients::ClientsState;
use crate::tui::screens::note_form::{NoteDraft, NoteForm};
use crate::tui::screens::profile::{Part, ProfileView};
use crate::tui::screens::review::ReviewView;
use crate::tui::screens::search::SearchView;
pub use crate::tui::screens::today::TodayState;
use crate::tui::theme::Theme;

/// The status line while the clients load behind the first frame.
const LOADING: &str = "Reading the practice's clients for the index";

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
    /// The practice log: client hours, supervision, CPD.
    Practice(crate::tui::screens::practice::PracticeView),
}

pub use crate::tui::popup::{Confirmed, Popup};

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
    /// Every client, and the few records loaded.
    pub roster: Roster,
    /// Kept, unsaved note forms by client id.
    pub drafts: BTreeMap<ClientId, NoteDraft>,
    pub screen: Screen,
    /// Today or the client list: where Esc from a screen returns to.
    pub home: Screen,
    /// The screen the one on screen was opened from, to go back to (a chart's review).
    pub behind: Option<Box<Screen>>,
    /// The client list's own state (see [`ClientsState`]).
    pub list: ClientsState,
    /// Today's own state.
    pub today: TodayState,
    pub popup: Option<Popup>,
    pub help: Option<u16>,
    pub status: Option<Status>,
    pub quit: bool,
    /// A session to highlight once its client's record is loaded.
    pub pending_session: Option<SessionId>,
    /// When notes become read-only by themselves.
    pub policy: FinalisePolicy,
    /// How notes are headed and ordered (the settings').
    pub note_format: crate::domain::note_format::NoteFormat,
    /// When the data folder was last checked for changes made elsewhere.
    pub last_refresh: NaiveDateTime,
    /// The screen is hidden behind a neutral panel.
    pub blanked: bool,
    /// When a key was last pressed, for hiding the screen when idle.
    pub last_key: NaiveDateTime,
    /// Hide the screen after this many idle minutes; None for never.
    pub blank_after_minutes: Option<u32>,
    /// The data folder is encrypted: nothing may reach the disk in plain text.
    pub encrypted: bool,
    /// This app window's token, marking the drafts it keeps.
    pub window: String,
    /// The terminal's size (columns, rows), as last told by the loop.
    pub size: (u16, u16),
    /// When text was last pasted: a Ctrl-C just after it came with it.
    pub pasted_at: Option<NaiveDateTime>,
    /// The note form's text could not be kept as a draft at the last try
    /// (another window holds this client's): quitting asks first.
    pub draft_unkept: bool,
    /// Quitting was refused once for that: the next quit goes.
    pub quit_asked: bool,
    /// In a synced folder, what the header says of syncing.
    pub sync: Option<crate::tui::sync::SyncMark>,
    /// The summaries the roster was opened from: the first look in the
    /// background reads them again only if they changed since.
    pub index_mark: Option<crate::store::IndexMark>,
    /// Every client is being read behind the first frame (see [`Roster::opening`]).
    pub loading_roster: bool,
}

impl Model {
    /// The app on `roster` (made from index entries made visible), with
    /// the drafts kept from before.
    pub fn new(roster: Roster, mut drafts: Vec<(ClientId, NoteDraft)>, now: NaiveDateTime, theme: Theme) -> Model {
        // What the app holds it may draw: record text enters made visible.
        drafts.iter_mut().for_each(|(_, d)| d.fields.make_visible());
        let mut m = Model {
            roster,
            now,
            theme,
            drafts: drafts.into_iter().collect(),
            screen: Screen::Today,
            home: Screen::Today,
            behind: None,
            pasted_at: None,
            draft_unkept: false,
            quit_asked: false,
            list: Default::default(),
            today: Default::default(),
            popup: None,
            help: None,
            status: None,
            quit: false,
            pending_session: None,
            policy: FinalisePolicy::default(),
            note_format: Default::default(),
            last_refresh: now,
            blanked: false,
            last_key: now,
            blank_after_minutes: None,
            encrypted: false,
            size: (80, 24),
            window: format!("{:016x}", fastrand::u64(..)),
            sync: None,
            index_mark: None,
            loading_roster: false,
        };
        m.list.refilter(&m.roster);
        m.today.row = super::screens::today::opening_row(&m.agenda(), now);
        if m.roster.complete && m.roster.clients.is_empty() {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        if let Some(client) =
            m.drafts.iter().find(|(id, d)| !d.discarded && m.index_of(id.as_str()).is_some()).map(|(id, _)| id.clone())
        {
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
            Some(Popup::Cancel { .. }) => return Context::Cancel,
            Some(Popup::Tasks { .. }) => return Context::Tasks,
            Some(Popup::Outcome { .. }) => return Context::Outcome,
            Some(Popup::Restore { .. }) => return Context::Restore,
            Some(Popup::Snapshots { .. }) => return Context::Snapshots,
            Some(Popup::AddItem { .. }) => return Context::AddItem,
            Some(Popup::Addendum { .. }) => return Context::Addendum,
            Some(Popup::NewTask { .. }) => return Context::NewTask,
            Some(Popup::Measures { .. }) => return Context::Measures,
            Some(Popup::Bring { .. }) => return Context::Bring,
            Some(Popup::ResolveWatch { .. }) => return Context::ResolveWatch,
            Some(Popup::Conflict(_)) => return Context::Conflict,
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
            Screen::Practice(_) => Context::Practice,
        }
    }

    /// A form or a box on screen holds typed text.
    pub fn holds_text(&self) -> bool {
        let in_box = match &self.popup {
            Some(
                Popup::Outcome { input, .. }
                | Popup::AddItem { input, .. }
                | Popup::Addendum { input, .. }
                | Popup::NewTask { input, .. }
                | Popup::Measures { input, .. }
                | Popup::Bring { input, .. }
                | Popup::ResolveWatch { input, .. },
            ) => !input.is_blank(),
            Some(Popup::Discard { .. }) => true,
            _ => false,
        };
        in_box
            || match &self.screen {
                Screen::NoteForm(f) => f.has_text(),
                Screen::ClientForm(f) => f.has_text(),
                _ => false,
            }
    }

    /// The window is smaller than the app can draw in.
    pub fn too_small(&self) -> bool {
        crate::tui::ctx::too_small(self.size)
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

/// The shared things a screen is lent ([`crate::tui::ctx::Ctx`]), borrowed
/// field by field so the open screen's state can be changed beside it.
#[macro_export]
macro_rules! ctx {
    ($m:expr) => {
        $crate::tui::ctx::Ctx {
            now: $m.now,
            theme: &$m.theme,
            size: $m.size,
            roster: &$m.roster,
            policy: $m.policy,
            note_format: $m.note_format,
            encrypted: $m.encrypted,
            keys: &$crate::tui::keymap::TABLE,
            drafts: &$m.drafts,
            window: &$m.window,
        }
    };
}

/// The roster as the app holds it, with the client list kept in step.
impl Model {
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.roster.index_of(id)
    }

    pub fn entry(&self, id: &str) -> Option<&ClientEntry> {
        self.roster.entry(id)
    }

    /// The client's whole record, if it is loaded.
    pub fn record(&self, id: &str) -> Option<&ClientRecord> {
        self.roster.record(id)
    }

    /// What the index says of the client, if their file could be read.
    pub fn summary(&self, id: &str) -> Option<&ClientSummary> {
        self.roster.summary(id)
    }

    /// The rows of Today (see [`Roster::agenda`]).
    pub fn agenda(&self) -> Vec<AgendaRow> {
        self.roster.agenda(self.now)
    }

    /// The custom measures a client's scores may be typed on.
    pub fn scales_for(&self, client: &str) -> Vec<CustomScale> {
        self.roster.scales_for(client)
    }

    /// The custom measures defined in the settings.
    /// The client selected in the list.
    pub fn selected_entry(&self) -> Option<&ClientEntry> {
        self.list.selected_entry(&self.roster)
    }

    /// Selects client `id` in the list, clearing a filter that hides it.
    pub fn select_client(&mut self, id: &str) {
        self.list.select_client(&self.roster, id);
    }

    pub fn refilter(&mut self) {
        self.list.refilter(&self.roster);
    }

    /// Takes a record read from disk (see [`Roster::loaded`]).
    pub fn loaded(&mut self, id: &str, record: Result<ClientRecord, String>) {
        if self.roster.loaded(id, record)
            && let Some(session) = self.pending_session.take()
        {
            self.select_session(id, &session);
        }
    }

    /// Takes in every client, loaded behind the first frame (see
    /// [`Roster::opening`]).
    pub fn roster_loaded(&mut self, entries: Vec<IndexEntry>) {
        let today_known = self.roster.today_known;
        self.roster.completed(entries);
        self.refilter();
        super::screens::today::messages_changed(&mut self.today, &self.roster);
        if !today_known {
            self.today.row = super::screens::today::opening_row(&self.agenda(), self.now);
        }
        if self.roster.clients.is_empty() && matches!(self.screen, Screen::Today) {
            self.screen = Screen::Clients;
            self.home = Screen::Clients;
        }
        if self.status.as_ref().is_some_and(|s| s.text.starts_with(LOADING)) {
            self.status = None;
        }
    }

    /// Says how far the loading behind the first frame has got.
    pub fn roster_loading(&mut self, done: usize, total: usize) {
        self.roster.loading = Some((done, total));
        self.set_info(format!(
            "{LOADING}: {done} of {total} client files read. Keys pressed before it is done are not used."
        ));
    }

    /// Takes in the index as it is on disk now; the names of clients changed elsewhere.
    pub fn refreshed(&mut self, entries: Vec<IndexEntry>) -> Vec<String> {
        let selected = self.selected_entry().map(|e| e.id.clone());
        let (changed, reordered) = self.roster.refreshed(entries);
        if reordered {
            self.refilter();
            if let Some(id) = selected {
                self.select_client(id.as_str());
            }
        }
        changed
    }

    /// Puts a record saved to disk in place of the one held, keeping the selection.
    pub fn replace_record(&mut self, record: ClientRecord) {
        let selected = self.selected_entry().map(|e| e.id.clone());
        self.roster.replace_record(record);
        self.refilter();
        if let Some(id) = selected {
            self.select_client(id.as_str());
        }
    }

    /// Highlights session `session` of client `id` (newest first order).
    pub fn select_session(&mut self, id: &str, session: &SessionId) {
        match self.roster.session_position(id, session) {
            Some(position) => {
                self.list.session = position;
                self.list.scroll = 0;
            }
            None => self.pending_session = Some(session.clone()),
        }
    }
}
