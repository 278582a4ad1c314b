//! `rapport unlock` pays the passphrase once; until `rapport lock` or its
//! time, commands open the encrypted folder without it. These run the real
//! binary against the real keyring: the kernel keyring on Linux. Each test's
//! folder is a new temporary folder, so its held key has a name of its own.

mod common;

use common::encrypted::{PASS, all_files, err, ok, run, run_at};
use common::require_keyring;
use std::fs;
use std::path::{Path, PathBuf};

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
    let out = run(dir, Some(pass), &[&["unlock"], args].concat());
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
        let _ = run(&self.0, None, &["lock"]);
    }
}

#[test]
fn after_unlock_commands_need_no_passphrase_until_lock() {
    if !require_keyring() {
        return;
    }
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    let review = ok(dir, Some(PASS), &["review", "mari"]);
    let before = all_files(dir);

    let said = unlock(dir, PASS, &[]);
    assert!(said.starts_with("Unlocked until ") && said.contains("(8 hours)"), "{said}");
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

/// The held key's line in /proc/keys, if the kernel holds it.
#[cfg(target_os = "linux")]
fn held_in_kernel(dir: &Path) -> Option<String> {
    let name = format!("rapport:{}:", rapport::store::held::name(dir).unwrap());
    fs::read_to_string("/proc/keys").unwrap().lines().find(|l| l.contains(&name)).map(str::to_string)
}

#[test]
fn a_held_key_expires_at_its_time() {
    if !require_keyring() {
        return;
    }
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    // Unlocked at 09:35 (RAPPORT_NOW) for an hour.
    let said = unlock(dir, PASS, &["--for", "1h"]);
    assert!(said.contains("(1 hour)"), "{said}");
    let review = |now: &str| run_at(dir, now, None, &["review", "mari"]);
    assert!(review("2026-11-26 10:34").status.success(), "open a minute before its time");
    // The kernel itself drops the key at its time, Rapport run again or
    // not: its timeout is the hour (in /proc/keys: "59m", not "perm").
    #[cfg(target_os = "linux")]
    {
        let line = held_in_kernel(dir).expect("the key is in the kernel keyring");
        let timeout = line.split_whitespace().nth(3).unwrap();
        let (n, unit) = timeout.split_at(timeout.len() - 1);
        let secs = n.parse::<u64>().unwrap_or_else(|_| panic!("the key has a timeout: {line}"))
            * match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => panic!("the key's timeout is not within the hour: {line}"),
            };
        assert!(secs > 0 && secs <= 3600, "{line}");
    }
    // At its time Rapport no longer uses it, and takes it out of the keyring.
    let out = review("2026-11-26 10:35");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("set RAPPORT_PASSPHRASE"), "{e}");
    assert!(ok(dir, None, &["lock"]).starts_with("Nothing was held"), "the expired key was removed");
}

#[test]
fn a_wrong_passphrase_holds_nothing() {
    if !require_keyring() {
        return;
    }
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    let e = err(dir, Some("not the passphrase"), &["unlock"]);
    assert!(e.contains("the passphrase is wrong"), "{e}");
    err(dir, None, &["review", "mari"]);
}

#[test]
fn a_key_held_for_one_practice_opens_no_other() {
    if !require_keyring() {
        return;
    }
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
    if !require_keyring() {
        return;
    }
    let d = practice();
    let dir = d.path();
    let _lock = LockOnDrop(dir.to_path_buf());
    unlock(dir, PASS, &[]);
    let out = common::rapport(dir)
        .env("RAPPORT_TEST_SCRYPT_LOG_N", "10")
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
    if !require_keyring() {
        return;
    }
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
