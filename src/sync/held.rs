//! A client whose two versions cannot be merged on this device is held
//! back, and never blocks the others. The merged practice keeps this
//! device's version of the client's file in place, and the other device's
//! version (with the one both started from) beside it in the repository,
//! under `held/`: never in the data folder, where nothing reads it. Every
//! sync, on every device, tries again to merge what is held: the first
//! device that can (one with a newer Rapport, say) merges the two, and the
//! hold is gone. Each held version is named by its content, so a second
//! one never takes the place of the first; a client erased meanwhile takes
//! their held versions with them. Until then the sync, `sync status` and `doctor` name the
//! client and say what to do; `rapport sync keep-this CLIENT` lets the
//! held version go (it stays in the sync history).

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::trees;
use crate::domain::bounds;

/// Which file of a held version a path under `held/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// The other device's, that could not be merged.
    Other,
    /// The one both devices started from, for a three-way merge later.
    Base,
}

fn ext(encrypted: bool) -> &'static str {
    if encrypted { "age" } else { "json" }
}

/// The length of the mark that names a held version by its content.
const TAG_LEN: usize = 12;

/// The mark of held version `bytes`: the start of its SHA-256, in hex.
fn tag(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))[..TAG_LEN].to_string()
}

/// The file `v` of the held version `tag` of the client file `stem`.
pub fn path(codec: Codec, stem: &str, tag: &str, v: Version) -> String {
    let ext = ext(codec.encrypted());
    match v {
        Version::Other => format!("held/{stem}.{tag}.{ext}"),
        Version::Base => format!("held/{stem}.{tag}.base.{ext}"),
    }
}

/// A path under `held/`: the client file (by name), the held version's
/// mark, and which file of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HeldFile {
    pub stem: String,
    pub tag: String,
    pub version: Version,
}

/// What a path under `held/` is, if Rapport could have written it.
pub fn parse(path: &str, encrypted: bool) -> Option<HeldFile> {
    let name = path.strip_prefix("held/")?.strip_suffix(&format!(".{}", ext(encrypted)))?;
    let (name, version) = match name.strip_suffix(".base") {
        Some(name) => (name, Version::Base),
        None => (name, Version::Other),
    };
    let (stem, tag) = name.rsplit_once('.')?;
    let tag_ok = tag.len() == TAG_LEN && tag.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (bounds::is_valid_id(stem) && tag_ok).then(|| HeldFile { stem: stem.to_string(), tag: tag.to_string(), version })
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
    /// The client's name here; None when this device has no readable
    /// version of the record.
    pub name: Option<String>,
    /// The name of the client's file (their id, or its keyed hash).
    pub stem: String,
    pub why: String,
}

impl Held {
    /// What the sync and `doctor` say of it.
    pub fn describe(&self) -> String {
        let (who, named) = match &self.name {
            Some(name) => (crate::sanitize::visible(name).into_owned(), crate::sanitize::visible(name).into_owned()),
            None => (format!("The client whose file is clients/{}", self.stem), self.stem.clone()),
        };
        format!(
            "{who} is held back: {}. This device's version is kept and synced; the other device's is kept beside it, \
             and the first sync that can merge the two does. If nothing of it is needed, `rapport sync keep-this \
             \"{named}\"` lets it go (it stays in the sync history).",
            self.why,
        )
    }
}

/// Holds back, in the merged tree `tree`, the client files named `stems`:
/// this device's version (`head`'s) stays in place, the other's (`theirs`)
/// and the one both started from (`base`) go under `held/`, beside any
/// version held before.
pub fn hold(git: &Git, codec: Codec, [base, head, theirs]: [&str; 3], tree: &str, stems: &[String]) -> Result<String> {
    let mut edits = Vec::new();
    for stem in stems {
        let client = client_file(codec, stem);
        if let Some(other) = git.blob(theirs, &client)? {
            let tag = tag(&other);
            edits.push((path(codec, stem, &tag, Version::Base), git.blob(base, &client)?));
            edits.push((path(codec, stem, &tag, Version::Other), Some(other)));
        }
        let here = git.blob(head, &client)?;
        edits.push((client, here));
    }
    trees::edit(git, tree, &edits)
}

