//! The feed: appointments as an iCalendar file a calendar app subscribes
//! to or imports. It names no client unless asked, and never holds a note,
//! a contact detail or anything else of the record.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use icalendar::{Calendar, Class, Component, Event, EventLike, EventStatus};

use super::instant;
use crate::domain::Appointment;

/// Days before today the feed also holds, so a calendar that replaces its
/// copy with each new feed still shows the month just past.
pub const PAST_DAYS: u32 = 31;

/// The first line of what identifies Rapport as the feed's writer (a feed
/// is only ever written over a file that holds it: see `Store::write_feed`).
pub const PRODID: &str = "-//Rapport//Rapport calendar feed//EN";

/// Whether `bytes` are a feed Rapport wrote: a calendar whose PRODID,
/// among its first lines, is Rapport's.
pub fn is_feed(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let prodid = format!("PRODID:{PRODID}");
    head.starts_with("BEGIN:VCALENDAR\r\n") && head.lines().take(8).any(|l| l.trim_end() == prodid)
}

/// The days a feed holds: from `from`, up to but not including `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// The last [`PAST_DAYS`] days, today, and the `days` after today less one.
    pub fn around(today: NaiveDate, days: u32) -> Window {
        let from = today.checked_sub_signed(Duration::days(PAST_DAYS.into())).unwrap_or(today);
        let to = today.checked_add_signed(Duration::days(days.into())).unwrap_or(today);
        Window { from, to }
    }

    pub fn holds(&self, at: NaiveDateTime) -> bool {
        at.date() >= self.from && at.date() < self.to
    }
}

/// One appointment of the feed, and what stands for its client.
#[derive(Debug, Clone)]
pub struct FeedEntry<'a> {
    /// The client's code (`Store::client_code`): in the UID always, and the
    /// title unless a name is given.
    pub code: &'a str,
    /// The client's display name, with `--names`.
    pub name: Option<&'a str>,
    pub appointment: &'a Appointment,
}

/// An appointment's UID, stable from one feed to the next: its id and the
/// client's code, never a name (`a3.1f2e3d4c@rapport`).
pub fn uid(code: &str, appointment: &crate::domain::AppointmentId) -> String {
    format!("{appointment}.{code}@rapport")
}

/// The client code a UID of Rapport's own feed carries, if it is one.
pub fn code_of_own_uid(uid: &str) -> Option<&str> {
    let (appointment, code) = uid.strip_suffix("@rapport")?.rsplit_once('.')?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (plain(appointment) && code.len() == 8 && code.bytes().all(|b| b.is_ascii_hexdigit())).then_some(code)
}

/// The title an appointment has in the feed: "Session 1f2e3d4c", or the
/// client's name, made visible (a name is one line of printable text in
/// any calendar).
pub fn title(entry: &FeedEntry) -> String {
    match entry.name {
        Some(name) => crate::sanitize::visible(name).into_owned(),
        None => format!("Session {}", entry.code),
    }
}

