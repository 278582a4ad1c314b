//! What each subcommand does. Every change goes through `Store::update`.

use std::io::Write;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::args::*;
use super::{calendar, care, client, hours, measure, note, record, review, supervision, sync};
use crate::domain::{ClientId, ClientRecord};
use crate::store::Store;

/// Runs one subcommand against `store`, writing what it says to `out`.
pub fn run(
    command: Command,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    let _today = now.date();
    match command {
        Command::Demo { .. }
        | Command::Encrypt { .. }
        | Command::Decrypt { .. }
        | Command::Passphrase
        | Command::Unlock { .. }
        | Command::Lock
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Schema { .. } => {
            bail!("this command is run by the rapport binary itself")
        }
        Command::Client(c) => client::client(c, store, now, out, prompt),
        Command::Note(n) => note::note(n, store, now, out, prompt),
        Command::Review { client, at, json } => review::review(client, at, json, store, now, out),
        Command::Search { query, client, limit } => review::search(query, client, limit, store, now, out),
        Command::Agenda { date, days } => review::agenda_from(date, days, store, now, out),
        Command::Appointment(a) => care::appointment(a, store, now, out),
        Command::Calendar(c) => calendar::calendar(c, store, now, out, prompt),

        Command::Personal(p) => care::personal(p, store, now, out),
        Command::Goal(g) => care::goal(g, store, now, out),
        Command::Finalise { client, session } => note::finalise(client, session, store, now, out),
        Command::Addendum { client, session, text } => note::addendum(client, session, text, store, now, out),
        Command::Verify { client, restart_ledger, anchor, against } => {
            record::verify(record::Verify { client, restart_ledger, anchor, against }, store, now, out)
        }

        Command::Export { client, format, out: file, plain, note_format, include_process_notes, yes } => {
            let asked = record::Exporting { client, format, file, plain, note_format, include_process_notes, yes };
            record::export(asked, store, now, out, prompt)
        }
        Command::Process(p) => note::process(p, store, now, out),
        Command::Hours { from, to, by, csv, json } => {
            hours::hours(hours::Asked { from, to, by, csv, json }, store, now, out)
        }
        Command::Supervision(s) => supervision::supervision(s, store, now, out),
        Command::Cpd(c) => supervision::cpd(c, store, now, out),
        Command::Retention { years } => record::retention(years, store, now, out),
        Command::Restore { snapshot, client, yes } => record::restore(snapshot, client, yes, store, now, out, prompt),
        Command::Backup { command } => record::backup(command, store, now, out),
        Command::Doctor { reindex } => record::doctor(reindex, store, now, out),
        Command::Merge { file } => record::merge(&file, store, now, out),
        Command::Watch(w) => care::watch(w, store, now, out),
        Command::Task(t) => care::task(t, store, now, out),
        Command::Contact(c) => care::contact(c, store, now, out),
        Command::Measure(m) => measure::measure(m, store, now, out),
        Command::Sync { command } => sync::sync(command, store, now, out),
    }
}

pub use crate::domain::plural;

/// The widest a name column grows; a longer name is cut, ending in "…".
pub(super) const NAME_COLUMN: usize = 40;

/// How many terminal columns `text` takes once shown (control characters
/// made visible).
pub(super) fn width(text: &str) -> usize {
    crate::fit::width(&crate::sanitize::visible(text))
}

/// The width a column of `texts` needs, at most `max`.
pub(super) fn column<'a>(texts: impl IntoIterator<Item = &'a str>, max: usize) -> usize {
    texts.into_iter().map(width).max().unwrap_or(0).min(max)
}

/// `text` as shown, in exactly `columns`: padded, or cut with "…" at the end.
pub(super) fn fit(text: &str, columns: usize) -> String {
    crate::fit::fit_exact(&crate::sanitize::visible(text), columns)
}

/// Asks `question`: true for "yes".
pub(super) fn confirm(prompt: &mut dyn super::Prompt, question: &str) -> Result<bool> {
    Ok(prompt.ask(question)?.trim().eq_ignore_ascii_case("yes"))
}

pub(super) fn empty_note(out: &mut dyn Write, empty: bool, text: &str) -> Result<()> {
    if empty {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

pub(super) fn required_text(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        bail!("{what} is empty; type some text");
    }
    Ok(t.to_string())
}

/// The id of the client `query` names, found through the index.
pub(super) fn find(store: &Store, query: &str) -> Result<ClientId> {
    Ok(locate(store, query)?.0)
}

/// The client `query` names, and their record when it was read to check
/// the name (see [`crate::practice::find::locate`]).
fn locate(store: &Store, query: &str) -> Result<(ClientId, Option<ClientRecord>)> {
    Ok(crate::practice::find::locate(store, query)?)
}

/// The readable record of the client `query` names.
pub(super) fn load(store: &Store, query: &str) -> Result<ClientRecord> {
    match locate(store, query)? {
        (_, Some(record)) => Ok(record),
        (id, None) => Ok(store.load(&id)?),
    }
}

/// Applies a change to the client `query` names, as it is on disk now.
pub(super) fn change<T>(
    store: &Store,
    now: NaiveDateTime,
    what: &str,
    query: &str,
    f: impl FnOnce(&mut ClientRecord) -> Result<T, crate::domain::RecordError>,
) -> Result<(T, ClientRecord)> {
    Ok(store.update(&find(store, query)?, now, what, f)?)
}
