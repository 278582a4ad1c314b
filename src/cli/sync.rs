//! `rapport sync …`: two devices, one practice (see `crate::sync`).

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::args::SyncCommand;
use crate::domain::plural;
use crate::store::Store;

/// `rapport sync`, `sync init` and `sync status`. (`clone` and the merge
/// driver run before a store is opened: see [`clone`] and [`merge_driver`].)
pub fn sync(command: Option<SyncCommand>, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match command {
        None => {
            let s = crate::sync::sync(store, now)?;
            writeln!(out, "Synced with {}: {}.", s.url, s.counts())?;
            for warning in s.warnings() {
                writeln!(out, "{warning}")?;
            }
        }
        Some(SyncCommand::Init { remote }) => {
            let said =
                crate::sync::init(store, &remote, now, &mut super::bar::Bar::new("Giving clients ids without names"))?;
            writeln!(out, "{said}")?;
        }
        Some(SyncCommand::Status) => status(store, now, out)?,
        Some(SyncCommand::Resolve { client, number, other }) => {
            let index = number.checked_sub(1).ok_or_else(|| anyhow::anyhow!("conflicts are numbered from 1"))?;
            let (c, r) = super::commands::change(store, now, "sync conflict settled", &client, |r| {
                r.settle_conflict(index, other)
            })?;
            writeln!(out, "Settled for {}: {}.", r.client.name, c.settled(other))?;
        }
        Some(SyncCommand::KeepThis { client }) => {
            // A client by name or id; or, for one this device has no
            // readable record of, the name of their file the sync gave.
            let (stem, name) = match super::commands::find(store, &client) {
                Ok(id) => (store.stem(id.as_str()), Some(store.load(&id)?.display_name())),
                Err(e) => {
                    let file = client.trim().trim_start_matches("clients/");
                    let bare = file.trim_end_matches(".json").trim_end_matches(".age");
                    if !crate::sync::held_back(store)?.iter().any(|s| s == bare) {
                        return Err(e);
                    }
                    (bare.to_string(), None)
                }
            };
            let who = name.map_or_else(|| format!("clients/{stem}"), |n| crate::sanitize::visible(&n).into_owned());
            let versions = match crate::sync::keep_this(store, &stem, now) {
                Err(e) if e.to_string().starts_with("nothing is held back") => {
                    bail!("nothing is held back for {who}; `rapport sync status` lists the clients that are")
                }
                other => other?,
            };
            writeln!(
                out,
                "This device's version of {who} is kept; {} from other devices, held back, {} let go (it stays in \
                 the sync history). `rapport sync` sends this.",
                plural(versions, "version"),
                if versions == 1 { "is" } else { "are" }
            )?;
        }
        Some(SyncCommand::Clone { .. } | SyncCommand::MergeDriver { .. } | SyncCommand::AcceptKey) => {
            bail!("this command is run by the rapport binary itself")
        }
    }
    Ok(())
}

/// A changed file as the therapist knows it: a client's file by their name
/// (and id), anything else by its path.
fn shown_file(store: &Store, path: &str) -> String {
    let stem = path.strip_prefix("clients/").and_then(|p| p.strip_suffix(".json").or_else(|| p.strip_suffix(".age")));
    match stem.and_then(|stem| store.load_named(stem).record.ok()) {
        Some(r) => format!("{} ({})", r.display_name(), r.client.id),
        None => path.to_string(),
    }
}

/// "just now", "3 min ago", "2 h ago", or the day.
fn since(then: NaiveDateTime, now: NaiveDateTime) -> String {
    crate::domain::time::ago_within_a_day(then, now).unwrap_or_else(|| crate::domain::time::format_datetime(then))
}

