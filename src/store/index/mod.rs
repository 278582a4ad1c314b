//! A derived index of the data folder, so a practice of any size opens
//! instantly: one small summary per client (for the list, Today and name
//! look-ups) and the text of every note in shard files (for search).
//!
//! It is never the source of truth. Each entry remembers the size and
//! modification time of the client file it was built from; a file that
//! changed, appeared or went away is re-read, and an index that is missing
//! or damaged is rebuilt from the client files.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::crypt::SharedKeys;
use crate::domain::bounds::is_valid_id;
use crate::domain::find::fold;
use crate::domain::{Appointment, Channel, ClientId, ClientRecord, ContactId};

/// Bump when the index layout changes: an old index is then rebuilt.
/// 5: text folded for accents; a line for each addendum, task outcome and
/// message, named by its [`Place`].
const INDEX_VERSION: u32 = 5;
/// Note text is spread over this many shard files, so a save rewrites one
/// small shard rather than all the text.
pub const SHARDS: u64 = 64;

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
    pub at: NaiveDateTime,
    pub summary: String,
}

/// What the list, Today and name look-ups need of a client, without
/// reading their file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub name: String,
    pub preferred_name: Option<String>,
    pub archived: bool,
    pub sessions: usize,
    pub last_session: Option<NaiveDateTime>,
    pub open_tasks: usize,
    pub reminder: Option<String>,
    /// The appointments Today, the agenda and the list can still show: from
    /// the day of the latest one with its note written, and those without a
    /// note in the week before it (see [`recent_appointments`]).
    pub appointments: Vec<Appointment>,
    pub awaiting: Vec<Awaiting>,
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
        }
    }

    /// "Maria Lopez (Mari)" or just the name.
    pub fn display_name(&self) -> String {
        crate::domain::display_name(&self.name, self.preferred_name.as_deref())
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
    #[serde(default)]
    pub error: Option<String>,
    /// Written by a newer Rapport: shown, never written.
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    clients: Vec<IndexEntry>,
}

/// The index folder of a data folder.
pub(crate) struct IndexDir {
    dir: PathBuf,
    pub(crate) keys: SharedKeys,
}

/// The shard a client's text lives in.
fn shard_of(id: &str) -> u64 {
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % SHARDS
}

fn one_line(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The searchable text of one session: its topics, feedback, observations,
/// the tasks and personal details it set, the plan and the notes, on one line.
pub fn session_text(r: &ClientRecord, s: &crate::domain::Session) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(s.topics.iter().map(String::as_str));
    parts.extend(s.feedback.iter().map(String::as_str));
    parts.extend(s.observations.iter().map(String::as_str));
    parts.extend(r.tasks.iter().filter(|t| t.session.as_deref() == Some(&s.id)).map(|t| t.text.as_str()));
    parts.extend(r.personal.iter().filter(|p| p.session.as_deref() == Some(&s.id)).map(|p| p.text.as_str()));
    parts.push(&s.plan);
    parts.push(&s.notes);
    one_line(&parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · "))
}

/// The searchable text of tasks and personal details noted outside a session.
pub fn loose_text(r: &ClientRecord) -> String {
    let loose: Vec<&str> = r
        .tasks
        .iter()
        .filter(|t| t.session.is_none())
        .map(|t| t.text.as_str())
        .chain(r.personal.iter().filter(|p| p.session.is_none()).map(|p| p.text.as_str()))
        .collect();
    one_line(&loose.join(" · "))
}

/// Where in a client's record a line of searchable text stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A session's note, with the tasks and personal details it set.
    Note(String),
    /// The n-th (from 1) addendum beneath a session's note.
    Addendum(String, usize),
    /// The outcome noted for a task.
    Outcome(String),
    /// A message logged from or to the client.
    Message(String),
    /// Tasks and personal details noted outside a session.
    Profile,
}

