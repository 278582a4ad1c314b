//! A conflict from syncing in words, for `sync status` and the review.

use serde_json::Value;

use super::super::{Conflict, ConflictKind};

/// What a part of the record is called, one of its items.
fn item_word(part: &str) -> &str {
    match part {
        "sessions" => "note",
        "tasks" => "task",
        "personal" => "personal detail",
        "goals" => "goal",
        "watch_for" => "watch-for item",
        "appointments" => "appointment",
        "contacts" => "message",
        "conflicts" => "conflict",
        other => other,
    }
}

/// A value as a person reads it, cut to `max` characters.
pub fn shown(v: &Value, max: usize) -> String {
    let text = match v {
        Value::Null => "nothing".to_string(),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if words.is_empty() { "nothing".into() } else { format!("\"{}\"", words.join("; ")) }
        }
        other => other.to_string(),
    };
    let text = crate::sanitize::visible(&text).replace('\n', " ");
    if text.chars().count() > max {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        text
    }
}

impl Conflict {
    /// One sentence: what holds two values, which stays in place, and the other.
    pub fn describe(&self) -> String {
        let what = if self.part == "client" {
            "the client's details".to_string()
        } else {
            format!("{} {}", item_word(&self.part), self.item)
        };
        let field = self.field.replace('_', " ");
        match self.kind {
            ConflictKind::Edit => format!(
                "{what}, {field}: changed on both devices; {} is in place, the other device had {}",
                shown(&self.kept, 60),
                shown(&self.other, 60)
            ),
            ConflictKind::Finalised => format!(
                "{what} was changed after it was finalised, or on one device while finalised on the other: the \
                 finalised version is in place and the other is kept beside it (`rapport verify` checks the seal)"
            ),
            ConflictKind::Removed => {
                format!("{what} was removed on one device and changed on the other: it was kept")
            }
            ConflictKind::SameId => format!(
                "two different {}s {} were written on two devices: one is in place, the other kept beside it",
                item_word(&self.part),
                self.item
            ),
        }
    }
}
