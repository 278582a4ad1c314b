//! What is synced: the client files, the ledger and the audit log, and
//! the two files that say so; for an encrypted practice its client files
//! are ciphertext (`clients/HASH.age`) and its key file travels too, locked
//! by the passphrase. Never the index, drafts, snapshots, the lock,
//! exports or this device's settings. And what comes from the remote is
//! held to the same: only those files, only plain files, only records that
//! pass every check a client file passes (decrypted, for an encrypted
//! practice, which takes nothing plain).

use std::collections::HashSet;

use anyhow::{Result, bail};

use super::codec::Codec;
use super::git::Git;
use crate::domain::bounds;
use crate::store::crypt::{self, IDENTITY_FILE};

/// `.gitignore` and `.gitattributes` as one version of Rapport writes
/// them. A sync takes from the remote any version it knows; one it does
/// not know is refused, and one that says it is of a newer sync format
/// asks for Rapport to be updated here.
pub struct SetupFiles {
    pub format: u32,
    /// `.gitignore`: everything is left out but what is synced.
    pub gitignore: &'static str,
    /// `.gitattributes`: Rapport's own merge for the record and its logs
    /// (`.git/info/attributes`, which the remote cannot change, says the
    /// same: see [`INFO_ATTRIBUTES`]).
    pub attributes: &'static str,
}

