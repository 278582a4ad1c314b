//! The segment's tests: words found inside words, newest first; a merge
//! equal to a build; damaged bytes refused or harmless; an encrypted
//! segment names no word and opens only with its key.

use std::sync::Arc;

use chrono::NaiveDate;

use super::*;
use crate::store::crypt::{Keys, SharedKeys};

fn open(bytes: Vec<u8>, keys: SharedKeys) -> Option<Segment> {
    Segment::open(Source::Bytes(bytes), keys)
}

fn plain(lines: &[&str]) -> Segment {
    open(build(lines.iter().copied(), None).unwrap(), None).unwrap()
}

fn hits(seg: &Segment, pieces: &[&str]) -> Vec<(String, String)> {
    let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
    ones(&seg.matching(&pieces).unwrap())
        .map(|n| {
            let (client, _, place) = seg.doc(n).unwrap();
            (client, place)
        })
        .collect()
}

const LINES: &[&str] = &[
    "ana\ts1\t2026-11-02\tslept badly; a sleep diary",
    "ben\ts1\t2026-11-16\tkept a sleep diary all week",
    "ana\ts2\t2026-11-09\tthe diary helped, o'neill's self-worth",
    "ben\t-\t2026-01-01\tplays trombone",
];

fn pair(c: &str, p: &str) -> (String, String) {
    (c.to_string(), p.to_string())
}

#[test]
fn words_are_found_inside_any_word_newest_first() {
    let seg = plain(LINES);
    assert_eq!(seg.n_docs(), 4);
    assert_eq!(hits(&seg, &["diary"]), vec![pair("ben", "s1"), pair("ana", "s2"), pair("ana", "s1")]);
    assert_eq!(hits(&seg, &["leep", "diary"]), vec![pair("ben", "s1"), pair("ana", "s1")]);
    assert_eq!(hits(&seg, &["o'neill"]), vec![pair("ana", "s2")]);
    assert_eq!(hits(&seg, &["f-w"]), vec![pair("ana", "s2")]);
    assert!(hits(&seg, &["walrus"]).is_empty());
    assert!(hits(&seg, &["sleep", "walrus"]).is_empty());
}

#[test]
fn a_clients_notes_are_postings_of_their_own() {
    let seg = plain(LINES);
    let of = |ids: &[&str]| ones(&seg.of_clients(ids.iter().copied()).unwrap()).collect::<Vec<_>>();
    assert_eq!(of(&["ben"]), vec![0, 3]);
    assert_eq!(of(&["ana", "ben"]), vec![0, 1, 2, 3]);
    assert!(of(&["cy"]).is_empty(), "a client with no notes here");
}

#[test]
fn a_merge_finds_what_a_build_of_the_same_notes_finds() {
    let base = plain(LINES);
    let added = ["ana\ts3\t2026-11-20\ta new diary entry", "cy\ts1\t2026-11-09\ttrombone lessons"];
    let merged = merge(&base, |c| c == "ana", added.iter().copied(), None).unwrap().unwrap();
    let kept = LINES.iter().copied().filter(|l| !l.starts_with("ana"));
    let built = build(kept.chain(added.iter().copied()), None).unwrap();
    assert_eq!(merged, built, "a plain segment is the same bytes for the same notes");
    let (merged, built) = (open(merged, None).unwrap(), open(built, None).unwrap());
    for q in [&["diary"][..], &["trombone"], &["sleep", "diary"], &["e"], &["self"]] {
        assert_eq!(hits(&merged, q), hits(&built, q), "{q:?}");
    }
}

#[test]
fn damaged_bytes_are_refused_or_harmless() {
    let good = build(LINES.iter().copied(), None).unwrap();
    assert!(open(good[..good.len() - 1].to_vec(), None).is_none_or(|s| s.docs().is_none()));
    assert!(open(b"garbage".to_vec(), None).is_none());
    // Every byte flipped in turn: opening and querying never panic.
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0xff;
        if let Some(seg) = open(bad, None) {
            let _ = seg.matching(&["diary".into()]).map(|bits| ones(&bits).filter_map(|n| seg.doc(n)).count());
            let _ = seg.of_clients(["ana"].into_iter());
            let _ = seg.docs();
        }
    }
}

#[test]
fn a_word_in_most_notes_is_kept_as_a_bitmap() {
    let lines: Vec<String> = (0..200).map(|i| format!("c{i:03}\ts1\t2026-11-02\tthe sleep {i}")).collect();
    let docs = (0..200).map(|i| (format!("c{i:03}"), NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), "s1".into()));
    let encoder = write::Encoder::new(docs.collect());
    let every: Vec<u32> = (0..200).collect();
    assert_eq!(encoder.encode(&every)[0], format::BITMAP);
    assert_eq!(encoder.encode(&every).len(), 1 + 200usize.div_ceil(64) * 8, "not 800 bytes of a list");
    assert_eq!(encoder.encode(&[3, 17])[0], format::LIST);
    let seg = plain(&lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(ones(&seg.matching(&["the".into()]).unwrap()).count(), 200);
    assert_eq!(ones(&seg.matching(&["the".into(), "17".into()]).unwrap()).count(), 12, "17, 117 and 170 to 179");
}

