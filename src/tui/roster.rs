//! The clients the app holds: each one's summary from the index and, once
//! shown, their whole record (a few at a time); the name filter; and the
//! agenda Today shows. Kept in step with the folder as it changes.

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::domain::agenda::{Slot, Warning, warnings_at};
use crate::domain::appointments::AppointmentState;
use crate::domain::measures::CustomScale;
use crate::domain::{Appointment, ClientId, ClientRecord, SessionId};
use crate::store::index::Stamp;
use crate::store::{ClientSummary, IndexEntry};
use chrono::{NaiveDate, NaiveDateTime};

/// One client as the app holds it: the index's summary (or why the file
/// could not be read), and the whole record once it has been loaded.
#[derive(Debug, Clone)]
pub struct ClientEntry {
    pub id: ClientId,
    pub summary: Result<ClientSummary, String>,
    /// Written by a newer Rapport, or unreadable: nothing writes to it.
    pub read_only: bool,
    /// Loaded when first shown; only a few are kept. Boxed: every client
    /// has an entry, and few a record.
    pub record: Option<Box<ClientRecord>>,
    /// The file version the summary was read from; None after our own save
    /// (the next refresh learns it without calling it a change).
    pub stamp: Option<Stamp>,
}

impl ClientEntry {
    pub fn from_index(e: IndexEntry) -> ClientEntry {
        let read_only = e.read_only || e.summary.is_none();
        let summary = e.summary.ok_or_else(|| e.error.unwrap_or_else(|| "could not be read".into()));
        ClientEntry { id: e.id, summary, read_only, record: None, stamp: Some(e.stamp) }
    }

    pub fn name(&self) -> &str {
        match &self.summary {
            Ok(s) => &s.name,
            Err(_) => self.id.as_str(),
        }
    }

    fn sort_key(&self) -> String {
        self.name().to_lowercase()
    }
}

/// One row of Today: an appointment, whose it is, and what to warn about
/// beside it (see [`crate::domain::agenda`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaRow {
    pub client: ClientId,
    pub appointment: Appointment,
    pub warnings: Vec<Warning>,
}

/// How many client records stay loaded at once.
pub const KEEP_LOADED: usize = 24;

/// How many days ahead Today looks.
pub const AGENDA_DAYS: i64 = 7;

/// Every client the app holds, sorted by name, and the few whole records
/// loaded: what every screen reads (through its `Ctx`) and none changes.
#[derive(Debug, Default)]
pub struct Roster {
    /// Sorted by name.
    pub clients: Vec<ClientEntry>,
    /// The positions in `clients`, in the order of their ids: a client is
    /// found by id in a binary search, with no second copy of every id.
    by_id: Vec<u32>,
    /// Ids whose records are loaded, oldest first, so few are kept.
    pub loaded: VecDeque<ClientId>,
    /// Bumped whenever a held record changes, so a screen's cache knows.
    pub generation: u64,
    /// The custom measures defined in the settings.
    pub custom_scales: Vec<CustomScale>,
    /// What Today shows, made from the summaries once and kept until one
    /// changes (or the day does): a keypress does not go over every client.
    today: RefCell<TodayCache>,
    /// Every client is held. False while the app opens: only the clients
    /// Today shows are held ([`Roster::opening`]), or none yet, and the
    /// rest load behind the first frame ([`Roster::completed`]).
    pub complete: bool,
    /// Today's clients are held while the rest load: what Today shows is
    /// what it will show.
    pub today_known: bool,
    /// How far the loading has got (client files read, of how many), once
    /// it takes long enough to say (a first open after `sync clone`).
    pub loading: Option<(usize, usize)>,
}

/// Today's rows and messages as last made from the summaries.
#[derive(Debug, Default)]
struct TodayCache {
    /// The day the rows were chosen for; None: made again when next asked.
    day: Option<NaiveDate>,
    /// Every appointment within [`AGENDA_DAYS`] either side of `day`, by
    /// start, with its warnings (made against every appointment held).
    rows: Vec<AgendaRow>,
    /// Where each message awaiting a reply is (client's place, message's
    /// place in their summary), oldest first.
    awaiting: Option<Vec<(usize, usize)>>,
}

impl Roster {
    /// Every client of `index`.
    pub fn new(index: Vec<IndexEntry>) -> Roster {
        let mut r = Roster {
            clients: index.into_iter().map(ClientEntry::from_index).collect(),
            complete: true,
            ..Default::default()
        };
        r.sort_clients();
        r
    }

    /// The clients Today shows (`today`: from the index's file of them), or
    /// none when that file could not be used, while the rest load: Today
    /// makes the same rows and messages of them as of every client.
    pub fn opening(today: Option<Vec<IndexEntry>>) -> Roster {
        let today_known = today.is_some();
        Roster { complete: false, today_known, ..Roster::new(today.unwrap_or_default()) }
    }

    /// No client is held yet, and Today cannot say what it will show: a
    /// first open without the file of Today's clients, reading them all.
    pub fn reading_blind(&self) -> bool {
        !self.complete && !self.today_known
    }

