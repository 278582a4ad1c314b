//! The search index read a block at a time, through the real binary: an
//! encrypted practice's index names no word and no client; a damaged or
//! forged block is rebuilt from the client files, never trusted; an index
//! in the format before is rebuilt.

mod common;

use std::fs;
use std::path::Path;

use common::encrypted::{self, PASS};
use common::{ok, scene, written_by_another_program};

const NOW: &str = "2026-11-27 09:35";

/// Two clients, each with a note of words of their own.
fn two_clients(d: &Path, pass: Option<&str>) {
    let run = |args: &[&str]| encrypted::run_at(d, NOW, pass, args);
    for args in [
        &["client", "add", "Ann Byrne"][..],
        &["client", "add", "Bea Quill"],
        &["note", "ann", "--at", "2026-11-26 10:00", "--yes", "--topic", "marmalade sandwiches at the allotment"],
        &["note", "bea", "--at", "2026-11-26 11:00", "--yes", "--topic", "trombone lessons and the allotment"],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn search(d: &Path, pass: Option<&str>, words: &str) -> String {
    let out = encrypted::run_at(d, NOW, pass, &["search", words]);
    assert!(out.status.success(), "search {words}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Where each block of the segment lies: the directory runs from the end
/// of the head to the first block.
fn blocks(seg: &[u8]) -> Vec<std::ops::Range<usize>> {
    let directory = 12 + u32::from_le_bytes(seg[8..12].try_into().unwrap()) as usize;
    let entry = |i: usize| {
        let e = &seg[directory + i * 12..directory + i * 12 + 12];
        let at = u64::from_le_bytes(e[..8].try_into().unwrap()) as usize;
        at..at + u32::from_le_bytes(e[8..].try_into().unwrap()) as usize
    };
    let n = (entry(0).start - directory) / 12;
    (0..n).map(entry).collect()
}

#[test]
fn an_encrypted_practices_search_index_names_no_word_and_no_client() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    encrypted::ok(d, Some(PASS), &["encrypt", "--yes"]);
    // Encrypting drops the index: the search builds it anew, encrypted.
    assert!(!d.join("index/search.seg").exists());
    assert!(search(d, Some(PASS), "marmalade").contains("Ann Byrne"));
    let seg = fs::read(d.join("index/search.seg")).unwrap();
    assert!(seg.starts_with(b"RAPSEG02"));
    // Five bytes or more: a shorter string turns up in random bytes by chance.
    for plain in ["marmalade", "sandwiches", "allotment", "trombone", "ann-byrne", "bea-quill", "Byrne"] {
        assert!(memchr::memmem::find(&seg, plain.as_bytes()).is_none(), "{plain:?} is in the index in plain");
    }
    assert!(blocks(&seg).len() > 3, "a dictionary, buckets and notes, each sealed on its own");
}

#[test]
fn a_damaged_block_of_an_encrypted_index_is_rebuilt_not_trusted() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    encrypted::ok(d, Some(PASS), &["encrypt", "--yes"]);
    search(d, Some(PASS), "allotment");
    let path = d.join("index/search.seg");
    let good = fs::read(&path).unwrap();
    // One bit of each block in turn: the search answers as before, from an
    // index rebuilt in its place.
    for (i, block) in blocks(&good).into_iter().enumerate() {
        let mut bad = good.clone();
        bad[block.end - 1] ^= 1;
        fs::write(&path, &bad).unwrap();
        let found = search(d, Some(PASS), "allotment");
        assert!(found.contains("Ann Byrne") && found.contains("Bea Quill"), "block {i}: {found}");
        assert!(search(d, Some(PASS), "trombone").contains("Bea Quill"), "block {i}");
        let now = fs::read(&path).unwrap();
        if now == bad {
            // A query reads only its words' buckets and the notes it shows:
            // this block was none of them, and another query may need it.
            let everything = search(d, Some(PASS), "a");
            assert!(everything.contains("Ann Byrne") && everything.contains("Bea Quill"), "{everything}");
        }
    }
    // A block moved from another build of the same notes, sealed with the
    // same key: refused, as it names another index.
    let seg = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    search(d, Some(PASS), "allotment");
    let other = fs::read(&path).unwrap();
    let (mine, theirs) = (blocks(&seg)[0].clone(), blocks(&other)[0].clone());
    assert_eq!(mine.len(), theirs.len());
    let mut spliced = seg.clone();
    spliced[mine].copy_from_slice(&other[theirs]);
    fs::write(&path, &spliced).unwrap();
    assert!(search(d, Some(PASS), "marmalade").contains("Ann Byrne"));
    assert_ne!(fs::read(&path).unwrap(), spliced, "rebuilt");
}

#[test]
fn recent_search_lines_taken_away_by_another_program_make_the_index_rebuilt_not_blind() {
    for pass in [None, Some(encrypted::PASS)] {
        let s = scene();
        let d = &s.data;
        two_clients(d, None);
        if pass.is_some() {
            encrypted::ok(d, pass, &["encrypt", "--yes"]);
        }
        // The notes saved since the index was built are in the recent lines.
        let run = |args: &[&str]| encrypted::run_at(d, NOW, pass, args);
        assert!(run(&["doctor", "--reindex"]).status.success());
        assert!(
            run(&["note", "ann", "--at", "2026-11-26 12:00", "--yes", "--topic", "zebra crossing"]).status.success()
        );
        fs::remove_file(d.join("index/search-recent.tsv")).unwrap();
        let found = search(d, pass, "zebra");
        assert!(found.contains("Ann Byrne"), "{pass:?}: {found}");
    }
}

#[test]
fn recent_search_lines_emptied_or_replaced_by_another_program_hide_no_note() {
    for pass in [None, Some(encrypted::PASS)] {
        for damage in ["emptied", "another file's", "an older copy"] {
            let s = scene();
            let d = &s.data;
            two_clients(d, None);
            if pass.is_some() {
                encrypted::ok(d, pass, &["encrypt", "--yes"]);
            }
            let run = |args: &[&str]| {
                let out = encrypted::run_at(d, NOW, pass, args);
                assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            };
            // Every note in the segment; then one saved since, in the recent lines.
            run(&["doctor", "--reindex"]);
            run(&["note", "ann", "--at", "2026-11-26 12:00", "--yes", "--topic", "zebra crossing"]);
            let recent = d.join("index/search-recent.tsv");
            let older = fs::read(&recent).unwrap();
            run(&["note", "bea", "--at", "2026-11-26 13:00", "--yes", "--topic", "quokka selfies"]);
            let bytes = match damage {
                "emptied" => Vec::new(),
                "another file's" => fs::read(d.join("index/names.tsv")).unwrap(),
                _ => older,
            };
            written_by_another_program(&recent, &bytes);
            let found = search(d, pass, "quokka");
            assert!(found.contains("Bea Quill · "), "{pass:?}, {damage}: {found}");
            let found = search(d, pass, "zebra");
            assert!(found.contains("Ann Byrne · "), "{pass:?}, {damage}: {found}");
            let found = search(d, pass, "allotment");
            assert!(found.contains("Ann Byrne") && found.contains("Bea Quill"), "{pass:?}, {damage}: {found}");
        }
    }
}

#[test]
fn a_byte_flipped_in_a_client_id_of_the_plain_search_index_is_not_believed() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    // Every note in the segment, none in the recent lines.
    ok(d, NOW, &["doctor", "--reindex"]);
    let before = search(d, None, "allotment");
    assert!(before.contains("Ann Byrne") && before.contains("Bea Quill"), "{before}");
    let path = d.join("index/search.seg");
    let good = fs::read(&path).unwrap();
    // The notes are the last block: it names each note's client.
    let notes = blocks(&good).pop().unwrap();
    let at = notes.start + memchr::memmem::find(&good[notes], b"ann-byrne").expect("the notes name their client");
    let mut bad = good.clone();
    bad[at] ^= 1;
    written_by_another_program(&path, &bad);
    assert_eq!(search(d, None, "allotment"), before, "the same hits, and nothing else");
    assert_eq!(fs::read(&path).unwrap(), good, "built again, the same bytes");
    assert_eq!(search(d, None, "marmalade"), ok(d, NOW, &["search", "marmalade", "--client", "ann"]));
}

#[test]
fn a_cut_short_plain_index_is_rebuilt() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    // Every note in the segment, none in the recent lines.
    ok(d, NOW, &["doctor", "--reindex"]);
    let path = d.join("index/search.seg");
    let good = fs::read(&path).unwrap();
    fs::write(&path, &good[..good.len() - 8]).unwrap();
    let found = search(d, None, "allotment");
    assert!(found.contains("Ann Byrne") && found.contains("Bea Quill"), "{found}");
    assert_eq!(fs::read(&path).unwrap(), good, "built again, the same bytes");
}

