//! Held keys: `rapport unlock` pays the passphrase's scrypt once and keeps
//! the unlocked key in the operating system's keyring for a while, so each
//! command and the app on an encrypted folder then start as fast as on a
//! plain one.
//!
//! What is held is the unlocked key, never the passphrase, under a name made
//! from a hash of the data folder's canonical path, together with a hash of
//! the folder's key file and the time it expires. A held key whose time has
//! passed, or that was unlocked from another key file (another practice at
//! that path, a changed passphrase), is removed instead of used. Rapport never
//! writes it to disk; on Linux the kernel keeps it in memory only and drops it
//! by itself when its time is up.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::crypt::{IDENTITY_FILE, IdentityFile, Keys};
use crate::domain::bounds;

/// A keyring that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// There is none here (or none Rapport may use): nothing can be held.
    #[error("{0}")]
    Unavailable(String),
    /// There is one, and it failed.
    #[error("{0}")]
    Failed(String),
}

/// Where keys are held: the operating system's keyring ([`SystemKeyring`]),
/// or a map in memory in tests.
pub trait Keyring {
    /// The secret held under `name`, if any.
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError>;
    /// Holds `secret` under `name`, replacing what was there; the keyring
    /// drops it by itself after `seconds` where it can.
    fn set(&self, name: &str, secret: &[u8], seconds: u64) -> Result<(), KeyringError>;
    /// Removes what is held under `name`; false when nothing was.
    fn remove(&self, name: &str) -> Result<bool, KeyringError>;
}

/// The operating system's keyring, through the `keyring` crate: the kernel
/// keyring (keyutils) on Linux, the Keychain on macOS, the Credential
/// Manager on Windows.
pub struct SystemKeyring;

/// The keyring's service name for every key Rapport holds.
const SERVICE: &str = "rapport";

impl SystemKeyring {
    /// The key named `name` in the user's kernel keyring. (The crate's own
    /// choice, the session keyring, is a new one in each process that has
    /// none, as under cron, in a container or in CI, so a key held by one
    /// command would be lost to the next; the user keyring is shared by every
    /// process of the user, and goes when the user's last process ends.)
    #[cfg(target_os = "linux")]
    fn entry(name: &str) -> Result<keyring::Entry, KeyringError> {
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        let unavailable = |e| KeyringError::Unavailable(format!("the kernel keyring cannot be used here ({e})"));
        let user = KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(unavailable)?;
        // Only a process that reaches a key from its own keyrings may read it.
        // A login's session keyring links the user keyring, but not every
        // session does (`keyctl session`, some containers): linking it into
        // this process's own keyring, which ends with the process, makes sure.
        KeyRing::from_special_id(KeyRingIdentifier::Process, true)
            .and_then(|process| process.link_keyring(user))
            .map_err(unavailable)?;
        let credential = keyring::keyutils::KeyutilsCredential {
            session: user,
            persistent: None,
            description: format!("{SERVICE}:{name}"),
        };
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(name: &str) -> Result<keyring::Entry, KeyringError> {
        use keyring::credential::CredentialPersistence::{EntryOnly, ProcessOnly};
        // Where the crate has no keyring for this system it falls back to one
        // that forgets at once: holding a key there would silently do nothing.
        if matches!(keyring::default::default_credential_builder().persistence(), EntryOnly | ProcessOnly) {
            return Err(KeyringError::Unavailable("this system has no keyring Rapport can use".into()));
        }
        keyring::Entry::new(SERVICE, name)
            .map_err(|e| KeyringError::Unavailable(format!("the system's keyring cannot be used here ({e})")))
    }
}

impl Keyring for SystemKeyring {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        match SystemKeyring::entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(KeyringError::Failed(format!("the keyring could not be read: {e}"))),
        }
    }

    fn set(&self, name: &str, secret: &[u8], seconds: u64) -> Result<(), KeyringError> {
        let entry = SystemKeyring::entry(name)?;
        entry.set_secret(secret).map_err(|e| KeyringError::Failed(format!("the keyring refused the key: {e}")))?;
        if let Err(e) = expire(&entry, seconds) {
            let _ = entry.delete_credential();
            return Err(e);
        }
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<bool, KeyringError> {
        match SystemKeyring::entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(KeyringError::Failed(format!("the keyring could not remove the key: {e}"))),
        }
    }
}

