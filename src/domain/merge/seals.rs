//! Each finalised note's seal is chained to the client's previous one. Two
//! devices that finalise notes offline each extend the chain from the same
//! place, so after the merge the chain is laid again: this device's seals
//! first, as they were, then the other device's, each sealed anew over the
//! same words, date and sealing time. Only a seal that held on the device
//! it came from is sealed anew; a broken one is left as it is, for
//! `rapport verify` to name.

use std::collections::HashSet;

use super::super::{ClientRecord, Conflict, ConflictKind, Session, SessionId};

/// The note's words and facts, without what may be added after sealing.
fn words(s: &Session) -> Session {
    Session { addenda: Vec::new(), ..s.clone() }
}

/// The notes whose seal does not hold in `r`.
pub(super) fn broken(r: &ClientRecord) -> HashSet<SessionId> {
    r.verify().into_iter().map(|b| b.session).collect()
}

/// This device's record as it is now (`now`) against its version at its
/// last sync (`last`): when a note finalised there, whose seal held, is now
/// missing, no longer sealed or no longer matching its seal (the file was
/// changed outside Rapport), the merge of the two puts the sealed version
/// back in place, with the changed words beside it as a conflict; the rest
/// of the record stays as it is now. None when every such note is whole.
pub fn keep_sealed(
    last: &ClientRecord,
    now: &ClientRecord,
    at: chrono::NaiveDateTime,
) -> Result<Option<super::Merged>, String> {
    let (held, holds_now) = (broken(last), broken(now));
    let whole = |s: &Session| match now.session(&s.id) {
        Some(n) => n.finalised.is_some() && !holds_now.contains(&s.id),
        None => false,
    };
    let sealed = last.sessions.iter().filter(|s| s.finalised.is_some() && !held.contains(&s.id));
    if sealed.clone().all(whole) {
        return Ok(None);
    }
    super::merge(Some(last), now, last, at).map(Some)
}

/// Lays the chain of `merged`'s seals again; returns the seals the ledger
/// must witness again (see [`super::Merged::rewitness`]). `broken` holds
/// the notes whose seal did not hold on each side as it came (before any
/// item was given a new id).
pub(super) fn rechain(
    merged: &mut ClientRecord,
    ours: &ClientRecord,
    theirs: &ClientRecord,
    broken_on: [HashSet<SessionId>; 2],
) -> Vec<(SessionId, String)> {
    let [ours_broken, theirs_broken] = broken_on;
    // Where a seal comes from: 0 this device, 1 the other, 2 neither; and
    // whether it held there.
    let origin = |s: &Session| -> (u8, bool) {
        let same = |side: &ClientRecord| side.session(&s.id).is_some_and(|o| words(o) == words(s));
        let seal = |side: &ClientRecord| {
            side.session(&s.id).and_then(|o| o.finalised.as_ref()).map(|f| (f.seq, f.hash.clone()))
        };
        if same(ours) {
            (0, !ours_broken.contains(&s.id))
        } else if same(theirs) {
            // One seal on both sides, from before they parted (this
            // device's words were changed outside Rapport): its place in
            // this device's chain is the same.
            let shared = seal(ours).is_some() && seal(ours) == seal(theirs);
            (if shared { 0 } else { 1 }, !theirs_broken.contains(&s.id))
        } else {
            (2, false)
        }
    };
    let mut sealed: Vec<(u8, u32, usize)> = Vec::new();
    for (i, s) in merged.sessions.iter().enumerate() {
        if let Some(f) = &s.finalised {
            sealed.push((origin(s).0, f.seq, i));
        }
    }
    sealed.sort();
    let mut prev = String::new();
    for (n, &(_, _, i)) in sealed.iter().enumerate() {
        let seq = n as u32 + 1;
        let f = merged.sessions[i].finalised.clone().expect("sealed");
        let hash = merged.seal_hash(&merged.sessions[i], &prev, f.version, f.at);
        if (f.seq != seq || f.hash != hash) && origin(&merged.sessions[i]).1 {
            let seal = merged.sessions[i].finalised.as_mut().expect("sealed");
            seal.seq = seq;
            seal.hash = hash;
        }
        prev = merged.sessions[i].finalised.as_ref().expect("sealed").hash.clone();
    }
    let now_broken = broken(merged);
    let mut rewitness = Vec::new();
    for s in merged.sessions.iter().filter(|s| !now_broken.contains(&s.id)) {
        let Some(f) = &s.finalised else { continue };
        let differs = |side: &ClientRecord| {
            side.session(&s.id).and_then(|o| o.finalised.as_ref()).is_some_and(|o| o.hash != f.hash)
        };
        if differs(ours) || differs(theirs) {
            rewitness.push((s.id.clone(), f.hash.clone()));
        }
    }
    rewitness
}

/// A seal covers the tasks its note set: a task set on one device for a
/// note the other finalised (or its words changed there) never slips
/// under that seal. The sealed version's tasks stay as they were; a task
/// the sealed version did not have is kept as a task of its own. Each is a
/// conflict. Call before [`rechain`], on the merged record.
pub(super) fn keep_sealed_tasks(
    merged: &mut ClientRecord,
    ours: &ClientRecord,
    theirs: &ClientRecord,
    broken_on: &[HashSet<SessionId>; 2],
    now: chrono::NaiveDateTime,
) -> Vec<Conflict> {
    let same_seal = |a: &Session, b: &Session| {
        words(a) == words(b) && a.finalised.as_ref().map(|f| f.at) == b.finalised.as_ref().map(|f| f.at)
    };
    // Each sealed note, and the side whose sealed version is in place and
    // holds (a side that took a sealed note's task out by hand broke it;
    // `broken_on` names each side's broken seals, as `broken` found them).
    let sealed: Vec<(SessionId, &ClientRecord)> = merged
        .sessions
        .iter()
        .filter(|s| s.finalised.is_some())
        .filter_map(|s| {
            let same = |side: &ClientRecord| side.session(&s.id).is_some_and(|o| same_seal(o, s));
            let side = [(ours, &broken_on[0]), (theirs, &broken_on[1])]
                .into_iter()
                .find(|(side, broken)| same(side) && !broken.contains(&s.id))
                .or_else(|| [(ours, &broken_on[0]), (theirs, &broken_on[1])].into_iter().find(|(side, _)| same(side)))?
                .0;
            Some((s.id.clone(), side))
        })
        .collect();
    let mut found = Vec::new();
    for (session, side) in sealed {
        for t in merged.tasks.iter_mut().filter(|t| t.session.as_ref() == Some(&session)) {
            let as_sealed = side.tasks.iter().find(|x| x.id == t.id && x.session.as_ref() == Some(&session));
            if as_sealed.is_some_and(|x| x.text == t.text && x.set_on == t.set_on) {
                continue;
            }
            let other = serde_json::to_value(&*t).expect("tasks serialise");
            match as_sealed {
                Some(x) => (t.text, t.set_on) = (x.text.clone(), x.set_on),
                None => t.session = None,
            }
            found.push(Conflict {
                found: now,
                kind: ConflictKind::Finalised,
                part: super::super::RecordPart::Tasks,
                item: t.id.to_string(),
                field: String::new(),
                kept: serde_json::to_value(&*t).expect("tasks serialise"),
                other,
            });
        }
    }
    found
}
