//! The data folder as git's working tree: this device's changes committed,
//! and another version of the practice written in, file by file, through
//! the store's one atomic write (owner-only, all or nothing), never by
//! `git checkout`.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::tracked::{self, Part};
use super::{BRANCH, host_name};

/// Commits every change to the synced files; whether there was any. A client file that cannot be read is not committed and
/// stops the sync (a merge could otherwise write over its changes), and so
/// does, in an encrypted practice, a log with a plain line. With `look`,
/// taken since the last commit with nothing written after it but what the
/// guards wrote for what it found, git is not asked again what it lists,
/// and nothing is staged when it found nothing changed and no new file.
pub fn commit_local(git: &Git, codec: Codec, now: NaiveDateTime, look: Option<&Look>) -> Result<bool> {
    // The first process note makes the setup files name `process/`.
    tracked::write_setup(git.root())?;
    let look = look.filter(|l| !l.blinkered);
    let on_disk: BTreeSet<String> = tracked::on_disk(git.root()).into_iter().collect();
    let listed = match look {
        Some(look) => look.listed.clone(),
        None => ls_files(git)?,
    };
    // Versions held back are only in git, never in the folder; and this
    // device's key file never goes back over one from the remote that
    // waits to be accepted.
    let key_waits = super::key::pending(git.root());
    let stays = |p: &String| {
        let key_waiting = key_waits && p == crate::store::crypt::IDENTITY_FILE;
        !super::held::is_held(p) && !key_waiting
    };
    let new_here: BTreeSet<&String> = on_disk.iter().filter(|p| stays(p) && !listed.contains(*p)).collect();
    if look.is_some_and(|l| l.changed.is_empty()) && new_here.is_empty() {
        return Ok(false);
    }
    // The folders of the record whole (git stats only what changed, with
    // its index and untracked cache), and each file at the top by name.
    let mut spec: BTreeSet<String> = BTreeSet::new();
    for p in on_disk.iter().chain(&listed).filter(|p| stays(p)) {
        spec.insert(match p.split_once('/') {
            Some((dir @ ("clients" | "process"), _)) => dir.to_string(),
            _ => p.clone(),
        });
    }
    let add = |spec: &BTreeSet<String>| -> Result<()> {
        let spec: Vec<u8> = spec.iter().flat_map(|p| format!(":(literal){p}\0").into_bytes()).collect();
        if let Err(f) = git.output(&["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], Some(&spec))? {
            bail!("git could not take this device's changes: {}", f.said());
        }
        Ok(())
    };
    add(&spec)?;
    // A file of the record git left out of a folder (an ignore rule from
    // elsewhere) is named to git: it takes it, or says why not. Only a
    // file git did not list before can have been left out.
    if !new_here.is_empty() {
        let listed = ls_files(git)?;
        let left_out: BTreeSet<String> = new_here.into_iter().filter(|p| !listed.contains(*p)).cloned().collect();
        if !left_out.is_empty() {
            add(&left_out)?;
        }
    }
    let staged = git.run_bytes(&["diff", "--cached", "--name-only", "-z", "--no-renames"])?;
    let staged: Vec<String> =
        staged.split(|b| *b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    if staged.is_empty() {
        return Ok(false);
    }
    let mut held_here = Vec::new();
    let mut held_here_process = 0;
    // Only the record's own files: anything else a folder holds (a file
    // named as no client is) is never committed.
    let (staged, foreign): (Vec<String>, Vec<String>) =
        staged.into_iter().partition(|p| codec.part(p).is_some() || super::held::is_held(p));
    for path in &foreign {
        let _ = git.output(&["reset", "-q", "--", &format!(":(literal){path}")], None);
    }
    if staged.is_empty() {
        return Ok(false);
    }
    for path in &staged {
        let why = match codec.part(path) {
            Some(Part::Client(stem)) => {
                let Ok(bytes) =
                    crate::store::files::read_regular(&git.root().join(path), crate::domain::bounds::FILE_BYTES)
                else {
                    continue;
                };
                if codec.record(path, &stem, &bytes).is_err() {
                    // Held back, not committed over the version in git:
                    // the rest is synced (see `held.rs`).
                    let _ = git.output(&["reset", "-q", "--", &format!(":(literal){path}")], None);
                    held_here.push((stem, bytes));
                }
                continue;
            }
            // Process notes this device cannot read are not sent (`doctor`
            // names the file); the rest syncs.
            Some(Part::Process(stem)) => {
                let file = git.root().join(path);
                let removed = file.symlink_metadata().is_err();
                let readable = crate::store::files::read_regular(&file, crate::domain::bounds::FILE_BYTES)
                    .is_ok_and(|bytes| codec.process(&stem, &bytes).is_ok());
                if !removed && !readable {
                    held_here_process += 1;
                    let _ = git.output(&["reset", "-q", "--", &format!(":(literal){path}")], None);
                }
                continue;
            }
            Some(Part::Ledger | Part::Audit) if codec.encrypted() => {
                let bytes = crate::store::files::read_file(git.root().join(path)).unwrap_or_default();
                if !bytes.split(|b| *b == b'\n').any(|l| l.trim_ascii_start().starts_with(b"{")) {
                    continue;
                }
                "it holds lines in plain text in an encrypted practice (`rapport encrypt` run again encrypts them)"
                    .to_string()
            }
            _ => continue,
        };
        let _ = git.output(&["reset", "-q", "--", &format!(":(literal){path}")], None);
        bail!(
            "{path} cannot be synced: {why}. Nothing was synced; `rapport doctor` says more. Put the file right \
             and run `rapport sync` again"
        );
    }
    let committed = staged.len() - held_here.len() - held_here_process;
    if committed > 0 {
        let message = format!(
            "Rapport on {}, {}: {}",
            host_name(),
            now.format("%Y-%m-%d %H:%M"),
            crate::domain::plural(committed, "file")
        );
        if let Err(f) = git.output(&["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", &message], None)? {
            bail!("git could not commit this device's changes: {}", f.said());
        }
    }
    if !held_here.is_empty()
        && let Some(head) = git.commit("HEAD")?
        && let Some(next) = super::held::hold_here(git, codec, &head, &held_here, now)?
    {
        move_branch(git, &next, Some(&head))?;
        return Ok(true);
    }
    Ok(committed > 0)
}

/// Every path git's index lists.
fn ls_files(git: &Git) -> Result<BTreeSet<String>> {
    let listed = git.run_bytes(&["ls-files", "-z"])?;
    Ok(listed.split(|b| *b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect())
}

/// The empty tree, to compare a first version with.
pub fn empty_tree(git: &Git) -> Result<String> {
    match git.output(&["hash-object", "-t", "tree", "--stdin"], Some(b""))? {
        Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
        Err(f) => bail!("git could not name the empty tree: {}", f.said()),
    }
}

/// Writes into the folder every file that differs between `from` (the
/// commit the folder holds, or the empty tree) and `to`, then moves the
/// branch to `to`. A kill part way leaves each file whole, old or new; the
/// next sync commits the new ones as this device's and merges again.
pub fn checkout(git: &Git, from: &str, to: &str, old_branch: Option<&str>) -> Result<()> {
    let root = git.root();
    let changes = tracked::changes(git, from, to)?;
    // Versions held back stay in git: nothing in the folder reads them.
    // A client file here that could not be committed (this device cannot
    // read it) is never written over, but by a merge of it.
    let changes: Vec<_> = changes
        .into_iter()
        .filter(|c| !super::held::is_held(&c.path))
        .filter(|c| super::held::may_write_over(git, from, to, &c.path))
        .collect();
    for c in changes.iter().filter(|c| c.object.is_some()) {
        let object = c.object.as_deref().expect("written");
        let bytes = git.run_bytes(&["cat-file", "blob", object])?;
        // A key file from the remote is kept aside until it is accepted.
        if c.path == crate::store::crypt::IDENTITY_FILE {
            super::key::arrived(root, &bytes)?;
            continue;
        }
        crate::store::synced::put(root, &c.path, &bytes)?;
    }
    for c in changes.iter().filter(|c| c.object.is_none()) {
        crate::store::synced::remove(root, &c.path)?;
    }
    move_branch(git, to, old_branch)
}

/// Points the branch at `to` (only if it still points at `old`) and the
/// index with it, leaving the folder's files as they are. A mark in
/// `.git/rapport/` says so meanwhile: a move cut short (a kill between the
/// two) leaves git's index behind the branch, which the next sync puts
/// right before it looks at the folder (see [`finish_moving`]).
pub fn move_branch(git: &Git, to: &str, old: Option<&str>) -> Result<()> {
    let mark = moving_mark(git);
    crate::store::atomic::create_private_dir(&super::state::dir(git.root()))?;
    crate::store::atomic::write_atomic(&mark, format!("{to}\n").as_bytes())?;
    let branch = format!("refs/heads/{BRANCH}");
    let mut args = vec!["update-ref", "-m", "rapport sync", branch.as_str(), to];
    if let Some(old) = old {
        args.push(old);
    }
    git.run(&args)?;
    git.run(&["reset", "-q"])?;
    let _ = git.output(&["update-index", "-q", "--refresh"], None)?;
    remove_if_there(&mark)
}

/// Finishes a move of the branch cut short (see [`move_branch`]): git's
/// index is made the branch's again, so that it stages nothing but what
/// changed in the folder. Call under the folder's lock.
pub fn finish_moving(git: &Git) -> Result<()> {
    let mark = moving_mark(git);
    if mark.symlink_metadata().is_err() {
        return Ok(());
    }
    git.run(&["reset", "-q"])?;
    remove_if_there(&mark)
}

fn moving_mark(git: &Git) -> std::path::PathBuf {
    super::state::dir(git.root()).join("moving-branch")
}

fn remove_if_there(path: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// How many notes (sessions) the client files of `to` hold that those of
/// `from` (none: an empty practice) do not, how many more conflicts (and of
/// those, finalised notes), and how many client records changed without a
/// new note.
pub fn notes_between(git: &Git, codec: Codec, from: Option<&str>, to: &str) -> Result<(usize, usize, usize, usize)> {
    let base = match from {
        Some(f) => f.to_string(),
        None => empty_tree(git)?,
    };
    let (mut notes, mut conflicts, mut finalised, mut records) = (0, 0, 0, 0);
    let clients: Vec<(String, String)> = tracked::changes(git, &base, to)?
        .into_iter()
        .filter_map(|c| match codec.part(&c.path) {
            Some(Part::Client(stem)) => Some((c.path, stem)),
            _ => None,
        })
        .collect();
    // Both versions of each client file, with one git for a few dozen
    // files (a few MB at most in memory).
    for chunk in clients.chunks(64) {
        let mut specs = Vec::new();
        for (path, _) in chunk {
            specs.push(format!("{to}:{path}"));
            if let Some(from) = from {
                specs.push(format!("{from}:{path}"));
            }
        }
        let mut blobs = git.blobs(&specs)?.into_iter();
        for (path, stem) in chunk {
            let after = blobs.next().flatten();
            let before = if from.is_some() { blobs.next().flatten() } else { None };
            let read = |bytes: Option<Vec<u8>>| codec.record(path, stem, &bytes?).ok();
            let (Some(after), before) = (read(after), read(before)) else { continue };
            let had = |id: &str| before.as_ref().is_some_and(|b| b.sessions.iter().any(|s| s.id.as_str() == id));
            let new = after.sessions.iter().filter(|s| !had(s.id.as_str())).count();
            notes += new;
            // A record changed otherwise: a task, a detail, an appointment.
            records += usize::from(new == 0);
            let new_conflicts: Vec<_> =
                after.conflicts.iter().filter(|c| !before.as_ref().is_some_and(|b| b.conflicts.contains(c))).collect();
            conflicts += new_conflicts.len();
            finalised += new_conflicts.iter().filter(|c| c.kind == crate::domain::ConflictKind::Finalised).count();
        }
    }
    Ok((notes, conflicts, finalised, records))
}