/// Every version, oldest first. The newest is written only once the
/// practice holds what needs it (a process note): until then a device
/// that runs an older Rapport goes on syncing with this one.
pub const SETUP: [SetupFiles; 2] = [
    SetupFiles {
        format: 1,
        gitignore: "\
# Written by Rapport (`rapport sync`): only the record is synced. The index,
# drafts, snapshots, the lock, exports and this device's settings never are.
/*
!/.gitignore
!/.gitattributes
!/ledger
!/audit.log
!/identity.age
!/clients/
/clients/*
!/clients/*.json
!/clients/*.age
/clients/.*
",
        attributes: "\
# Written by Rapport (`rapport sync`): its own merge for the record.
/clients/*.json merge=rapport
/clients/*.age merge=rapport
/ledger merge=rapport
/audit.log merge=rapport
/identity.age merge=rapport
",
    },
    SetupFiles {
        format: 2,
        gitignore: "\
# Written by Rapport (`rapport sync`), sync format 2: only the record is
# synced. The index, drafts, snapshots, the lock, exports and this device's
# settings never are.
/*
!/.gitignore
!/.gitattributes
!/ledger
!/audit.log
!/identity.age
!/clients/
/clients/*
!/clients/*.json
!/clients/*.age
/clients/.*
!/process/
/process/*
!/process/*.json
!/process/*.age
/process/.*
",
        attributes: "\
# Written by Rapport (`rapport sync`), sync format 2: its own merge for the record.
/clients/*.json merge=rapport
/clients/*.age merge=rapport
/process/*.json merge=rapport
/process/*.age merge=rapport
/ledger merge=rapport
/audit.log merge=rapport
/identity.age merge=rapport
",
    },
];

/// The setup files the data folder `root` needs: the newest once it holds
/// a process note (or has the newest already), else the first.
pub fn setup_for(root: &std::path::Path) -> &'static SetupFiles {
    let newest = &SETUP[SETUP.len() - 1];
    let has_process_notes = std::fs::read_dir(root.join(crate::store::process::PROCESS_DIR))
        .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.file_type().is_ok_and(|t| t.is_file()))));
    let in_place = std::fs::read(root.join(".gitignore")).ok();
    if has_process_notes || in_place.as_deref() == Some(newest.gitignore.as_bytes()) { newest } else { &SETUP[0] }
}

/// Writes the setup files the data folder `root` needs, where they are
/// not so already (call under the folder's lock).
pub fn write_setup(root: &std::path::Path) -> Result<()> {
    let want = setup_for(root);
    for (path, text) in [(".gitignore", want.gitignore), (".gitattributes", want.attributes)] {
        if std::fs::read(root.join(path)).ok().as_deref() != Some(text.as_bytes()) {
            crate::store::synced::put(root, path, text.as_bytes())?;
        }
    }
    Ok(())
}

/// Why the setup file `path` as the remote has it (`bytes`) is refused,
/// or none when it is one a version of Rapport this one knows writes.
fn setup_refused(path: &str, bytes: &[u8]) -> Option<String> {
    let known = SETUP.iter().any(|v| bytes == if path == ".gitignore" { v.gitignore } else { v.attributes }.as_bytes());
    if known {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    let format: Option<u32> = text
        .lines()
        .next()
        .filter(|l| l.starts_with("# Written by Rapport"))
        .and_then(|l| l.split("sync format ").nth(1))
        .and_then(|f| f.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok());
    Some(match format {
        Some(n) if n > SETUP[SETUP.len() - 1].format => format!(
            "the remote's {path} was written by a newer Rapport (sync format {n}; this one knows {}). Nothing was \
             changed here; update Rapport on this device, then run `rapport sync` again",
            SETUP[SETUP.len() - 1].format
        ),
        _ => refused(path, "not as Rapport writes it (it would change how git treats the record)"),
    })
}

/// `.git/info/attributes`, which outranks any `.gitattributes`: Rapport's
/// merge, and no attribute that would change the files on their way in or
/// out (`ident`, a filter, another encoding, line-ending conversion).
pub const INFO_ATTRIBUTES: &str = "\
# Written by Rapport (`rapport sync`): the files go in and out as they are.
* -ident -filter -working-tree-encoding -text -eol
/clients/*.json merge=rapport
/clients/*.age merge=rapport
/process/*.json merge=rapport
/process/*.age merge=rapport
/ledger merge=rapport
/audit.log merge=rapport
/identity.age merge=rapport
";

/// The largest ledger or audit log taken from a remote: room for a working
/// life of seals and addenda, encrypted (about 600 bytes an entry), and no
/// more, so a remote cannot make `verify` read a file of hundreds of MB.
pub const LOG_BYTES: u64 = 64 * 1024 * 1024;

pub use crate::store::synced::{Part, part};

pub use crate::store::synced::on_disk;

/// A path changed between two commits: its new mode and object, or none
/// when it was removed.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub object: Option<String>,
}

/// Every path that differs between commits (or trees) `from` and `to`.
pub fn changes(git: &Git, from: &str, to: &str) -> Result<Vec<Change>> {
    let out = match git.output(&["diff-tree", "-r", "-z", "--no-renames", "--raw", from, to], None)? {
        Ok(out) => out,
        Err(f) => bail!("git could not compare two versions of the practice: {}", f.said()),
    };
    let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty());
    let mut found = Vec::new();
    while let (Some(meta), Some(path)) = (fields.next(), fields.next()) {
        let meta = String::from_utf8_lossy(meta);
        let path = String::from_utf8_lossy(path).into_owned();
        // ":100644 100644 OLD NEW M"
        let cols: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [_, mode, _, object, status] = cols[..] else {
            bail!("git described a change Rapport does not understand")
        };
        if status.starts_with('D') {
            found.push(Change { path, object: None });
            continue;
        }
        if mode != "100644" {
            let what = match mode {
                "120000" => "a symbolic link",
                "160000" => "a link to another repository",
                "100755" => "a program (an executable file)",
                _ => "not a plain file",
            };
            bail!(refused(&path, what));
        }
        found.push(Change { path, object: Some(object.to_string()) });
    }
    Ok(found)
}

fn refused(path: &str, what: &str) -> String {
    format!(
        "the remote holds {path}, which is {what}; Rapport syncs only its own files, so nothing was changed here. \
         Check who can write to the remote"
    )
}

/// Whether a version checked may lack entries of the ledger or the audit
/// log: what the other device brings may (the merge keeps them, by union,
/// and sends them back), what is about to be written here may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logs {
    MayLack,
    Whole,
}

/// A client file `to` brings that cannot be used here: its name, and why.
#[derive(Debug, Clone)]
pub struct Unusable {
    pub stem: String,
    pub why: String,
}

/// Holds every file that `to` brings (compared with `from`) to what a
/// data folder may hold: known names, plain files, sizes within bounds,
/// and, in an encrypted practice, nothing that is not ciphertext of its
/// key; with [`Logs::Whole`], logs that lack no entry of `from`'s. The
/// client files that do not read as a record that passes every check are
/// returned (the caller holds them back, or refuses); versions held back
/// (see `held.rs`) are only held to their size. Nothing is written.
/// `progress` is told file by file.
pub fn check_incoming(
    git: &Git,
    codec: Codec,
    from: &str,
    to: &str,
    logs: Logs,
    progress: &mut dyn crate::progress::Progress,
) -> Result<Vec<Unusable>> {
    let found = changes(git, from, to)?;
    let mut steps = crate::progress::Steps::new(found.len(), progress);
    let mut unusable = Vec::new();
    // A practice encrypted or decrypted on the other device is said first.
    if let Some(why) = found.iter().filter(|c| c.path == IDENTITY_FILE).find_map(|c| other_side(codec, c)) {
        bail!(why);
    }
    for c in &found {
        steps.one();
        if super::held::parse(&c.path, codec.encrypted()).is_some() {
            let size = match &c.object {
                Some(o) => git.run(&["cat-file", "-s", o])?.parse().unwrap_or(u64::MAX),
                None => 0,
            };
            if size > bounds::FILE_BYTES {
                bail!(refused(&c.path, &format!("{}, larger than Rapport ever writes", bounds::size(size))));
            }
            continue;
        }
        let Some(part) = codec.part(&c.path) else {
            if let Some(why) = other_side(codec, c) {
                bail!(why);
            }
            // Removing a file is harmless, if it is one Rapport syncs at all.
            if c.object.is_none() && (part(&c.path, true).is_some() || part(&c.path, false).is_some()) {
                continue;
            }
            bail!(refused(&c.path, "not a file Rapport syncs"))
        };
        if matches!(part, Part::Ledger | Part::Audit) && c.object.is_none() {
            bail!(
                "the remote no longer holds {}, which only ever grows (it witnesses every finalised note); nothing \
                 was changed here. Check who can write to the remote",
                c.path
            );
        }
        let Some(object) = &c.object else { continue };
        let size: u64 = git.run(&["cat-file", "-s", object])?.parse().unwrap_or(u64::MAX);
        let limit = match part {
            Part::Client(_) | Part::Process(_) => bounds::FILE_BYTES,
            Part::Key => crypt::KEY_FILE_BYTES,
            _ => LOG_BYTES,
        };
        if size > limit {
            bail!(refused(&c.path, &format!("{}, larger than Rapport ever writes", bounds::size(size))));
        }
        match &part {
            Part::Client(stem) => {
                let bytes = git.run_bytes(&["cat-file", "blob", object])?;
                if let Err(why) = codec.record(&c.path, stem, &bytes) {
                    unusable.push(Unusable { stem: stem.clone(), why });
                }
            }
            Part::Key if !crypt::is_key_file(&git.run_bytes(&["cat-file", "blob", object])?) => {
                bail!(refused(&c.path, "not a key file locked by a passphrase"))
            }
            // What the remote may not change: how git treats the files.
            Part::Setup => {
                if let Some(why) = setup_refused(&c.path, &git.run_bytes(&["cat-file", "blob", object])?) {
                    bail!(why);
                }
            }
            Part::Process(stem) => {
                let bytes = git.run_bytes(&["cat-file", "blob", object])?;
                if let Err(why) = codec.process(stem, &bytes) {
                    bail!(cannot_use(&c.path, &why));
                }
            }
            Part::Ledger | Part::Audit => {
                if logs == Logs::Whole {
                    keeps_every_entry(git, codec, &part, [from, to], &c.path, object)?;
                }
                if codec.encrypted() {
                    check_log(git, codec, &part, from, &c.path, object)?;
                }
            }
            Part::Key => {}
        }
    }
    Ok(unusable)
}

/// What to say when the remote's practice is encrypted and this one is not,
/// or the other way round (a change brought by `rapport encrypt` or
/// `decrypt` on another device).
fn other_side(codec: Codec, c: &Change) -> Option<String> {
    let key = c.path == IDENTITY_FILE;
    if codec.encrypted() && key && c.object.is_none() {
        return Some(
            "the practice on the remote was decrypted on another device: its notes now travel in plain text. \
             Nothing was changed here. To go on syncing, `rapport decrypt` here too and run `rapport sync` again; \
             or keep this folder encrypted and stop syncing it"
                .into(),
        );
    }
    let theirs_encrypted = key || part(&c.path, true).is_some_and(|p| matches!(p, Part::Client(_)));
    if !codec.encrypted() && theirs_encrypted && c.object.is_some() {
        return Some(
            "the practice on the remote is encrypted (by `rapport encrypt` on another device). Nothing was changed \
             here. Move this data folder away and run `rapport sync clone REMOTE` into a new one"
                .into(),
        );
    }
    if codec.encrypted() && part(&c.path, false).is_some_and(|p| matches!(p, Part::Client(_))) && c.object.is_some() {
        return Some(refused(&c.path, "a plain client file in an encrypted practice"));
    }
    None
}

/// The ledger and the audit log only ever grow: the remote's version must
/// hold every entry of the version both devices started from (a ledger cut
/// short would unwitness the seals of finalised notes on every device),
/// but those of a client whose file `to` no longer holds: an erasure takes
/// the client's entries with their file, and travels so. Entries are
/// compared by what they say (the ledger's chain is laid again by a
/// merge, and lines are encrypted afresh).
fn keeps_every_entry(
    git: &Git,
    codec: Codec,
    part: &Part,
    [from, to]: [&str; 2],
    path: &str,
    object: &str,
) -> Result<()> {
    let Some(old) = git.blob(from, path)? else { return Ok(()) };
    let new = git.run_bytes(&["cat-file", "blob", object])?;
    let lost = if *part == Part::Ledger {
        crate::store::ledger::entries_lost(&old, &new, codec.keys())
    } else {
        crate::store::audit::entries_lost(&old, &new, codec.keys())
    };
    // Only an erasure takes entries out: its tombstone is in `to`'s ledger
    // and the client's file is gone from it.
    let ledger = git.blob(to, crate::store::ledger::LEDGER_FILE)?.unwrap_or_default();
    let mut erased = std::collections::BTreeMap::new();
    for client in &lost {
        if !erased.contains_key(client) {
            let gone = !client.is_empty()
                && git.blob(to, &codec.client_path(client))?.is_none()
                && crate::store::ledger::erased_in(&ledger, codec.keys(), client);
            erased.insert(client.clone(), gone);
        }
    }
    let lost = lost.iter().filter(|c| !erased[*c]).count();
    if lost > 0 {
        bail!(refused(
            path,
            &format!(
                "{} this device has {} missing from it; the ledger and the audit log only ever grow",
                if lost == 1 { "1 entry".to_string() } else { format!("{lost} entries") },
                if lost == 1 { "is" } else { "are" }
            )
        ));
    }
    Ok(())
}

/// Every line of an encrypted practice's log that `to` adds (line `path`
/// at `object`, compared with its version in `from`) must be ciphertext of
/// this practice's key; only a torn last line is let through, as on reading.
fn check_log(git: &Git, codec: Codec, part: &Part, from: &str, path: &str, object: &str) -> Result<()> {
    let old = git.blob(from, path)?.unwrap_or_default();
    let old: HashSet<&[u8]> = old.split(|b| *b == b'\n').collect();
    let new = git.run_bytes(&["cat-file", "blob", object])?;
    let lines: Vec<&[u8]> = new.split(|b| *b == b'\n').filter(|l| !l.trim_ascii().is_empty()).collect();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| !old.contains(*l)) {
        let text = String::from_utf8_lossy(l);
        let reads = match part {
            Part::Ledger => crate::store::ledger::reads_line(&text, codec.keys()),
            _ => crate::store::audit::reads_line(&text, codec.keys()),
        };
        if reads || i + 1 == lines.len() && !text.trim_start().starts_with('{') {
            continue;
        }
        let what = if text.trim_start().starts_with('{') { "in plain text" } else { "not of this practice's key" };
        bail!(refused(path, &format!("a log with a line {what} (line {})", i + 1)));
    }
    Ok(())
}

/// Why a client file cannot be used, in a few words for a sync message.
pub fn unreadable(e: &crate::store::StoreError) -> String {
    use crate::store::StoreError;
    match e {
        StoreError::Corrupt { line, column, message, .. } => {
            format!("it is not a readable client record (line {line}, column {column}: {message})")
        }
        StoreError::NewerSchema { found, .. } => format!(
            "it was written by a newer Rapport (format {found}; this one knows format {}): update Rapport on this \
             device",
            crate::domain::SCHEMA_VERSION
        ),
        StoreError::Damaged { reason, .. } => format!("it is damaged: {reason}"),
        other => other.to_string(),
    }
}

/// A client file from elsewhere must read (decrypted, in an encrypted
/// practice) as a record named for its file.
pub fn check_client(codec: Codec, path: &str, stem: &str, bytes: &[u8]) -> Result<crate::domain::ClientRecord> {
    codec.record(path, stem, bytes).map_err(|why| anyhow::anyhow!(cannot_use(path, &why)))
}

/// A client file from the remote that cannot be used, in words.
pub fn cannot_use(path: &str, why: &str) -> String {
    format!(
        "{path} as the remote has it cannot be used: {why}. Nothing was changed here; sync that device first, or \
         check who can write to the remote"
    )
}
