//! The file-by-file work of a conversion: each kind of file is converted by
//! what it is now, so every step can run again on a half-converted folder.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::super::atomic::{is_temp_file, write_atomic};
use super::super::backup::{Backups, Rewritten};
use super::super::crash;
use super::super::crypt::Keys;
use super::super::{audit, is_export_tail, ledger, plain_export_token};
use super::Direction;
use crate::progress::{Progress, Steps};

pub(super) fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !is_temp_file(n) && keep(n)))
        .collect();
    v.sort();
    v
}

/// The client-file folders: the live one and every snapshot's still held as
/// full copies (moved into the objects by `Backups::migrate`, but for one
/// that holds a link).
pub(super) fn client_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join("clients")];
    if let Ok(entries) = fs::read_dir(root.join("backups")) {
        let mut snaps: Vec<PathBuf> =
            entries.filter_map(|e| e.ok()).map(|e| e.path().join("clients")).filter(|p| p.is_dir()).collect();
        snaps.sort();
        dirs.extend(snaps);
    }
    dirs
}

pub(super) fn client_id(bytes: &[u8]) -> Option<String> {
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

/// Removes every temp file and half-built snapshot under `dir`: under the
/// lock no writer is alive, and a killed one may have left plain words.
/// (An editor still open on a `.rapport-edit-` file loses it: the app
/// then says the editor's file could not be read back.)
pub(super) fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.filter_map(|e| e.ok()) {
        // Also the app's $EDITOR files: a crash in the editor leaves one,
        // with a note's words in it.
        let temp = e
            .file_name()
            .to_str()
            .is_some_and(|n| is_temp_file(n) || n.starts_with(super::super::editor::EDITOR_FILE_PREFIX));
        match e.file_type() {
            Ok(t) if t.is_dir() && temp => {
                let _ = fs::remove_dir_all(e.path());
            }
            Ok(t) if t.is_dir() => sweep(&e.path()),
            Ok(_) if temp => {
                let _ = fs::remove_file(e.path());
            }
            _ => {}
        }
    }
}

