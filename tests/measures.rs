//! Outcome and alliance measures through the real binary: recording them
//! after a session, every refusal, the file they live in, and the review
//! that reads them.

mod common;

use std::path::Path;

use common::{fails, file, ok};

const MONDAY: &str = "2026-11-23 09:35";

fn practice() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), MONDAY, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    ok(d.path(), MONDAY, &["note", "maria", "--at", "2026-11-16 10:00", "--yes", "--topic", "work"]);
    d
}

fn add(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["measure", "add", "maria"];
    all.extend_from_slice(args);
    ok(dir, MONDAY, &all)
}

fn bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("clients/maria-lopez.json")).unwrap()
}

#[test]
fn scores_typed_after_a_session_are_added_up_and_kept_with_the_note() {
    let d = practice();
    let out = add(d.path(), &["ORS", "6", "6.5", "7", "6", "--session", "s1"]);
    assert_eq!(out, "Recorded ORS m1 for Maria Lopez: 25.5 (non-clinical range), 2026-11-16 10:00.\n");
    add(d.path(), &["phq-9", "1", "1", "2", "1", "0", "1", "1", "0", "0"]);
    let f = file(d.path(), "maria-lopez");
    assert_eq!(f["schema_version"], rapport::domain::SCHEMA_VERSION);
    assert_eq!(f["measures"][0]["kind"], "ors");
    assert_eq!(f["measures"][0]["items"], serde_json::json!([6, 6.5, 7, 6]));
    assert_eq!(f["measures"][0]["total"], 25.5);
    assert_eq!(f["measures"][0]["session"], "s1");
    assert_eq!(f["measures"][1]["kind"], "phq-9");
    assert_eq!(f["measures"][1]["at"], "2026-11-23T09:35:00", "no --at and no --session: now");

    let list = ok(d.path(), MONDAY, &["measure", "list", "mari"]);
    assert_eq!(
        list,
        "m1   2026-11-16 10:00  ORS      25.5  non-clinical range   6 6.5 7 6  (s1)\n\
         m2   2026-11-23 09:35  PHQ-9       7  mild                 1 1 2 1 0 1 1 0 0\n"
    );
    let json = ok(d.path(), MONDAY, &["measure", "list", "maria", "--kind", "PHQ9", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!((json[0]["id"].as_str(), json[0]["band"].as_str()), (Some("m2"), Some("mild")));
    assert_eq!(ok(d.path(), MONDAY, &["measure", "list", "maria", "--kind", "gad7"]), "No GAD-7 scores yet.\n");

    // m1 belongs to note s1, final since it was written a week back: it
    // stays; m2, taken today with no note, can go.
    let e = fails(d.path(), MONDAY, &["measure", "remove", "maria", "m1"]);
    assert!(e.contains("m1 belongs to note s1, which is final: its scores stay with it"), "{e}");
    let out = ok(d.path(), MONDAY, &["measure", "remove", "maria", "m2"]);
    assert_eq!(out, "Removed PHQ-9 m2 (2026-11-23 09:35, total 7) from Maria Lopez's record.\n");
    assert!(!ok(d.path(), MONDAY, &["measure", "list", "maria"]).contains("PHQ-9"));
}

#[test]
fn every_wrong_score_is_refused_naming_the_item_and_nothing_is_written() {
    let d = practice();
    add(d.path(), &["ORS", "5", "5", "5", "5", "--session", "s1"]);
    let before = bytes(d.path());
    let refusals: &[(&[&str], &str)] = &[
        (&["ORS", "6", "6", "6"], "ORS takes 4 item scores; 3 were given"),
        (&["ORS", "6", "6", "6", "6", "6"], "ORS takes 4 item scores; 5 were given"),
        (&["ORS", "6", "10.5", "6", "6"], "ORS item 2 (Interpersonally) is 10.5; it takes 0 to 10"),
        (&["srs", "9", "9", "9", "-1"], "SRS item 4: '-1' is not a score"),
        (&["srs", "9", "9", "9,5", "9"], "SRS item 3: '9,5' is not a score; write a decimal with a point: 9.5"),
        (&["srs", "9", "9", "9.25", "9"], "SRS item 3: '9.25' is not a score"),
        (
            &["PHQ9", "0", "0", "0", "0", "0", "0", "0", "0", "4"],
            "PHQ-9 item 9 (thoughts of self-harm) is 4; it takes whole numbers 0 to 3",
        ),
        (
            &["GAD-7", "1", "1", "1.5", "1", "1", "1", "1"],
            "GAD-7 item 3 (worrying too much) is 1.5; it takes whole numbers",
        ),
        (&["BDI", "3"], "'BDI' is not a measure Rapport knows: ORS, SRS, PHQ-9, GAD-7"),
        (&["ORS", "6", "6", "6", "6", "--session", "s9"], "there is no note s9 for this client"),
        (
            &["ORS", "6", "6", "6", "6", "--session", "s1"],
            "note s1 already has its ORS scores (m1); remove those first",
        ),
        (
            &["ORS", "6", "6", "6", "6", "--at", "2026-11-16 10:00"],
            "ORS scores were already taken at 2026-11-16 10:00 (m1)",
        ),
        (&["ORS", "6", "6", "6", "6", "--at", "2026-11-30 10:00"], "a measure is recorded once it is taken"),
        (&["ORS", "6", "6", "6", "6", "--at", "yesterday"], "needs a date and a time"),
    ];
    for (args, expected) in refusals {
        let mut all = vec!["measure", "add", "maria"];
        all.extend_from_slice(args);
        let err = fails(d.path(), MONDAY, &all);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(bytes(d.path()), before, "{args:?} changed the file");
    }
    let err = fails(d.path(), MONDAY, &["measure", "add", "maria", "ORS"]);
    assert!(err.contains("required"), "{err}");
    let err = fails(d.path(), MONDAY, &["measure", "remove", "maria", "m7"]);
    assert!(err.contains("there is no measure m7 for this client"), "{err}");
    let err = fails(d.path(), MONDAY, &["measure", "list", "maria", "--kind", "bdi"]);
    assert!(err.contains("'bdi' is not a measure"), "{err}");
    let err = fails(d.path(), MONDAY, &["measure", "add", "nobody", "ORS", "1", "1", "1", "1"]);
    assert!(err.contains("no client matches 'nobody'"), "{err}");
    assert_eq!(bytes(d.path()), before);
}

#[test]
fn a_new_score_that_raises_a_warning_says_so_at_once() {
    let d = practice();
    let out = add(d.path(), &["SRS", "9", "9", "9", "9"]);
    assert!(out.ends_with("Warning: alliance: last SRS 36, ask how the sessions feel\n"), "{out}");
    let list = ok(d.path(), MONDAY, &["client", "list"]);
    assert!(list.contains("!! alliance: last SRS 36, ask how the sessions feel"), "{list}");
    let out = add(d.path(), &["SRS", "9", "9", "9", "9.1", "--at", "2026-11-23 09:00"]);
    assert!(!out.contains("Warning"), "36.1 is no concern: {out}");
    let out = add(d.path(), &["PHQ-9", "0", "0", "0", "0", "0", "0", "0", "0", "1"]);
    assert!(out.contains("Warning: check risk: PHQ-9 item 9 scored 1 on 23 Nov"), "{out}");
}

#[test]
fn a_custom_measure_from_the_settings_is_scored_and_travels_with_the_file() {
    let d = practice();
    let config = r#"{"measures": [{"name": "CORE-10", "items": 10, "item_max": 4, "higher_is": "worse",
                     "cutoff": 11, "reliable_change": 6}]}"#;
    std::fs::write(d.path().join("config.json"), config).unwrap();
    let out = add(d.path(), &["core10", "2", "2", "2", "2", "2", "2", "1", "1", "1", "1", "--at", "2026-11-16 10:00"]);
    assert!(out.contains("Recorded CORE-10 m1 for Maria Lopez: 16 (clinical range)"), "{out}");
    let err = fails(
        d.path(),
        MONDAY,
        &["measure", "add", "maria", "core-10", "5", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
    );
    assert!(err.contains("CORE-10 item 1 is 5; it takes whole numbers 0 to 4"), "{err}");
    // The settings lose it; the client's file still knows what it was.
    std::fs::remove_file(d.path().join("config.json")).unwrap();
    add(d.path(), &["CORE-10", "1", "1", "1", "1", "0", "0", "0", "0", "0", "0"]);
    assert_eq!(file(d.path(), "maria-lopez")["scales"][0]["name"], "CORE-10");
    let review = ok(d.path(), MONDAY, &["review", "maria"]);
    assert!(review.contains("CORE-10 16 → 4 (non-clinical range): recovered  █▁"), "{review}");
}

