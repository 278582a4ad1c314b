//! Exports of a client's record: in `DATA/exports/` from the app, or to a
//! file the therapist names; named so they give no client's name away.

use crate::domain::ClientId;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::*;
use crate::domain::RecordError;

impl Store {
    /// The opaque token that begins the names of client `id`'s exports:
    /// a hash of the id (keyed, when the folder is encrypted), never a name.
    pub fn export_token(&self, id: &ClientId) -> String {
        match &self.keys {
            Some(k) => k.stem(&format!("export:{id}")),
            None => plain_export_token(id.as_str()),
        }
    }

    /// Client `id`'s exports in `DATA/exports/`, whatever Rapport version
    /// named them and whether or not they are encrypted.
    pub fn exports_of(&self, id: &ClientId) -> Vec<PathBuf> {
        let mut prefixes = vec![plain_export_token(id.as_str()), id.to_string()];
        if let Some(k) = &self.keys {
            prefixes.push(k.stem(&format!("export:{id}")));
            prefixes.push(k.stem(id.as_str()));
        }
        let Ok(entries) = fs::read_dir(self.root.join("exports")) else { return Vec::new() };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                prefixes.iter().any(|p| name.strip_prefix(p.as_str()).is_some_and(is_export_tail))
            })
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    }

    /// Writes client `id`'s whole record as Markdown into `DATA/exports/`,
    /// under a name that gives no name away.
    pub fn export_client(&self, id: &ClientId, now: NaiveDateTime) -> Result<PathBuf, StoreError> {
        valid_id(id.as_str())?;
        let record = self.load(id)?;
        let dir = self.root.join("exports");
        create_private_dir(&dir).map_err(|source| StoreError::Write { path: dir.clone(), cause: source })?;
        let path = dir.join(format!("{}-{}.md", self.export_token(id), now.format("%Y-%m-%d_%H%M")));
        let path = self.write_export(
            &path,
            crate::domain::export::to_markdown(&record, now, self.settings().policy(), self.settings().note_format)
                .as_bytes(),
            false,
        )?;
        self.audit(now, "export", id.as_str(), "markdown");
        Ok(path)
    }

    /// Writes an export the therapist asked for, owner-only; encrypted (with
    /// `.age` added to the name) when the folder is, unless `plain`.
    /// Returns the path written.
    pub fn write_export(&self, path: &Path, bytes: &[u8], plain: bool) -> Result<PathBuf, StoreError> {
        let (path, bytes) = match (&self.keys, plain) {
            (Some(k), false) => {
                let mut p = path.as_os_str().to_owned();
                p.push(".age");
                (PathBuf::from(p), k.encrypt(bytes))
            }
            _ => (path.to_path_buf(), bytes.to_vec()),
        };
        write_atomic(&path, &bytes).map_err(|source| StoreError::Write { path: path.clone(), cause: source })?;
        Ok(path)
    }

    /// Writes an export to a file the therapist named (`export --out`):
    /// never inside the data folder but for its `exports/` (one unlucky path
    /// would replace a client file, the audit log or the key) and never over
    /// a file that exists.
    pub fn export_to(&self, path: &Path, bytes: &[u8], plain: bool) -> Result<PathBuf, StoreError> {
        self.write_outside(path, bytes, plain, false)
    }

    /// Writes a calendar feed to a file the therapist named (`calendar
    /// export --out`), as [`Store::export_to`] writes an export, but over
    /// the feed written there before, so a calendar subscribed to the file
    /// reads each new one. Any other file there is left alone, and said so.
    pub fn write_feed(&self, path: &Path, bytes: &[u8], plain: bool) -> Result<PathBuf, StoreError> {
        self.write_outside(path, bytes, plain, true)
    }

    /// A feed Rapport wrote (decrypted first when it is one of this
    /// folder's encrypted files).
    fn is_our_feed(&self, bytes: &[u8], plain: bool) -> bool {
        match &self.keys {
            Some(k) if !plain => k.decrypt(bytes).is_some_and(|b| crate::domain::calendar::is_feed(&b)),
            _ => crate::domain::calendar::is_feed(bytes),
        }
    }

    /// Writes `bytes` outside the data folder, at `path` (with `.age` added
    /// and encrypted when the folder is, unless `plain`), never over a link,
    /// nor over a file unless it is a `feed` written over the feed before.
    fn write_outside(&self, path: &Path, bytes: &[u8], plain: bool, feed: bool) -> Result<PathBuf, StoreError> {
        let what = if feed { "the calendar feed" } else { "exports" };
        let refuse = |why: String| StoreError::Record(RecordError::Invalid(why));
        let name = path.file_name().ok_or_else(|| refuse(format!("{} names no file", path.display())))?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let root = fs::canonicalize(&self.root).map_err(|e| StoreError::io("find", &self.root, e))?;
        // Where the folder would be: its nearest ancestor that exists tells
        // whether it is in the data folder, even when it does not exist yet.
        let nearest = parent
            .ancestors()
            .find_map(|a| fs::canonicalize(if a.as_os_str().is_empty() { Path::new(".") } else { a }).ok());
        let inside = nearest.as_ref().is_some_and(|n| n.starts_with(&root));
        let parent = match fs::canonicalize(parent) {
            Ok(p) => p,
            Err(_) if !inside => {
                return Err(refuse(format!(
                    "the folder {} does not exist; make it first, or choose another for {}",
                    parent.display(),
                    if feed { "the feed" } else { "the export" }
                )));
            }
            Err(_) => root.join("exports"),
        };
        if inside || parent.starts_with(&root) {
            let keep = if feed {
                ""
            } else {
                " (x in the app keeps one in DATA/exports/, named so it gives no name away and erased with the client)"
            };
            return Err(refuse(format!("{} is inside the data folder; write {what} outside it{keep}", path.display())));
        }
        let mut target = parent.join(name);
        if self.keys.is_some() && !plain {
            target.as_mut_os_string().push(".age");
        }
        let ours = || match fs::symlink_metadata(&target) {
            Ok(m) if feed && m.is_file() => {
                super::files::read_regular(&target, FEED_BYTES).is_ok_and(|old| self.is_our_feed(&old, plain))
            }
            _ => false,
        };
        if fs::symlink_metadata(&target).is_ok() && !ours() {
            let only = if feed { " (only a calendar feed it wrote is written over)" } else { "" };
            return Err(refuse(format!(
                "{} already exists; Rapport does not overwrite it{only}. Choose another name or remove it first",
                target.display()
            )));
        }
        self.write_export(&parent.join(name), bytes, plain)
    }
}

