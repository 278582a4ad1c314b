//! Supervision, CPD and the questions to bring, through the real binary:
//! what each supervision counts for by the BACP's group rule, the months
//! that fall short, the brief that names no one, and a hand-damaged log
//! that is never written over.

mod common;

use std::path::Path;

use common::{fails, ok};

const NOW: &str = "2026-12-07 15:00";

/// Maria: four sessions in October (one of them cancelled), four in November.
fn practice(dir: &Path) {
    ok(dir, NOW, &["client", "add", "María López", "--preferred", "Mari", "--phone", "07700 900123"]);
    for day in ["2026-10-05", "2026-10-12", "2026-10-19", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"] {
        ok(dir, NOW, &["note", "mari", "--at", &format!("{day} 10:00"), "--topic", "Mari's sleep", "--yes"]);
    }
    ok(dir, NOW, &["appointment", "mari", "--at", "2026-10-26 10:00"]);
    ok(dir, NOW, &["appointment", "cancel", "mari", "--at", "2026-10-26 10:00"]);
}

fn supervision(dir: &Path, at: &str, minutes: &str, group: Option<&str>) -> String {
    let mut args = vec!["supervision", "add", "--at", at, "--minutes", minutes];
    if let Some(g) = group {
        args.extend(["--group", g]);
    }
    ok(dir, NOW, &args)
}

#[test]
fn each_supervision_counts_by_the_group_rule_and_a_month_short_of_it_is_named() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    // October: one-to-one for an hour, on the month's last evening.
    let said = supervision(dir, "2026-10-31 23:30", "60", None);
    assert!(said.contains("one-to-one, claimed as 1 h"), "{said}");
    // November: a group of three for an hour and a half (half: 45 minutes),
    // and two hours with six (a sixth: 20 minutes).
    let said = supervision(dir, "2026-11-01 09:00", "90", Some("3"));
    assert!(said.contains("group of 3, claimed as 0.75 h"), "{said}");
    let said = supervision(dir, "2026-11-18 18:00", "120", Some("6"));
    assert!(said.contains("group of 6, claimed as 0.33 h"), "{said}");
    let hours = ok(dir, NOW, &["hours"]);
    assert!(hours.contains("  2026-10     3         3              1\n"), "{hours}");
    assert!(hours.contains("  2026-11     4         4           1.08\n"), "{hours}");
    assert!(hours.contains("Supervision: 1 hour for every 3.4 client hours."), "{hours}");
    assert!(hours.contains("  2026-10: 1 h of supervision of the 1.5 h due\n"), "{hours}");
    assert!(hours.contains("  2026-11: 1.08 h of supervision of the 1.5 h due\n"), "{hours}");
    // The month of today is not over: not said to fall short.
    assert!(!hours.contains("2026-12:"), "{hours}");

    // As a trainee, the fortnight rule: 1 Nov to the session of 16 Nov is 15 days.
    std::fs::write(dir.join("config.json"), r#"{"supervision_rule": "trainee", "target_client_hours": 100}"#).unwrap();
    let hours = ok(dir, NOW, &["hours"]);
    assert!(
        hours
            .contains("the session of 16 Nov was 15 days after the last supervision (1 Nov),\n    more than two weeks"),
        "{hours}"
    );
    assert!(hours.contains("Toward your target of 100 client hours: 7 (7%)."), "{hours}");
    let json: serde_json::Value = serde_json::from_str(&ok(dir, NOW, &["hours", "--json"])).unwrap();
    assert_eq!(json["supervision"]["claimed_minutes"], 60 + 45 + 20);
    assert_eq!(json["cpd"]["minutes"], 0);
}

