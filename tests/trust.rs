//! Proofs that no note is ever lost and the record stays honest: crashes,
//! failed writes, any bytes, old files, snapshots and the audit log.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use proptest::prelude::*;
use rapport::domain::time::dt;
use rapport::domain::{ClientProfile, ClientRecord, NewSession, SCHEMA_VERSION};
use rapport::store::{Store, StoreError};

use common::{DEFAULT_NOW as NOW, bin, run};

fn now() -> NaiveDateTime {
    dt("2026-11-26 09:35")
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for sub in ["clients", "drafts", "index"] {
        if let Ok(entries) = fs::read_dir(dir.join(sub)) {
            found.extend(
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".rapport-tmp-"))
                    .map(|e| e.path()),
            );
        }
    }
    found
}

/// The one timed-kill test: a smoke test beside `tests/crash.rs`, which
/// stops a save at every one of its steps. Here the real binary is killed
/// from outside at pseudo-random moments, however many land mid-run on a
/// machine as busy as it is: each kill that does must lose no note reported
/// saved.
#[test]
fn notes_reported_saved_survive_kills_at_random_moments() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    // How long one save takes here, so kills land before, during and after it.
    let mut took = Vec::new();
    for i in 0..3 {
        let t = Instant::now();
        assert!(run(d.path(), NOW, &["note", "maria", "--topic", &format!("warm-up {i}")]).status.success());
        took.push(t.elapsed().as_micros() as u64);
    }
    took.sort();
    let span = took[1] * 2;
    let mut saved = Vec::new();
    let mut kills = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..40 {
        let topic = format!("note {i}");
        let mut child = common::command(d.path())
            .args(["note", "maria", "--topic", &topic, "--text", &"words ".repeat(300)])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % span));
        let still_running = child.try_wait().unwrap().is_none();
        if still_running {
            child.kill().unwrap();
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() && String::from_utf8_lossy(&out.stdout).starts_with("Saved session") {
            saved.push(topic);
        } else if still_running {
            kills += 1;
        }
    }
    let store = Store::open(d.path()).unwrap();
    let files = store.load_all().unwrap();
    assert_eq!(files.len(), 1, "a leftover temp file is never taken for a client");
    let record = files.into_iter().next().unwrap().record.expect("the client file always parses");
    let topics: Vec<&str> = record.sessions.iter().map(|s| s.topics[0].as_str()).collect();
    for t in &saved {
        assert!(topics.contains(&t.as_str()), "{t} was reported saved but is missing");
    }
    let mut ids: Vec<&str> = record.sessions.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), record.sessions.len(), "no session id was used twice");
    // And the folder still works: the index rebuilds and a note saves.
    assert_eq!(store.index().unwrap().len(), 1);
    assert!(run(d.path(), NOW, &["note", "maria", "--topic", "after the storm"]).status.success());
    eprintln!("{kills} kills, {} notes saved, {} temp files left to sweep", saved.len(), temp_files(d.path()).len());
}

#[test]
fn a_write_that_fails_part_way_leaves_the_old_file_and_says_so() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    for i in 0..3 {
        assert!(run(d.path(), NOW, &["note", "maria", "--topic", &format!("t{i}")]).status.success());
    }
    let path = d.path().join("clients/maria-lopez.json");
    let before = fs::read(&path).unwrap();
    // The file system refuses to let any file grow past 2 KB: the new
    // version of the client file cannot be written whole.
    let mut sh = Command::new("sh");
    common::clean_env(&mut sh);
    let out = sh
        .arg("-c")
        .arg("ulimit -f 2; trap '' XFSZ; exec \"$0\" note maria --topic lost --text \"$1\"")
        .arg(bin())
        .arg("x".repeat(4000))
        .env("RAPPORT_DIR", d.path())
        .env("RAPPORT_NOW", NOW)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not save") && err.contains("The file on disk is unchanged"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "the old file is intact");
    assert!(temp_files(d.path()).iter().all(|p| !p.starts_with(d.path().join("clients"))), "no half-written file left");
    assert!(run(d.path(), NOW, &["note", "maria", "--topic", "fine again"]).status.success());
}

#[test]
fn every_schema_version_still_loads_and_an_old_file_is_upgraded_on_its_next_save() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(d.path()).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.json");
    fs::copy(&fixture, store.client_path(&rapport::domain::ClientId::new("maria-lopez"))).unwrap();
    let old = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    assert_eq!(old.schema_version, 1);
    assert_eq!(old.client.name, "María López");
    assert_eq!(old.sessions.len(), 2);
    assert_eq!(old.sessions[0].notes, "We began with the week.\nShe said it was mixed.");
    assert_eq!(old.tasks[0].outcome.as_deref(), Some("five nights"));
    assert_eq!(old.contacts[1].replied_at, Some(dt("2026-11-12 09:05")));

    // Saving at a time when no note is due to finalise changes only the version.
    let (_, saved) = store
        .update(&rapport::domain::ClientId::new("maria-lopez"), dt("2026-11-16 11:00"), "test", |r| {
            Ok(r.add_watch_for("x".into(), r.client.created))
        })
        .unwrap();
    assert_eq!(saved.schema_version, SCHEMA_VERSION);
    let text = fs::read_to_string(store.client_path(&rapport::domain::ClientId::new("maria-lopez"))).unwrap();
    assert!(text.contains(&format!("\"schema_version\": {SCHEMA_VERSION}")));
    let mut reread = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    reread.watch_for.pop();
    let mut expected = old.clone();
    expected.schema_version = SCHEMA_VERSION;
    expected.sessions[0].finalised = reread.sessions[0].finalised.clone();
    assert_eq!(reread, expected, "the upgraded file reads the same");
}

