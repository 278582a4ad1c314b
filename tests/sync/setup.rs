//! Stopped and raced: a `sync` or `sync clone` killed at any moment, two
//! `sync init` at once, a first push that failed.

use std::fs;

use super::new_ids::{assert_remote_free_of_names, before_sync, killed_at, named_paths};
use super::*;
use common::crash::{copy_folder, crash, moments_up_to, traced};

#[test]
fn a_sync_clone_killed_at_any_step_is_made_again_by_the_next_sync_clone() {
    if !common::require_tool("git") || !common::require_tool("strace") {
        return;
    }
    let p = Practice::new();
    let remote = p.remote.to_str().unwrap();
    let mut kills = 0;
    for syscall in ["rename", "renameat", "unlink"] {
        for n in 1.. {
            let dir = p.tmp.path().join(format!("clone-{syscall}-{n}"));
            if !killed_at(&p, &dir, &["sync", "clone", remote], syscall, n) {
                break;
            }
            kills += 1;
            if dir.join("sync-init").exists() {
                // Half a practice: nothing is written into it.
                let e = fails(&p, &dir, NOON, &["client", "add", "Half Person"]);
                assert!(e.contains("`rapport sync clone` into this data folder was stopped part way"), "{e}");
            } else {
                // Killed before it began: nothing there yet.
                assert!(!dir.join(".git").exists(), "{syscall} {n}");
            }
            let e = fails(&p, &dir, NOON, &["sync"]);
            assert!(e.contains("not set up for syncing") || e.contains("was stopped part way"), "{syscall} {n}: {e}");
            let said = ok(&p, &dir, NOON, &["sync", "clone", remote]);
            assert!(said.contains("Brought 1 client and 1 note"), "{syscall} {n}: {said}");
            assert!(ok(&p, &dir, NOON, &["sync"]).starts_with("Synced with"), "{syscall} {n}");
            assert_eq!(ann(&dir), ann(&p.laptop), "{syscall} {n}");
        }
    }
    assert!(kills >= 3, "sync clone was killed at {kills} steps only");
}

#[test]
fn two_sync_inits_at_once_set_the_folder_up_once() {
    if !common::require_tool("git") {
        return;
    }
    let p = before_sync();
    let l = &p.laptop;
    let init = || {
        let mut c = p.command(l, NOON);
        c.args(["sync", "init", p.remote.to_str().unwrap()]);
        c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
    };
    let (first, second) = (init(), init());
    let outs = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()];
    assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1, "one sets it up");
    let refused = outs.iter().find(|o| !o.status.success()).unwrap();
    let e = String::from_utf8_lossy(&refused.stderr);
    assert!(e.contains("is already synced with") || e.contains("already holds a practice"), "{e}");
    assert!(ok(&p, l, NOON, &["sync"]).starts_with("Synced with"));
    assert_eq!(named_paths(l), Vec::<String>::new());
    assert_remote_free_of_names(&p, &p.remote, 2);
    let ann = common::id_of(l, "Annabel Byrneford");
    assert!(
        p.git(&p.remote, &["ls-tree", "-r", "--name-only", "main"]).contains(&ann),
        "the ids here are the remote's"
    );
}

#[test]
fn a_first_push_that_failed_goes_out_with_the_next_sync() {
    if !common::require_tool("git") {
        return;
    }
    let p = before_sync();
    let l = &p.laptop;
    let hook = p.remote.join("hooks/pre-receive");
    fs::write(&hook, "#!/bin/sh\nexit 1\n").unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let said = ok(&p, l, NOON, &["sync", "init", p.remote.to_str().unwrap()]);
    assert!(said.contains("but the first push failed") && said.contains("run `rapport sync`"), "{said}");
    let status = ok(&p, l, NOON, &["sync", "status"]);
    assert!(status.starts_with("Set up for syncing with") && status.contains("not synced yet"), "{status}");
    fs::remove_file(&hook).unwrap();
    let said = ok(&p, l, NOON, &["sync"]);
    assert!(said.contains("1 note out"), "{said}");
    assert!(ok(&p, l, NOON, &["sync", "status"]).contains("Everything here is on the remote."));
    let said = ok(&p, &p.desktop, NOON, &["sync", "clone", p.remote.to_str().unwrap()]);
    assert!(said.contains("Brought 2 clients and 1 note"), "{said}");
}

#[test]
fn a_sync_crashed_at_any_step_is_finished_by_the_next_sync() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    // A note on each device, so the laptop's sync fetches, merges and pushes.
    ok(&p, desktop, NOON, &["note", "ann", "--topic", "desktop words"]);
    ok(&p, desktop, NOON, &["sync"]);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "laptop words"]);
    let mut expected = topics(laptop);
    expected.push("desktop words".to_string());
    expected.sort();
    // The laptop and the remote as they are, put back before each crash.
    let kept = p.tmp.path().join("kept");
    fs::create_dir(&kept).unwrap();
    copy_folder(laptop, &kept.join("laptop"));
    copy_folder(&p.remote, &kept.join("remote"));
    let put_back = || {
        copy_folder(&kept.join("laptop"), laptop);
        copy_folder(&kept.join("remote"), &p.remote);
    };
    let sync = || {
        let mut c = p.command(laptop, NOON);
        c.arg("sync");
        c
    };
    let counts = traced(sync(), &p.tmp.path().join("trace.txt"));
    assert!(counts.contains_key("git.command") && counts.contains_key("write.rename"), "{counts:?}");
    // Every third git command or so, and each write.
    let moments = moments_up_to(&counts, 24);
    assert!(moments.len() >= 20, "a sync reaches only {} moments: {counts:?}", moments.len());
    eprintln!("a sync crashed at {} moments: {counts:?}", moments.len());
    for (point, n) in moments {
        put_back();
        crash(sync(), &point, n);
        let at = format!("crashed at {point}:{n}");
        // A git killed with it may leave its lock: the next sync clears it.
        fs::write(laptop.join(".git/index.lock"), "").unwrap();
        let said = ok(&p, laptop, NOON, &["sync"]);
        assert!(said.contains("Synced with"), "{at}: {said}");
        assert_eq!(topics(laptop), expected, "{at}: every note is here");
        let status = ok(&p, laptop, NOON, &["sync", "status"]);
        assert!(status.contains("Everything here is on the remote."), "{at}: {status}");
        assert_unique(&ids(laptop, "sessions"));
        let verified = ok(&p, laptop, NOON, &["verify"]);
        assert!(!verified.contains("not as"), "{at}: {verified}");
        assert!(!String::from_utf8_lossy(&fs::read(p.ann_file(laptop)).unwrap()).contains("<<<<"), "{at}");
    }
    ok(&p, desktop, NOON, &["sync"]);
    assert_eq!(ann(laptop), ann(desktop), "both devices hold the same record");
}
