//! A finalised note whose words were changed outside Rapport: the version
//! whose seal holds stays in place on every device.

use super::*;

/// Ann's note s1 finalised on the laptop and synced to both devices.
fn finalised() -> Practice {
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["finalise", "ann", "s1"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    p
}

/// Rewrites the sealed words of Ann's note in `dir` by hand, seal untouched.
fn rewrite_by_hand(dir: &Path) {
    let path = dir.join("clients").join(format!("{}.json", common::id_of(dir, "Ann Byrne")));
    let text = std::fs::read_to_string(&path).unwrap().replace("\"sleep\"", "\"quietly rewritten\"");
    std::fs::write(&path, text).unwrap();
}

fn assert_sealed_in_place_with_the_change_beside(what: &serde_json::Value) {
    assert_eq!(what["sessions"][0]["topics"][0], "sleep", "the sealed words are in place: {what}");
    let conflicts = what["conflicts"].as_array().expect("a conflict keeps the changed words");
    assert_eq!(conflicts.len(), 1, "said once: {conflicts:?}");
    assert_eq!((&conflicts[0]["kind"], &conflicts[0]["field"]), (&"finalised".into(), &"seal".into()));
    assert_eq!(conflicts[0]["other"]["topics"][0], "quietly rewritten", "the changed words are kept beside");
}

#[test]
fn a_finalised_note_edited_by_hand_never_travels_as_the_version_in_place_and_both_devices_converge() {
    if !common::require_tool("git") {
        return;
    }
    let p = finalised();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    rewrite_by_hand(desktop);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(
        said.contains("A finalised note was changed outside Rapport (the words no longer match the seal)"),
        "{said}"
    );
    assert!(said.contains("the finalised version stays in place on every device"), "{said}");
    assert_sealed_in_place_with_the_change_beside(&ann(desktop));
    assert_sealed_in_place_with_the_change_beside(&p.on_remote(&p.ann).unwrap());

    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("A finalised note was changed outside Rapport"), "{said}");
    assert_sealed_in_place_with_the_change_beside(&ann(laptop));
    // More syncs each way: one record everywhere, and no commit piles up.
    let commits = p.commits();
    for dir in [desktop, laptop, desktop, laptop] {
        let said = ok(&p, dir, EVENING, &["sync"]);
        assert!(said.contains("no new notes either way") && !said.contains("conflict"), "{said}");
    }
    assert_eq!(p.commits(), commits, "nothing more to merge");
    assert_eq!(ann(laptop), ann(desktop));
    for dir in [laptop, desktop] {
        let status = ok(&p, dir, EVENING, &["sync", "status"]);
        assert!(status.contains("1 conflict to settle"), "{status}");
        assert!(status.contains("note s1 was changed outside Rapport after it was finalised"), "{status}");
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("as they were finalised"));
    }
    // A fresh clone gets the sealed version in place too.
    let fresh = p.tmp.path().join("fresh");
    ok(&p, &fresh, EVENING, &["sync", "clone", p.remote.to_str().unwrap()]);
    assert_sealed_in_place_with_the_change_beside(&ann(&fresh));
    assert!(ok(&p, &fresh, EVENING, &["verify"]).contains("as they were finalised"));
    // Only the value in place can be kept; settled, it stays settled.
    let e = fails(&p, laptop, EVENING, &["sync", "resolve", "ann", "1", "--other"]);
    assert!(e.contains("keeps both versions whole"), "{e}");
    ok(&p, laptop, EVENING, &["sync", "resolve", "ann", "1"]);
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["sleep"]);
        assert!(ann(dir).get("conflicts").is_none(), "{}", ann(dir));
    }
}

#[test]
fn an_altered_note_already_on_the_remote_is_put_right_by_whichever_device_merges() {
    if !common::require_tool("git") {
        return;
    }
    let p = finalised();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    // An older Rapport on the desktop sent the altered words as the version in place.
    rewrite_by_hand(desktop);
    p.push_by_hand(desktop);
    assert_eq!(p.on_remote(&p.ann).unwrap()["sessions"][0]["topics"][0], "quietly rewritten");
    // Both write a note offline, so the laptop's sync merges both versions.
    ok(&p, desktop, EVENING, &["note", "ann", "--topic", "desktop words"]);
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["note", "ann", "--topic", "laptop words"]);
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("1 note in, 1 note out"), "{said}");
    assert!(said.contains("A finalised note was changed outside Rapport"), "{said}");
    // The desktop, whose own version holds the altered words, takes the sealed one back.
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["desktop words", "laptop words", "sleep"]);
        assert_sealed_in_place_with_the_change_beside(&ann(dir));
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("as they were finalised"));
    }
    assert_eq!(ann(laptop), ann(desktop));
    assert_sealed_in_place_with_the_change_beside(&p.on_remote(&p.ann).unwrap());
    let commits = p.commits();
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    assert_eq!(p.commits(), commits, "the two devices agree: no merge is left to make");
}

