//! Appointments as iCalendar (RFC 5545): the feed `rapport calendar export`
//! writes for a phone or desktop calendar, and the events `rapport calendar
//! import` reads from another system's `.ics` file and books. Pure: the
//! machine's time zone is given (any [`chrono::TimeZone`]: `Local` in use,
//! a fixed offset in tests), and nothing here touches a file.
//!
//! Rapport keeps wall-clock times with no zone. The feed turns each into
//! UTC (`DTSTART:20261130T100000Z`) by the zone given: every calendar app
//! reads UTC the same, while a floating time is read in whatever zone the
//! app's device is in (and by some as UTC), and a `TZID` needs a
//! `VTIMEZONE` description beside it that icalendar does not write.

mod feed;
mod read;
mod take;

pub use feed::*;
pub use read::*;
pub use take::*;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

/// The instant a wall-clock time of `zone` stands for. In the hour a clock
/// goes back, the first of the two; in the hour skipped when it goes
/// forward, the time an hour on (what a clock read then would say).
pub fn instant<Tz: TimeZone>(zone: &Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&wall).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            let later = wall.checked_add_signed(Duration::hours(1)).unwrap_or(wall);
            match zone.from_local_datetime(&later).earliest() {
                Some(t) => t.with_timezone(&Utc),
                // No zone skips two hours; read it as UTC rather than fail.
                None => wall.and_utc(),
            }
        }
    }
}

/// The wall-clock time in `zone` of an instant.
pub fn wall_clock<Tz: TimeZone>(zone: &Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(zone).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    /// London, from chrono-tz's own database: not the machine's zone.
    fn london() -> chrono_tz::Tz {
        chrono_tz::Europe::London
    }

    #[test]
    fn wall_clock_times_become_instants_by_the_zone_and_back() {
        let summer = instant(&london(), dt("2026-07-01 10:00"));
        assert_eq!(summer, dt("2026-07-01 09:00").and_utc());
        assert_eq!(wall_clock(&london(), summer), dt("2026-07-01 10:00"));
        assert_eq!(instant(&london(), dt("2026-12-01 10:00")), dt("2026-12-01 10:00").and_utc());
    }

    #[test]
    fn the_hour_a_clock_skips_or_repeats_still_has_an_instant() {
        // 29 March 2026: 01:00 GMT becomes 02:00 BST; 01:30 never happens.
        assert_eq!(instant(&london(), dt("2026-03-29 01:30")), dt("2026-03-29 01:30").and_utc());
        // 25 October 2026: 01:30 happens twice; the first is BST.
        assert_eq!(instant(&london(), dt("2026-10-25 01:30")), dt("2026-10-25 00:30").and_utc());
    }
}
