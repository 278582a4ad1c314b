//! A new history for a practice encrypted after it was synced (`rapport
//! encrypt --new-history`): its git history holds every note in plain text,
//! here and on the remote, and encrypting the files takes none of it back.
//! So the history is replaced by one commit holding only ciphertext, the
//! old one is removed from this device's repository, and the new one is
//! pushed over the remote's branch.
//!
//! `DATA/.git/rapport/new-history` is written before anything changes and
//! removed once the remote holds the new history; it holds the remote
//! commit this device last synced with, so a push never drops, unasked,
//! what another device sent since. While it is there `rapport sync`
//! refuses, and `rapport encrypt --new-history` finishes the work.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::{BRANCH, state, work};
use crate::store::atomic::{create_private_dir, write_atomic};
use crate::store::crypt::Keys;

fn mark(root: &Path) -> PathBuf {
    state::dir(root).join("new-history")
}

/// Why `rapport sync` must wait, while a new history is unfinished.
pub fn unfinished(root: &Path) -> Option<String> {
    mark(root).exists().then(|| {
        "this practice's history is being replaced by one holding only ciphertext, and that is not finished: run \
         `rapport encrypt --new-history` again to finish it (nothing is synced until then)"
            .to_string()
    })
}

/// The remote commit this device last synced with, as the mark keeps it
/// (None: the remote held nothing).
fn lease(root: &Path) -> Option<String> {
    let bytes = crate::store::files::read_regular(&mark(root), 256).ok()?;
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Notes that a new history is begun, before anything is changed.
pub fn begin(root: &Path) -> Result<()> {
    let git = Git::new(root);
    let synced_with = git.commit(&format!("refs/remotes/origin/{BRANCH}"))?.unwrap_or_default();
    create_private_dir(&state::dir(root))?;
    write_atomic(&mark(root), format!("{synced_with}\n").as_bytes())
}

/// Replaces this device's history with one commit of what the folder now
/// holds (only ciphertext: [`work::commit_local`] refuses anything plain in
/// an encrypted practice), and removes every old commit and file version
/// from the repository. Safe to run again.
pub fn replace(root: &Path, keys: &Keys, now: NaiveDateTime) -> Result<()> {
    let git = Git::new(root);
    super::tracked::write_setup(root)?;
    let refs = git.run(&["for-each-ref", "--format=%(refname)"])?;
    for r in refs.lines().filter(|r| !r.is_empty()) {
        git.run(&["update-ref", "-d", r])?;
    }
    for f in ["ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD"] {
        let _ = std::fs::remove_file(git.dir().join(f));
    }
    git.run(&["read-tree", "--empty"])?;
    // The branch is unborn now: this is the first commit of the new history.
    work::commit_local(&git, Codec::new(Some(keys)), now, None)?;
    git.run(&["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"])?;
    git.run(&["gc", "-q", "--prune=now"])?;
    Ok(())
}

/// What the remote's branch points at now, read without fetching it (its
/// objects are the old history).
fn remote_head(git: &Git) -> Result<Option<String>> {
    let branch = format!("refs/heads/{BRANCH}");
    match git.output(&["ls-remote", "origin", &branch], None)? {
        Ok(out) => Ok(String::from_utf8_lossy(&out).split_whitespace().next().map(str::to_string)),
        Err(f) => bail!(
            "the remote could not be reached (git said: {}). This folder is encrypted and its own history \
             replaced; run `rapport encrypt --new-history` again when the remote can be reached, to replace the \
             remote's",
            f.said()
        ),
    }
}

/// What pushing the new history found.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The remote's branch holds the new history now.
    Done,
    /// The remote holds commits another device sent after this device
    /// last synced: `replace_anyway` was asked and said no.
    Kept,
}

/// Pushes the new history over the remote's branch. When the remote moved
/// on since this device last synced, `replace_anyway` is asked first.
pub fn push(root: &Path, now: NaiveDateTime, replace_anyway: &mut dyn FnMut() -> Result<bool>) -> Result<Pushed> {
    let git = Git::new(root);
    let there = remote_head(&git)?;
    if there.is_some() && there != lease(root) && !replace_anyway()? {
        return Ok(Pushed::Kept);
    }
    let branch = format!("refs/heads/{BRANCH}");
    let lease = format!("--force-with-lease={branch}:{}", there.unwrap_or_default());
    let pushed = git.output(&["push", "--porcelain", &lease, "origin", &format!("HEAD:{branch}")], None)?;
    if let Err(f) = pushed {
        bail!(
            "the remote refused the new history or could not be reached (git said: {}). This folder is encrypted \
             and its own history replaced; run `rapport encrypt --new-history` again to replace the remote's",
            f.said()
        );
    }
    let _ = git.output(&["fetch", "-q", "origin"], None);
    state::set_last_sync(root, now)?;
    std::fs::remove_file(mark(root))
        .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })?;
    Ok(Pushed::Done)
}