#[test]
fn a_settings_file_with_a_bad_custom_measure_is_refused_by_name() {
    let d = practice();
    for (config, expected) in [
        (
            r#"{"measures": [{"name": "PHQ 9", "items": 9, "item_max": 3, "higher_is": "worse"}]}"#,
            "cannot name a custom",
        ),
        (
            r#"{"measures": [{"name": "X", "items": 500, "item_max": 3, "higher_is": "worse"}]}"#,
            "the number of items of X is 500",
        ),
        (r#"{"measures": [{"name": "X", "items": 5, "item_max": 3, "higher_is": "up"}]}"#, "unknown variant"),
    ] {
        std::fs::write(d.path().join("config.json"), config).unwrap();
        let err = fails(d.path(), MONDAY, &["measure", "list", "maria"]);
        assert!(err.contains("config.json") && err.contains(expected), "{config}: {err}");
    }
}

#[test]
fn a_format_3_file_is_read_and_written_back_in_the_current_format_with_its_measures() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("clients")).unwrap();
    std::fs::set_permissions(d.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let v3 = serde_json::json!({
        "schema_version": 3,
        "client": {"id": "ann-byrne", "name": "Ann Byrne", "created": "2026-11-01"},
        "sessions": [{"id": "s1", "at": "2026-11-16T10:00:00", "minutes": 50, "topics": ["work"]}],
        "appointments": [{"id": "a1", "start": "2026-11-16T10:00:00", "minutes": 50, "note": "s1"}]
    });
    std::fs::write(d.path().join("clients/ann-byrne.json"), serde_json::to_vec_pretty(&v3).unwrap()).unwrap();
    assert_eq!(
        ok(d.path(), MONDAY, &["measure", "list", "ann"]).lines().next(),
        Some("No measures yet. `rapport measure add CLIENT ORS 6 6.5 7 6` records one.")
    );
    ok(d.path(), MONDAY, &["measure", "add", "ann", "gad7", "1", "1", "1", "1", "1", "1", "1", "--session", "s1"]);
    let f = file(d.path(), "ann-byrne");
    assert_eq!(f["schema_version"], rapport::domain::SCHEMA_VERSION);
    assert_eq!(f["sessions"][0]["topics"], v3["sessions"][0]["topics"], "the note is as it was");
    assert_eq!(f["appointments"][0]["note"], "s1");
    assert_eq!(f["measures"][0]["total"], 7);
}

