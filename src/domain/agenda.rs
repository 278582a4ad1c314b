//! What Today and `rapport agenda` warn about beside an appointment, marked
//! `!!`: a double booking (another booked appointment sharing minutes with
//! it, whoever's), and the warning the client's latest measures raise. One
//! rule for both faces, so the app and the command line never disagree.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::Appointment;
use super::bounds::MINUTES;

/// One appointment among those a face shows, with what the warnings need
/// of its client.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub appointment: &'a Appointment,
    /// What the therapist calls the client ("Mari", else the full name).
    pub called: &'a str,
    /// The client's measures' warning, if any.
    pub flag: Option<&'a str>,
}

/// A warning beside an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Another booked appointment, starting at `start`, shares minutes with
    /// this one: two people cannot be seen at once.
    Overlaps { start: NaiveDateTime, who: String },
    /// The client's latest measures raise this (an SRS at or below 36, PHQ-9
    /// item 9, reliable deterioration).
    Measures(String),
}

/// What marks a warning, on Today, in the agenda and in the review.
pub const MARK: &str = "!!";

impl Warning {
    /// Its words beside an appointment on `day`: "overlaps 10:00 Lena"
    /// (with the date when the other is on another day).
    pub fn text(&self, day: NaiveDate) -> String {
        match self {
            Warning::Overlaps { start, who } if start.date() == day => {
                format!("overlaps {} {who}", start.format("%H:%M"))
            }
            Warning::Overlaps { start, who } => format!("overlaps {} {who}", start.format("%a %-d %b %H:%M")),
            Warning::Measures(flag) => flag.clone(),
        }
    }

    /// Its words marked: "!! overlaps 10:00 Lena".
    pub fn marked(&self, day: NaiveDate) -> String {
        format!("{MARK} {}", self.text(day))
    }

    /// Its words marked, in lines of at most `cols`: wrapped whole under
    /// the mark, cut (ending in `…`) only past [`WARNING_LINES`].
    pub fn lines(&self, day: NaiveDate, cols: usize) -> Vec<String> {
        let indent = " ".repeat(MARK.len() + 1);
        crate::fit::wrap(&self.text(day), cols.saturating_sub(indent.len()), WARNING_LINES)
            .into_iter()
            .enumerate()
            .map(|(i, part)| if i == 0 { format!("{MARK} {part}") } else { format!("{indent}{part}") })
            .collect()
    }
}

/// The most lines one warning takes; past them it is cut with `…`.
pub const WARNING_LINES: usize = 3;

/// The warnings beside each of `slots`, which are sorted by start: its
/// overlaps first, in time order, then the measures' warning. A cancelled
/// appointment overlaps nothing and is warned about nothing.
pub fn warnings(slots: &[Slot]) -> Vec<Vec<Warning>> {
    (0..slots.len()).map(|i| warnings_at(slots, i)).collect()
}

/// The warnings beside slot `i` of `slots` (see [`warnings`]): only its
/// neighbours are looked at, so a few rows cost the same among many.
pub fn warnings_at(slots: &[Slot], i: usize) -> Vec<Warning> {
    if slots[i].appointment.is_cancelled() {
        return Vec::new();
    }
    let mut found: Vec<Warning> = overlapping(slots, i)
        .map(|o| Warning::Overlaps { start: o.appointment.start, who: o.called.to_string() })
        .collect();
    found.extend(slots[i].flag.map(|f| Warning::Measures(f.to_string())));
    found
}

/// The slots (sorted by start) that share minutes with slot `i`, if it is
/// booked: only neighbours can, as no appointment is longer than a day.
fn overlapping<'s, 'a>(slots: &'s [Slot<'a>], i: usize) -> impl Iterator<Item = &'s Slot<'a>> {
    let a = slots[i].appointment;
    let longest = Duration::minutes((*MINUTES.end()).into());
    let before = slots[..i].iter().rev().take_while(move |b| a.start - b.appointment.start <= longest);
    let after = slots[i + 1..].iter().take_while(move |b| b.appointment.start < a.end());
    let mut found: Vec<&Slot> =
        before.chain(after).filter(|b| !b.appointment.is_cancelled() && a.overlaps(b.appointment)).collect();
    found.sort_by_key(|b| b.appointment.start);
    found.into_iter()
}

/// The first start from `start` on at which `minutes` share no minute
/// with any appointment of `booked` still to be held: the time a booking
/// proposes. It moves to the end of each one in the way (a few at most).
pub fn free_from<'a>(
    mut start: NaiveDateTime,
    minutes: u32,
    booked: impl Iterator<Item = &'a Appointment> + Clone,
) -> NaiveDateTime {
    for _ in 0..64 {
        let wanted = Appointment { start, minutes, ..Default::default() };
        let in_the_way = booked.clone().filter(|a| !a.is_cancelled() && a.note.is_none() && a.overlaps(&wanted));
        match in_the_way.map(Appointment::end).max() {
            Some(end) => start = end,
            None => return start,
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn at(start: &str, minutes: u32) -> Appointment {
        Appointment { start: dt(start), minutes, ..Default::default() }
    }

    #[test]
    fn a_booking_proposes_the_first_time_free_of_every_appointment() {
        let booked = [at("2026-11-26 09:00", 50), at("2026-11-26 09:50", 50), at("2026-11-26 12:00", 50)];
        assert_eq!(free_from(dt("2026-11-26 09:00"), 50, booked.iter()), dt("2026-11-26 10:40"));
        assert_eq!(free_from(dt("2026-11-26 11:00"), 50, booked.iter()), dt("2026-11-26 11:00"), "it fits before noon");
        assert_eq!(free_from(dt("2026-11-26 11:30"), 50, booked.iter()), dt("2026-11-26 12:50"));
    }

    #[test]
    fn a_double_booking_is_marked_on_both_rows_and_back_to_back_is_not() {
        let (lena, tom, ann) = (at("2026-11-26 10:00", 50), at("2026-11-26 10:30", 50), at("2026-11-26 11:20", 50));
        let mut cancelled = at("2026-11-26 10:40", 50);
        cancelled.cancelled = Some(dt("2026-11-20 09:00"));
        let slots = [
            Slot { appointment: &lena, called: "Lena", flag: None },
            Slot { appointment: &tom, called: "Tom Becker", flag: Some("alliance: last SRS 34") },
            Slot { appointment: &cancelled, called: "Ann", flag: None },
            Slot { appointment: &ann, called: "Ann", flag: None },
        ];
        let day = lena.start.date();
        let said: Vec<Vec<String>> =
            warnings(&slots).iter().map(|w| w.iter().map(|w| w.marked(day)).collect()).collect();
        assert_eq!(said[0], ["!! overlaps 10:30 Tom Becker"]);
        assert_eq!(said[1], ["!! overlaps 10:00 Lena", "!! alliance: last SRS 34"]);
        assert!(said[2].is_empty(), "a cancelled appointment overlaps nothing");
        assert!(said[3].is_empty(), "11:20 starts as 10:30 ends: back to back");
        assert_eq!(
            warnings(&slots)[1][1].lines(day, 16),
            ["!! alliance:", "   last SRS 34"],
            "wrapped whole under its mark"
        );
        let next_day = day.succ_opt().unwrap();
        assert_eq!(warnings(&slots)[0][0].marked(next_day), "!! overlaps Thu 26 Nov 10:30 Tom Becker");
    }
}
