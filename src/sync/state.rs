//! What this device keeps about syncing, in `DATA/.git/rapport/` (never
//! synced): its short mark for new ids, when it last synced, and the seals
//! a merge asks the ledger to witness again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;

use crate::store::atomic::{create_private_dir, write_atomic};

pub fn dir(root: &Path) -> PathBuf {
    root.join(".git").join("rapport")
}

/// This device's mark, which the ids of what it adds carry (`t3-k4x`), so
/// two devices never give two things one id. None until the folder is set
/// up for syncing, or when the file is not a mark Rapport writes.
///
/// A folder copied whole, `.git` and all (`cp -a`, a disk image put on a
/// second machine), would share its mark with the original, and the two
/// would give two notes one id. So the mark is kept with the place it was
/// given in (this machine, and the folder's inode); a folder found in
/// another place first gets a new mark, before anything gets an id or is
/// synced. (A folder moved to another disk gets one too: harmless.)
pub fn device_tag(root: &Path) -> Option<String> {
    let bytes = crate::store::files::read_regular(&dir(root).join("device"), 64).ok()?;
    let tag = String::from_utf8(bytes).ok()?.trim().to_string();
    if !is_tag(&tag) {
        return None;
    }
    let here = place(root)?;
    let given = crate::store::files::read_regular(&dir(root).join("place"), 256).ok();
    match given {
        Some(p) if p == here.as_bytes() => Some(tag),
        // From before marks kept their place: this is where it is.
        None => {
            let _ = write_atomic(&dir(root).join("place"), here.as_bytes());
            Some(tag)
        }
        Some(_) => {
            let new = new_tag(std::slice::from_ref(&tag)).ok()?;
            write_tag(root, &new).ok()?;
            Some(new)
        }
    }
}

/// Where this folder is: a hash of this machine's id and the folder's
/// inode (never the path, which a move or a rename changes).
fn place(root: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(root).ok()?.ino();
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|f| std::fs::read(f).ok().filter(|id| !id.is_empty() && id.len() <= 256))
        .unwrap_or_else(|| super::host_name().into_bytes());
    let mut h = Sha256::new();
    h.update(&machine);
    h.update(inode.to_le_bytes());
    Some(format!("{}\n", hex::encode(&h.finalize()[..16])))
}

/// Three lowercase letters or digits.
pub fn is_tag(tag: &str) -> bool {
    tag.len() == 3 && tag.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A new mark for this device, none of `taken`.
pub fn new_tag(taken: &[String]) -> Result<String> {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    loop {
        let mut bytes = [0u8; 3];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for this device's mark: {e}"))?;
        let tag: String = bytes.iter().map(|b| LETTERS[*b as usize % LETTERS.len()] as char).collect();
        if !taken.contains(&tag) {
            return Ok(tag);
        }
    }
}

/// The mark a `sync init` or `sync clone` leaves while it sets the folder
/// up, written before `.git` is made and removed once the first commit is
/// made (or the practice brought): while it is there the folder is not
/// synced yet, and the next `sync init` (or `clone`) starts again. (In the
/// data folder, which git never tracks but for the record.)
fn setting_up_file(root: &Path) -> PathBuf {
    root.join("sync-init")
}

pub fn setting_up(root: &Path) -> bool {
    setting_up_file(root).exists()
}

/// What sets the folder up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingUp {
    Init,
    Clone,
}

const CLONE_MARK: &[u8] = b"a `rapport sync clone` is bringing a practice into this folder\n";

pub fn begin_setting_up(root: &Path, by: SettingUp) -> Result<()> {
    let mark: &[u8] = match by {
        SettingUp::Init => b"a `rapport sync init` is setting this folder up\n",
        SettingUp::Clone => CLONE_MARK,
    };
    write_atomic(&setting_up_file(root), mark)?;
    crate::store::atomic::sync_folder(root)
}

/// A `sync clone` into this folder was stopped part way: what is there is
/// not a practice yet, and the next `sync clone` replaces it.
pub fn clone_stopped(root: &Path) -> bool {
    crate::store::files::read_regular(&setting_up_file(root), 1024).is_ok_and(|m| m == CLONE_MARK)
}

pub fn end_setting_up(root: &Path) -> Result<()> {
    std::fs::remove_file(setting_up_file(root)).context("finishing the set-up for syncing")?;
    crate::store::atomic::sync_folder(root)
}

/// Gives this folder the mark `tag`, kept with the place it is in now.
pub fn write_tag(root: &Path, tag: &str) -> Result<()> {
    create_private_dir(&dir(root))?;
    write_atomic(&dir(root).join("device"), format!("{tag}\n").as_bytes())?;
    if let Some(here) = place(root) {
        write_atomic(&dir(root).join("place"), here.as_bytes())?;
    }
    Ok(())
}

pub fn last_sync(root: &Path) -> Option<NaiveDateTime> {
    let bytes = crate::store::files::read_regular(&dir(root).join("last-sync"), 64).ok()?;
    crate::domain::time::parse_datetime(String::from_utf8_lossy(&bytes).trim()).ok()
}

pub fn set_last_sync(root: &Path, now: NaiveDateTime) -> Result<()> {
    create_private_dir(&dir(root))?;
    let text = format!("{}\n", now.format("%Y-%m-%d %H:%M"));
    write_atomic(&dir(root).join("last-sync"), text.as_bytes()).context("noting the time of this sync")
}

/// Where the merge driver leaves the seals to witness again: one
/// `CLIENT SESSION HASH` a line.
pub fn rewitness_file(root: &Path) -> PathBuf {
    dir(root).join("rewitness")
}
