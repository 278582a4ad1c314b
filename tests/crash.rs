//! Crash tests by fault injection, as SQLite's are: every step that writes
//! to the data folder is a named crash point (`store::crash::POINTS`), and
//! each test runs the real binary once to learn which points a command
//! reaches and how often, then again for every point and every time it is
//! reached, stopped there by `RAPPORT_CRASH_AT=<point>:<n>` (an abort: no
//! destructor runs, nothing is flushed, as under a kill). After each crash
//! it checks the promise: nothing reported saved is lost, every file still
//! reads, a conversion finishes when run again (or is undone by the
//! opposite command) and leaves no plain word.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::crash::{assert_reaches, copy_folder, crash, moments, reached};
use rapport::store::Store;
use rapport::store::crash::POINTS;

const NOW: &str = "2026-11-26 09:35";
const PASS: &str = "correct horse battery";

/// The points each crash test below covers. Every point is covered by
/// one (checked by `every_crash_point_is_named_once_and_covered`), and each
/// test checks its command reaches exactly these.
const SAVE: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "ledger.append",
    "append.torn",
    "append.sync",
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
];
const ENCRYPT: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "append.torn",
    "append.sync",
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
    "convert.journal",
    "convert.key",
    "convert.file",
    "convert.remove-old",
    "convert.practice-log",
    "convert.audit",
    "convert.ledger",
    "convert.finish",
    "snapshot.prune",
    "objects.remove",
    "snapshot.rewrite",
];
const DECRYPT: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "append.torn",
    "append.sync",
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
    "convert.journal",
    "convert.file",
    "convert.remove-old",
    "convert.practice-log",
    "convert.audit",
    "convert.ledger",
    "convert.finish",
    "decrypt.remove-key",
    "snapshot.prune",
    "objects.remove",
    "snapshot.rewrite",
];
const PASSPHRASE: &[&str] = &["write.temp", "write.fsync", "write.rename", "write.folder-sync", "passphrase.write"];
const RESTORE: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "ledger.append",
    "append.torn",
    "append.sync",
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
    "restore.file",
    "restore.remove",
];
const MIGRATE: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "ledger.append",
    "append.torn",
    "append.sync",
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
    "migrate.object",
    "migrate.manifest",
    "migrate.remove-copies",
];
const PRUNE: &[&str] = &["audit.append", "append.torn", "append.sync", "snapshot.prune", "objects.remove"];
const ERASE: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "append.torn",
    "append.sync",
    "erase.remove",
];
const MERGE_COPY: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "append.torn",
    "append.sync",
    "merge-copy.remove",
];
const SYNC_INIT: &[&str] = &[
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    "audit.append",
    "append.torn",
    "append.sync",
    "new-ids.journal",
    "new-ids.rename",
    "new-ids.finish",
    "git.command",
    "sync-init.mark",
    "sync-init.repository",
    "sync-init.commit",
    "sync-init.finish",
    "snapshot.object",
    "snapshot.rewrite",
    "objects.remove",
];

/// `rapport ARGS` on `dir` at [`NOW`], with the passphrase (cheap to try).
fn rapport(dir: &Path, args: &[&str]) -> Command {
    let mut c = common::command(dir);
    c.env("RAPPORT_NOW", NOW).env("RAPPORT_PASSPHRASE", PASS).env("RAPPORT_TEST_SCRYPT_LOG_N", "10").args(args);
    c
}

