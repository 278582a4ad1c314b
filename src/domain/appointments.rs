//! Booked appointments: booking, moving and cancelling them, where each
//! stands, and the note written for it. A note is linked to its
//! appointment by id (the appointment holds the note's id), never matched by
//! dates, so no note, whatever its date, can hide an appointment.

use chrono::{Duration, NaiveDateTime};

use super::edit::next_id;
use super::*;

/// How long after an appointment ends its note counts as due: a note
/// started in that time is for it.
pub const NOTE_DUE_HOURS: i64 = 24;

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentState {
    /// It has not started.
    Upcoming,
    /// It is under way and has no note yet.
    Now,
    /// It has ended and no note is linked to it.
    NoteDue,
    /// Its note is written.
    Noted,
    /// Not held, and why.
    Cancelled(NotHeld),
}

impl AppointmentState {
    pub fn label(self) -> &'static str {
        match self {
            AppointmentState::Upcoming => "upcoming",
            AppointmentState::Now => "now",
            AppointmentState::NoteDue => "note due",
            AppointmentState::Noted => "noted",
            AppointmentState::Cancelled(how) => how.label(),
        }
    }

    /// What happened, once it is settled: "held" (its note is written),
    /// "cancelled by client", "cancelled by you" or "did not attend".
    pub fn what_happened(self) -> Option<&'static str> {
        match self {
            AppointmentState::Noted => Some("held"),
            AppointmentState::Cancelled(how) => Some(how.label()),
            _ => None,
        }
    }
}

impl Appointment {
    pub fn end(&self) -> NaiveDateTime {
        // Starts and lengths are bounded (see `bounds`), so this cannot overflow;
        // saturate anyway rather than panic.
        self.start.checked_add_signed(Duration::minutes(self.minutes.into())).unwrap_or(self.start)
    }

    /// The two share some minutes (one ending as the other starts do not).
    pub fn overlaps(&self, other: &Appointment) -> bool {
        self.start < other.end() && other.start < self.end()
    }

    /// Still to be held: neither cancelled nor noted (a reminder of what
    /// to bring up belongs to it only).
    pub fn still_to_hold(&self) -> bool {
        !self.is_cancelled() && self.note.is_none()
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.is_some()
    }

    /// Why it was not held, when it was cancelled (by the client, when the
    /// record does not say: as every cancel was before format 5).
    pub fn not_held(&self) -> Option<NotHeld> {
        self.cancelled.map(|_| self.not_held.unwrap_or_default())
    }

    /// Where it stands at `now`.
    pub fn state(&self, now: NaiveDateTime) -> AppointmentState {
        match self.not_held() {
            Some(how) => AppointmentState::Cancelled(how),
            None => self.state_if_booked(now),
        }
    }

    fn state_if_booked(&self, now: NaiveDateTime) -> AppointmentState {
        match () {
            _ if self.note.is_some() => AppointmentState::Noted,
            _ if now >= self.end() => AppointmentState::NoteDue,
            _ if now >= self.start => AppointmentState::Now,
            _ => AppointmentState::Upcoming,
        }
    }

    /// Its note is due and recent: ended no more than [`NOTE_DUE_HOURS`] ago.
    pub fn note_due_recently(&self, now: NaiveDateTime) -> bool {
        self.state(now) == AppointmentState::NoteDue && now - self.end() <= Duration::hours(NOTE_DUE_HOURS)
    }
}

/// Of `appointments`, the one a note begun at `now` is for: the latest
/// booked one under way or ended in the last [`NOTE_DUE_HOURS`] that has no
/// note yet.
pub fn for_note(appointments: &[Appointment], now: NaiveDateTime) -> Option<&Appointment> {
    appointments
        .iter()
        .filter(|a| matches!(a.state(now), AppointmentState::Now | AppointmentState::NoteDue))
        .filter(|a| now - a.end() <= Duration::hours(NOTE_DUE_HOURS))
        .max_by_key(|a| a.start)
}

impl ClientRecord {
    /// The appointments still booked (not cancelled).
    pub fn booked(&self) -> impl Iterator<Item = &Appointment> {
        self.appointments.iter().filter(|a| !a.is_cancelled())
    }

    pub fn appointment(&self, id: &AppointmentId) -> Option<&Appointment> {
        self.appointments.iter().find(|a| a.id == *id)
    }

