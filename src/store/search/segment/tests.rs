//! The segment's tests: words found inside words, newest first; a merge
//! equal to a build; damaged bytes refused or harmless.

use super::format::{BITMAP, HEADER, POST_KIND};
use super::*;

fn hits(seg: &Segment, pieces: &[&str]) -> Vec<(String, String)> {
    let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
    ones(&seg.matching(&pieces))
        .map(|n| {
            let (c, _, place) = seg.doc(n).unwrap();
            (seg.client(c).unwrap().to_string(), place.to_string())
        })
        .collect()
}

const LINES: &[&str] = &[
    "ana\ts1\t2026-11-02\tslept badly; a sleep diary",
    "ben\ts1\t2026-11-16\tkept a sleep diary all week",
    "ana\ts2\t2026-11-09\tthe diary helped, o'neill's self-worth",
    "ben\t-\t2026-01-01\tplays trombone",
];

#[test]
fn words_are_found_inside_any_word_newest_first() {
    let seg = Segment::parse(build(LINES.iter().copied())).unwrap();
    assert_eq!(seg.n_docs(), 4);
    let pair = |c: &str, p: &str| (c.to_string(), p.to_string());
    assert_eq!(hits(&seg, &["diary"]), vec![pair("ben", "s1"), pair("ana", "s2"), pair("ana", "s1")]);
    assert_eq!(hits(&seg, &["leep", "diary"]), vec![pair("ben", "s1"), pair("ana", "s1")]);
    assert_eq!(hits(&seg, &["o'neill"]), vec![pair("ana", "s2")]);
    assert_eq!(hits(&seg, &["f-w"]), vec![pair("ana", "s2")]);
    assert!(hits(&seg, &["walrus"]).is_empty());
    assert!(hits(&seg, &["sleep", "walrus"]).is_empty());
}

#[test]
fn a_merge_finds_what_a_build_of_the_same_notes_finds() {
    let base = Segment::parse(build(LINES.iter().copied())).unwrap();
    let added = ["ana\ts3\t2026-11-20\ta new diary entry", "cy\ts1\t2026-11-09\ttrombone lessons"];
    let merged = Segment::parse(merge(&base, |c| c == "ana", added.iter().copied())).unwrap();
    let kept = LINES.iter().copied().filter(|l| !l.starts_with("ana"));
    let built = Segment::parse(build(kept.chain(added.iter().copied()))).unwrap();
    for q in [&["diary"][..], &["trombone"], &["sleep", "diary"], &["e"], &["self"]] {
        assert_eq!(hits(&merged, q), hits(&built, q), "{q:?}");
    }
    assert_eq!(merged.bytes, built.bytes);
}

#[test]
fn damaged_bytes_are_refused_or_harmless() {
    let good = build(LINES.iter().copied());
    assert!(Segment::parse(good[..good.len() - 1].to_vec()).is_none());
    assert!(Segment::parse(b"garbage".to_vec()).is_none());
    // Every byte of the body flipped in turn: parsing and querying never panic.
    for i in HEADER..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0xff;
        if let Some(seg) = Segment::parse(bad) {
            let _ = hits_unchecked(&seg);
        }
    }
}

fn hits_unchecked(seg: &Segment) -> usize {
    ones(&seg.matching(&["diary".into()])).filter_map(|n| seg.doc(n)).filter_map(|(c, ..)| seg.client(c)).count()
}

#[test]
fn a_word_in_most_notes_is_kept_as_a_bitmap() {
    let lines: Vec<String> = (0..200).map(|i| format!("c{i:03}\ts1\t2026-11-02\tthe sleep {i}")).collect();
    let seg = Segment::parse(build(lines.iter().map(String::as_str))).unwrap();
    assert!(seg.section(POST_KIND).contains(&BITMAP));
    assert_eq!(ones(&seg.matching(&["the".into()])).count(), 200);
    assert_eq!(ones(&seg.matching(&["the".into(), "17".into()])).count(), 12, "17, 117 and 170 to 179");
}
