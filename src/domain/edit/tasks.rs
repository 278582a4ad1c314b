//! Tasks (homework): setting one outside a note, closing or reopening it
//! with an outcome, and the open ones.

use chrono::NaiveDate;

use super::*;

/// The dated word kept on a task that stays open: "not done yet (26 Nov)",
/// or with the reason given, "not done yet (26 Nov): too tired".
pub fn not_done_yet(today: NaiveDate, reason: &str) -> String {
    let day = today.format("%-d %b");
    match reason.trim() {
        "" => format!("not done yet ({day})"),
        reason => format!("not done yet ({day}): {reason}"),
    }
}

impl ClientRecord {
    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.status == TaskStatus::Open)
    }

    /// Sets a task outside a note: for no session, or for a session already
    /// written (then it counts as set that day). A finalised note's seal
    /// covers the tasks it set, so none is added to it. Returns the task's id.
    pub fn add_task(
        &mut self,
        text: &str,
        session: Option<&SessionId>,
        today: NaiveDate,
    ) -> Result<TaskId, RecordError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(RecordError::Invalid("the task is empty; type what the client will do".into()));
        }
        let set_on = match session {
            Some(id) => {
                let s = self.session(id).ok_or_else(|| unknown("session", id.as_str()))?;
                if s.finalised.is_some() {
                    return Err(RecordError::Invalid(format!(
                        "note {id} is final, and its seal covers the tasks it set; set the task without naming the note"
                    )));
                }
                s.at.date()
            }
            None => today,
        };
        let id: TaskId = next_id(self.tasks.iter().map(|t| t.id.as_str()), self.device.tag());
        self.tasks.push(Task {
            id: id.clone(),
            text,
            session: session.cloned(),
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
        id: &TaskId,
        status: TaskStatus,
        outcome: Option<String>,
        today: NaiveDate,
    ) -> Result<(), RecordError> {
        let task = self.tasks.iter_mut().find(|t| t.id == *id).ok_or_else(|| unknown("task", id.as_str()))?;
        task.status = status;
        task.closed_on = (status != TaskStatus::Open).then_some(today);
        if let Some(o) = non_empty(outcome) {
            task.outcome = Some(o);
        }
        Ok(())
    }
}
