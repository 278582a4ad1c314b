//! Reading another system's `.ics` file: each event's UID, title, start,
//! length and whether it is cancelled, in this machine's wall-clock time.
//! The file is hostile until read: its size, nesting and number of events
//! are bounded before icalendar parses it, and an event that cannot be an
//! appointment (all day, recurring, no time, a zone not known) is left out
//! with the reason.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventStatus};

use super::{instant, wall_clock};
use crate::domain::bounds;
use crate::domain::time::format_datetime;

/// An event read from a calendar, to book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Its UID, remembered on the appointment it books.
    pub uid: Option<String>,
    /// Its title (SUMMARY), which names the client.
    pub title: String,
    /// In this machine's wall-clock time.
    pub start: NaiveDateTime,
    pub minutes: u32,
    /// `STATUS:CANCELLED`.
    pub cancelled: bool,
}

/// Why an event was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// RRULE, RDATE or RECURRENCE-ID: a run of events, not one.
    Recurring,
    AllDay,
    NoStart,
    /// A start or end that is no date and time.
    UnreadableTime,
    /// A TZID that is no IANA time zone.
    UnknownZone(String),
    NoEnd,
    /// Minutes outside 1 to 1440.
    Length(i64),
    /// A year no record holds.
    Year(i32),
    /// Its UID, in words: too long, or with control characters.
    Uid(String),
    /// Its UID stands on more than one event of the file.
    UidTwice(usize),
    /// It started before now.
    Past,
    /// It is cancelled, and was never booked from this calendar.
    CancelledNotBooked,
    /// Rapport's own feed: its appointments are already here.
    OwnFeed,
    NoTitle,
    NoClient,
    /// More than one client answers to the title: each named.
    SeveralClients(Vec<String>),
    /// The client it names is archived.
    Archived(String),
    /// Its UID is on another client's appointment than the title names.
    OtherClient {
        booked_for: String,
        title_names: String,
    },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Recurring => write!(
                f,
                "a recurring event: Rapport imports single events only (book a run with `rapport appointment \
                 CLIENT --at TIME --weekly N`)"
            ),
            Skip::AllDay => write!(f, "an all-day event, with no time"),
            Skip::NoStart => write!(f, "no start (DTSTART)"),
            Skip::UnreadableTime => write!(f, "its start or end is no date and time"),
            Skip::UnknownZone(zone) => {
                write!(f, "its time zone '{zone}' is not one Rapport knows (an IANA name, such as Europe/London)")
            }
            Skip::NoEnd => write!(f, "no end (DTEND or DURATION)"),
            Skip::Length(m) => write!(
                f,
                "it lasts {m} minutes; an appointment is {} to {}",
                bounds::MINUTES.start(),
                bounds::MINUTES.end()
            ),
            Skip::Year(y) => write!(f, "the year {y}"),
            Skip::Uid(why) => write!(f, "{why}"),
            Skip::UidTwice(n) => write!(f, "its UID is on {n} events of this file"),
            Skip::Past => write!(f, "before now"),
            Skip::CancelledNotBooked => write!(f, "cancelled, and never booked"),
            Skip::OwnFeed => write!(f, "Rapport's own appointment (from `rapport calendar export`), already here"),
            Skip::NoTitle => write!(f, "no title to name a client"),
            Skip::NoClient => write!(f, "no client answers to it whole"),
            Skip::SeveralClients(names) => write!(f, "it names more than one client: {}", names.join(", ")),
            Skip::Archived(name) => write!(f, "{name} is archived (`rapport client unarchive` first)"),
            Skip::OtherClient { booked_for, title_names } => write!(
                f,
                "booked for {booked_for} from this event, whose title now names {title_names}: left with \
                 {booked_for}"
            ),
        }
    }
}

/// An event not imported: its title (cut to a name's length), its start
/// when it has one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub title: String,
    pub start: Option<NaiveDateTime>,
    pub skip: Skip,
}

/// What a calendar file holds: the events to book, and those left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    pub events: Vec<CalendarEvent>,
    pub skipped: Vec<Skipped>,
}

