//! Two devices, one encrypted practice: only ciphertext travels. A laptop
//! and a desktop synced through a bare git repository, driven through the
//! real binary with the real `git`, at fixed times, with no git identity
//! configured; every object the remote holds is read back to prove that no
//! client name, id or note word left either device in plain text.

mod common;

use common::synced::*;

#[test]
fn notes_written_offline_on_two_encrypted_devices_all_arrive_whichever_syncs_first() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    // The clone asks for the passphrase, like the first device.
    let e = fails_with(&p, desktop, NOON, &["client", "list"], None);
    assert!(e.contains("encrypted and not unlocked: run `rapport unlock`"), "{e}");

    ok(&p, laptop, NOON, &["note", "annabel", "--topic", "laptop words", "--task", "glasshouse walk"]);
    ok(&p, laptop, NOON, &["client", "add", "Bartholomew Quince"]);
    ok(&p, desktop, NOON, &["note", "annabel", "--topic", "desktop words", "--task", "quarrelled less"]);
    ok(&p, desktop, NOON, &["personal", "add", "annabel", "Wilhelmina's party", "--ask"]);

    assert!(ok(&p, laptop, NOON, &["sync"]).contains("0 notes in, 1 note out"));
    assert!(ok(&p, desktop, NOON, &["sync"]).contains("1 note in, 1 note out"));
    assert!(ok(&p, laptop, NOON, &["sync"]).contains("1 note in, 0 notes out"));
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["desktop words", "laptop words", "nightmares"]);
        assert_unique(all_ids(dir));
        assert_eq!(annabel(dir).tasks.len(), 3);
        assert!(ok(&p, dir, NOON, &["client", "list"]).contains("Bartholomew Quince"));
        assert!(ok(&p, dir, NOON, &["review", "annabel"]).contains("Ask about: Wilhelmina's party"));
        assert!(!dir.join("clients/annabel-byrneford.json").exists(), "no plain file on either device");
    }
    assert_eq!(annabel(laptop), annabel(desktop), "both devices hold the same record");

    // The other way round, with notes finalised on both.
    ok(&p, desktop, EVENING, &["note", "annabel", "--topic", "desktop again"]);
    ok(&p, desktop, EVENING, &["finalise", "annabel"]);
    ok(&p, laptop, EVENING, &["note", "annabel", "--topic", "laptop again"]);
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        let all = vec!["desktop again", "desktop words", "laptop again", "laptop words", "nightmares"];
        assert_eq!(topics(dir), all);
        assert_unique(all_ids(dir));
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("as they were finalised"), "{verified}");
    }
    assert_eq!(annabel(laptop), annabel(desktop));
}

#[test]
fn the_same_detail_changed_on_both_encrypted_devices_is_a_conflict_with_both_values_kept() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["personal", "add", "annabel", "Wilhelmina's party"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    ok(&p, laptop, EVENING, &["personal", "edit", "annabel", "1", "Wilhelmina's party on Saturday"]);
    ok(&p, desktop, EVENING, &["personal", "edit", "annabel", "1", "Wilhelmina's birthday"]);
    ok(&p, laptop, EVENING, &["sync"]);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(said.contains("1 conflict from the two devices to settle"), "{said}");
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        let status = ok(&p, dir, EVENING, &["sync", "status"]);
        assert!(
            status.contains(
                "\"Wilhelmina's birthday\" is in place; the other value was \"Wilhelmina's party on Saturday\""
            ),
            "{status}"
        );
        let r = annabel(dir);
        assert_eq!(r.personal[0].text, "Wilhelmina's birthday");
        assert_eq!(r.conflicts.len(), 1);
        assert!(serde_json::to_string(&r).unwrap().contains("Wilhelmina's party on Saturday"), "both values kept");
    }
    assert_eq!(annabel(laptop), annabel(desktop));
    let remote = p.every_object(&p.remote);
    assert_eq!(plain_words(&remote), Vec::<&str>::new(), "the conflict travelled encrypted too");
}

