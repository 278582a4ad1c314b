//! The clients the app holds: each one's summary from the index and, once
//! shown, their whole record (a few at a time); the name filter; and the
//! agenda Today shows. Kept in step with the folder as it changes.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::model::*;
use crate::domain::appointments::AppointmentState;
use crate::domain::{Appointment, ClientId, ClientRecord};
use crate::store::index::Stamp;
use crate::store::{ClientSummary, IndexEntry};

/// One client as the app holds it: the index's summary (or why the file
/// could not be read), and the whole record once it has been loaded.
#[derive(Debug, Clone)]
pub struct ClientEntry {
    pub id: ClientId,
    pub summary: Result<ClientSummary, String>,
    /// Written by a newer Rapport, or unreadable: nothing writes to it.
    pub read_only: bool,
    /// Loaded when first shown; only a few are kept.
    pub record: Option<ClientRecord>,
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

/// One row of Today: an appointment and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaRow {
    pub client: ClientId,
    pub appointment: Appointment,
}

impl Model {
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Sorts the clients by name and re-indexes them by id.
    pub(crate) fn sort_clients(&mut self) {
        self.clients.sort_by_cached_key(ClientEntry::sort_key);
        self.by_id = self.clients.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    }

    pub fn entry(&self, id: &str) -> Option<&ClientEntry> {
        self.index_of(id).map(|i| &self.clients[i])
    }

    /// The client's whole record, if it is loaded.
    pub fn record(&self, id: &str) -> Option<&ClientRecord> {
        self.entry(id).and_then(|e| e.record.as_ref())
    }

    /// What the index says of the client, if their file could be read.
    pub fn summary(&self, id: &str) -> Option<&ClientSummary> {
        self.entry(id).and_then(|e| e.summary.as_ref().ok())
    }

    /// The clients whose records the screen needs and that are not loaded.
    pub fn wanted(&self) -> Vec<ClientId> {
        let mut ids: Vec<&str> = Vec::new();
        if let Some(e) = self.selected_entry().filter(|_| matches!(self.screen, Screen::Clients)) {
            ids.push(e.id.as_str());
        }
        match &self.screen {
            Screen::Review(v) => ids.push(v.client.as_str()),
            Screen::Profile(v) => ids.push(v.client.as_str()),
            Screen::Chart(v) => ids.push(v.client.as_str()),
            _ => {}
        }
        if let Some(Popup::Tasks { client, .. }) = &self.popup {
            ids.push(client.as_str());
        }
        ids.into_iter()
            .filter(|id| self.entry(id).is_some_and(|e| e.record.is_none() && e.summary.is_ok()))
            .map(ClientId::new)
            .collect()
    }

    /// Takes a record read from disk, dropping the oldest loaded ones.
    pub fn loaded(&mut self, id: &str, record: Result<ClientRecord, String>) {
        let Some(i) = self.index_of(id) else { return };
        self.generation += 1;
        match record {
            Ok(r) => {
                self.clients[i].record = Some(r);
                self.loaded.retain(|l| l.as_str() != id);
                self.loaded.push_back(ClientId::new(id));
                while self.loaded.len() > KEEP_LOADED {
                    if let Some(old) = self.loaded.pop_front()
                        && let Some(j) = self.index_of(old.as_str())
                    {
                        self.clients[j].record = None;
                    }
                }
                if let Some(session) = self.pending_session.take() {
                    self.select_session(id, session.as_str());
                }
            }
            Err(e) => {
                self.clients[i].summary = Err(e);
                self.clients[i].read_only = true;
            }
        }
    }

    /// Takes in the index as it is on disk now: clients changed by another
    /// window or a sync tool get their new summary, and their record is read
    /// again when next shown. Returns the names of clients changed elsewhere.
    pub fn refreshed(&mut self, entries: Vec<IndexEntry>) -> Vec<String> {
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
        let selected = self.selected_entry().map(|e| e.id.clone());
        self.clients.retain(|c| present.contains(&c.id));
        if added || updated || self.clients.len() != before {
            self.sort_clients();
            self.refilter();
            if let Some(id) = selected {
                self.select_client(id.as_str());
            }
        }
        changed
    }

