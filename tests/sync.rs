//! Two devices, one practice: a laptop and a desktop synced through a bare
//! git repository, driven through the real binary with the real `git`, at
//! fixed times, with no git identity configured anywhere.

use std::path::Path;

// The same times and git settings as the encrypted practice's tests.
use common::synced::{EVENING, MORNING, NOON, Practice, fails, ok, output, quiet_git};

mod common;

#[path = "sync/costs.rs"]
mod costs;
#[path = "sync/custom_measures.rs"]
mod custom_measures;
#[path = "sync/erasure.rs"]
mod erasure;
#[path = "sync/generated.rs"]
mod generated;
#[path = "sync/held.rs"]
mod held;
#[path = "sync/hostile.rs"]
mod hostile;
#[path = "sync/logs.rs"]
mod logs;
#[path = "sync/new_ids.rs"]
mod new_ids;
#[path = "sync/older.rs"]
mod older;
#[path = "sync/process.rs"]
mod process;
#[path = "sync/sealed.rs"]
mod sealed;
#[path = "sync/setup.rs"]
mod setup;

fn ann(dir: &Path) -> serde_json::Value {
    let file = dir.join("clients").join(format!("{}.json", common::id_of(dir, "Ann Byrne")));
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

/// Every topic of every note of Ann's, sorted.
fn topics(dir: &Path) -> Vec<String> {
    let mut t: Vec<String> = ann(dir)["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()))
        .collect();
    t.sort();
    t
}

fn ids(dir: &Path, list: &str) -> Vec<String> {
    ann(dir)[list].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

fn assert_unique(ids: &[String]) {
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "an id is shared: {ids:?}");
}

#[test]
fn notes_written_offline_on_both_devices_both_survive_whichever_syncs_first() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "laptop words", "--task", "laptop task"]);
    ok(&p, laptop, NOON, &["client", "add", "Bo Chen"]);
    ok(&p, desktop, NOON, &["note", "ann", "--topic", "desktop words", "--task", "desktop task"]);
    ok(&p, desktop, NOON, &["personal", "add", "ann", "Mia's party", "--ask"]);

    assert!(ok(&p, laptop, NOON, &["sync"]).contains("0 notes in, 1 note out"));
    assert!(ok(&p, desktop, NOON, &["sync"]).contains("1 note in, 1 note out"));
    assert!(ok(&p, laptop, NOON, &["sync"]).contains("1 note in, 0 notes out"));
    let all = vec!["desktop words", "laptop words", "sleep"];
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), all);
        assert_unique(&ids(dir, "sessions"));
        assert_unique(&ids(dir, "tasks"));
        assert_eq!(ids(dir, "tasks").len(), 3);
        assert!(ok(&p, dir, NOON, &["client", "list"]).contains("Bo Chen"));
        assert!(ok(&p, dir, NOON, &["review", "ann"]).contains("Ask about: Mia's party"));
    }
    assert_eq!(ann(laptop), ann(desktop), "both devices hold the same record");

    // The other way round: the desktop syncs first.
    ok(&p, desktop, EVENING, &["note", "ann", "--topic", "desktop again"]);
    ok(&p, laptop, EVENING, &["note", "ann", "--topic", "laptop again"]);
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["desktop again", "desktop words", "laptop again", "laptop words", "sleep"]);
        assert_unique(&ids(dir, "sessions"));
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("as they were finalised"), "{verified}");
    }
    assert_eq!(ann(laptop), ann(desktop));
}

#[test]
fn the_same_detail_changed_on_both_devices_is_a_conflict_with_both_values_kept() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["personal", "add", "ann", "Mia's party"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    ok(&p, laptop, EVENING, &["personal", "edit", "ann", "1", "Mia's party on Saturday"]);
    ok(&p, desktop, EVENING, &["personal", "edit", "ann", "1", "Mia's birthday party"]);
    ok(&p, laptop, EVENING, &["sync"]);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(said.contains("1 conflict from the two devices to settle: `rapport sync status` lists them"), "{said}");
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        let status = ok(&p, dir, EVENING, &["sync", "status"]);
        assert!(status.contains("1 conflict to settle (`rapport sync resolve CLIENT N`"), "{status}");
        let doctor = ok(&p, dir, EVENING, &["doctor"]);
        assert!(doctor.contains("to settle: 1 conflict from two devices") && doctor.contains("Nothing else"));
        assert!(status.contains("\n  Ann Byrne 1: personal detail p1-"), "{status}");
        assert!(
            status.contains(
                "text: changed on both devices; \"Mia's birthday party\" is in place; the other value was \"Mia's \
                 party on Saturday\""
            ),
            "{status}"
        );
        let review = ok(&p, dir, EVENING, &["review", "ann"]);
        assert!(review.contains("Two devices\n  ! personal detail p1-"), "{review}");
        let file = serde_json::to_string(&ann(dir)).unwrap();
        assert!(file.contains("Mia's party on Saturday") && file.contains("Mia's birthday party"), "nothing lost");
        assert!(!file.contains("<<<<<<<"), "no conflict markers");
    }
    // The therapist picks the other device's words; the choice travels.
    let said = ok(&p, desktop, EVENING, &["sync", "resolve", "ann", "1", "--other"]);
    assert_eq!(said, "Settled for Ann Byrne: the other value is in place now: \"Mia's party on Saturday\".\n");
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(ann(dir)["personal"][0]["text"], "Mia's party on Saturday");
        assert!(ok(&p, dir, EVENING, &["sync", "status"]).contains("No conflicts to settle."));
    }
}

