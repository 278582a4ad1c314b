//! Putting a snapshot back: the whole practice, or one client's record.
//! Every file the snapshot holds is read, and checked against its hash,
//! before any is put back.

use std::fs;
use std::path::Path;

use chrono::NaiveDateTime;

use super::super::atomic::write_atomic;
use super::super::{Store, StoreError};
use super::{SnapFile, unknown_snapshot};
use crate::domain::{ClientId, ClientRecord, SessionId};

impl Store {
    /// The records snapshot `name` holds (those that read as records; a
    /// file that does not is put back as it is by a restore, and not
    /// counted here); only client `only`'s, when given, and then only their
    /// file is read. An unknown snapshot is the same error as `restore`'s;
    /// one that cannot be read says why.
    pub fn snapshot_records(&self, name: &str, only: Option<&ClientId>) -> Result<Vec<ClientRecord>, StoreError> {
        let files = self.restorable(name)?;
        let backups = self.backups();
        let ext = format!(".{}", self.ext());
        let one = only.map(|id| self.file_name(id.as_str()));
        files
            .iter()
            .filter(|f| f.file.ends_with(&ext) && one.as_ref().is_none_or(|one| &f.file == one))
            .filter_map(|f| {
                let path = Path::new("clients").join(&f.file);
                let bytes = match backups.read(f) {
                    Ok(bytes) => bytes,
                    Err(why) => return Some(Err(damaged(name, &why))),
                };
                let bytes = self.decode(bytes, &path).ok()?;
                super::super::parse_record(&bytes, &path).ok().map(Ok)
            })
            .collect()
    }

    /// The client files of snapshot `name`, or why it cannot be restored.
    fn restorable(&self, name: &str) -> Result<Vec<SnapFile>, StoreError> {
        if name.contains('/') || name.starts_with('.') || !self.snapshot_names().iter().any(|n| n == name) {
            return Err(unknown_snapshot(self, name));
        }
        self.backups().files(name).map_err(|why| damaged(name, &why))
    }

