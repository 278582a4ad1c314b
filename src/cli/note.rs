//! `rapport note`, `finalise` and `addendum`: writing the record.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::args::*;
use super::commands::*;
use crate::domain::NewSession;
use crate::domain::time::{format_datetime, parse_datetime};
use crate::store::Store;

/// Finalises a client's notes (or one), saying truthfully what was done.
pub(super) fn finalise(
    client: String,
    session: Option<String>,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let ((auto, ids), r) = store.update_with(&find(store, &client)?, now, "note finalised", |r, auto| {
        let session = session.as_deref().map(|s| r.item_ref::<crate::domain::SessionId>(s)).transpose()?;
        let auto = auto.to_vec();
        // What is final already (sealed just now by the editing period, or
        // before) is said, not refused: finalising asks for a state it is in.
        let nothing_left = match &session {
            Some(s) => auto.contains(s) || r.session(s).is_some_and(|n| n.finalised.is_some()),
            None => r.sessions.iter().all(|s| s.finalised.is_some()),
        };
        if nothing_left {
            return Ok((auto, Vec::new()));
        }
        Ok((auto, r.finalise(session.as_ref(), now)?))
    })?;
    if auto.is_empty() && ids.is_empty() {
        let what = match &session {
            Some(s) => format!(
                "Note {} of {} is",
                crate::domain::find::item_id(crate::domain::ItemKind::Session, s),
                r.client.name
            ),
            None => format!("Every note of {} is", r.client.name),
        };
        writeln!(out, "{what} final already; nothing to finalise.")?;
        return Ok(());
    }
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

/// A dated correction beneath a finalised note.
pub(super) fn addendum(
    client: String,
    session: String,
    text: String,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let (session, r) = change(store, now, "addendum added", &client, |r| {
        let session = r.item_ref::<crate::domain::SessionId>(&session)?;
        r.add_addendum(&session, &text, now).map(|()| session)
    })?;
    writeln!(out, "Added an addendum to note {session} of {}.", r.client.name)?;
    Ok(())
}

pub(super) fn note(
    n: NoteArgs,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    use crate::practice::{Answers, Outcome, note};
    let at = n.at.map(|a| parse_datetime(&a)).transpose().map_err(|e| anyhow!(e))?;
    if let Some(p) = &n.process {
        crate::domain::bounds::check_text("the process note", p).map_err(|e| anyhow!(e))?;
    }
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
        assessment: n.assessment.clone().unwrap_or_default(),
        intervention: n.intervention.unwrap_or_default(),
        process: n.process.clone().unwrap_or_default(),
        appointment: None,
        ..Default::default()
    };
    if new.is_empty() {
        bail!(
            "the note is empty: give at least one of --topic, --feedback, --observation, --task, --personal, \
             --plan, --assessment, --intervention or --text"
        );
    }
    let client = find(store, &n.client)?;
    let mut answers = if n.yes { Answers::all() } else { Answers::none() };
    // The same questions the app asks, asked here on the terminal; without
    // one (a script), the note is refused and the question said.
    let saved = loop {
        match note::save(store, &client, new.clone(), &answers, now)? {
            Outcome::Done(saved) => break saved,
            Outcome::Asks(questions) => {
                for q in &questions {
                    if !confirm(prompt, &format!("{} Save it anyway? Type yes to save it: ", q.text))? {
                        bail!("nothing was saved. Check --at, or give --yes to save the note as dated");
                    }
                }
                answers = answers.and(questions.iter().map(|q| q.ask));
            }
        }
    };
    let (id, r) = (saved.session, saved.record);
    let s = r.session(&id).expect("just added");
    let what = match r.appointments.iter().find(|a| a.note.as_ref() == Some(&id)) {
        Some(a) => format!(" for the appointment at {}", format_datetime(a.start)),
        None => String::new(),
    };
    writeln!(out, "Saved session {id} for {}{what} ({}, {} min).", r.client.name, format_datetime(s.at), s.minutes)?;
    // The use case kept it (or left a notice saying why not).
    if n.process.as_deref().is_some_and(|t| !t.trim().is_empty())
        && store.process_notes(&client).is_ok_and(|p| p.of(&id).is_some())
    {
        writeln!(out, "Kept its process note apart from the record (`rapport process show {}`).", r.client.id)?;
    }
    Ok(())
}

/// `rapport process`: process notes, written and shown.
pub(super) fn process(
    command: super::args::ProcessCommand,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    use super::args::ProcessCommand;
    match command {
        ProcessCommand::Write { client, session, text } => {
            let r = super::commands::load(store, &client)?;
            let id = r.item_ref::<crate::domain::SessionId>(&session)?;
            store.write_process_note(&r.client.id, &id, &text, now)?;
            let what = if text.trim().is_empty() { "Took away" } else { "Kept" };
            writeln!(out, "{what} the process note of {id} for {}, apart from the record.", r.client.name)?;
        }
        ProcessCommand::Show { client } => {
            let r = super::commands::load(store, &client)?;
            let notes = store.process_notes(&r.client.id)?;
            for n in &notes.notes {
                let state = match (&n.sealed, n.is_broken()) {
                    (Some(_), true) => " (sealed, and changed since: not as it was sealed)",
                    (Some(_), false) => " (sealed with its note)",
                    (None, _) => "",
                };
                writeln!(out, "{} · written {}{state}\n{}\n", n.session, format_datetime(n.written), n.text)?;
            }
            for n in &notes.orphaned {
                writeln!(out, "{}\n{}\n", crate::domain::process::apart_heading(n), n.text)?;
            }
            if notes.notes.is_empty() && notes.orphaned.is_empty() {
                writeln!(out, "No process notes kept for {}.", r.client.name)?;
            }
        }
    }
    Ok(())
}
