//! `rapport review`, `search` and `agenda`: reading it before a session.

use std::io::Write;

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, NaiveDateTime};

use super::commands::*;
use crate::domain::Appointment;
use crate::domain::agenda::{Slot, warnings};
use crate::domain::appointments::AppointmentState;
use crate::domain::summary::summary;
use crate::domain::time::{format_datetime, format_day_near, parse_date, parse_when};
use crate::sanitize::MakeVisible;
use crate::sanitize::json_inert;
use crate::store::ClientSummary;
use crate::store::Store;

/// The review before a client's next appointment (or the one at `at`).
pub(super) fn review(
    client: String,
    at: Option<String>,
    json: bool,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let today = now.date();
    let record = load(store, &client)?;
    let appointment = match at {
        Some(at) => {
            let at = parse_when(&at, today).map_err(|e| anyhow!(e))?;
            let booked = record.booked().find(|a| a.start == at).cloned();
            if booked.is_none() {
                let that_day: Vec<String> = record
                    .booked()
                    .filter(|a| a.start.date() == at.date())
                    .map(|a| a.start.format("%H:%M").to_string())
                    .collect();
                let that_day = if that_day.is_empty() {
                    "none that day".into()
                } else {
                    format!("that day: {}", that_day.join(", "))
                };
                store.notice(format!(
                    "no appointment with {} is booked at {} ({that_day}); this is the review for a session then",
                    record.client.name,
                    format_datetime(at)
                ));
            }
            Some(booked.unwrap_or(Appointment { start: at, minutes: 50, ..Default::default() }))
        }
        None => record.next_appointment(now).cloned(),
    };
    let s = summary(&record, appointment.as_ref(), now);
    if json {
        writeln!(out, "{}", json_inert(serde_json::to_string_pretty(&s)?))?;
    } else {
        write!(out, "{}", s.to_text(today))?;
    }
    Ok(())
}

/// Every note holding all the words.
pub(super) fn search(
    query: Vec<String>,
    client: Option<String>,
    limit: u32,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let today = now.date();
    // Each hit names its client from their own file: no list of every
    // client's name is read.
    let client = client.map(|c| find(store, &c)).transpose()?;
    let found = store.search(&query.join(" "), client.as_ref().map(|x| x.as_str()), limit as usize)?;
    for h in &found.hits {
        writeln!(out, "{} · {} · {}\n    {}", h.name, format_day_near(h.date, today), h.place.label(), h.snippet)?;
    }
    match (found.total, found.hits.len()) {
        (0, _) => writeln!(out, "Nothing found for '{}'.", query.join(" "))?,
        (t, n) if t > n => writeln!(out, "({n} of {t} shown; --limit shows more)")?,
        _ => {}
    }
    Ok(())
}

/// The agenda of a day and the days after it.
pub(super) fn agenda_from(
    date: Option<String>,
    days: u32,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let today = now.date();
    let from = match date {
        Some(d) => parse_date(&d).map_err(|e| anyhow!(e))?,
        None => today,
    };
    agenda(store, from, days, now, out)
}

/// The widest the agenda's lines are: an 80-column terminal.
const AGENDA_COLUMNS: usize = 80;

pub(super) fn agenda(store: &Store, from: NaiveDate, days: u32, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let entries = store.index()?;
    // Each active client's appointments, with what the rows say of them.
    // The index holds appointments from each client's last session on;
    // older days need the files.
    let mut clients: Vec<(ClientSummary, Vec<Appointment>)> = Vec::new();
    if from >= now.date() {
        for s in entries.iter().filter_map(|e| e.summary.as_ref()).filter(|s| !s.archived) {
            clients.push((s.clone(), s.appointments.clone()));
        }
    } else {
        for r in store.load_all()?.into_iter().filter_map(|f| f.record.ok()).filter(|r| !r.client.archived) {
            clients.push((ClientSummary::of(&r), r.appointments));
        }
    }
    // What reaches the terminal is made visible first, so each line's width is its width on screen.
    clients.iter_mut().for_each(|(s, _)| s.make_visible());
    let mut all: Vec<(&Appointment, &ClientSummary)> =
        clients.iter().flat_map(|(s, appointments)| appointments.iter().map(move |a| (a, s))).collect();
    all.sort_by_key(|(a, _)| a.start);
    let slots: Vec<Slot> =
        all.iter().map(|(a, s)| Slot { appointment: a, called: s.called(), flag: s.flag.as_deref() }).collect();
    let warned = warnings(&slots);
    let to = from + chrono::Duration::days(days.into());
    let shown = |a: &Appointment| a.start.date() >= from && a.start.date() < to;
    let names: Vec<String> = all.iter().map(|(_, s)| s.display_name()).collect();
    let name_width = column((0..all.len()).filter(|&i| shown(all[i].0)).map(|i| names[i].as_str()), NAME_COLUMN);
    let mut any = false;
    for offset in 0..days {
        let day = from + chrono::Duration::days(offset.into());
        let rows: Vec<usize> = (0..all.len()).filter(|&i| all[i].0.start.date() == day).collect();
        // Over many days, only those with appointments are listed.
        if rows.is_empty() && days > 1 {
            continue;
        }
        any = true;
        writeln!(out, "{}", format_day_near(day, now.date()))?;
        if rows.is_empty() {
            writeln!(out, "  No appointments")?;
        }
        for i in rows {
            let (a, s) = all[i];
            let state = match a.state(now) {
                AppointmentState::Upcoming => String::new(),
                s => format!("  [{}]", s.label()),
            };
            let line =
                format!("  {}  {}  {:>3} min{state}", a.start.format("%H:%M"), fit(&names[i], name_width), a.minutes);
            // The reminder takes what room is left, cut with "…".
            let room = AGENDA_COLUMNS.saturating_sub(width(&line) + 2);
            let reminder = s
                .reminder
                .as_deref()
                .filter(|_| a.still_to_hold())
                .map(|r| format!("  {}", crate::fit::fit(r, room)))
                .unwrap_or_default();
            writeln!(out, "{line}{reminder}")?;
            for w in &warned[i] {
                for part in w.lines(day, AGENDA_COLUMNS - WARNING_INDENT) {
                    writeln!(out, "{}{part}", " ".repeat(WARNING_INDENT))?;
                }
            }
        }
    }
    if !any {
        let last = to - chrono::Duration::days(1);
        writeln!(
            out,
            "No appointments from {} to {}.",
            format_day_near(from, now.date()),
            format_day_near(last, now.date())
        )?;
    }
    for e in entries.iter().filter(|e| e.summary.is_none()) {
        writeln!(out, "(could not read {}: see `rapport client list`)", e.id)?;
    }
    Ok(())
}

/// Where a warning stands below its row: under the name.
const WARNING_INDENT: usize = 9;
