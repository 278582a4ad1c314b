//! The data folder keeps every note safe: atomic, private, locked, and never
//! writes over what it could not read.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::NaiveDate;
use rapport::domain::time::dt;
use rapport::domain::{ClientProfile, NewSession, SCHEMA_VERSION};
use rapport::store::{Store, StoreError};

/// When the tests' changes are made.
fn now() -> chrono::NaiveDateTime {
    dt("2026-11-01 09:00")
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn profile(name: &str) -> ClientProfile {
    ClientProfile { name: name.into(), ..Default::default() }
}

fn note(topic: &str) -> NewSession {
    NewSession { topics: vec![topic.into()], ..Default::default() }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    v.sort();
    v
}

#[test]
fn a_saved_note_reads_back_exactly_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let maria = store.create_client(profile("Maria Lopez"), now()).unwrap();
    let (id, saved) = store
        .update(&maria.client.id, now(), "test", |r| r.add_session(note("sleep"), dt("2026-11-16 10:00")))
        .unwrap();
    assert_eq!(id, rapport::domain::SessionId::new("s1"));
    assert_eq!(store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap(), saved);
    assert_eq!(names_in(&dir.path().join("clients")), vec!["maria-lopez.json"]);
    let text = fs::read_to_string(store.client_path(&rapport::domain::ClientId::new("maria-lopez"))).unwrap();
    assert!(text.contains(&format!("\"schema_version\": {SCHEMA_VERSION}")));
    assert!(text.contains("\n  \"client\": {"), "pretty-printed for people: {text}");
}

#[test]
fn files_are_private_to_the_therapist() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    let store = Store::open(&root).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store.save_draft("maria-lopez", &"draft", "a1").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root), 0o700);
    assert_eq!(mode(&root.join("clients")), 0o700);
    assert_eq!(mode(&root.join("drafts")), 0o700);
    assert_eq!(mode(&store.client_path(&rapport::domain::ClientId::new("maria-lopez"))), 0o600);
    assert_eq!(mode(&root.join("drafts/maria-lopez.json")), 0o600);
}

#[test]
fn a_damaged_file_is_named_left_untouched_and_the_rest_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store.create_client(profile("Tom Becker"), now()).unwrap();
    let broken = store.client_path(&rapport::domain::ClientId::new("tom-becker"));
    fs::write(&broken, "{\n  \"schema_version\": 1,\n  \"client\": {oops\n").unwrap();
    let before = fs::read(&broken).unwrap();

    let files = store.load_all().unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0].record.is_ok());
    let err = files[1].record.as_ref().unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("tom-becker.json") && msg.contains("line 3"), "{msg}");
    assert!(matches!(err, StoreError::Corrupt { line: 3, .. }));

    let attempt = store.update(&rapport::domain::ClientId::new("tom-becker"), now(), "test", |r| {
        r.add_session(note("x"), dt("2026-11-16 10:00"))
    });
    assert!(matches!(attempt, Err(StoreError::Corrupt { .. })));
    assert_eq!(fs::read(&broken).unwrap(), before, "a file we could not read is never rewritten");
}

#[test]
fn a_foreign_json_file_is_not_taken_for_a_client() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    fs::write(
        store.client_path(&rapport::domain::ClientId::new("package")),
        r#"{"name": "left-pad", "version": "1.0.0"}"#,
    )
    .unwrap();
    let files = store.load_all().unwrap();
    let msg = files[0].record.as_ref().unwrap_err().to_string();
    assert!(msg.contains("not a Rapport client file") && msg.contains("schema_version"), "{msg}");
}

#[test]
fn a_file_from_a_newer_rapport_is_read_but_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    let path = store.client_path(&rapport::domain::ClientId::new("maria-lopez"));
    let newer = fs::read_to_string(&path)
        .unwrap()
        .replace(&format!("\"schema_version\": {SCHEMA_VERSION}"), "\"schema_version\": 99")
        .replace("\"sessions\": []", "\"sessions\": [], \"future_field\": true");
    fs::write(&path, &newer).unwrap();

    let file = store.load_file(&rapport::domain::ClientId::new("maria-lopez"));
    assert!(file.read_only);
    assert_eq!(file.record.unwrap().client.name, "Maria Lopez");
    let err = store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note("x"), dt("2026-11-16 10:00"))
        })
        .unwrap_err();
    assert!(err.to_string().contains("newer Rapport"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), newer);
}

