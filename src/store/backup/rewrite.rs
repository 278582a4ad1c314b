//! Changing what every snapshot holds: a client's file taken out of them
//! all (after an erasure), each file encrypted or decrypted with the
//! practice, ids without names given by `sync init`.
//!
//! Each snapshot's manifest is written anew, atomically, once the objects it
//! names are on disk; then the objects no manifest names are removed. A
//! rewrite killed part way leaves each snapshot as it was or as it is to be,
//! and garbage; run again, it finishes (every `change` says what to do with
//! a file by what the file is now).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;

use anyhow::{Context, anyhow, bail};
use chrono::NaiveDateTime;

use super::Backups;
use super::manifest::{self, Entry, MANIFEST, Manifest};
use super::objects::{self, hash_of};
use crate::domain::ClientId;
use crate::store::atomic::write_atomic;
use crate::store::{Store, StoreError, crash};

/// What becomes of one client file of a snapshot.
pub(crate) enum Rewritten {
    Keep,
    Drop,
    /// Held instead as `file`, with these bytes.
    Into {
        file: String,
        bytes: Vec<u8>,
    },
}

/// A way to read a snapshot's file, checked against its hash.
pub(crate) type Load<'a> = &'a dyn Fn() -> Result<Vec<u8>, String>;

impl Backups {
    /// Rewrites every snapshot by `change`, given each client file's name and
    /// a way to read it; full copies are moved into the objects first, and
    /// the objects no snapshot names any more are removed last. Returns how
    /// many snapshots changed.
    pub fn rewrite(&self, mut change: impl FnMut(&str, Load) -> anyhow::Result<Rewritten>) -> anyhow::Result<usize> {
        self.migrate()?;
        let objects = self.objects();
        // A file held by many snapshots is changed once: (name, hash) → entry.
        let mut done: HashMap<(String, String), Option<Entry>> = HashMap::new();
        let mut changed = 0;
        for name in self.names() {
            let Some(m) = self.manifest(&name).map_err(|why| anyhow!("snapshot {name}: {why}"))? else { continue };
            let mut touched = BTreeSet::new();
            let mut files = Vec::with_capacity(m.files.len());
            let mut differs = false;
            for e in &m.files {
                let key = (e.file().to_string(), e.hash.clone());
                let new = match done.get(&key) {
                    Some(new) => new.clone(),
                    None => {
                        let load =
                            || objects.read(&e.hash, e.size).map_err(|err| format!("clients/{}: {err}", e.file()));
                        let new = match change(e.file(), &load)? {
                            Rewritten::Keep => Some(e.clone()),
                            Rewritten::Drop => None,
                            Rewritten::Into { file, bytes } => {
                                let hash = hash_of(&bytes);
                                if !objects.has(&hash) {
                                    crash::point("snapshot.object");
                                    objects.put(&hash, &bytes, &mut touched)?;
                                }
                                let path = format!("clients/{file}");
                                Some(Entry { path, hash, size: bytes.len() as u64, seen: None })
                            }
                        };
                        done.insert(key, new.clone());
                        new
                    }
                };
                differs |= new.as_ref() != Some(e);
                files.extend(new);
            }
            if !differs {
                continue;
            }
            let mut paths = HashSet::new();
            if let Some(twice) = files.iter().find(|e| !paths.insert(e.path.as_str())) {
                bail!("snapshot {name} would hold {} twice; it was left as it is", twice.path);
            }
            objects::sync_all(&touched)?;
            crash::point("snapshot.rewrite");
            write_atomic(&self.folder(&name).join(MANIFEST), &Manifest::new(files).to_bytes())?;
            changed += 1;
        }
        self.collect_garbage()?;
        Ok(changed)
    }
}

impl Store {
    /// Takes client `id`'s file out of every snapshot. Returns how many held it.
    pub fn erase_from_backups(&self, id: &ClientId, now: NaiveDateTime) -> Result<usize, StoreError> {
        crate::store::valid_id(id.as_str())?;
        let _lock = self.lock()?;
        let file = self.file_name(id.as_str());
        let holding = self.snapshots_holding(id);
        let backups = self.backups();
        let fail = |cause: anyhow::Error| StoreError::Write { path: self.root().join("backups"), cause };
        backups.rewrite(|f, _| Ok(if f == file { Rewritten::Drop } else { Rewritten::Keep })).map_err(fail)?;
        // Full copies that could not be moved into the objects (they hold a
        // link), as an older Rapport did.
        for name in backups.names() {
            let path = backups.folder(&name).join("clients").join(&file);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                fs::remove_file(&path).with_context(|| format!("removing {}", path.display())).map_err(fail)?;
            }
        }
        self.audit(now, "erased from backups", "", &holding.len().to_string());
        Ok(holding.len())
    }

    /// The snapshots that still hold client `id`'s file.
    pub fn snapshots_holding(&self, id: &ClientId) -> Vec<String> {
        let file = self.file_name(id.as_str());
        let backups = self.backups();
        backups
            .names()
            .into_iter()
            .filter(|name| match manifest::named(&backups.folder(name)) {
                Ok(Some(named)) => named.iter().any(|(path, _)| path.strip_prefix("clients/") == Some(file.as_str())),
                Ok(None) => backups.folder(name).join("clients").join(&file).exists(),
                Err(_) => false,
            })
            .collect()
    }
}
