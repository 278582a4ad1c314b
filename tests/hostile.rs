//! Hostile input, through the real binary and the real files: escape
//! sequences in names and notes, ids that point outside the data folder,
//! planted symbolic links, folders others can write to, absurd numbers,
//! huge files, sync-conflict copies and files from a newer Rapport. Each is
//! refused with a clear message or made harmless, and nothing outside the
//! data folder is read, written or removed.

mod common;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use common::{fails, fails_with_report, ok, rapport_at, run, scene};
use serde_json::{Value, json};

const NOW: &str = "2026-11-23 09:35";

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
    let added = run(d, NOW, &["client", "add", EVIL_NAME, "--preferred", "E\u{1b}[5mve", "--pronouns", "\u{1b}[31m"]);
    assert!(added.status.success());
    assert_inert("client add", &added.stdout);
    assert!(String::from_utf8_lossy(&added.stdout).contains("Eve ␛]0;pwned␇␛[2JEvil"));
    let id = "eve-0-pwned-2jevil";
    for args in [
        vec!["note", id, "--at", "2026-11-20 10:00", "--yes", "--topic", EVIL_NOTE, "--feedback", EVIL_NOTE],
        vec![
            "note",
            id,
            "--at",
            "2026-11-21 10:00",
            "--yes",
            "--task",
            EVIL_NOTE,
            "--personal",
            EVIL_NOTE,
            "--text",
            EVIL_NOTE,
        ],
        vec!["goal", "add", id, EVIL_NOTE],
        vec!["watch", "add", id, EVIL_NOTE],
        vec!["contact", "add", id, "--channel", "text", "--summary", EVIL_NOTE],
        vec!["appointment", id, "--at", "2026-11-23 14:00"],
    ] {
        let out = run(d, NOW, &args);
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
        let out = run(d, NOW, args);
        assert_inert(&format!("{args:?} stdout"), &out.stdout);
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
    }
    let review = ok(d, NOW, &["review", id]);
    assert!(review.contains("␛]52;c;cm0gLXJmIH4=␇"), "the sequence is shown, visibly:\n{review}");

    // A Markdown export file is made visible too; a JSON export keeps the text exact.
    let md = s.outside.join("record.md");
    ok(d, NOW, &["export", id, "--out", md.to_str().unwrap()]);
    assert_inert("the Markdown export", &fs::read(&md).unwrap());
    let json: Value = serde_json::from_str(&ok(d, NOW, &["export", id, "--format", "json"])).unwrap();
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
    ok(d, NOW, &["client", "list"]);
    fs::create_dir_all(s.outside.join("somewhere")).unwrap();
    fs::write(s.outside.join("somewhere/pwned.json"), serde_json::to_vec(&record("pwned", "Victim")).unwrap()).unwrap();
    plant(d, "evil.json", &record("../../outside/somewhere/pwned", "Mallory"));
    let before = contents(&s.outside);

    let e = fails(d, NOW, &["note", "evil", "--topic", "x"]);
    assert!(e.contains("evil.json is damaged") && e.contains("is not one Rapport writes"), "{e}");
    let e = rapport_at(d, NOW).args(["client", "delete", "evil"]).write_stdin("Mallory\n").output().unwrap();
    assert!(!e.status.success());
    let e = fails(d, NOW, &["review", "evil"]);
    assert!(e.contains("damaged"), "{e}");
    let list = ok(d, NOW, &["client", "list"]);
    assert!(list.contains("evil") && list.contains("UNREADABLE"), "{list}");
    assert!(!fails_with_report(d, NOW, &["doctor"]).is_empty());

    assert_eq!(contents(&s.outside), before, "nothing outside the data folder was touched");
    assert!(d.join("clients/evil.json").exists(), "the damaged file is kept as it was");
}

#[test]
fn a_planted_symbolic_link_is_never_followed_to_read_or_write() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    ok(d, NOW, &["note", "ann", "--topic", "first"]);
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
    let _ = run(d, NOW, &["note", "ann", "--topic", "second"]);
    let e = fails(d, NOW, &["note", "ben", "--topic", "x"]);
    assert!(e.contains("symbolic link") || e.contains("no client"), "{e}");
    let doctor = String::from_utf8(run(d, NOW, &["doctor"]).stdout).unwrap();
    assert!(doctor.contains("clients/ben.json is a symbolic link"), "{doctor}");
    assert_eq!(contents(&s.outside), before, "the files the links point to are unchanged");

    // A linked folder inside the data folder is refused before anything is read.
    let elsewhere = s.outside.join("drafts");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(d.join("drafts")).unwrap();
    symlink(&elsewhere, d.join("drafts")).unwrap();
    let e = fails(d, NOW, &["client", "list"]);
    assert!(e.contains("drafts is a symbolic link"), "{e}");
}

