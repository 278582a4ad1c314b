//! Everything that can happen to the app, and everything it asks the outside
//! world to do.

use chrono::NaiveDateTime;
use ratatui::crossterm::event::KeyEvent;

use crate::domain::measures::{CustomScale, MeasureKind, Score};
use crate::domain::profile::ProfileChange;
use crate::domain::{
    AppointmentId, ClientId, ClientProfile, ClientRecord, Conflict, NewSession, NotHeld, SessionId, TaskId, TaskStatus,
};
use crate::store::search::Found;
use crate::tui::draft::NoteDraft;

/// An event, after the keymap has read it. `update` turns each into state
/// changes and [`Effect`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The app has drawn nothing yet: what it opened without is asked for.
    Opened,
    /// The clock moved on (the loop sends this a few times a second).
    Tick(NaiveDateTime),
    /// A key with no binding on this screen: typed into the focused field.
    Input(KeyEvent),
    /// Text pasted into the terminal.
    Paste(String),
    /// The terminal is now this many columns and rows.
    Resized(u16, u16),
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Scroll the reading pane up a page.
    PageUp,
    /// Scroll the reading pane down a page.
    PageDown,
    /// Open what is selected.
    Open,
    /// Go back, or close the popup.
    Back,
    /// Switch between Today and the client list.
    SwitchTab,
    /// Start filtering the client list by name.
    Filter,
    /// Search the text of every note.
    Search,
    /// Start a session note for the selected client.
    NewNote,
    /// Add a client.
    AddClient,
    /// Edit the selected client's details.
    EditClient,
    /// Open the review of the selected client (or agenda row).
    Review,
    /// Book an appointment for the selected client.
    Schedule,
    /// Move the selected appointment.
    MoveAppointment,
    /// Cancel the selected appointment (asks who called it off first).
    CancelAppointment,
    /// Cancel the appointment asked about, saying why it is not held.
    CancelAs(NotHeld),
    /// Set the selected resolved watch-for item back.
    ReopenItem,
    /// Show the selected client's open tasks.
    Tasks,
    /// Mark the selected task done (asks for an outcome).
    TaskDone,
    /// Note that the selected task was not done, and keep it open.
    TaskNotDone,
    /// Drop the selected task (asks for an outcome).
    TaskDrop,
    /// Set a new task for the client whose open tasks are shown.
    AddTask,
    /// Open the selected client's profile.
    Profile,
    /// Add an item to the profile part shown.
    AddItem,
    /// Flip the selected profile item: ask about it, client agreed, replied.
    Toggle,
    /// Go to the messages awaiting a reply (Today).
    Messages,
    /// Mark the selected message replied (Today's awaiting-reply list).
    Replied,
    /// Change the words of the selected personal detail, goal or watch-for item.
    EditItem,
    /// Remove the selected personal detail, watch-for item or message (asks first).
    RemoveItem,
    /// Mark the selected goal achieved.
    GoalAchieved,
    /// Mark the selected goal dropped.
    GoalDropped,
    /// Edit the highlighted note, if it is not final.
    EditNote,
    /// Finalise the highlighted note (asks first).
    Finalise,
    /// Add a dated correction beneath the highlighted note.
    Addendum,
    /// Type measure scores for the client's session today.
    AddScores,
    /// Show the client's measures as a chart.
    Chart,
    /// Keep a question about the client for the next supervision.
    BringToSupervision,
    /// The Practice screen: client hours, supervision, CPD.
    Practice,
    /// Count the screen's figures again.
    Reload,
    /// The Practice screen's figures (see [`Effect::CountPractice`]), or why
    /// they could not be counted.
    PracticeCounted(Result<Box<crate::practice::supervision::Overview>, String>),
    /// Next field of a form (next part of the profile).
    NextField,
    /// Previous field of a form.
    PrevField,
    /// Save the form.
    Save,
    /// Edit the focused field in $EDITOR.
    ExternalEditor,
    /// Answer yes to the question asked.
    Yes,
    /// Answer no to the question asked.
    No,
    /// Throw away the kept draft offered.
    DiscardDraft,
    /// Show or hide every key.
    Help,
    /// Leave Rapport (keeps any unsaved note as a draft).
    Quit,
    /// Hide the screen at once behind a neutral panel.
    Blank,
    /// Show the screen again.
    Unblank,
    /// Export the selected client's record to a file.
    Export,
    /// Sync the practice with its remote now (a synced folder).
    Sync,
    /// Settle a conflict from two devices, shown in the review.
    SettleConflict,
    /// Keep the value in place (settling a conflict).
    KeepThis,
    /// Put the other value in place (settling a conflict).
    TakeOther,
    /// Show archived clients in the list too, or hide them again.
    ShowArchived,
    /// Restore the client's record from a snapshot (lists those holding it first).
    RestoreSnapshot,
    /// Mark the selected "Ask about" detail asked (the review).
    Asked,
    /// Flag the detail just marked asked to ask about again (undoes [`Action::Asked`]).
    AskAgain,
    /// The snapshots that hold `client`'s record, newest first (see
    /// [`Effect::ListSnapshots`]), or why they could not be listed.
    SnapshotsListed { client: ClientId, snapshots: Result<Vec<String>, String> },
    /// Restoring `client`'s record from `snapshot` was not done yet: the core
    /// asks these first (what it would take away).
    RestoreQuestions {
        client: ClientId,
        snapshot: String,
        answers: crate::practice::Answers,
        questions: Vec<crate::practice::Question>,
    },
    /// A client's record was read from disk (or why it could not be).
    ClientLoaded { client: ClientId, record: Result<Box<ClientRecord>, String> },
    /// The data folder as it is on disk now (see [`Effect::Refresh`]).
    Refreshed(Vec<crate::store::IndexEntry>),
    /// Every client, loaded behind the first frame (see [`Effect::LoadRoster`]), or why not.
    RosterLoaded(Result<Vec<crate::store::IndexEntry>, String>),
    /// The loading behind the first frame has read `done` of `total` client files.
    RosterLoading { done: usize, total: usize },
    /// A search finished: the query it was for, and what it found.
    SearchDone { query: String, result: Result<Found, String> },
    /// A client was added or changed on disk.
    ClientSaved(Box<ClientRecord>),
    /// A note was saved; `session` is its id.
    /// A note reached the disk; `kept` names what another window changed
    /// meanwhile that was kept with it.
    NoteSaved { record: Box<ClientRecord>, session: SessionId, kept: Vec<&'static str> },
    /// A change other than a note was saved.
    RecordSaved { record: Box<ClientRecord>, message: String },
    /// A sync finished (see [`Effect::Sync`]), or why it failed.
    Synced(Box<Result<SyncDone, String>>),
    /// Where the folder stands with its remote (see [`Effect::CheckSync`]).
    SyncChecked(Result<crate::sync::Status, String>),
    /// An export was written (its path), or why not.
    Exported(Result<String, String>),
    /// A draft could not be kept; the message says why.
    DraftFailed(String),
    /// A draft reached the disk.
    DraftSaved { client: ClientId },
    /// A kept note was claimed for this window (see [`Effect::ClaimDraft`]),
    /// or why not.
    DraftClaimed { client: ClientId, result: Result<(), String> },
    /// Reading or writing the data folder failed; the message says why.
    StoreFailed(String),
    /// A note could not be saved: the form stays open with its text, and
    /// the message stays on screen (a draft's failure does not cover it).
    NoteNotSaved(String),
    /// A new note was not saved: the core asks these first (found when it
    /// was saved; the form asks what it can know before).
    NoteQuestions {
        client: ClientId,
        note: Box<NewSession>,
        answers: crate::practice::Answers,
        questions: Vec<crate::practice::Question>,
    },
    /// The data folder did what was asked but has something to say (the
    /// audit log could not be written, a note was not sealed again).
    StoreWarned(String),
    /// $EDITOR closed; the text it saved, or why it failed.
    EditorClosed(Result<String, String>),
}

