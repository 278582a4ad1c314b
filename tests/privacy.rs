//! A stolen laptop with an encrypted data folder gives nothing away, and
//! everything reads back the same with the passphrase.

mod common;

use common::encrypted::{PASS, all_files, err, ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Words that stand in the practice and must never be readable on disk.
const SECRETS: [&str; 8] = ["Maria", "maria", "Lopez", "lopez", "zebra", "walrus", "Becker", "brass band"];

fn practice(dir: &Path) {
    ok(dir, None, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    ok(dir, None, &["client", "add", "Tom Becker"]);
    ok(
        dir,
        None,
        &[
            "note",
            "mari",
            "--at",
            "2026-11-16 10:00",
            "--yes",
            "--topic",
            "zebra crossing",
            "--text",
            "a walrus of a week",
            "--task",
            "sleep diary",
        ],
    );
    ok(dir, None, &["note", "tom", "--topic", "work"]);
    ok(dir, None, &["personal", "add", "mari", "plays in a brass band", "--ask"]);
    ok(dir, None, &["contact", "add", "mari", "--channel", "voicemail", "--summary", "zebra call"]);
    // The therapist's own log, and a question about Maria for supervision.
    ok(dir, None, &["supervision", "bring", "mari", "the walrus in the room"]);
    let notes = ["supervision", "add", "--at", "2026-11-20 18:00", "--minutes", "60", "--notes", "Maria and the zebra"];
    ok(dir, None, &notes);
    ok(dir, None, &["cpd", "add", "--hours", "2", "a walrus workshop"]);
    // An export kept in the data folder, as x in the app writes it.
    let store = rapport::store::Store::open(dir).unwrap();
    store
        .export_client(&rapport::domain::ClientId::new("maria-lopez"), rapport::domain::time::dt("2026-11-26 09:30"))
        .unwrap();
    ok(dir, None, &["backup"]);
    fs::write(dir.join("drafts/maria-lopez.json"), r#"{"fields":["a zebra draft"],"kept_at":"2026-11-26T09:30:00"}"#)
        .unwrap();
}

#[test]
fn encrypting_leaves_no_readable_word_on_disk_and_everything_reads_back_the_same() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    let review = ok(dir, None, &["review", "mari"]);
    let search = ok(dir, None, &["search", "walrus"]);
    let export = ok(dir, None, &["export", "mari"]);

    let said = ok(dir, Some(PASS), &["encrypt", "--yes"]);
    assert!(said.starts_with("Encrypted "), "{said}");
    // Use it a little while encrypted, so the index, log and drafts are written too.
    ok(dir, Some(PASS), &["note", "tom", "--topic", "walrus again"]);
    ok(dir, Some(PASS), &["search", "zebra"]);
    for (path, bytes) in all_files(dir) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret:?} readable in {}", path.display());
            assert!(!path.to_string_lossy().contains(secret), "{secret:?} in the file name {}", path.display());
        }
    }
    assert_eq!(ok(dir, Some(PASS), &["review", "mari"]), review);
    let found = ok(dir, Some(PASS), &["search", "walrus"]);
    assert!(found.contains(&search.lines().take(2).collect::<Vec<_>>().join("\n")), "{found}");
    assert!(found.contains("Tom Becker"), "what was written while encrypted is found too: {found}");
    let after = ok(dir, Some(PASS), &["export", "mari"]);
    assert_eq!(after.lines().skip(3).collect::<Vec<_>>(), export.lines().skip(3).collect::<Vec<_>>());
    assert!(ok(dir, Some(PASS), &["backup", "list"]).contains("-before-encrypt"));

    // A plain export only when asked for.
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path().join("plain.md");
    let said = ok(dir, Some(PASS), &["export", "mari", "--out", out.to_str().unwrap()]);
    assert!(said.contains("plain.md.age (encrypted"), "{said}");
    ok(dir, Some(PASS), &["export", "mari", "--out", out.to_str().unwrap(), "--plain"]);
    assert!(fs::read_to_string(&out).unwrap().contains("a walrus of a week"));
    fs::remove_file(&out).unwrap();

    // And back.
    ok(dir, Some(PASS), &["decrypt", "--yes"]);
    assert_eq!(ok(dir, None, &["review", "mari"]), review);
    assert!(dir.join("clients/maria-lopez.json").exists());
    assert!(!dir.join("identity.age").exists());
    assert!(ok(dir, None, &["supervision", "list", "--notes"]).contains("Maria and the zebra"));
}