#[test]
fn every_object_in_the_remote_is_ciphertext_no_name_id_or_note_word() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["note", "annabel", "--topic", "glasshouse", "--task", "quarrelled"]);
    ok(&p, laptop, NOON, &["client", "add", "Bartholomew Quince"]);
    ok(&p, laptop, NOON, &["finalise", "annabel"]);
    ok(&p, desktop, NOON, &["personal", "add", "annabel", "Wilhelmina"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    ok(&p, laptop, NOON, &["sync"]);
    // Every word is in the practice, and so would be seen were it plain.
    let words = serde_json::to_string(&annabel(laptop)).unwrap() + &ok(&p, laptop, NOON, &["client", "list"]);
    for w in ["Annabel", "Byrneford", "nightmares", "lighthouse", "glasshouse", "quarrelled", "Wilhelmina"] {
        assert!(words.contains(w), "{w} is not in the practice: the test would prove nothing");
    }
    let remote = p.every_object(&p.remote);
    assert!(String::from_utf8_lossy(&remote).contains("age-encryption.org/v1"), "the objects were read");
    assert_eq!(plain_words(&remote), Vec::<&str>::new());
    // The files it tracks are named by keyed hashes, with the key file.
    let tracked = p.git(laptop, &["ls-files"]);
    assert!(tracked.contains("identity.age\n") && tracked.contains(".age\n"), "{tracked}");
    assert!(!tracked.contains(".json"), "{tracked}");
    assert_eq!(tracked.lines().filter(|l| l.starts_with("clients/")).count(), 2, "{tracked}");
}

#[test]
fn sync_without_the_key_says_to_unlock_first_and_changes_nothing() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    ok(&p, &p.laptop, NOON, &["note", "annabel", "--topic", "written offline"]);
    ok(&p, &p.desktop, NOON, &["note", "annabel", "--topic", "sent meanwhile"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    let before = (working_files(&p.laptop), p.git(&p.laptop, &["rev-parse", "HEAD"]), p.commits_in(&p.remote));
    let e = fails_with(&p, &p.laptop, NOON, &["sync"], None);
    assert!(e.contains("run `rapport unlock`"), "{e}");
    let after = (working_files(&p.laptop), p.git(&p.laptop, &["rev-parse", "HEAD"]), p.commits_in(&p.remote));
    assert_eq!(before, after, "nothing committed, fetched into the folder or sent");
    let e = fails_with(&p, &p.laptop, NOON, &["sync"], Some("not the passphrase"));
    assert!(e.contains("the passphrase is wrong"), "{e}");
    // A clone without the passphrase leaves nothing behind.
    let third = p.tmp.path().join("third");
    let e = fails_with(&p, &third, NOON, &["sync", "clone", p.remote.to_str().unwrap()], None);
    assert!(e.contains("set RAPPORT_PASSPHRASE"), "{e}");
    assert!(!third.join(".git").exists() && !third.join("identity.age").exists());
}

#[test]
fn an_unchanged_encrypted_practice_synced_again_makes_no_commit() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["note", "annabel", "--topic", "laptop words"]);
    ok(&p, desktop, NOON, &["note", "annabel", "--topic", "desktop words"]);
    for dir in [laptop, desktop, laptop, desktop] {
        ok(&p, dir, NOON, &["sync"]);
    }
    let commits = (p.commits_in(&p.remote), p.commits_in(laptop), p.commits_in(desktop));
    for dir in [laptop, desktop, laptop] {
        ok(&p, dir, EVENING, &["sync"]);
        assert!(ok(&p, dir, EVENING, &["sync", "status"]).contains("Everything here is on the remote."));
    }
    assert_eq!((p.commits_in(&p.remote), p.commits_in(laptop), p.commits_in(desktop)), commits);
    // A change that leaves the record's words as they were rewrites no
    // client file (age would give other bytes): only the audit log moves.
    ok(&p, laptop, EVENING, &["client", "unarchive", "annabel"]);
    ok(&p, laptop, EVENING, &["sync"]);
    let last = p.git(laptop, &["log", "-1", "--name-only", "--format="]);
    assert_eq!(last.trim(), "audit.log", "{last}");
}

