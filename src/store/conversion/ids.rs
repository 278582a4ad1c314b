//! Client ids without names, for a plain folder about to be synced.
//!
//! Before a folder is synced, a client's id is made from their name
//! (`ann-byrne`), and it names their file, their draft, and their lines in
//! the audit log and the ledger: a remote would read every name in a file
//! listing. `sync init` therefore gives each client an id like the ones a
//! synced folder gives new clients (`cq7ka-x3m`: see
//! [`super::super::changes::name_free_id`]) and carries it everywhere the
//! old one was: the live file and every snapshot's (so a restore brings
//! back no name), the draft, the exports, the audit log, and the ledger,
//! which is chained anew (after its chain was checked: a broken chain is
//! never re-sealed). The index is derived, and is rebuilt.
//!
//! `DATA/new-ids.json` holds the whole mapping, written before the first
//! file changes and removed after the last; each step looks at what the
//! files are now, so the next command that opens the folder finishes a
//! killed renaming (see [`Store::finish_new_ids`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::super::atomic::{sync_folder, write_atomic};
use super::super::backup::{Backups, Rewritten};
use super::super::crash;
use super::super::files::ReadError;
use super::super::{Store, audit, is_export_tail, ledger, parse_record, plain_export_token};
use super::files::{client_dirs, files, remove_index};
use crate::domain::bounds::is_valid_id;
use crate::domain::{ClientId, SCHEMA_VERSION};

pub const JOURNAL: &str = "new-ids.json";

/// The journal's size limit: some 100,000 clients.
const JOURNAL_CAP: u64 = 8 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    started: NaiveDateTime,
    /// Each client's old id → new id.
    ids: BTreeMap<ClientId, ClientId>,
}

fn journal_path(root: &Path) -> PathBuf {
    root.join(JOURNAL)
}