    /// Books `1 + weekly` appointments a week apart. Returns any booked
    /// appointments the new ones overlap, so the caller can warn.
    pub fn schedule(
        &mut self,
        start: NaiveDateTime,
        minutes: u32,
        weekly: u32,
    ) -> Result<Vec<Appointment>, RecordError> {
        bounds::check_number("the appointment length in minutes", minutes, &bounds::MINUTES)
            .map_err(RecordError::Invalid)?;
        bounds::check_number("the number of weekly repeats", weekly, &bounds::WEEKLY_REPEATS)
            .map_err(RecordError::Invalid)?;
        let mut overlaps = Vec::new();
        for week in 0..=weekly {
            let start = start
                .checked_add_signed(Duration::weeks(week.into()))
                .ok_or_else(|| RecordError::Invalid("that appointment is too far in the future".into()))?;
            // Booking again at a cancelled appointment's time books that one
            // again, so a cancel taken back leaves no trace of two.
            let again = self.appointments.iter().position(|a| a.start == start && a.is_cancelled());
            let id = match again {
                Some(i) => self.appointments[i].id.clone(),
                None => next_id::<AppointmentId>(self.appointments.iter().map(|a| a.id.as_str()), self.device.tag()),
            };
            // Booked here: no calendar event's link, even where a cancelled
            // one from a calendar is booked again (its UID would cancel it
            // again at the next import of that calendar).
            let appt = Appointment {
                id,
                start,
                minutes,
                note: None,
                cancelled: None,
                not_held: None,
                source_uid: None,
                source_start: None,
                moved_from: None,
            };
            overlaps.extend(self.clashes(&appt)?);
            match again {
                Some(i) => self.appointments[i] = appt,
                None => self.appointments.push(appt),
            }
        }
        self.appointments.sort_by_key(|a| a.start);
        Ok(overlaps)
    }

    /// The booked appointments `appt` overlaps; one at the same time is refused.
    fn clashes(&self, appt: &Appointment) -> Result<Vec<Appointment>, RecordError> {
        let others = || self.booked().filter(|a| a.id != appt.id);
        if others().any(|a| a.start == appt.start) {
            return Err(RecordError::Invalid(format!(
                "there is already an appointment at {}",
                time::format_datetime(appt.start)
            )));
        }
        Ok(others().filter(|a| a.overlaps(appt)).cloned().collect())
    }

    /// The booked appointment at `start`, or an error that says there is none.
    pub fn appointment_at(&self, start: NaiveDateTime) -> Result<&Appointment, RecordError> {
        self.booked().find(|a| a.start == start).ok_or_else(|| {
            let when = time::format_datetime(start);
            match self.appointments.iter().any(|a| a.start == start) {
                true => RecordError::Invalid(format!("the appointment at {when} is already cancelled")),
                false => RecordError::Invalid(format!("there is no appointment at {when}")),
            }
        })
    }

    /// Cancels an appointment, saying why it is not held. It stays in the
    /// record, marked so.
    pub fn cancel_appointment(
        &mut self,
        id: &AppointmentId,
        how: NotHeld,
        now: NaiveDateTime,
    ) -> Result<Appointment, RecordError> {
        let a = self
            .appointments
            .iter_mut()
            .find(|a| a.id == *id)
            .ok_or_else(|| edit::unknown("appointment", id.as_str()))?;
        if a.is_cancelled() {
            return Err(RecordError::Invalid("that appointment is already cancelled".into()));
        }
        if a.note.is_some() {
            return Err(RecordError::Invalid("that appointment has its note written; it was held".into()));
        }
        a.cancelled = Some(now);
        a.not_held = Some(how);
        Ok(a.clone())
    }

