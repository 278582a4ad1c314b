//! The data folder: the only code that reads or writes the therapist's files.
//!
//! Layout: `clients/<id>.json` (one pretty-printed record per client, the
//! source of truth), `drafts/<id>.json` (unsaved note forms), `rapport.lock`.
//! Every write goes through [`atomic::write_atomic`] under [`lock::DataLock`],
//! and every change is applied to the copy freshly read from disk under that
//! lock, so a change made by another Rapport process is never overwritten.

pub mod atomic;
pub mod audit;
pub mod backup;
pub mod conversion;
pub mod crypt;
pub mod doctor;
pub mod editor;
pub mod files;
pub mod index;
pub mod ledger;
pub mod lock;
pub mod search;
pub mod settings;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{ClientProfile, ClientRecord, RecordError, SCHEMA_VERSION, bounds, slug};
use atomic::{create_private_dir, is_temp_file, write_atomic};
use index::IndexDir;
pub use index::{ClientSummary, IndexEntry};
use lock::DataLock;
pub use settings::Settings;

/// What went wrong with the data folder, in words for the therapist.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no client file {}", path.display())]
    NotFound { path: PathBuf },
    #[error(
        "{} is damaged or not a Rapport client file (line {line}, column {column}: {message}). \
         Rapport will not change it; repair it in a text editor or restore it from a backup",
        path.display()
    )]
    Corrupt { path: PathBuf, line: usize, column: usize, message: String },
    #[error(
        "{} was written by a newer Rapport (format {found}; this one knows format {SCHEMA_VERSION}). \
         It can be read but not changed; update Rapport to edit it",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("another Rapport window kept the data folder busy for 5 seconds; nothing was saved, try again")]
    Locked,
    // Not named `source`: the reason is in the sentence, not repeated after it.
    #[error("could not {action} {}: {cause}{}", path.display(), hint(cause))]
    Io { action: &'static str, path: PathBuf, cause: io::Error },
    // Not named `source`: the reason is in the sentence, not repeated after it.
    #[error("could not save {}: {}. The file on disk is unchanged{}", path.display(), cause.root_cause(), write_hint(cause))]
    Write { path: PathBuf, cause: anyhow::Error },
    #[error(
        "{} could not be decrypted with this folder's key: it is damaged or from another folder. Rapport will not change it",
        path.display()
    )]
    Undecryptable { path: PathBuf },
    #[error(
        "{} is damaged: {reason}. Rapport will not use or change it; repair it in a text editor or restore it from a backup",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{} is a symbolic link; Rapport does not follow links inside its data folder, and has not used or changed it. \
         Put the file itself there instead of the link",
        path.display()
    )]
    Link { path: PathBuf },
    #[error(
        "{} is {}, over the {} a client file may be; Rapport has not read or changed it. \
         Split the record or restore it from a backup",
        path.display(), bounds::size(*len), bounds::size(bounds::FILE_BYTES)
    )]
    TooLarge { path: PathBuf, len: u64 },
    #[error(
        "the data folder is not safe: {} {}. Notes there could be read or changed by someone else. \
         Fix it with: {}   (or set RAPPORT_ALLOW_UNSAFE_FOLDER=1 to use it anyway)",
        .0.path.display(), .0.problem, .0.fix
    )]
    UnsafeFolder(files::UnsafeFolder),
    #[error(transparent)]
    Record(#[from] RecordError),
}

pub(crate) fn hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "; check that this account owns the data folder",
        io::ErrorKind::StorageFull => "; free some disk space and try again",
        _ => "",
    }
}

fn write_hint(e: &anyhow::Error) -> &'static str {
    match e.root_cause().downcast_ref::<io::Error>().map(io::Error::kind) {
        Some(io::ErrorKind::StorageFull) => "; the disk is full: free some space and save again",
        Some(io::ErrorKind::PermissionDenied) => "; check that this account owns the data folder",
        _ => "",
    }
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io { action, path: path.to_path_buf(), cause: source }
    }
}