#[test]
fn the_day_starts_with_a_snapshot_and_a_restore_keeps_what_it_replaces() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(d.path()).unwrap();
    store
        .create_client(ClientProfile { name: "Maria Lopez".into(), ..Default::default() }, dt("2026-11-25 09:00"))
        .unwrap();
    let note = |t: &str| NewSession { topics: vec![t.into()], ..Default::default() };
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), dt("2026-11-25 10:00"), "test", |r| {
            r.add_session(note("monday"), dt("2026-11-25 10:00"))
        })
        .unwrap();
    assert_eq!(store.snapshots().len(), 1, "the first client's day has its snapshot");
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), dt("2026-11-26 10:00"), "test", |r| {
            r.add_session(note("tuesday"), dt("2026-11-26 10:00"))
        })
        .unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), dt("2026-11-26 11:00"), "test", |r| {
            r.add_session(note("later"), dt("2026-11-26 11:00"))
        })
        .unwrap();
    let snaps = store.snapshots();
    assert_eq!(snaps.len(), 2, "one a day: {snaps:?}");
    let object = common::snapshot_object(d.path(), &snaps[1].name, "maria-lopez.json");
    let mode = fs::metadata(object).unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777, 0o400, "owner-only, read-only");

    // Tuesday's snapshot holds Monday's note only.
    let kept = store.restore(&snaps[1].name, None, now(), &mut rapport::progress::Quiet).unwrap();
    assert!(kept.ends_with("-before-restore"));
    let r = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    assert_eq!(r.sessions.iter().map(|s| s.topics[0].as_str()).collect::<Vec<_>>(), vec!["monday"]);
    // And what it replaced can be brought back.
    store.restore(&kept, None, now(), &mut rapport::progress::Quiet).unwrap();
    assert_eq!(store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap().sessions.len(), 3);

    let err = store.restore("1999-01-01_000000", None, now(), &mut rapport::progress::Quiet).unwrap_err().to_string();
    assert!(err.contains("there is no snapshot '1999-01-01_000000'"), "{err}");
    assert!(store.restore("../clients", None, now(), &mut rapport::progress::Quiet).is_err());

    let removed = store.prune_backups(1, now()).unwrap();
    assert_eq!(store.snapshots().len(), 1);
    assert!(!removed.is_empty());
}

#[test]
fn the_audit_log_says_what_and_when_but_never_the_words() {
    let d = tempfile::tempdir().unwrap();
    let secret = "she disclosed something very private";
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(
        run(d.path(), NOW, &["note", "maria", "--at", "2026-11-26 09:00", "--yes", "--text", secret]).status.success()
    );
    assert!(run(d.path(), NOW, &["finalise", "maria", "s1"]).status.success());
    assert!(run(d.path(), NOW, &["addendum", "maria", "s1", secret]).status.success());
    let log = fs::read_to_string(d.path().join("audit.log")).unwrap();
    assert!(!log.contains("disclosed"), "{log}");
    let actions: Vec<String> = rapport::store::audit::read(d.path(), None).into_iter().map(|e| e.action).collect();
    assert_eq!(actions, vec!["client added", "ledger started", "note added", "note finalised", "addendum added"]);
}

#[test]
fn finalised_notes_are_sealed_and_tampering_is_named() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    for at in ["2026-11-26 08:00", "2026-11-26 09:00"] {
        assert!(run(d.path(), NOW, &["note", "maria", "--at", at, "--text", "as written"]).status.success());
    }
    let fin = run(d.path(), NOW, &["finalise", "maria"]);
    assert!(String::from_utf8_lossy(&fin.stdout).contains("Finalised 2 notes of Maria Lopez: s1, s2."));
    let ok = run(d.path(), NOW, &["verify"]);
    assert!(ok.status.success());
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("All 2 finalised notes of 1 client are as they were finalised.")
    );
    // Finalising what is final already says so, and is no failure.
    let again = run(d.path(), NOW, &["finalise", "maria", "s1"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("Note s1 of Maria Lopez is final already"));
    let nothing = run(d.path(), NOW, &["addendum", "maria", "s9", "text"]);
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("no session s9"));

    // Someone edits a finalised note in a text editor.
    let path = d.path().join("clients/maria-lopez.json");
    fs::write(&path, fs::read_to_string(&path).unwrap().replacen("as written", "rewritten later", 1)).unwrap();
    let bad = run(d.path(), NOW, &["verify", "maria"]);
    assert!(!bad.status.success());
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(out.contains("Maria Lopez: note s1 (2026-11-26 08:00) was changed after it was finalised"), "{out}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 note changed after finalising"));
}

