//! The command line, through the real binary and the real files.

mod common;

use std::fs;
use std::path::Path;

use common::{fails, ok, rapport_at};

const NOW: &str = "2026-11-23 09:35";

fn maria(dir: &Path) {
    ok(dir, NOW, &["client", "add", "Maria Lopez", "--preferred", "Mari", "--pronouns", "she/her"]);
}

#[test]
fn a_new_user_adds_a_client_writes_two_notes_and_reads_a_correct_review() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert!(
        ok(dir, NOW, &["client", "add", "Maria Lopez", "--preferred", "Mari"]).contains("Added Maria Lopez (Mari)")
    );
    ok(
        dir,
        NOW,
        &[
            "note",
            "mari",
            "--at",
            "2026-11-09 10:00",
            "--yes",
            "--topic",
            "work stress",
            "--feedback",
            "felt heard",
            "--task",
            "keep a sleep diary",
        ],
    );
    let saved = ok(
        dir,
        NOW,
        &[
            "note",
            "maria",
            "--at",
            "2026-11-16 10:00",
            "--yes",
            "--topic",
            "sleep",
            "--feedback",
            "the breathing helped",
            "--observation",
            "long silence about her mother",
            "--personal",
            "Mia's birthday party 2026-11-21",
            "--plan",
            "look at the diary",
            "--text",
            "Went well.",
        ],
    );
    assert!(saved.contains("Saved session s2 for Maria Lopez (2026-11-16 10:00, 50 min)"), "{saved}");

    let review = ok(dir, NOW, &["review", "mari"]);
    let expected_order =
        ["Last time", "They told you", "Tasks to check", "Personal", "Plan", "Watch for", "Awaiting reply"];
    let positions: Vec<usize> = expected_order.iter().map(|h| review.find(&format!("\n{h}\n")).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "sections in order:\n{review}");
    assert!(review.contains("Mon 16 Nov: sleep"), "{review}");
    assert!(review.contains("Mon 9 Nov: work stress"), "{review}");
    assert!(review.contains("Mon 16 Nov: \"the breathing helped\""), "{review}");
    assert!(review.contains("[t1] keep a sleep diary (set 2 weeks ago)"), "{review}");
    assert!(review.contains("Mia's birthday party, Sat 21 Nov: ask how it went"), "{review}");
    assert!(review.contains("Plan: look at the diary"), "{review}");
    assert!(review.contains("No messages awaiting a reply"), "{review}");

    let json: serde_json::Value = serde_json::from_str(&ok(dir, NOW, &["review", "mari", "--json"])).unwrap();
    assert_eq!(json["session_number"], 3);
    assert_eq!(json["last_time"]["topics"][0], "sleep");

    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("clients/maria-lopez.json")).unwrap()).unwrap();
    assert_eq!(file["sessions"][1]["observations"][0], "long silence about her mother");
    assert_eq!(file["personal"][0]["date"], "2026-11-21");
}

#[test]
fn unknown_and_ambiguous_clients_are_refused_with_the_candidates() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Mark Owens"]);
    let err = fails(d.path(), NOW, &["note", "zed", "--topic", "x"]);
    assert!(err.contains("no client matches 'zed'"), "{err}");
    let err = fails(d.path(), NOW, &["review", "ma"]);
    assert!(err.contains("Maria Lopez (maria-lopez)") && err.contains("Mark Owens (mark-owens)"), "{err}");
    assert!(ok(d.path(), NOW, &["review", "owens"]).starts_with("Mark Owens"));
}

#[test]
fn a_client_is_found_by_any_word_of_their_name_with_or_without_accents() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Zoë Ørsted-Núñez"]);
    ok(d.path(), NOW, &["client", "add", "Zoltan Kovacs"]);
    for typed in ["zoe", "orsted", "nunez", "Núñez", "ZOË ØRSTED", "zoe-orsted-nunez"] {
        assert!(ok(d.path(), NOW, &["review", typed]).starts_with("Zoë Ørsted-Núñez"), "{typed}");
    }
    ok(d.path(), NOW, &["note", "nunez", "--topic", "first"]);
    let err = fails(d.path(), NOW, &["review", "zo"]);
    assert!(
        err.contains("Zoë Ørsted-Núñez (zoe-orsted-nunez)") && err.contains("Zoltan Kovacs (zoltan-kovacs)"),
        "{err}"
    );
    assert!(fails(d.path(), NOW, &["review", "sted"]).contains("no client matches 'sted'"));
}

#[test]
fn homework_is_set_outside_a_note() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    // Written this morning, so not yet final.
    ok(d.path(), NOW, &["note", "mari", "--at", "2026-11-23 08:30", "--yes", "--topic", "sleep"]);
    assert_eq!(ok(d.path(), NOW, &["task", "add", "mari", "read the leaflet"]), "Set task t1 for Maria Lopez.\n");
    let out = ok(d.path(), NOW, &["task", "add", "mari", "walk daily", "--session", "s1"]);
    assert_eq!(out, "Set task t2 for Maria Lopez in note s1.\n");
    let list = ok(d.path(), NOW, &["task", "list", "mari"]);
    assert!(list.contains("t1   open     read the leaflet  (set Mon 23 Nov)"), "{list}");
    assert!(list.contains("t2   open     walk daily  (set Mon 23 Nov)"), "{list}");
    let review = ok(d.path(), NOW, &["review", "mari"]);
    assert!(review.contains("[t1] read the leaflet") && review.contains("[t2] walk daily"), "{review}");
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("clients/maria-lopez.json")).unwrap()).unwrap();
    assert_eq!(file["tasks"][1]["session"], "s1");
    assert!(file["tasks"][0].get("session").is_none());

    assert!(fails(d.path(), NOW, &["task", "add", "mari", "  "]).contains("the task is empty"));
    assert!(fails(d.path(), NOW, &["task", "add", "mari", "x", "--session", "s9"]).contains("no session s9"));
    ok(d.path(), NOW, &["finalise", "mari", "s1"]);
    let err = fails(d.path(), NOW, &["task", "add", "mari", "x", "--session", "s1"]);
    assert!(err.contains("note s1 is final"), "{err}");
    assert!(ok(d.path(), NOW, &["verify"]).contains("as they were finalised"));
}

