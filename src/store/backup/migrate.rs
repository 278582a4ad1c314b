//! Snapshots an older Rapport made as full copies
//! (`backups/<snapshot>/clients/<file>`) moved into the objects: each file
//! stored as an object, then the snapshot's manifest written, then the
//! copies removed. Killed at any step, the snapshot is whole either way (the
//! copies until the manifest is written, the manifest after), and the next
//! snapshot finishes the move. A snapshot whose folder holds a link or a
//! folder among its files was not made by Rapport as it is: it is left as it
//! is, and a restore from it is refused.

use std::collections::BTreeSet;
use std::fs;

use anyhow::Context;

use super::manifest::{Entry, MANIFEST, Manifest};
use super::objects::{self, hash_of};
use super::{Backups, Held};
use crate::store::atomic::write_atomic;
use crate::store::crash;

impl Backups {
    /// Moves every snapshot still held as full copies into the objects.
    /// Returns how many were moved.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut moved = 0;
        for name in self.names() {
            let folder = self.folder(&name);
            let copies = folder.join("clients");
            if !super::is_dir(&copies) {
                continue;
            }
            let whole = match Manifest::read(&folder) {
                // Moved but for the copies: the manifest is read whole first.
                Ok(Some(_)) => true,
                // A manifest that is damaged: the copies stay.
                Err(_) => false,
                Ok(None) => self.move_copies(&name)?,
            };
            if !whole {
                continue;
            }
            crash::point("migrate.remove-copies");
            fs::remove_dir_all(&copies).with_context(|| format!("removing {}", copies.display()))?;
            moved += 1;
        }
        Ok(moved)
    }

    /// Stores snapshot `name`'s full copies as objects, then writes its
    /// manifest: false, and no manifest written, for a snapshot holding a link
    /// or a copy that cannot be read.
    fn move_copies(&self, name: &str) -> anyhow::Result<bool> {
        let objects = self.objects();
        let Ok(files) = self.files(name) else { return Ok(false) };
        let mut touched = BTreeSet::new();
        let mut entries = Vec::with_capacity(files.len());
        for f in &files {
            let Held::Copy(path) = &f.held else { continue };
            // A copy that cannot be read is left with its snapshot, as it is.
            let Ok(bytes) = crate::store::read_bytes(path) else { return Ok(false) };
            let hash = hash_of(&bytes);
            if !objects.has(&hash) {
                crash::point("migrate.object");
                objects.put(&hash, &bytes, &mut touched)?;
            }
            let path = format!("clients/{}", f.file);
            entries.push(Entry { path, hash, size: bytes.len() as u64, seen: None });
        }
        objects::sync_all(&touched)?;
        crash::point("migrate.manifest");
        write_atomic(&self.folder(name).join(MANIFEST), &Manifest::new(entries).to_bytes())?;
        Ok(true)
    }
}