    /// Takes every client in, once loaded behind the first frame: the
    /// records already read are kept if their file is the same.
    pub fn completed(&mut self, index: Vec<IndexEntry>) {
        let mut full = Roster::new(index);
        full.custom_scales = std::mem::take(&mut self.custom_scales);
        full.generation = self.generation + 1;
        for id in std::mem::take(&mut self.loaded) {
            let Some(held) = self.index_of(id.as_str()) else { continue };
            let held = &mut self.clients[held];
            if let Some(i) = full.index_of(id.as_str())
                && full.clients[i].stamp == held.stamp
            {
                full.clients[i].record = held.record.take();
                full.loaded.push_back(id);
            }
        }
        *self = full;
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        let at = self.by_id.binary_search_by(|&i| self.clients[i as usize].id.as_str().cmp(id)).ok()?;
        Some(self.by_id[at] as usize)
    }

    /// Forgets what Today was made from: a summary changed, or the
    /// clients' order did.
    fn summaries_changed(&mut self) {
        *self.today.get_mut() = TodayCache::default();
    }

    /// Sorts the clients by name and re-indexes them by id.
    pub(crate) fn sort_clients(&mut self) {
        self.summaries_changed();
        self.clients.sort_by_cached_key(ClientEntry::sort_key);
        // Fewer than 2^32 clients: the index caps its files far below that.
        let mut by_id: Vec<u32> = (0..self.clients.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| self.clients[a as usize].id.cmp(&self.clients[b as usize].id));
        self.by_id = by_id;
    }

    pub fn entry(&self, id: &str) -> Option<&ClientEntry> {
        self.index_of(id).map(|i| &self.clients[i])
    }

    /// The client's whole record, if it is loaded.
    pub fn record(&self, id: &str) -> Option<&ClientRecord> {
        self.entry(id).and_then(|e| e.record.as_deref())
    }

    /// What the index says of the client, if their file could be read.
    pub fn summary(&self, id: &str) -> Option<&ClientSummary> {
        self.entry(id).and_then(|e| e.summary.as_ref().ok())
    }

    /// `id` if their record is wanted and not loaded yet (see a screen's `wants`).
    pub fn unloaded(&self, id: &str) -> Option<ClientId> {
        self.entry(id).filter(|e| e.record.is_none() && e.summary.is_ok()).map(|e| e.id.clone())
    }

    /// Refuses a change to a client whose file is unreadable or newer:
    /// Err says why, for the status line.
    pub fn writable(&self, id: &str) -> Result<(), Option<String>> {
        match self.entry(id) {
            Some(e) if !e.read_only => Ok(()),
            Some(e) => Err(Some(match &e.summary {
                Err(reason) => reason.clone(),
                Ok(_) => format!("{} was written by a newer Rapport and is read-only here", e.name()),
            })),
            None => Err(None),
        }
    }

    /// The custom measures a client's scores may be typed on: their own
    /// (kept in their file), then the settings'.
    pub fn scales_for(&self, client: &str) -> Vec<CustomScale> {
        let mut all = self.record(client).map(|r| r.scales.clone()).unwrap_or_default();
        let more: Vec<CustomScale> =
            self.custom_scales.iter().filter(|c| !all.iter().any(|a| a.key() == c.key())).cloned().collect();
        all.extend(more);
        all
    }

    /// Takes a record read from disk, dropping the oldest loaded ones.
    /// True when it was read.
    pub fn loaded(&mut self, id: &str, record: Result<ClientRecord, String>) -> bool {
        let Some(i) = self.index_of(id) else { return false };
        self.generation += 1;
        match record {
            Ok(r) => {
                self.clients[i].record = Some(Box::new(r));
                self.loaded.retain(|l| l.as_str() != id);
                self.loaded.push_back(crate::domain::ClientId::new(id));
                while self.loaded.len() > KEEP_LOADED {
                    if let Some(old) = self.loaded.pop_front()
                        && let Some(j) = self.index_of(old.as_str())
                    {
                        self.clients[j].record = None;
                    }
                }
                true
            }
            Err(e) => {
                self.clients[i].summary = Err(e);
                self.clients[i].read_only = true;
                self.summaries_changed();
                false
            }
        }
    }

