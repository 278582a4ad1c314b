//! The ledger: a witness of every seal, kept outside the client files.
//!
//! A finalised note carries its own hash, but whoever can edit the file can
//! recompute that hash, or remove the seal, or delete the note. So every
//! finalise (by hand or automatic) and every addendum also appends an entry
//! here — client id, session id, hash, time — and each entry is chained to
//! the one before it. `rapport verify` holds every client file against the
//! ledger. Lines are written like the audit log's (one whole line, one
//! write, synced; a torn last line is skipped). When the folder is encrypted
//! each line is `TAG BASE64`: the keyed hash that names the client's file,
//! then the entry as an age ciphertext, so a save decrypts only its own
//! client's entries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::write_atomic;
use super::audit::append_line;
use super::crypt::Keys;
use crate::domain::{Addendum, ClientId, ClientRecord, SessionId};

pub const LEDGER_FILE: &str = "ledger";

/// What an entry witnesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The ledger began; the entries that follow record the seals the
    /// files already held (a practice that predates the ledger).
    Start,
    /// A note was finalised with `hash`.
    Seal,
    /// An addendum with `hash` was added beneath a note.
    Addendum,
    /// A client's file was put back from a snapshot: what follows for that
    /// client replaces what came before.
    Restore,
    /// A client was erased, and their entries with them.
    Erased,
    /// The seal or addendum with `hash` witnessed just before was never
    /// saved (the client file could not be written): it is taken back.
    Withdrawn,
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3, … with no gap.
    pub n: u64,
    pub at: NaiveDateTime,
    pub kind: Kind,
    #[serde(default)]
    pub client: ClientId,
    #[serde(default)]
    pub session: SessionId,
    #[serde(default)]
    pub hash: String,
    /// The previous entry's `link` (empty for the first).
    pub prev: String,
    /// SHA-256 of `prev` and this entry's other fields (but `mac`).
    pub link: String,
    /// In an encrypted practice, the HMAC of `link` under a key derived
    /// from the practice's identity ([`Keys::ledger_mac`]): no one without
    /// the passphrase can forge, rechain or withdraw an entry. Empty in a
    /// plain practice, and in entries written before Rapport made it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mac: String,
}

impl Entry {
    fn compute_link(&self) -> String {
        let mut bare = self.clone();
        bare.link = String::new();
        bare.mac = String::new();
        let mut h = Sha256::new();
        h.update(self.prev.as_bytes());
        h.update(serde_json::to_vec(&bare).expect("entries serialise"));
        hex::encode(h.finalize())
    }
}

/// The hash that witnesses an addendum: its note, time and words.
pub fn addendum_hash(session: &str, a: &Addendum) -> String {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&(session, a.at, &a.text)).expect("addenda serialise"));
    hex::encode(h.finalize())
}

/// The mark `client delete` leaves in an `Erased` entry of a synced
/// practice's ledger: a hash of the client's id, so the erasure travels as
/// an explicit, witnessed tombstone, and a client file that is merely
/// missing (removed by hand, or by a cleaning tool) is never taken for one.
pub fn tombstone(client: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rapport erased client\0");
    h.update(client.as_bytes());
    hex::encode(h.finalize())
}

/// Whether `entries` hold the tombstone of client `client`.
pub fn erased(entries: &[Entry], client: &str) -> bool {
    let mark = tombstone(client);
    entries.iter().any(|e| e.kind == Kind::Erased && e.hash == mark)
}

/// What the ledger says one note should be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// The hash of its latest seal.
    pub hash: String,
    /// The hashes of its addenda, in order.
    pub addenda: Vec<String>,
}

/// An entry to append, before it is numbered and chained.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub kind: Kind,
    pub client: ClientId,
    pub session: SessionId,
    pub hash: String,
}

/// The ledger as read: its entries (a torn or unreadable line is skipped
/// and counted), and the links that do not hold.
#[derive(Debug, Default)]
pub struct Read {
    pub entries: Vec<Entry>,
    pub torn: usize,
    /// Entry numbers where the chain is broken: an entry was changed,
    /// removed or put in.
    pub broken_at: Vec<u64>,
    /// In an encrypted practice, entries not authenticated by its key: a
    /// code that does not hold, or none where other entries have one.
    pub forged: Vec<u64>,
    /// Entries written before Rapport authenticated them (no entry of the
    /// ledger has a code yet): the next change authenticates them.
    pub unauthenticated: usize,
}

