//! The pre-session review: what to remember before a client arrives.
//!
//! A pure function of (record, appointment, now). The CLI `review` and the
//! TUI review screen both render [`Summary::sections`], so they always show
//! the same headings in the same order.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::appointments::AppointmentState;
use super::measures::{Flag, Trend};
use super::time::relative;
use super::{
    Appointment, ClientId, ClientRecord, ContactId, DetailId, GoalId, GoalStatus, QuestionId, SessionId, TaskId,
    TaskStatus,
};

/// How many sessions' feedback "They told you" reaches back.
const FEEDBACK_SESSIONS: usize = 3;
/// How many sessions before the last one "Last time" condenses.
const EARLIER_SESSIONS: usize = 2;
/// A dated detail this many days after the appointment is "coming up".
const COMING_UP_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub client_id: ClientId,
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub appointment: Option<Appointment>,
    /// "in 25 min", "now", "tomorrow 10:00".
    pub appointment_when: Option<String>,
    /// The number the coming session will have.
    pub session_number: usize,
    pub days_since_last: Option<i64>,
    pub last_time: Option<SessionTopics>,
    /// Appointments since the last session that were not held, oldest
    /// first, each with why ("did not attend").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_held_since: Vec<Dated>,
    /// Condensed topics of the sessions before the last, newest first.
    pub earlier: Vec<SessionTopics>,
    /// Client feedback from recent sessions, newest first.
    pub told_you: Vec<Dated>,
    pub tasks_to_check: Vec<TaskItem>,
    /// Tasks done since the last session: something to give credit for.
    pub done_since_last: Vec<TaskItem>,
    pub personal: Vec<PersonalItem>,
    pub plan: Option<String>,
    /// Your assessment at the last session, if you wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<String>,
    pub goals: Vec<GoalItem>,
    pub watch_for: Vec<String>,
    pub awaiting_reply: Vec<ReplyItem>,
    /// Each kind of measure taken before the appointment: latest total,
    /// band, change since the first and its reading, every total.
    pub measures: Vec<Trend>,
    /// Warnings the measures raise, the most urgent first: the review
    /// shows them at its top.
    pub flags: Vec<Flag>,
    /// Conflicts from syncing two devices, in words, until they are settled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub from_two_devices: Vec<String>,
    /// The questions about this client kept for the next supervision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub for_supervision: Vec<QuestionItem>,
    /// Ids whose number another item of their kind has too: shown whole
    /// (see [`crate::domain::find::shown_id`]).
    #[serde(skip)]
    pub shared_numbers: std::collections::BTreeSet<String>,
}

