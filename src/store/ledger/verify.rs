//! Holding a client file against the ledger: what `rapport verify` names,
//! and whether a note may be sealed.

use super::*;
use crate::domain::{ClientId, ClientRecord, SessionId};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why a note does not match its witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub session: SessionId,
    pub at: Option<NaiveDateTime>,
    pub why: String,
}

/// Holds `record` against what the ledger witnessed of it (`notes`), and
/// against its own seals. Returns every note that does not match, once.
pub fn check(record: &ClientRecord, notes: &BTreeMap<SessionId, Witness>) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    let mut add = |session: &str, at: Option<NaiveDateTime>, why: &str| {
        if !found.iter().any(|f| f.session.as_str() == session) {
            found.push(Finding { session: SessionId::new(session), at, why: why.to_string() });
        }
    };
    for b in record.verify() {
        add(b.session.as_str(), Some(b.at), "was changed after it was finalised");
    }
    for (sid, w) in notes {
        let Some(s) = record.sessions.iter().find(|s| &s.id == sid) else {
            add(sid.as_str(), None, "was finalised and has been deleted from the file");
            continue;
        };
        match &s.finalised {
            None if !w.hash.is_empty() => {
                add(sid.as_str(), Some(s.at), "was finalised, and its seal has been removed from the file")
            }
            Some(f) if !w.hash.is_empty() && f.hash != w.hash => {
                add(sid.as_str(), Some(s.at), "was changed after it was finalised (its seal differs from the ledger)")
            }
            _ => {}
        }
        let have: Vec<String> = s.addenda.iter().map(|a| addendum_hash(sid.as_str(), a)).collect();
        if have != w.addenda {
            let why = if have.len() < w.addenda.len() {
                "has lost an addendum since it was added"
            } else if have.len() > w.addenda.len() {
                "has an addendum that Rapport did not add"
            } else {
                "has an addendum that was changed after it was added"
            };
            add(sid.as_str(), Some(s.at), why);
        }
    }
    for s in &record.sessions {
        if s.finalised.is_some() && notes.get(&s.id).is_none_or(|w| w.hash.is_empty()) {
            add(s.id.as_str(), Some(s.at), "carries a seal that Rapport did not make (it is not in the ledger)");
        } else if s.finalised.is_none() && !s.addenda.is_empty() && !notes.contains_key(&s.id) {
            add(s.id.as_str(), Some(s.at), "has an addendum that Rapport did not add");
        }
    }
    found
}

/// Whether sealing note `session` of `client` now with `hash` agrees with
/// the ledger: a note it witnessed sealed with another hash was changed.
pub fn may_seal(notes: &BTreeMap<SessionId, Witness>, session: &str, hash: &str) -> bool {
    notes.get(session).is_none_or(|w| w.hash.is_empty() || w.hash == hash)
}

/// What `verify` found, for the whole folder or one client.
#[derive(Debug, Default)]
pub struct Verified {
    pub clients: usize,
    /// Finalised notes checked.
    pub sealed: usize,
    /// (client name, finding) for every note that does not match.
    pub findings: Vec<(String, Finding)>,
    /// Client files that could not be read, and why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Clients the ledger witnessed whose file is gone: (id, notes).
    pub missing: Vec<(ClientId, usize)>,
    /// Ledger entries where its own chain does not hold.
    pub ledger_broken: Vec<u64>,
    /// The ledger is missing although it had been started.
    pub ledger_missing: bool,
    /// Encrypted: entries the practice's key does not authenticate.
    pub ledger_forged: Vec<u64>,
    /// Encrypted: entries from before Rapport authenticated them.
    pub unauthenticated: usize,
    /// Entries the ledger holds now.
    pub entries: usize,
    /// The newest snapshot's ledger was longer than this one: (snapshot,
    /// its number of entries).
    pub shorter_than_snapshot: Option<(String, u64)>,
    /// Snapshots whose manifest or stored files are damaged, in words.
    pub damaged_snapshots: Vec<String>,
    /// The code of the ledger's head now (see `anchor`), and its entry.
    pub head: Option<(String, u64)>,
    /// Asked to hold the ledger against an anchor code: the entry whose
    /// head it is, or None when the ledger no longer extends it.
    pub against: Option<Option<u64>>,
}