#[test]
fn two_windows_adding_notes_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path()).unwrap();
    first.create_client(profile("Maria Lopez"), now()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|w| {
            let store = Store::open(dir.path()).unwrap();
            std::thread::spawn(move || {
                for i in 0..25 {
                    store
                        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
                            r.add_session(note(&format!("w{w} n{i}")), dt("2026-11-16 10:00"))
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = first.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    assert_eq!(r.sessions.len(), 100);
    let mut ids: Vec<_> = r.sessions.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100, "every session got its own id");
}

#[test]
fn a_stale_copy_in_one_window_does_not_undo_anothers_note() {
    let dir = tempfile::tempdir().unwrap();
    let tui = Store::open(dir.path()).unwrap();
    let cli = Store::open(dir.path()).unwrap();
    tui.create_client(profile("Maria Lopez"), now()).unwrap();
    let stale = tui.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    cli.update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
        r.add_session(note("from the CLI"), dt("2026-11-16 10:00"))
    })
    .unwrap();
    // The TUI still holds `stale`, but its change is applied to the disk copy.
    let (_, saved) = tui
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note("from the TUI"), dt("2026-11-16 11:00"))
        })
        .unwrap();
    assert!(stale.sessions.is_empty());
    let topics: Vec<_> = saved.sessions.iter().map(|s| s.topics[0].as_str()).collect();
    assert_eq!(topics, vec!["from the CLI", "from the TUI"]);
}

#[test]
fn same_names_get_their_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store.create_client(profile("Sam Lee"), now()).unwrap();
    let b = store.create_client(profile("Sam Lee"), now()).unwrap();
    assert_eq!((a.client.id.as_str(), b.client.id.as_str()), ("sam-lee", "sam-lee-2"));
    assert!(store.create_client(profile("   "), now()).is_err());
}

#[test]
fn a_temp_file_left_by_a_crash_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    fs::write(dir.path().join("clients/.rapport-tmp-abc123"), "{\"half\": ").unwrap();
    let files = store.load_all().unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0].record.is_ok());
}

#[test]
fn drafts_round_trip_and_can_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // A draft belongs to a client who exists (one erased meanwhile gets none).
    assert!(store.save_draft("maria-lopez", &vec!["sleep".to_string()], "a1").is_err());
    store
        .create_client(ClientProfile { name: "Maria Lopez".into(), ..Default::default() }, dt("2026-11-26 09:00"))
        .unwrap();
    store.save_draft("maria-lopez", &vec!["sleep".to_string()], "a1").unwrap();
    let drafts: Vec<(String, Vec<String>)> = store.drafts();
    assert_eq!(drafts, vec![("maria-lopez".to_string(), vec!["sleep".to_string()])]);
    store.delete_draft(&rapport::domain::ClientId::new("maria-lopez"), &[]).unwrap();
    assert!(store.drafts::<Vec<String>>().is_empty());
    store.delete_draft(&rapport::domain::ClientId::new("maria-lopez"), &[]).unwrap();
}

fn note_text(topic: &str, text: &str) -> NewSession {
    NewSession { topics: vec![topic.into()], notes: text.into(), ..Default::default() }
}

#[test]
fn search_finds_a_note_just_saved_in_any_case_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store.create_client(profile("Tom Becker"), now()).unwrap();
    store.index().unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note_text("Sleep", "The DIARY helped."), dt("2026-11-09 10:00"))
        })
        .unwrap();
    store
        .update(&rapport::domain::ClientId::new("tom-becker"), now(), "test", |r| {
            r.add_session(note_text("work", "Kept a sleep diary all week."), dt("2026-11-16 10:00"))
        })
        .unwrap();
    store
        .update(&rapport::domain::ClientId::new("tom-becker"), now(), "test", |r| {
            r.add_session(note_text("sleep", "no diary"), dt("2026-11-02 10:00"))
        })
        .unwrap();

    let found = store.search("sleep diary", None, 10).unwrap();
    let who: Vec<(&str, Option<&str>)> =
        found.hits.iter().map(|h| (h.client.as_str(), h.session.as_ref().map(|s| s.as_str()))).collect();
    assert_eq!(who, vec![("tom-becker", Some("s1")), ("maria-lopez", Some("s1")), ("tom-becker", Some("s2"))]);
    assert!(found.hits[1].snippet.contains("The DIARY helped."), "snippets keep their case: {}", found.hits[1].snippet);
    let marked: Vec<&str> = found.hits[1].marks.iter().map(|&(a, b)| &found.hits[1].snippet[a..b]).collect();
    assert_eq!(marked, vec!["Sleep", "DIARY"]);

    let only_maria = store.search("DIARY", Some("maria-lopez"), 10).unwrap();
    assert_eq!(only_maria.total, 1);
    assert_eq!(store.search("diary", None, 1).unwrap().total, 3, "total counts what the limit cut");
    assert_eq!(store.search("walrus", None, 10).unwrap().total, 0);
    assert!(store.search("?!", None, 10).unwrap_err().to_string().contains("Type a word"));
}

