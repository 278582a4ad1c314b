//! A restore in a synced practice takes nothing away: a removal here would
//! travel to every other device with the next sync, and the other device's
//! work, which came in since the snapshot, would be lost on both. So the
//! snapshot's record is put back, and what the record holds now that the
//! snapshot does not (a note, task, detail or message added since) stays,
//! as does every note finalised now, as it was finalised, every appointment
//! noted and every task closed; the conflicts to settle are those of now.

use super::super::{ClientRecord, TaskStatus};
use super::ids::Item;

/// The snapshot's record `snapshot`, with what `now` holds that it does
/// not. Returns the record and how many items were kept from `now`.
pub fn restore_keeping(snapshot: &ClientRecord, now: &ClientRecord) -> (ClientRecord, usize) {
    // Every part named: one added to the record does not compile until it
    // says what a synced restore keeps of it (each is handled below).
    let ClientRecord {
        schema_version: _,
        // The snapshot's details are put back.
        client: _,
        sessions: _,
        tasks: _,
        personal: _,
        goals: _,
        watch_for: _,
        appointments: _,
        contacts: _,
        measures: _,
        scales: _,
        supervision: _,
        conflicts: _,
        device: _,
    } = now;
    let mut r = snapshot.clone();
    let mut kept = 0;
    kept += keep_added(&mut r.tasks, &now.tasks);
    kept += keep_added(&mut r.personal, &now.personal);
    kept += keep_added(&mut r.goals, &now.goals);
    kept += keep_added(&mut r.watch_for, &now.watch_for);
    kept += keep_added(&mut r.appointments, &now.appointments);
    kept += keep_added(&mut r.contacts, &now.contacts);
    kept += keep_added(&mut r.measures, &now.measures);
    kept += keep_added(&mut r.supervision, &now.supervision);
    for s in &now.sessions {
        match r.sessions.iter().position(|o| o.id == s.id) {
            None => r.sessions.push(s.clone()),
            // A finalised note is never taken back: its seal vouches for these words.
            Some(i) if s.finalised.is_some() && r.sessions[i] != *s => r.sessions[i] = s.clone(),
            Some(_) => continue,
        }
        kept += 1;
    }
    // What has happened stays as it happened: an appointment noted, or not
    // held (cancelled, did not attend), since (when and how long it was, as
    // its note says, or why it was not held), a task closed since (with
    // what the client did).
    for a in &mut r.appointments {
        if let Some(n) = now.appointments.iter().find(|n| n.id == a.id && (n.note.is_some() || n.is_cancelled()))
            && *a != *n
        {
            *a = n.clone();
            kept += 1;
        }
    }
    for t in &mut r.tasks {
        if let Some(n) = now.tasks.iter().find(|n| n.id == t.id && n.status != TaskStatus::Open)
            && *t != *n
        {
            *t = n.clone();
            kept += 1;
        }
    }
    // A question discussed since stays discussed.
    for q in &mut r.supervision {
        if let Some(n) = now.supervision.iter().find(|n| n.id == q.id && !n.is_open())
            && *q != *n
        {
            *q = n.clone();
            kept += 1;
        }
    }
    for scale in &now.scales {
        if !r.scales.iter().any(|s| s.name == scale.name) {
            r.scales.push(scale.clone());
        }
    }
    // The conflicts to settle are those of now: one settled since stays settled.
    r.conflicts.clone_from(&now.conflicts);
    r.sessions.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    r.appointments.sort_by_key(|a| a.start);
    r.contacts.sort_by_key(|c| c.at);
    r.measures_in_time_order();
    (r, kept)
}

/// Adds to `into` the items of `now` it does not hold (by id); how many.
fn keep_added<T: Item>(into: &mut Vec<T>, now: &[T]) -> usize {
    let added: Vec<T> = now.iter().filter(|n| !into.iter().any(|o| o.id() == n.id())).cloned().collect();
    into.extend_from_slice(&added);
    added.len()
}