#[test]
fn offline_the_changes_are_committed_here_and_go_out_at_the_next_sync() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "written on the train"]);
    let away = p.tmp.path().join("remote-away.git");
    std::fs::rename(&p.remote, &away).unwrap();
    let e = fails(&p, laptop, NOON, &["sync"]);
    assert!(e.contains("could not be reached"), "{e}");
    assert!(e.contains("committed on this device; run `rapport sync` again"), "{e}");
    let last = p.git(laptop, &["log", "-1", "--name-only", "--format=%s"]);
    assert!(last.contains(&p.ann_path()), "{last}");
    let status = ok(&p, laptop, NOON, &["sync", "status"]);
    assert!(status.contains("Not yet synced: 1 commit not yet on the remote"), "{status}");

    std::fs::rename(&away, &p.remote).unwrap();
    assert!(ok(&p, laptop, EVENING, &["sync"]).contains("1 note out"));
    assert!(ok(&p, &p.desktop, EVENING, &["sync"]).contains("1 note in"));
    assert!(topics(&p.desktop).contains(&"written on the train".to_string()));
}

#[test]
fn status_names_what_is_not_yet_synced_and_when_it_last_was() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    let status = ok(&p, laptop, NOON, &["sync", "status"]);
    assert!(status.contains("last sync 2026-11-23 09:00 (3 h ago)"), "{status}");
    assert!(status.contains("Everything here is on the remote."), "{status}");
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "work"]);
    let status = ok(&p, laptop, NOON, &["sync", "status"]);
    let changed = format!("Not yet synced: 2 changes (audit.log, Ann Byrne ({})). `rapport sync` sends it all.", p.ann);
    assert!(status.contains(&changed), "{status}");
    ok(&p, laptop, NOON, &["sync"]);
    let status = ok(&p, laptop, "2026-11-23 12:03", &["sync", "status"]);
    assert!(status.contains("(3 min ago)") && status.contains("Everything here is on the remote."), "{status}");
    let fresh = p.tmp.path().join("fresh");
    let status = ok(&p, &fresh, NOON, &["sync", "status"]);
    assert!(status.starts_with("Not synced: this practice is on this device only."), "{status}");
}

#[test]
fn a_remote_that_holds_a_practice_is_not_overwritten_by_init() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let other = p.tmp.path().join("other");
    ok(&p, &other, MORNING, &["client", "add", "Cy Dunn"]);
    let e = fails(&p, &other, MORNING, &["sync", "init", p.remote.to_str().unwrap()]);
    assert!(e.contains("already holds a practice") && e.contains("rapport sync clone"), "{e}");
    assert!(!other.join(".git").exists(), "nothing was set up");
    let e = fails(&p, &p.laptop, MORNING, &["sync", "clone", p.remote.to_str().unwrap()]);
    assert!(e.contains("needs a new, empty data folder"), "{e}");
}

#[test]
fn commits_name_the_device_never_a_client() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "panic at work"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let log = p.git(&p.laptop, &["log", "--format=%an <%ae>%n%s%n%b"]);
    assert!(log.contains("Rapport on "), "{log}");
    for word in ["Ann", "Byrne", "panic"] {
        assert!(!log.contains(word), "{word} in the history's messages:\n{log}");
    }
    // Derived and per-device files never travel.
    let tracked = p.git(&p.laptop, &["ls-files"]);
    assert_eq!(tracked, format!(".gitattributes\n.gitignore\naudit.log\n{}\nledger\n", p.ann_path()));
}

