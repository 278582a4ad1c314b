//! The data folder: the only code that reads or writes the therapist's files.
//!
//! Layout: `clients/<id>.json` (one pretty-printed record per client, the
//! source of truth), `drafts/<id>.json` (unsaved note forms), `rapport.lock`.
//! Every write goes through [`atomic::write_atomic`] under [`lock::DataLock`],
//! and every change is applied to the copy freshly read from disk under that
//! lock, so a change made by another Rapport process is never overwritten.

mod changes;
mod client_list;
mod drafts;
mod error;
mod exports;
mod fold;
mod listing;
mod load;
mod open;
mod parse;

pub mod atomic;
pub mod audit;
pub mod backup;
pub mod conversion;
pub mod crash;
pub mod crypt;
pub mod device;
pub mod doctor;
pub mod editor;
pub mod files;
pub mod held;
pub mod index;
pub mod ledger;
pub mod lock;
pub mod practice_log;
pub mod process;
pub mod schema;
pub mod search;
pub mod settings;
pub mod synced;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::{ClientId, SessionId};
use atomic::{create_private_dir, write_atomic};
pub use changes::Erased;
pub use client_list::ClientList;
pub use drafts::WindowLock;
pub use error::StoreError;
pub(crate) use error::hint;
pub use exports::read_calendar_file;
pub(crate) use exports::{is_export_tail, plain_export_token};
pub use fold::Folded;
use index::IndexDir;
pub use index::{ClientName, ClientSummary, IndexEntry, IndexMark};
pub use listing::Opening;
pub(crate) use listing::Others;
pub use load::ClientFile;
use lock::DataLock;
pub use parse::parse_record;
pub(crate) use parse::{read_bytes, read_lenient, valid_id, version_of};
pub use settings::Settings;

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

/// A size in words ("47.1 MiB"), for messages.
fn bounds_size(len: u64) -> String {
    crate::domain::bounds::size(len)
}

impl Store {
    /// The folder's files are encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// The folder is set up for syncing: this device has its mark.
    pub fn is_synced(&self) -> bool {
        self.device.is_some()
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

    /// The code that stands for client `id` in a practice log (`rapport
    /// hours`): eight hex digits of a hash of the id, keyed with the
    /// practice's name key when the folder is encrypted. Stable for the
    /// client on every device; never a name. In a plain folder the hash is
    /// not keyed: whoever guesses a name-derived id (`maria-lopez`) could
    /// confirm it, which the ids `sync init` gives (free of names) rule out.
    pub fn client_code(&self, id: &crate::domain::ClientId) -> String {
        let hash = match &self.keys {
            Some(k) => k.stem(&format!("client code:{id}")),
            None => {
                use sha2::{Digest, Sha256};
                // Unsynced, ids come from names (`maria-lopez`): the hash is
                // salted with this folder's own secret, so a guessed name
                // cannot be checked against a code. Synced, ids hold no name,
                // and the code must be the same on every device.
                let salt = if self.is_synced() { String::new() } else { self.code_salt() };
                hex::encode(Sha256::digest(format!("rapport client code\0{salt}\0{id}").as_bytes()))
            }
        };
        hash[..8].to_string()
    }

    /// This folder's secret for client codes (`code-salt`, made once);
    /// empty where it cannot be read or written (a read-only disk).
    fn code_salt(&self) -> String {
        let path = self.root.join("code-salt");
        if let Ok(bytes) = files::read_regular(&path, 1024) {
            return String::from_utf8_lossy(&bytes).trim().to_string();
        }
        let mut secret = [0u8; 16];
        if getrandom::fill(&mut secret).is_err() {
            return String::new();
        }
        let salt = hex::encode(secret);
        match write_atomic(&path, salt.as_bytes()) {
            Ok(()) => salt,
            Err(_) => String::new(),
        }
    }

    /// Reads a file of the folder, decrypting it when the folder is encrypted.
    fn read_file(&self, path: &Path) -> Result<Vec<u8>, StoreError> {
        self.decode(read_bytes(path)?, path)
    }

    /// The bytes of a file of the folder (`path`, to name it), decrypted
    /// when the folder is encrypted.
    fn decode(&self, bytes: Vec<u8>, path: &Path) -> Result<Vec<u8>, StoreError> {
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
        write_atomic(path, &bytes).map_err(|source| StoreError::Write { path: path.to_path_buf(), cause: source })?;
        if let Ok(rel) = path.strip_prefix(&self.root)
            && let Some(rel) = rel.to_str()
        {
            device::note_written(&self.root, rel, &bytes);
        }
        Ok(())
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
    pub fn client_path(&self, id: &ClientId) -> PathBuf {
        self.clients_dir().join(format!("{}.{}", self.stem(id.as_str()), self.ext()))
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

    pub(crate) fn index_dir(&self) -> IndexDir {
        IndexDir::new(&self.root, self.keys.clone())
    }
}
