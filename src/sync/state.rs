//! What this device keeps about syncing, in `DATA/.git/rapport/` (never
//! synced): its short mark for new ids, when it last synced, and the seals
//! a merge asks the ledger to witness again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;

use crate::store::atomic::{create_private_dir, write_atomic};

pub use crate::store::device::{dir, new_tag, write_tag};

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
