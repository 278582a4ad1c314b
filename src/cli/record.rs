//! The record as a whole: verify, backups and restore, export, retention, doctor.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::args::*;
use super::commands::*;
use crate::domain::time::format_datetime;
use crate::sanitize::json_inert;
use crate::store::Store;

/// What `rapport verify` was asked.
pub(super) struct Verify {
    pub client: Option<String>,
    pub restart_ledger: bool,
    pub anchor: bool,
    pub against: Option<String>,
}

/// Checks the finalised notes against the ledger.
pub(super) fn verify(asked: Verify, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let Verify { client, restart_ledger, anchor, against } = asked;
    if let Some(code) = &against
        && !crate::store::ledger::anchor::is_code(code)
    {
        bail!("{code} is not a code `rapport verify --anchor` prints (12 letters and digits, as XXXX-XXXX-XXXX)");
    }
    if restart_ledger {
        store.restart_ledger(now)?;
        writeln!(out, "Started the ledger again from the finalised notes as they are now (said in the audit log).")?;
    }
    let id = client.map(|q| find(store, &q)).transpose()?;
    let v = store.verify_against(id.as_ref().map(|x| x.as_str()), now, against.as_deref())?;
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
    if !v.ledger_forged.is_empty() {
        let shown: Vec<String> = v.ledger_forged.iter().take(10).map(u64::to_string).collect();
        writeln!(
            out,
            "the ledger holds {} not made with this practice's key (forged, or from another practice): entry {}",
            if v.ledger_forged.len() == 1 {
                "1 entry".to_string()
            } else {
                format!("{} entries", v.ledger_forged.len())
            },
            shown.join(", ")
        )?;
    }
    if let Some((snapshot, n)) = &v.shorter_than_snapshot {
        writeln!(
            out,
            "the ledger holds {} entries, fewer than the {n} it held when snapshot {snapshot} was taken: it was cut \
             short, or an older copy was put back",
            v.entries
        )?;
    }
    for damage in &v.damaged_snapshots {
        writeln!(out, "{damage}")?;
    }
    if let Some(None) = v.against {
        writeln!(
            out,
            "the ledger no longer extends the head of code {}: entries it held then were removed or changed (or \
             a client was erased since, which rewrites it)",
            against.as_deref().unwrap_or_default()
        )?;
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
        if !v.ledger_broken.is_empty() || v.ledger_missing || !v.ledger_forged.is_empty() {
            parts.push("the ledger was tampered with".into());
        }
        if v.shorter_than_snapshot.is_some() {
            parts.push("the ledger is shorter than a snapshot's".into());
        }
        let damaged = plural(v.damaged_snapshots.len(), "snapshot");
        if parts.is_empty() {
            bail!("{damaged} damaged, as said above; the notes themselves are as they were finalised");
        }
        if !v.damaged_snapshots.is_empty() {
            parts.push(format!("{damaged} damaged"));
        }
        bail!("{}; restore from a backup (`rapport backup list`)", parts.join("; "));
    }
    if let Some(None) = v.against {
        bail!(
            "the ledger was cut short or rewritten since the anchor code was taken; restore from a backup (`rapport backup list`)"
        );
    }
    writeln!(
        out,
        "All {} of {} are as they were finalised.",
        plural(v.sealed, "finalised note"),
        plural(v.clients, "client")
    )?;
    if v.unauthenticated > 0 {
        writeln!(
            out,
            "{} of the ledger {} written before Rapport authenticated entries with the practice's key; the next \
             change here authenticates them as they stand.",
            if v.unauthenticated == 1 { "1 entry".to_string() } else { format!("{} entries", v.unauthenticated) },
            if v.unauthenticated == 1 { "was" } else { "were" }
        )?;
    }
    if let (Some(Some(n)), Some(code)) = (v.against, &against) {
        writeln!(out, "The ledger extends the head of code {} (entry {n} of {}).", code.to_uppercase(), v.entries)?;
    }
    if anchor {
        match &v.head {
            Some((code, n)) => writeln!(
                out,
                "The ledger's head: {code} (entry {n}). Keep this code somewhere else (a notebook, your phone): \
                 `rapport verify --against {code}` later fails if the ledger no longer extends this head."
            )?,
            None => writeln!(out, "The ledger is empty: no head to anchor yet.")?,
        }
    }
    Ok(())
}

/// What `rapport export` was asked.
pub(super) struct Exporting {
    pub client: String,
    pub format: ExportFormat,
    pub file: Option<std::path::PathBuf>,
    pub plain: bool,
    pub note_format: Option<crate::domain::note_format::NoteFormat>,
    pub include_process_notes: bool,
    pub yes: bool,
}