/// One client file as found on disk: its record, or why it could not be read.
#[derive(Debug)]
pub struct ClientFile {
    pub id: String,
    pub path: PathBuf,
    pub record: Result<ClientRecord, StoreError>,
    /// Written by a newer Rapport: shown, never written.
    pub read_only: bool,
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
        create_private_dir(&root.join("clients"))?;
        create_private_dir(&root.join("drafts"))?;
        let store = Store {
            settings: Settings::read(root)?,
            root: root.to_path_buf(),
            keys: None,
            notices: Default::default(),
        };
        store.sweep_temp_files();
        Ok(store)
    }

    /// Opens the encrypted data folder at `root` with its passphrase.
    pub fn unlock(root: impl Into<PathBuf>, passphrase: &str) -> anyhow::Result<Store> {
        let root = root.into();
        if let Some(refusal) = conversion::refusal(&root) {
            anyhow::bail!(refusal);
        }
        let keys = crypt::Keys::unlock(&root, passphrase)?;
        let mut store = Store::open_plain_for_conversion(&root)?;
        store.keys = Some(std::sync::Arc::new(keys));
        Ok(store)
    }

    /// The folder's files are encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
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
            Some(k) => k.encrypt(&bytes),
            None => bytes,
        };
        write_atomic(path, &bytes).map_err(|source| StoreError::Write { path: path.to_path_buf(), cause: source })
    }

    /// Removes temp files that a killed process left more than ten minutes
    /// ago (a live writer's temp file is younger, and is left alone).
    fn sweep_temp_files(&self) {
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
        for dir in [self.clients_dir(), self.drafts_dir(), self.root.join("index")] {
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for e in entries.filter_map(|e| e.ok()) {
                let stale = e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < old);
                if stale && e.file_name().to_str().is_some_and(is_temp_file) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
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
        let dir = self.clients_dir();
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io("list", &dir, e))?;
        let ending = format!(".{}", self.ext());
        let mut files: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let stem = name.strip_suffix(&ending)?;
                // A link is never a client file (see `strays`), so nothing
                // outside the folder is read, copied into a snapshot or restored.
                let file = e.file_type().is_ok_and(|t| t.is_file());
                (file && bounds::is_valid_id(stem)).then(|| (stem.to_string(), e.path()))
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// The file names of every client (their ids, when not encrypted).
    pub fn client_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.client_files()?.into_iter().map(|(stem, _)| stem).collect())
    }

    /// Every client as the index knows them, sorted by id: the index is first
    /// brought up to date with the client files (only changed files are read).
    pub fn index(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        let files = self.client_files()?;
        self.index_dir()
            .refresh(&files, |stem, path| self.load_path(stem, path))
            .map_err(|source| StoreError::Write { path: self.root.join("index"), cause: source })
    }

    /// Throws the index away and builds it again from the client files.
    pub fn rebuild_index(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        let index = self.root.join("index");
        self.index_dir().discard().map_err(|source| StoreError::Write { path: index.clone(), cause: source })?;
        let files = self.client_files()?;
        self.index_dir()
            .refresh(&files, |stem, path| self.load_path(stem, path))
            .map_err(|source| StoreError::Write { path: index, cause: source })
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
                id: id.to_string(),
                path: path.clone(),
                record: Err(StoreError::NotFound { path }),
                read_only: false,
            };
        }
        let mut file = self.load_path(&self.stem(id), self.client_path(id));
        file.id = id.to_string();
        file
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
        let id = record.as_ref().map_or_else(|_| stem.to_string(), |r| r.client.id.clone());
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

    /// Adds a client; the id comes from the name, made unique.
    pub fn create_client(&self, profile: ClientProfile, now: NaiveDateTime) -> Result<ClientRecord, StoreError> {
        let profile = profile.cleaned()?;
        let _lock = self.lock()?;
        self.daily_snapshot_locked(now)?;
        let base = slug(&profile.name);
        let id = (1..)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .find(|id| !self.client_path(id).exists())
            .expect("an unused id");
        let record = ClientRecord::new(id, profile, now.date());
        self.write(&record)?;
        self.reindex(&record);
        self.audit(now, "client added", &record.client.id, "");
        Ok(record)
    }

    /// Applies `change` to client `id` as it is on disk now, under the
    /// folder lock, and writes the result. Returns what `change` returned and
    /// the record as saved. A damaged or newer-format file is never written.
    /// Notes whose editing period has run out are finalised first, and the
    /// day's snapshot is taken before the day's first change. `what` goes to
    /// the audit log.
    pub fn update<T>(
        &self,
        id: &str,
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
        id: &str,
        now: NaiveDateTime,
        what: &str,
        change: impl FnOnce(&mut ClientRecord, &[String]) -> Result<T, RecordError>,
    ) -> Result<(T, ClientRecord), StoreError> {
        let _lock = self.lock()?;
        let on_disk = self.load_for_change(id)?;
        self.daily_snapshot_locked(now)?;
        let notes = self.witness_locked(id, now)?;
        let mut sealed_record = on_disk.clone();
        let (sealed, refused) = sealed_record
            .finalise_due_where(now, self.settings.policy(), |s, hash| ledger::may_seal(&notes, &s.id, hash));
        for sid in &refused {
            self.notice(format!(
                "note {sid} of {id} was finalised before with other content and has been changed outside Rapport \
                 since, so it was not sealed again; `rapport verify` names it"
            ));
        }
        let mut record = sealed_record.clone();
        let result = change(&mut record, &sealed).and_then(|out| {
            for e in ledger::changes(Some(&sealed_record), &record) {
                if e.kind == ledger::Kind::Seal && !ledger::may_seal(&notes, &e.session, &e.hash) {
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
        self.write(&record)?;
        self.reindex(&record);
        if !sealed.is_empty() {
            self.audit(now, "notes finalised automatically", id, &sealed.join(","));
        }
        match out {
            Ok(out) => {
                self.audit(now, what, id, "");
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

    /// Keeps the index in step with a saved record. A failure here loses
    /// nothing: the next `index()` sees the file changed and re-reads it.
    fn reindex(&self, record: &ClientRecord) {
        let _ = self.index_dir().update_one(record, &self.client_path(&record.client.id));
    }

    /// Writes a record that passes [`ClientRecord::check`]: an over-long
    /// field or a bad id is refused with the reason, and nothing is written.
    fn write(&self, record: &ClientRecord) -> Result<(), StoreError> {
        record.check().map_err(RecordError::Invalid)?;
        // Never write what could not be read back.
        let len = serde_json::to_vec_pretty(record).map_or(0, |b| b.len() as u64);
        if len > bounds::FILE_BYTES {
            return Err(RecordError::Invalid(format!(
                "this client's record would be {}, over the {} a client file may be. Export the record \
                 (rapport export) and shorten the longest notes",
                bounds::size(len),
                bounds::size(bounds::FILE_BYTES)
            ))
            .into());
        }
        let path = self.client_path(&record.client.id);
        self.write_json(&path, record)
    }

    /// Erases client `id` at once, under one lock: their file, their draft,
    /// their index entry and search text, their exports in `DATA/exports/`,
    /// and their entries in the audit log and the ledger. Says what remains.
    pub fn delete_client(&self, id: &str, now: NaiveDateTime) -> Result<Erased, StoreError> {
        valid_id(id)?;
        let _lock = self.lock()?;
        // Erasing is a change like any other: a newer Rapport's file is not ours to remove.
        if self.load_file(id).read_only {
            self.load_for_change(id)?;
        }
        let path = self.client_path(id);
        if !path.exists() {
            return Err(StoreError::NotFound { path });
        }
        // Every trace first and the file last: an erasure stopped part way
        // leaves the client listed, and running it again finishes it.
        let mut exports = Vec::new();
        for path in self.exports_of(id) {
            fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            exports.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
        let draft = self.draft_path(id);
        match fs::remove_file(&draft) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(StoreError::io("remove", &draft, e)),
            _ => {}
        }
        let index = self.root.join("index");
        self.index_dir().remove_one(id).map_err(|source| StoreError::Write { path: index, cause: source })?;
        let kept: Vec<audit::AuditEntry> =
            audit::read(&self.root, self.keys.as_deref()).into_iter().filter(|e| e.client != id).collect();
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
            let kept: Vec<ledger::Entry> = read.entries.into_iter().filter(|e| e.client != id).collect();
            let erased = ledger::NewEntry {
                kind: ledger::Kind::Erased,
                client: String::new(),
                session: String::new(),
                hash: String::new(),
            };
            ledger::rewrite(&self.root, &kept, &[erased], now, self.keys.as_deref())
                .map_err(|e| self.ledger_error(e))?;
        }
        fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
        self.audit(now, "client erased", "", "");
        Ok(Erased { snapshots: self.snapshots_holding(id), exports })
    }

    /// The opaque token that begins the names of client `id`'s exports:
    /// a hash of the id (keyed, when the folder is encrypted), never a name.
    pub fn export_token(&self, id: &str) -> String {
        match &self.keys {
            Some(k) => k.stem(&format!("export:{id}")),
            None => plain_export_token(id),
        }
    }

    /// Client `id`'s exports in `DATA/exports/`, whatever Rapport version
    /// named them and whether or not they are encrypted.
    pub fn exports_of(&self, id: &str) -> Vec<PathBuf> {
        let mut prefixes = vec![plain_export_token(id), id.to_string()];
        if let Some(k) = &self.keys {
            prefixes.push(k.stem(&format!("export:{id}")));
            prefixes.push(k.stem(id));
        }
        let Ok(entries) = fs::read_dir(self.root.join("exports")) else { return Vec::new() };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                prefixes.iter().any(|p| name.strip_prefix(p.as_str()).is_some_and(is_export_tail))
            })
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    }

    /// Writes client `id`'s whole record as Markdown into `DATA/exports/`,
    /// under a name that gives no name away.
    pub fn export_client(&self, id: &str, now: NaiveDateTime) -> Result<PathBuf, StoreError> {
        valid_id(id)?;
        let record = self.load(id)?;
        let dir = self.root.join("exports");
        create_private_dir(&dir).map_err(|source| StoreError::Write { path: dir.clone(), cause: source })?;
        let path = dir.join(format!("{}-{}.md", self.export_token(id), now.format("%Y-%m-%d_%H%M")));
        let path = self.write_export(&path, crate::domain::export::to_markdown(&record, now).as_bytes(), false)?;
        self.audit(now, "export", id, "markdown");
        Ok(path)
    }

    /// Writes an export the therapist asked for, owner-only; encrypted (with
    /// `.age` added to the name) when the folder is, unless `plain`.
    /// Returns the path written.
    pub fn write_export(&self, path: &Path, bytes: &[u8], plain: bool) -> Result<PathBuf, StoreError> {
        let (path, bytes) = match (&self.keys, plain) {
            (Some(k), false) => {
                let mut p = path.as_os_str().to_owned();
                p.push(".age");
                (PathBuf::from(p), k.encrypt(bytes))
            }
            _ => (path.to_path_buf(), bytes.to_vec()),
        };
        write_atomic(&path, &bytes).map_err(|source| StoreError::Write { path: path.clone(), cause: source })?;
        Ok(path)
    }

    /// Writes an export to a file the therapist named (`export --out`):
    /// never inside the data folder but for its `exports/` (one unlucky path
    /// would replace a client file, the audit log or the key) and never over
    /// a file that exists.
    pub fn export_to(&self, path: &Path, bytes: &[u8], plain: bool) -> Result<PathBuf, StoreError> {
        let refuse = |why: String| StoreError::Record(RecordError::Invalid(why));
        let name = path.file_name().ok_or_else(|| refuse(format!("{} names no file", path.display())))?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let parent = fs::canonicalize(parent).map_err(|e| StoreError::io("find the folder of", path, e))?;
        let root = fs::canonicalize(&self.root).map_err(|e| StoreError::io("find", &self.root, e))?;
        if parent.starts_with(&root) && parent != root.join("exports") {
            return Err(refuse(format!(
                "{} is inside the data folder; write exports outside it (x in the app keeps one in DATA/exports/)",
                path.display()
            )));
        }
        let mut target = parent.join(name);
        if self.keys.is_some() && !plain {
            target.as_mut_os_string().push(".age");
        }
        if fs::symlink_metadata(&target).is_ok() {
            return Err(refuse(format!(
                "{} already exists; Rapport does not overwrite it. Choose another name or remove it first",
                target.display()
            )));
        }
        self.write_export(&parent.join(name), bytes, plain)
    }

    /// Keeps an unsaved form for client `id` (replacing any earlier draft).
    pub fn save_draft<T: Serialize>(&self, id: &str, draft: &T) -> Result<(), StoreError> {
        valid_id(id)?;
        self.write_json(&self.draft_path(id), draft)
    }

    /// Every draft that can be read, by file name (the client id, or its
    /// [`Store::stem`] when encrypted). Unreadable drafts are left untouched.
    pub fn drafts<T: DeserializeOwned>(&self) -> Vec<(String, T)> {
        let Ok(entries) = fs::read_dir(self.drafts_dir()) else {
            return Vec::new();
        };
        let mut drafts: Vec<(String, T)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let id = name.strip_suffix(&format!(".{}", self.ext()))?.to_string();
                if !bounds::is_valid_id(&id) {
                    return None;
                }
                let bytes = self.read_file(&e.path()).ok()?;
                Some((id, serde_json::from_slice(&bytes).ok()?))
            })
            .collect();
        drafts.sort_by(|a, b| a.0.cmp(&b.0));
        drafts
    }

    pub fn delete_draft(&self, id: &str) -> Result<(), StoreError> {
        valid_id(id)?;
        let path = self.draft_path(id);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::io("remove", &path, e)),
            _ => Ok(()),
        }
    }
}