/// Sets the kernel's own timeout on the key, so it is gone at its time even
/// if Rapport never runs again.
#[cfg(target_os = "linux")]
fn expire(entry: &keyring::Entry, seconds: u64) -> Result<(), KeyringError> {
    let Some(credential) = entry.get_credential().downcast_ref::<keyring::keyutils::KeyutilsCredential>() else {
        return Ok(());
    };
    let failed = |e| KeyringError::Failed(format!("the kernel keyring would not set the key's time limit: {e}"));
    let key = credential.session.search(&credential.description).map_err(failed)?;
    key.set_timeout(usize::try_from(seconds).unwrap_or(usize::MAX)).map_err(failed)
}

/// The Keychain and the Credential Manager keep no time limit: the time
/// held with the key is checked at each use, and the key removed when past.
#[cfg(not(target_os = "linux"))]
fn expire(_entry: &keyring::Entry, _seconds: u64) -> Result<(), KeyringError> {
    Ok(())
}

/// What is held: the unlocked key, the key file it came from, and until when.
#[derive(Serialize, Deserialize)]
struct HeldKey {
    /// SHA-256 of the folder's key file when the key was unlocked from it.
    key_file: String,
    /// Seconds since 1970 (UTC) after which the key is not used.
    until: u64,
    #[serde(flatten)]
    keys: IdentityFile,
}

/// What [`take`] found held for a data folder.
#[derive(Debug)]
pub enum Found {
    /// The folder's keys, ready to use.
    Keys(Keys),
    /// Nothing is held for this folder.
    Nothing,
    /// Its time had passed; it was removed.
    Expired,
    /// It was unlocked from another key file (another practice at this path,
    /// or the passphrase was changed); it was removed.
    Mismatch,
    /// What is held under the folder's name is not a key Rapport holds; it
    /// was removed.
    Damaged,
    /// The keyring could not be used.
    Unavailable(KeyringError),
}

/// The keyring name for the data folder at `root`: a hash of its canonical
/// path, so a key held for one folder is never looked up for another.
pub fn name(root: &Path) -> Result<String> {
    let canonical = fs::canonicalize(root).with_context(|| format!("finding {}", root.display()))?;
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    Ok(format!("folder-{}", hex::encode(&digest[..16])))
}