#[test]
fn a_synced_practice_is_encrypted_only_with_a_new_history_that_leaves_no_plain_word_on_the_remote() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::plain();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, MORNING, &["sync", "init", p.remote.to_str().unwrap()]);
    ok(&p, desktop, MORNING, &["sync", "clone", p.remote.to_str().unwrap()]);
    assert!(plain_words(&p.every_object(&p.remote)).contains(&"nightmares"), "the plain history is seen");

    let before = working_files(laptop);
    let e = fails_with(&p, laptop, NOON, &["encrypt", "--yes"], Some(PASS));
    assert!(e.contains("every note is also in its git history in plain text"), "{e}");
    assert!(e.contains("`rapport encrypt --new-history`") && e.contains("nothing was changed"), "{e}");
    assert_eq!(working_files(laptop), before);

    // The desktop sends a note the laptop has not seen; the new history keeps it.
    ok(&p, desktop, NOON, &["note", "annabel", "--topic", "glasshouse"]);
    ok(&p, desktop, NOON, &["sync"]);
    let out = p.run(laptop, NOON, &["encrypt", "--new-history"], Some(PASS), "no thanks\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the phrase did not match"));
    assert!(!laptop.join("identity.age").exists(), "not encrypted");

    let out = p.run(laptop, NOON, &["encrypt", "--new-history"], Some(PASS), "new history\n");
    let (said, asked) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{asked}");
    assert!(asked.contains("replaces that history with one commit holding only ciphertext"), "{asked}");
    assert!(said.contains("the remote's branch now hold only ciphertext"), "{said}");
    assert!(said.contains("reflog expire") && said.contains("`rapport sync clone"), "{said}");
    assert_eq!(topics(laptop), vec!["glasshouse", "nightmares"]);

    assert_eq!(plain_words(&p.reachable_objects(&p.remote)), Vec::<&str>::new(), "the remote's history");
    assert_eq!(plain_words(&p.every_object(laptop.join(".git").as_path())), Vec::<&str>::new(), "this device's");
    assert_eq!(p.commits_in(&p.remote), 1);
    // What the message tells a bare remote's keeper to do leaves no plain object at all.
    p.git(&p.remote, &["reflog", "expire", "--expire=now", "--all"]);
    p.git(&p.remote, &["gc", "-q", "--prune=now"]);
    assert_eq!(plain_words(&p.every_object(&p.remote)), Vec::<&str>::new());

    // The old plain clone is told what happened; a new clone has it all.
    let e = fails_with(&p, desktop, EVENING, &["sync"], None);
    assert!(e.contains("a new history of this practice, encrypted on another device") && e.contains("clone"), "{e}");
    let again = p.tmp.path().join("desktop-again");
    assert!(ok(&p, &again, EVENING, &["sync", "clone", p.remote.to_str().unwrap()]).contains("1 client and 2 notes"));
    ok(&p, &again, EVENING, &["note", "annabel", "--topic", "after the new history"]);
    ok(&p, &again, EVENING, &["sync"]);
    assert!(ok(&p, laptop, EVENING, &["sync"]).contains("1 note in"));
    assert_eq!(plain_words(&p.every_object(&p.remote)), Vec::<&str>::new());
}

#[test]
fn decrypting_a_synced_practice_asks_for_a_typed_phrase_even_with_yes() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let before = working_files(&p.laptop);
    let out = p.run(&p.laptop, NOON, &["decrypt", "--yes"], Some(PASS), "yes\n");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{e}");
    assert!(e.contains("every note goes to the remote in plain text"), "{e}");
    assert!(e.contains("not decrypted: nothing was changed"), "{e}");
    assert_eq!(working_files(&p.laptop), before);
}

