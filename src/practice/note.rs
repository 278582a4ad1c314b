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
    let ask = |ask: Ask, why: String| Question { ask, text: format!("{dated}, {why}.") };
    // Each that applies is asked: a note for an appointment on another day
    // may be final at once too, and the therapist is told both.
    let mut asked = Vec::new();
    if at > now {
        asked.push(ask(Ask::DatedAhead, ahead(at, now)));
    }
    if let Some(a) = appointment.filter(|a| a.date() != at.date()) {
        let why = format!("but its appointment was {}", format_day_near(a.date(), now.date()));
        asked.push(ask(Ask::OtherDayThanAppointment, why));
    }
    if !editing && at <= now && policy.due_at(at, now) {
        let why = format!(
            "{}, so it would be final as soon as it is saved (corrected only by addenda)",
            ago(at.date(), now.date())
        );
        asked.push(ask(Ask::FinalOnSave, why));
    }
    asked
}

/// A note saved.
#[derive(Debug)]
pub struct SavedNote {
    pub session: SessionId,
    pub record: ClientRecord,
}

/// The note saved meanwhile for the appointment `note` names, if it has one.
fn saved_meanwhile(r: &ClientRecord, note: &NewSession) -> Option<SessionId> {
    let id = note.appointment.as_ref()?;
    r.appointments.iter().find(|a| a.id == *id)?.note.clone()
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
    let process = note.process.clone();
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
    // Written meanwhile for the same appointment, in another window: what
    // was typed here goes into that note, once the therapist agrees.
    if let Some(saved) = saved_meanwhile(&before, &note) {
        if before.session(&saved).is_some_and(|s| before.is_final(s, now, policy)) {
            return Err(StoreError::Record(RecordError::Invalid(format!(
                "the note for this appointment was saved and is final meanwhile (note {saved}, in another window), \
                 so nothing can be added to it; what you wrote here is still here: add it to that note as an \
                 addendum"
            ))));
        }
        let text = format!(
            "The note for this appointment was saved meanwhile, in another window (note {saved}); saving adds \
             what you wrote here to that note."
        );
        if !answers.agrees(Ask::AddToSavedNote) {
            return Ok(Outcome::Asks(vec![Question { ask: Ask::AddToSavedNote, text }]));
        }
        let ((), record) = store.update(client, now, "note added to", |r| {
            let saved = saved_meanwhile(r, &note).unwrap_or_else(|| saved.clone());
            r.add_to_session(&saved, note, now, policy)
        })?;
        keep_process_note(store, client, &saved, &process, now);
        return Ok(Outcome::Done(SavedNote { session: saved, record }));
    }
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
    keep_process_note(store, client, &session, &process, now);
    Ok(Outcome::Done(SavedNote { session, record }))
}

/// Writes the process note typed with note `session`, apart from the
/// record. The note is saved whatever becomes of it; one not kept is said.
pub fn keep_process_note(
    store: &Store,
    client: &crate::domain::ClientId,
    session: &SessionId,
    text: &str,
    now: NaiveDateTime,
) {
    if text.trim().is_empty() {
        return;
    }
    if let Err(e) = store.write_process_note(client, session, text, now) {
        store.notice(format!(
            "the note was saved, but its process note was not kept ({e}); `rapport process write` keeps it"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    #[test]
    fn a_note_for_another_days_appointment_that_would_be_final_at_once_is_asked_both() {
        let note = NewSession { at: Some(dt("2026-11-19 16:00")), ..Default::default() };
        let now = dt("2026-11-26 09:35");
        let asked = questions(&note, Some(dt("2026-11-26 08:00")), "Mari", false, FinalisePolicy::default(), now);
        let asks: Vec<Ask> = asked.iter().map(|q| q.ask).collect();
        assert_eq!(asks, vec![Ask::OtherDayThanAppointment, Ask::FinalOnSave]);
        assert!(asked[1].text.contains("so it would be final as soon as it is saved"), "{:?}", asked[1]);
        // An edit keeps its date's period; one dated ahead is asked about that only.
        assert_eq!(questions(&note, None, "Mari", true, FinalisePolicy::default(), now), vec![]);
        let ahead = NewSession { at: Some(dt("2026-11-27 10:00")), ..Default::default() };
        let asks: Vec<Ask> =
            questions(&ahead, None, "Mari", false, FinalisePolicy::default(), now).iter().map(|q| q.ask).collect();
        assert_eq!(asks, vec![Ask::DatedAhead]);
    }
}
