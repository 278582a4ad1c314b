//! Snapshots of the client files under `DATA/backups/`, content-addressed
//! as restic's, borg's or git's object stores are.
//!
//! Each version of a client file that a snapshot holds is stored once, under
//! the SHA-256 of its bytes, as a read-only file of its own in
//! `backups/objects/` (see [`objects`]): written, never a hard link or a
//! reflink to a live file, so an editor, a sync tool or `truncate` that
//! rewrites a live file in place changes no snapshot. A snapshot is the
//! folder `backups/<date_time>/` with its manifest (see [`manifest`]): each
//! client file by hash and size. The folder is built under a temporary name,
//! the manifest written last, and renamed into place when whole, so a
//! killed snapshot leaves no partial one; a snapshot without its manifest
//! does not exist.
//!
//! The day's first save therefore stores only the client files changed since
//! the newest snapshot: a file whose `stat` (size, times, inode) is the one
//! that snapshot recorded is not read again (it is recorded only for a file
//! unchanged for over a second before that snapshot began). Pruning removes manifests
//! first and then the objects no manifest names, so a killed prune leaves
//! garbage, never a manifest naming a missing object. Snapshots an older
//! Rapport made as full copies (`backups/<date_time>/clients/`) are moved
//! into the objects by the next snapshot ([`migrate`]); until then they are
//! read as they are.

mod backups;
mod check;
mod manifest;
mod migrate;
mod objects;
mod restore;
mod rewrite;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};

pub(crate) use backups::{Backups, SnapFile};
use backups::{Held, is_dir};
use manifest::{Entry, MANIFEST, Manifest, Seen};
use objects::hash_of;
pub(crate) use rewrite::Rewritten;

use super::atomic::{create_private_dir, sync_folder, write_atomic_in_new_folder};
use super::{Store, StoreError};

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `2026-11-26_093500`, or with a `-before-restore` tail.
    pub name: String,
    pub clients: usize,
}

impl Store {
    pub(crate) fn backups(&self) -> Backups {
        Backups::of(self.root())
    }

    fn backups_dir(&self) -> PathBuf {
        self.root().join("backups")
    }

    /// The snapshots, oldest first, each with how many client files it holds.
    pub fn snapshots(&self) -> Vec<Snapshot> {
        let backups = self.backups();
        backups
            .names()
            .into_iter()
            .map(|name| {
                let clients = backups.files(&name).map_or(0, |f| f.len());
                Snapshot { name, clients }
            })
            .collect()
    }

    /// The snapshots' names, oldest first, without counting what each
    /// holds (which would read every manifest).
    pub(crate) fn snapshot_names(&self) -> Vec<String> {
        self.backups().names()
    }

    /// Client file `file` as snapshot `name` holds it (decrypted), if it
    /// does and it can be read.
    pub(crate) fn snapshot_file(&self, name: &str, file: &str) -> Option<Vec<u8>> {
        let backups = self.backups();
        let f = backups.files(name).ok()?.into_iter().find(|f| f.file == file)?;
        let bytes = backups.read(&f).ok()?;
        match self.keys.as_deref() {
            None => Some(bytes),
            Some(k) => k.decrypt(&bytes),
        }
    }

    /// Takes a snapshot now (call under the lock). `tail` names why.
    pub(crate) fn snapshot_locked(&self, now: NaiveDateTime, tail: &str) -> Result<Snapshot, StoreError> {
        Ok(self.snapshot_and_prune_locked(now, tail, None)?.0)
    }

    /// Takes a snapshot now (call under the lock), then, given `keep`,
    /// removes the oldest beyond it: one sync of `backups/` makes the new
    /// snapshot's name and the old ones' removal last, before any object
    /// they alone named is removed. Returns the snapshot and the names removed.
    pub(crate) fn snapshot_and_prune_locked(
        &self,
        now: NaiveDateTime,
        tail: &str,
        keep: Option<usize>,
    ) -> Result<(Snapshot, Vec<String>), StoreError> {
        let mut name = format!("{}{tail}", now.format("%Y-%m-%d_%H%M%S"));
        let mut n = 2;
        while self.backups_dir().join(&name).exists() {
            name = format!("{}{tail}-{n}", now.format("%Y-%m-%d_%H%M%S"));
            n += 1;
        }
        let backups = self.backups();
        backups.sweep_partial();
        if let Err(e) = backups.migrate() {
            // The older snapshots stay as they are, whole; the next snapshot tries again.
            self.notice(format!("older snapshots could not be moved into the snapshot store yet: {e:#}"));
        }
        // Built under a temporary name, renamed when whole.
        let building = self.backups_dir().join(format!(".rapport-tmp-{name}"));
        let built = self.build_snapshot(&building);
        if built.is_err() {
            // Half a snapshot (a full disk) is no snapshot: it goes at once,
            // and so do the objects it stored that nothing names.
            let _ = fs::remove_dir_all(&building);
            let _ = backups.collect_garbage();
        }
        let clients = built?;
        let finished = self.backups_dir().join(&name);
        let fail = |source: anyhow::Error| StoreError::Write { path: finished.clone(), cause: source };
        super::crash::point("snapshot.rename");
        fs::rename(&building, &finished).map_err(|e| StoreError::io("finish the snapshot", &finished, e))?;
        let (removed, candidates) = match keep {
            Some(keep) => self.remove_oldest(keep, now)?,
            None => (Vec::new(), None),
        };
        super::crash::point("snapshot.folder-sync");
        sync_folder(&self.backups_dir()).map_err(fail)?;
        self.collect_pruned(&removed, candidates)?;
        Ok((Snapshot { name, clients }, removed))
    }

