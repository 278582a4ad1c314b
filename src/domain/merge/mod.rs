//! The three-way merge of one client's record changed on two devices: the
//! copy both started from (`base`), this device's (`ours`) and the other's
//! (`theirs`). Pure: `rapport sync` runs it as git's merge driver.
//!
//! Every list of the record (sessions, tasks, personal details, goals,
//! watch-for items, appointments, messages, and any list a later format
//! adds) is merged by id: an item added on either device is kept; an item
//! changed on one device takes that change; an item changed on both is
//! merged field by field. A field changed differently on both devices is a
//! true conflict: this device's value stays in place and the other's is
//! kept in the record's `conflicts` until the therapist picks. A finalised
//! note is never merged: where the two sides differ on it, the version
//! whose seal holds stays in place (on every device alike) and the other
//! is kept beside it as a conflict. A note leaves the record only with the
//! whole client (an erasure): one missing on one side is kept. Nothing is
//! ever dropped.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::measures::CustomScale;
use super::{
    Appointment, ClientRecord, Conflict, ConflictKind, Contact, Goal, Measure, PersonalDetail, RecordPart,
    SCHEMA_VERSION, Session, SessionId, SupervisionQuestion, Task, WatchFor,
};

mod describe;
mod ids;
mod logs;
mod restore;
mod seals;
#[cfg(test)]
mod tests;

pub use describe::shown;
pub use logs::{union_in_time_order, union_keeping};
pub use restore::restore_keeping;
pub use seals::keep_sealed;

/// What a merge made.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub record: ClientRecord,
    /// The conflicts this merge met (they are in `record.conflicts` too).
    pub conflicts: Vec<Conflict>,
    /// Seals the ledger must witness again, as `(note, hash)`: a note sealed
    /// on the other device and chained anew after this device's seals, or
    /// a note both devices sealed, whose seal from this device was kept.
    pub rewitness: Vec<(SessionId, String)>,
}

/// Merges `ours` and `theirs`, both changed from `base` (none when the
/// client was added on both devices). `now` dates the conflicts found. The
/// result passes [`ClientRecord::check`], or the merge is refused.
pub fn merge(
    base: Option<&ClientRecord>,
    ours: &ClientRecord,
    theirs: &ClientRecord,
    now: NaiveDateTime,
) -> Result<Merged, String> {
    if ours.client.id != theirs.client.id || base.is_some_and(|b| b.client.id != ours.client.id) {
        return Err("the two copies hold different clients' records".into());
    }
    let broken_on = [seals::broken(ours), seals::broken(theirs)];
    let (ours, theirs) = ids::separate(base, ours, theirs);
    let sealed_before = base
        .map(|b| b.sessions.iter().filter(|s| s.finalised.is_some()).map(|s| s.id.to_string()).collect())
        .unwrap_or_default();
    let mut m = Merger { now, found: Vec::new(), broken: broken_on.clone(), sealed_before };
    let mut record = m.record(base, &ours, &theirs)?;
    // Notes of the same time in one order whichever device merges, so
    // that two devices' merges of the same versions are the same record.
    record.sessions.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    record.appointments.sort_by_key(|a| a.start);
    record.contacts.sort_by_key(|c| c.at);
    record.measures_in_time_order();
    m.found.extend(seals::keep_sealed_tasks(&mut record, &ours, &theirs, &broken_on, now));
    let rewitness = seals::rechain(&mut record, &ours, &theirs, broken_on);
    // A merge run again on its own result (a sync killed part way) does
    // not say the same conflict twice.
    let said = |c: &Conflict| record.conflicts.iter().any(|d| Conflict { found: c.found, ..d.clone() } == *c);
    let new: Vec<Conflict> = m.found.iter().filter(|c| !said(c)).cloned().collect();
    record.conflicts.extend(new);
    record.check()?;
    Ok(Merged { record, conflicts: m.found, rewitness })
}

fn to_value<T: Serialize>(r: &T) -> Value {
    serde_json::to_value(r).expect("records always serialise")
}