/// Work that touches the world outside the model, run by the app loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Take up the note window `from` kept for `client`, as window `to`'s,
    /// unless another open window has taken it up already.
    ClaimDraft {
        client: ClientId,
        from: String,
        to: String,
    },
    /// Look for client files changed by another window or a sync tool.
    Refresh,
    /// Read every client, behind the first frame (drawn from the clients
    /// Today shows, or from none on a first open). Keys wait for it, as
    /// for a change: every screen but Today needs them.
    LoadRoster,
    /// Read a client's whole record.
    LoadClient {
        client: ClientId,
    },
    /// Search every note for `query`.
    Search {
        query: String,
        /// How many hits to make snippets for (see `screens::search::page`).
        limit: usize,
    },
    /// Replace the text of a note not yet final.
    EditNote {
        client: ClientId,
        session: SessionId,
        note: NewSession,
        /// The note as the form found it: a note changed since (another
        /// window) is not written over.
        base: Option<String>,
    },
    Finalise {
        client: ClientId,
        session: SessionId,
    },
    AddAddendum {
        client: ClientId,
        session: SessionId,
        text: String,
    },
    /// Count the Practice screen's figures.
    CountPractice,
    /// Keep a question about the client for the next supervision.
    Bring {
        client: ClientId,
        text: String,
    },
    /// Record measures taken together.
    AddMeasures {
        client: ClientId,
        measures: Vec<(MeasureKind, Vec<Score>)>,
        at: NaiveDateTime,
        session: Option<SessionId>,
        /// The custom scales they may use (the settings').
        scales: Vec<CustomScale>,
    },
    SaveNote {
        client: ClientId,
        note: Box<NewSession>,
        /// The questions about it the therapist has said yes to.
        answers: crate::practice::Answers,
    },
    AddClient {
        profile: ClientProfile,
    },
    /// Change a client's details, if they are still `base` on disk.
    EditClient {
        client: ClientId,
        base: ClientProfile,
        profile: ClientProfile,
    },
    SetTask {
        client: ClientId,
        task: TaskId,
        status: TaskStatus,
        outcome: Option<String>,
    },
    /// Set a new open task, outside a note.
    AddTask {
        client: ClientId,
        text: String,
    },
    Schedule {
        client: ClientId,
        start: NaiveDateTime,
        minutes: u32,
        weekly: u32,
        /// Move this appointment there instead of booking a new one.
        replaces: Option<AppointmentId>,
    },
    CancelAppointment {
        client: ClientId,
        appointment: AppointmentId,
        /// Its start, for the message.
        start: NaiveDateTime,
        how: NotHeld,
    },
    ChangeProfile {
        client: ClientId,
        change: ProfileChange,
    },
    SaveDraft {
        client: ClientId,
        draft: NoteDraft,
    },
    /// Remove client `client`'s kept draft: only if one of `windows` kept
    /// it (this window, or the stopped one whose draft it restored), so a
    /// note saved here never takes another window's unsaved note with it;
    /// any draft when `windows` is empty (a kept draft discarded on purpose).
    DeleteDraft {
        client: ClientId,
        windows: Vec<String>,
    },
    /// Write client `client`'s record as Markdown into the data folder's exports.
    Export {
        client: ClientId,
    },
    /// Edit `text` in $EDITOR.
    OpenEditor {
        text: String,
    },
    /// Commit, fetch, merge and push (a synced folder).
    Sync,
    /// Ask where the folder stands with its remote, without the network.
    CheckSync,
    /// List the snapshots that hold `client`'s record.
    ListSnapshots {
        client: ClientId,
    },
    /// Restore `client`'s record from `snapshot`, once the questions about it
    /// are answered (`answers`).
    Restore {
        client: ClientId,
        snapshot: String,
        answers: crate::practice::Answers,
    },
    /// Mark `client`'s personal detail `detail` asked about (or, `asked`
    /// false, to ask about again).
    Asked {
        client: ClientId,
        detail: crate::domain::DetailId,
        asked: bool,
    },
    /// Settle `conflict` of `client`'s: keep the value in place, or put the
    /// other value there.
    SettleConflict {
        client: ClientId,
        conflict: Box<Conflict>,
        take_other: bool,
    },
}