#[test]
fn an_item_is_named_by_its_number_alone() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(
        d.path(),
        NOW,
        &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--task", "sleep diary", "--task", "walk"],
    );
    ok(d.path(), NOW, &["note", "mari", "--at", "2026-11-23 08:30", "--yes", "--topic", "work"]);
    assert_eq!(ok(d.path(), NOW, &["task", "done", "mari", "2"]), "Task t2 of Maria Lopez marked done.\n");
    assert_eq!(ok(d.path(), NOW, &["task", "drop", "mari", "T1"]), "Task t1 of Maria Lopez marked dropped.\n");
    ok(d.path(), NOW, &["goal", "add", "mari", "sleep through"]);
    assert_eq!(
        ok(d.path(), NOW, &["goal", "set", "mari", "1", "--status", "achieved"]),
        "Goal g1 of Maria Lopez updated.\n"
    );
    ok(d.path(), NOW, &["contact", "add", "mari", "--channel", "text", "--summary", "running late"]);
    assert!(
        ok(d.path(), NOW, &["contact", "replied", "mari", "1"])
            .contains("Contact c1 of Maria Lopez marked as replied.")
    );
    assert!(ok(d.path(), NOW, &["addendum", "mari", "1", "also: the dog"]).contains("note s1 of Maria Lopez"));
    assert!(ok(d.path(), NOW, &["finalise", "mari", "2"]).contains("Finalised 1 note of Maria Lopez: s2."));
    let tasks = ok(d.path(), NOW, &["task", "list", "mari"]);
    assert!(tasks.contains("t1   dropped") && tasks.contains("t2   done"), "{tasks}");
    assert!(fails(d.path(), NOW, &["task", "done", "mari", "9"]).contains("no task t9"));
}

#[test]
fn every_client_argument_is_described_in_help() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["appointment", "--help"][..],
        &["appointment", "cancel", "--help"],
        &["task", "done", "--help"],
        &["addendum", "--help"],
        &["client", "archive", "--help"],
        &["export", "--help"],
    ] {
        let help = ok(d.path(), NOW, args);
        // On the line of `<CLIENT>`, or the next (where clap puts it when any option lists its values).
        let lines: Vec<&str> = help.lines().collect();
        let at = lines.iter().position(|l| l.trim_start().starts_with("<CLIENT>")).unwrap_or(lines.len());
        let said = lines[at.min(lines.len())..].iter().take(2).copied().collect::<Vec<_>>().join(" ");
        assert!(said.contains("The client: their id, or the start of any word of their name"), "{args:?}: {help}");
    }
    assert!(ok(d.path(), NOW, &["task", "done", "--help"]).contains("The task: t2, or just 2"));
}

#[test]
fn a_review_at_a_time_with_no_appointment_says_so() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-23 10:00"]);
    let run = |args: &[&str]| {
        let out = rapport_at(d.path(), NOW).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (review, said) = run(&["review", "mari", "--at", "07:05"]);
    assert!(review.contains("Mon 23 Nov 07:05"), "{review}");
    assert_eq!(
        said,
        "rapport: note: no appointment with Maria Lopez is booked at 2026-11-23 07:05 (that day: 10:00); \
         this is the review for a session then\n"
    );
    let (review, said) = run(&["review", "mari", "--at", "10:00"]);
    assert!(review.contains("Mon 23 Nov 10:00") && said.is_empty(), "{review}{said}");
    let (json, said) = run(&["review", "mari", "--at", "2026-11-24 10:00", "--json"]);
    assert!(said.contains("booked at 2026-11-24 10:00 (none that day)"), "{said}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["appointment"]["start"],
        "2026-11-24T10:00:00"
    );
    assert!(fails(d.path(), NOW, &["review", "mari", "--at", "7h"]).contains("not a time"));
}

