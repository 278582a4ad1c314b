//! The record of a practice: everything a therapist keeps about a client.
//!
//! Plain serde types with no terminal or file code. Times are local
//! wall-clock times (`NaiveDateTime`), as the therapist reads them in a diary;
//! nothing here reads the clock — callers pass `now`.

pub mod bounds;
mod check;
pub mod export;
pub mod finalise;
pub mod profile;
pub mod summary;
pub mod time;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The version of the client file format this build writes.
/// 1: the first format. 2: sessions can be finalised and carry addenda.
pub const SCHEMA_VERSION: u32 = 2;

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
}

/// Who the client is and how to reach them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// Stable id, also the file name (`clients/<id>.json`).
    pub id: String,
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
    pub id: String,
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
    pub id: String,
    pub text: String,
    /// The session that set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
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
    pub id: String,
    pub text: String,
    /// When it happens ("Mia's birthday party" on 2026-11-21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Ask about it next time.
    #[serde(default)]
    pub ask: bool,
    pub noted_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
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
    pub id: String,
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
    pub id: String,
    pub text: String,
    pub noted_on: NaiveDate,
}

/// A booked appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub start: NaiveDateTime,
    pub minutes: u32,
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
    pub id: String,
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
    pub appointment: Option<NaiveDateTime>,
}

/// The profile fields a therapist can type in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A change the record refuses, in words for the therapist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Invalid(String),
    #[error("there is no {kind} {id} for this client")]
    UnknownId { kind: &'static str, id: String },
}

/// The next short id (`t7`) after the highest in use with this prefix.
fn next_id<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let max = ids.filter_map(|id| id.strip_prefix(prefix)?.parse::<u64>().ok()).max().unwrap_or(0);
    format!("{prefix}{}", max.saturating_add(1))
}

