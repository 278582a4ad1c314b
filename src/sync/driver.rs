//! `rapport sync merge-driver BASE OURS THEIRS PATH`: what git runs to merge
//! a synced file both devices changed (registered by `sync init`/`clone`).
//! It writes the merge into OURS and succeeds, or fails and writes nothing,
//! so git's conflict markers never reach a client file.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::state;
use super::tracked::{self, Part};
use crate::domain::bounds;
use crate::store::{audit, files, ledger, parse_record};

fn read(path: &Path, limit: u64) -> Result<Vec<u8>> {
    files::read_regular(path, limit).map_err(|e| anyhow!("git's copy {} could not be read ({e:?})", path.display()))
}

/// Merges the three versions of the synced file `name` (a path in the
/// repository) into `ours`. `root` is the data folder, `now` dates conflicts.
pub fn merge_driver(
    root: &Path,
    base: &Path,
    ours: &Path,
    theirs: &Path,
    name: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let Some(part) = tracked::part(name) else { bail!("{name} is not a file Rapport merges") };
    let limit = if matches!(part, Part::Client(_)) { bounds::FILE_BYTES } else { 1024 * 1024 * 1024 };
    let (b, o, t) = (read(base, limit)?, read(ours, limit)?, read(theirs, limit)?);
    let merged = match part {
        Part::Ledger => ledger::merge_files(&b, &o, &t).map_err(|e| anyhow!(e))?,
        Part::Audit => audit::merge_files(&b, &o, &t).map_err(|e| anyhow!(e))?,
        Part::Setup => bail!("{name} was changed on both devices; Rapport writes it the same everywhere"),
        Part::Client(id) => {
            let parse = |bytes: &[u8], whose: &str| {
                let r = parse_record(bytes, Path::new(name))
                    .map_err(|e| anyhow!("{name} on {whose}: {}", tracked::unreadable(&e)))?;
                if r.client.id != id {
                    bail!("{name} on {whose} holds the record of another client");
                }
                Ok(r)
            };
            // Added on both devices: no common version.
            let base = if b.is_empty() { None } else { parse(&b, "the version both devices started from").ok() };
            let o = parse(&o, "this device")?;
            let t = parse(&t, "the other device")?;
            let m = crate::domain::merge::merge(base.as_ref(), &o, &t, now).map_err(|e| anyhow!("{name}: {e}"))?;
            if !m.rewitness.is_empty() {
                let lines: String = m.rewitness.iter().map(|(s, h)| format!("{id} {s} {h}\n")).collect();
                crate::store::atomic::create_private_dir(&state::dir(root))?;
                audit::append_line(&state::rewitness_file(root), lines.as_bytes())?;
            }
            let mut bytes = serde_json::to_vec_pretty(&m.record).expect("records always serialise");
            bytes.push(b'\n');
            bytes
        }
    };
    std::fs::write(ours, merged).map_err(|e| anyhow!("writing the merge of {name}: {e}"))
}
