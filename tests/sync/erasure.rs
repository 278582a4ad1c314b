//! What a merge never does in silence: remove a note, or a whole client.
//! A note leaves the record only with its client's erasure; an erasure
//! travels to the other device only where that device did not change the
//! record since, and is said either way.

use super::*;

/// Bo Chen added on the laptop with a note, synced to both devices.
fn with_bo(p: &Practice) -> String {
    ok(p, &p.laptop, NOON, &["client", "add", "Bo Chen"]);
    ok(p, &p.laptop, NOON, &["note", "bo", "--topic", "harbourside panic"]);
    ok(p, &p.laptop, NOON, &["sync"]);
    ok(p, &p.desktop, NOON, &["sync"]);
    let bo = std::fs::read_dir(p.laptop.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| *n != format!("{}.json", p.ann))
        .unwrap();
    bo.trim_end_matches(".json").to_string()
}

fn clients(p: &Practice, dir: &Path) -> String {
    ok(p, dir, EVENING, &["client", "list"])
}

pub(super) fn erase(p: &Practice, dir: &Path, id: &str, name: &str) {
    let out = {
        let mut c = p.rapport(dir, EVENING);
        c.args(["client", "delete", id]).write_stdin(format!("{name}\n")).output().unwrap()
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn notes_removed_from_the_remote_are_kept_and_said_never_deleted_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "panic"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    // Someone empties Ann's notes on the desktop with git alone and sends it.
    let path = p.ann_file(desktop);
    let mut emptied = ann(desktop);
    emptied["sessions"] = serde_json::json!([]);
    emptied["tasks"] = serde_json::json!([]);
    std::fs::write(&path, serde_json::to_string_pretty(&emptied).unwrap()).unwrap();
    p.push_by_hand(desktop);
    assert_eq!(p.on_remote(&p.ann).unwrap()["sessions"], serde_json::json!([]));

    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(!said.contains("no new notes either way"), "{said}");
    assert!(said.contains("2 notes missing from one device's version were kept"), "{said}");
    assert!(said.contains("a note leaves the record only when the whole client is erased"), "{said}");
    assert_eq!(topics(laptop), vec!["panic", "sleep"], "no note was removed here");
    // And the desktop gets them back.
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(said.contains("2 notes missing from one device's version were kept"), "{said}");
    assert_eq!(topics(desktop), vec!["panic", "sleep"]);
    assert_eq!(ann(laptop), ann(desktop));
    let status = ok(&p, desktop, EVENING, &["sync", "status"]);
    assert!(status.contains("note s1 was missing from one device's version: it was kept"), "{status}");

    // Removed there while written to here: both syncs merge, and still nothing goes.
    let mut emptied = ann(desktop);
    emptied["sessions"] = serde_json::json!([]);
    std::fs::write(&path, serde_json::to_string_pretty(&emptied).unwrap()).unwrap();
    p.push_by_hand(desktop);
    ok(&p, laptop, EVENING, &["note", "ann", "--topic", "written meanwhile"]);
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["panic", "sleep", "written meanwhile"]);
    }
}

#[test]
fn a_client_erased_on_one_device_is_erased_on_the_other_and_the_sync_says_so() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    let bo = with_bo(&p);
    assert!(!ok(&p, desktop, NOON, &["search", "harbourside"]).is_empty());
    erase(&p, laptop, &bo, "Bo Chen");
    ok(&p, laptop, EVENING, &["sync"]);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(said.contains("1 client erased on the other device, and so here"), "{said}");
    assert!(!desktop.join(format!("clients/{bo}.json")).exists());
    assert!(!clients(&p, desktop).contains("Bo Chen"));
    let found = ok(&p, desktop, EVENING, &["search", "harbourside"]);
    assert!(!found.contains("Bo"), "the search text went with the record: {found}");
    assert_eq!(topics(desktop), vec!["sleep"], "Ann is untouched");
}

