//! Note forms not yet saved, kept within seconds of typing so nothing
//! typed is lost.

use std::fs;
use std::io;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::domain::bounds;

impl Store {
    /// Keeps an unsaved form for client `id` (replacing any earlier draft).
    pub fn save_draft<T: Serialize>(&self, id: &str, draft: &T) -> Result<(), StoreError> {
        valid_id(id)?;
        // A client erased while a note was being typed gets no draft back.
        if !self.client_path(id).exists() {
            return Err(StoreError::NotFound { path: self.client_path(id) });
        }
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