/// What an erasure did, and what still holds the record.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    /// Snapshots that still hold the client's file.
    pub snapshots: Vec<String>,
    /// The export files removed from `DATA/exports/`.
    pub exports: Vec<String>,
}

pub(crate) fn plain_export_token(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("rapport export\0{id}").as_bytes());
    hex::encode(&h[..8])
}

/// `-2026-11-26_0935.md` (or `.json`, either maybe `.age`): what follows
/// the client's token in an export's name.
pub(crate) fn is_export_tail(rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix('-') else { return false };
    let (stamp, ending) = rest.split_at_checked(15).unwrap_or(("", ""));
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M").is_ok()
        && [".md", ".json", ".md.age", ".json.age"].contains(&ending)
}

/// Refuses an id Rapport would not write before it becomes part of a path.
pub(crate) fn valid_id(id: &str) -> Result<(), StoreError> {
    if bounds::is_valid_id(id) {
        return Ok(());
    }
    Err(StoreError::Record(RecordError::Invalid(format!(
        "'{}' is not a client id (a-z, 0-9 and -, at most 64); `rapport client list` shows them",
        crate::sanitize::visible(id)
    ))))
}

/// Reads a client file or a draft: never through a link, never one over
/// the size limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    use files::ReadError;
    files::read_regular(path, bounds::FILE_BYTES).map_err(|e| match e {
        ReadError::NotFound => StoreError::NotFound { path: path.to_path_buf() },
        ReadError::Link => StoreError::Link { path: path.to_path_buf() },
        ReadError::TooLarge(len) => StoreError::TooLarge { path: path.to_path_buf(), len },
        ReadError::NotAFile => {
            StoreError::io("read", path, io::Error::new(io::ErrorKind::InvalidInput, "it is not a file"))
        }
        ReadError::Io(e) => StoreError::io("read", path, e),
    })
}

