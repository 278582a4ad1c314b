//! The one way Rapport writes a file: all of it, or none of it.

use std::fs::{self, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, Result};

use super::crash;

/// Clinical notes: readable by the therapist's account only.
pub const FILE_MODE: u32 = 0o600;
pub const DIR_MODE: u32 = 0o700;
/// A snapshot's object is never changed once written: read-only.
pub const OBJECT_MODE: u32 = 0o400;

/// Writes `bytes` to `path` so that a crash at any instant leaves either the
/// old file or the new one: a temp file in the same folder is written,
/// flushed to disk, renamed over `path`, and the folder is synced so the
/// rename itself survives a power cut. On failure the temp file is removed
/// and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, true, FILE_MODE, true)
}

/// Like [`write_atomic`] for a file of a folder being built under a
/// temporary name: the file flushed to disk, the folder left for the caller
/// to sync once, with every file in it, before the folder is renamed.
pub fn write_atomic_in_new_folder(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, true, FILE_MODE, false)
}

/// Like [`write_atomic`] for a snapshot's object: read-only (`0400`), the
/// file flushed to disk before its rename, but its folder left for the
/// caller to sync once with every other object it wrote
/// ([`sync_folder`]), before the manifest that names them.
pub fn write_object(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, true, OBJECT_MODE, false)
}

/// Like [`write_atomic`] (all or nothing) but without waiting for the disk:
/// for derived files that are rebuilt if a power cut tears them.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, false, FILE_MODE, false)
}

fn replace(path: &Path, bytes: &[u8], durable: bool, mode: u32, folder: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".rapport-tmp-")
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    crash::point("write.temp");
    tmp.write_all(bytes)
        .and_then(|()| {
            crash::point("write.fsync");
            if durable { tmp.as_file().sync_all() } else { Ok(()) }
        })
        .with_context(|| format!("writing {}", path.display()))?;
    crash::point("write.rename");
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("replacing {}", path.display()))?;
    crash::point("write.folder-sync");
    if folder { sync_dir(dir) } else { Ok(()) }
}

/// Flushes a folder's list of names to disk, so renames and new files in it
/// survive a power cut.
pub fn sync_folder(dir: &Path) -> Result<()> {
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).with_context(|| format!("syncing folder {}", dir.display()))
}

/// Creates `dir` and its parents with owner-only permissions.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .with_context(|| format!("creating folder {}", dir.display()))
}

/// True for the temp files [`write_atomic`] leaves if killed mid-write.
pub fn is_temp_file(name: &str) -> bool {
    name.starts_with(".rapport-tmp-")
}
