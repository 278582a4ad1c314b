//! What a sync did, as the therapist is told it: notes in and out, and
//! what a merge did that must never pass in silence (a finalised note
//! changed outside Rapport, a note kept that one device no longer had, a
//! client erased on one device).

use anyhow::Result;

use super::codec::Codec;
use super::git::Git;
use super::tracked::{self, Part};
use crate::domain::merge::SEAL;
use crate::domain::{ClientRecord, Conflict, ConflictKind, plural};
use crate::store::Store;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// The remote's address, as this device's settings name it.
    pub url: String,
    /// Notes that came from the remote.
    pub notes_in: usize,
    /// Notes sent to the remote.
    pub notes_out: usize,
    /// Client records that came in and went out changed, new notes or not.
    pub records_in: usize,
    pub records_out: usize,
    /// Conflicts the merge met, and of those, finalised notes changed.
    pub conflicts: usize,
    pub finalised_changed: usize,
    /// Of those, finalised notes whose words were changed outside Rapport
    /// (they no longer match their seal): the sealed version is in place.
    pub changed_outside: usize,
    /// Notes one device's version no longer had, kept.
    pub notes_kept: usize,
    /// Other items one device's version no longer had (tasks, goals,
    /// watch-for items, appointments, a final note's scores), kept.
    pub items_kept: usize,
    /// Clients erased on the other device, and so here (unchanged here).
    pub erased_there: usize,
    /// Clients erased on the other device while this one changed them:
    /// kept, as (name, id).
    pub kept_here: Vec<(String, String)>,
    /// Clients erased on this device that the other changed meanwhile:
    /// back, as (name, id).
    pub back_here: Vec<(String, String)>,
    /// Clients whose file was missing here though no erasure removed it
    /// (by hand, by another program): brought back, as (name, id).
    pub brought_back: Vec<(String, String)>,
    /// Clients whose file the other device's version lacked though no
    /// erasure removed it: kept here, and sent back, as (name, id).
    pub missing_there: Vec<(String, String)>,
    /// Clients whose file here was an older copy of itself (put back by a
    /// backup or by hand): the last sync's version was kept, by name.
    pub older_put_back: Vec<String>,
    /// Entries of the ledger and the audit log missing here (an older copy
    /// put back) that the last sync held: put back.
    pub entries_back_here: usize,
    /// Entries of the ledger and the audit log this device has that the
    /// other's version lacked: kept, and sent back.
    pub entries_kept_there: usize,
    /// A key file from the remote other than this device's waits, kept
    /// aside, to be accepted (`rapport sync accept-key`).
    pub key_kept_aside: bool,
    /// Clients held back: their versions could not be merged here.
    pub held: Vec<super::held::Held>,
}

impl Synced {
    /// Adds the `conflicts` that keep what was changed outside Rapport on
    /// this device, once the sealed versions were put back in place (see
    /// `guard.rs`).
    pub fn put_back(&mut self, conflicts: &[Conflict]) {
        let finalised = conflicts.iter().filter(|c| c.kind == ConflictKind::Finalised).count();
        self.conflicts += conflicts.len();
        self.finalised_changed += finalised;
        self.changed_outside += finalised;
        self.notes_kept += conflicts.iter().filter(|c| c.kind == ConflictKind::Removed).count();
    }

    /// "2 notes in, 1 note out", or "no new notes either way"; and the
    /// clients whose records changed otherwise (a task, a detail, an
    /// appointment), so a change never goes unsaid.
    pub fn counts(&self) -> String {
        let notes = if self.notes_in == 0 && self.notes_out == 0 {
            "no new notes either way".to_string()
        } else {
            format!("{} in, {} out", plural(self.notes_in, "note"), plural(self.notes_out, "note"))
        };
        let mut said = notes;
        if self.records_in > 0 {
            said += &format!("; other changes to {} came in", plural(self.records_in, "client"));
        }
        if self.records_out > 0 {
            said += &format!("; other changes to {} went out", plural(self.records_out, "client"));
        }
        said
    }