fn version_of(bytes: &[u8]) -> u32 {
    serde_json::from_slice::<VersionOnly>(bytes).map_or(0, |v| v.schema_version)
}

fn corrupt(path: &Path, e: &serde_json::Error) -> StoreError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; we say it our way.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    StoreError::Corrupt { path: path.to_path_buf(), line: e.line(), column: e.column(), message }
}

#[derive(serde::Deserialize)]
struct VersionOnly {
    schema_version: u32,
}

/// Reads the bytes of a client file (named `path` in messages): a record,
/// or an error saying what is wrong and where. Never panics, whatever the
/// bytes (the fuzz target in `fuzz/` holds it to that).
pub fn parse_record(bytes: &[u8], path: &Path) -> Result<ClientRecord, StoreError> {
    // Look at the version first, so a newer file is named as such rather than
    // as damaged when its shape has changed.
    let version: VersionOnly = serde_json::from_slice(bytes).map_err(|e| corrupt(path, &e))?;
    if version.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: path.to_path_buf(), found: version.schema_version });
    }
    if version.schema_version == 0 {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: "schema_version 0 is no Rapport format".into(),
        });
    }
    let record: ClientRecord = serde_json::from_slice(bytes).map_err(|e| corrupt(path, &e))?;
    record.check().map_err(|reason| StoreError::Damaged { path: path.to_path_buf(), reason })?;
    Ok(record)
}

/// Reads a newer-format file as far as this build understands it; it must
/// pass the same checks as any other.
fn read_lenient(bytes: &[u8], path: &Path) -> Result<ClientRecord, StoreError> {
    let record: ClientRecord = serde_json::from_slice(bytes)
        .map_err(|_| StoreError::NewerSchema { path: path.to_path_buf(), found: version_of(bytes) })?;
    record.check().map_err(|reason| StoreError::Damaged { path: path.to_path_buf(), reason })?;
    Ok(record)
}
