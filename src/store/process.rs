//! Process notes on disk: `process/<id>.json` (`process/<hash>.age` when
//! the folder is encrypted), one file per client, apart from the client's
//! record. Written under the folder lock, atomically; sealed when their
//! session's note is sealed; erased with the client.

use std::path::PathBuf;

use chrono::NaiveDateTime;

use super::*;
use crate::domain::process::ProcessNotes;
use crate::domain::{RecordError, SessionId};

/// The folder of process notes.
pub const PROCESS_DIR: &str = "process";

impl Store {
    /// The file holding client `id`'s process notes.
    pub fn process_path(&self, id: &ClientId) -> PathBuf {
        self.root.join(PROCESS_DIR).join(format!("{}.{}", self.stem(id.as_str()), self.ext()))
    }

    /// Client `id`'s process notes; none when there is no file.
    pub fn process_notes(&self, id: &ClientId) -> Result<ProcessNotes, StoreError> {
        let path = self.process_path(id);
        let bytes = match self.read_file(&path) {
            Err(StoreError::NotFound { .. }) => return Ok(ProcessNotes::new(id.clone())),
            other => other?,
        };
        let notes: ProcessNotes = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Damaged { path: path.clone(), reason: e.to_string() })?;
        notes.check(id).map_err(|reason| StoreError::Damaged { path, reason })?;
        Ok(notes)
    }

    /// Writes the process note of client `id`'s note `session` (empty text
    /// takes it away). Refused when the note does not exist or is final:
    /// a process note is sealed with its note.
    pub fn write_process_note(
        &self,
        id: &ClientId,
        session: &SessionId,
        text: &str,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        let record = self.load_for_change(id.as_str())?;
        let Some(s) = record.sessions.iter().find(|s| s.id == *session) else {
            return Err(RecordError::UnknownId { kind: "session", id: session.to_string() }.into());
        };
        // A note sealed by this very command (saved past its editing
        // period) takes its process note, sealed with it at once.
        let sealed_now = s.finalised.as_ref().is_some_and(|f| f.at == now);
        if record.is_final(s, now, self.settings().policy()) && !sealed_now {
            return Err(RecordError::Invalid(format!(
                "note {session} is final, and its process note with it: it can no longer be written"
            ))
            .into());
        }
        let mut notes = self.process_notes(id)?;
        notes.write(session, text, now)?;
        if sealed_now {
            notes.seal(std::slice::from_ref(session), now);
        }
        let dir = self.root.join(PROCESS_DIR);
        create_private_dir(&dir).map_err(|source| StoreError::Write { path: dir, cause: source })?;
        self.write_json(&self.process_path(id), &notes)?;
        self.audit(now, "process note written", id.as_str(), session.as_str());
        Ok(())
    }

    /// Seals the process notes of client `id`'s notes `sessions`, just
    /// sealed. Under the lock. A file that cannot be read is told, not fatal.
    pub(crate) fn seal_process_notes_locked(&self, id: &ClientId, sessions: &[SessionId], now: NaiveDateTime) {
        if sessions.is_empty() || self.process_path(id).symlink_metadata().is_err() {
            return;
        }
        let sealed = self.process_notes(id).and_then(|mut notes| {
            if notes.seal(sessions, now) > 0 {
                self.write_json(&self.process_path(id), &notes)?;
            }
            Ok(())
        });
        if let Err(e) = sealed {
            self.notice(format!("a process note could not be sealed with its note: {e}"));
        }
    }

    /// Seals every process note whose note the client file named `stem`
    /// holds finalised (a sync brought the seal from another device), so a
    /// final note never keeps a process note open. Under the lock.
    pub fn seal_process_notes_of_final_locked(&self, stem: &str, now: NaiveDateTime) {
        let Ok(record) = self.load_named(stem).record else { return };
        let finalised: Vec<SessionId> =
            record.sessions.iter().filter(|s| s.finalised.is_some()).map(|s| s.id.clone()).collect();
        self.seal_process_notes_locked(&record.client.id, &finalised, now);
    }

    /// After a restore, under the lock: the process notes of notes the
    /// restore took away are set apart (never attached to a later note that
    /// takes the same id). Says how many, if any.
    pub(crate) fn orphan_process_notes_locked(&self) {
        // No process notes kept at all: nothing to read.
        if self.root.join(PROCESS_DIR).symlink_metadata().is_err() {
            return;
        }
        let mut set_apart = 0;
        for f in self.load_all().unwrap_or_default() {
            let Ok(record) = f.record else { continue };
            let id = record.client.id.clone();
            if self.process_path(&id).symlink_metadata().is_err() {
                continue;
            }
            if let Ok(mut notes) = self.process_notes(&id) {
                let n = notes.orphan_missing(&record);
                if n > 0 && self.write_json(&self.process_path(&id), &notes).is_ok() {
                    set_apart += n;
                }
            }
        }
        if set_apart > 0 {
            self.notice(format!(
                "{} of notes the restore took away {} kept apart, attached to no note (`rapport process show` \
                 lists {})",
                crate::domain::plural(set_apart, "process note"),
                if set_apart == 1 { "is" } else { "are" },
                if set_apart == 1 { "it" } else { "them" }
            ));
        }
    }

    /// Removes client `id`'s process notes (an erasure).
    pub(crate) fn erase_process_notes(&self, id: &ClientId) -> Result<(), StoreError> {
        let path = self.process_path(id);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::io("remove", &path, e)),
            _ => Ok(()),
        }
    }
}
