//! The use cases both faces call: one function per thing a therapist does.
//! Each takes typed input and `now`, and gives a typed outcome: what
//! changed, the warnings to show, and the questions to put to the
//! therapist before anything is saved. The CLI and the app only parse what
//! was typed, ask those questions (the app as a popup, the CLI on a
//! terminal, or refusing without `--yes`), and show the outcome, so the
//! two give the same answers.

pub mod booking;
pub mod calendar;
pub mod find;
pub mod hours;
pub mod note;
pub mod restore;
pub mod supervision;

/// What a change asks before it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// The note is dated ahead of now.
    DatedAhead,
    /// The note is dated on another day than the appointment it is for.
    OtherDayThanAppointment,
    /// The note is so old that it would be final as soon as it is saved.
    FinalOnSave,
    /// A snapshot put back over the current notes.
    Restore,
    /// The note's appointment got its note meanwhile (another window):
    /// add what was written to that note.
    AddToSavedNote,
    /// Appointments booked, moved or cancelled from a calendar file.
    ImportCalendar,
}

/// A question for the therapist, in words, without the keys that answer
/// it (each face adds its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub ask: Ask,
    pub text: String,
}

/// The questions the therapist has answered yes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    yes: Vec<Ask>,
    all: bool,
}

impl Answers {
    /// Nothing answered yet.
    pub fn none() -> Answers {
        Answers::default()
    }

    /// Yes to everything (`--yes`).
    pub fn all() -> Answers {
        Answers { yes: Vec::new(), all: true }
    }

    /// These answered yes as well.
    pub fn and(mut self, asks: impl IntoIterator<Item = Ask>) -> Answers {
        self.yes.extend(asks);
        self
    }

    pub fn agrees(&self, ask: Ask) -> bool {
        self.all || self.yes.contains(&ask)
    }

    /// The questions in `asked` not answered yet.
    pub fn open(&self, asked: Vec<Question>) -> Vec<Question> {
        asked.into_iter().filter(|q| !self.agrees(q.ask)).collect()
    }
}

/// A use case's result: done, or waiting for answers.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    /// Nothing was changed: these must be answered first.
    Asks(Vec<Question>),
}
