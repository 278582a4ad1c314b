//! Note forms not yet saved, kept within seconds of typing so nothing
//! typed is lost.

use crate::domain::ClientId;
use std::fs;
use std::io;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::domain::bounds;

/// Held by an open app window for as long as it runs: a draft marked with
/// its token belongs to a window still writing it, and is neither offered
/// to another window nor overwritten by one. The OS lets go if the app dies.
#[derive(Debug)]
pub struct WindowLock {
    _file: fs::File,
    path: std::path::PathBuf,
}

impl Drop for WindowLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

impl Store {
    fn window_lock_path(&self, window: &str) -> std::path::PathBuf {
        self.drafts_dir().join(format!(".window-{window}.lock"))
    }

    /// Marks app window `window` as open until the returned lock is dropped.
    pub fn hold_window(&self, window: &str) -> Result<WindowLock, StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.window_lock_path(window);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(super::atomic::FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
            .map_err(|e| StoreError::io("open", &path, e))?;
        fs4::FileExt::try_lock(&file).map_err(|_| StoreError::io("lock", &path, io::Error::other("it is held")))?;
        // The folder's own clock: the time its new file was stamped with.
        if let Ok(now) = file.metadata().and_then(|m| m.modified()) {
            self.sweep_window_locks(now);
        }
        Ok(WindowLock { _file: file, path })
    }

    /// Removes the marks of windows that stopped without removing their own
    /// (killed, a power cut): a mark no window holds, a minute old at least
    /// (a window that is just starting has taken its own by then), by the
    /// folder's clock (`now`).
    fn sweep_window_locks(&self, now: std::time::SystemTime) {
        for (window, e) in self.window_marks() {
            let old = e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| now.duration_since(t).ok());
            if old.is_some_and(|age| age.as_secs() >= 60) && !self.window_open(&window) {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Every window's mark in `drafts/`, by the window's token.
    fn window_marks(&self) -> Vec<(String, fs::DirEntry)> {
        let Ok(entries) = fs::read_dir(self.drafts_dir()) else { return Vec::new() };
        entries
            .flatten()
            .filter_map(|e| {
                let window = e.file_name().to_str()?.strip_prefix(".window-")?.strip_suffix(".lock")?.to_string();
                Some((window, e))
            })
            .collect()
    }

    /// Some app window has the folder open now.
    pub(crate) fn any_window_open(&self) -> bool {
        self.window_marks().iter().any(|(window, _)| self.window_open(window))
    }

    /// App window `window` is open now (another process holds its lock).
    pub fn window_open(&self, window: &str) -> bool {
        if window.is_empty() || !window.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
        let Ok(file) = super::files::open_file(&self.window_lock_path(window)) else { return false };
        matches!(fs4::FileExt::try_lock_shared(&file), Err(fs4::TryLockError::WouldBlock))
    }

    /// Keeps an unsaved form for client `id` (replacing any earlier draft),
    /// as app window `window`'s: a draft another open window keeps for the
    /// same client is not overwritten (this one is then not kept, and the
    /// error says why).
    pub fn save_draft<T: Serialize>(&self, id: &str, draft: &T, window: &str) -> Result<(), StoreError> {
        valid_id(id)?;
        // A client erased while a note was being typed gets no draft back.
        if !self.client_path(&crate::domain::ClientId::new(id)).exists() {
            return Err(StoreError::NotFound { path: self.client_path(&crate::domain::ClientId::new(id)) });
        }
        // Another window's kept note is never written over: while that
        // window is open it is its own, and once it has stopped it is the
        // only copy of words typed there, until a window restores it (which
        // makes it that window's: see `claim_draft`).
        if let Some(other) = self.draft_window(&crate::domain::ClientId::new(id)).filter(|w| w != window) {
            let why = if self.window_open(&other) {
                "another open Rapport window is keeping an unsaved note for this client, so this one is not kept \
                 as a draft; save it when you are done"
            } else {
                "an unsaved note for this client from a Rapport window that stopped is kept, and is not written \
                 over: this one is not kept as a draft, so save it when you are done; the other is offered when \
                 Rapport next starts"
            };
            return Err(StoreError::Record(crate::domain::RecordError::Invalid(why.into())));
        }
        self.write_json(&self.draft_path(id), draft)
    }

    /// Takes up the draft window `from` kept for client `id` as window
    /// `to`'s, under the lock, so that of two windows offered the same note
    /// only one restores it. Refused when the draft is gone or another open
    /// window has taken it up.
    pub fn claim_draft(&self, id: &ClientId, from: &str, to: &str) -> Result<(), StoreError> {
        valid_id(id.as_str())?;
        let _lock = self.lock()?;
        let refused = |why: &str| Err(StoreError::Record(crate::domain::RecordError::Invalid(why.into())));
        let path = self.draft_path(id.as_str());
        let Ok(bytes) = self.read_file(&path) else {
            return refused("that unsaved note is no longer kept: another window saved or discarded it");
        };
        let Ok(mut draft) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return refused("that unsaved note could not be read; it was left as it is");
        };
        let owner = draft.get("window").and_then(|w| w.as_str()).unwrap_or("").to_string();
        if owner == to {
            return Ok(());
        }
        if owner != from && self.window_open(&owner) {
            return refused("that unsaved note is open in another Rapport window: finish it there");
        }
        draft["window"] = serde_json::Value::String(to.to_string());
        self.write_json(&path, &draft)
    }

    /// The window that kept client `id`'s draft, if it says.
    pub fn draft_window(&self, id: &ClientId) -> Option<String> {
        self.read_file(&self.draft_path(id.as_str()))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("window").and_then(|w| w.as_str()).map(str::to_string))
            .filter(|w| !w.is_empty())
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

    /// Removes client `id`'s draft; with `windows`, only if one of those
    /// windows kept it (a draft another window keeps for the client stays).
    pub fn delete_draft(&self, id: &ClientId, windows: &[String]) -> Result<(), StoreError> {
        if !windows.is_empty() && self.draft_window(id).is_some_and(|k| !windows.contains(&k)) {
            return Ok(());
        }
        valid_id(id.as_str())?;
        let path = self.draft_path(id.as_str());
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::io("remove", &path, e)),
            _ => Ok(()),
        }
    }
}
