//! What is synced: the client files, the ledger and the audit log, and
//! the two files that say so. Never the index, drafts, snapshots, the lock,
//! exports or this device's settings. And what comes from the remote is
//! held to the same: only those files, only plain files, only records that
//! pass every check a client file passes.

use std::path::Path;

use anyhow::{Result, bail};

use super::git::Git;
use crate::domain::bounds;
use crate::store::parse_record;

/// `.gitignore`: everything is left out but what is synced.
pub const GITIGNORE: &str = "\
# Written by Rapport (`rapport sync`): only the record is synced. The index,
# drafts, snapshots, the lock, exports and this device's settings never are.
/*
!/.gitignore
!/.gitattributes
!/ledger
!/audit.log
!/clients/
/clients/*
!/clients/*.json
/clients/.*
";

/// `.gitattributes`, and `.git/info/attributes` (which the remote cannot
/// change): Rapport's own merge for the record and its logs.
pub const ATTRIBUTES: &str = "\
# Written by Rapport (`rapport sync`): its own merge for the record.
/clients/*.json merge=rapport
/ledger merge=rapport
/audit.log merge=rapport
";

/// The largest ledger or audit log taken from a remote.
const LOG_BYTES: u64 = 1024 * 1024 * 1024;

/// What a synced path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A client file, by the id its name gives.
    Client(String),
    Ledger,
    Audit,
    /// `.gitignore` or `.gitattributes`.
    Setup,
}

/// The synced file a path in the repository names, if it is one.
pub fn part(path: &str) -> Option<Part> {
    match path {
        "ledger" => Some(Part::Ledger),
        "audit.log" => Some(Part::Audit),
        ".gitignore" | ".gitattributes" => Some(Part::Setup),
        _ => {
            let stem = path.strip_prefix("clients/")?.strip_suffix(".json")?;
            bounds::is_valid_id(stem).then(|| Part::Client(stem.to_string()))
        }
    }
}

/// The files on disk that are synced now, as repository paths.
pub fn on_disk(root: &Path) -> Vec<String> {
    let mut paths: Vec<String> = ["ledger", "audit.log", ".gitignore", ".gitattributes"]
        .into_iter()
        .filter(|p| root.join(p).symlink_metadata().is_ok_and(|m| m.is_file()))
        .map(str::to_string)
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join("clients")) {
        for e in entries.filter_map(|e| e.ok()) {
            let path = format!("clients/{}", e.file_name().to_string_lossy());
            if e.file_type().is_ok_and(|t| t.is_file()) && matches!(part(&path), Some(Part::Client(_))) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// A path changed between two commits: its new mode and object, or none
/// when it was removed.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub object: Option<String>,
}

/// Every path that differs between commits (or trees) `from` and `to`.
pub fn changes(git: &Git, from: &str, to: &str) -> Result<Vec<Change>> {
    let out = match git.output(&["diff-tree", "-r", "-z", "--no-renames", "--raw", from, to], None)? {
        Ok(out) => out,
        Err(f) => bail!("git could not compare two versions of the practice: {}", f.said()),
    };
    let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty());
    let mut found = Vec::new();
    while let (Some(meta), Some(path)) = (fields.next(), fields.next()) {
        let meta = String::from_utf8_lossy(meta);
        let path = String::from_utf8_lossy(path).into_owned();
        // ":100644 100644 OLD NEW M"
        let cols: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [_, mode, _, object, status] = cols[..] else {
            bail!("git described a change Rapport does not understand")
        };
        if status.starts_with('D') {
            found.push(Change { path, object: None });
            continue;
        }
        if mode != "100644" {
            let what = match mode {
                "120000" => "a symbolic link",
                "160000" => "a link to another repository",
                "100755" => "a program (an executable file)",
                _ => "not a plain file",
            };
            bail!(refused(&path, what));
        }
        found.push(Change { path, object: Some(object.to_string()) });
    }
    Ok(found)
}

fn refused(path: &str, what: &str) -> String {
    format!(
        "the remote holds {path}, which is {what}; Rapport syncs only its own files, so nothing was changed here. \
         Check who can write to the remote"
    )
}

/// Holds every file that `to` brings (compared with `from`) to what a
/// data folder may hold: known names, plain files, sizes within bounds,
/// and client records that pass every check. Nothing is written.
pub fn check_incoming(git: &Git, from: &str, to: &str) -> Result<Vec<Change>> {
    let found = changes(git, from, to)?;
    for c in &found {
        let Some(part) = part(&c.path) else { bail!(refused(&c.path, "not a file Rapport syncs")) };
        let Some(object) = &c.object else { continue };
        let size: u64 = git.run(&["cat-file", "-s", object])?.parse().unwrap_or(u64::MAX);
        let limit = if matches!(part, Part::Client(_)) { bounds::FILE_BYTES } else { LOG_BYTES };
        if size > limit {
            bail!(refused(&c.path, &format!("{}, larger than Rapport ever writes", bounds::size(size))));
        }
        if let Part::Client(id) = part {
            let bytes = git.run_bytes(&["cat-file", "blob", object])?;
            check_client(&c.path, &id, &bytes)?;
        }
    }
    Ok(found)
}

/// Why a client file cannot be used, in a few words for a sync message.
pub fn unreadable(e: &crate::store::StoreError) -> String {
    use crate::store::StoreError;
    match e {
        StoreError::Corrupt { line, column, message, .. } => {
            format!("it is not a readable client record (line {line}, column {column}: {message})")
        }
        StoreError::NewerSchema { found, .. } => format!(
            "it was written by a newer Rapport (format {found}; this one knows format {}): update Rapport on this \
             device",
            crate::domain::SCHEMA_VERSION
        ),
        StoreError::Damaged { reason, .. } => format!("it is damaged: {reason}"),
        other => other.to_string(),
    }
}

/// A client file from elsewhere must read as a record named for its file.
pub fn check_client(path: &str, id: &str, bytes: &[u8]) -> Result<crate::domain::ClientRecord> {
    let record = parse_record(bytes, Path::new(path)).map_err(|e| {
        anyhow::anyhow!(
            "{path} as the remote has it cannot be used: {}. Nothing was changed here; sync that device first, or \
             check who can write to the remote",
            unreadable(&e)
        )
    })?;
    if record.client.id != id {
        bail!(refused(path, &format!("the record of client '{}' under another name", record.client.id)));
    }
    Ok(record)
}
