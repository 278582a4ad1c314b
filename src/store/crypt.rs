//! Encryption at rest with the therapist's own passphrase (optional).
//!
//! `DATA/identity.age` holds an age X25519 identity and a key for naming
//! files, itself encrypted with the passphrase (age's scrypt recipient), so
//! the passphrase is needed once per start and every file then opens fast.
//! While a folder is encrypted every client file, draft, snapshot, index
//! shard, export and audit-log line is an age ciphertext, and file names are
//! keyed hashes of the client id, so a file name gives no name away.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::{is_temp_file, write_atomic};
use super::{Store, audit};

pub const IDENTITY_FILE: &str = "identity.age";

/// The unlocked keys of an encrypted folder.
pub struct Keys {
    identity: age::x25519::Identity,
    recipient: age::x25519::Recipient,
    name_key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

#[derive(Serialize, Deserialize)]
struct IdentityFile {
    identity: String,
    name_key: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// True when the folder at `root` is encrypted.
pub fn is_encrypted(root: &Path) -> bool {
    root.join(IDENTITY_FILE).exists()
}

impl Keys {
    fn write(&self, root: &Path, passphrase: &str) -> Result<()> {
        let plain = IdentityFile {
            identity: self.identity.to_string().expose_secret().to_string(),
            name_key: hex(&self.name_key),
        };
        let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
        let bytes = age::encrypt(&recipient, &serde_json::to_vec(&plain)?).map_err(|e| anyhow!("{e}"))?;
        write_atomic(&root.join(IDENTITY_FILE), &bytes)
    }

    /// Opens the keys of `root` with `passphrase`.
    pub fn unlock(root: &Path, passphrase: &str) -> Result<Keys> {
        let path = root.join(IDENTITY_FILE);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
        let plain = age::decrypt(&identity, &bytes).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                anyhow!("the passphrase is wrong; nothing was read or written")
            }
            other => anyhow!("{} could not be opened: {other}", path.display()),
        })?;
        let file: IdentityFile = serde_json::from_slice(&plain).context("the key file is damaged")?;
        let identity: age::x25519::Identity = file.identity.parse().map_err(|_| anyhow!("the key file is damaged"))?;
        let name_key = unhex(&file.name_key).ok_or_else(|| anyhow!("the key file is damaged"))?;
        Ok(Keys { recipient: identity.to_public(), identity, name_key })
    }

    pub fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        age::encrypt(&self.recipient, plain).expect("encrypting to an X25519 key cannot fail")
    }

    pub fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        age::decrypt(&self.identity, cipher).ok()
    }

    /// The file name that stands for client `id`: a keyed hash.
    pub fn stem(&self, id: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_key);
        h.update(id.as_bytes());
        hex(&h.finalize()[..12])
    }
}

fn getrandom(buf: &mut [u8]) -> Result<()> {
    use std::io::Read;
    fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).context("reading random bytes for a new key")
}

/// What a conversion did.
#[derive(Debug, Default)]
pub struct Converted {
    pub files: usize,
    pub snapshot: String,
}

/// Every regular file in `dir` whose name ends with `ext`.
fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(ext) && !is_temp_file(name)
        })
        .collect();
    v.sort();
    v
}

/// The client-file folders: the live one and every snapshot's.
fn client_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join("clients")];
    if let Ok(entries) = fs::read_dir(root.join("backups")) {
        dirs.extend(entries.filter_map(|e| e.ok()).map(|e| e.path().join("clients")).filter(|p| p.is_dir()));
    }
    dirs
}

fn client_id(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Id {
        client: IdOnly,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        id: String,
    }
    serde_json::from_slice::<Id>(bytes).ok().map(|i| i.client.id)
}