#[test]
fn impossible_times_change_nothing() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    let before = fs::read(d.path().join("clients/maria-lopez.json")).unwrap();
    assert!(fails(d.path(), NOW, &["note", "mari", "--at", "2026-02-30 10:00"]).contains("does not exist"));
    assert!(fails(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-30 25:00"]).contains("not a time of day"));
    assert!(fails(d.path(), NOW, &["note", "mari", "--minutes", "0"]).contains("0 is not in 1..=1440"));
    assert!(fails(d.path(), NOW, &["agenda", "--date", "1066-10-14"]).contains("too far"));
    assert!(fails(d.path(), NOW, &["task", "done", "mari", "t9"]).contains("no task t9"));
    assert_eq!(fs::read(d.path().join("clients/maria-lopez.json")).unwrap(), before);
}

#[test]
fn appointments_fill_the_agenda_with_a_reminder() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--task", "keep a sleep diary"]);
    let booked = ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-23 10:00", "--weekly", "2"]);
    assert!(
        booked.contains(
            "Booked 3 appointments for Maria Lopez (50 min): Mon 23 Nov 10:00, Mon 30 Nov 10:00, Mon 7 Dec 10:00."
        ),
        "{booked}"
    );
    let moved =
        ok(d.path(), NOW, &["appointment", "move", "mari", "--at", "2026-12-07 10:00", "--to", "2026-12-08 11:00"]);
    assert_eq!(moved, "Moved Maria Lopez's appointment of Mon 7 Dec 10:00 to Tue 8 Dec 11:00 (50 min).\n");
    let e =
        fails(d.path(), NOW, &["appointment", "move", "mari", "--at", "2026-12-07 10:00", "--to", "2026-12-09 11:00"]);
    assert!(e.contains("there is no appointment at 2026-12-07 10:00"), "{e}");
    // Moved again, the record keeps the time it was first booked for.
    ok(d.path(), NOW, &["appointment", "move", "mari", "--at", "2026-12-08 11:00", "--to", "2026-12-08 12:00"]);
    let md = ok(d.path(), NOW, &["export", "mari"]);
    assert!(md.contains("- 2026-12-08 12:00 (50 min): booked, moved from 2026-12-07 10:00\n"), "{md}");
    let json = ok(d.path(), NOW, &["export", "mari", "--format", "json"]);
    assert!(json.contains("\"moved_from\": \"2026-12-07T10:00:00\""), "{json}");
    let warn = ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-23 10:30", "--minutes", "30"]);
    assert!(warn.contains("Warning: this overlaps"), "{warn}");
    let agenda = ok(d.path(), NOW, &["agenda", "--days", "8"]);
    assert!(agenda.contains("Mon 23 Nov\n  10:00  Maria Lopez (Mari)"), "{agenda}");
    assert!(agenda.contains("task: keep a sleep diary"), "{agenda}");
    assert!(agenda.contains("Mon 30 Nov\n  10:00"), "{agenda}");
    ok(d.path(), NOW, &["appointment", "cancel", "mari", "--at", "2026-11-30 10:00"]);
    // A cancelled appointment stays on the agenda, marked as such.
    let day = ok(d.path(), NOW, &["agenda", "--date", "2026-11-30"]);
    assert!(day.contains("10:00  Maria Lopez (Mari)   50 min  [cancelled by client]"), "{day}");
    assert!(
        fails(d.path(), NOW, &["appointment", "cancel", "mari", "--at", "2026-11-30 10:00"])
            .contains("is already cancelled")
    );
    // The time is free again: booking it anew is no clash.
    assert!(!ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-30 10:00"]).contains("Warning"));
    let review = ok(d.path(), NOW, &["review", "mari"]);
    assert!(review.contains("Mon 23 Nov 10:00 (in 25 min) · session 2 · 7 days since the last"), "{review}");
    // A later day's appointment is said once, not "Mon 7 Dec 10:00 (Mon 7 Dec 10:00)".
    let later = ok(d.path(), NOW, &["review", "mari", "--at", "2026-12-07 10:00"]);
    assert!(later.contains("\nMon 7 Dec 10:00 · session 2 ·"), "{later}");
}

#[test]
fn booking_in_the_past_or_over_another_clients_time_warns_and_the_agenda_says_so() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Tom Becker"]);
    let out = ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-23 08:00"]);
    assert!(out.contains("Warning: 2026-11-23 08:00 is in the past."), "{out}");
    assert!(!ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-23 10:00"]).contains("Warning"));
    assert!(
        !ok(d.path(), NOW, &["appointment", "tom", "--at", "2026-11-23 10:50"]).contains("Warning"),
        "back to back"
    );
    ok(d.path(), NOW, &["appointment", "cancel", "tom", "--at", "2026-11-23 10:50"]);
    let out = ok(d.path(), NOW, &["appointment", "tom", "--at", "2026-11-23 10:30"]);
    assert!(out.contains("Warning: this overlaps Maria Lopez's appointment at 2026-11-23 10:00."), "{out}");

    // The agenda marks the double booking on both rows, in Today's words.
    let agenda = ok(d.path(), NOW, &["agenda"]);
    assert!(
        agenda.contains("  10:00  Maria Lopez (Mari)   50 min\n         !! overlaps 10:30 Tom Becker\n"),
        "{agenda}"
    );
    assert!(agenda.contains("  10:30  Tom Becker           50 min\n         !! overlaps 10:00 Mari\n"), "{agenda}");
    assert_eq!(agenda.matches("!!").count(), 2, "{agenda}");
    ok(d.path(), NOW, &["appointment", "cancel", "tom", "--at", "2026-11-23 10:30"]);
    assert!(!ok(d.path(), NOW, &["agenda"]).contains("!!"));
}

#[test]
fn lists_size_their_columns_to_the_names_and_cut_a_long_one_with_an_ellipsis() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Bartholomew Alexander Fitzgerald-Worthington the Third"]);
    ok(d.path(), NOW, &["client", "add", "李小龍"]);
    for (who, at) in [("mari", "10:00"), ("barth", "11:00"), ("李", "12:00")] {
        ok(d.path(), NOW, &["appointment", who, "--at", &format!("2026-11-24 {at}")]);
    }
    // Where a column starts, in terminal columns (a Chinese character takes two).
    let column_of = |line: &str, text: &str| unicode_width::UnicodeWidthStr::width(&line[..line.find(text).unwrap()]);

    let list = ok(d.path(), NOW, &["client", "list"]);
    let starts: Vec<usize> = list.lines().map(|l| column_of(l, "no sessions yet")).collect();
    assert_eq!(starts.len(), 3, "{list}");
    assert!(starts.iter().all(|&c| c == starts[0]), "{list}");
    assert!(list.contains("  Bartholomew Alexander Fitzgerald-Worthi…  no sessions yet"), "{list}");
    assert!(list.starts_with("bartholomew-alexander-fitzgerald-worthin  "), "ids are never cut: {list}");

    let agenda = ok(d.path(), NOW, &["agenda", "--date", "2026-11-24"]);
    let starts: Vec<usize> = agenda.lines().filter(|l| l.contains(" min")).map(|l| column_of(l, "50 min")).collect();
    assert_eq!(starts.len(), 3, "{agenda}");
    assert!(starts.iter().all(|&c| c == starts[0]), "{agenda}");
    assert!(agenda.contains("  10:00  Maria Lopez (Mari)                         50 min"), "{agenda}");
}

#[test]
fn the_profile_commands_feed_the_review() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    maria(dir);
    ok(
        dir,
        NOW,
        &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--task", "sleep diary", "--task", "call her sister"],
    );
    ok(dir, NOW, &["task", "done", "mari", "t2", "--outcome", "they talked for an hour"]);
    ok(dir, NOW, &["task", "drop", "mari", "t1"]);
    ok(dir, NOW, &["personal", "add", "mari", "plays in a brass band", "--ask"]);
    ok(dir, NOW, &["goal", "add", "mari", "sleep seven hours", "--agreed"]);
    ok(dir, NOW, &["goal", "add", "mari", "leave work by six"]);
    ok(dir, NOW, &["goal", "set", "mari", "g2", "--status", "achieved"]);
    ok(dir, NOW, &["watch", "add", "mari", "do not push on the father yet"]);
    ok(
        dir,
        NOW,
        &[
            "contact",
            "add",
            "mari",
            "--channel",
            "voicemail",
            "--summary",
            "can we move Monday?",
            "--at",
            "2026-11-20 18:00",
        ],
    );
    ok(
        dir,
        NOW,
        &["contact", "add", "mari", "--channel", "text", "--summary", "running late", "--at", "2026-11-21 09:00"],
    );
    ok(dir, NOW, &["contact", "replied", "mari", "c2"]);

    assert!(ok(dir, NOW, &["task", "list", "mari"]).contains("t2   done     call her sister"));
    assert!(ok(dir, NOW, &["goal", "list", "mari"]).contains("g2   achieved not agreed leave work by six"));
    let contacts = ok(dir, NOW, &["contact", "list"]);
    assert!(
        contacts.contains("AWAITING REPLY (3 days ago)") && contacts.contains("replied 2026-11-23 09:35"),
        "{contacts}"
    );

    let review = ok(dir, NOW, &["review", "mari"]);
    assert!(review.contains("+ Done: call her sister: they talked for an hour"), "{review}");
    assert!(review.contains("No open tasks"), "{review}");
    assert!(review.contains("! Ask about: plays in a brass band"), "{review}");
    assert!(review.contains("Goal [g1] sleep seven hours (agreed)"), "{review}");
    assert!(!review.contains("leave work by six"), "achieved goals are not active: {review}");
    assert!(review.contains("! do not push on the father yet"), "{review}");
    assert!(review.contains("! [c1] voicemail 3 days ago: can we move Monday?"), "{review}");
    assert!(fails(dir, NOW, &["contact", "replied", "mari", "c2"]).contains("already"));
}