#[test]
fn a_wrong_or_missing_passphrase_reads_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, Some(PASS), &["encrypt", "--yes"]);
    let before = all_files(dir);
    let e = err(dir, Some("not the passphrase"), &["note", "mari", "--topic", "x"]);
    assert!(e.contains("the passphrase is wrong; nothing was read or written"), "{e}");
    let e = err(dir, None, &["client", "list"]);
    assert!(e.contains("set RAPPORT_PASSPHRASE"), "{e}");
    assert_eq!(all_files(dir), before, "nothing on disk changed");
    let again = err(dir, Some(PASS), &["encrypt", "--yes"]);
    assert!(again.contains("already encrypted"), "{again}");
}

#[test]
fn the_passphrase_changes_without_rewriting_a_note() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, Some(PASS), &["encrypt", "--yes"]);
    let client_files: BTreeMap<PathBuf, Vec<u8>> =
        all_files(dir).into_iter().filter(|(p, _)| p.starts_with(dir.join("clients"))).collect();
    let out = common::rapport(dir)
        .env("RAPPORT_TEST_SCRYPT_LOG_N", "10")
        .env("RAPPORT_PASSPHRASE", PASS)
        .env("RAPPORT_NEW_PASSPHRASE", "a much better passphrase")
        .arg("passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let now: BTreeMap<PathBuf, Vec<u8>> =
        all_files(dir).into_iter().filter(|(p, _)| p.starts_with(dir.join("clients"))).collect();
    assert_eq!(now, client_files);
    assert!(err(dir, Some(PASS), &["client", "list"]).contains("wrong"));
    assert!(ok(dir, Some("a much better passphrase"), &["client", "list"]).contains("Maria Lopez"));
}

#[test]
fn a_damaged_encrypted_file_is_named_and_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, Some(PASS), &["encrypt", "--yes"]);
    let files: Vec<PathBuf> = fs::read_dir(dir.join("clients")).unwrap().map(|e| e.unwrap().path()).collect();
    let victim = files.iter().find(|p| p.extension().is_some_and(|x| x == "age")).unwrap();
    let mut bytes = fs::read(victim).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0xff;
    fs::write(victim, &bytes).unwrap();
    let list = ok(dir, Some(PASS), &["client", "list"]);
    assert!(list.contains("UNREADABLE") && list.contains("could not be decrypted"), "{list}");
    assert_eq!(fs::read(victim).unwrap(), bytes);
}

#[test]
fn a_plain_copy_of_a_record_is_merged_into_an_encrypted_practice() {
    let tmp = tempfile::tempdir().unwrap();
    let (here, old) = (tmp.path().join("here"), tmp.path().join("old"));
    ok(&here, None, &["client", "add", "Ann Byrne"]);
    ok(&here, None, &["note", "ann", "--topic", "sleep"]);
    // A copy of the folder from before it was encrypted, with a note only it holds.
    assert!(Command::new("cp").arg("-a").arg(&here).arg(&old).status().unwrap().success());
    ok(&old, None, &["note", "ann", "--topic", "only in the old copy"]);
    ok(&here, Some(PASS), &["encrypt", "--yes"]);
    let copy = old.join("clients/ann-byrne.json");
    let said = ok(&here, Some(PASS), &["merge", copy.to_str().unwrap()]);
    assert!(said.contains("1 item only in the copy is kept"), "{said}");
    assert!(said.contains("left where it is"), "a copy outside the folder stays: {said}");
    let review = ok(&here, Some(PASS), &["review", "ann"]);
    assert!(review.contains("only in the old copy") && review.contains("sleep"), "{review}");
    // Not plain JSON at all: still refused as before.
    std::fs::write(tmp.path().join("garbage"), b"\x00\x01 not a record").unwrap();
    let e = err(&here, Some(PASS), &["merge", tmp.path().join("garbage").to_str().unwrap()]);
    assert!(e.contains("could not be decrypted"), "{e}");
}
