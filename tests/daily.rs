//! A therapist's day through the command line: appointments booked, notes
//! written after them, notes due, and the mistakes a tired hand makes.

mod common;

use common::{fails, file, ok};

const MORNING: &str = "2026-11-23 09:00";
const AFTER_SESSION: &str = "2026-11-23 11:05";

fn ann(dir: &std::path::Path) {
    ok(dir, MORNING, &["client", "add", "Ann Byrne"]);
    ok(dir, MORNING, &["appointment", "ann", "--at", "2026-11-23 10:00", "--weekly", "2"]);
}

#[test]
fn a_mistyped_future_date_is_refused_and_never_hides_an_appointment() {
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    let before = std::fs::read(d.path().join("clients/ann-byrne.json")).unwrap();
    let err = fails(d.path(), MORNING, &["note", "ann", "--at", "2027-01-05 10:00", "--topic", "x"]);
    assert!(err.contains("dated Tue 5 Jan 2027 10:00, 43 days ahead"), "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(std::fs::read(d.path().join("clients/ann-byrne.json")).unwrap(), before, "nothing saved");

    ok(d.path(), MORNING, &["note", "ann", "--at", "2027-01-05 10:00", "--topic", "x", "--yes"]);
    let agenda = ok(d.path(), MORNING, &["agenda", "--days", "15"]);
    for day in ["Mon 23 Nov\n  10:00  Ann Byrne", "Mon 30 Nov\n  10:00  Ann Byrne", "Mon 7 Dec\n  10:00  Ann Byrne"] {
        assert!(agenda.contains(day), "{day} is missing:\n{agenda}");
    }
    let review = ok(d.path(), MORNING, &["review", "ann"]);
    assert!(review.contains("Mon 23 Nov 10:00 (in 1 h)"), "{review}");
    assert!(!review.contains("last session today"), "{review}");
}

#[test]
fn a_note_written_after_the_session_belongs_to_its_appointment() {
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    // Ended at 10:50, no note yet: due, on the agenda.
    let agenda = ok(d.path(), AFTER_SESSION, &["agenda"]);
    assert!(agenda.contains("10:00  Ann Byrne   50 min  [note due]"), "{agenda}");

    // No --at: the note is for the appointment just held, and takes its time.
    let saved = ok(d.path(), AFTER_SESSION, &["note", "ann", "--topic", "her sister's visit"]);
    assert!(saved.contains("for the appointment at 2026-11-23 10:00 (2026-11-23 10:00, 50 min)"), "{saved}");
    let f = file(d.path(), "ann-byrne");
    assert_eq!(f["appointments"][0]["note"], "s1");
    assert_eq!(f["sessions"][0]["at"], "2026-11-23T10:00:00");
    let agenda = ok(d.path(), AFTER_SESSION, &["agenda"]);
    assert!(agenda.contains("[noted]"), "{agenda}");

    // A second note the same hour is not linked to the same appointment.
    let again = ok(d.path(), AFTER_SESSION, &["note", "ann", "--topic", "one more thing"]);
    assert!(!again.contains("for the appointment"), "{again}");
    // A noted appointment is neither cancelled nor moved.
    assert!(
        fails(d.path(), AFTER_SESSION, &["appointment", "cancel", "ann", "--at", "2026-11-23 10:00"])
            .contains("has its note written")
    );
}

#[test]
fn a_note_dated_by_hand_links_only_the_appointment_at_that_time() {
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    let later = "2026-11-30 12:00";
    ok(d.path(), later, &["note", "ann", "--at", "2026-11-30 10:00", "--yes", "--topic", "work"]);
    ok(d.path(), later, &["note", "ann", "--at", "2026-11-29 09:00", "--yes", "--topic", "a call"]);
    let f = file(d.path(), "ann-byrne");
    let notes: Vec<_> = f["appointments"].as_array().unwrap().iter().map(|a| a["note"].clone()).collect();
    assert_eq!(notes, vec![serde_json::Value::Null, "s1".into(), serde_json::Value::Null]);
    // The note of the 23rd was never written: it stays due on the agenda.
    let agenda = ok(d.path(), later, &["agenda", "--date", "2026-11-23"]);
    assert!(agenda.contains("[note due]"), "{agenda}");
}

#[test]
fn an_empty_note_is_refused_and_says_what_to_give() {
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    let before = std::fs::read(d.path().join("clients/ann-byrne.json")).unwrap();
    for args in [vec!["note", "ann"], vec!["note", "ann", "--topic", "  ", "--plan", ""]] {
        let err = fails(d.path(), AFTER_SESSION, &args);
        assert!(err.contains("the note is empty: give at least one of --topic"), "{err}");
    }
    assert_eq!(std::fs::read(d.path().join("clients/ann-byrne.json")).unwrap(), before);
}

#[test]
fn a_file_from_before_appointment_ids_is_read_with_its_notes_linked() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("clients")).unwrap();
    std::fs::set_permissions(d.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    // Format 2: appointments without ids; s1 names its appointment by time, s2 was written the same day as one.
    let v2 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v2.json");
    std::fs::copy(v2, d.path().join("clients/ann-byrne.json")).unwrap();

    let agenda = ok(d.path(), MORNING, &["agenda", "--date", "2026-11-16", "--days", "8"]);
    assert_eq!(agenda.matches("[noted]").count(), 2, "{agenda}");
    assert!(!agenda.contains("[note due]"), "{agenda}");
    // The next change writes the new format with the links made.
    ok(d.path(), MORNING, &["watch", "add", "ann", "her sister"]);
    let f = file(d.path(), "ann-byrne");
    assert_eq!(f["schema_version"], rapport::domain::SCHEMA_VERSION);
    let links: Vec<_> =
        f["appointments"].as_array().unwrap().iter().map(|a| (a["id"].clone(), a["note"].clone())).collect();
    assert_eq!(
        links,
        vec![("a1".into(), "s1".into()), ("a2".into(), "s2".into()), ("a3".into(), serde_json::Value::Null)]
    );
}

