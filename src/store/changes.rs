//! Every change to a client's record: made under the folder lock, to the
//! file as it is on disk now, witnessed in the ledger, and written whole.

use crate::domain::ClientId;
use std::fs;
use std::io;

use chrono::NaiveDateTime;

use super::*;
use crate::domain::{ClientProfile, ClientRecord, RecordError, SCHEMA_VERSION, bounds, slug};

impl Store {
    /// Adds a client. The id comes from the name, made unique; in a synced
    /// folder it holds no name (the remote sees file names) and carries
    /// this device's mark, so two devices never give two people one id.
    pub fn create_client(&self, profile: ClientProfile, now: NaiveDateTime) -> Result<ClientRecord, StoreError> {
        let profile = profile.cleaned()?;
        let _lock = self.lock()?;
        let before = self.clients_mtime();
        self.daily_snapshot_locked(now)?;
        let id = crate::domain::ClientId::new(match &self.device {
            Some(tag) => name_free_id(tag, |id| self.client_path(&crate::domain::ClientId::new(id)).exists()),
            None => {
                let base = slug(&profile.name);
                (1..)
                    .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                    .find(|id| !self.client_path(&crate::domain::ClientId::new(id)).exists())
                    .expect("an unused id")
            }
        });
        let record = ClientRecord::new(id, profile, now.date());
        self.write(&record)?;
        self.reindex(&record, before, true, None);
        self.audit(now, "client added", record.client.id.as_str(), "");
        Ok(record)
    }

    /// The booked appointments of other current clients that `booked` (of
    /// client `id`) overlap, with the other client's name: the therapist
    /// cannot see two people at once.
    pub fn overlapping_others(
        &self,
        id: &ClientId,
        booked: &[crate::domain::Appointment],
    ) -> Result<Vec<(String, crate::domain::Appointment)>, StoreError> {
        let mut found = Vec::new();
        for e in self.index()?.into_iter().filter(|e| e.id.as_str() != id.as_str()) {
            let Some(s) = e.summary.filter(|s| !s.archived) else { continue };
            let clash = |o: &&crate::domain::Appointment| !o.is_cancelled() && booked.iter().any(|b| b.overlaps(o));
            found.extend(s.appointments.iter().filter(clash).map(|o| (s.name.clone(), o.clone())));
        }
        Ok(found)
    }

    /// Applies `change` to client `id` as it is on disk now, under the
    /// folder lock, and writes the result. Returns what `change` returned and
    /// the record as saved. A damaged or newer-format file is never written.
    /// Notes whose editing period has run out are finalised first, and the
    /// day's snapshot is taken before the day's first change. `what` goes to
    /// the audit log.
    pub fn update<T>(
        &self,
        id: &ClientId,
        now: NaiveDateTime,
        what: &str,
        change: impl FnOnce(&mut ClientRecord) -> Result<T, RecordError>,
    ) -> Result<(T, ClientRecord), StoreError> {
        self.update_with(id, now, what, |r, _| change(r))
    }