/// The feed of `entries` as iCalendar text, times turned into UTC by `zone`.
/// Each event has its UID, times, title and whether it is cancelled (a
/// cancel, by either side, and a session the client did not attend are
/// `STATUS:CANCELLED`; a held one stays as it was booked), and is marked
/// private, so a calendar shared with others shows it as busy only.
pub fn feed<Tz: TimeZone>(entries: &[FeedEntry], now: NaiveDateTime, zone: &Tz) -> String {
    let stamp = instant(zone, now);
    let mut calendar = Calendar::empty();
    for (key, value) in [("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")] {
        calendar.append_property(icalendar::Property::new(key, value));
    }
    calendar.name("Rapport");
    for entry in entries {
        let a = entry.appointment;
        // It lasts its minutes in real time, also across a change of the
        // clocks (its end read on the wall clock could come before its start).
        let start = instant(zone, a.start);
        let end = start + chrono::Duration::minutes(i64::from(a.minutes));
        let mut event = Event::new();
        event
            .uid(&uid(entry.code, &a.id))
            .timestamp(stamp)
            .summary(&title(entry))
            .starts(start)
            .ends(end)
            .class(Class::Private)
            .status(if a.is_cancelled() { EventStatus::Cancelled } else { EventStatus::Confirmed });
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;
    use crate::domain::{AppointmentId, NotHeld};

    fn appointment(id: &str, start: &str, cancelled: bool) -> Appointment {
        Appointment {
            id: AppointmentId::new(id),
            start: dt(start),
            minutes: 50,
            cancelled: cancelled.then(|| dt("2026-11-20 09:00")),
            not_held: cancelled.then_some(NotHeld::CancelledByClient),
            ..Default::default()
        }
    }

    #[test]
    fn the_feed_holds_uids_times_in_utc_and_cancels_and_no_name_unless_asked() {
        let held = appointment("a3", "2026-11-30 10:00", false);
        let off = appointment("a4", "2026-12-07 10:00", true);
        let entries = [
            FeedEntry { code: "1f2e3d4c", name: None, appointment: &held },
            FeedEntry { code: "1f2e3d4c", name: None, appointment: &off },
        ];
        let plus_one = chrono::FixedOffset::east_opt(3600).unwrap();
        let text = feed(&entries, dt("2026-11-26 09:35"), &plus_one);
        for line in [
            "BEGIN:VCALENDAR\r\n",
            "UID:a3.1f2e3d4c@rapport\r\n",
            "DTSTART:20261130T090000Z\r\n",
            "DTEND:20261130T095000Z\r\n",
            "DTSTAMP:20261126T083500Z\r\n",
            "SUMMARY:Session 1f2e3d4c\r\n",
            "STATUS:CONFIRMED\r\n",
            "UID:a4.1f2e3d4c@rapport\r\n",
            "STATUS:CANCELLED\r\n",
            "CLASS:PRIVATE\r\n",
        ] {
            assert!(text.contains(line), "{line:?} in {text}");
        }
        let named = [FeedEntry { code: "1f2e3d4c", name: Some("Maria López (Mari)"), appointment: &held }];
        assert!(feed(&named, dt("2026-11-26 09:35"), &plus_one).contains("SUMMARY:Maria López (Mari)\r\n"));
    }

    #[test]
    fn a_session_across_the_spring_clock_change_ends_after_it_starts() {
        // 28 March 2027, London: 01:00 GMT becomes 02:00 BST, so 01:30 is
        // read as 02:30 BST, and its wall-clock end (02:20) came before it.
        let night = appointment("a5", "2027-03-28 01:30", false);
        let entries = [FeedEntry { code: "1f2e3d4c", name: None, appointment: &night }];
        let text = feed(&entries, dt("2027-03-01 09:00"), &chrono_tz::Europe::London);
        assert!(text.contains("DTSTART:20270328T013000Z\r\n") && text.contains("DTEND:20270328T022000Z\r\n"), "{text}");
    }

    #[test]
    fn only_a_uid_of_rapports_own_shape_gives_a_code() {
        assert_eq!(code_of_own_uid("a3.1f2e3d4c@rapport"), Some("1f2e3d4c"));
        assert_eq!(code_of_own_uid("a3-k4x.1f2e3d4c@rapport"), Some("1f2e3d4c"));
        for other in ["a3.1f2e3d4c@google.com", "1f2e3d4c@rapport", "a3.maria@rapport", ".1f2e3d4c@rapport"] {
            assert_eq!(code_of_own_uid(other), None, "{other}");
        }
    }

    #[test]
    fn the_window_holds_the_month_past_and_the_days_asked() {
        let w = Window::around(dt("2026-11-26 09:35").date(), 7);
        assert!(w.holds(dt("2026-10-26 08:00")) && !w.holds(dt("2026-10-25 23:59")));
        assert!(w.holds(dt("2026-12-02 18:00")) && !w.holds(dt("2026-12-03 08:00")));
    }
}
