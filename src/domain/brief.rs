//! The anonymised case brief a therapist takes to supervision: what the
//! work has been about and how it is going, with nothing that names the
//! client. A code stands for them; weeks of therapy stand for dates; the
//! client's names, wherever the therapist typed them, become the code.
//! Personal details, contact details and messages are left out whole.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::appointments::AppointmentState;
use super::find::fold;
use super::{Appointment, ClientRecord, Goal, NotHeld, Session, SupervisionQuestion, Task, TaskStatus, plural};

/// The brief for `r`, named by `code`, written at `now`. Pure. The names
/// of the practice's `other` clients, where typed in it, become "another
/// client" (each word of three letters or more, as it is capitalised in
/// the name, so "will" stays a word when Will is a client).
pub fn brief(r: &ClientRecord, code: &str, others: &[String], now: NaiveDateTime) -> String {
    // Every part named: one added to the record does not compile until it
    // says whether the brief carries it.
    let ClientRecord {
        sessions,
        tasks,
        goals,
        appointments,
        supervision,
        measures: _, // below, as trends
        scales: _,
        // Never in a brief: who the client is and how to reach them, the
        // personal things to ask about, what they wrote to the therapist.
        client: _,
        personal: _,
        contacts: _,
        // What to go carefully with is said in supervision in the
        // therapist's own words, not copied from the record.
        watch_for: _,
        schema_version: _,
        conflicts: _,
        device: _,
    } = r;
    let names = Names::of(r);
    let scrub = Scrub::new();
    let other_words: Vec<String> = others
        .iter()
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3 && w.chars().next().is_some_and(char::is_uppercase))
        .map(str::to_string)
        .collect();
    let clean = |text: &str| {
        replace_runs(&names.replace(&scrub.clean(text), code), |w| other_words.iter().any(|o| o == w), "another client")
    };
    let start = sessions.iter().map(|s| s.at.date()).min().unwrap_or(r.client.created);
    let week = |d: NaiveDate| format!("week {}", (d - start).num_days().max(0) / 7 + 1);
    let mut out = format!("# Case brief: client {code}\n\n");
    out.push_str(&format!(
        "For supervision, {} of therapy. Anonymised: no name, personal or contact details,\nmessages or dates.\n\n",
        week(now.date())
    ));
    let (mut cancelled, mut missed) = (0, 0);
    for a in appointments {
        // Where it was booked from says nothing of the therapy (and another
        // system's UID may hold a name or an address).
        let Appointment {
            start,
            id: _,
            minutes: _,
            note: _,
            cancelled: _,
            not_held: _,
            source_uid: _,
            source_start: _,
            moved_from: _,
        } = a;
        if *start > now {
            continue;
        }
        match a.state(now) {
            AppointmentState::Cancelled(NotHeld::DidNotAttend) => missed += 1,
            AppointmentState::Cancelled(_) => cancelled += 1,
            _ => {}
        }
    }
    let mut held = plural(sessions.len(), "session") + " held";
    if cancelled + missed > 0 {
        held.push_str(&format!(" ({cancelled} cancelled, {missed} not attended)"));
    }
    out.push_str(&format!("{held}.\n"));

    out.push_str("\n## Themes\n\n");
    let mut themes: BTreeMap<String, (String, usize, NaiveDate)> = BTreeMap::new();
    for s in sessions {
        let Session {
            at,
            topics,
            // The client's words and the therapist's own stay in the record:
            // the brief carries themes, tasks and measures.
            id: _,
            minutes: _,
            feedback: _,
            observations: _,
            plan: _,
            notes: _,
            // The clinician's own words stay in the record too.
            assessment: _,
            intervention: _,
            appointment: _,
            finalised: _,
            addenda: _,
        } = s;
        for t in topics {
            let e = themes.entry(fold(t.trim())).or_insert_with(|| (clean(t.trim()), 0, at.date()));
            e.1 += 1;
            e.2 = e.2.max(at.date());
        }
    }
    let mut themes: Vec<_> = themes.into_values().collect();
    themes.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)));
    for (text, n, last) in &themes {
        out.push_str(&format!("- {text} ({}, last in {})\n", plural(*n, "session"), week(*last)));
    }
    none_if(&mut out, themes.is_empty());

    out.push_str("\n## Goals\n\n");
    for g in goals {
        let Goal { text, status, agreed, set_on, id: _ } = g;
        let agreed = if *agreed { "agreed" } else { "not yet agreed" };
        out.push_str(&format!("- {} ({}, {agreed}, set in {})\n", clean(text), status.label(), week(*set_on)));
    }
    none_if(&mut out, goals.is_empty());

    out.push_str("\n## Measures\n\n");
    let trends = r.trends(now);
    for t in &trends {
        let course = match &t.change {
            Some(c) => format!(
                "{} → {} since {}{}",
                c.from,
                t.latest,
                week(c.since),
                c.reading.map(|r| format!(" ({})", r.label())).unwrap_or_default()
            ),
            None => format!("{} once", t.latest),
        };
        let band = t.band.as_ref().map(|b| format!(", {b}")).unwrap_or_default();
        let what = if t.kind == super::measures::MeasureKind::Srs { " (alliance)" } else { "" };
        out.push_str(&format!(
            "- {}{what}: {course}{band}, latest in {}  {}\n",
            t.name,
            week(t.latest_at.date()),
            t.sparkline
        ));
    }
    none_if(&mut out, trends.is_empty());

    out.push_str("\n## Tasks\n\n");
    let count = |s: TaskStatus| tasks.iter().filter(|t| t.status == s).count();
    if !tasks.is_empty() {
        out.push_str(&format!(
            "{} set: {} done, {} open, {} dropped.\n",
            tasks.len(),
            count(TaskStatus::Done),
            count(TaskStatus::Open),
            count(TaskStatus::Dropped)
        ));
    }
    for t in tasks {
        // What the client said they did is their own words: left out.
        let Task { text, status, set_on, id: _, session: _, outcome: _, closed_on: _ } = t;
        out.push_str(&format!("- {} ({}, set in {})\n", clean(text), status.label(), week(*set_on)));
    }
    none_if(&mut out, tasks.is_empty());

    out.push_str("\n## To bring\n\n");
    let open: Vec<&SupervisionQuestion> = supervision.iter().filter(|q| q.is_open()).collect();
    for q in &open {
        let SupervisionQuestion { text, noted_on, id: _, discussed_on: _ } = q;
        out.push_str(&format!("- {} (noted in {})\n", clean(text), week(*noted_on)));
    }
    none_if(&mut out, open.is_empty());
    out
}