impl Place {
    /// How the place is written in a shard line. Ids are `a-z`, `0-9` and
    /// `-` (see `is_valid_id`), so `+`, `:` and a lone `-` cannot be one.
    fn code(&self) -> String {
        match self {
            Place::Note(s) => s.clone(),
            Place::Addendum(s, n) => format!("{s}+{n}"),
            Place::Outcome(t) => format!("outcome:{t}"),
            Place::Message(c) => format!("message:{c}"),
            Place::Profile => "-".into(),
        }
    }

    /// The place a shard line names, or None for one Rapport did not write.
    pub(crate) fn parse(code: &str) -> Option<Place> {
        let place = if code == "-" {
            Place::Profile
        } else if let Some(t) = code.strip_prefix("outcome:") {
            Place::Outcome(t.into())
        } else if let Some(c) = code.strip_prefix("message:") {
            Place::Message(c.into())
        } else if let Some((s, n)) = code.split_once('+') {
            Place::Addendum(s.into(), n.parse().ok().filter(|&n| n > 0)?)
        } else {
            Place::Note(code.into())
        };
        let id = match &place {
            Place::Note(id) | Place::Addendum(id, _) | Place::Outcome(id) | Place::Message(id) => id.as_str(),
            Place::Profile => return Some(place),
        };
        is_valid_id(id).then_some(place)
    }

    /// Where a hit is, for a person: "s3", "addendum to s3", "outcome of
    /// t2", "message c4", "profile".
    pub fn label(&self) -> String {
        match self {
            Place::Note(s) => s.clone(),
            Place::Addendum(s, 1) => format!("addendum to {s}"),
            Place::Addendum(s, n) => format!("addendum {n} to {s}"),
            Place::Outcome(t) => format!("outcome of {t}"),
            Place::Message(c) => format!("message {c}"),
            Place::Profile => "profile".into(),
        }
    }

    /// The text at this place in `r`, on one line; None when `r` has no such place.
    pub fn text(&self, r: &ClientRecord) -> Option<String> {
        Some(match self {
            Place::Note(s) => session_text(r, r.session(s)?),
            Place::Addendum(s, n) => one_line(&r.session(s)?.addenda.get(n - 1)?.text),
            Place::Outcome(t) => one_line(r.tasks.iter().find(|x| x.id == *t)?.outcome.as_ref()?),
            Place::Message(c) => one_line(&r.contacts.iter().find(|x| x.id == *c)?.summary),
            Place::Profile => loose_text(r),
        })
    }

    /// The session this place belongs to, if any: where a hit opens.
    pub fn session(&self, r: &ClientRecord) -> Option<String> {
        match self {
            Place::Note(s) | Place::Addendum(s, _) => Some(s.clone()),
            Place::Outcome(t) => r.tasks.iter().find(|x| x.id == *t)?.session.as_ref().map(|s| s.to_string()),
            Place::Message(_) | Place::Profile => None,
        }
    }
}

/// The searchable lines of a client, folded for matching (see
/// [`fold`]): one per session's note, addendum, task outcome and message,
/// and one for details noted outside a session.
/// `id \t place \t date \t text`
pub fn text_lines(r: &ClientRecord) -> Vec<String> {
    let mut places: Vec<(Place, NaiveDate)> = Vec::new();
    for s in &r.sessions {
        places.push((Place::Note(s.id.to_string()), s.at.date()));
        places
            .extend(s.addenda.iter().enumerate().map(|(i, a)| (Place::Addendum(s.id.to_string(), i + 1), a.at.date())));
    }
    for t in r.tasks.iter().filter(|t| t.outcome.is_some()) {
        places.push((Place::Outcome(t.id.to_string()), t.closed_on.unwrap_or(t.set_on)));
    }
    places.extend(r.contacts.iter().map(|c| (Place::Message(c.id.to_string()), c.at.date())));
    places.push((Place::Profile, r.client.created));
    let id = &r.client.id;
    places
        .into_iter()
        .filter_map(|(place, date)| {
            let text = place.text(r).filter(|t| !t.trim().is_empty())?;
            Some(format!("{id}\t{}\t{}\t{}", place.code(), date.format("%Y-%m-%d"), fold(&text)))
        })
        .collect()
}

