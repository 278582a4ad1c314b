//! An append-only log of what was done to the record and when: saves,
//! finalisations, addenda, exports, restores, deletions. Never note text.
//! When the folder is encrypted each line is an age ciphertext in base64.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::atomic::{FILE_MODE, write_atomic};
use super::crypt::Keys;

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

fn line(entry: &AuditEntry, keys: Option<&Keys>) -> Vec<u8> {
    let json = serde_json::to_vec(entry).expect("entries serialise");
    let mut line = match keys {
        Some(k) => STANDARD.encode(k.encrypt(&json)).into_bytes(),
        None => json,
    };
    line.push(b'\n');
    line
}

/// Appends one entry and flushes it to disk.
pub fn append(root: &Path, entry: &AuditEntry, keys: Option<&Keys>) -> std::io::Result<()> {
    // Never through a link: a planted one would make Rapport append elsewhere.
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(root.join("audit.log"))?;
    f.write_all(&line(entry, keys))?;
    f.sync_data()
}

/// Every entry that can be read, oldest first.
pub fn read(root: &Path, keys: Option<&Keys>) -> Vec<AuditEntry> {
    std::fs::read_to_string(root.join("audit.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| match keys {
            Some(k) => serde_json::from_slice(&k.decrypt(&STANDARD.decode(l).ok()?)?).ok(),
            None => serde_json::from_str(l).ok(),
        })
        .collect()
}

/// Replaces the whole log (after an erasure, or when encrypting).
pub fn rewrite(root: &Path, entries: &[AuditEntry], keys: Option<&Keys>) -> anyhow::Result<()> {
    let bytes: Vec<u8> = entries.iter().flat_map(|e| line(e, keys)).collect();
    write_atomic(&root.join("audit.log"), &bytes)
}
