//! The small windows over the screen, as data: which box is open and what
//! it holds. Any screen may ask for one (its `Outcome` says `go`); each
//! box's keys and drawing are in `screens/popups/`.

use chrono::NaiveDateTime;

use crate::domain::profile::{ItemKind as Part, ProfileChange};
use crate::domain::{AppointmentId, ClientId, NewSession, SessionId, TaskId, TaskStatus};
use crate::tui::action::Effect;
use crate::tui::input::TextInput;

/// What a yes to the question will do.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
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
    /// Restore a client's record from a snapshot, the core's questions answered.
    Restore {
        client: ClientId,
        snapshot: String,
        answers: crate::practice::Answers,
    },
}

impl Confirmed {
    /// What a yes does.
    pub fn effect(self) -> Effect {
        match self {
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
            Confirmed::Restore { client, snapshot, answers } => Effect::Restore { client, snapshot, answers },
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
    /// Which way an appointment is not held: cancelled by the client, by
    /// the therapist, or the client did not attend.
    Cancel {
        client: ClientId,
        appointment: AppointmentId,
        start: NaiveDateTime,
        /// "Cancel Maria's appointment on Mon 23 Nov at 10:00?"
        question: String,
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
    /// The snapshots that hold `client`'s record (newest first), one to
    /// restore it from.
    Snapshots {
        client: ClientId,
        snapshots: Vec<String>,
        selected: usize,
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
    /// Typing a question about the client to bring to supervision.
    Bring {
        client: ClientId,
        input: Box<TextInput>,
    },
    /// Resolving watch-for item `id` (`text`): why, if said.
    ResolveWatch {
        client: ClientId,
        id: String,
        text: String,
        input: Box<TextInput>,
    },
    /// A conflict from two devices to settle (see `screens::conflict`).
    Conflict(ConflictBox),
    /// "Discard what you typed?", asked by Esc on any form or box with typed
    /// text: `keep` is the box to go back to (None: the form on screen).
    Discard {
        keep: Option<Box<Popup>>,
    },
}

impl Popup {
    /// The box asking a few words on how task `task` (`text`) went, as it
    /// is marked `status`.
    pub fn outcome(client: &ClientId, task: &TaskId, text: &str, status: TaskStatus) -> Popup {
        Popup::Outcome {
            client: client.clone(),
            task: task.clone(),
            task_text: text.to_string(),
            status,
            input: Box::new(TextInput::one_line("")),
        }
    }
}

/// The conflict box's state: `client`'s conflict number `index` (from 0),
/// as it was when the box showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictBox {
    pub client: ClientId,
    pub index: usize,
    pub conflict: Box<crate::domain::Conflict>,
}
