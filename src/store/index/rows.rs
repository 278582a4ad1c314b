//! The client list's rows, sorted by name, in pages: what `rapport client
//! list` prints, read a page at a time, so it reads no client's summary
//! and prints its first screenful at the same cost in any practice.
//!
//! `index/list/pages.json` lists the pages in order, each with its first
//! row's sort key, its hash, and what a list needs of the whole without
//! reading every page (how many rows, how many archived, how wide the
//! columns). A page (`index/list/p<n>`) holds up to [`PAGE_MAX`] rows. A
//! save rewrites the one or two pages its client's row leaves and joins,
//! and the page list: the cost follows the change, not the practice.
//!
//! The rows are derived like the rest of the index: the page list's time
//! and length are kept in the index's state, a page must match its hash,
//! every row its page's order and ids that can become paths. Anything else
//! is damage, and the rows are written again from the summaries. Encrypted,
//! each file is encrypted whole, so no name is on disk in plain.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::folder::ROWS_CAP;
use super::state::State;
use super::{IndexDir, IndexEntry, Stamp};
use crate::domain::ClientId;
use crate::domain::bounds::is_valid_id;

/// The folder of the rows.
pub(super) const LIST: &str = "list";
const PAGES: &str = "pages.json";
/// Rows a page is written with.
const PAGE: usize = 256;
/// A page grown past this by saves is split in two.
const PAGE_MAX: usize = 2 * PAGE;

/// Where a client stands in the list: by name as shown, folded for case
/// and accents, then id; a client whose file could not be read (no name)
/// first.
pub type RowKey = (Option<String>, ClientId);

/// The sort key of a client named `name` ("(preferred)" shown after it).
pub fn key_of(id: &ClientId, name: Option<(&str, Option<&str>)>) -> RowKey {
    (name.map(|(n, p)| crate::domain::find::fold(&crate::domain::display_name(n, p))), id.clone())
}

/// One client as the list shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: ClientId,
    /// The client file's name without its ending.
    pub file: String,
    /// None when their file could not be read (`error` says why).
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_session: Option<NaiveDateTime>,
    #[serde(default)]
    pub open_tasks: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ListRow {
    pub fn of(e: &IndexEntry) -> ListRow {
        let s = e.summary.as_ref();
        ListRow {
            id: e.id.clone(),
            file: e.file.clone(),
            name: s.map(|s| s.name.clone()),
            preferred_name: s.and_then(|s| s.preferred_name.clone()),
            archived: s.is_some_and(|s| s.archived),
            read_only: e.read_only,
            last_session: s.and_then(|s| s.last_session),
            open_tasks: s.map_or(0, |s| s.open_tasks),
            flag: s.and_then(|s| s.flag.clone()),
            error: e.error.clone(),
        }
    }

    pub fn key(&self) -> RowKey {
        key_of(&self.id, self.name.as_deref().map(|n| (n, self.preferred_name.as_deref())))
    }

    /// "Maria Lopez (Mari)", or None when unreadable.
    pub fn display_name(&self) -> Option<String> {
        Some(crate::domain::display_name(self.name.as_ref()?, self.preferred_name.as_deref()))
    }
}

/// How many columns `text` takes once shown.
fn width(text: &str) -> usize {
    crate::fit::width(&crate::sanitize::visible(text))
}

/// What a list needs of some rows as a whole: counted with or without the
/// archived ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub rows: usize,
    pub archived: usize,
    /// The widest id and name (as shown) among all rows, and among those
    /// not archived.
    pub id_all: usize,
    pub name_all: usize,
    pub id_current: usize,
    pub name_current: usize,
}

impl Totals {
    pub fn of(rows: &[ListRow]) -> Totals {
        rows.iter().fold(Totals::default(), |mut t, r| {
            let (id, name) = (width(r.id.as_str()), r.display_name().map_or(0, |n| width(&n)));
            t.rows += 1;
            t.id_all = t.id_all.max(id);
            t.name_all = t.name_all.max(name);
            if r.archived {
                t.archived += 1;
            } else {
                t.id_current = t.id_current.max(id);
                t.name_current = t.name_current.max(name);
            }
            t
        })
    }

