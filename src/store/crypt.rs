//! Encryption at rest with the therapist's own passphrase (optional).
//!
//! `DATA/identity.age` holds an age X25519 identity and a key for naming
//! files, itself encrypted with the passphrase (age's scrypt recipient), so
//! the passphrase is needed once per start and every file then opens fast.
//! While a folder is encrypted every client file, draft, snapshot, index
//! file, export and audit-log line is an age ciphertext, and file names are
//! keyed hashes of the client id, so a file name gives no name away. The
//! search index is sealed a block at a time under keys derived from the
//! practice's (see [`Keys::seal_index`]), so a query opens only its blocks,
//! and the index's other files each whole under another derived key (see
//! [`Keys::seal_index_file`]): neither costs an X25519 step, as an age file
//! does.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use super::Store;
use super::atomic::write_atomic;
use crate::progress::{Progress, Steps};

pub const IDENTITY_FILE: &str = "identity.age";

/// The unlocked keys of an encrypted folder.
pub struct Keys {
    identity: age::x25519::Identity,
    /// Made from the identity when first needed (to encrypt): an X25519
    /// step that a command which only reads does not pay.
    recipient: std::sync::OnceLock<age::x25519::Recipient>,
    name_key: [u8; 32],
    /// Authenticates the ledger's entries (see [`Keys::ledger_mac`]).
    mac_key: Zeroizing<[u8; 32]>,
    /// Places a word's postings in the search index (see [`Keys::index_hash`]).
    index_hash_key: Zeroizing<[u8; 32]>,
    /// Seals each block of the search index (see [`Keys::seal_index`]).
    index_cipher_key: Zeroizing<[u8; 32]>,
    /// Seals the index's other files (see [`Keys::seal_index_file`]).
    index_file_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

/// What the key file holds inside its passphrase lock, and what
/// `rapport unlock` holds in the keyring: the unlocked key itself.
#[derive(Serialize, Deserialize)]
pub(crate) struct IdentityFile {
    identity: String,
    name_key: String,
}

impl Drop for IdentityFile {
    fn drop(&mut self) {
        self.identity.zeroize();
        self.name_key.zeroize();
    }
}

impl IdentityFile {
    /// The keys it holds, or None when it is damaged.
    pub(crate) fn keys(&self) -> Option<Keys> {
        let identity: age::x25519::Identity = self.identity.parse().ok()?;
        let name_key = unhex(&self.name_key)?;
        Some(Keys::from_parts(identity, name_key))
    }
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// The largest key file Rapport takes from elsewhere (its own are under 1 KiB).
pub const KEY_FILE_BYTES: u64 = 16 * 1024;

/// `bytes` look like a key file Rapport writes: an age file locked by a
/// passphrase alone. (What it holds is known only with the passphrase.)
pub fn is_key_file(bytes: &[u8]) -> bool {
    let header = b"age-encryption.org/v1\n-> scrypt ";
    bytes.len() as u64 <= KEY_FILE_BYTES
        && bytes.starts_with(header)
        && bytes[header.len()..].split(|b| *b == b'\n').nth(2).is_some_and(|l| l.starts_with(b"---"))
}

/// True when the folder at `root` is encrypted.
pub fn is_encrypted(root: &Path) -> bool {
    root.join(IDENTITY_FILE).exists()
}

impl Keys {
    fn from_parts(identity: age::x25519::Identity, name_key: [u8; 32]) -> Keys {
        // Derived from the practice's identity: only whoever holds the
        // passphrase (or the unlocked key) can authenticate an entry, or
        // tell which bucket of the search index holds a word. Each key has
        // a label of its own, so none tells anything of another.
        let secret = identity.to_string();
        let derive = |label: &[u8]| {
            let mut h = Sha256::new();
            h.update(label);
            h.update(secret.expose_secret().as_bytes());
            h.update(name_key);
            Zeroizing::new(h.finalize().into())
        };
        let mac_key = derive(b"rapport ledger mac key\0");
        let index_hash_key = derive(b"rapport search bucket key\0");
        let index_cipher_key = derive(b"rapport search block key\0");
        let index_file_key = derive(b"rapport index file key\0");
        Keys {
            recipient: std::sync::OnceLock::new(),
            identity,
            name_key,
            mac_key,
            index_hash_key,
            index_cipher_key,
            index_file_key,
        }
    }

