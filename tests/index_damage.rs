//! The derived index as damage, through the real binary: a link planted in
//! `index/`, an index file far larger than Rapport writes, a search line
//! no client file holds. Each is never followed, read or shown; the index
//! is rebuilt from the client files, and nothing outside the data folder
//! is touched.

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::{ok, scene, written_by_another_program};

const NOW: &str = "2026-11-27 09:35";

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn is_real_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// Ann Byrne with one note finalised, so the ledger has witnessed it.
fn ann_with_a_sealed_note(d: &Path) {
    ok(d, NOW, &["client", "add", "Ann Byrne"]);
    ok(d, NOW, &["note", "ann", "--at", "2026-11-26 10:00", "--yes", "--topic", "sleep diary"]);
    ok(d, NOW, &["finalise", "ann", "s1"]);
}

#[test]
fn a_linked_witness_folder_is_removed_and_rebuilt_never_written_through() {
    let s = scene();
    let d = &s.data;
    ann_with_a_sealed_note(d);
    assert!(d.join("index/witness/ann-byrne").is_file(), "the ledger's witness of Ann is cached");
    let elsewhere = s.outside.join("w");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(d.join("index/witness")).unwrap();
    symlink(&elsewhere, d.join("index/witness")).unwrap();

    ok(d, NOW, &["note", "ann", "--at", "2026-11-27 09:00", "--yes", "--topic", "walks help"]);
    ok(d, NOW, &["finalise", "ann", "s2"]);

    assert_eq!(names(&elsewhere), Vec::<String>::new(), "nothing was written where the link pointed");
    assert!(is_real_folder(&d.join("index/witness")), "the link is gone, a real folder in its place");
    assert!(d.join("index/witness/ann-byrne").is_file(), "the witness is cached again, inside");
    assert!(ok(d, NOW, &["verify"]).contains("as they were finalised"));
}

#[test]
fn a_linked_index_folder_is_damage_rebuilt_inside_the_data_folder() {
    let s = scene();
    let d = &s.data;
    ann_with_a_sealed_note(d);
    // A forged index elsewhere, naming a client who does not exist here.
    let elsewhere = s.outside.join("index");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("names.tsv"), "zed-forged\t\t+\tZed Forged\t\n").unwrap();
    let before = fs::read(elsewhere.join("names.tsv")).unwrap();
    fs::remove_dir_all(d.join("index")).unwrap();
    symlink(&elsewhere, d.join("index")).unwrap();

    let list = ok(d, NOW, &["client", "list"]);
    assert!(list.contains("Ann Byrne") && !list.contains("Zed"), "{list}");
    ok(d, NOW, &["note", "ann", "--at", "2026-11-27 09:00", "--yes", "--topic", "walks help"]);
    ok(d, NOW, &["finalise", "ann", "s2"]);

    assert_eq!(names(&elsewhere), vec!["names.tsv"], "nothing was added where the link pointed");
    assert_eq!(fs::read(elsewhere.join("names.tsv")).unwrap(), before);
    assert!(is_real_folder(&d.join("index")), "the link is gone, a real folder in its place");
    assert!(d.join("index/state.json").is_file() && d.join("index/witness/ann-byrne").is_file());
    assert!(ok(d, NOW, &["search", "walks"]).contains("Ann Byrne"), "the rebuilt index finds the new note");
}

#[test]
fn a_linked_index_file_is_replaced_by_a_real_one_and_its_target_kept() {
    let s = scene();
    let d = &s.data;
    ann_with_a_sealed_note(d);
    let victim = s.outside.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    for f in ["state.json", "clients.log", "names.tsv", "search-recent.tsv", "witness/ann-byrne"] {
        let _ = fs::remove_file(d.join("index").join(f));
        symlink(&victim, d.join("index").join(f)).unwrap();
    }

    ok(d, NOW, &["note", "ann", "--at", "2026-11-27 09:00", "--yes", "--topic", "walks help"]);
    ok(d, NOW, &["finalise", "ann", "s2"]);
    assert!(ok(d, NOW, &["search", "walks"]).contains("Ann Byrne"));

    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    for f in ["state.json", "names.tsv", "search-recent.tsv", "witness/ann-byrne"] {
        let m = fs::symlink_metadata(d.join("index").join(f)).unwrap();
        assert!(m.file_type().is_file(), "index/{f} is a real file again");
    }
    assert!(!d.join("index/clients.log").is_symlink(), "the log's link is gone");
}

