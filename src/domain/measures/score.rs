//! A score held in tenths, so ORS and SRS items (one decimal) add up
//! exactly; and a signed change between two scores.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest score Rapport holds, in whole points: far above any real
/// scale's total, small enough that no sum or difference can overflow.
const MAX_WHOLE: u32 = 100_000;

/// A score or a total, in tenths of a point: 6.5 is held as 65. Written to
/// a file as a plain number (6.5, or 7 when whole).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u32);

impl Score {
    pub const ZERO: Score = Score(0);

    /// A whole number of points.
    pub const fn whole(points: u32) -> Score {
        Score(points.saturating_mul(10))
    }

    pub const fn from_tenths(tenths: u32) -> Score {
        Score(tenths)
    }

    pub const fn tenths(self) -> u32 {
        self.0
    }

    pub fn is_whole(self) -> bool {
        self.0.is_multiple_of(10)
    }

    /// The sum of `scores`, never overflowing (each is bounded when read).
    pub fn sum(scores: &[Score]) -> Score {
        Score(scores.iter().fold(0u32, |t, s| t.saturating_add(s.0)))
    }

    /// The score as a number, for a chart.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// Reads a typed score: `6`, `6.5`. A comma is refused rather than
    /// guessed at, so `6,5` never quietly becomes two scores.
    pub fn parse(text: &str) -> Result<Score, String> {
        let t = text.trim();
        let bad = || {
            if t.contains(',') {
                format!("'{t}' is not a score; write a decimal with a point: {}", t.replace(',', "."))
            } else {
                format!("'{t}' is not a score: a number like 6 or 6.5")
            }
        };
        let (whole, tenth) = match t.split_once('.') {
            Some((w, f)) if f.len() == 1 => (w, f),
            Some(_) => return Err(bad()),
            None => (t, "0"),
        };
        let digits = |s: &str| !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(tenth) {
            return Err(bad());
        }
        let w: u32 = whole.parse().map_err(|_| bad())?;
        let f: u32 = tenth.parse().map_err(|_| bad())?;
        if w > MAX_WHOLE {
            return Err(bad());
        }
        Ok(Score(w * 10 + f))
    }
}

impl fmt::Display for Score {
    /// `7` or `6.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text =
            if self.is_whole() { format!("{}", self.0 / 10) } else { format!("{}.{}", self.0 / 10, self.0 % 10) };
        f.pad(&text)
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() { s.serialize_u32(self.0 / 10) } else { s.serialize_f64(self.as_f64()) }
    }
}

impl schemars::JsonSchema for Score {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Score".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": MAX_WHOLE,
            "description": "A score or a total: a whole number, or one with one decimal (6.5).",
        })
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Score, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Score;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a score from 0 to {MAX_WHOLE} with at most one decimal")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Score, E> {
                u32::try_from(v)
                    .ok()
                    .filter(|v| *v <= MAX_WHOLE)
                    .map(Score::whole)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Score, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Score, E> {
                let tenths = (v * 10.0).round();
                let ok = v.is_finite() && v >= 0.0 && v <= f64::from(MAX_WHOLE) && (v * 10.0 - tenths).abs() < 1e-6;
                if !ok {
                    return Err(E::invalid_value(de::Unexpected::Float(v), &self));
                }
                Ok(Score(tenths as u32))
            }
        }
        d.deserialize_any(V)
    }
}

/// A change between two scores, in tenths (negative for a fall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Delta(i64);

impl Delta {
    /// `to` minus `from`.
    pub fn between(from: Score, to: Score) -> Delta {
        Delta(i64::from(to.0) - i64::from(from.0))
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// The size of the change, whatever its sign.
    pub fn size(self) -> Score {
        Score(u32::try_from(self.0.unsigned_abs()).unwrap_or(u32::MAX))
    }
}

impl fmt::Display for Delta {
    /// `+8.5`, `−5` (a true minus sign), `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.0 {
            0 => "",
            n if n > 0 => "+",
            _ => "−",
        };
        f.pad(&format!("{sign}{}", self.size()))
    }
}

impl Serialize for Delta {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 10 == 0 { s.serialize_i64(self.0 / 10) } else { s.serialize_f64(self.0 as f64 / 10.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_scores_take_one_decimal_with_a_point() {
        assert_eq!(Score::parse("6.5"), Ok(Score::from_tenths(65)));
        assert_eq!(Score::parse(" 7 "), Ok(Score::whole(7)));
        assert_eq!(Score::parse("0"), Ok(Score::ZERO));
        assert!(Score::parse("6,5").unwrap_err().contains("with a point: 6.5"));
        for bad in ["", "6.55", "-1", "6.", ".5", "1e3", "abc", "99999999", "6.5.1", "+3", "٣"] {
            assert!(Score::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scores_show_and_save_as_plain_numbers() {
        assert_eq!(Score::from_tenths(65).to_string(), "6.5");
        assert_eq!(Score::whole(28).to_string(), "28");
        assert_eq!(serde_json::to_string(&[Score::from_tenths(65), Score::whole(7)]).unwrap(), "[6.5,7]");
        let back: Vec<Score> = serde_json::from_str("[6.5, 7, 7.0, 0]").unwrap();
        assert_eq!(back, [Score::from_tenths(65), Score::whole(7), Score::whole(7), Score::ZERO]);
        for bad in ["-1", "6.55", "1e300", "100001", "\"6\"", "18446744073709551616"] {
            assert!(serde_json::from_str::<Score>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(Delta::between(Score::whole(19), Score::from_tenths(275)).to_string(), "+8.5");
        assert_eq!(Delta::between(Score::whole(38), Score::whole(33)).to_string(), "−5");
        assert_eq!(Delta::between(Score::whole(3), Score::whole(3)).to_string(), "0");
        assert_eq!(serde_json::to_string(&Delta::between(Score::whole(17), Score::whole(8))).unwrap(), "-9");
    }
}
