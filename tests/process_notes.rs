//! Process notes through the real binary: kept apart from the record, in
//! no review, search or export unless asked for (after the law is said),
//! sealed with their note, encrypted with the folder, erased with the client.

mod common;

use common::{fails, ok};

const NOW: &str = "2026-11-26 09:35";
const PRIVATE: &str = "I felt the pull to rescue her";

fn practice(dir: &std::path::Path) {
    ok(dir, NOW, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    let said = ok(dir, NOW, &["note", "mari", "--at", "2026-11-26 09:00", "--topic", "sleep", "--process", PRIVATE]);
    assert!(said.contains("Kept its process note apart from the record"), "{said}");
}

#[test]
fn a_process_note_is_in_no_output_unless_asked_and_in_no_client_record_file() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    assert!(ok(dir, NOW, &["process", "show", "mari"]).contains(PRIVATE));
    for args in [
        &["review", "mari"][..],
        &["export", "mari"],
        &["export", "mari", "--format", "json"],
        &["supervision", "brief", "mari"],
    ] {
        assert!(!ok(dir, NOW, args).contains("rescue"), "{args:?}");
    }
    assert!(!ok(dir, NOW, &["search", "rescue"]).contains("Maria"), "search does not find it");
    let record = std::fs::read_to_string(dir.join("clients/maria-lopez.json")).unwrap();
    assert!(!record.contains("rescue"), "{record}");
    // Asked for, the law is said first; a script must say yes.
    let e = fails(dir, NOW, &["export", "mari", "--include-process-notes"]);
    assert!(e.contains("Under US HIPAA") && e.contains("Under UK GDPR"), "{e}");
    let md = ok(dir, NOW, &["export", "mari", "--include-process-notes", "--yes"]);
    assert!(md.contains("## Process notes (private, kept apart from the record)") && md.contains(PRIVATE), "{md}");
    let json = ok(dir, NOW, &["export", "mari", "--format", "json", "--include-process-notes", "--yes"]);
    assert!(json.contains(PRIVATE), "{json}");
    // The audit log says which exports held them, by id only.
    let audit = std::fs::read_to_string(dir.join("audit.log")).unwrap();
    assert_eq!(audit.matches("markdown, with process notes").count(), 1, "{audit}");
    assert_eq!(audit.matches("json, with process notes").count(), 1, "{audit}");
    assert!(!audit.contains("rescue") && !audit.contains("Maria"), "{audit}");
}

#[test]
fn a_process_note_is_sealed_with_its_note_and_erased_with_the_client() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, NOW, &["process", "write", "mari", "1", "second thoughts"]);
    ok(dir, NOW, &["finalise", "mari", "1"]);
    assert!(ok(dir, NOW, &["process", "show", "mari"]).contains("(sealed with its note)"));
    let e = fails(dir, NOW, &["process", "write", "mari", "1", "changed my mind"]);
    assert!(e.contains("sealed with its note and cannot be changed") || e.contains("is final"), "{e}");
    // Changed by hand, it says so.
    let path = dir.join("process/maria-lopez.json");
    let text = std::fs::read_to_string(&path).unwrap().replace("second thoughts", "other thoughts");
    std::fs::write(&path, text).unwrap();
    assert!(ok(dir, NOW, &["process", "show", "mari"]).contains("changed since"));
    let doctor = common::run(dir, NOW, &["doctor"]);
    assert!(!doctor.status.success(), "doctor needs attention");
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("note s1 of Maria Lopez (Mari) has a process note changed after it was sealed"), "{said}");
    let verified = common::run(dir, NOW, &["verify"]);
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(!verified.status.success() && said.contains("has a process note changed after it was sealed"), "{said}");
    // Its seal taken away with the words changed: still named.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut notes: serde_json::Value = serde_json::from_str(&text).unwrap();
    notes["notes"][0].as_object_mut().unwrap().remove("sealed");
    std::fs::write(&path, serde_json::to_string(&notes).unwrap()).unwrap();
    let said = String::from_utf8_lossy(&common::run(dir, NOW, &["verify"]).stdout).into_owned();
    assert!(said.contains("has a process note that is not sealed, though the note is final"), "{said}");
    let out =
        common::rapport_at(dir, NOW).args(["client", "delete", "mari"]).write_stdin("Maria Lopez\n").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!path.exists(), "the process notes go with the client");
}

#[test]
fn an_encrypted_practice_keeps_no_process_word_readable_on_disk() {
    use common::encrypted::{PASS, all_files};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    common::encrypted::ok(dir, Some(PASS), &["encrypt", "--yes"]);
    for (path, bytes) in all_files(dir) {
        assert!(!String::from_utf8_lossy(&bytes).contains("rescue"), "readable in {}", path.display());
    }
    assert!(common::encrypted::ok(dir, Some(PASS), &["process", "show", "mari"]).contains(PRIVATE));
    common::encrypted::ok(dir, Some(PASS), &["decrypt", "--yes"]);
    assert!(ok(dir, NOW, &["process", "show", "mari"]).contains(PRIVATE));
}

#[test]
fn a_restore_that_takes_a_note_away_sets_its_process_note_apart_never_on_the_next_note() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, "2026-11-21 09:00", &["client", "add", "Ana Berg"]);
    ok(
        dir,
        "2026-11-21 09:00",
        &["note", "ana", "--at", "2026-11-21 08:00", "--topic", "first", "--process", "ORPHAN"],
    );
    let snapshot = ok(dir, "2026-11-22 09:00", &["backup", "list"]);
    let snapshot = snapshot.lines().find_map(|l| l.split_whitespace().find(|w| w.starts_with("2026-11-21_"))).unwrap();
    let out = common::rapport_at(dir, "2026-11-22 09:00").args(["restore", snapshot, "--yes"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 process note of notes the restore took away is kept apart")
    );
    ok(dir, "2026-11-22 09:00", &["note", "ana", "--topic", "second"]);
    let shown = ok(dir, "2026-11-22 09:00", &["process", "show", "ana"]);
    assert!(shown.contains("no longer in the record") && !shown.starts_with("s1 ·"), "{shown}");
    ok(dir, "2026-11-22 09:00", &["process", "write", "ana", "1", "the new reflection"]);
    let shown = ok(dir, "2026-11-22 09:00", &["process", "show", "ana"]);
    assert!(shown.starts_with("s1 · written") && shown.contains("the new reflection"), "{shown}");
}