#[test]
fn the_review_shows_what_was_noticed_and_why_a_task_is_still_open() {
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    ok(
        d.path(),
        AFTER_SESSION,
        &[
            "note",
            "ann",
            "--topic",
            "work",
            "--observation",
            "long silence after 'mother'",
            "--task",
            "call her sister",
        ],
    );
    // In the app, `u` on the task in the review: not done yet, and why.
    let store = rapport::store::Store::open(d.path()).unwrap();
    let monday = rapport::domain::time::dt("2026-11-30 09:00");
    let reason = rapport::domain::not_done_yet(monday.date(), "too tired");
    store
        .update(&rapport::domain::ClientId::new("ann-byrne"), monday, "task changed", |r| {
            r.set_task_status(
                &rapport::domain::TaskId::new("t1"),
                rapport::domain::TaskStatus::Open,
                Some(reason),
                monday.date(),
            )
        })
        .unwrap();
    let review = ok(d.path(), "2026-11-30 09:00", &["review", "ann"]);
    assert!(review.contains("You noticed: long silence after 'mother'"), "{review}");
    assert!(review.contains("[t1] call her sister (set 7 days ago) · not done yet (30 Nov): too tired"), "{review}");
}

#[test]
fn a_note_saved_meanwhile_in_another_window_takes_what_this_one_wrote_once_asked() {
    use rapport::practice::{Answers, Ask, Outcome, note};
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    let store = rapport::store::Store::open(d.path()).unwrap();
    let id = rapport::domain::ClientId::new("ann-byrne");
    let now = rapport::domain::time::dt(AFTER_SESSION);
    // Both windows opened the note form for the 10:00 appointment.
    let r = store.load(&id).unwrap();
    let form = |topic: &str, task: &str| {
        let blank = rapport::domain::NewSession {
            topics: vec![topic.into()],
            tasks: vec![task.into()],
            plan: format!("plan from {topic}"),
            ..Default::default()
        };
        note::for_appointment(&r, blank, now)
    };
    let (first, second) = (form("sleep", "diary"), form("work stress", "walks"));
    assert!(second.appointment.is_some());
    let Outcome::Done(saved) = note::save(&store, &id, first, &Answers::none(), now).unwrap() else { panic!() };
    // The second is asked, not stranded and not a second note.
    let Outcome::Asks(asked) = note::save(&store, &id, second.clone(), &Answers::none(), now).unwrap() else {
        panic!("asked first")
    };
    assert_eq!(asked[0].ask, Ask::AddToSavedNote);
    assert!(asked[0].text.contains(&format!("saved meanwhile, in another window (note {})", saved.session)));
    let Outcome::Done(added) =
        note::save(&store, &id, second, &Answers::none().and([Ask::AddToSavedNote]), now).unwrap()
    else {
        panic!()
    };
    assert_eq!(added.session, saved.session);
    let r = store.load(&id).unwrap();
    assert_eq!(r.sessions.iter().filter(|s| s.at.date() == now.date()).count(), 1, "one note");
    let s = r.session(&saved.session).unwrap();
    assert_eq!(s.topics, vec!["sleep".to_string(), "work stress".to_string()]);
    assert_eq!(s.plan, "plan from sleep\n\nplan from work stress");
    let tasks: Vec<&str> = r.tasks.iter().map(|t| t.text.as_str()).collect();
    assert!(tasks.contains(&"diary") && tasks.contains(&"walks"), "{tasks:?}");
}

#[test]
fn a_note_saved_and_final_meanwhile_in_another_window_is_said_so_before_anything_is_asked() {
    use rapport::practice::{Answers, Outcome, note};
    let d = tempfile::tempdir().unwrap();
    ann(d.path());
    let store = rapport::store::Store::open(d.path()).unwrap();
    let id = rapport::domain::ClientId::new("ann-byrne");
    let now = rapport::domain::time::dt(AFTER_SESSION);
    let r = store.load(&id).unwrap();
    let form = |topic: &str| {
        let blank = rapport::domain::NewSession { topics: vec![topic.into()], ..Default::default() };
        note::for_appointment(&r, blank, now)
    };
    let (first, second) = (form("sleep"), form("work"));
    let Outcome::Done(saved) = note::save(&store, &id, first, &Answers::none(), now).unwrap() else { panic!() };
    store.update(&id, now, "test", |r| r.finalise(Some(&saved.session), now).map(|_| ())).unwrap();
    let e = note::save(&store, &id, second, &Answers::none(), now).unwrap_err().to_string();
    assert!(e.contains("saved and is final meanwhile") && e.contains("as an addendum"), "{e}");
}