fn clean_lines(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl ClientProfile {
    /// Trims every field and makes each one line (a line break or tab
    /// becomes a space); refuses an empty name.
    pub fn cleaned(self) -> Result<ClientProfile, RecordError> {
        let one_line = |s: String| {
            s.split(['\n', '\r', '\t']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
        };
        let name = one_line(self.name);
        if name.is_empty() {
            return Err(RecordError::Invalid("a client needs a name".into()));
        }
        Ok(ClientProfile {
            name,
            preferred_name: non_empty(self.preferred_name.map(one_line)),
            pronouns: non_empty(self.pronouns.map(one_line)),
            phone: non_empty(self.phone.map(one_line)),
            email: non_empty(self.email.map(one_line)),
        })
    }
}

impl ClientRecord {
    /// A new, empty record for a client.
    pub fn new(id: String, profile: ClientProfile, created: NaiveDate) -> ClientRecord {
        let mut record = ClientRecord {
            schema_version: SCHEMA_VERSION,
            client: Client {
                id,
                name: String::new(),
                preferred_name: None,
                pronouns: None,
                phone: None,
                email: None,
                preferred_channel: None,
                created,
                archived: false,
            },
            sessions: Vec::new(),
            tasks: Vec::new(),
            personal: Vec::new(),
            goals: Vec::new(),
            watch_for: Vec::new(),
            appointments: Vec::new(),
            contacts: Vec::new(),
        };
        record.set_profile(profile);
        record
    }

    pub fn profile(&self) -> ClientProfile {
        let c = &self.client;
        ClientProfile {
            name: c.name.clone(),
            preferred_name: c.preferred_name.clone(),
            pronouns: c.pronouns.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        }
    }

    pub fn set_profile(&mut self, p: ClientProfile) {
        let c = &mut self.client;
        c.name = p.name;
        c.preferred_name = p.preferred_name;
        c.pronouns = p.pronouns;
        c.phone = p.phone;
        c.email = p.email;
    }

    /// "Maria Lopez (Mari)" or just the name.
    pub fn display_name(&self) -> String {
        display_name(&self.client.name, self.client.preferred_name.as_deref())
    }

    /// What the therapist calls the client: "Mari", else "Maria Lopez".
    pub fn called(&self) -> &str {
        self.client.preferred_name.as_deref().unwrap_or(&self.client.name)
    }

    /// Sessions sorted oldest first (files keep them in that order).
    pub fn last_session(&self) -> Option<&Session> {
        self.sessions.iter().max_by_key(|s| s.at)
    }

    /// The sessions, newest first (files keep them oldest first).
    pub fn sessions_newest_first(&self) -> Vec<&Session> {
        let mut s: Vec<&Session> = self.sessions.iter().collect();
        s.sort_by_key(|s| std::cmp::Reverse(s.at));
        s
    }

    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.status == TaskStatus::Open)
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Adds a session note; tasks and personal details typed in it become
    /// the client's, linked to it. Returns the new session's id.
    pub fn add_session(&mut self, new: NewSession, now: NaiveDateTime) -> Result<String, RecordError> {
        let at = new.at.unwrap_or(now);
        let minutes = new.minutes.unwrap_or(50);
        bounds::check_number("the session length in minutes", minutes, &bounds::MINUTES)
            .map_err(RecordError::Invalid)?;
        let id = next_id("s", self.sessions.iter().map(|s| s.id.as_str()));
        let day = at.date();
        for text in clean_lines(&new.tasks) {
            let tid = next_id("t", self.tasks.iter().map(|t| t.id.as_str()));
            self.tasks.push(Task {
                id: tid,
                text,
                session: Some(id.clone()),
                set_on: day,
                status: TaskStatus::Open,
                outcome: None,
                closed_on: None,
            });
        }
        for line in clean_lines(&new.personal) {
            let (text, date) = time::split_date(&line);
            self.add_personal(text, date, true, day, Some(id.clone()));
        }
        self.sessions.push(Session {
            id: id.clone(),
            at,
            minutes,
            topics: clean_lines(&new.topics),
            feedback: clean_lines(&new.feedback),
            observations: clean_lines(&new.observations),
            plan: new.plan.trim().to_string(),
            notes: new.notes.trim_end().to_string(),
            appointment: new.appointment,
            finalised: None,
            addenda: Vec::new(),
        });
        self.sessions.sort_by_key(|s| s.at);
        Ok(id)
    }

    pub fn add_personal(
        &mut self,
        text: String,
        date: Option<NaiveDate>,
        ask: bool,
        noted_on: NaiveDate,
        session: Option<String>,
    ) -> String {
        let id = next_id("p", self.personal.iter().map(|p| p.id.as_str()));
        self.personal.push(PersonalDetail { id: id.clone(), text, date, ask, noted_on, session });
        id
    }

    pub fn add_goal(&mut self, text: String, agreed: bool, today: NaiveDate) -> String {
        let id = next_id("g", self.goals.iter().map(|g| g.id.as_str()));
        self.goals.push(Goal { id: id.clone(), text, status: GoalStatus::Active, agreed, set_on: today });
        id
    }

    /// Flags a personal detail to ask about next time, or unflags it.
    pub fn set_personal_ask(&mut self, id: &str, ask: bool) -> Result<(), RecordError> {
        let p = self.personal.iter_mut().find(|p| p.id == id).ok_or_else(|| unknown("personal", id))?;
        p.ask = ask;
        Ok(())
    }

    /// Removes a personal detail, watch-for item or contact that no longer
    /// belongs in the record (goals are dropped instead, tasks closed).
    /// Removes a personal detail, watch-for item or message; returns its
    /// text. Goals are dropped instead, never removed.
    pub fn remove_item(&mut self, kind: profile::ItemKind, id: &str) -> Result<String, RecordError> {
        use profile::ItemKind;
        let text = match kind {
            ItemKind::Personal => {
                let i = self.personal.iter().position(|p| p.id == id).ok_or_else(|| unknown("personal detail", id))?;
                self.personal.remove(i).text
            }
            ItemKind::WatchFor => {
                let i = self.watch_for.iter().position(|w| w.id == id).ok_or_else(|| unknown("watch-for item", id))?;
                self.watch_for.remove(i).text
            }
            ItemKind::Messages => {
                let i = self.contacts.iter().position(|c| c.id == id).ok_or_else(|| unknown("message", id))?;
                self.contacts.remove(i).summary
            }
            ItemKind::Goals => return Err(RecordError::Invalid("goals are dropped, not removed".into())),
        };
        Ok(text)
    }

    /// Records whether the client agreed to a goal.
    pub fn set_goal_agreed(&mut self, id: &str, agreed: bool) -> Result<(), RecordError> {
        let goal = self.goals.iter_mut().find(|g| g.id == id).ok_or_else(|| unknown("goal", id))?;
        goal.agreed = agreed;
        Ok(())
    }

    pub fn set_goal_status(&mut self, id: &str, status: GoalStatus) -> Result<(), RecordError> {
        let goal = self.goals.iter_mut().find(|g| g.id == id).ok_or_else(|| unknown("goal", id))?;
        goal.status = status;
        Ok(())
    }

    pub fn add_watch_for(&mut self, text: String, today: NaiveDate) -> String {
        let id = next_id("w", self.watch_for.iter().map(|w| w.id.as_str()));
        self.watch_for.push(WatchFor { id: id.clone(), text, noted_on: today });
        id
    }

    /// Closes a task (done or dropped) or reopens it, with an outcome note.
    pub fn set_task_status(
        &mut self,
        id: &str,
        status: TaskStatus,
        outcome: Option<String>,
        today: NaiveDate,
    ) -> Result<(), RecordError> {
        let task = self.tasks.iter_mut().find(|t| t.id == id).ok_or_else(|| unknown("task", id))?;
        task.status = status;
        task.closed_on = (status != TaskStatus::Open).then_some(today);
        if let Some(o) = non_empty(outcome) {
            task.outcome = Some(o);
        }
        Ok(())
    }

    pub fn add_contact(
        &mut self,
        at: NaiveDateTime,
        channel: Channel,
        direction: Direction,
        summary: String,
    ) -> String {
        let id = next_id("c", self.contacts.iter().map(|c| c.id.as_str()));
        self.contacts.push(Contact { id: id.clone(), at, channel, direction, summary, replied_at: None });
        self.contacts.sort_by_key(|c| c.at);
        id
    }

    pub fn mark_replied(&mut self, id: &str, at: NaiveDateTime) -> Result<(), RecordError> {
        let contact = self.contacts.iter_mut().find(|c| c.id == id).ok_or_else(|| unknown("contact", id))?;
        if contact.replied_at.is_some() {
            return Err(RecordError::Invalid(format!("contact {id} is already marked as replied")));
        }
        contact.replied_at = Some(at);
        Ok(())
    }

    /// Books `1 + weekly` appointments a week apart. Returns any existing
    /// appointments the new ones overlap, so the caller can warn.
    pub fn schedule(
        &mut self,
        start: NaiveDateTime,
        minutes: u32,
        weekly: u32,
    ) -> Result<Vec<Appointment>, RecordError> {
        bounds::check_number("the appointment length in minutes", minutes, &bounds::MINUTES)
            .map_err(RecordError::Invalid)?;
        bounds::check_number("the number of weekly repeats", weekly, &bounds::WEEKLY_REPEATS)
            .map_err(RecordError::Invalid)?;
        let mut overlaps = Vec::new();
        for week in 0..=weekly {
            let start = start
                .checked_add_signed(chrono::Duration::weeks(week.into()))
                .ok_or_else(|| RecordError::Invalid("that appointment is too far in the future".into()))?;
            let appt = Appointment { start, minutes };
            if self.appointments.iter().any(|a| a.start == appt.start) {
                return Err(RecordError::Invalid(format!(
                    "there is already an appointment at {}",
                    time::format_datetime(appt.start)
                )));
            }
            overlaps.extend(self.appointments.iter().filter(|a| overlap(a, &appt)).cloned());
            self.appointments.push(appt);
        }
        self.appointments.sort_by_key(|a| a.start);
        Ok(overlaps)
    }

    pub fn cancel_appointment(&mut self, start: NaiveDateTime) -> Result<Appointment, RecordError> {
        let pos = self.appointments.iter().position(|a| a.start == start).ok_or_else(|| {
            RecordError::Invalid(format!(
                "there is no appointment at {}; `rapport agenda` lists them",
                time::format_datetime(start)
            ))
        })?;
        Ok(self.appointments.remove(pos))
    }

    /// The first appointment that has not yet ended at `now`.
    pub fn next_appointment(&self, now: NaiveDateTime) -> Option<&Appointment> {
        self.appointments.iter().filter(|a| a.end() > now).min_by_key(|a| a.start)
    }

    /// One line to jog the memory: the first open task, else the first
    /// ask-about detail.
    pub fn reminder(&self) -> Option<String> {
        if let Some(t) = self.open_tasks().next() {
            return Some(format!("task: {}", t.text));
        }
        self.personal.iter().find(|p| p.ask).map(|p| format!("ask: {}", p.text))
    }
}

impl Appointment {
    pub fn end(&self) -> NaiveDateTime {
        // Starts and lengths are bounded (see `bounds`), so this cannot overflow;
        // saturate anyway rather than panic.
        self.start.checked_add_signed(chrono::Duration::minutes(self.minutes.into())).unwrap_or(self.start)
    }
}

fn overlap(a: &Appointment, b: &Appointment) -> bool {
    a.start < b.end() && b.start < a.end()
}

fn unknown(kind: &'static str, id: &str) -> RecordError {
    RecordError::UnknownId { kind, id: id.to_string() }
}

/// A file-name-safe id from a client's name: "María López" → "maria-lopez".
/// "Maria Lopez (Mari)", or just the name: the one way a client is named in
/// lists, headings and messages.
pub fn display_name(name: &str, preferred: Option<&str>) -> String {
    match preferred {
        Some(p) if p != name => format!("{name} ({p})"),
        _ => name.to_string(),
    }
}

pub fn slug(name: &str) -> String {
    // Accents and other scripts become their nearest ASCII (deunicode), so a
    // client's id is plain: "Zoë Ørsted-Núñez" is zoe-orsted-nunez.
    let mut out = String::new();
    for c in deunicode::deunicode(name).chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(40).collect::<String>();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "client".to_string() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn record() -> ClientRecord {
        ClientRecord::new(
            "maria-lopez".into(),
            ClientProfile { name: "Maria Lopez".into(), ..Default::default() },
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        )
    }

    #[test]
    fn tasks_and_personal_details_typed_in_a_note_become_the_clients() {
        let mut r = record();
        let id = r
            .add_session(
                NewSession {
                    topics: vec!["sleep".into(), "  ".into()],
                    tasks: vec!["keep a sleep diary".into()],
                    personal: vec!["Mia's birthday party 2026-11-21".into()],
                    ..Default::default()
                },
                dt("2026-11-16 10:00"),
            )
            .unwrap();
        assert_eq!(id, "s1");
        assert_eq!(r.sessions[0].topics, vec!["sleep"]);
        assert_eq!(r.sessions[0].minutes, 50);
        assert_eq!(r.tasks[0].session.as_deref(), Some("s1"));
        assert_eq!(r.tasks[0].status, TaskStatus::Open);
        assert_eq!(r.personal[0].date, NaiveDate::from_ymd_opt(2026, 11, 21));
        assert_eq!(r.personal[0].text, "Mia's birthday party");
        assert!(r.personal[0].ask);
    }

    #[test]
    fn ids_never_repeat_after_a_gap() {
        let mut r = record();
        r.add_goal("a".into(), false, NaiveDate::MIN);
        r.add_goal("b".into(), false, NaiveDate::MIN);
        r.goals.remove(0);
        assert_eq!(r.add_goal("c".into(), false, NaiveDate::MIN), "g3");
    }

    #[test]
    fn weekly_appointments_warn_about_overlaps_and_refuse_duplicates() {
        let mut r = record();
        r.schedule(dt("2026-11-30 10:00"), 50, 0).unwrap();
        let overlaps = r.schedule(dt("2026-11-23 10:30"), 50, 1).unwrap();
        // 30 Nov 10:30-11:20 overlaps the 10:00-10:50 already booked.
        assert_eq!(overlaps, vec![Appointment { start: dt("2026-11-30 10:00"), minutes: 50 }]);
        assert_eq!(r.appointments.len(), 3);
        assert!(r.schedule(dt("2026-11-30 10:00"), 50, 0).is_err());
    }

    #[test]
    fn slug_is_file_safe() {
        assert_eq!(slug("María  López"), "maria-lopez");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("###"), "client");
    }
}

#[cfg(test)]
mod slug_tests {
    use super::slug;

    #[test]
    fn ids_are_plain_ascii_whatever_the_name() {
        assert_eq!(slug("Zoë Ørsted-Núñez"), "zoe-orsted-nunez");
        assert_eq!(slug("Maria López"), "maria-lopez");
        assert_eq!(slug("  ¿?  "), "client");
        assert!(crate::domain::bounds::is_valid_id(&slug(&"Ægir Þór ".repeat(20))));
    }
}