#[test]
fn a_damaged_client_file_is_reported_and_never_rewritten() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Tom Becker"]);
    let path = d.path().join("clients/tom-becker.json");
    fs::write(&path, "not json at all").unwrap();
    let list = ok(d.path(), NOW, &["client", "list"]);
    assert!(list.contains("maria-lopez") && list.contains("UNREADABLE"), "{list}");
    let err = fails(d.path(), NOW, &["note", "tom", "--topic", "x"]);
    assert!(err.contains("tom-becker.json") && err.contains("line 1, column"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "not json at all");
    ok(d.path(), NOW, &["note", "mari", "--topic", "still works"]);
}

#[test]
fn notes_from_many_processes_at_once_are_all_kept() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    let children: Vec<_> = (0..8)
        .map(|i| {
            common::command(d.path())
                .env("RAPPORT_NOW", NOW)
                .args(["note", "mari", "--topic", &format!("from process {i}")])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("clients/maria-lopez.json")).unwrap()).unwrap();
    assert_eq!(file["sessions"].as_array().unwrap().len(), 8);
}

#[test]
fn help_names_the_data_folder_in_use() {
    let d = tempfile::tempdir().unwrap();
    let help = ok(d.path(), NOW, &["--help"]);
    assert!(help.contains(&format!("RAPPORT_DIR is set: {}", d.path().display())), "{help}");
    assert!(help.contains("--data-dir"));
}

#[test]
fn the_app_refuses_to_start_without_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let err = fails(d.path(), NOW, &[]);
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn search_from_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Tom Becker"]);
    ok(
        d.path(),
        NOW,
        &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--text", "She kept the Sleep Diary every night."],
    );
    ok(d.path(), NOW, &["note", "tom", "--at", "2026-11-17 10:00", "--yes", "--task", "sleep diary"]);
    let out = ok(d.path(), NOW, &["search", "sleep", "diary"]);
    assert!(out.starts_with("Tom Becker · Tue 17 Nov · s1\n"), "{out}");
    assert!(out.contains("Maria Lopez (Mari) · Mon 16 Nov · s1\n    She kept the Sleep Diary every night."), "{out}");
    let one = ok(d.path(), NOW, &["search", "diary", "--client", "mari"]);
    assert!(!one.contains("Tom"), "{one}");
    assert!(ok(d.path(), NOW, &["search", "diary", "--limit", "1"]).contains("(1 of 2 shown; --limit shows more)"));
    assert!(ok(d.path(), NOW, &["search", "walrus"]).contains("Nothing found for 'walrus'."));
    assert!(fails(d.path(), NOW, &["search", "!!!"]).contains("Type a word"));
}

#[test]
fn search_finds_addenda_task_outcomes_and_messages_and_says_where() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(
        d.path(),
        NOW,
        &["note", "mari", "--at", "2026-11-16 10:00", "--yes", "--topic", "sleep", "--task", "keep a sleep diary"],
    );
    ok(d.path(), NOW, &["finalise", "mari", "s1"]);
    ok(d.path(), NOW, &["addendum", "mari", "s1", "She rang back: the party is on Sunday 6 Dec."]);
    ok(d.path(), NOW, &["task", "done", "mari", "t1", "--outcome", "kept it five nights out of seven"]);
    ok(d.path(), NOW, &["contact", "add", "mari", "--channel", "text", "--summary", "can we move Thursday?"]);

    let out = ok(d.path(), NOW, &["search", "Sunday"]);
    assert!(out.starts_with("Maria Lopez (Mari) · Mon 23 Nov · addendum to s1\n"), "{out}");
    assert!(out.contains("the party is on Sunday 6 Dec."), "{out}");
    let out = ok(d.path(), NOW, &["search", "five", "nights"]);
    assert!(out.starts_with("Maria Lopez (Mari) · Mon 23 Nov · outcome of t1\n    kept it five nights"), "{out}");
    let out = ok(d.path(), NOW, &["search", "thursday"]);
    assert!(out.starts_with("Maria Lopez (Mari) · Mon 23 Nov · message c1\n    can we move Thursday?"), "{out}");
    // The note itself is still found where it was, and only once.
    let out = ok(d.path(), NOW, &["search", "diary"]);
    assert!(out.starts_with("Maria Lopez (Mari) · Mon 16 Nov · s1\n"), "{out}");
    assert_eq!(out.matches("Maria Lopez").count(), 1, "{out}");
}

#[test]
fn search_folds_accents_as_client_names_do() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Zoë Ørsted-Núñez"]);
    ok(
        d.path(),
        NOW,
        &["note", "zoe", "--at", "2026-11-16 10:00", "--yes", "--text", "Talked about Zoë's café in Århus."],
    );
    ok(d.path(), NOW, &["note", "zoe", "--at", "2026-11-17 10:00", "--yes", "--text", "The cafe is closing."]);
    let out = ok(d.path(), NOW, &["search", "zoe", "cafe"]);
    assert!(out.contains("Zoë Ørsted-Núñez · Mon 16 Nov · s1\n    Talked about Zoë's café in Århus."), "{out}");
    // Accents typed find the plain word too.
    let out = ok(d.path(), NOW, &["search", "Café", "--client", "nunez"]);
    assert!(out.contains("· s2\n") && out.contains("· s1\n"), "{out}");
    assert!(ok(d.path(), NOW, &["search", "aarhus"]).contains("Nothing found"), "Å folds to A, not AA");
    assert!(ok(d.path(), NOW, &["search", "arhus"]).contains("· s1"));
}