#[test]
fn summaries_changed_by_another_program_are_not_believed_after_the_next_save() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Byrne"]);
    ok(d, NOW, &["client", "add", "Bea Quill"]);
    ok(d, NOW, &["appointment", "ann", "--at", "2026-11-27 14:00"]);
    assert!(ok(d, NOW, &["agenda"]).contains("14:00  Ann Byrne"));
    // Forged, the same length, in summaries written whole (no line of the
    // log says otherwise): saved after, they must not be taken as Rapport's.
    ok(d, NOW, &["doctor", "--reindex"]);
    let path = d.join("index/clients.json");
    let forged = fs::read_to_string(&path).unwrap().replace("Ann Byrne", "Zed Forge");
    written_by_another_program(&path, forged.as_bytes());
    ok(d, NOW, &["note", "bea", "--at", "2026-11-26 10:00", "--yes", "--topic", "walks help"]);
    let agenda = ok(d, NOW, &["agenda"]);
    assert!(agenda.contains("14:00  Ann Byrne") && !agenda.contains("Zed"), "{agenda}");
    // Nor after a client is erased.
    ok(d, NOW, &["doctor", "--reindex"]);
    let forged = fs::read_to_string(&path).unwrap().replace("Ann Byrne", "Zed Forge");
    written_by_another_program(&path, forged.as_bytes());
    let out = common::rapport_at(d, NOW).args(["client", "delete", "bea"]).write_stdin("Bea Quill\n").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let agenda = ok(d, NOW, &["agenda"]);
    assert!(agenda.contains("14:00  Ann Byrne") && !agenda.contains("Zed"), "{agenda}");
}

#[test]
fn an_index_state_far_larger_than_rapport_writes_is_not_used_and_is_rebuilt() {
    let s = scene();
    let d = &s.data;
    ann_with_a_sealed_note(d);
    let state = d.join("index/state.json");
    let written = fs::read_to_string(&state).unwrap();
    assert!(written.len() < 450, "Rapport writes about 300 bytes: {written}");
    // Still valid JSON, but 100 KiB: more than a state file can be.
    fs::write(&state, format!("{written}{}", " ".repeat(100 * 1024))).unwrap();

    assert!(ok(d, NOW, &["client", "list"]).contains("Ann Byrne"));
    let now = fs::read_to_string(&state).unwrap();
    assert!(now.len() < 400, "the oversized state was damage, and was written anew: {} bytes", now.len());
}

#[test]
fn a_forged_search_line_shows_no_hit_the_clients_file_does_not_hold() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Bob Stone"]);
    ok(
        d,
        NOW,
        &[
            "note",
            "bob",
            "--at",
            "2026-11-26 10:00",
            "--yes",
            "--topic",
            "sleep diary",
            "--text",
            "a plan for the week",
        ],
    );
    assert!(ok(d, NOW, &["search", "plan"]).contains("Bob Stone · Thu 26 Nov · s1"));
    let recent = d.join("index/search-recent.tsv");
    let mut lines = fs::read_to_string(&recent).unwrap();
    lines.push_str("bob-stone\ts1\t2026-11-27\tsuicidal plan disclosed\n");
    fs::write(&recent, lines).unwrap();

    let found = ok(d, NOW, &["search", "suicidal"]);
    assert_eq!(found, "Nothing found for 'suicidal'.\n", "no word of it is in Bob's file");
    let found = ok(d, NOW, &["search", "plan"]);
    assert!(found.contains("Bob Stone · Thu 26 Nov · s1") && found.contains("a plan for the week"), "{found}");
    assert!(
        !found.contains("27 Nov") && !found.contains("today"),
        "the day shown is the note's own, not the forged line's: {found}"
    );
}

#[test]
fn a_note_changed_in_place_by_another_program_is_not_found_by_its_old_words() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Bob Stone"]);
    ok(d, NOW, &["note", "bob", "--at", "2026-11-26 10:00", "--yes", "--topic", "panic attacks at work"]);
    assert!(ok(d, NOW, &["search", "panic"]).contains("Bob Stone"));
    // Rewritten in place, as an editor may: the folder's time stays, so the index is not told.
    let path = d.join("clients/bob-stone.json");
    let text = fs::read_to_string(&path).unwrap().replace("panic attacks at work", "calmer at work");
    fs::OpenOptions::new().write(true).truncate(true).open(&path).unwrap().write_all(text.as_bytes()).unwrap();

    assert_eq!(ok(d, NOW, &["search", "panic"]), "Nothing found for 'panic'.\n");
}

