//! Times in the summaries, read without chrono's general parser: the app's
//! start reads thousands of them. Any other form than the one Rapport
//! writes (`2026-11-26T09:35:00`) goes to chrono as before.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer};

fn parse(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return s.parse().ok();
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)?.and_hms_opt(n(11..13)?, n(14..16)?, n(17..19)?)
}

pub fn read<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = <&str>::deserialize(d)?;
    parse(s).ok_or_else(|| serde::de::Error::custom(format!("not a time: {s}")))
}

pub fn read_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    match Option::<&str>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| serde::de::Error::custom(format!("not a time: {s}"))),
    }
}

#[cfg(test)]
#[test]
fn reads_what_chrono_reads() {
    for s in ["2026-11-26T09:35:00", "2026-02-29T09:00:00", "2026-11-26T09:35:00.5", "1999-12-31T23:59:59"] {
        assert_eq!(parse(s), s.parse().ok(), "{s}");
    }
    for s in ["2026-13-26T09:35:00", "2026-11-26T24:00:00", "2026-1x-26T09:35:00", "+026-11-26T09:35:00"] {
        assert_eq!(parse(s), None, "{s}");
    }
}
