//! `rapport review`, `search` and `agenda`: reading it before a session.

use std::io::Write;

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, NaiveDateTime};

use super::commands::*;
use super::resolve;
use crate::domain::appointments::AppointmentState;
use crate::domain::bounds::MINUTES;
use crate::domain::summary::summary;
use crate::domain::time::{format_datetime, format_day_near, parse_date, parse_when};
use crate::domain::{Appointment, ClientId};
use crate::sanitize::json_inert;
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
    let clients = store.client_names()?;
    let client = client.map(|c| resolve(&clients, &c).map(|e| e.id.clone()).map_err(|e| anyhow!(e))).transpose()?;
    let found = store.search(&query.join(" "), client.as_ref().map(|x| x.as_str()), limit as usize)?;
    let names: std::collections::HashMap<ClientId, String> = clients
        .into_iter()
        .filter_map(|e| Some((e.id, crate::domain::display_name(&e.name?, e.preferred_name.as_deref()))))
        .collect();
    for h in &found.hits {
        let name = names.get(&h.client).map_or(h.client.as_str(), String::as_str);
        writeln!(out, "{name} · {} · {}\n    {}", format_day_near(h.date, today), h.place.label(), h.snippet)?;
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

pub(super) fn agenda(store: &Store, from: NaiveDate, days: u32, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let entries = store.index()?;
    // (appointment, name, reminder) of every active client. The index holds
    // appointments from each client's last session on; older days need the files.
    let mut all: Vec<(Appointment, String, Option<String>)> = Vec::new();
    if from >= now.date() {
        for s in entries.iter().filter_map(|e| e.summary.as_ref()).filter(|s| !s.archived) {
            all.extend(s.appointments.iter().map(|a| (a.clone(), s.display_name(), s.reminder.clone())));
        }
    } else {
        for r in store.load_all()?.into_iter().filter_map(|f| f.record.ok()).filter(|r| !r.client.archived) {
            all.extend(r.appointments.iter().map(|a| (a.clone(), r.display_name(), r.reminder())));
        }
    }
    all.sort_by_key(|(a, ..)| a.start);
    let to = from + chrono::Duration::days(days.into());
    let shown = |a: &Appointment| a.start.date() >= from && a.start.date() < to;
    let name_width = column(all.iter().filter(|(a, ..)| shown(a)).map(|(_, name, _)| name.as_str()), NAME_COLUMN);
    for offset in 0..days {
        let day = from + chrono::Duration::days(offset.into());
        writeln!(out, "{}", format_day_near(day, now.date()))?;
        let rows: Vec<usize> = (0..all.len()).filter(|&i| all[i].0.start.date() == day).collect();
        if rows.is_empty() {
            writeln!(out, "  No appointments")?;
        }
        for i in rows {
            let (a, name, reminder) = &all[i];
            let reminder = reminder.as_ref().map(|s| format!("  {s}")).unwrap_or_default();
            let state = match a.state(now) {
                AppointmentState::Upcoming => String::new(),
                s => format!("  [{}]", s.label()),
            };
            let shown_name = fit(name, name_width);
            writeln!(out, "  {}  {shown_name}  {:>3} min{state}{reminder}", a.start.format("%H:%M"), a.minutes)?;
            for (b, other, _) in overlapping(&all, i) {
                let at =
                    if b.start.date() == day { b.start.format("%H:%M").to_string() } else { format_datetime(b.start) };
                writeln!(out, "         Warning: this overlaps {other} at {at}.")?;
            }
        }
    }
    for e in entries.iter().filter(|e| e.summary.is_none()) {
        writeln!(out, "(could not read {}: see `rapport client list`)", e.id)?;
    }
    Ok(())
}

/// The rows of `all` (sorted by start) that share minutes with row `i`, if
/// it is booked: only neighbours can, as no appointment is longer than a
/// day. A cancelled appointment overlaps nothing.
fn overlapping<T, U>(all: &[(Appointment, T, U)], i: usize) -> impl Iterator<Item = &(Appointment, T, U)> {
    let a = &all[i].0;
    let booked = !a.is_cancelled();
    let longest = chrono::Duration::minutes((*MINUTES.end()).into());
    let before = all[..i].iter().rev().take_while(move |(b, ..)| a.start - b.start <= longest);
    let after = all[i + 1..].iter().take_while(move |(b, ..)| b.start < a.end());
    before.chain(after).filter(move |(b, ..)| booked && !b.is_cancelled() && a.overlaps(b))
}
