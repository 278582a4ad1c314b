//! The review against worked examples, with a fixed clock.

use super::*;
use crate::domain::time::dt;
use crate::domain::{Channel, ClientProfile, Direction, NewSession};

fn maria() -> ClientRecord {
    let mut r = ClientRecord::new(
        crate::domain::ClientId::new("maria"),
        ClientProfile {
            name: "Maria Lopez".into(),
            preferred_name: Some("Mari".into()),
            pronouns: Some("she/her".into()),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
    );
    for (i, day) in ["2026-11-02", "2026-11-09", "2026-11-16"].iter().enumerate() {
        r.add_session(
            NewSession {
                at: Some(dt(&format!("{day} 10:00"))),
                topics: vec![format!("topic {}", i + 1)],
                feedback: vec![format!("feedback {}", i + 1)],
                plan: format!("plan {}", i + 1),
                ..Default::default()
            },
            dt("2026-11-26 00:00"),
        )
        .unwrap();
    }
    r
}

#[test]
fn last_time_shows_the_newest_session_then_two_condensed() {
    let s = summary(&maria(), None, dt("2026-11-23 09:00"));
    assert_eq!(s.last_time.as_ref().unwrap().topics, vec!["topic 3"]);
    let earlier: Vec<_> = s.earlier.iter().map(|t| t.topics[0].as_str()).collect();
    assert_eq!(earlier, vec!["topic 2", "topic 1"]);
    assert_eq!(s.session_number, 4);
    assert_eq!(s.days_since_last, Some(7));
    assert_eq!(s.plan.as_deref(), Some("plan 3"));
}

#[test]
fn feedback_is_newest_first_and_dated() {
    let s = summary(&maria(), None, dt("2026-11-23 09:00"));
    let texts: Vec<_> = s.told_you.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, vec!["feedback 3", "feedback 2", "feedback 1"]);
    assert_eq!(s.told_you[0].date, NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
}

#[test]
fn a_birthday_between_sessions_is_the_first_thing_to_ask_about() {
    let mut r = maria();
    let noted = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    r.add_personal("plays in a brass band".into(), None, false, noted, None);
    r.add_personal("walking group".into(), None, true, noted, None);
    r.add_personal("Mia's birthday party".into(), NaiveDate::from_ymd_opt(2026, 11, 21), false, noted, None);
    r.add_personal("sister visits".into(), NaiveDate::from_ymd_opt(2026, 11, 28), false, noted, None);
    let appt = Appointment { start: dt("2026-11-23 10:00"), minutes: 50, ..Default::default() };
    let s = summary(&r, Some(&appt), dt("2026-11-23 09:35"));
    let kinds: Vec<_> = s.personal.iter().map(|p| (p.text.as_str(), p.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            ("Mia's birthday party", PersonalKind::HappenedSince),
            ("walking group", PersonalKind::AskAbout),
            ("sister visits", PersonalKind::ComingUp),
            ("plays in a brass band", PersonalKind::Other),
        ]
    );
    let text = s.to_text(appt.start.date());
    assert!(text.contains("! Mia's birthday party, Sat 21 Nov: ask how it went"), "{text}");
    assert!(text.contains("Mon 23 Nov 10:00 (in 25 min) · session 4 · 7 days since the last"), "{text}");
}

#[test]
fn a_birthday_before_the_last_session_is_not_news() {
    let mut r = maria();
    let noted = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    r.add_personal("Mia's birthday".into(), NaiveDate::from_ymd_opt(2026, 11, 10), false, noted, None);
    let s = summary(&r, None, dt("2026-11-23 09:00"));
    assert_eq!(s.personal[0].kind, PersonalKind::Other);
}

#[test]
fn tasks_open_and_done_since_last_time() {
    let mut r = maria();
    let set = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap();
    r.add_session(
        NewSession {
            at: Some(dt("2026-11-20 10:00")),
            tasks: vec!["sleep diary".into(), "call sister".into()],
            ..Default::default()
        },
        dt("2026-11-20 11:00"),
    )
    .unwrap();
    r.set_task_status(
        &crate::domain::TaskId::new("t2"),
        TaskStatus::Done,
        Some("she called".into()),
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    )
    .unwrap();
    let s = summary(&r, None, dt("2026-11-23 09:00"));
    assert_eq!(s.tasks_to_check.len(), 1);
    assert_eq!(s.tasks_to_check[0].text, "sleep diary");
    assert_eq!(s.done_since_last[0].outcome.as_deref(), Some("she called"));
    let _ = set;
    let text = s.to_text(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    assert!(text.contains("- [t1] sleep diary (set 3 days ago)"), "{text}");
    assert!(text.contains("+ Done: call sister: she called"), "{text}");
}

#[test]
fn a_new_client_gets_quiet_empty_sections_in_order() {
    let r = ClientRecord::new(
        crate::domain::ClientId::new("new"),
        ClientProfile { name: "New Client".into(), ..Default::default() },
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    );
    let s = summary(&r, None, dt("2026-11-23 09:00"));
    let sections = s.sections(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let headings: Vec<_> = sections.iter().map(|s| s.heading).collect();
    assert_eq!(headings, HEADINGS);
    assert!(sections.iter().all(|s| s.lines.is_empty()));
    assert!(s.to_text(NaiveDate::MIN).contains("No open tasks"));
    assert!(s.header(NaiveDate::MIN).1.contains("first session"));
}

#[test]
fn every_heading_fits_the_review_screens_label_column() {
    for heading in HEADINGS.into_iter().chain([MEASURES, TWO_DEVICES]) {
        assert!(heading.chars().count() <= HEADING_WIDTH, "{heading:?} is wider than {HEADING_WIDTH}");
    }
}

#[test]
fn messages_awaiting_reply_and_watch_for_are_listed() {
    let mut r = maria();
    r.add_contact(dt("2026-11-20 18:00"), Channel::Voicemail, Direction::Incoming, "can we move Monday?".into());
    r.add_contact(dt("2026-11-20 19:00"), Channel::Text, Direction::Outgoing, "sent".into());
    r.add_watch_for("do not push on the father yet".into(), NaiveDate::MIN);
    let s = summary(&r, None, dt("2026-11-23 09:00"));
    assert_eq!(s.awaiting_reply.len(), 1);
    assert_eq!(s.watch_for, vec!["do not push on the father yet"]);
    let text = s.to_text(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    assert!(text.contains("! [c1] voicemail 3 days ago: can we move Monday?"), "{text}");
}

#[test]
fn sessions_after_the_appointment_are_not_counted() {
    let r = maria();
    let appt = Appointment { start: dt("2026-11-10 10:00"), minutes: 50, ..Default::default() };
    let s = summary(&r, Some(&appt), dt("2026-11-10 09:00"));
    assert_eq!(s.session_number, 3);
    assert_eq!(s.last_time.unwrap().topics, vec!["topic 2"]);
}

#[test]
fn the_header_says_when_the_appointment_is_once() {
    let mut r = maria();
    r.schedule(dt("2026-11-23 10:00"), 50, 0).unwrap();
    r.schedule(dt("2026-11-24 10:00"), 50, 0).unwrap();
    r.schedule(dt("2026-12-03 10:00"), 50, 0).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let when = |at: &str| {
        let a = r.appointments.iter().find(|a| a.start == dt(at)).unwrap().clone();
        summary(&r, Some(&a), dt("2026-11-23 09:35")).header(today).1
    };
    assert!(when("2026-11-23 10:00").starts_with("Mon 23 Nov 10:00 (in 25 min) · session 4"));
    assert!(when("2026-11-24 10:00").starts_with("Tue 24 Nov 10:00 (tomorrow) · session 4"));
    assert!(when("2026-12-03 10:00").starts_with("Thu 3 Dec 10:00 · session 4"), "{}", when("2026-12-03 10:00"));
}

#[test]
fn a_resolved_watch_for_item_is_not_in_the_review() {
    let mut r = maria();
    let w = r.add_watch_for("sleeping pills at home".into(), NaiveDate::MIN);
    r.add_watch_for("do not push on the father yet".into(), NaiveDate::MIN);
    r.resolve_watch_for(&w, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), None).unwrap();
    let s = summary(&r, None, dt("2026-11-23 09:00"));
    assert_eq!(s.watch_for, vec!["do not push on the father yet"]);
    r.reopen_watch_for(&w).unwrap();
    assert_eq!(summary(&r, None, dt("2026-11-23 09:00")).watch_for.len(), 2);
}

#[test]
fn appointments_not_held_since_the_last_session_are_said_in_words_under_last_time() {
    let mut r = maria();
    for day in ["2026-11-18", "2026-11-20", "2026-11-23"] {
        r.schedule(dt(&format!("{day} 10:00")), 50, 0).unwrap();
    }
    let ids: Vec<_> = r.appointments.iter().map(|a| a.id.clone()).collect();
    r.cancel_appointment(&ids[0], crate::domain::NotHeld::DidNotAttend, dt("2026-11-18 10:30")).unwrap();
    r.cancel_appointment(&ids[1], crate::domain::NotHeld::CancelledByTherapist, dt("2026-11-19 10:30")).unwrap();
    let next = r.appointments[2].clone();
    let s = summary(&r, Some(&next), dt("2026-11-23 09:00"));
    let text = s.to_text(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    assert!(
        text.contains("Last time\n  - Mon 16 Nov: topic 3\n  ! Not held since: Wed 18 Nov (did not attend), Fri 20 Nov (cancelled by you)\n"),
        "{text}"
    );
    // The review of the one not held says so in its header.
    let s = summary(&r, Some(&r.appointments[0]), dt("2026-11-23 09:00"));
    assert_eq!(s.appointment_when.as_deref(), Some("did not attend"));
}

#[test]
fn a_clients_words_are_quoted_once() {
    assert_eq!(super::quoted("the ladder makes sense"), "\"the ladder makes sense\"");
    assert_eq!(super::quoted("\"You're the first person I've told\""), "\"You're the first person I've told\"");
    assert_eq!(super::quoted("“curly”"), "“curly”");
    assert_eq!(super::quoted("\""), "\"\"\"", "a lone quote is words, quoted");
}