/// An item of one of the record's lists, and the key two devices' versions
/// of it are matched by.
trait Keyed: Serialize + DeserializeOwned {
    fn key(&self) -> String;
}

macro_rules! keyed_by_id {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            fn key(&self) -> String {
                self.id.as_str().to_string()
            }
        }
    )*};
}

keyed_by_id!(Session, Task, PersonalDetail, Goal, WatchFor, Appointment, Contact, Measure, SupervisionQuestion);

/// A custom scale has no id: it is the same scale on both devices when it
/// has the same name (its key, `core-10`).
impl Keyed for CustomScale {
    fn key(&self) -> String {
        CustomScale::key(self)
    }
}

/// The three-way rule: both sides agree, or one side left it as it was
/// and the other's change wins. `None` when both changed it differently.
fn pick<'a>(b: Option<&'a Value>, o: Option<&'a Value>, t: Option<&'a Value>) -> Option<Option<&'a Value>> {
    if o == t {
        Some(o)
    } else if b == o {
        Some(t)
    } else if b == t {
        Some(o)
    } else {
        None
    }
}

/// The keys of `maps`, each once, in the order first met.
fn keys<'a>(maps: &[Option<&'a Map<String, Value>>]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for k in maps.iter().flatten().flat_map(|m| m.keys()) {
        if !out.contains(&k.as_str()) {
            out.push(k);
        }
    }
    out
}

/// A copy of the object `v` without `fields`.
fn without(v: &Value, fields: &[&str]) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        for f in fields {
            m.remove(*f);
        }
    }
    v
}

/// A note's words, facts and when it was sealed: all a seal covers, less
/// its place in the chain (`seq`, `hash`), which a merge may lay again.
fn sealed_words(v: &Value) -> Value {
    let mut v = without(v, &["addenda"]);
    if let Some(f) = v.get_mut("finalised").and_then(Value::as_object_mut) {
        f.remove("seq");
        f.remove("hash");
    }
    v
}

/// The `field` of a finalised note's conflict whose other version carries
/// a seal that does not hold for its words: changed outside Rapport.
pub const SEAL: &str = "seal";

fn is_sealed(v: &Value) -> bool {
    v.get("finalised").is_some_and(|f| !f.is_null())
}

struct Merger {
    now: NaiveDateTime,
    found: Vec<Conflict>,
    /// The notes whose seal does not hold, on this device and on the other.
    broken: [std::collections::HashSet<SessionId>; 2],
    /// The notes finalised in the version both devices started from.
    sealed_before: std::collections::HashSet<String>,
}

impl Merger {
    fn conflict(&mut self, kind: ConflictKind, part: RecordPart, item: &str, field: &str, kept: Value, other: Value) {
        self.found.push(Conflict { found: self.now, kind, part, item: item.into(), field: field.into(), kept, other });
    }

    /// Every part of the record merged. Each is named, so a part added to
    /// the record does not compile until it says here how it merges.
    fn record(&mut self, b: Option<&ClientRecord>, o: &ClientRecord, t: &ClientRecord) -> Result<ClientRecord, String> {
        let ClientRecord {
            schema_version: _,
            client,
            sessions,
            tasks,
            personal,
            goals,
            watch_for,
            appointments,
            contacts,
            measures,
            scales,
            supervision,
            conflicts,
            device,
        } = o;
        let base_client = b.map(|b| to_value(&b.client));
        let client = self.fields(
            RecordPart::Client,
            "",
            base_client.as_ref(),
            Some(&to_value(client)),
            Some(&to_value(&t.client)),
        );
        let client = serde_json::from_value(Value::Object(client))
            .map_err(|e| format!("the merged client's details do not read back ({e})"))?;
        Ok(ClientRecord {
            schema_version: SCHEMA_VERSION,
            client,
            sessions: self.list(RecordPart::Sessions, b.map(|b| &b.sessions[..]), sessions, &t.sessions)?,
            tasks: self.list(RecordPart::Tasks, b.map(|b| &b.tasks[..]), tasks, &t.tasks)?,
            personal: self.list(RecordPart::Personal, b.map(|b| &b.personal[..]), personal, &t.personal)?,
            goals: self.list(RecordPart::Goals, b.map(|b| &b.goals[..]), goals, &t.goals)?,
            watch_for: self.list(RecordPart::WatchFor, b.map(|b| &b.watch_for[..]), watch_for, &t.watch_for)?,
            appointments: self.list(
                RecordPart::Appointments,
                b.map(|b| &b.appointments[..]),
                appointments,
                &t.appointments,
            )?,
            contacts: self.list(RecordPart::Contacts, b.map(|b| &b.contacts[..]), contacts, &t.contacts)?,
            measures: self.list(RecordPart::Measures, b.map(|b| &b.measures[..]), measures, &t.measures)?,
            scales: self.list(RecordPart::Scales, b.map(|b| &b.scales[..]), scales, &t.scales)?,
            supervision: self.list(
                RecordPart::Supervision,
                b.map(|b| &b.supervision[..]),
                supervision,
                &t.supervision,
            )?,
            conflicts: set_union(b.map(|b| &b.conflicts[..]).unwrap_or_default(), conflicts, &t.conflicts),
            device: device.clone(),
        })
    }