#[test]
fn a_tampered_foreign_or_plain_file_on_the_remote_changes_nothing_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let attacker = p.tmp.path().join("attacker");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "attacker"]);
    p.git(&attacker, &["config", "user.name", "x"]);
    p.git(&attacker, &["config", "user.email", "x@x"]);
    let start = p.git(&attacker, &["rev-parse", "HEAD"]);
    let file = p.git(&attacker, &["ls-files", "clients"]).trim().to_string();
    let original = std::fs::read(attacker.join(&file)).unwrap();
    // Another practice's ciphertext, under another key.
    let other = p.tmp.path().join("other");
    ok(&p, &other, MORNING, &["client", "add", "Annabel Byrneford"]);
    ok(&p, &other, MORNING, &["encrypt", "--yes"]);
    let (_, foreign) = working_files(&other.join("clients")).into_iter().next().unwrap();

    ok(&p, &p.laptop, NOON, &["note", "annabel", "--topic", "kept safe"]);
    let plain_file = "clients/annabel-byrneford.json";
    let attacks = [
        ("a plain file", "a plain client file in an encrypted practice"),
        ("a plain log line", "a log with a line in plain text"),
        ("a key file that is not one", "which is not a key file locked by a passphrase"),
        ("the key file removed", "the practice on the remote was decrypted on another device"),
    ];
    for (what, said) in attacks {
        match what {
            "a plain file" => std::fs::write(attacker.join(plain_file), "{\"client\":{}}\n").unwrap(),
            "a key file that is not one" => std::fs::write(attacker.join("identity.age"), "not a key\n").unwrap(),
            "the key file removed" => std::fs::remove_file(attacker.join("identity.age")).unwrap(),
            _ => {
                let mut log = std::fs::read(attacker.join("audit.log")).unwrap();
                log.extend_from_slice(b"{\"at\":\"2026-11-23T10:00:00\",\"action\":\"x\",\"client\":\"annabel\"}\n");
                std::fs::write(attacker.join("audit.log"), log).unwrap();
            }
        }
        p.git(&attacker, &["add", "-A"]);
        p.git(&attacker, &["commit", "-qm", what]);
        p.git(&attacker, &["push", "-qf", "origin", "main"]);
        let before = working_files(&p.laptop);
        let e = fails_with(&p, &p.laptop, NOON, &["sync"], Some(PASS));
        assert!(e.contains(said) && e.to_lowercase().contains("nothing was changed here"), "{what}: {e}");
        assert_eq!(working_files(&p.laptop), before, "{what}");
        p.git(&attacker, &["reset", "-q", "--hard", start.trim()]);
    }
    p.git(&attacker, &["push", "-qf", "origin", "main"]);
    assert!(ok(&p, &p.laptop, NOON, &["sync"]).contains("1 note out"), "a good remote syncs again");

    // A client file that cannot be decrypted is held back, named by the
    // name it has here: this device's version stays, and the rest syncs.
    let mut tampered = original.clone();
    *tampered.last_mut().unwrap() ^= 1;
    for (what, bytes) in [("a flipped byte", tampered), ("another key", foreign)] {
        p.git(&attacker, &["pull", "-q", "origin", "main"]);
        std::fs::write(attacker.join(&file), bytes).unwrap();
        p.git(&attacker, &["commit", "-qam", what]);
        p.git(&attacker, &["push", "-q", "origin", "main"]);
        let here = std::fs::read(p.laptop.join(&file)).unwrap();
        let said = ok(&p, &p.laptop, NOON, &["sync"]);
        assert!(said.contains("Annabel Byrneford is held back"), "{what}: {said}");
        assert!(said.contains("cannot be decrypted with this practice's key"), "{what}: {said}");
        assert_eq!(std::fs::read(p.laptop.join(&file)).unwrap(), here, "{what}");
        assert!(ok(&p, &p.laptop, NOON, &["sync", "keep-this", "annabel"]).contains("is kept"));
        assert!(!ok(&p, &p.laptop, NOON, &["sync"]).contains("held back"), "{what}");
    }
}