#[test]
fn a_hand_edited_total_or_a_hostile_measure_makes_the_file_named_as_damaged() {
    let d = practice();
    add(d.path(), &["ORS", "5", "5", "5", "5"]);
    let path = d.path().join("clients/maria-lopez.json");
    let good: serde_json::Value = file(d.path(), "maria-lopez");
    for (field, value, expected) in [
        ("total", serde_json::json!(35), "measure m1 has the total 35, but its items add up to 20"),
        ("items", serde_json::json!([5, 5, 5, 25]), "ORS item 4 (Overall) is 25"),
        ("items", serde_json::json!([5, 5, 5, -5]), "score from 0"),
        ("items", serde_json::json!([5, 5, 5, 1e300]), "score from 0"),
        ("kind", serde_json::json!("\u{1b}]0;pwned\u{7}"), "is not one Rapport writes"),
    ] {
        let mut bad = good.clone();
        bad["measures"][0][field] = value;
        std::fs::write(&path, serde_json::to_vec_pretty(&bad).unwrap()).unwrap();
        let err = fails(d.path(), MONDAY, &["measure", "list", "maria"]);
        assert!(err.contains(expected), "{field}: {err}");
        assert!(!err.contains('\u{1b}'), "an escape in a file reaches no terminal: {err:?}");
    }
}