    /// Highlights session `session` of client `id` (newest first order).
    pub fn select_session(&mut self, id: &str, session: &str) {
        match self.record(id) {
            Some(r) => {
                let newest_first = r.sessions_newest_first();
                self.list.session = newest_first.iter().position(|s| s.id.as_str() == session).unwrap_or(0);
                self.list.scroll = 0;
            }
            None => self.pending_session = Some(crate::domain::SessionId::new(session)),
        }
    }

    /// The client selected in the list.
    pub fn selected_entry(&self) -> Option<&ClientEntry> {
        self.list.visible.get(self.list.selected).map(|&i| &self.clients[i])
    }

    /// Puts a record saved to disk in place of the one held, keeping order.
    pub fn replace_record(&mut self, record: ClientRecord) {
        self.generation += 1;
        let selected_id = self.selected_entry().map(|e| e.id.clone());
        let id = record.client.id.clone();
        let entry = ClientEntry {
            id: id.clone(),
            summary: Ok(ClientSummary::of(&record)),
            read_only: false,
            record: Some(record),
            stamp: None,
        };
        match self.index_of(entry.id.as_str()) {
            Some(i) => self.clients[i] = entry,
            None => self.clients.push(entry),
        }
        self.loaded.retain(|l| *l != id);
        self.loaded.push_back(id);
        self.sort_clients();
        self.refilter();
        if let Some(id) = selected_id {
            self.select_client(id.as_str());
        }
    }

    /// Selects client `id` in the list, clearing a filter that hides it.
    pub fn select_client(&mut self, id: &str) {
        let Some(i) = self.index_of(id) else { return };
        if !self.list.visible.contains(&i) {
            self.list.filter = None;
            self.list.filter_typing = false;
            self.refilter();
        }
        if let Some(pos) = self.list.visible.iter().position(|&v| v == i) {
            self.list.selected = pos;
        }
    }

    /// Recomputes `visible` from the filter: fuzzy, on full and preferred
    /// name, best match first.
    pub fn refilter(&mut self) {
        let query = self.list.filter.as_ref().map(|f| f.lines().join(" ")).unwrap_or_default();
        let query = query.trim();
        if query.is_empty() {
            self.list.visible = (0..self.clients.len()).filter(|&i| !self.is_archived(i)).collect();
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = self
                .clients
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.is_archived(*i))
                .filter_map(|(i, c)| {
                    let hay = match &c.summary {
                        Ok(s) => format!("{} {}", s.name, s.preferred_name.as_deref().unwrap_or("")),
                        Err(_) => c.id.to_string(),
                    };
                    pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher).map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.list.visible = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.list.selected = self.list.selected.min(self.list.visible.len().saturating_sub(1));
    }

    /// Hidden from the list unless archived clients are asked for.
    fn is_archived(&self, i: usize) -> bool {
        !self.show_archived && self.clients[i].summary.as_ref().is_ok_and(|s| s.archived)
    }

    /// The rows of Today, in time order: notes still due from the week
    /// before, then every appointment of today and the next
    /// [`AGENDA_DAYS`] days (day 7 included), cancelled ones too.
    pub fn agenda(&self) -> Vec<AgendaRow> {
        let (now, today) = (self.now, self.now.date());
        let until = today + chrono::Duration::days(AGENDA_DAYS);
        let shown = |a: &Appointment| {
            let day = a.start.date();
            (day >= today && day <= until)
                || (day < today && a.state(now) == AppointmentState::NoteDue && (today - day).num_days() <= AGENDA_DAYS)
        };
        let mut rows: Vec<AgendaRow> = self
            .clients
            .iter()
            .filter_map(|c| Some((&c.id, c.summary.as_ref().ok()?)))
            .filter(|(_, s)| !s.archived)
            .flat_map(|(id, s)| {
                s.appointments
                    .iter()
                    .filter(|a| shown(a))
                    .map(|a| AgendaRow { client: id.clone(), appointment: a.clone() })
            })
            .collect();
        rows.sort_by_key(|r| r.appointment.start);
        rows
    }
}
