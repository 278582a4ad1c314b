//! The profile's items: tasks, personal details, goals, watch-for items
//! and messages (with the channels they come by).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{ContactId, DetailId, GoalId, QuestionId, SessionId, TaskId, WatchId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// Homework the therapist set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Active,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }

    /// The status a goal takes when marked `to`: marked again with the
    /// status it has, it is active again (an achievement marked by mistake,
    /// or a goal taken up again).
    pub fn marked(self, to: GoalStatus) -> GoalStatus {
        if self == to { GoalStatus::Active } else { to }
    }
}

/// A goal of the therapy plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WatchFor {
    /// Short id within the client, `w1`, `w2`, …
    pub id: WatchId,
    pub text: String,
    pub noted_on: NaiveDate,
    /// The day it was resolved: it stays in the record (and the export),
    /// out of the review. Never erased, so a slip can be set back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_on: Option<NaiveDate>,
    /// Why it was resolved, when you said (an older Rapport drops it and
    /// only forgets the reason: no new format version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_why: Option<String>,
}

impl WatchFor {
    pub fn is_resolved(&self) -> bool {
        self.resolved_on.is_some()
    }
}

/// A question about this client to bring to supervision: kept until it is
/// discussed there, then kept as discussed (with the day), never erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupervisionQuestion {
    /// Short id within the client, `q1`, `q2`, …
    pub id: QuestionId,
    pub text: String,
    pub noted_on: NaiveDate,
    /// The day of the supervision it was discussed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussed_on: Option<NaiveDate>,
}

impl SupervisionQuestion {
    pub fn is_open(&self) -> bool {
        self.discussed_on.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, clap::ValueEnum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the client to the therapist: may need a reply.
    Incoming,
    Outgoing,
}

/// A text, email, call or voicemail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
