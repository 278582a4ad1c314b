//! Two devices, one practice: the data folder as a git repository, synced
//! with a remote the therapist trusts (a private repository, a bare one on
//! a NAS or a USB stick), with Rapport's own merge for the record.
//!
//! `rapport sync init REMOTE` and `sync clone REMOTE` set a folder up;
//! `rapport sync` commits this device's changes, fetches, merges and
//! pushes; `sync status` says where things stand. The merge of a client's
//! record is [`crate::domain::merge`], run by git as a merge driver
//! (`rapport sync merge-driver`), and every merge is made without touching
//! the folder (`git merge-tree`): one that cannot complete leaves the
//! folder exactly as it was. What is written then goes through the store's
//! one atomic write. An encrypted practice syncs ciphertext only (see
//! [`codec`]), merged in this process with the key it holds.

mod codec;
pub mod driver;
pub mod git;
mod guard;
mod held;
pub mod history;
mod kept;
pub mod key;
mod look;
mod missing;
mod older;
mod report;
mod run;
mod setup;
mod state;
mod status;
pub mod tracked;
mod trees;
mod work;

use std::path::Path;

pub use crate::store::device::device_tag;
pub use codec::Codec;
pub use held::Held;
pub use missing::doctor;
pub use report::Synced;
pub use run::{Offline, held_back, keep_this, sync};
pub use setup::{Cloned, clone, init};
pub use state::clone_stopped;
pub use status::{Status, git_side, status};

/// The branch Rapport syncs.
pub const BRANCH: &str = "main";

/// The folder is set up for syncing (by `sync init` or `sync clone`).
/// When the last sync that did not go through was tried, if the one after
/// it has not gone through yet.
pub fn last_failed(root: &Path) -> Option<chrono::NaiveDateTime> {
    state::failed_sync(root)
}

/// The address of the remote the folder `root` syncs with.
pub fn remote_url(root: &Path) -> anyhow::Result<String> {
    Ok(git::Git::new(root).config("remote.origin.url")?.unwrap_or_default())
}

pub fn is_set_up(root: &Path) -> bool {
    state::dir(root).join("device").is_file() && !state::setting_up(root)
}

pub use crate::store::device::host_name;

/// Every id of the items in a record (sessions, tasks, …).
pub fn ids_in(r: &crate::domain::ClientRecord) -> impl Iterator<Item = &str> {
    use strum::VariantArray;
    crate::domain::ItemKind::VARIANTS.iter().flat_map(|k| r.ids_of(*k))
}