#[test]
fn restore_asks_first_and_does_nothing_without_yes() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    let snap = String::from_utf8(run(d.path(), NOW, &["backup"]).stdout).unwrap();
    let name = snap.split_whitespace().nth(1).unwrap().to_string();
    assert!(run(d.path(), NOW, &["note", "maria", "--topic", "after the backup", "--task", "walk"]).status.success());
    assert!(run(d.path(), NOW, &["client", "add", "Tom Becker"]).status.success());
    let out = common::rapport(d.path()).args(["restore", &name]).write_stdin("no\n").output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("nothing was changed"), "{said}");
    // Before anything goes, the question says client by client what would.
    assert!(said.contains("It takes away what was written since, for 2 clients:"), "{said}");
    assert!(said.contains("  Maria Lopez: 1 note, 1 task\n"), "{said}");
    assert!(said.contains("  Tom Becker: the whole record (added since)\n"), "{said}");
    assert_eq!(
        Store::open(d.path()).unwrap().load(&rapport::domain::ClientId::new("maria-lopez")).unwrap().sessions.len(),
        1
    );
    let yes = run(d.path(), NOW, &["restore", &name, "--yes"]);
    assert!(yes.status.success(), "{}", String::from_utf8_lossy(&yes.stderr));
    assert_eq!(
        Store::open(d.path()).unwrap().load(&rapport::domain::ClientId::new("maria-lopez")).unwrap().sessions.len(),
        0
    );
    let missing = run(d.path(), NOW, &["restore", "nope", "--yes"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no snapshot 'nope'"));
}

#[test]
fn restore_of_one_client_puts_back_their_record_only_and_says_what_it_takes_away() {
    let d = tempfile::tempdir().unwrap();
    let notes = |id: &str| Store::open(d.path()).unwrap().load(&rapport::domain::ClientId::new(id)).unwrap().sessions;
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["client", "add", "Tom Becker"]).status.success());
    assert!(run(d.path(), NOW, &["note", "tom", "--at", "2026-11-25 10:00", "--topic", "before"]).status.success());
    let snap = String::from_utf8(run(d.path(), NOW, &["backup"]).stdout).unwrap();
    let name = snap.split_whitespace().nth(1).unwrap().to_string();
    assert!(run(d.path(), NOW, &["note", "maria", "--topic", "damaged since"]).status.success());
    // Tom's note, there in the snapshot, was finalised and corrected since.
    assert!(run(d.path(), NOW, &["finalise", "tom", "s1"]).status.success());
    assert!(run(d.path(), NOW, &["addendum", "tom", "s1", "also work"]).status.success());
    let out =
        common::rapport(d.path()).args(["restore", &name, "--client", "tom"]).write_stdin("no\n").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("the seal of 1 note finalised since (s1: open again, or gone), 1 addendum"), "{said}");
    assert!(run(d.path(), NOW, &["personal", "add", "maria", "started a new job"]).status.success());
    assert!(run(d.path(), NOW, &["note", "tom", "--topic", "written since"]).status.success());

    let out =
        common::rapport(d.path()).args(["restore", &name, "--client", "maria"]).write_stdin("no\n").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("nothing was changed"), "{said}");
    assert!(said.contains("Restore Maria Lopez's record from snapshot"), "{said}");
    assert!(
        said.contains("It takes away what was written since (1 note, 1 personal detail). No other client changes."),
        "{said}"
    );
    assert_eq!(notes("maria-lopez").len(), 1);

    let yes = run(d.path(), NOW, &["restore", &name, "--client", "maria", "--yes"]);
    let said = String::from_utf8_lossy(&yes.stdout);
    assert!(yes.status.success() && said.contains("Restored Maria Lopez's record from"), "{said}");
    assert!(said.contains("no other client changed"), "{said}");
    assert_eq!(notes("maria-lopez").len(), 0, "Maria's record is the snapshot's");
    assert_eq!(notes("tom-becker").len(), 2, "Tom's note written since is still there");

    // A client the snapshot does not hold: said, and nothing happens.
    assert!(run(d.path(), NOW, &["client", "add", "Ava Stone"]).status.success());
    let e = run(d.path(), NOW, &["restore", &name, "--client", "ava", "--yes"]);
    let said = String::from_utf8_lossy(&e.stderr);
    assert!(!e.status.success() && said.contains("does not hold Ava Stone's record"), "{said}");
}

// ---- Any record, any bytes -------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zA-Z ,.'\\n]{0,40}"]
}

fn when() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..4_000_000_000).prop_map(|s| chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc())
}

prop_compose! {
    fn record()(
        // A name is one line (a file with a line break in it is damaged).
        name in text().prop_map(|t| t.replace(['\n', '\r'], " ")),
        preferred in proptest::option::of(text().prop_map(|t| t.replace(['\n', '\r'], " "))),
        notes in proptest::collection::vec((when(), 1u32..600, proptest::collection::vec(text(), 0..3), text(), text()), 0..6),
        tasks in proptest::collection::vec(text(), 0..4),
        personal in proptest::collection::vec((text(), proptest::option::of(when()), any::<bool>()), 0..4),
        goals in proptest::collection::vec((text(), any::<bool>()), 0..3),
        watch in proptest::collection::vec(text(), 0..3),
        contacts in proptest::collection::vec((when(), text(), any::<bool>()), 0..3),
        appointments in proptest::collection::vec((when(), 1u32..600), 0..3),
    ) -> ClientRecord {
        let day = dt("2026-01-01 00:00").date();
        let mut r = ClientRecord::new(rapport::domain::ClientId::new("c"), ClientProfile { name, preferred_name: preferred, ..Default::default() }, day);
        for (at, minutes, topics, plan, notes) in notes {
            // A note with no words at all is refused, as it should be: not one of these.
            match r.add_session(NewSession { at: Some(at), minutes: Some(minutes), topics, plan, notes, tasks: tasks.clone(), ..Default::default() }, at) {
                Ok(_) | Err(rapport::domain::RecordError::EmptyNote) => {}
                Err(e) => panic!("{e:?}"),
            }
        }
        for (t, d, ask) in personal {
            r.add_personal(t, d.map(|d| d.date()), ask, day, None);
        }
        for (g, agreed) in goals {
            r.add_goal(g, agreed, day);
        }
        for w in watch {
            r.add_watch_for(w, day);
        }
        for (at, summary, replied) in contacts {
            let id = r.add_contact(at, rapport::domain::Channel::Email, rapport::domain::Direction::Incoming, summary);
            if replied {
                r.mark_replied(&id, at).unwrap();
            }
        }
        for (start, minutes) in appointments {
            let _ = r.schedule(start, minutes, 0);
        }
        if !r.sessions.is_empty() {
            r.finalise(None, dt("2026-06-01 00:00")).unwrap();
            let id = r.sessions[0].id.clone();
            r.add_addendum(&id, "a correction", dt("2026-06-02 00:00")).unwrap();
        }
        r
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_record_round_trips_through_the_file_unchanged(r in record()) {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path()).unwrap();
        store.import(&r).unwrap();
        let back = store.load(&rapport::domain::ClientId::new("c")).unwrap();
        prop_assert_eq!(&back, &r);
        prop_assert!(back.verify().is_empty());
    }

    #[test]
    fn any_bytes_as_a_client_file_give_a_record_or_a_clear_error(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path()).unwrap();
        fs::write(store.client_path(&rapport::domain::ClientId::new("x")), &bytes).unwrap();
        match store.load(&rapport::domain::ClientId::new("x")) {
            Ok(_) => {}
            Err(StoreError::Corrupt { line, column, .. }) => prop_assert!(line <= bytes.len() + 1 && column <= bytes.len() + 1),
            Err(e @ StoreError::NewerSchema { .. }) => prop_assert!(e.to_string().contains("newer Rapport")),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
        prop_assert_eq!(fs::read(store.client_path(&rapport::domain::ClientId::new("x"))).unwrap(), bytes);
    }

    #[test]
    fn json_shaped_garbage_is_refused_with_its_place(s in "\\{\"schema_version\": [0-9]{1,3}, \"client\": [\\[{\"a-z0-9:, ]{0,60}") {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path()).unwrap();
        fs::write(store.client_path(&rapport::domain::ClientId::new("x")), &s).unwrap();
        if let Err(e) = store.load(&rapport::domain::ClientId::new("x")) {
            prop_assert!(e.to_string().contains("x.json"));
        }
    }
}

