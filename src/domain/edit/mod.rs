//! The changes a therapist makes to a record: a note, a task, a personal
//! detail, a goal, an appointment, a message. Each keeps the record's rules
//! (ids, ordering, bounds) so no caller has to.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;

/// The number of a short id: 7 of `t7`, and of `t7-k4x` (an id made on a
/// synced device, which carries that device's mark).
pub(crate) fn id_number(prefix: &str, id: &str) -> Option<u64> {
    let rest = id.strip_prefix(prefix)?;
    let digits = rest.split_once('-').map_or(rest, |(d, _)| d);
    digits.bytes().all(|b| b.is_ascii_digit()).then(|| digits.parse().ok()).flatten()
}

/// The next short id (`t7`) after the highest number in use with this
/// prefix; on a synced device it carries the device's mark (`t7-k4x`), so
/// an id made offline on another device is never the same.
pub(super) fn next_id<'a, I: From<String>>(
    prefix: &str,
    ids: impl Iterator<Item = &'a str>,
    device: Option<&str>,
) -> I {
    let max = ids.filter_map(|id| id_number(prefix, id)).max().unwrap_or(0);
    let n = max.saturating_add(1);
    I::from(match device {
        Some(tag) => format!("{prefix}{n}-{tag}"),
        None => format!("{prefix}{n}"),
    })
}

fn clean_lines(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The dated word kept on a task that stays open: "not done yet (26 Nov)",
/// or with the reason given, "not done yet (26 Nov): too tired".
pub fn not_done_yet(today: NaiveDate, reason: &str) -> String {
    let day = today.format("%-d %b");
    match reason.trim() {
        "" => format!("not done yet ({day})"),
        reason => format!("not done yet ({day}): {reason}"),
    }
}

impl NewSession {
    /// Nothing typed in any part: no note to save.
    pub fn is_empty(&self) -> bool {
        let lists = [&self.topics, &self.feedback, &self.observations, &self.tasks, &self.personal];
        lists.iter().all(|l| l.iter().all(|s| s.trim().is_empty()))
            && self.plan.trim().is_empty()
            && self.notes.trim().is_empty()
            && self.measures.is_empty()
    }
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
            preferred_channel: self.preferred_channel,
        })
    }
}

