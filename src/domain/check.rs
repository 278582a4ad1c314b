//! What a record must hold to be used: checked on every record read from a
//! file and on every record before it is written. A file that fails is
//! named as damaged and never used to build a path or written back.

use super::ClientRecord;
use super::bounds::{self, MINUTES, check_date, check_number, check_text, check_time, is_valid_id, size};
use super::measures::Score;

impl ClientRecord {
    /// Checks every id, date, length and text size; the error says which
    /// part is wrong, in words for the therapist.
    pub fn check(&self) -> Result<(), String> {
        let c = &self.client;
        id("the client id", c.id.as_str())?;
        check_text("the name", &c.name)?;
        for (what, v) in [
            ("the preferred name", &c.preferred_name),
            ("the pronouns", &c.pronouns),
            ("the phone number", &c.phone),
            ("the email address", &c.email),
            ("the setting", &c.setting),
        ] {
            check_text(what, v.as_deref().unwrap_or(""))?;
        }
        check_date("the date the client was added", c.created)?;
        for (what, v) in [
            ("the name", Some(&c.name)),
            ("the preferred name", c.preferred_name.as_ref()),
            ("the setting", c.setting.as_ref()),
        ] {
            if v.is_some_and(|v| v.contains(['\n', '\r'])) {
                return Err(format!("{what} holds a line break; a name is one line"));
            }
        }
        unique("session", self.sessions.iter().map(|s| s.id.as_str()))?;
        unique("task", self.tasks.iter().map(|t| t.id.as_str()))?;
        unique("personal detail", self.personal.iter().map(|p| p.id.as_str()))?;
        unique("goal", self.goals.iter().map(|g| g.id.as_str()))?;
        unique("watch-for item", self.watch_for.iter().map(|w| w.id.as_str()))?;
        unique("message", self.contacts.iter().map(|m| m.id.as_str()))?;
        for s in &self.sessions {
            // Every field named: one added to a note does not compile until
            // it is checked here.
            let super::Session {
                id: sid,
                at,
                minutes,
                topics,
                feedback,
                observations,
                plan,
                notes,
                assessment,
                intervention,
                appointment,
                finalised,
                addenda,
            } = s;
            id("a session id", sid.as_str())?;
            let what = |part: &str| format!("{part} of note {sid}");
            check_time(&what("the time"), *at)?;
            check_number(&what("the length in minutes"), *minutes, &MINUTES)?;
            for t in topics.iter().chain(feedback).chain(observations) {
                check_text(&what("a line"), t)?;
            }
            check_text(&what("the plan"), plan)?;
            check_text(&what("the notes"), notes)?;
            check_text(&what("the assessment"), assessment)?;
            check_text(&what("the intervention"), intervention)?;
            if let Some(a) = appointment {
                check_time(&what("the appointment"), *a)?;
            }
            if let Some(f) = finalised {
                check_time(&what("the finalising time"), f.at)?;
            }
            for a in addenda {
                check_time(&what("an addendum's time"), a.at)?;
                check_text(&what("an addendum"), &a.text)?;
            }
        }
        for t in &self.tasks {
            id("a task id", t.id.as_str())?;
            check_text(&format!("task {}", t.id), &t.text)?;
            check_text(&format!("the outcome of task {}", t.id), t.outcome.as_deref().unwrap_or(""))?;
            check_date(&format!("task {}", t.id), t.set_on)?;
            if let Some(d) = t.closed_on {
                check_date(&format!("task {}", t.id), d)?;
            }
        }
        for p in &self.personal {
            id("a personal detail's id", p.id.as_str())?;
            check_text(&format!("personal detail {}", p.id), &p.text)?;
            check_date(&format!("personal detail {}", p.id), p.noted_on)?;
            if let Some(d) = p.date {
                check_date(&format!("personal detail {}", p.id), d)?;
            }
        }
        for g in &self.goals {
            id("a goal id", g.id.as_str())?;
            check_text(&format!("goal {}", g.id), &g.text)?;
            check_date(&format!("goal {}", g.id), g.set_on)?;
        }
        for w in &self.watch_for {
            id("a watch-for id", w.id.as_str())?;
            check_text(&format!("watch-for item {}", w.id), &w.text)?;
            check_date(&format!("watch-for item {}", w.id), w.noted_on)?;
            if let Some(d) = w.resolved_on {
                check_date(&format!("the resolving of watch-for item {}", w.id), d)?;
            }
            if let Some(why) = &w.resolved_why {
                check_text(&format!("why watch-for item {} was resolved", w.id), why)?;
            }
        }
        unique("appointment", self.appointments.iter().map(|a| a.id.as_str()))?;
        for a in &self.appointments {
            // Every field named: one added to an appointment does not
            // compile until it is checked here.
            let super::Appointment {
                id: aid,
                start,
                minutes,
                note,
                cancelled,
                not_held,
                source_uid,
                source_start,
                moved_from,
            } = a;
            id("an appointment id", aid.as_str())?;
            check_time(&format!("appointment {aid}"), *start)?;
            check_number("the length of an appointment", *minutes, &MINUTES)?;
            if let Some(t) = cancelled {
                check_time(&format!("the cancelling of appointment {aid}"), *t)?;
            }
            if not_held.is_some() && cancelled.is_none() {
                return Err(format!("appointment {aid} says why it was not held, but is not cancelled"));
            }
            if let Some(n) = note {
                id("the note of an appointment", n.as_str())?;
            }
            if let Some(uid) = source_uid {
                bounds::check_uid(&format!("the calendar event of appointment {aid}"), uid)?;
            }
            if let Some(t) = moved_from {
                check_time(&format!("the first time of appointment {aid}"), *t)?;
            }
            if let Some(t) = source_start {
                check_time(&format!("the calendar event of appointment {aid}"), *t)?;
            }
        }
        unique("appointment note", self.appointments.iter().filter_map(|a| a.note.as_ref().map(|x| x.as_str())))?;
        self.check_measures()?;
        for m in &self.contacts {
            id("a message id", m.id.as_str())?;
            check_text(&format!("message {}", m.id), &m.summary)?;
            check_time(&format!("message {}", m.id), m.at)?;
            if let Some(t) = m.replied_at {
                check_time(&format!("message {}", m.id), t)?;
            }
        }
        if self.conflicts.len() > MAX_CONFLICTS {
            return Err(format!(
                "it holds {} conflicts from syncing, more than the {MAX_CONFLICTS} Rapport keeps",
                self.conflicts.len()
            ));
        }
        for c in &self.conflicts {
            check_time("a conflict's time", c.found)?;
            let f = &c.field;
            if f.len() > 32 || !f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err("a conflict from syncing names a field that is not one of the record's".into());
            }
            if !c.item.is_empty() {
                id("a conflict's item", &c.item)?;
            }
            for v in [&c.kept, &c.other] {
                let len = serde_json::to_vec(v).map_or(u64::MAX, |b| b.len() as u64);
                if len > CONFLICT_BYTES {
                    return Err(format!(
                        "a conflict from syncing holds {}, more than the {} one may",
                        size(len),
                        size(CONFLICT_BYTES)
                    ));
                }
            }
        }
        Ok(())
    }
}