#[test]
fn a_client_erased_on_one_encrypted_device_while_the_other_wrote_to_them_is_kept_on_both() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["finalise", "annabel"]);
    ok(&p, laptop, NOON, &["client", "add", "Bartholomew Quince"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    let erased = p.run(laptop, EVENING, &["client", "delete", "annabel"], Some(PASS), "Annabel Byrneford\n");
    assert!(erased.status.success(), "{}", String::from_utf8_lossy(&erased.stderr));
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["note", "annabel", "--topic", "lighthouse keeper"]);
    ok(&p, desktop, EVENING, &["note", "bartholomew", "--topic", "glasshouse"]);
    let said = ok(&p, desktop, EVENING, &["sync"]);
    assert!(
        said.contains("Annabel Byrneford was erased on the other device while this one changed the record"),
        "{said}"
    );
    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("Annabel Byrneford, erased on this device, was changed on the other"), "{said}");
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["lighthouse keeper", "nightmares"], "nothing written is lost");
        assert!(ok(&p, dir, EVENING, &["search", "glasshouse"]).contains("Bartholomew"), "the other client synced");
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("All 1 finalised note of 2 clients are as they were finalised"), "{verified}");
    }
    assert_eq!(annabel(laptop), annabel(desktop));
    assert_eq!(plain_words(&p.every_object(&p.remote)), Vec::<&str>::new());
}

