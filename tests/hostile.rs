//! Hostile input, through the real binary and the real files: escape
//! sequences in names and notes, ids that point outside the data folder,
//! planted symbolic links, folders others can write to, absurd numbers,
//! huge files, sync-conflict copies and files from a newer Rapport. Each is
//! refused with a clear message or made harmless, and nothing outside the
//! data folder is read, written or removed.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};

fn rapport(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("rapport").unwrap();
    c.env("RAPPORT_DIR", dir)
        .env("RAPPORT_NOW", "2026-11-23 09:35")
        .env_remove("RAPPORT_ALLOW_UNSAFE_FOLDER")
        .env_remove("RAPPORT_PASSPHRASE");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    rapport(dir).args(args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "rapport {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(!out.status.success(), "rapport {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// A data folder (0700) inside a scratch folder that also holds `outside/`,
/// a folder Rapport must never touch.
struct Scene {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    outside: PathBuf,
}

fn scene() -> Scene {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let outside = tmp.path().join("outside");
    fs::create_dir(&data).unwrap();
    fs::set_permissions(&data, fs::Permissions::from_mode(0o700)).unwrap();
    fs::create_dir(&outside).unwrap();
    Scene { _tmp: tmp, data, outside }
}

/// Every file below `dir` with its bytes: to prove nothing there changed.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = Vec::new();
    for e in fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            all.extend(contents(&p));
        } else {
            all.push((p.clone(), fs::read(&p).unwrap()));
        }
    }
    all.sort();
    all
}

/// No byte of the output would make a terminal act: no ESC, no BEL, no C1
/// control, no other C0 control than newline and tab, no DEL.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| c != '\n' && c != '\t' && (c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)))
        .collect();
    assert!(bad.is_empty(), "{what} printed control characters {bad:?}:\n{text}");
}

const EVIL_NAME: &str = "Eve \u{1b}]0;pwned\u{7}\u{1b}[2JEvil";
/// OSC 52 writes the clipboard; CSI as one C1 byte; a bidi override.
const EVIL_NOTE: &str = "ok \u{1b}]52;c;cm0gLXJmIH4=\u{7} then \u{9b}31mred\u{202e}txet and \u{7f}";

#[test]
fn escape_sequences_in_the_record_are_shown_never_executed_by_any_command() {
    let s = scene();
    let d = &s.data;
    let added = run(d, &["client", "add", EVIL_NAME, "--preferred", "E\u{1b}[5mve", "--pronouns", "\u{1b}[31m"]);
    assert!(added.status.success());
    assert_inert("client add", &added.stdout);
    assert!(String::from_utf8_lossy(&added.stdout).contains("Eve ␛]0;pwned␇␛[2JEvil"));
    let id = "eve-0-pwned-2jevil";
    for args in [
        vec!["note", id, "--at", "2026-11-20 10:00", "--topic", EVIL_NOTE, "--feedback", EVIL_NOTE],
        vec!["note", id, "--at", "2026-11-21 10:00", "--task", EVIL_NOTE, "--personal", EVIL_NOTE, "--text", EVIL_NOTE],
        vec!["goal", "add", id, EVIL_NOTE],
        vec!["watch", "add", id, EVIL_NOTE],
        vec!["contact", "add", id, "--channel", "text", "--summary", EVIL_NOTE],
        vec!["appointment", id, "--at", "2026-11-23 14:00"],
    ] {
        let out = run(d, &args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_inert(&format!("{args:?}"), &out.stdout);
    }
    let printing: Vec<Vec<&str>> = vec![
        vec!["client", "list"],
        vec!["review", id],
        vec!["review", id, "--json"],
        vec!["search", "then"],
        vec!["search", "ok", "--client", id],
        vec!["export", id],
        vec!["export", id, "--format", "json"],
        vec!["agenda"],
        vec!["task", "list", id],
        vec!["contact", "list"],
        vec!["contact", "list", id],
        vec!["personal", "list", id],
        vec!["goal", "list", id],
        vec!["verify"],
        vec!["doctor"],
        vec!["review", "\u{1b}]0;nobody\u{7}"],
    ];
    for args in &printing {
        let out = run(d, args);
        assert_inert(&format!("{args:?} stdout"), &out.stdout);
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
    }
    let review = ok(d, &["review", id]);
    assert!(review.contains("␛]52;c;cm0gLXJmIH4=␇"), "the sequence is shown, visibly:\n{review}");

    // A Markdown export file is made visible too; a JSON export keeps the text exact.
    let md = s.outside.join("record.md");
    ok(d, &["export", id, "--out", md.to_str().unwrap()]);
    assert_inert("the Markdown export", &fs::read(&md).unwrap());
    let json: Value = serde_json::from_str(&ok(d, &["export", id, "--format", "json"])).unwrap();
    assert_eq!(json["client"]["name"], EVIL_NAME);
    assert_eq!(json["sessions"][0]["topics"][0], EVIL_NOTE);
}

/// Writes a client file by hand, as another program could.
fn plant(dir: &Path, file: &str, record: &Value) {
    fs::create_dir_all(dir.join("clients")).unwrap();
    fs::write(dir.join("clients").join(file), serde_json::to_vec_pretty(record).unwrap()).unwrap();
}

fn record(id: &str, name: &str) -> Value {
    json!({
        "schema_version": 2,
        "client": { "id": id, "name": name, "created": "2026-09-01" },
        "sessions": [{ "id": "s1", "at": "2026-11-16T10:00:00", "minutes": 50, "topics": ["sleep"] }]
    })
}

#[test]
fn an_id_that_points_outside_the_folder_is_a_damaged_file_never_a_path() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "list"]);
    fs::create_dir_all(s.outside.join("somewhere")).unwrap();
    fs::write(s.outside.join("somewhere/pwned.json"), serde_json::to_vec(&record("pwned", "Victim")).unwrap()).unwrap();
    plant(d, "evil.json", &record("../../outside/somewhere/pwned", "Mallory"));
    let before = contents(&s.outside);

    let e = fails(d, &["note", "evil", "--topic", "x"]);
    assert!(e.contains("evil.json is damaged") && e.contains("is not one Rapport writes"), "{e}");
    let e = rapport(d).args(["client", "delete", "evil"]).write_stdin("Mallory\n").output().unwrap();
    assert!(!e.status.success());
    let e = fails(d, &["review", "evil"]);
    assert!(e.contains("damaged"), "{e}");
    let list = ok(d, &["client", "list"]);
    assert!(list.contains("evil") && list.contains("UNREADABLE"), "{list}");
    assert!(!fails(d, &["doctor"]).is_empty());

    assert_eq!(contents(&s.outside), before, "nothing outside the data folder was touched");
    assert!(d.join("clients/evil.json").exists(), "the damaged file is kept as it was");
}