/// Every path under `held/` in `rev` (a commit or a tree), as Rapport
/// names them, or as the path itself when it is not one.
fn listed(git: &Git, codec: Codec, rev: &str) -> Result<Vec<Result<HeldFile, String>>> {
    let out = match git.output(&["ls-tree", "-z", "--name-only", rev, "held/"], None)? {
        Ok(out) => out,
        Err(_) => return Ok(Vec::new()),
    };
    let mut found: Vec<Result<HeldFile, String>> = out
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = String::from_utf8_lossy(p).into_owned();
            parse(&p, codec.encrypted()).ok_or(p)
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Whether the client whose file is named `stem` was erased in `tree`
/// (their tombstone is in its ledger). In an encrypted practice the name
/// is a keyed hash: the id is read from a held base version.
fn erased(git: &Git, codec: Codec, tree: &str, ledger: &[u8], stem: &str, files: &[&HeldFile]) -> Result<bool> {
    if !codec.encrypted() {
        return Ok(crate::store::ledger::erased_in(ledger, None, stem));
    }
    for f in files.iter().filter(|f| f.version == Version::Base) {
        let Some(bytes) = git.blob(tree, &path(codec, stem, &f.tag, Version::Base))? else { continue };
        if let Ok(r) = codec.record(&client_file(codec, stem), stem, &bytes) {
            return Ok(crate::store::ledger::erased_in(ledger, codec.keys(), r.client.id.as_str()));
        }
    }
    Ok(false)
}

/// Merges in, in `tree`, every version held there that this device can
/// merge, one after the other: the tree, and what is still held. The seals
/// the merges lay anew are noted for the ledger. The held versions of a
/// client erased since go with them; a base whose version is gone, and
/// anything else under `held/`, goes too.
pub fn settle(git: &Git, codec: Codec, tree: &str, now: NaiveDateTime) -> Result<(String, Vec<Held>)> {
    let (mut edits, still) = trial(git, codec, tree, now, true)?;
    if edits.is_empty() {
        return Ok((tree.to_string(), still));
    }
    edits.dedup_by(|a, b| a.0 == b.0);
    Ok((trees::edit(git, tree, &edits)?, still))
}

type Edits = Vec<(String, Option<Vec<u8>>)>;

/// What [`settle`] would change in `tree`, and what stays held; with
/// `note`, the seals laid anew are noted for the ledger.
fn trial(git: &Git, codec: Codec, tree: &str, now: NaiveDateTime, note: bool) -> Result<(Edits, Vec<Held>)> {
    let listed = listed(git, codec, tree)?;
    let mut edits: Edits = Vec::new();
    let mut still = Vec::new();
    let mut erased_stems = Vec::new();
    let mut stems: Vec<&str> = listed.iter().flatten().map(|f| f.stem.as_str()).collect();
    stems.dedup();
    // Read once for every held client.
    let ledger = git.blob(tree, crate::store::ledger::LEDGER_FILE)?.unwrap_or_default();
    for stem in stems {
        // A client file gone, and a tombstone: erased, held versions and all.
        let files: Vec<&HeldFile> = listed.iter().flatten().filter(|f| f.stem == stem).collect();
        if git.blob(tree, &client_file(codec, stem))?.is_none() && erased(git, codec, tree, &ledger, stem, &files)? {
            erased_stems.push(stem.to_string());
        }
    }
    let mut by_stem: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for found in &listed {
        match found {
            Err(other) => edits.push((other.clone(), None)),
            Ok(f) if erased_stems.contains(&f.stem) => {
                edits.push((path(codec, &f.stem, &f.tag, f.version), None));
            }
            Ok(f) if f.version == Version::Other => by_stem.entry(&f.stem).or_default().push(&f.tag),
            Ok(f) => {
                let other = HeldFile { version: Version::Other, ..f.clone() };
                if !listed.contains(&Ok(other)) {
                    edits.push((path(codec, &f.stem, &f.tag, Version::Base), None));
                }
            }
        }
    }
    for (stem, tags) in by_stem {
        let client = client_file(codec, stem);
        let mut ours = git.blob(tree, &client)?;
        let first = ours.clone();
        for tag in tags {
            let other = git.blob(tree, &path(codec, stem, tag, Version::Other))?.unwrap_or_default();
            let base = git.blob(tree, &path(codec, stem, tag, Version::Base))?;
            match merged(codec, stem, base, ours.as_deref(), &other, now) {
                Ok((bytes, seals)) => {
                    if note {
                        super::driver::note_rewitness(git.root(), stem, &seals)?;
                    }
                    ours = Some(bytes);
                    edits.push((path(codec, stem, tag, Version::Other), None));
                    edits.push((path(codec, stem, tag, Version::Base), None));
                }
                Err(held) => still.push(held),
            }
        }
        if ours != first {
            edits.push((client, ours));
        }
    }
    Ok((edits, still))
}

type Seals = Vec<(crate::domain::SessionId, String)>;

/// The merge of held version `other` of client file `stem` (with the
/// version both started from, `base`) into the one in place, `ours`, and
/// the seals it lays anew; or why it cannot be made.
fn merged(
    codec: Codec,
    stem: &str,
    base: Option<Vec<u8>>,
    ours: Option<&[u8]>,
    other: &[u8],
    now: NaiveDateTime,
) -> Result<(Vec<u8>, Seals), Held> {
    let client = client_file(codec, stem);
    let read = |bytes: &[u8]| codec.record(&client, stem, bytes);
    let ours_read = ours.map(read);
    let name = match &ours_read {
        Some(Ok(r)) => Some(r.client.name.clone()),
        _ => None,
    };
    let held = |why: String| Err(Held { name: name.clone(), stem: stem.to_string(), why });
    let theirs = match read(other) {
        Ok(r) => r,
        Err(why) => {
            return held(format!(
                "one version of the record (from this device or another) cannot be used here, as {why}"
            ));
        }
    };
    let (Some(ours), Some(ours_read)) = (ours, ours_read) else { return Ok((other.to_vec(), Vec::new())) };
    let ours_rec = match ours_read {
        Ok(r) => r,
        Err(why) => return held(format!("this device's version cannot be used, as {why}")),
    };
    let base = base.and_then(|b| read(&b).ok());
    match crate::domain::merge::merge(base.as_ref(), &ours_rec, &theirs, now) {
        Ok(m) => Ok((codec.client_bytes(&m.record, &[ours, other]), m.rewitness)),
        Err(e) => held(format!("the two versions could not be merged ({e})")),
    }
}

/// Settles what commit `head` holds (see [`settle`]): a new commit on top
/// of it when anything changed.
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
    if listed(git, codec, rev)?.is_empty() {
        return Ok(Vec::new());
    }
    Ok(trial(git, codec, rev, now, false)?.1)
}