#[test]
fn tasks_and_personal_details_outside_sessions_are_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            Ok(r.add_personal("plays trombone".into(), None, true, day(), None))
        })
        .unwrap();
    let found = store.search("trombone", None, 10).unwrap();
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.hits[0].session, None);
}

#[test]
fn a_deleted_or_damaged_index_is_rebuilt_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note_text("grief", "anniversary"), dt("2026-11-09 10:00"))
        })
        .unwrap();
    let before = store.index().unwrap();

    fs::remove_dir_all(dir.path().join("index")).unwrap();
    assert_eq!(store.index().unwrap(), before);
    assert_eq!(store.search("anniversary", None, 5).unwrap().total, 1);

    fs::write(dir.path().join("index/clients.json"), "{ not json").unwrap();
    fs::write(dir.path().join("index/names.tsv"), "[ not names").unwrap();
    fs::write(dir.path().join("index/search.seg"), "garbage\twithout\n").unwrap();
    assert_eq!(store.index().unwrap(), before);
    assert_eq!(store.search("anniversary", None, 5).unwrap().total, 1);

    fs::remove_file(dir.path().join("index/search.seg")).unwrap();
    assert_eq!(store.search("anniversary", None, 5).unwrap().total, 1, "a missing search index means a rebuild");
    fs::write(dir.path().join("index/state.json"), "{").unwrap();
    assert_eq!(store.index().unwrap(), before);
}

#[test]
fn an_index_from_the_version_before_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note_text("grief", "anniversary"), dt("2026-11-09 10:00"))?;
            r.finalise(Some(&rapport::domain::SessionId::new("s1")), dt("2026-11-09 11:00"))?;
            r.add_addendum(
                &rapport::domain::SessionId::new("s1"),
                "the anniversary is on Sunday 6 Dec",
                dt("2026-11-10 09:00"),
            )
        })
        .unwrap();
    store.index().unwrap();
    // As the version before wrote it: one summaries file and text shards
    // (here without the addendum), no state, no inverted index.
    let index = dir.path().join("index");
    let mut summaries: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(index.join("clients.json")).unwrap()).unwrap();
    summaries["version"] = 5.into();
    fs::remove_dir_all(&index).unwrap();
    fs::create_dir(&index).unwrap();
    fs::write(index.join("clients.json"), summaries.to_string()).unwrap();
    for shard in 0..64 {
        fs::write(index.join(format!("text-{shard:02}.tsv")), "").unwrap();
    }
    fs::write(index.join("text-00.tsv"), "maria-lopez\ts1\t2026-11-09\tgrief anniversary\n").unwrap();
    let found = store.search("sunday", None, 5).unwrap();
    assert_eq!(found.total, 1, "the old index was rebuilt");
    assert_eq!(found.hits[0].place.label(), "addendum to s1");
    assert_eq!(found.hits[0].session.as_ref().map(|s| s.as_str()), Some("s1"));
}

#[test]
fn a_file_changed_behind_rapports_back_is_reread() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store.index().unwrap();
    // A sync tool brings in a version with a new session, written in place.
    let path = store.client_path(&rapport::domain::ClientId::new("maria-lopez"));
    let mut r = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    r.add_session(note_text("synced", "from the other laptop"), dt("2026-11-10 10:00")).unwrap();
    fs::write(&path, serde_json::to_vec_pretty(&r).unwrap()).unwrap();

    // The folder's time tells nothing of that: the full look (the app's in
    // the background, `doctor --reindex`) sees it.
    let entry = &store.index_checked().unwrap()[0];
    assert_eq!(entry.summary.as_ref().unwrap().sessions, 1);
    assert_eq!(store.search("laptop", None, 5).unwrap().total, 1);

    fs::write(&path, "{ damaged").unwrap();
    let entry = &store.index_checked().unwrap()[0];
    assert!(entry.summary.is_none() && entry.error.as_ref().unwrap().contains("maria-lopez.json"));
    assert_eq!(store.search("laptop", None, 5).unwrap().total, 0);

    fs::remove_file(&path).unwrap();
    assert!(store.index().unwrap().is_empty(), "a file removed is seen at once");
}