    fn recipient_key(&self) -> &age::x25519::Recipient {
        self.recipient.get_or_init(|| self.identity.to_public())
    }

    /// Which bucket of the search index holds `term`, before reducing to
    /// the number of buckets: HMAC-SHA256 under a key derived from the
    /// practice's, so the index's layout names no word.
    pub fn index_hash(&self, term: &[u8]) -> u64 {
        use hmac::{KeyInit, Mac};
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&*self.index_hash_key).expect("HMAC takes a key of any size");
        mac.update(term);
        let code = mac.finalize().into_bytes();
        u64::from_le_bytes(code[..8].try_into().expect("eight bytes"))
    }

    /// Encrypts one block of the search index, bound to `context` (the
    /// index it belongs to and its place there): XChaCha20-Poly1305 under
    /// a key derived from the practice's, a random nonce first. A block
    /// costs no X25519 step, as an age file would.
    pub fn seal_index(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        seal(&self.index_cipher_key, context, plain)
    }

    /// A block sealed by [`Keys::seal_index`] for `context`, or None when
    /// it was not (damaged, forged, moved from another place or index).
    pub fn open_index(&self, context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        open(&self.index_cipher_key, context, sealed)
    }

    /// Encrypts an index file (or a line of one) bound to `context` (which
    /// file it is): as [`Keys::seal_index`], under a key of its own. The
    /// index is read by every command; an age file would cost each an
    /// X25519 step.
    pub fn seal_index_file(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        seal(&self.index_file_key, context, plain)
    }

    /// What [`Keys::seal_index_file`] sealed for `context`, or None when it
    /// did not (damaged, forged, another file's, an age file of before).
    pub fn open_index_file(&self, context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        open(&self.index_file_key, context, sealed)
    }

    /// The code that authenticates a ledger entry whose link is `link`
    /// (the link chains the entry's every field and every entry before):
    /// HMAC-SHA256 under a key derived from the practice's identity.
    pub fn ledger_mac(&self, link: &str) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&*self.mac_key).expect("HMAC takes a key of any size");
        mac.update(b"rapport ledger entry\0");
        mac.update(link.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The unlocked key, as the key file holds it inside its lock.
    pub(crate) fn identity_file(&self) -> IdentityFile {
        IdentityFile {
            identity: self.identity.to_string().expose_secret().to_string(),
            name_key: hex::encode(self.name_key),
        }
    }

    pub(crate) fn write(&self, root: &Path, passphrase: &str) -> Result<()> {
        let plain = self.identity_file();
        #[allow(unused_mut)]
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
        // Debug builds only: tests that convert a folder hundreds of times
        // may make the passphrase cheap to try. A release build ignores it.
        #[cfg(debug_assertions)]
        if let Some(log_n) = std::env::var("RAPPORT_TEST_SCRYPT_LOG_N").ok().and_then(|v| v.parse().ok()) {
            recipient.set_work_factor(log_n);
        }
        let json = Zeroizing::new(serde_json::to_vec(&plain)?);
        let bytes = age::encrypt(&recipient, &json).map_err(|e| anyhow!("{e}"))?;
        write_atomic(&root.join(IDENTITY_FILE), &bytes)
    }

    /// Writes the key file with a passphrase cheap to try, for unit tests.
    #[cfg(test)]
    pub(crate) fn write_cheaply(&self, root: &Path, passphrase: &str) {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
        recipient.set_work_factor(2);
        let json = Zeroizing::new(serde_json::to_vec(&self.identity_file()).unwrap());
        write_atomic(&root.join(IDENTITY_FILE), &age::encrypt(&recipient, &json).unwrap()).unwrap();
    }

    /// Opens the keys of `root` with `passphrase`.
    pub fn unlock(root: &Path, passphrase: &str) -> Result<Keys> {
        let path = root.join(IDENTITY_FILE);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        Keys::unlock_bytes(&bytes, &path, passphrase)
    }

    /// Opens the key file `bytes` (named `path` in messages) with `passphrase`.
    pub fn unlock_bytes(bytes: &[u8], path: &Path, passphrase: &str) -> Result<Keys> {
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
        let plain = age::decrypt(&identity, bytes).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                anyhow!(WRONG_PASSPHRASE)
            }
            other => anyhow!("{} could not be opened: {other}", path.display()),
        })?;
        let plain = Zeroizing::new(plain);
        let file: IdentityFile = serde_json::from_slice(&plain).context("the key file is damaged")?;
        file.keys().ok_or_else(|| anyhow!("the key file is damaged"))
    }

    /// The practice's public recipient (`age1…`): what a device keeps,
    /// unsynced, to know its own key again.
    pub fn recipient(&self) -> String {
        self.recipient_key().to_string()
    }

    pub fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        age::encrypt(self.recipient_key(), plain).expect("encrypting to an X25519 key cannot fail")
    }

    pub fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        age::decrypt(&self.identity, cipher).ok()
    }

    /// The file name that stands for client `id`: a keyed hash.
    pub fn stem(&self, id: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_key);
        h.update(id.as_bytes());
        hex::encode(&h.finalize()[..12])
    }
}