pub(super) fn remove_index(root: &Path) -> Result<()> {
    match fs::remove_dir_all(root.join("index")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).context("removing the index"),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `to`, then removes `from`: killed between the two,
/// both exist, and the next run converts `from` again.
pub(super) fn replace(from: &Path, to: &Path, bytes: &[u8]) -> Result<()> {
    crash::point("convert.file");
    write_atomic(to, bytes)?;
    if from != to {
        crash::point("convert.remove-old");
        fs::remove_file(from).with_context(|| format!("removing {}", from.display()))?;
    }
    Ok(())
}

/// Converts every file of the folder to `dir`'s side, telling `progress`
/// file by file. Returns how many files changed and which were left.
pub(super) fn convert(
    root: &Path,
    keys: &Keys,
    dir: Direction,
    progress: &mut dyn Progress,
) -> Result<(usize, Vec<String>)> {
    sweep(root);
    remove_index(root)?;
    let enc = dir == Direction::Encrypt;
    let mut done = 0;
    let mut left = Vec::new();
    // The clients, by the name their file has once converted → their id.
    let mut ids: HashMap<String, String> = HashMap::new();
    let live = root.join("clients");
    Backups::of(root).migrate()?;
    let from_ext = if enc { ".json" } else { ".age" };
    let (drafts, exports) = (root.join("drafts"), root.join("exports"));
    let process = root.join(super::super::process::PROCESS_DIR);
    let client_files: Vec<(PathBuf, Vec<PathBuf>)> = client_dirs(root)
        .into_iter()
        .map(|d| {
            let in_it = files(&d, |n| n.ends_with(".json") || n.ends_with(".age"));
            (d, in_it)
        })
        .collect();
    let total = client_files.iter().map(|(_, f)| f.len()).sum::<usize>()
        + files(&drafts, |n| n.ends_with(from_ext)).len()
        + files(&process, |n| n.ends_with(from_ext)).len()
        + files(&exports, |n| n.ends_with(".age") != enc).len();
    let mut steps = Steps::new(total, progress);
    for (d, in_it) in client_files {
        for path in in_it {
            steps.one();
            let is_age = path.extension().is_some_and(|x| x == "age");
            let plain = if is_age { keys.decrypt(&fs::read(&path)?) } else { Some(fs::read(&path)?) };
            let Some(plain) = plain else {
                left.push(format!("{} could not be decrypted", path.display()));
                continue;
            };
            let Some(id) = client_id(&plain) else {
                // Its words are kept on the folder's side: a damaged file
                // decrypted is written out plain (shown as unreadable), never
                // left encrypted under a key about to be removed.
                if is_age && !enc {
                    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("damaged");
                    replace(&path, &d.join(format!("{stem}.json")), &plain)?;
                    done += 1;
                }
                left.push(format!("{} is not a readable client file", path.display()));
                continue;
            };
            if d == live {
                ids.insert(if enc { id.clone() } else { keys.stem(&id) }, id.clone());
            }
            if is_age != enc {
                let to = if enc { d.join(format!("{}.age", keys.stem(&id))) } else { d.join(format!("{id}.json")) };
                replace(&path, &to, &if enc { keys.encrypt(&plain) } else { plain })?;
                done += 1;
            }
        }
    }
    // The snapshots: each file stored anew on this side, the other side's
    // objects removed once no manifest names them.
    Backups::of(root).rewrite(|file, load| {
        let is_age = file.ends_with(".age");
        if is_age == enc {
            return Ok(Rewritten::Keep);
        }
        let bytes = match load() {
            Ok(bytes) => bytes,
            Err(why) => {
                left.push(format!("a snapshot's {why}"));
                return Ok(Rewritten::Keep);
            }
        };
        let plain = if is_age { keys.decrypt(&bytes) } else { Some(bytes) };
        let Some(plain) = plain else {
            left.push(format!("a snapshot's clients/{file} could not be decrypted"));
            return Ok(Rewritten::Keep);
        };
        let Some(id) = client_id(&plain) else {
            left.push(format!("a snapshot's clients/{file} is not a readable client file"));
            if is_age && !enc {
                done += 1;
                let stem = file.strip_suffix(".age").unwrap_or(file);
                return Ok(Rewritten::Into { file: format!("{stem}.json"), bytes: plain });
            }
            return Ok(Rewritten::Keep);
        };
        done += 1;
        Ok(if enc {
            Rewritten::Into { file: format!("{}.age", keys.stem(&id)), bytes: keys.encrypt(&plain) }
        } else {
            Rewritten::Into { file: format!("{id}.json"), bytes: plain }
        })
    })?;
    // Drafts and process notes: a file per client, named as the client's.
    for dir in [&drafts, &process] {
        for path in files(dir, |n| n.ends_with(from_ext)) {
            steps.one();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
            let bytes = fs::read(&path)?;
            if enc {
                replace(&path, &dir.join(format!("{}.age", keys.stem(&stem))), &keys.encrypt(&bytes))?;
            } else {
                let Some(plain) = keys.decrypt(&bytes) else {
                    left.push(format!("{} could not be decrypted", path.display()));
                    continue;
                };
                let id = ids.get(&stem).cloned().unwrap_or_else(|| {
                    left.push(format!("{} belongs to no client in the folder; kept as {stem}.json", path.display()));
                    stem.clone()
                });
                replace(&path, &dir.join(format!("{id}.json")), &plain)?;
            }
            done += 1;
        }
    }
    // The therapist's own log: encrypted whole, like a client's file.
    crash::point("convert.practice-log");
    let name = super::super::practice_log::PRACTICE_LOG;
    let (plain_log, age_log) = (root.join(format!("{name}.json")), root.join(format!("{name}.age")));
    let is_file = |p: &Path| p.symlink_metadata().is_ok_and(|m| m.is_file());
    if enc && is_file(&plain_log) {
        replace(&plain_log, &age_log, &keys.encrypt(&fs::read(&plain_log)?))?;
        done += 1;
    } else if !enc && is_file(&age_log) {
        match keys.decrypt(&fs::read(&age_log)?) {
            Some(plain) => {
                replace(&age_log, &plain_log, &plain)?;
                done += 1;
            }
            None => left.push(format!("{} could not be decrypted", age_log.display())),
        }
    }
    let all_ids: Vec<&String> = ids.values().collect();
    for path in files(&exports, |n| n.ends_with(".age") != enc) {
        steps.one();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let bytes = fs::read(&path)?;
        if enc {
            let to = exports.join(format!("{}.age", export_name(&name, &all_ids, keys, true)));
            replace(&path, &to, &keys.encrypt(&bytes))?;
        } else {
            let Some(plain) = keys.decrypt(&bytes) else {
                left.push(format!("{} could not be decrypted", path.display()));
                continue;
            };
            let bare = name.strip_suffix(".age").unwrap_or(&name);
            replace(&path, &exports.join(export_name(bare, &all_ids, keys, false)), &plain)?;
        }
        done += 1;
    }
    if enc {
        // Old ids by a plain hash: a list of names could be checked against it.
        match fs::remove_file(root.join(super::OLD_IDS)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).context("removing the old ids"),
            _ => {}
        }
    }
    let to = enc.then_some(keys);
    crash::point("convert.audit");
    audit::reencode(root, keys, to).context("converting the audit log")?;
    crash::point("convert.ledger");
    ledger::reencode(root, keys, to).context("converting the ledger")?;
    remove_index(root)?;
    steps.finish();
    Ok((done, left))
}

/// An export's name on the other side: a client's token is swapped for the
/// token of that side (keyed when encrypted); any other name is kept.
pub(super) fn export_name(name: &str, ids: &[&String], keys: &Keys, enc: bool) -> String {
    for id in ids {
        let (from, to) = if enc {
            (vec![plain_export_token(id), id.to_string()], keys.stem(&format!("export:{id}")))
        } else {
            (vec![keys.stem(&format!("export:{id}")), keys.stem(id)], plain_export_token(id))
        };
        for prefix in from {
            if let Some(tail) = name.strip_prefix(prefix.as_str()).filter(|t| is_export_tail(t)) {
                return format!("{to}{tail}");
            }
        }
    }
    name.to_string()
}
