//! Reading client files into records: leniently to show one (a newer
//! format as far as this build understands it), strictly to change one,
//! and only from the file named for the record's id.

use std::path::{Path, PathBuf};

use super::{Store, StoreError, parse_record, read_lenient, version_of};
use crate::domain::{ClientId, ClientRecord, bounds};

/// One client file as found on disk: its record, or why it could not be read.
#[derive(Debug)]
pub struct ClientFile {
    pub id: ClientId,
    pub path: PathBuf,
    pub record: Result<ClientRecord, StoreError>,
    /// Written by a newer Rapport: shown, never written.
    pub read_only: bool,
}

impl Store {
    /// Every client file; one that cannot be read is returned with its error
    /// and does not stop the others loading.
    pub fn load_all(&self) -> Result<Vec<ClientFile>, StoreError> {
        Ok(self.client_files()?.into_iter().map(|(stem, path)| self.load_path(&stem, path)).collect())
    }

    /// Reads one client file. An id Rapport would not write (one taken from
    /// a damaged index, say) is never made into a path.
    pub fn load_file(&self, id: &ClientId) -> ClientFile {
        if !bounds::is_valid_id(id.as_str()) {
            let path = self.clients_dir().join("?");
            return ClientFile {
                id: id.clone(),
                path: path.clone(),
                record: Err(StoreError::NotFound { path }),
                read_only: false,
            };
        }
        let mut file = self.load_path(&self.stem(id.as_str()), self.client_path(id));
        file.id = id.clone();
        file
    }

    /// Reads the client file named `stem`: the client id, or when the
    /// folder is encrypted the keyed hash that stands for it.
    pub fn load_named(&self, stem: &str) -> ClientFile {
        if !bounds::is_valid_id(stem) {
            return self.load_file(&crate::domain::ClientId::new(stem));
        }
        self.load_path(stem, self.clients_dir().join(format!("{stem}.{}", self.ext())))
    }

    /// Reads the client file at `path`; its id is the one inside it, or the
    /// file name when it cannot be read.
    pub(super) fn load_path(&self, stem: &str, path: PathBuf) -> ClientFile {
        let (record, read_only) = match self.read_file(&path) {
            Err(e) => (Err(e), false),
            Ok(bytes) => match parse_record(&bytes, &path) {
                // A newer format is shown as far as this build understands it.
                Err(e @ StoreError::NewerSchema { .. }) => (read_lenient(&bytes, &path).map_err(|_| e), true),
                other => (other, false),
            },
        };
        let record = record.and_then(|r| self.owns_its_name(stem, &path, r));
        let id = record.as_ref().map_or_else(|_| ClientId::new(stem), |r| r.client.id.clone());
        ClientFile { id, path, record, read_only }
    }

    /// A record is used only from the file named for its id: a copy under
    /// another name (a sync tool's, a hand-made one) is named, not used.
    pub(super) fn owns_its_name(&self, stem: &str, path: &Path, r: ClientRecord) -> Result<ClientRecord, StoreError> {
        if self.stem(r.client.id.as_str()) == stem {
            return Ok(r);
        }
        Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "it holds the record of client '{}', whose file is {}. Is it a copy? Compare the two and keep one",
                r.client.id,
                self.file_name(r.client.id.as_str())
            ),
        })
    }

    /// Reads one client's record to show it: a file from a newer Rapport is
    /// read as far as this build understands it (see [`Store::load_file`]
    /// to know whether it may be changed).
    pub fn load(&self, id: &ClientId) -> Result<ClientRecord, StoreError> {
        self.load_file(id).record
    }

    /// A newer Rapport's file exactly as it is, for a JSON export that must
    /// leave out nothing this build does not understand. None for a file
    /// of this build's format (its record is the whole of it).
    pub fn newer_file_as_json(&self, id: &ClientId) -> Result<Option<serde_json::Value>, StoreError> {
        let file = self.load_file(id);
        if !file.read_only {
            return Ok(None);
        }
        let bytes = self.read_file(&file.path)?;
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// Reads one client's record to change it: a newer format is refused.
    pub(super) fn load_for_change(&self, id: &str) -> Result<ClientRecord, StoreError> {
        let file = self.load_file(&crate::domain::ClientId::new(id));
        match file.record {
            Ok(_) if file.read_only => Err(StoreError::NewerSchema {
                path: file.path,
                found: self
                    .read_file(&self.client_path(&crate::domain::ClientId::new(id)))
                    .ok()
                    .map_or(0, |b| version_of(&b)),
            }),
            other => other,
        }
    }
}
