//! Keeping the index in step with the client files: a full pass over every
//! file, or one client after a save.

use crate::domain::ClientId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::state::{State, folder_mtime};
use super::{ClientName, ClientSummary, INDEX_VERSION, IndexDir, IndexEntry, IndexMark, Stamp, text_lines};
use crate::domain::ClientRecord;

impl IndexDir {
    /// Brings the index up to date with the client files (`files`, listed
    /// when `clients/` had the modification time `clients_mtime`) and
    /// returns it, sorted by id: each file's size and time are compared
    /// with its entry's, and changed files are read (`load` reads one). An
    /// index that is missing, damaged or old is rebuilt. `seen`: what else
    /// was in the folder. Call under the lock.
    pub fn refresh(
        &self,
        files: &[(String, PathBuf)],
        mut load: impl FnMut(&str, PathBuf) -> super::super::ClientFile,
        clients_mtime: u128,
        seen: super::super::Others,
    ) -> anyhow::Result<Vec<IndexEntry>> {
        let state = self.state();
        let old = state.and_then(|_| self.entries());
        // The search text too is rebuilt when another program changed it.
        let rebuild = old.is_none() || !state.is_some_and(|s| self.text_believed(&s));
        // Keyed by file name: the id is only known once a file is read.
        let mut by_file: BTreeMap<String, IndexEntry> =
            old.unwrap_or_default().into_iter().map(|e| (e.file.clone(), e)).collect();
        let mut changed = BTreeSet::new();
        let mut lines = BTreeMap::new();
        // Rebuilt, the search text takes each client's words as their file
        // is read, rather than every note's text held until the end.
        let mut text_built = rebuild.then(crate::store::search::segment::Builder::default);
        let mut built = BTreeSet::new();
        let present: BTreeSet<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
        let gone: Vec<String> = by_file.keys().filter(|id| !present.contains(id.as_str())).cloned().collect();
        for file in gone {
            if let Some(e) = by_file.remove(&file) {
                changed.insert(e.id);
            }
        }
        for (file, path) in files {
            let Ok(stamp) = Stamp::of(path) else { continue };
            if by_file.get(file).is_some_and(|e| e.stamp == stamp) && !rebuild {
                continue;
            }
            let (entry, text) = entry_for(load(file, path.clone()), file, stamp);
            if let Some(old) = by_file.get(file) {
                changed.insert(old.id.clone());
            }
            match &mut text_built {
                // Two files holding one id (a copy): the first one's notes.
                Some(b) if built.insert(entry.id.clone()) => b.add(text.iter().map(String::as_str)),
                Some(_) => {}
                None => drop(lines.insert(entry.id.clone(), text)),
            }
            changed.insert(entry.id.clone());
            by_file.insert(file.clone(), entry);
        }
        let mut entries: Vec<IndexEntry> = by_file.into_values().collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let names: Vec<ClientName> = entries.iter().map(ClientName::of).collect();
        let generation = state.map_or(0, |s| s.generation) + u64::from(rebuild || !changed.is_empty());
        let new_state = State {
            version: INDEX_VERSION,
            generation,
            clients_mtime,
            temps: seen.temps,
            others: seen.others,
            written: [0; 4],
            rows: [0; 2],
            today: [0; 2],
            search: state.map_or([0; 4], |s| s.search),
        };
        // The index is derived: one that cannot be written now (a full disk)
        // is written next time; the answer stands either way. The text goes
        // first and the state last, so what was not written is done again.
        let _ = (|| -> anyhow::Result<()> {
            let new_state = match state {
                _ if rebuild => {
                    self.rebuild_text(text_built.take().unwrap_or_default())?;
                    State { search: self.search_written(), ..new_state }
                }
                Some(state) if !changed.is_empty() => {
                    self.replace_text(&state, &changed, &lines)?;
                    State { search: self.search_written(), ..new_state }
                }
                _ => new_state,
            };
            if rebuild || !changed.is_empty() {
                self.write_entries(entries.clone())?;
            } else {
                if state.is_none_or(|s| self.pages(&s).is_none()) {
                    self.write_rows(&entries)?;
                }
                if state.is_none_or(|s| self.today(&s).is_none()) {
                    self.write_today(&entries)?;
                }
            }
            if rebuild || self.names().as_ref() != Some(&names) {
                self.write_names(&names)?;
            }
            let new_state = State { written: self.written(), ..new_state };
            if state != Some(new_state) {
                self.write_state(&new_state)?;
            }
            Ok(())
        })();
        Ok(entries)
    }

