//! The record of a practice: everything a therapist keeps about a client.
//!
//! Plain serde types with no terminal or file code. Times are local
//! wall-clock times (`NaiveDateTime`), as the therapist reads them in a diary;
//! nothing here reads the clock — callers pass `now`.

pub mod agenda;
pub mod appointments;
pub mod bounds;
pub mod brief;
pub mod calendar;
mod check;
mod edit;
pub mod export;
pub mod finalise;
pub mod find;
pub mod hours;
mod ids;
pub mod measures;
pub mod merge;
pub mod note_format;
pub mod process;
pub mod profile;
mod record;
pub mod summary;
pub mod supervision;
pub mod time;

pub use edit::not_done_yet;
pub use record::*;

/// The version of the client file format this build writes.
/// 1: the first format. 2: sessions can be finalised and carry addenda.
/// 3: appointments have ids, hold the id of the note written for them, and
/// stay in the record when cancelled. 4: outcome and alliance measures
/// (and the custom scales they use); an older build reads such a file as
/// newer and never writes it back without them. 5: watch-for items are
/// resolved (dated), never erased; a cancelled appointment says why it was
/// not held (by the client, by the therapist, did not attend). 6:
/// questions to bring to supervision. 7: a note's assessment and
/// intervention.
pub const SCHEMA_VERSION: u32 = 7;

/// "Maria Lopez (Mari)", or just the name: the one way a client is named in
/// lists, headings and messages.
pub fn display_name(name: &str, preferred: Option<&str>) -> String {
    match distinct_preferred(name, preferred) {
        Some(p) => format!("{name} ({p})"),
        None => name.to_string(),
    }
}

/// The preferred name when it says more than the name does: not the name
/// itself, nor its first word ("Lena" of "Lena Fischer" is shown once).
fn distinct_preferred<'a>(name: &str, preferred: Option<&'a str>) -> Option<&'a str> {
    let first = name.split_whitespace().next().unwrap_or(name);
    preferred.filter(|p| *p != name && find::fold(p.trim()) != find::fold(first))
}

/// What the therapist calls a client: the preferred name, else the name.
pub fn called<'a>(name: &'a str, preferred: Option<&'a str>) -> &'a str {
    preferred.unwrap_or(name)
}

/// "1 open task", "3 open tasks": the one way a count is written.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// The client's name in at most `cols` columns, for a list or a heading:
/// the whole display name when it fits, else the preferred name first, so
/// the name the therapist uses always shows ("Max · Maximilian Alexan…").
/// Whatever is cut ends in `…`.
pub fn name_within(name: &str, preferred: Option<&str>, cols: usize) -> String {
    let whole = display_name(name, preferred);
    if crate::fit::width(&whole) <= cols {
        return whole;
    }
    match distinct_preferred(name, preferred) {
        // Room for the preferred name and a start of the full one.
        Some(p) if crate::fit::width(p) + 5 <= cols => crate::fit::fit(&format!("{p} · {name}"), cols).into_owned(),
        Some(p) => crate::fit::fit(p, cols).into_owned(),
        None => crate::fit::fit(name, cols).into_owned(),
    }
}