#[test]
fn the_next_review_shows_the_trend_its_meaning_and_the_warnings_at_the_top() {
    let d = practice();
    ok(d.path(), MONDAY, &["note", "maria", "--at", "2026-11-09 10:00", "--yes", "--topic", "sleep"]);
    ok(d.path(), MONDAY, &["appointment", "maria", "--at", "2026-11-23 10:00"]);
    let before = ok(d.path(), MONDAY, &["review", "maria"]);
    assert!(!before.contains("Measures") && !before.contains("!!"), "no measures, no section: {before}");

    add(d.path(), &["ORS", "4", "5", "5", "5", "--at", "2026-11-09 10:00"]);
    add(d.path(), &["ORS", "6", "6.5", "7", "6", "--session", "s1"]);
    add(d.path(), &["SRS", "10", "9.5", "9.5", "9", "--at", "2026-11-09 10:00"]);
    add(d.path(), &["SRS", "9", "8.5", "8.5", "8", "--session", "s1"]);
    add(d.path(), &["PHQ9", "2", "2", "2", "2", "1", "1", "1", "1", "1", "--at", "2026-11-09 10:00"]);
    add(d.path(), &["PHQ9", "1", "1", "1", "1", "1", "1", "1", "1", "0", "--session", "s1"]);
    // Taken after the start of the appointment being reviewed: not in its review.
    ok(d.path(), "2026-11-23 11:00", &["measure", "add", "maria", "GAD7", "3", "3", "3", "3", "3", "3", "3"]);

    let review = ok(d.path(), MONDAY, &["review", "maria"]);
    let lines: Vec<&str> = review.lines().collect();
    assert_eq!(
        lines[2..6],
        [
            "",
            "!! alliance: last SRS 34, ask how the sessions feel",
            "!! alliance: SRS fell 38 → 34 since 9 Nov, ask what changed",
            "",
        ],
        "{review}"
    );
    let measures = review.split("Measures\n").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(
        measures,
        "  + ORS 19 → 25.5 (non-clinical range): recovered  ▁█\n  \
         ! SRS 38 → 34 (alliance concern)  ▇▂\n  \
         - PHQ-9 13 → 8 (mild, under caseness 10): no reliable change  ▇▂",
        "{review}"
    );
    assert!(review.find("They told you").unwrap() < review.find("Measures").unwrap());
    assert!(review.find("Measures").unwrap() < review.find("Tasks to check").unwrap());
    assert!(!review.contains("GAD-7"), "{review}");

    let json: serde_json::Value = serde_json::from_str(&ok(d.path(), MONDAY, &["review", "maria", "--json"])).unwrap();
    assert_eq!(json["measures"][0]["change"]["reading"], "recovered");
    assert_eq!(json["measures"][0]["band"], "non-clinical range");
    assert_eq!(json["measures"][2]["change"]["by"], -5);
    let kinds: Vec<&str> = json["flags"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["alliance_low", "alliance_drop"]);

    let later = ok(d.path(), "2026-11-30 09:00", &["review", "maria"]);
    assert!(
        later.contains("- GAD-7 21 (severe, at or over caseness 8)\n"),
        "one GAD-7: no change, no sparkline: {later}"
    );
}

#[test]
fn an_srs_item_under_9_gets_a_word_in_the_review_though_the_total_is_fine() {
    let d = practice();
    add(d.path(), &["SRS", "10", "10", "8.5", "10", "--session", "s1"]);
    let review = ok(d.path(), MONDAY, &["review", "maria"]);
    assert!(review.contains("  - SRS 38.5 (no alliance concern)\n"), "{review}");
    assert!(review.contains("  ! SRS under 9, worth a word: Approach or method 8.5\n"), "{review}");
    assert!(!review.contains("!!"), "no flag: {review}");
}