impl Store {
    /// Gives every client of this plain folder an id without their name,
    /// carrying `tag` (this device's mark), everywhere the old id was.
    /// Call under the folder's lock. Refuses, changing nothing, while the
    /// app is open in a window (its note would lose its client), a client
    /// file cannot be read or has a copy, or the ledger's chain is broken.
    /// Returns how many clients were given new ids (besides those only a
    /// snapshot holds). `progress` is told client file by client file.
    pub(crate) fn give_name_free_ids_locked(
        &self,
        tag: &str,
        now: NaiveDateTime,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<usize> {
        if self.keys.is_some() {
            // An encrypted folder names its files by a keyed hash already.
            return Ok(0);
        }
        if let Some(journal) = self.read_journal()? {
            self.carry_new_ids(&journal, &mut crate::progress::Quiet)?;
        }
        // Every client a file is kept of: the live ones, and those only a
        // snapshot still holds (erased since), whom a restore would bring back.
        // Not those a renaming stopped before its set-up already gave one.
        let dirs = client_dirs(self.root());
        let renamed: BTreeSet<ClientId> = read_old_ids(self.root()).into_values().collect();
        let in_snapshots = Backups::of(self.root()).file_names();
        let stems: BTreeSet<String> = dirs
            .iter()
            .flat_map(|d| files(d, |n| n.ends_with(".json")))
            .filter_map(|p| p.file_name().and_then(|s| s.to_str()).map(str::to_string))
            .chain(in_snapshots.iter().cloned())
            .filter_map(|f| f.strip_suffix(".json").map(str::to_string))
            .filter(|s| is_valid_id(s) && !renamed.contains(s.as_str()))
            .collect();
        if stems.is_empty() {
            return Ok(0);
        }
        if self.any_window_open() {
            bail!(
                "Rapport is open in another window: close it there first, then run `rapport sync init` again \
                 (the clients' ids are about to change, and a note being written there would lose its client). \
                 Nothing was changed"
            );
        }
        super::refuse_unless_clean(self, "changed", "sync init")?;
        let read = ledger::read(self.root(), None, None).context("reading the ledger")?;
        if let Some(n) = read.broken_at.first() {
            bail!(
                "nothing was changed: the ledger's chain is broken at entry {n}, and setting up syncing would \
                 write the ledger anew, hiding where. Run `rapport verify` to see what was altered. Once that is \
                 looked into, moving the file `ledger` out of the data folder and running `rapport verify \
                 --restart-ledger` starts it again from the notes as they are now; then run `rapport sync init` \
                 again"
            );
        }
        let mut ids = BTreeMap::new();
        for old in stems {
            let taken = |id: &str| {
                dirs.iter().any(|d| d.join(format!("{id}.json")).exists())
                    || in_snapshots.contains(&format!("{id}.json"))
                    || ids.values().any(|v: &ClientId| v.as_str() == id)
            };
            let new = super::super::changes::name_free_id(tag, taken);
            ids.insert(ClientId::new(old), ClientId::new(new));
        }
        let journal = Journal { started: now, ids };
        crash::point("new-ids.journal");
        write_atomic(&journal_path(self.root()), &serde_json::to_vec_pretty(&journal)?)?;
        sync_folder(self.root())?;
        self.carry_new_ids(&journal, progress)?;
        Ok(self.client_files()?.len())
    }

    /// Finishes the renaming a killed `sync init` left, if any (under the
    /// lock): run whenever a plain folder is opened.
    pub(crate) fn finish_new_ids(&self) -> Result<()> {
        if self.keys.is_some() || !journal_path(self.root()).exists() {
            return Ok(());
        }
        let _lock = self.lock()?;
        if let Some(journal) = self.read_journal()? {
            self.carry_new_ids(&journal, &mut crate::progress::Quiet)?;
            self.notice(
                "a `rapport sync init` was stopped while it gave clients ids without their names; that is \
                 finished now (`rapport client list` shows the new ids)"
                    .into(),
            );
        }
        Ok(())
    }

    /// The journal a killed renaming left, checked before anything is done
    /// by it: Rapport writes it whole (or not at all), so one that does not
    /// read as Rapport writes it was put there, and is never followed.
    fn read_journal(&self) -> Result<Option<Journal>> {
        let path = journal_path(self.root());
        let refuse = |why: String| {
            anyhow::anyhow!(
                "{} is not as Rapport writes it ({why}), so nothing was done by it. It is the journal of \
                 `rapport sync init` giving clients new ids: if no `sync init` was stopped part way in this folder, \
                 move that file out of the data folder",
                path.display()
            )
        };
        let bytes = match crate::store::files::read_regular(&path, JOURNAL_CAP) {
            Ok(bytes) => bytes,
            Err(ReadError::NotFound) => return Ok(None),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(ReadError::Link) => return Err(refuse("it is a link".into())),
            Err(ReadError::NotAFile) => return Err(refuse("it is not a file".into())),
            Err(ReadError::TooLarge(n)) => return Err(refuse(format!("it is {n} bytes long"))),
            Err(ReadError::Io(e)) => return Err(refuse(e.to_string())),
        };
        if self.root().join(".git").exists() {
            // Ids are given before the folder's repository is made, never after.
            return Err(refuse("the folder is a git repository already".into()));
        }
        let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| refuse(e.to_string()))?;
        let mut new_ids = BTreeSet::new();
        for (old, new) in &journal.ids {
            if let Some(bad) = [old, new].into_iter().find(|id| !is_valid_id(id.as_str())) {
                return Err(refuse(format!("'{}' is not a client id", crate::sanitize::visible(bad.as_str()))));
            }
            if journal.ids.contains_key(new) || !new_ids.insert(new) {
                return Err(refuse(format!("{new} would be given twice")));
            }
        }
        self.check_free(&journal).map_err(refuse)?;
        Ok(Some(journal))
    }

    /// Each new id of `journal` is free: no file it would take is there
    /// already, but for one a killed run wrote just as this run would.
    fn check_free(&self, journal: &Journal) -> Result<(), String> {
        let taken = |to: &Path| format!("{} is there already", to.display());
        for (old, new) in &journal.ids {
            for dir in client_dirs(self.root()) {
                let (from, to) = (dir.join(format!("{old}.json")), dir.join(format!("{new}.json")));
                if from.exists() && to.exists() && fs::read(&to).ok() != Some(renamed_bytes(&from, new)?) {
                    return Err(taken(&to));
                }
            }
            let drafts = self.drafts_dir();
            let to = drafts.join(format!("{new}.json"));
            if drafts.join(format!("{old}.json")).exists() && to.exists() {
                return Err(taken(&to));
            }
        }
        Ok(())
    }