/// A file refused whole, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("it is {}; Rapport reads a calendar of at most {}", bounds::size(*.0), bounds::size(bounds::CALENDAR_FILE_BYTES))]
    TooLarge(u64),
    #[error("it is not text (an iCalendar file is UTF-8 text)")]
    NotText,
    #[error("it is not an iCalendar file: it does not begin with BEGIN:VCALENDAR")]
    NotCalendar,
    #[error("it holds {0} calendars; import them one file at a time")]
    SeveralCalendars(usize),
    #[error("its parts are nested {0} deep; a calendar's are at most {max}", max = bounds::CALENDAR_NESTING)]
    TooDeep(usize),
    #[error("it holds {0} events; Rapport imports at most {max} at once (split the file)", max = bounds::CALENDAR_EVENTS)]
    TooManyEvents(usize),
    #[error("it is not well-formed iCalendar (every BEGIN needs its END, and every line is NAME:value)")]
    Malformed,
}

/// The events of calendar `bytes`, their times in `zone`'s wall clock.
pub fn read<Tz: TimeZone>(bytes: &[u8], zone: &Tz) -> Result<Read, Refused> {
    if bytes.len() as u64 > bounds::CALENDAR_FILE_BYTES {
        return Err(Refused::TooLarge(bytes.len() as u64));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| Refused::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Every line ending made CRLF: the parser looks for CRLF first, and an
    // LF-only file would make it search the rest of the file at each line.
    let lines: Vec<&str> = text.lines().collect();
    let unfolded = icalendar::parser::unfold(&(lines.join("\r\n") + "\r\n"));
    shape(&unfolded)?;
    let parsed = icalendar::parser::read_calendar(&unfolded).map_err(|_| Refused::Malformed)?;
    let calendar = icalendar::Calendar::from(parsed);
    let mut read = Read::default();
    for event in calendar.events() {
        // One line, its spaces single: a name, as a name is kept.
        let words: Vec<&str> = event.get_summary().unwrap_or("").split_whitespace().collect();
        let title: String = words.join(" ").chars().take(bounds::NAME_CHARS + 1).collect();
        match one(event, zone) {
            Ok(e) => read.events.push(CalendarEvent { title, ..e }),
            Err((start, skip)) => read.skipped.push(Skipped { title, start, skip }),
        }
    }
    // A UID on two events of one file names neither: which would it move?
    let mut seen: HashMap<String, usize> = HashMap::new();
    for uid in read.events.iter().filter_map(|e| e.uid.clone()) {
        *seen.entry(uid).or_default() += 1;
    }
    let (events, twice): (Vec<CalendarEvent>, Vec<CalendarEvent>) =
        read.events.into_iter().partition(|e| e.uid.as_ref().is_none_or(|u| seen[u] == 1));
    read.events = events;
    for e in twice {
        let n = e.uid.as_ref().map_or(0, |u| seen[u]);
        read.skipped.push(Skipped { title: e.title, start: Some(e.start), skip: Skip::UidTwice(n) });
    }
    Ok(read)
}

/// Refuses a file that is not one calendar, nests too deep for the parser
/// (which recurses at each level) or holds too many events.
fn shape(unfolded: &str) -> Result<(), Refused> {
    let first = unfolded.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if !first.trim_end().eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(Refused::NotCalendar);
    }
    let (mut depth, mut deepest, mut roots, mut events) = (0usize, 0usize, 0usize, 0usize);
    for line in unfolded.lines() {
        let head = line.get(..6).unwrap_or(line).to_ascii_uppercase();
        if head == "BEGIN:" {
            depth += 1;
            deepest = deepest.max(depth);
            if depth > bounds::CALENDAR_NESTING {
                return Err(Refused::TooDeep(depth));
            }
            roots += usize::from(depth == 1);
            events += usize::from(line[6..].trim_end().eq_ignore_ascii_case("VEVENT"));
        } else if head.starts_with("END:") {
            depth = depth.saturating_sub(1);
        }
    }
    if roots > 1 {
        return Err(Refused::SeveralCalendars(roots));
    }
    if events > bounds::CALENDAR_EVENTS {
        return Err(Refused::TooManyEvents(events));
    }
    Ok(())
}

