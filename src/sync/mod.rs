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
pub mod history;
mod kept;
pub mod key;
mod missing;
mod report;
mod run;
mod setup;
mod state;
mod status;
pub mod tracked;
mod trees;
mod work;

use std::path::Path;

pub use codec::Codec;
pub use missing::doctor;
pub use report::Synced;
pub use run::{Offline, sync};
pub use setup::{Cloned, clone, init};
pub use state::{clone_stopped, device_tag};
pub use status::{Status, git_side, status};

/// The branch Rapport syncs.
pub const BRANCH: &str = "main";

/// The folder is set up for syncing (by `sync init` or `sync clone`).
pub fn is_set_up(root: &Path) -> bool {
    state::dir(root).join("device").is_file() && !state::setting_up(root)
}

/// This machine's name, for commit authors and messages (never a client's).
pub fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let name: String = String::from_utf8_lossy(&buf[..end])
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .take(64)
        .collect();
    if ok && !name.is_empty() { name } else { "this device".into() }
}

/// Every id of the items in a record (sessions, tasks, …).
pub fn ids_in(r: &crate::domain::ClientRecord) -> impl Iterator<Item = &str> {
    let s = r.sessions.iter().map(|x| x.id.as_str());
    let t = r.tasks.iter().map(|x| x.id.as_str());
    let p = r.personal.iter().map(|x| x.id.as_str());
    let g = r.goals.iter().map(|x| x.id.as_str());
    let w = r.watch_for.iter().map(|x| x.id.as_str());
    let a = r.appointments.iter().map(|x| x.id.as_str());
    let c = r.contacts.iter().map(|x| x.id.as_str());
    s.chain(t).chain(p).chain(g).chain(w).chain(a).chain(c)
}