#[test]
fn a_note_sealed_on_both_devices_in_the_same_minute_or_minutes_apart_is_one_seal_on_both_and_no_conflict() {
    if !common::require_tool("git") {
        return;
    }
    // The morning's note, sealed the next day on each device.
    for desktop_at in ["2026-11-24 12:00", "2026-11-24 12:05", "2026-11-24 11:55"] {
        let p = Practice::new();
        let (laptop, desktop) = (&p.laptop, &p.desktop);
        ok(&p, laptop, "2026-11-24 12:00", &["finalise", "ann"]);
        ok(&p, desktop, desktop_at, &["finalise", "ann"]);
        // And an addendum beneath it on one device: kept beneath the one seal.
        ok(&p, desktop, desktop_at, &["addendum", "ann", "1", "she phoned to add this"]);
        for (i, dir) in [laptop, desktop, laptop, desktop, laptop].into_iter().enumerate() {
            let said = ok(&p, dir, "2026-11-24 12:10", &["sync"]);
            assert!(!said.contains("finalised note was changed"), "{desktop_at}, round {i}: {said}");
            assert!(!said.contains("conflict"), "{desktop_at}, round {i}: {said}");
        }
        assert_eq!(ann(laptop), ann(desktop), "both devices hold the same record");
        assert!(ann(laptop)["conflicts"].as_array().is_none_or(|c| c.is_empty()), "{}", ann(laptop));
        assert_eq!(ann(laptop)["sessions"][0]["addenda"][0]["text"], "she phoned to add this");
        for dir in [laptop, desktop] {
            let verified = ok(&p, dir, "2026-11-24 12:10", &["verify"]);
            assert!(verified.contains("as they were finalised"), "{verified}");
            assert!(ok(&p, dir, "2026-11-24 12:10", &["sync", "status"]).contains("No conflicts to settle."));
        }
    }
}

/// A restore in a synced practice keeps every finalised note itself (see
/// `erasure.rs`); over a damaged file it cannot read, it puts the snapshot's
/// back whole, and the sync keeps the finalised notes that took back.
#[test]
fn a_restore_over_a_damaged_file_keeps_every_finalised_note_and_verify_holds_on_both() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    // A snapshot from before Ann's note s1 was finalised, and one from before a second note.
    ok(&p, laptop, NOON, &["backup"]);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "a second note"]);
    ok(&p, laptop, "2026-11-24 10:00", &["finalise", "ann"]);
    for dir in [laptop, desktop] {
        ok(&p, dir, "2026-11-24 10:00", &["sync"]);
    }
    let snapshots = ok(&p, laptop, "2026-11-24 11:00", &["backup", "list"]);
    let older = snapshots.lines().find(|l| l.starts_with("2026-11-23_1200")).unwrap().split(' ').next().unwrap();
    std::fs::write(p.ann_file(laptop), "{ damaged").unwrap();
    ok(&p, laptop, "2026-11-24 11:00", &["restore", older, "--yes"]);
    // The restore took the seals back here: the finalised versions stay, the restored ones beside.
    for dir in [laptop, desktop, laptop] {
        ok(&p, dir, "2026-11-24 11:05", &["sync"]);
    }
    assert_eq!(topics(laptop), topics(desktop));
    assert_eq!(topics(laptop), ["a second note", "sleep"], "a finalised note leaves with its client only");
    for dir in [laptop, desktop] {
        let verified = ok(&p, dir, "2026-11-24 11:05", &["verify"]);
        assert!(verified.contains("All 2 finalised notes of 1 client are as they were finalised"), "{verified}");
    }
}

#[test]
fn a_restore_on_one_device_meets_a_seal_made_offline_on_the_other_and_verify_holds_on_both() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["backup"]);
    // Offline, the desktop finalises Ann's note and adds an addendum; the laptop restores later.
    ok(&p, desktop, "2026-11-24 10:00", &["finalise", "ann"]);
    ok(&p, desktop, "2026-11-24 10:05", &["addendum", "ann", "1", "she phoned to add this"]);
    ok(&p, laptop, "2026-11-24 11:00", &["note", "ann", "--topic", "written on the laptop"]);
    let snapshots = ok(&p, laptop, "2026-11-24 11:00", &["backup", "list"]);
    let older = snapshots.lines().find(|l| l.starts_with("2026-11-23_1200")).unwrap().split(' ').next().unwrap();
    ok(&p, laptop, "2026-11-24 12:00", &["restore", older, "--yes"]);
    for dir in [laptop, desktop, laptop, desktop] {
        ok(&p, dir, "2026-11-24 12:05", &["sync"]);
    }
    assert_eq!(ann(laptop), ann(desktop), "both devices hold the same record");
    assert_eq!(topics(laptop), ["sleep", "written on the laptop"]);
    for dir in [laptop, desktop] {
        let verified = ok(&p, dir, "2026-11-24 12:05", &["verify"]);
        assert!(verified.contains("All 1 finalised note of 1 client are as they were finalised"), "{verified}");
    }
}

