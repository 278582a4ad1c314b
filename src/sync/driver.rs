//! Rapport's merge of one synced file both devices changed: the client
//! record by [`crate::domain::merge`], the ledger and audit log as the union
//! of their entries. For an encrypted practice the three versions are
//! decrypted in memory, merged, and the result encrypted again (or one of
//! the versions kept as it is, when it already holds the merged words).
//!
//! `rapport sync` runs it itself on what `git merge-tree` could not merge
//! (see `run.rs`), with the key it holds. Registered as git's merge driver,
//! `rapport sync merge-driver BASE OURS THEIRS PATH` runs the same for git
//! itself: it writes the merge into OURS and succeeds, or fails and writes
//! nothing, so git's conflict markers never reach a client file.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::state;
use super::tracked::Part;
use crate::domain::bounds;
use crate::store::{audit, files, ledger};

fn read(path: &Path, limit: u64) -> Result<Vec<u8>> {
    files::read_regular(path, limit).map_err(|e| anyhow!("git's copy {} could not be read ({e:?})", path.display()))
}

/// Merges the three versions of the synced file `name` (a path in the
/// repository) into `ours`. `root` is the data folder, `now` dates conflicts.
pub fn merge_driver(
    root: &Path,
    codec: Codec,
    [base, ours, theirs]: [&Path; 3],
    name: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let limit = if matches!(codec.part(name), Some(Part::Client(_) | Part::Process(_))) {
        bounds::FILE_BYTES
    } else {
        1024 * 1024 * 1024
    };
    let (b, o, t) = (read(base, limit)?, read(ours, limit)?, read(theirs, limit)?);
    let merged = merge_versions(root, codec, name, &b, &o, &t, now)?;
    std::fs::write(ours, merged).map_err(|e| anyhow!("writing the merge of {name}: {e}"))
}

/// The merge of `b` (empty when the file was added on both devices), `o`
/// (this device's) and `t` (the other's) versions of the synced file `name`.
/// Seals the merge lays anew are noted for the ledger (see `run.rs`).
pub fn merge_versions(
    root: &Path,
    codec: Codec,
    name: &str,
    b: &[u8],
    o: &[u8],
    t: &[u8],
    now: NaiveDateTime,
) -> Result<Vec<u8>> {
    let Some(part) = codec.part(name) else { bail!("{name} is not a file Rapport merges") };
    Ok(match part {
        Part::Ledger => ledger::merge_files(b, o, t, codec.keys()).map_err(|e| anyhow!(e))?,
        Part::Audit => audit::merge_files(b, o, t, codec.keys()).map_err(|e| anyhow!(e))?,
        Part::Setup => bail!("{name} was changed on both devices; Rapport writes it the same everywhere"),
        // Changed on both devices: the remote's goes in the tree, and is
        // kept aside here until `rapport sync accept-key` (see `key.rs`).
        Part::Key => t.to_vec(),
        Part::Process(stem) => {
            let parse = |bytes: &[u8], whose: &str| {
                codec.process(&stem, bytes).map_err(|why| anyhow!("{name} on {whose}: {why}"))
            };
            let base = if b.is_empty() { None } else { parse(b, "the version both devices started from").ok() };
            let merged =
                crate::domain::process::merge(base.as_ref(), &parse(o, "this device")?, &parse(t, "the other device")?);
            codec.process_bytes(&merged, &[o, t])
        }
        Part::Client(stem) => {
            let parse = |bytes: &[u8], whose: &str| {
                codec.record(name, &stem, bytes).map_err(|why| anyhow!("{name} on {whose}: {why}"))
            };
            // Added on both devices: no common version.
            let base = if b.is_empty() { None } else { parse(b, "the version both devices started from").ok() };
            let ours = parse(o, "this device")?;
            let theirs = parse(t, "the other device")?;
            let m =
                crate::domain::merge::merge(base.as_ref(), &ours, &theirs, now).map_err(|e| anyhow!("{name}: {e}"))?;
            note_rewitness(root, &stem, &m.rewitness)?;
            codec.client_bytes(&m.record, &[o, t])
        }
    })
}

/// Notes for the ledger the seals a merge of the client file named `stem`
/// laid anew (by its name: in an encrypted practice, no client id is
/// written in plain, even here).
pub fn note_rewitness(root: &Path, stem: &str, seals: &[(crate::domain::SessionId, String)]) -> Result<()> {
    if seals.is_empty() {
        return Ok(());
    }
    let lines: String = seals.iter().map(|(s, h)| format!("{stem} {s} {h}\n")).collect();
    crate::store::atomic::create_private_dir(&state::dir(root))?;
    audit::append_line(&state::rewitness_file(root), lines.as_bytes())?;
    Ok(())
}
