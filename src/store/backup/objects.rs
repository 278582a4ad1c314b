//! The snapshots' objects, `backups/objects/ab/cdef…`: each version of a
//! client file that a snapshot holds, stored once under the SHA-256 of its
//! bytes, as a read-only file of its own (written, never linked to a live
//! file, so nothing done to a live file can change it). An encrypted
//! practice's objects are its ciphertext files, stored as they are.
//!
//! A folder of the object store that is a symbolic link is refused, never
//! followed; an object is read only up to a client file's limit and only
//! when its bytes still have the hash it is named by.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::manifest::is_hash;
use crate::domain::bounds;
use crate::store::atomic::{create_private_dir, is_temp_file, sync_folder, write_object};
use crate::store::files::{ReadError, read_regular};

/// The object store of one data folder.
pub struct Objects {
    dir: PathBuf,
    /// Its shard folders that are real folders, not links: listed once, at
    /// the first look (one listing instead of two `stat`s an object).
    shards: RefCell<Option<HashSet<String>>>,
}

/// Why an object could not be given back.
#[derive(Debug)]
pub enum ObjectError {
    Missing,
    /// Its bytes no longer have its hash (or its size).
    Changed,
    /// A link, not a file, or a read that failed: why.
    Unreadable(String),
}

impl std::fmt::Display for ObjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ObjectError::Missing => write!(f, "its stored copy is missing"),
            ObjectError::Changed => write!(f, "its stored copy no longer matches what was stored"),
            ObjectError::Unreadable(why) => write!(f, "its stored copy cannot be read ({why})"),
        }
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn hash_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Objects {
    /// The object store under `backups`.
    pub fn new(backups: &Path) -> Objects {
        Objects { dir: backups.join("objects"), shards: RefCell::new(None) }
    }

    fn shard(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2])
    }

    fn path(&self, hash: &str) -> PathBuf {
        self.shard(hash).join(&hash[2..])
    }

    /// The object `hash` is there (a file; the folders on the way real ones).
    pub fn has(&self, hash: &str) -> bool {
        is_hash(hash) && self.real_shard(&hash[..2]) && fs::symlink_metadata(self.path(hash)).is_ok_and(|m| m.is_file())
    }

    /// `objects/<shard>` is a real folder (and so is `objects`).
    fn real_shard(&self, shard: &str) -> bool {
        let mut known = self.shards.borrow_mut();
        let known = known.get_or_insert_with(|| {
            if !real_dir(&self.dir).is_ok_and(|d| d) {
                return HashSet::new();
            }
            let Ok(entries) = fs::read_dir(&self.dir) else { return HashSet::new() };
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        });
        known.contains(shard)
    }

    /// Stores `bytes` as object `hash` (their hash) unless it is there;
    /// `touched` collects the folders to sync before a manifest names it.
    /// The caller names its crash point before calling.
    pub fn put(&self, hash: &str, bytes: &[u8], touched: &mut BTreeSet<PathBuf>) -> anyhow::Result<()> {
        debug_assert_eq!(hash, hash_of(bytes));
        if self.has(hash) {
            return Ok(());
        }
        let shard = self.shard(hash);
        for dir in [&self.dir, &shard] {
            match real_dir(dir) {
                Ok(true) => {}
                Ok(false) => {
                    create_private_dir(dir)?;
                    touched.insert(dir.parent().expect("inside backups").to_path_buf());
                }
                Err(e) => anyhow::bail!("{}: {e}", dir.display()),
            }
        }
        write_object(&self.path(hash), bytes)?;
        touched.insert(shard);
        if let Some(known) = self.shards.borrow_mut().as_mut() {
            known.insert(hash[..2].to_string());
        }
        Ok(())
    }

    /// Object `hash`'s bytes, checked against its hash and `size`.
    pub fn read(&self, hash: &str, size: u64) -> Result<Vec<u8>, ObjectError> {
        if !is_hash(hash) {
            return Err(ObjectError::Missing);
        }
        for dir in [&self.dir, &self.shard(hash)] {
            match real_dir(dir) {
                Ok(true) => {}
                Ok(false) => return Err(ObjectError::Missing),
                Err(e) => return Err(ObjectError::Unreadable(e.to_string())),
            }
        }
        let bytes = match read_regular(&self.path(hash), size.min(bounds::FILE_BYTES)) {
            Ok(bytes) => bytes,
            Err(ReadError::NotFound) => return Err(ObjectError::Missing),
            Err(ReadError::TooLarge(_)) => return Err(ObjectError::Changed),
            Err(ReadError::Link) => return Err(ObjectError::Unreadable("a symbolic link".into())),
            Err(ReadError::NotAFile) => return Err(ObjectError::Unreadable("not a file".into())),
            Err(ReadError::Io(e)) => return Err(ObjectError::Unreadable(e.to_string())),
        };
        if bytes.len() as u64 != size || hash_of(&bytes) != hash {
            return Err(ObjectError::Changed);
        }
        Ok(bytes)
    }

    /// Removes the objects `hashes` (none through a linked shard folder).
    /// Returns how many went.
    pub fn remove(&self, hashes: &HashSet<String>) -> anyhow::Result<usize> {
        let mut removed = 0;
        for hash in hashes.iter().filter(|h| is_hash(h) && self.real_shard(&h[..2])) {
            crate::store::crash::point("objects.remove");
            match fs::remove_file(self.path(hash)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(anyhow::Error::new(e).context(format!("removing {}", self.path(hash).display())));
                }
                Err(_) => {}
                Ok(()) => removed += 1,
            }
        }
        Ok(removed)
    }

    /// Removes every object not in `referenced`, and what a killed write
    /// left. Each removal is a crash point: killed, the rest stays garbage
    /// for the next time. The folders are not synced: a removal a power cut
    /// undoes leaves garbage again, nothing worse. Returns how many objects went.
    pub fn collect_garbage(&self, referenced: &HashSet<String>) -> anyhow::Result<usize> {
        if !real_dir(&self.dir).is_ok_and(|d| d) {
            return Ok(0);
        }
        let mut removed = 0;
        let mut shards: Vec<_> = fs::read_dir(&self.dir)?.filter_map(|e| e.ok()).collect();
        shards.sort_by_key(|e| e.file_name());
        for shard in shards {
            let name = shard.file_name().to_string_lossy().into_owned();
            if name.len() != 2 || !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for e in fs::read_dir(shard.path())?.filter_map(|e| e.ok()) {
                let rest = e.file_name().to_string_lossy().into_owned();
                let hash = format!("{name}{rest}");
                let stray_temp = is_temp_file(&rest);
                if !stray_temp && (!is_hash(&hash) || referenced.contains(&hash)) {
                    continue;
                }
                crate::store::crash::point("objects.remove");
                match fs::remove_file(e.path()) {
                    Err(err) if err.kind() != io::ErrorKind::NotFound => {
                        return Err(anyhow::Error::new(err).context(format!("removing {}", e.path().display())));
                    }
                    _ => {}
                }
                removed += usize::from(!stray_temp);
            }
        }
        Ok(removed)
    }
}

/// Syncs every folder in `touched`: the objects written since are on disk.
pub fn sync_all(touched: &BTreeSet<PathBuf>) -> anyhow::Result<()> {
    // The deepest first: a new shard is named in its parent once its files are.
    for dir in touched.iter().rev() {
        sync_folder(dir)?;
    }
    Ok(())
}

/// `dir` is a real folder (true), is not there (false), or is something
/// else: a link, which is never followed, or a file.
fn real_dir(dir: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(true),
        Ok(m) if m.file_type().is_symlink() => {
            Err(io::Error::other("is a symbolic link, which Rapport does not follow in its data folder"))
        }
        Ok(_) => Err(io::Error::other("is not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}
