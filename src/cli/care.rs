//! Appointments, personal details, goals, watch-for items, tasks and messages.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::args::*;
use super::commands::*;
use crate::domain::profile::ItemKind;
use crate::domain::time::{ago, format_datetime, format_day, impossible_date, parse_date, parse_datetime};
use crate::domain::{ClientRecord, Direction, NotHeld, RecordError, TaskStatus};
use crate::store::Store;

/// Personal details: add one, list them.
pub(super) fn personal(command: PersonalCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    match command {
        PersonalCommand::Add { client, text, date, ask } => {
            let date = date.map(|d| parse_date(&d)).transpose().map_err(|e| anyhow!(e))?;
            let text = required_text(&text, "the personal detail")?;
            if let Some(why) = impossible_date(&text) {
                bail!("{why} (or give it with --date)");
            }
            let (id, r) = change(store, now, "personal detail added", &client, |r| {
                r.check_new_personal(&text, date)?;
                Ok(r.add_personal(text, date, ask, today, None))
            })?;
            writeln!(out, "Noted {id} for {}.", r.client.name)?;
            Ok(())
        }
        PersonalCommand::Edit { client, detail, text, date, no_date } => {
            let date = date.map(|d| parse_date(&d)).transpose().map_err(|e| anyhow!(e))?;
            let (detail, r) = change(store, now, "personal detail edited", &client, |r| {
                let detail = r.item_ref::<crate::domain::DetailId>(&detail)?;
                let Some(p) = r.personal.iter().find(|p| p.id == detail) else {
                    return Err(RecordError::UnknownId { kind: "personal detail", id: detail.to_string() });
                };
                let (old_text, old_date) = (p.text.clone(), p.date);
                let date = if no_date { None } else { date.or(old_date) };
                r.edit_item(ItemKind::Personal, detail.as_str(), text.as_deref().unwrap_or(&old_text), date)?;
                Ok(detail)
            })?;
            writeln!(out, "Changed {detail} for {}.", r.client.name)?;
            Ok(())
        }
        PersonalCommand::Asked { client, detail } => {
            let r = load(store, &client)?;
            let id = r.item_ref::<crate::domain::DetailId>(&detail)?;
            if r.personal.iter().any(|p| p.id == id && !p.ask) {
                writeln!(out, "{id} is not in {}'s \"Ask about\" (asked already, or never flagged).", r.client.name)?;
                return Ok(());
            }
            let ((), r) = change(store, now, "personal detail asked", &client, |r| r.set_personal_ask(&id, false))?;
            writeln!(out, "Asked about {id}: it leaves {}'s \"Ask about\"; it stays in the record.", r.client.name)?;
            Ok(())
        }
        PersonalCommand::List { client } => {
            let r = load(store, &client)?;
            let w = super::id_width(r.personal.iter().map(|p| p.id.as_str()));
            for p in &r.personal {
                let date = p.date.map(|d| format!("  {d}")).unwrap_or_default();
                let ask = if p.ask { "  (ask)" } else { "" };
                writeln!(out, "{:<w$} {}{date}{ask}", p.id, p.text)?;
            }
            empty_note(out, r.personal.is_empty(), "No personal details yet.")
        }
    }
}

/// Something to go carefully with.
pub(super) fn watch(command: WatchCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    let removing = matches!(command, WatchCommand::Remove { .. });
    match command {
        WatchCommand::Add { client, text } => {
            let text = required_text(&text, "what to watch for")?;
            let (id, r) = change(store, now, "watch-for added", &client, |r| Ok(r.add_watch_for(text, today)))?;
            writeln!(out, "Noted {id} to watch for with {}.", r.client.name)?;
        }
        WatchCommand::List { client } => {
            let r = load(store, &client)?;
            let w = super::id_width(r.watch_for.iter().map(|w| w.id.as_str()));
            for item in &r.watch_for {
                let state = match (item.resolved_on, &item.resolved_why) {
                    (Some(d), Some(why)) => format!("  [resolved {}: {why}]", format_day(d)),
                    (Some(d), None) => format!("  [resolved {}]", format_day(d)),
                    (None, _) => String::new(),
                };
                writeln!(out, "{:<w$} {}  (noted {}){state}", item.id, item.text, format_day(item.noted_on))?;
            }
            empty_note(out, r.watch_for.is_empty(), "Nothing noted to watch for yet.")?;
        }
        WatchCommand::Resolve { client, item, why } | WatchCommand::Remove { client, item, why } => {
            if removing {
                writeln!(out, "A watch-for item is never erased: resolving it instead.")?;
            }
            let ((id, text), r) = change(store, now, "watch-for resolved", &client, |r| {
                let id = r.item_ref::<crate::domain::WatchId>(&item)?;
                r.resolve_watch_for(&id, today, why).map(|text| (id, text))
            })?;
            writeln!(
                out,
                "Resolved {id} \"{}\" for {}: it stays in the record, out of the review (`rapport watch reopen {} {id}` \
                 sets it back).",
                crate::fit::fit(&text, 60),
                r.client.name,
                r.client.id
            )?;
        }
        WatchCommand::Reopen { client, item } => {
            let ((id, text), r) = change(store, now, "watch-for reopened", &client, |r| {
                let id = r.item_ref::<crate::domain::WatchId>(&item)?;
                r.reopen_watch_for(&id).map(|text| (id, text))
            })?;
            writeln!(
                out,
                "Set {id} \"{}\" back for {}: it is in the review again.",
                crate::fit::fit(&text, 60),
                r.client.name
            )?;
        }
    }
    Ok(())
}

