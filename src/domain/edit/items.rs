//! The profile's items: personal details, goals and watch-for items added,
//! flagged, changed and removed (messages are removed here too).

use chrono::NaiveDate;

use super::*;

impl ClientRecord {
    pub fn add_personal(
        &mut self,
        text: String,
        date: Option<NaiveDate>,
        ask: bool,
        noted_on: NaiveDate,
        session: Option<SessionId>,
    ) -> DetailId {
        let id: DetailId = next_id(self.personal.iter().map(|p| p.id.as_str()), self.device.tag());
        self.personal.push(PersonalDetail { id: id.clone(), text, date, ask, noted_on, session });
        id
    }

    /// Refuses a personal detail the record holds already (the same words,
    /// in any case, on the same date), naming it.
    pub fn check_new_personal(&self, text: &str, date: Option<NaiveDate>) -> Result<(), RecordError> {
        let same = |p: &&PersonalDetail| {
            p.date == date && crate::domain::find::fold(p.text.trim()) == crate::domain::find::fold(text.trim())
        };
        match self.personal.iter().find(same) {
            Some(p) => Err(RecordError::Invalid(format!(
                "{} has this personal detail already ({}: {})",
                self.client.name, p.id, p.text
            ))),
            None => Ok(()),
        }
    }

    /// Flags a personal detail to ask about next time, or unflags it.
    pub fn set_personal_ask(&mut self, id: &DetailId, ask: bool) -> Result<(), RecordError> {
        let p = self.personal.iter_mut().find(|p| p.id == *id).ok_or_else(|| unknown("personal", id.as_str()))?;
        p.ask = ask;
        Ok(())
    }

    pub fn add_goal(&mut self, text: String, agreed: bool, today: NaiveDate) -> GoalId {
        let id: GoalId = next_id(self.goals.iter().map(|g| g.id.as_str()), self.device.tag());
        self.goals.push(Goal { id: id.clone(), text, status: GoalStatus::Active, agreed, set_on: today });
        id
    }

    /// Records whether the client agreed to a goal.
    pub fn set_goal_agreed(&mut self, id: &GoalId, agreed: bool) -> Result<(), RecordError> {
        let goal = self.goals.iter_mut().find(|g| g.id == *id).ok_or_else(|| unknown("goal", id.as_str()))?;
        goal.agreed = agreed;
        Ok(())
    }

    pub fn set_goal_status(&mut self, id: &GoalId, status: GoalStatus) -> Result<(), RecordError> {
        let goal = self.goals.iter_mut().find(|g| g.id == *id).ok_or_else(|| unknown("goal", id.as_str()))?;
        goal.status = status;
        Ok(())
    }

    pub fn add_watch_for(&mut self, text: String, today: NaiveDate) -> WatchId {
        let id: WatchId = next_id(self.watch_for.iter().map(|w| w.id.as_str()), self.device.tag());
        self.watch_for.push(WatchFor { id: id.clone(), text, noted_on: today, resolved_on: None, resolved_why: None });
        id
    }

    /// Marks a watch-for item resolved on `today`, and `why` if said: it
    /// leaves the review and stays in the record. Returns its text.
    pub fn resolve_watch_for(
        &mut self,
        id: &WatchId,
        today: NaiveDate,
        why: Option<String>,
    ) -> Result<String, RecordError> {
        let why = why.map(|w| w.trim().to_string()).filter(|w| !w.is_empty());
        if let Some(w) = &why {
            super::bounds::check_text("why it was resolved", w).map_err(RecordError::Invalid)?;
        }
        let w =
            self.watch_for.iter_mut().find(|w| w.id == *id).ok_or_else(|| unknown("watch-for item", id.as_str()))?;
        if let Some(d) = w.resolved_on {
            return Err(RecordError::Invalid(format!("{id} was already resolved on {d}")));
        }
        w.resolved_on = Some(today);
        w.resolved_why = why;
        Ok(w.text.clone())
    }

    /// Sets a resolved watch-for item back: it is in the review again.
    /// Returns its text.
    pub fn reopen_watch_for(&mut self, id: &WatchId) -> Result<String, RecordError> {
        let w =
            self.watch_for.iter_mut().find(|w| w.id == *id).ok_or_else(|| unknown("watch-for item", id.as_str()))?;
        if w.resolved_on.take().is_none() {
            return Err(RecordError::Invalid(format!("{id} is not resolved: there is nothing to set back")));
        }
        w.resolved_why = None;
        Ok(w.text.clone())
    }

    /// Removes a personal detail or message that no longer belongs in the
    /// record; returns its text. Goals are dropped instead, never removed
    /// (tasks closed, and watch-for items resolved).
    pub fn remove_item(&mut self, kind: profile::ItemKind, id: &str) -> Result<String, RecordError> {
        use profile::ItemKind;
        let text = match kind {
            ItemKind::Personal => {
                let i = self
                    .personal
                    .iter()
                    .position(|p| p.id.as_str() == id)
                    .ok_or_else(|| unknown("personal detail", id))?;
                self.personal.remove(i).text
            }
            ItemKind::WatchFor => {
                return Err(RecordError::Invalid("watch-for items are resolved, not removed".into()));
            }
            ItemKind::Messages => {
                let i = self.contacts.iter().position(|c| c.id.as_str() == id).ok_or_else(|| unknown("message", id))?;
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
                let p = self
                    .personal
                    .iter_mut()
                    .find(|p| p.id.as_str() == id)
                    .ok_or_else(|| unknown("personal detail", id))?;
                p.text = text;
                p.date = date;
            }
            ItemKind::Goals => {
                self.goals.iter_mut().find(|g| g.id.as_str() == id).ok_or_else(|| unknown("goal", id))?.text = text;
            }
            ItemKind::WatchFor => {
                self.watch_for
                    .iter_mut()
                    .find(|w| w.id.as_str() == id)
                    .ok_or_else(|| unknown("watch-for item", id))?
                    .text = text;
            }
            ItemKind::Messages => {
                return Err(RecordError::Invalid(
                    "a message stays as it was logged; remove it and log it again".into(),
                ));
            }
        }
        Ok(())
    }
}