    /// An object merged field by field; a true conflict keeps ours in place.
    fn fields(
        &mut self,
        part: RecordPart,
        item: &str,
        b: Option<&Value>,
        o: Option<&Value>,
        t: Option<&Value>,
    ) -> Map<String, Value> {
        let (b, o, t) = (b.and_then(Value::as_object), o.and_then(Value::as_object), t.and_then(Value::as_object));
        let mut out = Map::new();
        for key in keys(&[o, t, b]) {
            let (bv, ov, tv) = (b.and_then(|m| m.get(key)), o.and_then(|m| m.get(key)), t.and_then(|m| m.get(key)));
            let kept = match pick(bv, ov, tv) {
                // Resolved (or cancelled) on both devices, on different days:
                // both meant it, so the earlier stands and nothing conflicts.
                None if first_of_both(part, key) => match (ov.and_then(Value::as_str), tv.and_then(Value::as_str)) {
                    (Some(o), Some(t)) if t < o => tv,
                    (Some(_), Some(_)) => ov,
                    _ => {
                        self.conflict(
                            ConflictKind::Edit,
                            part,
                            item,
                            key,
                            ov.cloned().unwrap_or_default(),
                            tv.cloned().unwrap_or_default(),
                        );
                        ov
                    }
                },
                Some(v) => v,
                None => {
                    self.conflict(
                        ConflictKind::Edit,
                        part,
                        item,
                        key,
                        ov.cloned().unwrap_or_default(),
                        tv.cloned().unwrap_or_default(),
                    );
                    ov
                }
            };
            if let Some(v) = kept {
                out.insert(key.into(), v.clone());
            }
        }
        out
    }