fn status(store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let st = crate::sync::status(store, now)?;
    if !st.set_up {
        writeln!(
            out,
            "Not synced: this practice is on this device only. `rapport sync init REMOTE` sends it to an empty remote."
        )?;
    } else {
        match st.last_sync {
            Some(t) => writeln!(
                out,
                "Synced with {}; last sync {} ({}).",
                st.remote,
                crate::domain::time::format_datetime(t),
                since(t, now)
            )?,
            None => writeln!(out, "Set up for syncing with {}; not synced yet.", st.remote)?,
        }
        if let Some(at) = crate::sync::last_failed(store.root()) {
            writeln!(
                out,
                "The last try, at {}, did not go through: everything is saved here, and `rapport sync` says why.",
                crate::domain::time::format_datetime(at)
            )?;
        }
        if st.to_sync() == 0 {
            writeln!(out, "Everything here is on the remote.")?;
        } else {
            let mut parts = Vec::new();
            if !st.changed_files.is_empty() {
                let shown: Vec<String> = st.changed_files.iter().map(|f| shown_file(store, f)).collect();
                parts.push(format!("{} ({})", plural(st.changed_files.len(), "change"), shown.join(", ")));
            }
            if st.ahead > 0 {
                parts.push(format!("{} not yet on the remote", plural(st.ahead, "commit")));
            }
            writeln!(out, "Not yet synced: {}. `rapport sync` sends it all.", parts.join("; "))?;
        }
        if st.behind > 0 {
            writeln!(out, "The remote had {} not yet here at the last sync.", plural(st.behind, "commit"))?;
        }
    }
    for held in &st.held {
        writeln!(out, "{}", held.describe())?;
    }
    if st.conflicts.is_empty() {
        writeln!(out, "No conflicts to settle.")?;
    } else {
        writeln!(
            out,
            "{} to settle (`rapport sync resolve CLIENT N` keeps the value in place, with --other the other \
             device's):",
            plural(st.conflicts.len(), "conflict")
        )?;
        for (name, n, what) in &st.conflicts {
            writeln!(out, "  {name} {n}: {what}")?;
        }
    }
    Ok(())
}

/// `rapport sync clone REMOTE`, into `dir`. An encrypted practice's
/// passphrase is asked (or read from RAPPORT_PASSPHRASE) to check what comes.
pub fn clone(dir: &Path, remote: &str, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let ask = || {
        super::crypt::ask_secret(
            "RAPPORT_PASSPHRASE",
            "The practice on the remote is encrypted. Its passphrase (as on the other device): ",
        )
    };
    let c = crate::sync::clone(dir, remote, now, &ask, &mut super::bar::Bar::new("Checking what came"))?;
    writeln!(
        out,
        "Brought {} and {} to {}. `rapport sync` keeps it in step with the other devices.",
        plural(c.clients, "client"),
        plural(c.notes, "note"),
        dir.display()
    )?;
    if c.encrypted {
        writeln!(
            out,
            "The practice is encrypted: commands and the app ask for its passphrase, or `rapport unlock` keeps it \
             unlocked for a while."
        )?;
    }
    Ok(())
}

/// `rapport sync accept-key`: the key file kept aside from the remote is
/// put in place when the passphrase given (RAPPORT_PASSPHRASE, or asked)
/// opens it and it holds this practice's key. No store is opened: the
/// passphrase in place may be the old one.
pub fn accept_key(dir: &Path, out: &mut dyn Write) -> Result<()> {
    if !crate::sync::key::pending(dir) {
        bail!("no key file from the remote is waiting here; nothing was changed");
    }
    let passphrase = super::crypt::ask_secret(
        "RAPPORT_PASSPHRASE",
        "The passphrase set on the other device (the key file from the remote opens with it): ",
    )?;
    crate::sync::key::accept(dir, &passphrase)?;
    writeln!(
        out,
        "The key file from the remote holds this practice's key and is in place: from now on this practice opens \
         with the passphrase set on the other device."
    )?;
    Ok(())
}

/// `rapport sync merge-driver BASE OURS THEIRS PATH`, run by git. (`rapport
/// sync` merges an encrypted practice itself; git runs this on one only
/// when someone merges in the folder by hand: the key `rapport unlock`
/// holds, or RAPPORT_PASSPHRASE, opens it.)
pub fn merge_driver(dir: &Path, command: &SyncCommand, now: NaiveDateTime) -> Result<()> {
    let SyncCommand::MergeDriver { base, ours, theirs, path } = command else { bail!("not the merge driver") };
    let keys = if crate::store::crypt::is_encrypted(dir) { Some(held_keys(dir)?) } else { None };
    let codec = crate::sync::Codec::new(keys.as_ref());
    crate::sync::driver::merge_driver(dir, codec, [base.as_path(), ours.as_path(), theirs.as_path()], path, now)
}

/// The keys of the encrypted folder `dir`, without asking: held by `rapport
/// unlock`, or from RAPPORT_PASSPHRASE.
fn held_keys(dir: &Path) -> Result<crate::store::crypt::Keys> {
    use crate::store::held::{self, Found, SystemKeyring};
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Found::Keys(keys) = held::take(&SystemKeyring, dir, secs) {
        return Ok(keys);
    }
    match std::env::var("RAPPORT_PASSPHRASE") {
        Ok(p) => crate::store::crypt::Keys::unlock(dir, &p),
        Err(_) => bail!("this practice is encrypted and not unlocked: run `rapport unlock` first"),
    }
}
