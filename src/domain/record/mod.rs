//! The record's types: what a client file holds, as serde types. The rules
//! that change them are in `edit/`; what must hold of them, in `check.rs`.
//! Here: the whole record, the client and their profile, and the error a
//! refused change gives; its parts are in the files named for them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::ids::*;
use super::measures::CustomScale;

mod conflict;
mod items;
mod parts;
mod sessions;

pub use conflict::*;
pub use items::*;
pub use parts::*;
pub use sessions::*;

/// One client's whole record: the contents of one `clients/<id>.json` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClientRecord {
    /// The format the file is written in (see docs/format.md): a file of a
    /// newer format is read, never written, by an older Rapport.
    #[schemars(range(min = 1, max = super::SCHEMA_VERSION))]
    pub schema_version: u32,
    pub client: Client,
    #[serde(default)]
    pub sessions: Vec<Session>,
    #[serde(default)]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub personal: Vec<PersonalDetail>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub watch_for: Vec<WatchFor>,
    #[serde(default)]
    pub appointments: Vec<Appointment>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Outcome and alliance measures taken, oldest first (format 4 on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
    /// The custom scales this client's measures are scored on, copied from
    /// the settings when first used, so the file reads the same anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<CustomScale>,
    /// Questions about this client to bring to supervision (format 6 on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supervision: Vec<SupervisionQuestion>,
    /// What two devices changed differently, found when their copies were
    /// merged by `rapport sync`: one value stays in place, the other waits
    /// here until the therapist picks. Left out when empty, so files without
    /// any keep their format (no schema change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// The mark of the device making a change, which the ids it gives
    /// carry once the practice is synced (`t3-k4x`). Set by the store
    /// before a change; never saved.
    #[serde(skip)]
    pub device: DeviceTag,
}

/// A synced device's short mark (three letters or digits), or none. Not
/// part of the record: two records that differ only in it are equal.
#[derive(Debug, Clone, Default)]
pub struct DeviceTag(pub Option<String>);

impl DeviceTag {
    pub fn tag(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl PartialEq for DeviceTag {
    fn eq(&self, _: &DeviceTag) -> bool {
        true
    }
}

/// Who the client is and how to reach them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Client {
    /// Stable id, also the file name (`clients/<id>.json`).
    pub id: ClientId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<Channel>,
    pub created: NaiveDate,
    #[serde(default)]
    pub archived: bool,
    /// The placement or setting the client is seen in (an agency, a
    /// course placement, private work), for the practice log (format 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
}

/// The profile fields a therapist can type in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// How they prefer to be contacted.
    #[serde(default)]
    pub preferred_channel: Option<Channel>,
}

/// A change the record refuses, in words for the therapist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Invalid(String),
    /// A note with nothing in it; each front end says what to type.
    #[error("the note is empty")]
    EmptyNote,
    #[error("there is no {kind} {id} for this client")]
    UnknownId { kind: &'static str, id: String },
}