impl ClientRecord {
    /// Each custom scale is sound and defined once; each measure has a
    /// scale, items in its range, a total that is their sum, and a note
    /// that exists when it names one.
    fn check_measures(&self) -> Result<(), String> {
        if self.scales.len() > bounds::CUSTOM_SCALES {
            return Err(format!("it defines {} custom measures; at most {}", self.scales.len(), bounds::CUSTOM_SCALES));
        }
        for c in &self.scales {
            c.check()?;
        }
        unique("custom measure", self.scales.iter().map(|c| c.key()).collect::<Vec<_>>().iter().map(String::as_str))?;
        unique("measure", self.measures.iter().map(|m| m.id.as_str()))?;
        for m in &self.measures {
            id("a measure id", m.id.as_str())?;
            let what = format!("measure {}", m.id);
            id(&format!("the kind of {what}"), m.kind.key())?;
            let scale = self
                .scale(&m.kind)
                .ok_or_else(|| format!("{what} is a '{}', which this file does not define", m.kind))?;
            scale.check_items(&m.items).map_err(|e| format!("{what}: {e}"))?;
            let sum = Score::sum(&m.items);
            if m.total != sum {
                return Err(format!("{what} has the total {}, but its items add up to {sum}", m.total));
            }
            check_time(&what, m.at)?;
            if let Some(s) = &m.session {
                id(&format!("the note of {what}"), s.as_str())?;
            }
        }
        Ok(())
    }
}
/// How many conflicts from syncing a record keeps, and how large each of
/// their two values may be (a whole note at its limits fits).
const MAX_CONFLICTS: usize = 1000;
const CONFLICT_BYTES: u64 = bounds::FILE_BYTES / 4;

