//! The calendar: the practice's appointments as a feed for a phone or
//! desktop calendar, and appointments booked from another system's `.ics`
//! file. The rules of each are in `domain::calendar`; here, which clients
//! take part and in what order, and the question before booking.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeZone};

use super::find::{Naming, Unresolved, resolve};
use super::{Answers, Ask, Outcome, Question};
use crate::domain::calendar::{self, CalendarEvent, FeedEntry, Refused, Skip, Skipped, Taken, Window};
use crate::domain::time::format_datetime;
use crate::domain::{Appointment, ClientId, ClientRecord, plural};
use crate::store::{ClientName, Store, StoreError};

/// What the feed was asked to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedAsked {
    /// Each event titled with the client's name, not their code.
    pub names: bool,
    /// Days ahead, today included.
    pub days: u32,
}

/// The feed, and what it holds.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The iCalendar text.
    pub text: String,
    pub window: Window,
    pub appointments: usize,
    pub cancelled: usize,
    pub clients: usize,
    /// Client files that could not be read: their appointments are missing.
    pub unreadable: usize,
}

/// The appointments of every current client (archived ones are left out,
/// as from the agenda) from [`calendar::PAST_DAYS`] ago to `days` ahead, as
/// an iCalendar feed with times in `zone`.
pub fn feed<Tz: TimeZone>(store: &Store, asked: FeedAsked, now: NaiveDateTime, zone: &Tz) -> Result<Feed, StoreError> {
    let window = Window::around(now.date(), asked.days);
    let mut unreadable = 0;
    let mut clients: Vec<(String, String, ClientRecord)> = Vec::new();
    for f in store.load_all()? {
        match f.record {
            Ok(r) if r.client.archived => {}
            Ok(r) => clients.push((store.client_code(&r.client.id), r.display_name(), r)),
            Err(_) => unreadable += 1,
        }
    }
    let mut entries: Vec<FeedEntry> = clients
        .iter()
        .flat_map(|(code, name, r)| {
            r.appointments.iter().filter(|a| window.holds(a.start)).map(move |a| FeedEntry {
                code,
                name: asked.names.then_some(name.as_str()),
                appointment: a,
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.appointment.start, a.code).cmp(&(b.appointment.start, b.code)));
    let cancelled = entries.iter().filter(|e| e.appointment.is_cancelled()).count();
    let with_any = entries.iter().map(|e| e.code).collect::<std::collections::HashSet<_>>().len();
    Ok(Feed {
        text: calendar::feed(&entries, now, zone),
        window,
        appointments: entries.len(),
        cancelled,
        clients: with_any,
        unreadable,
    })
}

/// An event of the calendar matched to a client, and what it does.
#[derive(Debug, Clone)]
pub struct Planned {
    pub client: ClientId,
    /// The client's display name.
    pub name: String,
    pub event: CalendarEvent,
    pub taken: Taken,
}

/// What importing a calendar would do (or did): each event matched to a
/// client and what it does to their record, the events not imported and
/// why, and what to warn of.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub planned: Vec<Planned>,
    pub skipped: Vec<Skipped>,
    /// Events before now, left out: the calendar's past is not the record.
    pub past: usize,
    pub warnings: Vec<String>,
}

impl ImportPlan {
    /// How many of its events change a record.
    pub fn changes(&self) -> usize {
        self.planned.iter().filter(|p| p.taken.changes()).count()
    }

    /// "2 appointments to book, 1 to move and 1 to cancel, for 2 clients".
    pub fn summary(&self) -> String {
        tally(&self.planned, false)
    }
}

/// What `planned` does, or did (`done`): "2 appointments booked, 1 moved
/// and 1 cancelled, for 2 clients".
pub fn tally(planned: &[Planned], done: bool) -> String {
    let count = |f: fn(&Taken) -> bool| planned.iter().filter(|p| f(&p.taken)).count();
    let kinds: [(usize, &str, &str); 4] = [
        (count(|t| matches!(t, Taken::Booked { .. })), "to book", "booked"),
        (count(|t| matches!(t, Taken::Moved { .. })), "to move", "moved"),
        (count(|t| matches!(t, Taken::Cancelled)), "to cancel", "cancelled"),
        (count(|t| matches!(t, Taken::Linked { .. })), "booked already to link to its event", "linked to its event"),
    ];
    let mut parts: Vec<String> = Vec::new();
    for (n, ahead, past) in kinds.into_iter().filter(|(n, _, _)| *n > 0) {
        let verb = if done { past } else { ahead };
        parts.push(if parts.is_empty() {
            format!("{} {verb}", plural(n, "appointment"))
        } else {
            format!("{n} {verb}")
        });
    }
    let clients: std::collections::HashSet<&ClientId> =
        planned.iter().filter(|p| p.taken.changes()).map(|p| &p.client).collect();
    let last = parts.pop().unwrap_or_else(|| "nothing".into());
    let list = if parts.is_empty() { last } else { format!("{} and {last}", parts.join(", ")) };
    format!("{list}, for {}", plural(clients.len(), "client"))
}

/// A calendar that could not be read, or a folder that could not.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("that calendar is not imported: {0}")]
    Refused(#[from] Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What importing calendar `bytes` would do at `now`, its times read in
/// `zone`; nothing is changed. Each event names its client by its title
/// (the whole name, preferred name or a word of either; see
/// [`Naming::Whole`]), unless its UID was booked from before, which names
/// the client it was booked for. An event before now, Rapport's own, or
/// for an archived client, is not imported; nor is one whose title names
/// no client or more than one.
pub fn plan_import<Tz: TimeZone>(
    store: &Store,
    bytes: &[u8],
    now: NaiveDateTime,
    zone: &Tz,
) -> Result<ImportPlan, ImportError> {
    let read = calendar::read(bytes, zone)?;
    let mut plan = ImportPlan { skipped: read.skipped, ..ImportPlan::default() };
    let mut records: Vec<ClientRecord> = Vec::new();
    let mut unreadable = 0;
    for f in store.load_all()? {
        match f.record {
            Ok(r) if !f.read_only => records.push(r),
            _ => unreadable += 1,
        }
    }
    if unreadable > 0 {
        plan.warnings.push(format!(
            "{} could not be read or changed here (`rapport doctor` says why): an event for one of them is listed as \
             naming no client.",
            plural(unreadable, "client file")
        ));
    }
    let names: Vec<ClientName> = records
        .iter()
        .map(|r| ClientName {
            id: r.client.id.clone(),
            file: r.client.id.to_string(),
            name: Some(r.client.name.clone()),
            preferred_name: r.client.preferred_name.clone(),
        })
        .collect();
    let index: HashMap<ClientId, usize> = records.iter().enumerate().map(|(i, r)| (r.client.id.clone(), i)).collect();
    let codes: HashMap<String, usize> =
        records.iter().enumerate().map(|(i, r)| (store.client_code(&r.client.id), i)).collect();
    let booked_from: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.appointments.iter().filter_map(move |a| a.source_uid.clone().map(|u| (u, i))))
        .collect();
    // Titles repeat ("Dentist" every month): each is matched once.
    let mut named: HashMap<String, Result<ClientId, Skip>> = HashMap::new();
    let mut events = read.events;
    events.sort_by(|a, b| (a.start, &a.title).cmp(&(b.start, &b.title)));
    for event in events {
        if event.start < now {
            plan.past += 1;
            continue;
        }
        let skip = |skip: Skip| Skipped { title: event.title.clone(), start: Some(event.start), skip };
        let uid = event.uid.as_deref();
        if uid.and_then(calendar::code_of_own_uid).is_some_and(|c| codes.contains_key(c)) {
            plan.skipped.push(skip(Skip::OwnFeed));
            continue;
        }
        let named = named
            .entry(event.title.clone())
            .or_insert_with(|| named_by(&names, &event.title))
            .clone()
            .map(|id| index[&id]);
        let i = match (uid.and_then(|u| booked_from.get(u)), named) {
            (Some(&i), Ok(j)) if i != j => {
                let (booked_for, title_names) = (records[i].display_name(), records[j].display_name());
                plan.skipped.push(skip(Skip::OtherClient { booked_for, title_names }));
                continue;
            }
            (Some(&i), _) => i,
            (None, Ok(i)) => i,
            (None, Err(why)) => {
                plan.skipped.push(skip(why));
                continue;
            }
        };
        let r = &mut records[i];
        if r.client.archived {
            plan.skipped.push(skip(Skip::Archived(r.display_name())));
            continue;
        }
        let taken = r.take_event(&event, now);
        plan.planned.push(Planned { client: r.client.id.clone(), name: r.display_name(), event, taken });
    }
    plan.warnings.extend(overlaps(&plan.planned, &records));
    Ok(plan)
}

/// The client a calendar event's title names, whole: as it is, or as
/// Rapport's feed writes a name ("Maria Lopez (Mari)").
fn named_by(names: &[ClientName], title: &str) -> Result<ClientId, Skip> {
    let found = |t: &str| resolve(names, t, Naming::Whole).map(|c| c.id.clone());
    let as_feed_writes = title.strip_suffix(')').and_then(|t| t.rsplit_once(" (")).map(|(name, _)| name);
    match (found(title), as_feed_writes) {
        (Err(Unresolved::NoClient { .. }), Some(name)) => found(name),
        (result, _) => result,
    }
    .map_err(|e| match e {
        Unresolved::NothingTyped => Skip::NoTitle,
        Unresolved::NoClient { .. } => Skip::NoClient,
        Unresolved::Several { names, .. } => Skip::SeveralClients(names),
    })
}

/// A warning for each appointment booked or moved that overlaps another
/// booked appointment of any current client, once the calendar is in.
fn overlaps(planned: &[Planned], records: &[ClientRecord]) -> Vec<String> {
    let mut warnings = Vec::new();
    for p in planned.iter().filter(|p| matches!(p.taken, Taken::Booked { .. } | Taken::Moved { .. })) {
        let mine = Appointment { start: p.event.start, minutes: p.event.minutes, ..Appointment::default() };
        for r in records.iter().filter(|r| !r.client.archived) {
            for o in r.booked().filter(|o| o.overlaps(&mine)) {
                if r.client.id == p.client && o.start == mine.start {
                    continue;
                }
                warnings.push(format!(
                    "{} at {} overlaps {}'s appointment at {}.",
                    p.name,
                    format_datetime(mine.start),
                    r.display_name(),
                    format_datetime(o.start)
                ));
            }
        }
    }
    warnings
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Each event as it was taken into the record (the record may have
    /// changed since the plan, in another window).
    pub planned: Vec<Planned>,
    pub warnings: Vec<String>,
}

/// Books `plan` once the therapist agrees: each client's events taken again
/// into their record as it is on disk now, one change per client.
pub fn import(
    store: &Store,
    plan: &ImportPlan,
    answers: &Answers,
    now: NaiveDateTime,
) -> Result<Outcome<Imported>, StoreError> {
    if plan.changes() > 0 && !answers.agrees(Ask::ImportCalendar) {
        return Ok(Outcome::Asks(vec![Question {
            ask: Ask::ImportCalendar,
            text: format!("Book this in Rapport ({})?", plan.summary()),
        }]));
    }
    let mut done = Imported { planned: Vec::new(), warnings: plan.warnings.clone() };
    let mut clients: Vec<&ClientId> = Vec::new();
    for p in plan.planned.iter().filter(|p| p.taken.changes()) {
        if !clients.contains(&&p.client) {
            clients.push(&p.client);
        }
    }
    for p in plan.planned.iter().filter(|p| !clients.contains(&&p.client)) {
        done.planned.push(p.clone());
    }
    for client in clients {
        let events: Vec<&Planned> = plan.planned.iter().filter(|p| &p.client == client).collect();
        let taken = store.update(client, now, "calendar imported", |r| {
            Ok(events.iter().map(|p| r.take_event(&p.event, now)).collect::<Vec<Taken>>())
        });
        match taken {
            Ok((taken, _)) => {
                done.planned.extend(events.iter().zip(taken).map(|(p, taken)| Planned { taken, ..(*p).clone() }))
            }
            Err(e) => {
                let name = events.first().map_or(client.to_string(), |p| p.name.clone());
                done.warnings.push(format!("Nothing was booked for {name}: {e}"));
            }
        }
    }
    done.planned.sort_by(|a, b| (a.event.start, &a.name).cmp(&(b.event.start, &b.name)));
    Ok(Outcome::Done(done))
}