/// Which `entries` the practice's key does not authenticate: (forged, and
/// old). An entry whose code does not hold is forged; so is one without a
/// code in a ledger that has any (Rapport authenticates every entry once
/// it authenticates one). With no code anywhere, every entry is old.
pub fn authentication(entries: &[Entry], keys: &Keys) -> (Vec<u64>, usize) {
    let any = entries.iter().any(|e| !e.mac.is_empty());
    let mut forged = Vec::new();
    for e in entries {
        let holds = !e.mac.is_empty() && e.mac == keys.ledger_mac(&e.link) && e.link == e.compute_link();
        if any && !holds {
            forged.push(e.n);
        }
    }
    let old = if any { 0 } else { entries.len() };
    (forged, old)
}

pub fn path(root: &Path) -> PathBuf {
    root.join(LEDGER_FILE)
}

pub fn exists(root: &Path) -> bool {
    path(root).exists()
}

fn tag(keys: &Keys, client: &str) -> String {
    if client.is_empty() { "-".into() } else { keys.stem(client) }
}

fn line(e: &Entry, keys: Option<&Keys>) -> Vec<u8> {
    let json = serde_json::to_vec(e).expect("entries serialise");
    let mut line = match keys {
        Some(k) => format!("{} {}", tag(k, e.client.as_str()), STANDARD.encode(k.encrypt(&json))).into_bytes(),
        None => json,
    };
    line.push(b'\n');
    line
}

/// One client's lines, told apart cheaply: by the text `"client":"ID"` in
/// a plain line, by the tag of an encrypted one.
struct Only {
    needle: String,
    tag: String,
}

impl Only {
    fn new(client: &str, keys: Option<&Keys>) -> Only {
        Only { needle: format!("\"client\":\"{client}\""), tag: keys.map(|k| tag(k, client)).unwrap_or_default() }
    }
}

/// An entry, `Some(None)` for a line of another client (not read), or
/// `None` for a line that cannot be read (torn or damaged).
fn parse(l: &str, keys: Option<&Keys>, only: Option<&Only>) -> Option<Option<Entry>> {
    match keys {
        None => {
            // Ids are slugs, written by serde_json without escapes.
            if let Some(o) = only
                && !l.contains(&o.needle)
                && !l.contains("\"client\":\"\"")
                && l.trim_end().ends_with('}')
            {
                return Some(None);
            }
            serde_json::from_str(l).ok().map(Some)
        }
        Some(k) => {
            let (t, body) = l.split_once(' ')?;
            if only.is_some_and(|o| t != "-" && t != o.tag) {
                return Some(None);
            }
            let entry = serde_json::from_slice(&k.decrypt(&STANDARD.decode(body).ok()?)?).ok()?;
            Some(Some(entry))
        }
    }
}

/// `line` is an entry Rapport can read: plain, or with `keys` encrypted to them.
pub fn reads_line(line: &str, keys: Option<&Keys>) -> bool {
    parse(line, keys, None).flatten().is_some()
}

/// Rewrites every readable line, plain or encrypted with `keys`, encoded
/// for `to`, each entry kept exactly (the chain is not made anew: a broken
/// link stays visible). Encrypted, every entry whose link holds is
/// authenticated by `to`'s key; plain, no entry keeps a code.
pub(crate) fn reencode(root: &Path, keys: &Keys, to: Option<&Keys>) -> anyhow::Result<()> {
    let Ok(bytes) = super::files::read_file(path(root)) else { return Ok(()) };
    let entries: Vec<Entry> = String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|l| parse(l, None, None).flatten().or_else(|| parse(l, Some(keys), None).flatten()))
        .collect();
    write_atomic(&path(root), &authenticated_lines(entries, to))
}

/// The lines of `entries`, each kept but for its code: made by `to` for an
/// entry whose link holds, none otherwise.
fn authenticated_lines(entries: Vec<Entry>, to: Option<&Keys>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = String::new();
    for (i, mut e) in entries.into_iter().enumerate() {
        let holds = e.n == i as u64 + 1 && e.prev == prev && e.link == e.compute_link();
        prev = e.link.clone();
        e.mac = match to {
            Some(k) if holds => k.ledger_mac(&e.link),
            _ => String::new(),
        };
        out.extend(line(&e, to));
    }
    out
}

