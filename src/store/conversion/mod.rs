//! Folder-wide conversions — `encrypt` and `decrypt` — journaled so that a
//! killed one is finished by running the same command again, or undone by
//! running the opposite one.
//!
//! `DATA/conversion.json` is written before the first file changes and
//! removed after the last. While it is there every other command refuses
//! (see [`refusal`]), so nobody sees part of the practice. Each step is
//! safe to run again on a folder that is part plain and part encrypted:
//! every kind of file is converted by what it is now, not by what the run
//! expects — client files (live and in every snapshot), drafts (renamed so
//! they keep their client), exports, the audit log and the ledger line by
//! line. The index is derived and is removed, then rebuilt when needed.
//!
//! `ids` is the third: clients given ids without their names when a plain
//! folder is set up for syncing.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::Store;
use super::atomic::{sync_folder, write_atomic};
use super::backup::Backups;
use super::crypt::{IDENTITY_FILE, Keys, is_encrypted};
use crate::progress::Progress;

mod files;
mod ids;

pub use ids::OLD_IDS;

use files::*;

pub const STATE_FILE: &str = "conversion.json";

/// Which way a conversion goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Encrypt,
    Decrypt,
}

#[derive(Debug, Serialize, Deserialize)]
struct State {
    converting: Direction,
    started: NaiveDateTime,
    /// The snapshot of the state before, taken when the conversion began.
    #[serde(default)]
    snapshot: String,
}

/// What a conversion did.
#[derive(Debug, Default)]
pub struct Converted {
    pub files: usize,
    /// The snapshot of the state before ("" when none was taken: undoing).
    pub snapshot: String,
    /// It finished (or undid) an interrupted conversion.
    pub resumed: bool,
    /// Files left as they were, and why.
    pub left: Vec<String>,
}

fn state_path(root: &Path) -> PathBuf {
    root.join(STATE_FILE)
}

fn read_state(root: &Path) -> Option<Result<State>> {
    let bytes = super::files::read_file(state_path(root)).ok()?;
    Some(serde_json::from_slice(&bytes).context("the conversion journal is damaged"))
}

/// The conversion a killed run left unfinished, if any.
pub fn interrupted(root: &Path) -> Option<Direction> {
    read_state(root).map(|s| s.map_or(Direction::Encrypt, |s| s.converting))
}

/// The one sentence every other command answers while a conversion is
/// unfinished.
pub fn refusal(root: &Path) -> Option<String> {
    Some(match interrupted(root)? {
        Direction::Encrypt => "an encryption was interrupted: run `rapport encrypt` again to finish it \
                               (or `rapport decrypt` to undo it)"
            .to_string(),
        Direction::Decrypt => "a decryption was interrupted: run `rapport decrypt` again to finish it \
                               (or `rapport encrypt` to undo it)"
            .to_string(),
    })
}

/// Plain client files in an encrypted folder: an encryption from before the
/// journal was interrupted.
pub fn plain_leftovers(root: &Path) -> bool {
    client_dirs(root).iter().any(|d| !files(d, |n| n.ends_with(".json")).is_empty())
        || Backups::of(root).file_names().iter().any(|n| n.ends_with(".json"))
}

fn write_state(root: &Path, converting: Direction, now: NaiveDateTime, snapshot: &str) -> Result<()> {
    super::crash::point("convert.journal");
    let state = State { converting, started: now, snapshot: snapshot.to_string() };
    write_atomic(&state_path(root), &serde_json::to_vec_pretty(&state)?)
}

fn finish_state(root: &Path) -> Result<()> {
    super::crash::point("convert.finish");
    match fs::remove_file(state_path(root)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).context("removing the conversion journal"),
        _ => sync_folder(root),
    }
}

/// Every regular, finished file in `dir` whose name `keep` accepts, sorted.
/// Refuses to start a conversion while a client's record is in more than
/// one file (a sync tool's conflict copy, a link) or a client file cannot be
/// read: converting would mean choosing between copies without a word, or
/// leaving a file as it was (plain text, after an encrypt). Nothing is changed.
pub(super) fn refuse_unless_clean(store: &Store, verb: &str, command: &str) -> Result<()> {
    let shown = |p: &Path| p.strip_prefix(store.root()).unwrap_or(p).display().to_string();
    let mut problems: Vec<String> = store
        .strays()
        .into_iter()
        .filter(|s| s.kind.needs_attention())
        .map(|s| format!("{} {}", shown(&s.path), s.kind.explain()))
        .collect();
    problems.extend(store.load_all()?.into_iter().filter_map(|f| f.record.err()).map(|e| e.to_string()));
    // The practice log is converted too: a damaged one would be locked away
    // (encrypted, it cannot be corrected by hand), a link followed.
    if let Err(e) = store.practice_log() {
        problems.push(e.to_string());
    }
    if let Some(plain) = store.plain_practice_log_beside() {
        problems.push(format!("{} is in plain text beside the encrypted practice.age", shown(&plain)));
    }
    if let Some(first) = problems.first() {
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        bail!(
            "nothing was {verb}: {first}{more}. Put this right first (`rapport doctor` lists it all), \
             then run `rapport {command}` again"
        );
    }
    Ok(())
}