    /// Stores the client files changed since the newest snapshot as
    /// objects, then writes what goes beside them and, last, the manifest
    /// into the folder `building`: how many clients.
    fn build_snapshot(&self, building: &Path) -> Result<usize, StoreError> {
        let fail = |source: anyhow::Error| StoreError::Write { path: building.to_path_buf(), cause: source };
        create_private_dir(building).map_err(fail)?;
        // The filesystem's own time as the snapshot begins: a file changed
        // within a second of it is not trusted by its `stat` next time.
        let started = fs::metadata(building).map_err(|e| StoreError::io("read", building, e))?;
        let started = Seen::of(&started).ctime_ns;
        let backups = self.backups();
        let previous = backups.newest_manifest();
        let known: HashMap<&str, &Entry> =
            previous.iter().flat_map(|m| m.files.iter()).map(|e| (e.file(), e)).collect();
        let objects = backups.objects();
        let mut touched = BTreeSet::new();
        let mut files = Vec::new();
        for (_, from) in self.client_files()? {
            let file = from.file_name().and_then(|f| f.to_str()).expect("client files are named in UTF-8").to_string();
            // Looked at before it is read: a change after this look gives the
            // file a newer ctime, so the next snapshot reads it again.
            let meta = fs::symlink_metadata(&from).map_err(|e| StoreError::io("read", &from, e))?;
            let seen = Seen::of(&meta);
            if let Some(e) = known.get(file.as_str())
                && e.seen == Some(seen)
                && e.size == meta.len()
                && objects.has(&e.hash)
            {
                files.push((*e).clone());
                continue;
            }
            let bytes = super::read_bytes(&from)?;
            let hash = hash_of(&bytes);
            if !objects.has(&hash) {
                super::crash::point("snapshot.object");
                objects.put(&hash, &bytes, &mut touched).map_err(fail)?;
            }
            let seen = (bytes.len() as u64 == meta.len()).then_some(seen).and_then(|s| s.trusted(started));
            files.push(Entry { path: format!("clients/{file}"), hash, size: bytes.len() as u64, seen });
        }
        objects::sync_all(&touched).map_err(fail)?;
        self.snapshot_beside_clients(building).map_err(fail)?;
        let clients = files.len();
        write_atomic_in_new_folder(&building.join(MANIFEST), &Manifest::new(files).to_bytes()).map_err(fail)?;
        // Every file of the folder on disk, once, before it is renamed into place.
        sync_folder(building).map_err(fail)?;
        Ok(clients)
    }

    /// What a snapshot keeps beside the client files: the key file, locked
    /// by the passphrase as it is now (so a key file lost or replaced can be
    /// put back from a snapshot), and the ledger's head (an anchor: see
    /// `ledger::anchor`).
    fn snapshot_beside_clients(&self, building: &Path) -> anyhow::Result<()> {
        let key = self.root().join(super::crypt::IDENTITY_FILE);
        if let Ok(bytes) = super::files::read_regular(&key, super::crypt::KEY_FILE_BYTES) {
            write_atomic_in_new_folder(&building.join(super::crypt::IDENTITY_FILE), &bytes)?;
        }
        super::ledger::anchor::note_in_snapshot(self.root(), self.keys.as_deref(), building)
    }

    /// The day's snapshot, taken before the first change of the day.
    pub(crate) fn daily_snapshot_locked(&self, now: NaiveDateTime) -> Result<(), StoreError> {
        let today = now.format("%Y-%m-%d_").to_string();
        if self.snapshot_names().iter().any(|s| s.starts_with(&today)) || self.client_ids()?.is_empty() {
            return Ok(());
        }
        self.snapshot_and_prune_locked(now, "", Some(self.settings().keep_backups))?;
        Ok(())
    }

