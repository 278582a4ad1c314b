//! One look at where the folder stands against the last sync, shared by
//! every guard that runs before a commit (a sealed note, a removed file,
//! the logs, an older copy) and by the commit itself: git is asked once
//! what changed (`git diff --name-status` of the last commit against the
//! folder) and once what its index lists, rather than once for each guard.
//! With nothing changed, nothing is staged or committed.

use std::collections::BTreeSet;

use anyhow::{Result, bail};

use super::git::Git;

/// What changed in the folder since the last commit.
#[derive(Debug, Clone, Default)]
pub struct Look {
    /// The last commit; None before the first.
    pub head: Option<String>,
    /// Each path of the record that differs between the last commit and
    /// the folder (all but `held/`, which is only ever in git), with
    /// whether it was removed from the folder.
    pub changed: Vec<Changed>,
    /// Every path git's index lists.
    pub listed: BTreeSet<String>,
    /// Some entry of git's index is marked for git not to look at the file
    /// (`assume-unchanged`, `skip-worktree`, set by hand): what git says
    /// changed may then not be all, so the guards look for themselves.
    pub blinkered: bool,
}

/// A path that differs from the last commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub path: String,
    /// Gone from the folder (or from git's index).
    pub removed: bool,
}

impl Look {
    /// Asks git (two commands) where the folder stands.
    pub fn take(git: &Git) -> Result<Look> {
        let head = git.head()?;
        // `-v` marks each path: `H` for one git looks at as usual.
        let out = git.run_bytes(&["ls-files", "-z", "-v"])?;
        let mut listed = BTreeSet::new();
        let mut blinkered = false;
        for entry in out.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let (tag, path) = entry.split_at(entry.len().min(2));
            blinkered |= tag != b"H ";
            listed.insert(String::from_utf8_lossy(path).into_owned());
        }
        let Some(commit) = &head else {
            return Ok(Look { head, changed: Vec::new(), listed, blinkered });
        };
        let out = match git
            .output(&["diff", "--name-status", "-z", "--no-renames", commit, "--", ".", ":(exclude,top)held/"], None)?
        {
            Ok(out) => out,
            Err(f) => bail!("git could not say what changed in the folder: {}", f.said()),
        };
        let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty());
        let mut changed = Vec::new();
        while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
            changed.push(Changed { path: String::from_utf8_lossy(path).into_owned(), removed: status == b"D" });
        }
        Ok(Look { head, changed, listed, blinkered })
    }

    /// The paths under `dirs` (`clients/`, …) or named in `dirs` that
    /// changed and are still in the folder.
    pub fn modified<'a>(&'a self, dirs: &'a [&str]) -> impl Iterator<Item = &'a str> {
        self.under(dirs).filter(|c| !c.removed).map(|c| c.path.as_str())
    }

    /// The paths under `dirs` that the last commit holds and the folder
    /// (or git's index) does not.
    pub fn removed<'a>(&'a self, dirs: &'a [&str]) -> impl Iterator<Item = &'a str> {
        self.under(dirs).filter(|c| c.removed).map(|c| c.path.as_str())
    }

    /// Whether `path` differs from the last commit.
    pub fn has_changed(&self, path: &str) -> bool {
        self.changed.iter().any(|c| c.path == path)
    }

    fn under<'a>(&'a self, dirs: &'a [&str]) -> impl Iterator<Item = &'a Changed> {
        self.changed.iter().filter(move |c| {
            dirs.iter().any(|d| match d.strip_suffix('/') {
                Some(dir) => c.path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/')),
                None => c.path == *d,
            })
        })
    }
}