#[test]
fn a_file_another_program_adds_renames_or_removes_is_seen_at_the_next_look() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_client(profile("Maria Lopez"), now()).unwrap();
    store
        .update(&rapport::domain::ClientId::new("maria-lopez"), now(), "test", |r| {
            r.add_session(note_text("sleep", "walrus"), now())
        })
        .unwrap();
    assert_eq!(store.index().unwrap().len(), 1);
    // A sync tool brings a new client's file in the way they do: written
    // beside it, then renamed into place.
    let mut tom = store.load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    tom.client.id = rapport::domain::ClientId::new("tom-becker");
    tom.client.name = "Tom Becker".into();
    let partial = dir.path().join("clients/.syncing-tom");
    fs::write(&partial, serde_json::to_vec_pretty(&tom).unwrap()).unwrap();
    fs::rename(&partial, store.client_path(&rapport::domain::ClientId::new("tom-becker"))).unwrap();
    let ids: Vec<String> = store.index().unwrap().into_iter().map(|e| e.id.to_string()).collect();
    assert_eq!(ids, vec!["maria-lopez", "tom-becker"]);
    assert_eq!(store.search("walrus", None, 5).unwrap().total, 2);
    assert!(store.client_names().unwrap().iter().any(|n| n.name.as_deref() == Some("Tom Becker")));

    // Replaced by a rename (as sync tools write): seen too.
    tom.sessions.clear();
    fs::write(&partial, serde_json::to_vec_pretty(&tom).unwrap()).unwrap();
    fs::rename(&partial, store.client_path(&rapport::domain::ClientId::new("tom-becker"))).unwrap();
    assert_eq!(store.search("walrus", None, 5).unwrap().total, 1);

    fs::remove_file(store.client_path(&rapport::domain::ClientId::new("maria-lopez"))).unwrap();
    let ids: Vec<String> = store.index().unwrap().into_iter().map(|e| e.id.to_string()).collect();
    assert_eq!(ids, vec!["tom-becker"]);
    assert_eq!(store.search("walrus", None, 5).unwrap().total, 0);
}

#[test]
fn temp_files_a_killed_writer_left_are_swept_and_a_live_writers_are_not() {
    let d = tempfile::tempdir().unwrap();
    Store::open(d.path()).unwrap();
    let old = d.path().join("clients/.rapport-tmp-killed");
    let young = d.path().join("clients/.rapport-tmp-writing");
    for path in [&old, &young] {
        fs::write(path, "half a note").unwrap();
    }
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&old).unwrap().set_modified(an_hour_ago).unwrap();
    Store::open(d.path()).unwrap();
    assert!(!old.exists(), "left an hour ago by a process that died: swept");
    assert!(young.exists(), "another process may still be writing it");
    assert!(!names_in(d.path()).iter().any(|n| n.starts_with(".rapport-tmp-clock")), "the clock probe goes too");
}

#[test]
fn the_marks_of_windows_that_stopped_are_swept_and_an_open_windows_mark_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let drafts = dir.path().join("drafts");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let age = |window: &str| {
        let f = fs::File::options().write(true).open(drafts.join(format!(".window-{window}.lock"))).unwrap();
        f.set_modified(an_hour_ago).unwrap();
    };
    // A window killed an hour ago left its mark; another is still open.
    fs::write(drafts.join(".window-dead.lock"), "").unwrap();
    age("dead");
    let open = store.hold_window("0a0a").unwrap();
    age("0a0a");
    let _this = store.hold_window("0b0b").unwrap();
    assert!(!drafts.join(".window-dead.lock").exists(), "a stopped window's mark is swept");
    assert!(drafts.join(".window-0a0a.lock").exists(), "an open window's mark is kept");
    assert!(store.window_open("0a0a"));
    drop(open);
    assert!(!drafts.join(".window-0a0a.lock").exists(), "a window that closes removes its own");
}