#[test]
fn notes_finalised_offline_on_both_devices_keep_their_seals_and_ids_never_collide() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "laptop words", "--task", "walk"]);
    ok(&p, laptop, NOON, &["finalise", "ann"]);
    ok(&p, desktop, NOON, &["note", "ann", "--topic", "desktop words", "--task", "read"]);
    ok(&p, desktop, NOON, &["finalise", "ann"]);
    // A day later each device's own notes are final, and s1 was sealed on both.
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["desktop words", "laptop words", "sleep"]);
        let sessions = ids(dir, "sessions");
        assert_unique(&sessions);
        assert!(sessions.iter().filter(|s| s.starts_with("s2-")).count() == 2, "{sessions:?}");
        assert!(ann(dir)["sessions"].as_array().unwrap().iter().all(|s| s["finalised"].is_object()));
        assert!(ann(dir).get("conflicts").is_none(), "{}", ann(dir));
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("All 3 finalised notes of 1 client are as they were finalised"), "{verified}");
    }
    assert_eq!(ann(laptop), ann(desktop));
    // Both devices gave a task the number 2: the review shows those whole,
    // and the others without the device mark (the number alone works).
    let review = ok(&p, laptop, EVENING, &["review", "ann"]);
    let tasks = ids(laptop, "tasks");
    for t in tasks.iter().filter(|t| t.starts_with("t2-")) {
        assert!(review.contains(&format!("[{t}]")), "{t} whole:\n{review}");
    }
    ok(&p, laptop, EVENING, &["task", "add", "ann", "a third"]);
    let t3 = ids(laptop, "tasks").into_iter().find(|t| t.starts_with("t3-")).expect("a marked t3");
    let review = ok(&p, laptop, EVENING, &["review", "ann"]);
    assert!(review.contains("[t3] a third") && !review.contains(&t3), "{review}");
    // The number alone is refused where two share it, the whole id works.
    let e = fails(&p, laptop, EVENING, &["task", "done", "ann", "2"]);
    assert!(e.contains("t2 could be t2-") && e.contains("type the whole id"), "{e}");
    let tasks = ids(laptop, "tasks");
    let whole = tasks.iter().find(|t| t.starts_with("t2-")).unwrap();
    assert!(
        ok(&p, laptop, EVENING, &["task", "done", "ann", whole])
            .contains(&format!("Task {whole} of Ann Byrne marked done"))
    );
}

#[test]
fn without_git_sync_says_to_install_it_and_an_encrypted_practice_is_no_longer_refused() {
    if !common::require_tool("git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("practice");
    let run = |args: &[&str], path: &str| {
        let mut c = common::rapport_at(&dir, MORNING);
        quiet_git(&mut c, tmp.path());
        c.env("PATH", path).env("RAPPORT_PASSPHRASE", "a long passphrase");
        c.args(args).output().unwrap()
    };
    let path = std::env::var("PATH").unwrap();
    assert!(run(&["client", "add", "Ann Byrne"], &path).status.success());
    let out = run(&["sync", "init", "/nowhere/remote.git"], "/nonexistent");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("git program, which is not installed here"), "{e}");
    assert!(!dir.join(".git").exists());

    assert!(run(&["encrypt", "--yes"], &path).status.success());
    let out = run(&["sync", "init", "/nowhere/remote.git"], &path);
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("could not be reached"), "{e}");
    assert!(!dir.join(".git").exists());
}

