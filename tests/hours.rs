//! `rapport hours` through the real binary: client hours from what was
//! held, as text, CSV and JSON, with no client's name in the log.

mod common;

use std::path::Path;

use common::{fails, ok};

const NOW: &str = "2026-11-26 09:35";

/// Maria: a session on 31 October at 23:30 for its appointment, a 30-minute
/// note without one, a 90-minute session, one cancelled by her, one by the
/// therapist and one she did not attend. Zoë, archived: one session.
fn practice(dir: &Path) {
    ok(dir, NOW, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    ok(dir, NOW, &["appointment", "mari", "--at", "2026-10-31 23:30"]);
    ok(dir, NOW, &["note", "mari", "--at", "2026-10-31 23:30", "--topic", "sleep", "--yes"]);
    ok(dir, NOW, &["note", "mari", "--at", "2026-11-02 10:00", "--minutes", "30", "--topic", "a call", "--yes"]);
    ok(dir, NOW, &["appointment", "mari", "--at", "2026-11-09 10:00", "--minutes", "90"]);
    ok(dir, NOW, &["note", "mari", "--at", "2026-11-09 10:00", "--minutes", "90", "--topic", "work", "--yes"]);
    for (at, how) in [
        ("2026-11-16 10:00", None),
        ("2026-11-17 10:00", Some("--by-therapist")),
        ("2026-11-23 10:00", Some("--did-not-attend")),
    ] {
        ok(dir, NOW, &["appointment", "mari", "--at", at]);
        let mut args = vec!["appointment", "cancel", "mari", "--at", at];
        args.extend(how);
        ok(dir, NOW, &args);
    }
    ok(dir, NOW, &["client", "add", "Zoë Ørsted-Núñez"]);
    ok(dir, NOW, &["note", "zoe", "--at", "2026-11-03 14:00", "--topic", "grief", "--yes"]);
    ok(dir, NOW, &["client", "archive", "zoe"]);
}

#[test]
fn the_hours_by_month_say_what_was_counted_and_what_was_not() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let out = ok(d.path(), NOW, &["hours"]);
    assert_eq!(
        out,
        "Practice hours from the first entry to the last
           Held  Client h  Supervision h  CPD h
  2026-10     1         1
  2026-11     3       2.5
  Total       4       3.5              0      0
4 sessions held, 3.5 client hours; 2 cancelled (1 by the client, 1 by you) and 1
did not attend, not counted.
No supervision logged in this period (`rapport supervision add`).
Counted: a session of 50–60 minutes counts as one client hour, a longer one as
one hour, a shorter one its actual minutes.
Supervision claimed: one-to-one in full; in a group of up to four, half the
time; in a larger group, the time divided by the members (BACP).
"
    );
    let october = ok(d.path(), NOW, &["hours", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "year"]);
    assert!(october.contains("  2026      1         1\n"), "{october}");
    assert!(october.starts_with("Practice hours from 2026-10-01 to 2026-10-31\n"), "{october}");
}

#[test]
fn a_longer_session_counts_its_minutes_when_the_settings_say_so() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    std::fs::write(
        d.path().join("config.json"),
        r#"{"longer_sessions_count": "actual_minutes", "client_hour_from_minutes": 30}"#,
    )
    .unwrap();
    let out = ok(d.path(), NOW, &["hours"]);
    // 50 → 1, 30 → 1 (young people's hour), 90 → 1.5, Zoë's 50 → 1.
    assert!(out.contains("4 sessions held, 4.5 client hours"), "{out}");
    assert!(
        out.replace('\n', " ").contains("30–60 minutes counts as one client hour, a longer one its actual minutes"),
        "{out}"
    );
    std::fs::write(d.path().join("config.json"), r#"{"client_hour_from_minutes": 61}"#).unwrap();
    assert!(fails(d.path(), NOW, &["hours"]).contains("client_hour_from_minutes is 61; use 1 to 60"));
}

#[test]
fn the_csv_lists_each_session_by_client_code_never_by_name() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let csv = ok(d.path(), NOW, &["hours", "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "date,client,minutes,counted_hours,setting");
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    let summary: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0], r[2], r[3])).collect();
    assert_eq!(
        summary,
        [("2026-10-31", "50", "1"), ("2026-11-02", "30", "0.5"), ("2026-11-03", "50", "1"), ("2026-11-09", "90", "1")]
    );
    // Maria's three sessions share her code; Zoë's differs; each is 8 hex digits.
    let maria = rows[0][1];
    assert_eq!((rows[1][1], rows[3][1]), (maria, maria));
    assert_ne!(rows[2][1], maria);
    assert!(rows.iter().all(|r| r[1].len() == 8 && r[1].bytes().all(|b| b.is_ascii_hexdigit())));
    assert!(rows.iter().all(|r| r[4].is_empty()), "no setting set");
    // The same code on the next run: stable.
    assert_eq!(ok(d.path(), NOW, &["hours", "--csv"]), csv);
    let json = ok(d.path(), NOW, &["hours", "--json"]);
    for log in [&csv, &json] {
        for name in ["maria", "lopez", "mari", "zoe", "zoë", "orsted", "ørsted", "núñez", "nunez"] {
            assert!(!log.to_lowercase().contains(name), "{name} in {log}");
        }
    }
}

