//! The daily snapshots as a therapist relies on them: each version of a
//! client file stored once, a file changed in the very second of a snapshot
//! never taken for unchanged, an encrypted practice's files stored as the
//! ciphertext they are, and a damaged snapshot named in plain words by
//! `verify` and `doctor`, never restored from.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use common::{fails, ok};

/// The snapshots of `dir`, oldest first, by name.
fn snapshot_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("20"))
        .collect();
    names.sort();
    names
}

/// Every object in `dir`'s object store.
fn objects(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Ok(shards) = fs::read_dir(dir.join("backups/objects")) else { return found };
    for shard in shards.map(|e| e.unwrap()) {
        for e in fs::read_dir(shard.path()).unwrap().map(|e| e.unwrap()) {
            found.insert(format!("{}{}", shard.file_name().to_string_lossy(), e.file_name().to_string_lossy()));
        }
    }
    found
}

/// Every object some snapshot's manifest names.
fn named(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for name in snapshot_names(dir) {
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("backups").join(&name).join("manifest.json")).unwrap()).unwrap();
        for e in m["files"].as_array().unwrap() {
            found.insert(e["hash"].as_str().unwrap().to_string());
        }
    }
    found
}

#[test]
fn three_weeks_of_daily_notes_keep_fourteen_snapshots_and_each_version_of_a_file_once() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, "2026-11-01 08:00", &["client", "add", "Maria Lopez"]);
    ok(dir, "2026-11-01 08:00", &["client", "add", "Tom Becker"]);
    ok(dir, "2026-11-01 08:00", &["client", "add", "Ann Lee"]);
    for day in 2..=22 {
        // One note a day, Maria's on even days, Tom's on odd ones; Ann has none.
        let who = if day % 2 == 0 { "maria" } else { "tom" };
        let now = format!("2026-11-{day:02} 09:00");
        ok(dir, &now, &["note", who, "--at", &now, "--yes", "--text", &format!("day {day}")]);
    }
    let names = snapshot_names(dir);
    assert_eq!(names.len(), 14, "{names:?}");
    assert_eq!(names[0], "2026-11-09_090000");
    // Ann's file never changed: one object for all fourteen snapshots. Maria's
    // and Tom's changed every other day: one object per version, no more.
    assert_eq!(objects(dir), named(dir), "every object is named by a snapshot, and every one named is there");
    let versions: BTreeSet<(String, Vec<u8>)> =
        names.iter().flat_map(|n| common::snapshot_files(dir, n)).collect::<BTreeSet<(String, Vec<u8>)>>();
    assert_eq!(objects(dir).len(), versions.len());
    assert!(objects(dir).len() <= 1 + 2 * 8, "{} objects", objects(dir).len());
    // And each snapshot restores as the day was.
    let day9 = common::snapshot_files(dir, "2026-11-09_090000");
    let maria: serde_json::Value = serde_json::from_slice(&day9["maria-lopez.json"]).unwrap();
    assert_eq!(maria["sessions"].as_array().unwrap().len(), 4, "days 2, 4, 6 and 8 (day 9's came after the snapshot)");
    let said = ok(dir, "2026-11-22 10:00", &["verify"]);
    assert!(said.contains("are as they were"), "{said}");
}

#[test]
fn a_file_rewritten_in_the_second_of_a_snapshot_with_the_same_size_and_time_is_stored_anew() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, "2026-11-24 08:00", &["client", "add", "Maria Lopez"]);
    ok(dir, "2026-11-24 09:00", &["note", "maria", "--at", "2026-11-24 08:00", "--text", "the harbour"]);
    ok(dir, "2026-11-24 10:00", &["backup"]);
    // A sync tool writes another device's version in place: the same length,
    // other words, and the old modification time put back.
    let live = dir.join("clients/maria-lopez.json");
    let before = fs::metadata(&live).unwrap();
    let text = fs::read_to_string(&live).unwrap().replace("the harbour", "the station");
    {
        let mut f = fs::OpenOptions::new().write(true).open(&live).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.set_modified(before.modified().unwrap()).unwrap();
    }
    let after = fs::metadata(&live).unwrap();
    assert_eq!((after.len(), after.modified().unwrap()), (before.len(), before.modified().unwrap()));
    let name = ok(dir, "2026-11-25 08:00", &["backup"]).split_whitespace().nth(1).unwrap().to_string();
    let held = common::snapshot_files(dir, &name);
    assert_eq!(held["maria-lopez.json"], text.as_bytes(), "the snapshot holds the file as it is now");
    // The manifest trusts no `stat` of a file changed within a second of it.
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("backups").join(&name).join("manifest.json")).unwrap()).unwrap();
    assert!(m["files"][0].get("seen").is_none(), "{m}");
}