// ---- The record stays whole (issue 11) ------------------------------------

/// Every file under `dir`, with its bytes.
fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn rewriting_a_live_file_in_place_leaves_every_snapshot_as_it_was() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["note", "maria", "--text", "first words"]).status.success());
    assert!(run(d.path(), NOW, &["backup"]).status.success());
    assert!(run(d.path(), NOW, &["backup"]).status.success());
    let before = all_files(&d.path().join("backups"));
    assert!(before.len() >= 2, "{before:?}");
    // What vim does to a file with several links, or `truncate`, or a sync
    // tool: open the live file itself, cut it short and write into it.
    let live = d.path().join("clients/maria-lopez.json");
    {
        use std::io::Write;
        let mut f = fs::OpenOptions::new().write(true).truncate(true).open(&live).unwrap();
        f.write_all(b"{\"half\":").unwrap();
    }
    assert_eq!(all_files(&d.path().join("backups")), before, "a snapshot shared bytes with the live file");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(fs::metadata(&live).unwrap().nlink(), 1, "the live file is linked from nowhere else");
}

#[test]
fn snapshots_an_older_rapport_hard_linked_or_copied_move_into_objects_of_their_own() {
    use std::os::unix::fs::MetadataExt;
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["note", "maria", "--text", "first words"]).status.success());
    // As the older Rapport left it: a snapshot that shares the live file.
    let old = d.path().join("backups/2026-11-01_090000/clients");
    fs::create_dir_all(&old).unwrap();
    let live = d.path().join("clients/maria-lopez.json");
    fs::hard_link(&live, old.join("maria-lopez.json")).unwrap();
    assert_eq!(fs::metadata(&live).unwrap().nlink(), 2);
    assert!(run(d.path(), NOW, &["backup"]).status.success());
    assert_eq!(fs::metadata(&live).unwrap().nlink(), 1, "no snapshot shares the live file any more");
    assert!(!old.exists(), "the full copies are gone once stored as objects");
    let held = common::snapshot_files(d.path(), "2026-11-01_090000");
    assert_eq!(held["maria-lopez.json"], fs::read(&live).unwrap());
    let list = stdout(&run(d.path(), NOW, &["backup", "list"]));
    assert!(list.contains("2026-11-01_090000"), "{list}");
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the data folder, to attack one way each.
fn copy_of(dir: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-a").arg(format!("{}/.", dir.display())).arg(copy.path()).status().unwrap();
    assert!(status.success());
    copy
}

fn read_record(dir: &Path, id: &str) -> ClientRecord {
    let path = dir.join(format!("clients/{id}.json"));
    rapport::store::parse_record(&fs::read(&path).unwrap(), &path).unwrap()
}

fn write_record(dir: &Path, r: &ClientRecord) {
    fs::write(dir.join(format!("clients/{}.json", r.client.id)), serde_json::to_vec_pretty(r).unwrap()).unwrap();
}