/// A file-name-safe id from a client's name: "María López" → "maria-lopez".
pub fn slug(name: &str) -> String {
    // Accents and other scripts become their nearest ASCII (deunicode), so a
    // client's id is plain: "Zoë Ørsted-Núñez" is zoe-orsted-nunez.
    let mut out = String::new();
    for c in deunicode::deunicode(name).chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(40).collect::<String>();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "client".to_string() } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_preferred_name_that_is_the_first_name_is_shown_once() {
        assert_eq!(display_name("Lena Fischer", Some("Lena")), "Lena Fischer");
        assert_eq!(name_within("Lena Fischer", Some("lena"), 10), "Lena Fisc…");
        assert_eq!(display_name("Maria López", Some("Mari")), "Maria López (Mari)");
        assert_eq!(name_within("Maximilian Alexander", Some("Max"), 20), "Max · Maximilian Al…");
    }

    use super::*;
    use crate::domain::time::dt;
    use chrono::NaiveDate;

    fn record() -> ClientRecord {
        ClientRecord::new(
            crate::domain::ClientId::new("maria-lopez"),
            ClientProfile { name: "Maria Lopez".into(), ..Default::default() },
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        )
    }

    #[test]
    fn tasks_and_personal_details_typed_in_a_note_become_the_clients() {
        let mut r = record();
        let id = r
            .add_session(
                NewSession {
                    topics: vec!["sleep".into(), "  ".into()],
                    tasks: vec!["keep a sleep diary".into()],
                    personal: vec!["Mia's birthday party 2026-11-21".into()],
                    ..Default::default()
                },
                dt("2026-11-16 10:00"),
            )
            .unwrap();
        assert_eq!(id, crate::domain::SessionId::new("s1"));
        assert_eq!(r.sessions[0].topics, vec!["sleep"]);
        assert_eq!(r.sessions[0].minutes, 50);
        assert_eq!(r.tasks[0].session.as_ref().map(|x| x.as_str()), Some("s1"));
        assert_eq!(r.tasks[0].status, TaskStatus::Open);
        assert_eq!(r.personal[0].date, NaiveDate::from_ymd_opt(2026, 11, 21));
        assert_eq!(r.personal[0].text, "Mia's birthday party");
        assert!(r.personal[0].ask);
    }

    #[test]
    fn ids_never_repeat_after_a_gap() {
        let mut r = record();
        r.add_goal("a".into(), false, NaiveDate::MIN);
        r.add_goal("b".into(), false, NaiveDate::MIN);
        r.goals.remove(0);
        assert_eq!(r.add_goal("c".into(), false, NaiveDate::MIN), crate::domain::GoalId::new("g3"));
    }

    #[test]
    fn weekly_appointments_warn_about_overlaps_and_refuse_duplicates() {
        let mut r = record();
        r.schedule(dt("2026-11-30 10:00"), 50, 0).unwrap();
        let overlaps = r.schedule(dt("2026-11-23 10:30"), 50, 1).unwrap();
        // 30 Nov 10:30-11:20 overlaps the 10:00-10:50 already booked.
        assert_eq!(
            overlaps.iter().map(|a| (a.id.as_str(), a.start)).collect::<Vec<_>>(),
            vec![("a1", dt("2026-11-30 10:00"))]
        );
        assert_eq!(r.appointments.len(), 3);
        assert!(r.schedule(dt("2026-11-30 10:00"), 50, 0).is_err());
    }

    #[test]
    fn a_short_space_shows_the_preferred_name_first() {
        let name = "Maximilian Alexander Fitzgerald";
        assert_eq!(name_within(name, Some("Max"), 40), "Maximilian Alexander Fitzgerald (Max)");
        assert_eq!(name_within(name, Some("Max"), 24), "Max · Maximilian Alexan…");
        assert_eq!(name_within(name, Some("Max"), 3), "Max");
        assert_eq!(name_within(name, None, 12), "Maximilian…");
        assert_eq!(name_within("Tom Becker", Some("Tom Becker"), 24), "Tom Becker");
    }

    #[test]
    fn slug_is_file_safe() {
        assert_eq!(slug("María  López"), "maria-lopez");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("###"), "client");
    }
}

#[cfg(test)]
mod slug_tests {
    use super::slug;

    #[test]
    fn ids_are_plain_ascii_whatever_the_name() {
        assert_eq!(slug("Zoë Ørsted-Núñez"), "zoe-orsted-nunez");
        assert_eq!(slug("Maria López"), "maria-lopez");
        assert_eq!(slug("  ¿?  "), "client");
        assert!(crate::domain::bounds::is_valid_id(&slug(&"Ægir Þór ".repeat(20))));
    }
}
