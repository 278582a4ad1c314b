//! The pre-session review: what to remember before a client arrives.
//!
//! A pure function of (record, appointment, now). The CLI `review` and the
//! TUI review screen both render [`Summary::sections`], so they always show
//! the same headings in the same order.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::time::{ago, format_day, format_day_near, relative};
use super::{Appointment, ClientRecord, GoalStatus, TaskStatus};

/// How many sessions' feedback "They told you" reaches back.
const FEEDBACK_SESSIONS: usize = 3;
/// How many sessions before the last one "Last time" condenses.
const EARLIER_SESSIONS: usize = 2;
/// A dated detail this many days after the appointment is "coming up".
const COMING_UP_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub client_id: String,
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
    /// Condensed topics of the sessions before the last, newest first.
    pub earlier: Vec<SessionTopics>,
    /// Client feedback from recent sessions, newest first.
    pub told_you: Vec<Dated>,
    pub tasks_to_check: Vec<TaskItem>,
    /// Tasks done since the last session: something to give credit for.
    pub done_since_last: Vec<TaskItem>,
    pub personal: Vec<PersonalItem>,
    pub plan: Option<String>,
    pub goals: Vec<GoalItem>,
    pub watch_for: Vec<String>,
    pub awaiting_reply: Vec<ReplyItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionTopics {
    pub session: String,
    pub date: NaiveDate,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dated {
    pub date: NaiveDate,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskItem {
    pub id: String,
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
    pub id: String,
    pub text: String,
    pub date: Option<NaiveDate>,
    pub kind: PersonalKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalItem {
    pub id: String,
    pub text: String,
    pub agreed: bool,
    pub status: GoalStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyItem {
    pub id: String,
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
    let topics =
        |s: &&super::Session| SessionTopics { session: s.id.clone(), date: s.at.date(), topics: s.topics.clone() };

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
        appointment_when: appointment.map(|a| relative(now, a.start, a.minutes)),
        session_number: held.len() + 1,
        days_since_last: last.map(|s| (target.date() - s.at.date()).num_days()),
        last_time: last.map(|s| topics(&s)),
        earlier: held.iter().skip(1).take(EARLIER_SESSIONS).map(topics).collect(),
        told_you,
        tasks_to_check,
        done_since_last,
        personal,
        plan: last.map(|s| s.plan.clone()).filter(|p| !p.is_empty()),
        goals: record
            .goals
            .iter()
            .filter(|g| g.status == GoalStatus::Active)
            .map(|g| GoalItem { id: g.id.clone(), text: g.text.clone(), agreed: g.agreed, status: g.status })
            .collect(),
        watch_for: record.watch_for.iter().map(|w| w.text.clone()).collect(),
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
    }
}

/// How a line of the review should stand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Normal,
    /// Something to ask about now.
    Ask,
    /// Something to give credit for.
    Credit,
    /// Background: older, condensed.
    Quiet,
}

/// One line of a review section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub text: String,
    pub emphasis: Emphasis,
    /// The open task this line is about, so the review can mark it.
    pub task: Option<String>,
}

/// One headed section of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: &'static str,
    pub lines: Vec<ReviewLine>,
    /// The quiet line shown when `lines` is empty.
    pub empty: &'static str,
}

/// The review's section headings, in order.
pub const HEADINGS: [&str; 7] =
    ["Last time", "They told you", "Tasks to check", "Personal", "Plan", "Watch for", "Awaiting reply"];

fn line(text: String) -> ReviewLine {
    ReviewLine { text, emphasis: Emphasis::Normal, task: None }
}

fn with(text: String, emphasis: Emphasis) -> ReviewLine {
    ReviewLine { text, emphasis, task: None }
}

impl Summary {
    /// The client line and the appointment line of the header.
    pub fn header(&self, today: NaiveDate) -> (String, String) {
        let mut who = self.name.clone();
        if let Some(p) = self.preferred_name.as_ref().filter(|p| **p != self.name) {
            who.push_str(&format!(" ({p})"));
        }
        if let Some(p) = &self.pronouns {
            who.push_str(&format!(" · {p}"));
        }
        let mut when = match (&self.appointment, &self.appointment_when) {
            (Some(a), Some(rel)) => {
                format!("{} {} ({rel})", format_day_near(a.start.date(), today), a.start.format("%H:%M"))
            }
            _ => "No appointment booked".to_string(),
        };
        when.push_str(&format!(" · session {}", self.session_number));
        match self.days_since_last {
            Some(0) => when.push_str(" · last session today"),
            Some(1) => when.push_str(" · 1 day since the last"),
            Some(d) => when.push_str(&format!(" · {d} days since the last")),
            None => when.push_str(" · first session"),
        }
        (who, when)
    }