/// A time of the file: its wall-clock time here, and the instant when the
/// file says which (UTC, or a zone).
struct At {
    wall: NaiveDateTime,
    instant: Option<DateTime<Utc>>,
}

type Left = (Option<NaiveDateTime>, Skip);

/// One event, or why it is left out (with its start, when read).
fn one<Tz: TimeZone>(event: &icalendar::Event, zone: &Tz) -> Result<CalendarEvent, Left> {
    let has = |key: &str| event.properties().contains_key(key) || event.multi_properties().contains_key(key);
    let start = match event.properties().get("DTSTART") {
        None => return Err((None, Skip::NoStart)),
        Some(_) => at(event.get_start(), zone).map_err(|s| (None, s))?,
    };
    let left = |skip: Skip| (Some(start.wall), skip);
    if ["RRULE", "RDATE", "RECURRENCE-ID", "EXRULE"].iter().any(|k| has(k)) {
        return Err(left(Skip::Recurring));
    }
    bounds::check_time("", start.wall).map_err(|_| left(Skip::Year(chrono::Datelike::year(&start.wall))))?;
    let minutes = match (event.properties().get("DTEND"), event.property_value("DURATION")) {
        (Some(_), _) => {
            let end = at(event.get_end(), zone).map_err(left)?;
            match (start.instant, end.instant) {
                (Some(s), Some(e)) => (e - s).num_minutes(),
                _ => (end.wall - start.wall).num_minutes(),
            }
        }
        (None, Some(d)) => {
            let d = iso8601::duration(d.trim()).map_err(|_| left(Skip::UnreadableTime))?;
            let d: std::time::Duration = d.into();
            i64::try_from(d.as_secs() / 60).unwrap_or(i64::MAX)
        }
        (None, None) => return Err(left(Skip::NoEnd)),
    };
    let minutes = u32::try_from(minutes)
        .ok()
        .filter(|m| bounds::MINUTES.contains(m))
        .ok_or_else(|| left(Skip::Length(minutes)))?;
    let uid = event.get_uid().map(str::trim).filter(|u| !u.is_empty()).map(str::to_string);
    if let Some(u) = &uid {
        bounds::check_uid("the event", u).map_err(|why| left(Skip::Uid(why)))?;
    }
    Ok(CalendarEvent {
        uid,
        title: String::new(),
        start: start.wall,
        minutes,
        cancelled: event.get_status() == Some(EventStatus::Cancelled),
    })
}

/// A DTSTART or DTEND as this machine's wall-clock time.
fn at<Tz: TimeZone>(value: Option<DatePerhapsTime>, zone: &Tz) -> Result<At, Skip> {
    match value {
        None => Err(Skip::UnreadableTime),
        Some(DatePerhapsTime::Date(_)) => Err(Skip::AllDay),
        // A floating time is a wall-clock time, as Rapport keeps them.
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Floating(wall))) => Ok(At { wall, instant: None }),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => {
            Ok(At { wall: wall_clock(zone, t), instant: Some(t) })
        }
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            let name = tzid.trim_matches('"').trim_start_matches('/');
            let tz: chrono_tz::Tz = name.parse().map_err(|_| Skip::UnknownZone(tzid.chars().take(64).collect()))?;
            let t = instant(&tz, date_time);
            Ok(At { wall: wall_clock(zone, t), instant: Some(t) })
        }
    }
}

impl Skipped {
    /// "'Dentist' Mon 30 Nov 10:00": the event as the therapist finds it
    /// in their calendar.
    pub fn event(&self) -> String {
        let title = if self.title.is_empty() { "(no title)".to_string() } else { format!("'{}'", self.title) };
        match self.start {
            Some(t) => format!("{title} {}", format_datetime(t)),
            None => title,
        }
    }
}

#[cfg(test)]
mod tests;
