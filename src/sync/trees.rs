//! Merged versions of the practice made as git trees, never in the folder:
//! the files `git merge-tree` left conflicted merged by Rapport in this
//! process, and a tree with some files replaced.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::driver;
use super::git::Git;

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
/// the tree `tree`: the merged tree, or why it could not be made (a merge
/// refused). A file removed on one device and changed on the other (a
/// client erased on one while the other wrote to the record) keeps the
/// changed version: nothing written is lost, and the sync says so.
pub fn resolve(
    git: &Git,
    codec: Codec,
    tree: &str,
    conflicted: &BTreeMap<String, Conflicted>,
    now: NaiveDateTime,
) -> Result<String, String> {
    let blob = |object: &Option<String>| -> Result<Vec<u8>, String> {
        match object {
            None => Ok(Vec::new()),
            Some(o) => git.run_bytes(&["cat-file", "blob", o]).map_err(|e| e.to_string()),
        }
    };
    let mut files = Vec::new();
    for (path, c) in conflicted {
        let base = match &c.stages {
            // Its entries in the logs are kept too: see `kept.rs`.
            [Some(_), Some(kept), None] | [Some(_), None, Some(kept)] => {
                files.push((path.clone(), blob(&Some(kept.clone()))?));
                continue;
            }
            [base, Some(_), Some(_)] => base,
            _ => return Err(format!("{path} could not be merged")),
        };
        let (b, o, t) = (blob(base)?, blob(&c.stages[1])?, blob(&c.stages[2])?);
        let merged = driver::merge_versions(git.root(), codec, path, &b, &o, &t, now).map_err(|e| format!("{e:#}"))?;
        files.push((path.clone(), merged));
    }
    with_files(git, tree, &files).map_err(|e| format!("{e:#}"))
}

/// `tree` with the files `files` (`PATH`, bytes; at the top or one folder
/// down, as `clients/NAME`) put in, replacing what was there.
pub fn with_files(git: &Git, tree: &str, files: &[(String, Vec<u8>)]) -> Result<String> {
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
    let put = |list: &mut Vec<(String, String)>, meta: String, name: &str| {
        list.retain(|(_, n)| n != name);
        list.push((meta, name.to_string()));
    };
    let mut by_folder: BTreeMap<&str, Vec<(&str, &[u8])>> = BTreeMap::new();
    for (path, bytes) in files {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        by_folder.entry(folder).or_default().push((name, bytes));
    }
    let mut root = listing(tree)?;
    for (folder, files) in by_folder {
        let mut list =
            if folder.is_empty() { std::mem::take(&mut root) } else { listing(&format!("{tree}:{folder}"))? };
        for (name, bytes) in files {
            let blob = match git.output(&["hash-object", "-w", "--stdin"], Some(bytes))? {
                Ok(out) => String::from_utf8_lossy(&out).trim().to_string(),
                Err(f) => bail!("git could not keep a merged file: {}", f.said()),
            };
            put(&mut list, format!("100644 blob {blob}"), name);
        }
        if folder.is_empty() {
            root = list;
        } else {
            let sub = mktree(&list)?;
            put(&mut root, format!("040000 tree {sub}"), folder);
        }
    }
    mktree(&root)
}
