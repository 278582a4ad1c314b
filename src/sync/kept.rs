//! A client erased on one device while the other changed the record is
//! kept by the merge (see `trees.rs`): nothing written is lost. The
//! erasure took the client's entries out of the ledger and the audit log
//! too; the merge of the logs keeps them for a client kept so, so the
//! record stays witnessed (`rapport verify` stays clean) and neither
//! device's logs lose an entry they had (see `tracked::check_incoming`).
//!
//! The logs only ever grow, on every path: a version that lacks entries
//! the other had (an older copy put back on one device, a remote cut
//! short) is merged by union, so the entries come back, and go back out;
//! only an erasure, witnessed by its tombstone, takes a client's out.

use anyhow::{Result, anyhow};

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::tracked::{self, Part};
use super::trees;
use crate::domain::ClientId;
use crate::store::{audit, ledger};

/// The tree `tree`, the merge of `head` and `theirs` from `base`, with its
/// ledger and audit log merged again keeping the entries of every client
/// whose file one side removed and the tree still holds.
pub fn logs(git: &Git, codec: Codec, base: &str, head: &str, theirs: &str, tree: &str) -> Result<String> {
    let mut kept: Vec<ClientId> = Vec::new();
    for side in [head, theirs] {
        for c in tracked::changes(git, base, side)?.into_iter().filter(|c| c.object.is_none()) {
            let Some(Part::Client(stem)) = codec.part(&c.path) else { continue };
            let Some(bytes) = git.blob(tree, &c.path)? else { continue };
            if let Ok(r) = codec.record(&c.path, &stem, &bytes) {
                kept.push(r.client.id);
            }
        }
    }
    // Entries one side lacks that no erasure took out.
    for side in [head, theirs] {
        let ledger = git.blob(side, ledger::LEDGER_FILE)?.unwrap_or_default();
        for path in [ledger::LEDGER_FILE, "audit.log"] {
            let (Some(b), Some(s)) = (git.blob(base, path)?, git.blob(side, path)?) else { continue };
            let lost = if path == ledger::LEDGER_FILE {
                ledger::entries_lost(&b, &s, codec.keys())
            } else {
                audit::entries_lost(&b, &s, codec.keys())
            };
            for client in lost {
                if (client.is_empty() || !ledger::erased_in(&ledger, codec.keys(), &client))
                    && !kept.iter().any(|k| *k.as_str() == client)
                {
                    kept.push(ClientId::new(client));
                }
            }
        }
    }
    if kept.is_empty() {
        return Ok(tree.to_string());
    }
    let ids: Vec<String> = kept.iter().map(|id| id.to_string()).collect();
    let mut files = Vec::new();
    for path in [ledger::LEDGER_FILE, "audit.log"] {
        let blob = |rev: &str| git.blob(rev, path).map(Option::unwrap_or_default);
        let (b, o, t) = (blob(base)?, blob(head)?, blob(theirs)?);
        if o.is_empty() && t.is_empty() {
            continue;
        }
        let merged = if path == ledger::LEDGER_FILE {
            ledger::merge_keeping(&b, &o, &t, codec.keys(), &kept)
        } else {
            audit::merge_keeping(&b, &o, &t, codec.keys(), &ids)
        };
        files.push((path.to_string(), merged.map_err(|e| anyhow!("{path}: {e}"))?));
    }
    trees::with_files(git, tree, &files)
}

/// Before this device's changes are committed: the entries of the ledger
/// and the audit log as the last sync left them that the files here lack
/// (an older copy put back by a backup tool, a file cut short) are put
/// back by union, but for those of a client erased here: so this device
/// never sends a shorter log. Written through the store's atomic write;
/// call under the folder's lock. Returns how many entries came back.
pub fn keep_logs_whole(git: &Git, codec: Codec, look: &Look) -> Result<usize> {
    let Some(head) = &look.head else { return Ok(0) };
    // A log as the last sync left it lacks nothing; one git was told not
    // to look at is read all the same.
    let paths: Vec<&str> =
        [ledger::LEDGER_FILE, "audit.log"].into_iter().filter(|p| look.blinkered || look.has_changed(p)).collect();
    if paths.is_empty() {
        return Ok(0);
    }
    let root = git.root();
    let here = |path: &str| -> Result<Vec<u8>> {
        match crate::store::files::read_file(root.join(path)) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(anyhow!("reading {path}: {e}")),
        }
    };
    let ledger_here = here(ledger::LEDGER_FILE)?;
    let lasts = git.blobs(&paths.iter().map(|p| format!("{head}:{p}")).collect::<Vec<_>>())?;
    let mut back = 0;
    for (path, last) in paths.into_iter().zip(lasts) {
        let Some(last) = last else { continue };
        let now_here = here(path)?;
        let lost = if path == ledger::LEDGER_FILE {
            ledger::entries_lost(&last, &now_here, codec.keys())
        } else {
            audit::entries_lost(&last, &now_here, codec.keys())
        };
        let lost: Vec<String> =
            lost.into_iter().filter(|c| c.is_empty() || !ledger::erased_in(&ledger_here, codec.keys(), c)).collect();
        if lost.is_empty() {
            continue;
        }
        back += lost.len();
        let mut ids = lost.clone();
        ids.sort();
        ids.dedup();
        let merged = if path == ledger::LEDGER_FILE {
            let kept: Vec<ClientId> = ids.iter().map(|c| ClientId::new(c.as_str())).collect();
            ledger::merge_keeping(&last, &now_here, &last, codec.keys(), &kept)
        } else {
            audit::merge_keeping(&last, &now_here, &last, codec.keys(), &ids)
        };
        let merged = merged.map_err(|e| anyhow!("{path}: {e}"))?;
        crate::store::synced::put(root, path, &merged)?;
    }
    Ok(back)
}

/// How many entries the ledger here lacks of the version `rev` holds (the
/// last sync, or the remote as last fetched), not counting those of a
/// client erased here: for `rapport doctor`.
pub fn ledger_lacks(git: &Git, codec: Codec, rev: &str) -> Result<usize> {
    let Some(there) = git.blob(rev, ledger::LEDGER_FILE)? else { return Ok(0) };
    let here = crate::store::files::read_file(git.root().join(ledger::LEDGER_FILE)).unwrap_or_default();
    let lost = ledger::entries_lost(&there, &here, codec.keys());
    Ok(lost.iter().filter(|c| c.is_empty() || !ledger::erased_in(&here, codec.keys(), c)).count())
}
