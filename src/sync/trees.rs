//! Merged versions of the practice made as git trees, never in the folder:
//! the files `git merge-tree` left conflicted merged by Rapport in this
//! process, and a tree with some files replaced.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::driver;
use super::git::Git;
use super::held;
use super::tracked::Part;

/// A path `git merge-tree` could not merge, with its versions' objects:
/// the one both started from (none when added on both), this device's
/// and the other's (none when removed there).
#[derive(Debug, Default)]
pub struct Conflicted {
    pub stages: [Option<String>; 3],
}

/// The tree and the conflicted paths `git merge-tree --write-tree -z`
/// printed (`TREE NUL`, then `MODE OBJECT STAGE TAB PATH NUL` for each
/// conflicted version), or None when it printed no tree.
pub fn merge_tree_output(stdout: &[u8]) -> Option<(String, BTreeMap<String, Conflicted>)> {
    let mut fields = stdout.split(|b| *b == 0);
    let tree = String::from_utf8_lossy(fields.next()?).trim().to_string();
    if tree.is_empty() || !tree.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut found: BTreeMap<String, Conflicted> = BTreeMap::new();
    for field in fields.take_while(|f| !f.is_empty()) {
        let field = String::from_utf8_lossy(field);
        let (meta, path) = field.split_once('\t')?;
        let [_, object, stage] = meta.split(' ').collect::<Vec<_>>()[..] else { return None };
        let stage: usize = stage.parse().ok().filter(|s| (1..=3).contains(s))?;
        found.entry(path.to_string()).or_default().stages[stage - 1] = Some(object.to_string());
    }
    Some((tree, found))
}

/// Merges, here and with `codec`'s key, every path of `conflicted` into
/// the tree `tree`: the merged tree and the client files that could not
/// be merged (by their name; held back by the caller, see `held.rs`), or
/// why the practice could not be merged at all. A file removed on one
/// device and changed on the other (a client erased on one while the other
/// wrote to the record) keeps the changed version: nothing written is
/// lost, and the sync says so.
pub fn resolve(
    git: &Git,
    codec: Codec,
    tree: &str,
    conflicted: &BTreeMap<String, Conflicted>,
    now: NaiveDateTime,
) -> Result<(String, Vec<String>), String> {
    let blob = |object: &Option<String>| -> Result<Vec<u8>, String> {
        match object {
            None => Ok(Vec::new()),
            Some(o) => git.run_bytes(&["cat-file", "blob", o]).map_err(|e| e.to_string()),
        }
    };
    let mut files = Vec::new();
    let mut unmerged = Vec::new();
    for (path, c) in conflicted {
        let base = match &c.stages {
            // Its entries in the logs are kept too: see `kept.rs`.
            [Some(_), Some(kept), None] | [Some(_), None, Some(kept)] => {
                files.push((path.clone(), blob(&Some(kept.clone()))?));
                continue;
            }
            // A version held back on each device: this one's stays (the
            // other's is in the history).
            [_, Some(ours), Some(_)] if held::parse(path, codec.encrypted()).is_some() => {
                files.push((path.clone(), blob(&Some(ours.clone()))?));
                continue;
            }
            [base, Some(_), Some(_)] => base,
            _ => return Err(format!("{path} could not be merged")),
        };
        let (b, o, t) = (blob(base)?, blob(&c.stages[1])?, blob(&c.stages[2])?);
        match driver::merge_versions(git.root(), codec, path, &b, &o, &t, now) {
            Ok(merged) => files.push((path.clone(), merged)),
            Err(e) => match codec.part(path) {
                Some(Part::Client(stem)) => unmerged.push(stem),
                _ => return Err(format!("{e:#}")),
            },
        }
    }
    let tree = with_files(git, tree, &files).map_err(|e| format!("{e:#}"))?;
    Ok((tree, unmerged))
}

/// `tree` with the files `files` (`PATH`, bytes; at the top or one folder
/// down, as `clients/NAME`) put in, replacing what was there.
pub fn with_files(git: &Git, tree: &str, files: &[(String, Vec<u8>)]) -> Result<String> {
    let edits: Vec<(String, Option<Vec<u8>>)> = files.iter().map(|(p, b)| (p.clone(), Some(b.clone()))).collect();
    edit(git, tree, &edits)
}

/// A file of a folder put in with its bytes, or taken out.
type FileEdit<'a> = (&'a str, Option<&'a [u8]>);

/// `tree` with each file of `edits` (`PATH`, at the top or one folder
/// down) put in with its bytes, replacing what was there, or taken out
/// (None). A folder left empty is left out.
pub fn edit(git: &Git, tree: &str, edits: &[(String, Option<Vec<u8>>)]) -> Result<String> {
    let mktree = |listing: &[(String, String)]| -> Result<String> {
        let input: Vec<u8> = listing.iter().flat_map(|(m, n)| format!("{m}\t{n}\0").into_bytes()).collect();
        match git.output(&["mktree", "-z"], Some(&input))? {
            Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
            Err(f) => bail!("git could not write the merged practice: {}", f.said()),
        }
    };
    let listing = |t: &str| -> Result<Vec<(String, String)>> {
        let out = match git.output(&["ls-tree", "-z", t], None)? {
            Ok(out) => out,
            Err(_) => return Ok(Vec::new()),
        };
        Ok(out
            .split(|b| *b == 0)
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                let l = String::from_utf8_lossy(l);
                l.split_once('\t').map(|(meta, name)| (meta.to_string(), name.to_string()))
            })
            .collect())
    };
    let put = |list: &mut Vec<(String, String)>, meta: Option<String>, name: &str| {
        list.retain(|(_, n)| n != name);
        if let Some(meta) = meta {
            list.push((meta, name.to_string()));
        }
    };
    let mut by_folder: BTreeMap<&str, Vec<FileEdit>> = BTreeMap::new();
    for (path, bytes) in edits {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        by_folder.entry(folder).or_default().push((name, bytes.as_deref()));
    }
    let mut root = listing(tree)?;
    for (folder, files) in by_folder {
        let mut list =
            if folder.is_empty() { std::mem::take(&mut root) } else { listing(&format!("{tree}:{folder}"))? };
        for (name, bytes) in files {
            let Some(bytes) = bytes else {
                put(&mut list, None, name);
                continue;
            };
            let blob = match git.output(&["hash-object", "-w", "--stdin"], Some(bytes))? {
                Ok(out) => String::from_utf8_lossy(&out).trim().to_string(),
                Err(f) => bail!("git could not keep a merged file: {}", f.said()),
            };
            put(&mut list, Some(format!("100644 blob {blob}")), name);
        }
        if folder.is_empty() {
            root = list;
        } else if list.is_empty() {
            put(&mut root, None, folder);
        } else {
            let sub = mktree(&list)?;
            put(&mut root, Some(format!("040000 tree {sub}")), folder);
        }
    }
    mktree(&root)
}
