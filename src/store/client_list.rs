//! The client list a page at a time, from the index's rows (see
//! [`index::rows`]): what `rapport client list` prints as it reads.

use super::index::rows::{ListRow, Pages, RowKey, Totals};
use super::{Store, StoreError, index};

/// The clients by name, read a page at a time.
pub struct ClientList {
    store: Store,
    source: Source,
    /// The next page to read.
    at: usize,
    /// The key of the last row given: after the rows are written again
    /// meanwhile (a save), reading goes on after it.
    after: Option<RowKey>,
    /// Times the rows were opened afresh while being read.
    reopened: usize,
}

enum Source {
    Pages(Pages),
    /// Rows that could not be written to the index (a read-only disk): the
    /// summaries, sorted, held whole.
    Held(Vec<ListRow>),
}

impl Store {
    /// Every client by name, to be read a page at a time: the index's
    /// rows, written again from the summaries when missing or damaged (and
    /// the summaries from the client files, as [`Store::index`] does).
    pub fn client_list(&self) -> Result<ClientList, StoreError> {
        Ok(ClientList { store: self.clone(), source: self.list_source(false)?, at: 0, after: None, reopened: 0 })
    }

    /// The rows as the index has them, written again first when `damaged`
    /// (a page did not match the page list).
    fn list_source(&self, damaged: bool) -> Result<Source, StoreError> {
        let _lock = self.lock()?;
        let index = self.index_dir();
        let clients_mtime = index::state::folder_mtime(&self.clients_dir());
        // Summaries changed by anything but Rapport: the index is rebuilt
        // from the client files, rows and all.
        let fresh = index.state().filter(|s| s.matches(clients_mtime) && s.written == index.written());
        if !damaged && let Some(pages) = fresh.as_ref().and_then(|s| index.pages(s)) {
            return Ok(Source::Pages(pages));
        }
        let entries = match fresh.and_then(|_| index.entries()) {
            Some(entries) => entries,
            None => self.full_pass_locked(clients_mtime)?,
        };
        // A full pass writes the rows; otherwise they are written here.
        if let Some(state) = index.state()
            && (damaged || index.pages(&state).is_none())
            && index.write_rows(&entries).is_ok()
        {
            let _ = index.write_state(&state);
        }
        Ok(match index.state().and_then(|s| index.pages(&s)) {
            Some(pages) => Source::Pages(pages),
            None => {
                let mut rows: Vec<ListRow> = entries.iter().map(ListRow::of).collect();
                rows.sort_by_cached_key(ListRow::key);
                Source::Held(rows)
            }
        })
    }
}

impl ClientList {
    /// How many clients, how many archived, how wide the columns.
    pub fn totals(&self) -> Totals {
        match &self.source {
            Source::Pages(p) => p.totals(),
            Source::Held(rows) => Totals::of(rows),
        }
    }

    /// The next page of rows, in order; None after the last.
    pub fn next_page(&mut self) -> Result<Option<Vec<ListRow>>, StoreError> {
        loop {
            let rows = match &self.source {
                Source::Held(rows) if self.at == 0 => Some(rows.clone()),
                Source::Held(_) => return Ok(None),
                Source::Pages(p) => match p.pages.get(self.at) {
                    Some(info) => self.store.index_dir().page(info),
                    None => return Ok(None),
                },
            };
            let Some(mut rows) = rows else {
                // Changed by a save since the page list was read, or
                // damaged: open the rows afresh and go on where we were.
                self.reopened += 1;
                if self.reopened > 3 {
                    return Err(StoreError::Write {
                        path: self.store.root().join("index"),
                        cause: anyhow::anyhow!("the client list in the index keeps changing or cannot be written"),
                    });
                }
                self.source = self.store.list_source(true)?;
                self.at = match (&self.source, &self.after) {
                    (Source::Pages(p), Some(after)) => p.pages.partition_point(|p| p.first <= *after).saturating_sub(1),
                    _ => 0,
                };
                continue;
            };
            self.at += 1;
            if let Some(after) = &self.after {
                rows.retain(|r| r.key() > *after);
            }
            if let Some(last) = rows.last() {
                self.after = Some(last.key());
            }
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
        }
    }
}
