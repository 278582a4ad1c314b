//! A client whose two versions cannot be merged on this device is held
//! back, and never blocks the others. The merged practice keeps this
//! device's version of the client's file in place, and the other device's
//! version (with the one both started from) beside it in the repository,
//! under `held/`: never in the data folder, where nothing reads it. Every
//! sync, on every device, tries again to merge what is held: the first
//! device that can (one with a newer Rapport, say) merges the two, and the
//! hold is gone. Until then the sync, `sync status` and `doctor` name the
//! client and say what to do; `rapport sync keep-this CLIENT` lets the
//! held version go (it stays in the sync history).

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::trees;
use crate::domain::bounds;

/// Which held version a path under `held/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The other device's, that could not be merged.
    Other,
    /// The one both devices started from, for a three-way merge later.
    Base,
}

fn ext(encrypted: bool) -> &'static str {
    if encrypted { "age" } else { "json" }
}

/// The held version `v` of the client file named `stem`.
pub fn path(codec: Codec, stem: &str, v: Version) -> String {
    let ext = ext(codec.encrypted());
    match v {
        Version::Other => format!("held/{stem}.{ext}"),
        Version::Base => format!("held/{stem}.base.{ext}"),
    }
}

/// The client file (by its name) and version a path under `held/` is.
pub fn parse(path: &str, encrypted: bool) -> Option<(String, Version)> {
    let name = path.strip_prefix("held/")?.strip_suffix(&format!(".{}", ext(encrypted)))?;
    let (stem, v) = match name.strip_suffix(".base") {
        Some(stem) => (stem, Version::Base),
        None => (name, Version::Other),
    };
    bounds::is_valid_id(stem).then(|| (stem.to_string(), v))
}

/// Whether the repository path `path` is under `held/`.
pub fn is_held(path: &str) -> bool {
    path.starts_with("held/")
}

fn client_file(codec: Codec, stem: &str) -> String {
    format!("clients/{stem}.{}", ext(codec.encrypted()))
}

/// A client held back: the name it has here, and why the other version
/// could not be merged, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub name: String,
    pub why: String,
}

impl Held {
    /// What the sync and `doctor` say of it.
    pub fn describe(&self) -> String {
        format!(
            "{} is held back: {}. This device's version is kept and synced; the other device's is kept beside it, \
             and the first sync that can merge the two does. If nothing of it is needed, `rapport sync keep-this \
             \"{}\"` lets it go.",
            crate::sanitize::visible(&self.name),
            self.why,
            crate::sanitize::visible(&self.name)
        )
    }
}

/// Holds back, in the merged tree `tree`, the client files named `stems`:
/// this device's version (`head`'s) stays in place, the other's (`theirs`)
/// and the one both started from (`base`) go under `held/`.
pub fn hold(git: &Git, codec: Codec, [base, head, theirs]: [&str; 3], tree: &str, stems: &[String]) -> Result<String> {
    let mut edits = Vec::new();
    for stem in stems {
        let client = client_file(codec, stem);
        edits.push((path(codec, stem, Version::Other), git.blob(theirs, &client)?));
        edits.push((path(codec, stem, Version::Base), git.blob(base, &client)?));
        let here = git.blob(head, &client)?;
        edits.push((client, here));
    }
    trees::edit(git, tree, &edits)
}

/// The client files (by name) with a version held in `rev` (a commit or
/// a tree), and any other path under `held/`.
fn listed(git: &Git, codec: Codec, rev: &str) -> Result<Vec<(String, Option<Version>)>> {
    let out = match git.output(&["ls-tree", "-z", "--name-only", rev, "held/"], None)? {
        Ok(out) => out,
        Err(_) => return Ok(Vec::new()),
    };
    Ok(out
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = String::from_utf8_lossy(p).into_owned();
            match parse(&p, codec.encrypted()) {
                Some((stem, v)) => (stem, Some(v)),
                None => (p, None),
            }
        })
        .collect())
}

/// Merges in, in `tree`, every version held there that this device can
/// merge: the tree, and what is still held. The seals the merges lay anew
/// are noted for the ledger.
pub fn settle(git: &Git, codec: Codec, tree: &str, now: NaiveDateTime) -> Result<(String, Vec<Held>)> {
    let listed = listed(git, codec, tree)?;
    let mut edits: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    let mut still = Vec::new();
    for (stem, v) in &listed {
        match v {
            Some(Version::Other) => {}
            // A base whose held version is gone; and nothing else belongs here.
            Some(Version::Base) if listed.contains(&(stem.clone(), Some(Version::Other))) => continue,
            Some(Version::Base) => {
                edits.push((path(codec, stem, Version::Base), None));
                continue;
            }
            None => {
                edits.push((stem.clone(), None));
                continue;
            }
        }
        match merged(git, codec, tree, stem, now)? {
            Ok((bytes, seals)) => {
                super::driver::note_rewitness(git.root(), stem, &seals)?;
                edits.push((client_file(codec, stem), Some(bytes)));
                edits.push((path(codec, stem, Version::Other), None));
                edits.push((path(codec, stem, Version::Base), None));
            }
            Err(held) => still.push(held),
        }
    }
    let tree = if edits.is_empty() { tree.to_string() } else { trees::edit(git, tree, &edits)? };
    Ok((tree, still))
}