#[test]
fn a_search_index_in_the_format_before_is_rebuilt() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    search(d, None, "allotment");
    // An empty segment as the format before wrote it (its magic, four
    // counts of none, the ends of its eleven sections): read as it was, it
    // would find nothing.
    let mut old = b"RAPSEG01".to_vec();
    old.extend([0u8; 16]);
    let ends = [4u64, 4, 4, 4, 8, 8, 12, 12, 20, 20, 20];
    let header = 24 + 11 * 8;
    for end in ends {
        old.extend((header + end).to_le_bytes());
    }
    old.resize(header as usize + 20, 0);
    fs::write(d.join("index/search.seg"), &old).unwrap();
    assert!(search(d, None, "marmalade").contains("Ann Byrne"), "the old index was rebuilt");
    assert!(fs::read(d.join("index/search.seg")).unwrap().starts_with(b"RAPSEG02"));

    // And an index whose state names the version before is rebuilt whole.
    let state = d.join("index/state.json");
    let mut json: serde_json::Value = serde_json::from_slice(&fs::read(&state).unwrap()).unwrap();
    json["version"] = 9.into();
    fs::write(&state, json.to_string()).unwrap();
    fs::write(d.join("index/search.seg"), &old).unwrap();
    assert!(ok(d, NOW, &["search", "trombone"]).contains("Bea Quill"));
}

#[test]
fn a_hit_names_its_client_from_their_own_file_not_from_the_index() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    search(d, None, "marmalade");
    // A forged list of names, well-formed: no search reads it.
    let names = d.join("index/names.tsv");
    let forged = fs::read_to_string(&names).unwrap().replace("Ann Byrne", "Zed Forger");
    assert!(forged.contains("Zed Forger"));
    fs::write(&names, forged).unwrap();
    let found = search(d, None, "marmalade");
    assert!(found.contains("Ann Byrne") && !found.contains("Zed"), "{found}");
    let found = ok(d, NOW, &["search", "allotment", "--client", "bea"]);
    assert!(found.contains("Bea Quill") && !found.contains("Ann Byrne"), "{found}");
}

#[test]
fn a_names_file_emptied_by_another_program_still_finds_every_client_by_name() {
    let s = scene();
    let d = &s.data;
    two_clients(d, None);
    fs::write(d.join("index/names.tsv"), "").unwrap();
    let said = ok(d, NOW, &["note", "bea", "--at", "2026-11-26 12:00", "--yes", "--topic", "lynx"]);
    assert!(said.contains("Bea Quill"), "{said}");
    let e = common::fails(d, NOW, &["review", "nobody"]);
    assert!(e.contains("no client matches 'nobody'"), "{e}");
}
