//! `rapport client …`: add, list, edit, archive and erase clients.

use std::io::Write;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::args::*;
use super::commands::*;
use crate::domain::ClientProfile;
use crate::domain::time::format_day_near;
use crate::store::Store;

pub(super) fn profile(name: String, p: ProfileArgs) -> ClientProfile {
    ClientProfile {
        name,
        preferred_name: p.preferred,
        pronouns: p.pronouns,
        phone: p.phone,
        email: p.email,
        preferred_channel: p.channel,
    }
}

pub(super) fn client(
    c: ClientCommand,
    store: &Store,
    now: NaiveDateTime,
    out: &mut dyn Write,
    prompt: &mut dyn super::Prompt,
) -> Result<()> {
    match c {
        ClientCommand::Add { name, profile: p } => {
            let r = store.create_client(profile(name, p), now)?;
            writeln!(out, "Added {} (id {}).", r.display_name(), r.client.id)?;
        }
        ClientCommand::List { all } => {
            // Printed a page of rows at a time, as read: by name, as the app
            // lists them, in columns as wide as what they hold (the index
            // keeps the widths), ids whole (they are what is typed).
            let mut list = store.client_list()?;
            let t = list.totals();
            let (id_width, name_width) = if all { (t.id_all, t.name_all) } else { (t.id_current, t.name_current) };
            let name_width = name_width.min(NAME_COLUMN);
            while let Some(rows) = list.next_page()? {
                for f in rows.iter().filter(|f| all || !f.archived) {
                    list_row(out, f, id_width, name_width, now)?;
                }
            }
            empty_note(out, t.rows == 0, "No clients yet. Add one: rapport client add \"Full Name\"")?;
            if t.archived > 0 && !all {
                writeln!(out, "({} not shown; --all shows them)", plural(t.archived, "archived client"))?;
            }
            for s in store.strays_at_a_glance().into_iter().filter(|s| s.kind.needs_attention()) {
                let name = s.path.strip_prefix(store.root()).unwrap_or(&s.path).display().to_string();
                writeln!(out, "Warning: {name} {}.", s.kind.explain())?;
            }
        }
        ClientCommand::Setting { ref client, ref name } => {
            let (_, r) = change(store, now, "client setting changed", client, |r| r.set_setting(name.as_deref()))?;
            match &r.client.setting {
                Some(s) => {
                    writeln!(out, "{} is seen in: {s}. `rapport hours` counts their hours under it.", r.client.name)?
                }
                None => writeln!(out, "{} is in no setting now.", r.client.name)?,
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
            // Archived, their appointments leave the agenda: the therapist
            // is told which are still booked.
            let ahead: Vec<String> = r
                .booked()
                .filter(|a| a.start >= now)
                .map(|a| format!("{} {}", crate::domain::time::format_day(a.start.date()), a.start.format("%H:%M")))
                .collect();
            if archive && !ahead.is_empty() {
                writeln!(
                    out,
                    "Still booked: {} ({}). Archived, they no longer show in the agenda; `rapport appointment cancel` \
                     cancels each.",
                    plural(ahead.len(), "appointment"),
                    ahead.join(", ")
                )?;
            }
        }
        ClientCommand::Delete { client } => {
            let r = load(store, &client)?;
            let typed = prompt.ask(&format!(
                "This erases {}'s whole record for good. Type their full name to confirm: ",
                r.client.name
            ))?;
            // The name as shown (control characters made visible) is accepted too.
            if typed.trim() != r.client.name && typed.trim() != crate::sanitize::visible(&r.client.name) {
                bail!("the name did not match; nothing was deleted");
            }
            let mentioned = crate::practice::supervision::log_mentions(store, &r);
            let erased = store.delete_client(&r.client.id, now)?;
            writeln!(
                out,
                "Erased the record, drafts, process notes, index and search entries, ledger and audit-log entries of \
                 client {}.",
                r.client.id
            )?;
            if !erased.copies.is_empty() {
                writeln!(out, "Deleted copies a sync tool had left of the record: {}.", erased.copies.join(", "))?;
            }
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
            if !mentioned.is_empty() {
                writeln!(
                    out,
                    "Your practice log names them in {}: it is yours and is not erased with the client; change \
                     those words with `rapport supervision remove` or `rapport cpd remove` and log them again.",
                    mentioned.join(", ")
                )?;
            }
            if crate::sync::is_set_up(store.root()) {
                writeln!(
                    out,
                    "This practice is synced: `rapport sync` erases the record on the other devices too (unless one \
                     of them changed it meanwhile: then the record is kept, nothing written is lost, and the sync \
                     says so), but its earlier versions stay in the sync history, here and on the remote, until that \
                     history is rewritten (Rapport does not do that yet)."
                )?;
            }
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
                    preferred_channel: p.channel.or(old.preferred_channel),
                }
                .cleaned()?;
                r.set_profile(new);
                Ok(())
            })?;
            writeln!(out, "Updated {}.", r.display_name())?;
        }
    }
    Ok(())
}

/// One line of `rapport client list`.
fn list_row(
    out: &mut dyn Write,
    f: &crate::store::index::rows::ListRow,
    id_width: usize,
    name_width: usize,
    now: NaiveDateTime,
) -> Result<()> {
    let id = fit(f.id.as_str(), id_width);
    let Some(name) = f.display_name() else {
        writeln!(out, "{id}  UNREADABLE: {}", f.error.as_deref().unwrap_or("unknown"))?;
        return Ok(());
    };
    let last = f
        .last_session
        .map(|s| format!("last session {}", format_day_near(s.date(), now.date())))
        .unwrap_or_else(|| "no sessions yet".into());
    let open = plural(f.open_tasks, "open task");
    let ro = if f.read_only { "  (read-only: newer format)" } else { "" };
    let ro = if f.archived { "  (archived)" } else { ro };
    let flag = f.flag.as_ref().map(|f| format!("  !! {f}")).unwrap_or_default();
    writeln!(out, "{id}  {}  {last}, {open}{ro}{flag}", fit(&name, name_width))?;
    Ok(())
}
