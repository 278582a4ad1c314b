//! The store's one door for what a sync brings into the data folder: the
//! files of the practice that travel between devices (client files, the
//! ledger, the audit log, the key file, git's settings for them), named by
//! their path in the folder. Sync writes and removes them only here, so
//! no path it is given leads anywhere else, every write is atomic and never
//! through a link, and the store's index notices the change.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::atomic::{create_private_dir, write_atomic};
use super::crypt::IDENTITY_FILE;
use crate::domain::bounds;

/// What a synced path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A client file, by the name it has: the client id, or when the
    /// practice is encrypted a keyed hash of it.
    Client(String),
    Ledger,
    Audit,
    /// `.gitignore` or `.gitattributes`.
    Setup,
    /// `identity.age`, an encrypted practice's key file.
    Key,
    /// A client's process notes (`process/`), by the name their client
    /// file has.
    Process(String),
}

/// The synced file a path in the repository names, if it is one: in an
/// encrypted practice (`encrypted`) client files are `.age`, else `.json`.
pub fn part(path: &str, encrypted: bool) -> Option<Part> {
    match path {
        super::ledger::LEDGER_FILE => Some(Part::Ledger),
        "audit.log" => Some(Part::Audit),
        ".gitignore" | ".gitattributes" => Some(Part::Setup),
        IDENTITY_FILE if encrypted => Some(Part::Key),
        _ => {
            let ext = if encrypted { ".age" } else { ".json" };
            if let Some(rest) = path.strip_prefix("process/") {
                let stem = rest.strip_suffix(ext)?;
                return bounds::is_valid_id(stem).then(|| Part::Process(stem.to_string()));
            }
            let stem = path.strip_prefix("clients/")?.strip_suffix(ext)?;
            bounds::is_valid_id(stem).then(|| Part::Client(stem.to_string()))
        }
    }
}

/// The files of the data folder `root` that are synced now, as paths in
/// the repository.
pub fn on_disk(root: &Path) -> Vec<String> {
    let encrypted = super::crypt::is_encrypted(root);
    let mut paths: Vec<String> =
        [super::ledger::LEDGER_FILE, "audit.log", ".gitignore", ".gitattributes", IDENTITY_FILE]
            .into_iter()
            .filter(|p| part(p, encrypted).is_some())
            .filter(|p| root.join(p).symlink_metadata().is_ok_and(|m| m.is_file()))
            .map(str::to_string)
            .collect();
    for dir in ["clients", super::process::PROCESS_DIR] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let path = format!("{dir}/{}", e.file_name().to_string_lossy());
            if e.file_type().is_ok_and(|t| t.is_file())
                && matches!(part(&path, encrypted), Some(Part::Client(_) | Part::Process(_)))
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// Whether the folder `root` holds a practice, or part of one: a
/// repository, a client file, a log or a key.
pub fn holds_a_practice(root: &Path) -> bool {
    let any_client = std::fs::read_dir(root.join("clients")).is_ok_and(|mut d| d.next().is_some());
    [".git", super::ledger::LEDGER_FILE, "audit.log", IDENTITY_FILE].iter().any(|f| root.join(f).exists()) || any_client
}

/// Takes out of the folder `root` every synced file a `sync clone` that
/// was stopped brought (the clients' files, the logs, the key file), and
/// the files and repository a `sync init` or `clone` set up.
pub fn clear(root: &Path) {
    for dir in ["clients", super::process::PROCESS_DIR] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    for f in [super::ledger::LEDGER_FILE, "audit.log", IDENTITY_FILE] {
        let _ = std::fs::remove_file(root.join(f));
    }
}

/// Takes out what a `sync init` set up: the repository and git's settings
/// for the record.
pub fn clear_set_up(root: &Path) {
    let _ = std::fs::remove_dir_all(root.join(".git"));
    for f in [".gitignore", ".gitattributes"] {
        let _ = std::fs::remove_file(root.join(f));
    }
}

/// Where the synced file `path` is in the data folder `root`; refused for
/// a path that names no file of the practice.
fn place(root: &Path, path: &str) -> Result<PathBuf> {
    if part(path, super::crypt::is_encrypted(root)).is_none() && part(path, true).is_none() {
        bail!("{} is not a file of the practice; nothing was written", crate::sanitize::visible(path));
    }
    Ok(root.join(path))
}

/// Writes the synced file `path` of the data folder `root` (call under the
/// folder's lock).
pub fn put(root: &Path, path: &str, bytes: &[u8]) -> Result<()> {
    let file = place(root, path)?;
    if let Some(dir) = file.parent() {
        create_private_dir(dir)?;
    }
    write_atomic(&file, bytes).with_context(|| format!("writing {path}"))
}

/// Removes the synced file `path` of the data folder `root`, if it is there
/// (call under the folder's lock).
pub fn remove(root: &Path, path: &str) -> Result<()> {
    let file = place(root, path)?;
    match std::fs::remove_file(&file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).with_context(|| format!("removing {path}")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_practices_own_files_can_be_written_by_a_sync() {
        let d = tempfile::tempdir().unwrap();
        for ok in ["clients/ann.json", "ledger", "audit.log", ".gitattributes"] {
            put(d.path(), ok, b"{}").unwrap();
            assert!(d.path().join(ok).is_file(), "{ok}");
        }
        for refused in ["../outside", "clients/../../x.json", "/etc/passwd", "config.json", "clients/a b.json", "x"] {
            let e = put(d.path(), refused, b"x").unwrap_err().to_string();
            assert!(e.contains("is not a file of the practice"), "{refused}: {e}");
            assert!(remove(d.path(), refused).is_err(), "{refused}");
        }
        assert!(!d.path().parent().unwrap().join("outside").exists());
        remove(d.path(), "clients/ann.json").unwrap();
        assert!(!d.path().join("clients/ann.json").exists());
    }
}
