//! A derived index of the data folder, so a practice of any size opens
//! instantly: one small summary per client (for the list and Today), their
//! names (for finding a client by name), and the words of every note (for
//! search, see [`super::search`]).
//!
//! It is never the source of truth. Each entry remembers the size and
//! modification time of the client file it was built from. A save changes
//! the index with the file, under the folder lock; a change made by another
//! program is found as [`state`] says, and an index that is missing or
//! damaged is rebuilt from the client files.
//!
//! The summaries are a file written whole now and then, plus a log of the
//! entries changed since, so a save appends one line rather than rewriting
//! every client's summary.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::crypt::SharedKeys;
use crate::domain::bounds::is_valid_id;
use crate::domain::{Appointment, Channel, ClientId, ClientRecord, ContactId};

mod folder;
mod names;
mod quick_time;
mod refresh;
pub mod rows;
pub mod state;
mod text;
pub mod today;

use folder::{NAMES_CAP, STATE_CAP, SUMMARIES_CAP};
pub(crate) use folder::{RECENT_CAP, SEGMENT_CAP, WITNESS, WITNESS_CAP};
pub use names::ClientName;
use state::State;
pub use text::{Place, loose_text, session_text, text_lines};

/// Bump when the index layout changes: an old index is then rebuilt.
/// 5: text folded for accents; a line for each addendum, task outcome and
/// message, named by its [`Place`].
/// 6: a client's measure flag. 7: a state file, names apart, a log of
/// summaries, an inverted index. 8: a client's count of conflicts.
/// 9: an appointment says why it was not held (record format 5).
/// 10: the client list's rows in pages (`list/`).
/// 11: the search segment read a block at a time, each sealed on its own
/// when the practice is encrypted.
/// 12: in an encrypted practice every other index file (and each line of
/// the summaries' log) sealed under a key derived from the practice's,
/// not an age file.
const INDEX_VERSION: u32 = 12;
const STATE: &str = "state.json";
const CLIENTS: &str = "clients.json";
const LOG: &str = "clients.log";
const NAMES: &str = "names.tsv";

/// Which version of a client file an entry was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub modified_ns: u128,
    pub len: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> io::Result<Stamp> {
        let m = fs::metadata(path)?;
        let modified_ns = m.modified()?.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Ok(Stamp { modified_ns, len: m.len() })
    }
}

/// A message from the client still awaiting a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Awaiting {
    pub id: ContactId,
    pub channel: Channel,
    #[serde(deserialize_with = "quick_time::read")]
    pub at: NaiveDateTime,
    pub summary: String,
}

/// What the list, Today and name look-ups need of a client, without
/// reading their file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
    pub sessions: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quick_time::read_option")]
    pub last_session: Option<NaiveDateTime>,
    pub open_tasks: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder: Option<String>,
    /// The appointments Today, the agenda and the list can still show: from
    /// the day of the latest one with its note written, and those without a
    /// note in the week before it (see [`recent_appointments`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointments: Vec<Appointment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting: Vec<Awaiting>,
    /// The most urgent warning the client's latest measures raise (an SRS
    /// at or below 36, PHQ-9 item 9, reliable deterioration), so Today and
    /// the list show it before the review is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// Conflicts from two devices not yet settled (see `crate::sync`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub conflicts: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ClientSummary {
    pub fn of(r: &ClientRecord) -> ClientSummary {
        ClientSummary {
            name: r.client.name.clone(),
            preferred_name: r.client.preferred_name.clone(),
            archived: r.client.archived,
            sessions: r.sessions.len(),
            last_session: r.last_session().map(|s| s.at),
            open_tasks: r.open_tasks().count(),
            reminder: r.reminder(),
            appointments: recent_appointments(r),
            awaiting: r
                .contacts
                .iter()
                .filter(|c| c.awaits_reply())
                .map(|c| Awaiting { id: c.id.clone(), channel: c.channel, at: c.at, summary: c.summary.clone() })
                .collect(),
            flag: r.measure_flags(NaiveDateTime::MAX).into_iter().next().map(|f| f.text),
            conflicts: r.conflicts.len(),
        }
    }

    /// "Maria Lopez (Mari)" or just the name.
    pub fn display_name(&self) -> String {
        crate::domain::display_name(&self.name, self.preferred_name.as_deref())
    }

    /// What the therapist calls the client: "Mari", else "Maria Lopez".
    pub fn called(&self) -> &str {
        crate::domain::called(&self.name, self.preferred_name.as_deref())
    }

    /// The appointment a note begun at `now` is for (see
    /// [`ClientRecord::appointment_for_note`]).
    pub fn appointment_for_note(&self, now: NaiveDateTime) -> Option<&Appointment> {
        crate::domain::appointments::for_note(&self.appointments, now)
    }

    /// Whether a held appointment of the last `days` still waits for its note.
    pub fn note_due(&self, now: NaiveDateTime, days: i64) -> bool {
        use crate::domain::appointments::AppointmentState::NoteDue;
        self.appointments.iter().any(|a| a.state(now) == NoteDue && (now - a.end()).num_days() < days)
    }

    /// The booked appointment starting at `start`.
    pub fn appointment_at(&self, start: NaiveDateTime) -> Option<&Appointment> {
        self.appointments.iter().find(|a| a.start == start && !a.is_cancelled())
    }
}

