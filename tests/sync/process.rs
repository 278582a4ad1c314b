//! Process notes travel like the rest of the record: merged note by note
//! (nothing typed lost, a sealed one never changed), brought back when a
//! file is removed by hand, erased only with their client; and the setup
//! files that name `process/` are written only once a practice has a
//! process note, so a device with an older Rapport goes on syncing until
//! then, and a newer sync format asks for an update, in words.

use super::*;

fn process(p: &Practice, dir: &Path) -> String {
    ok(p, dir, EVENING, &["process", "show", "ann"])
}

fn remote_file(p: &Practice, path: &str) -> Option<String> {
    let mut c = assert_cmd::Command::new("git");
    quiet_git(&mut c, p.tmp.path());
    let out = c.current_dir(&p.remote).args(["show", &format!("main:{path}")]).output().unwrap();
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn process_notes_travel_and_two_devices_words_are_both_kept() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    // No process note yet: the setup files stay those every Rapport knows.
    assert!(!remote_file(&p, ".gitignore").unwrap().contains("process"));
    ok(&p, &p.laptop, NOON, &["process", "write", "ann", "1", "I felt protective"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    assert!(remote_file(&p, ".gitignore").unwrap().contains("sync format 2"));
    assert!(remote_file(&p, &format!("process/{}.json", p.ann)).unwrap().contains("I felt protective"));
    ok(&p, &p.desktop, NOON, &["sync"]);
    assert!(process(&p, &p.desktop).contains("I felt protective"));

    // Offline on both: a note each, and the same process note rewritten.
    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "laptop", "--process", "laptop's reflection"]);
    ok(&p, &p.desktop, NOON, &["note", "ann", "--topic", "desktop", "--process", "desktop's reflection"]);
    ok(&p, &p.laptop, "2026-11-23 13:00", &["process", "write", "ann", "1", "protective, and tired"]);
    ok(&p, &p.desktop, "2026-11-23 14:00", &["process", "write", "ann", "1", "protective: am I rescuing?"]);
    ok(&p, &p.laptop, EVENING, &["sync"]);
    ok(&p, &p.desktop, EVENING, &["sync"]);
    ok(&p, &p.laptop, EVENING, &["sync"]);
    for dir in [&p.laptop, &p.desktop] {
        let shown = process(&p, dir);
        for words in ["laptop's reflection", "desktop's reflection", "am I rescuing?", "protective, and tired"] {
            assert!(shown.contains(words), "{words} on {}: {shown}", dir.display());
        }
    }
    // The later words are the note's; the others are kept apart.
    let shown = process(&p, &p.laptop);
    let kept_apart = shown.find("protective, and tired").unwrap();
    assert!(shown.find("am I rescuing?").unwrap() < kept_apart, "{shown}");
    assert_eq!(process(&p, &p.laptop), process(&p, &p.desktop));
    // Never in the record that travels.
    let history = p.git(&p.remote, &["log", "-p", "main", "--", "clients"]);
    assert!(!history.contains("rescuing"), "a process word in a client file");
}

#[test]
fn a_sealed_process_note_changed_on_the_remote_stays_sealed_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["process", "write", "ann", "1", "sealed words"]);
    ok(&p, &p.laptop, NOON, &["finalise", "ann", "1"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    assert!(process(&p, &p.desktop).contains("(sealed with its note)"));
    // Someone rewrites it on the desktop with git alone, seal and all.
    let file = p.desktop.join(format!("process/{}.json", p.ann));
    let text = std::fs::read_to_string(&file).unwrap().replace("sealed words", "forged words");
    std::fs::write(&file, text).unwrap();
    p.push_by_hand(&p.desktop);

    ok(&p, &p.laptop, EVENING, &["sync"]);
    let shown = process(&p, &p.laptop);
    assert!(shown.contains("sealed words") && shown.contains("(sealed with its note)"), "{shown}");
    assert!(!shown.contains("changed since"), "{shown}");
    let verified = ok(&p, &p.laptop, EVENING, &["verify"]);
    assert!(!verified.contains("process note"), "{verified}");
    // The seal went back out: the desktop has the sealed words again.
    ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(process(&p, &p.desktop).starts_with("s1 · written"));
    assert!(process(&p, &p.desktop).contains("sealed words"));
}

#[test]
fn a_process_file_removed_by_hand_comes_back_and_goes_only_with_an_erasure() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["process", "write", "ann", "1", "keep me"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    let on_desktop = p.desktop.join(format!("process/{}.json", p.ann));
    std::fs::remove_file(&on_desktop).unwrap();
    ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(process(&p, &p.desktop).contains("keep me"), "brought back");
    assert!(remote_file(&p, &format!("process/{}.json", p.ann)).is_some());

    super::erasure::erase(&p, &p.laptop, &p.ann, "Ann Byrne");
    ok(&p, &p.laptop, EVENING, &["sync"]);
    ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(!on_desktop.exists(), "erased with the client on the other device");
    assert!(remote_file(&p, &format!("process/{}.json", p.ann)).is_none());
}

#[test]
fn a_newer_sync_format_asks_for_an_update_and_changes_nothing() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let newer = "# Written by Rapport (`rapport sync`), sync format 3: only the record is synced.\n/*\n";
    std::fs::write(p.desktop.join(".gitignore"), newer).unwrap();
    p.push_by_hand(&p.desktop);
    let before = std::fs::read(p.laptop.join(".gitignore")).unwrap();
    let e = fails(&p, &p.laptop, EVENING, &["sync"]);
    assert!(e.contains("written by a newer Rapport (sync format 3") && e.contains("update Rapport"), "{e}");
    assert_eq!(std::fs::read(p.laptop.join(".gitignore")).unwrap(), before);
    let status = ok(&p, &p.laptop, EVENING, &["sync", "status"]);
    assert!(status.contains("The last try, at 2026-11-23 18:00, did not go through"), "{status}");
}

#[test]
fn a_file_in_the_record_folders_named_as_no_client_is_never_committed() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    std::fs::write(p.laptop.join("clients/Not An Id.json"), "{}").unwrap();
    std::fs::write(p.laptop.join("clients/notes.txt"), "a stray file").unwrap();
    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "after the stray files"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let tracked = p.git(&p.laptop, &["ls-files"]);
    assert!(!tracked.contains("Not An Id") && !tracked.contains("notes.txt"), "{tracked}");
    assert!(p.git(&p.remote, &["log", "-p", "main"]).contains("after the stray files"), "the note went out");
}
