//! Session notes: adding one (with the tasks, details and measures typed
//! in it), and finding them in order.

use chrono::NaiveDateTime;

use super::*;

impl NewSession {
    /// Nothing typed in any part: no note to save.
    pub fn is_empty(&self) -> bool {
        let NewSession {
            // When and for which appointment say nothing of the session.
            at: _,
            minutes: _,
            appointment: _,
            scales: _,
            topics,
            feedback,
            observations,
            tasks,
            personal,
            plan,
            notes,
            assessment,
            intervention,
            measures,
            // Not part of the note: kept apart, and no note on its own.
            process: _,
        } = self;
        let lists = [topics, feedback, observations, tasks, personal];
        lists.iter().all(|l| l.iter().all(|s| s.trim().is_empty()))
            && [plan, notes, assessment, intervention].iter().all(|t| t.trim().is_empty())
            && measures.is_empty()
    }
}

impl ClientRecord {
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

    pub fn session(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == *id)
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
        let id: SessionId = next_id(self.sessions.iter().map(|s| s.id.as_str()), self.device.tag());
        let appointment = new.appointment.as_ref().map(|a| self.link_note(a, &id)).transpose()?;
        let day = at.date();
        for text in clean_lines(&new.tasks) {
            let tid: TaskId = next_id(self.tasks.iter().map(|t| t.id.as_str()), self.device.tag());
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
            // Noted already (the same words and date): it is not noted twice.
            if self.check_new_personal(&text, date).is_ok() {
                self.add_personal(text, date, true, day, Some(id.clone()));
            }
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
            assessment: new.assessment.trim().to_string(),
            intervention: new.intervention.trim().to_string(),
            appointment,
            finalised: None,
            addenda: Vec::new(),
        });
        self.sessions.sort_by_key(|s| s.at);
        self.take_pending_measures(&id, at, &new)?;
        for (kind, items) in new.measures {
            let m = measures::NewMeasure { kind, items, at, session: Some(id.clone()) };
            self.add_measure(m, &new.scales)?;
        }
        Ok(id)
    }

    /// Scores taken on the note's day before it was written (from the
    /// review, before the session) belong to it: they are linked to note
    /// `id`, at `at`. The same measure in the note too is refused, so it is
    /// never recorded twice for one session.
    fn take_pending_measures(
        &mut self,
        id: &SessionId,
        at: NaiveDateTime,
        new: &NewSession,
    ) -> Result<(), RecordError> {
        let day = at.date();
        let pending = |m: &Measure| m.session.is_none() && m.at.date() == day;
        if let Some(m) = self.pending_measures(day).find(|m| new.measures.iter().any(|(k, _)| *k == m.kind)) {
            let name = self.scale(&m.kind).map_or_else(|| m.kind.to_string(), |s| s.name.clone());
            return Err(RecordError::Invalid(format!(
                "{name} was taken already today at {} ({}, total {}); take it out of the note, or remove {} first \
                 (in the review, or `rapport measure remove`)",
                m.at.format("%H:%M"),
                m.id,
                m.total,
                m.id
            )));
        }
        for m in self.measures.iter_mut().filter(|m| pending(m)) {
            m.session = Some(id.clone());
        }
        Ok(())
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
}