impl Verified {
    /// Nothing to report.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
            && self.unreadable.is_empty()
            && self.missing.is_empty()
            && self.ledger_broken.is_empty()
            && !self.ledger_missing
            && self.ledger_forged.is_empty()
            && self.shorter_than_snapshot.is_none()
            && self.damaged_snapshots.is_empty()
    }
}

impl crate::store::Store {
    pub(crate) fn ledger_error(&self, e: impl Into<anyhow::Error>) -> crate::store::StoreError {
        crate::store::StoreError::Write { path: path(self.root()), cause: e.into() }
    }

    /// The ledger had been started in this folder (the audit log says so).
    fn ledger_was_started(&self) -> bool {
        crate::store::audit::read(self.root(), self.keys.as_deref())
            .iter()
            .any(|e| e.action.starts_with("ledger started"))
    }

    /// Starts the ledger from the seals the files hold now (call under the
    /// lock): a practice that predates it, said once.
    fn start_ledger_locked(&self, now: NaiveDateTime) -> Result<(), crate::store::StoreError> {
        let again = self.ledger_was_started();
        let mut entries = vec![NewEntry {
            kind: Kind::Start,
            client: ClientId::default(),
            session: SessionId::default(),
            hash: String::new(),
        }];
        let mut seals = 0;
        for f in self.load_all()? {
            if let Ok(r) = f.record {
                let b = baseline(&r);
                seals += b.iter().filter(|e| e.kind == Kind::Seal).count();
                entries.extend(b);
            }
        }
        rewrite(self.root(), &[], &entries, now, self.keys.as_deref()).map_err(|e| self.ledger_error(e))?;
        self.audit(now, if again { "ledger started again" } else { "ledger started" }, "", &seals.to_string());
        if again {
            self.notice(format!(
                "the ledger (the record of every finalised note) was missing; it was started again from the {} \
                 the files hold now, so a change made to them before now cannot be named",
                crate::domain::plural(seals, "finalised note")
            ));
        } else if seals > 0 {
            self.notice(format!(
                "started the ledger, the record of every finalised note kept outside the client files, from the \
                 {} they hold now; from now on `rapport verify` holds each note against it",
                crate::domain::plural(seals, "finalised note")
            ));
        }
        Ok(())
    }

    /// What the ledger witnessed of client `id` (call under the lock); the
    /// ledger is started first if the folder has none.
    pub(crate) fn witness_locked(
        &self,
        id: &str,
        now: NaiveDateTime,
    ) -> Result<BTreeMap<SessionId, Witness>, crate::store::StoreError> {
        if !exists(self.root()) {
            // Started once and gone since: starting it again by itself would
            // accept whatever was done to finalised notes meanwhile.
            if self.ledger_was_started() {
                return Err(crate::store::StoreError::Record(crate::domain::RecordError::Invalid(
                    "the ledger (the record of every finalised note) is missing from the data folder, though it was \
                     started before; nothing was changed. Put the ledger file back, or run `rapport verify \
                     --restart-ledger` to start it again from the notes as they are now"
                        .into(),
                )));
            }
            self.start_ledger_locked(now)?;
        }
        if id.is_empty() {
            return Ok(BTreeMap::new());
        }
        self.witness_cached(id).map_err(|e| self.ledger_error(e))
    }

    /// Appends `entries` to the ledger (call under the lock).
    pub(crate) fn witness_append_locked(
        &self,
        entries: &[NewEntry],
        now: NaiveDateTime,
    ) -> Result<(), crate::store::StoreError> {
        if let Some(keys) = self.keys.as_deref()
            && !entries.is_empty()
        {
            let n = authenticate_old(self.root(), keys).map_err(|e| self.ledger_error(e))?;
            if n > 0 {
                self.audit(now, "ledger entries authenticated", "", &n.to_string());
                self.notice(format!(
                    "the ledger's {} from before Rapport authenticated them with the practice's key {} \
                     authenticated now, as they stand",
                    if n == 1 { "1 entry".to_string() } else { format!("{n} entries") },
                    if n == 1 { "was" } else { "were" }
                ));
            }
        }
        append(self.root(), entries, now, self.keys.as_deref()).map_err(|e| self.ledger_error(e))
    }

