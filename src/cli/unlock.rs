//! `rapport unlock` and `lock`, and how every command and the app open an
//! encrypted folder: with the key `unlock` holds in the system's keyring when
//! there is one, else with the passphrase. The passphrase's scrypt costs about
//! a second and half a gigabyte of memory; a held key costs neither.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Result, bail};
use chrono::{DateTime, Local};

use super::crypt::ask_secret;
use crate::store::held::{self, Found, Keyring, KeyringError};
use crate::store::{Store, conversion, crypt};

const PROMPT: &str = "Passphrase for the Rapport data folder: ";

fn seconds_since_1970(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// "17:35", or "2026-11-27 17:35" when not today.
fn clock_time(now: SystemTime, then: SystemTime) -> String {
    let (now, then) = (DateTime::<Local>::from(now), DateTime::<Local>::from(then));
    if now.date_naive() == then.date_naive() {
        then.format("%H:%M").to_string()
    } else {
        then.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// `rapport unlock`: asks for the passphrase once and holds the unlocked key
/// in the keyring for `duration`, counted from when it is unlocked (`clock`
/// is read then: the passphrase may take a while to type).
pub fn unlock(dir: &Path, duration: Duration, ring: &dyn Keyring, clock: fn() -> SystemTime) -> Result<()> {
    if !crypt::is_encrypted(dir) {
        bail!("this data folder is not encrypted, so there is nothing to unlock; `rapport encrypt` encrypts it");
    }
    if let Some(refusal) = conversion::refusal(dir) {
        bail!(refusal);
    }
    // Before the passphrase: with no keyring there is nothing to unlock into.
    if let Err(e) = ring.get(&held::name(dir)?) {
        bail!(
            "{e}, so the key cannot be held: each command asks for the passphrase instead (or reads RAPPORT_PASSPHRASE)"
        );
    }
    let passphrase = ask_secret("RAPPORT_PASSPHRASE", PROMPT)?;
    let keys = crypt::Keys::unlock(dir, &passphrase)?;
    let now = clock();
    held::hold(ring, dir, &keys, seconds_since_1970(now), duration.as_secs())?;
    println!(
        "Unlocked until {} ({}): commands and the app open this data folder without the passphrase until then. \
         Any program running as your user can use the key meanwhile; `rapport lock` locks it now.",
        clock_time(now, now + duration),
        in_words(duration)
    );
    Ok(())
}

/// `rapport lock`: removes the key `unlock` holds for the folder, at once.
/// Works on any folder, encrypted or not, and needs no passphrase.
pub fn lock(dir: &Path, ring: &dyn Keyring) -> Result<()> {
    match held::release(ring, dir) {
        Ok(true) => println!(
            "Locked: the key held for this data folder was removed; commands and the app ask for the passphrase again."
        ),
        Ok(false) => println!("Nothing was held for this data folder: it is locked."),
        Err(e) => match e.downcast_ref::<KeyringError>() {
            Some(KeyringError::Unavailable(why)) => {
                println!("Nothing was held for this data folder ({why}): it is locked.")
            }
            _ => bail!("{e:#}; the key held for this data folder may still be there until its time is up"),
        },
    }
    Ok(())
}

/// Removes the key held for `dir` after its key file changed (a new
/// passphrase) or went (decrypted), and says so. Nothing to say otherwise.
pub fn release_after(dir: &Path, ring: &dyn Keyring, why: &str) {
    if let Ok(true) = held::release(ring, dir) {
        println!("The key `rapport unlock` held for this data folder was removed {why}.");
    }
}

/// Opens the encrypted folder at `dir`: with the key held for it when there
/// is one, else with the passphrase (RAPPORT_PASSPHRASE, or asked).
pub fn open_encrypted(dir: &Path, ring: &dyn Keyring, now: SystemTime) -> Result<Store> {
    let found = held::take(ring, dir, seconds_since_1970(now));
    let keyring_works = !matches!(found, Found::Unavailable(_));
    match found {
        Found::Keys(keys) => return Store::open_unlocked(dir, keys),
        Found::Nothing | Found::Unavailable(_) => {}
        Found::Expired => eprintln!("rapport: the time `rapport unlock` held the key for is over."),
        Found::Mismatch => eprintln!(
            "rapport: the key held for this data folder was unlocked from another key file (the passphrase was changed, or the folder was replaced), so it was removed and not used."
        ),
        Found::Damaged => {
            eprintln!("rapport: what the keyring held for this data folder is not a key Rapport holds; it was removed.")
        }
    }
    let asked = std::env::var_os("RAPPORT_PASSPHRASE").is_none();
    if asked && !io::stdin().is_terminal() {
        bail!(
            "the data folder is encrypted and not unlocked: run `rapport unlock` in a terminal, set RAPPORT_PASSPHRASE, or run rapport in a terminal to be asked"
        );
    }
    // A wrong passphrase typed in a terminal may be typed again (three tries).
    let mut tries = 0;
    let store = loop {
        let passphrase = ask_secret("RAPPORT_PASSPHRASE", PROMPT)?;
        match Store::unlock(dir, &passphrase) {
            Err(e) if asked && tries < 2 && e.to_string() == crate::store::crypt::WRONG_PASSPHRASE => {
                eprintln!("rapport: the passphrase is wrong; type it again.");
                tries += 1;
            }
            other => break other?,
        }
    };
    if asked && keyring_works {
        eprintln!(
            "rapport: `rapport unlock` asks once and keeps this folder unlocked for 8 hours, so each command and the app start at once."
        );
    }
    Ok(store)
}

/// "7 days", "1 hour 30 minutes", "90 seconds" → "1 minute 30 seconds":
/// how long, as it is said (the two largest units that are not zero).
fn in_words(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    let units = [(secs / 86_400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    let said: Vec<String> =
        units.iter().filter(|(n, _)| *n > 0).take(2).map(|(n, u)| crate::domain::plural(*n as usize, u)).collect();
    if said.is_empty() { "0 seconds".into() } else { said.join(" ") }
}

#[cfg(test)]
mod words {
    use super::in_words;
    use std::time::Duration;

    #[test]
    fn a_hold_is_said_in_words_with_spaces() {
        assert_eq!(in_words(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(in_words(Duration::from_secs(5400)), "1 hour 30 minutes");
        assert_eq!(in_words(Duration::from_secs(90)), "1 minute 30 seconds");
        assert_eq!(in_words(Duration::from_secs(8 * 3600)), "8 hours");
        assert_eq!(in_words(Duration::from_secs(1)), "1 second");
    }
}
