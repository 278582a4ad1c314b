//! This device's mark in a synced practice, which the ids of what it adds
//! carry (`t3-k4x`), kept in `DATA/.git/rapport/` (never synced). The store
//! reads it when it opens; sync gives it when it sets a folder up.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::atomic::{create_private_dir, write_atomic};

/// Where this device keeps what it knows of syncing.
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
        .unwrap_or_else(|| host_name().into_bytes());
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

/// Gives this folder the mark `tag`, kept with the place it is in now.
pub fn write_tag(root: &Path, tag: &str) -> Result<()> {
    create_private_dir(&dir(root))?;
    write_atomic(&dir(root).join("device"), format!("{tag}\n").as_bytes())?;
    if let Some(here) = place(root) {
        write_atomic(&dir(root).join("place"), here.as_bytes())?;
    }
    Ok(())
}

/// This machine's name, for commit authors and messages (never a client's).
pub fn host_name() -> String {
    // The node name uname gives is the host name gethostname would.
    let uname = rustix::system::uname();
    let name: String = String::from_utf8_lossy(uname.nodename().to_bytes())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .take(64)
        .collect();
    if name.is_empty() { "this device".into() } else { name }
}

/// What Rapport itself last wrote to a client file of a synced folder, by
/// a hash of its bytes: a file that holds those bytes is Rapport's own
/// change, even where it matches an older version (a conflict settled, a
/// restore); one that does not, and matches an older version, was put back
/// from elsewhere (see `sync::older`).
fn written_file(root: &Path, path: &str) -> Option<PathBuf> {
    let name = path.strip_prefix("clients/")?;
    (!name.contains('/') && !name.starts_with('.')).then(|| dir(root).join("written").join(name))
}

/// The hash `note_written` keeps of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Notes that Rapport wrote `bytes` to the client file `path` (a path in
/// the folder, `clients/…`), when the folder is synced. Best effort: a note
/// not kept only makes the next sync keep the last sync's version of a
/// file that matches an older one, and say so.
pub fn note_written(root: &Path, path: &str, bytes: &[u8]) {
    if !dir(root).is_dir() {
        return;
    }
    if let Some(file) = written_file(root, path)
        && let Some(parent) = file.parent()
        && create_private_dir(parent).is_ok()
    {
        let _ = write_atomic(&file, content_hash(bytes).as_bytes());
    }
}

/// The hash of what Rapport last wrote to the client file `path`, if noted.
pub fn written(root: &Path, path: &str) -> Option<String> {
    let bytes = super::files::read_regular(&written_file(root, path)?, 128).ok()?;
    Some(String::from_utf8_lossy(&bytes).trim().to_string())
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