#[test]
fn a_client_erased_on_one_device_while_the_other_wrote_to_them_is_kept_and_every_other_client_syncs() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    let bo = with_bo(&p);
    ok(&p, laptop, NOON, &["finalise", "ann", "s1"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    // The laptop erases Ann and books a namesake whose file looks like hers.
    erase(&p, laptop, &p.ann, "Ann Byrne");
    ok(&p, laptop, EVENING, &["client", "add", "Ann Boyle"]);
    ok(&p, laptop, EVENING, &["note", "boyle", "--topic", "sleep", "--task", "diary"]);
    ok(&p, laptop, EVENING, &["sync"]);
    // Offline, the desktop wrote for Ann and for Bo.
    ok(&p, desktop, EVENING, &["note", "ann", "--topic", "written offline"]);
    ok(&p, desktop, EVENING, &["note", "bo", "--topic", "bo offline"]);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(
        said.contains("Ann Byrne was erased on the other device while this one changed the record: it is kept"),
        "{said}"
    );
    assert!(said.contains(&format!("`rapport client delete {}`, then `rapport sync`", p.ann)), "{said}");
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne, erased on this device, was changed on the other"), "{said}");
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["sleep", "written offline"], "nothing written is lost");
        let list = clients(&p, dir);
        assert!(list.contains("Ann Byrne") && list.contains("Ann Boyle") && list.contains("Bo Chen"), "{list}");
        let bo_file = std::fs::read_to_string(dir.join(format!("clients/{bo}.json"))).unwrap();
        assert!(bo_file.contains("bo offline"), "the other clients synced");
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("All 1 finalised note of 3 clients are as they were finalised"), "{verified}");
    }
    assert_eq!(ann(laptop), ann(desktop));
    assert!(ok(&p, desktop, EVENING, &["sync"]).contains("no new notes either way"));

    // Erased again, it goes from both.
    erase(&p, laptop, &p.ann, "Ann Byrne");
    ok(&p, laptop, EVENING, &["sync"]);
    assert!(ok(&p, desktop, EVENING, &["sync"]).contains("1 client erased on the other device"));
    assert!(!p.ann_file(desktop).exists() && !clients(&p, desktop).contains("Ann Byrne"));
}

#[test]
fn an_erasure_not_yet_synced_meets_the_record_changed_on_the_other_device_and_keeps_it() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, desktop, EVENING, &["note", "ann", "--topic", "written there"]);
    ok(&p, desktop, EVENING, &["sync"]);
    erase(&p, laptop, &p.ann, "Ann Byrne");
    ok(&p, laptop, EVENING, &["client", "add", "Cy Dunn"]);
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne, erased on this device, was changed on the other"), "{said}");
    assert!(said.contains(&format!("`rapport client delete {}`", p.ann)), "{said}");
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["sleep", "written there"]);
        assert!(clients(&p, dir).contains("Cy Dunn"));
        assert!(!ok(&p, dir, EVENING, &["verify"]).contains("not as"));
    }
    assert_eq!(ann(laptop), ann(desktop));
}

