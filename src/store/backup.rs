//! Snapshots of the client files under `DATA/backups/<name>/clients/`.
//!
//! Every snapshot is an independent copy of each client file: a reflink
//! where the filesystem offers one (Btrfs, XFS, APFS: no space used until a
//! file changes), a real copy otherwise. Never a hard link: an editor, a
//! sync tool or `truncate` that rewrites a live file in place would change
//! every snapshot that shared its bytes. A snapshot is built in a temporary
//! folder and renamed into place when complete, so a killed snapshot never
//! leaves a partial one behind.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};

use std::os::unix::fs::PermissionsExt;

use super::atomic::{FILE_MODE, create_private_dir, is_temp_file, sync_folder, write_atomic};
use super::{Store, StoreError};
use crate::domain::{ClientId, ClientRecord, SessionId};

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `2026-11-26_093500`, or with a `-before-restore` tail.
    pub name: String,
    pub clients: usize,
}

impl Store {
    fn backups_dir(&self) -> PathBuf {
        self.root().join("backups")
    }

    /// The snapshots, oldest first: folders named as Rapport names them
    /// (a folder with any other name is not one, and is never pruned).
    pub fn snapshots(&self) -> Vec<Snapshot> {
        self.snapshot_names()
            .into_iter()
            .map(|name| {
                let clients = fs::read_dir(self.backups_dir().join(&name).join("clients")).map_or(0, |d| {
                    d.filter_map(|f| f.ok()).filter(|f| f.file_type().is_ok_and(|t| t.is_file())).count()
                });
                Snapshot { name, clients }
            })
            .collect()
    }