/// `text` with each run of words for which `is_name` holds (joined by a
/// space or a hyphen: "María López", "Ørsted-Núñez") replaced by one `by`.
fn replace_runs(text: &str, is_name: impl Fn(&str) -> bool, by: &str) -> String {
    // Words and what stands between them, in turn.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let word = c.is_alphanumeric();
        match pieces.last_mut() {
            Some((w, s)) if *w == word => s.push(c),
            _ => pieces.push((word, c.to_string())),
        }
    }
    let name = |p: &(bool, String)| p.0 && is_name(&p.1);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < pieces.len() {
        if name(&pieces[i]) {
            let mut end = i;
            while end + 2 < pieces.len()
                && matches!(pieces[end + 1].1.as_str(), " " | "-" | "‑")
                && name(&pieces[end + 2])
            {
                end += 2;
            }
            out.push_str(by);
            i = end + 1;
        } else {
            out.push_str(&pieces[i].1);
            i += 1;
        }
    }
    out
}

/// Whether `text` holds any of `r`'s names as a word (any case or accent).
pub fn names_in(r: &ClientRecord, text: &str) -> bool {
    const MARK: &str = "\u{0}";
    Names::of(r).replace(text, MARK).contains(MARK)
}

fn none_if(out: &mut String, empty: bool) {
    if empty {
        out.push_str("None recorded.\n");
    }
}

/// What a brief never carries, wherever the therapist typed it: an email
/// address, a number long enough to be a phone, NHS or account number, and
/// a date in any of the ways one is written (2026-12-03, 03/12/2026,
/// 3 December 2026, 3 Dec, December 2026).
struct Scrub {
    email: regex::Regex,
    number: regex::Regex,
    date: regex::Regex,
}

impl Scrub {
    fn new() -> Scrub {
        let month = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
        let date = format!(
            r"(?i)\b(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\b\.?(?:,?\s+\d{{4}})?|{month}\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|{month}\b\.?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}})\b"
        );
        Scrub {
            email: regex::Regex::new(r"[^\s@<>()]+@[^\s@<>()]+").expect("a valid pattern"),
            // Six digits or more, with spaces, dashes, dots or brackets between.
            number: regex::Regex::new(r"\+?\(?\d(?:[\s\-.()]*\d){5,}").expect("a valid pattern"),
            date: regex::Regex::new(&date).expect("a valid pattern"),
        }
    }

    /// `text` on one line, with every email, long number and date replaced.
    fn clean(&self, text: &str) -> String {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = self.email.replace_all(&one_line, "(an email address)");
        let text = self.date.replace_all(&text, "a date");
        self.number.replace_all(&text, "(a number)").into_owned()
    }
}

/// The words of a client's names, folded (accents and case away), that
/// the brief replaces wherever they stand as a word.
struct Names(Vec<String>);