    /// What the therapist must know besides the counts: finalised notes
    /// changed, notes kept, clients erased, conflicts to settle.
    pub fn warnings(&self) -> Vec<String> {
        let mut said = Vec::new();
        if self.changed_outside > 0 {
            let which = if self.changed_outside == 1 {
                "A finalised note was".to_string()
            } else {
                format!("{} finalised notes were", self.changed_outside)
            };
            said.push(format!(
                "{which} changed outside Rapport (the words no longer match the seal): the finalised version stays \
                 in place on every device, and the changed words are kept beside it; `rapport verify` checks the \
                 seals."
            ));
        }
        let changed = self.finalised_changed.saturating_sub(self.changed_outside);
        if changed > 0 {
            let which = if changed == 1 {
                "A finalised note was".to_string()
            } else {
                format!("{changed} finalised notes were")
            };
            said.push(format!(
                "{which} changed on one device after it was finalised: both versions are kept; `rapport verify` \
                 checks the seals."
            ));
        }
        if self.notes_kept > 0 {
            said.push(format!(
                "{} missing from one device's version {} kept: a note leaves the record only when the whole client \
                 is erased.",
                plural(self.notes_kept, "note"),
                if self.notes_kept == 1 { "was" } else { "were" }
            ));
        }
        if self.items_kept > 0 {
            said.push(format!(
                "{} missing from one device's version {} kept (tasks, goals, watch-for items, appointments and a \
                 final note's scores are closed, dropped, resolved or cancelled, never taken out): `rapport sync \
                 status` names {}.",
                plural(self.items_kept, "item"),
                if self.items_kept == 1 { "was" } else { "were" },
                if self.items_kept == 1 { "it" } else { "them" }
            ));
        }
        if self.erased_there > 0 {
            said.push(format!(
                "{} erased on the other device, and so here (`rapport client delete` there).",
                plural(self.erased_there, "client")
            ));
        }
        for name in &self.older_put_back {
            said.push(format!(
                "{}'s file here was an older copy of itself (put back by a backup or by hand): the version of the \
                 last sync was kept, so nothing written since is taken away on your other devices. To go back to \
                 an older version, use `rapport restore`.",
                crate::sanitize::visible(name)
            ));
        }
        for (name, _) in &self.brought_back {
            said.push(format!(
                "{}'s file was missing from this device (removed outside Rapport, not erased): it was brought back \
                 from the last sync. A client leaves the record only with `rapport client delete`.",
                crate::sanitize::visible(name)
            ));
        }
        for (name, _) in &self.missing_there {
            said.push(format!(
                "{}'s file was missing from the other device's version (removed outside Rapport, not erased): it \
                 was kept, and goes back there. A client leaves the record only with `rapport client delete`.",
                crate::sanitize::visible(name)
            ));
        }
        if self.entries_back_here > 0 {
            said.push(format!(
                "{} of the ledger and the audit log {} missing on this device (an older copy put back?): {} put \
                 back from the last sync. The ledger only ever grows.",
                entries(self.entries_back_here),
                if self.entries_back_here == 1 { "was" } else { "were" },
                if self.entries_back_here == 1 { "it was" } else { "they were" }
            ));
        }
        if self.entries_kept_there > 0 {
            said.push(format!(
                "The other device's ledger or audit log lacked {} this device has (an older copy put back there, or \
                 a remote cut short): {} kept, and sent back. The ledger only ever grows.",
                entries(self.entries_kept_there),
                if self.entries_kept_there == 1 { "it was" } else { "they were" }
            ));
        }
        let again =
            |id: &str| format!("To erase the record after all: `rapport client delete {id}`, then `rapport sync`.");
        for (name, id) in &self.kept_here {
            said.push(format!(
                "{} was erased on the other device while this one changed the record: it is kept, with everything \
                 written, on both devices. {}",
                crate::sanitize::visible(name),
                again(id)
            ));
        }
        for (name, id) in &self.back_here {
            said.push(format!(
                "{}, erased on this device, was changed on the other before it heard of the erasure: the record is \
                 back, with everything written, on both devices. {}",
                crate::sanitize::visible(name),
                again(id)
            ));
        }
        if self.key_kept_aside {
            said.push(super::key::KEPT_ASIDE.to_string());
        }
        said.extend(self.held.iter().map(super::held::Held::describe));
        if self.conflicts > 0 {
            said.push(format!(
                "{} from the two devices to settle: `rapport sync status` lists them, and the review shows each.",
                plural(self.conflicts, "conflict")
            ));
        }
        said
    }

