//! Whether the index still matches the client files, told without looking
//! at each of them.
//!
//! Rapport changes the index under the folder lock whenever it writes a
//! client file, and bumps the generation. A file created, renamed or
//! removed by anything else changes the modification time of `clients/`,
//! which no longer matches the one recorded here: the next look then checks
//! every client file's size and time (a full pass). A file rewritten in
//! place by another program leaves the folder's time alone; it is seen by
//! the full pass the app makes in the background and by `rapport doctor
//! --reindex`.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The index layout ([`super::INDEX_VERSION`]).
    pub version: u32,
    /// Bumped on every change Rapport makes to the index.
    pub generation: u64,
    /// The modification time of `clients/` (ns since 1970) when the index
    /// last matched every client file; 0 when it must be checked.
    pub clients_mtime: u128,
    /// Temp files were in `clients/` at the last full pass: they are swept
    /// at each start until they are gone.
    #[serde(default)]
    pub temps: bool,
    /// Anything but client files was in `clients/` at the last full pass
    /// (a conflict copy, a link, a temp file…): see `Store::strays`.
    #[serde(default)]
    pub others: bool,
    /// The summaries file and the log as Rapport last left them (time in
    /// ns, length; 0 when missing): a file changed since by anything else
    /// (an index written by hand) is not believed, and is built again.
    #[serde(default)]
    pub written: [u128; 4],
    /// The client list's page list as Rapport last left it (time in ns,
    /// length; [0, 0] when missing): see `rows`.
    #[serde(default)]
    pub rows: [u128; 2],
    /// `today.json` as Rapport last left it (time in ns, length; [0, 0]
    /// when missing): see `today`.
    #[serde(default)]
    pub today: [u128; 2],
    /// The search segment and its recent lines as Rapport last left them
    /// (time in ns, length; 0 when missing): either changed since by
    /// anything else (a cleaning tool, a copy put back, one flipped byte)
    /// is not believed, and the search index is rebuilt. Taken anew only
    /// by what has just written them, from files it believed.
    #[serde(default)]
    pub search: [u128; 4],
}

/// A folder's modification time in ns since 1970, or 0 when it cannot be
/// read (which never matches: the index is then checked in full).
pub fn folder_mtime(dir: &Path) -> u128 {
    fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

impl State {
    /// The index can be used as it is: same layout, and nothing outside
    /// Rapport has added, renamed or removed a client file since.
    pub fn matches(&self, clients_mtime: u128) -> bool {
        self.version == super::INDEX_VERSION && self.clients_mtime != 0 && self.clients_mtime == clients_mtime
    }
}
