//! The data folder: the only code that reads or writes the therapist's files.
//!
//! Layout: `clients/<id>.json` (one pretty-printed record per client, the
//! source of truth), `drafts/<id>.json` (unsaved note forms), `rapport.lock`.
//! Every write goes through [`atomic::write_atomic`] under [`lock::DataLock`],
//! and every change is applied to the copy freshly read from disk under that
//! lock, so a change made by another Rapport process is never overwritten.

mod changes;
mod drafts;
mod error;
mod exports;
mod fold;
mod parse;

pub mod atomic;
pub mod audit;
pub mod backup;
pub mod conversion;
pub mod crypt;
pub mod doctor;
pub mod editor;
pub mod files;
pub mod held;
pub mod index;
pub mod ledger;
pub mod lock;
pub mod search;
pub mod settings;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::{ClientId, ClientRecord, SessionId, bounds};
use atomic::{create_private_dir, is_temp_file, write_atomic};
pub use changes::Erased;
pub use drafts::WindowLock;
pub use error::StoreError;
pub(crate) use error::hint;
pub(crate) use exports::{is_export_tail, plain_export_token};
pub use fold::Folded;
use index::IndexDir;
pub use index::{ClientName, ClientSummary, IndexEntry};
use lock::DataLock;
pub use parse::parse_record;
pub(crate) use parse::{read_bytes, read_lenient, valid_id, version_of};
pub use settings::Settings;

/// One client file as found on disk: its record, or why it could not be read.
#[derive(Debug)]
pub struct ClientFile {
    pub id: ClientId,
    pub path: PathBuf,
    pub record: Result<ClientRecord, StoreError>,
    /// Written by a newer Rapport: shown, never written.
    pub read_only: bool,
}

/// What `clients/` holds besides client files, as its last full look saw.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Others {
    /// Temp files (a save under way, or one a killed process left).
    pub temps: bool,
    /// Anything else: a conflict copy, a link, a foreign file, a temp file.
    pub others: bool,
}

/// A handle on one data folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    settings: Settings,
    /// Set when the folder is encrypted and unlocked.
    keys: crypt::SharedKeys,
    /// Things the therapist should be told that did not stop the command:
    /// see [`Store::take_notices`].
    notices: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// This device's mark for new ids, once the folder is synced.
    device: Option<String>,
    /// Records the last searches read for their snippets.
    kept_records: search::KeptRecords,
}

impl Store {
    /// Opens (and if needed creates, owner-only) the plain data folder at
    /// `root`. An encrypted folder is refused: see [`Store::unlock`].
    pub fn open(root: impl Into<PathBuf>) -> anyhow::Result<Store> {
        let root = root.into();
        if let Some(refusal) = conversion::refusal(&root) {
            anyhow::bail!(refusal);
        }
        if crypt::is_encrypted(&root) {
            anyhow::bail!("this data folder is encrypted: give its passphrase (RAPPORT_PASSPHRASE, or at the prompt)");
        }
        Store::open_plain_for_conversion(&root)
    }

    pub(crate) fn open_plain_for_conversion(root: &Path) -> anyhow::Result<Store> {
        let store = Store::open_with(root, None)?;
        store.sweep_temp_files();
        Ok(store)
    }

    /// The store on `root` with `keys`, before its temp files are swept.
    fn open_with(root: &Path, keys: Option<crypt::Keys>) -> anyhow::Result<Store> {
        create_private_dir(&root.join("clients"))?;
        create_private_dir(&root.join("drafts"))?;
        Ok(Store {
            settings: Settings::read(root)?,
            root: root.to_path_buf(),
            keys: keys.map(std::sync::Arc::new),
            notices: Default::default(),
            device: crate::sync::device_tag(root),
            kept_records: Default::default(),
        })
    }

    /// Opens the encrypted data folder at `root` with its passphrase.
    pub fn unlock(root: impl Into<PathBuf>, passphrase: &str) -> anyhow::Result<Store> {
        let root = root.into();
        if let Some(refusal) = conversion::refusal(&root) {
            anyhow::bail!(refusal);
        }
        let keys = crypt::Keys::unlock(&root, passphrase)?;
        Store::open_unlocked(root, keys)
    }

    /// Opens the encrypted data folder at `root` with its keys, already
    /// unlocked (held by `rapport unlock`: see [`held`]).
    pub fn open_unlocked(root: impl Into<PathBuf>, keys: crypt::Keys) -> anyhow::Result<Store> {
        let root = root.into();
        if let Some(refusal) = conversion::refusal(&root) {
            anyhow::bail!(refusal);
        }
        // The keys first: the sweep reads the index's (encrypted) state to
        // know whether `clients/` needs listing at all.
        let store = Store::open_with(&root, Some(keys))?;
        store.sweep_temp_files();
        Ok(store)
    }