/// Hana has three notes from three days ago: s1 finalised on its own when
/// s2 was written a day later, s2 and s3 not yet.
fn hana() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let at = |now: &str, args: &[&str]| {
        let o = common::run(d.path(), now, args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    at("2026-11-22 09:00", &["client", "add", "Hana Sato"]);
    at("2026-11-22 11:00", &["note", "hana", "--at", "2026-11-22 10:00", "--yes", "--text", "first words"]);
    at("2026-11-23 12:00", &["note", "hana", "--at", "2026-11-23 10:00", "--yes", "--text", "second words"]);
    at("2026-11-23 12:00", &["note", "hana", "--at", "2026-11-23 11:00", "--yes", "--text", "third words"]);
    let r = read_record(d.path(), "hana-sato");
    let sealed: Vec<bool> = r.sessions.iter().map(|s| s.finalised.is_some()).collect();
    assert_eq!(sealed, vec![true, false, false]);
    d
}

#[test]
fn finalise_saves_what_the_editing_period_sealed_and_says_so() {
    let d = hana();
    let a = copy_of(d.path());
    let o = run(a.path(), NOW, &["finalise", "hana"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Notes s2, s3 of Hana Sato were finalised automatically just now (the editing period had run out); nothing else to finalise.\n"
    );
    assert!(read_record(a.path(), "hana-sato").sessions.iter().all(|s| s.finalised.is_some()));

    let b = copy_of(d.path());
    let o = run(b.path(), NOW, &["finalise", "hana", "s3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("s2, s3 of Hana Sato were finalised automatically just now"), "{}", stdout(&o));
    assert!(read_record(b.path(), "hana-sato").sessions[2].finalised.is_some(), "s3 is final on disk");

    // A command that fails still keeps the seals that fell due before it.
    let c = copy_of(d.path());
    let o = run(c.path(), NOW, &["addendum", "hana", "s9", "to no note"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no session s9"), "{}", stderr(&o));
    assert!(stderr(&o).contains("notes s2, s3 of hana-sato finalised automatically just now"), "{}", stderr(&o));
    assert!(read_record(c.path(), "hana-sato").sessions.iter().all(|s| s.finalised.is_some()));
    let v = run(c.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    assert!(stdout(&v).contains("All 3 finalised notes of 1 client"), "{}", stdout(&v));
}

/// Maria has three finalised notes, and an addendum beneath s1.
fn maria_sealed() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    for (at, text) in [("2026-11-26 07:00", "one"), ("2026-11-26 08:00", "two"), ("2026-11-26 09:00", "three")] {
        assert!(run(d.path(), NOW, &["note", "maria", "--at", at, "--text", text]).status.success());
    }
    assert!(run(d.path(), NOW, &["finalise", "maria"]).status.success());
    assert!(run(d.path(), NOW, &["addendum", "maria", "s1", "a correction"]).status.success());
    let v = run(d.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stdout(&v).contains("All 3 finalised notes of 1 client"), "{}", stdout(&v));
    d
}

/// `verify` fails and its report names note `session`.
fn verify_names(dir: &Path, session: &str, why: &str) {
    let v = run(dir, NOW, &["verify"]);
    assert!(!v.status.success(), "verify passed: {}", stdout(&v));
    let out = stdout(&v);
    assert!(out.contains(&format!("Maria Lopez: note {session}")) && out.contains(why), "{out}");
}

#[test]
fn every_forgery_of_a_finalised_note_is_named_by_verify() {
    let d = maria_sealed();

    // The last finalised note is deleted.
    let c = copy_of(d.path());
    let mut r = read_record(c.path(), "maria-lopez");
    r.sessions.pop();
    assert!(r.verify().is_empty(), "the file alone cannot tell");
    write_record(c.path(), &r);
    verify_names(c.path(), "s3", "deleted");

    // The hash of a changed note, and the chain after it, recomputed.
    let c = copy_of(d.path());
    let mut r = read_record(c.path(), "maria-lopez");
    r.sessions[1].notes = "forged".into();
    let h1 = r.sessions[0].finalised.as_ref().unwrap().hash.clone();
    // (A forger uses the seal's own recipe, version and time included.)
    let f2 = r.sessions[1].finalised.clone().unwrap();
    let h2 = r.seal_hash(&r.sessions[1], &h1, f2.version, f2.at);
    r.sessions[1].finalised.as_mut().unwrap().hash = h2.clone();
    let f3 = r.sessions[2].finalised.clone().unwrap();
    let h3 = r.seal_hash(&r.sessions[2], &h2, f3.version, f3.at);
    r.sessions[2].finalised.as_mut().unwrap().hash = h3;
    assert!(r.verify().is_empty(), "the forged chain holds on its own");
    write_record(c.path(), &r);
    verify_names(c.path(), "s2", "differs from the ledger");

    // An addendum changed, or deleted.
    let c = copy_of(d.path());
    let mut r = read_record(c.path(), "maria-lopez");
    r.sessions[0].addenda[0].text = "a different correction".into();
    write_record(c.path(), &r);
    verify_names(c.path(), "s1", "addendum that was changed");
    let c = copy_of(d.path());
    let mut r = read_record(c.path(), "maria-lopez");
    r.sessions[0].addenda.clear();
    write_record(c.path(), &r);
    verify_names(c.path(), "s1", "lost an addendum");

    // Unsealed, changed, then any ordinary command: Rapport must not
    // seal the forged words again.
    let c = copy_of(d.path());
    let mut r = read_record(c.path(), "maria-lopez");
    r.sessions[1].finalised = None;
    r.sessions[1].notes = "forged".into();
    write_record(c.path(), &r);
    let o = common::run(c.path(), "2026-11-28 10:00", &["note", "maria", "--text", "a new session"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("note s2 of Maria Lopez was finalised before with other content"), "{}", stderr(&o));
    let r = read_record(c.path(), "maria-lopez");
    assert!(r.sessions[1].finalised.is_none(), "the forged note was not sealed");
    assert_eq!(r.sessions[1].notes, "forged");
    verify_names(c.path(), "s2", "seal has been removed");
    let f = common::run(c.path(), "2026-11-28 10:00", &["finalise", "maria", "s2"]);
    assert!(!f.status.success());
    assert!(stderr(&f).contains("it was not sealed again"), "{}", stderr(&f));
}

#[test]
fn verify_names_a_file_it_cannot_read_and_fails() {
    let d = maria_sealed();
    fs::write(d.path().join("clients/bob.json"), b"{ not a record").unwrap();
    let v = run(d.path(), NOW, &["verify"]);
    assert!(!v.status.success());
    assert!(stdout(&v).contains("clients/bob.json: could not be read"), "{}", stdout(&v));
    assert!(stderr(&v).contains("1 client file could not be read"), "{}", stderr(&v));
}

#[test]
fn a_practice_from_before_the_ledger_starts_it_once_from_its_seals() {
    let d = maria_sealed();
    fs::remove_file(d.path().join("ledger")).unwrap();
    // As an older Rapport left it: no ledger, and the log never started one.
    let log: Vec<_> =
        rapport::store::audit::read(d.path(), None).into_iter().filter(|e| !e.action.starts_with("ledger")).collect();
    rapport::store::audit::rewrite(d.path(), &log, None).unwrap();
    let v = run(d.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stderr(&v).contains("started the ledger"), "{}", stderr(&v));
    assert!(stderr(&v).contains("from the 3 finalised notes"), "{}", stderr(&v));
    let again = run(d.path(), NOW, &["verify"]);
    assert!(again.status.success());
    assert!(!stderr(&again).contains("ledger"), "said once: {}", stderr(&again));
    // A ledger deleted after it was started is named, not quietly restarted.
    fs::remove_file(d.path().join("ledger")).unwrap();
    let gone = run(d.path(), NOW, &["verify"]);
    assert!(!gone.status.success());
    assert!(stdout(&gone).contains("the ledger (the record of every finalised note) is missing"), "{}", stdout(&gone));
}

#[test]
fn a_full_disk_mid_audit_entry_is_told_and_the_next_entry_starts_fresh() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["note", "maria", "--text", "before"]).status.success());
    // Fill the log to 40 bytes short of a 64 KiB file-size limit, so the
    // next entry is cut part way, as on a full disk.
    let log = d.path().join("audit.log");
    let pad = "{\"at\":\"2026-11-20T10:00:00\",\"action\":\"padding\",\"client\":\"\",\"detail\":\"\"}\n";
    let mut bytes = fs::read(&log).unwrap();
    while bytes.len() + pad.len() < 65536 - 40 {
        bytes.extend_from_slice(pad.as_bytes());
    }
    bytes.resize(65536 - 40, b'\n');
    fs::write(&log, &bytes).unwrap();
    let good_before = rapport::store::audit::read(d.path(), None).len();
    let mut bash = Command::new("bash");
    common::clean_env(&mut bash);
    let o = bash
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f 64; exec {} note maria --text 'during'", bin()))
        .env("RAPPORT_DIR", d.path())
        .env("RAPPORT_NOW", "2026-11-26 09:35")
        .output()
        .unwrap();
    assert!(o.status.success(), "the note was saved: {}", stderr(&o));
    assert!(stdout(&o).starts_with("Saved session s2"), "{}", stdout(&o));
    assert!(stderr(&o).contains("the audit log could not be written"), "{}", stderr(&o));
    assert_eq!(fs::metadata(&log).unwrap().len(), 65536, "the entry was torn at the limit");
    assert_eq!(rapport::store::audit::torn_lines(d.path(), None), 1);

    let after = run(d.path(), NOW, &["note", "maria", "--text", "after"]);
    assert!(after.status.success());
    assert!(!stderr(&after).contains("audit"), "{}", stderr(&after));
    let entries = rapport::store::audit::read(d.path(), None);
    assert_eq!(entries.len(), good_before + 1, "only the torn entry is lost");
    assert_eq!(entries.last().unwrap().action, "note added");
    assert_eq!(rapport::store::audit::torn_lines(d.path(), None), 1, "the torn line stays one line");
    let doctor = run(d.path(), NOW, &["doctor"]);
    assert!(
        stdout(&doctor).contains("audit.log has 1 unreadable line (torn by a crash or a full disk)"),
        "{}",
        stdout(&doctor)
    );
    assert!(
        fs::read_to_string(&log).unwrap().ends_with("\"note added\",\"client\":\"maria-lopez\",\"detail\":\"\"}\n")
    );
    assert_eq!(
        Store::open(d.path()).unwrap().load(&rapport::domain::ClientId::new("maria-lopez")).unwrap().sessions.len(),
        3
    );
}

#[test]
fn a_symlinked_audit_log_or_ledger_is_refused_not_followed() {
    let d = maria_sealed();
    let outside = tempfile::tempdir().unwrap();
    for name in ["audit.log", "ledger"] {
        let target = outside.path().join(name);
        fs::write(&target, b"elsewhere\n").unwrap();
        fs::remove_file(d.path().join(name)).unwrap();
        std::os::unix::fs::symlink(&target, d.path().join(name)).unwrap();
    }
    let before = fs::read(d.path().join("clients/maria-lopez.json")).unwrap();
    let o = common::run(d.path(), "2026-11-28 10:00", &["addendum", "maria", "s2", "later"]);
    assert!(!o.status.success(), "the ledger could not be read or written, so nothing was: {}", stdout(&o));
    assert!(stderr(&o).contains("ledger") && stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    // A linked ledger is not read through either: no change is made until it is put right.
    let o = run(d.path(), NOW, &["client", "edit", "maria", "--pronouns", "she/her"]);
    assert!(!o.status.success() && stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(fs::read(d.path().join("clients/maria-lopez.json")).unwrap(), before);
    // With only the audit log linked, a change is saved and the log's failure said.
    fs::remove_file(d.path().join("ledger")).unwrap();
    fs::copy(outside.path().join("ledger"), d.path().join("ledger")).unwrap();
    let o = run(d.path(), NOW, &["client", "edit", "maria", "--pronouns", "she/her"]);
    assert!(stderr(&o).contains("the audit log could not be written"), "{}", stderr(&o));
    for name in ["audit.log", "ledger"] {
        assert_eq!(fs::read(outside.path().join(name)).unwrap(), b"elsewhere\n", "{name} was followed");
    }
}

/// Files under `dir` (snapshots aside) that mention any of `words`,
/// ignoring case.
fn files_mentioning(dir: &Path, words: &[&str]) -> Vec<String> {
    all_files(dir)
        .into_iter()
        .filter(|(p, _)| !p.strip_prefix(dir).unwrap().starts_with("backups"))
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes).to_lowercase();
            words.iter().any(|w| text.contains(&w.to_lowercase()))
        })
        .map(|(p, _)| p.display().to_string())
        .collect()
}

#[test]
fn erasing_a_client_leaves_no_trace_outside_the_snapshots_at_once() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Tom Becker"]).status.success());
    assert!(
        run(d.path(), NOW, &["note", "tom", "--at", "2026-11-20 10:00", "--yes", "--text", "xylophone lessons"])
            .status
            .success()
    );
    assert!(run(d.path(), NOW, &["note", "tom", "--topic", "quietude"]).status.success());
    assert!(run(d.path(), NOW, &["addendum", "tom", "s1", "marimba too"]).status.success());
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["note", "maria", "--text", "other words"]).status.success());
    let store = Store::open(d.path()).unwrap();
    let export = store.export_client(&rapport::domain::ClientId::new("tom-becker"), now()).unwrap();
    let export_name = export.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!export_name.to_lowercase().contains("tom") && !export_name.contains("becker"), "{export_name}");
    let words = ["Tom", "Becker", "xylophone", "quietude", "marimba"];
    assert!(run(d.path(), NOW, &["search", "xylophone"]).status.success());
    assert!(files_mentioning(d.path(), &words).len() >= 5, "the words were there to find");

    let o = common::rapport(d.path()).args(["client", "delete", "tom"]).write_stdin("Tom Becker\n").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("Deleted their exports from the data folder: {export_name}.")),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("rapport backup prune --erase tom-becker"), "{}", stdout(&o));
    assert_eq!(files_mentioning(d.path(), &words), Vec::<String>::new());
    // What is left is whole: Maria is listed and verified.
    assert!(stdout(&run(d.path(), NOW, &["client", "list"])).contains("Maria Lopez"));
    let v = run(d.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
}