/// The appointments still worth showing, chosen without knowing today's
/// date (an entry is built once and read for weeks): those from the day of
/// the latest appointment whose note is written (it was held), and the
/// booked ones without a note from the week before it, which may still be
/// due. A note's own date plays no part, so no note can hide an appointment.
fn recent_appointments(r: &ClientRecord) -> Vec<Appointment> {
    let held = r.appointments.iter().filter(|a| a.note.is_some()).map(|a| a.start.date()).max();
    let since = held.unwrap_or(NaiveDate::MIN);
    let due_since = since.checked_sub_days(chrono::Days::new(7)).unwrap_or(NaiveDate::MIN);
    r.appointments
        .iter()
        .filter(|a| a.start.date() >= since || (a.note.is_none() && !a.is_cancelled() && a.start.date() >= due_since))
        .cloned()
        .collect()
}

/// One client as the index knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: ClientId,
    /// The client file's name without its ending (the id, unless encrypted).
    pub file: String,
    pub stamp: Stamp,
    /// None when the file could not be read; `error` says why.
    pub summary: Option<ClientSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Written by a newer Rapport: shown, never written.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
}

// What is left out when empty keeps the summaries small: they are read
// whole when the app opens.
fn is_false(b: &bool) -> bool {
    !b
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexFile<E = IndexEntry> {
    version: u32,
    clients: Vec<E>,
}

/// What an entry of the summaries says of its file, read without the
/// summary itself: enough to tell whether any client file changed, for a
/// fraction of the memory of the whole entries.
#[derive(Debug, Deserialize)]
pub(crate) struct Stamped {
    id: ClientId,
    file: String,
    stamp: Stamp,
    /// Only whether there is one.
    summary: Option<serde::de::IgnoredAny>,
}

/// An entry of the summaries, whole ([`IndexEntry`]) or in part ([`Stamped`]).
trait Entry: serde::de::DeserializeOwned {
    fn id(&self) -> &ClientId;
    fn file(&self) -> &str;
    fn readable(&self) -> bool;
}

impl Entry for IndexEntry {
    fn id(&self) -> &ClientId {
        &self.id
    }
    fn file(&self) -> &str {
        &self.file
    }
    fn readable(&self) -> bool {
        self.summary.is_some()
    }
}

impl Entry for Stamped {
    fn id(&self) -> &ClientId {
        &self.id
    }
    fn file(&self) -> &str {
        &self.file
    }
    fn readable(&self) -> bool {
        self.summary.is_some()
    }
}

/// The summaries as they were read: the index's generation and the time
/// and length of the summaries and their log. The same mark later means
/// the same summaries (see [`super::Store::index_looked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexMark {
    generation: u64,
    written: [u128; 4],
}

impl IndexMark {
    pub(crate) fn of(state: &State) -> IndexMark {
        IndexMark { generation: state.generation, written: state.written }
    }
}