/// SHA-256 of the folder's key file.
fn key_file_hash(root: &Path) -> Result<String> {
    let path = root.join(IDENTITY_FILE);
    let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Holds `keys`, unlocked from the key file of `root`, for `seconds` from
/// `now` (seconds since 1970), replacing any key held for the folder.
pub fn hold(ring: &dyn Keyring, root: &Path, keys: &Keys, now: u64, seconds: u64) -> Result<()> {
    let held =
        HeldKey { key_file: key_file_hash(root)?, until: now.saturating_add(seconds), keys: keys.identity_file() };
    let secret = Zeroizing::new(serde_json::to_vec(&held)?);
    ring.set(&name(root)?, &secret, seconds)?;
    Ok(())
}

/// The keys held for `root` at `now`, if any may be used. A held key that
/// is past its time, from another key file or damaged is removed.
pub fn take(ring: &dyn Keyring, root: &Path, now: u64) -> Found {
    let (Ok(name), Ok(key_file)) = (name(root), key_file_hash(root)) else { return Found::Nothing };
    let secret = match ring.get(&name) {
        Ok(Some(secret)) => secret,
        Ok(None) => return Found::Nothing,
        Err(e) => return Found::Unavailable(e),
    };
    let found = match serde_json::from_slice::<HeldKey>(&secret) {
        Err(_) => Found::Damaged,
        // A time further ahead than `unlock --for` allows was not set by Rapport.
        Ok(held) if held.until > now.saturating_add(*bounds::HOLD_SECONDS.end()) => Found::Damaged,
        Ok(held) if now >= held.until => Found::Expired,
        Ok(held) if held.key_file != key_file => Found::Mismatch,
        Ok(held) => held.keys.keys().map_or(Found::Damaged, Found::Keys),
    };
    if !matches!(found, Found::Keys(_)) {
        let _ = ring.remove(&name);
    }
    found
}

/// Removes the key held for `root`; false when none was.
pub fn release(ring: &dyn Keyring, root: &Path) -> Result<bool> {
    Ok(ring.remove(&name(root)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A keyring in memory, with a switch that makes it unavailable.
    #[derive(Default)]
    struct MockKeyring {
        held: Mutex<HashMap<String, (Vec<u8>, u64)>>,
        broken: bool,
    }

    impl Keyring for MockKeyring {
        fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
            if self.broken {
                return Err(KeyringError::Unavailable("no keyring in this test".into()));
            }
            Ok(self.held.lock().unwrap().get(name).map(|(s, _)| Zeroizing::new(s.clone())))
        }
        fn set(&self, name: &str, secret: &[u8], seconds: u64) -> Result<(), KeyringError> {
            if self.broken {
                return Err(KeyringError::Unavailable("no keyring in this test".into()));
            }
            self.held.lock().unwrap().insert(name.to_string(), (secret.to_vec(), seconds));
            Ok(())
        }
        fn remove(&self, name: &str) -> Result<bool, KeyringError> {
            if self.broken {
                return Err(KeyringError::Unavailable("no keyring in this test".into()));
            }
            Ok(self.held.lock().unwrap().remove(name).is_some())
        }
    }

    const PASS: &str = "correct horse battery";
    const NOW: u64 = 1_800_000_000;
    const HOURS_8: u64 = 8 * 3600;

    /// An encrypted folder's key file, and its keys.
    fn folder() -> (tempfile::TempDir, Keys) {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::generate().unwrap();
        keys.write_cheaply(dir.path(), PASS);
        (dir, keys)
    }

    fn same_keys(a: &Keys, b: &Keys) -> bool {
        a.stem("maria-lopez") == b.stem("maria-lopez")
            && b.decrypt(&a.encrypt(b"a note")).as_deref() == Some(&b"a note"[..])
    }

    #[test]
    fn a_held_key_opens_the_folder_it_was_unlocked_for_until_its_time() {
        let (dir, keys) = folder();
        let ring = MockKeyring::default();
        hold(&ring, dir.path(), &keys, NOW, HOURS_8).unwrap();
        let (name, (secret, seconds)) =
            ring.held.lock().unwrap().iter().next().map(|(n, s)| (n.clone(), s.clone())).unwrap();
        assert_eq!(seconds, HOURS_8, "the keyring is told the time too");
        assert!(!String::from_utf8_lossy(&secret).contains(PASS), "the passphrase is never held");
        assert_eq!(name, super::name(dir.path()).unwrap());
        match take(&ring, dir.path(), NOW + HOURS_8 - 1) {
            Found::Keys(held) => assert!(same_keys(&keys, &held)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(take(&ring, dir.path(), NOW + HOURS_8), Found::Expired));
        assert!(ring.held.lock().unwrap().is_empty(), "an expired key is removed");
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Nothing));
    }

    #[test]
    fn a_key_held_for_one_practice_is_never_used_for_another() {
        let (first, keys) = folder();
        let (second, _) = folder();
        let ring = MockKeyring::default();
        hold(&ring, first.path(), &keys, NOW, HOURS_8).unwrap();
        assert!(matches!(take(&ring, second.path(), NOW), Found::Nothing));
        // Another practice's key file put at the first one's path.
        fs::copy(second.path().join(IDENTITY_FILE), first.path().join(IDENTITY_FILE)).unwrap();
        assert!(matches!(take(&ring, first.path(), NOW), Found::Mismatch));
        assert!(ring.held.lock().unwrap().is_empty(), "a key that does not match is removed");
    }

    #[test]
    fn a_new_passphrase_invalidates_the_held_key() {
        let (dir, keys) = folder();
        let ring = MockKeyring::default();
        hold(&ring, dir.path(), &keys, NOW, HOURS_8).unwrap();
        keys.write_cheaply(dir.path(), "a much better passphrase");
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Mismatch));
    }

    #[test]
    fn something_else_under_the_folders_name_is_removed_not_used() {
        let (dir, keys) = folder();
        let ring = MockKeyring::default();
        let name = name(dir.path()).unwrap();
        ring.set(&name, b"not a key", 60).unwrap();
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Damaged));
        assert!(ring.held.lock().unwrap().is_empty());
        // A time further ahead than unlock allows.
        hold(&ring, dir.path(), &keys, NOW + 365 * 24 * 3600, HOURS_8).unwrap();
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Damaged));
    }

    #[test]
    fn lock_removes_the_held_key_at_once() {
        let (dir, keys) = folder();
        let ring = MockKeyring::default();
        hold(&ring, dir.path(), &keys, NOW, HOURS_8).unwrap();
        assert!(release(&ring, dir.path()).unwrap());
        assert!(!release(&ring, dir.path()).unwrap(), "nothing was held the second time");
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Nothing));
    }

    #[test]
    fn without_a_keyring_nothing_is_held_and_the_passphrase_is_asked() {
        let (dir, keys) = folder();
        let ring = MockKeyring { broken: true, ..Default::default() };
        let e = hold(&ring, dir.path(), &keys, NOW, HOURS_8).unwrap_err();
        assert!(e.to_string().contains("no keyring"), "{e}");
        assert!(matches!(take(&ring, dir.path(), NOW), Found::Unavailable(_)));
    }
}
