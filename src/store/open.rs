//! Opening a data folder: plain, encrypted with a passphrase, or with keys
//! already held; each first refuses a folder half-way through a
//! conversion, and sweeps the temp files a killed process left.

use std::fs;
use std::path::{Path, PathBuf};

use super::atomic::{create_private_dir, is_temp_file};
use super::{Settings, Store, conversion, crypt, index};

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
        store.finish_new_ids()?;
        Ok(store)
    }

    /// The store on `root` with `keys`, before its temp files are swept.
    fn open_with(root: &Path, keys: Option<crypt::Keys>) -> anyhow::Result<Store> {
        let mut read_only = false;
        for dir in ["clients", "drafts"] {
            match create_private_dir(&root.join(dir)) {
                // A folder on a read-only disk is read as it is.
                Err(e) if super::files::read_only_disk(&e) => read_only = true,
                other => other?,
            }
        }
        read_only |= super::files::on_read_only_disk(root);
        let store = Store {
            settings: Settings::read(root)?,
            root: root.to_path_buf(),
            keys: keys.map(std::sync::Arc::new),
            notices: Default::default(),
            device: super::device::device_tag(root),
            kept_records: Default::default(),
        };
        if read_only {
            store.notice(
                "This data folder is on a read-only disk: everything can be read, and nothing can be saved until \
                 it is mounted for writing."
                    .into(),
            );
        }
        Ok(store)
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

    /// Removes temp files that a killed process left more than ten minutes
    /// ago (a live writer's temp file is younger, and is left alone).
    ///
    /// Their age is read against the folder's own clock (the time a file
    /// made there now is stamped with), not this process's: the same clock
    /// stamped them, even on a network folder whose server keeps another
    /// time, and the store reads no clock of its own.
    pub(super) fn sweep_temp_files(&self) {
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
}