    /// Like [`Store::update`]; `change` is also given the ids of the notes
    /// finalised automatically just before it. Those seals are saved even
    /// when `change` fails (and a notice says so). Every new seal and
    /// addendum is witnessed in the ledger before the file is written; a
    /// note the ledger saw sealed with other content is never sealed again.
    pub fn update_with<T>(
        &self,
        id: &ClientId,
        now: NaiveDateTime,
        what: &str,
        change: impl FnOnce(&mut ClientRecord, &[SessionId]) -> Result<T, RecordError>,
    ) -> Result<(T, ClientRecord), StoreError> {
        let _lock = self.lock()?;
        let before = self.clients_mtime();
        let mut on_disk = self.load_for_change(id.as_str())?;
        // What this change adds gets ids no other device gives.
        on_disk.device = crate::domain::DeviceTag(self.device.clone());
        self.daily_snapshot_locked(now)?;
        let notes = self.witness_locked(id.as_str(), now)?;
        let mut sealed_record = on_disk.clone();
        let (sealed, refused) = sealed_record
            .finalise_due_where(now, self.settings.policy(), |s, hash| ledger::may_seal(&notes, s.id.as_str(), hash));
        for sid in &refused {
            self.notice(format!(
                "note {sid} of {} was finalised before with other content and has been changed outside Rapport \
                 since, so it was not sealed again; `rapport verify` names it",
                on_disk.display_name()
            ));
        }
        let mut record = sealed_record.clone();
        let result = change(&mut record, &sealed).and_then(|out| {
            for e in ledger::changes(Some(&sealed_record), &record) {
                if e.kind == ledger::Kind::Seal && !ledger::may_seal(&notes, e.session.as_str(), &e.hash) {
                    return Err(RecordError::Invalid(format!(
                        "note {} was finalised before with other content and has been changed outside Rapport \
                         since; it was not sealed again. `rapport verify` names it; `rapport backup list` shows \
                         the snapshots to restore it from",
                        e.session
                    )));
                }
            }
            Ok(out)
        });
        let (out, mut record) = match result {
            Ok(out) => (Ok(out), record),
            Err(e) if sealed.is_empty() => return Err(e.into()),
            Err(e) => (Err(e), sealed_record),
        };
        record.schema_version = SCHEMA_VERSION;
        let witnessed = ledger::changes(Some(&on_disk), &record);
        self.witness_append_locked(&witnessed, now)?;
        let newly_sealed: Vec<SessionId> =
            witnessed.iter().filter(|w| w.kind == ledger::Kind::Seal).map(|w| w.session.clone()).collect();
        if let Err(e) = self.write(&record) {
            // Witnessed but never saved (a full disk): take the entries back,
            // so the ledger does not speak of seals and addenda that are not
            // there. (If even that cannot be written, verify will say so.)
            let back: Vec<ledger::NewEntry> =
                witnessed.iter().map(|w| ledger::NewEntry { kind: ledger::Kind::Withdrawn, ..w.clone() }).collect();
            let _ = self.witness_append_locked(&back, now);
            return Err(e);
        }
        // A process note is sealed with its note.
        self.seal_process_notes_locked(id, &newly_sealed, now);
        let renamed =
            on_disk.client.name != record.client.name || on_disk.client.preferred_name != record.client.preferred_name;
        let was = renamed
            .then(|| index::rows::key_of(id, Some((&on_disk.client.name, on_disk.client.preferred_name.as_deref()))));
        self.reindex(&record, before, renamed, was);
        if !sealed.is_empty() {
            self.audit(now, "notes finalised automatically", id.as_str(), &sealed.join(","));
        }
        match out {
            Ok(out) => {
                self.audit(now, what, id.as_str(), "");
                Ok((out, record))
            }
            Err(e) => {
                self.notice(format!(
                    "{} {} of {id} finalised automatically just now (the editing period had run out); that was saved",
                    if sealed.len() == 1 { "note" } else { "notes" },
                    sealed.join(", ")
                ));
                Err(e.into())
            }
        }
    }

