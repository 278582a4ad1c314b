//! One calendar event brought into a client's record: booked, or, when an
//! appointment already stands for it (its UID remembered, or booked at its
//! time), that appointment moved, cancelled or linked to it. Nothing is
//! ever booked twice.

use chrono::NaiveDateTime;

use super::CalendarEvent;
use crate::domain::time::format_datetime;
use crate::domain::{Appointment, ClientRecord, NotHeld};

/// What an event did to the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A new appointment; the booked ones of this client it overlaps.
    Booked { overlaps: Vec<Appointment> },
    /// The appointment booked from it moved (or its length changed).
    Moved { from: NaiveDateTime, minutes_from: u32, overlaps: Vec<Appointment> },
    /// The appointment booked from it cancelled (by the client, as the
    /// calendar does not say by whom).
    Cancelled,
    /// An appointment booked here at its time stands for it from now on
    /// (its length taken from the event when it differed).
    Linked { minutes_from: Option<u32> },
    /// Nothing to change, and why.
    Unchanged(Unchanged),
    /// The record refused the change, in words.
    Refused(String),
}

/// Why an event changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchanged {
    /// Its appointment is as the event says.
    AsBooked,
    /// Its appointment is cancelled, as the event is.
    AlreadyCancelled,
    /// Its appointment was cancelled here: that stands.
    CancelledHere,
    /// Its appointment has its note: it was held, and stays as it was.
    Held,
    /// Cancelled in the calendar and never booked: nothing to book.
    CancelledInCalendar,
    /// Another event's appointment stands at its time.
    TimeTaken,
    /// Moved in Rapport since it was imported, and the event has not moved:
    /// it stays where it was moved to.
    MovedHere,
}

impl Taken {
    /// Whether it changes the record.
    pub fn changes(&self) -> bool {
        matches!(self, Taken::Booked { .. } | Taken::Moved { .. } | Taken::Cancelled | Taken::Linked { .. })
    }

    /// In words, after the event's time: "booked", "moved from Mon 30 Nov
    /// 10:00", "already booked; remembered as this event".
    pub fn words(&self) -> String {
        match self {
            Taken::Booked { .. } => "book".into(),
            Taken::Moved { from, minutes_from, .. } => {
                format!("move from {} ({minutes_from} min)", format_datetime(*from))
            }
            Taken::Cancelled => "cancel (by the client)".into(),
            Taken::Linked { minutes_from: None } => "already booked: remember it as this event".into(),
            Taken::Linked { minutes_from: Some(m) } => {
                format!("already booked ({m} min): take the event's length, remember it as this event")
            }
            Taken::Unchanged(u) => match u {
                Unchanged::AsBooked => "already booked as it is".into(),
                Unchanged::AlreadyCancelled => "already cancelled".into(),
                Unchanged::CancelledHere => "cancelled in Rapport: left cancelled".into(),
                Unchanged::Held => "held (its note is written): left as it was".into(),
                Unchanged::CancelledInCalendar => "cancelled in the calendar: not booked".into(),
                Unchanged::TimeTaken => "another calendar event's appointment is at that time: not booked".into(),
                Unchanged::MovedHere => "moved in Rapport since it was imported: left where you moved it".into(),
            },
            Taken::Refused(why) => format!("not booked: {why}"),
        }
    }

    /// The appointments of this client it overlaps.
    pub fn overlaps(&self) -> &[Appointment] {
        match self {
            Taken::Booked { overlaps } | Taken::Moved { overlaps, .. } => overlaps,
            _ => &[],
        }
    }
}

impl ClientRecord {
    /// Remembers on appointment `id` the calendar event it stands for and
    /// where that event was as imported.
    fn remember_source(&mut self, id: &crate::domain::AppointmentId, uid: Option<String>, start: NaiveDateTime) {
        if let Some(a) = self.appointments.iter_mut().find(|a| a.id == *id) {
            a.source_start = uid.is_some().then_some(start);
            a.source_uid = uid;
        }
    }

