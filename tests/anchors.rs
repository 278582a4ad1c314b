//! Tamper evidence with a key and an anchor (issue 24, repros 4 and 5): a
//! rollback of the ledger and a client file is caught against the newest
//! snapshot's head and against an anchor code kept elsewhere; in an
//! encrypted practice an entry not made with the practice's key is named.

mod common;

use std::fs;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::encrypted::{PASS, run_at};

const DAY1: &str = "2026-11-23 10:00";
const DAY2: &str = "2026-11-24 10:00";
const DAY3: &str = "2026-11-25 10:00";

fn ok(dir: &Path, now: &str, pass: Option<&str>, args: &[&str]) -> String {
    common::succeeded(run_at(dir, now, pass, args), args)
}

fn fails(dir: &Path, now: &str, pass: Option<&str>, args: &[&str]) -> (String, String) {
    let out = run_at(dir, now, pass, args);
    assert!(!out.status.success(), "rapport {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Maria's note finalised with an addendum on day 1; a snapshot on day 2
/// (before that day's first change); returns the anchor code taken then.
fn practice(dir: &Path, pass: Option<&str>) -> String {
    ok(dir, DAY1, pass, &["client", "add", "Maria Keller"]);
    if pass.is_some() {
        ok(dir, DAY1, pass, &["encrypt", "--yes"]);
    }
    ok(dir, DAY1, pass, &["note", "maria", "--topic", "first"]);
    ok(dir, DAY1, pass, &["finalise", "maria"]);
    ok(dir, DAY2, pass, &["note", "maria", "--topic", "second"]);
    ok(dir, DAY2, pass, &["finalise", "maria"]);
    let s2 = ok(dir, DAY2, pass, &["client", "list"]);
    assert!(s2.contains("Maria"), "{s2}");
    let sessions = ok(dir, DAY2, pass, &["review", "maria"]);
    assert!(sessions.contains("second"), "{sessions}");
    let said = ok(dir, DAY2, pass, &["verify", "--anchor"]);
    let code = said.split("The ledger's head: ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    assert_eq!(code.len(), 14, "{said}");
    code
}

/// The ledger's lines.
fn lines(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("ledger")).unwrap().lines().map(str::to_string).collect()
}

fn cut_last_line(dir: &Path) {
    let mut l = lines(dir);
    l.pop();
    fs::write(dir.join("ledger"), l.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

/// The one client file.
fn client_file(dir: &Path) -> std::path::PathBuf {
    fs::read_dir(dir.join("clients")).unwrap().flatten().map(|e| e.path()).next().unwrap()
}

#[test]
fn a_rollback_of_a_plain_ledger_and_note_is_caught_by_the_anchor_code_and_the_newest_snapshot() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let code = practice(dir, None);
    assert!(ok(dir, DAY2, None, &["verify", "--against", &code]).contains("The ledger extends the head of code"));
    ok(dir, DAY3, None, &["note", "maria", "--topic", "third"]);
    assert!(ok(dir, DAY3, None, &["verify", "--against", &code.to_lowercase()]).contains("extends"));
    // Day 3's snapshot (before its first change) holds the head with the second seal.
    let before = fs::read(client_file(dir)).unwrap();
    // The rollback: the second note's seal cut from the ledger, the note from the file.
    let mut record: serde_json::Value = serde_json::from_slice(&before).unwrap();
    let sessions = record["sessions"].as_array_mut().unwrap();
    sessions.retain(|s| s["topics"][0] != "second" && s["topics"][0] != "third");
    fs::write(client_file(dir), serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    cut_last_line(dir);
    let (said, _) = fails(dir, DAY3, None, &["verify"]);
    assert!(said.contains("fewer than the") && said.contains("when snapshot 2026-11-25_100000 was taken"), "{said}");
    let (said, e) = fails(dir, DAY3, None, &["verify", "--against", &code]);
    assert!(said.contains(&format!("no longer extends the head of code {code}")), "{said}");
    assert!(e.contains("cut short or rewritten") || e.contains("shorter than a snapshot"), "{e}");
    let doctor = ok_or_report(dir, DAY3, &["doctor"]);
    assert!(doctor.contains("fewer than the"), "{doctor}");
    // Without the snapshot's head, the code alone still catches it.
    for snap in fs::read_dir(dir.join("backups")).unwrap().flatten() {
        let _ = fs::remove_file(snap.path().join("ledger-head"));
    }
    let (said, _) = fails(dir, DAY3, None, &["verify", "--against", &code]);
    assert!(said.contains("no longer extends"), "{said}");
    let e = fails(dir, DAY3, None, &["verify", "--against", "not a code"]).1;
    assert!(e.contains("is not a code"), "{e}");
}

/// `doctor`'s report, whether it fails or not.
fn ok_or_report(dir: &Path, now: &str, args: &[&str]) -> String {
    String::from_utf8(run_at(dir, now, None, args).stdout).unwrap()
}

#[test]
fn an_encrypted_rollback_made_without_the_key_is_caught_and_a_forged_entry_is_named() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let code = practice(dir, Some(PASS));
    ok(dir, DAY2, Some(PASS), &["addendum", "maria", "s2", "an addendum"]);
    ok(dir, DAY3, Some(PASS), &["note", "maria", "--topic", "third"]);
    let clean = ok(dir, DAY3, Some(PASS), &["verify"]);
    assert!(clean.contains("as they were finalised") && !clean.contains("authenticated"), "{clean}");

    // Someone without the key copies day 2's snapshot of the file over the
    // live one (before the second note) and cuts the ledger to match.
    let live = client_file(dir);
    let file = live.file_name().unwrap().to_str().unwrap();
    let day2 = common::snapshot_files(dir, "2026-11-24_100000").remove(file).unwrap();
    let saved = (fs::read(&live).unwrap(), fs::read(dir.join("ledger")).unwrap());
    fs::write(&live, &day2).unwrap();
    cut_last_line(dir);
    cut_last_line(dir);
    let (said, _) = fails(dir, DAY3, Some(PASS), &["verify"]);
    assert!(said.contains("fewer than the"), "{said}");
    let (said, _) = fails(dir, DAY3, Some(PASS), &["verify", "--against", &code]);
    assert!(said.contains("no longer extends"), "{said}");
    fs::write(&live, &saved.0).unwrap();
    fs::write(dir.join("ledger"), &saved.1).unwrap();
    assert!(ok(dir, DAY3, Some(PASS), &["verify", "--against", &code]).contains("extends"));

    // A forged entry: a withdrawal of the last seal, chained as Rapport
    // chains, encrypted to the practice's recipient, but with no code of its key.
    let store = rapport::store::Store::unlock(dir, PASS).unwrap();
    let keys = store.keys().unwrap();
    let last = lines(dir).last().unwrap().clone();
    let (tag, body) = last.split_once(' ').unwrap();
    let entry: serde_json::Value =
        serde_json::from_slice(&keys.decrypt(&STANDARD.decode(body).unwrap()).unwrap()).unwrap();
    let forged = forge_after(&entry, "withdrawn");
    let line = format!("{tag} {}\n", STANDARD.encode(keys.encrypt(forged.to_string().as_bytes())));
    let mut ledger = saved.1.clone();
    ledger.extend_from_slice(line.as_bytes());
    fs::write(dir.join("ledger"), &ledger).unwrap();
    let (said, _) = fails(dir, DAY3, Some(PASS), &["verify"]);
    assert!(said.contains("not made with this practice's key") && said.contains("entry"), "{said}");
    let doctor = String::from_utf8(run_at(dir, DAY3, Some(PASS), &["doctor"]).stdout).unwrap();
    assert!(doctor.contains("not made with this practice's key"), "{doctor}");
}

/// An entry after `prev`, of kind `kind`, chained as Rapport chains them
/// (SHA-256 of the previous link and the entry without link and code).
fn forge_after(prev: &serde_json::Value, kind: &str) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let mut e = prev.clone();
    let o = e.as_object_mut().unwrap();
    o.remove("mac");
    o.insert("n".into(), (prev["n"].as_u64().unwrap() + 1).into());
    o.insert("kind".into(), kind.into());
    o.insert("prev".into(), prev["link"].clone());
    o.insert("link".into(), "".into());
    // serde_json keeps the struct's field order only through the struct:
    // go through it so the link is computed over the same bytes.
    let typed: rapport::store::ledger::Entry = serde_json::from_value(e).unwrap();
    let mut h = Sha256::new();
    h.update(typed.prev.as_bytes());
    h.update(serde_json::to_vec(&typed).unwrap());
    let mut typed = typed;
    typed.link = hex::encode(h.finalize());
    serde_json::to_value(&typed).unwrap()
}

#[test]
fn old_unauthenticated_entries_keep_verifying_are_counted_and_the_next_change_authenticates_them() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir, Some(PASS));
    // As a Rapport from before authenticated entries wrote them: no code.
    let store = rapport::store::Store::unlock(dir, PASS).unwrap();
    let keys = store.keys().unwrap();
    let old: String = lines(dir)
        .iter()
        .map(|l| {
            let (tag, body) = l.split_once(' ').unwrap();
            let mut e: serde_json::Value =
                serde_json::from_slice(&keys.decrypt(&STANDARD.decode(body).unwrap()).unwrap()).unwrap();
            assert!(e.as_object_mut().unwrap().remove("mac").is_some(), "written with a code");
            format!("{tag} {}\n", STANDARD.encode(keys.encrypt(e.to_string().as_bytes())))
        })
        .collect();
    fs::write(dir.join("ledger"), old).unwrap();
    let said = ok(dir, DAY2, Some(PASS), &["verify"]);
    assert!(said.contains("as they were finalised"), "{said}");
    assert!(said.contains("entries of the ledger were written before Rapport authenticated entries"), "{said}");
    ok(dir, DAY3, Some(PASS), &["note", "maria", "--topic", "fourth"]);
    ok(dir, DAY3, Some(PASS), &["finalise", "maria"]);
    let said = ok(dir, DAY3, Some(PASS), &["verify"]);
    assert!(said.contains("as they were finalised") && !said.contains("authenticated"), "{said}");
}