    /// A list of items merged by key: ours in their order, then the other
    /// device's new ones in theirs.
    fn list<T: Keyed>(&mut self, part: RecordPart, b: Option<&[T]>, o: &[T], t: &[T]) -> Result<Vec<T>, String> {
        let keyed = |l: &[T]| l.iter().map(|i| (i.key(), to_value(i))).collect::<Vec<_>>();
        let (b, o, t) = (keyed(b.unwrap_or_default()), keyed(o), keyed(t));
        let find = |l: &[(String, Value)], id: &str| l.iter().find(|(i, _)| i == id).map(|(_, v)| v.clone());
        let mut order: Vec<String> = o.iter().map(|(id, _)| id.clone()).collect();
        order.extend(t.iter().map(|(id, _)| id.clone()).filter(|id| find(&o, id).is_none()));
        let notes = part == RecordPart::Sessions;
        // What Rapport never removes (notes, tasks, goals, watch-for items,
        // appointments: closed, dropped, resolved or cancelled instead),
        // and the scores of a finalised note, leave the record by no
        // merge: one missing on one side (taken out by hand, or by git
        // alone on another device) is kept, and said.
        let never_removed = matches!(
            part,
            RecordPart::Sessions
                | RecordPart::Tasks
                | RecordPart::Goals
                | RecordPart::WatchFor
                | RecordPart::Appointments
        );
        let sealed_before = std::mem::take(&mut self.sealed_before);
        let of_a_sealed_note = |v: &Value| {
            part == RecordPart::Measures
                && v.get("session").and_then(Value::as_str).is_some_and(|s| sealed_before.contains(s))
        };
        let mut out = Vec::new();
        for id in order {
            let (bi, oi, ti) = (find(&b, &id), find(&o, &id), find(&t, &id));
            let (bi, oi, ti) = (bi.as_ref(), oi.as_ref(), ti.as_ref());
            // A note leaves the record only with the whole client (an
            // erasure), never by a merge: one missing on one side is kept.
            if (never_removed || bi.is_some_and(of_a_sealed_note)) && bi.is_some() && oi.is_none() != ti.is_none() {
                let kept = oi.or(ti).expect("one side has it");
                self.conflict(ConflictKind::Removed, part, &id, "", Value::Null, Value::Null);
                out.push(kept.clone());
                continue;
            }
            // A note finalised before the devices parted takes no change
            // from either side by the plain rule: see `session`.
            let sealed_before = notes && bi.is_some_and(is_sealed) && oi != ti;
            if let Some(v) = pick(bi, oi, ti).filter(|_| !sealed_before) {
                out.extend(v.cloned());
                continue;
            }
            let merged = match (bi, oi, ti) {
                (_, Some(o), Some(t)) if notes => self.session(&id, bi, o, t),
                (Some(_), Some(o), Some(t)) => Value::Object(self.fields(part, &id, bi, Some(o), Some(t))),
                (None, Some(o), Some(t)) => {
                    self.conflict(ConflictKind::SameId, part, &id, "", Value::Null, t.clone());
                    o.clone()
                }
                (_, Some(kept), None) | (_, None, Some(kept)) => {
                    self.conflict(ConflictKind::Removed, part, &id, "", Value::Null, Value::Null);
                    kept.clone()
                }
                (_, None, None) => continue,
            };
            out.push(merged);
        }
        self.sealed_before = sealed_before;
        out.into_iter()
            .map(|v| {
                serde_json::from_value(v).map_err(|e| format!("a merged {} does not read back ({e})", part.item_word()))
            })
            .collect()
    }

