//! An append-only log of what was done to the record and when: saves,
//! finalisations, addenda, exports, restores, deletions. Never note text.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::atomic::FILE_MODE;

/// One line of `audit.log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: NaiveDateTime,
    /// What was done: "note added", "note finalised", "restore", …
    pub action: String,
    /// Whose record, by id; empty for the whole folder.
    pub client: String,
    /// Which part: a session, task or snapshot id. Never text.
    #[serde(default)]
    pub detail: String,
}

/// Appends one entry (a JSON line) and flushes it to disk.
pub fn append(root: &Path, entry: &AuditEntry) -> std::io::Result<()> {
    let mut f = OpenOptions::new().create(true).append(true).mode(FILE_MODE).open(root.join("audit.log"))?;
    let mut line = serde_json::to_vec(entry).expect("entries serialise");
    line.push(b'\n');
    f.write_all(&line)?;
    f.sync_data()
}

/// Every entry that can be read, oldest first.
pub fn read(root: &Path) -> Vec<AuditEntry> {
    std::fs::read_to_string(root.join("audit.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