#[test]
fn a_folder_others_can_write_to_is_refused_with_the_fix_unless_allowed() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    let e = fails(d, NOW, &["client", "list"]);
    assert!(e.contains("can be written by other accounts (permissions 777)"), "{e}");
    assert!(e.contains(&format!("chmod 700 '{}'", d.display())), "{e}");
    let e = fails_with_report(d, NOW, &["doctor"]);
    assert!(e.contains("needs your attention"), "{e}");

    let out = rapport_at(d, NOW).env("RAPPORT_ALLOW_UNSAFE_FOLDER", "1").args(["client", "list"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("used anyway: RAPPORT_ALLOW_UNSAFE_FOLDER is set"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ann Lee"));

    fs::set_permissions(d, fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(d.join("clients"), fs::Permissions::from_mode(0o770)).unwrap();
    assert!(fails(d, NOW, &["client", "list"]).contains("clients can be written by other accounts"));
    fs::set_permissions(d.join("clients"), fs::Permissions::from_mode(0o700)).unwrap();

    // Owned by another account: only root can arrange that to test it.
    if unsafe_is_root() {
        std::os::unix::fs::chown(d, Some(65534), None).unwrap();
        assert!(fails(d, NOW, &["client", "list"]).contains("belongs to another account"));
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
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    let refused: Vec<(Vec<&str>, &str)> = vec![
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "4000000000"], "0..=104"),
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "105"], "0..=104"),
        (vec!["appointment", "ann", "--at", "2026-12-01 10:00", "--minutes", "0"], "1..=1440"),
        (vec!["note", "ann", "--minutes", "99999999999", "--topic", "x"], "1..=1440"),
        (vec!["retention", "--years", "4000000000"], "1..=100"),
        (vec!["agenda", "--days", "367"], "1..=366"),
        (vec!["search", "x", "--limit", "0"], "1..=1000"),
        (vec!["backup", "prune", "--keep", "99999"], "1..=1000"),
        (vec!["note", "ann", "--at", "262143-01-01 10:00", "--topic", "x"], "year"),
        (vec!["agenda", "--date", "9999-12-31", "--days", "366"], "year"),
    ];
    for (args, says) in refused {
        // At once: within a CPU second (killed past it, it would say nothing).
        let mut c = common::command(d);
        c.env("RAPPORT_NOW", NOW).args(&args);
        common::cpu_bounded(&mut c, 1);
        let e = common::failed(c.output().unwrap(), &args);
        assert!(e.contains(says), "{args:?} said: {e}");
    }
    ok(d, NOW, &["appointment", "ann", "--at", "2026-12-01 10:00", "--weekly", "104"]);

    for (setting, value) in [
        ("finalise_after_hours", json!(4_000_000_000u64)),
        ("blank_after_minutes", json!(0)),
        ("keep_backups", json!(1u64 << 40)),
    ] {
        fs::write(d.join("config.json"), json!({ setting: value }).to_string()).unwrap();
        let e = fails(d, NOW, &["client", "list"]);
        assert!(e.contains(setting) && e.contains("config.json"), "{setting}: {e}");
    }
    fs::remove_file(d.join("config.json")).unwrap();
}

