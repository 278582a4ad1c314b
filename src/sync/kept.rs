//! A client erased on one device while the other changed the record is
//! kept by the merge (see `trees.rs`): nothing written is lost. The
//! erasure took the client's entries out of the ledger and the audit log
//! too; the merge of the logs keeps them for a client kept so, so the
//! record stays witnessed (`rapport verify` stays clean) and neither
//! device's logs lose an entry they had (see `tracked::check_incoming`).

use anyhow::{Result, anyhow};

use super::codec::Codec;
use super::git::Git;
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
