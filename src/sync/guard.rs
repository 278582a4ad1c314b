//! What git would take whole goes through Rapport's merge too: a client
//! file changed only on the other device (git takes the other's version,
//! notes removed and finalised notes changed included), and this device's
//! own changes to a finalised note made outside Rapport (git would commit
//! and send them as the version in place).

use anyhow::{Result, anyhow};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::tracked::{self, Part};
use super::{driver, trees};
use crate::domain::Conflict;
use crate::domain::merge;

/// Each client file that the merged tree `tree` takes from the other
/// device unchanged here since `base` is merged here as a merge from this
/// device's version (the one both started from): a note the other no
/// longer has is kept, and a finalised note changed there stays as it is
/// here (or, when only the other's seal holds, the other's takes its
/// place), with the other version kept beside it. Returns the tree, with
/// those files put right.
pub fn changed_there(
    git: &Git,
    codec: Codec,
    head: &str,
    base: &str,
    tree: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let mut fixed = Vec::new();
    for c in tracked::changes(git, head, tree)? {
        let Some(object) = &c.object else { continue };
        let stem = match codec.part(&c.path) {
            Some(Part::Client(stem)) => stem,
            Some(Part::Process(stem)) => {
                if let Some(bytes) = process_kept_sealed(git, codec, head, base, &c.path, &stem, object)? {
                    fixed.push((c.path.clone(), bytes));
                }
                continue;
            }
            _ => continue,
        };
        let Some(here) = git.blob(head, &c.path)? else { continue };
        if Some(&here) != git.blob(base, &c.path)?.as_ref() {
            continue;
        }
        let Ok(mine) = codec.record(&c.path, &stem, &here) else { continue };
        let there = git.run_bytes(&["cat-file", "blob", object])?;
        let Ok(theirs) = tracked::check_client(codec, &c.path, &stem, &there) else {
            continue;
        };
        let m = merge::merge(Some(&mine), &mine, &theirs, now).map_err(|e| anyhow!("{}: {e}", c.path))?;
        if !m.conflicts.is_empty() {
            fixed.push((c.path.clone(), codec.client_bytes(&m.record, &[&here, &there])));
            driver::note_rewitness(git.root(), &stem, &m.rewitness)?;
        }
    }
    if fixed.is_empty() {
        return Ok(tree.to_string());
    }
    trees::with_files(git, tree, &fixed)
}

/// The process notes file `path` as the merged tree takes it from the
/// other device (`object`), unchanged here since `base`: merged here from
/// this device's version, so a sealed process note the other changed or
/// took away stays as sealed here (the other's words kept apart). The
/// bytes to put in the tree instead, when they differ.
fn process_kept_sealed(
    git: &Git,
    codec: Codec,
    head: &str,
    base: &str,
    path: &str,
    stem: &str,
    object: &str,
) -> Result<Option<Vec<u8>>> {
    let Some(here) = git.blob(head, path)? else { return Ok(None) };
    if Some(&here) != git.blob(base, path)?.as_ref() {
        return Ok(None);
    }
    let there = git.run_bytes(&["cat-file", "blob", object])?;
    let (Ok(mine), Ok(theirs)) = (codec.process(stem, &here), codec.process(stem, &there)) else {
        return Ok(None);
    };
    let merged = crate::domain::process::merge(Some(&mine), &mine, &theirs);
    Ok((merged != theirs.in_order()).then(|| codec.process_bytes(&merged, &[&here, &there])))
}

/// Before this device's changes are committed: each client file whose
/// finalised notes, as of the last commit, no longer hold (changed outside
/// Rapport, by hand or by another program) gets the sealed version back in
/// place, written through the store's atomic write, with the changed words
/// kept beside it as a conflict; so they never reach the remote as the
/// version in place. Returns the conflicts that keep the changed words.
pub fn keep_sealed_here(git: &Git, codec: Codec, look: &Look, now: NaiveDateTime) -> Result<Vec<Conflict>> {
    let Some(head) = &look.head else { return Ok(Vec::new()) };
    let changed: Vec<(&str, Part)> = look
        .modified(&["clients/", "process/"])
        .filter_map(|path| match codec.part(path) {
            Some(part @ (Part::Client(_) | Part::Process(_))) => Some((path, part)),
            _ => None,
        })
        .collect();
    let mut put_back = Vec::new();
    // The last commit's versions, a few dozen files to a git.
    for chunk in changed.chunks(64) {
        let specs: Vec<String> = chunk.iter().map(|(path, _)| format!("{head}:{path}")).collect();
        for ((path, part), last) in chunk.iter().zip(git.blobs(&specs)?) {
            let Some(last) = last else { continue };
            let stem = match part {
                Part::Client(stem) => stem,
                Part::Process(stem) => {
                    keep_sealed_process_here(git, codec, path, stem, &last)?;
                    continue;
                }
                _ => continue,
            };
            let file = git.root().join(path);
            let Ok(bytes) = crate::store::files::read_regular(&file, crate::domain::bounds::FILE_BYTES) else {
                continue;
            };
            // A file that cannot be read is refused by the commit, which says why.
            let (Ok(now_here), Ok(last)) = (codec.record(path, stem, &bytes), codec.record(path, stem, &last)) else {
                continue;
            };
            let Some(m) = merge::keep_sealed(&last, &now_here, now).map_err(|e| anyhow!("{path}: {e}"))? else {
                continue;
            };
            crate::store::synced::put(git.root(), path, &codec.client_bytes(&m.record, &[]))?;
            driver::note_rewitness(git.root(), stem, &m.rewitness)?;
            put_back.extend(m.conflicts);
        }
    }
    Ok(put_back)
}

/// As [`keep_sealed_here`], for a process-notes file: a sealed process
/// note changed or taken away here outside Rapport is put back as sealed,
/// the changed words kept apart in the file.
fn keep_sealed_process_here(git: &Git, codec: Codec, path: &str, stem: &str, last: &[u8]) -> Result<()> {
    let file = git.root().join(path);
    let Ok(bytes) = crate::store::files::read_regular(&file, crate::domain::bounds::FILE_BYTES) else {
        return Ok(());
    };
    let (Ok(now_here), Ok(last)) = (codec.process(stem, &bytes), codec.process(stem, last)) else {
        return Ok(());
    };
    let kept = crate::domain::process::merge(Some(&last), &last, &now_here);
    if kept != now_here.in_order() {
        crate::store::synced::put(git.root(), path, &codec.process_bytes(&kept, &[&bytes]))?;
    }
    Ok(())
}
