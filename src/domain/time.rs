//! Reading and writing dates and times the way a therapist types them.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

const EARLIEST_YEAR: i32 = 1900;
const LATEST_YEAR: i32 = 2100;

/// Parses `YYYY-MM-DD`, with a message that says what was wrong.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(format!("'{s}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"));
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(format!("'{s}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"));
    };
    if !(EARLIEST_YEAR..=LATEST_YEAR).contains(&y) {
        return Err(format!(
            "'{s}' is too far in the past or future; use a year from {EARLIEST_YEAR} to {LATEST_YEAR}"
        ));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{s} does not exist in the calendar"))
}

/// Parses `HH:MM`.
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let s = s.trim();
    let bad = || format!("'{s}' is not a time; write it as HH:MM, e.g. 14:30");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m) = (h.parse::<u32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| format!("{s} is not a time of day; hours go 00-23, minutes 00-59"))
}

/// Parses `YYYY-MM-DD HH:MM` (local time).
pub fn parse_datetime(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    let (d, t) = s
        .split_once([' ', 'T'])
        .ok_or_else(|| format!("'{s}' needs a date and a time: YYYY-MM-DD HH:MM, e.g. 2026-11-30 14:00"))?;
    Ok(parse_date(d)?.and_time(parse_time(t)?))
}

/// Parses `YYYY-MM-DD HH:MM`, or `HH:MM` alone for that time on `today`.
pub fn parse_when(s: &str, today: NaiveDate) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    if s.contains([' ', 'T']) { parse_datetime(s) } else { Ok(today.and_time(parse_time(s)?)) }
}

/// `2026-11-30 14:00`
pub fn format_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// `Mon 30 Nov`
pub fn format_day(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// `Mon 30 Nov 2026` when not this year, else `Mon 30 Nov`.
pub fn format_day_near(d: NaiveDate, today: NaiveDate) -> String {
    if d.year() == today.year() { format_day(d) } else { d.format("%a %-d %b %Y").to_string() }
}

/// The first `YYYY-MM-DD` in a line of text that is a real date.
pub fn find_date(text: &str) -> Option<NaiveDate> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '-')).filter(|w| w.len() == 10).find_map(|w| parse_date(w).ok())
}

/// Why the first word of `text` written like a date (`YYYY-MM-DD`) is no
/// real date ("exam 2026-02-30"): a line keeps only a real date, so such a
/// typo would otherwise be lost without a word.
pub fn impossible_date(text: &str) -> Option<String> {
    let date_shaped = |w: &str| {
        let b = w.as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
    };
    let why = text
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .filter(|w| date_shaped(w))
        .find_map(|w| parse_date(w).err())?;
    Some(format!("{why}: write a real date as YYYY-MM-DD, or leave it out"))
}

/// Finds the `YYYY-MM-DD` date in a line. A date that ends the line is
/// taken out of the words ("party on 2026-11-21" → "party"); anywhere else
/// the words stay exactly as typed ("call mum 2026-12-10 (her birthday)"),
/// because cutting a date out of the middle of a sentence changes what the
/// therapist wrote. A line without a real date comes back whole.
pub fn split_date(text: &str) -> (String, Option<NaiveDate>) {
    let text = text.trim();
    let Some(date) = find_date(text) else {
        return (text.to_string(), None);
    };
    let iso = date.format("%Y-%m-%d").to_string();
    if let Some(before) = text.strip_suffix(&iso) {
        let before = before.trim_end().trim_end_matches([',', ':', '-']).trim_end();
        let before = before.strip_suffix(" on").unwrap_or(before).trim_end();
        if !before.is_empty() {
            return (before.to_string(), Some(date));
        }
    }
    (text.to_string(), Some(date))
}

/// How far `at` lies after `now`: "39 days ahead", "tomorrow", "3 h
/// ahead", "20 min ahead".
pub fn ahead(at: NaiveDateTime, now: NaiveDateTime) -> String {
    let seconds = (at - now).num_seconds();
    let minutes = (seconds / 60 + i64::from(seconds % 60 != 0)).max(1);
    let days = (at.date() - now.date()).num_days();
    match () {
        _ if days > 1 => format!("{days} days ahead"),
        _ if days == 1 => "tomorrow".to_string(),
        _ if minutes >= 60 => format!("{} h ahead", minutes / 60),
        _ => format!("{minutes} min ahead"),
    }
}

/// Where an appointment stands from a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It has ended.
    Done,
    /// It is under way.
    Now,
    /// It starts later today.
    LaterToday,
    /// It starts on another day.
    AnotherDay,
}

/// Where the appointment at `start` lasting `minutes` stands at `now`.
pub fn standing(now: NaiveDateTime, start: NaiveDateTime, minutes: u32) -> Standing {
    let end = start.checked_add_signed(chrono::Duration::minutes(minutes.into())).unwrap_or(start);
    match () {
        _ if now >= end => Standing::Done,
        _ if now >= start => Standing::Now,
        _ if start.date() == now.date() => Standing::LaterToday,
        _ => Standing::AnotherDay,
    }
}