    /// The snapshots' names, oldest first, without counting what each
    /// holds (which would list every client file of every snapshot).
    pub(crate) fn snapshot_names(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.backups_dir()) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.path().join("clients").is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| snapshot_time(name).is_some())
            .collect();
        names.sort();
        names
    }

    /// Takes a snapshot now (call under the lock). `tail` names why.
    pub(crate) fn snapshot_locked(&self, now: NaiveDateTime, tail: &str) -> Result<Snapshot, StoreError> {
        let mut name = format!("{}{tail}", now.format("%Y-%m-%d_%H%M%S"));
        let mut n = 2;
        while self.backups_dir().join(&name).exists() {
            name = format!("{}{tail}-{n}", now.format("%Y-%m-%d_%H%M%S"));
            n += 1;
        }
        // Built under a temporary name, renamed when whole. Under the lock no
        // other snapshot is being built, so any temporary folder is a leftover.
        self.sweep_partial_snapshots();
        let building = self.backups_dir().join(format!(".rapport-tmp-{name}"));
        let built = self.build_snapshot(&building);
        if built.is_err() {
            // Half a snapshot (a full disk) is no snapshot: it goes at once.
            let _ = fs::remove_dir_all(&building);
        }
        let clients = built?;
        let finished = self.backups_dir().join(&name);
        let fail = |source: anyhow::Error| StoreError::Write { path: finished.clone(), cause: source };
        super::crash::point("snapshot.rename");
        fs::rename(&building, &finished).map_err(|e| StoreError::io("finish the snapshot", &finished, e))?;
        super::crash::point("snapshot.folder-sync");
        sync_folder(&self.backups_dir()).map_err(fail)?;
        self.unshare_snapshots()?;
        Ok(Snapshot { name, clients })
    }

    /// Copies the client files, and what goes beside them, into the folder
    /// `building`: how many clients.
    fn build_snapshot(&self, building: &Path) -> Result<usize, StoreError> {
        let dest = building.join("clients");
        let fail = |source: anyhow::Error| StoreError::Write { path: dest.clone(), cause: source };
        create_private_dir(&dest).map_err(fail)?;
        let mut clients = 0;
        for (_, from) in self.client_files()? {
            let to = dest.join(from.file_name().expect("a file"));
            super::crash::point("snapshot.copy");
            reflink_copy::reflink_or_copy(&from, &to).map_err(|e| StoreError::io("copy", &from, e))?;
            // Owner-only, and on disk before the snapshot is named complete.
            fs::File::open(&to)
                .and_then(|f| {
                    f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
                    f.sync_all()
                })
                .map_err(|e| StoreError::io("copy", &to, e))?;
            clients += 1;
        }
        sync_folder(&dest).map_err(fail)?;
        self.snapshot_beside_clients(building).map_err(fail)?;
        Ok(clients)
    }

    /// What a snapshot keeps beside the client files: the key file, locked
    /// by the passphrase as it is now (so a key file lost or replaced can be
    /// put back from a snapshot), and the ledger's head (an anchor: see
    /// `ledger::anchor`).
    fn snapshot_beside_clients(&self, building: &Path) -> anyhow::Result<()> {
        let key = self.root().join(super::crypt::IDENTITY_FILE);
        if let Ok(bytes) = super::files::read_regular(&key, super::crypt::KEY_FILE_BYTES) {
            write_atomic(&building.join(super::crypt::IDENTITY_FILE), &bytes)?;
        }
        super::ledger::anchor::note_in_snapshot(self.root(), self.keys.as_deref(), building)
    }

    /// Snapshots taken by an older Rapport hard-linked the live files: each
    /// file still linked elsewhere is replaced by a copy of its own (once;
    /// after that this only looks at each file's link count).
    fn unshare_snapshots(&self) -> Result<(), StoreError> {
        use std::os::unix::fs::MetadataExt;
        for snap in self.snapshots() {
            let dir = self.backups_dir().join(&snap.name).join("clients");
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for e in entries.filter_map(|e| e.ok()) {
                let path = e.path();
                let shared = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.nlink() > 1);
                if !shared {
                    continue;
                }
                let name = e.file_name().to_string_lossy().into_owned();
                let temp = dir.join(format!(".rapport-tmp-unshare-{name}"));
                let _ = fs::remove_file(&temp);
                fs::copy(&path, &temp)
                    .and_then(|_| {
                        let f = fs::File::open(&temp)?;
                        f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
                        f.sync_all()?;
                        fs::rename(&temp, &path)
                    })
                    .map_err(|e| StoreError::io("copy", &path, e))?;
            }
        }
        Ok(())
    }

    /// Removes snapshot folders a killed process left half built.
    fn sweep_partial_snapshots(&self) {
        let Ok(entries) = fs::read_dir(self.backups_dir()) else { return };
        for e in entries.filter_map(|e| e.ok()) {
            if e.file_name().to_str().is_some_and(is_temp_file) && e.path().is_dir() {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }

    /// The day's snapshot, taken before the first change of the day.
    pub(crate) fn daily_snapshot_locked(&self, now: NaiveDateTime) -> Result<(), StoreError> {
        let today = now.format("%Y-%m-%d_").to_string();
        if self.snapshot_names().iter().any(|s| s.starts_with(&today)) || self.client_ids()?.is_empty() {
            return Ok(());
        }
        self.snapshot_locked(now, "")?;
        self.prune_locked(self.settings().keep_backups, now)?;
        Ok(())
    }

    /// Takes a snapshot now.
    pub fn backup(&self, now: NaiveDateTime) -> Result<Snapshot, StoreError> {
        let _lock = self.lock()?;
        let snap = self.snapshot_locked(now, "")?;
        self.audit(now, "backup", "", &snap.name);
        Ok(snap)
    }

    /// Removes the oldest snapshots beyond `keep`. One dated over a day after `now` (planted, or from a
    /// clock that was wrong) neither counts nor goes: it could otherwise push every
    /// real snapshot out; `rapport doctor` names it.
    pub(crate) fn prune_locked(&self, keep: usize, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
        let snaps: Vec<String> = self
            .snapshot_names()
            .into_iter()
            .filter(|s| snapshot_time(s).is_some_and(|t| t <= now + Duration::days(1)))
            .collect();
        let extra = snaps.len().saturating_sub(keep.max(1));
        let mut removed = Vec::new();
        for s in snaps.into_iter().take(extra) {
            let path = self.backups_dir().join(&s);
            fs::remove_dir_all(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            removed.push(s);
        }
        Ok(removed)
    }

    /// Removes the oldest snapshots, keeping `keep` (at least one).
    pub fn prune_backups(&self, keep: usize, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
        let _lock = self.lock()?;
        let removed = self.prune_locked(keep, now)?;
        for name in &removed {
            self.audit(now, "backup removed", "", name);
        }
        Ok(removed)
    }

    /// The records snapshot `name` holds (those that read as records; a
    /// file that does not is put back as it is by a restore, and not
    /// counted here). An unknown snapshot is the same error as `restore`'s.
    pub fn snapshot_records(&self, name: &str) -> Result<Vec<ClientRecord>, StoreError> {
        let source = self.backups_dir().join(name).join("clients");
        if name.contains('/') || name.starts_with('.') || !source.is_dir() {
            return Err(unknown_snapshot(self, name));
        }
        let ext = format!(".{}", self.ext());
        Ok(fs::read_dir(&source)
            .map_err(|e| StoreError::io("read", &source, e))?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let ours = e
                    .file_name()
                    .to_str()
                    .and_then(|f| f.strip_suffix(&ext))
                    .is_some_and(crate::domain::bounds::is_valid_id);
                ours && e.file_type().is_ok_and(|t| t.is_file())
            })
            .filter_map(|e| super::parse_record(&self.read_file(&e.path()).ok()?, &e.path()).ok())
            .collect())
    }

    /// Puts the client files back as they were in snapshot `name`, after
    /// keeping the present state as a snapshot of its own. Returns that
    /// snapshot's name. `progress` is told client file by client file.
    pub fn restore(
        &self,
        name: &str,
        only: Option<&ClientId>,
        now: NaiveDateTime,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<String, StoreError> {
        let source = self.backups_dir().join(name).join("clients");
        if name.contains('/') || name.starts_with('.') || !source.is_dir() {
            return Err(unknown_snapshot(self, name));
        }
        let _lock = self.lock()?;
        if !super::ledger::exists(self.root()) {
            self.witness_locked("", now)?;
        }
        // A snapshot holding a link or anything but files was not made by
        // Rapport as it is: restoring from it could drop a client unseen.
        let odd = fs::read_dir(&source)
            .map_err(|e| StoreError::io("read", &source, e))?
            .filter_map(|e| e.ok())
            .find(|e| !e.file_type().is_ok_and(|t| t.is_file()) && !e.file_name().to_str().is_some_and(is_temp_file));
        if let Some(odd) = odd {
            return Err(StoreError::Record(crate::domain::RecordError::Invalid(format!(
                "snapshot {name} holds clients/{} as a link or a folder, not a file Rapport wrote; nothing was \
                 restored. Choose another snapshot (`rapport backup list`)",
                crate::sanitize::visible(&odd.file_name().to_string_lossy())
            ))));
        }
        let before: Vec<ClientId> =
            self.load_all()?.into_iter().filter_map(|f| f.record.ok()).map(|r| r.client.id).collect();
        let wanted: Vec<(String, PathBuf)> = fs::read_dir(&source)
            .map_err(|e| StoreError::io("read", &source, e))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                // Only client files Rapport writes, never a link or a stray.
                let file = e.file_name().into_string().ok()?;
                let ours =
                    file.strip_suffix(&format!(".{}", self.ext())).is_some_and(crate::domain::bounds::is_valid_id);
                (ours && e.file_type().is_ok_and(|t| t.is_file())).then(|| (file, e.path()))
            })
            // One client's record only, when asked: the others stay as they are.
            .filter(|(file, _)| only.is_none_or(|id| *file == self.file_name(id.as_str())))
            .collect();
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
        for (file, from) in &wanted {
            steps.one();
            let bytes = super::read_bytes(from)?;
            let to = self.root().join("clients").join(file);
            returned += usize::from(synced && !to.exists());
            if synced && let Some((record, more)) = self.restore_keeping(from, &to) {
                kept_items += more;
                self.write_json(&to, &record)?;
                continue;
            }
            super::crash::point("restore.file");
            write_atomic(&to, &bytes).map_err(|source| StoreError::Write { path: to.clone(), cause: source })?;
            // A synced restore goes to the other devices as it is (see `sync::older`).
            super::device::note_written(self.root(), &format!("clients/{file}"), &bytes);
        }
        for (_, path) in self.client_files()?.into_iter().filter(|_| only.is_none()) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let added_since = !wanted.iter().any(|(f, _)| f == name);
            if synced {
                kept_items += usize::from(added_since);
            } else if added_since {
                super::crash::point("restore.remove");
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
        self.witness_restore_locked(&before, &kept.name, now)?;
        // Many files changed at once: every one is checked at the next look.
        let _ = self.index_dir().check_next_time();
        self.audit(now, "restore", only.map_or("", |id| id.as_str()), name);
        Ok(kept.name)
    }

    /// The snapshot's record (in the file `from`) with what the live file
    /// `to` holds that it does not, and how many items that is; None when
    /// either cannot be read as a record (the snapshot's file is then put
    /// back as it is).
    fn restore_keeping(&self, from: &Path, to: &Path) -> Option<(ClientRecord, usize)> {
        let snapshot = super::parse_record(&self.read_file(from).ok()?, from).ok()?;
        let now = super::parse_record(&self.read_file(to).ok()?, to).ok()?;
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
        use super::ledger::{Kind, NewEntry, baseline, read, witness};
        let old = read(self.root(), self.keys.as_deref(), None)
            .map_err(|e| StoreError::Write { path: super::ledger::path(self.root()), cause: e.into() })?;
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

    /// Takes client `id`'s file out of every snapshot. Returns how many held it.
    pub fn erase_from_backups(&self, id: &ClientId, now: NaiveDateTime) -> Result<usize, StoreError> {
        super::valid_id(id.as_str())?;
        if id.as_str().contains('/') || id.as_str().starts_with('.') || id.as_str().is_empty() {
            return Err(StoreError::Record(crate::domain::RecordError::Invalid(format!("'{id}' is not a client id"))));
        }
        let _lock = self.lock()?;
        let holding = self.snapshots_holding(id);
        for name in &holding {
            let path = self.backups_dir().join(name).join("clients").join(self.file_name(id.as_str()));
            fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
        }
        self.audit(now, "erased from backups", "", &holding.len().to_string());
        Ok(holding.len())
    }

    /// The snapshots that still hold client `id`'s file.
    pub fn snapshots_holding(&self, id: &ClientId) -> Vec<String> {
        self.snapshot_names()
            .into_iter()
            .filter(|s| self.backups_dir().join(s).join("clients").join(self.file_name(id.as_str())).exists())
            .collect()
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
