//! The key file is never taken from a remote unverified.
//!
//! Whoever can write to the remote can replace `identity.age` with a key
//! file locked by a passphrase of their own; taken as it came, it would lock
//! the therapist out of their own practice. So each device keeps the
//! practice's public recipient in `.git/rapport/recipient` (never synced),
//! and a key file from the remote other than the one in place is kept aside
//! in `.git/rapport/identity.age.pending`: not put in place, and not
//! committed back over the remote's. The key file in place keeps working.
//! `rapport sync accept-key` takes the one kept aside only when the
//! passphrase given opens it and it holds this very practice's key: a
//! passphrase changed on another device.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::state;
use crate::store::atomic::{create_private_dir, write_atomic};
use crate::store::crypt::{IDENTITY_FILE, KEY_FILE_BYTES, Keys, is_key_file};
use crate::store::files::read_regular;

/// The key file from the remote, kept aside until it is accepted.
pub fn pending_file(root: &Path) -> PathBuf {
    state::dir(root).join("identity.age.pending")
}

fn recipient_file(root: &Path) -> PathBuf {
    state::dir(root).join("recipient")
}

/// A key file from the remote waits to be accepted here.
pub fn pending(root: &Path) -> bool {
    pending_file(root).is_file()
}

/// Notes the practice's public recipient, from the key this device opened
/// its own key file with (at every sync, and at `sync clone`).
pub fn note_recipient(root: &Path, keys: &Keys) -> Result<()> {
    let want = format!("{}\n", keys.recipient());
    if read_regular(&recipient_file(root), 1024).is_ok_and(|b| b == want.as_bytes()) {
        return Ok(());
    }
    create_private_dir(&state::dir(root))?;
    write_atomic(&recipient_file(root), want.as_bytes())
}

/// The key file `bytes` came from the remote, to go where `identity.age`
/// is: kept aside when it is not the one in place (true), or put in place
/// when the folder has none yet (a clone). One that is the one in place
/// settles what was kept aside.
pub fn arrived(root: &Path, bytes: &[u8]) -> Result<bool> {
    let in_place = root.join(IDENTITY_FILE);
    match read_regular(&in_place, KEY_FILE_BYTES) {
        Ok(here) if here == bytes => {
            settle(root);
            Ok(false)
        }
        Ok(_) => {
            create_private_dir(&state::dir(root))?;
            write_atomic(&pending_file(root), bytes)?;
            Ok(true)
        }
        Err(_) => {
            crate::store::synced::put(root, IDENTITY_FILE, bytes)?;
            Ok(false)
        }
    }
}

/// Forgets the key file kept aside.
fn settle(root: &Path) {
    let _ = std::fs::remove_file(pending_file(root));
}

/// What the sync says while a key file from the remote waits.
pub const KEPT_ASIDE: &str = "The key file on the remote (identity.age) is not this device's: its passphrase was \
     changed on another device, or someone replaced it. It was kept aside, not put in place: this device still opens \
     with its own passphrase. If you changed the passphrase on another device, run `rapport sync accept-key` here \
     and give the new passphrase: it is taken only if it holds this practice's key. If you did not, check who can \
     write to the remote.";

/// `rapport sync accept-key`: puts the key file kept aside in place when
/// `passphrase` opens it and it holds this practice's key (the recipient
/// this device noted). Anything else changes nothing.
pub fn accept(root: &Path, passphrase: &str) -> Result<()> {
    let Ok(bytes) = read_regular(&pending_file(root), KEY_FILE_BYTES) else {
        bail!("no key file from the remote is waiting here; nothing was changed");
    };
    let Ok(noted) = read_regular(&recipient_file(root), 1024) else {
        bail!(
            "this device has not noted the practice's key yet, so the key file from the remote cannot be checked; \
             nothing was changed. Run `rapport sync` once (with this device's passphrase), then this again"
        );
    };
    if !is_key_file(&bytes) {
        bail!("what was kept aside is not a key file locked by a passphrase; nothing was changed");
    }
    let keys = Keys::unlock_bytes(&bytes, &pending_file(root), passphrase).map_err(|_| {
        anyhow::anyhow!(
            "that passphrase does not open the key file from the remote; nothing was changed, and this device \
             still opens with its own passphrase"
        )
    })?;
    if format!("{}\n", keys.recipient()).as_bytes() != noted.as_slice() {
        bail!(
            "the key file from the remote holds another key, not this practice's, so it was not taken: someone \
             other than you may have replaced it on the remote. Nothing was changed; this device still opens with \
             its own passphrase. Check who can write to the remote"
        );
    }
    let _lock = crate::store::lock::DataLock::acquire(&root.join("rapport.lock"))?;
    crate::store::synced::put(root, IDENTITY_FILE, &bytes)?;
    settle(root);
    Ok(())
}