#[test]
fn a_generated_practice_is_deterministic_and_loads() {
    let d = tempfile::tempdir().unwrap();
    let generate = |out: &Path| {
        let o = out.to_str().unwrap();
        ok(d.path(), NOW, &["demo", "generate", "--clients", "12", "--sessions", "5", "--out", o, "--seed", "3"])
    };
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    assert!(generate(&a).contains("Wrote 12 clients with 5 sessions each"));
    generate(&b);
    let one = d.path().join("one");
    let o = one.to_str().unwrap();
    let said = ok(d.path(), NOW, &["demo", "generate", "--clients", "1", "--sessions", "1", "--out", o]);
    assert!(said.starts_with("Wrote 1 client with 1 session each"), "one of anything is not plural: {said}");
    for entry in fs::read_dir(a.join("clients")).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(fs::read(a.join("clients").join(&name)).unwrap(), fs::read(b.join("clients").join(&name)).unwrap());
    }
    let list = rapport_at(d.path(), NOW)
        .args(["--data-dir", a.to_str().unwrap(), "client", "list", "--all"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(list.stdout).unwrap().lines().count(), 12);
}

#[test]
fn a_subject_access_request_is_one_command() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(
        d.path(),
        NOW,
        &[
            "note",
            "mari",
            "--at",
            "2026-11-16 10:00",
            "--yes",
            "--topic",
            "sleep",
            "--feedback",
            "felt heard",
            "--text",
            "We talked.",
        ],
    );
    ok(d.path(), NOW, &["goal", "add", "mari", "sleep well", "--agreed"]);
    ok(d.path(), NOW, &["addendum", "mari", "s1", "Also work."]);
    ok(d.path(), NOW, &["client", "edit", "mari", "--channel", "text"]);
    let md = ok(d.path(), NOW, &["export", "mari"]);
    assert!(md.contains("- Preferred channel: text"), "{md}");
    assert!(md.starts_with("# Client record: Maria Lopez (Mari)\n"), "{md}");
    for part in [
        "## Profile",
        "- Pronouns: she/her",
        // The note was written in afterwards: each date for what it is.
        "- Record created: 2026-11-23\n- First session: 2026-11-16\n",
        "## Goals",
        "- sleep well (active, agreed with the client",
        "## Sessions",
        "### 2026-11-16 10:00 · 50 min (s1",
        "- sleep",
        "- felt heard",
        "We talked.",
        "> Addendum 2026-11-23 09:35: Also work.",
        "## Messages",
    ] {
        assert!(md.contains(part), "missing {part:?} in\n{md}");
    }
    // Written outside the data folder: a path inside it is refused (see tests/hostile.rs).
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("maria.json");
    ok(d.path(), NOW, &["export", "mari", "--format", "json", "--out", file.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["sessions"][0]["notes"], "We talked.");
    let mode = std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "an export is as private as the record");
    assert!(fails(d.path(), NOW, &["export", "nobody"]).contains("no client matches 'nobody'"));
    assert!(fs::read_to_string(d.path().join("audit.log")).unwrap().contains("\"action\":\"export\""));
}

#[test]
fn discharged_clients_leave_the_list_and_the_agenda_but_keep_their_record() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Tom Becker"]);
    ok(d.path(), NOW, &["appointment", "tom", "--at", "2026-11-24 10:00"]);
    ok(d.path(), NOW, &["note", "tom", "--at", "2015-03-02 10:00", "--yes", "--topic", "long ago"]);
    assert!(ok(d.path(), NOW, &["client", "archive", "tom"]).contains("Tom Becker is archived"));
    let list = ok(d.path(), NOW, &["client", "list"]);
    assert!(!list.contains("Tom Becker") && list.contains("(1 archived client not shown; --all shows them)"), "{list}");
    assert!(ok(d.path(), NOW, &["client", "list", "--all"]).contains("Tom Becker"));
    assert!(!ok(d.path(), NOW, &["agenda", "--date", "2026-11-24"]).contains("Tom"));
    assert!(ok(d.path(), NOW, &["review", "tom"]).contains("long ago"), "the record is kept");
    let due = ok(d.path(), NOW, &["retention"]);
    assert!(due.contains("tom-becker") && due.contains("last contact 2015-03-02"), "{due}");
    assert!(ok(d.path(), NOW, &["retention", "--years", "20"]).contains("No archived client"));
    ok(d.path(), NOW, &["client", "unarchive", "tom"]);
    assert!(ok(d.path(), NOW, &["client", "list"]).contains("Tom Becker"));
    ok(d.path(), NOW, &["client", "archive", "mari"]);
    let none = ok(d.path(), NOW, &["retention", "--years", "1"]);
    assert_eq!(none, "No archived client's last contact is older than 1 year.\n", "one is not plural");
}

#[test]
fn erasing_a_client_needs_their_name_typed_and_says_which_backups_still_hold_them() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["client", "add", "Tom Becker"]);
    ok(d.path(), NOW, &["note", "tom", "--topic", "private words"]);
    ok(d.path(), NOW, &["backup"]);
    let run =
        |input: &str| rapport_at(d.path(), NOW).args(["client", "delete", "tom"]).write_stdin(input).output().unwrap();
    let wrong = run("Tom\n");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("the name did not match; nothing was deleted"));
    assert!(d.path().join("clients/tom-becker.json").exists());

    let right = run("Tom Becker\n");
    assert!(right.status.success(), "{}", String::from_utf8_lossy(&right.stderr));
    let said = String::from_utf8_lossy(&right.stdout);
    assert!(
        said.contains("These snapshots still hold the record")
            && said.contains("rapport backup prune --erase tom-becker"),
        "{said}"
    );
    assert!(!d.path().join("clients/tom-becker.json").exists());
    let log = fs::read_to_string(d.path().join("audit.log")).unwrap();
    assert!(!log.contains("tom-becker"), "{log}");
    assert!(!ok(d.path(), NOW, &["search", "private"]).contains("Tom"));
    ok(d.path(), NOW, &["backup", "prune", "--erase", "tom-becker"]);
    let leftover = std::process::Command::new("grep").arg("-rl").arg("private words").arg(d.path()).output().unwrap();
    assert!(leftover.stdout.is_empty(), "still on disk: {}", String::from_utf8_lossy(&leftover.stdout));
    assert!(ok(d.path(), NOW, &["client", "list"]).contains("Maria Lopez"));
}

/// Answers a command's questions from a script, and keeps what was asked.
struct Answers {
    answers: Vec<&'static str>,
    asked: Vec<String>,
}

impl rapport::cli::Prompt for Answers {
    fn ask(&mut self, question: &str) -> std::io::Result<String> {
        self.asked.push(question.to_string());
        Ok(self.answers.remove(0).to_string())
    }
}

