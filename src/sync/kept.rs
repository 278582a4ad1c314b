//! A client erased on one device while the other changed the record is
//! kept by the merge: nothing written is lost. The erasure took the
//! client's entries out of the ledger, and the merge of the two ledgers
//! keeps that, so the record kept is witnessed again once the folder holds
//! it, as a record put back from a snapshot is: a `restore` entry, then
//! every seal (that holds) and addendum it carries.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::NaiveDateTime;

use super::state;
use crate::store::Store;
use crate::store::ledger::{self, Kind, NewEntry};

/// Where the merge notes the client files it kept so: one name a line.
fn file(root: &Path) -> PathBuf {
    state::dir(root).join("kept")
}

/// Notes that the merge kept the client file named `stem` although one
/// device had erased the client (by its name: in an encrypted practice no
/// client id is written in plain, even here).
pub fn note(root: &Path, stem: &str) -> Result<()> {
    crate::store::atomic::create_private_dir(&state::dir(root))?;
    crate::store::audit::append_line(&file(root), format!("{stem}\n").as_bytes())?;
    Ok(())
}

/// Witnesses again the records the merge kept, where the ledger no longer
/// does; a record the ledger still witnesses whole (the folder does not
/// hold the merge yet) is left as it is.
pub fn settle(store: &Store, now: NaiveDateTime) -> Result<()> {
    let path = file(store.root());
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(()) };
    if ledger::exists(store.root()) {
        for stem in text.lines() {
            let Ok(record) = store.load_named(stem).record else { continue };
            let id = record.client.id.as_str();
            let read =
                ledger::read(store.root(), store.keys(), Some(id)).map_err(|e| anyhow!("reading the ledger: {e}"))?;
            if ledger::check(&record, &ledger::witness(&read.entries, id)).is_empty() {
                continue;
            }
            let broken: Vec<_> = record.verify().into_iter().map(|b| b.session).collect();
            let restore =
                NewEntry { kind: Kind::Restore, client: id.into(), session: Default::default(), hash: String::new() };
            let mut entries = vec![restore];
            entries.extend(ledger::baseline(&record).into_iter().filter(|e| !broken.contains(&e.session)));
            ledger::append(store.root(), &entries, now, store.keys())
                .map_err(|e| anyhow!("writing the ledger: {e}"))?;
            store.audit(now, "record kept after an erasure on another device, witnessed again", id, "");
        }
    }
    std::fs::remove_file(&path).or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })?;
    Ok(())
}