impl Effect {
    /// A change to the record (the loop reads no more keys until it is
    /// done); reads, drafts and exports are not.
    pub fn is_change(&self) -> bool {
        !matches!(
            self,
            Effect::Refresh
                | Effect::LoadClient { .. }
                | Effect::ListSnapshots { .. }
                | Effect::CountPractice
                | Effect::Search { .. }
                | Effect::SaveDraft { .. }
                | Effect::ClaimDraft { .. }
                | Effect::DeleteDraft { .. }
                | Effect::Export { .. }
                | Effect::OpenEditor { .. }
                | Effect::CheckSync
                // Minutes over a slow network: keys go on meanwhile, and a
                // change made meanwhile is saved after it, to the merged file.
                | Effect::Sync
        )
    }
}

impl crate::sanitize::MakeVisible for Action {
    /// Makes the record text an action carries visible, where it enters the app.
    fn make_visible(&mut self) {
        match self {
            Action::ClientLoaded { record: Ok(r), .. }
            | Action::ClientSaved(r)
            | Action::NoteSaved { record: r, .. } => r.make_visible(),
            Action::RecordSaved { record, message } => {
                record.make_visible();
                message.make_visible();
            }
            Action::Refreshed(entries) | Action::RosterLoaded(Ok(entries)) => entries.make_visible(),
            Action::Synced(done) => match &mut **done {
                Ok(done) => {
                    done.entries.make_visible();
                    done.said.make_visible();
                }
                Err(e) => e.make_visible(),
            },
            Action::SearchDone { result: Ok(found), .. } => found.hits.make_visible(),
            Action::ClientLoaded { record: Err(e), .. }
            | Action::SearchDone { result: Err(e), .. }
            | Action::Exported(Ok(e) | Err(e))
            | Action::DraftFailed(e)
            | Action::StoreFailed(e)
            | Action::RosterLoaded(Err(e))
            | Action::NoteNotSaved(e)
            | Action::StoreWarned(e)
            | Action::SnapshotsListed { snapshots: Err(e), .. }
            | Action::EditorClosed(Err(e)) => e.make_visible(),
            Action::SnapshotsListed { snapshots: Ok(names), .. } => names.make_visible(),
            Action::PracticeCounted(Err(e)) => e.make_visible(),
            Action::PracticeCounted(Ok(o)) => {
                for (name, id, text) in &mut o.questions {
                    name.make_visible();
                    id.make_visible();
                    text.make_visible();
                }
                o.warnings.make_visible();
            }

            _ => {}
        }
    }
}

/// What a finished sync brings back to the app.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncDone {
    /// For the status line: what came in and went out, and what to settle.
    pub said: String,
    /// Where the folder stands afterwards.
    pub status: crate::sync::Status,
    /// The data folder as it is after the merge.
    pub entries: Vec<crate::store::IndexEntry>,
}
