//! `today.json`: the summaries of the clients Today shows, kept beside the
//! whole summaries so the app's first frame reads a file the size of the
//! caseload rather than of the practice. The rest of the clients load
//! behind it.
//!
//! Today shows the appointments and the messages awaiting a reply of the
//! clients not archived (and how many client files could not be read), so
//! this file holds every such client with an appointment or a message in
//! their summary, and every unreadable one (a summary keeps only recent
//! and coming appointments, see `recent_appointments`): what Today makes
//! of it is what it makes of every summary. It is written with the
//! summaries, and believed only when the index's state names it as
//! Rapport last left it, after the summaries it was made from.

use serde::{Deserialize, Serialize};

use super::state::State;
use super::{INDEX_VERSION, IndexDir, IndexEntry, Stamp};

pub(super) const TODAY: &str = "today.json";

/// A few hundred bytes a client Today shows.
const TODAY_CAP: u64 = 64 << 20;

/// What Today shows of the practice, without the rest of it.
#[derive(Debug, Serialize, Deserialize)]
pub struct TodayFile {
    version: u32,
    /// The practice has a client (the app opens on the client list when not).
    pub any: bool,
    /// Every client not archived with an appointment or a message awaiting
    /// a reply in their summary, sorted by id.
    pub clients: Vec<IndexEntry>,
}

/// A client Today could show: not archived, with something in the agenda
/// or awaiting a reply; or one whose file could not be read (Today says
/// so: their appointments cannot be shown).
fn shown(e: &IndexEntry) -> bool {
    e.summary.as_ref().is_none_or(|s| !s.archived && (!s.appointments.is_empty() || !s.awaiting.is_empty()))
}

impl IndexDir {
    /// The file's time and length now ([0, 0] when missing).
    pub(super) fn today_written(&self) -> [u128; 2] {
        Stamp::of(&self.path(TODAY)).map_or([0, 0], |s| [s.modified_ns, u128::from(s.len)])
    }

    /// Today's clients, if Rapport wrote the file last as `state` says;
    /// None when missing, damaged or stale.
    pub fn today(&self, state: &State) -> Option<TodayFile> {
        if state.today == [0, 0] || state.today != self.today_written() {
            return None;
        }
        let file: TodayFile = serde_json::from_slice(&self.read_bytes(&self.path(TODAY), TODAY_CAP)?).ok()?;
        let sound = file.version == INDEX_VERSION
            && file.clients.iter().all(|e| shown(e) && self.sound(e))
            && file.clients.is_sorted_by(|a, b| a.id < b.id)
            && (file.any || file.clients.is_empty());
        sound.then_some(file)
    }

    /// Writes the file from every entry (sorted by id).
    pub(super) fn write_today(&self, entries: &[IndexEntry]) -> anyhow::Result<()> {
        let file = TodayFile {
            version: INDEX_VERSION,
            any: !entries.is_empty(),
            clients: entries.iter().filter(|e| shown(e)).cloned().collect(),
        };
        self.write_bytes(&self.path(TODAY), &serde_json::to_vec(&file)?)
    }

    /// Writes the file from `entries` (the summaries as `state` says) when
    /// it is missing or stale, as after an upgrade. Call under the lock.
    pub fn keep_today(&self, entries: &[IndexEntry], state: &State) -> anyhow::Result<()> {
        if self.today(state).is_some() {
            return Ok(());
        }
        self.write_today(entries)?;
        self.write_state(state)
    }

    /// Puts client file `file`'s new entry (None: gone) in the file. One
    /// that cannot be read as Rapport left it is removed instead: the app
    /// then opens from the whole summaries, until they are written whole.
    pub(super) fn update_today(&self, file: &str, entry: Option<&IndexEntry>) -> anyhow::Result<()> {
        let path = self.path(TODAY);
        let old = self.state().and_then(|s| self.today(&s));
        let Some(mut today) = old.filter(|_| entry.is_some()) else {
            // A client gone may have been the last: only the whole summaries can tell.
            return Ok(self.remove(&path)?);
        };
        today.clients.retain(|e| e.file != file);
        if let Some(e) = entry.filter(|e| shown(e)) {
            let at = today.clients.partition_point(|c| c.id < e.id);
            today.clients.insert(at, e.clone());
        }
        today.any = true;
        self.write_bytes(&path, &serde_json::to_vec(&today)?)
    }
}