/// XChaCha20-Poly1305 under `key`, bound to `context`: a random nonce
/// first, then the ciphertext and its tag.
fn seal(key: &[u8; 32], context: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(key).map_err(|e| anyhow!("{e}"))?;
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| anyhow!("the system gave no random bytes for the index: {e}"))?;
    let sealed = cipher.encrypt((&nonce).into(), Payload { msg: plain, aad: context }).map_err(|e| anyhow!("{e}"))?;
    Ok([&nonce[..], &sealed].concat())
}

/// What [`seal`] sealed under `key` for `context`, or None.
fn open(key: &[u8; 32], context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(key).ok()?;
    let (nonce, sealed) = sealed.split_at_checked(24)?;
    let nonce: &[u8; 24] = nonce.try_into().ok()?;
    cipher.decrypt(nonce.into(), Payload { msg: sealed, aad: context }).ok()
}

fn getrandom(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| anyhow!("the system gave no random bytes for a new key: {e}"))
}

/// What a wrong passphrase is told (a terminal asks again).
pub const WRONG_PASSPHRASE: &str = "the passphrase is wrong; nothing was read or written";

/// The fewest characters a passphrase may have.
pub const PASSPHRASE_MIN: usize = 8;

/// Why a new passphrase is refused, if it is: too short.
pub fn too_short(passphrase: &str) -> Option<String> {
    (passphrase.chars().count() < PASSPHRASE_MIN)
        .then(|| format!("choose a passphrase of at least {PASSPHRASE_MIN} characters"))
}

impl Store {
    /// Changes the passphrase; the files keep their key, so none is
    /// rewritten. The key file is replaced in one atomic write, so a killed
    /// change leaves the old passphrase or the new one working, never
    /// neither: it needs no journal.
    /// `progress` is told of its two steps, each a slow key derivation
    /// (no note is rewritten): unlocking with `old`, locking with `new`.
    pub fn change_passphrase(root: &Path, old: &str, new: &str, progress: &mut dyn Progress) -> Result<()> {
        if let Some(why) = too_short(new) {
            bail!(why);
        }
        let mut steps = Steps::new(2, progress);
        let keys = Keys::unlock(root, old)?;
        steps.one();
        super::crash::point("passphrase.write");
        keys.write(root, new)?;
        steps.finish();
        Ok(())
    }
}

impl Keys {
    /// New keys, not yet written to disk.
    pub(crate) fn generate() -> Result<Keys> {
        let identity = age::x25519::Identity::generate();
        let mut name_key = [0u8; 32];
        getrandom(&mut name_key)?;
        Ok(Keys::from_parts(identity, name_key))
    }
}

/// Shared keys, as the store holds them.
pub type SharedKeys = Option<Arc<Keys>>;