/// Authenticates, with `keys`, a ledger written before Rapport
/// authenticated its entries (none has a code): every entry whose link
/// holds, as it stands. The number authenticated; none when the last entry
/// has a code, or any entry does (then one without is forged, and stays so).
pub fn authenticate_old(root: &Path, keys: &Keys) -> std::io::Result<usize> {
    match last_entry(root, Some(keys))? {
        Some(e) if e.mac.is_empty() => {}
        _ => return Ok(0),
    }
    let read = read(root, Some(keys), None)?;
    if read.entries.iter().any(|e| !e.mac.is_empty()) {
        return Ok(0);
    }
    let n = read.entries.len() - read.broken_at.len();
    write_atomic(&path(root), &authenticated_lines(read.entries, Some(keys))).map_err(std::io::Error::other)?;
    Ok(n)
}

/// Reads the ledger. With `only`, an encrypted ledger decrypts just that
/// client's entries and the folder-wide ones (the chain is then not checked).
pub fn read(root: &Path, keys: Option<&Keys>, only: Option<&str>) -> std::io::Result<Read> {
    let text = match super::files::read_file(path(root)) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut read = Read::default();
    let only = only.map(|c| Only::new(c, keys));
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        match parse(l, keys, only.as_ref()) {
            Some(Some(e)) => read.entries.push(e),
            Some(None) => {}
            None => read.torn += 1,
        }
    }
    if only.is_none() || keys.is_none() {
        let mut prev = String::new();
        for (i, e) in read.entries.iter().enumerate() {
            if e.n != i as u64 + 1 || e.prev != prev || e.link != e.compute_link() {
                read.broken_at.push(e.n);
            }
            prev = e.link.clone();
        }
    }
    if let (None, Some(k)) = (&only, keys) {
        (read.forged, read.unauthenticated) = authentication(&read.entries, k);
    }
    Ok(read)
}

/// How many lines of the ledger cannot be read: torn by a crash or a full
/// disk, or damaged. (For `rapport doctor`; `verify` names a broken chain.)
pub fn torn_lines(root: &Path, keys: Option<&Keys>) -> usize {
    read(root, keys, None).map_or(0, |r| r.torn)
}

/// The last entry's number and link: where the next entry goes.
fn tail(root: &Path, keys: Option<&Keys>) -> std::io::Result<(u64, String)> {
    Ok(last_entry(root, keys)?.map_or((0, String::new()), |e| (e.n, e.link)))
}