    /// Takes in the index as it is on disk now: clients changed by another
    /// window or a sync tool get their new summary, and their record is read
    /// again when next shown. Returns the names of clients changed elsewhere,
    /// and whether the clients were reordered.
    pub fn refreshed(&mut self, entries: Vec<IndexEntry>) -> (Vec<String>, bool) {
        if !self.complete {
            // Every client, before the loading behind the first frame came
            // back: none of them changed elsewhere.
            self.completed(entries);
            return (Vec::new(), true);
        }
        self.generation += 1;
        let mut changed = Vec::new();
        let mut added = false;
        let mut updated = false;
        let present: std::collections::HashSet<ClientId> = entries.iter().map(|e| e.id.clone()).collect();
        for e in entries {
            match self.index_of(e.id.as_str()) {
                Some(i) if self.clients[i].stamp == Some(e.stamp) => {}
                Some(i) => {
                    // No stamp yet: the change is our own save. The record is
                    // read again either way, so what is shown is what is on disk.
                    let fresh = ClientEntry::from_index(e);
                    if self.clients[i].stamp.is_some() {
                        changed.push(fresh.name().to_string());
                    }
                    self.clients[i] = fresh;
                    updated = true;
                }
                None => {
                    let fresh = ClientEntry::from_index(e);
                    changed.push(fresh.name().to_string());
                    self.clients.push(fresh);
                    added = true;
                }
            }
        }
        let before = self.clients.len();
        self.clients.retain(|c| present.contains(&c.id));
        let reordered = added || updated || self.clients.len() != before;
        if reordered {
            self.sort_clients();
        }
        self.summaries_changed();
        (changed, reordered)
    }

    /// Puts a record saved to disk in place of the one held, keeping order.
    pub fn replace_record(&mut self, record: ClientRecord) {
        self.generation += 1;
        let id = record.client.id.clone();
        let entry = ClientEntry {
            id: id.clone(),
            summary: Ok(ClientSummary::of(&record)),
            read_only: false,
            record: Some(Box::new(record)),
            stamp: None,
        };
        match self.index_of(entry.id.as_str()) {
            Some(i) => self.clients[i] = entry,
            None => self.clients.push(entry),
        }
        self.loaded.retain(|l| *l != id);
        self.loaded.push_back(id);
        self.sort_clients();
    }

    /// The position of session `session` among client `id`'s, newest
    /// first; None while their record is not loaded.
    pub fn session_position(&self, id: &str, session: &SessionId) -> Option<usize> {
        let r = self.record(id)?;
        Some(r.sessions_newest_first().iter().position(|s| s.id == *session).unwrap_or(0))
    }

    /// The rows of Today, in time order: notes still due from the week
    /// before, then every appointment of today and the next
    /// [`AGENDA_DAYS`] days (day 7 included), cancelled ones too.
    pub fn agenda(&self, now: NaiveDateTime) -> Vec<AgendaRow> {
        let today = now.date();
        let until = today + chrono::Duration::days(AGENDA_DAYS);
        let shown = |a: &Appointment| {
            let day = a.start.date();
            (day >= today && day <= until)
                || (day < today && a.state(now) == AppointmentState::NoteDue && (today - day).num_days() <= AGENDA_DAYS)
        };
        let mut cache = self.today.borrow_mut();
        if cache.day != Some(today) {
            cache.rows = self.agenda_around(today);
            cache.day = Some(today);
        }
        cache.rows.iter().filter(|r| shown(&r.appointment)).cloned().collect()
    }

    /// Every appointment within [`AGENDA_DAYS`] either side of `today`, by
    /// start, with its warnings: what [`Roster::agenda`] chooses from.
    fn agenda_around(&self, today: NaiveDate) -> Vec<AgendaRow> {
        let near = |a: &Appointment| (a.start.date() - today).num_days().abs() <= AGENDA_DAYS;
        // Every appointment held, so one just outside the days shown still
        // counts as overlapping one inside them.
        let mut all: Vec<(&ClientId, &ClientSummary, &Appointment)> = self
            .clients
            .iter()
            .filter_map(|c| Some((&c.id, c.summary.as_ref().ok()?)))
            .filter(|(_, s)| !s.archived)
            .flat_map(|(id, s)| s.appointments.iter().map(move |a| (id, s, a)))
            .collect();
        all.sort_by_key(|(.., a)| a.start);
        let slots: Vec<Slot> =
            all.iter().map(|(_, s, a)| Slot { appointment: a, called: s.called(), flag: s.flag.as_deref() }).collect();
        all.iter()
            .enumerate()
            .filter(|(_, (.., a))| near(a))
            .map(|(i, (id, _, a))| AgendaRow {
                client: (*id).clone(),
                appointment: (*a).clone(),
                warnings: warnings_at(&slots, i),
            })
            .collect()
    }

    /// Where every message awaiting a reply is, across all clients not
    /// archived, oldest first: (client's place in [`Roster::clients`],
    /// message's place in their summary).
    pub fn awaiting(&self) -> Vec<(usize, usize)> {
        let mut cache = self.today.borrow_mut();
        cache
            .awaiting
            .get_or_insert_with(|| {
                let mut all: Vec<(usize, usize)> = self
                    .clients
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| Some((i, c.summary.as_ref().ok()?)))
                    .filter(|(_, s)| !s.archived)
                    .flat_map(|(i, s)| (0..s.awaiting.len()).map(move |j| (i, j)))
                    .collect();
                let at = |&(i, j): &(usize, usize)| {
                    self.clients[i].summary.as_ref().ok().and_then(|s| s.awaiting.get(j)).map(|m| m.at)
                };
                all.sort_by_key(at);
                all
            })
            .clone()
    }
}