#[test]
fn a_restore_in_a_synced_practice_puts_back_what_the_snapshot_holds_and_takes_nothing_away() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["personal", "add", "ann", "Mia's party"]);
    ok(&p, laptop, NOON, &["client", "add", "Cy Dunn"]);
    ok(&p, laptop, NOON, &["backup"]);
    let cy = common::id_of(laptop, "Cy Dunn");
    erase(&p, laptop, &cy, "Cy Dunn");
    // Since the snapshot: a mistaken edit here, and the desktop's work, synced to both.
    ok(&p, laptop, NOON, &["personal", "edit", "ann", "1", "a mistaken edit"]);
    ok(&p, desktop, NOON, &["note", "ann", "--topic", "written on the desktop", "--task", "desktop task"]);
    ok(&p, desktop, NOON, &["contact", "add", "ann", "--channel", "text", "--summary", "can I bring my partner?"]);
    for dir in [laptop, desktop, laptop] {
        ok(&p, dir, NOON, &["sync"]);
    }
    with_bo(&p);
    let snapshot = ok(&p, laptop, EVENING, &["backup", "list"]);
    let snapshot = snapshot.lines().find(|l| l.starts_with("2026-11-23_1200")).unwrap().split(' ').next().unwrap();
    let out = {
        let mut c = p.rapport(laptop, EVENING);
        c.args(["restore", snapshot, "--yes"]).output().unwrap()
    };
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("this practice is synced, so the restore took nothing away"), "{said}");
    assert!(said.contains("the restore brought back 1 client that was erased or removed since"), "{said}");
    for dir in [laptop, desktop, laptop] {
        ok(&p, dir, EVENING, &["sync"]);
    }
    for dir in [laptop, desktop] {
        let record = ann(dir);
        assert_eq!(record["personal"][0]["text"], "Mia's party", "the restore put back what the snapshot holds");
        assert_eq!(topics(dir), ["sleep", "written on the desktop"], "no note was taken away");
        let tasks = record["tasks"].to_string();
        assert!(tasks.contains("diary") && tasks.contains("desktop task"), "{tasks}");
        assert!(record["contacts"].to_string().contains("can I bring my partner?"), "{record}");
        assert!(clients(&p, dir).contains("Bo Chen"), "a client added since stays");
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("are as they were"));
    }
}

#[test]
fn a_client_file_deleted_by_hand_is_never_an_erasure_and_comes_back_on_both_devices() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["finalise", "ann", "s1"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    // A cleaning tool (or a slip) removes Ann's file on the desktop.
    std::fs::remove_file(p.ann_file(desktop)).unwrap();
    let doctor = output(&p, desktop, NOON, &["doctor"]);
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(!doctor.status.success(), "{said}");
    assert!(said.contains(&format!("{} (Ann Byrne) is missing from this device", p.ann_path())), "{said}");
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne's file was missing from this device (removed outside Rapport"), "{said}");
    assert!(!said.contains("client erased") && !said.contains("was erased"), "{said}");
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(!said.contains("client erased") && !said.contains("was erased"), "{said}");
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["sleep"], "the finalised note is there");
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("are as they were"));
        let doctor = ok(&p, dir, EVENING, &["doctor"]);
        assert!(doctor.contains("Nothing needs your attention"), "{doctor}");
    }

    // Removed and sent with git alone (as an older Rapport would): the
    // other device keeps it, and sends it back.
    p.git(desktop, &["rm", "-q", &p.ann_path()]);
    p.push_by_hand(desktop);
    assert!(p.on_remote(&p.ann).is_none());
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne's file was missing from the other device's version"), "{said}");
    assert!(p.on_remote(&p.ann).is_some(), "it went back to the remote");
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["sleep"]);
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("are as they were"));
    }
    assert_eq!(ann(laptop), ann(desktop));
}

#[test]
fn a_final_notes_task_and_scores_taken_out_on_the_remote_with_git_alone_are_kept_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["measure", "add", "ann", "ors", "5", "5", "5", "5", "--session", "s1"]);
    ok(&p, laptop, NOON, &["finalise", "ann", "1"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    // Someone empties the tasks and scores on the desktop and pushes it.
    let path = p.ann_file(desktop);
    let mut emptied = ann(desktop);
    emptied["tasks"] = serde_json::json!([]);
    emptied["measures"] = serde_json::json!([]);
    std::fs::write(&path, serde_json::to_string_pretty(&emptied).unwrap()).unwrap();
    p.push_by_hand(desktop);

    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("2 items missing from one device's version were kept"), "{said}");
    let r = ann(laptop);
    assert_eq!(r["tasks"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["measures"].as_array().unwrap().len(), 1, "{r}");
    let verified = ok(&p, laptop, EVENING, &["verify"]);
    assert!(verified.contains("are as they were finalised"), "{verified}");
    // A score of a final note cannot be taken out here either.
    let e = fails(&p, laptop, EVENING, &["measure", "remove", "ann", "1"]);
    assert!(e.contains("which is final: its scores stay with it"), "{e}");
}