    /// The review's sections, in [`HEADINGS`] order.
    pub fn sections(&self, today: NaiveDate) -> Vec<Section> {
        let topics = |t: &SessionTopics| {
            if t.topics.is_empty() { "(no topics noted)".to_string() } else { t.topics.join("; ") }
        };
        let mut last_time = Vec::new();
        if let Some(t) = &self.last_time {
            last_time.push(line(format!("{}: {}", format_day_near(t.date, today), topics(t))));
        }
        for t in &self.earlier {
            last_time.push(with(format!("{}: {}", format_day_near(t.date, today), topics(t)), Emphasis::Quiet));
        }

        let told_you =
            self.told_you.iter().map(|d| line(format!("{}: \"{}\"", format_day_near(d.date, today), d.text))).collect();

        let mut tasks: Vec<ReviewLine> = self
            .tasks_to_check
            .iter()
            .map(|t| ReviewLine {
                text: format!("[{}] {} (set {})", t.id, t.text, ago(t.set_on, today)),
                emphasis: Emphasis::Normal,
                task: Some(t.id.clone()),
            })
            .collect();
        if tasks.is_empty() && !self.done_since_last.is_empty() {
            tasks.push(with("No open tasks".into(), Emphasis::Quiet));
        }
        for t in &self.done_since_last {
            let outcome = t.outcome.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
            tasks.push(with(format!("Done: {}{outcome}", t.text), Emphasis::Credit));
        }

        let personal = self
            .personal
            .iter()
            .map(|p| {
                let day = p.date.map(format_day).unwrap_or_default();
                match p.kind {
                    PersonalKind::HappenedSince => with(format!("{}, {day}: ask how it went", p.text), Emphasis::Ask),
                    PersonalKind::AskAbout if p.date.is_some() => {
                        with(format!("Ask about: {} ({day})", p.text), Emphasis::Ask)
                    }
                    PersonalKind::AskAbout => with(format!("Ask about: {}", p.text), Emphasis::Ask),
                    PersonalKind::ComingUp => line(format!("{}, {day}: coming up", p.text)),
                    PersonalKind::Other => with(p.text.clone(), Emphasis::Quiet),
                }
            })
            .collect();

        let mut plan = Vec::new();
        if let Some(p) = &self.plan {
            plan.push(line(format!("Plan: {p}")));
        }
        for g in &self.goals {
            let agreed = if g.agreed { "agreed" } else { "not yet agreed with the client" };
            plan.push(line(format!("Goal [{}] {} ({agreed})", g.id, g.text)));
        }

        let watch = self.watch_for.iter().map(|w| with(w.clone(), Emphasis::Ask)).collect();

        let replies = self
            .awaiting_reply
            .iter()
            .map(|r| {
                with(format!("[{}] {} {}: {}", r.id, r.channel, ago(r.at.date(), today), r.summary), Emphasis::Ask)
            })
            .collect();

        let empties = [
            "No sessions yet",
            "No feedback noted yet",
            "No open tasks",
            "Nothing personal noted yet",
            "No plan or goals yet",
            "Nothing noted to watch for",
            "No messages awaiting a reply",
        ];
        [last_time, told_you, tasks, personal, plan, watch, replies]
            .into_iter()
            .zip(HEADINGS)
            .zip(empties)
            .map(|((lines, heading), empty)| Section { heading, lines, empty })
            .collect()
    }