    /// Puts each new id of `journal` everywhere its old id still is, then
    /// removes the journal. Safe to run again on a half-renamed folder.
    fn carry_new_ids(&self, journal: &Journal, progress: &mut dyn crate::progress::Progress) -> Result<()> {
        let root = self.root();
        let ids = &journal.ids;
        let dirs = client_dirs(root);
        let mut steps = crate::progress::Steps::new(dirs.len() * ids.len(), progress);
        for dir in dirs {
            for (old, new) in ids {
                steps.one();
                let from = dir.join(format!("{old}.json"));
                if from.exists() {
                    crash::point("new-ids.rename");
                    rename_client_file(&from, &dir.join(format!("{new}.json")), new)?;
                }
            }
        }
        // The snapshots: each file with an old id held anew with its new one.
        Backups::of(root).rewrite(|file, load| {
            let Some(new) = file.strip_suffix(".json").and_then(|old| ids.get(old)) else {
                return Ok(Rewritten::Keep);
            };
            // One that cannot be read is moved as it is: its name is what must not stay.
            let bytes = load().map_err(anyhow::Error::msg)?;
            Ok(Rewritten::Into { file: format!("{new}.json"), bytes: renamed(bytes, new) })
        })?;
        let drafts = self.drafts_dir();
        for (old, new) in ids {
            let from = drafts.join(format!("{old}.json"));
            if from.exists() {
                crash::point("new-ids.rename");
                fs::rename(&from, drafts.join(format!("{new}.json")))
                    .with_context(|| format!("renaming {}", from.display()))?;
            }
        }
        // Process notes: named by the id, and naming it inside.
        let process = root.join(crate::store::process::PROCESS_DIR);
        for (old, new) in ids {
            let from = process.join(format!("{old}.json"));
            if from.exists() {
                crash::point("new-ids.rename");
                let bytes = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
                let bytes = match serde_json::from_slice::<crate::domain::process::ProcessNotes>(&bytes) {
                    Ok(mut notes) => {
                        notes.client = new.clone();
                        serde_json::to_vec_pretty(&notes).expect("process notes serialise")
                    }
                    Err(_) => bytes,
                };
                write_atomic(&process.join(format!("{new}.json")), &bytes)?;
                fs::remove_file(&from).with_context(|| format!("removing {}", from.display()))?;
            }
        }
        let exports = root.join("exports");
        for (old, new) in ids {
            // Named by a hash of the id, or (by an older Rapport) by the id.
            for prefix in [plain_export_token(old.as_str()), old.to_string()] {
                for path in files(&exports, |n| n.strip_prefix(prefix.as_str()).is_some_and(is_export_tail)) {
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    let to = exports.join(format!("{}{}", plain_export_token(new.as_str()), &name[prefix.len()..]));
                    crash::point("new-ids.rename");
                    fs::rename(&path, &to).with_context(|| format!("renaming {}", path.display()))?;
                }
            }
        }
        rewrite_audit_log(root, ids)?;
        let read = ledger::read(root, None, None).context("reading the ledger")?;
        if read.entries.iter().any(|e| ids.contains_key(&e.client)) {
            let entries: Vec<_> = read
                .entries
                .into_iter()
                .map(|mut e| {
                    if let Some(new) = ids.get(&e.client) {
                        e.client = new.clone();
                    }
                    e
                })
                .collect();
            ledger::rewrite(root, &entries, &[], journal.started, None).context("writing the ledger anew")?;
        }
        // What scripts knew a client by still finds them, on this device.
        let mut old_ids = read_old_ids(root);
        // An id given before, given anew: the oldest still finds the client.
        for now in old_ids.values_mut() {
            if let Some(new) = ids.get(now) {
                *now = new.clone();
            }
        }
        for (old, new) in ids.iter().filter(|(_, new)| self.client_path(new).exists()) {
            old_ids.insert(old_key(old.as_str()), new.clone());
        }
        write_old_ids(root, &old_ids)?;
        remove_index(root)?;
        self.audit(journal.started, "client ids made free of names", "", &ids.len().to_string());
        crash::point("new-ids.finish");
        match fs::remove_file(journal_path(root)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).context("removing the journal of the clients' new ids");
            }
            _ => sync_folder(root)?,
        }
        Ok(())
    }

    /// The client whose id, before `sync init` gave them one free of
    /// names, was `old` (as a script may still say it), if their file is here.
    pub fn renamed_from(&self, old: &str) -> Option<ClientId> {
        if self.keys.is_some() {
            return None;
        }
        read_old_ids(self.root()).remove(&old_key(old)).filter(|new| self.client_path(new).exists())
    }

    /// Forgets the old id of client `id` (erased).
    pub(crate) fn forget_old_id(&self, id: &str) -> Result<()> {
        let mut old_ids = read_old_ids(self.root());
        let before = old_ids.len();
        old_ids.retain(|_, new| new.as_str() != id);
        if old_ids.len() == before {
            return Ok(());
        }
        write_old_ids(self.root(), &old_ids)
    }
}