impl Store {
    /// Encrypts the plain folder at `root` with a new key protected by
    /// `passphrase`, after a snapshot of its state. Safe to run again if it
    /// was interrupted: what is still plain is converted.
    pub fn encrypt_folder(root: &Path, passphrase: &str, now: NaiveDateTime) -> Result<Converted> {
        if passphrase.chars().count() < 8 {
            bail!("choose a passphrase of at least 8 characters");
        }
        let resumed = is_encrypted(root);
        let keys = if resumed { Keys::unlock(root, passphrase)? } else { Keys::generate()? };
        let plain = Store::open_plain_for_conversion(root)?;
        let _lock = plain.lock()?;
        let snapshot = if resumed { String::new() } else { plain.snapshot_locked(now, "-before-encrypt")?.name };
        if !resumed {
            keys.write(root, passphrase)?;
        }
        let mut done = 0;
        for dir in client_dirs(root) {
            for path in files_with(&dir, ".json") {
                let bytes = fs::read(&path)?;
                let Some(id) = client_id(&bytes) else {
                    eprintln!("rapport: left {} as it is: it is not a readable client file", path.display());
                    continue;
                };
                write_atomic(&dir.join(format!("{}.age", keys.stem(&id))), &keys.encrypt(&bytes))?;
                fs::remove_file(&path)?;
                done += 1;
            }
        }
        for path in files_with(&root.join("drafts"), ".json") {
            let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
            let bytes = fs::read(&path)?;
            write_atomic(&root.join("drafts").join(format!("{}.age", keys.stem(&id))), &keys.encrypt(&bytes))?;
            fs::remove_file(&path)?;
            done += 1;
        }
        for path in
            files_with(&root.join("exports"), ".md").into_iter().chain(files_with(&root.join("exports"), ".json"))
        {
            let bytes = fs::read(&path)?;
            let mut to = path.clone().into_os_string();
            to.push(".age");
            write_atomic(Path::new(&to), &keys.encrypt(&bytes))?;
            fs::remove_file(&path)?;
            done += 1;
        }
        let entries = audit::read(root, None);
        audit::rewrite(root, &entries, Some(&keys))?;
        if super::ledger::exists(root) {
            let l = super::ledger::read(root, None, None)?;
            super::ledger::rewrite(root, &l.entries, &[], now, Some(&keys))?;
        }
        let _ = fs::remove_dir_all(root.join("index"));
        let store = Store::unlock(root, passphrase)?;
        store.audit(now, "folder encrypted", "", "");
        Ok(Converted { files: done, snapshot })
    }

    /// Turns an encrypted folder back into plain files, after a snapshot.
    pub fn decrypt_folder(root: &Path, passphrase: &str, now: NaiveDateTime) -> Result<Converted> {
        if !is_encrypted(root) {
            bail!("this data folder is not encrypted");
        }
        let store = Store::unlock(root, passphrase)?;
        let keys = store.keys.clone().expect("unlocked");
        let _lock = store.lock()?;
        let snapshot = store.snapshot_locked(now, "-before-decrypt")?.name;
        let mut done = 0;
        for dir in client_dirs(root) {
            for path in files_with(&dir, ".age") {
                let plain = keys
                    .decrypt(&fs::read(&path)?)
                    .ok_or_else(|| anyhow!("{} could not be decrypted", path.display()))?;
                let id = client_id(&plain).ok_or_else(|| anyhow!("{} is not a client file", path.display()))?;
                write_atomic(&dir.join(format!("{id}.json")), &plain)?;
                fs::remove_file(&path)?;
                done += 1;
            }
        }
        let stems: std::collections::HashMap<String, String> = store
            .client_files()?
            .into_iter()
            .filter_map(|(_, p)| {
                let plain = fs::read(&p).ok()?;
                let id = client_id(&plain)?;
                Some((keys.stem(&id), id))
            })
            .collect();
        for path in files_with(&root.join("drafts"), ".age") {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
            let Some(plain) = keys.decrypt(&fs::read(&path)?) else { continue };
            let id = stems.get(&stem).cloned().unwrap_or(stem);
            write_atomic(&root.join("drafts").join(format!("{id}.json")), &plain)?;
            fs::remove_file(&path)?;
            done += 1;
        }
        for path in files_with(&root.join("exports"), ".age") {
            let Some(plain) = keys.decrypt(&fs::read(&path)?) else { continue };
            write_atomic(&path.with_extension(""), &plain)?;
            fs::remove_file(&path)?;
            done += 1;
        }
        let entries = audit::read(root, Some(&*keys));
        audit::rewrite(root, &entries, None)?;
        if super::ledger::exists(root) {
            let l = super::ledger::read(root, Some(&*keys), None)?;
            super::ledger::rewrite(root, &l.entries, &[], now, None)?;
        }
        let _ = fs::remove_dir_all(root.join("index"));
        fs::remove_file(root.join(IDENTITY_FILE))?;
        let plain = Store::open(root)?;
        plain.audit(now, "folder decrypted", "", "");
        Ok(Converted { files: done, snapshot })
    }

    /// Changes the passphrase; the files keep their key, so none is rewritten.
    pub fn change_passphrase(root: &Path, old: &str, new: &str) -> Result<()> {
        if new.chars().count() < 8 {
            bail!("choose a passphrase of at least 8 characters");
        }
        let keys = Keys::unlock(root, old)?;
        keys.write(root, new)
    }
}

impl Keys {
    /// New keys, not yet written to disk.
    fn generate() -> Result<Keys> {
        let identity = age::x25519::Identity::generate();
        let mut name_key = [0u8; 32];
        getrandom(&mut name_key)?;
        Ok(Keys { recipient: identity.to_public(), identity, name_key })
    }
}

/// Shared keys, as the store holds them.
pub type SharedKeys = Option<Arc<Keys>>;