#[test]
fn a_planted_symbolic_link_is_never_followed_to_read_or_write() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "add", "Ann Lee"]);
    ok(d, &["note", "ann", "--topic", "first"]);
    let target = s.outside.join("victim.txt");
    fs::write(&target, "precious\n").unwrap();
    let outside_record = s.outside.join("ben.json");
    fs::write(&outside_record, serde_json::to_vec(&record("ben", "Ben Outside")).unwrap()).unwrap();

    fs::remove_file(d.join("audit.log")).unwrap();
    symlink(&target, d.join("audit.log")).unwrap();
    fs::remove_file(d.join("rapport.lock")).unwrap();
    symlink(&target, d.join("rapport.lock")).unwrap();
    symlink(&outside_record, d.join("clients/ben.json")).unwrap();
    let before = contents(&s.outside);

    // A save may go on or be refused, but never through a link.
    let _ = run(d, &["note", "ann", "--topic", "second"]);
    let e = fails(d, &["note", "ben", "--topic", "x"]);
    assert!(e.contains("symbolic link") || e.contains("no client"), "{e}");
    let doctor = String::from_utf8(run(d, &["doctor"]).stdout).unwrap();
    assert!(doctor.contains("clients/ben.json is a symbolic link"), "{doctor}");
    assert_eq!(contents(&s.outside), before, "the files the links point to are unchanged");

    // A linked folder inside the data folder is refused before anything is read.
    let elsewhere = s.outside.join("drafts");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(d.join("drafts")).unwrap();
    symlink(&elsewhere, d.join("drafts")).unwrap();
    let e = fails(d, &["client", "list"]);
    assert!(e.contains("drafts is a symbolic link"), "{e}");
}

