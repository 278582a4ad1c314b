//! `rapport supervision` and `rapport cpd`: the practice's own log. The
//! rules are `practice::supervision`; here only what was typed and the
//! output.

use std::io::Write;

use anyhow::{Result, anyhow};
use chrono::NaiveDateTime;

use super::args::{CpdCommand, SupervisionCommand};
use super::commands::find;
use crate::domain::hours::{format_hours, parse_hours};
use crate::domain::supervision::CPD_HOURS;
use crate::domain::time::{format_datetime, format_day, parse_date, parse_when};
use crate::practice::hours::Period;
use crate::practice::supervision::{self as sv, NewSupervision};
use crate::store::Store;

pub(super) fn supervision(
    command: SupervisionCommand,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        SupervisionCommand::Add { at, minutes, supervisor, group, notes, discussed_all } => {
            let at = parse_when(&at, now.date()).map_err(|e| anyhow!("--at: {e}"))?;
            let new = NewSupervision { at, minutes, supervisor, group, notes, discussed_all };
            let logged = sv::add_supervision(store, new, now)?;
            let s = &logged.supervision;
            writeln!(
                out,
                "Logged supervision {} on {}: {}, {}, claimed as {} h.",
                s.id,
                format_datetime(s.at),
                crate::domain::plural(s.minutes as usize, "minute"),
                s.kind(),
                format_hours(u64::from(s.claimed_minutes()))
            )?;
            if logged.discussed > 0 {
                writeln!(out, "Marked {} discussed at it.", crate::domain::plural(logged.discussed, "question"))?;
            }
            if let Some(open) = sv::still_open(logged.open) {
                writeln!(out, "{open}; `--discussed-all` marks them discussed when you log a supervision.")?;
            }
        }
        SupervisionCommand::List { from, to, notes } => {
            let period = Period::parse(from.as_deref(), to.as_deref()).map_err(|e| anyhow!(e))?;
            let log = sv::log_within(store, period)?;
            let w = super::id_width(log.supervision.iter().map(|s| s.id.as_str()));
            for s in &log.supervision {
                let by = s.supervisor.as_ref().map(|n| format!(", with {n}")).unwrap_or_default();
                writeln!(
                    out,
                    "{:<w$} {}  {} min, {}{by}: claimed {} h",
                    s.id,
                    format_datetime(s.at),
                    s.minutes,
                    s.kind(),
                    format_hours(u64::from(s.claimed_minutes()))
                )?;
                if notes && let Some(n) = &s.notes {
                    writeln!(out, "{:w$}   {n}", "")?;
                }
            }
            if log.supervision.is_empty() {
                writeln!(
                    out,
                    "No supervision logged{}.",
                    if period == Period::default() { "" } else { " in this period" }
                )?;
            }
            let open = sv::open_questions(store)?;
            if !open.is_empty() {
                writeln!(out, "\nTo bring to the next supervision:")?;
                for (id, questions) in &open {
                    let name = store.load(id).map(|r| r.display_name()).unwrap_or_else(|_| id.to_string());
                    for q in questions {
                        writeln!(out, "  {name}, {}: {}  (noted {})", q.id, q.text, format_day(q.noted_on))?;
                    }
                }
            }
        }
        SupervisionCommand::Remove { id } => {
            let (s, reopened) = sv::remove_supervision(store, &id, now)?;
            writeln!(out, "Removed supervision {} of {} ({} minutes).", s.id, format_datetime(s.at), s.minutes)?;
            if reopened > 0 {
                writeln!(
                    out,
                    "{} discussed at it {} open again.",
                    crate::domain::plural(reopened, "question"),
                    if reopened == 1 { "is" } else { "are" }
                )?;
            }
        }
        SupervisionCommand::Drop { client, question } => {
            let q = sv::drop_question(store, &find(store, &client)?, &question, now)?;
            writeln!(out, "Removed {} from the client's record: \"{}\".", q.id, crate::fit::fit(&q.text, 60))?;
        }
        SupervisionCommand::Bring { client, text } => {
            let (id, r) = sv::bring(store, &find(store, &client)?, &text, now)?;
            writeln!(
                out,
                "Kept {id} for the next supervision, about {}. `rapport supervision brief {}` writes a brief that \
                 names no one.",
                r.display_name(),
                r.client.id
            )?;
        }
        SupervisionCommand::Discussed { client, question } => {
            let (q, on) = sv::discussed(store, &find(store, &client)?, &question, now)?;
            writeln!(out, "Marked {} discussed, at the supervision of {}: \"{}\".", q.id, format_day(on), q.text)?;
        }
        SupervisionCommand::Reopen { client, question } => {
            let q = sv::reopen(store, &find(store, &client)?, &question, now)?;
            writeln!(out, "{} is open again for the next supervision: \"{}\".", q.id, q.text)?;
        }
        SupervisionCommand::Brief { client } => {
            write!(out, "{}", sv::brief(store, &find(store, &client)?, now)?)?;
        }
    }
    Ok(())
}

pub(super) fn cpd(command: CpdCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match command {
        CpdCommand::Add { at, hours, text } => {
            let on = match at {
                Some(d) => parse_date(&d).map_err(|e| anyhow!("--at: {e}"))?,
                None => now.date(),
            };
            let minutes = parse_hours(&hours, CPD_HOURS).map_err(|e| anyhow!("--hours: {e}"))?;
            let c = sv::add_cpd(store, on, minutes, &text, now)?;
            let day = c.on.format("%a %-d %b %Y");
            writeln!(out, "Logged CPD {} on {day}: {} h.", c.id, format_hours(u64::from(c.minutes)))?;
        }
        CpdCommand::List { from, to } => {
            let period = Period::parse(from.as_deref(), to.as_deref()).map_err(|e| anyhow!(e))?;
            let log = sv::log_within(store, period)?;
            let w = super::id_width(log.cpd.iter().map(|c| c.id.as_str()));
            for c in &log.cpd {
                writeln!(out, "{:<w$} {}  {} h  {}", c.id, c.on, format_hours(u64::from(c.minutes)), c.text)?;
            }
            let total: u64 = log.cpd.iter().map(|c| u64::from(c.minutes)).sum();
            match log.cpd.len() {
                0 => {
                    writeln!(out, "No CPD logged{}.", if period == Period::default() { "" } else { " in this period" })?
                }
                1 => writeln!(out, "{} h of CPD in 1 entry.", format_hours(total))?,
                n => writeln!(out, "{} h of CPD in {n} entries.", format_hours(total))?,
            }
        }
        CpdCommand::Remove { id } => {
            let c = sv::remove_cpd(store, &id, now)?;
            writeln!(out, "Removed CPD {} of {}.", c.id, c.on)?;
        }
    }
    Ok(())
}
