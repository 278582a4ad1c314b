//! `rapport sync status`: where this device stands with the remote.

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
}

impl Status {
    /// Changes not yet on the remote (files changed, and commits not pushed).
    pub fn to_sync(&self) -> usize {
        self.changed_files.len() + self.ahead
    }
}

pub fn status(store: &Store) -> Result<Status> {
    let root = store.root();
    let mut st = Status { set_up: super::is_set_up(root), ..Default::default() };
    for f in store.load_all()? {
        let Ok(r) = f.record else { continue };
        let named = r.conflicts.iter().enumerate().map(|(i, c)| (r.client.name.clone(), i + 1, c.describe()));
        st.conflicts.extend(named);
    }
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
        .filter(|p| super::tracked::part(p, store.is_encrypted()).is_some())
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
    Ok(st)
}