#[test]
fn a_task_set_on_one_device_for_a_note_finalised_on_the_other_never_slips_under_its_seal() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, desktop, "2026-11-23 11:00", &["finalise", "ann"]);
    let sealed = ann(desktop)["sessions"][0]["finalised"].clone();
    // Offline, the laptop sets a task on the same note, not final there.
    ok(&p, laptop, NOON, &["task", "add", "ann", "extra homework", "--session", "s1"]);
    for dir in [laptop, desktop, laptop, desktop] {
        ok(&p, dir, EVENING, &["sync"]);
    }
    for dir in [laptop, desktop] {
        let record = ann(dir);
        assert_eq!(record["sessions"][0]["finalised"], sealed, "the seal is the one made, not laid again");
        let extra = record["tasks"].as_array().unwrap().iter().find(|t| t["text"] == "extra homework").unwrap().clone();
        assert!(extra.get("session").is_none(), "kept as a task of its own: {extra}");
        assert!(record["conflicts"].to_string().contains("extra homework"), "and said: {record}");
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("are as they were finalised"));
        let status = ok(&p, dir, EVENING, &["sync", "status"]);
        assert!(status.contains("was set or changed on one device for a note finalised on the other"), "{status}");
    }
    assert_eq!(ann(laptop), ann(desktop));
}

/// What the snapshot does not hold (a message, a score, a cancellation)
/// is kept too when the live file cannot be read: its last synced copy
/// stands for it, so `doctor`'s advice (restore it) takes nothing away on
/// either device.
#[test]
fn a_restore_over_a_damaged_file_keeps_what_was_synced_since_the_snapshot_on_both_devices() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, desktop, NOON, &["backup"]);
    ok(&p, laptop, NOON, &["appointment", "ann", "--at", "2026-12-03 11:00"]);
    ok(&p, laptop, NOON, &["appointment", "cancel", "ann", "--at", "2026-12-03 11:00"]);
    ok(&p, laptop, NOON, &["contact", "add", "ann", "--channel", "email", "--summary", "about the magpie"]);
    ok(&p, laptop, NOON, &["measure", "add", "ann", "ORS", "5", "6", "7", "8"]);
    for dir in [laptop, desktop] {
        ok(&p, dir, NOON, &["sync"]);
    }
    let snapshots = ok(&p, desktop, EVENING, &["backup", "list"]);
    let oldest =
        snapshots.lines().filter_map(|l| l.split(' ').next()).filter(|n| n.starts_with("2026-")).min().unwrap();
    std::fs::write(p.ann_file(desktop), "{\"schema_version\": 1, \"client\": ").unwrap();
    // Her name cannot be read now: her id, as `doctor` names the file.
    let id = p.ann_file(desktop).file_stem().unwrap().to_str().unwrap().to_string();
    ok(&p, desktop, EVENING, &["restore", oldest, "--client", &id, "--yes"]);
    // The restore itself keeps them, from the synced copy: not left to the sync to find.
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p.ann_file(desktop)).unwrap()).unwrap();
    assert!(file.to_string().contains("about the magpie"), "{file}");
    for dir in [desktop, laptop, desktop] {
        ok(&p, dir, EVENING, &["sync"]);
    }
    for dir in [laptop, desktop] {
        assert!(ok(&p, dir, EVENING, &["search", "magpie"]).contains("magpie"), "the message, on {}", dir.display());
        assert!(ok(&p, dir, EVENING, &["measure", "list", "ann"]).contains("ORS"), "the score, on {}", dir.display());
        let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p.ann_file(dir)).unwrap()).unwrap();
        let cancelled = file["appointments"].as_array().unwrap().iter().any(|a| {
            a["start"].as_str().is_some_and(|s| s.starts_with("2026-12-03T11:00")) && a.to_string().contains("cancel")
        });
        assert!(cancelled, "the cancellation, on {}: {}", dir.display(), file["appointments"]);
    }
}