#[test]
fn a_huge_field_or_file_is_refused_with_its_size_and_nothing_is_lost() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    ok(d, NOW, &["note", "ann", "--topic", "first"]);
    let before = fs::read(d.join("clients/ann-lee.json")).unwrap();
    // An argument cannot be that long, so this goes through the store, as
    // the app's save does.
    let store = rapport::store::Store::open(d).unwrap();
    let big = "x".repeat(300 * 1024);
    let now = rapport::domain::time::dt("2026-11-23 09:35");
    let e = store
        .update(&rapport::domain::ClientId::new("ann-lee"), now, "note added", |r| {
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
    let e = fails(d, NOW, &["review", "zed"]);
    assert!(e.contains("zed.json is 17.0 MiB, over the 16.0 MiB a client file may be"), "{e}");
    assert!(ok(d, NOW, &["review", "ann"]).contains("first"));
    // Within the file limit but one field over 256 KiB: damaged, named, kept.
    huge["sessions"][0]["notes"] = json!("x".repeat(300 * 1024));
    plant(d, "zed.json", &huge);
    let e = fails(d, NOW, &["note", "zed", "--topic", "x"]);
    assert!(e.contains("the notes of note s1 is 300 KiB"), "{e}");
}

#[test]
fn a_sync_conflict_copy_is_named_and_never_mistaken_for_a_second_client() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Sally Ng"]);
    ok(d, NOW, &["note", "sally", "--topic", "gardening"]);
    let file = d.join("clients/sally-ng.json");
    for copy in
        ["sally-ng (Jo's conflicted copy 2026-11-20).json", "sally-ng.sync-conflict-20261120-101010-ABCDEF.json"]
    {
        fs::copy(&file, d.join("clients").join(copy)).unwrap();
    }
    // A copy under a plain name claims an id that is taken.
    fs::copy(&file, d.join("clients/sally-ng-2.json")).unwrap();

    assert!(ok(d, NOW, &["note", "sally", "--topic", "roses"]).contains("Saved session s2 for Sally Ng"));
    let found = ok(d, NOW, &["search", "gardening"]);
    assert_eq!(found.matches("Sally Ng").count(), 1, "one hit, from the client's own file:\n{found}");
    let list = ok(d, NOW, &["client", "list"]);
    assert_eq!(list.matches("Sally Ng").count(), 1, "{list}");
    assert!(
        list.contains("Warning: clients/sally-ng (Jo's conflicted copy 2026-11-20).json is a conflict copy"),
        "{list}"
    );
    assert!(list.contains("sally-ng-2") && list.contains("holds the record of client 'sally-ng'"), "{list}");

    let out = run(d, NOW, &["doctor"]);
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
    newer["homework_photos"] = json!([{ "kind": "something new" }]);
    newer["sessions"][0]["notes"] = json!("talked about the lighthouse");
    plant(d, "nia.json", &newer);
    let before = fs::read(d.join("clients/nia.json")).unwrap();

    assert!(ok(d, NOW, &["review", "nia"]).contains("sleep"));
    assert!(ok(d, NOW, &["search", "lighthouse"]).contains("Nia Future"));
    assert!(ok(d, NOW, &["export", "nia"]).contains("lighthouse"));
    assert!(ok(d, NOW, &["client", "list"]).contains("read-only: newer format"));
    let e = fails(d, NOW, &["note", "nia", "--topic", "x"]);
    assert!(e.contains("written by a newer Rapport") && e.contains("update Rapport"), "{e}");
    let out = run(d, NOW, &["doctor"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nia.json was written by a newer Rapport"));
    assert_eq!(fs::read(d.join("clients/nia.json")).unwrap(), before);
}

#[test]
fn a_healthy_folder_gets_a_clean_bill() {
    let s = scene();
    ok(&s.data, NOW, &["client", "add", "Ann Lee"]);
    let report = ok(&s.data, NOW, &["doctor"]);
    assert!(report.contains("1 of 1 client file read and checked"), "{report}");
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
            r.add_session(rapport::domain::NewSession { topics: vec![format!("t {note}")], notes: format!("n {note}"), ..Default::default() }, now)
        }).unwrap();
        for args in [vec!["client", "list"], vec!["review", r.client.id.as_str()], vec!["export", r.client.id.as_str()], vec!["search", "zed"]] {
            let out = run(&s.data, NOW, &args);
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
        let _ = store.update(&rapport::domain::ClientId::new("victim"), now, "note added", |r| r.add_session(Default::default(), now));
        let _ = store.delete_client(&rapport::domain::ClientId::new("victim"), now);
        let _ = store.export_client(&rapport::domain::ClientId::new("victim"), now);
        prop_assert_eq!(contents(&s.outside), before);
    }
}

// ---- What an outside attack found, each held to -----------------------------