/// A client's whole record, as Markdown or JSON.
pub(super) fn export(
    asked: Exporting,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    let Exporting { client, format, file, plain, note_format, include_process_notes, yes } = asked;
    let r = load(store, &client)?;
    let process = if include_process_notes {
        let question = format!(
            "{} Include them in this export? Type yes to include them: ",
            crate::domain::process::EXPORT_QUESTION
        );
        if !yes && !super::commands::confirm(prompt, &question)? {
            anyhow::bail!(
                "nothing was exported: the process notes were not agreed to. {} Give --yes to include them, or \
                 leave out --include-process-notes",
                crate::domain::process::EXPORT_QUESTION
            );
        }
        Some(store.process_notes(&r.client.id)?)
    } else {
        None
    };
    let text = match format {
        ExportFormat::Markdown => {
            crate::domain::export::to_markdown(
                &r,
                now,
                store.settings().policy(),
                note_format.unwrap_or(store.settings().note_format),
            ) + &process.as_ref().map(crate::domain::process::to_markdown).unwrap_or_default()
        }
        ExportFormat::Json => match store.newer_file_as_json(&r.client.id)? {
            // A newer Rapport's file: all of it, not just what this build knows.
            Some(whole) => json_inert(serde_json::to_string_pretty(&whole)?) + "\n",
            None => {
                let mut words = crate::domain::export::to_json(&r, now, store.settings().policy());
                if let (Some(p), Some(obj)) = (&process, words.as_object_mut()) {
                    obj.insert("process_notes".into(), serde_json::to_value(&p.notes)?);
                }
                json_inert(serde_json::to_string_pretty(&words)?) + "\n"
            }
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
    let what = match (format == ExportFormat::Json, process.is_some()) {
        (true, false) => "json",
        (false, false) => "markdown",
        (true, true) => "json, with process notes",
        (false, true) => "markdown, with process notes",
    };
    store.audit(now, "export", r.client.id.as_str(), what);
    Ok(())
}

/// Archived clients past the retention period.
pub(super) fn retention(years: u32, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
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
    let id_width = column(due.iter().map(|(_, id, _)| id.as_str()), usize::MAX);
    let name_width = column(due.iter().map(|(_, _, name)| name.as_str()), NAME_COLUMN);
    for (last, id, name) in &due {
        writeln!(out, "{}  {}  last contact {last}", fit(id.as_str(), id_width), fit(name, name_width))?;
    }
    if due.is_empty() {
        writeln!(out, "No archived client's last contact is older than {}.", plural(years as usize, "year"))?;
    } else {
        writeln!(
            out,
            "{} past the {years}-year retention period. Review each; `rapport export` keeps a copy, `rapport client delete` erases.",
            plural(due.len(), "archived client")
        )?;
    }
    Ok(())
}

/// Puts the client files back as they were in a snapshot, after asking.
pub(super) fn restore(
    snapshot: String,
    client: Option<String>,
    yes: bool,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    use crate::practice::{Answers, Outcome, restore};
    let answers = if yes { Answers::all() } else { Answers::none() };
    let only = client.as_deref().map(|c| super::commands::find(store, c)).transpose()?;
    let only = only.as_ref();
    // The bar shows only once the restore is under way, after any question.
    let restored =
        match restore::restore(store, &snapshot, only, &answers, now, &mut super::bar::Bar::new("Restoring"))? {
            Outcome::Done(r) => r,
            Outcome::Asks(questions) => {
                for q in &questions {
                    if !confirm(prompt, &format!("{} Type yes: ", q.text))? {
                        bail!("not restored: nothing was changed (to restore from a script, give --yes)");
                    }
                }
                let answers = answers.and(questions.iter().map(|q| q.ask));
                match restore::restore(store, &snapshot, only, &answers, now, &mut super::bar::Bar::new("Restoring"))? {
                    Outcome::Done(r) => r,
                    Outcome::Asks(_) => bail!("not restored: nothing was changed"),
                }
            }
        };
    match only {
        Some(id) => writeln!(
            out,
            "Restored {}'s record from {snapshot}; no other client changed. The state before it is kept as snapshot \
             {}.",
            store.load(id).map_or_else(|_| id.to_string(), |r| r.display_name()),
            restored.kept
        )?,
        None => writeln!(out, "Restored {snapshot}. The state before it is kept as snapshot {}.", restored.kept)?,
    }
    Ok(())
}

/// Snapshots: take one, list them, prune them.
pub(super) fn backup(
    command: Option<BackupCommand>,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        None => {
            let s = store.backup(now)?;
            writeln!(out, "Snapshot {} taken ({}).", s.name, plural(s.clients, "client"))?;
            Ok(())
        }
        Some(BackupCommand::List) => {
            let snaps = store.snapshots();
            for s in &snaps {
                writeln!(out, "{}  {}", s.name, plural(s.clients, "client"))?;
            }
            empty_note(out, snaps.is_empty(), "No snapshots yet. `rapport backup` takes one.")
        }
        Some(BackupCommand::Prune { keep, erase: Some(id) }) => {
            let n = store.erase_from_backups(&crate::domain::ClientId::new(id.clone()), now)?;
            writeln!(out, "Took client {id}'s record out of {}.", plural(n, "snapshot"))?;
            let _ = keep;
            Ok(())
        }
        Some(BackupCommand::Prune { keep, erase: None }) => {
            let removed = store.prune_backups(keep as usize, now)?;
            writeln!(out, "Removed {}; {} kept.", plural(removed.len(), "snapshot"), store.snapshots().len())?;
            Ok(())
        }
    }
}

/// Prints what needs attention in the data folder; fails if anything does.
pub(super) fn doctor(reindex: bool, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "Data folder {}", store.root().display())?;
    if reindex {
        let n = store.rebuild_index(&mut super::bar::Bar::new("Rebuilding the index"))?.len();
        writeln!(out, "  ok: the index was rebuilt from {}", plural(n, "client file"))?;
    }
    let mut findings = crate::sync::doctor(store, now);
    findings.extend(store.doctor(now)?);
    // What `verify` finds needs attention too: the folder is not well while
    // a finalised note is not as it was finalised.
    // (When it cannot run, what stops it, a lock that is not a file, say, is
    // among the findings already.)
    let (notes, entries) = match store.verify(None, now) {
        Ok(v) => (
            v.findings.len() + v.missing.iter().map(|(_, n)| n).sum::<usize>(),
            v.ledger_broken.len() + v.ledger_forged.len() + usize::from(v.ledger_missing),
        ),
        Err(_) => (0, 0),
    };
    if notes + entries > 0 {
        let what = match (notes, entries) {
            (1, 0) => "1 finalised note is not as it was finalised".to_string(),
            (n, 0) => format!("{n} finalised notes are not as they were finalised"),
            (0, _) => "the ledger of finalised notes was changed or removed".to_string(),
            (n, _) => format!("{} and the ledger are not as they were", plural(n, "finalised note")),
        };
        findings.push(crate::store::doctor::Finding {
            attention: true,
            text: format!("{what}: `rapport verify` names each, and what to do"),
        });
    }
    for f in &findings {
        writeln!(out, "  {} {}", if f.attention { "NEEDS ATTENTION:" } else { "ok:" }, f.text)?;
    }
    let attention = findings.iter().filter(|f| f.attention).count();
    if attention > 0 {
        let what = if attention == 1 { "1 thing needs".to_string() } else { format!("{attention} things need") };
        bail!("{what} your attention in the data folder; see above");
    }
    // Not a fault of the folder, but the therapist's to settle.
    let conflicts: usize = store.index()?.iter().filter_map(|e| e.summary.as_ref()).map(|s| s.conflicts).sum();
    if conflicts > 0 {
        writeln!(
            out,
            "  to settle: {} from two devices (`rapport sync status` lists them; `c` in the app's review)",
            plural(conflicts, "conflict")
        )?;
        writeln!(out, "Nothing else needs your attention.")?;
    } else {
        writeln!(out, "Nothing needs your attention.")?;
    }
    Ok(())
}

/// `rapport merge FILE`: a sync tool's conflict copy folded into the record.
pub(super) fn merge(file: &std::path::Path, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    use crate::domain::plural;
    let f = store.fold_copy(file, now)?;
    let what = if f.added == 0 {
        "it held nothing the record lacked".to_string()
    } else {
        format!("{} only in the copy {} kept", plural(f.added, "item"), if f.added == 1 { "is" } else { "are" })
    };
    let base = match &f.base {
        Some(name) => format!(" (against the snapshot {name})"),
        None => String::new(),
    };
    writeln!(out, "Merged {} into {}'s record{base}: {what}.", file.display(), f.name)?;
    if f.conflicts > 0 {
        writeln!(
            out,
            "{} between the two copies to settle: the review shows {}; `rapport sync resolve {} N` settles one.",
            plural(f.conflicts, "conflict"),
            if f.conflicts == 1 { "it" } else { "them" },
            f.client
        )?;
    }
    match f.removed {
        Some(path) => writeln!(out, "Removed the copy {}.", path.display())?,
        None => writeln!(out, "The copy is outside the data folder, so it was left where it is.")?,
    }
    Ok(())
}