impl Names {
    fn of(r: &ClientRecord) -> Names {
        // The client's own email and phone are caught by `Scrub` as any are.
        let mut words: Vec<String> = [Some(r.client.name.as_str()), r.client.preferred_name.as_deref()]
            .into_iter()
            .flatten()
            .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.chars().count() >= 2)
            .map(fold)
            .collect();
        words.sort();
        words.dedup();
        Names(words)
    }

    /// `text` with each run of the names' words (a name, a hyphenated or
    /// double name, "María López") replaced by one `code`.
    fn replace(&self, text: &str, code: &str) -> String {
        replace_runs(text, |w| self.0.contains(&fold(w)), code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measures::{MeasureKind, NewMeasure, Score};
    use crate::domain::time::dt;
    use crate::domain::{Channel, ClientId, ClientProfile, Direction, NewSession};

    fn rich() -> ClientRecord {
        let profile = ClientProfile {
            name: "María López Okafor".into(),
            preferred_name: Some("Mari".into()),
            phone: Some("07700 900123".into()),
            email: Some("maria@example.org".into()),
            ..Default::default()
        };
        let mut r = ClientRecord::new(ClientId::new("maria-lopez"), profile, dt("2026-09-01 09:00").date());
        for (i, day) in ["2026-09-07", "2026-09-14", "2026-09-21", "2026-10-12"].iter().enumerate() {
            let at = dt(&format!("{day} 10:00"));
            r.add_session(
                NewSession {
                    topics: vec!["sleep".into(), format!("Mari's mother, week {i}")],
                    feedback: vec!["MARIA said the diary helped".into()],
                    observations: vec!["tearful when Lopez family came up".into()],
                    ..Default::default()
                },
                at,
            )
            .unwrap();
            let items = vec![Score::whole(4 + i as u32); 4];
            r.add_measure(NewMeasure { kind: MeasureKind::Ors, items, at, session: None }, &[]).unwrap();
        }
        r.add_personal("daughter Sofía's party on 2026-10-20".into(), None, true, dt("2026-09-07 10:00").date(), None);
        r.add_contact(dt("2026-09-08 08:00"), Channel::Text, Direction::Incoming, "running late, María".into());
        r.add_goal("María to sleep through most nights".into(), true, dt("2026-09-07 10:00").date());
        r.add_task("keep a sleep diary until 2026-09-21", None, dt("2026-09-07 10:00").date()).unwrap();
        r.add_question("am I rescuing Mari when she cries?", dt("2026-10-12 10:00").date()).unwrap();
        r
    }

    #[test]
    fn the_brief_of_a_rich_record_names_no_one_and_dates_nothing() {
        let b = brief(&rich(), "3f9a12c0", &["Jim Okafor".into()], dt("2026-10-14 09:00"));
        for leak in [
            "María",
            "Maria",
            "MARIA",
            "Mari",
            "López",
            "Lopez",
            "Okafor",
            "07700",
            "example.org",
            "Sofía",
            "party",
            "running late",
            "diary helped",
            "tearful",
            "2026",
        ] {
            assert!(!b.contains(leak), "the brief holds {leak:?}:\n{b}");
        }
        assert!(b.contains("3f9a12c0's mother"), "a name in a topic becomes the code:\n{b}");
        assert!(b.contains("- 3f9a12c0 to sleep through most nights (active, agreed, set in week 1)"), "{b}");
        assert!(b.contains("- sleep (4 sessions, last in week 6)"), "{b}");
        assert!(b.contains("keep a sleep diary until a date (open, set in week 1)"), "{b}");
        assert!(b.contains("- am I rescuing 3f9a12c0 when she cries? (noted in week 6)"), "{b}");
        assert!(b.contains("ORS: 16 → 28 since week 1"), "{b}");
        assert!(b.contains("4 sessions held"), "{b}");
    }

    #[test]
    fn contact_details_numbers_and_dates_in_any_form_never_reach_the_brief() {
        let mut r = rich();
        let hostile = "rang her on +44 7700 900123; born 4 March 1990, 04/03/1990, 2026/11/01, 3 Nov, March 2026; \
                       NHS 943 476 5919; mari@example.org; Ørsted-Núñez family\n## Goals";
        r.client.name = "María Ørsted-Núñez".into();
        r.add_question(hostile, dt("2026-10-12 10:00").date()).unwrap();
        r.add_task("call back on 07700 900456 at 1.5 hours", None, dt("2026-10-12 10:00").date()).unwrap();
        let b = brief(&r, "c0de", &[], dt("2026-10-14 09:00"));
        for leak in [
            "7700",
            "900123",
            "1990",
            "04/03",
            "2026",
            "3 Nov",
            "March",
            "943",
            "example.org",
            "@",
            "Ørsted",
            "Núñez",
            "900456",
        ] {
            assert!(!b.contains(leak), "the brief holds {leak:?}:\n{b}");
        }
        assert!(b.contains("c0de family"), "a double name is one code, not its shape:\n{b}");
        assert_eq!(b.lines().filter(|l| l.starts_with("## Goals")).count(), 1, "a typed heading is not one:\n{b}");
        assert!(b.contains("at 1.5 hours"), "a decimal is not a date:\n{b}");
    }

    #[test]
    fn another_clients_name_becomes_another_client_and_a_common_word_stays() {
        let mut r = rich();
        r.add_task("phone Tom Becker, who will call", None, dt("2026-10-12 10:00").date()).unwrap();
        let b = brief(&r, "c0de", &["Tom Becker".into(), "Will Rose".into()], dt("2026-10-14 09:00"));
        assert!(b.contains("phone another client, who will call"), "{b}");
    }

    #[test]
    fn a_name_inside_another_word_is_left_alone() {
        let names = Names(vec!["ann".into()]);
        assert_eq!(names.replace("Ann and Annabel planned", "c1"), "c1 and Annabel planned");
    }
}