#[test]
fn restore_never_follows_a_link_planted_in_a_snapshot_and_snapshots_never_copy_links() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    let secret = s.outside.join("id_rsa");
    fs::write(&secret, "PRIVATE KEY\n").unwrap();
    let outside_record = s.outside.join("ben.json");
    fs::write(&outside_record, serde_json::to_vec(&record("ben", "Ben Outside")).unwrap()).unwrap();
    symlink(&outside_record, d.join("clients/ben.json")).unwrap();
    let name = ok(d, NOW, &["backup"]).split_whitespace().nth(1).unwrap().to_string();
    let files = common::snapshot_files(d, &name);
    assert!(!files.contains_key("ben.json"), "a linked client file is not copied into a snapshot");
    // An object replaced by a link to a file outside: refused, never followed.
    let object = common::snapshot_object(d, &name, "ann-lee.json");
    let stored = fs::read(&object).unwrap();
    fs::remove_file(&object).unwrap();
    symlink(&secret, &object).unwrap();
    let e = fails(d, NOW, &["restore", &name, "--yes"]);
    assert!(e.contains("symbolic link") && e.contains("nothing was restored"), "{e}");
    fs::remove_file(&object).unwrap();
    fs::write(&object, &stored).unwrap();
    // A manifest naming a file outside `clients/`: refused whole.
    let manifest = d.join("backups").join(&name).join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
    let mut planted = m["files"][0].clone();
    planted["path"] = "clients/../../id_rsa".into();
    m["files"].as_array_mut().unwrap().push(planted);
    fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let e = fails(d, NOW, &["restore", &name, "--yes"]);
    assert!(e.contains("not a client file") && e.contains("nothing was restored"), "{e}");
    // Full copies an older Rapport made, with links planted among them.
    let snap = d.join("backups/2026-11-01_090000");
    fs::create_dir_all(snap.join("clients")).unwrap();
    fs::write(snap.join("clients/ann-lee.json"), fs::read(d.join("clients/ann-lee.json")).unwrap()).unwrap();
    symlink(&secret, snap.join("clients/zz.json")).unwrap();
    symlink(&outside_record, snap.join("clients/ben.json")).unwrap();
    let name = "2026-11-01_090000";
    let e = fails(d, NOW, &["restore", name, "--yes"]);
    assert!(e.contains("as a link or a folder") && e.contains("nothing was restored"), "{e}");
    assert!(ok(d, NOW, &["client", "list"]).contains("Ann Lee"), "no client was dropped");
    for f in ["zz.json", "ben.json"] {
        let kept = fs::symlink_metadata(d.join("clients").join(f));
        assert!(kept.is_err() || kept.unwrap().file_type().is_symlink(), "{f} was not restored as a file");
    }
    assert!(
        fs::read_dir(d.join("clients"))
            .unwrap()
            .all(|e| !fs::read(e.unwrap().path()).is_ok_and(|b| b.starts_with(b"PRIVATE")))
    );
}

#[test]
fn an_export_never_lands_inside_the_data_folder_or_over_a_file() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    let before = fs::read(d.join("clients/ann-lee.json")).unwrap();
    for target in ["clients/ann-lee.json", "audit.log", "config.json", "identity"] {
        let e = fails(d, NOW, &["export", "ann", "--out", d.join(target).to_str().unwrap()]);
        assert!(e.contains("is inside the data folder"), "{target}: {e}");
    }
    assert_eq!(fs::read(d.join("clients/ann-lee.json")).unwrap(), before);
    let existing = s.outside.join("letter.md");
    fs::write(&existing, "mine").unwrap();
    let e = fails(d, NOW, &["export", "ann", "--out", existing.to_str().unwrap()]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(fs::read_to_string(&existing).unwrap(), "mine");
    ok(d, NOW, &["export", "ann", "--out", s.outside.join("new.md").to_str().unwrap()]);
}

#[test]
fn snapshot_folders_dated_in_the_future_never_push_the_real_ones_out() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    rapport_at(d, NOW)
        .env("RAPPORT_NOW", "2026-11-20 09:00")
        .args(["note", "ann", "--text", "day one"])
        .assert()
        .success();
    rapport_at(d, NOW)
        .env("RAPPORT_NOW", "2026-11-21 09:00")
        .args(["note", "ann", "--text", "day two"])
        .assert()
        .success();
    for i in 1..=14 {
        fs::create_dir_all(d.join(format!("backups/2099-01-{i:02}_000000/clients"))).unwrap();
    }
    fs::create_dir_all(d.join("backups/not-a-snapshot/clients")).unwrap();
    ok(d, NOW, &["note", "ann", "--text", "today"]);
    let list = ok(d, NOW, &["backup", "list"]);
    assert!(list.contains("2026-11-21_090000") && list.contains("2026-11-23_093500"), "{list}");
    assert!(!list.contains("not-a-snapshot"), "{list}");
    let out = run(d, NOW, &["doctor"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("is dated in the future"));
}