#[test]
fn an_encrypted_practice_snapshots_its_ciphertext_as_it_is() {
    use common::encrypted::{PASS, all_files, run_at};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let at = |now: &str, args: &[&str]| {
        let out = run_at(dir, now, Some(PASS), args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    at("2026-11-24 08:00", &["client", "add", "Maria Lopez"]);
    at("2026-11-24 08:00", &["encrypt", "--yes"]);
    at("2026-11-25 09:00", &["note", "maria", "--at", "2026-11-25 08:00", "--text", "the lighthouse keeper"]);
    let name = at("2026-11-25 10:00", &["backup"]).split_whitespace().nth(1).unwrap().to_string();
    let live: Vec<_> = fs::read_dir(dir.join("clients")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(live.len(), 1);
    let file = live[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(file.ends_with(".age"), "{file}");
    assert_eq!(
        common::snapshot_files(dir, &name)[&file],
        fs::read(&live[0]).unwrap(),
        "stored as the ciphertext it is"
    );
    for (path, bytes) in all_files(&dir.join("backups")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("lighthouse") && !text.contains("maria"), "{} is readable", path.display());
    }
    // And it restores, through the manifest, with the passphrase.
    at("2026-11-25 11:00", &["note", "maria", "--at", "2026-11-25 11:00", "--text", "later words"]);
    at("2026-11-25 12:00", &["restore", &name, "--client", "maria", "--yes"]);
    let store = rapport::store::Store::unlock(dir, PASS).unwrap();
    let maria = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    let notes: Vec<&str> = maria.sessions.iter().map(|s| s.notes.as_str()).collect();
    assert_eq!(notes, ["the lighthouse keeper"], "the snapshot's record is back, the later note gone");
}

/// What `rapport verify` says, on both outputs; it must fail.
fn verify_fails(dir: &Path) -> String {
    let out = common::run(dir, "2026-11-25 10:00", &["verify"]);
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn verify_and_doctor_name_a_damaged_snapshot_and_no_restore_is_made_from_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, "2026-11-24 08:00", &["client", "add", "Maria Lopez"]);
    ok(dir, "2026-11-24 08:00", &["client", "add", "Tom Becker"]);
    ok(dir, "2026-11-24 09:00", &["note", "maria", "--at", "2026-11-24 08:00", "--text", "monday"]);
    ok(dir, "2026-11-25 09:00", &["note", "maria", "--at", "2026-11-25 08:00", "--text", "tuesday"]);
    let names = snapshot_names(dir);
    // The first is from before Tom was added; the second holds both.
    assert_eq!(names, ["2026-11-24_080000", "2026-11-25_090000"]);
    let clean = ok(dir, "2026-11-25 10:00", &["verify"]);
    assert!(clean.contains("are as they were"), "{clean}");

    // Maria's copy in the newest snapshot changed on disk (a bad sector, a hand).
    let object = common::snapshot_object(dir, &names[1], "maria-lopez.json");
    let mut bytes = fs::read(&object).unwrap();
    bytes[10] ^= 1;
    fs::remove_file(&object).unwrap();
    fs::write(&object, &bytes).unwrap();
    let said = verify_fails(dir);
    assert!(
        said.contains("snapshot 2026-11-25_090000 is damaged")
            && said.contains("clients/maria-lopez.json: its stored copy no longer matches what was stored")
            && !said.contains("snapshot 2026-11-24_080000"),
        "{said}"
    );
    let doctor = String::from_utf8(common::run(dir, "2026-11-25 10:00", &["doctor"]).stdout).unwrap();
    assert!(doctor.contains("snapshot 2026-11-25_090000 is damaged"), "{doctor}");
    let e = fails(dir, "2026-11-25 10:00", &["restore", &names[1], "--yes"]);
    assert!(e.contains("nothing was restored") && e.contains("no longer matches"), "{e}");
    let store = rapport::store::Store::open(dir).unwrap();
    let maria = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    assert_eq!(maria.sessions.len(), 2, "nothing was restored");
    // Tom's record in that snapshot is whole, and restores.
    ok(dir, "2026-11-25 10:00", &["restore", &names[1], "--client", "tom", "--yes"]);

    // An object gone: said so. A manifest damaged: said so, and its objects kept.
    fs::remove_file(&object).unwrap();
    let said = verify_fails(dir);
    assert!(said.contains("its stored copy is missing"), "{said}");
    fs::write(dir.join("backups").join(&names[0]).join("manifest.json"), b"{\"format\": 1, \"files\": [").unwrap();
    let kept = objects(dir);
    let said = verify_fails(dir);
    assert!(said.contains("snapshot 2026-11-24_080000 is damaged: its manifest is damaged"), "{said}");
    ok(dir, "2026-11-25 10:00", &["backup", "prune", "--keep", "14"]);
    assert!(objects(dir).is_superset(&kept), "what a damaged manifest names is not known, so nothing is removed");
}

#[test]
fn an_object_folder_that_is_a_link_is_never_followed() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, "2026-11-24 08:00", &["client", "add", "Maria Lopez"]);
    let name = ok(dir, "2026-11-24 09:00", &["backup"]).split_whitespace().nth(1).unwrap().to_string();
    let object = common::snapshot_object(dir, &name, "maria-lopez.json");
    let shard = object.parent().unwrap().to_path_buf();
    // The folder the object is in, moved outside and linked back.
    let moved = outside.path().join("shard");
    fs::rename(&shard, &moved).unwrap();
    symlink(&moved, &shard).unwrap();
    let e = fails(dir, "2026-11-24 10:00", &["restore", &name, "--yes"]);
    assert!(e.contains("symbolic link") && e.contains("nothing was restored"), "{e}");
    // A new version is not written through it either: the day's snapshot,
    // and so its first save, is refused until the link is gone.
    let e = fails(dir, "2026-11-25 09:00", &["note", "maria", "--text", "new words"]);
    assert!(e.contains("is a symbolic link, which Rapport does not follow"), "{e}");
    let doctor = String::from_utf8(common::run(dir, "2026-11-25 09:00", &["doctor"]).stdout).unwrap();
    assert!(doctor.contains("is a symbolic link"), "{doctor}");
    for e in fs::read_dir(&moved).unwrap() {
        let bytes = fs::read(e.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("new words"), "an object was written outside");
    }
}