fn keys() -> SharedKeys {
    Some(Arc::new(Keys::generate().unwrap()))
}

#[test]
fn an_encrypted_segment_holds_no_word_or_client_in_plain_and_opens_only_with_its_key() {
    let k = keys();
    // Ids and words of five bytes or more: a shorter string turns up in
    // random bytes by chance.
    let lines = ["annabel\ts1\t2026-11-02\tslept badly; a sleep diary", "benedict\ts1\t2026-11-16\tplays trombone"];
    let bytes = build(lines.iter().copied(), k.as_deref()).unwrap();
    for plain in ["annabel", "benedict", "diary", "trombone", "sleep", "badly"] {
        assert!(memchr::memmem::find(&bytes, plain.as_bytes()).is_none(), "{plain} is in the file");
    }
    let seg = open(bytes.clone(), k.clone()).unwrap();
    assert_eq!(hits(&seg, &["diary"]), vec![pair("annabel", "s1")]);
    assert!(open(bytes.clone(), keys()).is_none(), "another practice's key opens nothing");
    assert!(open(bytes, None).is_none(), "nor does none");
}

#[test]
fn a_forged_or_moved_block_of_an_encrypted_segment_is_refused() {
    let k = keys();
    let good = build(LINES.iter().copied(), k.as_deref()).unwrap();
    // Every byte after the head flipped in turn: what a query reads is
    // refused (None), or the same as before (a block no query reads).
    let head_end = 12 + u32::from_le_bytes(good[8..12].try_into().unwrap()) as usize;
    let read = |seg: &Segment| {
        let mut terms = Vec::new();
        let all_terms = seg.for_each_term(|t, list| terms.push((t.to_string(), list.to_vec())));
        (
            seg.matching(&["diary".into()]),
            seg.docs(),
            all_terms.map(|()| terms),
            seg.of_clients(["ana", "ben"].into_iter()),
        )
    };
    let before = read(&open(good.clone(), k.clone()).unwrap());
    for i in head_end..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        let after = read(&open(bad, k.clone()).unwrap());
        let refused = after.0.is_none() || after.1.is_none() || after.2.is_none() || after.3.is_none();
        assert!(refused || after == before, "byte {i} changed what a query reads");
    }
    // The dictionary of another build of the same notes, in its place:
    // as long, sealed by the same key, but for another index.
    let other = build(LINES.iter().copied(), k.as_deref()).unwrap();
    let first_block = |b: &[u8]| {
        let at = u64::from_le_bytes(b[head_end..head_end + 8].try_into().unwrap()) as usize;
        at..at + u32::from_le_bytes(b[head_end + 8..head_end + 12].try_into().unwrap()) as usize
    };
    assert_eq!(first_block(&good), first_block(&other));
    let mut spliced = good.clone();
    spliced[first_block(&good)].copy_from_slice(&other[first_block(&other)]);
    assert_ne!(spliced, good);
    let seg = open(spliced, k).unwrap();
    assert!(seg.matching(&["diary".into()]).is_none(), "a block of another build does not open here");
    assert!(seg.docs().is_some(), "the rest does");
}

#[test]
fn a_head_claiming_more_notes_than_the_file_holds_is_refused() {
    let good = build(LINES.iter().copied(), None).unwrap();
    let n_docs_at = 12 + 16;
    // A billion notes, and the blocks of notes to match.
    let mut forged = good.clone();
    forged[n_docs_at..n_docs_at + 4].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    forged[n_docs_at + 12..n_docs_at + 16].copy_from_slice(&1_000_000_000u32.div_ceil(1024).to_le_bytes());
    // Long enough for the directory of that many blocks, far too short for
    // the notes: a set of a billion notes (125 MB) is never made.
    forged.resize(good.len() + 1_000_000_000usize.div_ceil(1024) * 12, 0);
    assert!(open(forged, None).is_none());
    assert!(open(good, None).is_some());
}

#[test]
fn a_segment_built_a_client_at_a_time_in_any_order_is_the_one_built_at_once() {
    let mut lines: Vec<&str> = LINES.to_vec();
    // Two notes of one client on one day keep their order.
    lines.push("cem\ts1\t2026-11-16\tfirst of the day, trombone");
    lines.push("cem\ts2\t2026-11-16\tsecond of the day, sleep");
    let whole = build(lines.iter().copied(), None).unwrap();
    for order in [["cem", "ben", "ana"], ["ben", "ana", "cem"]] {
        let mut b = Builder::default();
        for client in order {
            b.add(lines.iter().copied().filter(|l| l.starts_with(&format!("{client}\t"))));
        }
        assert_eq!(b.finish(None).unwrap(), whole, "added {order:?}");
    }
    let seg = plain(&lines);
    assert_eq!(hits(&seg, &["day"]), [pair("cem", "s1"), pair("cem", "s2")]);
}