#[test]
fn a_conflict_copy_from_another_sync_tool_is_merged_into_the_record_and_removed() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    ok(&p, laptop, NOON, &["personal", "add", "ann", "Mia's party"]);
    // A snapshot both copies descend from: the merge's common version.
    ok(&p, laptop, NOON, &["backup"]);
    // Dropbox on a second computer held the folder as it was at noon…
    let other = p.tmp.path().join("other");
    let copied = std::process::Command::new("cp").arg("-a").arg(laptop).arg(&other).status().unwrap();
    assert!(copied.success());
    // …both wrote a note and changed the same detail while out of touch…
    ok(&p, &other, EVENING, &["note", "ann", "--topic", "there words", "--task", "there task"]);
    ok(&p, &other, EVENING, &["personal", "edit", "ann", "1", "Mia's birthday party"]);
    ok(&p, laptop, EVENING, &["note", "ann", "--topic", "here words"]);
    ok(&p, laptop, EVENING, &["personal", "edit", "ann", "1", "Mia's party on Saturday"]);
    // …and left its version beside the file.
    let copy = laptop.join(format!("clients/{} (conflicted copy 2026-11-23).json", p.ann));
    std::fs::copy(p.ann_file(&other), &copy).unwrap();
    let doctor = output(&p, laptop, EVENING, &["doctor"]);
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("`rapport merge FILE` folds what it holds"), "{said}");

    let said = ok(&p, laptop, EVENING, &["merge", copy.to_str().unwrap()]);
    assert!(said.contains("into Ann Byrne's record (against the snapshot 2026-11-23_120000)"), "{said}");
    assert!(said.contains("2 items only in the copy are kept"), "{said}");
    assert!(said.contains("1 conflict between the two copies to settle"), "{said}");
    assert!(said.contains("Removed the copy"), "{said}");
    assert!(!copy.exists());
    assert_eq!(topics(laptop), vec!["here words", "sleep", "there words"]);
    assert_unique(&ids(laptop, "sessions"));
    let file = serde_json::to_string(&ann(laptop)).unwrap();
    assert!(file.contains("Mia's party on Saturday") && file.contains("Mia's birthday party"), "nothing lost");
    assert!(file.contains("there task"));
    let review = ok(&p, laptop, EVENING, &["review", "ann"]);
    assert!(review.contains("\nTwo devices\n  ! "), "{review}");
    let verified = ok(&p, laptop, EVENING, &["verify"]);
    assert!(!verified.contains("not as"), "{verified}");
    let doctor = output(&p, laptop, EVENING, &["doctor"]);
    assert!(!String::from_utf8_lossy(&doctor.stdout).contains("conflict copy"), "the copy is gone");

    // The client's own file, a copy of no known client, or a damaged copy: refused, nothing changed.
    let before = ann(laptop);
    let e = fails(&p, laptop, EVENING, &["merge", p.ann_file(laptop).to_str().unwrap()]);
    assert!(e.contains(&format!("{}.json is the client's own file, not a copy", p.ann)), "{e}");
    assert!(!e.contains("damaged"), "the client's own file is not damaged: {e}");
    let mut stranger = ann(laptop);
    stranger["client"]["id"] = "zed-nobody".into();
    let elsewhere = p.laptop.with_file_name("zed-nobody.json");
    std::fs::write(&elsewhere, serde_json::to_vec(&stranger).unwrap()).unwrap();
    let e = fails(&p, laptop, EVENING, &["merge", elsewhere.to_str().unwrap()]);
    assert!(
        e.contains("holds the record of client 'zed-nobody', who has no file here") && !e.contains("damaged"),
        "{e}"
    );
    let damaged = laptop.join(format!("clients/{} (1).json", p.ann));
    std::fs::write(&damaged, "{ not json").unwrap();
    let e = fails(&p, laptop, EVENING, &["merge", damaged.to_str().unwrap()]);
    assert!(damaged.exists(), "a copy that could not be read is never removed: {e}");
    assert_eq!(ann(laptop), before);
}

#[test]
fn a_client_added_on_a_synced_device_gets_an_id_free_of_names_and_two_namesakes_stay_two() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    // Two people called Bo Chen, one booked on each device while out of touch.
    ok(&p, laptop, NOON, &["client", "add", "Bo Chen"]);
    ok(&p, laptop, NOON, &["note", "bo", "--topic", "the laptop's Bo"]);
    ok(&p, desktop, NOON, &["client", "add", "Bo Chen"]);
    ok(&p, desktop, NOON, &["note", "bo", "--topic", "the desktop's Bo"]);
    for dir in [laptop, desktop, laptop] {
        ok(&p, dir, NOON, &["sync"]);
    }
    for dir in [laptop, desktop] {
        let files: Vec<String> = std::fs::read_dir(dir.join("clients"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| *n != format!("{}.json", p.ann))
            .collect();
        assert_eq!(files.len(), 2, "{files:?}");
        for f in &files {
            assert!(!f.contains("bo") && !f.contains("chen"), "a file name gives the client away: {f}");
            let text = std::fs::read_to_string(dir.join("clients").join(f)).unwrap();
            assert!(text.contains("Bo Chen"));
            assert!(
                text.contains("the laptop's Bo") != text.contains("the desktop's Bo"),
                "each Bo keeps their own note"
            );
        }
        let list = ok(&p, dir, NOON, &["client", "list"]);
        assert_eq!(list.matches("Bo Chen").count(), 2, "{list}");
    }
}

#[test]
fn lists_line_up_with_device_marked_ids() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    // t1 was set before syncing; these carry the laptop's mark.
    ok(&p, &p.laptop, NOON, &["task", "add", "ann", "walk each morning"]);
    ok(&p, &p.laptop, NOON, &["task", "add", "ann", "call her sister"]);
    let list = ok(&p, &p.laptop, NOON, &["task", "list", "ann"]);
    let columns: Vec<usize> = list.lines().map(|l| l.find("open").unwrap()).collect();
    assert_eq!(columns.len(), 3, "{list}");
    assert!(columns.iter().all(|c| *c == columns[0]), "{list}");
    assert!(list.contains("t2-"), "{list}");
}
