//! Which clients the folder holds: `clients/` listed (client files, and
//! anything else found there), and the index kept fresh over it.

use std::fs;
use std::path::PathBuf;

use super::atomic::is_temp_file;
use super::{ClientName, IndexEntry, Store, StoreError, index};
use crate::domain::{ClientId, bounds};
use index::IndexMark;

/// What the app's first frame is drawn from (see [`Store::index_today`]).
#[derive(Debug)]
pub struct Opening {
    /// Every client Today could show (not archived, with an appointment or
    /// a message awaiting a reply), sorted by id.
    pub clients: Vec<IndexEntry>,
    /// The practice has a client at all.
    pub any: bool,
}

/// What `clients/` holds besides client files, as its last full look saw.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Others {
    /// Temp files (a save under way, or one a killed process left).
    pub temps: bool,
    /// Anything else: a conflict copy, a link, a foreign file, a temp file.
    pub others: bool,
}

impl Store {
    /// Every client file: its name without ending (the client id, when the
    /// folder is not encrypted) and its path, sorted. Only names Rapport
    /// writes count; anything else in `clients/` is a [`Store::strays`].
    pub fn client_files(&self) -> Result<Vec<(String, PathBuf)>, StoreError> {
        Ok(self.list_clients()?.0)
    }

    /// [`Store::client_files`], and what else is in `clients/`.
    pub(super) fn list_clients(&self) -> Result<(Vec<(String, PathBuf)>, Others), StoreError> {
        let dir = self.clients_dir();
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io("list", &dir, e))?;
        let ending = format!(".{}", self.ext());
        let mut seen = Others::default();
        let mut files: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok();
                // A link is never a client file (see `strays`), so nothing
                // outside the folder is read, copied into a snapshot or restored.
                let file = e.file_type().is_ok_and(|t| t.is_file());
                let client = name.as_deref().and_then(|n| n.strip_suffix(&ending)).filter(|s| bounds::is_valid_id(s));
                match client {
                    Some(stem) if file => Some((stem.to_string(), e.path())),
                    _ => {
                        seen.temps |= name.as_deref().is_some_and(is_temp_file);
                        seen.others = true;
                        None
                    }
                }
            })
            .collect();
        files.sort();
        Ok((files, seen))
    }

    /// The file names of every client (their ids, when not encrypted).
    pub fn client_ids(&self) -> Result<Vec<ClientId>, StoreError> {
        Ok(self.client_files()?.into_iter().map(|(stem, _)| ClientId::new(stem)).collect())
    }

    /// Client `id` has a file (not a link) in `clients/`: one `stat`.
    pub fn has_client_file(&self, id: &ClientId) -> bool {
        bounds::is_valid_id(id.as_str()) && fs::symlink_metadata(self.client_path(id)).is_ok_and(|m| m.is_file())
    }

    /// Every client as the index knows them, sorted by id. The index is
    /// used as it is unless a client file was added, renamed or removed
    /// by another program since Rapport last wrote it (the time of
    /// `clients/` says so): then every file is checked and changed ones
    /// are read. A file rewritten in place by another program is seen by
    /// [`Store::index_checked`].
    pub fn index(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        Ok(self.index_locked(&mut crate::progress::Quiet)?.0)
    }

    /// The index, used as it is when it matches the client files (with the
    /// state that says so), else brought up to date telling `progress`.
    /// Call under the lock.
    fn index_locked(
        &self,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<(Vec<IndexEntry>, Option<index::state::State>), StoreError> {
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if let Some(state) = self.index_dir().state().filter(|s| s.matches(clients_mtime))
            && let Some(entries) = self.index_dir().entries()
        {
            return Ok((entries, Some(state)));
        }
        Ok((self.full_pass_told(clients_mtime, progress)?, None))
    }

    /// What the app's first frame needs, from a file the size of the
    /// caseload (see [`index::today`]): the clients Today shows. None when
    /// the index does not match the client files, or has no such file: the
    /// app then opens on nothing and reads [`Store::index_told`] behind.
    pub fn index_today(&self) -> Result<Option<Opening>, StoreError> {
        let _lock = self.lock()?;
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        let Some(state) = self.index_dir().state().filter(|s| s.matches(clients_mtime)) else { return Ok(None) };
        Ok(self.index_dir().today(&state).map(|t| Opening { clients: t.clients, any: t.any }))
    }

    /// [`Store::index`], telling `progress` of each client file read when
    /// the index must be built or brought up to date (a first open after
    /// `sync clone`), and writing the file of Today's clients when it is
    /// missing (an index from before it).
    pub fn index_told(&self, progress: &mut dyn crate::progress::Progress) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        let (entries, fresh) = self.index_locked(progress)?;
        if let Some(state) = fresh {
            // Derived: one not written now (a full disk) is written next time.
            let _ = self.index_dir().keep_today(&entries, &state);
        }
        Ok(entries)
    }

    /// Every client as the index knows them, after checking every client
    /// file's size and time: for the app's look in the background and
    /// `rapport doctor --reindex`.
    pub fn index_checked(&self) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        self.full_pass_locked(index::state::folder_mtime(&self.clients_dir()))
    }

    /// The summaries as they are now (see [`IndexMark`]); None without a
    /// usable index. Read before [`Store::index`], it names summaries no
    /// newer than those.
    pub fn index_mark(&self) -> Option<IndexMark> {
        self.index_dir().state().map(|s| IndexMark::of(&s))
    }

    /// The app's look in the background: checks every client file's size
    /// and time like [`Store::index_checked`]. When nothing changed since
    /// the summaries at `mark` (no file, and no save by any Rapport), says
    /// so without reading the summaries (Ok(None)); otherwise every client
    /// as the index knows them now. With the mark they were read at.
    #[allow(clippy::type_complexity)]
    pub fn index_looked(
        &self,
        mark: Option<IndexMark>,
    ) -> Result<(Option<Vec<IndexEntry>>, Option<IndexMark>), StoreError> {
        let _lock = self.lock()?;
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if let Some(mark) = mark {
            let (files, seen) = self.list_clients()?;
            let same = self
                .index_dir()
                .unchanged_since(mark, &files, clients_mtime, seen)
                .map_err(|source| StoreError::Write { path: self.root.join("index"), cause: source })?;
            if same {
                return Ok((None, Some(mark)));
            }
        }
        let entries = self.full_pass_locked(clients_mtime)?;
        Ok((Some(entries), self.index_mark()))
    }

    /// Every client's id and name, for finding one by name: as fresh as
    /// [`Store::index`], and much less to read.
    pub fn client_names(&self) -> Result<Vec<ClientName>, StoreError> {
        let _lock = self.lock()?;
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if self.index_dir().state().is_some_and(|s| s.matches(clients_mtime))
            && let Some(names) = self.index_dir().names()
        {
            return Ok(names);
        }
        Ok(self.full_pass_locked(clients_mtime)?.iter().map(ClientName::of).collect())
    }

    /// When `clients/` last had a file added, renamed or removed (every
    /// save by any Rapport renames one into it): the app's cheap look, every
    /// few seconds, for a change. None when it cannot be read.
    pub fn clients_folder_time(&self) -> Option<std::time::SystemTime> {
        fs::metadata(self.clients_dir()).and_then(|m| m.modified()).ok()
    }

    /// Changes each time Rapport changes the index, here or in another
    /// process: a value seen before means nothing was saved since.
    pub fn index_generation(&self) -> Option<u64> {
        self.index_dir().state().map(|s| s.generation)
    }

    /// `clients/` holds nothing but client files, as far as the index
    /// knows for sure (it matches the folder, and its last full look saw
    /// nothing else): then it need not be listed to find strays.
    pub(crate) fn only_client_files(&self) -> bool {
        self.index_dir()
            .state()
            .is_some_and(|s| s.matches(index::state::folder_mtime(&self.clients_dir())) && !s.others)
    }

    /// Makes sure the index matches the client files (call under the lock),
    /// and returns its state: read once, when nothing needed doing.
    pub(super) fn freshen_locked(&self) -> Result<Option<index::state::State>, StoreError> {
        let index = self.index_dir();
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        if let Some(state) = index.state().filter(|s| s.matches(clients_mtime)) {
            return Ok(Some(state));
        }
        self.full_pass_locked(clients_mtime)?;
        Ok(index.state())
    }

    /// Checks every client file against the index (call under the lock);
    /// `clients_mtime` was read before the folder is listed, so a change
    /// made while it is is seen next time.
    pub(super) fn full_pass_locked(&self, clients_mtime: u128) -> Result<Vec<IndexEntry>, StoreError> {
        self.full_pass_told(clients_mtime, &mut crate::progress::Quiet)
    }

    /// A full pass, telling `progress` of each client file as it is read
    /// (only those whose entry was stale are read; the count goes to the
    /// end all the same).
    fn full_pass_told(
        &self,
        clients_mtime: u128,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        let (files, seen) = self.list_clients()?;
        let mut steps = crate::progress::Steps::new(files.len(), progress);
        let entries = self
            .index_dir()
            .refresh(
                &files,
                |stem, path| {
                    steps.one();
                    self.load_path(stem, path)
                },
                clients_mtime,
                seen,
            )
            .map_err(|source| StoreError::Write { path: self.root.join("index"), cause: source })?;
        steps.finish();
        Ok(entries)
    }

    /// Throws the index away and builds it again from the client files,
    /// telling `progress` client file by client file.
    pub fn rebuild_index(&self, progress: &mut dyn crate::progress::Progress) -> Result<Vec<IndexEntry>, StoreError> {
        let _lock = self.lock()?;
        self.rebuild_index_told(progress)
    }

    pub(super) fn rebuild_index_locked(&self) -> Result<Vec<IndexEntry>, StoreError> {
        self.rebuild_index_told(&mut crate::progress::Quiet)
    }

    fn rebuild_index_told(&self, progress: &mut dyn crate::progress::Progress) -> Result<Vec<IndexEntry>, StoreError> {
        let index = self.root.join("index");
        self.index_dir().discard().map_err(|source| StoreError::Write { path: index, cause: source })?;
        self.full_pass_told(index::state::folder_mtime(&self.clients_dir()), progress)
    }
}