#[test]
fn a_folder_others_can_write_to_is_refused_with_the_fix_unless_allowed() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "add", "Ann Lee"]);
    fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    let e = fails(d, &["client", "list"]);
    assert!(e.contains("can be written by other accounts (permissions 777)"), "{e}");
    assert!(e.contains(&format!("chmod 700 '{}'", d.display())), "{e}");
    let e = fails(d, &["doctor"]);
    assert!(e.contains("needs attention"), "{e}");

    let out = rapport(d).env("RAPPORT_ALLOW_UNSAFE_FOLDER", "1").args(["client", "list"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("used anyway: RAPPORT_ALLOW_UNSAFE_FOLDER is set"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ann Lee"));

    fs::set_permissions(d, fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(d.join("clients"), fs::Permissions::from_mode(0o770)).unwrap();
    assert!(fails(d, &["client", "list"]).contains("clients can be written by other accounts"));
    fs::set_permissions(d.join("clients"), fs::Permissions::from_mode(0o700)).unwrap();

    // Owned by another account: only root can arrange that to test it.
    if unsafe_is_root() {
        std::os::unix::fs::chown(d, Some(65534), None).unwrap();
        assert!(fails(d, &["client", "list"]).contains("belongs to another account"));
    }
}

fn unsafe_is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

#[test]
fn every_number_has_a_bound_refused_at_once() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "add", "Ann Lee"]);
    let refused: Vec<(Vec<&str>, &str)> = vec![
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "4000000000"], "0..=104"),
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "105"], "0..=104"),
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--minutes", "0"], "1..=1440"),
        (vec!["note", "ann", "--minutes", "99999999999", "--topic", "x"], "1..=1440"),
        (vec!["retention", "--years", "4000000000"], "1..=100"),
        (vec!["agenda", "--days", "367"], "1..=366"),
        (vec!["search", "x", "--limit", "0"], "1..=1000"),
        (vec!["backup", "prune", "--keep", "99999"], "0..=1000"),
        (vec!["note", "ann", "--at", "262143-01-01 10:00", "--topic", "x"], "year"),
        (vec!["agenda", "--date", "9999-12-31", "--days", "366"], "year"),
    ];
    for (args, says) in refused {
        let start = Instant::now();
        let e = fails(d, &args);
        assert!(start.elapsed() < Duration::from_secs(1), "{args:?} took {:?}", start.elapsed());
        assert!(e.contains(says), "{args:?} said: {e}");
    }
    ok(d, &["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "104"]);

    for (setting, value) in [
        ("finalise_after_hours", json!(4_000_000_000u64)),
        ("blank_after_minutes", json!(0)),
        ("keep_backups", json!(1u64 << 40)),
    ] {
        fs::write(d.join("config.json"), json!({ setting: value }).to_string()).unwrap();
        let e = fails(d, &["client", "list"]);
        assert!(e.contains(setting) && e.contains("config.json"), "{setting}: {e}");
    }
    fs::remove_file(d.join("config.json")).unwrap();
}

#[test]
fn a_huge_field_or_file_is_refused_with_its_size_and_nothing_is_lost() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "add", "Ann Lee"]);
    ok(d, &["note", "ann", "--topic", "first"]);
    let before = fs::read(d.join("clients/ann-lee.json")).unwrap();
    // An argument cannot be that long, so this goes through the store, as
    // the app's save does.
    let store = rapport::store::Store::open(d).unwrap();
    let big = "x".repeat(300 * 1024);
    let now = rapport::domain::time::dt("2026-11-23 09:35");
    let e = store
        .update("ann-lee", now, "note added", |r| {
            r.add_session(rapport::domain::NewSession { notes: big, ..Default::default() }, now)
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("300 KiB") && e.contains("at most 256 KiB"), "{e}");
    assert_eq!(fs::read(d.join("clients/ann-lee.json")).unwrap(), before);

    // A 17 MiB client file is not read at all; the others work.
    let mut huge = record("zed", "Zed Huge");
    huge["sessions"][0]["notes"] = json!("x".repeat(17 * 1024 * 1024));
    plant(d, "zed.json", &huge);
    let e = fails(d, &["review", "zed"]);
    assert!(e.contains("zed.json is 17.0 MiB, over the 16.0 MiB a client file may be"), "{e}");
    assert!(ok(d, &["review", "ann"]).contains("first"));
    // Within the file limit but one field over 256 KiB: damaged, named, kept.
    huge["sessions"][0]["notes"] = json!("x".repeat(300 * 1024));
    plant(d, "zed.json", &huge);
    let e = fails(d, &["note", "zed", "--topic", "x"]);
    assert!(e.contains("the notes of note s1 is 300 KiB"), "{e}");
}

#[test]
fn a_sync_conflict_copy_is_named_and_never_mistaken_for_a_second_client() {
    let s = scene();
    let d = &s.data;
    ok(d, &["client", "add", "Sally Ng"]);
    ok(d, &["note", "sally", "--topic", "gardening"]);
    let file = d.join("clients/sally-ng.json");
    for copy in
        ["sally-ng (Jo's conflicted copy 2026-11-20).json", "sally-ng.sync-conflict-20261120-101010-ABCDEF.json"]
    {
        fs::copy(&file, d.join("clients").join(copy)).unwrap();
    }
    // A copy under a plain name claims an id that is taken.
    fs::copy(&file, d.join("clients/sally-ng-2.json")).unwrap();

    assert!(ok(d, &["note", "sally", "--topic", "roses"]).contains("Saved session s2 for Sally Ng"));
    let found = ok(d, &["search", "gardening"]);
    assert_eq!(found.matches("Sally Ng").count(), 1, "one hit, from the client's own file:\n{found}");
    let list = ok(d, &["client", "list"]);
    assert_eq!(list.matches("Sally Ng").count(), 1, "{list}");
    assert!(
        list.contains("Warning: clients/sally-ng (Jo's conflicted copy 2026-11-20).json is a conflict copy"),
        "{list}"
    );
    assert!(list.contains("sally-ng-2") && list.contains("holds the record of client 'sally-ng'"), "{list}");

    let out = run(d, &["doctor"]);
    assert!(!out.status.success());
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("sync-conflict-20261120-101010-ABCDEF.json is a conflict copy"), "{report}");
    assert!(report.contains("sally-ng-2.json is damaged: it holds the record of client 'sally-ng'"), "{report}");
}

