//! What two devices changed differently, kept in the record by `rapport
//! sync` until the therapist picks one.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A change made on two devices that the merge could not keep both of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Conflict {
    /// When the merge met it.
    pub found: NaiveDateTime,
    pub kind: ConflictKind,
    /// Which part of the record: `client`, `sessions`, `tasks`, …
    pub part: super::RecordPart,
    /// The item's id (`t2`); empty for the client's details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub item: String,
    /// The field (`text`); empty when the conflict is about the whole item,
    /// and `seal` for a finalised note whose other version's words no
    /// longer match its seal (changed outside Rapport).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// The value left in place, as it was when the merge met the other.
    #[serde(default)]
    pub kept: serde_json::Value,
    /// The value not in place: the one the merge did not keep (a whole item
    /// when `field` is empty).
    #[serde(default)]
    pub other: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The same field changed differently on both devices.
    Edit,
    /// A finalised note changed on one device (or changed on one while it
    /// was finalised on the other): never merged, both versions kept.
    Finalised,
    /// Removed on one device and changed on the other: kept.
    Removed,
    /// Two different items given the same id on two devices: `other` is
    /// the second one, whole.
    SameId,
}