    /// The folder's files are encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// The unlocked keys of an encrypted folder (for `rapport sync`, which
    /// reads the ciphertext git holds).
    pub fn keys(&self) -> Option<&crypt::Keys> {
        self.keys.as_deref()
    }

    /// The ending of client and draft files: `json`, or `age` when encrypted.
    fn ext(&self) -> &'static str {
        if self.keys.is_some() { "age" } else { "json" }
    }

    /// The file name (without ending) that holds client `id`: the id itself,
    /// or when encrypted a keyed hash that gives no name away.
    pub fn stem(&self, id: &str) -> String {
        match &self.keys {
            Some(k) => k.stem(id),
            None => id.to_string(),
        }
    }

    /// Reads a file of the folder, decrypting it when the folder is encrypted.
    fn read_file(&self, path: &Path) -> Result<Vec<u8>, StoreError> {
        let bytes = read_bytes(path)?;
        match &self.keys {
            None => Ok(bytes),
            Some(k) => k.decrypt(&bytes).ok_or_else(|| StoreError::Undecryptable { path: path.to_path_buf() }),
        }
    }

    /// Writes `value` as pretty JSON, encrypted when the folder is.
    fn write_json<T: Serialize>(&self, path: &Path, value: &T) -> Result<(), StoreError> {
        let mut bytes = serde_json::to_vec_pretty(value).expect("records always serialise");
        bytes.push(b'\n');
        let bytes = match &self.keys {
            // Age is randomised: the same words encrypted again are other
            // bytes, which a synced folder would commit and send for nothing.
            Some(k) if read_bytes(path).ok().and_then(|old| k.decrypt(&old)).is_some_and(|old| old == bytes) => {
                return Ok(());
            }
            Some(k) => k.encrypt(&bytes),
            None => bytes,
        };
        write_atomic(path, &bytes).map_err(|source| StoreError::Write { path: path.to_path_buf(), cause: source })
    }

    /// Removes temp files that a killed process left more than ten minutes
    /// ago (a live writer's temp file is younger, and is left alone).
    ///
    /// Their age is read against the folder's own clock (the time a file
    /// made there now is stamped with), not this process's: the same clock
    /// stamped them, even on a network folder whose server keeps another
    /// time, and the store reads no clock of its own.
    fn sweep_temp_files(&self) {
        // `clients/` is looked at only when something other than a save by
        // Rapport changed it, or temp files were there last time: a folder
        // of many clients is not listed for every command.
        let state = self.index_dir().state();
        let clients_changed =
            !state.is_some_and(|s| s.matches(index::state::folder_mtime(&self.clients_dir())) && !s.temps);
        let mut dirs = vec![self.root.clone(), self.drafts_dir(), self.root.join("index")];
        if clients_changed {
            dirs.push(self.clients_dir());
        }
        let temps: Vec<PathBuf> = dirs
            .iter()
            .filter_map(|dir| fs::read_dir(dir).ok())
            .flat_map(|entries| entries.filter_map(|e| e.ok()))
            .filter(|e| e.file_name().to_str().is_some_and(is_temp_file))
            .map(|e| e.path())
            .collect();
        if temps.is_empty() {
            return;
        }
        let Some(folder_now) = tempfile::Builder::new()
            .prefix(".rapport-tmp-clock-")
            .tempfile_in(&self.root)
            .ok()
            .and_then(|f| f.as_file().metadata().and_then(|m| m.modified()).ok())
        else {
            return;
        };
        let Some(old) = folder_now.checked_sub(std::time::Duration::from_secs(600)) else { return };
        for path in temps {
            if fs::symlink_metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t < old) {
                let _ = fs::remove_file(path);
            }
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Notes what was done, for the audit log. Never note text. A log that
    /// cannot be written does not stop a note being saved, but is told: see
    /// [`Store::take_notices`].
    pub fn audit(&self, now: chrono::NaiveDateTime, action: &str, client: &str, detail: &str) {
        let entry = audit::AuditEntry { at: now, action: action.into(), client: client.into(), detail: detail.into() };
        if let Err(e) = audit::append(&self.root, &entry, self.keys.as_deref()) {
            self.notice(format!("the audit log could not be written ({e}{}): this {action} is not in it", hint(&e)));
        }
    }

    /// Keeps a sentence for the therapist (a warning, or something done once).
    pub(crate) fn notice(&self, text: String) {
        self.notices.lock().unwrap_or_else(|e| e.into_inner()).push(text);
    }

    /// The sentences the last commands left for the therapist, oldest
    /// first; each is given once.
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn clients_dir(&self) -> PathBuf {
        self.root.join("clients")
    }

    fn drafts_dir(&self) -> PathBuf {
        self.root.join("drafts")
    }

    /// The file that holds client `id`.
    pub fn client_path(&self, id: &str) -> PathBuf {
        self.clients_dir().join(format!("{}.{}", self.stem(id), self.ext()))
    }

    /// The name of client `id`'s file, in `clients/` or a snapshot.
    pub(crate) fn file_name(&self, id: &str) -> String {
        format!("{}.{}", self.stem(id), self.ext())
    }

    fn draft_path(&self, id: &str) -> PathBuf {
        self.drafts_dir().join(format!("{}.{}", self.stem(id), self.ext()))
    }

    fn lock(&self) -> Result<DataLock, StoreError> {
        DataLock::acquire(&self.root.join("rapport.lock"))
    }

    /// Every client file: its name without ending (the client id, when the
    /// folder is not encrypted) and its path, sorted. Only names Rapport
    /// writes count; anything else in `clients/` is a [`Store::strays`].
    pub fn client_files(&self) -> Result<Vec<(String, PathBuf)>, StoreError> {
        Ok(self.list_clients()?.0)
    }

    /// [`Store::client_files`], and what else is in `clients/`.
    fn list_clients(&self) -> Result<(Vec<(String, PathBuf)>, Others), StoreError> {
        let dir = self.clients_dir();
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io("list", &dir, e))?;
        let ending = format!(".{}", self.ext());
        let mut seen = Others::default();
        let mut files: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok();
                // A link is never a client file (see `strays`), so nothing
                // outside the folder is read, copied into a snapshot or restored.
                let file = e.file_type().is_ok_and(|t| t.is_file());
                let client = name.as_deref().and_then(|n| n.strip_suffix(&ending)).filter(|s| bounds::is_valid_id(s));
                match client {
                    Some(stem) if file => Some((stem.to_string(), e.path())),
                    _ => {
                        seen.temps |= name.as_deref().is_some_and(is_temp_file);
                        seen.others = true;
                        None
                    }
                }
            })
            .collect();
        files.sort();
        Ok((files, seen))
    }

    /// The file names of every client (their ids, when not encrypted).
    pub fn client_ids(&self) -> Result<Vec<ClientId>, StoreError> {
        Ok(self.client_files()?.into_iter().map(|(stem, _)| stem.into()).collect())
    }

    /// Client `id` has a file (not a link) in `clients/`: one `stat`.
    pub fn has_client_file(&self, id: &str) -> bool {
        bounds::is_valid_id(id) && fs::symlink_metadata(self.client_path(id)).is_ok_and(|m| m.is_file())
    }

    /// Every client as the index knows them, sorted by id. The index is
    /// used as it is unless a client file was added, renamed or removed
    /// by another program since Rapport last wrote it (the time of
    /// `clients/` says so): then every file is checked and changed ones
    /// are read. A file rewritten in place by another program is seen by
    /// [`Store::index_checked`].
    pub fn index(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if self.index_dir().state().is_some_and(|s| s.matches(clients_mtime))
            && let Some(entries) = self.index_dir().entries()
        {
            return Ok(entries);
        }
        self.full_pass_locked(clients_mtime)
    }

    /// Every client as the index knows them, after checking every client
    /// file's size and time: for the app's look in the background and
    /// `rapport doctor --reindex`.
    pub fn index_checked(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        self.full_pass_locked(index::state::folder_mtime(&self.clients_dir()))
    }

    /// Every client's id and name, for finding one by name: as fresh as
    /// [`Store::index`], and much less to read.
    pub fn client_names(&self) -> Result<Vec<ClientName>, StoreError> {
        let _lock = self.lock()?;
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if self.index_dir().state().is_some_and(|s| s.matches(clients_mtime))
            && let Some(names) = self.index_dir().names()
        {
            return Ok(names);
        }
        Ok(self.full_pass_locked(clients_mtime)?.iter().map(ClientName::of).collect())
    }

    /// Changes each time Rapport changes the index, here or in another
    /// process: a value seen before means nothing was saved since.
    pub fn index_generation(&self) -> Option<u64> {
        self.index_dir().state().map(|s| s.generation)
    }

    /// `clients/` holds nothing but client files, as far as the index
    /// knows for sure (it matches the folder, and its last full look saw
    /// nothing else): then it need not be listed to find strays.
    pub(crate) fn only_client_files(&self) -> bool {
        self.index_dir()
            .state()
            .is_some_and(|s| s.matches(index::state::folder_mtime(&self.clients_dir())) && !s.others)
    }

    /// Makes sure the index matches the client files (call under the lock).
    fn freshen_locked(&self) -> Result<(), StoreError> {
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if !self.index_dir().state().is_some_and(|s| s.matches(clients_mtime)) {
            self.full_pass_locked(clients_mtime)?;
        }
        Ok(())
    }

    /// Checks every client file against the index (call under the lock);
    /// `clients_mtime` was read before the folder is listed, so a change
    /// made while it is is seen next time.
    fn full_pass_locked(&self, clients_mtime: u128) -> Result<Vec<IndexEntry>, StoreError> {
        let (files, seen) = self.list_clients()?;
        self.index_dir()
            .refresh(&files, |stem, path| self.load_path(stem, path), clients_mtime, seen)
            .map_err(|source| StoreError::Write { path: self.root.join("index"), cause: source })
    }

    /// Throws the index away and builds it again from the client files.
    pub fn rebuild_index(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        self.rebuild_index_locked()
    }

    fn rebuild_index_locked(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let index = self.root.join("index");
        self.index_dir().discard().map_err(|source| StoreError::Write { path: index, cause: source })?;
        self.full_pass_locked(index::state::folder_mtime(&self.clients_dir()))
    }

    /// Every client file; one that cannot be read is returned with its error
    /// and does not stop the others loading.
    pub fn load_all(&self) -> Result<Vec<ClientFile>, StoreError> {
        Ok(self.client_files()?.into_iter().map(|(stem, path)| self.load_path(&stem, path)).collect())
    }

    /// Reads one client file. An id Rapport would not write (one taken from
    /// a damaged index, say) is never made into a path.
    pub fn load_file(&self, id: &str) -> ClientFile {
        if !bounds::is_valid_id(id) {
            let path = self.clients_dir().join("?");
            return ClientFile {
                id: id.into(),
                path: path.clone(),
                record: Err(StoreError::NotFound { path }),
                read_only: false,
            };
        }
        let mut file = self.load_path(&self.stem(id), self.client_path(id));
        file.id = id.into();
        file
    }

    /// Reads the client file named `stem`: the client id, or when the
    /// folder is encrypted the keyed hash that stands for it.
    pub fn load_named(&self, stem: &str) -> ClientFile {
        if !bounds::is_valid_id(stem) {
            return self.load_file(stem);
        }
        self.load_path(stem, self.clients_dir().join(format!("{stem}.{}", self.ext())))
    }

    /// Reads the client file at `path`; its id is the one inside it, or the
    /// file name when it cannot be read.
    fn load_path(&self, stem: &str, path: PathBuf) -> ClientFile {
        let (record, read_only) = match self.read_file(&path) {
            Err(e) => (Err(e), false),
            Ok(bytes) => match parse_record(&bytes, &path) {
                // A newer format is shown as far as this build understands it.
                Err(e @ StoreError::NewerSchema { .. }) => (read_lenient(&bytes, &path).map_err(|_| e), true),
                other => (other, false),
            },
        };
        let record = record.and_then(|r| self.owns_its_name(stem, &path, r));
        let id = record.as_ref().map_or_else(|_| ClientId::from(stem), |r| r.client.id.clone());
        ClientFile { id, path, record, read_only }
    }

    /// A record is used only from the file named for its id: a copy under
    /// another name (a sync tool's, a hand-made one) is named, not used.
    fn owns_its_name(&self, stem: &str, path: &Path, r: ClientRecord) -> Result<ClientRecord, StoreError> {
        if self.stem(&r.client.id) == stem {
            return Ok(r);
        }
        Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "it holds the record of client '{}', whose file is {}. Is it a copy? Compare the two and keep one",
                r.client.id,
                self.file_name(&r.client.id)
            ),
        })
    }

    /// Reads one client's record to show it: a file from a newer Rapport is
    /// read as far as this build understands it (see [`Store::load_file`]
    /// to know whether it may be changed).
    pub fn load(&self, id: &str) -> Result<ClientRecord, StoreError> {
        self.load_file(id).record
    }

    /// A newer Rapport's file exactly as it is, for a JSON export that must
    /// leave out nothing this build does not understand. None for a file
    /// of this build's format (its record is the whole of it).
    pub fn newer_file_as_json(&self, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let file = self.load_file(id);
        if !file.read_only {
            return Ok(None);
        }
        let bytes = self.read_file(&file.path)?;
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// Reads one client's record to change it: a newer format is refused.
    fn load_for_change(&self, id: &str) -> Result<ClientRecord, StoreError> {
        let file = self.load_file(id);
        match file.record {
            Ok(_) if file.read_only => Err(StoreError::NewerSchema {
                path: file.path,
                found: self.read_file(&self.client_path(id)).ok().map_or(0, |b| version_of(&b)),
            }),
            other => other,
        }
    }

    pub(crate) fn index_dir(&self) -> IndexDir {
        IndexDir::new(&self.root, self.keys.clone())
    }
}
