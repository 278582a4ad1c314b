//! Questions about a client to bring to supervision: noted, then marked
//! discussed at a supervision, never erased.

use chrono::NaiveDate;

use super::*;

impl ClientRecord {
    /// Keeps a question for the next supervision; returns its id.
    pub fn add_question(&mut self, text: &str, today: NaiveDate) -> Result<QuestionId, RecordError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RecordError::Invalid("a question for supervision needs some words".into()));
        }
        bounds::check_text("the question", text).map_err(RecordError::Invalid)?;
        let id: QuestionId = next_id(self.supervision.iter().map(|q| q.id.as_str()), self.device.tag());
        self.supervision.push(SupervisionQuestion {
            id: id.clone(),
            text: text.to_string(),
            noted_on: today,
            discussed_on: None,
        });
        Ok(id)
    }

    /// Marks an open question discussed at the supervision of `on`;
    /// returns its text.
    pub fn discuss_question(&mut self, id: &QuestionId, on: NaiveDate) -> Result<String, RecordError> {
        let q = self
            .supervision
            .iter_mut()
            .find(|q| q.id == *id)
            .ok_or_else(|| unknown("question for supervision", id.as_str()))?;
        if let Some(d) = q.discussed_on {
            return Err(RecordError::Invalid(format!("{id} was already discussed, at the supervision of {d}")));
        }
        q.discussed_on = Some(on);
        Ok(q.text.clone())
    }

    /// Sets a discussed question open again (marked by mistake); returns
    /// its text.
    pub fn reopen_question(&mut self, id: &QuestionId) -> Result<String, RecordError> {
        let q = self
            .supervision
            .iter_mut()
            .find(|q| q.id == *id)
            .ok_or_else(|| unknown("question for supervision", id.as_str()))?;
        if q.discussed_on.take().is_none() {
            return Err(RecordError::Invalid(format!("{id} is still open: there is nothing to set back")));
        }
        Ok(q.text.clone())
    }

    /// The questions not yet discussed, oldest first.
    pub fn open_questions(&self) -> impl Iterator<Item = &SupervisionQuestion> {
        self.supervision.iter().filter(|q| q.is_open())
    }
}
