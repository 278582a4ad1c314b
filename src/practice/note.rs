//! Saving a note: which appointment it is for, what to ask before it is
//! saved, and the save itself.

use chrono::NaiveDateTime;

use super::{Answers, Ask, Outcome, Question};
use crate::domain::finalise::FinalisePolicy;
use crate::domain::time::{ago, ahead, format_day_near};
use crate::domain::{ClientRecord, NewSession, RecordError, SessionId};
use crate::store::{Store, StoreError};

/// The note with its appointment found: the one it names; else, when it is
/// dated, the booked one starting then without a note; else the one just
/// held (or under way) that has no note yet. An undated note takes that
/// appointment's time, and its length when none was typed.
pub fn for_appointment(r: &ClientRecord, note: NewSession, now: NaiveDateTime) -> NewSession {
    if note.appointment.is_some() {
        return note;
    }
    let appointment = match note.at {
        Some(at) => r.booked().find(|a| a.start == at && a.note.is_none()),
        None => r.appointment_for_note(now),
    };
    let Some(a) = appointment else { return note };
    let (at, minutes) = match note.at {
        None => (Some(a.start), note.minutes.or(Some(a.minutes))),
        Some(_) => (note.at, note.minutes),
    };
    NewSession { at, minutes, appointment: Some(a.id.clone()), ..note }
}

/// What to ask before saving a note whose date looks mistyped: dated ahead
/// of now, on another day than the appointment it is for (starting at
/// `appointment`), or so long ago that it would be final at once (a new
/// note only: an edit keeps its date's period). `who` names the client, so
/// a note typed for the wrong client is caught too.
pub fn questions(
    note: &NewSession,
    appointment: Option<NaiveDateTime>,
    who: &str,
    editing: bool,
    policy: FinalisePolicy,
    now: NaiveDateTime,
) -> Vec<Question> {
    let Some(at) = note.at else { return Vec::new() };
    let dated =
        format!("This note for {who} is dated {} {}", format_day_near(at.date(), now.date()), at.format("%H:%M"));
    let ask = |ask: Ask, why: String| vec![Question { ask, text: format!("{dated}, {why}.") }];
    match appointment {
        _ if at > now => ask(Ask::DatedAhead, ahead(at, now)),
        Some(a) if a.date() != at.date() => ask(
            Ask::OtherDayThanAppointment,
            format!("but its appointment was {}", format_day_near(a.date(), now.date())),
        ),
        _ if !editing && policy.due_at(at, now) => ask(
            Ask::FinalOnSave,
            format!(
                "{}, so it would be final as soon as it is saved (corrected only by addenda)",
                ago(at.date(), now.date())
            ),
        ),
        _ => Vec::new(),
    }
}

/// A note saved.
#[derive(Debug)]
pub struct SavedNote {
    pub session: SessionId,
    pub record: ClientRecord,
}

/// Saves a new note for `client`: for its appointment (see
/// [`for_appointment`]), once every question about it is answered yes.
/// An empty note is refused.
pub fn save(
    store: &Store,
    client: &crate::domain::ClientId,
    note: NewSession,
    answers: &Answers,
    now: NaiveDateTime,
) -> Result<Outcome<SavedNote>, StoreError> {
    if note.is_empty() {
        return Err(StoreError::Record(RecordError::EmptyNote));
    }
    let policy = store.settings().policy();
    // Asked of the record as it is; asked again under the lock, where a
    // question that only now arises (another window booked meanwhile)
    // refuses the save rather than pass unasked.
    let ask = |r: &ClientRecord, note: &NewSession| {
        let start =
            note.appointment.as_ref().and_then(|id| r.appointments.iter().find(|a| a.id == *id)).map(|a| a.start);
        answers.open(questions(note, start, &r.display_name(), false, policy, now))
    };
    let before = store.load(client)?;
    let open = ask(&before, &for_appointment(&before, note.clone(), now));
    if !open.is_empty() {
        return Ok(Outcome::Asks(open));
    }
    let (session, record) = store.update(client, now, "note added", |r| {
        let note = for_appointment(r, note, now);
        if let Some(q) = ask(r, &note).into_iter().next() {
            return Err(RecordError::Invalid(q.text));
        }
        let session = r.add_session(note, now)?;
        // Past its editing period, it is final as soon as it is saved, as
        // the question said (sealed and witnessed with this save).
        if r.session(&session).is_some_and(|s| policy.due(s, now)) {
            r.finalise(Some(&session), now)?;
        }
        Ok(session)
    })?;
    Ok(Outcome::Done(SavedNote { session, record }))
}