#[test]
fn a_question_brought_is_listed_until_discussed_and_the_brief_names_no_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, NOW, &["personal", "add", "mari", "her daughter's recital", "--ask"]);
    ok(dir, NOW, &["goal", "add", "mari", "María sleeps through most nights", "--agreed"]);
    ok(dir, NOW, &["task", "add", "mari", "keep a sleep diary"]);
    ok(dir, NOW, &["supervision", "bring", "mari", "she gave 07700 900123 and 04/03/1990: do I keep them?"]);
    ok(dir, NOW, &["supervision", "drop", "mari", "1"]);
    ok(dir, NOW, &["supervision", "bring", "mari", "she gave 07700 900123 and 04/03/1990: do I keep them?"]);
    let said = ok(dir, NOW, &["supervision", "bring", "mari", "am I rescuing Mari when she cries?"]);
    assert!(said.starts_with("Kept q2 for the next supervision"), "{said}");
    let listed = ok(dir, NOW, &["supervision", "list"]);
    assert!(listed.contains("q2: am I rescuing Mari when she cries?"), "{listed}");

    let brief = ok(dir, NOW, &["supervision", "brief", "mari"]);
    for leak in ["María", "Mari ", "López", "07700", "900123", "04/03", "1990", "recital", "2026"] {
        assert!(!brief.contains(leak), "the brief holds {leak:?}:\n{brief}");
    }
    let code = brief.lines().next().unwrap().rsplit(' ').next().unwrap().to_string();
    assert_eq!(code.len(), 8, "{brief}");
    assert!(brief.contains(&format!("- am I rescuing {code} when she cries? (noted in week 10)")), "{brief}");
    assert!(brief.contains("- she gave (a number) and a date: do I keep them?"), "{brief}");
    assert!(brief.contains(&format!("- {code}'s sleep (7 sessions, last in week 8)")), "{brief}");
    assert!(brief.contains("7 sessions held (1 cancelled, 0 not attended)."), "{brief}");

    // Discussed only at a supervision logged.
    let refused = fails(dir, NOW, &["supervision", "discussed", "mari", "2"]);
    assert!(refused.contains("no supervision is logged yet"), "{refused}");
    let said = ok(dir, NOW, &["supervision", "add", "--at", "2026-12-07 09:00", "--minutes", "90", "--discussed-all"]);
    assert!(said.contains("Marked 2 questions discussed at it."), "{said}");
    assert!(!ok(dir, NOW, &["supervision", "list"]).contains("q2"));
    // It stays in the client's record, and so in their export.
    let export = ok(dir, NOW, &["export", "mari"]);
    assert!(
        export.contains("- am I rescuing Mari when she cries? (noted 2026-12-07, discussed 2026-12-07)"),
        "{export}"
    );
    ok(dir, NOW, &["supervision", "reopen", "mari", "q2"]);
    assert!(ok(dir, NOW, &["supervision", "list"]).contains("q2"));
}

#[test]
fn supervision_notes_and_cpd_are_kept_apart_from_every_client_record() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    let notes =
        ["supervision", "add", "--at", "2026-12-01 18:00", "--minutes", "60", "--notes", "my own countertransference"];
    ok(dir, NOW, &notes);
    let said = ok(dir, NOW, &["cpd", "add", "--at", "2026-11-14", "--hours", "6.5", "Trauma-informed practice"]);
    assert_eq!(said, "Logged CPD d1 on Sat 14 Nov 2026: 6.5 h.\n");
    assert!(ok(dir, NOW, &["cpd", "list"]).contains("2026-11-14  6.5 h  Trauma-informed practice"));
    for f in std::fs::read_dir(dir.join("clients")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains("countertransference") && !text.contains("Trauma"), "{text}");
    }
    assert!(!ok(dir, NOW, &["export", "mari"]).contains("countertransference"));
    assert!(ok(dir, NOW, &["supervision", "list", "--notes"]).contains("my own countertransference"));
    assert!(!ok(dir, NOW, &["supervision", "list"]).contains("countertransference"), "notes only when asked");
    ok(dir, NOW, &["supervision", "remove", "v1"]);
    ok(dir, NOW, &["cpd", "remove", "d1"]);
    assert!(ok(dir, NOW, &["cpd", "list"]).contains("No CPD logged."));
    let e = fails(dir, NOW, &["cpd", "remove", "d9"]);
    assert!(e.contains("there is no CPD entry d9"), "{e}");
}

#[test]
fn impossible_values_are_refused_in_words() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for (args, said) in [
        (vec!["cpd", "add", "--hours", "1,5", "x"], "write it as 1.5"),
        (vec!["cpd", "add", "--hours", "500", "x"], "out of range"),
        (vec!["cpd", "add", "--hours", "2", " "], "say what the CPD was"),
        (vec!["cpd", "add", "--at", "2026-02-30", "--hours", "2", "x"], "--at"),
        (vec!["supervision", "add", "--at", "2026-13-01 10:00", "--minutes", "60"], "--at"),
        (vec!["supervision", "add", "--at", "10:00", "--minutes", "0"], "minutes"),
        (vec!["supervision", "add", "--at", "10:00", "--minutes", "60", "--group", "0"], "group"),
        (vec!["supervision", "bring", "nobody", "x"], "nobody"),
    ] {
        let e = fails(dir, NOW, &args);
        assert!(e.contains(said), "{args:?}: {e}");
    }
    assert!(!dir.join("practice.json").exists(), "nothing refused was written");
}