    /// Brings `event` into the record at `now`. The appointment booked from
    /// it before (by its UID) is moved or cancelled as the event now says,
    /// unless it was held or cancelled here; else an appointment booked at
    /// its time stands for it; else it is booked, remembering its UID.
    pub fn take_event(&mut self, event: &CalendarEvent, now: NaiveDateTime) -> Taken {
        let CalendarEvent { uid, title: _, start, minutes, cancelled } = event;
        let (start, minutes, cancelled) = (*start, *minutes, *cancelled);
        let known = uid.as_ref().and_then(|u| self.appointments.iter().find(|a| a.source_uid.as_ref() == Some(u)));
        if let Some(a) = known.cloned() {
            let refused = |e: crate::domain::RecordError| Taken::Refused(e.to_string());
            return match () {
                _ if a.note.is_some() => Taken::Unchanged(Unchanged::Held),
                _ if a.is_cancelled() && cancelled => Taken::Unchanged(Unchanged::AlreadyCancelled),
                _ if a.is_cancelled() => Taken::Unchanged(Unchanged::CancelledHere),
                _ if cancelled => match self.cancel_appointment(&a.id, NotHeld::CancelledByClient, now) {
                    Ok(_) => Taken::Cancelled,
                    Err(e) => refused(e),
                },
                _ if a.start == start && a.minutes == minutes => Taken::Unchanged(Unchanged::AsBooked),
                // The event is where it was last imported: moved here since,
                // the appointment stays where it was moved to.
                _ if a.source_start == Some(start) => Taken::Unchanged(Unchanged::MovedHere),
                _ => match self.move_appointment(&a.id, start, minutes) {
                    Ok(overlaps) => {
                        self.remember_source(&a.id, uid.clone(), start);
                        Taken::Moved { from: a.start, minutes_from: a.minutes, overlaps }
                    }
                    Err(e) => refused(e),
                },
            };
        }
        if cancelled {
            return Taken::Unchanged(Unchanged::CancelledInCalendar);
        }
        if let Some(i) = self.appointments.iter().position(|a| a.start == start && !a.is_cancelled()) {
            let a = &self.appointments[i];
            return match (&a.source_uid, uid) {
                (Some(_), _) => Taken::Unchanged(Unchanged::TimeTaken),
                (None, None) => Taken::Unchanged(Unchanged::AsBooked),
                // Held already: linked, and left as it was.
                (None, Some(u)) if a.note.is_some() => {
                    self.appointments[i].source_uid = Some(u.clone());
                    self.appointments[i].source_start = Some(start);
                    Taken::Linked { minutes_from: None }
                }
                (None, Some(u)) => {
                    let minutes_from = (a.minutes != minutes).then_some(a.minutes);
                    let id = a.id.clone();
                    if minutes_from.is_some()
                        && let Err(e) = self.move_appointment(&id, start, minutes)
                    {
                        return Taken::Refused(e.to_string());
                    }
                    self.remember_source(&id, Some(u.clone()), start);
                    Taken::Linked { minutes_from }
                }
            };
        }
        match self.schedule(start, minutes, 0) {
            Ok(overlaps) => {
                if let Some(a) = self.appointments.iter_mut().find(|a| a.start == start && !a.is_cancelled()) {
                    a.source_start = uid.is_some().then_some(start);
                    a.source_uid = uid.clone();
                }
                Taken::Booked { overlaps }
            }
            Err(e) => Taken::Refused(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn record() -> ClientRecord {
        serde_json::from_value(serde_json::json!({
            "schema_version": crate::domain::SCHEMA_VERSION,
            "client": { "id": "maria-lopez", "name": "Maria Lopez", "created": "2026-09-01" }
        }))
        .unwrap()
    }

    fn event(uid: Option<&str>, start: &str, minutes: u32, cancelled: bool) -> CalendarEvent {
        CalendarEvent { uid: uid.map(str::to_string), title: "Maria".into(), start: dt(start), minutes, cancelled }
    }

    const NOW: &str = "2026-11-26 09:35";

    #[test]
    fn an_event_taken_twice_books_once_then_moves_then_cancels() {
        let mut r = record();
        let e = event(Some("x1@other"), "2026-11-30 10:00", 50, false);
        assert!(matches!(r.take_event(&e, dt(NOW)), Taken::Booked { .. }));
        assert_eq!(r.take_event(&e, dt(NOW)), Taken::Unchanged(Unchanged::AsBooked));
        let moved = event(Some("x1@other"), "2026-11-30 11:00", 60, false);
        assert_eq!(
            r.take_event(&moved, dt(NOW)),
            Taken::Moved { from: dt("2026-11-30 10:00"), minutes_from: 50, overlaps: vec![] }
        );
        let off = event(Some("x1@other"), "2026-11-30 11:00", 60, true);
        assert_eq!(r.take_event(&off, dt(NOW)), Taken::Cancelled);
        assert_eq!(r.take_event(&off, dt(NOW)), Taken::Unchanged(Unchanged::AlreadyCancelled));
        assert_eq!(r.appointments.len(), 1);
        let a = &r.appointments[0];
        assert_eq!((a.start, a.minutes, a.not_held), (dt("2026-11-30 11:00"), 60, Some(NotHeld::CancelledByClient)));
        assert_eq!(a.source_uid.as_deref(), Some("x1@other"));
    }

    #[test]
    fn an_appointment_booked_here_at_the_events_time_stands_for_it() {
        let mut r = record();
        r.schedule(dt("2026-11-30 10:00"), 50, 0).unwrap();
        let no_uid = event(None, "2026-11-30 10:00", 50, false);
        assert_eq!(r.take_event(&no_uid, dt(NOW)), Taken::Unchanged(Unchanged::AsBooked));
        let e = event(Some("x1@other"), "2026-11-30 10:00", 60, false);
        assert_eq!(r.take_event(&e, dt(NOW)), Taken::Linked { minutes_from: Some(50) });
        assert_eq!((r.appointments.len(), r.appointments[0].minutes), (1, 60));
        let other = event(Some("x2@other"), "2026-11-30 10:00", 60, false);
        assert_eq!(r.take_event(&other, dt(NOW)), Taken::Unchanged(Unchanged::TimeTaken));
    }

    #[test]
    fn what_was_held_or_cancelled_here_stays_so() {
        let mut r = record();
        let e = event(Some("x1@other"), "2026-11-30 10:00", 50, false);
        r.take_event(&e, dt(NOW));
        let id = r.appointments[0].id.clone();
        r.cancel_appointment(&id, NotHeld::CancelledByTherapist, dt(NOW)).unwrap();
        assert_eq!(r.take_event(&e, dt(NOW)), Taken::Unchanged(Unchanged::CancelledHere));
        assert_eq!(r.appointments.len(), 1, "not booked again beside the cancelled one");
        let never = event(Some("x9@other"), "2026-12-07 10:00", 50, true);
        assert_eq!(r.take_event(&never, dt(NOW)), Taken::Unchanged(Unchanged::CancelledInCalendar));
        assert_eq!(r.appointments.len(), 1);
    }
}
