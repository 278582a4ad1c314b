//! A client whose two versions cannot be merged on a device is held back
//! there, and never blocks the others: the sync goes through for the rest,
//! names the client, says what to do, `doctor` and `sync status` say it
//! until it is settled, and the first sync that can merge the two does.

use super::*;

/// The desktop's version of Ann's file as a newer Rapport would write it
/// (a format this one does not know), with a note of its own, pushed by
/// hand; and Bea, synced on both, with a note from each device.
fn newer_on_the_desktop(p: &Practice) {
    ok(p, &p.laptop, MORNING, &["client", "add", "Bea Lind"]);
    ok(p, &p.laptop, MORNING, &["sync"]);
    ok(p, &p.desktop, MORNING, &["sync"]);
    ok(p, &p.desktop, NOON, &["note", "bea", "--topic", "from the desktop"]);
    ok(p, &p.desktop, NOON, &["sync"]);
    ok(p, &p.desktop, NOON, &["note", "ann", "--topic", "desktop words"]);
    let path = p.ann_file(&p.desktop);
    let newer = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&format!("\"schema_version\": {}", rapport::domain::SCHEMA_VERSION), "\"schema_version\": 99");
    std::fs::write(&path, newer).unwrap();
    p.push_by_hand(&p.desktop);
    ok(p, &p.laptop, NOON, &["note", "ann", "--topic", "laptop words"]);
    ok(p, &p.laptop, NOON, &["note", "bea", "--topic", "from the laptop"]);
}

/// The held versions (not their bases) in `repo`'s main branch.
fn held_versions(p: &Practice, repo: &Path) -> Vec<String> {
    let listed = p.git(repo, &["ls-tree", "-r", "--name-only", "main", "held/"]);
    listed.lines().filter(|l| !l.contains(".base.")).map(str::to_string).collect()
}

/// Bea's file in the data folder `dir`, as text.
fn bea(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("clients").join(format!("{}.json", common::id_of(dir, "Bea Lind")))).unwrap()
}

#[test]
fn a_client_that_cannot_be_merged_is_held_back_and_the_others_sync() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    newer_on_the_desktop(&p);
    let before = std::fs::read(p.ann_file(&p.laptop)).unwrap();

    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne is held back"), "{said}");
    assert!(said.contains("written by a newer Rapport") && said.contains("update Rapport on this device"), "{said}");
    assert!(said.contains("rapport sync keep-this \"Ann Byrne\""), "{said}");
    // Ann's file here is as it was; Bea synced both ways.
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);
    assert!(bea(&p.laptop).contains("from the desktop"));
    let remote_bea = p.git(&p.remote, &["log", "-p", "main", "--", "clients"]);
    assert!(remote_bea.contains("from the laptop"), "Bea's note went out");
    // The remote holds the laptop's Ann in place and the desktop's beside it.
    let held = held_versions(&p, &p.remote);
    assert_eq!(held.len(), 1, "{held:?}");
    let held = p.git(&p.remote, &["show", &format!("main:{}", held[0])]);
    assert!(held.contains("\"schema_version\": 99") && held.contains("desktop words"), "{held}");
    assert!(p.on_remote(&p.ann).unwrap().to_string().contains("laptop words"));
    // Nothing of it reaches the folder.
    assert!(!p.laptop.join("held").exists());

    // Doctor and status say it until it is settled, and a sync again too.
    let doctor = output(&p, &p.laptop, EVENING, &["doctor"]);
    let told = String::from_utf8_lossy(&doctor.stdout);
    assert!(!doctor.status.success() && told.contains("Ann Byrne is held back"), "{told}");
    assert!(ok(&p, &p.laptop, EVENING, &["sync", "status"]).contains("Ann Byrne is held back"));
    assert!(ok(&p, &p.laptop, EVENING, &["sync"]).contains("Ann Byrne is held back"));

    // The desktop (the same older Rapport here) cannot merge it either: it
    // gets the laptop's Ann, its own version held, and says so.
    let said = ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne is held back"), "{said}");
    assert!(bea(&p.desktop).contains("from the laptop"));

    // Once a device can read the held version (a newer Rapport wrote it
    // back in this format), its sync merges the two, and the hold is gone.
    let fixer = p.tmp.path().join("fixer");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "fixer"]);
    let held_file = fixer.join(&held_versions(&p, &fixer)[0]);
    let readable = std::fs::read_to_string(&held_file)
        .unwrap()
        .replace("\"schema_version\": 99", &format!("\"schema_version\": {}", rapport::domain::SCHEMA_VERSION));
    std::fs::write(&held_file, readable).unwrap();
    p.push_by_hand(&fixer);
    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(!said.contains("held back"), "{said}");
    assert!(
        !String::from_utf8_lossy(&output(&p, &p.laptop, EVENING, &["doctor"]).stdout).contains("did not go through")
    );
    let topics = topics(&p.laptop);
    assert!(
        topics.contains(&"desktop words".to_string()) && topics.contains(&"laptop words".to_string()),
        "{topics:?}"
    );
    assert!(p.git(&p.remote, &["ls-tree", "-r", "--name-only", "main"]).lines().all(|l| !l.starts_with("held/")));
    assert!(!String::from_utf8_lossy(&output(&p, &p.laptop, EVENING, &["doctor"]).stdout).contains("held back"));
    assert!(!ok(&p, &p.desktop, EVENING, &["sync"]).contains("held back"));
    assert_eq!(topics, self::topics(&p.desktop));
}

