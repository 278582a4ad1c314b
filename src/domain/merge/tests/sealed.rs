//! A finalised note's words changed outside Rapport, and notes missing on
//! one side: what stays in place, whichever device merges.

use super::*;

/// Ann's record with s1 finalised, and a copy whose sealed words were
/// changed by hand (the seal left as it was, so it no longer holds).
fn sealed_and_altered() -> (ClientRecord, ClientRecord) {
    let mut sealed = base();
    sealed.finalise(Some(&crate::domain::SessionId::new("s1")), dt("2026-11-03 10:00")).unwrap();
    let mut altered = sealed.clone();
    altered.sessions[0].topics = vec!["rewritten by hand".into()];
    assert!(!altered.verify().is_empty(), "the seal no longer holds");
    (sealed, altered)
}

#[test]
fn the_version_whose_seal_holds_stays_in_place_whichever_device_merges() {
    let (sealed, altered) = sealed_and_altered();
    // The device that altered it (its own last version is the altered one),
    // the other device, each way round, and from the sealed base.
    let cases = [
        (&altered, &altered, &sealed),
        (&altered, &sealed, &altered),
        (&sealed, &altered, &sealed),
        (&sealed, &sealed, &altered),
    ];
    for (n, (b, o, t)) in cases.into_iter().enumerate() {
        let m = merged(b, o, t);
        assert_eq!(topics(&m.record), vec!["sleep"], "case {n}: the sealed words are in place");
        assert!(m.record.verify().is_empty(), "case {n}: {:?}", m.record.verify());
        assert_eq!(m.record.conflicts.len(), 1, "case {n}");
        let c = &m.record.conflicts[0];
        assert_eq!((c.kind, c.item.as_str()), (ConflictKind::Finalised, "s1"), "case {n}");
        assert_eq!(c.other["topics"][0], "rewritten by hand", "case {n}: the altered words are kept beside");
        assert!(c.describe().contains("note s1 was changed outside Rapport after it was finalised"), "case {n}");
    }
}

#[test]
fn two_devices_that_differ_on_an_altered_note_converge_on_one_record_with_one_conflict() {
    let (sealed, altered) = sealed_and_altered();
    // The sealed device merges the altered one first and sends its result;
    // the altering device then merges that from its own altered version.
    let there = merged(&sealed, &sealed, &altered).record;
    let here = merge(Some(&altered), &altered, &there, dt("2026-11-21 09:00")).unwrap();
    assert_eq!(here.record, there, "both devices hold the same record");
    assert_eq!(here.record.conflicts.len(), 1, "the same conflict is not said twice");
    // And again, any number of times.
    let again = merge(Some(&there), &here.record, &there, dt("2026-11-22 09:00")).unwrap().record;
    assert_eq!(again, there);
}

#[test]
fn a_note_missing_on_one_side_is_kept_and_said() {
    let b = base();
    let mut written = b.clone();
    note(&mut written, "2026-11-09 10:00", "panic");
    let mut emptied = written.clone();
    emptied.sessions.clear();
    for (o, t) in [(&written, &emptied), (&emptied, &written)] {
        let m = merged(&written, o, t);
        assert_eq!(topics(&m.record), vec!["sleep", "panic"], "no note is removed by a merge");
        assert_eq!(m.conflicts.len(), 2);
        assert!(
            m.conflicts
                .iter()
                .all(|c| c.kind == ConflictKind::Removed && c.part == crate::domain::RecordPart::Sessions)
        );
        let said = m.conflicts[0].describe();
        assert!(said.contains("note s1 was missing from one device's version: it was kept"), "{said}");
    }
    // A note removed on both sides is not brought back.
    let m = merged(&written, &emptied, &emptied);
    assert!(m.record.sessions.is_empty() && m.conflicts.is_empty());
}

#[test]
fn a_note_finalised_after_one_was_altered_keeps_its_place_in_the_chain() {
    let (sealed, mut altered) = sealed_and_altered();
    let s2 = note(&mut altered, "2026-11-09 10:00", "later");
    altered.finalise(Some(&s2), dt("2026-11-09 12:00")).unwrap();
    let hashes = |r: &ClientRecord| -> Vec<(String, u32, String)> {
        let sealed =
            r.sessions.iter().filter_map(|s| s.finalised.as_ref().map(|f| (s.id.to_string(), f.seq, f.hash.clone())));
        sealed.collect()
    };
    for (o, t) in [(&altered, &sealed), (&sealed, &altered)] {
        let m = merged(&sealed, o, t);
        assert_eq!(topics(&m.record), vec!["sleep", "later"]);
        assert!(m.record.verify().is_empty(), "{:?}", m.record.verify());
        assert_eq!(hashes(&m.record), hashes(&altered), "no seal is laid again");
        assert!(m.rewitness.is_empty(), "{:?}", m.rewitness);
    }
    let put_back = keep_sealed(&sealed, &altered, dt(NOW)).unwrap().expect("the altered note is put back");
    assert_eq!(topics(&put_back.record), vec!["sleep", "later"]);
    assert_eq!(hashes(&put_back.record), hashes(&altered));
    assert_eq!(put_back.record.conflicts.len(), 1);
    assert!(keep_sealed(&sealed, &put_back.record, dt(NOW)).unwrap().is_none(), "whole again");
}