impl IndexDir {
    pub fn new(root: &Path, keys: SharedKeys) -> IndexDir {
        IndexDir { dir: root.join("index"), keys }
    }

    /// The file name of client `id` (see [`super::Store::stem`]).
    fn stem(&self, id: &str) -> String {
        match &self.keys {
            Some(k) => k.stem(id),
            None => id.to_string(),
        }
    }

    /// Reads an index file, decrypting it when the folder is encrypted.
    pub fn read_bytes(&self, path: &Path) -> Option<Vec<u8>> {
        // Never through a link; derived files are rebuilt if refused.
        let bytes = super::files::read_regular(path, 1 << 30).ok()?;
        match &self.keys {
            Some(k) => k.decrypt(&bytes),
            None => Some(bytes),
        }
    }

    fn write_bytes(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        match &self.keys {
            // Derived data: atomic, but not worth an fsync; a torn index is rebuilt.
            Some(k) => super::atomic::write_atomic_unsynced(path, &k.encrypt(bytes)),
            None => super::atomic::write_atomic_unsynced(path, bytes),
        }
    }

    fn file(&self) -> PathBuf {
        self.dir.join("clients.json")
    }

    pub fn shard_path(&self, shard: u64) -> PathBuf {
        self.dir.join(format!("text-{shard:02}.tsv"))
    }

    /// The entries as last written, or None when missing, damaged, old, or
    /// when a shard is missing.
    fn read(&self) -> Option<Vec<IndexEntry>> {
        let bytes = self.read_bytes(&self.file())?;
        let file: IndexFile = serde_json::from_slice(&bytes).ok()?;
        if file.version != INDEX_VERSION || (0..SHARDS).any(|s| !self.shard_path(s).exists()) {
            return None;
        }
        Some(file.clients)
    }

    fn write(&self, clients: Vec<IndexEntry>) -> anyhow::Result<Vec<IndexEntry>> {
        super::atomic::create_private_dir(&self.dir)?;
        let file = IndexFile { version: INDEX_VERSION, clients };
        let bytes = serde_json::to_vec(&file)?;
        self.write_bytes(&self.file(), &bytes)?;
        Ok(file.clients)
    }

