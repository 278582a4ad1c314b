//! Booking an appointment (or a weekly run of them), or moving one, and
//! what to warn about: a time already past, and an overlap with this
//! client's or another client's appointment.

use chrono::{Duration, NaiveDateTime};

use crate::domain::time::format_datetime;
use crate::domain::{Appointment, AppointmentId, ClientRecord};
use crate::store::{Store, StoreError};

/// What to book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub start: NaiveDateTime,
    pub minutes: u32,
    /// How many more, a week apart (0: just the one).
    pub weekly: u32,
    /// The appointment this one moves, if it is a move.
    pub replaces: Option<AppointmentId>,
}

/// Booked (or moved), with what to warn about.
#[derive(Debug)]
pub struct Booked {
    pub record: ClientRecord,
    /// The appointments booked or moved.
    pub booked: Vec<Appointment>,
    pub warnings: Vec<String>,
}

impl Booked {
    /// Each appointment booked, as the therapist checks them: "Tue 8 Dec
    /// 10:00, Tue 15 Dec 10:00".
    pub fn times(&self) -> String {
        self.booked
            .iter()
            .map(|a| crate::domain::time::format_day(a.start.date()) + &a.start.format(" %H:%M").to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Books `booking` for `client`. The therapist is warned of a time already
/// past and of every overlap, with this client's appointments or another
/// client's (they cannot see two people at once), for each appointment of a
/// weekly run; the booking stands either way.
pub fn book(
    store: &Store,
    client: &crate::domain::ClientId,
    booking: &Booking,
    now: NaiveDateTime,
) -> Result<Booked, StoreError> {
    let Booking { start, minutes, weekly, replaces } = booking;
    let (overlaps, record) = store.update(client, now, "appointment booked", |r| match replaces {
        Some(id) => r.move_appointment(id, *start, *minutes),
        None => r.schedule(*start, *minutes, *weekly),
    })?;
    let weeks = if replaces.is_some() { 0 } else { *weekly };
    let starts: Vec<NaiveDateTime> =
        (0..=weeks).filter_map(|w| start.checked_add_signed(Duration::weeks(w.into()))).collect();
    let booked: Vec<Appointment> = record.booked().filter(|a| starts.contains(&a.start)).cloned().collect();
    let mut warnings = Vec::new();
    if *start < now {
        warnings.push(format!("{} is in the past.", format_datetime(*start)));
    }
    let name = record.client.name.clone();
    for o in overlaps {
        warnings.push(format!("this overlaps {name}'s appointment at {}.", format_datetime(o.start)));
    }
    // A look-up that fails says so rather than hiding an overlap.
    match store.overlapping_others(&record.client.id, &booked) {
        Ok(others) => {
            for (other, o) in others {
                warnings.push(format!("this overlaps {other}'s appointment at {}.", format_datetime(o.start)));
            }
        }
        Err(e) => warnings.push(format!("Other clients' appointments could not be checked for overlaps ({e}).")),
    }
    Ok(Booked { record, booked, warnings })
}