#[test]
fn keep_this_lets_a_held_version_go_and_the_sync_says_no_more_of_it() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    newer_on_the_desktop(&p);
    assert!(ok(&p, &p.laptop, EVENING, &["sync"]).contains("Ann Byrne is held back"));
    let e = fails(&p, &p.laptop, EVENING, &["sync", "keep-this", "bea"]);
    assert!(e.contains("nothing is held back for Bea Lind"), "{e}");
    let said = ok(&p, &p.laptop, EVENING, &["sync", "keep-this", "ann"]);
    assert!(said.contains("This device's version of Ann Byrne is kept"), "{said}");
    assert!(!ok(&p, &p.laptop, EVENING, &["sync", "status"]).contains("held back"));
    assert!(!ok(&p, &p.laptop, EVENING, &["sync"]).contains("held back"));
    assert!(p.git(&p.remote, &["ls-tree", "-r", "--name-only", "main"]).lines().all(|l| !l.starts_with("held/")));
    // The held version stays in the history.
    assert!(p.git(&p.remote, &["log", "-p", "main", "--", "held"]).contains("desktop words"));
}

#[test]
fn a_second_version_held_for_a_client_never_takes_the_place_of_the_first() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    newer_on_the_desktop(&p);
    assert!(ok(&p, &p.laptop, EVENING, &["sync"]).contains("Ann Byrne is held back"));
    // A third device, cloned before, writes its own newer version of Ann.
    let third = p.tmp.path().join("third");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "third"]);
    let path = third.join(p.ann_path());
    let newer = std::fs::read_to_string(&path).unwrap().replace("laptop words", "third device words");
    let newer =
        newer.replace(&format!("\"schema_version\": {}", rapport::domain::SCHEMA_VERSION), "\"schema_version\": 99");
    std::fs::write(&path, newer).unwrap();
    p.git(&third, &["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "third"]);
    p.git(&third, &["push", "-q", "origin", "HEAD:main"]);
    assert!(ok(&p, &p.laptop, EVENING, &["sync"]).contains("Ann Byrne is held back"));
    let held = held_versions(&p, &p.remote);
    assert_eq!(held.len(), 2, "both versions are kept: {held:?}");
    let all: String = held.iter().map(|h| p.git(&p.remote, &["show", &format!("main:{h}")])).collect();
    assert!(all.contains("desktop words") && all.contains("third device words"), "{all}");
    // keep-this lets both go, and says so.
    let said = ok(&p, &p.laptop, EVENING, &["sync", "keep-this", "ann"]);
    assert!(said.contains("2 versions from other devices, held back, are let go"), "{said}");
}

#[test]
fn a_client_file_this_device_cannot_read_is_held_back_here_and_the_rest_syncs() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, MORNING, &["client", "add", "Bea Lind"]);
    ok(&p, &p.laptop, MORNING, &["sync"]);
    ok(&p, &p.desktop, MORNING, &["sync"]);
    // On the desktop, Ann's file is written by a newer Rapport (not yet
    // committed), and Bea gets a note.
    let path = p.ann_file(&p.desktop);
    let newer = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&format!("\"schema_version\": {}", rapport::domain::SCHEMA_VERSION), "\"schema_version\": 99");
    std::fs::write(&path, &newer).unwrap();
    ok(&p, &p.desktop, NOON, &["note", "bea", "--topic", "from the desktop"]);
    let said = ok(&p, &p.desktop, NOON, &["sync"]);
    assert!(said.contains("Ann Byrne is held back") && said.contains("written by a newer Rapport"), "{said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer, "the file here is left as it is");
    ok(&p, &p.laptop, NOON, &["sync"]);
    assert!(bea(&p.laptop).contains("from the desktop"), "the rest went out");
    // The laptop writes to Ann meanwhile: the desktop's file is never
    // written over by a version that lacks it.
    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "laptop words"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let said = ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne is held back"), "{said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer, "still left as it is");
    assert!(!said.contains("missing from this device"), "{said}");
}

#[test]
fn a_client_erased_while_held_takes_the_held_versions_with_them() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    newer_on_the_desktop(&p);
    assert!(ok(&p, &p.laptop, EVENING, &["sync"]).contains("Ann Byrne is held back"));
    let e = p.run(&p.laptop, EVENING, &["client", "delete", "ann"], None, "Ann Byrne\n");
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(!said.contains("held back"), "{said}");
    assert!(held_versions(&p, &p.remote).is_empty(), "no held copy of an erased client stays on the remote");
    assert!(!String::from_utf8_lossy(&output(&p, &p.laptop, EVENING, &["doctor"]).stdout).contains("held back"));
}
