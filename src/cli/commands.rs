//! What each subcommand does. Every change goes through `Store::update`.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime};

use super::args::*;
use super::resolve;
use crate::domain::summary::summary;
use crate::domain::time::{ago, format_datetime, format_day, format_day_near, parse_date, parse_datetime};
use crate::domain::{Appointment, ClientProfile, ClientRecord, Direction, NewSession, TaskStatus};
use crate::sanitize::json_inert;
use crate::store::Store;

/// Runs one subcommand against `store`, writing what it says to `out`.
pub fn run(command: Command, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    match command {
        Command::Demo { .. } | Command::Encrypt { .. } | Command::Decrypt { .. } | Command::Passphrase => {
            bail!("this command is run by the rapport binary itself")
        }
        Command::Client(c) => client(c, store, now, out),
        Command::Note(n) => note(n, store, now, out),
        Command::Review { client, at, json } => {
            let record = load(store, &client)?;
            let appointment = match at {
                Some(at) => {
                    let at = parse_datetime(&at).map_err(|e| anyhow!(e))?;
                    Some(
                        record
                            .appointments
                            .iter()
                            .find(|a| a.start == at)
                            .cloned()
                            .unwrap_or(Appointment { start: at, minutes: 50 }),
                    )
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
        Command::Search { query, client, limit } => {
            let entries = store.index()?;
            let client =
                client.map(|c| resolve(&entries, &c).map(|e| e.id.clone()).map_err(|e| anyhow!(e))).transpose()?;
            let found = store.search(&query.join(" "), client.as_deref(), limit as usize)?;
            let names: std::collections::HashMap<String, String> =
                entries.into_iter().filter_map(|e| Some((e.id.clone(), e.summary?.display_name()))).collect();
            for h in &found.hits {
                let name = names.get(&h.client).map_or(h.client.as_str(), String::as_str);
                let session = h.session.as_deref().unwrap_or("profile");
                writeln!(out, "{name} · {} · {session}\n    {}", format_day_near(h.date, today), h.snippet)?;
            }
            match (found.total, found.hits.len()) {
                (0, _) => writeln!(out, "Nothing found for '{}'.", query.join(" "))?,
                (t, n) if t > n => writeln!(out, "({n} of {t} shown; --limit shows more)")?,
                _ => {}
            }
            Ok(())
        }
        Command::Agenda { date, days } => {
            let from = match date {
                Some(d) => parse_date(&d).map_err(|e| anyhow!(e))?,
                None => today,
            };
            agenda(store, from, days, now, out)
        }
        Command::Appointment(a) => appointment(a, store, now, out),
        Command::Personal(PersonalCommand::Add { client, text, date, ask }) => {
            let date = date.map(|d| parse_date(&d)).transpose().map_err(|e| anyhow!(e))?;
            let text = required_text(&text, "the personal detail")?;
            let (id, r) = change(store, now, "personal detail added", &client, |r| {
                Ok(r.add_personal(text, date, ask, today, None))
            })?;
            writeln!(out, "Noted {id} for {}.", r.client.name)?;
            Ok(())
        }
        Command::Personal(PersonalCommand::List { client }) => {
            let r = load(store, &client)?;
            for p in &r.personal {
                let date = p.date.map(|d| format!("  {d}")).unwrap_or_default();
                let ask = if p.ask { "  (ask)" } else { "" };
                writeln!(out, "{:<4} {}{date}{ask}", p.id, p.text)?;
            }
            empty_note(out, r.personal.is_empty(), "No personal details yet.")
        }
        Command::Goal(g) => goal(g, store, now, out),
        Command::Finalise { client, session } => {
            let ((auto, ids), r) = store.update_with(&find(store, &client)?, now, "note finalised", |r, auto| {
                let auto = auto.to_vec();
                // What the editing period sealed just now is not "already final".
                let nothing_left = match session.as_deref() {
                    Some(s) => auto.iter().any(|a| a == s),
                    None => !auto.is_empty() && r.sessions.iter().all(|s| s.finalised.is_some()),
                };
                if nothing_left {
                    return Ok((auto, Vec::new()));
                }
                Ok((auto, r.finalise(session.as_deref(), now)?))
            })?;
            if !auto.is_empty() {
                let (word, verb) = if auto.len() == 1 { ("Note", "was") } else { ("Notes", "were") };
                let rest = if ids.is_empty() { "; nothing else to finalise" } else { "" };
                writeln!(
                    out,
                    "{word} {} of {} {verb} finalised automatically just now (the editing period had run out){rest}.",
                    auto.join(", "),
                    r.client.name
                )?;
            }
            if !ids.is_empty() {
                writeln!(
                    out,
                    "Finalised {} of {}: {}. They are now read-only.",
                    plural(ids.len(), "note"),
                    r.client.name,
                    ids.join(", ")
                )?;
            }
            Ok(())
        }
        Command::Addendum { client, session, text } => {
            let (_, r) = change(store, now, "addendum added", &client, |r| r.add_addendum(&session, &text, now))?;
            writeln!(out, "Added an addendum to note {session} of {}.", r.client.name)?;
            Ok(())
        }
        Command::Verify { client } => {
            let id = client.map(|q| find(store, &q)).transpose()?;
            let v = store.verify(id.as_deref(), now)?;
            for (path, why) in &v.unreadable {
                writeln!(out, "{}: could not be read, so it was not checked: {why}", path.display())?;
            }
            for (name, f) in &v.findings {
                let at = f.at.map(|at| format!(" ({})", format_datetime(at))).unwrap_or_default();
                writeln!(out, "{name}: note {}{at} {}", f.session, f.why)?;
            }
            for (id, n) in &v.missing {
                writeln!(out, "client {id}: the file, with {}, is missing", plural(*n, "finalised note"))?;
            }
            for n in &v.ledger_broken {
                writeln!(out, "the ledger itself was changed at entry {n}")?;
            }
            if v.ledger_missing {
                writeln!(out, "the ledger (the record of every finalised note) is missing from the data folder")?;
            }
            if !v.is_clean() {
                let mut parts = Vec::new();
                if !v.findings.is_empty() {
                    parts.push(format!("{} changed after finalising", plural(v.findings.len(), "note")));
                }
                if !v.unreadable.is_empty() {
                    parts.push(format!("{} could not be read", plural(v.unreadable.len(), "client file")));
                }
                if !v.missing.is_empty() {
                    parts.push(format!("{} missing", plural(v.missing.len(), "client file")));
                }
                if !v.ledger_broken.is_empty() || v.ledger_missing {
                    parts.push("the ledger was tampered with".into());
                }
                bail!("{}; restore from a backup (`rapport backup list`)", parts.join("; "));
            }
            writeln!(
                out,
                "All {} of {} are as they were finalised.",
                plural(v.sealed, "finalised note"),
                plural(v.clients, "client")
            )?;
            Ok(())
        }
        Command::Backup { command: None } => {
            let s = store.backup(now)?;
            writeln!(out, "Snapshot {} taken ({}).", s.name, plural(s.clients, "client"))?;
            Ok(())
        }
        Command::Backup { command: Some(BackupCommand::List) } => {
            let snaps = store.snapshots();
            for s in &snaps {
                writeln!(out, "{}  {}", s.name, plural(s.clients, "client"))?;
            }
            empty_note(out, snaps.is_empty(), "No snapshots yet. `rapport backup` takes one.")
        }
        Command::Backup { command: Some(BackupCommand::Prune { keep, erase: Some(id) }) } => {
            let n = store.erase_from_backups(&id, now)?;
            writeln!(out, "Took client {id}'s record out of {}.", plural(n, "snapshot"))?;
            let _ = keep;
            Ok(())
        }
        Command::Backup { command: Some(BackupCommand::Prune { keep, erase: None }) } => {
            let removed = store.prune_backups(keep as usize, now)?;
            writeln!(out, "Removed {}; {} kept.", plural(removed.len(), "snapshot"), store.snapshots().len())?;
            Ok(())
        }
        Command::Export { client, format, out: file, plain } => {
            let r = load(store, &client)?;
            let text = match format {
                ExportFormat::Markdown => crate::domain::export::to_markdown(&r, now),
                ExportFormat::Json => match store.newer_file_as_json(&r.client.id)? {
                    // A newer Rapport's file: all of it, not just what this build knows.
                    Some(whole) => json_inert(serde_json::to_string_pretty(&whole)?) + "\n",
                    None => json_inert(serde_json::to_string_pretty(&r)?) + "\n",
                },
            };
            match file {
                Some(path) => {
                    let written = store.export_to(&path, text.as_bytes(), plain)?;
                    let how = if store.is_encrypted() && !plain {
                        " (encrypted, like the folder; --plain writes it unencrypted)"
                    } else {
                        ""
                    };
                    writeln!(out, "Wrote {}'s record to {}{how}.", r.client.name, written.display())?;
                }
                None => write!(out, "{text}")?,
            }
            store.audit(now, "export", &r.client.id, if format == ExportFormat::Json { "json" } else { "markdown" });
            Ok(())
        }
        Command::Retention { years } => {
            let cutoff = now
                .date()
                .checked_sub_signed(chrono::Duration::days(365 * i64::from(years)))
                .ok_or_else(|| anyhow!("--years reaches before any calendar"))?;
            let mut due = Vec::new();
            for e in store.index()?.into_iter().filter(|e| e.summary.as_ref().is_some_and(|s| s.archived)) {
                let r = store.load(&e.id)?;
                let last = r
                    .sessions
                    .iter()
                    .map(|s| s.at.date())
                    .chain(r.contacts.iter().map(|c| c.at.date()))
                    .max()
                    .unwrap_or(r.client.created);
                if last < cutoff {
                    due.push((last, r.client.id.clone(), r.client.name.clone()));
                }
            }
            due.sort();
            for (last, id, name) in &due {
                writeln!(out, "{id:<24} {name:<28} last contact {last}")?;
            }
            if due.is_empty() {
                writeln!(out, "No archived client's last contact is older than {years} years.")?;
            } else {
                writeln!(
                    out,
                    "{} past the {years}-year retention period. Review each; `rapport export` keeps a copy, `rapport client delete` erases.",
                    plural(due.len(), "archived client")
                )?;
            }
            Ok(())
        }
        Command::Restore { snapshot, yes } => {
            if !store.snapshots().iter().any(|s| s.name == snapshot) {
                // Let the store say what exists.
                store.restore(&snapshot, now)?;
            }
            if !yes
                && !confirm(&format!(
                    "Restore snapshot {snapshot} over the current notes? The current state is kept as a snapshot first. Type yes: "
                ))?
            {
                bail!("not restored: nothing was changed");
            }
            let kept = store.restore(&snapshot, now)?;
            writeln!(out, "Restored {snapshot}. The state before it is kept as snapshot {kept}.")?;
            Ok(())
        }
        Command::Doctor => doctor(store, now, out),
        Command::Watch(WatchCommand::Add { client, text }) => {
            let text = required_text(&text, "what to watch for")?;
            let (id, r) = change(store, now, "watch-for added", &client, |r| Ok(r.add_watch_for(text, today)))?;
            writeln!(out, "Noted {id} to watch for with {}.", r.client.name)?;
            Ok(())
        }
        Command::Task(t) => task(t, store, now, out),
        Command::Contact(c) => contact(c, store, now, out),
    }
}

/// Prints what needs attention in the data folder; fails if anything does.
fn doctor(store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "Data folder {}", store.root().display())?;
    let findings = store.doctor(now)?;
    for f in &findings {
        writeln!(out, "  {} {}", if f.attention { "NEEDS ATTENTION:" } else { "ok:" }, f.text)?;
    }
    let attention = findings.iter().filter(|f| f.attention).count();
    if attention > 0 {
        let what = if attention == 1 { "1 thing needs".to_string() } else { format!("{attention} things need") };
        bail!("{what} your attention in the data folder; see above");
    }
    writeln!(out, "Nothing needs your attention.")?;
    Ok(())
}

/// "1 open task", "3 open tasks".
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// Asks on standard error, reads a line from standard input: true for "yes".
fn confirm(question: &str) -> Result<bool> {
    eprint!("{}", crate::sanitize::visible(question));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

fn empty_note(out: &mut dyn Write, empty: bool, text: &str) -> Result<()> {
    if empty {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

fn required_text(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        bail!("{what} is empty; type some text");
    }
    Ok(t.to_string())
}

/// The id of the client `query` names, found through the index.
fn find(store: &Store, query: &str) -> Result<String> {
    let entries = store.index()?;
    let id = resolve(&entries, query).map(|e| e.id.clone()).map_err(|e| anyhow!(e))?;
    // The index is derived: the client's own file must answer to the name,
    // or the index is rebuilt from the files and asked again (so a damaged
    // index can never send a note to the wrong client).
    let q = query.trim().to_lowercase();
    if let Ok(r) = store.load(&id)
        && r.client.id != q
        && !super::answers_to(&r.client.name, r.client.preferred_name.as_deref(), &q)
    {
        let entries = store.rebuild_index()?;
        return resolve(&entries, query).map(|e| e.id.clone()).map_err(|e| anyhow!(e));
    }
    Ok(id)
}

/// The readable record of the client `query` names.
fn load(store: &Store, query: &str) -> Result<ClientRecord> {
    Ok(store.load(&find(store, query)?)?)
}

/// Applies a change to the client `query` names, as it is on disk now.
fn change<T>(
    store: &Store,
    now: NaiveDateTime,
    what: &str,
    query: &str,
    f: impl FnOnce(&mut ClientRecord) -> Result<T, crate::domain::RecordError>,
) -> Result<(T, ClientRecord)> {
    Ok(store.update(&find(store, query)?, now, what, f)?)
}

fn profile(name: String, p: ProfileArgs) -> ClientProfile {
    ClientProfile { name, preferred_name: p.preferred, pronouns: p.pronouns, phone: p.phone, email: p.email }
}

fn client(c: ClientCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match c {
        ClientCommand::Add { name, profile: p } => {
            let channel = p.channel;
            let mut r = store.create_client(profile(name, p), now)?;
            if let Some(ch) = channel {
                r = store
                    .update(&r.client.id, now, "client edited", |r| {
                        r.client.preferred_channel = Some(ch);
                        Ok(())
                    })?
                    .1;
            }
            writeln!(out, "Added {} (id {}).", r.display_name(), r.client.id)?;
        }
        ClientCommand::List { all } => {
            let files = store.index()?;
            let archived = files.iter().filter(|f| f.summary.as_ref().is_some_and(|s| s.archived)).count();
            for f in files.iter().filter(|f| all || !f.summary.as_ref().is_some_and(|s| s.archived)) {
                match (&f.summary, &f.error) {
                    (Some(r), _) => {
                        let last = r
                            .last_session
                            .map(|s| format!("last session {}", format_day_near(s.date(), now.date())))
                            .unwrap_or_else(|| "no sessions yet".into());
                        let open = plural(r.open_tasks, "open task");
                        let ro = if f.read_only { "  (read-only: newer format)" } else { "" };
                        let ro = if r.archived { "  (archived)" } else { ro };
                        writeln!(out, "{:<20} {:<32} {last}, {open}{ro}", f.id, r.display_name())?;
                    }
                    (None, e) => writeln!(out, "{:<20} UNREADABLE: {}", f.id, e.as_deref().unwrap_or("unknown"))?,
                }
            }
            empty_note(out, files.is_empty(), "No clients yet. Add one: rapport client add \"Full Name\"")?;
            if archived > 0 && !all {
                writeln!(out, "({} not shown; --all shows them)", plural(archived, "archived client"))?;
            }
            for s in store.strays().into_iter().filter(|s| s.kind.needs_attention()) {
                let name = s.path.strip_prefix(store.root()).unwrap_or(&s.path).display().to_string();
                writeln!(out, "Warning: {name} {}.", s.kind.explain())?;
            }
        }
        ClientCommand::Archive { ref client } | ClientCommand::Unarchive { ref client } => {
            let archive = matches!(c, ClientCommand::Archive { .. });
            let what = if archive { "client archived" } else { "client unarchived" };
            let (_, r) = change(store, now, what, client, |r| {
                r.client.archived = archive;
                Ok(())
            })?;
            let word = if archive {
                "archived: hidden from the list and the agenda, record kept"
            } else {
                "back among current clients"
            };
            writeln!(out, "{} is {word}.", r.client.name)?;
        }
        ClientCommand::Delete { client } => {
            let r = load(store, &client)?;
            eprint!(
                "This erases {}'s whole record for good. Type their full name to confirm: ",
                crate::sanitize::visible(&r.client.name)
            );
            let mut typed = String::new();
            std::io::stdin().read_line(&mut typed)?;
            // The name as shown (control characters made visible) is accepted too.
            if typed.trim() != r.client.name && typed.trim() != crate::sanitize::visible(&r.client.name) {
                bail!("the name did not match; nothing was deleted");
            }
            let erased = store.delete_client(&r.client.id, now)?;
            writeln!(
                out,
                "Erased the record, drafts, index and search entries, ledger and audit-log entries of client {}.",
                r.client.id
            )?;
            if !erased.exports.is_empty() {
                writeln!(out, "Deleted their exports from the data folder: {}.", erased.exports.join(", "))?;
            }
            if erased.snapshots.is_empty() {
                writeln!(out, "No snapshot holds the record.")?;
            } else {
                writeln!(
                    out,
                    "These snapshots still hold the record: {}.\nThey go as newer snapshots replace them; to take the record out of them now: rapport backup prune --erase {}",
                    erased.snapshots.join(", "),
                    r.client.id
                )?;
            }
            writeln!(out, "Copies written elsewhere with `rapport export --out` are not touched.")?;
        }
        ClientCommand::Edit { client, name, profile: p } => {
            let (_, r) = change(store, now, "client edited", &client, |r| {
                let old = r.profile();
                let new = ClientProfile {
                    name: name.unwrap_or(old.name),
                    preferred_name: p.preferred.or(old.preferred_name),
                    pronouns: p.pronouns.or(old.pronouns),
                    phone: p.phone.or(old.phone),
                    email: p.email.or(old.email),
                }
                .cleaned()?;
                r.set_profile(new);
                if let Some(ch) = p.channel {
                    r.client.preferred_channel = Some(ch);
                }
                Ok(())
            })?;
            writeln!(out, "Updated {}.", r.display_name())?;
        }
    }
    Ok(())
}

fn note(n: NoteArgs, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let at = n.at.map(|a| parse_datetime(&a)).transpose().map_err(|e| anyhow!(e))?;
    let new = NewSession {
        at,
        minutes: n.minutes,
        topics: n.topics,
        feedback: n.feedback,
        observations: n.observations,
        tasks: n.tasks,
        personal: n.personal,
        plan: n.plan.unwrap_or_default(),
        notes: n.text.unwrap_or_default(),
        appointment: None,
    };
    let (id, r) = change(store, now, "note added", &n.client, |r| {
        let appointment = r.appointments.iter().find(|a| Some(a.start) == at).map(|a| a.start);
        r.add_session(NewSession { appointment, ..new }, now)
    })?;
    let s = r.session(&id).expect("just added");
    writeln!(out, "Saved session {id} for {} ({}, {} min).", r.client.name, format_datetime(s.at), s.minutes)?;
    Ok(())
}

fn agenda(store: &Store, from: NaiveDate, days: u32, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
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
    for offset in 0..days {
        let day = from + chrono::Duration::days(offset.into());
        writeln!(out, "{}", format_day_near(day, now.date()))?;
        let rows: Vec<_> = all.iter().filter(|(a, ..)| a.start.date() == day).collect();
        if rows.is_empty() {
            writeln!(out, "  No appointments")?;
        }
        for (a, name, reminder) in rows {
            let reminder = reminder.as_ref().map(|s| format!("  {s}")).unwrap_or_default();
            writeln!(out, "  {}  {name:<28} {:>3} min{reminder}", a.start.format("%H:%M"), a.minutes)?;
        }
    }
    for e in entries.iter().filter(|e| e.summary.is_none()) {
        writeln!(out, "(could not read {}: see `rapport client list`)", e.id)?;
    }
    Ok(())
}

fn appointment(a: AppointmentArgs, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    if let Some(AppointmentCommand::Cancel { client, at }) = a.cancel {
        let at = parse_datetime(&at).map_err(|e| anyhow!(e))?;
        let (appt, r) = change(store, now, "appointment cancelled", &client, |r| r.cancel_appointment(at))?;
        writeln!(out, "Cancelled {}'s appointment at {}.", r.client.name, format_datetime(appt.start))?;
        return Ok(());
    }
    let (Some(client), Some(at)) = (a.client, a.at) else {
        bail!("name a client and a time: rapport appointment CLIENT --at \"YYYY-MM-DD HH:MM\"");
    };
    let at = parse_datetime(&at).map_err(|e| anyhow!(e))?;
    let (overlaps, r) = change(store, now, "appointment booked", &client, |r| r.schedule(at, a.minutes, a.weekly))?;
    let n = a.weekly + 1;
    writeln!(
        out,
        "Booked {n} appointment{} for {} from {} ({} min).",
        if n == 1 { "" } else { "s" },
        r.client.name,
        format_datetime(at),
        a.minutes
    )?;
    for o in overlaps {
        writeln!(out, "Warning: this overlaps {}'s appointment at {}.", r.client.name, format_datetime(o.start))?;
    }
    Ok(())
}

fn goal(g: GoalCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    match g {
        GoalCommand::List { client } => {
            let r = load(store, &client)?;
            for g in &r.goals {
                let status = g.status.label();
                let agreed = if g.agreed { "agreed" } else { "not agreed" };
                writeln!(out, "{:<4} {status:<8} {agreed:<10} {}", g.id, g.text)?;
            }
            empty_note(out, r.goals.is_empty(), "No goals yet.")?;
        }
        GoalCommand::Add { client, text, agreed } => {
            let text = required_text(&text, "the goal")?;
            let (id, r) = change(store, now, "goal added", &client, |r| Ok(r.add_goal(text, agreed, today)))?;
            writeln!(out, "Added goal {id} for {}.", r.client.name)?;
        }
        GoalCommand::Set { client, goal, status } => {
            let (_, r) = change(store, now, "goal changed", &client, |r| r.set_goal_status(&goal, status))?;
            writeln!(out, "Goal {goal} of {} updated.", r.client.name)?;
        }
    }
    Ok(())
}

fn task(t: TaskCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let today = now.date();
    let (client, task, status, outcome) = match t {
        TaskCommand::List { client } => {
            let r = load(store, &client)?;
            for t in &r.tasks {
                let status = t.status.label();
                let outcome = t.outcome.as_ref().map(|o| format!("  → {o}")).unwrap_or_default();
                writeln!(out, "{:<4} {status:<8} {}  (set {}){outcome}", t.id, t.text, format_day(t.set_on))?;
            }
            return empty_note(out, r.tasks.is_empty(), "No tasks yet.");
        }
        TaskCommand::Done { client, task, outcome } => (client, task, TaskStatus::Done, outcome),
        TaskCommand::Drop { client, task, outcome } => (client, task, TaskStatus::Dropped, outcome),
    };
    let (_, r) = change(store, now, "task changed", &client, |r| r.set_task_status(&task, status, outcome, today))?;
    let word = if status == TaskStatus::Done { "done" } else { "dropped" };
    writeln!(out, "Task {task} of {} marked {word}.", r.client.name)?;
    Ok(())
}

fn contact(c: ContactCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match c {
        ContactCommand::List { client } => {
            let records: Vec<ClientRecord> = match &client {
                Some(q) => vec![load(store, q)?],
                None => store.load_all()?.into_iter().filter_map(|f| f.record.ok()).collect(),
            };
            let mut any = false;
            for r in &records {
                for c in &r.contacts {
                    any = true;
                    let state = match (c.direction, c.replied_at) {
                        (Direction::Outgoing, _) => "sent".to_string(),
                        (Direction::Incoming, Some(at)) => format!("replied {}", format_datetime(at)),
                        (Direction::Incoming, None) => format!("AWAITING REPLY ({})", ago(c.at.date(), now.date())),
                    };
                    let who = if client.is_some() { String::new() } else { format!("{}  ", r.client.name) };
                    writeln!(
                        out,
                        "{:<4} {who}{}  {:<9} {}  [{state}]",
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
            let (_, r) = change(store, now, "contact replied", &client, |r| r.mark_replied(&contact, now))?;
            writeln!(out, "Contact {contact} of {} marked as replied.", r.client.name)?;
        }
    }
    Ok(())
}