#[test]
fn ids_that_repeat_or_overflow_make_a_file_damaged_not_a_wrong_note() {
    let s = scene();
    let d = &s.data;
    let mut r = record("ann", "Ann Lee");
    r["sessions"][0]["id"] = json!("s18446744073709551615");
    plant(d, "ann.json", &r);
    assert!(fails(d, NOW, &["note", "ann", "--text", "x"]).contains("number too large"));
    let mut r = record("ann", "Ann Lee");
    let again = r["sessions"][0].clone();
    r["sessions"].as_array_mut().unwrap().push(again);
    plant(d, "ann.json", &r);
    assert!(fails(d, NOW, &["addendum", "ann", "s1", "x"]).contains("two of its sessions share the id 's1'"));
}

#[test]
fn a_save_that_would_make_the_file_too_large_to_read_is_refused() {
    let s = scene();
    let d = &s.data;
    let mut r = record("ann", "Ann Lee");
    let big = "zzzq ".repeat(40_000);
    let sessions: Vec<Value> = (0..82)
        .map(|i| json!({ "id": format!("s{}", i + 10), "at": "2026-11-01T10:00:00", "minutes": 50, "notes": big }))
        .collect();
    r["sessions"].as_array_mut().unwrap().extend(sessions);
    plant(d, "ann.json", &r);
    let before = fs::read(d.join("clients/ann.json")).unwrap();
    let topic = "b".repeat(120 * 1024);
    let e = fails(d, NOW, &["note", "ann", "--topic", &topic, "--topic", &topic, "--feedback", &topic]);
    // 16.0 MiB would read as the limit itself: told in bytes.
    assert!(e.contains("bytes, over the 16777216 bytes a client file may be"), "{e}");
    assert_eq!(fs::read(d.join("clients/ann.json")).unwrap(), before);
    assert!(ok(d, NOW, &["review", "ann"]).contains("Ann Lee"));
}

#[test]
fn a_damaged_index_never_sends_a_note_to_the_wrong_client_or_shows_a_phantom() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Anna Ibrahim"]);
    ok(d, NOW, &["client", "add", "Maya Novak"]);
    ok(d, NOW, &["note", "maya", "--topic", "garden"]);
    let path = d.join("index/clients.json");
    let mut index: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let clients = index["clients"].as_array_mut().unwrap();
    let (a, m) = (clients[0]["summary"]["name"].clone(), clients[1]["summary"]["name"].clone());
    clients[0]["summary"]["name"] = m;
    clients[1]["summary"]["name"] = a;
    fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    for shard in fs::read_dir(d.join("index")).unwrap().map(|e| e.unwrap().path()) {
        if shard.extension().is_some_and(|x| x == "tsv") {
            let mut text = fs::read_to_string(&shard).unwrap();
            text.push_str("maya-novak\ts99\t2026-11-20\tgarden phantom\n../../etc/passwd\ts1\t2026-11-20\tgarden\n");
            fs::write(&shard, text).unwrap();
        }
    }
    ok(d, NOW, &["note", "maya", "--text", "MEANT FOR MAYA"]);
    assert!(fs::read_to_string(d.join("clients/maya-novak.json")).unwrap().contains("MEANT FOR MAYA"));
    assert!(!fs::read_to_string(d.join("clients/anna-ibrahim.json")).unwrap().contains("MEANT FOR MAYA"));
    let found = ok(d, NOW, &["search", "garden"]);
    assert!(!found.contains("s99") && !found.contains("passwd"), "{found}");
}

