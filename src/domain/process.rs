//! Process notes: the therapist's private reflections on a session
//! (hypotheses, their own reactions), kept apart from the client's record
//! in a file of their own. They are in no review, pane, search, brief or
//! export unless asked for; sealed when their session's note is sealed;
//! erased with the client.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ClientId, RecordError, SessionId, bounds};

/// The version of a process-notes file this build writes.
pub const PROCESS_VERSION: u32 = 1;

/// One client's process notes: `process/<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessNotes {
    pub schema_version: u32,
    pub client: ClientId,
    #[serde(default)]
    pub notes: Vec<ProcessNote>,
    /// Process notes whose note is no longer in the record (a restore took
    /// it away): kept, never attached to a note that takes its id again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphaned: Vec<ProcessNote>,
}

/// The process note of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessNote {
    pub session: SessionId,
    pub written: NaiveDateTime,
    pub text: String,
    /// Set when its session's note is finalised: from then on it is
    /// read-only, and the hash says whether it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<ProcessSeal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessSeal {
    pub at: NaiveDateTime,
    /// SHA-256 (hex) of the session id, when it was written, and the text.
    pub hash: String,
}

impl ProcessNote {
    fn hash(&self) -> String {
        let ProcessNote { session, written, text, sealed: _ } = self;
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&(session, written, text)).expect("a process note serialises"));
        hex::encode(h.finalize())
    }

    /// Sealed, and changed since.
    pub fn is_broken(&self) -> bool {
        self.sealed.as_ref().is_some_and(|s| s.hash != self.hash())
    }
}

impl ProcessNotes {
    pub fn new(client: ClientId) -> ProcessNotes {
        ProcessNotes { schema_version: PROCESS_VERSION, client, notes: Vec::new(), orphaned: Vec::new() }
    }

    /// Sets apart the process notes of notes `record` no longer holds;
    /// returns how many.
    pub fn orphan_missing(&mut self, record: &super::ClientRecord) -> usize {
        let (kept, gone): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.notes).into_iter().partition(|n| record.session(&n.session).is_some());
        self.notes = kept;
        let n = gone.len();
        self.orphaned.extend(gone);
        n
    }

    pub fn of(&self, session: &SessionId) -> Option<&ProcessNote> {
        self.notes.iter().find(|n| n.session == *session)
    }

    /// Writes (or rewrites) the process note of `session`; refused once it
    /// is sealed.
    pub fn write(&mut self, session: &SessionId, text: &str, now: NaiveDateTime) -> Result<(), RecordError> {
        let text = text.trim_end();
        bounds::check_text("the process note", text).map_err(RecordError::Invalid)?;
        match self.notes.iter_mut().find(|n| n.session == *session) {
            Some(n) if n.sealed.is_some() => Err(RecordError::Invalid(format!(
                "the process note of {session} was sealed with its note and cannot be changed"
            ))),
            Some(_) if text.is_empty() => {
                self.notes.retain(|n| n.session != *session);
                Ok(())
            }
            Some(n) => {
                n.text = text.to_string();
                n.written = now;
                Ok(())
            }
            None if text.is_empty() => Ok(()),
            None => {
                self.notes.push(ProcessNote {
                    session: session.clone(),
                    written: now,
                    text: text.to_string(),
                    sealed: None,
                });
                Ok(())
            }
        }
    }

    /// Seals the process notes of `sessions` (their notes were just
    /// sealed); returns how many.
    pub fn seal(&mut self, sessions: &[SessionId], now: NaiveDateTime) -> usize {
        let mut n = 0;
        for note in self.notes.iter_mut().filter(|p| p.sealed.is_none() && sessions.contains(&p.session)) {
            note.sealed = Some(ProcessSeal { at: now, hash: note.hash() });
            n += 1;
        }
        n
    }

    /// Every value within its bounds: a file edited by hand is refused whole.
    pub fn check(&self, client: &ClientId) -> Result<(), String> {
        if self.schema_version > PROCESS_VERSION {
            return Err(format!("it was written by a newer Rapport (format {})", self.schema_version));
        }
        if self.client != *client {
            return Err(format!("it holds the process notes of another client ({})", self.client));
        }
        for n in self.notes.iter().chain(&self.orphaned) {
            if !bounds::is_valid_id(n.session.as_str()) {
                return Err("a session id is not an id".into());
            }
            bounds::check_text("a process note", &n.text)?;
        }
        Ok(())
    }
}

/// Why including process notes in an export is a decision, in one
/// sentence for each jurisdiction: asked before any export holds them.
pub const EXPORT_QUESTION: &str = "Process notes are your private reflections, kept apart from the record. Under \
    US HIPAA, psychotherapy notes kept separately are not part of the client's routine right of access. Under UK \
    GDPR there is no such exemption: kept at all, they are the client's personal data and within a subject \
    access request.";

/// The process notes as a last section of a Markdown export.
pub fn to_markdown(notes: &ProcessNotes) -> String {
    let mut out = String::from("\n## Process notes (private, kept apart from the record)\n\n");
    if notes.notes.is_empty() {
        out.push_str("None kept.\n");
    }
    for n in &notes.notes {
        let sealed = n.sealed.as_ref().map_or(String::new(), |s| format!(", sealed {}", s.at.format("%Y-%m-%d %H:%M")));
        out.push_str(&format!(
            "### Note {} (written {}{sealed})\n\n{}\n\n",
            n.session,
            n.written.format("%Y-%m-%d %H:%M"),
            n.text
        ));
    }
    for n in &notes.orphaned {
        out.push_str(&format!(
            "### Kept from note {} of {}, no longer in the record\n\n{}\n\n",
            n.session,
            n.written.format("%Y-%m-%d"),
            n.text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    #[test]
    fn a_process_note_sealed_with_its_note_is_read_only_and_a_change_by_hand_shows() {
        let mut p = ProcessNotes::new(ClientId::new("ann"));
        let s1 = SessionId::new("s1");
        p.write(&s1, "I felt protective; am I rescuing?", dt("2026-11-26 11:00")).unwrap();
        assert_eq!(p.seal(std::slice::from_ref(&s1), dt("2026-11-27 11:00")), 1);
        assert!(p.write(&s1, "changed", dt("2026-11-28 11:00")).is_err());
        assert!(!p.notes[0].is_broken());
        p.notes[0].text.push('!');
        assert!(p.notes[0].is_broken());
    }
}
