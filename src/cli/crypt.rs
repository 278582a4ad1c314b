//! `rapport encrypt`, `decrypt` and `passphrase`: the folder-wide commands,
//! run before any store is opened (a conversion opens the folder itself).

use super::bar::Bar;
use super::commands::{confirm, plural};
use std::io::{self, IsTerminal};
use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use crate::store::conversion::{self, Converted, Direction};
use crate::store::held::Keyring;
use crate::store::{Store, crypt};

/// A secret from the environment variable `var`, else asked without echo.
pub fn ask_secret(var: &str, prompt: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    if !io::stdin().is_terminal() {
        bail!("the data folder is encrypted: set {var} or run rapport in a terminal to be asked");
    }
    Ok(rpassword::prompt_password(prompt)?)
}

/// A new passphrase from `var`, else asked twice in a terminal: one too
/// short is refused before it is typed again, and may be typed anew.
pub(super) fn new_secret(var: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    if !io::stdin().is_terminal() {
        bail!("a new passphrase is needed: set {var}, or run rapport in a terminal to type it");
    }
    for _ in 0..3 {
        let first = rpassword::prompt_password(format!(
            "New passphrase (at least {} characters): ",
            crate::store::crypt::PASSPHRASE_MIN
        ))?;
        if let Some(why) = crate::store::crypt::too_short(&first) {
            eprintln!("rapport: {why}; type another.");
            continue;
        }
        if rpassword::prompt_password("The same again: ")? != first {
            bail!("the two passphrases differ; nothing was changed");
        }
        return Ok(first);
    }
    bail!("no passphrase long enough was typed; nothing was changed")
}

/// Says which files a conversion left as they were.
fn tell_left(done: &Converted) {
    for l in &done.left {
        eprintln!("rapport: left as it was: {}", crate::sanitize::visible(l));
    }
}

/// `rapport encrypt`: encrypts the folder, or finishes an interrupted
/// encryption, or undoes an interrupted decryption. With `new_history`, a
/// synced folder's git history is replaced too (see [`super::history`]).
pub fn encrypt(dir: &Path, yes: bool, new_history: bool, now: NaiveDateTime) -> Result<()> {
    let interrupted = conversion::interrupted(dir);
    if new_history {
        return super::history::encrypt_with_new_history(dir, now, &mut super::Terminal);
    }
    if let Some(why) = crate::sync::history::unfinished(dir) {
        bail!(why);
    }
    if crypt::is_encrypted(dir) && interrupted.is_none() && !conversion::plain_leftovers(dir) {
        bail!("this data folder is already encrypted; `rapport passphrase` changes its passphrase");
    }
    if interrupted.is_none() && dir.join(".git").exists() {
        bail!(super::history::why_not_plain_encrypt(dir));
    }
    if interrupted.is_none()
        && !yes
        && !confirm(
            &mut super::Terminal,
            "Encrypt every note, draft, snapshot and export in this data folder? Without the passphrase they cannot be read, by anyone. Type yes: ",
        )?
    {
        bail!("not encrypted: nothing was changed");
    }
    let (done, _) = convert(dir, now)?;
    println!("{} Keep the passphrase safe: without it the notes cannot be read.", said(&done, interrupted));
    Ok(())
}

/// Encrypts the folder (or finishes an interrupted conversion) with its
/// passphrase, or a new one: what was done, and the passphrase.
pub(super) fn convert(dir: &Path, now: NaiveDateTime) -> Result<(Converted, String)> {
    let passphrase = if crypt::is_encrypted(dir) {
        ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?
    } else {
        new_secret("RAPPORT_PASSPHRASE")?
    };
    let done = Store::encrypt_folder(dir, &passphrase, now, &mut Bar::new("Encrypting"))?;
    tell_left(&done);
    Ok((done, passphrase))
}

/// What an encryption did, in a sentence or two.
pub(super) fn said(done: &Converted, interrupted: Option<Direction>) -> String {
    let what = match interrupted {
        Some(Direction::Decrypt) => "Undid the interrupted decryption: every file is encrypted again".to_string(),
        Some(Direction::Encrypt) => {
            format!("Finished the interrupted encryption ({})", plural(done.files, "more file"))
        }
        None if done.resumed => format!("Finished an earlier encryption ({})", plural(done.files, "more file")),
        None => format!("Encrypted {}", plural(done.files, "file")),
    };
    let kept = if done.snapshot.is_empty() {
        String::new()
    } else {
        format!(" The state before is kept, encrypted, as snapshot {}.", done.snapshot)
    };
    format!("{what}.{kept}")
}

/// `rapport decrypt`: the folder back to plain files, or finishes an
/// interrupted decryption, or undoes an interrupted encryption.
pub fn decrypt(dir: &Path, yes: bool, now: NaiveDateTime, ring: &dyn Keyring) -> Result<()> {
    let interrupted = conversion::interrupted(dir);
    if !crypt::is_encrypted(dir) && interrupted.is_none() {
        bail!("this data folder is not encrypted");
    }
    let passphrase = if crypt::is_encrypted(dir) {
        ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?
    } else {
        String::new()
    };
    if interrupted.is_none() && crate::sync::is_set_up(dir) {
        // Typed even with --yes: from here on every note travels in plain text.
        super::history::confirm_plain_sync(dir, &mut super::Terminal)?;
    } else if interrupted.is_none()
        && !yes
        && !confirm(&mut super::Terminal, "Write every note back to disk unencrypted? Type yes: ")?
    {
        bail!("not decrypted: nothing was changed");
    }
    let done = Store::decrypt_folder(dir, &passphrase, now, &mut Bar::new("Decrypting"))?;
    tell_left(&done);
    match interrupted {
        Some(Direction::Encrypt) => println!("Undid the interrupted encryption: the data folder is plain again."),
        Some(Direction::Decrypt) => {
            println!(
                "Finished the interrupted decryption ({}); the data folder is plain again.",
                plural(done.files, "more file")
            )
        }
        None => println!("Decrypted {}; the data folder is plain again.", plural(done.files, "file")),
    }
    if !crypt::is_encrypted(dir) {
        super::unlock::release_after(dir, ring, "(the folder needs no key now)");
    }
    Ok(())
}

/// `rapport passphrase`: a new passphrase for the same key.
pub fn change_passphrase(dir: &Path, ring: &dyn Keyring) -> Result<()> {
    if !crypt::is_encrypted(dir) {
        bail!("this data folder is not encrypted; `rapport encrypt` encrypts it");
    }
    if let Some(refusal) = conversion::refusal(dir) {
        bail!(refusal);
    }
    let old = ask_secret("RAPPORT_PASSPHRASE", "Current passphrase: ")?;
    let new = new_secret("RAPPORT_NEW_PASSPHRASE")?;
    Store::change_passphrase(dir, &old, &new, &mut Bar::new("Changing the passphrase"))?;
    println!("Passphrase changed. No note needed rewriting.");
    super::unlock::release_after(dir, ring, "too: `rapport unlock` holds it again with the new passphrase");
    Ok(())
}
