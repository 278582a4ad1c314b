//! A client file that is missing is never an erasure. An erasure travels
//! only as the tombstone `rapport client delete` writes in the ledger (see
//! [`crate::store::ledger::tombstone`]); a client file gone without one
//! (removed by hand, by a cleaning tool, by a backup put back) is brought
//! back: from the last sync when it is missing here, from this device when
//! it is missing from the other's version. Nothing is erased by accident,
//! and the sync says what happened.

use anyhow::{Context, Result};

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::tracked::{self, Part};
use super::trees;
use crate::domain::ClientRecord;
use crate::store::ledger::{self, LEDGER_FILE};

/// A client file the last sync holds that this folder lacks, with no
/// tombstone in this device's ledger.
pub struct Missing {
    /// Its path in the repository (`clients/ID.json`, or `.age`).
    pub path: String,
    /// Its bytes as the last sync left them.
    pub bytes: Vec<u8>,
    pub record: ClientRecord,
}

/// The client files missing from this folder that no erasure removed.
pub fn here(git: &Git, codec: Codec) -> Result<Vec<Missing>> {
    let Some(head) = git.commit("HEAD")? else { return Ok(Vec::new()) };
    Ok(gone_here(git, codec, &head, None)?.0)
}

/// The client files, and the process-notes files (path and bytes),
/// missing from this folder that no erasure removed. With `look`, the
/// paths git found removed since `head` are the ones looked at; without
/// (or when git was told not to look at some files), every path `head`
/// holds is.
#[allow(clippy::type_complexity)]
fn gone_here(
    git: &Git,
    codec: Codec,
    head: &str,
    look: Option<&Look>,
) -> Result<(Vec<Missing>, Vec<(String, Vec<u8>)>)> {
    let candidates: Vec<String> = match look.filter(|l| !l.blinkered) {
        Some(look) => look.removed(&["clients/", "process/"]).map(str::to_string).collect(),
        None => {
            let listed = git.run_bytes(&["ls-tree", "-r", "-z", "--name-only", head, "--", "clients/", "process/"])?;
            listed
                .split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect()
        }
    };
    let gone: Vec<(String, Option<Part>)> = candidates
        .into_iter()
        .map(|path| {
            let part = codec.part(&path);
            (path, part)
        })
        .filter(|(path, part)| {
            matches!(part, Some(Part::Client(_) | Part::Process(_)))
                && git.root().join(path).symlink_metadata().is_err()
        })
        .collect();
    let specs: Vec<String> = gone.iter().map(|(path, _)| format!("{head}:{path}")).collect();
    let blobs = git.blobs(&specs)?;
    let (mut missing, mut process) = (Vec::new(), Vec::new());
    let mut ledger = None;
    for ((path, part), bytes) in gone.into_iter().zip(blobs) {
        let Some(bytes) = bytes else { continue };
        let client = match &part {
            Some(Part::Client(stem)) => codec.record(&path, stem, &bytes).map(|r| (Some(r.clone()), r.client.id)),
            Some(Part::Process(stem)) => codec.process(stem, &bytes).map(|p| (None, p.client)),
            _ => continue,
        };
        let Ok((record, id)) = client else { continue };
        let entries = match &ledger {
            Some(entries) => entries,
            None => {
                let read = ledger::read(git.root(), codec.keys(), None).context("reading the ledger")?;
                ledger.insert(read.entries)
            }
        };
        if ledger::erased(entries, id.as_str()) {
            continue;
        }
        match record {
            Some(record) => missing.push(Missing { path, bytes, record }),
            None => process.push((path, bytes)),
        }
    }
    Ok((missing, process))
}

/// Puts back every client file (and process-notes file) missing here that
/// no erasure removed, as the last sync left it (through the store's
/// atomic write; call under the folder's lock). Returns each client
/// brought back, as (name, id).
pub fn bring_back(git: &Git, codec: Codec, look: &Look) -> Result<Vec<(String, String)>> {
    let Some(head) = &look.head else { return Ok(Vec::new()) };
    let (clients, process) = gone_here(git, codec, head, Some(look))?;
    for (path, bytes) in &process {
        crate::store::synced::put(git.root(), path, bytes)?;
    }
    let mut back = Vec::new();
    for m in clients {
        crate::store::synced::put(git.root(), &m.path, &m.bytes)?;
        back.push((m.record.client.name, m.record.client.id.to_string()));
    }
    Ok(back)
}