    /// Starts a lost ledger again from the seals the files hold now, when the
    /// therapist asks (`verify --restart-ledger`); said in the audit log.
    pub fn restart_ledger(&self, now: NaiveDateTime) -> Result<(), crate::store::StoreError> {
        let _lock = self.lock()?;
        if exists(self.root()) {
            return Err(crate::store::StoreError::Record(crate::domain::RecordError::Invalid(
                "the ledger is there; it is not started again. `rapport verify` holds the notes against it".into(),
            )));
        }
        self.start_ledger_locked(now)
    }

    /// Whether the ledger is missing though it had been started (for doctor).
    pub fn ledger_lost(&self) -> bool {
        !exists(self.root()) && self.ledger_was_started()
    }

    /// Holds every client file (or client `only`) against the ledger and
    /// its own seals. A folder that has never had a ledger starts one here.
    /// Snapshots are not checked here (`doctor`, its caller, checks them itself).
    pub fn verify(&self, only: Option<&str>, now: NaiveDateTime) -> Result<Verified, crate::store::StoreError> {
        self.verify_checking(only, now, None, false)
    }

    /// As [`Store::verify`], and holds the ledger against the anchor code
    /// `against` (`rapport verify --against CODE`).
    pub fn verify_against(
        &self,
        only: Option<&str>,
        now: NaiveDateTime,
        against: Option<&str>,
    ) -> Result<Verified, crate::store::StoreError> {
        self.verify_checking(only, now, against, true)
    }

    /// As [`Store::verify_against`]; the snapshots' objects too when `snapshots`.
    fn verify_checking(
        &self,
        only: Option<&str>,
        now: NaiveDateTime,
        against: Option<&str>,
        snapshots: bool,
    ) -> Result<Verified, crate::store::StoreError> {
        let _lock = self.lock()?;
        let mut v = Verified::default();
        if !exists(self.root()) {
            if self.ledger_was_started() {
                v.ledger_missing = true;
            } else {
                self.start_ledger_locked(now)?;
            }
        }
        let ledger = read(self.root(), self.keys.as_deref(), None).map_err(|e| self.ledger_error(e))?;
        v.ledger_broken = ledger.broken_at.clone();
        v.ledger_forged = ledger.forged.clone();
        v.unauthenticated = ledger.unauthenticated;
        v.entries = ledger.entries.len();
        v.shorter_than_snapshot = self.ledger_shorter_than_snapshot(&ledger.entries);
        if snapshots {
            let only_id = only.map(crate::domain::ClientId::new);
            v.damaged_snapshots = self.damaged_snapshots(only_id.as_ref()).into_iter().map(|d| d.text).collect();
        }
        v.head = ledger.entries.last().map(|e| (super::anchor::code(e.n, &e.link), e.n));
        v.against = against.map(|code| super::anchor::extends(&ledger.entries, code));
        let files = match only {
            Some(id) => vec![self.load_file(&crate::domain::ClientId::new(id))],
            None => self.load_all()?,
        };
        let mut seen = Vec::new();
        for f in files {
            match f.record {
                Err(e) => v.unreadable.push((f.path, e.to_string())),
                Ok(r) => {
                    v.clients += 1;
                    v.sealed += r.sessions.iter().filter(|s| s.finalised.is_some()).count();
                    let notes = witness(&ledger.entries, r.client.id.as_str());
                    for finding in check(&r, &notes) {
                        v.findings.push((r.client.name.clone(), finding));
                    }
                    // Process notes are sealed with their notes: each seal
                    // must hold, and a final note's process note be sealed.
                    if self.process_path(&r.client.id).symlink_metadata().is_ok() {
                        match self.process_notes(&r.client.id) {
                            Err(e) => v.unreadable.push((self.process_path(&r.client.id), e.to_string())),
                            Ok(p) => {
                                for (session, why) in crate::domain::process::against_record(&p, &r) {
                                    let at = r.session(&session).map(|s| s.at);
                                    v.findings.push((r.client.name.clone(), Finding { session, at, why: why.into() }));
                                }
                            }
                        }
                    }
                    seen.push(r.client.id);
                }
            }
        }
        if only.is_none() && v.unreadable.is_empty() {
            for id in clients(&ledger.entries) {
                let notes = witness(&ledger.entries, id.as_str());
                let sealed = notes.values().filter(|w| !w.hash.is_empty()).count();
                if !seen.contains(&id) && sealed > 0 {
                    v.missing.push((id, sealed));
                }
            }
        }
        Ok(v)
    }
}