impl ClientRecord {
    /// A new, empty record for a client.
    pub fn new(id: ClientId, profile: ClientProfile, created: NaiveDate) -> ClientRecord {
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
            measures: Vec::new(),
            scales: Vec::new(),
            conflicts: Vec::new(),
            device: DeviceTag::default(),
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
            preferred_channel: c.preferred_channel,
        }
    }

    pub fn set_profile(&mut self, p: ClientProfile) {
        let c = &mut self.client;
        c.name = p.name;
        c.preferred_name = p.preferred_name;
        c.pronouns = p.pronouns;
        c.phone = p.phone;
        c.email = p.email;
        c.preferred_channel = p.preferred_channel;
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
    pub fn add_session(&mut self, new: NewSession, now: NaiveDateTime) -> Result<SessionId, RecordError> {
        let at = new.at.unwrap_or(now);
        let minutes = new.minutes.unwrap_or(50);
        bounds::check_number("the session length in minutes", minutes, &bounds::MINUTES)
            .map_err(RecordError::Invalid)?;
        if new.is_empty() {
            return Err(RecordError::EmptyNote);
        }
        if let Some(why) = new.personal.iter().find_map(|line| time::impossible_date(line)) {
            return Err(RecordError::Invalid(format!("personal details: {why}")));
        }
        self.check_session_measures(&new)?;
        let id: SessionId = next_id("s", self.sessions.iter().map(|s| s.id.as_str()), self.device.tag());
        let appointment = new.appointment.as_ref().map(|a| self.link_note(a, &id)).transpose()?;
        let day = at.date();
        for text in clean_lines(&new.tasks) {
            let tid = next_id("t", self.tasks.iter().map(|t| t.id.as_str()), self.device.tag());
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
            appointment,
            finalised: None,
            addenda: Vec::new(),
        });
        self.sessions.sort_by_key(|s| s.at);
        for (kind, items) in new.measures {
            let m = measures::NewMeasure { kind, items, at, session: Some(id.clone()) };
            self.add_measure(m, &new.scales)?;
        }
        Ok(id)
    }

    /// Refuses a note's measures before anything of the note is added: an
    /// unknown scale, a wrong item, or one kind twice.
    fn check_session_measures(&self, new: &NewSession) -> Result<(), RecordError> {
        let mut kinds = Vec::new();
        for (kind, items) in &new.measures {
            let scale = self
                .scale(kind)
                .or_else(|| measures::Scale::of(kind, &new.scales))
                .ok_or_else(|| RecordError::Invalid(format!("no scale is defined for {kind}")))?;
            scale.check_items(items).map_err(RecordError::Invalid)?;
            if kinds.contains(&kind) {
                return Err(RecordError::Invalid(format!("{} is given twice; a note takes one of each", scale.name)));
            }
            kinds.push(kind);
        }
        Ok(())
    }

    pub fn add_personal(
        &mut self,
        text: String,
        date: Option<NaiveDate>,
        ask: bool,
        noted_on: NaiveDate,
        session: Option<SessionId>,
    ) -> DetailId {
        let id: DetailId = next_id("p", self.personal.iter().map(|p| p.id.as_str()), self.device.tag());
        self.personal.push(PersonalDetail { id: id.clone(), text, date, ask, noted_on, session });
        id
    }

    pub fn add_goal(&mut self, text: String, agreed: bool, today: NaiveDate) -> GoalId {
        let id: GoalId = next_id("g", self.goals.iter().map(|g| g.id.as_str()), self.device.tag());
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

    /// Changes what a personal detail, goal or watch-for item says (and a
    /// personal detail's date: `None` takes it away). A message stays as it
    /// was logged.
    pub fn edit_item(
        &mut self,
        kind: profile::ItemKind,
        id: &str,
        text: &str,
        date: Option<NaiveDate>,
    ) -> Result<(), RecordError> {
        use profile::ItemKind;
        let text = text.trim().to_string();
        if text.is_empty() {
            return Err(RecordError::Invalid("an item needs some words; Delete removes one".into()));
        }
        if let Some(why) = time::impossible_date(&text) {
            return Err(RecordError::Invalid(why));
        }
        match kind {
            ItemKind::Personal => {
                let p = self.personal.iter_mut().find(|p| p.id == id).ok_or_else(|| unknown("personal detail", id))?;
                p.text = text;
                p.date = date;
            }
            ItemKind::Goals => {
                self.goals.iter_mut().find(|g| g.id == id).ok_or_else(|| unknown("goal", id))?.text = text;
            }
            ItemKind::WatchFor => {
                self.watch_for.iter_mut().find(|w| w.id == id).ok_or_else(|| unknown("watch-for item", id))?.text =
                    text;
            }
            ItemKind::Messages => {
                return Err(RecordError::Invalid(
                    "a message stays as it was logged; remove it and log it again".into(),
                ));
            }
        }
        Ok(())
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

    pub fn add_watch_for(&mut self, text: String, today: NaiveDate) -> WatchId {
        let id: WatchId = next_id("w", self.watch_for.iter().map(|w| w.id.as_str()), self.device.tag());
        self.watch_for.push(WatchFor { id: id.clone(), text, noted_on: today });
        id
    }

    /// Sets a task outside a note: for no session, or for a session already
    /// written (then it counts as set that day). A finalised note's seal
    /// covers the tasks it set, so none is added to it. Returns the task's id.
    pub fn add_task(&mut self, text: &str, session: Option<&str>, today: NaiveDate) -> Result<TaskId, RecordError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(RecordError::Invalid("the task is empty; type what the client will do".into()));
        }
        let set_on = match session {
            Some(id) => {
                let s = self.session(id).ok_or_else(|| unknown("session", id))?;
                if s.finalised.is_some() {
                    return Err(RecordError::Invalid(format!(
                        "note {id} is final, and its seal covers the tasks it set; set the task without naming the note"
                    )));
                }
                s.at.date()
            }
            None => today,
        };
        let id: TaskId = next_id("t", self.tasks.iter().map(|t| t.id.as_str()), self.device.tag());
        self.tasks.push(Task {
            id: id.clone(),
            text,
            session: session.map(SessionId::from),
            set_on,
            status: TaskStatus::Open,
            outcome: None,
            closed_on: None,
        });
        Ok(id)
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
    ) -> ContactId {
        let id: ContactId = next_id("c", self.contacts.iter().map(|c| c.id.as_str()), self.device.tag());
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

    /// Takes back a reply marked by mistake: the message awaits one again.
    pub fn unmark_replied(&mut self, id: &str) -> Result<(), RecordError> {
        let contact = self.contacts.iter_mut().find(|c| c.id == id).ok_or_else(|| unknown("contact", id))?;
        if contact.replied_at.take().is_none() {
            return Err(RecordError::Invalid(format!("contact {id} is not marked as replied")));
        }
        Ok(())
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

pub(super) fn unknown(kind: &'static str, id: &str) -> RecordError {
    RecordError::UnknownId { kind, id: id.to_string() }
}
