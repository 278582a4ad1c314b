//! The record's types: what a client file holds, as serde types. The rules
//! that change them are in `edit.rs`; what must hold of them, in `check.rs`.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use super::ids::*;
use super::measures::{CustomScale, MeasureKind, Score};

/// One client's whole record: the contents of one `clients/<id>.json` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientRecord {
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

/// A change made on two devices that the merge could not keep both of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// When the merge met it.
    pub found: NaiveDateTime,
    pub kind: ConflictKind,
    /// Which part of the record: `client`, `sessions`, `tasks`, …
    pub part: String,
    /// The item's id (`t2`); empty for the client's details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub item: String,
    /// The field (`text`); empty when the conflict is about the whole item.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// The value left in place, as it was when the merge met the other.
    #[serde(default)]
    pub kept: serde_json::Value,
    /// The other device's value (a whole item when `field` is empty).
    #[serde(default)]
    pub other: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// Who the client is and how to reach them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// One session held: the note written after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Short id within the client, `s1`, `s2`, …
    pub id: SessionId,
    pub at: NaiveDateTime,
    pub minutes: u32,
    #[serde(default)]
    pub topics: Vec<String>,
    /// What the client said about the therapy, the plan, the last task.
    #[serde(default)]
    pub feedback: Vec<String>,
    /// What was not said: non-verbal cues, silences.
    #[serde(default)]
    pub observations: Vec<String>,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub notes: String,
    /// The appointment this note was written for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<NaiveDateTime>,
    /// Set when the note is finalised: from then on it is read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalised: Option<Finalised>,
    /// Dated corrections added after finalising, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addenda: Vec<Addendum>,
}

/// The seal on a finalised note: a hash of its content chained to the
/// client's previously finalised note, so a later change shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finalised {
    pub at: NaiveDateTime,
    /// Finalised automatically when its editing period ran out.
    #[serde(default)]
    pub auto: bool,
    /// Its place in the client's chain: 1, 2, 3, …
    pub seq: u32,
    /// SHA-256 (hex) of the previous finalised note's hash and this note's content.
    pub hash: String,
    /// What the hash covers. 1: the note's own words and facts. 2: those,
    /// the tasks the note set, and the moment it was sealed. Seals made
    /// before version 2 keep verifying as version 1.
    #[serde(default = "seal_v1", skip_serializing_if = "is_seal_v1")]
    pub version: u32,
}

fn seal_v1() -> u32 {
    1
}

fn is_seal_v1(v: &u32) -> bool {
    *v == 1
}

/// A dated correction to a finalised note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addendum {
    pub at: NaiveDateTime,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Dropped,
}

impl TaskStatus {
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Dropped => "dropped",
        }
    }
}

impl GoalStatus {
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }
}

/// Homework the therapist set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Short id within the client, `t1`, `t2`, …
    pub id: TaskId,
    pub text: String,
    /// The session that set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
    pub set_on: NaiveDate,
    pub status: TaskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
}

/// Something personal to remember, and perhaps to ask about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalDetail {
    /// Short id within the client, `p1`, `p2`, …
    pub id: DetailId,
    pub text: String,
    /// When it happens ("Mia's birthday party" on 2026-11-21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Ask about it next time.
    #[serde(default)]
    pub ask: bool,
    pub noted_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Active,
    Achieved,
    Dropped,
}

/// A goal of the therapy plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// Short id within the client, `g1`, `g2`, …
    pub id: GoalId,
    pub text: String,
    pub status: GoalStatus,
    /// The client agreed to this goal.
    #[serde(default)]
    pub agreed: bool,
    pub set_on: NaiveDate,
}

/// Something to go carefully with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchFor {
    /// Short id within the client, `w1`, `w2`, …
    pub id: WatchId,
    pub text: String,
    pub noted_on: NaiveDate,
}

/// A booked appointment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// Short id within the client, `a1`, `a2`, … (files before format 3
    /// have none; they are given one when read).
    #[serde(default)]
    pub id: AppointmentId,
    pub start: NaiveDateTime,
    pub minutes: u32,
    /// The note written for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<SessionId>,
    /// When it was cancelled; a cancelled appointment stays in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Text,
    Email,
    Phone,
    Voicemail,
}

impl Channel {
    /// A channel as a person types it, in any case: text (or sms), email
    /// (mail), phone (call), voicemail (vm).
    pub fn parse(word: &str) -> Option<Channel> {
        Some(match word.trim().to_lowercase().as_str() {
            "text" | "sms" => Channel::Text,
            "email" | "mail" => Channel::Email,
            "phone" | "call" => Channel::Phone,
            "voicemail" | "vm" => Channel::Voicemail,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Text => "text",
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Voicemail => "voicemail",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the client to the therapist: may need a reply.
    Incoming,
    Outgoing,
}

/// A text, email, call or voicemail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Short id within the client, `c1`, `c2`, …
    pub id: ContactId,
    pub at: NaiveDateTime,
    pub channel: Channel,
    pub direction: Direction,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<NaiveDateTime>,
}

impl Contact {
    pub fn awaits_reply(&self) -> bool {
        self.direction == Direction::Incoming && self.replied_at.is_none()
    }
}

/// An outcome or alliance measure taken: the item scores as given and
/// their total, which Rapport adds up (see `measures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// Short id within the client, `m1`, `m2`, …
    pub id: MeasureId,
    pub kind: MeasureKind,
    pub at: NaiveDateTime,
    pub items: Vec<Score>,
    pub total: Score,
    /// The note of the session it was taken in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
}

/// What the therapist types after a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub at: Option<NaiveDateTime>,
    pub minutes: Option<u32>,
    pub topics: Vec<String>,
    pub feedback: Vec<String>,
    pub observations: Vec<String>,
    /// Each becomes an open `Task` linked to the session.
    pub tasks: Vec<String>,
    /// Each becomes a `PersonalDetail` to ask about, linked to the session.
    /// A `YYYY-MM-DD` date in the line becomes the detail's date.
    pub personal: Vec<String>,
    pub plan: String,
    pub notes: String,
    /// The appointment the note is written for: it takes the note's id.
    pub appointment: Option<AppointmentId>,
    /// Measures taken in the session: (kind, item scores), read from the
    /// note form's lines with `measures::read_line`.
    #[serde(default)]
    pub measures: Vec<(MeasureKind, Vec<Score>)>,
    /// The settings' custom scales, for measures of a custom kind.
    #[serde(default)]
    pub scales: Vec<CustomScale>,
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