/// Reads a calendar file the therapist named (`calendar import FILE`),
/// from anywhere: a regular file only (a pipe or a device could make
/// Rapport wait for ever or read without end), of at most
/// [`bounds::CALENDAR_FILE_BYTES`], or an error saying which.
pub fn read_calendar_file(path: &Path) -> Result<Vec<u8>, StoreError> {
    use crate::domain::bounds;
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |why: String| StoreError::Record(RecordError::Invalid(why));
    let file =
        fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => refuse(format!("there is no file {}", path.display())),
            _ => StoreError::io("read", path, e),
        })?;
    let meta = file.metadata().map_err(|e| StoreError::io("read", path, e))?;
    if !meta.is_file() {
        return Err(refuse(format!("{} is not a file; name an .ics file", path.display())));
    }
    let max = bounds::CALENDAR_FILE_BYTES;
    let mut bytes = Vec::new();
    // One byte past the limit, so a file growing meanwhile is caught too.
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| StoreError::io("read", path, e))?;
    let len = meta.len().max(bytes.len() as u64);
    if len > max {
        return Err(refuse(format!(
            "{} is {}; Rapport reads a calendar of at most {}. Export a shorter span of it",
            path.display(),
            bounds::size(len),
            bounds::size(max)
        )));
    }
    Ok(bytes)
}

/// The largest file read to tell whether it is a feed Rapport wrote.
const FEED_BYTES: u64 = 256 * 1024 * 1024;

pub(crate) fn plain_export_token(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("rapport export\0{id}").as_bytes());
    hex::encode(&h[..8])
}

/// `-2026-11-26_0935.md` (or `.json`, either maybe `.age`): what follows
/// the client's token in an export's name.
pub(crate) fn is_export_tail(rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix('-') else { return false };
    let (stamp, ending) = rest.split_at_checked(15).unwrap_or(("", ""));
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M").is_ok()
        && [".md", ".json", ".md.age", ".json.age"].contains(&ending)
}
