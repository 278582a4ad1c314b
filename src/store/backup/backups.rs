//! The snapshots' folder, `DATA/backups/`: which snapshots there are, what
//! each holds (through its manifest, or as the full copies of an older
//! Rapport), reading a file back, and what a killed snapshot or prune left.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::manifest::{self, MANIFEST, Manifest};
use super::objects::Objects;
use super::snapshot_time;
use crate::store::atomic::is_temp_file;

/// The snapshots of one data folder, `DATA/backups/`.
pub(crate) struct Backups {
    dir: PathBuf,
}

/// One client file a snapshot holds.
#[derive(Debug, Clone)]
pub(crate) struct SnapFile {
    /// Its name in `clients/`.
    pub file: String,
    pub(super) held: Held,
}

#[derive(Debug, Clone)]
pub(super) enum Held {
    /// A full copy an older Rapport made, not yet moved into the objects.
    Copy(PathBuf),
    Object {
        hash: String,
        size: u64,
    },
}

impl Backups {
    pub fn of(root: &Path) -> Backups {
        Backups { dir: root.join("backups") }
    }

    pub(super) fn folder(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(super) fn objects(&self) -> Objects {
        Objects::new(&self.dir)
    }

    /// The snapshots' names, oldest first: folders named as Rapport names
    /// them that hold a manifest, or the full copies of an older Rapport (a
    /// folder with any other name, or a link, is not one, and is never pruned).
    pub fn names(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| snapshot_time(name).is_some())
            .filter(|name| {
                let folder = self.folder(name);
                fs::symlink_metadata(folder.join(MANIFEST)).is_ok_and(|m| m.is_file())
                    || is_dir(&folder.join("clients"))
            })
            .collect();
        names.sort();
        names
    }

    /// Snapshot `name`'s manifest: None for full copies (or no snapshot).
    pub(super) fn manifest(&self, name: &str) -> Result<Option<Manifest>, String> {
        Manifest::read(&self.folder(name))
    }

    /// The newest snapshot's manifest, if it can be read.
    pub(super) fn newest_manifest(&self) -> Option<Manifest> {
        self.names().into_iter().rev().find_map(|n| self.manifest(&n).ok().flatten())
    }

    /// The client files snapshot `name` holds, or why it cannot be read.
    pub fn files(&self, name: &str) -> Result<Vec<SnapFile>, String> {
        if let Some(m) = self.manifest(name)? {
            return Ok(m
                .files
                .into_iter()
                .map(|e| SnapFile { file: e.file().to_string(), held: Held::Object { hash: e.hash, size: e.size } })
                .collect());
        }
        let source = self.folder(name).join("clients");
        let entries = fs::read_dir(&source).map_err(|e| format!("its folder could not be read ({e})"))?;
        let mut files = Vec::new();
        for e in entries.filter_map(|e| e.ok()) {
            let file = e.file_name().to_string_lossy().into_owned();
            let regular = e.file_type().is_ok_and(|t| t.is_file());
            // A link or anything but files was not made by Rapport as it
            // is: restoring from it could drop a client unseen.
            if !regular && !is_temp_file(&file) {
                return Err(format!(
                    "it holds clients/{} as a link or a folder, not a file Rapport wrote",
                    crate::sanitize::visible(&file)
                ));
            }
            if regular && manifest::is_client_file(&file) {
                files.push(SnapFile { held: Held::Copy(e.path()), file });
            }
        }
        files.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(files)
    }

    /// The bytes of `f`, as stored (ciphertext in an encrypted practice).
    pub fn read(&self, f: &SnapFile) -> Result<Vec<u8>, String> {
        match &f.held {
            Held::Copy(path) => crate::store::read_bytes(path).map_err(|e| e.to_string()),
            Held::Object { hash, size } => {
                self.objects().read(hash, *size).map_err(|e| format!("clients/{}: {e}", f.file))
            }
        }
    }

    /// The name of every client file a snapshot's manifest holds.
    pub fn file_names(&self) -> BTreeSet<String> {
        let names = self.names();
        let manifests = names.iter().filter_map(|n| self.manifest(n).ok().flatten());
        manifests.flat_map(|m| m.files.into_iter().map(|e| e.file().to_string())).collect()
    }

    /// Removes what a killed snapshot or prune left: a folder still under
    /// its temporary name, or a dated one with neither a manifest nor full
    /// copies. Under the lock no other snapshot is being built.
    pub(super) fn sweep_partial(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        let complete: BTreeSet<String> = self.names().into_iter().collect();
        for e in entries.filter_map(|e| e.ok()) {
            let Ok(name) = e.file_name().into_string() else { continue };
            let partial = is_temp_file(&name) || (snapshot_time(&name).is_some() && !complete.contains(&name));
            if partial && e.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }

    /// Removes the objects among `candidates` (those the snapshots a prune
    /// just removed named) that no snapshot names any more, without listing
    /// the object store: a daily prune costs what changed over the days
    /// kept, not the practice's size. A manifest that cannot be read keeps
    /// every candidate; garbage a killed prune left is for [`Backups::collect_garbage`].
    pub(super) fn collect_candidates(&self, mut candidates: HashSet<String>) -> anyhow::Result<usize> {
        for name in self.names() {
            if candidates.is_empty() {
                break;
            }
            match manifest::hashes(&self.folder(&name)) {
                Ok(hashes) => {
                    for hash in hashes.into_iter().flatten() {
                        candidates.remove(&hash);
                    }
                }
                Err(_) => return Ok(0),
            }
        }
        self.objects().remove(&candidates)
    }

    /// Removes every object no snapshot's manifest names. While a manifest
    /// cannot be read nothing is removed: what it names is not known.
    pub fn collect_garbage(&self) -> anyhow::Result<usize> {
        let mut referenced = HashSet::new();
        for name in self.names() {
            match manifest::hashes(&self.folder(&name)) {
                Ok(hashes) => referenced.extend(hashes.into_iter().flatten()),
                Err(_) => return Ok(0),
            }
        }
        self.objects().collect_garbage(&referenced)
    }
}

pub(super) fn is_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}