    /// Replaces the lines of `ids` in their shards with `lines`.
    fn rewrite_shards(
        &self,
        ids: &BTreeSet<ClientId>,
        lines: &BTreeMap<ClientId, Vec<String>>,
        all: bool,
    ) -> anyhow::Result<()> {
        super::atomic::create_private_dir(&self.dir)?;
        let shards: BTreeSet<u64> = if all { (0..SHARDS).collect() } else { ids.iter().map(|i| shard_of(i)).collect() };
        for shard in shards {
            let path = self.shard_path(shard);
            let old = if all {
                String::new()
            } else {
                self.read_bytes(&path).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
            };
            let mut out = String::with_capacity(old.len() + 4096);
            for line in old.lines() {
                let id = line.split('\t').next().unwrap_or("");
                if !ids.contains(id) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            for (id, ls) in lines.iter().filter(|(id, _)| shard_of(id) == shard) {
                if all || ids.contains(id) {
                    for l in ls {
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
            self.write_bytes(&path, out.as_bytes())?;
        }
        Ok(())
    }

    /// Brings the index up to date with the client files and returns it,
    /// sorted by id. `load` reads one client file. Call under the lock.
    pub fn refresh(
        &self,
        files: &[(String, PathBuf)],
        load: impl Fn(&str, PathBuf) -> super::ClientFile,
    ) -> anyhow::Result<Vec<IndexEntry>> {
        let old = self.read();
        let rebuild = old.is_none();
        // Keyed by file name: the id is only known once a file is read.
        // An entry is trusted only if it is one Rapport could have written:
        // valid ids, and a readable client's file named for its id.
        let mut by_id: BTreeMap<String, IndexEntry> = old
            .unwrap_or_default()
            .into_iter()
            .filter(|e| {
                is_valid_id(&e.id) && is_valid_id(&e.file) && (e.summary.is_none() || self.stem(&e.id) == e.file)
            })
            .map(|e| (e.file.clone(), e))
            .collect();
        let mut changed = BTreeSet::new();
        let mut lines = BTreeMap::new();
        let present: BTreeSet<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
        let gone: Vec<String> = by_id.keys().filter(|id| !present.contains(id.as_str())).cloned().collect();
        for file in gone {
            if let Some(e) = by_id.remove(&file) {
                changed.insert(e.id);
            }
        }
        for (file, path) in files {
            let Ok(stamp) = Stamp::of(path) else { continue };
            if by_id.get(file).is_some_and(|e| e.stamp == stamp) && !rebuild {
                continue;
            }
            let (entry, text) = entry_for(load(file, path.clone()), file, stamp);
            if let Some(old) = by_id.get(file) {
                changed.insert(old.id.clone());
            }
            lines.insert(entry.id.clone(), text);
            changed.insert(entry.id.clone());
            by_id.insert(file.clone(), entry);
        }
        let mut entries: Vec<IndexEntry> = by_id.into_values().collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        if rebuild || !changed.is_empty() {
            // The index is derived: one that cannot be written now (a full
            // disk) is written next time; the answer stands either way. The
            // summary goes last, so text not written is rewritten then.
            let _ = self.rewrite_shards(&changed, &lines, rebuild).and_then(|()| self.write(entries.clone()));
        }
        Ok(entries)
    }

    /// Forgets the index, so the next refresh rebuilds it. Call under the lock.
    pub fn discard(&self) -> anyhow::Result<()> {
        match fs::remove_file(self.file()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Updates one client's entry and text after a save. Call under the lock.
    pub fn update_one(&self, record: &ClientRecord, path: &Path) -> anyhow::Result<()> {
        let Some(mut entries) = self.read() else {
            // No usable index: the next refresh builds it whole.
            return Ok(());
        };
        let stamp = Stamp::of(path)?;
        let id = record.client.id.clone();
        let entry = IndexEntry {
            id: id.clone(),
            file: path.file_stem().and_then(|s| s.to_str()).unwrap_or(&id).to_string(),
            stamp,
            summary: Some(ClientSummary::of(record)),
            error: None,
            read_only: false,
        };
        match entries.binary_search_by(|e| e.id.cmp(&id)) {
            Ok(i) => entries[i] = entry,
            Err(i) => entries.insert(i, entry),
        }
        let ids = BTreeSet::from([id.clone()]);
        let lines = BTreeMap::from([(id, text_lines(record))]);
        self.rewrite_shards(&ids, &lines, false)?;
        self.write(entries)?;
        Ok(())
    }

    /// Takes client `id` out of the index and the search text at once (call
    /// under the lock). An index that cannot be read is removed whole: it is
    /// rebuilt from the client files when next needed.
    pub fn remove_one(&self, id: &str) -> anyhow::Result<()> {
        let Some(mut entries) = self.read() else {
            return match fs::remove_dir_all(&self.dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            };
        };
        entries.retain(|e| e.id != id);
        self.rewrite_shards(&BTreeSet::from([ClientId::from(id)]), &BTreeMap::new(), false)?;
        self.write(entries)?;
        Ok(())
    }

    /// The shard files, for search.
    pub fn shards(&self) -> impl Iterator<Item = PathBuf> + '_ {
        (0..SHARDS).map(|s| self.shard_path(s))
    }
}

fn entry_for(file: super::ClientFile, name: &str, stamp: Stamp) -> (IndexEntry, Vec<String>) {
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