/// The merged tree `tree` with every client file that `head` or `theirs`
/// holds and the merge lost put back (this device's version first), unless
/// the merged ledger holds the client's tombstone: a file removed on one
/// device without `client delete` is kept, and goes back there.
pub fn keep_in_tree(git: &Git, codec: Codec, head: &str, theirs: &str, tree: &str) -> Result<String> {
    let ledger = git.blob(tree, LEDGER_FILE)?.unwrap_or_default();
    let mut put: Vec<(String, Vec<u8>)> = Vec::new();
    for side in [head, theirs] {
        for c in tracked::changes(git, side, tree)?.into_iter().filter(|c| c.object.is_none()) {
            let part = codec.part(&c.path);
            if !matches!(part, Some(Part::Client(_) | Part::Process(_))) || put.iter().any(|(p, _)| *p == c.path) {
                continue;
            }
            let Some(bytes) = git.blob(side, &c.path)? else { continue };
            let id = match &part {
                Some(Part::Client(stem)) => codec.record(&c.path, stem, &bytes).map(|r| r.client.id),
                Some(Part::Process(stem)) => codec.process(stem, &bytes).map(|p| p.client),
                _ => continue,
            };
            let Ok(id) = id else { continue };
            if !ledger::erased_in(&ledger, codec.keys(), id.as_str()) {
                put.push((c.path, bytes));
            }
        }
    }
    if put.is_empty() {
        return Ok(tree.to_string());
    }
    trees::with_files(git, tree, &put)
}

/// Whether the ledger at `rev` holds client `id`'s tombstone.
pub fn erased_at(git: &Git, codec: Codec, rev: &str, id: &str) -> Result<bool> {
    let ledger = git.blob(rev, LEDGER_FILE)?.unwrap_or_default();
    Ok(ledger::erased_in(&ledger, codec.keys(), id))
}

/// What `rapport doctor` says of a synced folder: each client file missing
/// here that no erasure removed (the next `rapport sync` brings it back),
/// and each client held back at the last sync.
pub fn doctor(store: &crate::store::Store, now: chrono::NaiveDateTime) -> Vec<crate::store::doctor::Finding> {
    if !super::is_set_up(store.root()) {
        return Vec::new();
    }
    let git = Git::new(store.root());
    let codec = Codec::new(store.keys());
    let mut said = Vec::new();
    // The ledger only ever grows: one that lacks entries of the last sync
    // or of the remote (an older copy put back) is named.
    let remote = format!("refs/remotes/origin/{}", super::BRANCH);
    for (rev, which) in [("HEAD", "the last sync"), (remote.as_str(), "the remote (as last fetched)")] {
        let lacks = super::kept::ledger_lacks(&git, codec, rev).unwrap_or(0);
        if lacks > 0 {
            said.push(crate::store::doctor::Finding {
                attention: true,
                text: format!(
                    "the ledger here disagrees with {which}: it lacks {} (an older copy put back?). `rapport sync` \
                     puts them back; the ledger only ever grows",
                    if lacks == 1 { "1 entry".to_string() } else { format!("{lacks} entries") }
                ),
            });
        }
    }
    if let Some(at) = super::state::failed_sync(store.root()) {
        said.push(crate::store::doctor::Finding {
            attention: true,
            text: format!(
                "the last sync, at {}, did not go through; everything is saved here. `rapport sync` tries again \
                 and says why",
                crate::domain::time::format_datetime(at)
            ),
        });
    }
    let held = super::held::still(&git, codec, "HEAD", now).unwrap_or_default();
    said.extend(held.iter().map(|h| crate::store::doctor::Finding { attention: true, text: h.describe() }));
    let found = here(&git, codec).unwrap_or_default();
    said.extend(found.into_iter().map(|m| crate::store::doctor::Finding {
        attention: true,
        text: format!(
            "{} ({}) is missing from this device, though the client was never erased (`client delete`): it was \
                 removed outside Rapport. `rapport sync` brings it back from the last sync",
            m.path,
            crate::sanitize::visible(&m.record.client.name)
        ),
    }));
    said
}
