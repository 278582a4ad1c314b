//! What this device keeps about syncing, in `DATA/.git/rapport/` (never
//! synced): its short mark for new ids, when it last synced, and the seals
//! a merge asks the ledger to witness again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;

use crate::store::atomic::{create_private_dir, write_atomic};

pub use crate::store::device::{
    SettingUp, begin_setting_up, clone_stopped, dir, end_setting_up, new_tag, setting_up, write_tag,
};

pub fn last_sync(root: &Path) -> Option<NaiveDateTime> {
    let bytes = crate::store::files::read_regular(&dir(root).join("last-sync"), 64).ok()?;
    crate::domain::time::parse_datetime(String::from_utf8_lossy(&bytes).trim()).ok()
}

/// Notes when the last sync that did not go through was tried (None: the
/// last one went through).
pub fn note_failed_sync(root: &Path, at: Option<NaiveDateTime>) -> Result<()> {
    let file = dir(root).join("last-failed-sync");
    match at {
        Some(at) => {
            create_private_dir(&dir(root))?;
            write_atomic(&file, format!("{}\n", at.format("%Y-%m-%d %H:%M")).as_bytes())
        }
        None => match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        },
    }
}

/// When the last sync that did not go through was tried, if the last one did not.
pub fn failed_sync(root: &Path) -> Option<NaiveDateTime> {
    let bytes = crate::store::files::read_regular(&dir(root).join("last-failed-sync"), 64).ok()?;
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
