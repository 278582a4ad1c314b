//! `rapport unlock` pays the passphrase once; until `rapport lock` or its
//! time, commands open the encrypted folder without it. These run the real
//! binary against the real keyring: the kernel keyring on Linux. Each test's
//! folder is a new temporary folder, so its held key has a name of its own.

mod common;

use common::encrypted::{PASS, all_files, err, ok, rapport};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

/// An encrypted practice of one client with one note.
fn practice() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, None, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    ok(dir, None, &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--topic", "sleep", "--task", "sleep diary"]);
    ok(dir, Some(PASS), &["encrypt", "--yes"]);
    d
}

/// Runs `rapport unlock`, failing loudly when this machine has no keyring:
/// these tests must never pass without having used one.
fn unlock(dir: &Path, pass: &str, args: &[&str]) -> String {
    let out = rapport(dir, Some(pass), &[&["unlock"], args].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("so the key cannot be held"),
        "THE KERNEL KEYRING IS NOT AVAILABLE ON THIS MACHINE, so `rapport unlock` could not be tested \
         (in a container, the seccomp profile may forbid the keyctl system calls): {stderr}"
    );
    assert!(out.status.success(), "rapport unlock: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// Locks the folder when the test ends, passed or not, so no key of a test
/// stays in the keyring.
struct LockOnDrop(PathBuf);

impl Drop for LockOnDrop {
    fn drop(&mut self) {
        let _ = rapport(&self.0, None, &["lock"]);
    }
}

#[test]
fn after_unlock_commands_need_no_passphrase_until_lock() {
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    let review = ok(dir, Some(PASS), &["review", "mari"]);
    let before = all_files(dir);

    let said = unlock(dir, PASS, &[]);
    assert!(said.starts_with("Unlocked until ") && said.contains("(8h)"), "{said}");
    assert!(said.contains("Any program running as your user can use the key"), "{said}");
    assert!(!said.contains("AGE-SECRET-KEY"), "the key is never shown");
    assert_eq!(all_files(dir), before, "unlocking writes nothing to the data folder");

    assert_eq!(ok(dir, None, &["review", "mari"]), review);
    ok(dir, None, &["note", "mari", "--topic", "work"]);
    assert!(ok(dir, None, &["client", "list"]).contains("Maria Lopez"));

    let said = ok(dir, None, &["lock"]);
    assert!(said.starts_with("Locked"), "{said}");
    let e = err(dir, None, &["review", "mari"]);
    assert!(e.contains("set RAPPORT_PASSPHRASE") && e.contains("rapport unlock"), "{e}");
    assert!(ok(dir, None, &["lock"]).starts_with("Nothing was held"));
    assert!(ok(dir, Some(PASS), &["review", "mari"]).contains("work"), "the passphrase still opens it");
}

#[test]
fn a_held_key_expires_by_itself() {
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    let said = unlock(dir, PASS, &["--for", "3s"]);
    assert!(said.contains("(3s)"), "{said}");
    ok(dir, None, &["review", "mari"]);
    // The kernel itself drops the key at its time, Rapport run again or not.
    #[cfg(target_os = "linux")]
    {
        let name = format!("rapport:{}:", rapport::store::held::name(dir).unwrap());
        let keys = fs::read_to_string("/proc/keys").unwrap();
        let line = keys.lines().find(|l| l.contains(&name)).expect("the key is in the kernel keyring");
        assert!(!line.contains(" perm "), "the key has a timeout: {line}");
    }
    sleep(Duration::from_millis(4500));
    let e = err(dir, None, &["review", "mari"]);
    assert!(e.contains("set RAPPORT_PASSPHRASE"), "{e}");
}

#[test]
fn a_wrong_passphrase_holds_nothing() {
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    let e = err(dir, Some("not the passphrase"), &["unlock"]);
    assert!(e.contains("the passphrase is wrong"), "{e}");
    err(dir, None, &["review", "mari"]);
}

#[test]
fn a_key_held_for_one_practice_opens_no_other() {
    let first = practice();
    let second = practice();
    let _lock = LockOnDrop(first.path().to_path_buf());
    unlock(first.path(), PASS, &["--for", "5m"]);
    ok(first.path(), None, &["review", "mari"]);
    err(second.path(), None, &["review", "mari"]);

    // The second practice's key file put in the first's place: the held key
    // no longer matches it, and is removed rather than used.
    fs::copy(second.path().join("identity.age"), first.path().join("identity.age")).unwrap();
    let e = err(first.path(), None, &["review", "mari"]);
    assert!(e.contains("unlocked from another key file") && e.contains("removed"), "{e}");
    assert!(ok(first.path(), None, &["lock"]).starts_with("Nothing was held"));
}

#[test]
fn a_new_passphrase_or_decrypting_removes_the_held_key() {
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    unlock(dir, PASS, &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env("RAPPORT_DIR", dir)
        .env("RAPPORT_PASSPHRASE", PASS)
        .env("RAPPORT_NEW_PASSPHRASE", "a much better passphrase")
        .arg("passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("`rapport unlock` held"));
    err(dir, None, &["review", "mari"]);

    unlock(dir, "a much better passphrase", &[]);
    let said = ok(dir, Some("a much better passphrase"), &["decrypt", "--yes"]);
    assert!(said.contains("`rapport unlock` held"), "{said}");
    assert!(ok(dir, None, &["lock"]).starts_with("Nothing was held"));
}

#[test]
fn unlock_refuses_a_plain_folder_and_a_duration_out_of_bounds() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, None, &["client", "add", "Tom Becker"]);
    let e = err(dir, Some(PASS), &["unlock"]);
    assert!(e.contains("not encrypted, so there is nothing to unlock"), "{e}");
    for bad in ["0s", "8 days", "soon"] {
        let e = err(dir, Some(PASS), &["unlock", "--for", bad]);
        assert!(e.contains("--for"), "{bad}: {e}");
    }
    assert!(ok(dir, None, &["lock"]).starts_with("Nothing was held"));
}

#[test]
fn a_capital_m_is_months_and_the_refusal_says_so() {
    let d = tempfile::tempdir().unwrap();
    let e = err(d.path(), None, &["unlock", "--for", "30M"]);
    assert!(e.contains("at most a week (168h); `M` is months and `m` minutes: did you mean 30m?"), "{e}");
    let e = err(d.path(), None, &["unlock", "--for", "8d"]);
    assert!(e.contains("at most a week (168h)") && !e.contains("months"), "{e}");
    assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0, "refused before anything is written");
}
