//! The changes a therapist makes to a record: a note, a task, a personal
//! detail, a goal, an appointment, a message. Each keeps the record's rules
//! (ids, ordering, bounds) so no caller has to.

use super::*;

mod client;
mod items;
mod messages;
mod sessions;
mod supervision;
mod tasks;

pub use tasks::not_done_yet;

/// The number of a short id: 7 of `t7`, and of `t7-k4x` (an id made on a
/// synced device, which carries that device's mark).
pub(crate) fn id_number(prefix: &str, id: &str) -> Option<u64> {
    let rest = id.strip_prefix(prefix)?;
    let digits = rest.split_once('-').map_or(rest, |(d, _)| d);
    digits.bytes().all(|b| b.is_ascii_digit()).then(|| digits.parse().ok()).flatten()
}

/// The next short id (`t7`) after the highest number in use with this
/// prefix; on a synced device it carries the device's mark (`t7-k4x`), so
/// an id made offline on another device is never the same.
pub(super) fn next_id<'a, I: super::ItemIdType>(ids: impl Iterator<Item = &'a str>, device: Option<&str>) -> I {
    I::from_typed(next_id_with(I::KIND.prefix(), ids, device))
}

/// The next id after `ids` for items whose ids start with `prefix`.
pub(crate) fn next_id_with<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>, device: Option<&str>) -> String {
    let max = ids.filter_map(|id| id_number(prefix, id)).max().unwrap_or(0);
    let n = max.saturating_add(1);
    match device {
        Some(tag) => format!("{prefix}{n}-{tag}"),
        None => format!("{prefix}{n}"),
    }
}

fn clean_lines(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The refusal of an id the record does not hold.
pub(super) fn unknown(kind: &'static str, id: &str) -> RecordError {
    RecordError::UnknownId { kind, id: id.to_string() }
}