fn ok(dir: &Path, args: &[&str]) -> String {
    common::succeeded(rapport(dir, args).output().unwrap(), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` but git's, with its bytes.
fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() && e.file_name() != ".git" {
                stack.push(p);
            } else if p.is_file() {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// Every client record of `store`, by id, as JSON; every file must read.
fn records(store: &Store) -> BTreeMap<String, serde_json::Value> {
    store
        .load_all()
        .unwrap()
        .into_iter()
        .map(|f| {
            let r = f.record.unwrap_or_else(|e| panic!("{}: {e}", f.path.display()));
            (r.client.id.to_string(), serde_json::to_value(&r).unwrap())
        })
        .collect()
}

/// Each session of each client: (client, session id, topics, words).
fn notes(store: &Store) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for f in store.load_all().unwrap() {
        let r = f.record.unwrap_or_else(|e| panic!("{}: {e}", f.path.display()));
        for s in &r.sessions {
            out.insert((r.client.id.to_string(), s.id.to_string(), s.topics.join(";"), s.notes.clone()));
        }
    }
    out
}

#[test]
fn every_crash_point_is_named_once_and_covered() {
    // The list names each point once.
    let listed: BTreeSet<&str> = POINTS.iter().copied().collect();
    assert_eq!(listed.len(), POINTS.len(), "a crash point is listed twice");
    // The code calls each listed point, and no other.
    let mut called = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().map(|e| e.unwrap()) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let code = fs::read_to_string(&p).unwrap();
                for call in ["crash::point(\"", "crash::half_way(\""] {
                    for (i, _) in code.match_indices(call) {
                        let rest = &code[i + call.len()..];
                        called.insert(rest[..rest.find('"').unwrap()].to_string());
                    }
                }
            }
        }
    }
    let called: BTreeSet<&str> = called.iter().map(String::as_str).collect();
    assert_eq!(called, listed, "crash points called in src/ and listed in store::crash::POINTS differ");
    // And the tests below crash at every one.
    let covered: BTreeSet<&str> =
        [SAVE, ENCRYPT, DECRYPT, PASSPHRASE, RESTORE, ERASE, MERGE_COPY, SYNC_INIT, MIGRATE, PRUNE]
            .concat()
            .into_iter()
            .collect();
    assert_eq!(covered, listed, "a crash point no crash test covers, or a test covering no point");
}

#[test]
fn a_crash_point_that_does_not_exist_is_refused_not_ignored() {
    let d = tempfile::tempdir().unwrap();
    let out = rapport(d.path(), &["client", "list"]).env("RAPPORT_CRASH_AT", "write.nowhere:1").output().unwrap();
    assert!(!out.status.success() && text(&out.stderr).contains("RAPPORT_CRASH_AT=write.nowhere:1"));
}

/// Maria with a note two days ago and one yesterday morning (which
/// finalised the first), Tom with one; so today's first save takes the
/// day's snapshot, finalises yesterday's note (a ledger line) and writes
/// the audit log.
fn practice_of_yesterday(dir: &Path) {
    let at = |now: &str, args: &[&str]| common::ok(dir, now, args);
    at("2026-11-24 07:00", &["client", "add", "Maria Lopez"]);
    at("2026-11-24 07:00", &["client", "add", "Tom Becker"]);
    at(
        "2026-11-24 09:00",
        &["note", "maria", "--at", "2026-11-24 08:00", "--yes", "--topic", "first", "--text", "the harbour"],
    );
    at(
        "2026-11-25 09:00",
        &["note", "maria", "--at", "2026-11-25 08:00", "--yes", "--topic", "second", "--text", "the crane"],
    );
    at(
        "2026-11-25 12:00",
        &["note", "tom", "--at", "2026-11-25 11:00", "--yes", "--topic", "tom's", "--text", "the ferry"],
    );
}

#[test]
fn a_note_save_crashed_at_any_step_loses_no_note_reported_saved_and_the_next_save_works() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    let before = notes(&Store::open(&base).unwrap());
    let save = |dir: &Path| rapport(dir, &["note", "maria", "--topic", "crashed", "--text", "words of today"]);
    let counts = reached(&base, tmp.path(), &save);
    assert_reaches(&counts, SAVE, "a note's save");
    let dir = tmp.path().join("crashed");
    let mut crashes = 0;
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        let out = crash(save(&dir), &point, n);
        crashes += 1;
        let at = format!("crashed at {point}:{n}");
        // Every file reads, and every note saved before is there as it was.
        let store = Store::open(&dir).unwrap_or_else(|e| panic!("{at}: {e}"));
        let after = notes(&store);
        assert!(before.is_subset(&after), "{at}: a saved note was lost");
        assert!(after.len() <= before.len() + 1, "{at}: a note was saved twice");
        let today = after.iter().any(|n| n.2 == "crashed");
        if text(&out.stdout).contains("Saved") {
            assert!(today, "{at}: reported saved, then lost");
        }
        // The folder still works: the next save is kept, the seals verify.
        let said = ok(&dir, &["note", "maria", "--topic", "after", "--text", "the next words"]);
        assert!(said.contains("Saved"), "{at}: {said}");
        let after = notes(&Store::open(&dir).unwrap());
        assert!(after.iter().any(|n| n.2 == "after"), "{at}");
        assert!(before.is_subset(&after), "{at}");
        let verify = rapport(&dir, &["verify"]).output().unwrap();
        assert!(verify.status.success(), "{at}: {}{}", text(&verify.stdout), text(&verify.stderr));
    }
    eprintln!("a note's save crashed at {crashes} moments: {counts:?}");
    assert!(crashes >= 20, "only {crashes} moments");
}

/// What snapshot `name` of `dir` holds, file by file: through its manifest,
/// or as the full copies an older Rapport made.
fn held(dir: &Path, name: &str) -> BTreeMap<String, Vec<u8>> {
    let folder = dir.join("backups").join(name);
    if folder.join("manifest.json").exists() {
        return common::snapshot_files(dir, name);
    }
    fs::read_dir(folder.join("clients"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.file_name().into_string().unwrap(), fs::read(e.path()).unwrap()))
        .collect()
}

/// [`practice_of_yesterday`] with its snapshots as an older Rapport made
/// them: full copies in `backups/<snapshot>/clients/`, one of them a hard
/// link to the live file. Returns what each snapshot holds.
fn practice_with_full_copies(dir: &Path) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    practice_of_yesterday(dir);
    let backups = dir.join("backups");
    let mut expected = BTreeMap::new();
    for e in fs::read_dir(&backups).unwrap().map(|e| e.unwrap()) {
        let name = e.file_name().into_string().unwrap();
        if name.starts_with("20") {
            expected.insert(name.clone(), held(dir, &name));
        }
    }
    assert!(expected.len() >= 2, "{expected:?}");
    for (name, files) in &expected {
        let folder = backups.join(name);
        fs::remove_file(folder.join("manifest.json")).unwrap();
        fs::create_dir(folder.join("clients")).unwrap();
        for (file, bytes) in files {
            fs::write(folder.join("clients").join(file), bytes).unwrap();
        }
    }
    fs::remove_dir_all(backups.join("objects")).unwrap();
    let linked = backups.join("2026-11-20_090000/clients");
    fs::create_dir_all(&linked).unwrap();
    fs::hard_link(dir.join("clients/maria-lopez.json"), linked.join("maria-lopez.json")).unwrap();
    expected.insert("2026-11-20_090000".into(), held(dir, "2026-11-20_090000"));
    expected
}

#[test]
fn a_move_of_full_copies_into_objects_crashed_at_any_step_is_finished_by_the_next_save() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    let expected = practice_with_full_copies(&base);
    let save = |dir: &Path| rapport(dir, &["note", "maria", "--topic", "crashed", "--text", "words of today"]);
    let counts = reached(&base, tmp.path(), &save);
    assert_reaches(&counts, MIGRATE, "a save that moves full copies into objects");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(save(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        // Each snapshot is whole, as copies or through its manifest.
        for (name, files) in &expected {
            assert_eq!(&held(&dir, name), files, "{at}: {name}");
        }
        // The next save finishes the move: no copy left, every object there.
        let said = ok(&dir, &["note", "maria", "--topic", "after", "--text", "the next words"]);
        assert!(said.contains("Saved"), "{at}: {said}");
        for (name, files) in &expected {
            assert!(!dir.join("backups").join(name).join("clients").exists(), "{at}: {name} still has copies");
            assert_eq!(&common::snapshot_files(&dir, name), files, "{at}: {name}");
        }
        let verify = rapport(&dir, &["verify"]).output().unwrap();
        assert!(verify.status.success(), "{at}: {}{}", text(&verify.stdout), text(&verify.stderr));
    }
}

#[test]
fn a_prune_crashed_at_any_step_leaves_garbage_never_a_snapshot_missing_an_object() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    ok(&base, &["note", "maria", "--topic", "today", "--text", "today's words"]);
    let before = common::ok(&base, NOW, &["backup", "list"]);
    assert_eq!(before.lines().filter(|l| l.starts_with("20")).count(), 3, "{before}");
    let prune = |dir: &Path| rapport(dir, &["backup", "prune", "--keep", "1"]);
    let counts = reached(&base, tmp.path(), &prune);
    assert_reaches(&counts, PRUNE, "a prune");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(prune(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        // Every snapshot still listed can be read whole.
        let verify = rapport(&dir, &["verify"]).output().unwrap();
        assert!(verify.status.success(), "{at}: {}{}", text(&verify.stdout), text(&verify.stderr));
        let store = Store::open(&dir).unwrap();
        for s in store.snapshots() {
            store.snapshot_records(&s.name, None).unwrap_or_else(|e| panic!("{at}: {}: {e}", s.name));
        }
        // Run again, it finishes, and only the newest snapshot's objects stay.
        ok(&dir, &["backup", "prune", "--keep", "1"]);
        let snaps = store.snapshots();
        assert_eq!(snaps.len(), 1, "{at}");
        let objects = all_files(&dir.join("backups/objects")).len();
        assert_eq!(objects, common::snapshot_files(&dir, &snaps[0].name).len(), "{at}: garbage left");
    }
}

/// A small practice with everything a conversion converts: clients with
/// notes, a snapshot, a draft, an export, audit and ledger lines. Returns
/// the words that must never be readable once it is encrypted.
fn practice_to_convert(dir: &Path) -> Vec<String> {
    let g = rapport(dir, &["demo", "generate", "--clients", "3", "--sessions", "3", "--out"])
        .arg(dir)
        .env_remove("RAPPORT_DIR")
        .output()
        .unwrap();
    assert!(g.status.success(), "{}", text(&g.stderr));
    fs::write(dir.join("config.json"), br#"{"keep_backups": 2}"#).unwrap();
    let store = Store::open(dir).unwrap();
    let first = records(&store).keys().next().unwrap().clone();
    let draft = serde_json::json!({"fields": ["a draft about the harbour crane"], "kept_at": "2026-11-26T09:30:00"});
    store.save_draft(&first, &draft, "a1").unwrap();
    store.export_client(&rapport::domain::ClientId::new(first.clone()), rapport::domain::time::dt(NOW)).unwrap();
    ok(dir, &["note", &first, "--text", "so the audit log and ledger hold lines"]);
    ok(dir, &["backup"]);
    let sup =
        ["supervision", "add", "--at", "2026-11-20 18:00", "--minutes", "60", "--notes", "the harbour crane again"];
    ok(dir, &sup);
    let mut secrets = vec!["harbour crane".to_string()];
    for (id, r) in records(&store) {
        secrets.push(id.clone());
        secrets.push(r["client"]["name"].as_str().unwrap().to_string());
        for s in r["sessions"].as_array().unwrap() {
            let words = s["notes"].as_str().unwrap_or("");
            if words.len() > 12 && words.contains(' ') {
                secrets.push(words.chars().take(24).collect());
            }
        }
    }
    secrets
}

/// The secrets readable in any file of `dir`, and where.
fn plain_words(dir: &Path, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in all_files(dir) {
        let text = String::from_utf8_lossy(&bytes);
        for s in secrets.iter().filter(|s| text.contains(s.as_str())) {
            found.push(format!("{s} in {}", path.display()));
        }
    }
    found
}

/// A crashed conversion: while it is unfinished every other command
/// refuses, saying `said`.
fn assert_refused_while_unfinished(dir: &Path, said: &str, at: &str) {
    if dir.join("conversion.json").exists() {
        let o = rapport(dir, &["client", "list"]).output().unwrap();
        assert!(!o.status.success(), "{at}: a half-converted folder was listed");
        assert!(text(&o.stderr).contains(said), "{at}: {}", text(&o.stderr));
    }
}

#[test]
fn encrypt_crashed_at_any_step_finishes_when_run_again_or_is_undone_and_leaves_no_plain_word() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    let secrets = practice_to_convert(&base);
    let expected = records(&Store::open(&base).unwrap());
    assert!(!plain_words(&base, &secrets).is_empty(), "the secrets are there to be found before encrypting");
    let encrypt = |dir: &Path| rapport(dir, &["encrypt", "--yes"]);
    let counts = reached(&base, tmp.path(), &encrypt);
    assert_reaches(&counts, ENCRYPT, "encrypt");
    let (dir, undo) = (tmp.path().join("crashed"), tmp.path().join("undone"));
    let (mut crashes, mut unfinished) = (0, 0);
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(encrypt(&dir), &point, n);
        crashes += 1;
        let at = format!("encrypt crashed at {point}:{n}");
        assert_refused_while_unfinished(&dir, "an encryption was interrupted: run `rapport encrypt` again", &at);
        copy_folder(&dir, &undo);
        // Run again, it finishes.
        let again = encrypt(&dir).output().unwrap();
        let e = text(&again.stderr);
        assert!(again.status.success() || e.contains("already encrypted"), "{at}: {e}");
        assert!(!dir.join("conversion.json").exists(), "{at}");
        assert_eq!(plain_words(&dir, &secrets), Vec::<String>::new(), "{at}");
        let enc = Store::unlock(&dir, PASS).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(records(&enc), expected, "{at}");
        assert_eq!(enc.drafts::<serde_json::Value>().len(), 1, "{at}: the draft is kept");
        assert_eq!(enc.practice_log().map(|l| l.supervision.len()).ok(), Some(1), "{at}: the supervision log is kept");
        // Or, interrupted, the opposite command undoes it.
        if undo.join("conversion.json").exists() {
            unfinished += 1;
            let back = rapport(&undo, &["decrypt", "--yes"]).output().unwrap();
            assert!(back.status.success(), "{at}: {}", text(&back.stderr));
            assert!(text(&back.stdout).contains("Undid the interrupted encryption"), "{at}: {}", text(&back.stdout));
            assert!(!undo.join("identity.age").exists() && !undo.join("conversion.json").exists(), "{at}");
            assert_eq!(records(&Store::open(&undo).unwrap()), expected, "{at}");
        }
    }
    eprintln!("encrypt crashed at {crashes} moments, {unfinished} left it to finish: {counts:?}");
    assert!(unfinished >= 10, "only {unfinished} crashes left an encryption unfinished");
}

#[test]
fn decrypt_crashed_at_any_step_finishes_when_run_again_or_is_undone() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    let secrets = practice_to_convert(&base);
    let expected = records(&Store::open(&base).unwrap());
    ok(&base, &["encrypt", "--yes"]);
    let decrypt = |dir: &Path| rapport(dir, &["decrypt", "--yes"]);
    let counts = reached(&base, tmp.path(), &decrypt);
    assert_reaches(&counts, DECRYPT, "decrypt");
    let (dir, undo) = (tmp.path().join("crashed"), tmp.path().join("undone"));
    let (mut crashes, mut unfinished) = (0, 0);
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(decrypt(&dir), &point, n);
        crashes += 1;
        let at = format!("decrypt crashed at {point}:{n}");
        assert_refused_while_unfinished(&dir, "a decryption was interrupted: run `rapport decrypt` again", &at);
        copy_folder(&dir, &undo);
        let again = decrypt(&dir).output().unwrap();
        let e = text(&again.stderr);
        assert!(again.status.success() || e.contains("not encrypted"), "{at}: {e}");
        assert!(!dir.join("conversion.json").exists() && !dir.join("identity.age").exists(), "{at}");
        let plain = Store::open(&dir).unwrap();
        assert_eq!(records(&plain), expected, "{at}");
        assert_eq!(plain.drafts::<serde_json::Value>().len(), 1, "{at}: the draft keeps its client");
        assert_eq!(
            plain.practice_log().map(|l| l.supervision.len()).ok(),
            Some(1),
            "{at}: the supervision log is kept"
        );
        if undo.join("conversion.json").exists() {
            unfinished += 1;
            let back = rapport(&undo, &["encrypt", "--yes"]).output().unwrap();
            assert!(back.status.success(), "{at}: {}", text(&back.stderr));
            assert!(text(&back.stdout).contains("Undid the interrupted decryption"), "{at}: {}", text(&back.stdout));
            assert!(!undo.join("conversion.json").exists(), "{at}");
            assert_eq!(plain_words(&undo, &secrets), Vec::<String>::new(), "{at}");
            assert_eq!(records(&Store::unlock(&undo, PASS).unwrap()), expected, "{at}");
        }
    }
    eprintln!("decrypt crashed at {crashes} moments, {unfinished} left it to finish: {counts:?}");
    assert!(unfinished >= 10, "only {unfinished} crashes left a decryption unfinished");
}

#[test]
fn a_passphrase_change_crashed_at_any_step_leaves_the_old_or_the_new_passphrase_working() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    ok(&base, &["encrypt", "--yes"]);
    let expected = records(&Store::unlock(&base, PASS).unwrap());
    let new = "a much better passphrase";
    let change = |dir: &Path| {
        let mut c = rapport(dir, &["passphrase"]);
        c.env("RAPPORT_NEW_PASSPHRASE", new);
        c
    };
    let counts = reached(&base, tmp.path(), &change);
    assert_reaches(&counts, PASSPHRASE, "a passphrase change");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(change(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        let store =
            Store::unlock(&dir, PASS).or_else(|_| Store::unlock(&dir, new)).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(records(&store), expected, "{at}");
    }
}

#[test]
fn a_restore_crashed_at_any_step_finishes_when_run_again() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    let snapshot = ok(&base, &["backup"]).split_whitespace().nth(1).unwrap().to_string();
    let wanted = records(&Store::open(&base).unwrap());
    // After the snapshot: a note for Maria, and a new client to take away.
    ok(&base, &["note", "maria", "--topic", "since", "--text", "after the snapshot"]);
    ok(&base, &["client", "add", "Nia Quill"]);
    let restore = |dir: &Path| rapport(dir, &["restore", &snapshot, "--yes"]);
    let counts = reached(&base, tmp.path(), &restore);
    assert_reaches(&counts, RESTORE, "a restore");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(restore(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        // Every file still reads, and the restore, run again, finishes.
        records(&Store::open(&dir).unwrap_or_else(|e| panic!("{at}: {e}")));
        ok(&dir, &["restore", &snapshot, "--yes"]);
        assert_eq!(records(&Store::open(&dir).unwrap()), wanted, "{at}");
    }
}

#[test]
fn an_erasure_crashed_at_any_step_finishes_when_run_again_and_leaves_no_word() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    let erase = |dir: &Path| {
        let mut c = rapport(dir, &["client", "delete", "tom"]);
        c.stdin(fs::File::open(tmp.path().join("typed")).unwrap());
        c
    };
    fs::write(tmp.path().join("typed"), "Tom Becker\n").unwrap();
    let counts = reached(&base, tmp.path(), &erase);
    assert_reaches(&counts, ERASE, "an erasure");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(erase(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        let left = records(&Store::open(&dir).unwrap_or_else(|e| panic!("{at}: {e}")));
        if left.contains_key("tom-becker") {
            // Listed still, and found by his name again.
            assert!(ok(&dir, &["client", "list"]).contains("tom-becker"), "{at}");
            let out = erase(&dir).output().unwrap();
            assert!(out.status.success(), "{at}: {}", text(&out.stderr));
        }
        let left = records(&Store::open(&dir).unwrap());
        assert_eq!(left.keys().collect::<Vec<_>>(), ["maria-lopez"], "{at}");
        let words: Vec<String> = all_files(&dir)
            .into_iter()
            .filter(|(p, _)| !p.strip_prefix(&dir).unwrap().starts_with("backups"))
            .filter(|(_, b)| {
                let t = String::from_utf8_lossy(b);
                t.contains("the ferry") || t.contains("tom-becker")
            })
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert_eq!(words, Vec::<String>::new(), "{at}: Tom is still in these");
    }
}

#[test]
fn a_conflict_copy_merge_crashed_at_any_step_loses_neither_side() {
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    // A sync tool's conflict copy of Maria's file, with a note only it holds.
    let copy = base.join("clients/maria-lopez (conflicted copy).json");
    fs::copy(base.join("clients/maria-lopez.json"), &copy).unwrap();
    ok(&base, &["note", "maria", "--topic", "here", "--text", "only in the live file"]);
    let mut theirs: serde_json::Value = serde_json::from_slice(&fs::read(&copy).unwrap()).unwrap();
    let mut extra = theirs["sessions"][0].clone();
    extra["id"] = "s9".into();
    extra["topics"] = serde_json::json!(["there"]);
    extra["notes"] = "only in the copy".into();
    extra.as_object_mut().unwrap().remove("finalised");
    theirs["sessions"].as_array_mut().unwrap().push(extra);
    fs::write(&copy, serde_json::to_vec_pretty(&theirs).unwrap()).unwrap();
    let merge = |dir: &Path| {
        let copy = dir.join("clients/maria-lopez (conflicted copy).json");
        rapport(dir, &["merge", copy.to_str().unwrap()])
    };
    let counts = reached(&base, tmp.path(), &merge);
    assert_reaches(&counts, MERGE_COPY, "a merge of a conflict copy");
    let dir = tmp.path().join("crashed");
    let has = |dir: &Path, words: &str| notes(&Store::open(dir).unwrap()).iter().any(|n| n.3 == words);
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        crash(merge(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        let copy_left = dir.join("clients/maria-lopez (conflicted copy).json").exists();
        assert!(copy_left || has(&dir, "only in the copy"), "{at}: the copy went before its note was merged");
        if copy_left {
            ok(&dir, &["merge", dir.join("clients/maria-lopez (conflicted copy).json").to_str().unwrap()]);
        }
        assert!(has(&dir, "only in the copy") && has(&dir, "only in the live file"), "{at}");
    }
}

#[test]
fn a_sync_init_crashed_at_any_step_is_finished_by_the_next_command_and_the_next_sync() {
    if !common::require_tool("git") {
        return;
    }
    let tmp = common::fast_tempdir();
    let base = tmp.path().join("base");
    practice_of_yesterday(&base);
    let before = notes(&Store::open(&base).unwrap());
    let remote = tmp.path().join("remote.git");
    let git = |args: &[&str], dir: &Path| {
        let mut c = Command::new("git");
        c.current_dir(dir).args(args).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
        assert!(c.status().unwrap().success(), "git {args:?}");
    };
    let init = |dir: &Path| {
        let mut c = rapport(dir, &["sync", "init", remote.to_str().unwrap()]);
        c.env("HOME", tmp.path()).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
        c
    };
    let fresh_remote = || {
        let _ = fs::remove_dir_all(&remote);
        git(&["init", "-q", "--bare", "remote.git"], tmp.path());
    };
    fresh_remote();
    let counts = reached(&base, tmp.path(), &init);
    assert_reaches(&counts, SYNC_INIT, "sync init");
    let dir = tmp.path().join("crashed");
    for (point, n) in moments(&counts) {
        copy_folder(&base, &dir);
        fresh_remote();
        crash(init(&dir), &point, n);
        let at = format!("crashed at {point}:{n}");
        // The next command finishes what it can; no note is lost, none doubled.
        let listed = ok(&dir, &["client", "list"]);
        assert!(listed.contains("Maria Lopez") && listed.contains("Tom Becker"), "{at}: {listed}");
        let ids_free = |set: &BTreeSet<(String, String, String, String)>| {
            set.iter().map(|n| (n.1.clone(), n.2.clone(), n.3.clone())).collect::<BTreeSet<_>>()
        };
        assert_eq!(ids_free(&notes(&Store::open(&dir).unwrap())), ids_free(&before), "{at}");
        // `sync init` again; or, told it is synced already, `sync`.
        let again = init(&dir).output().unwrap();
        if !again.status.success() {
            let e = text(&again.stderr);
            assert!(e.contains("is already synced with"), "{at}: {e}");
            let mut c = rapport(&dir, &["sync"]);
            c.env("HOME", tmp.path()).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
            common::succeeded(c.output().unwrap(), &["sync"]);
        }
        assert!(ok(&dir, &["sync", "status"]).contains("Everything here is on the remote."), "{at}");
        assert!(ok(&dir, &["verify"]).contains("are as they were"), "{at}");
    }
}