#[test]
fn erasure_asks_for_the_full_name_and_a_wrong_answer_erases_nothing() {
    use clap::Parser;
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    let store = rapport::store::Store::open(d.path()).unwrap();
    let now = rapport::domain::time::dt("2026-11-23 09:35");
    let delete = || rapport::cli::Cli::parse_from(["rapport", "client", "delete", "mari"]).command.unwrap();
    let mut out = Vec::new();
    let mut wrong = Answers { answers: vec!["Maria"], asked: vec![] };
    let e = rapport::cli::run(delete(), &store, now, &mut out, &mut wrong).unwrap_err();
    assert!(e.to_string().contains("the name did not match; nothing was deleted"));
    assert!(wrong.asked[0].contains("This erases Maria Lopez's whole record for good"));
    assert!(d.path().join("clients/maria-lopez.json").exists());
    let mut right = Answers { answers: vec!["Maria Lopez\n"], asked: vec![] };
    rapport::cli::run(delete(), &store, now, &mut out, &mut right).unwrap();
    assert!(!d.path().join("clients/maria-lopez.json").exists());
}

#[test]
fn a_personal_detail_can_be_changed_and_an_impossible_date_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    maria(dir);
    let err = fails(dir, NOW, &["personal", "add", "mari", "exam 2026-02-30"]);
    assert!(err.contains("2026-02-30 does not exist in the calendar"), "{err}");
    let err = fails(dir, NOW, &["note", "mari", "--personal", "exam 2026-02-30"]);
    assert!(err.contains("personal details: 2026-02-30 does not exist in the calendar"), "{err}");
    ok(dir, NOW, &["personal", "add", "mari", "exam", "--date", "2026-12-04", "--ask"]);
    assert_eq!(ok(dir, NOW, &["personal", "edit", "mari", "p1", "maths exam"]), "Changed p1 for Maria Lopez.\n");
    assert_eq!(ok(dir, NOW, &["personal", "list", "mari"]), "p1   maths exam  2026-12-04  (ask)\n");
    ok(dir, NOW, &["personal", "edit", "mari", "p1", "--no-date"]);
    assert_eq!(ok(dir, NOW, &["personal", "list", "mari"]), "p1   maths exam  (ask)\n");
    assert!(fails(dir, NOW, &["personal", "edit", "mari", "p9", "x"]).contains("there is no personal detail p9"));
    assert!(fails(dir, NOW, &["personal", "edit", "mari", "p1", "exam 2026-02-31"]).contains("does not exist"));
}

#[test]
fn a_list_piped_into_a_reader_that_stops_early_says_nothing_of_a_broken_pipe() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Ann Byrne"]);
    // The reader is gone before rapport writes a word, as `| head` can be.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = common::command(d.path())
        .env("RAPPORT_NOW", NOW)
        .args(["client", "list"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("Broken pipe") && said.is_empty(), "{said}");
}

#[test]
fn a_note_backfilled_past_the_editing_period_is_final_as_soon_as_it_is_saved_as_the_question_says() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Hal Moss"]);
    let said = fails(d.path(), NOW, &["note", "hal", "--at", "2026-11-16 10:00", "--topic", "late"]);
    assert!(said.contains("so it would be final as soon as it is saved"), "{said}");
    ok(d.path(), NOW, &["note", "hal", "--at", "2026-11-16 10:00", "--topic", "late", "--yes"]);
    let file = common::file(d.path(), "hal-moss");
    assert!(file["sessions"][0]["finalised"].is_object(), "sealed with the save: {file}");
    assert!(ok(d.path(), NOW, &["verify"]).contains("All 1 finalised note"), "and witnessed in the ledger");
}

#[test]
fn a_client_name_has_a_bound_and_a_longer_one_is_refused_with_its_length() {
    let d = tempfile::tempdir().unwrap();
    let long = "A".repeat(201);
    let said = fails(d.path(), NOW, &["client", "add", &long]);
    assert!(said.contains("a name is at most 200 characters; this one has 201"), "{said}");
    ok(d.path(), NOW, &["client", "add", &"A".repeat(200)]);
}

#[test]
fn an_export_into_the_data_folder_is_refused_as_such_even_where_its_folder_does_not_exist_yet() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Ann Lee"]);
    let into = d.path().join("exports/x.md");
    let said = fails(d.path(), NOW, &["export", "ann", "--out", into.to_str().unwrap()]);
    assert!(said.contains("is inside the data folder"), "{said}");
    let nowhere = d.path().parent().unwrap().join("no-such-folder-here/x.md");
    let said = fails(d.path(), NOW, &["export", "ann", "--out", nowhere.to_str().unwrap()]);
    assert!(said.contains("does not exist; make it first"), "{said}");
}

#[test]
fn a_watch_for_item_resolved_leaves_the_review_but_stays_in_the_record_and_the_export_and_can_be_set_back() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["watch", "add", "mari", "grief around her father"]);
    ok(d.path(), NOW, &["watch", "add", "mari", "sleeping pills at home"]);
    let said = ok(d.path(), NOW, &["watch", "resolve", "mari", "2", "--why", "her partner keeps them now"]);
    assert!(said.contains("Resolved w2 \"sleeping pills at home\" for Maria Lopez"), "{said}");
    assert!(said.contains("rapport watch reopen maria-lopez w2"), "{said}");
    let review = ok(d.path(), NOW, &["review", "mari"]);
    assert!(review.contains("grief around her father") && !review.contains("sleeping pills"), "{review}");
    let list = ok(d.path(), NOW, &["watch", "list", "mari"]);
    assert!(list.contains("w1   grief around her father  (noted Mon 23 Nov)\n"), "{list}");
    assert!(
        list.contains(
            "w2   sleeping pills at home  (noted Mon 23 Nov)  [resolved Mon 23 Nov: her partner keeps them now]\n"
        ),
        "{list}"
    );
    let md = ok(d.path(), NOW, &["export", "mari"]);
    assert!(
        md.contains(
            "- grief around her father (noted 2026-11-23)\n\n**Resolved:**\n- sleeping pills at home (noted \
             2026-11-23, resolved 2026-11-23: her partner keeps them now)\n"
        ),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(d.path(), NOW, &["export", "mari", "--format", "json"])).unwrap();
    assert_eq!(json["watch_for"][1]["resolved_on"], "2026-11-23");
    assert!(json["watch_for"][0].get("resolved_on").is_none());

    // "remove" is never an erasure: it says so, and resolves.
    let said = ok(d.path(), "2026-11-24 09:00", &["watch", "remove", "mari", "w1"]);
    assert!(said.contains("never erased: resolving it instead"), "{said}");
    let file = fs::read_to_string(d.path().join("clients/maria-lopez.json")).unwrap();
    assert!(file.contains("grief around her father") && file.contains("\"resolved_on\": \"2026-11-24\""), "{file}");
    assert!(ok(d.path(), NOW, &["review", "mari"]).contains("Nothing noted to watch for"));
    assert!(fails(d.path(), NOW, &["watch", "resolve", "mari", "w1"]).contains("already resolved on 2026-11-24"));

    ok(d.path(), NOW, &["watch", "reopen", "mari", "w2"]);
    assert!(ok(d.path(), NOW, &["review", "mari"]).contains("sleeping pills at home"));
    let file = fs::read_to_string(d.path().join("clients/maria-lopez.json")).unwrap();
    assert!(!file.contains("her partner keeps them now"), "set back, its reason goes: {file}");
    assert!(fails(d.path(), NOW, &["watch", "reopen", "mari", "w2"]).contains("w2 is not resolved"));
    assert!(fails(d.path(), NOW, &["watch", "resolve", "mari", "w9"]).contains("w9"));
}