    /// The whole review as plain text, as `rapport review` prints it.
    pub fn to_text(&self, today: NaiveDate) -> String {
        let (who, when) = self.header(today);
        let mut out = format!("{who}\n{when}\n");
        for s in self.sections(today) {
            out.push_str(&format!("\n{}\n", s.heading));
            if s.lines.is_empty() {
                out.push_str(&format!("  {}\n", s.empty));
            }
            for l in s.lines {
                let bullet = match l.emphasis {
                    Emphasis::Ask => "!",
                    Emphasis::Credit => "+",
                    _ => "-",
                };
                out.push_str(&format!("  {bullet} {}\n", l.text));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;
    use crate::domain::{Channel, ClientProfile, Direction, NewSession};

    fn maria() -> ClientRecord {
        let mut r = ClientRecord::new(
            "maria".into(),
            ClientProfile {
                name: "Maria Lopez".into(),
                preferred_name: Some("Mari".into()),
                pronouns: Some("she/her".into()),
                ..Default::default()
            },
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        );
        for (i, day) in ["2026-11-02", "2026-11-09", "2026-11-16"].iter().enumerate() {
            r.add_session(
                NewSession {
                    at: Some(dt(&format!("{day} 10:00"))),
                    topics: vec![format!("topic {}", i + 1)],
                    feedback: vec![format!("feedback {}", i + 1)],
                    plan: format!("plan {}", i + 1),
                    ..Default::default()
                },
                dt("2026-11-26 00:00"),
            )
            .unwrap();
        }
        r
    }

    #[test]
    fn last_time_shows_the_newest_session_then_two_condensed() {
        let s = summary(&maria(), None, dt("2026-11-23 09:00"));
        assert_eq!(s.last_time.as_ref().unwrap().topics, vec!["topic 3"]);
        let earlier: Vec<_> = s.earlier.iter().map(|t| t.topics[0].as_str()).collect();
        assert_eq!(earlier, vec!["topic 2", "topic 1"]);
        assert_eq!(s.session_number, 4);
        assert_eq!(s.days_since_last, Some(7));
        assert_eq!(s.plan.as_deref(), Some("plan 3"));
    }

    #[test]
    fn feedback_is_newest_first_and_dated() {
        let s = summary(&maria(), None, dt("2026-11-23 09:00"));
        let texts: Vec<_> = s.told_you.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, vec!["feedback 3", "feedback 2", "feedback 1"]);
        assert_eq!(s.told_you[0].date, NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
    }

    #[test]
    fn a_birthday_between_sessions_is_the_first_thing_to_ask_about() {
        let mut r = maria();
        let noted = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        r.add_personal("plays in a brass band".into(), None, false, noted, None);
        r.add_personal("walking group".into(), None, true, noted, None);
        r.add_personal("Mia's birthday party".into(), NaiveDate::from_ymd_opt(2026, 11, 21), false, noted, None);
        r.add_personal("sister visits".into(), NaiveDate::from_ymd_opt(2026, 11, 28), false, noted, None);
        let appt = Appointment { start: dt("2026-11-23 10:00"), minutes: 50 };
        let s = summary(&r, Some(&appt), dt("2026-11-23 09:35"));
        let kinds: Vec<_> = s.personal.iter().map(|p| (p.text.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("Mia's birthday party", PersonalKind::HappenedSince),
                ("walking group", PersonalKind::AskAbout),
                ("sister visits", PersonalKind::ComingUp),
                ("plays in a brass band", PersonalKind::Other),
            ]
        );
        let text = s.to_text(appt.start.date());
        assert!(text.contains("! Mia's birthday party, Sat 21 Nov: ask how it went"), "{text}");
        assert!(text.contains("Mon 23 Nov 10:00 (in 25 min) · session 4 · 7 days since the last"), "{text}");
    }

    #[test]
    fn a_birthday_before_the_last_session_is_not_news() {
        let mut r = maria();
        let noted = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        r.add_personal("Mia's birthday".into(), NaiveDate::from_ymd_opt(2026, 11, 10), false, noted, None);
        let s = summary(&r, None, dt("2026-11-23 09:00"));
        assert_eq!(s.personal[0].kind, PersonalKind::Other);
    }

    #[test]
    fn tasks_open_and_done_since_last_time() {
        let mut r = maria();
        let set = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap();
        r.add_session(
            NewSession {
                at: Some(dt("2026-11-20 10:00")),
                tasks: vec!["sleep diary".into(), "call sister".into()],
                ..Default::default()
            },
            dt("2026-11-20 11:00"),
        )
        .unwrap();
        r.set_task_status(
            "t2",
            TaskStatus::Done,
            Some("she called".into()),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        )
        .unwrap();
        let s = summary(&r, None, dt("2026-11-23 09:00"));
        assert_eq!(s.tasks_to_check.len(), 1);
        assert_eq!(s.tasks_to_check[0].text, "sleep diary");
        assert_eq!(s.done_since_last[0].outcome.as_deref(), Some("she called"));
        let _ = set;
        let text = s.to_text(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert!(text.contains("- [t1] sleep diary (set 3 days ago)"), "{text}");
        assert!(text.contains("+ Done: call sister: she called"), "{text}");
    }

    #[test]
    fn a_new_client_gets_quiet_empty_sections_in_order() {
        let r = ClientRecord::new(
            "new".into(),
            ClientProfile { name: "New Client".into(), ..Default::default() },
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        );
        let s = summary(&r, None, dt("2026-11-23 09:00"));
        let sections = s.sections(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let headings: Vec<_> = sections.iter().map(|s| s.heading).collect();
        assert_eq!(headings, HEADINGS);
        assert!(sections.iter().all(|s| s.lines.is_empty()));
        assert!(s.to_text(NaiveDate::MIN).contains("No open tasks"));
        assert!(s.header(NaiveDate::MIN).1.contains("first session"));
    }

    #[test]
    fn messages_awaiting_reply_and_watch_for_are_listed() {
        let mut r = maria();
        r.add_contact(dt("2026-11-20 18:00"), Channel::Voicemail, Direction::Incoming, "can we move Monday?".into());
        r.add_contact(dt("2026-11-20 19:00"), Channel::Text, Direction::Outgoing, "sent".into());
        r.add_watch_for("do not push on the father yet".into(), NaiveDate::MIN);
        let s = summary(&r, None, dt("2026-11-23 09:00"));
        assert_eq!(s.awaiting_reply.len(), 1);
        assert_eq!(s.watch_for, vec!["do not push on the father yet"]);
        let text = s.to_text(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert!(text.contains("! [c1] voicemail 3 days ago: can we move Monday?"), "{text}");
    }

    #[test]
    fn sessions_after_the_appointment_are_not_counted() {
        let r = maria();
        let appt = Appointment { start: dt("2026-11-10 10:00"), minutes: 50 };
        let s = summary(&r, Some(&appt), dt("2026-11-10 09:00"));
        assert_eq!(s.session_number, 3);
        assert_eq!(s.last_time.unwrap().topics, vec!["topic 2"]);
    }
}