#[test]
fn names_swapped_in_the_index_never_send_a_note_to_the_wrong_client() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Anna Ibrahim"]);
    ok(d, NOW, &["client", "add", "Maya Novak"]);
    ok(d, NOW, &["note", "maya", "--topic", "garden"]);
    ok(d, NOW, &["review", "maya"]);
    // The names file, well formed, says each is called by the other's name.
    let path = d.join("index/names.tsv");
    let names = fs::read_to_string(&path).unwrap();
    assert!(names.contains("Maya Novak") && names.contains("Anna Ibrahim"), "{names}");
    let swapped =
        names.replace("Maya Novak", "SWAP").replace("Anna Ibrahim", "Maya Novak").replace("SWAP", "Anna Ibrahim");
    fs::write(&path, swapped).unwrap();
    ok(d, NOW, &["note", "maya", "--text", "MEANT FOR MAYA"]);
    assert!(fs::read_to_string(d.join("clients/maya-novak.json")).unwrap().contains("MEANT FOR MAYA"));
    assert!(!fs::read_to_string(d.join("clients/anna-ibrahim.json")).unwrap().contains("MEANT FOR MAYA"));
    assert!(ok(d, NOW, &["review", "anna"]).contains("Anna Ibrahim"), "the index was rebuilt from the files");
    // A names file naming a client whose file is not there, or a path, finds nothing to write.
    fs::write(&path, "ghost\t\t+\tMaya Novak\t\n../../etc\t\t+\tMaya Novak\t\n").unwrap();
    ok(d, NOW, &["note", "maya", "--text", "STILL MAYA"]);
    assert!(fs::read_to_string(d.join("clients/maya-novak.json")).unwrap().contains("STILL MAYA"));
}

#[test]
fn conflict_copies_under_any_name_are_named_by_doctor() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Maya Novak"]);
    let file = d.join("clients/maya-novak.json");
    for copy in
        ["maya-novak (Case Conflict).json", "maya-novak 2.json", "maya-novak(1).json", "maya-novak-DESKTOP-AB12CD.json"]
    {
        fs::copy(&file, d.join("clients").join(copy)).unwrap();
        let out = run(d, NOW, &["doctor"]);
        assert!(!out.status.success(), "{copy}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("clients/{copy} is a conflict copy")), "{copy}");
        assert!(ok(d, NOW, &["client", "list"]).contains("Warning:"), "{copy}");
        fs::remove_file(d.join("clients").join(copy)).unwrap();
    }
}

#[test]
fn a_pipe_planted_as_the_lock_or_the_log_never_hangs_a_command() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    for name in ["rapport.lock", "audit.log"] {
        let _ = fs::remove_file(d.join(name));
        let status = std::process::Command::new("mkfifo").arg("-m").arg("600").arg(d.join(name)).status().unwrap();
        assert!(status.success());
        let mut c = common::command(d);
        c.env("RAPPORT_NOW", NOW).args(["note", "ann", "--topic", "x"]);
        common::never_hangs(c, &format!("{name}: a pipe made it wait"));
        let report = String::from_utf8(run(d, NOW, &["doctor"]).stdout).unwrap();
        assert!(report.contains(&format!("{name} is not a file")), "{report}");
        fs::remove_file(d.join(name)).unwrap();
    }
}

#[test]
fn what_the_argument_parser_echoes_is_inert_too() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Lee"]);
    let out = run(d, NOW, &["contact", "add", "ann", "--channel", "\u{9b}2J\u{202e}", "--summary", "x"]);
    assert!(!out.status.success());
    assert_inert("a clap error", &out.stderr);
    let out = rapport_at(d, NOW).env("RAPPORT_DIR", format!("{}\u{9b}2J", d.display())).arg("--help").output().unwrap();
    assert_inert("--help", &out.stdout);
    let out = run(
        d,
        NOW,
        &[
            "demo",
            "generate",
            "--clients",
            "1",
            "--sessions",
            "1",
            "--out",
            &format!("{}/g-\u{1b}]0;PWN\u{7}", s.outside.display()),
        ],
    );
    assert_inert("demo generate", &out.stdout);
}

#[test]
fn a_newer_rapport_file_is_not_erased_and_its_json_export_is_whole() {
    let s = scene();
    let d = &s.data;
    let mut newer = record("nia", "Nia Future");
    newer["schema_version"] = json!(99);
    newer["future"] = json!({ "hologram": "yes" });
    plant(d, "nia.json", &newer);
    assert!(ok(d, NOW, &["export", "nia", "--format", "json"]).contains("hologram"));
    let out = rapport_at(d, NOW).args(["client", "delete", "nia"]).write_stdin("Nia Future\n").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer Rapport"));
    assert!(d.join("clients/nia.json").exists());
}

