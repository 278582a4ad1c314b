//! The whole record as one readable document: for a client's access
//! request, supervision, or handing over to a colleague.

use crate::domain::note_format::{NoteFormat, NotePart};
use chrono::NaiveDateTime;

use super::appointments::AppointmentState;
use super::finalise::FinalisePolicy;
use super::measures::{HigherIs, Score};
use super::time::format_datetime;
use super::{Appointment, ClientRecord, Contact, Direction, Session};

/// Where an appointment stands, in words: what happened once it is
/// settled ("held", "cancelled by client", "cancelled by you", "did not
/// attend"), else "booked" or "no note yet".
pub fn appointment_words(a: &Appointment, now: NaiveDateTime) -> &'static str {
    let state = a.state(now);
    state.what_happened().unwrap_or(match state {
        AppointmentState::NoteDue => "no note yet",
        AppointmentState::Now => "under way",
        _ => "booked",
    })
}

/// Where a message stands, in words: "replied (date)", "awaiting reply",
/// or "sent" (one the therapist sent).
pub fn contact_words(c: &Contact) -> String {
    match (c.direction, c.replied_at) {
        (Direction::Outgoing, _) => "sent".into(),
        (Direction::Incoming, Some(at)) => format!("replied ({})", format_datetime(at)),
        (Direction::Incoming, None) => "awaiting reply".into(),
    }
}

/// A note is final once finalised, or once its editing period is over
/// (it is sealed at the next change; it can no longer be edited).
fn is_final(s: &Session, policy: FinalisePolicy, now: NaiveDateTime) -> bool {
    s.finalised.is_some() || policy.due(s, now)
}

/// The record as JSON, as it is on disk, with what the Markdown export says
/// in words beside each item: an appointment's `what_happened`, a message's
/// `reply`, whether a note is `final`.
pub fn to_json(r: &ClientRecord, now: NaiveDateTime, policy: FinalisePolicy) -> serde_json::Value {
    let mut v = serde_json::to_value(r).expect("records always serialise");
    let mut words = |part: &str, said: Vec<(&str, serde_json::Value)>| {
        if let Some(items) = v.get_mut(part).and_then(serde_json::Value::as_array_mut) {
            for (item, (key, value)) in items.iter_mut().zip(said) {
                if let Some(m) = item.as_object_mut() {
                    m.insert(key.into(), value);
                }
            }
        }
    };
    words("appointments", r.appointments.iter().map(|a| ("what_happened", appointment_words(a, now).into())).collect());
    words("contacts", r.contacts.iter().map(|c| ("reply", contact_words(c).into())).collect());
    words("sessions", r.sessions.iter().map(|s| ("final", is_final(s, policy, now).into())).collect());
    v
}

fn list(out: &mut String, heading: &str, items: &[String]) {
    if !items.is_empty() {
        out.push_str(&format!("**{heading}:**\n"));
        for i in items {
            out.push_str(&format!("- {i}\n"));
        }
        out.push('\n');
    }
}

/// The measures as a table (every score), what each kind reads as now, and
/// the definition of any custom measure, so a colleague can read them.
fn measures(out: &mut String, r: &ClientRecord, now: NaiveDateTime) {
    out.push_str("\n## Measures\n\n");
    if r.measures.is_empty() {
        out.push_str("None recorded.\n");
        return;
    }
    out.push_str("| Taken | Measure | Item scores | Total | Band | Note |\n| --- | --- | --- | --- | --- | --- |\n");
    for m in &r.measures {
        let scale = r.scale(&m.kind);
        let items: Vec<String> = m.items.iter().map(Score::to_string).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            format_datetime(m.at),
            // A custom measure's name could hold a pipe; it must not split the table.
            scale.as_ref().map_or_else(|| m.kind.to_string(), |s| s.name.replace('|', "\\|")),
            items.join(" "),
            m.total,
            scale.and_then(|s| s.band(m.total)).unwrap_or_default(),
            m.session.as_ref().map(|x| x.as_str()).unwrap_or("")
        ));
    }
    out.push('\n');
    for t in r.trends(now) {
        let change = match &t.change {
            Some(c) => {
                let reading = c.reading.map(|r| format!(": {}", r.label())).unwrap_or_default();
                format!(", {} → {} since {}{reading}", c.from, t.latest, c.since)
            }
            None => String::new(),
        };
        let band = t.band.map(|b| format!(" ({b})")).unwrap_or_default();
        out.push_str(&format!("- {}: latest {}{band}{change}; {} taken\n", t.name, t.latest, t.totals.len()));
    }
    for c in &r.scales {
        let direction = if c.higher_is == HigherIs::Better { "better" } else { "worse" };
        let cutoff = c.cutoff.map(|v| format!(", cutoff {v}")).unwrap_or_default();
        let rc = c.reliable_change.map(|v| format!(", reliable change {v}")).unwrap_or_default();
        out.push_str(&format!(
            "- {} is a custom measure: {} items scored 0 to {}, higher is {direction}{cutoff}{rc}\n",
            c.name, c.items, c.item_max
        ));
    }
    out.push_str("\nORS and SRS items are recorded by score only; their wording is not reproduced.\n");
}

