//! A client file put back as an older copy of itself (a system backup
//! restored, a copy made by hand) is not a change this device made: sent
//! as one, the three-way merge would take everything added since (messages,
//! goals, measures, addenda, conflicts to settle) out of every device. So
//! before this device's changes are committed, a client file whose bytes
//! are exactly a version the practice's history holds, older than the last
//! sync's, and that Rapport did not write itself (a conflict settled, a
//! restore: the store notes what it writes), is put back as the last sync
//! left it.

use anyhow::Result;

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::tracked::Part;

/// Puts back every client file here that is an older copy of itself;
/// returns each client's name (call under the folder's lock).
pub fn keep_newer(git: &Git, codec: Codec, look: &Look) -> Result<Vec<String>> {
    let root = git.root();
    let Some(head) = &look.head else { return Ok(Vec::new()) };
    let mut names = Vec::new();
    for path in look.modified(&["clients/"]) {
        let Some(Part::Client(stem)) = codec.part(path) else { continue };
        let Ok(bytes) = crate::store::files::read_regular(&root.join(path), crate::domain::bounds::FILE_BYTES) else {
            continue;
        };
        if crate::store::device::written(root, path) == Some(crate::store::device::content_hash(&bytes)) {
            continue;
        }
        let Some(last) = git.blob(head, path)? else { continue };
        // As the last sync left it (a guard before this one put it back).
        if bytes == last {
            continue;
        }
        let here = git.run(&["hash-object", "--no-filters", "--", path])?;
        // Every version the history holds of this file, as blob ids.
        let history = git.run(&["log", "--format=", "--raw", "--no-abbrev", "--no-renames", head, "--", path])?;
        let older = history.lines().any(|l| l.split_whitespace().nth(3) == Some(here.trim()));
        if !older {
            continue;
        }
        crate::store::synced::put(root, path, &last)?;
        let name = codec.record(path, &stem, &last).map(|r| r.client.name).unwrap_or(stem);
        names.push(name);
    }
    Ok(names)
}
