//! Every limit on a number, a size or an id that a person or a file can
//! give, defined once. The CLI's argument parser, the app's forms, the
//! settings file and the checks on a record read from disk all use these.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// Length of a session or an appointment, in minutes.
pub const MINUTES: RangeInclusive<u32> = 1..=24 * 60;
/// Weekly repeats booked with an appointment: two years at most.
pub const WEEKLY_REPEATS: RangeInclusive<u32> = 0..=104;
/// Days `agenda` shows.
pub const AGENDA_DAYS: RangeInclusive<u32> = 1..=366;
/// Years in `retention --years`.
pub const RETENTION_YEARS: RangeInclusive<u32> = 1..=100;
/// Results `search --limit` shows.
pub const SEARCH_LIMIT: RangeInclusive<u32> = 1..=1000;
/// Snapshots kept (`backup prune --keep`, `keep_backups`): at least one.
pub const KEEP_BACKUPS: RangeInclusive<u32> = 1..=1000;
/// Hours before a note finalises itself: a year at most.
pub const FINALISE_AFTER_HOURS: RangeInclusive<u32> = 0..=24 * 365;
/// Idle minutes before the app hides its screen.
pub const BLANK_AFTER_MINUTES: RangeInclusive<u32> = 1..=24 * 60;
/// Minutes from which a session counts as a whole client hour
/// (`client_hour_from_minutes`): up to the hour itself.
pub const CLIENT_HOUR_FROM_MINUTES: RangeInclusive<u32> = 1..=60;
/// A practice log's target of client hours (BACP accreditation asks 450).
pub const TARGET_CLIENT_HOURS: RangeInclusive<u32> = 1..=100_000;
/// Seconds `unlock --for` holds the unlocked key: a second to a week.
pub const HOLD_SECONDS: RangeInclusive<u64> = 1..=7 * 24 * 3600;
/// Clients in a generated practice.
pub const DEMO_CLIENTS: RangeInclusive<u32> = 1..=100_000;
/// Sessions per client in a generated practice.
pub const DEMO_SESSIONS: RangeInclusive<u32> = 0..=1000;

/// Days ahead `calendar export --days` writes: two years at most, as far
/// as a weekly run is booked.
pub const CALENDAR_DAYS: RangeInclusive<u32> = 1..=731;
/// The largest `.ics` file `calendar import` reads: years of a busy
/// calendar fit well within it.
pub const CALENDAR_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The most events an imported calendar may hold.
pub const CALENDAR_EVENTS: usize = 10_000;
/// How deep an imported calendar's components may nest: a calendar, its
/// event, the event's alarm, with room to spare (a time zone's rules are
/// as deep). The parser recurses at each level.
pub const CALENDAR_NESTING: usize = 8;
/// The longest calendar event UID kept on an appointment, in bytes.
pub const UID_BYTES: usize = 255;

/// Items of a custom measure (CORE-10 has 10, WSAS 5).
pub const CUSTOM_ITEMS: RangeInclusive<u32> = 1..=50;
/// The highest score of one item of a custom measure.
pub const CUSTOM_ITEM_MAX: RangeInclusive<u32> = 1..=100;
/// Custom measures defined in the settings.
pub const CUSTOM_SCALES: usize = 50;
/// The longest name of a custom measure, in characters.
pub const SCALE_NAME_CHARS: usize = 24;
/// The most characters of a client's name or preferred name, as typed.
pub const NAME_CHARS: usize = 200;

/// One field of a note (its notes, a topic, a task…) or of a profile.
pub const FIELD_BYTES: usize = 256 * 1024;
/// A whole client file. A larger one is not read.
pub const FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Years a date read from a file may have: wide enough for any real
/// record, narrow enough that adding minutes or weeks can never overflow.
pub const FILE_YEARS: RangeInclusive<i32> = 1800..=2200;

/// The longest id.
pub const ID_LEN: usize = 64;

/// True for an id Rapport writes: 1 to 64 of `a-z`, `0-9` and `-`, not
/// starting with `-`. Only such an id ever becomes part of a file name.
pub fn is_valid_id(id: &str) -> bool {
    (1..=ID_LEN).contains(&id.len())
        && !id.starts_with('-')
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A human-readable size: "256 KiB", "47.1 MiB" (rounded up, so a size
/// just over a limit never reads as the limit).
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => super::plural(b as usize, "byte"),
        b if b < 1024 * 1024 => format!("{} KiB", b.div_ceil(1024)),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Refuses a text longer than [`FIELD_BYTES`], naming `what`.
pub fn check_text(what: &str, text: &str) -> Result<(), String> {
    if text.len() > FIELD_BYTES {
        return Err(format!(
            "{what} is {}; one field holds at most {}. Shorten it, or split it over several notes",
            size(text.len() as u64),
            size(FIELD_BYTES as u64)
        ));
    }
    Ok(())
}

/// Refuses a calendar event UID that is empty, longer than [`UID_BYTES`]
/// or holds a control character, naming `what`.
pub fn check_uid(what: &str, uid: &str) -> Result<(), String> {
    if uid.is_empty() || uid.len() > UID_BYTES {
        return Err(format!("{what} has a UID of {}; a UID is 1 to {UID_BYTES} bytes", size(uid.len() as u64)));
    }
    if uid.chars().any(char::is_control) {
        return Err(format!("{what} has a UID holding a control character"));
    }
    Ok(())
}

/// Reads a number typed into a form field named `what`, within `range`.
pub fn parse_number(what: &str, text: &str, range: &RangeInclusive<u32>) -> Result<u32, String> {
    let text = text.trim();
    text.parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| format!("{what}: '{text}' is not a number from {} to {}; type one", range.start(), range.end()))
}

/// Refuses a number outside `range`, naming `what`.
pub fn check_number(what: &str, n: u32, range: &RangeInclusive<u32>) -> Result<(), String> {
    if !range.contains(&n) {
        return Err(format!("{what} is {n}; use {} to {}", range.start(), range.end()));
    }
    Ok(())
}

pub(crate) fn check_date(what: &str, d: NaiveDate) -> Result<(), String> {
    if !FILE_YEARS.contains(&d.year()) {
        return Err(format!("{what} has the year {}, outside {}–{}", d.year(), FILE_YEARS.start(), FILE_YEARS.end()));
    }
    Ok(())
}

pub(crate) fn check_time(what: &str, t: NaiveDateTime) -> Result<(), String> {
    check_date(what, t.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_valid() {
        for ok in ["maria-lopez", "s1", "zoe-2", "be28c0ffee"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in ["", "../../x", "a/b", "Maria", "-rf", "a b", "é", ".", "..", "a\u{1b}", long.as_str()] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn limits_name_what_and_how_much() {
        let e = check_text("the notes of s3", &"x".repeat(FIELD_BYTES + 1)).unwrap_err();
        assert!(e.contains("the notes of s3 is 257 KiB") && e.contains("at most 256 KiB"), "{e}");
        assert_eq!(check_number("--weekly", 105, &WEEKLY_REPEATS).unwrap_err(), "--weekly is 105; use 0 to 104");
        assert!(check_number("--weekly", 104, &WEEKLY_REPEATS).is_ok());
    }
}
