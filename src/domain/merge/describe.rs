//! A conflict from syncing in words, for `sync status` and the review.

use serde_json::Value;

use super::super::{Conflict, ConflictKind, RecordPart};

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
    /// One of its values as the therapist reads it: a word for a state kept
    /// as a code ("did not attend", not "did_not_attend").
    fn value(&self, v: &Value, max: usize) -> String {
        if self.field == "not_held"
            && let Ok(how) = serde_json::from_value::<crate::domain::NotHeld>(v.clone())
        {
            return format!("\"{}\"", how.label());
        }
        shown(v, max)
    }

    /// One sentence: what holds two values, which stays in place, and the other.
    pub fn describe(&self) -> String {
        let what = if self.part == RecordPart::Client {
            "the client's details".to_string()
        } else {
            format!("{} {}", self.part.item_word(), self.item)
        };
        let field = self.field.replace('_', " ");
        match self.kind {
            ConflictKind::Edit => format!(
                "{what}, {field}: changed on both devices; {} is in place; the other value was {}",
                self.value(&self.kept, 60),
                self.value(&self.other, 60)
            ),
            ConflictKind::Finalised if self.field == super::SEAL => format!(
                "{what} was changed outside Rapport after it was finalised (those words no longer match its \
                 seal): the finalised version is in place and the changed words are kept beside it"
            ),
            ConflictKind::Finalised if self.part == RecordPart::Tasks => format!(
                "{what} was set or changed on one device for a note finalised on the other: that note stays as it \
                 was finalised, so the task is kept as it was or as a task of its own; the other version is kept \
                 beside it"
            ),
            ConflictKind::Finalised => format!(
                "{what} was changed after it was finalised, or on one device while finalised on the other: the \
                 finalised version is in place and the other is kept beside it (`rapport verify` checks the seal)"
            ),
            ConflictKind::Removed if self.part == RecordPart::Sessions => format!(
                "{what} was missing from one device's version: it was kept, since a note leaves the record only \
                 when the whole client is erased"
            ),
            ConflictKind::Removed => {
                format!("{what} was removed on one device and changed on the other: it was kept")
            }
            ConflictKind::SameId => format!(
                "two different {}s {} were written on two devices: one is in place, the other kept beside it",
                self.part.item_word(),
                self.item
            ),
        }
    }
}

impl Conflict {
    /// What settling it (with `take_other`: the other value put in place)
    /// leaves in place, in words: the app and the CLI say the same.
    pub fn settled(&self, take_other: bool) -> String {
        if take_other {
            format!("the other value is in place now: {}", self.value(&self.other, 200))
        } else {
            format!("the value in place stays: {}", self.value(&self.kept, 200))
        }
    }
}

impl super::super::ClientRecord {
    /// Settles the conflict at `index` (0-based, as listed): with
    /// `take_other`, the other value goes in place of the one kept
    /// (a field's conflict only); either way the conflict leaves the record.
    pub fn settle_conflict(&mut self, index: usize, take_other: bool) -> Result<Conflict, super::super::RecordError> {
        use super::super::RecordError::Invalid;
        let Some(c) = self.conflicts.get(index).cloned() else {
            return Err(Invalid(format!(
                "there is no conflict {} for this client; `rapport sync status` lists them",
                index + 1
            )));
        };
        if !take_other {
            self.conflicts.remove(index);
            return Ok(c);
        }
        if c.kind != ConflictKind::Edit {
            return Err(Invalid(
                "this conflict keeps both versions whole, and only a field's value can be put in place; read it, \
                 then settle it without --other"
                    .into(),
            ));
        }
        let mut v = serde_json::to_value(&*self).expect("records always serialise");
        let target = if c.part == RecordPart::Client {
            v.get_mut("client")
        } else {
            // A custom scale is known by its name's key; every other item by its id.
            let key = |i: &Value| match c.part {
                RecordPart::Scales => i.get("name").and_then(Value::as_str).map(crate::domain::slug),
                _ => i.get("id").and_then(Value::as_str).map(str::to_string),
            };
            v.get_mut(c.part.key())
                .and_then(Value::as_array_mut)
                .and_then(|items| items.iter_mut().find(|i| key(i).as_deref() == Some(c.item.as_str())))
        };
        let Some(item) = target.and_then(Value::as_object_mut) else {
            return Err(Invalid(format!("{} is no longer in the record; settle it without --other", c.item)));
        };
        if c.part == RecordPart::Sessions && item.get("finalised").is_some_and(|f| !f.is_null()) {
            return Err(Invalid(format!(
                "note {} is final now, so its words cannot change; settle this without --other and add an addendum",
                c.item
            )));
        }
        if c.other.is_null() {
            item.remove(&c.field);
        } else {
            item.insert(c.field.clone(), c.other.clone());
        }
        let mut settled: super::super::ClientRecord =
            serde_json::from_value(v).map_err(|e| Invalid(format!("the other value does not fit there ({e})")))?;
        settled.conflicts.remove(index);
        settled.device = self.device.clone();
        settled.check().map_err(Invalid)?;
        *self = settled;
        Ok(c)
    }
}