/// Every id of a kind is used once, and a numbered one (`s12`) stays
/// below a billion, so the next number can never overflow or repeat.
fn unique<'a>(kind: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let rest = id.trim_start_matches(|c: char| c.is_ascii_lowercase());
        let digits = rest.split_once('-').map_or(rest, |(d, _)| d);
        if digits.len() > 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{kind} id '{id}' has a number too large for Rapport's counting"));
        }
        if !seen.insert(id) {
            return Err(format!("two of its {kind}s share the id '{id}'"));
        }
    }
    Ok(())
}

fn id(what: &str, id: &str) -> Result<(), String> {
    if is_valid_id(id) {
        return Ok(());
    }
    let visible = crate::sanitize::visible(id);
    let mut shown: String = visible.chars().take(40).collect();
    if shown.len() < visible.len() {
        shown.push('…');
    }
    Err(format!("{what} '{shown}' is not one Rapport writes (a-z, 0-9 and -, at most 64)"))
}

#[cfg(test)]
mod tests {
    use crate::domain::time::dt;
    use crate::domain::{ClientProfile, ClientRecord, NewSession};

    fn record() -> ClientRecord {
        let mut r = ClientRecord::new(
            crate::domain::ClientId::new("ann"),
            ClientProfile { name: "Ann".into(), ..Default::default() },
            dt("2026-11-01 09:00").date(),
        );
        r.add_session(NewSession { topics: vec!["sleep".into()], ..Default::default() }, dt("2026-11-02 10:00"))
            .unwrap();
        r
    }

    #[test]
    fn ids_are_unique_and_their_numbers_bounded() {
        let mut r = record();
        r.sessions.push(r.sessions[0].clone());
        assert!(r.check().unwrap_err().contains("two of its sessions share the id 's1'"));
        let mut r = record();
        r.sessions[0].id = crate::domain::SessionId::new("s18446744073709551615");
        assert!(r.check().unwrap_err().contains("too large"));
        let mut r = record();
        r.client.name = "Tab\nFAKE-LINE".into();
        assert!(r.check().unwrap_err().contains("line break"));
    }

    #[test]
    fn an_ordinary_record_passes() {
        assert_eq!(record().check(), Ok(()));
    }

    #[test]
    fn an_id_that_leaves_the_folder_is_refused() {
        let mut r = record();
        r.client.id = crate::domain::ClientId::new("../../../somewhere/pwned");
        let e = r.check().unwrap_err();
        assert!(e.contains("the client id '../../../somewhere/pwned' is not one Rapport writes"), "{e}");
    }

    #[test]
    fn a_huge_field_a_zero_length_and_a_far_date_are_refused() {
        let mut r = record();
        r.sessions[0].notes = "x".repeat(300 * 1024);
        assert!(r.check().unwrap_err().contains("the notes of note s1 is 300 KiB"));
        let mut r = record();
        r.sessions[0].minutes = 0;
        assert!(r.check().unwrap_err().contains("the length in minutes of note s1 is 0"));
        let mut r = record();
        r.sessions[0].at = dt("2026-11-02 10:00").with_year(262_000).unwrap();
        assert!(r.check().unwrap_err().contains("year 262000"));
    }

    use chrono::Datelike;
}
