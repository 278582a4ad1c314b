//! An append-only log of what was done to the record and when: saves,
//! finalisations, addenda, exports, restores, deletions. Never note text.
//! When the folder is encrypted each line is an age ciphertext in base64.
//!
//! A line is written whole with one write and synced. A crash or a full
//! disk can still leave the last line torn: reading skips it, and the next
//! append starts on a fresh line so nothing is glued onto it.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
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
    super::crash::point("audit.append");
    append_line(&root.join("audit.log"), &line(entry, keys))
}

/// Appends `bytes` (whole lines) to the log at `path` with one write, then
/// syncs. A symlink is refused, not followed. If the file ends in a torn
/// line, a newline comes first so the new lines start fresh.
pub(crate) fn append_line(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    append_bytes(path, bytes, true)
}

/// Like [`append_line`], without waiting for the disk: for derived files.
pub(crate) fn append_line_unsynced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    append_bytes(path, bytes, false)
}

fn append_bytes(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    // Never through a link: a planted one would make Rapport append elsewhere.
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{} is not a file", path.display())));
    }
    let len = f.metadata()?.len();
    let mut last = [b'\n'];
    if len > 0 {
        f.read_exact_at(&mut last, len - 1)?;
    }
    let mut out = Vec::with_capacity(bytes.len() + 1);
    if last[0] != b'\n' {
        out.push(b'\n');
    }
    out.extend_from_slice(bytes);
    if super::crash::half_way("append.torn") {
        f.write_all(&out[..out.len() / 2])?;
        super::crash::abort();
    }
    f.write_all(&out)?;
    super::crash::point("append.sync");
    if durable { f.sync_data() } else { Ok(()) }
}

/// How many lines of the log cannot be read: torn by a crash or a full
/// disk, or damaged. (For `rapport doctor`.)
pub fn torn_lines(root: &Path, keys: Option<&Keys>) -> usize {
    let text = super::files::read_file(root.join("audit.log")).unwrap_or_default();
    String::from_utf8_lossy(&text).lines().filter(|l| !l.trim().is_empty() && parse(l, keys).is_none()).count()
}

fn parse(l: &str, keys: Option<&Keys>) -> Option<AuditEntry> {
    match keys {
        Some(k) => serde_json::from_slice(&k.decrypt(&STANDARD.decode(l).ok()?)?).ok(),
        None => serde_json::from_str(l).ok(),
    }
}

/// `line` is an entry Rapport can read: plain, or with `keys` encrypted to them.
pub fn reads_line(line: &str, keys: Option<&Keys>) -> bool {
    parse(line, keys).is_some()
}

/// Every entry that can be read, oldest first.
pub fn read(root: &Path, keys: Option<&Keys>) -> Vec<AuditEntry> {
    let text = super::files::read_file(root.join("audit.log")).unwrap_or_default();
    String::from_utf8_lossy(&text).lines().filter_map(|l| parse(l, keys)).collect()
}

/// Replaces the whole log (after an erasure, or when encrypting).
pub fn rewrite(root: &Path, entries: &[AuditEntry], keys: Option<&Keys>) -> anyhow::Result<()> {
    let bytes: Vec<u8> = entries.iter().flat_map(|e| line(e, keys)).collect();
    write_atomic(&root.join("audit.log"), &bytes)
}

/// Rewrites the log with every readable line, plain or encrypted with
/// `keys`, encoded for `to` (encrypted with it, or plain): a log left half
/// converted by a killed run loses no entry. Torn lines are dropped.
pub(crate) fn reencode(root: &Path, keys: &Keys, to: Option<&Keys>) -> anyhow::Result<()> {
    let path = root.join("audit.log");
    let Ok(bytes) = super::files::read_file(&path) else { return Ok(()) };
    let entries: Vec<AuditEntry> = String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|l| parse(l, None).or_else(|| parse(l, Some(keys))))
        .collect();
    rewrite(root, &entries, to)
}

/// The client of each entry of `base` that `theirs` lacks (empty for one
/// of the whole folder; lines that cannot be read count as nothing):
/// compared by what they say, not by their bytes.
pub fn entries_lost(base: &[u8], theirs: &[u8], keys: Option<&Keys>) -> Vec<String> {
    let said = |bytes: &[u8]| -> Vec<AuditEntry> {
        String::from_utf8_lossy(bytes).lines().filter_map(|l| parse(l, keys)).collect()
    };
    let text = |e: &AuditEntry| serde_json::to_string(e).expect("entries serialise");
    let kept: std::collections::HashSet<String> = said(theirs).iter().map(text).collect();
    said(base).into_iter().filter(|e| !kept.contains(&text(e))).map(|e| e.client).collect()
}

/// Merges the audit logs `ours` and `theirs`, grown from `base` (git's
/// merge driver for `audit.log`, see `rapport sync`): the union of their
/// entries in time order, each on the very line it had (an encrypted line
/// is not encrypted again). A log with lines Rapport cannot read (plain in
/// an encrypted practice, encrypted with another key, or damaged anywhere
/// but a torn last line) is not merged.
pub fn merge_files(base: &[u8], ours: &[u8], theirs: &[u8], keys: Option<&Keys>) -> Result<Vec<u8>, String> {
    merge_keeping(base, ours, theirs, keys, &[])
}

/// As [`merge_files`], keeping the entries of the clients `kept` (by id)
/// that one side's erasure removed: their record was kept.
pub fn merge_keeping(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    keys: Option<&Keys>,
    kept: &[String],
) -> Result<Vec<u8>, String> {
    let entries = |bytes: &[u8], whose: &str, strict: bool| -> Result<Vec<(AuditEntry, Vec<u8>)>, String> {
        let text = String::from_utf8_lossy(bytes);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            match parse(l, keys) {
                Some(e) => out.push((e, l.as_bytes().to_vec())),
                None if i + 1 == lines.len() || !strict => {}
                None => return Err(format!("the audit log {whose} holds a line Rapport cannot read (line {})", i + 1)),
            }
        }
        Ok(out)
    };
    let b = entries(base, "both devices started from", false)?;
    let o = entries(ours, "on this device", true)?;
    let t = entries(theirs, "from the other device", true)?;
    let key = |e: &(AuditEntry, Vec<u8>)| serde_json::to_string(&e.0).expect("entries serialise");
    let merged = crate::domain::merge::union_keeping(&b, &o, &t, key, |e| e.0.at, |e| kept.contains(&e.0.client));
    Ok(merged
        .into_iter()
        .flat_map(|(_, mut l)| {
            l.push(b'\n');
            l
        })
        .collect())
}
