//! Messages (texts, emails, calls, voicemails): logging one, and marking
//! it replied or taking the reply back.

use chrono::NaiveDateTime;

use super::*;

impl ClientRecord {
    pub fn add_contact(
        &mut self,
        at: NaiveDateTime,
        channel: Channel,
        direction: Direction,
        summary: String,
    ) -> ContactId {
        let id: ContactId = next_id(self.contacts.iter().map(|c| c.id.as_str()), self.device.tag());
        self.contacts.push(Contact { id: id.clone(), at, channel, direction, summary, replied_at: None });
        self.contacts.sort_by_key(|c| c.at);
        id
    }

    pub fn mark_replied(&mut self, id: &ContactId, at: NaiveDateTime) -> Result<(), RecordError> {
        let contact = self.contacts.iter_mut().find(|c| c.id == *id).ok_or_else(|| unknown("contact", id.as_str()))?;
        if contact.replied_at.is_some() {
            return Err(RecordError::Invalid(format!("contact {id} is already marked as replied")));
        }
        contact.replied_at = Some(at);
        Ok(())
    }

    /// Takes back a reply marked by mistake: the message awaits one again.
    pub fn unmark_replied(&mut self, id: &ContactId) -> Result<(), RecordError> {
        let contact = self.contacts.iter_mut().find(|c| c.id == *id).ok_or_else(|| unknown("contact", id.as_str()))?;
        if contact.replied_at.take().is_none() {
            return Err(RecordError::Invalid(format!("contact {id} is not marked as replied")));
        }
        Ok(())
    }
}