/// How an appointment stands from `now`: "in 25 min", "now", "done",
/// "tomorrow 10:00", "Thu 3 Dec 10:00".
pub fn relative(now: NaiveDateTime, start: NaiveDateTime, minutes: u32) -> String {
    match standing(now, start, minutes) {
        Standing::Done => return "done".into(),
        Standing::Now => return "now".into(),
        Standing::LaterToday | Standing::AnotherDay => {}
    }
    let mins = (start - now).num_minutes() + i64::from((start - now).num_seconds() % 60 != 0);
    if start.date() == now.date() {
        if mins < 60 {
            format!("in {mins} min")
        } else if mins % 60 == 0 {
            format!("in {} h", mins / 60)
        } else {
            format!("in {} h {} min", mins / 60, mins % 60)
        }
    } else if start.date() == now.date().succ_opt().unwrap_or(now.date()) {
        format!("tomorrow {}", start.format("%H:%M"))
    } else {
        format!("{} {}", format_day(start.date()), start.format("%H:%M"))
    }
}

/// "just now", "3 min ago", "2 h ago" for a time less than a day before
/// `now`; None for an older one (each caller says those its own way).
pub fn ago_within_a_day(then: NaiveDateTime, now: NaiveDateTime) -> Option<String> {
    let minutes = (now - then).num_minutes();
    match minutes {
        ..1 => Some("just now".into()),
        1..60 => Some(format!("{minutes} min ago")),
        60..1440 => Some(format!("{} h ago", minutes / 60)),
        _ => None,
    }
}

/// "today", "yesterday", "3 days ago", "2 weeks ago", "5 months ago".
pub fn ago(then: NaiveDate, today: NaiveDate) -> String {
    let days = (today - then).num_days();
    match days {
        -1 => "tomorrow".into(),
        i64::MIN..=-2 => format!("in {} days", -days),
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=13 => format!("{days} days ago"),
        14..=59 => format!("{} weeks ago", days / 7),
        60..=729 => format!("{} months ago", days / 30),
        _ => format!("{} years ago", days / 365),
    }
}

/// Test helper: a datetime from `YYYY-MM-DD HH:MM`, panicking on bad input.
#[doc(hidden)]
pub fn dt(s: &str) -> NaiveDateTime {
    parse_datetime(s).expect("test datetime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_says_tomorrow_and_one_is_never_plural() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = |n: i64| today + chrono::Duration::days(n);
        assert_eq!(ago(day(1), today), "tomorrow");
        assert_eq!(ago(day(2), today), "in 2 days");
        assert_eq!(ago(day(-1), today), "yesterday");
        assert_eq!(ago(day(-14), today), "2 weeks ago");
    }

    #[test]
    fn impossible_dates_and_times_are_named() {
        assert_eq!(parse_date("2026-02-30").unwrap_err(), "2026-02-30 does not exist in the calendar");
        assert!(parse_datetime("2026-11-30 25:00").unwrap_err().contains("not a time of day"));
        assert!(parse_date("3026-01-01").unwrap_err().contains("too far"));
        assert!(parse_datetime("tomorrow").unwrap_err().contains("YYYY-MM-DD HH:MM"));
        assert_eq!(parse_datetime("2026-11-30 09:05").unwrap(), dt("2026-11-30 09:05"));
    }

    #[test]
    fn appointment_times_read_like_a_diary() {
        let now = dt("2026-11-26 09:35");
        assert_eq!(relative(now, dt("2026-11-26 10:00"), 50), "in 25 min");
        assert_eq!(relative(now, dt("2026-11-26 11:35"), 50), "in 2 h");
        assert_eq!(relative(now, dt("2026-11-26 09:30"), 50), "now");
        assert_eq!(relative(now, dt("2026-11-26 08:00"), 50), "done");
        assert_eq!(relative(now, dt("2026-11-27 08:00"), 50), "tomorrow 08:00");
        assert_eq!(relative(now, dt("2026-12-03 10:00"), 50), "Thu 3 Dec 10:00");
    }

    #[test]
    fn finds_a_date_inside_a_line() {
        assert_eq!(find_date("party on 2026-11-21!"), NaiveDate::from_ymd_opt(2026, 11, 21));
        assert_eq!(find_date("call 0123-456-789"), None);
        assert_eq!(
            split_date("Mia's birthday party on 2026-11-21"),
            ("Mia's birthday party".to_string(), NaiveDate::from_ymd_opt(2026, 11, 21))
        );
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day);
        // Inside a sentence the words stay as typed; only the date is read.
        for (typed, day) in [
            ("call mum 2026-12-10 (her birthday)", 10),
            ("party (on 2026-12-11)", 11),
            ("exam on 2026-12-12, nervous", 12),
        ] {
            assert_eq!(split_date(typed), (typed.to_string(), d(day)), "{typed}");
        }
        assert_eq!(split_date("2026-12-13"), ("2026-12-13".to_string(), d(13)), "a bare date keeps its words");
        assert_eq!(split_date("exam: 2026-12-14"), ("exam".to_string(), d(14)));
    }
}