    /// Whether the index still says what it said at `mark` and matches
    /// every client file of `files` (listed when `clients/` had the time
    /// `clients_mtime`; `seen`: what else was there), told from each
    /// entry's file, size and time without reading the summaries. If so,
    /// the state takes the folder's time and what else is in it, and the
    /// summaries are left as they are. Call under the lock.
    pub fn unchanged_since(
        &self,
        mark: IndexMark,
        files: &[(String, PathBuf)],
        clients_mtime: u128,
        seen: super::super::Others,
    ) -> anyhow::Result<bool> {
        let Some(state) = self.state() else { return Ok(false) };
        if IndexMark::of(&state) != mark || !self.text_believed(&state) || self.pages(&state).is_none() {
            return Ok(false);
        }
        let Some(stamps) = self.stamps() else { return Ok(false) };
        if stamps.len() != files.len() {
            return Ok(false);
        }
        let by_file: BTreeMap<&str, &Stamp> = stamps.iter().map(|s| (s.file.as_str(), &s.stamp)).collect();
        let same = files.iter().all(|(file, path)| {
            by_file.get(file.as_str()).is_some_and(|&stamp| Stamp::of(path).is_ok_and(|now| now == *stamp))
        });
        if !same {
            return Ok(false);
        }
        let new_state = State { clients_mtime, temps: seen.temps, others: seen.others, ..state };
        if new_state != state {
            self.write_state(&new_state)?;
        }
        Ok(true)
    }

    /// Updates one client's entry, name and text after a save (call under
    /// the lock). `before`: the modification time of `clients/` before the
    /// save. If the index matched the files then, it matches them now;
    /// otherwise something else changed them meanwhile, and the next look
    /// makes a full pass. The names are rewritten only when `renamed`;
    /// `was`: where the client stood in the list before a rename (None for
    /// a client new to the folder).
    pub fn update_one(
        &self,
        record: &ClientRecord,
        path: &Path,
        before: u128,
        renamed: bool,
        was: Option<super::rows::RowKey>,
    ) -> anyhow::Result<()> {
        let Some(state) = self.state() else {
            // No usable index: the next look builds it whole.
            return Ok(());
        };
        if !self.summaries_believed(&state) {
            // Changed by another program: written again with this save's
            // line, they would be believed. The next look builds them whole.
            return self.discard();
        }
        let stamp = Stamp::of(path)?;
        let id = record.client.id.clone();
        let entry = IndexEntry {
            id: id.clone(),
            file: path.file_stem().and_then(|s| s.to_str()).unwrap_or(id.as_str()).to_string(),
            stamp,
            summary: Some(ClientSummary::of(record)),
            error: None,
            read_only: false,
        };
        self.replace_text(&state, &BTreeSet::from([id.clone()]), &BTreeMap::from([(id, text_lines(record))]))?;
        if renamed {
            self.update_name(ClientName::of(&entry))?;
        }
        self.update_row(&state, &entry.id, was, Some(&entry))?;
        self.log_entry(&entry.file.clone(), Some(entry))?;
        let clients = path.parent().map_or(0, folder_mtime);
        let clients_mtime = if state.clients_mtime == before { clients } else { 0 };
        let search = self.search_written();
        self.write_state(&State { generation: state.generation + 1, clients_mtime, search, ..state })
    }

    /// Puts `name` in the names file, if it is not there as it is.
    fn update_name(&self, name: ClientName) -> anyhow::Result<()> {
        let Some(mut names) = self.names() else { return Ok(()) };
        match names.binary_search_by(|n| n.id.cmp(&name.id)) {
            Ok(i) if names[i] == name => return Ok(()),
            Ok(i) => names[i] = name,
            Err(i) => names.insert(i, name),
        }
        self.write_names(&names)
    }

    /// Takes client `id` out of the index and the search text at once (call
    /// under the lock). An index that cannot be read, or whose summaries
    /// another program changed, is removed whole: it is rebuilt from the
    /// client files when next needed.
    pub fn remove_one(&self, id: &ClientId) -> anyhow::Result<()> {
        let Some(state) = self.state().filter(|s| self.summaries_believed(s)) else {
            return match std::fs::remove_dir_all(&self.dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            };
        };
        // The file goes after this: the next look makes a full pass. Marked
        // first, so an erasure stopped part way (the client gone from the
        // index, their file still there) is found whole again by that pass.
        self.write_state(&State { generation: state.generation + 1, clients_mtime: 0, ..state })?;
        self.erase_text(&state, id.as_str())?;
        if let Some(mut names) = self.names() {
            names.retain(|n| n.id.as_str() != id.as_str());
            self.write_names(&names)?;
        }
        // Written whole, so no older line of the log still names them.
        let mut entries = self.entries().unwrap_or_default();
        entries.retain(|e| e.id.as_str() != id.as_str());
        self.write_entries(entries)?;
        let search = self.search_written();
        self.write_state(&State { generation: state.generation + 2, clients_mtime: 0, search, ..state })
    }
}

fn entry_for(file: super::super::ClientFile, name: &str, stamp: Stamp) -> (IndexEntry, Vec<String>) {
    match file.record {
        Ok(r) => (
            IndexEntry {
                id: file.id,
                file: name.to_string(),
                stamp,
                summary: Some(ClientSummary::of(&r)),
                error: None,
                read_only: file.read_only,
            },
            text_lines(&r),
        ),
        Err(e) => (
            IndexEntry {
                id: file.id,
                file: name.to_string(),
                stamp,
                summary: None,
                error: Some(e.to_string()),
                read_only: true,
            },
            Vec::new(),
        ),
    }
}