#[test]
fn a_name_is_one_line_and_a_typo_in_the_folder_makes_no_new_practice() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Tab\t\tMan\nFAKE-LINE  Spoofed"]);
    let list = ok(d, NOW, &["client", "list"]);
    assert!(list.contains("Tab Man FAKE-LINE  Spoofed") && list.lines().count() == 1, "{list}");
    plant(d, "eve.json", &record("eve", "Eve\nFAKE ROW"));
    assert!(ok(d, NOW, &["client", "list"]).contains("line break"));

    let typo = s.outside.join("no-such-folder/rapport");
    let out = rapport_at(&typo, NOW).args(["client", "list"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("check --data-dir or RAPPORT_DIR"));
    assert!(!s.outside.join("no-such-folder").exists());

    fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    let out = rapport_at(d, NOW).env("RAPPORT_ALLOW_UNSAFE_FOLDER", "0").args(["client", "list"]).output().unwrap();
    assert!(!out.status.success(), "only 1 overrides the check");
}

// ---- What a second outside attack found -------------------------------------

#[test]
fn a_conversion_never_starts_while_a_record_is_in_two_files() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Anna Costa"]);
    ok(d, NOW, &["note", "anna", "--text", "REALNOTE the true record"]);
    let own = fs::read_to_string(d.join("clients/anna-costa.json")).unwrap();
    let copy = d.join("clients/anna-costa.sync-conflict-20261123-093500-ABCDEFG.json");
    fs::write(&copy, own.replace("REALNOTE the true record", "OLDCONFLICT stale copy")).unwrap();
    let out =
        rapport_at(d, NOW).env("RAPPORT_PASSPHRASE", "correct horse 123").args(["encrypt", "--yes"]).output().unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("nothing was encrypted") && e.contains("sync-conflict"), "{e}");
    assert!(!d.join("identity.age").exists(), "nothing was changed");
    assert!(ok(d, NOW, &["search", "REALNOTE"]).contains("Anna Costa"));
    // A damaged client file would be left in plain text: refused too.
    fs::remove_file(&copy).unwrap();
    fs::write(d.join("clients/bilal.json"), "{ not json").unwrap();
    let out =
        rapport_at(d, NOW).env("RAPPORT_PASSPHRASE", "correct horse 123").args(["encrypt", "--yes"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("bilal.json is damaged"));
}

#[test]
fn erasure_takes_the_sync_tools_copies_too_and_no_draft_comes_back() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Zoe Quill"]);
    ok(d, NOW, &["note", "zoe", "--text", "zqsecret words"]);
    fs::copy(d.join("clients/zoe-quill.json"), d.join("clients/zoe-quill (conflicted copy 2026-11-22).json")).unwrap();
    fs::create_dir_all(d.join("exports")).unwrap();
    let e = fails(d, NOW, &["export", "zoe", "--out", d.join("exports/zoe.md").to_str().unwrap()]);
    assert!(e.contains("inside the data folder"), "{e}");
    let out = rapport_at(d, NOW).args(["client", "delete", "zoe"]).write_stdin("Zoe Quill\n").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Deleted copies a sync tool had left"));
    for (path, bytes) in contents(&d.join("clients")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("zqsecret"), "{}", path.display());
    }
    // A window still typing a note for her keeps no draft.
    let store = rapport::store::Store::open(d).unwrap();
    assert!(store.save_draft("zoe-quill", &json!({"fields": ["more"]}), "a1").is_err());
    assert!(!d.join("drafts/zoe-quill.json").exists());
}

#[test]
fn a_lost_ledger_is_never_started_again_by_an_ordinary_command() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Maria Lopez"]);
    ok(d, NOW, &["note", "maria", "--at", "2026-11-20 10:00", "--yes", "--text", "a plan to harm herself"]);
    ok(d, NOW, &["finalise", "maria"]);
    let path = d.join("clients/maria-lopez.json");
    let mut r: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    r["sessions"][0].as_object_mut().unwrap().remove("finalised");
    r["sessions"][0]["notes"] = json!("denied any risk");
    fs::write(&path, serde_json::to_vec_pretty(&r).unwrap()).unwrap();
    fs::remove_file(d.join("ledger")).unwrap();

    let e = fails(d, NOW, &["finalise", "maria"]);
    assert!(e.contains("the ledger") && e.contains("is missing") && e.contains("--restart-ledger"), "{e}");
    assert!(fails_with_report(d, NOW, &["verify"]).contains("tampered"));
    let out = run(d, NOW, &["doctor"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ledger"));
    // Starting it again is the therapist's explicit choice, and logged.
    ok(d, NOW, &["verify", "--restart-ledger"]);
    assert!(fs::read_to_string(d.join("audit.log")).unwrap().contains("ledger started again"));
}