    /// Takes a snapshot now.
    pub fn backup(&self, now: NaiveDateTime) -> Result<Snapshot, StoreError> {
        let _lock = self.lock()?;
        let snap = self.snapshot_locked(now, "")?;
        self.audit(now, "backup", "", &snap.name);
        Ok(snap)
    }

    /// Removes the oldest snapshots beyond `keep`: each manifest first (the
    /// snapshot is gone), then its folder, then the objects no snapshot
    /// names any more. One dated over a day after `now` (planted, or from a
    /// clock that was wrong) neither counts nor goes: it could otherwise push every
    /// real snapshot out; `rapport doctor` names it.
    pub(crate) fn prune_locked(&self, keep: usize, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
        let (removed, candidates) = self.remove_oldest(keep, now)?;
        if !removed.is_empty() {
            let fail = |cause: anyhow::Error| StoreError::Write { path: self.backups_dir(), cause };
            sync_folder(&self.backups_dir()).map_err(fail)?;
        }
        self.collect_pruned(&removed, candidates)?;
        Ok(removed)
    }

    /// Removes the oldest snapshots beyond `keep`, each manifest first, as
    /// [`Store::prune_locked`] says; `backups/` is left for the caller to
    /// sync. Returns their names, and the objects they named (None when one
    /// could not be read: then what they named is not known).
    fn remove_oldest(
        &self,
        keep: usize,
        now: NaiveDateTime,
    ) -> Result<(Vec<String>, Option<HashSet<String>>), StoreError> {
        let snaps: Vec<String> = self
            .snapshot_names()
            .into_iter()
            .filter(|s| snapshot_time(s).is_some_and(|t| t <= now + Duration::days(1)))
            .collect();
        let extra = snaps.len().saturating_sub(keep.max(1));
        let mut removed = Vec::new();
        let mut candidates = Some(HashSet::new());
        for s in snaps.into_iter().take(extra) {
            let path = self.backups_dir().join(&s);
            match manifest::hashes(&path) {
                Ok(hashes) => {
                    if let Some(c) = candidates.as_mut() {
                        c.extend(hashes.into_iter().flatten());
                    }
                }
                Err(_) => candidates = None,
            }
            super::crash::point("snapshot.prune");
            match fs::remove_file(path.join(MANIFEST)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::io("remove", &path.join(MANIFEST), e));
                }
                _ => {}
            }
            fs::remove_dir_all(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            removed.push(s);
        }
        Ok((removed, candidates))
    }

    /// After a prune whose removals are on disk: the objects only the
    /// removed snapshots named go (all garbage, when what they named is not known).
    fn collect_pruned(&self, removed: &[String], candidates: Option<HashSet<String>>) -> Result<(), StoreError> {
        if removed.is_empty() {
            return Ok(());
        }
        let fail = |cause: anyhow::Error| StoreError::Write { path: self.backups_dir(), cause };
        match candidates {
            Some(candidates) => self.backups().collect_candidates(candidates),
            None => self.backups().collect_garbage(),
        }
        .map_err(fail)?;
        Ok(())
    }

    /// Removes the oldest snapshots, keeping `keep` (at least one), and
    /// whatever garbage a killed prune left in the objects.
    pub fn prune_backups(&self, keep: usize, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
        let _lock = self.lock()?;
        let removed = self.prune_locked(keep, now)?;
        let fail = |cause: anyhow::Error| StoreError::Write { path: self.backups_dir(), cause };
        self.backups().collect_garbage().map_err(fail)?;
        for name in &removed {
            self.audit(now, "backup removed", "", name);
        }
        Ok(removed)
    }
}

/// When a snapshot named `name` was taken: `2026-11-26_093500`, maybe with
/// a `-before-restore` (or `-before-encrypt`…) and a `-2` tail. None for a name Rapport does not make.
pub fn snapshot_time(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.get(..17)?;
    let mut tail = &name[17..];
    // "-before-restore", "-before-encrypt", "-before-decrypt"
    if let Some(rest) = tail.strip_prefix("-before-") {
        let word = rest.split('-').next().unwrap_or("");
        if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        tail = &rest[word.len()..];
    }
    let tail_ok = tail.is_empty()
        || tail.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !tail_ok {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M%S").ok()
}

/// There is no snapshot `name`: which there are.
fn unknown_snapshot(store: &Store, name: &str) -> StoreError {
    let names: Vec<String> = store.snapshots().into_iter().map(|s| s.name).collect();
    StoreError::Record(crate::domain::RecordError::Invalid(format!(
        "there is no snapshot '{}'; `rapport backup list` shows them{}",
        crate::sanitize::visible(name),
        if names.is_empty() { String::new() } else { format!(" (the newest is {})", names[names.len() - 1]) }
    )))
}