/// The last whole entry of the ledger, if any.
fn last_entry(root: &Path, keys: Option<&Keys>) -> std::io::Result<Option<Entry>> {
    use std::io::{Read as _, Seek, SeekFrom};
    let mut f = match super::files::open_file(&path(root)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // The last whole entry is near the end: read the end, and all of the
    // file only if the end holds none.
    let len = f.metadata()?.len();
    for from in [len.saturating_sub(64 * 1024), 0] {
        f.seek(SeekFrom::Start(from))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let last = text.lines().rev().find_map(|l| parse(l, keys, None).flatten());
        if last.is_some() {
            return Ok(last);
        }
        if from == 0 {
            break;
        }
    }
    Ok(None)
}

/// What the ledger says each of `client`'s notes should be.
pub fn witness(entries: &[Entry], client: &str) -> BTreeMap<SessionId, Witness> {
    let mut notes: BTreeMap<SessionId, Witness> = BTreeMap::new();
    witness_more(&mut notes, entries, client);
    notes
}

/// Adds to `notes` (what earlier entries said of `client`) what `entries`,
/// the ones after them, say.
fn witness_more(notes: &mut BTreeMap<SessionId, Witness>, entries: &[Entry], client: &str) {
    for e in entries.iter().filter(|e| e.client.as_str() == client) {
        match e.kind {
            Kind::Restore => notes.clear(),
            Kind::Seal => notes.entry(e.session.clone()).or_default().hash = e.hash.clone(),
            Kind::Addendum => notes.entry(e.session.clone()).or_default().addenda.push(e.hash.clone()),
            Kind::Withdrawn => {
                if let Some(w) = notes.get_mut(&e.session) {
                    if w.hash == e.hash {
                        w.hash.clear();
                    } else if let Some(i) = w.addenda.iter().rposition(|a| *a == e.hash) {
                        w.addenda.remove(i);
                    }
                }
            }
            Kind::Start | Kind::Erased => {}
        }
    }
}

/// Every client the ledger has witnessed.
pub fn clients(entries: &[Entry]) -> Vec<ClientId> {
    let mut ids: Vec<ClientId> =
        entries.iter().filter(|e| !e.client.as_str().is_empty()).map(|e| e.client.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The entries that witness every seal and addendum `record` holds now.
pub fn baseline(record: &ClientRecord) -> Vec<NewEntry> {
    changes(None, record)
}

/// The entries for what `after` sealed or added beneath a note that
/// `before` (the record as it was on disk, if any) did not hold: seals in
/// chain order, then addenda.
pub fn changes(before: Option<&ClientRecord>, after: &ClientRecord) -> Vec<NewEntry> {
    let id = &after.client.id;
    let old = |sid: &str| before.and_then(|b| b.sessions.iter().find(|o| o.id.as_str() == sid));
    let entry = |kind, session: &str, hash: String| NewEntry {
        kind,
        client: id.clone(),
        session: SessionId::new(session),
        hash,
    };
    let mut out = Vec::new();
    let mut sealed: Vec<_> = after.sessions.iter().filter(|s| s.finalised.is_some()).collect();
    sealed.sort_by_key(|s| s.finalised.as_ref().map(|f| f.seq));
    for s in sealed {
        let f = s.finalised.as_ref().expect("sealed");
        if old(s.id.as_str()).and_then(|o| o.finalised.as_ref()).is_none_or(|o| o.hash != f.hash) {
            out.push(entry(Kind::Seal, s.id.as_str(), f.hash.clone()));
        }
    }
    for s in &after.sessions {
        let had = old(s.id.as_str()).map_or(0, |o| o.addenda.len());
        out.extend(
            s.addenda.iter().skip(had).map(|a| entry(Kind::Addendum, s.id.as_str(), addendum_hash(s.id.as_str(), a))),
        );
    }
    out
}

/// Appends `new`, each entry one whole line chained to the one before.
pub fn append(root: &Path, new: &[NewEntry], now: NaiveDateTime, keys: Option<&Keys>) -> std::io::Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let (n, prev) = tail(root, keys)?;
    let bytes = chained(n, prev, new.iter().map(|e| (now, e.clone())), keys);
    // One write for them all: a torn end is skipped on reading, and the
    // chain then resumes from the last whole entry.
    super::crash::point("ledger.append");
    append_line(&path(root), &bytes)
}

/// Rewrites the whole ledger from `entries` (kept in order), renumbered
/// and chained anew, followed by `tail`: after an erasure, or to change
/// its encryption.
pub fn rewrite(
    root: &Path,
    entries: &[Entry],
    tail: &[NewEntry],
    now: NaiveDateTime,
    keys: Option<&Keys>,
) -> anyhow::Result<()> {
    let kept = entries.iter().map(|e| {
        (e.at, NewEntry { kind: e.kind, client: e.client.clone(), session: e.session.clone(), hash: e.hash.clone() })
    });
    let bytes = chained(0, String::new(), kept.chain(tail.iter().map(|e| (now, e.clone()))), keys);
    write_atomic(&path(root), &bytes)
}

/// The lines of `items`, numbered on from `n` and each chained to the one
/// before, starting from the link `prev`.
fn chained(
    n: u64,
    prev: String,
    items: impl Iterator<Item = (NaiveDateTime, NewEntry)>,
    keys: Option<&Keys>,
) -> Vec<u8> {
    chained_entries(n, prev, items, keys).iter().flat_map(|e| line(e, keys)).collect()
}

/// The entries of `items`, numbered on from `n` and each chained to the
/// one before, starting from the link `prev`; authenticated with `keys`.
fn chained_entries(
    mut n: u64,
    mut prev: String,
    items: impl Iterator<Item = (NaiveDateTime, NewEntry)>,
    keys: Option<&Keys>,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for (at, e) in items {
        n += 1;
        let mut entry = Entry {
            n,
            at,
            kind: e.kind,
            client: e.client,
            session: e.session,
            hash: e.hash,
            prev,
            link: String::new(),
            mac: String::new(),
        };
        entry.link = entry.compute_link();
        if let Some(k) = keys {
            entry.mac = k.ledger_mac(&entry.link);
        }
        prev = entry.link.clone();
        out.push(entry);
    }
    out
}

pub mod anchor;
mod cache;
mod merge;
mod verify;

pub use merge::{entries_lost, erased_in, merge_files, merge_keeping};

pub use verify::{Finding, Verified, check, may_seal};