#[test]
fn an_export_carries_every_score_and_search_finds_none() {
    let d = practice();
    add(d.path(), &["ORS", "4", "5", "5", "5", "--at", "2026-11-09 10:00"]);
    add(d.path(), &["ORS", "6", "6.5", "7", "6", "--session", "s1"]);
    let md = ok(d.path(), MONDAY, &["export", "maria"]);
    let table = md.split("## Measures\n\n").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(
        table,
        "| Taken | Measure | Item scores | Total | Band | Note |\n| --- | --- | --- | --- | --- | --- |\n\
         | 2026-11-09 10:00 | ORS | 4 5 5 5 | 19 | clinical range |  |\n\
         | 2026-11-16 10:00 | ORS | 6 6.5 7 6 | 25.5 | non-clinical range | s1 |"
    );
    assert!(
        md.contains("- ORS: latest 25.5 (non-clinical range), 19 → 25.5 since 2026-11-09: recovered; 2 taken"),
        "{md}"
    );
    assert!(md.contains("their wording is not reproduced"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(d.path(), MONDAY, &["export", "maria", "--format", "json"])).unwrap();
    assert_eq!(json["measures"][1]["items"], serde_json::json!([6, 6.5, 7, 6]));
    assert_eq!(json["measures"][1]["total"], 25.5);
    for words in [&["25.5"][..], &["ORS"], &["6.5"]] {
        let mut args = vec!["search"];
        args.extend_from_slice(words);
        assert!(ok(d.path(), MONDAY, &args).starts_with("Nothing found"), "{words:?} found a score");
    }
}

#[test]
fn scores_taken_before_the_session_belong_to_the_note_written_for_it_and_are_never_taken_twice() {
    let d = practice();
    // In the review before the 10:00 session: no note yet today.
    add(d.path(), &["ORS", "6", "6.5", "7", "6"]);
    ok(d.path(), "2026-11-23 10:55", &["note", "maria", "--at", "2026-11-23 10:00", "--topic", "sleep"]);
    let list = ok(d.path(), "2026-11-23 10:55", &["measure", "list", "maria"]);
    assert!(list.contains("ORS      25.5") && list.contains("(s2)"), "the scores are the note's: {list}");

    // The note form giving the same measure again is refused, saying why.
    let mut r =
        rapport::store::Store::open(d.path()).unwrap().load(&rapport::domain::ClientId::new("maria-lopez")).unwrap();
    let at = rapport::domain::time::dt("2026-11-23 16:00");
    r.add_measure(
        rapport::domain::measures::NewMeasure {
            kind: rapport::domain::measures::MeasureKind::Srs,
            items: ["9", "9", "9", "9"].iter().map(|s| rapport::domain::measures::Score::parse(s).unwrap()).collect(),
            at: rapport::domain::time::dt("2026-11-23 15:50"),
            session: None,
        },
        &[],
    )
    .unwrap();
    let note = rapport::domain::NewSession {
        at: Some(at),
        topics: vec!["work".into()],
        measures: vec![(
            rapport::domain::measures::MeasureKind::Srs,
            ["9", "9", "8", "9"].iter().map(|s| rapport::domain::measures::Score::parse(s).unwrap()).collect(),
        )],
        ..Default::default()
    };
    let e = r.clone().add_session(note, at).unwrap_err().to_string();
    assert!(e.contains("SRS was taken already today at 15:50") && e.contains("take it out of the note"), "{e}");
    assert_eq!(r.measures.iter().filter(|m| m.kind == rapport::domain::measures::MeasureKind::Srs).count(), 1);
}

#[test]
fn a_sudden_deterioration_from_one_session_to_the_next_is_flagged_though_the_whole_course_is_not() {
    let d = practice();
    add(d.path(), &["ORS", "5", "5", "5", "5", "--at", "2026-11-02 10:00"]);
    add(d.path(), &["ORS", "6", "6", "6.5", "6.5", "--at", "2026-11-09 10:00"]);
    add(d.path(), &["ORS", "4", "4", "4.5", "4.5", "--at", "2026-11-16 10:00"]);
    let review = ok(d.path(), MONDAY, &["review", "maria"]);
    assert!(
        review.contains("ORS: fell 25 → 17 since 9 Nov, a reliable deterioration in one step: ask what happened"),
        "{review}"
    );
    assert!(review.contains("ORS 20 → 17"), "the whole course still reads as it is: {review}");
    assert!(review.contains("; since 9 Nov: 25 → 17, reliable deterioration"), "{review}");
}