#[test]
fn a_practice_log_damaged_by_hand_is_never_written_over() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, NOW, &["cpd", "add", "--hours", "1", "reading"]);
    let damaged = r#"{"schema_version": 1, "cpd": [{"id": "d1", "on": "2026-12-07", "minutes": 0, "text": "x"}]}"#;
    std::fs::write(dir.join("practice.json"), damaged).unwrap();
    let e = fails(dir, NOW, &["cpd", "add", "--hours", "1", "more reading"]);
    assert!(
        e.contains("practice.json (your supervision and CPD log) cannot be read") && e.contains("minutes is 0"),
        "{e}"
    );
    std::fs::write(dir.join("practice.json"), "{ not json").unwrap();
    let e = fails(dir, NOW, &["supervision", "add", "--at", "10:00", "--minutes", "60"]);
    assert!(e.contains("cannot be read: line 1, column 3") && e.contains("correct it in a text editor"), "{e}");
    assert_eq!(std::fs::read_to_string(dir.join("practice.json")).unwrap(), "{ not json");
    // The client hours still count; the log's part says why it is missing.
    let out = common::run(dir, NOW, &["hours"]);
    assert!(out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("supervision and CPD are left out") && e.contains("practice.json"), "{e}");
    // doctor names it, and encrypting is refused until it is put right.
    let doctor = common::run(dir, NOW, &["doctor"]);
    assert!(!doctor.status.success());
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("practice.json (your supervision and CPD log)"));
    let e = common::encrypted::err(dir, Some(common::encrypted::PASS), &["encrypt", "--yes"]);
    assert!(e.contains("nothing was encrypted") && e.contains("practice.json"), "{e}");
    assert_eq!(std::fs::read_to_string(dir.join("practice.json")).unwrap(), "{ not json");
    // A link in its place is never followed, not even by encrypt.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.json"), r#"{"schema_version": 1}"#).unwrap();
    std::fs::remove_file(dir.join("practice.json")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.json"), dir.join("practice.json")).unwrap();
    let e = fails(dir, NOW, &["cpd", "list"]);
    assert!(e.contains("is a symbolic link"), "{e}");
    let e = common::encrypted::err(dir, Some(common::encrypted::PASS), &["encrypt", "--yes"]);
    assert!(e.contains("nothing was encrypted") && e.contains("symbolic link"), "{e}");
}

#[test]
fn a_question_is_discussed_only_at_a_supervision_after_it_was_noted_and_reopens_when_that_is_removed() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, "2026-11-10 09:00", &["supervision", "add", "--at", "2026-11-03 18:00", "--minutes", "60"]);
    ok(dir, "2026-11-12 09:00", &["supervision", "bring", "mari", "is the work stuck?"]);
    // A supervision before it was noted does not discuss it.
    let said = ok(
        dir,
        "2026-11-12 09:00",
        &["supervision", "add", "--at", "2026-11-01 10:00", "--minutes", "60", "--discussed-all"],
    );
    assert!(!said.contains("Marked"), "{said}");
    let e = fails(dir, "2026-11-12 09:00", &["supervision", "discussed", "mari", "1"]);
    assert!(e.contains("after the last supervision logged"), "{e}");
    // Nor is a supervision logged before it took place.
    let e = fails(dir, "2026-11-12 09:00", &["supervision", "add", "--at", "2026-11-13 18:00", "--minutes", "60"]);
    assert!(e.contains("once it has taken place"), "{e}");
    // Twice at one time is once.
    let e = fails(dir, "2026-11-20 09:00", &["supervision", "add", "--at", "2026-11-03 18:00", "--minutes", "60"]);
    assert!(e.contains("logged at that time already (v1"), "{e}");
    ok(dir, "2026-11-20 09:00", &["supervision", "add", "--at", "2026-11-17 18:00", "--minutes", "60"]);
    let said = ok(dir, "2026-11-20 09:00", &["supervision", "discussed", "mari", "1"]);
    assert!(said.contains("at the supervision of Tue 17 Nov"), "{said}");
    let listed = ok(dir, "2026-11-20 09:00", &["supervision", "list"]);
    let v = listed.lines().find(|l| l.contains("2026-11-17 18:00")).unwrap().split_whitespace().next().unwrap();
    let said = ok(dir, "2026-11-20 09:00", &["supervision", "remove", v]);
    assert!(said.contains("1 question discussed at it is open again."), "{said}");
    // A question kept on the wrong client goes.
    let said = ok(dir, "2026-11-20 09:00", &["supervision", "drop", "mari", "1"]);
    assert!(said.starts_with("Removed q1 from the client's record"), "{said}");
    assert!(!ok(dir, "2026-11-20 09:00", &["supervision", "list"]).contains("q1"));
}

#[test]
fn the_target_counts_every_client_hour_whatever_the_period_shown() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    std::fs::write(dir.join("config.json"), r#"{"target_client_hours": 100}"#).unwrap();
    let hours = ok(dir, NOW, &["hours", "--from", "2026-11-01"]);
    assert!(hours.contains("Toward your target of 100 client hours: 7 (7%, all time)."), "{hours}");
}

#[test]
fn an_erasure_says_where_the_practice_log_still_names_the_client() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, NOW, &["supervision", "add", "--at", "2026-12-01 18:00", "--minutes", "60", "--notes", "María's anger"]);
    let out =
        common::rapport_at(dir, NOW).args(["client", "delete", "mari"]).write_stdin("María López\n").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Your practice log names them in v1"), "{said}");
}