#[test]
fn an_appointment_not_held_says_which_way_in_the_agenda_the_review_and_both_exports() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    for at in ["2026-11-09 10:00", "2026-11-16 10:00", "2026-11-18 10:00", "2026-11-23 10:00", "2026-11-30 10:00"] {
        ok(d.path(), NOW, &["appointment", "mari", "--at", at]);
    }
    ok(d.path(), NOW, &["note", "mari", "--at", "2026-11-09 10:00", "--topic", "sleep", "--yes"]);
    let said = ok(d.path(), NOW, &["appointment", "cancel", "mari", "--at", "2026-11-16 10:00", "--did-not-attend"]);
    assert!(said.contains("Cancelled Maria Lopez's appointment at 2026-11-16 10:00: did not attend."), "{said}");
    ok(d.path(), NOW, &["appointment", "cancel", "mari", "--at", "2026-11-18 10:00", "--by-therapist"]);
    ok(d.path(), NOW, &["appointment", "cancel", "mari", "--at", "2026-11-30 10:00"]);
    let both = fails(
        d.path(),
        NOW,
        &["appointment", "cancel", "mari", "--at", "2026-11-23 10:00", "--by-therapist", "--did-not-attend"],
    );
    assert!(both.contains("cannot be used with"), "{both}");

    let agenda = ok(d.path(), NOW, &["agenda", "--date", "2026-11-09", "--days", "22"]);
    for said in ["min  [noted]", "min  [did not attend]", "min  [cancelled by you]", "min  [cancelled by client]"] {
        assert!(agenda.contains(said), "{said}: {agenda}");
    }
    let review = ok(d.path(), NOW, &["review", "mari"]);
    assert!(
        review.contains("! Not held since: Mon 16 Nov (did not attend), Wed 18 Nov (cancelled by you)"),
        "{review}"
    );
    let held = ok(d.path(), NOW, &["review", "mari", "--at", "2026-11-09 10:00"]);
    assert!(held.contains("Mon 9 Nov 10:00 (held)"), "{held}");

    let md = ok(d.path(), NOW, &["export", "mari"]);
    for said in [
        "- 2026-11-09 10:00 (50 min): held, note s1\n",
        "- 2026-11-16 10:00 (50 min): did not attend\n",
        "- 2026-11-18 10:00 (50 min): cancelled by you\n",
        "- 2026-11-23 10:00 (50 min): booked\n",
        "- 2026-11-30 10:00 (50 min): cancelled by client\n",
    ] {
        assert!(md.contains(said), "{said}: {md}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(d.path(), NOW, &["export", "mari", "--format", "json"])).unwrap();
    let happened: Vec<&str> =
        json["appointments"].as_array().unwrap().iter().map(|a| a["what_happened"].as_str().unwrap()).collect();
    assert_eq!(happened, ["held", "did not attend", "cancelled by you", "booked", "cancelled by client"]);
    assert_eq!(json["appointments"][1]["not_held"], "did_not_attend");
}

#[test]
fn the_export_says_whether_each_message_was_replied_and_marks_a_note_final_once_its_editing_period_is_over() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(
        d.path(),
        NOW,
        &[
            "contact",
            "add",
            "mari",
            "--channel",
            "text",
            "--summary",
            "Can we move Monday?",
            "--at",
            "2026-11-20 12:00",
        ],
    );
    ok(
        d.path(),
        NOW,
        &["contact", "add", "mari", "--channel", "email", "--summary", "running late", "--at", "2026-11-21 08:00"],
    );
    ok(
        d.path(),
        NOW,
        &[
            "contact",
            "add",
            "mari",
            "--channel",
            "text",
            "--summary",
            "see you Monday",
            "--outgoing",
            "--at",
            "2026-11-21 09:00",
        ],
    );
    ok(d.path(), NOW, &["contact", "replied", "mari", "c1"]);
    ok(d.path(), NOW, &["note", "mari", "--at", "2026-11-23 08:00", "--topic", "sleep", "--yes"]);
    let md = ok(d.path(), NOW, &["export", "mari"]);
    assert!(md.contains("text from the client: Can we move Monday? — replied (2026-11-23 09:35)\n"), "{md}");
    assert!(md.contains("email from the client: running late — awaiting reply\n"), "{md}");
    assert!(md.contains("text to the client: see you Monday — sent\n"), "{md}");
    assert!(md.contains("### 2026-11-23 08:00 · 50 min (s1, not final yet)"), "{md}");
    // Two days on, nothing changed since: the note is past its editing
    // period (24 hours), so final, though not yet sealed in the file.
    let later = ok(d.path(), "2026-11-25 09:00", &["export", "mari"]);
    assert!(later.contains("### 2026-11-23 08:00 · 50 min (s1, final: editing period over)"), "{later}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(d.path(), "2026-11-25 09:00", &["export", "mari", "--format", "json"])).unwrap();
    assert_eq!(json["sessions"][0]["final"], true);
    assert!(json["sessions"][0].get("finalised").is_none(), "not sealed by an export");
    let replies: Vec<&str> =
        json["contacts"].as_array().unwrap().iter().map(|c| c["reply"].as_str().unwrap()).collect();
    assert_eq!(replies, ["replied (2026-11-23 09:35)", "awaiting reply", "sent"]);
}

#[test]
fn a_name_typed_whole_wins_over_names_it_only_begins() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), NOW, &["client", "add", "Zoe Park", "--preferred", "Zo"]);
    ok(d.path(), NOW, &["client", "add", "Zora Lind"]);
    assert!(ok(d.path(), NOW, &["review", "zo"]).starts_with("Zoe Park"), "Zo is Zoe's preferred name");
    ok(d.path(), NOW, &["client", "add", "Ann Byrne"]);
    ok(d.path(), NOW, &["client", "add", "Anna Lee"]);
    assert!(ok(d.path(), NOW, &["review", "ann"]).starts_with("Ann Byrne"), "a whole word");
    let e = fails(d.path(), NOW, &["review", "z"]);
    assert!(e.contains("matches more than one client"), "{e}");
}

