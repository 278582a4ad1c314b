//! Setting a folder up for syncing, stopped or raced: a `sync clone`
//! killed at any step, two `sync init` at once, a first push that failed.

use std::fs;

use super::new_ids::{assert_remote_free_of_names, before_sync, killed_at, named_paths};
use super::*;

#[test]
fn a_sync_clone_killed_at_any_step_is_made_again_by_the_next_sync_clone() {
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
            if !dir.join("sync-init").exists() {
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
    let p = before_sync();
    let l = &p.laptop;
    let init = || {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("rapport"));
        c.env("HOME", p.tmp.path()).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
        c.args(["sync", "init", p.remote.to_str().unwrap()]).env("RAPPORT_DIR", l).env("RAPPORT_NOW", NOON);
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
    let p = before_sync();
    let l = &p.laptop;
    let hook = p.remote.join("hooks/pre-receive");
    fs::write(&hook, "#!/bin/sh\nexit 1\n").unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let said = ok(&p, l, NOON, &["sync", "init", p.remote.to_str().unwrap()]);
    assert!(said.contains("but the first push failed") && said.contains("run `rapport sync`"), "{said}");
    fs::remove_file(&hook).unwrap();
    let said = ok(&p, l, NOON, &["sync"]);
    assert!(said.contains("1 note out"), "{said}");
    assert!(ok(&p, l, NOON, &["sync", "status"]).contains("Everything here is on the remote."));
    let said = ok(&p, &p.desktop, NOON, &["sync", "clone", p.remote.to_str().unwrap()]);
    assert!(said.contains("Brought 2 clients and 1 note"), "{said}");
}