/// A question kept for supervision, as the review shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionItem {
    pub id: QuestionId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionTopics {
    pub session: SessionId,
    pub date: NaiveDate,
    pub topics: Vec<String>,
    /// What was not said (non-verbal cues, silences): for the last session only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dated {
    pub date: NaiveDate,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskItem {
    pub id: TaskId,
    pub text: String,
    pub set_on: NaiveDate,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalKind {
    /// A dated event that fell between the last session and this appointment.
    HappenedSince,
    /// Flagged "ask about next time".
    AskAbout,
    /// A dated event in the next two weeks.
    ComingUp,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonalItem {
    pub id: DetailId,
    pub text: String,
    pub date: Option<NaiveDate>,
    pub kind: PersonalKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalItem {
    pub id: GoalId,
    pub text: String,
    pub agreed: bool,
    pub status: GoalStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyItem {
    pub id: ContactId,
    pub channel: String,
    pub at: NaiveDateTime,
    pub summary: String,
}

/// Builds the review of `record` for `appointment` (or for `now` when there
/// is none).
pub fn summary(record: &ClientRecord, appointment: Option<&Appointment>, now: NaiveDateTime) -> Summary {
    let target = appointment.map_or(now, |a| a.start);
    let mut held: Vec<_> = record.sessions.iter().filter(|s| s.at <= target).collect();
    held.sort_by_key(|s| std::cmp::Reverse(s.at));
    let last = held.first().copied();
    let last_day = last.map(|s| s.at.date());
    let topics = |s: &&super::Session| SessionTopics {
        session: s.id.clone(),
        date: s.at.date(),
        topics: s.topics.clone(),
        observations: Vec::new(),
    };

    let told_you = held
        .iter()
        .take(FEEDBACK_SESSIONS)
        .flat_map(|s| s.feedback.iter().map(|f| Dated { date: s.at.date(), text: f.clone() }))
        .collect();

    let task_item = |t: &super::Task| TaskItem {
        id: t.id.clone(),
        text: t.text.clone(),
        set_on: t.set_on,
        outcome: t.outcome.clone(),
    };
    let tasks_to_check = record.open_tasks().map(task_item).collect();
    let done_since_last = record
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done && last_day.is_some_and(|d| t.closed_on.is_some_and(|c| c >= d)))
        .map(task_item)
        .collect();

    let mut personal: Vec<PersonalItem> = record
        .personal
        .iter()
        .map(|p| {
            let kind = match p.date {
                Some(d) if last_day.is_some_and(|l| d > l) && d <= target.date() => PersonalKind::HappenedSince,
                _ if p.ask => PersonalKind::AskAbout,
                Some(d) if d > target.date() && (d - target.date()).num_days() <= COMING_UP_DAYS => {
                    PersonalKind::ComingUp
                }
                _ => PersonalKind::Other,
            };
            PersonalItem { id: p.id.clone(), text: p.text.clone(), date: p.date, kind }
        })
        .collect();
    // Stable sort: within a kind, the order they were noted in.
    personal.sort_by_key(|p| p.kind as u8);

    Summary {
        client_id: record.client.id.clone(),
        name: record.client.name.clone(),
        preferred_name: record.client.preferred_name.clone(),
        pronouns: record.client.pronouns.clone(),
        appointment: appointment.cloned(),
        // Once it has ended, where its note stands, as Today says it.
        appointment_when: appointment.map(|a| match a.state(now) {
            s @ (AppointmentState::Noted | AppointmentState::Cancelled(_)) => {
                s.what_happened().unwrap_or_default().to_string()
            }
            s @ AppointmentState::NoteDue => s.label().to_string(),
            _ => relative(now, a.start, a.minutes),
        }),
        session_number: held.len() + 1,
        days_since_last: last.map(|s| (target.date() - s.at.date()).num_days()),
        last_time: last.map(|s| SessionTopics { observations: s.observations.clone(), ..topics(&s) }),
        not_held_since: {
            let mut missed: Vec<&Appointment> = record
                .appointments
                .iter()
                .filter(|a| a.start < target && last.is_none_or(|s| a.start > s.at))
                .filter(|a| appointment.is_none_or(|this| this.id != a.id))
                .collect();
            missed.sort_by_key(|a| a.start);
            missed
                .into_iter()
                .filter_map(|a| Some(Dated { date: a.start.date(), text: a.not_held()?.label().to_string() }))
                .collect()
        },
        earlier: held.iter().skip(1).take(EARLIER_SESSIONS).map(topics).collect(),
        told_you,
        tasks_to_check,
        done_since_last,
        personal,
        plan: last.map(|s| s.plan.clone()).filter(|p| !p.is_empty()),
        assessment: last.map(|s| s.assessment.clone()).filter(|a| !a.is_empty()),
        goals: record
            .goals
            .iter()
            .filter(|g| g.status == GoalStatus::Active)
            .map(|g| GoalItem { id: g.id.clone(), text: g.text.clone(), agreed: g.agreed, status: g.status })
            .collect(),
        // A resolved item stays in the record, not in the review.
        watch_for: record.watch_for.iter().filter(|w| !w.is_resolved()).map(|w| w.text.clone()).collect(),
        awaiting_reply: record
            .contacts
            .iter()
            .filter(|c| c.awaits_reply())
            .map(|c| ReplyItem {
                id: c.id.clone(),
                channel: c.channel.label().to_string(),
                at: c.at,
                summary: c.summary.clone(),
            })
            .collect(),
        measures: record.trends(target),
        flags: record.measure_flags(target),
        from_two_devices: record.conflicts.iter().map(|c| c.describe()).collect(),
        for_supervision: record
            .open_questions()
            .map(|q| QuestionItem { id: q.id.clone(), text: q.text.clone() })
            .collect(),
        shared_numbers: record.shared_numbers(),
    }
}

mod sections;
#[cfg(test)]
mod tests;

pub use sections::{
    Emphasis, HEADING_WIDTH, HEADINGS, MEASURES, ReviewLine, SUPERVISION, Section, TWO_DEVICES, open_task_line, quoted,
};