#[test]
fn the_json_holds_the_groups_the_total_and_what_was_not_counted() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let json: serde_json::Value =
        serde_json::from_str(&ok(d.path(), NOW, &["hours", "--json", "--from", "2026-11-01"])).unwrap();
    assert_eq!(json["from"], "2026-11-01");
    assert_eq!(json["total"]["sessions"], 3);
    assert_eq!(json["total"]["counted_minutes"], 150);
    assert_eq!(json["total"]["client_hours"], 2.5);
    assert_eq!(json["groups"][0]["period"], "2026-11");
    assert_eq!(json["not_counted"]["did_not_attend"], 1);
    assert_eq!(json["not_counted"]["cancelled_by_client"], 1);
    assert_eq!(json["not_counted"]["cancelled_by_therapist"], 1);
    assert_eq!(json["sessions"].as_array().unwrap().len(), 3);
    assert_eq!(json["rule"]["full_hour_from_minutes"], 50);
}

#[test]
fn impossible_or_reversed_dates_are_refused() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let err = fails(d.path(), NOW, &["hours", "--to", "2026-02-30"]);
    assert!(err.contains("--to: 2026-02-30 does not exist in the calendar"), "{err}");
    let err = fails(d.path(), NOW, &["hours", "--from", "2026-12-01", "--to", "2026-11-01"]);
    assert!(err.contains("--from 2026-12-01 is after --to 2026-11-01"), "{err}");
    assert!(fails(d.path(), NOW, &["hours", "--csv", "--json"]).contains("cannot be used with"));
}

#[test]
fn an_erased_client_is_gone_from_the_hours() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let before = ok(d.path(), NOW, &["hours", "--csv"]);
    assert_eq!(before.lines().count(), 5);
    let erased = common::rapport_at(d.path(), NOW)
        .args(["client", "delete", "zoe"])
        .write_stdin("Zoë Ørsted-Núñez\n")
        .output()
        .unwrap();
    assert!(erased.status.success(), "{}", String::from_utf8_lossy(&erased.stderr));
    let after = ok(d.path(), NOW, &["hours", "--csv"]);
    assert_eq!(after.lines().count(), 4);
}

#[test]
fn with_settings_set_the_hours_are_counted_under_each_and_the_csv_names_it() {
    let d = tempfile::tempdir().unwrap();
    practice(d.path());
    let said = ok(d.path(), NOW, &["client", "setting", "mari", "Mind, Leeds placement"]);
    assert!(said.starts_with("Maria Lopez is seen in: Mind, Leeds placement."), "{said}");
    ok(d.path(), NOW, &["client", "setting", "zoe", "=private"]);
    let hours = ok(d.path(), NOW, &["hours"]);
    assert!(hours.contains("By setting: =private 1 h; Mind, Leeds placement 2.5 h."), "{hours}");
    let csv = ok(d.path(), NOW, &["hours", "--csv"]);
    assert!(csv.contains(",\"Mind, Leeds placement\"\n"), "quoted: {csv}");
    assert!(csv.contains(",'=private\n"), "never a formula: {csv}");
    let json: serde_json::Value = serde_json::from_str(&ok(d.path(), NOW, &["hours", "--json"])).unwrap();
    assert_eq!(json["settings"].as_array().unwrap().len(), 2);
    ok(d.path(), NOW, &["client", "setting", "zoe"]);
    assert!(ok(d.path(), NOW, &["hours"]).contains("no setting 1 h"));
    assert!(fails(d.path(), NOW, &["client", "setting", "mari", "two\nlines"]).contains("one line"));
}

#[test]
fn the_same_name_in_two_practices_has_two_codes_so_a_guess_cannot_be_checked() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let code = |dir: &Path| {
        ok(dir, NOW, &["client", "add", "Maria Lopez"]);
        ok(dir, NOW, &["note", "maria", "--at", "2026-11-02 10:00", "--topic", "sleep", "--yes"]);
        let csv = ok(dir, NOW, &["hours", "--csv"]);
        csv.lines().nth(1).unwrap().split(',').nth(1).unwrap().to_string()
    };
    let (one, two) = (code(a.path()), code(b.path()));
    assert_ne!(one, two);
    assert_eq!(
        ok(a.path(), NOW, &["hours", "--csv"]).lines().nth(1).unwrap().split(',').nth(1).unwrap(),
        one,
        "stable"
    );
}