/// `DATA/old-ids.json`: each client's old id, by a hash of it (so the file
/// holds no name), → their id now. Never synced; removed by `encrypt`
/// (an encrypted folder names nothing by a plain hash).
pub const OLD_IDS: &str = "old-ids.json";

fn old_key(old: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("rapport old id\0{old}").as_bytes())[..12])
}

fn read_old_ids(root: &Path) -> BTreeMap<String, ClientId> {
    crate::store::files::read_regular(&root.join(OLD_IDS), JOURNAL_CAP)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<BTreeMap<String, ClientId>>(&bytes).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, new)| is_valid_id(new.as_str()))
        .collect()
}

fn write_old_ids(root: &Path, old_ids: &BTreeMap<String, ClientId>) -> Result<()> {
    let path = root.join(OLD_IDS);
    if old_ids.is_empty() {
        return match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).context("removing the old ids"),
            _ => Ok(()),
        };
    }
    write_atomic(&path, &serde_json::to_vec_pretty(old_ids)?).context("keeping the old ids")
}

/// Writes the client file `from` as `to`, with the client's id `new`, then
/// removes `from`. A file that cannot be read as a record (a damaged one in
/// a snapshot) is moved as it is: its name is what must not stay.
fn rename_client_file(from: &Path, to: &Path, new: &ClientId) -> Result<()> {
    write_atomic(to, &renamed_bytes(from, new).map_err(anyhow::Error::msg)?)?;
    fs::remove_file(from).with_context(|| format!("removing {}", from.display()))
}

/// The client file `from` as it is once its client's id is `new`.
fn renamed_bytes(from: &Path, new: &ClientId) -> Result<Vec<u8>, String> {
    let bytes = fs::read(from).map_err(|e| format!("{} could not be read: {e}", from.display()))?;
    Ok(renamed(bytes, new))
}

/// A client file's `bytes` once its client's id is `new` (as they are, when
/// they do not read as a record).
fn renamed(bytes: Vec<u8>, new: &ClientId) -> Vec<u8> {
    match parse_record(&bytes, Path::new("clients")) {
        Ok(mut record) => {
            record.client.id = new.clone();
            record.schema_version = SCHEMA_VERSION;
            let mut out = serde_json::to_vec_pretty(&record).expect("records always serialise");
            out.push(b'\n');
            out
        }
        Err(_) => bytes,
    }
}

/// The audit log with each old id in `ids` swapped for its new one. A line
/// that cannot be read (torn) is kept, with any whole old id swapped too.
fn rewrite_audit_log(root: &Path, ids: &BTreeMap<ClientId, ClientId>) -> Result<()> {
    let path = root.join("audit.log");
    let text = match crate::store::files::read_file(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).context("reading the audit log"),
    };
    let mut changed = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match serde_json::from_str::<audit::AuditEntry>(line) {
            Ok(mut e) if ids.contains_key(e.client.as_str()) => {
                e.client = ids[e.client.as_str()].to_string();
                out.push_str(&serde_json::to_string(&e).expect("entries serialise"));
                changed = true;
            }
            Ok(_) => out.push_str(line),
            // Torn by a crash: kept, without the old id where it is whole.
            Err(_) => {
                let mut kept = line.to_string();
                for (old, new) in ids.iter().filter(|(old, _)| line.contains(old.as_str())) {
                    kept = kept.replace(&format!("\"client\":\"{old}\""), &format!("\"client\":\"{new}\""));
                    changed = true;
                }
                out.push_str(&kept);
            }
        }
        out.push('\n');
    }
    if changed {
        write_atomic(&path, out.as_bytes()).context("writing the audit log anew")?;
    }
    Ok(())
}