/// The index folder of a data folder.
pub(crate) struct IndexDir {
    dir: PathBuf,
    pub(crate) keys: SharedKeys,
}

/// One line of the summaries' log: client file `file` now has `entry`, or
/// is gone.
#[derive(Debug, Serialize, Deserialize)]
struct Logged<E = IndexEntry> {
    file: String,
    entry: Option<E>,
}

impl IndexDir {
    /// The file name of client `id` (see [`super::Store::stem`]).
    fn stem(&self, id: &str) -> String {
        match &self.keys {
            Some(k) => k.stem(id),
            None => id.to_string(),
        }
    }

    fn read_json<T: serde::de::DeserializeOwned>(&self, name: &str, cap: u64) -> Option<T> {
        // Checked as UTF-8 once, whole, rather than string by string.
        let bytes = self.read_bytes(&self.path(name), cap)?;
        serde_json::from_str(std::str::from_utf8(&bytes).ok()?).ok()
    }

    /// How fresh the index is, or None when it has none of this version.
    pub fn state(&self) -> Option<State> {
        self.read_json::<State>(STATE, STATE_CAP).filter(|s| s.version == INDEX_VERSION)
    }

    /// Writes `state`, with the summaries' and the page list's time and
    /// length as they are now: a caller that did not write them must know
    /// them to be as Rapport left them (see [`Self::summaries_believed`]),
    /// or another program's change would be believed from then on.
    pub(crate) fn write_state(&self, state: &State) -> anyhow::Result<()> {
        let state = State { written: self.written(), rows: self.rows_written(), today: self.today_written(), ..*state };
        self.write_bytes(&self.path(STATE), &serde_json::to_vec(&state)?)
    }

    /// The summaries and their log are as Rapport left them when it wrote
    /// `state`.
    pub(super) fn summaries_believed(&self, state: &State) -> bool {
        state.written == self.written()
    }

    /// The summaries file's and the log's time and length now.
    pub(super) fn written(&self) -> [u128; 4] {
        let [summaries, log] =
            [CLIENTS, LOG].map(|f| Stamp::of(&self.path(f)).map_or((0, 0), |s| (s.modified_ns, s.len)));
        [summaries.0, u128::from(summaries.1), log.0, u128::from(log.1)]
    }

    /// An entry Rapport could have written: valid ids, and a readable
    /// client's file named for its id.
    fn sound(&self, e: &impl Entry) -> bool {
        is_valid_id(e.id().as_str())
            && is_valid_id(e.file())
            && (!e.readable() || self.stem(e.id().as_str()) == e.file())
    }

    /// Every entry, sorted by id: the summaries file with the log since
    /// applied. None when missing, damaged or old.
    pub fn entries(&self) -> Option<Vec<IndexEntry>> {
        self.read_entries()
    }

    /// What every entry says of its file, without the summaries (see
    /// [`Stamped`]): as [`IndexDir::entries`] would give them.
    pub(crate) fn stamps(&self) -> Option<Vec<Stamped>> {
        self.read_entries()
    }

    fn read_entries<E: Entry>(&self) -> Option<Vec<E>> {
        if self.state()?.written != self.written() {
            return None;
        }
        let file: IndexFile<E> = match &self.keys {
            // Parsed as it is read, so the text is never held whole beside
            // what it becomes (4.6 MB at 15,000 clients).
            None => {
                let file = self.open_raw(&self.path(CLIENTS), SUMMARIES_CAP)?;
                let reader = io::BufReader::with_capacity(64 << 10, io::Read::take(file, SUMMARIES_CAP));
                serde_json::from_reader(reader).ok()?
            }
            Some(_) => self.read_json(CLIENTS, SUMMARIES_CAP)?,
        };
        if file.version != INDEX_VERSION {
            return None;
        }
        let log = self.log::<E>()?;
        let mut entries: Vec<E> = if log.is_empty() {
            // As written: one entry a file (the app's start reads this).
            file.clients
        } else {
            let mut by_file: BTreeMap<String, E> =
                file.clients.into_iter().map(|e| (e.file().to_string(), e)).collect();
            for logged in log {
                match logged.entry {
                    Some(e) => by_file.insert(logged.file, e),
                    None => by_file.remove(&logged.file),
                };
            }
            by_file.into_values().collect()
        };
        entries.retain(|e| self.sound(e));
        if !entries.is_sorted_by(|a, b| a.id() <= b.id()) {
            entries.sort_by(|a, b| a.id().cmp(b.id()));
        }
        // Written whole by Rapport, two entries never name one file; a file
        // changed by hand could: the first stays.
        entries.dedup_by(|b, a| a.file() == b.file());
        Some(entries)
    }