    /// Adds what the merge of `theirs` into `head`, written as `target`,
    /// did to whole clients and notes, and removes what this device keeps
    /// beside the file of a client whose erasure came from the other device
    /// (their draft, index entry and search text, exports). Call once the
    /// folder holds `target`.
    pub fn merged(
        &mut self,
        store: &Store,
        git: &Git,
        codec: Codec,
        head: &str,
        theirs: &str,
        target: &str,
    ) -> Result<()> {
        let record = |rev: &str, path: &str, stem: &str| -> Result<Option<ClientRecord>> {
            Ok(git.blob(rev, path)?.and_then(|bytes| codec.record(path, stem, &bytes).ok()))
        };
        for c in tracked::changes(git, head, target)? {
            let Some(Part::Client(stem)) = codec.part(&c.path) else { continue };
            let before = record(head, &c.path, &stem)?;
            if c.object.is_none() {
                self.erased_there += 1;
                if let Some(r) = before {
                    store.erase_traces(&r.client.id)?;
                }
                continue;
            }
            let Some(after) = record(target, &c.path, &stem)? else { continue };
            if before.is_none() && was_here(git, head, &c.path)? {
                let who = (after.client.name.clone(), after.client.id.to_string());
                if super::missing::erased_at(git, codec, head, after.client.id.as_str())? {
                    self.back_here.push(who);
                } else {
                    self.brought_back.push(who);
                }
            }
            let new = after.conflicts.iter().filter(|n| !before.as_ref().is_some_and(|b| b.conflicts.contains(n)));
            for n in new {
                match n.kind {
                    ConflictKind::Finalised if n.field == SEAL => self.changed_outside += 1,
                    ConflictKind::Removed if n.part == crate::domain::RecordPart::Sessions => self.notes_kept += 1,
                    ConflictKind::Removed => self.items_kept += 1,
                    _ => {}
                }
            }
        }
        // Kept here although the other device erased it: there when the
        // two devices parted, gone there, still here.
        let base = git.run(&["merge-base", head, theirs])?;
        self.entries_kept_there += entries_lacked(git, codec, &base, theirs)?;
        for c in tracked::changes(git, head, theirs)?.into_iter().filter(|c| c.object.is_none()) {
            let Some(Part::Client(stem)) = codec.part(&c.path) else { continue };
            if git.blob(&base, &c.path)?.is_none() {
                continue;
            }
            if let Some(r) = record(target, &c.path, &stem)? {
                let who = (r.client.name, r.client.id.to_string());
                if super::missing::erased_at(git, codec, theirs, &who.1)? {
                    self.kept_here.push(who);
                } else {
                    self.missing_there.push(who);
                }
            }
        }
        Ok(())
    }
}

/// The file at `path`, missing at `head`, was there in an earlier commit
/// of this device's history: it was erased here.
fn was_here(git: &Git, head: &str, path: &str) -> Result<bool> {
    let spec = format!(":(literal){path}");
    Ok(!git.run(&["rev-list", "-1", head, "--", &spec])?.is_empty())
}

fn entries(n: usize) -> String {
    if n == 1 { "1 entry".into() } else { format!("{n} entries") }
}

/// How many entries of the ledger and the audit log at `base` (where the
/// two devices parted) the version `theirs` lacks, but for a client
/// `theirs` erased.
fn entries_lacked(git: &Git, codec: Codec, base: &str, theirs: &str) -> Result<usize> {
    use crate::store::{audit, ledger};
    let ledger_there = git.blob(theirs, ledger::LEDGER_FILE)?.unwrap_or_default();
    let mut n = 0;
    for path in [ledger::LEDGER_FILE, "audit.log"] {
        let (Some(mine), Some(there)) = (git.blob(base, path)?, git.blob(theirs, path)?) else { continue };
        let lost = if path == ledger::LEDGER_FILE {
            ledger::entries_lost(&mine, &there, codec.keys())
        } else {
            audit::entries_lost(&mine, &there, codec.keys())
        };
        n += lost.iter().filter(|c| c.is_empty() || !ledger::erased_in(&ledger_there, codec.keys(), c)).count();
    }
    Ok(n)
}