    /// Writes a whole record as a new client file (for generated practices).
    pub fn import(&self, record: &ClientRecord) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        if ledger::exists(&self.root) {
            self.witness_append_locked(
                &ledger::baseline(record),
                record.client.created.and_time(chrono::NaiveTime::MIN),
            )?;
        }
        self.write(record)
    }

    /// The modification time of `clients/`, taken under the lock before a
    /// save (see [`Store::reindex`]).
    fn clients_mtime(&self) -> u128 {
        index::state::folder_mtime(&self.clients_dir())
    }

    /// Keeps the index in step with a saved record; `before` is the time
    /// of `clients/` before the save; `renamed`: the client's name or
    /// preferred name is new. A failure here loses nothing: the index then
    /// does not match the folder's time, and the next look checks every
    /// file.
    /// `was`: where the client stood in the list before a rename.
    fn reindex(&self, record: &ClientRecord, before: u128, renamed: bool, was: Option<index::rows::RowKey>) {
        let _ = self.index_dir().update_one(record, &self.client_path(&record.client.id), before, renamed, was);
    }

    /// Writes a record that passes [`ClientRecord::check`]: an over-long
    /// field or a bad id is refused with the reason, and nothing is written.
    fn write(&self, record: &ClientRecord) -> Result<(), StoreError> {
        record.check().map_err(RecordError::Invalid)?;
        // Never write what could not be read back.
        let len = serde_json::to_vec_pretty(record).map_or(0, |b| b.len() as u64);
        if len > bounds::FILE_BYTES {
            return Err(RecordError::Invalid(format!(
                "this client's record would be {}. Export the record (rapport export) and shorten the longest \
                 notes",
                super::error::over(len)
            ))
            .into());
        }
        let path = self.client_path(&record.client.id);
        self.write_json(&path, record)
    }

    /// Erases client `id` at once, under one lock: their file, their draft,
    /// their index entry and search text, their exports in `DATA/exports/`,
    /// and their entries in the audit log and the ledger. Says what remains.
    pub fn delete_client(&self, id: &ClientId, now: NaiveDateTime) -> Result<Erased, StoreError> {
        valid_id(id.as_str())?;
        let _lock = self.lock()?;
        // Erasing is a change like any other: a newer Rapport's file is not ours to remove.
        if self.load_file(id).read_only {
            self.load_for_change(id.as_str())?;
        }
        let path = self.client_path(id);
        if !path.exists() {
            return Err(StoreError::NotFound { path });
        }
        // Every trace first and the file last: an erasure stopped part way
        // leaves the client listed, and running it again finishes it.
        // In a synced practice the erasure travels only as its tombstone in
        // the ledger: a file missing without one is never taken for an
        // erasure (see `rapport sync`), so the ledger must be there to hold it.
        let synced = self.root.join(".git").join("rapport").join("device").is_file();
        if synced {
            self.witness_locked("", now)?;
        }
        let (exports, copies) = self.erase_traces(id)?;
        let kept: Vec<audit::AuditEntry> = audit::read(&self.root, self.keys.as_deref())
            .into_iter()
            .filter(|e| e.client.as_str() != id.as_str())
            .collect();
        audit::rewrite(&self.root, &kept, self.keys.as_deref())
            .map_err(|source| StoreError::Write { path: self.root.join("audit.log"), cause: source })?;
        if ledger::exists(&self.root) {
            let read = ledger::read(&self.root, self.keys.as_deref(), None).map_err(|e| self.ledger_error(e))?;
            if !read.broken_at.is_empty() {
                // The rewrite chains the ledger anew: keep the fact.
                let at: Vec<String> = read.broken_at.iter().map(u64::to_string).collect();
                self.audit(now, "ledger was already broken when an erasure rewrote it", "", &at.join(","));
                self.notice(format!(
                    "the ledger had been changed by hand (at entries {}); erasing rewrote it, so `rapport verify` \
                     can no longer point there. The audit log keeps the fact",
                    at.join(", ")
                ));
            }
            let kept: Vec<ledger::Entry> =
                read.entries.into_iter().filter(|e| e.client.as_str() != id.as_str()).collect();
            let erased = ledger::NewEntry {
                kind: ledger::Kind::Erased,
                client: ClientId::default(),
                session: SessionId::default(),
                // Names the client only by a hash of their id, and only where
                // ids hold no name (a synced practice's).
                hash: if synced { ledger::tombstone(id.as_str()) } else { String::new() },
            };
            ledger::rewrite(&self.root, &kept, &[erased], now, self.keys.as_deref())
                .map_err(|e| self.ledger_error(e))?;
        }
        super::crash::point("erase.remove");
        fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
        self.audit(now, "client erased", "", "");
        Ok(Erased { snapshots: self.snapshots_holding(id), exports, copies })
    }

    /// Removes what this device keeps of client `id` beside their file:
    /// their exports in `DATA/exports/`, copies a sync tool left in
    /// `clients/`, their draft, index entry and search text. For an erasure
    /// here, and for one that came from another device with a sync. Call
    /// under the lock. Returns the names of the exports and copies removed.
    pub fn erase_traces(&self, id: &ClientId) -> Result<(Vec<String>, Vec<String>), StoreError> {
        valid_id(id.as_str())?;
        let mut exports = Vec::new();
        for path in self.exports_of(id) {
            fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            exports.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
        // Copies a sync tool left of this client's record hold their words too.
        let mut copies = Vec::new();
        for path in self.copies_of(id.as_str()) {
            fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            copies.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
        self.erase_process_notes(id)?;
        let draft = self.draft_path(id.as_str());
        match fs::remove_file(&draft) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(StoreError::io("remove", &draft, e)),
            _ => {}
        }
        let index = self.root.join("index");
        self.index_dir().remove_one(id).map_err(|source| StoreError::Write { path: index, cause: source })?;
        let old_ids = self.root.join(super::conversion::OLD_IDS);
        self.forget_old_id(id.as_str()).map_err(|source| StoreError::Write { path: old_ids, cause: source })?;
        self.forget_witness(id.as_str());
        Ok((exports, copies))
    }
}

/// What an erasure did, and what still holds the record.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    /// Snapshots that still hold the client's file.
    pub snapshots: Vec<String>,
    /// The export files removed from `DATA/exports/`.
    pub exports: Vec<String>,
    /// Copies of the record a sync tool had left in `clients/`, removed.
    pub copies: Vec<String>,
}

/// A new client id with no name in it, none that `taken` says is used:
/// `c`, four random letters, and the device's mark `tag` (`cq7ka-x3m`).
pub(super) fn name_free_id(tag: &str, taken: impl Fn(&str) -> bool) -> String {
    std::iter::repeat_with(|| format!("c{}-{tag}", random_letters(4))).find(|id| !taken(id)).expect("an unused id")
}

/// `n` random lowercase letters and digits, none easily misread.
fn random_letters(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..n).map(|_| LETTERS[fastrand::usize(..LETTERS.len())] as char).collect()
}