    /// The log's lines, in order; a torn or damaged line is skipped. None
    /// when the log is there but damaged (a link, too large): the changes
    /// it held are lost, and the index must be rebuilt.
    fn log<E: Entry>(&self) -> Option<Vec<Logged<E>>> {
        let bytes = self.read_raw(&self.path(LOG), SUMMARIES_CAP)?.unwrap_or_default();
        let lines = bytes
            .split(|&b| b == b'\n')
            .filter_map(|l| match &self.keys {
                Some(_) => self.open_sealed(&self.path(LOG), &STANDARD.decode(l).ok()?),
                None => Some(l.to_vec()),
            })
            .filter_map(|l| serde_json::from_slice(&l).ok())
            .collect();
        Some(lines)
    }

    /// Writes the summaries whole, and starts the log afresh.
    fn write_entries(&self, clients: Vec<IndexEntry>) -> anyhow::Result<Vec<IndexEntry>> {
        let file = IndexFile { version: INDEX_VERSION, clients };
        self.write_bytes(&self.path(CLIENTS), &serde_json::to_vec(&file)?)?;
        self.remove(&self.path(LOG))?;
        self.write_rows(&file.clients)?;
        self.write_today(&file.clients)?;
        Ok(file.clients)
    }

    /// Notes that client file `file` now has `entry` (None: it is gone).
    /// When the log has grown to a quarter of the summaries, they are
    /// written whole instead.
    fn log_entry(&self, file: &str, entry: Option<IndexEntry>) -> anyhow::Result<()> {
        let log = self.path(LOG);
        let logged = fs::symlink_metadata(&log).map_or(0, |m| m.len());
        let whole = fs::symlink_metadata(self.path(CLIENTS)).map_or(0, |m| m.len());
        if logged > (whole / 4).max(64 * 1024) {
            let Some(mut entries) = self.entries() else { return Ok(()) };
            entries.retain(|e| e.file != file);
            entries.extend(entry);
            entries.sort_by(|a, b| a.id.cmp(&b.id));
            return self.write_entries(entries).map(drop);
        }
        self.update_today(file, entry.as_ref())?;
        let json = serde_json::to_vec(&Logged { file: file.to_string(), entry })?;
        let mut line = match &self.keys {
            Some(_) => STANDARD.encode(self.seal(&log, &json)?).into_bytes(),
            None => json,
        };
        line.push(b'\n');
        self.make_folder_of(&log)?;
        super::audit::append_line_unsynced(&log, &line)?;
        Ok(())
    }

    /// Every client's name, for finding a client: None when missing or damaged.
    pub fn names(&self) -> Option<Vec<ClientName>> {
        let names = names::decode(&self.read_bytes(&self.path(NAMES), NAMES_CAP)?)?;
        Some(names.into_iter().filter(ClientName::is_sound).collect())
    }

    fn write_names(&self, names: &[ClientName]) -> anyhow::Result<()> {
        self.write_bytes(&self.path(NAMES), &names::encode(names))
    }

    /// Forgets the index, so the next look rebuilds it. Call under the lock.
    pub fn discard(&self) -> anyhow::Result<()> {
        Ok(self.remove(&self.path(STATE))?)
    }

    /// Makes the next look check every client file (a full pass), after a
    /// change to many of them. Call under the lock.
    pub fn check_next_time(&self) -> anyhow::Result<()> {
        match self.state() {
            Some(state) if self.summaries_believed(&state) => self.write_state(&State { clients_mtime: 0, ..state }),
            // Changed by another program: stamped anew, they would be believed.
            Some(_) => self.discard(),
            None => Ok(()),
        }
    }
}
