//! Encrypting or decrypting a synced practice: its git history, here and on
//! the remote, is a copy of every note. `rapport encrypt --new-history`
//! replaces it with one holding only ciphertext (see
//! [`crate::sync::history`]); `decrypt` on a synced folder asks first,
//! since every note would travel in plain text from then on.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;

use super::Prompt;
use super::crypt::{ask_secret, convert, said};
use crate::store::conversion;
use crate::store::crypt::{self, Keys};
use crate::sync::git::Git;
use crate::sync::history::{self, Pushed};

/// What the therapist types to replace the history.
const NEW_HISTORY: &str = "new history";
/// What the therapist types to decrypt a synced practice.
const PLAIN: &str = "plain text";

fn remote(dir: &Path) -> String {
    Git::new(dir).config("remote.origin.url").ok().flatten().unwrap_or_else(|| "the remote".into())
}

fn typed(prompt: &mut dyn Prompt, question: &str, phrase: &str) -> Result<bool> {
    Ok(prompt.ask(&format!("{question} Type '{phrase}' to go on: "))?.trim().eq_ignore_ascii_case(phrase))
}

/// Why `encrypt` alone refuses a folder that is a git working tree.
pub(super) fn why_not_plain_encrypt(dir: &Path) -> String {
    if !crate::sync::is_set_up(dir) {
        return format!(
            "this data folder is a git repository ({}), and its history holds the notes in plain text; \
             encrypting the files would not take that back, so nothing was changed. Move the repository away \
             (and delete it and its copies), then run `rapport encrypt` again",
            dir.join(".git").display()
        );
    }
    format!(
        "this data folder is synced (`rapport sync`), so every note is also in its git history in plain text: \
         here, on the remote {} and on every device that cloned it. Encrypting the files would not take that \
         back, so nothing was changed. `rapport encrypt --new-history` encrypts the folder and replaces the \
         history, here and on the remote, with one holding only ciphertext (after a sync, and with your typed \
         confirmation); the old clones and the remote's old objects must then be deleted",
        remote(dir)
    )
}

/// `rapport encrypt --new-history`: sync, confirm, encrypt, replace the
/// history here and push it over the remote's. Run again, it finishes
/// whatever an earlier run left undone.
pub(super) fn encrypt_with_new_history(dir: &Path, now: NaiveDateTime, prompt: &mut dyn Prompt) -> Result<()> {
    if !crate::sync::is_set_up(dir) {
        bail!("--new-history is for a synced data folder, and this one is not: `rapport encrypt` encrypts it");
    }
    let interrupted = conversion::interrupted(dir);
    let url = remote(dir);
    let mut passphrase = None;
    if history::unfinished(dir).is_none() {
        if let Some(refusal) = conversion::refusal(dir) {
            bail!(refusal);
        }
        // First every other device's notes, so none is left in the old history only.
        let store = if crypt::is_encrypted(dir) {
            let p = passphrase.insert(ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?);
            crate::store::Store::unlock(dir, p)?
        } else {
            crate::store::Store::open(dir)?
        };
        crate::sync::sync(&store, now).map_err(|e| {
            anyhow!("the practice is synced first, so no other device's notes are left behind, and that failed: {e:#}")
        })?;
        eprintln!(
            "Every note is in this folder's git history in plain text, and on the remote {url}. This encrypts the \
             folder, then replaces that history with one commit holding only ciphertext, here and on the remote \
             (a forced push). Sync your other devices before going on: what they hold that is not on the remote \
             now stays there only, and their folders must then be deleted and cloned again."
        );
        if !typed(prompt, "Replace the history?", NEW_HISTORY)? {
            bail!("nothing was encrypted and the history is as it was: the phrase did not match");
        }
        history::begin(dir)?;
    }
    let needs_converting = !crypt::is_encrypted(dir) || interrupted.is_some() || conversion::plain_leftovers(dir);
    let (done, passphrase) = match passphrase {
        _ if needs_converting => {
            let (done, p) = convert(dir, now)?;
            (Some(done), p)
        }
        Some(p) => (None, p),
        None => (None, ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?),
    };
    let keys = Keys::unlock(dir, &passphrase)?;
    history::replace(dir, &keys, now)?;
    let mut anyway = || {
        typed(
            prompt,
            &format!(
                "The remote {url} holds changes another device sent after this device last synced. Replacing its \
                 history drops them there (that device still has them in its folder)."
            ),
            NEW_HISTORY,
        )
    };
    let pushed = history::push(dir, now, &mut anyway)?;
    if let Some(done) = done {
        println!("{}", said(&done, interrupted));
    }
    if pushed == Pushed::Kept {
        bail!(
            "the remote was left as it was, and this folder's new history was not sent; run `rapport encrypt \
             --new-history` again to send it (nothing is synced until then)"
        );
    }
    println!(
        "This folder's history and the remote's branch now hold only ciphertext. The old history, every note in \
         plain text, is still in two places until you delete it:\n\
         - the remote's storage: on a bare repository of your own (a NAS, a USB stick), run `git -C REMOTE reflog \
         expire --expire=now --all && git -C REMOTE gc --prune=now` there; a hosting service keeps old objects \
         (and forks, caches, pull requests) out of your reach, so delete the repository there, create it anew, \
         empty, and run `rapport sync` here;\n\
         - every other device's data folder (its .git holds the history): delete it, then `rapport sync clone \
         {url}` into a new one.\n\
         Keep the passphrase safe: without it the notes cannot be read."
    );
    Ok(())
}

/// Asks before a synced practice is decrypted: from then on every note
/// travels in plain text, to the remote and the other devices.
pub(super) fn confirm_plain_sync(dir: &Path, prompt: &mut dyn Prompt) -> Result<()> {
    eprintln!(
        "This practice is synced with {}. Decrypted, every note goes to the remote in plain text at the next \
         `rapport sync`, and stays in its history for good (encrypting again would need a new history); the \
         other devices stop syncing until they decrypt too. To keep a plain copy on this device only, stop \
         syncing first instead (move this folder's .git away).",
        remote(dir)
    );
    if !typed(prompt, "Decrypt, and sync in plain text?", PLAIN)? {
        bail!("not decrypted: nothing was changed (the phrase did not match)");
    }
    Ok(())
}