    /// Puts the client files back as they were in snapshot `name`, after
    /// keeping the present state as a snapshot of its own. Returns that
    /// snapshot's name.
    /// `progress` is told client file by client file.
    pub fn restore(
        &self,
        name: &str,
        only: Option<&ClientId>,
        now: NaiveDateTime,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<String, StoreError> {
        self.restore_with(name, only, now, progress, &|_| None)
    }

    /// [`Store::restore`]; in a synced practice, a client file that cannot
    /// be read (damaged by another program) is restored with what its last
    /// synced copy holds (`synced_copy`: the bytes of `clients/FILE` as the
    /// last sync left them), as an intact one is with what it holds: the
    /// snapshot alone would take away on every device what was added since.
    pub fn restore_with(
        &self,
        name: &str,
        only: Option<&ClientId>,
        now: NaiveDateTime,
        progress: &mut dyn crate::progress::Progress,
        synced_copy: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Result<String, StoreError> {
        let _lock = self.lock()?;
        // Read under the lock: no prune removes an object it names meanwhile.
        let files = self.restorable(name)?;
        if !super::super::ledger::exists(self.root()) {
            self.witness_locked("", now)?;
        }
        let before: Vec<ClientId> =
            self.load_all()?.into_iter().filter_map(|f| f.record.ok()).map(|r| r.client.id).collect();
        let backups = self.backups();
        let ext = format!(".{}", self.ext());
        let mut wanted: Vec<(String, Vec<u8>)> = Vec::new();
        // Only client files Rapport writes, of this folder's kind; one
        // client's record only, when asked: the others stay as they are.
        for f in files.iter().filter(|f| f.file.ends_with(&ext)) {
            if only.is_some_and(|id| f.file != self.file_name(id.as_str())) {
                continue;
            }
            // Every file read, and checked against its hash, before any is put back.
            wanted.push((f.file.clone(), backups.read(f).map_err(|why| damaged(name, &why))?));
        }
        if let Some(id) = only
            && wanted.is_empty()
        {
            return Err(StoreError::Record(crate::domain::RecordError::Invalid(format!(
                "snapshot {name} does not hold {id}'s record; nothing was restored. `rapport backup list` lists the \
                 snapshots"
            ))));
        }
        let kept = self.snapshot_locked(now, "-before-restore")?;
        // Synced, nothing is taken away: a removal would travel to every device.
        let synced = self.is_synced();
        let (mut kept_items, mut returned) = (0, 0);
        let mut steps = crate::progress::Steps::new(wanted.len(), progress);
        for (file, bytes) in &wanted {
            steps.one();
            let to = self.root().join("clients").join(file);
            returned += usize::from(synced && !to.exists());
            if synced && let Some((record, more)) = self.restore_keeping(bytes, &to, || synced_copy(file)) {
                kept_items += more;
                self.write_json(&to, &record)?;
                continue;
            }
            super::super::crash::point("restore.file");
            write_atomic(&to, bytes).map_err(|source| StoreError::Write { path: to.clone(), cause: source })?;
            // A synced restore goes to the other devices as it is (see `sync::older`).
            super::super::device::note_written(self.root(), &format!("clients/{file}"), bytes);
        }
        for (_, path) in self.client_files()?.into_iter().filter(|_| only.is_none()) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let added_since = !wanted.iter().any(|(f, _)| f == name);
            if synced {
                kept_items += usize::from(added_since);
            } else if added_since {
                super::super::crash::point("restore.remove");
                fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            }
        }
        if returned > 0 {
            self.notice(format!(
                "the restore brought back {} that {} erased or removed since; with the next sync {} back on \
                 your other devices too (`rapport client delete` erases a client again)",
                crate::domain::plural(returned, "client"),
                if returned == 1 { "was" } else { "were" },
                if returned == 1 { "it is" } else { "they are" },
            ));
        }
        if kept_items > 0 {
            self.notice(format!(
                "this practice is synced, so the restore took nothing away: {} added since the snapshot (or \
                 finalised) {} kept, since a removal would travel to your other devices. Snapshot {} holds the \
                 state before the restore",
                if kept_items == 1 {
                    "1 item (a note, a client or another)".to_string()
                } else {
                    format!("{kept_items} items (notes, clients and others)")
                },
                if kept_items == 1 { "was" } else { "were" },
                kept.name
            ));
        }
        self.orphan_process_notes_locked();
        self.witness_restore_locked(&before, &kept.name, now)?;
        // Many files changed at once: every one is checked at the next look.
        let _ = self.index_dir().check_next_time();
        self.audit(now, "restore", only.map_or("", |id| id.as_str()), name);
        Ok(kept.name)
    }

    /// The snapshot's record (its file's bytes `from`) with what the live
    /// file `to` (or, when it cannot be read, its last synced copy) holds
    /// that it does not, and how many items that is; None when neither can
    /// be read as a record (the snapshot's file is then put back as it is).
    fn restore_keeping(
        &self,
        from: &[u8],
        to: &Path,
        synced_copy: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<(ClientRecord, usize)> {
        let snapshot = super::super::parse_record(&self.decode(from.to_vec(), to).ok()?, to).ok()?;
        let live = self.read_file(to).ok().and_then(|text| super::super::parse_record(&text, to).ok());
        // A live file that cannot be read: its last synced copy, if it can.
        let now = match live {
            Some(now) => now,
            None => super::super::parse_record(&self.decode(synced_copy()?, to).ok()?, to).ok()?,
        };
        if snapshot.client.id != now.client.id {
            return None;
        }
        let (mut record, kept) = crate::domain::merge::restore_keeping(&snapshot, &now);
        record.schema_version = crate::domain::SCHEMA_VERSION;
        record.check().ok()?;
        Some((record, kept))
    }

    /// After a restore: the ledger takes the restored files as its new
    /// witness of each client (`before`: the clients there were), and a
    /// notice names the finalised notes the restore took away.
    fn witness_restore_locked(&self, before: &[ClientId], kept: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        use super::super::ledger::{Kind, NewEntry, baseline, read, witness};
        let old = read(self.root(), self.keys.as_deref(), None)
            .map_err(|e| StoreError::Write { path: super::super::ledger::path(self.root()), cause: e.into() })?;
        let after: Vec<_> = self.load_all()?.into_iter().filter_map(|f| f.record.ok()).collect();
        let mut ids: Vec<ClientId> = before.to_vec();
        ids.extend(after.iter().map(|r| r.client.id.clone()));
        ids.sort();
        ids.dedup();
        let mut entries = Vec::new();
        let mut lost = Vec::new();
        for id in &ids {
            let r = after.iter().find(|r| &r.client.id == id);
            for (sid, w) in witness(&old.entries, id.as_str()) {
                let still = r.and_then(|r| r.session(&sid)).and_then(|s| s.finalised.as_ref());
                if !w.hash.is_empty() && still.is_none() {
                    lost.push(format!("{id} {sid}"));
                }
            }
            if self.is_synced() {
                // Synced, a restore takes no seal away, and the ledger forgets
                // none (another device's seal may come in from before it):
                // it witnesses the seals and addenda it does not hold yet.
                let notes = witness(&old.entries, id.as_str());
                entries.extend(r.map(baseline).unwrap_or_default().into_iter().filter(|e| {
                    let w = notes.get(&e.session);
                    match e.kind {
                        Kind::Addendum => w.is_none_or(|w| !w.addenda.contains(&e.hash)),
                        _ => w.is_none_or(|w| w.hash != e.hash),
                    }
                }));
                continue;
            }
            entries.push(NewEntry {
                kind: Kind::Restore,
                client: id.clone(),
                session: SessionId::default(),
                hash: String::new(),
            });
            entries.extend(r.map(baseline).unwrap_or_default());
        }
        self.witness_append_locked(&entries, now)?;
        if !lost.is_empty() {
            self.notice(format!(
                "the restored snapshot does not hold {} that had been finalised since ({}); they are kept in snapshot {kept}",
                if lost.len() == 1 { "1 note".to_string() } else { format!("{} notes", lost.len()) },
                lost.join(", ")
            ));
        }
        Ok(())
    }
}

/// Snapshot `name` cannot be restored: why, in words.
fn damaged(name: &str, why: &str) -> StoreError {
    StoreError::Record(crate::domain::RecordError::Invalid(format!(
        "snapshot {name} cannot be restored: {why}; nothing was restored. Choose another snapshot (`rapport backup list`), and \
         `rapport doctor` says which snapshots are whole"
    )))
}