/// Repro 2 of issue 24: a remote that replaces `identity.age` with a key
/// file of another passphrase must lock nobody out.
#[test]
fn a_key_file_replaced_on_the_remote_is_kept_aside_and_the_real_passphrase_goes_on_working() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let attacker = p.tmp.path().join("attacker");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "attacker"]);
    // Another practice's key file, locked by the attacker's passphrase.
    let other = p.tmp.path().join("other");
    ok(&p, &other, MORNING, &["client", "add", "Someone Else"]);
    let hostile = "the attacker's passphrase";
    assert!(p.run(&other, MORNING, &["encrypt", "--yes"], Some(hostile), "").status.success());
    let foreign = std::fs::read(other.join("identity.age")).unwrap();
    std::fs::write(attacker.join("identity.age"), &foreign).unwrap();
    p.git(&attacker, &["add", "-A"]);
    p.git(&attacker, &["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "a new key"]);
    p.git(&attacker, &["push", "-q", "origin", "main"]);

    let ours = std::fs::read(p.laptop.join("identity.age")).unwrap();
    ok(&p, &p.laptop, NOON, &["note", "annabel", "--topic", "kept safe"]);
    let said = ok(&p, &p.laptop, NOON, &["sync"]);
    assert!(said.contains("1 note out"), "the rest syncs: {said}");
    assert!(said.contains("It was kept aside, not put in place"), "{said}");
    assert!(said.contains("`rapport sync accept-key`"), "{said}");
    assert_eq!(std::fs::read(p.laptop.join("identity.age")).unwrap(), ours, "the key file in place stays");
    assert!(ok(&p, &p.laptop, NOON, &["review", "annabel"]).contains("kept safe"), "the real passphrase opens it");
    let e = fails_with(&p, &p.laptop, NOON, &["client", "list"], Some(hostile));
    assert!(e.contains("the passphrase is wrong"), "{e}");

    // The attacker's passphrase opens the key file kept aside, but it holds another key.
    let e = fails_with(&p, &p.laptop, NOON, &["sync", "accept-key"], Some(hostile));
    assert!(e.contains("holds another key, not this practice's, so it was not taken"), "{e}");
    let e = fails_with(&p, &p.laptop, NOON, &["sync", "accept-key"], Some(PASS));
    assert!(e.contains("does not open the key file from the remote"), "{e}");
    assert_eq!(std::fs::read(p.laptop.join("identity.age")).unwrap(), ours);

    // Synced again, this device's key file is not sent back over the remote's,
    // the warning stands, and a snapshot holds the key file in place.
    ok(&p, &p.laptop, EVENING, &["note", "annabel", "--topic", "evening"]);
    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(said.contains("1 note out") && said.contains("kept aside"), "{said}");
    let status = ok(&p, &p.laptop, EVENING, &["sync", "status"]);
    assert!(status.contains("Everything here is on the remote"), "{status}");
    ok(&p, &p.laptop, EVENING, &["backup"]);
    let newest = std::fs::read_dir(p.laptop.join("backups"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|s| s.file_name().unwrap().to_string_lossy().starts_with("20"))
        .max()
        .unwrap();
    assert_eq!(std::fs::read(newest.join("identity.age")).unwrap(), ours, "the snapshot holds the key file");
    assert!(ok(&p, &p.laptop, EVENING, &["review", "annabel"]).contains("evening"));
}

#[test]
fn a_passphrase_changed_on_one_device_is_taken_on_the_other_only_with_accept_key() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let new = "a new and longer passphrase";
    let changed = p
        .rapport(&p.desktop, NOON)
        .env("RAPPORT_PASSPHRASE", PASS)
        .env("RAPPORT_NEW_PASSPHRASE", new)
        .arg("passphrase")
        .output()
        .unwrap();
    assert!(changed.status.success(), "{}", String::from_utf8_lossy(&changed.stderr));
    assert!(p.run(&p.desktop, NOON, &["sync"], Some(new), "").status.success());

    let said = ok(&p, &p.laptop, NOON, &["sync"]);
    assert!(said.contains("kept aside"), "{said}");
    // Until it is accepted, the old passphrase opens this device.
    assert!(ok(&p, &p.laptop, NOON, &["client", "list"]).contains("Annabel"));
    let took = p.run(&p.laptop, NOON, &["sync", "accept-key"], Some(new), "");
    let out = String::from_utf8_lossy(&took.stdout);
    assert!(took.status.success(), "{}", String::from_utf8_lossy(&took.stderr));
    assert!(out.contains("holds this practice's key and is in place"), "{out}");
    assert_eq!(
        std::fs::read(p.laptop.join("identity.age")).unwrap(),
        std::fs::read(p.desktop.join("identity.age")).unwrap()
    );
    let e = fails_with(&p, &p.laptop, NOON, &["client", "list"], Some(PASS));
    assert!(e.contains("the passphrase is wrong"), "{e}");
    let said = String::from_utf8(p.run(&p.laptop, EVENING, &["sync"], Some(new), "").stdout).unwrap();
    assert!(said.contains("no new notes either way") && !said.contains("kept aside"), "{said}");
    let status = String::from_utf8(p.run(&p.laptop, EVENING, &["sync", "status"], Some(new), "").stdout).unwrap();
    assert!(status.contains("Everything here is on the remote"), "{status}");
}

#[test]
fn process_notes_travel_as_ciphertext_and_both_devices_words_are_kept() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::encrypted();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["process", "write", "annabel", "1", "glasshouse reflection"]);
    ok(&p, desktop, EVENING, &["process", "write", "annabel", "1", "quarrelled reflection"]);
    ok(&p, laptop, EVENING, &["sync"]);
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        let shown = ok(&p, dir, EVENING, &["process", "show", "annabel"]);
        assert!(shown.starts_with("s1 · written 2026-11-23 18:00\nquarrelled reflection"), "{shown}");
        assert!(shown.contains("Another version of the process note of s1") && shown.contains("glasshouse"), "{shown}");
    }
    let tracked = p.git(laptop, &["ls-files"]);
    assert_eq!(tracked.lines().filter(|l| l.starts_with("process/") && l.ends_with(".age")).count(), 1, "{tracked}");
    let remote = p.every_object(&p.remote);
    assert_eq!(plain_words(&remote), Vec::<&str>::new(), "a process word travelled in plain text");
}
