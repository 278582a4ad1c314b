//! Two devices that add an item offline can give it the same id (`t3` on
//! both). Before merging, the other device's item is given a new id, and
//! its references follow, so both are kept. A finalised note keeps its id
//! (its seal covers it): the merge keeps it whole as a conflict instead.

use std::collections::HashSet;

use super::super::edit::next_id_with;
use super::super::{ClientRecord, Session};

/// Something in a list of the record, with an id.
pub(super) trait Item: Clone + PartialEq {
    fn id(&self) -> &str;
    fn set_id(&mut self, id: String);
    /// Another version of the same item, not a second one.
    fn same_item(&self, other: &Self) -> bool {
        self == other
    }
    fn may_rename(&self) -> bool {
        true
    }
}

macro_rules! item {
    ($($t:ty),*) => {$(
        impl Item for $t {
            fn id(&self) -> &str {
                self.id.as_str()
            }
            fn set_id(&mut self, id: String) {
                self.id = super::super::ItemIdType::from_typed(id);
            }
        }
    )*};
}

item!(super::super::Task, super::super::PersonalDetail, super::super::Goal, super::super::WatchFor);
item!(super::super::Appointment, super::super::Contact, super::super::Measure, super::super::SupervisionQuestion);

impl Item for Session {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn set_id(&mut self, id: String) {
        self.id = super::super::SessionId::new(id);
    }
    fn same_item(&self, other: &Self) -> bool {
        let words = |s: &Session| Session { finalised: None, addenda: Vec::new(), ..s.clone() };
        words(self) == words(other)
    }
    fn may_rename(&self) -> bool {
        self.finalised.is_none()
    }
}

/// The letters an id starts with: `t` of `t3`.
fn prefix(id: &str) -> &str {
    let end = id.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(id.len());
    &id[..end]
}

/// Renames the items of `theirs` that share an id with a different item of
/// `ours` when neither had it before; returns (old, new) ids.
fn rename<T: Item>(base: Option<&[T]>, ours: &[T], theirs: &mut [T]) -> Vec<(String, String)> {
    let in_base: HashSet<&str> = base.unwrap_or_default().iter().map(Item::id).collect();
    let mut taken: Vec<String> = ours.iter().chain(theirs.iter()).map(|i| i.id().to_string()).collect();
    taken.extend(in_base.iter().map(|s| s.to_string()));
    let mut renamed = Vec::new();
    for item in theirs.iter_mut() {
        let clash = !in_base.contains(item.id())
            && item.may_rename()
            && ours.iter().any(|o| o.id() == item.id() && !o.same_item(item));
        if clash {
            // Given a new id by an earlier merge already (one run again, or
            // made on both devices at once): the same one again.
            let twin = ours.iter().find(|o| {
                let mut as_o = item.clone();
                as_o.set_id(o.id().to_string());
                !in_base.contains(o.id()) && o.id() != item.id() && o.same_item(&as_o)
            });
            let new: String = match twin {
                Some(o) => o.id().to_string(),
                None => next_id_with(prefix(item.id()), taken.iter().map(String::as_str), None),
            };
            renamed.push((item.id().to_string(), new.clone()));
            taken.push(new.clone());
            item.set_id(new);
        }
    }
    renamed
}

/// `ours` and `theirs`, with every item new on both sides under the same
/// id as a different item given a new id: the other device's, or this
/// device's when the other's is a finalised note.
pub(super) fn separate(
    base: Option<&ClientRecord>,
    ours: &ClientRecord,
    theirs: &ClientRecord,
) -> (ClientRecord, ClientRecord) {
    let (mut o, mut t) = (ours.clone(), theirs.clone());
    let base_sessions = base.map(|b| b.sessions.as_slice());
    let moved = rename(base_sessions, &o.sessions, &mut t.sessions);
    follow(&mut t, moved);
    let moved = rename(base_sessions, &t.sessions, &mut o.sessions);
    follow(&mut o, moved);
    // Every list named: one added to the record does not compile until it
    // says whether its items can share an id across devices.
    let ClientRecord {
        schema_version: _,
        client: _,
        sessions: _,
        tasks,
        personal,
        goals,
        watch_for,
        appointments,
        contacts,
        measures,
        // Keyed by name: the same name on both devices is the same scale.
        scales: _,
        supervision,
        // Kept as a set: a conflict has no id.
        conflicts: _,
        device: _,
    } = &mut t;
    let b = base;
    rename(b.map(|b| b.tasks.as_slice()), &o.tasks, tasks);
    rename(b.map(|b| b.personal.as_slice()), &o.personal, personal);
    rename(b.map(|b| b.goals.as_slice()), &o.goals, goals);
    rename(b.map(|b| b.watch_for.as_slice()), &o.watch_for, watch_for);
    rename(b.map(|b| b.appointments.as_slice()), &o.appointments, appointments);
    rename(b.map(|b| b.contacts.as_slice()), &o.contacts, contacts);
    rename(b.map(|b| b.measures.as_slice()), &o.measures, measures);
    rename(b.map(|b| b.supervision.as_slice()), &o.supervision, supervision);
    (o, t)
}

/// Points what referred to a renamed note at its new id.
fn follow(r: &mut ClientRecord, moved: Vec<(String, String)>) {
    for (old, new) in moved {
        let new = || Some(super::super::SessionId::new(new.as_str()));
        for task in r.tasks.iter_mut().filter(|x| x.session.as_ref().map(|x| x.as_str()) == Some(&old)) {
            task.session = new();
        }
        for p in r.personal.iter_mut().filter(|x| x.session.as_ref().map(|x| x.as_str()) == Some(&old)) {
            p.session = new();
        }
        for a in r.appointments.iter_mut().filter(|x| x.note.as_ref().map(|x| x.as_str()) == Some(&old)) {
            a.note = new();
        }
        for m in r.measures.iter_mut().filter(|x| x.session.as_ref().map(|x| x.as_str()) == Some(&old)) {
            m.session = new();
        }
    }
}