#[test]
fn archiving_a_client_says_which_appointments_are_still_booked() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["appointment", "mari", "--at", "2026-11-30 10:00", "--weekly", "1"]);
    let said = ok(d.path(), NOW, &["client", "archive", "mari"]);
    assert!(said.contains("Still booked: 2 appointments (Mon 30 Nov 10:00, Mon 7 Dec 10:00)"), "{said}");
    assert!(!ok(d.path(), NOW, &["client", "unarchive", "mari"]).contains("Still booked"));
}

#[test]
fn every_argument_of_every_command_says_what_it_is() {
    use clap::CommandFactory;
    fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in c.get_arguments() {
            let id = a.get_id().as_str();
            if ["help", "version"].contains(&id) || a.is_hide_set() {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in c.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            if sub.get_about().is_none() {
                missing.push(format!("{path} {} (the command)", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&rapport::cli::args::Cli::command(), "rapport", &mut missing);
    assert!(missing.is_empty(), "arguments with no description in --help: {missing:#?}");
}

#[test]
fn the_agenda_shows_todays_warnings_fits_80_columns_and_skips_empty_days() {
    let d = tempfile::tempdir().unwrap();
    let store = rapport::store::Store::open(d.path()).unwrap();
    rapport::demo::write_sample_practice(&store, rapport::domain::time::dt(NOW)).unwrap();
    drop(store);
    // A double booking over Jim's, and a reminder too long for a line.
    ok(d.path(), NOW, &["client", "add", "Lena Fischer"]);
    ok(
        d.path(),
        NOW,
        &["task", "add", "lena", "write down three moments in the week when the worry was quieter than usual"],
    );
    ok(d.path(), NOW, &["appointment", "lena", "--at", "2026-11-23 10:30"]);
    let week = ok(d.path(), NOW, &["agenda", "--days", "8"]);
    assert!(week.contains("         !! overlaps 10:30 Lena Fischer\n"), "{week}");
    assert!(week.contains("         !! overlaps 10:00 Jim\n"), "{week}");
    assert!(week.contains("task: write down three moments in the wee…\n"), "a long reminder is cut with …:\n{week}");
    let jim = week.lines().position(|l| l.contains("James Okafor (Jim)")).expect(&week);
    let below: Vec<&str> = week.lines().skip(jim + 1).take_while(|l| l.starts_with("         ")).collect();
    assert!(
        below.iter().any(|l| l.trim_start().starts_with("!! alliance: last SRS")),
        "the measures' warning, as on Today:\n{week}"
    );
    for line in week.lines() {
        assert!(rapport::fit::width(line) <= 80, "wider than 80 columns: '{line}'\n{week}");
    }
    let long = ok(d.path(), NOW, &["agenda", "--days", "60"]);
    assert!(!long.contains("No appointments"), "empty days are skipped:\n{long}");
    assert!(long.lines().filter(|l| !l.starts_with(' ')).count() > 2, "{long}");
    assert!(long.lines().all(|l| rapport::fit::width(l) <= 80), "{long}");
    // A day alone still says it is free; many days with nothing say so once.
    assert!(ok(d.path(), NOW, &["agenda", "--date", "2027-06-01"]).contains("  No appointments"));
    let none = ok(d.path(), NOW, &["agenda", "--date", "2027-06-01", "--days", "3"]);
    assert_eq!(none.lines().next().unwrap(), "No appointments from Tue 1 Jun 2027 to Thu 3 Jun 2027.", "{none}");
}

#[test]
fn a_task_kept_open_says_why_and_a_personal_detail_is_never_noted_twice() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["task", "add", "mari", "keep a sleep diary"]);
    let said = ok(d.path(), NOW, &["task", "not-yet", "mari", "t1", "--reason", "too tired"]);
    assert_eq!(said, "Task t1 of Maria Lopez marked not done yet; it stays open.\n");
    assert!(
        ok(d.path(), NOW, &["task", "list", "mari"])
            .contains("open     keep a sleep diary  (set Mon 23 Nov)  → not done yet (23 Nov): too tired")
    );
    assert!(ok(d.path(), NOW, &["review", "mari"]).contains("not done yet (23 Nov): too tired"));

    ok(d.path(), NOW, &["personal", "add", "mari", "Mia's birthday party", "--date", "2026-11-28"]);
    let e = fails(d.path(), NOW, &["personal", "add", "mari", "mia's Birthday party ", "--date", "2026-11-28"]);
    assert!(e.contains("Maria Lopez has this personal detail already (p1: Mia's birthday party)"), "{e}");
    ok(d.path(), NOW, &["note", "mari", "--topic", "family", "--personal", "Mia's birthday party 2026-11-28"]);
    assert_eq!(ok(d.path(), NOW, &["personal", "list", "mari"]).lines().count(), 1, "noted once");
}

#[test]
fn a_detail_asked_about_leaves_the_reviews_ask_about_and_stays_in_the_record() {
    let d = tempfile::tempdir().unwrap();
    maria(d.path());
    ok(d.path(), NOW, &["personal", "add", "mari", "brass band concert", "--ask"]);
    assert!(ok(d.path(), NOW, &["review", "mari"]).contains("! Ask about: brass band concert"));
    let said = ok(d.path(), NOW, &["personal", "asked", "mari", "1"]);
    assert_eq!(said, "Asked about p1: it leaves Maria Lopez's \"Ask about\"; it stays in the record.\n");
    let review = ok(d.path(), NOW, &["review", "mari"]);
    assert!(!review.contains("Ask about: brass band concert"), "{review}");
    assert!(ok(d.path(), NOW, &["personal", "list", "mari"]).contains("p1   brass band concert\n"));
    let again = ok(d.path(), NOW, &["personal", "asked", "mari", "1"]);
    assert_eq!(again, "p1 is not in Maria Lopez's \"Ask about\" (asked already, or never flagged).\n");
}