impl Store {
    /// A store on `root` for a conversion's own use: no refusal, `keys` set.
    fn for_conversion(root: &Path, keys: Option<Arc<Keys>>) -> Result<Store> {
        let mut store = Store::open_plain_for_conversion(root)?;
        store.keys = keys;
        Ok(store)
    }

    /// Encrypts the folder at `root` with a new key protected by
    /// `passphrase`, after a snapshot of its state; or finishes an
    /// encryption that was interrupted, or undoes an interrupted decryption
    /// (both with the folder's passphrase).
    /// `progress` is told file by file.
    pub fn encrypt_folder(
        root: &Path,
        passphrase: &str,
        now: NaiveDateTime,
        progress: &mut dyn Progress,
    ) -> Result<Converted> {
        let plain = Store::for_conversion(root, None)?;
        let _lock = plain.lock()?;
        let state = read_state(root).transpose()?;
        let has_key = is_encrypted(root);
        if has_key && state.is_none() && !plain_leftovers(root) {
            bail!("this data folder is already encrypted; `rapport passphrase` changes its passphrase");
        }
        let keys = Arc::new(if has_key {
            Keys::unlock(root, passphrase)?
        } else {
            if let Some(why) = super::crypt::too_short(passphrase) {
                bail!(why);
            }
            Keys::generate()?
        });
        let resumed = state.is_some() || has_key;
        if !resumed {
            refuse_unless_clean(&plain, "encrypted", "encrypt")?;
        }
        let snapshot = match &state {
            Some(s) if s.converting == Direction::Encrypt => s.snapshot.clone(),
            Some(_) => String::new(),
            None if has_key => String::new(),
            None => {
                let name = plain.snapshot_locked(now, "-before-encrypt")?.name;
                plain.prune_locked(plain.settings().keep_backups, now)?;
                name
            }
        };
        write_state(root, Direction::Encrypt, now, &snapshot)?;
        if !has_key {
            super::crash::point("convert.key");
            keys.write(root, passphrase)?;
        }
        let (files, left) = convert(root, &keys, Direction::Encrypt, progress)?;
        finish_state(root)?;
        let store = Store::for_conversion(root, Some(keys))?;
        store.audit(now, "folder encrypted", "", "");
        Ok(Converted { files, snapshot, resumed, left })
    }

    /// Turns the encrypted folder at `root` back into plain files, after a
    /// snapshot; or finishes an interrupted decryption, or undoes an
    /// interrupted encryption.
    /// `progress` is told file by file.
    pub fn decrypt_folder(
        root: &Path,
        passphrase: &str,
        now: NaiveDateTime,
        progress: &mut dyn Progress,
    ) -> Result<Converted> {
        let plain = Store::for_conversion(root, None)?;
        let lock = plain.lock()?;
        let state = read_state(root).transpose()?;
        if !is_encrypted(root) {
            // The key goes last: without it nothing is encrypted any more.
            if state.is_none() {
                bail!("this data folder is not encrypted");
            }
            finish_state(root)?;
            drop(lock);
            plain.audit(now, "folder decrypted", "", "");
            return Ok(Converted { resumed: true, ..Default::default() });
        }
        let keys = Arc::new(Keys::unlock(root, passphrase)?);
        let snapshot = match &state {
            Some(s) if s.converting == Direction::Decrypt => s.snapshot.clone(),
            Some(_) => String::new(),
            None => {
                let store = Store::for_conversion(root, Some(keys.clone()))?;
                refuse_unless_clean(&store, "decrypted", "decrypt")?;
                let name = store.snapshot_locked(now, "-before-decrypt")?.name;
                store.prune_locked(store.settings().keep_backups, now)?;
                name
            }
        };
        write_state(root, Direction::Decrypt, now, &snapshot)?;
        let (files, left) = convert(root, &keys, Direction::Decrypt, progress)?;
        let undecryptable: Vec<&String> = left
            .iter()
            .filter(|l| l.ends_with("could not be decrypted") || l.ends_with("to no client in the folder"))
            .collect();
        if !undecryptable.is_empty() {
            return Err(anyhow!(
                "{} stayed encrypted ({}), so the folder keeps its key: repair or remove them and run \
                 `rapport decrypt` again, or `rapport encrypt` to undo",
                if undecryptable.len() == 1 { "1 file".to_string() } else { format!("{} files", undecryptable.len()) },
                undecryptable.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
            ));
        }
        super::crash::point("decrypt.remove-key");
        fs::remove_file(root.join(IDENTITY_FILE)).context("removing the key file")?;
        sync_folder(root)?;
        finish_state(root)?;
        plain.audit(now, "folder decrypted", "", "");
        Ok(Converted { files, snapshot, resumed: state.is_some(), left })
    }
}