pub(super) fn appointment(a: AppointmentArgs, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    if let Some(AppointmentCommand::Move { client, at, to, minutes }) = a.cancel {
        let (at, to) = (parse_datetime(&at).map_err(|e| anyhow!(e))?, parse_datetime(&to).map_err(|e| anyhow!(e))?);
        let id = find(store, &client)?;
        let appt = store.load(&id)?.appointment_at(at).map_err(|e| anyhow!(e))?.clone();
        let minutes = minutes.unwrap_or(appt.minutes);
        let booking = crate::practice::booking::Booking { start: to, minutes, weekly: 0, replaces: Some(appt.id) };
        let booked = crate::practice::booking::book(store, &id, &booking, now)?;
        writeln!(
            out,
            "Moved {}'s appointment of {} {} to {} ({minutes} min).",
            booked.record.client.name,
            crate::domain::time::format_day(at.date()),
            at.format("%H:%M"),
            booked.times()
        )?;
        for w in booked.warnings {
            writeln!(out, "Warning: {w}")?;
        }
        return Ok(());
    }
    if let Some(AppointmentCommand::Cancel { client, at, by_therapist, did_not_attend }) = a.cancel {
        let at = parse_datetime(&at).map_err(|e| anyhow!(e))?;
        let how = match (by_therapist, did_not_attend) {
            (true, _) => NotHeld::CancelledByTherapist,
            (_, true) => NotHeld::DidNotAttend,
            _ => NotHeld::CancelledByClient,
        };
        let (appt, r) = change(store, now, "appointment cancelled", &client, |r| {
            let id = r.appointment_at(at)?.id.clone();
            r.cancel_appointment(&id, how, now)
        })?;
        writeln!(
            out,
            "Cancelled {}'s appointment at {}: {}.",
            r.client.name,
            format_datetime(appt.start),
            how.label()
        )?;
        return Ok(());
    }
    let (Some(client), Some(at)) = (a.client, a.at) else {
        bail!("name a client and a time: rapport appointment CLIENT --at \"YYYY-MM-DD HH:MM\"");
    };
    let at = parse_datetime(&at).map_err(|e| anyhow!(e))?;
    let booking = crate::practice::booking::Booking { start: at, minutes: a.minutes, weekly: a.weekly, replaces: None };
    let booked = crate::practice::booking::book(store, &find(store, &client)?, &booking, now)?;
    writeln!(
        out,
        "Booked {} for {} ({} min): {}.",
        crate::domain::plural(booked.booked.len(), "appointment"),
        booked.record.client.name,
        a.minutes,
        booked.times()
    )?;
    for w in booked.warnings {
        writeln!(out, "Warning: {w}")?;
    }
    Ok(())
}

pub(super) fn goal(g: GoalCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    match g {
        GoalCommand::List { client } => {
            let r = load(store, &client)?;
            let w = super::id_width(r.goals.iter().map(|g| g.id.as_str()));
            for g in &r.goals {
                let status = g.status.label();
                let agreed = if g.agreed { "agreed" } else { "not agreed" };
                writeln!(out, "{:<w$} {status:<8} {agreed:<10} {}", g.id, g.text)?;
            }
            empty_note(out, r.goals.is_empty(), "No goals yet.")?;
        }
        GoalCommand::Add { client, text, agreed } => {
            let text = required_text(&text, "the goal")?;
            let (id, r) = change(store, now, "goal added", &client, |r| Ok(r.add_goal(text, agreed, today)))?;
            writeln!(out, "Added goal {id} for {}.", r.client.name)?;
        }
        GoalCommand::Set { client, goal, status } => {
            let (goal, r) = change(store, now, "goal changed", &client, |r| {
                let goal = r.item_ref::<crate::domain::GoalId>(&goal)?;
                r.set_goal_status(&goal, status).map(|()| goal)
            })?;
            writeln!(out, "Goal {goal} of {} updated.", r.client.name)?;
        }
    }
    Ok(())
}

