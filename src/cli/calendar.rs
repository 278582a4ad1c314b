//! `rapport calendar export` and `rapport calendar import`: the use cases in
//! `practice::calendar`, and what they say.

use std::io::Write;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::args::CalendarCommand;
use super::commands::{confirm, plural};
use crate::domain::calendar::{Skipped, Taken, Unchanged};
use crate::domain::time::{format_datetime, format_day};
use crate::practice::calendar::{self, FeedAsked, ImportPlan, Planned};
use crate::practice::{Answers, Outcome};
use crate::store::Store;

pub(super) fn calendar(
    command: CalendarCommand,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    match command {
        CalendarCommand::Export { out: file, names, days, plain } => {
            export(file, FeedAsked { names, days }, plain, store, now, out)
        }
        CalendarCommand::Import { file, yes } => import(&file, yes, store, now, out, prompt),
    }
}

/// The feed, to a file or standard output. Times are turned into UTC by
/// this machine's time zone (`TZ`, else the system's).
fn export(
    file: Option<std::path::PathBuf>,
    asked: FeedAsked,
    plain: bool,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    let feed = calendar::feed(store, asked, now, &chrono::Local)?;
    if feed.unreadable > 0 {
        store.notice(format!(
            "{} could not be read, so their appointments are not in the feed; `rapport doctor` says why",
            plural(feed.unreadable, "client file")
        ));
    }
    match file {
        Some(path) => {
            let written = store.write_feed(&path, feed.text.as_bytes(), plain)?;
            let span = format!(
                "from {} to {}",
                format_day(feed.window.from),
                format_day(feed.window.to - chrono::Duration::days(1))
            );
            writeln!(
                out,
                "Wrote {} ({} cancelled) of {}, {span}, to {}.",
                plural(feed.appointments, "appointment"),
                feed.cancelled,
                plural(feed.clients, "client"),
                written.display()
            )?;
            let said = match (store.is_encrypted(), plain, asked.names) {
                (true, false, _) => {
                    "It is encrypted, like the folder, so no calendar app can read it; --plain writes it \
                     unencrypted, outside the encryption: whoever can read that file sees your schedule."
                }
                (true, true, true) | (false, _, true) => {
                    "It names your clients: any calendar it reaches (a cloud calendar, a shared one) learns who \
                     comes when."
                }
                (true, true, false) => {
                    "It is not encrypted: whoever can read that file sees when you see clients (by code, not name)."
                }
                (false, _, false) => "",
            };
            if !said.is_empty() {
                writeln!(out, "{said}")?;
            }
        }
        None => write!(out, "{}", feed.text)?,
    }
    let detail = format!("{} appointments{}", feed.appointments, if asked.names { ", with names" } else { "" });
    store.audit(now, "calendar exported", "", &detail);
    Ok(())
}

/// Shows what importing `file` would do, asks (or takes `--yes`), books.
fn import(
    file: &std::path::Path,
    yes: bool,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    let bytes = crate::store::read_calendar_file(file)?;
    let plan = calendar::plan_import(store, &bytes, now, &chrono::Local)?;
    show(&plan.planned, out)?;
    show_skipped(&plan, out)?;
    if plan.changes() == 0 {
        writeln!(out, "Nothing to book: {} changes nothing in Rapport.", file.display())?;
        return warn(&plan.warnings, out);
    }
    warn(&plan.warnings, out)?;
    let answers = if yes { Answers::all() } else { Answers::none() };
    let done = match calendar::import(store, &plan, &answers, now)? {
        Outcome::Done(d) => d,
        Outcome::Asks(questions) => {
            out.flush()?;
            for q in &questions {
                if !confirm(prompt, &format!("{} Type yes: ", q.text))? {
                    bail!("nothing was booked (to book from a script, give --yes)");
                }
            }
            let answers = answers.and(questions.iter().map(|q| q.ask));
            match calendar::import(store, &plan, &answers, now)? {
                Outcome::Done(d) => d,
                Outcome::Asks(_) => bail!("nothing was booked"),
            }
        }
    };
    let differs = done.planned.iter().zip(&plan.planned).any(|(a, b)| a.taken != b.taken);
    if differs {
        writeln!(out, "The records changed meanwhile (another window); as booked now:")?;
        show(&done.planned, out)?;
    }
    writeln!(out, "Done: {}.", calendar::tally(&done.planned, true))?;
    let new: Vec<&String> = done.warnings.iter().filter(|w| !plan.warnings.contains(w)).collect();
    for w in new {
        writeln!(out, "! {w}")?;
    }
    Ok(())
}

/// The events that change a record, or that change nothing for a reason
/// worth knowing; a count of those already as they are.
fn show(planned: &[Planned], out: &mut dyn Write) -> Result<()> {
    let quiet = |t: &Taken| {
        matches!(
            t,
            Taken::Unchanged(Unchanged::AsBooked | Unchanged::AlreadyCancelled | Unchanged::CancelledInCalendar)
        )
    };
    let shown: Vec<&Planned> = planned.iter().filter(|p| !quiet(&p.taken)).collect();
    let width = super::commands::column(shown.iter().map(|p| p.name.as_str()), super::commands::NAME_COLUMN);
    for p in &shown {
        writeln!(
            out,
            "  {}  {:>4} min  {}  {}",
            format_datetime(p.event.start),
            p.event.minutes,
            super::commands::fit(&p.name, width),
            p.taken.words()
        )?;
    }
    let same = planned.len() - shown.len();
    if same > 0 {
        writeln!(
            out,
            "{} already in Rapport as {} (or cancelled and never booked).",
            plural(same, "event"),
            if same == 1 { "it is" } else { "they are" }
        )?;
    }
    Ok(())
}

/// The events not imported, one line for each title and reason.
fn show_skipped(plan: &ImportPlan, out: &mut dyn Write) -> Result<()> {
    let mut groups: Vec<(&Skipped, usize)> = Vec::new();
    for s in &plan.skipped {
        match groups.iter_mut().find(|(g, _)| g.title == s.title && g.skip == s.skip) {
            Some((_, n)) => *n += 1,
            None => groups.push((s, 1)),
        }
    }
    if !groups.is_empty() {
        writeln!(out, "Not imported:")?;
    }
    for (s, n) in groups {
        let more = if n > 1 { format!(" and {} more", n - 1) } else { String::new() };
        writeln!(out, "  {}{more}: {}", s.event(), s.skip)?;
    }
    if plan.past > 0 {
        writeln!(out, "{} before now left out: the calendar's past is not booked.", plural(plan.past, "event"))?;
    }
    Ok(())
}

fn warn(warnings: &[String], out: &mut dyn Write) -> Result<()> {
    for w in warnings {
        writeln!(out, "! {w}")?;
    }
    Ok(())
}