#[test]
fn a_file_from_a_newer_rapport_is_read_but_never_changed() {
    let s = scene();
    let d = &s.data;
    let mut newer = record("nia", "Nia Future");
    newer["schema_version"] = json!(99);
    newer["measures"] = json!([{ "kind": "something new" }]);
    newer["sessions"][0]["notes"] = json!("talked about the lighthouse");
    plant(d, "nia.json", &newer);
    let before = fs::read(d.join("clients/nia.json")).unwrap();

    assert!(ok(d, &["review", "nia"]).contains("sleep"));
    assert!(ok(d, &["search", "lighthouse"]).contains("Nia Future"));
    assert!(ok(d, &["export", "nia"]).contains("lighthouse"));
    assert!(ok(d, &["client", "list"]).contains("read-only: newer format"));
    let e = fails(d, &["note", "nia", "--topic", "x"]);
    assert!(e.contains("written by a newer Rapport") && e.contains("update Rapport"), "{e}");
    let out = run(d, &["doctor"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nia.json was written by a newer Rapport"));
    assert_eq!(fs::read(d.join("clients/nia.json")).unwrap(), before);
}

#[test]
fn a_healthy_folder_gets_a_clean_bill() {
    let s = scene();
    ok(&s.data, &["client", "add", "Ann Lee"]);
    let report = ok(&s.data, &["doctor"]);
    assert!(report.contains("1 of 1 client files read and checked"), "{report}");
    assert!(report.contains("Nothing needs your attention."), "{report}");
}

// ---- Any hostile text, any hostile id ----------------------------------------

use proptest::prelude::*;

/// Text made of what an attacker would reach for: every C0 control, DEL, C1
/// controls, bidi overrides, path pieces, and a few letters.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        Just("\u{7f}".to_string()),
        (0x80u32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0x202au32..0x202f).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        Just("\u{1b}]52;c;cm0gLXJmIH4=\u{7}".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("../".to_string()),
        Just("/etc/".to_string()),
        "[a-zA-Zé ]{1,4}",
    ];
    proptest::collection::vec(pieces, 1..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever a name and a note hold, what the commands print is inert.
    #[test]
    fn no_hostile_text_reaches_the_terminal_raw(name in hostile_text(), note in hostile_text()) {
        let s = scene();
        let store = rapport::store::Store::open(&s.data).unwrap();
        let now = rapport::domain::time::dt("2026-11-20 10:00");
        let profile = rapport::domain::ClientProfile { name: format!("Zed {name}"), ..Default::default() };
        let r = store.create_client(profile, now).unwrap();
        store.update(&r.client.id, now, "note added", |r| {
            r.add_session(rapport::domain::NewSession { topics: vec![note.clone()], notes: note.clone(), ..Default::default() }, now)
        }).unwrap();
        for args in [vec!["client", "list"], vec!["review", &r.client.id], vec!["export", &r.client.id], vec!["search", "zed"]] {
            let out = run(&s.data, &args);
            assert_inert(&format!("{args:?}"), &out.stdout);
            assert_inert(&format!("{args:?}"), &out.stderr);
        }
    }

    /// Whatever id a file claims, nothing outside the data folder is touched.
    #[test]
    fn no_id_from_a_file_leads_outside_the_folder(id in prop_oneof![
        hostile_text(),
        hostile_text().prop_map(|t| format!("../../outside/pwned{t}")),
        Just("../../outside/pwned".to_string()),
    ]) {
        let s = scene();
        fs::write(s.outside.join("pwned.json"), b"{}").unwrap();
        plant(&s.data, "victim.json", &record(&id, "Victim"));
        let before = contents(&s.outside);
        let store = rapport::store::Store::open(&s.data).unwrap();
        let now = rapport::domain::time::dt("2026-11-20 10:00");
        let _ = store.index();
        let _ = store.update("victim", now, "note added", |r| r.add_session(Default::default(), now));
        let _ = store.delete_client("victim", now);
        let _ = store.export_client("victim", now);
        prop_assert_eq!(contents(&s.outside), before);
    }
}
