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

/// Takes the time as a borrowed or an owned string: the summaries are read
/// from text held whole (borrowed) or as they stream from the file (owned).
struct Time;

impl serde::de::Visitor<'_> for Time {
    type Value = NaiveDateTime;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a time")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NaiveDateTime, E> {
        parse(s).ok_or_else(|| E::custom(format!("not a time: {s}")))
    }
}

pub fn read<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    d.deserialize_str(Time)
}

pub fn read_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    #[derive(Deserialize)]
    struct Read(#[serde(deserialize_with = "read")] NaiveDateTime);
    Ok(Option::<Read>::deserialize(d)?.map(|Read(t)| t))
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

#[cfg(test)]
#[test]
fn reads_from_text_held_whole_and_from_a_stream() {
    #[derive(Deserialize, PartialEq, Debug)]
    struct T {
        #[serde(deserialize_with = "read")]
        at: NaiveDateTime,
        #[serde(default, deserialize_with = "read_option")]
        last: Option<NaiveDateTime>,
    }
    let text = r#"{"at":"2026-11-26T09:35:00","last":null}"#;
    let whole: T = serde_json::from_str(text).unwrap();
    let streamed: T = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(whole, streamed);
    assert_eq!(whole.at, "2026-11-26T09:35:00".parse().unwrap());
    assert_eq!(whole.last, None);
    let streamed: T =
        serde_json::from_reader(&br#"{"at":"2026-11-26T09:35:00","last":"2026-11-27T10:00:00"}"#[..]).unwrap();
    assert_eq!(streamed.last, Some("2026-11-27T10:00:00".parse().unwrap()));
    assert!(serde_json::from_reader::<_, T>(&br#"{"at":"yesterday"}"#[..]).is_err());
}