type Seals = Vec<(crate::domain::SessionId, String)>;

/// The merge of the held version of client file `stem` in `tree` with the
/// one in place, and the seals it lays anew; or why it cannot be made.
fn merged(
    git: &Git,
    codec: Codec,
    tree: &str,
    stem: &str,
    now: NaiveDateTime,
) -> Result<Result<(Vec<u8>, Seals), Held>> {
    let client = client_file(codec, stem);
    let ours = git.blob(tree, &client)?;
    let other = git.blob(tree, &path(codec, stem, Version::Other))?.unwrap_or_default();
    let base = git.blob(tree, &path(codec, stem, Version::Base))?;
    let read = |bytes: &[u8]| codec.record(&client, stem, bytes);
    let ours_read = ours.as_deref().map(read);
    let name = match &ours_read {
        Some(Ok(r)) => r.client.name.clone(),
        Some(Err(_)) => format!("The client whose file is {client}"),
        None => format!("A client new on the other device (file {client})"),
    };
    let held = |why: String| Ok(Err(Held { name: name.clone(), why }));
    let theirs = match read(&other) {
        Ok(r) => r,
        Err(why) => return held(format!("the other device's version cannot be used here, as {why}")),
    };
    let Some(ours_read) = ours_read else { return Ok(Ok((other.clone(), Vec::new()))) };
    let ours_rec = match ours_read {
        Ok(r) => r,
        Err(why) => return held(format!("this device's version cannot be used, as {why}")),
    };
    let base = base.and_then(|b| read(&b).ok());
    match crate::domain::merge::merge(base.as_ref(), &ours_rec, &theirs, now) {
        Ok(m) => {
            let bytes = codec.client_bytes(&m.record, &[ours.as_deref().unwrap_or_default(), &other]);
            Ok(Ok((bytes, m.rewitness)))
        }
        Err(e) => held(format!("the two versions could not be merged ({e})")),
    }
}

/// Settles what commit `head` holds (see [`settle`]): a new commit on top
/// of it when anything was merged in.
pub fn settle_commit(git: &Git, codec: Codec, head: &str, now: NaiveDateTime) -> Result<Option<String>> {
    if listed(git, codec, head)?.is_empty() {
        return Ok(None);
    }
    let tree = git.run(&["rev-parse", &format!("{head}^{{tree}}")])?;
    let (settled, _) = settle(git, codec, &tree, now)?;
    if settled == tree {
        return Ok(None);
    }
    let message = format!("Rapport on {}, {}: held versions merged", super::host_name(), now.format("%Y-%m-%d %H:%M"));
    Ok(Some(git.run(&["commit-tree", "--no-gpg-sign", &settled, "-p", head, "-m", &message])?))
}

/// What `rev` still holds back, without writing anything.
pub fn still(git: &Git, codec: Codec, rev: &str, now: NaiveDateTime) -> Result<Vec<Held>> {
    let mut still = Vec::new();
    for (stem, v) in listed(git, codec, rev)? {
        if v == Some(Version::Other)
            && let Err(held) = merged(git, codec, rev, &stem, now)?
        {
            still.push(held);
        }
    }
    Ok(still)
}

/// `rapport sync keep-this`: lets go the version held for client `id`
/// (this device's stays, and goes out with the next sync): a new commit on
/// top of `head`.
pub fn let_go(git: &Git, codec: Codec, head: &str, id: &str, now: NaiveDateTime) -> Result<String> {
    let stem = match codec.keys() {
        None => id.to_string(),
        Some(k) => k.stem(id),
    };
    let edits = [(path(codec, &stem, Version::Other), None), (path(codec, &stem, Version::Base), None)];
    if git.blob(head, &edits[0].0)?.is_none() {
        bail!("nothing is held back for this client; `rapport sync status` lists what is");
    }
    let tree = git.run(&["rev-parse", &format!("{head}^{{tree}}")])?;
    let tree = trees::edit(git, &tree, &edits)?;
    let message = format!("Rapport on {}, {}: held version let go", super::host_name(), now.format("%Y-%m-%d %H:%M"));
    git.run(&["commit-tree", "--no-gpg-sign", &tree, "-p", head, "-m", &message])
}
