//! What a held session counts for in a practice log: the client-hour rule
//! of UK accreditation (BACP and the registers), with the settings a
//! therapist may change. Counted in minutes, so sums stay exact; shown in
//! hours only at the end.

use serde::{Deserialize, Serialize};

/// How a session longer than an hour counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LongerSessions {
    /// One client hour, however long (the usual rule).
    #[default]
    OneHour,
    /// Its actual minutes (90 minutes: 1.5 client hours).
    ActualMinutes,
}

/// The rule that turns a held session's minutes into client-hour minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClientHourRule {
    /// A session this long, up to an hour, counts as one whole client hour
    /// (50 by default; 30 for work with young people); a shorter one counts
    /// its minutes.
    pub full_hour_from_minutes: u32,
    pub longer: LongerSessions,
}

impl Default for ClientHourRule {
    fn default() -> Self {
        ClientHourRule { full_hour_from_minutes: 50, longer: LongerSessions::OneHour }
    }
}

/// The minutes of a client hour.
pub const HOUR: u32 = 60;

impl ClientHourRule {
    /// What a session of `minutes` counts for, in minutes of client hours.
    pub fn counted_minutes(&self, minutes: u32) -> u32 {
        match minutes {
            m if m > HOUR => match self.longer {
                LongerSessions::OneHour => HOUR,
                LongerSessions::ActualMinutes => m,
            },
            m if m >= self.full_hour_from_minutes => HOUR,
            m => m,
        }
    }

    /// The rule in words: "a session of 50–60 minutes counts as one client
    /// hour, a longer one as one hour, a shorter one its minutes".
    pub fn said(&self) -> String {
        let longer = match self.longer {
            LongerSessions::OneHour => "as one hour",
            LongerSessions::ActualMinutes => "its actual minutes",
        };
        format!(
            "a session of {}–60 minutes counts as one client hour, a longer one {longer}, a shorter one its actual \
             minutes",
            self.full_hour_from_minutes
        )
    }
}

/// `minutes` as hours, to two decimals at most: "10.5", "0.75", "12",
/// "0.67" (40 minutes).
pub fn format_hours(minutes: u64) -> String {
    let hundredths = (minutes * 100 + u64::from(HOUR) / 2) / u64::from(HOUR);
    let (whole, part) = (hundredths / 100, hundredths % 100);
    match part {
        0 => whole.to_string(),
        p if p % 10 == 0 => format!("{whole}.{}", p / 10),
        p => format!("{whole}.{p:02}"),
    }
}

/// `minutes` as hours, rounded to two decimals, for JSON.
pub fn hours(minutes: u64) -> f64 {
    ((minutes * 100 + u64::from(HOUR) / 2) / u64::from(HOUR)) as f64 / 100.0
}

/// Hours as typed (`1.5`, `2`, `0.75`) in whole minutes, at least one
/// minute and at most `max_hours`; anything else is refused in words.
pub fn parse_hours(typed: &str, max_hours: u32) -> Result<u32, String> {
    let t = typed.trim();
    let (whole, part) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && part.is_empty()) || !digits(whole) || !digits(part) || part.len() > 2 || whole.len() > 6 {
        return Err(format!("'{typed}' is not a number of hours; write it as 1.5, 2 or 0.75"));
    }
    let whole: u32 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| format!("'{typed}' is too large"))? };
    let hundredths: u32 = format!("{part:0<2}").parse().unwrap_or(0);
    let minutes = whole.saturating_mul(HOUR).saturating_add((hundredths * HOUR + 50) / 100);
    if minutes == 0 || minutes > max_hours * HOUR {
        return Err(format!("{typed} hours is out of range; give from 0.02 (a minute) to {max_hours}"));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_typed_as_decimals_and_kept_in_minutes() {
        assert_eq!(parse_hours("1.5", 100), Ok(90));
        assert_eq!(parse_hours("2", 100), Ok(120));
        assert_eq!(parse_hours("0.75", 100), Ok(45));
        assert_eq!(parse_hours(".5", 100), Ok(30));
        for bad in ["", "0", "-1", "1,5", "1.555", "abc", "101", "1e3", "9999999"] {
            assert!(parse_hours(bad, 100).is_err(), "{bad}");
        }
    }
}