    fn add(self, o: Totals) -> Totals {
        Totals {
            rows: self.rows + o.rows,
            archived: self.archived + o.archived,
            id_all: self.id_all.max(o.id_all),
            name_all: self.name_all.max(o.name_all),
            id_current: self.id_current.max(o.id_current),
            name_current: self.name_current.max(o.name_current),
        }
    }
}

/// One page as the page list knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    /// Its file is `p<number>`.
    pub number: u64,
    pub first: RowKey,
    /// SHA-256 of the page as written (before encryption), in hex.
    pub hash: String,
    pub totals: Totals,
}

/// The page list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pages {
    pub pages: Vec<PageInfo>,
    /// The number the next new page takes.
    next: u64,
}

impl Pages {
    /// Every row's totals.
    pub fn totals(&self) -> Totals {
        self.pages.iter().fold(Totals::default(), |t, p| t.add(p.totals))
    }

    /// The page `key` falls in: the last whose first row is not after it.
    fn page_for(&self, key: &RowKey) -> usize {
        self.pages.partition_point(|p| p.first <= *key).saturating_sub(1)
    }

    /// Page numbers ascending and first keys strictly rising.
    fn sound(&self) -> bool {
        self.pages.windows(2).all(|w| w[0].first < w[1].first) && self.pages.iter().all(|p| p.number < self.next)
    }
}