pub(super) fn task(t: TaskCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    let (client, task, status, outcome) = match t {
        TaskCommand::List { client } => {
            let r = load(store, &client)?;
            let w = super::id_width(r.tasks.iter().map(|t| t.id.as_str()));
            for t in &r.tasks {
                let status = t.status.label();
                let outcome = t.outcome.as_ref().map(|o| format!("  → {o}")).unwrap_or_default();
                writeln!(out, "{:<w$} {status:<8} {}  (set {}){outcome}", t.id, t.text, format_day(t.set_on))?;
            }
            return empty_note(out, r.tasks.is_empty(), "No tasks yet.");
        }
        TaskCommand::Add { client, text, session } => {
            let text = required_text(&text, "the task")?;
            let ((id, session), r) = change(store, now, "task set", &client, |r| {
                let session = session.map(|s| r.item_ref::<crate::domain::SessionId>(&s)).transpose()?;
                Ok((r.add_task(&text, session.as_ref(), today)?, session))
            })?;
            let from = session.map(|s| format!(" in note {s}")).unwrap_or_default();
            writeln!(out, "Set task {id} for {}{from}.", r.client.name)?;
            return Ok(());
        }
        TaskCommand::Done { client, task, outcome } => (client, task, TaskStatus::Done, outcome),
        TaskCommand::Drop { client, task, outcome } => (client, task, TaskStatus::Dropped, outcome),
        // The same dated word the app keeps: "not done yet (26 Nov): too tired".
        TaskCommand::NotYet { client, task, reason } => {
            let word = crate::domain::not_done_yet(today, reason.as_deref().unwrap_or(""));
            (client, task, TaskStatus::Open, Some(word))
        }
    };
    let (task, r) = change(store, now, "task changed", &client, |r| {
        let task = r.item_ref::<crate::domain::TaskId>(&task)?;
        r.set_task_status(&task, status, outcome, today).map(|_| task)
    })?;
    let word = match status {
        TaskStatus::Done => "done",
        TaskStatus::Dropped => "dropped",
        TaskStatus::Open => "not done yet; it stays open",
    };
    writeln!(out, "Task {task} of {} marked {word}.", r.client.name)?;
    Ok(())
}

pub(super) fn contact(c: ContactCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match c {
        ContactCommand::List { client } => {
            let records: Vec<ClientRecord> = match &client {
                Some(q) => vec![load(store, q)?],
                None => store.load_all()?.into_iter().filter_map(|f| f.record.ok()).collect(),
            };
            let mut any = false;
            let name_width =
                column(records.iter().filter(|r| !r.contacts.is_empty()).map(|r| r.client.name.as_str()), NAME_COLUMN);
            let w = super::id_width(records.iter().flat_map(|r| r.contacts.iter().map(|c| c.id.as_str())));
            for r in &records {
                for c in &r.contacts {
                    any = true;
                    let state = match (c.direction, c.replied_at) {
                        (Direction::Outgoing, _) => "sent".to_string(),
                        (Direction::Incoming, Some(at)) => format!("replied {}", format_datetime(at)),
                        (Direction::Incoming, None) => format!("AWAITING REPLY ({})", ago(c.at.date(), now.date())),
                    };
                    let who =
                        if client.is_some() { String::new() } else { format!("{}  ", fit(&r.client.name, name_width)) };
                    writeln!(
                        out,
                        "{:<w$} {who}{}  {:<9} {}  [{state}]",
                        c.id,
                        format_datetime(c.at),
                        c.channel.label(),
                        c.summary
                    )?;
                }
            }
            empty_note(out, !any, "No contacts logged.")?;
        }
        ContactCommand::Add { client, channel, summary, at, outgoing } => {
            let at = at.map(|a| parse_datetime(&a)).transpose().map_err(|e| anyhow!(e))?.unwrap_or(now);
            let summary = required_text(&summary, "the summary")?;
            let direction = if outgoing { Direction::Outgoing } else { Direction::Incoming };
            let (id, r) =
                change(store, now, "contact logged", &client, |r| Ok(r.add_contact(at, channel, direction, summary)))?;
            writeln!(out, "Logged {id}: {} {} from {}.", channel.label(), format_datetime(at), r.client.name)?;
        }
        ContactCommand::Replied { client, contact } => {
            let (contact, r) = change(store, now, "contact replied", &client, |r| {
                let contact = r.item_ref::<crate::domain::ContactId>(&contact)?;
                r.mark_replied(&contact, now).map(|()| contact)
            })?;
            writeln!(out, "Contact {contact} of {} marked as replied.", r.client.name)?;
        }
    }
    Ok(())
}