    /// A note changed on both devices. Its words are merged only while it
    /// is finalised on neither; a finalised note is kept whole.
    fn session(&mut self, id: &str, b: Option<&Value>, o: &Value, t: &Value) -> Value {
        let items = |v: Option<&Value>| v.and_then(|v| v.get("addenda")).and_then(Value::as_array).cloned();
        let addenda = set_union(
            &items(b).unwrap_or_default(),
            &items(Some(o)).unwrap_or_default(),
            &items(Some(t)).unwrap_or_default(),
        );
        let mut addenda = addenda;
        addenda.sort_by_key(|a| a.get("at").and_then(Value::as_str).map(str::to_string));
        let with_addenda = |v: Value| {
            let mut v = v;
            if let Some(m) = v.as_object_mut() {
                m.remove("addenda");
                if !addenda.is_empty() {
                    m.insert("addenda".into(), Value::Array(addenda.clone()));
                }
            }
            v
        };
        let words = |v: &Value| without(v, &["addenda", "finalised"]);
        let whole = |this: &mut Merger, keep: &Value, other: &Value| {
            this.conflict(ConflictKind::Finalised, RecordPart::Sessions, id, "", Value::Null, other.clone());
            keep.clone()
        };
        // A seal vouches for one set of words. Where the two sides hold
        // different words for a note they both had, and only one side's
        // seal holds, that side stays in place, whichever device merges:
        // words changed outside Rapport never take a seal's place.
        // The conflict says so (`field` "seal") when the version put
        // beside carries a seal that does not hold for its words.
        let holds = |side: usize, v: &Value| is_sealed(v) && !self.broken[side].contains(id);
        if b.is_some() && sealed_words(o) != sealed_words(t) {
            let (keep, other) = match (holds(0, o), holds(1, t)) {
                (true, false) => (o, t),
                (false, true) => (t, o),
                _ => (o, o),
            };
            if keep != other {
                let field = if is_sealed(other) { SEAL } else { "" };
                self.conflict(ConflictKind::Finalised, RecordPart::Sessions, id, field, Value::Null, other.clone());
                return with_addenda(keep.clone());
            }
        }
        let at = |v: &Value| v.get("finalised").and_then(|f| f.get("at")).and_then(Value::as_str).map(str::to_string);
        let kept = match b {
            // The same words sealed on both devices at different times (the
            // editing period ran out on each, or one had synced its seal):
            // one seal, the earlier, whichever device merges, even where one
            // of them is the last version both saw; so both converge.
            _ if words(o) == words(t) && is_sealed(o) && is_sealed(t) && at(o) != at(t) => {
                if at(t) < at(o) {
                    t.clone()
                } else {
                    o.clone()
                }
            }
            // Finalised before the two devices parted: the version that still
            // matches the seal stays in place.
            Some(b) if is_sealed(b) => {
                let as_sealed = |v: &Value| sealed_words(v) == sealed_words(b);
                match (as_sealed(o), as_sealed(t)) {
                    // Only its place in the chain moved (a merge on the other
                    // device laid the chain again): no words changed.
                    (true, true) => pick(Some(b), Some(o), Some(t)).flatten().unwrap_or(o).clone(),
                    (false, true) => whole(self, t, o),
                    _ => whole(self, o, t),
                }
            }
            Some(b) if !is_sealed(o) && !is_sealed(t) => {
                Value::Object(self.fields(RecordPart::Sessions, id, Some(b), Some(o), Some(t)))
            }
            _ if words(o) == words(t) => match (is_sealed(o), is_sealed(t)) {
                // Sealed on both in the same minute (other times are taken
                // above): this device's, as a seal's hash moves with the
                // chain a merge lays again, so it cannot choose.
                (true, true) => o.clone(),
                (true, false) => o.clone(),
                _ => t.clone(),
            },
            None => {
                self.conflict(ConflictKind::SameId, RecordPart::Sessions, id, "", Value::Null, t.clone());
                o.clone()
            }
            // Changed on one device while finalised on the other.
            Some(_) if is_sealed(o) => whole(self, o, t),
            Some(_) => whole(self, t, o),
        };
        with_addenda(kept)
    }
}

/// A field set on both devices with different times that both mean the same
/// thing happened: a watch-for item resolved, an appointment cancelled.
/// The earlier time is kept, with no conflict. (Why an appointment was not
/// held, `not_held`, merges as any field: set differently on both devices,
/// it is a conflict to settle, this device's in place.)
fn first_of_both(part: RecordPart, key: &str) -> bool {
    matches!(
        (part, key),
        (RecordPart::WatchFor, "resolved_on")
            | (RecordPart::Appointments, "cancelled")
            | (RecordPart::Supervision, "discussed_on")
    )
}

/// How each field of a note merges, said once: a field added to a note
/// does not compile until it is placed here (and, where it is not merged
/// field by field, handled in [`Merger::session`]).
const _: fn(&Session) = note_fields;
fn note_fields(s: &Session) {
    let Session {
        // The key a note is matched by (`Keyed`).
        id: _,
        // Merged field by field while the note is finalised on neither
        // device; a true conflict keeps this device's value in place.
        at: _,
        minutes: _,
        topics: _,
        feedback: _,
        observations: _,
        plan: _,
        notes: _,
        assessment: _,
        intervention: _,
        appointment: _,
        // A seal is never merged: the version whose seal holds stays in place.
        finalised: _,
        // A set: the union of both devices', in time order.
        addenda: _,
    } = s;
}

/// A list without keys merged as a set: ours, then theirs' that ours
/// lacks, less what either side removed from the base.
fn set_union<T: PartialEq + Clone>(b: &[T], o: &[T], t: &[T]) -> Vec<T> {
    let mut out: Vec<T> = o.iter().filter(|v| !b.contains(v) || t.contains(v)).cloned().collect();
    out.extend(t.iter().filter(|v| !o.contains(v) && !b.contains(v)).cloned());
    out
}