/// The stems with a version held in `rev`.
pub fn held_stems(git: &Git, codec: Codec, rev: &str) -> Result<Vec<String>> {
    let mut stems: Vec<String> = listed(git, codec, rev)?.into_iter().flatten().map(|f| f.stem).collect();
    stems.dedup();
    Ok(stems)
}

/// `rapport sync keep-this`: lets go every version held for the client
/// file `stem` (this device's stays, and goes out with the next sync): a
/// new commit on top of `head`, and how many versions were let go.
pub fn let_go(git: &Git, codec: Codec, head: &str, stem: &str, now: NaiveDateTime) -> Result<(String, usize)> {
    let files: Vec<HeldFile> = listed(git, codec, head)?.into_iter().flatten().filter(|f| f.stem == stem).collect();
    if files.is_empty() {
        bail!("nothing is held back for this client");
    }
    let versions = files.iter().filter(|f| f.version == Version::Other).count();
    let edits: Edits = files.iter().map(|f| (path(codec, &f.stem, &f.tag, f.version), None)).collect();
    let tree = git.run(&["rev-parse", &format!("{head}^{{tree}}")])?;
    let tree = trees::edit(git, &tree, &edits)?;
    let message = format!("Rapport on {}, {}: held version let go", super::host_name(), now.format("%Y-%m-%d %H:%M"));
    Ok((git.run(&["commit-tree", "--no-gpg-sign", &tree, "-p", head, "-m", &message])?, versions))
}

/// Holds back, on top of commit `head`, this device's client files that
/// could not be committed (`files`: name, bytes; this device cannot read
/// them, written by a newer Rapport, say): each beside the version in git,
/// which stays in place, so the rest of the practice syncs. A new commit,
/// or None when each is held already.
pub fn hold_here(
    git: &Git,
    codec: Codec,
    head: &str,
    files: &[(String, Vec<u8>)],
    now: NaiveDateTime,
) -> Result<Option<String>> {
    let mut edits: Edits = Vec::new();
    for (stem, bytes) in files {
        let tag = tag(bytes);
        let other = path(codec, stem, &tag, Version::Other);
        if git.blob(head, &other)?.is_some() {
            continue;
        }
        edits.push((path(codec, stem, &tag, Version::Base), git.blob(head, &client_file(codec, stem))?));
        edits.push((other, Some(bytes.clone())));
    }
    if edits.is_empty() {
        return Ok(None);
    }
    let tree = git.run(&["rev-parse", &format!("{head}^{{tree}}")])?;
    let tree = trees::edit(git, &tree, &edits)?;
    let message = format!("Rapport on {}, {}: held back", super::host_name(), now.format("%Y-%m-%d %H:%M"));
    Ok(Some(git.run(&["commit-tree", "--no-gpg-sign", &tree, "-p", head, "-m", &message])?))
}

/// Whether a sync moving the folder from commit `from` to `to` may write
/// over the file `path` there: yes when it holds `from`'s version (or
/// nothing), and when it is a version held back in `from` that `to` has
/// merged in; never over one held still, or any other this device could
/// not commit.
pub fn may_write_over(git: &Git, from: &str, to: &str, path: &str) -> bool {
    let Some((stem, ext)) = path.strip_prefix("clients/").and_then(|p| p.rsplit_once('.')) else { return true };
    let Ok(here) = crate::store::files::read_regular(&git.root().join(path), bounds::FILE_BYTES) else { return true };
    if git.blob(from, path).ok().flatten().as_deref() == Some(here.as_slice()) {
        return true;
    }
    let held = format!("held/{stem}.{}.{ext}", tag(&here));
    let held_in = |rev: &str| git.blob(rev, &held).ok().flatten().is_some();
    held_in(from) && !held_in(to)
}