const PASS: &str = "correct horse battery";

fn convert(dir: &Path, what: &str) -> Command {
    let mut c = common::command(dir);
    c.env("RAPPORT_PASSPHRASE", PASS)
        .env("RAPPORT_TEST_SCRYPT_LOG_N", "10")
        .args([what, "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

#[test]
fn decrypt_keeps_the_key_while_a_file_cannot_be_decrypted() {
    let d = maria_sealed();
    assert!(convert(d.path(), "encrypt").output().unwrap().status.success());
    let victim = fs::read_dir(d.path().join("clients")).unwrap().next().unwrap().unwrap().path();
    let mut bytes = fs::read(&victim).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0xff;
    fs::write(&victim, &bytes).unwrap();
    let o = convert(d.path(), "decrypt").output().unwrap();
    assert!(!o.status.success());
    // Refused before anything is converted, naming the file (a conversion
    // already under way instead leaves it encrypted and keeps the key).
    assert!(
        stderr(&o).contains("nothing was decrypted") && stderr(&o).contains("could not be decrypted"),
        "{}",
        stderr(&o)
    );
    assert!(d.path().join("identity.age").exists());
    assert_eq!(fs::read(&victim).unwrap(), bytes, "the damaged file is left as it was");
}

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// None where this account may not mount (the `ulimit` test above
    /// covers the same ground everywhere).
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_really_full_disk_tears_no_audit_entry_into_the_next() {
    let Some(disk) = SmallDisk::mount("1m") else {
        eprintln!("no tmpfs could be mounted here: the ulimit test covers this");
        return;
    };
    let d = disk.dir.path().join("practice");
    assert!(run(&d, NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(&d, NOW, &["note", "maria", "--text", "before"]).status.success());
    assert!(run(&d, NOW, &["client", "list"]).status.success());
    // The log ends 40 bytes before a page boundary, so the next entry
    // needs a new page, and there will be none.
    let log = d.join("audit.log");
    let mut bytes = fs::read(&log).unwrap();
    let target = (bytes.len() / 4096 + 2) * 4096 - 40;
    let pad = "{\"at\":\"2026-11-20T10:00:00\",\"action\":\"padding\",\"client\":\"\",\"detail\":\"\"}\n";
    while bytes.len() + pad.len() < target {
        bytes.extend_from_slice(pad.as_bytes());
    }
    bytes.resize(target, b'\n');
    fs::write(&log, &bytes).unwrap();
    let good_before = rapport::store::audit::read(&d, None).len();
    {
        use std::io::Write;
        let mut filler = fs::File::create(disk.dir.path().join("filler")).unwrap();
        let chunk = vec![0u8; 4096];
        while filler.write_all(&chunk).is_ok() {}
        let _ = filler.write_all(&[0u8; 1]);
    }
    // An export to standard output writes nothing but its audit entry.
    let o = run(&d, NOW, &["export", "maria"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("# Client record: Maria Lopez"));
    assert!(stderr(&o).contains("the audit log could not be written"), "{}", stderr(&o));
    assert!(stderr(&o).contains("free some disk space"), "{}", stderr(&o));
    assert_eq!(rapport::store::audit::torn_lines(&d, None), 1, "the entry was torn by the full disk");

    fs::remove_file(disk.dir.path().join("filler")).unwrap();
    let o = run(&d, NOW, &["export", "maria"]);
    assert!(o.status.success() && !stderr(&o).contains("audit"), "{}", stderr(&o));
    let entries = rapport::store::audit::read(&d, None);
    assert_eq!(entries.len(), good_before + 1, "only the torn entry is lost");
    assert_eq!(entries.last().unwrap().action, "export");
    assert_eq!(rapport::store::audit::torn_lines(&d, None), 1);
}

#[test]
fn restoring_an_older_snapshot_names_the_finalised_notes_it_takes_away() {
    let d = maria_sealed();
    let snaps = Store::open(d.path()).unwrap().snapshots();
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let o = run(d.path(), NOW, &["restore", &snaps[0].name, "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "does not hold 3 notes that had been finalised since (maria-lopez s1, maria-lopez s2, maria-lopez s3)"
        ),
        "{}",
        stderr(&o)
    );
    // The restored files are the ledger's reference from now on.
    let v = run(d.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    // And what the restore replaced comes back whole, seals and all.
    let kept = Store::open(d.path()).unwrap().snapshots().last().unwrap().name.clone();
    assert!(kept.ends_with("-before-restore"));
    assert!(run(d.path(), NOW, &["restore", &kept, "--yes"]).status.success());
    let v = run(d.path(), NOW, &["verify"]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    assert!(stdout(&v).contains("All 3 finalised notes of 1 client"), "{}", stdout(&v));
}

#[test]
fn a_sealed_notes_tasks_and_its_sealing_time_are_covered_by_the_seal() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let run = |args: &[&str]| common::run(dir, "2026-11-23 09:35", args);
    assert!(run(&["client", "add", "Tina Task"]).status.success());
    assert!(
        run(&["note", "tina", "--at", "2026-11-20 10:00", "--yes", "--task", "call the crisis line if urges return"])
            .status
            .success()
    );
    assert!(run(&["finalise", "tina"]).status.success());
    assert!(run(&["verify"]).status.success());
    let original = fs::read(dir.join("clients/tina-task.json")).unwrap();
    for forge in [
        |r: &mut serde_json::Value| r["tasks"][0]["text"] = serde_json::json!("go for a walk"),
        |r: &mut serde_json::Value| r["sessions"][0]["finalised"]["at"] = serde_json::json!("2026-11-20T11:00:00"),
    ] {
        let mut r: serde_json::Value = serde_json::from_slice(&original).unwrap();
        forge(&mut r);
        fs::write(dir.join("clients/tina-task.json"), serde_json::to_vec_pretty(&r).unwrap()).unwrap();
        let o = run(&["verify"]);
        assert!(!o.status.success(), "{}", stdout(&o));
        assert!(stdout(&o).contains("note s1"), "{}", stdout(&o));
    }
    // Marking the task done afterwards is no forgery.
    fs::write(dir.join("clients/tina-task.json"), &original).unwrap();
    assert!(run(&["task", "done", "tina", "t1", "--outcome", "called twice"]).status.success());
    assert!(run(&["verify"]).status.success());
}

#[test]
fn an_addendum_the_full_disk_kept_from_the_file_is_taken_back_from_the_ledger() {
    let Some(disk) = SmallDisk::mount("1m") else {
        eprintln!("no tmpfs could be mounted here");
        return;
    };
    let d = disk.dir.path().join("practice");
    assert!(run(&d, NOW, &["client", "add", "Maria Lopez"]).status.success());
    let long = "a long session note ".repeat(2000);
    assert!(run(&d, NOW, &["note", "maria", "--at", "2026-11-26 07:00", "--yes", "--text", &long]).status.success());
    assert!(run(&d, NOW, &["finalise", "maria"]).status.success());
    // Fill the disk, then free one page: room for a ledger line, not for the
    // 40 KB client file the addendum would rewrite.
    let spare = disk.dir.path().join("spare");
    fs::write(&spare, vec![0u8; 8192]).unwrap();
    {
        use std::io::Write;
        let mut filler = fs::File::create(disk.dir.path().join("filler")).unwrap();
        while filler.write_all(&[0u8; 4096]).is_ok() {}
        let _ = filler.write_all(&[0u8; 1]);
    }
    fs::remove_file(&spare).unwrap();
    let o = run(&d, NOW, &["addendum", "maria", "s1", "written on a full disk"]);
    assert!(!o.status.success(), "the file could not be written: {}", stdout(&o));
    fs::remove_file(disk.dir.path().join("filler")).unwrap();
    let ledger = fs::read_to_string(d.join("ledger")).unwrap();
    assert!(ledger.contains("\"withdrawn\""), "the witnessed addendum was taken back:\n{ledger}");
    let v = run(&d, NOW, &["verify"]);
    assert!(v.status.success(), "no false alarm: {}{}", stdout(&v), stderr(&v));
    // And the addendum, added again once there is room, verifies too.
    assert!(run(&d, NOW, &["addendum", "maria", "s1", "written on a full disk"]).status.success());
    assert!(run(&d, NOW, &["verify"]).status.success());
}

#[test]
fn doctor_needs_attention_while_verify_finds_a_finalised_note_changed() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    assert!(run(d.path(), NOW, &["note", "maria", "--text", "as written"]).status.success());
    assert!(run(d.path(), NOW, &["finalise", "maria"]).status.success());
    assert!(run(d.path(), NOW, &["doctor"]).status.success());
    let path = d.path().join("clients/maria-lopez.json");
    fs::write(&path, fs::read_to_string(&path).unwrap().replacen("as written", "rewritten later", 1)).unwrap();
    let o = run(d.path(), NOW, &["doctor"]);
    assert!(!o.status.success());
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("NEEDS ATTENTION: 1 finalised note is not as it was finalised: `rapport verify`"), "{said}");
}

#[test]
fn a_snapshot_the_disk_cannot_hold_leaves_no_half_built_folder() {
    let d = tempfile::tempdir().unwrap();
    assert!(run(d.path(), NOW, &["client", "add", "Maria Lopez"]).status.success());
    let long = "a long session note ".repeat(1000);
    assert!(run(d.path(), NOW, &["note", "maria", "--text", &long]).status.success());
    let snapshots = || -> Vec<String> {
        fs::read_dir(d.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = snapshots();
    // No file may grow past 8 KB (as on a full disk): the copy of the
    // 20 KB client file into the snapshot fails part way.
    let o = Command::new("bash")
        .args(["-c", "ulimit -f 8; trap '' XFSZ; exec \"$0\" backup", common::bin()])
        .env("RAPPORT_DIR", d.path())
        .env("RAPPORT_NOW", NOW)
        .output()
        .unwrap();
    assert!(!o.status.success(), "the snapshot could not be taken: {}", stdout(&o));
    assert_eq!(snapshots(), before, "no half-built snapshot is left");
    assert!(run(d.path(), NOW, &["backup"]).status.success(), "and the next one is taken whole");
}

#[test]
fn a_restore_names_a_note_it_puts_back_as_written_then() {
    let d = tempfile::tempdir().unwrap();
    let backup = |now: &str| {
        let said = String::from_utf8(run(d.path(), now, &["backup"]).stdout).unwrap();
        said.split_whitespace().nth(1).unwrap().to_string()
    };
    assert!(run(d.path(), "2026-11-20 09:00", &["client", "add", "Tom Becker"]).status.success());
    let empty = backup("2026-11-20 09:05");
    assert!(run(d.path(), "2026-11-21 09:00", &["note", "tom", "--topic", "the first s1"]).status.success());
    let with_note = backup("2026-11-21 09:05");
    // Restored to before it, the next note takes the id s1 again, with other words.
    assert!(run(d.path(), "2026-11-22 09:00", &["restore", &empty, "--yes"]).status.success());
    assert!(run(d.path(), "2026-11-22 09:10", &["note", "tom", "--topic", "another s1"]).status.success());
    let out = common::rapport_at(d.path(), "2026-11-22 09:20")
        .args(["restore", &with_note, "--client", "tom"])
        .write_stdin("no\n")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("what note s1 says now (put back as written then)"), "{said}");
}
