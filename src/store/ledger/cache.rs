//! What the ledger witnessed of each client, kept between saves, so a save
//! reads only the ledger lines written since that client's last save
//! rather than the whole ledger (which grows with every finalised note).
//!
//! The cache is derived, in the index folder, and trusted only while the
//! ledger still holds, where the cache stopped reading, the very entry it
//! saw there (its number and its link, which chains every entry before
//! it). A ledger rewritten by an erasure, re-encrypted, cut short or edited
//! there is read whole again. `rapport verify` never uses the cache.

use std::collections::BTreeMap;
use std::io::{Read as _, Seek, SeekFrom};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Entry, Witness, parse, path, witness_more};
use crate::domain::SessionId;
use crate::store::Store;
use crate::store::index::{WITNESS, WITNESS_CAP};

/// How far back from where it stopped the cache looks for the entry it saw.
const LOOK_BACK: u64 = 64 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    client: String,
    /// The ledger was read up to this byte (just after a line break).
    end: u64,
    /// The number and link of the entry that ends there.
    n: u64,
    link: String,
    notes: BTreeMap<SessionId, Witness>,
}

impl Store {
    fn witness_cache_path(&self, id: &str) -> PathBuf {
        self.index_dir().path(WITNESS).join(self.stem(id))
    }

    /// What the ledger says of client `id`'s notes, reading only what was
    /// written since the cache was (call under the lock, with a ledger).
    pub(super) fn witness_cached(&self, id: &str) -> std::io::Result<BTreeMap<SessionId, Witness>> {
        let keys = self.keys.as_deref();
        let mut f = crate::store::files::open_file(&path(self.root()))?;
        let len = f.metadata()?.len();
        let cache_path = self.witness_cache_path(id);
        let cached: Option<Cached> = self
            .index_dir()
            .read_bytes(&cache_path, WITNESS_CAP)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|c: &Cached| c.client == id && c.end <= len);
        let only = super::Only::new(id, keys);
        let mut read_from = |from: u64| -> std::io::Result<Vec<u8>> {
            f.seek(SeekFrom::Start(from))?;
            let mut bytes = Vec::with_capacity((len - from) as usize);
            f.read_to_end(&mut bytes)?;
            Ok(bytes)
        };
        let line = |l: &[u8]| String::from_utf8_lossy(l).into_owned();
        // The entry whose line ends at byte `end`, in `text` read from `from`.
        let entry_at = |text: &[u8], from: u64, end: u64| -> Option<Entry> {
            let before = text.get(..usize::try_from(end.checked_sub(from)?).ok()?)?.strip_suffix(b"\n")?;
            parse(&line(before.rsplit(|&b| b == b'\n').next()?), keys, None).flatten()
        };
        let mut from = 0;
        let mut text = None;
        let mut start_notes = None;
        if let Some(c) = cached {
            let back = c.end.saturating_sub(LOOK_BACK);
            let t = read_from(back)?;
            if c.end == 0 || entry_at(&t, back, c.end).is_some_and(|e| e.n == c.n && e.link == c.link) {
                start_notes = Some((c.end, c.notes));
                (from, text) = (back, Some(t));
            }
        }
        let text = match text {
            Some(t) => t,
            None => read_from(0)?,
        };
        let (start, mut notes) = start_notes.unwrap_or((0, BTreeMap::new()));
        let new = text.get(usize::try_from(start - from).unwrap_or(usize::MAX)..).unwrap_or_default();
        let entries: Vec<Entry> = new
            .split(|&b| b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .filter_map(|l| parse(&line(l), keys, Some(&only)).flatten())
            .collect();
        witness_more(&mut notes, &entries, id);
        // Kept up to the last whole line, if it is an entry that can be found again.
        let end = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| from + i as u64 + 1);
        let seen = if end == 0 { Some((0, String::new())) } else { entry_at(&text, from, end).map(|e| (e.n, e.link)) };
        if let Some((n, link)) = seen {
            let cached = Cached { client: id.to_string(), end, n, link, notes: notes.clone() };
            if let Ok(bytes) = serde_json::to_vec(&cached) {
                // Derived: one not written is read from the ledger next time.
                let _ = self.index_dir().write_bytes(&cache_path, &bytes);
            }
        }
        Ok(notes)
    }

    /// Forgets what the cache holds of client `id` (when they are erased).
    pub(crate) fn forget_witness(&self, id: &str) {
        let _ = std::fs::remove_file(self.witness_cache_path(id));
    }
}