fn hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl IndexDir {
    fn list_path(&self, name: &str) -> std::path::PathBuf {
        self.path(LIST).join(name)
    }

    /// The page list's time and length now ([0, 0] when missing).
    pub(super) fn rows_written(&self) -> [u128; 2] {
        Stamp::of(&self.list_path(PAGES)).map_or([0, 0], |s| [s.modified_ns, u128::from(s.len)])
    }

    /// The page list, if Rapport wrote it last as `state` says and it is
    /// sound; None when missing or damaged.
    pub fn pages(&self, state: &State) -> Option<Pages> {
        if state.rows == [0, 0] || state.rows != self.rows_written() {
            return None;
        }
        let bytes = self.read_bytes(&self.list_path(PAGES), ROWS_CAP)?;
        let pages: Pages = serde_json::from_slice(&bytes).ok()?;
        pages.sound().then_some(pages)
    }

    /// The rows of `page`, if it is as the page list says (its hash, its
    /// order, ids that can become paths); None when missing or damaged.
    pub fn page(&self, page: &PageInfo) -> Option<Vec<ListRow>> {
        let bytes = self.read_bytes(&self.list_path(&format!("p{}", page.number)), ROWS_CAP)?;
        if hash(&bytes) != page.hash {
            return None;
        }
        let rows: Vec<ListRow> = serde_json::from_slice(&bytes).ok()?;
        let keys: Vec<RowKey> = rows.iter().map(ListRow::key).collect();
        let sound = rows.iter().all(|r| {
            is_valid_id(r.id.as_str())
                && is_valid_id(&r.file)
                && (r.name.is_none() || self.stem(r.id.as_str()) == r.file)
        }) && keys.windows(2).all(|w| w[0] < w[1])
            && keys.first() == Some(&page.first)
            && Totals::of(&rows) == page.totals;
        sound.then_some(rows)
    }

    /// Writes page `number` with `rows` (sorted, not empty); its entry in the list.
    fn write_page(&self, number: u64, rows: &[ListRow]) -> anyhow::Result<PageInfo> {
        let bytes = serde_json::to_vec(rows)?;
        self.write_bytes(&self.list_path(&format!("p{number}")), &bytes)?;
        Ok(PageInfo { number, first: rows[0].key(), hash: hash(&bytes), totals: Totals::of(rows) })
    }

    /// Writes the rows of `entries` whole, in new pages, then the page
    /// list; the old pages go last. Call under the lock.
    pub(crate) fn write_rows(&self, entries: &[IndexEntry]) -> anyhow::Result<()> {
        let old =
            self.read_bytes(&self.list_path(PAGES), ROWS_CAP).and_then(|b| serde_json::from_slice::<Pages>(&b).ok());
        if old.is_none() {
            // Whatever is there is not ours to keep.
            let _ = std::fs::remove_dir_all(self.path(LIST));
        }
        let mut rows: Vec<ListRow> = entries.iter().map(ListRow::of).collect();
        rows.sort_by_cached_key(ListRow::key);
        rows.dedup_by(|b, a| a.key() == b.key());
        let mut next = old.as_ref().map_or(0, |o| o.next);
        let mut pages = Vec::new();
        for chunk in rows.chunks(PAGE) {
            pages.push(self.write_page(next, chunk)?);
            next += 1;
        }
        let keep: BTreeSet<String> =
            pages.iter().map(|p| format!("p{}", p.number)).chain([PAGES.to_string()]).collect();
        self.write_bytes(&self.list_path(PAGES), &serde_json::to_vec(&Pages { pages, next })?)?;
        // Every other file goes: the old pages, and any a write stopped
        // part way left (an erased client's row among them).
        for e in std::fs::read_dir(self.path(LIST))?.filter_map(Result::ok) {
            if !keep.contains(e.file_name().to_string_lossy().as_ref()) {
                self.remove(&e.path())?;
            }
        }
        Ok(())
    }

    /// Moves client `id`'s row after a save: out of the place `old` (its
    /// key before, if it changed; else where `entry` sorts) and into its
    /// place now (nowhere when `entry` is None: the client is gone). Rows
    /// that cannot be trusted, or a row not where it should be, are removed
    /// whole instead: the next look writes them again from the summaries.
    /// Call under the lock.
    pub(super) fn update_row(
        &self,
        state: &State,
        id: &ClientId,
        old: Option<RowKey>,
        entry: Option<&IndexEntry>,
    ) -> anyhow::Result<()> {
        let new = entry.map(ListRow::of);
        let moved = self.pages(state).and_then(|pages| self.move_row(pages, id, old, new).transpose());
        match moved {
            Some(result) => result,
            None => Ok(self.remove(&self.list_path(PAGES))?),
        }
    }

    /// [`Self::update_row`] on sound pages; Ok(None) when a page is damaged
    /// or the row is not where it should be.
    fn move_row(
        &self,
        mut pages: Pages,
        id: &ClientId,
        old: Option<RowKey>,
        new: Option<ListRow>,
    ) -> anyhow::Result<Option<()>> {
        let renamed = old.is_some();
        let Some(old) = old.or_else(|| new.as_ref().map(ListRow::key)) else { return Ok(None) };
        // The pages touched, by position in the list, read once.
        let mut touched: std::collections::BTreeMap<usize, Vec<ListRow>> = Default::default();
        if !pages.pages.is_empty() {
            let at = pages.page_for(&old);
            let Some(rows) = self.page(&pages.pages[at]) else { return Ok(None) };
            touched.insert(at, rows);
            let rows = touched.get_mut(&at).expect("just put");
            match rows.iter().position(|r| r.id == *id) {
                Some(i) => {
                    rows.remove(i);
                }
                // Renamed, the row must have been there; else the client is new.
                None if renamed || new.is_none() => return Ok(None),
                None => {}
            }
        }
        if let Some(row) = new {
            let key = row.key();
            let at = if pages.pages.is_empty() { 0 } else { pages.page_for(&key) };
            if let std::collections::btree_map::Entry::Vacant(slot) = touched.entry(at) {
                match pages.pages.get(at) {
                    Some(info) => match self.page(info) {
                        Some(rows) => drop(slot.insert(rows)),
                        None => return Ok(None),
                    },
                    None => drop(slot.insert(Vec::new())),
                }
            }
            let rows = touched.get_mut(&at).expect("just put");
            let i = rows.partition_point(|r| r.key() < key);
            rows.insert(i, row);
        }
        // Rewritten from the last page touched back, so positions hold.
        let mut gone = BTreeSet::new();
        for (at, rows) in touched.into_iter().rev() {
            let number = pages.pages.get(at).map(|p| p.number);
            if rows.is_empty() {
                if let Some(n) = number {
                    gone.insert(n);
                    pages.pages.remove(at);
                }
                continue;
            }
            let mut parts =
                if rows.len() > PAGE_MAX { rows.chunks(PAGE).map(<[ListRow]>::to_vec).collect() } else { vec![rows] };
            let first = parts.remove(0);
            let number = number.unwrap_or_else(|| {
                pages.next += 1;
                pages.next - 1
            });
            let info = self.write_page(number, &first)?;
            match pages.pages.get_mut(at) {
                Some(p) => *p = info,
                None => pages.pages.insert(at, info),
            }
            for (k, part) in parts.iter().enumerate() {
                pages.next += 1;
                pages.pages.insert(at + 1 + k, self.write_page(pages.next - 1, part)?);
            }
        }
        self.write_bytes(&self.list_path(PAGES), &serde_json::to_vec(&pages)?)?;
        for n in gone {
            self.remove(&self.list_path(&format!("p{n}")))?;
        }
        Ok(Some(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ClientProfile, ClientRecord};

    fn entry(id: &str, name: &str, archived: bool) -> IndexEntry {
        let profile = ClientProfile { name: name.into(), ..Default::default() };
        let mut r = ClientRecord::new(ClientId::new(id), profile, chrono::NaiveDate::MIN);
        r.client.archived = archived;
        IndexEntry {
            id: ClientId::new(id),
            file: id.into(),
            stamp: Stamp { modified_ns: 1, len: 1 },
            summary: Some(super::super::ClientSummary::of(&r)),
            error: None,
            read_only: false,
        }
    }

    /// Every row, page by page, as a reader sees them.
    fn read_all(index: &IndexDir) -> Vec<ListRow> {
        let state = State { rows: index.rows_written(), ..Default::default() };
        let pages = index.pages(&state).expect("sound pages");
        pages.pages.iter().flat_map(|p| index.page(p).expect("sound page")).collect()
    }

    #[test]
    fn rows_moved_save_by_save_match_rows_written_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let index = IndexDir::new(tmp.path(), None);
        let mut all: Vec<IndexEntry> =
            (0..600).map(|i| entry(&format!("c-{i:04}"), &format!("Client {i:04}"), i % 7 == 0)).collect();
        index.write_rows(&all).unwrap();
        let mut state = State { rows: index.rows_written(), ..Default::default() };
        // 700 new clients all sorting into one page split it; renames move rows across pages.
        for i in 0..700 {
            let e = entry(&format!("n-{i:04}"), &format!("Client 0300 {i:04}"), false);
            index.update_row(&state, &e.id, None, Some(&e)).unwrap();
            state.rows = index.rows_written();
            all.push(e);
        }
        for i in (0..600).step_by(50) {
            let old = key_of(&all[i].id, Some((&format!("Client {i:04}"), None)));
            let e = entry(&format!("c-{i:04}"), &format!("Aaron {i:04}"), true);
            index.update_row(&state, &e.id, Some(old), Some(&e)).unwrap();
            state.rows = index.rows_written();
            all[i] = e;
        }
        let incremental = read_all(&index);
        let (t_incremental, pages) = (index.pages(&state).unwrap().totals(), index.pages(&state).unwrap().pages.len());
        assert!(pages > 1300 / PAGE_MAX, "pages were split: {pages}");
        index.write_rows(&all).unwrap();
        assert_eq!(incremental, read_all(&index));
        state.rows = index.rows_written();
        assert_eq!(t_incremental, index.pages(&state).unwrap().totals());
        assert_eq!(t_incremental.rows, 1300);
        assert_eq!(t_incremental.archived, all.iter().filter(|e| e.summary.as_ref().unwrap().archived).count());
    }

    #[test]
    fn a_row_not_where_its_old_name_says_makes_the_rows_be_written_again() {
        let tmp = tempfile::tempdir().unwrap();
        let index = IndexDir::new(tmp.path(), None);
        let all: Vec<IndexEntry> =
            (0..300).map(|i| entry(&format!("c-{i:04}"), &format!("Client {i:04}"), false)).collect();
        index.write_rows(&all).unwrap();
        let state = State { rows: index.rows_written(), ..Default::default() };
        // c-0000 stands on the first page; its old name is said to sort on the second.
        let e = entry("c-0000", "Zed", false);
        index.update_row(&state, &e.id, Some(key_of(&e.id, Some(("Client 0299", None)))), Some(&e)).unwrap();
        assert_eq!(index.rows_written(), [0, 0], "the page list is gone, to be written again");
    }

    #[test]
    fn a_page_list_rapport_did_not_leave_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let index = IndexDir::new(tmp.path(), None);
        index.write_rows(&[entry("ann", "Ann", false)]).unwrap();
        let state = State { rows: index.rows_written(), ..Default::default() };
        assert!(index.pages(&state).is_some());
        assert!(index.pages(&State::default()).is_none(), "no page list recorded in the state");
        let stale = State { rows: [state.rows[0], state.rows[1] + 1], ..state };
        assert!(index.pages(&stale).is_none(), "another length than recorded");
    }
}
