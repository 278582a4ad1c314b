//! `rapport sync status`: where this device stands with the remote.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDateTime;

use super::git::Git;
use super::{BRANCH, state};
use crate::store::Store;

/// Where a synced data folder stands. Read from this device alone (the
/// remote as of the last fetch): no network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Set up for syncing at all.
    pub set_up: bool,
    pub remote: String,
    pub last_sync: Option<NaiveDateTime>,
    /// Synced files changed here and not yet committed.
    pub changed_files: Vec<String>,
    /// Commits here not yet on the remote, and there not yet here.
    pub ahead: usize,
    pub behind: usize,
    /// (client name, its number for `sync resolve`, the conflict in words)
    /// for every conflict not yet settled.
    pub conflicts: Vec<(String, usize, String)>,
    /// Client files changed here, committed or not, not yet on the remote.
    pub clients_unsent: usize,
    /// Clients held back at the last sync (see `held.rs`).
    pub held: Vec<super::held::Held>,
}

impl Status {
    /// Changes not yet on the remote (files changed, and commits not pushed).
    pub fn to_sync(&self) -> usize {
        self.changed_files.len() + self.ahead
    }

    /// The changes to sync as a therapist counts them: clients whose file
    /// changed (at least one while anything at all is unsent).
    pub fn changes(&self) -> usize {
        if self.to_sync() == 0 { 0 } else { self.clients_unsent.max(1) }
    }
}

pub fn status(store: &Store, now: NaiveDateTime) -> Result<Status> {
    let mut st = git_side(store.root())?;
    if st.set_up {
        let git = Git::new(store.root());
        st.held = super::held::still(&git, super::Codec::new(store.keys()), "HEAD", now)?;
    }
    for f in store.load_all()? {
        let Ok(r) = f.record else { continue };
        let named = r.conflicts.iter().enumerate().map(|(i, c)| (r.client.name.clone(), i + 1, c.describe()));
        st.conflicts.extend(named);
    }
    Ok(st)
}

/// Where the folder stands with its remote, without reading any client
/// (so without the conflicts): what the app's header shows, asked after
/// each change. One `git status` and one `git rev-list`, no network.
pub fn git_side(root: &Path) -> Result<Status> {
    let mut st = Status { set_up: super::is_set_up(root), ..Default::default() };
    if !st.set_up {
        return Ok(st);
    }
    let git = Git::new(root);
    st.remote = git.config("remote.origin.url")?.unwrap_or_default();
    st.last_sync = state::last_sync(root);
    let porcelain = git.run_bytes(&["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"])?;
    st.changed_files = porcelain
        .split(|b| *b == 0)
        .filter(|e| e.len() > 3)
        .map(|e| String::from_utf8_lossy(&e[3..]).into_owned())
        .filter(|p| super::tracked::part(p, crate::store::crypt::is_encrypted(root)).is_some())
        // A key file kept aside: this device's stays, and is not sent.
        .filter(|p| !(p == crate::store::crypt::IDENTITY_FILE && super::key::pending(root)))
        .collect();
    let range = format!("HEAD...refs/remotes/origin/{BRANCH}");
    if let Ok(Ok(out)) = git.output(&["rev-list", "--left-right", "--count", &range], None) {
        let text = String::from_utf8_lossy(&out);
        let mut n = text.split_whitespace().map(|n| n.parse().unwrap_or(0));
        st.ahead = n.next().unwrap_or(0);
        st.behind = n.next().unwrap_or(0);
    } else if git.commit("HEAD")?.is_some() {
        // Never pushed: everything here is ahead.
        st.ahead = git.run(&["rev-list", "--count", "HEAD"])?.parse().unwrap_or(0);
    }
    let mut clients: std::collections::BTreeSet<String> =
        st.changed_files.iter().filter(|p| p.starts_with("clients/")).cloned().collect();
    if st.ahead > 0 {
        let theirs = format!("refs/remotes/origin/{BRANCH}");
        if let Ok(Ok(out)) = git.output(&["diff", "--name-only", "-z", &theirs, "HEAD", "--", "clients/"], None) {
            clients.extend(
                out.split(|b| *b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()),
            );
        }
    }
    st.clients_unsent = clients.len();
    Ok(st)
}