#[test]
fn an_index_that_lists_a_client_with_no_file_is_not_believed() {
    let s = scene();
    let d = &s.data;
    ann_with_a_sealed_note(d);
    assert!(ok(d, NOW, &["client", "list"]).contains("Ann Byrne"));
    // A ghost written into the index by hand, the folder's time untouched.
    let path = d.join("index/clients.json");
    let mut index: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let clients = index["clients"].as_array_mut().unwrap();
    let mut ghost = clients[0].clone();
    ghost["id"] = "zed-ghost".into();
    ghost["file"] = "zed-ghost".into();
    ghost["summary"]["name"] = "Zed Ghost".into();
    clients.push(ghost);
    fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    let list = ok(d, NOW, &["client", "list"]);
    assert!(list.contains("Ann Byrne") && !list.contains("Zed"), "{list}");
    assert!(!fs::read_to_string(&path).unwrap().contains("Zed"), "the index was made again from the files");
}

/// The client list's page list and its one page, as Rapport wrote them.
fn list_files(d: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    (d.join("index/list/pages.json"), d.join("index/list/p0"))
}

#[test]
fn a_client_list_page_changed_by_hand_is_not_shown_and_the_rows_are_written_again() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Byrne"]);
    ok(d, NOW, &["client", "add", "Bea Cole"]);
    let before = ok(d, NOW, &["client", "list"]);
    let (_, page) = list_files(d);
    // A name forged in the page, and an id that would be a path outside.
    let forged = fs::read_to_string(&page).unwrap().replace("Bea Cole", "Mallory").replace("ann-byrne", "../../x");
    fs::write(&page, forged).unwrap();
    let after = ok(d, NOW, &["client", "list"]);
    assert_eq!(after, before, "the list is what the client files say");
    assert!(!after.contains("Mallory") && !after.contains("../"));
    assert!(fs::read_to_string(&page).map_or(true, |p| !p.contains("Mallory")), "the forged page is gone");
}

#[test]
fn a_forged_client_list_page_list_is_not_believed() {
    let s = scene();
    let d = &s.data;
    ok(d, NOW, &["client", "add", "Ann Byrne"]);
    let before = ok(d, NOW, &["client", "list"]);
    let (pages, page) = list_files(d);
    // A page and a page list that agree with each other (its hash), but
    // not written by Rapport: the index's state does not know them.
    let rows = r#"[{"id":"eve-x","file":"eve-x","name":"Eve X","open_tasks":0}]"#;
    fs::write(&page, rows).unwrap();
    let mut list: serde_json::Value = serde_json::from_str(&fs::read_to_string(&pages).unwrap()).unwrap();
    use sha2::Digest;
    list["pages"][0]["hash"] = hex::encode(sha2::Sha256::digest(rows.as_bytes())).into();
    list["pages"][0]["first"] = serde_json::json!(["eve x", "eve-x"]);
    fs::write(&pages, list.to_string()).unwrap();
    let after = ok(d, NOW, &["client", "list"]);
    assert_eq!(after, before);
    assert!(!after.contains("Eve X"));
}

#[test]
fn a_client_list_kept_by_saves_reads_as_one_written_whole() {
    let s = scene();
    let d = &s.data;
    for name in ["Ann Byrne", "Bea Cole", "Cai Dunn", "Dee Ennis"] {
        ok(d, NOW, &["client", "add", name]);
    }
    ok(d, NOW, &["client", "edit", "ann", "--name", "Zoe Byrne"]);
    ok(d, NOW, &["client", "edit", "cai", "--preferred", "Aby"]);
    ok(d, NOW, &["client", "archive", "dee"]);
    ok(d, NOW, &["note", "bea", "--at", "2026-11-26 10:00", "--yes", "--topic", "sleep"]);
    let kept = ok(d, NOW, &["client", "list", "--all"]);
    ok(d, NOW, &["doctor", "--reindex"]);
    assert_eq!(ok(d, NOW, &["client", "list", "--all"]), kept);
    let names: Vec<&str> = kept.lines().map(|l| l.split("  ").nth(1).unwrap_or("").trim()).collect();
    assert_eq!(names[..4], ["Bea Cole", "Cai Dunn (Aby)", "Dee Ennis", "Zoe Byrne"]);
}