    /// Moves an appointment to another time (and length), keeping its id.
    /// Returns the booked appointments it now overlaps.
    pub fn move_appointment(
        &mut self,
        id: &AppointmentId,
        start: NaiveDateTime,
        minutes: u32,
    ) -> Result<Vec<Appointment>, RecordError> {
        bounds::check_number("the appointment length in minutes", minutes, &bounds::MINUTES)
            .map_err(RecordError::Invalid)?;
        let i = self
            .appointments
            .iter()
            .position(|a| a.id == *id)
            .ok_or_else(|| edit::unknown("appointment", id.as_str()))?;
        if self.appointments[i].is_cancelled() || self.appointments[i].note.is_some() {
            return Err(RecordError::Invalid("only a booked appointment without a note can be moved".into()));
        }
        let was = &self.appointments[i];
        // The first time it was booked for: moved twice, it was still
        // rescheduled from there.
        let moved_from = was.moved_from.or((was.start != start).then_some(was.start));
        let moved = Appointment { start, minutes, moved_from, ..was.clone() };
        let overlaps = self.clashes(&moved)?;
        self.appointments[i] = moved;
        self.appointments.sort_by_key(|a| a.start);
        Ok(overlaps)
    }

    /// The first booked appointment that has not yet ended at `now`.
    pub fn next_appointment(&self, now: NaiveDateTime) -> Option<&Appointment> {
        self.booked().filter(|a| a.end() > now).min_by_key(|a| a.start)
    }

    /// The appointment a note begun at `now` is for: the latest one under
    /// way or ended in the last [`NOTE_DUE_HOURS`] that has no note yet.
    pub fn appointment_for_note(&self, now: NaiveDateTime) -> Option<&Appointment> {
        for_note(&self.appointments, now)
    }

    /// Booked appointments that ended without a note, in the last `days`.
    pub fn notes_due(&self, now: NaiveDateTime, days: i64) -> impl Iterator<Item = &Appointment> {
        self.booked()
            .filter(move |a| a.state(now) == AppointmentState::NoteDue && now - a.end() <= Duration::days(days))
    }

    /// Links note `session` to appointment `id`, which must be booked and
    /// without a note.
    pub(super) fn link_note(&mut self, id: &AppointmentId, session: &SessionId) -> Result<NaiveDateTime, RecordError> {
        let a = self
            .appointments
            .iter_mut()
            .find(|a| a.id == *id)
            .ok_or_else(|| edit::unknown("appointment", id.as_str()))?;
        if a.is_cancelled() {
            return Err(RecordError::Invalid("that appointment was cancelled; write the note without it".into()));
        }
        if let Some(n) = &a.note {
            return Err(RecordError::Invalid(format!("that appointment already has its note ({n})")));
        }
        a.note = Some(session.clone());
        Ok(a.start)
    }

    /// Brings a record written before format 5 to it: a cancelled
    /// appointment says it was cancelled by the client, as every cancel was.
    pub fn upgrade_cancels(&mut self) {
        for a in self.appointments.iter_mut().filter(|a| a.cancelled.is_some() && a.not_held.is_none()) {
            a.not_held = Some(NotHeld::CancelledByClient);
        }
    }

    /// Brings a record written before format 3 to it: each appointment gets
    /// an id, and is linked to the note that named it by its time, or else
    /// to a note written the same day for no other appointment.
    pub fn upgrade_appointments(&mut self) {
        let mut used: Vec<AppointmentId> = Vec::new();
        self.appointments.sort_by_key(|a| a.start);
        for i in 0..self.appointments.len() {
            if self.appointments[i].id.as_str().is_empty() || used.contains(&self.appointments[i].id) {
                self.appointments[i].id =
                    next_id::<AppointmentId>(self.appointments.iter().map(|a| a.id.as_str()), None);
            }
            used.push(self.appointments[i].id.clone());
        }
        let linked =
            |r: &ClientRecord| -> Vec<SessionId> { r.appointments.iter().filter_map(|a| a.note.clone()).collect() };
        for s in self.sessions.clone() {
            if let Some(at) = s.appointment
                && !linked(self).contains(&s.id)
                && let Some(a) = self.appointments.iter_mut().find(|a| a.start == at && a.note.is_none())
            {
                a.note = Some(s.id.clone());
            }
        }
        for i in 0..self.appointments.len() {
            let taken = linked(self);
            let a = &self.appointments[i];
            if a.note.is_some() || a.is_cancelled() {
                continue;
            }
            let day = a.start.date();
            let note = self
                .sessions
                .iter()
                .filter(|s| s.at.date() == day && s.appointment.is_none() && !taken.contains(&s.id))
                .min_by_key(|s| (s.at - a.start).num_minutes().abs())
                .map(|s| s.id.clone());
            self.appointments[i].note = note;
        }
    }
}
