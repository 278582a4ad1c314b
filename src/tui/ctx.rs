//! What a screen is given and what it gives back. A screen's
//! `update(&mut State, &Ctx, Action) -> Outcome` and `view(&State, &Ctx,
//! frame, area)` see only this: the shared things in [`Ctx`] (the time,
//! the theme, the window's size, the clients, the settings, the key
//! table), never the top `Model`; and they say what should follow in an
//! [`Outcome`] (effects to run, where to go, what the status line says),
//! which the router in `update.rs` carries out.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::domain::finalise::FinalisePolicy;
use crate::domain::profile::ItemKind as Part;
use crate::domain::{Appointment, ClientId, SessionId};
use crate::tui::action::{Action, Effect};
use crate::tui::draft::NoteDraft;
use crate::tui::keys::{Context, KeyTable};
use crate::tui::popup::Popup;
use crate::tui::roster::Roster;
use crate::tui::theme::Theme;

/// Below this the app asks for a bigger window instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// A window of `size` (columns, rows) is smaller than the app can draw in.
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

/// What every screen shares, lent to it for one update or one drawing.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub now: NaiveDateTime,
    pub theme: &'a Theme,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    /// Every client, and the records loaded.
    pub roster: &'a Roster,
    /// When notes become read-only by themselves (the settings').
    pub policy: FinalisePolicy,
    /// How notes are headed and ordered (the settings').
    pub note_format: crate::domain::note_format::NoteFormat,
    /// The data folder is encrypted: nothing may reach the disk in plain text.
    pub encrypted: bool,
    /// The one key table, for help and for every hint on screen.
    pub keys: &'static KeyTable,
    /// The unsaved notes kept, by client.
    pub drafts: &'a BTreeMap<ClientId, NoteDraft>,
    /// This app window's token, marking the drafts it keeps.
    pub window: &'a str,
}

impl Ctx<'_> {
    /// The keys that do `action` in `context`, named as the table names
    /// them: a hint on screen is built from this, never typed by hand.
    pub fn keys_for(&self, context: Context, action: Action) -> String {
        self.keys.keys_for(context, &action)
    }

    /// The first key that does `action` in `context` ("Enter").
    pub fn key_for(&self, context: Context, action: Action) -> String {
        self.keys.key_for(context, &action)
    }

    /// What a key that needs a selected client says when none is: how to
    /// find one, or add one.
    pub fn no_client(&self) -> Outcome {
        let add = self.key_for(Context::Clients, Action::AddClient);
        if self.roster.clients.is_empty() {
            return Outcome::info(format!("No clients yet: {add} in Clients adds one."));
        }
        let find = self.key_for(Context::Clients, Action::Filter);
        Outcome::info(format!("No client selected: {find} finds one, {add} adds one."))
    }

    /// Ok when client `id` may be changed; else what the status line
    /// says (nothing for a client no longer held).
    pub fn writable(&self, id: &str) -> Result<(), Option<Say>> {
        self.roster.writable(id).map_err(|why| why.map(Say::Error))
    }
}

/// What the status line is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Say {
    Info(String),
    Error(String),
}

/// Where to go after a key: a screen or a box, named by what it needs, so
/// a screen asks for another without building it (the router does, with
/// that screen's own `open`).
#[derive(Debug)]
pub enum Go {
    /// Today or the client list, whichever is home.
    Home,
    Today,
    Clients,
    /// The review of `client`, before `appointment` (else their next).
    Review {
        client: ClientId,
        appointment: Option<Appointment>,
    },
    /// A new note for `client` (or the one kept unsaved), for `appointment`.
    NewNote {
        client: ClientId,
        appointment: Option<Appointment>,
    },
    /// The client list on `client`: its sessions pane on note `session`
    /// when given, else the list of clients.
    Session {
        client: ClientId,
        session: Option<SessionId>,
    },
    Profile {
        client: ClientId,
        part: Part,
        selected: usize,
    },
    /// The form for a new client.
    NewClient,
    /// The form changing `client`'s details.
    EditClient {
        client: ClientId,
    },
    /// The form changing `client`'s note `session` (not yet final).
    EditNote {
        client: ClientId,
        session: SessionId,
    },
    /// Book an appointment for `client`.
    Book {
        client: ClientId,
    },
    /// Move `client`'s `appointment`.
    MoveAppointment {
        client: ClientId,
        appointment: Appointment,
    },
    /// `client`'s measures as charts; [`Go::Back`] returns to this screen.
    Chart {
        client: ClientId,
    },
    /// The Practice screen; [`Go::Back`] returns to this screen.
    Practice,
    /// Back to the screen the one on screen was opened from.
    Back,
    /// A box over the screen.
    Popup(Popup),
    /// Close the box (or help) over the screen.
    Close,
    /// Ask before leaving the form on screen, for it has typed text.
    AskDiscard,
    /// Leave the form on screen, what was typed in it thrown away (the
    /// form says what becomes of it).
    DiscardForm,
}

impl Go {
    /// Going here leaves the box on screen behind: a screen, not a box.
    pub fn leaves_box(&self) -> bool {
        !matches!(self, Go::Popup(_) | Go::Close | Go::AskDiscard | Go::DiscardForm)
    }
}

/// What a screen's update asks to follow.
#[derive(Debug, Default)]
#[must_use]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub go: Option<Go>,
    pub say: Option<Say>,
}

impl Outcome {
    pub fn none() -> Outcome {
        Outcome::default()
    }

    pub fn go(go: Go) -> Outcome {
        Outcome { go: Some(go), ..Default::default() }
    }

    pub fn effect(effect: Effect) -> Outcome {
        Outcome { effects: vec![effect], ..Default::default() }
    }

    pub fn effects(effects: Vec<Effect>) -> Outcome {
        Outcome { effects, ..Default::default() }
    }

    pub fn info(text: impl Into<String>) -> Outcome {
        Outcome { say: Some(Say::Info(text.into())), ..Default::default() }
    }

    pub fn error(text: impl Into<String>) -> Outcome {
        Outcome { say: Some(Say::Error(text.into())), ..Default::default() }
    }

    /// The same, going `go` too.
    pub fn and_go(mut self, go: Go) -> Outcome {
        self.go = Some(go);
        self
    }

    /// The same, saying `text` too.
    pub fn and_info(mut self, text: impl Into<String>) -> Outcome {
        self.say = Some(Say::Info(text.into()));
        self
    }
}

impl From<Option<Say>> for Outcome {
    fn from(say: Option<Say>) -> Outcome {
        Outcome { say, ..Default::default() }
    }
}