/// The record as Markdown, exported at `now` (notes past their editing
/// period under `policy` are final), with control characters made visible.
pub fn to_markdown(r: &ClientRecord, now: NaiveDateTime, policy: FinalisePolicy, format: NoteFormat) -> String {
    // Every part named: one added to the record does not compile until it
    // is exported or said not to be.
    let ClientRecord {
        schema_version: _,
        client: c,
        sessions,
        tasks,
        personal,
        goals,
        watch_for,
        appointments,
        contacts,
        // Both in `measures` below.
        measures: _,
        scales: _,
        supervision,
        // Not yet settled between two devices: in the JSON export, and in the review.
        conflicts: _,
        device: _,
    } = r;
    let mut out = format!(
        "# Client record: {}\n\nExported {} by Rapport.\n\n## Profile\n\n",
        r.display_name(),
        format_datetime(now)
    );
    let fields = [
        ("Full name", Some(c.name.clone())),
        ("Preferred name", c.preferred_name.clone()),
        ("Pronouns", c.pronouns.clone()),
        ("Phone", c.phone.clone()),
        ("Email", c.email.clone()),
        ("Preferred channel", c.preferred_channel.map(|ch| ch.label().to_string())),
        // Notes written in afterwards (backfilled) may be older than the
        // record: each date is said for what it is.
        ("Record created", Some(c.created.to_string())),
        ("First session", r.sessions.iter().map(|s| s.at.date()).min().map(|d| d.to_string())),
        ("Status", Some(if c.archived { "archived (discharged)".into() } else { "current".into() })),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.push_str(&format!("- {k}: {v}\n"));
        }
    }
    out.push_str("\n## Goals\n\n");
    for g in goals {
        let status = g.status.label();
        let agreed = if g.agreed { "agreed with the client" } else { "not yet agreed" };
        out.push_str(&format!("- {} ({status}, {agreed}, set {})\n", g.text, g.set_on));
    }
    if goals.is_empty() {
        out.push_str("None recorded.\n");
    }
    out.push_str("\n## To go carefully with\n\n");
    let (resolved, current): (Vec<_>, Vec<_>) = watch_for.iter().partition(|w| w.is_resolved());
    for w in &current {
        out.push_str(&format!("- {} (noted {})\n", w.text, w.noted_on));
    }
    if current.is_empty() {
        out.push_str("None now.\n");
    }
    if !resolved.is_empty() {
        out.push_str("\n**Resolved:**\n");
        for w in &resolved {
            let on = w.resolved_on.map(|d| d.to_string()).unwrap_or_default();
            let why = w.resolved_why.as_ref().map(|w| format!(": {w}")).unwrap_or_default();
            out.push_str(&format!("- {} (noted {}, resolved {on}{why})\n", w.text, w.noted_on));
        }
    }
    out.push_str("\n## Personal details\n\n");
    for p in personal {
        let date = p.date.map(|d| format!(", {d}")).unwrap_or_default();
        out.push_str(&format!("- {}{date} (noted {})\n", p.text, p.noted_on));
    }
    if personal.is_empty() {
        out.push_str("None recorded.\n");
    }
    out.push_str("\n## Tasks\n\n");
    for t in tasks {
        let status = t.status.label();
        let outcome = t.outcome.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
        out.push_str(&format!("- {} (set {}, {status}{outcome})\n", t.text, t.set_on));
    }
    if tasks.is_empty() {
        out.push_str("None recorded.\n");
    }
    // The therapist's questions about the client are part of their record
    // (and of an access request); the supervision's own notes are not here.
    if !supervision.is_empty() {
        out.push_str("\n## Brought to supervision\n\n");
        for q in supervision {
            let discussed = q.discussed_on.map_or("not yet discussed".to_string(), |d| format!("discussed {d}"));
            out.push_str(&format!("- {} (noted {}, {discussed})\n", q.text, q.noted_on));
        }
    }
    measures(&mut out, r, now);
    out.push_str("\n## Sessions\n\n");
    if sessions.is_empty() {
        out.push_str("None recorded.\n\n");
    }
    for s in sessions {
        // Every field named: one added to a note does not compile until it
        // is exported or said not to be.
        let Session {
            id,
            at,
            minutes,
            topics,
            feedback,
            observations,
            plan,
            notes,
            assessment,
            intervention,
            // The note's time is the appointment's.
            appointment: _,
            finalised,
            addenda,
        } = s;
        let state = match finalised {
            Some(f) => format!(", final: finalised {}", format_datetime(f.at)),
            None if is_final(s, policy, now) => ", final: editing period over".to_string(),
            None => ", not final yet".to_string(),
        };
        out.push_str(&format!("### {} · {minutes} min ({id}{state})\n\n", format_datetime(*at)));
        if format != NoteFormat::Rapport {
            // The same note under the format's headings: every part, once.
            for (heading, parts) in crate::domain::note_format::headed(r, s, format) {
                out.push_str(&format!("**{}**\n\n", heading.title));
                for (part, lines) in parts {
                    match lines.as_slice() {
                        [one] if !matches!(part, NotePart::Topics | NotePart::Feedback | NotePart::Observations) => {
                            out.push_str(&format!("- {}: {one}\n", part.label()))
                        }
                        _ => out.push_str(&format!("- {}: {}\n", part.label(), lines.join("; "))),
                    }
                }
                out.push('\n');
            }
            for a in addenda {
                out.push_str(&format!("> Addendum {}: {}\n\n", format_datetime(a.at), a.text));
            }
            continue;
        }
        list(&mut out, "Topics", topics);
        list(&mut out, "Client feedback", feedback);
        list(&mut out, "Observations", observations);
        let set: Vec<String> =
            tasks.iter().filter(|t| t.session.as_ref() == Some(id)).map(|t| t.text.clone()).collect();
        list(&mut out, "Tasks set", &set);
        if !plan.is_empty() {
            out.push_str(&format!("**Plan for next time:** {plan}\n\n"));
        }
        if !assessment.is_empty() {
            out.push_str(&format!("**Assessment:** {assessment}\n\n"));
        }
        if !intervention.is_empty() {
            out.push_str(&format!("**Intervention:** {intervention}\n\n"));
        }
        if !notes.is_empty() {
            out.push_str(&format!("{notes}\n\n"));
        }
        for a in addenda {
            out.push_str(&format!("> Addendum {}: {}\n\n", format_datetime(a.at), a.text));
        }
    }
    out.push_str("## Messages\n\n");
    for c in contacts {
        let dir = if c.direction == Direction::Incoming { "from the client" } else { "to the client" };
        out.push_str(&format!(
            "- {} {} {dir}: {} — {}\n",
            format_datetime(c.at),
            c.channel.label(),
            c.summary,
            contact_words(c)
        ));
    }
    if contacts.is_empty() {
        out.push_str("None recorded.\n");
    }
    out.push_str("\n## Appointments\n\n");
    for a in appointments {
        // Every field named: one added to an appointment does not compile
        // until the export says whether it shows it.
        let Appointment {
            id: _,
            start,
            minutes,
            note,
            // In the words of `appointment_words`.
            cancelled: _,
            not_held: _,
            source_uid,
            // Where the calendar had it: the start says where it is now.
            source_start: _,
            moved_from,
        } = a;
        let note = note.as_ref().map(|n| format!(", note {n}")).unwrap_or_default();
        let moved = moved_from.map(|m| format!(", moved from {}", format_datetime(m))).unwrap_or_default();
        let from = source_uid.as_ref().map(|u| format!(", booked from calendar event {u}")).unwrap_or_default();
        out.push_str(&format!(
            "- {} ({minutes} min): {}{moved}{note}{from}\n",
            format_datetime(*start),
            appointment_words(a, now)
        ));
    }
    if appointments.is_empty() {
        out.push_str("None recorded.\n");
    }
    // A Markdown document is read in a terminal as often as in an editor.
    crate::sanitize::visible(&out).into_owned()
}
