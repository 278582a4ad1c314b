//! `rapport merge FILE`: a conflict copy left by another sync tool
//! (Dropbox, Syncthing, Nextcloud) folded into the client's record with the
//! same merge `rapport sync` uses, then removed.
//!
//! A sync tool keeps no common version of the two copies, so the merge
//! takes as its base the newest daily snapshot of the client whose every
//! item both copies still hold (so an item can never look removed merely
//! because one copy is older than the snapshot), or none: then an item the
//! two copies hold differently is kept twice rather than chosen between.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::{Store, StoreError, parse_record};
use crate::domain::{ClientId, ClientRecord, RecordError};

/// What folding a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub client: ClientId,
    pub name: String,
    /// Items (notes, tasks, details, …) that were only in the copy.
    pub added: usize,
    /// Conflicts the merge met, now in the record until settled.
    pub conflicts: usize,
    /// The snapshot the merge took as the common version, if any.
    pub base: Option<String>,
    /// The copy was removed (it was in the data folder's `clients/`).
    pub removed: Option<PathBuf>,
}

/// Every item id of a record, list by list ("sessions/s1").
fn item_ids(r: &ClientRecord) -> HashSet<String> {
    let v = serde_json::to_value(r).expect("records always serialise");
    let mut ids = HashSet::new();
    for (part, items) in v.as_object().into_iter().flatten() {
        for item in items.as_array().into_iter().flatten() {
            if let Some(id) = item.get("id").and_then(|i| i.as_str()) {
                ids.insert(format!("{part}/{id}"));
            }
        }
    }
    ids
}

impl Store {
    /// Folds the conflict copy at `path` into the record of the client it
    /// holds, and removes it when it lies in this folder's `clients/`.
    pub fn fold_copy(&self, path: &Path, now: NaiveDateTime) -> Result<Folded, StoreError> {
        let bytes = match self.read_file(path) {
            // A plain copy brought into an encrypted folder (a device's
            // notes from before `encrypt --new-history`): read as it is.
            Err(StoreError::Undecryptable { .. }) if self.is_encrypted() => {
                let plain = super::read_bytes(path)?;
                if !plain.trim_ascii_start().starts_with(b"{") {
                    return Err(StoreError::Undecryptable { path: path.to_path_buf() });
                }
                plain
            }
            other => other?,
        };
        let copy = parse_record(&bytes, path)?;
        let id = copy.client.id.clone();
        let live = self.client_path(&id);
        // Neither is damaged: each is the wrong file to merge.
        if same_file(path, &live) {
            return Err(RecordError::Invalid(format!(
                "{} is the client's own file, not a copy of it; give the path of the conflict copy \
                 (`rapport doctor` names it)",
                path.display()
            ))
            .into());
        }
        if !self.has_client_file(&id) {
            return Err(RecordError::Invalid(format!(
                "{} holds the record of client '{id}', who has no file here; to bring it back as it is, move it \
                 to {}",
                path.display(),
                live.display()
            ))
            .into());
        }
        let mut base_name = None;
        let ((added, conflicts), record) = self.update(&id, now, "conflict copy merged", |r| {
            let (base, name) = self.common_snapshot(id.as_str(), r, &copy).unzip();
            base_name = name;
            let before = item_ids(r).len();
            let m = crate::domain::merge::merge(base.as_ref(), r, &copy, now)
                .map_err(|e| RecordError::Invalid(format!("the copy could not be merged: {e}")))?;
            let device = r.device.clone();
            *r = m.record;
            r.device = device;
            Ok((item_ids(r).len().saturating_sub(before), m.conflicts.len()))
        })?;
        let in_clients = path.parent().and_then(|p| p.canonicalize().ok()) == self.clients_dir().canonicalize().ok();
        let removed = if in_clients {
            super::crash::point("merge-copy.remove");
            std::fs::remove_file(path).map_err(|e| StoreError::Write { path: path.to_path_buf(), cause: e.into() })?;
            self.audit(now, "conflict copy removed after merging", id.as_str(), "");
            Some(path.to_path_buf())
        } else {
            None
        };
        let name = record.client.name.clone();
        Ok(Folded { client: id, name, added, conflicts, base: base_name, removed })
    }

    /// The newest snapshot of client `id` whose every item both `ours` and
    /// `theirs` hold, with its name.
    fn common_snapshot(&self, id: &str, ours: &ClientRecord, theirs: &ClientRecord) -> Option<(ClientRecord, String)> {
        let (o, t) = (item_ids(ours), item_ids(theirs));
        self.snapshot_names().into_iter().rev().find_map(|name| {
            let bytes = self.snapshot_file(&name, &self.file_name(id))?;
            let r = parse_record(&bytes, &Path::new("backups").join(&name)).ok()?;
            let ids = item_ids(&r);
            (r.client.id == ours.client.id && ids.is_subset(&o) && ids.is_subset(&t)).then_some((r, name))
        })
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
