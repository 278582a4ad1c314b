//! The parts of a client's record and the kinds of item in them, as types:
//! a conflict names its part, and a typed short reference (`3`, `t3`) its
//! kind, with these enums rather than strings, so a part or kind that is
//! not the record's cannot be named and each `match` names them all.

use serde::{Deserialize, Serialize};

use super::{AppointmentId, ContactId, DetailId, GoalId, MeasureId, QuestionId, SessionId, TaskId, WatchId};

/// A part of a client's record, as a conflict from syncing names it (its
/// serde name is the key of that part in a client file).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum RecordPart {
    /// A value of the record itself, outside its lists (files of older
    /// versions name it so).
    Record,
    Client,
    Sessions,
    Tasks,
    Personal,
    Goals,
    WatchFor,
    Appointments,
    Contacts,
    Measures,
    Scales,
    Supervision,
    Conflicts,
}

impl RecordPart {
    /// Its key in a client file: `sessions`, `watch_for`, …
    pub fn key(self) -> &'static str {
        match self {
            RecordPart::Record => "record",
            RecordPart::Client => "client",
            RecordPart::Sessions => "sessions",
            RecordPart::Tasks => "tasks",
            RecordPart::Personal => "personal",
            RecordPart::Goals => "goals",
            RecordPart::WatchFor => "watch_for",
            RecordPart::Appointments => "appointments",
            RecordPart::Contacts => "contacts",
            RecordPart::Measures => "measures",
            RecordPart::Scales => "scales",
            RecordPart::Supervision => "supervision",
            RecordPart::Conflicts => "conflicts",
        }
    }

    /// One of its items, in words: "note", "task", …
    pub fn item_word(self) -> &'static str {
        match self {
            RecordPart::Record => "value",
            RecordPart::Client => "client",
            RecordPart::Sessions => "note",
            RecordPart::Tasks => "task",
            RecordPart::Personal => "personal detail",
            RecordPart::Goals => "goal",
            RecordPart::WatchFor => "watch-for item",
            RecordPart::Appointments => "appointment",
            RecordPart::Contacts => "message",
            RecordPart::Measures => "measure",
            RecordPart::Scales => "custom measure",
            RecordPart::Supervision => "question for supervision",
            RecordPart::Conflicts => "conflict",
        }
    }
}

/// The kinds of item that have an id of their own within a client's
/// record, and so can be named by a short reference. `ItemKind::VARIANTS`
/// lists them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum ItemKind {
    Session,
    Task,
    Detail,
    Goal,
    Watch,
    Contact,
    Appointment,
    Measure,
    Question,
}

impl ItemKind {
    /// The letters its ids start with: `t` of `t3`.
    pub fn prefix(self) -> &'static str {
        match self {
            ItemKind::Session => "s",
            ItemKind::Task => "t",
            ItemKind::Detail => "p",
            ItemKind::Goal => "g",
            ItemKind::Watch => "w",
            ItemKind::Contact => "c",
            ItemKind::Appointment => "a",
            ItemKind::Measure => "m",
            ItemKind::Question => "q",
        }
    }

    /// What one is called, for the therapist: "note", "personal detail".
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Session => "note",
            ItemKind::Task => "task",
            ItemKind::Detail => "personal detail",
            ItemKind::Goal => "goal",
            ItemKind::Watch => "watch-for item",
            ItemKind::Contact => "message",
            ItemKind::Appointment => "appointment",
            ItemKind::Measure => "measure",
            ItemKind::Question => "question for supervision",
        }
    }

    /// The part of the record its items are in.
    pub fn part(self) -> RecordPart {
        match self {
            ItemKind::Session => RecordPart::Sessions,
            ItemKind::Task => RecordPart::Tasks,
            ItemKind::Detail => RecordPart::Personal,
            ItemKind::Goal => RecordPart::Goals,
            ItemKind::Watch => RecordPart::WatchFor,
            ItemKind::Contact => RecordPart::Contacts,
            ItemKind::Appointment => RecordPart::Appointments,
            ItemKind::Measure => RecordPart::Measures,
            ItemKind::Question => RecordPart::Supervision,
        }
    }
}

/// An id type of an item kind: what a short reference resolves to.
pub trait ItemIdType {
    const KIND: ItemKind;
    /// The id, from what a person typed once `item_ref` has resolved it.
    fn from_typed(id: String) -> Self;
}

macro_rules! item_id_type {
    ($($id:ty => $kind:ident),*) => {$(
        impl ItemIdType for $id {
            const KIND: ItemKind = ItemKind::$kind;
            fn from_typed(id: String) -> Self {
                <$id>::new(id)
            }
        }
    )*};
}

item_id_type!(
    SessionId => Session, TaskId => Task, DetailId => Detail, GoalId => Goal, WatchId => Watch,
    ContactId => Contact, AppointmentId => Appointment, MeasureId => Measure, QuestionId => Question
);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn a_parts_key_is_its_name_in_a_client_file() {
        // Every variant, as the compiler lists them: a part added is checked too.
        for &part in RecordPart::VARIANTS {
            assert_eq!(serde_json::to_value(part).unwrap(), serde_json::Value::from(part.key()));
        }
    }

    #[test]
    fn every_item_kind_has_its_own_prefix_and_part() {
        let all = ItemKind::VARIANTS;
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.prefix(), b.prefix());
                assert_ne!(a.part(), b.part());
            }
        }
    }
}
