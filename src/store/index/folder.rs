//! The index folder's own files: the most each may hold, and never a link.
//!
//! The index is derived, so anything in it that Rapport did not write is
//! damage. A symbolic link (or anything but a folder) where the index
//! folder or its `witness/` folder should be is removed when the index is
//! opened, and a link where a file should be when it is read: never
//! followed, for reading or writing. A file larger than its cap is not
//! read. Either way what it stood for is rebuilt, from the client files
//! and the ledger, and every write lands inside the data folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::IndexDir;
use crate::store::atomic::{create_private_dir, write_atomic_unsynced};
use crate::store::crypt::SharedKeys;
use crate::store::files::{ReadError, open_nofollow, read_regular};

/// The folder of the ledger's witnesses, one file a client.
pub(crate) const WITNESS: &str = "witness";

// Each cap is far above what Rapport writes at the largest practice that
// `docs/performance.md` describes (1,500 clients, 45,000 notes), and what
// age adds to an encrypted file; a file over it is damage, and the index is
// rebuilt.

/// `state.json`: about 300 bytes (350 sealed).
pub(crate) const STATE_CAP: u64 = 64 << 10;
/// `names.tsv`: about 100 bytes a client (150 KB at 1,500 clients; 100,000
/// clients with long names fit).
pub(crate) const NAMES_CAP: u64 = 16 << 20;
/// `clients.json`, and `clients.log`, which is folded into it at a quarter
/// of its size: 457 KB at 1,500 clients.
pub(crate) const SUMMARIES_CAP: u64 = 64 << 20;
/// The client list's page list and each page (`list/`): a page holds at
/// most 512 rows of a few hundred bytes; the page list about 200 bytes a
/// page (15,000 clients: 59 pages).
pub(crate) const ROWS_CAP: u64 = 4 << 20;
/// `search.seg`: 2.5 MB at 45,000 notes, 25 MB at 450,000.
pub(crate) const SEGMENT_CAP: u64 = 128 << 20;
/// `search-recent.tsv`: merged into the segment at 2 MiB.
pub(crate) const RECENT_CAP: u64 = 32 << 20;
/// A client's witness: a few KB; it grows with their notes, whose file is
/// at most 16 MiB.
pub(crate) const WITNESS_CAP: u64 = 16 << 20;

/// What an index file of an encrypted practice begins with: its format,
/// then what [`crate::store::crypt::Keys::seal_index_file`] made of it.
/// (The search segment has a format of its own, sealed block by block.)
const SEALED: &[u8; 8] = b"RAPIDX01";

/// Removes whatever stands at `path` unless it is a real folder: a link is
/// removed itself, never what it points to.
fn remove_unless_folder(path: &Path) {
    if fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_dir()) {
        let _ = fs::remove_file(path);
    }
}

impl IndexDir {
    /// The index folder of the data folder at `root`. A link or a file
    /// standing in place of the folder or of its `witness/` folder is
    /// removed first: the index is then missing, and rebuilt when next needed.
    pub fn new(root: &Path, keys: SharedKeys) -> IndexDir {
        let dir = root.join("index");
        remove_unless_folder(&dir);
        remove_unless_folder(&dir.join(WITNESS));
        remove_unless_folder(&dir.join(super::rows::LIST));
        IndexDir { dir, keys }
    }

    /// A file of the index folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Whether every folder from the index folder down to the one holding
    /// `path` is a real folder of the data folder (Some(true)), one of
    /// them is missing (Some(false)), or one is a link or a file (None).
    fn folders_of(&self, path: &Path) -> Option<bool> {
        let rest = path.parent()?.strip_prefix(&self.dir).ok()?;
        let mut dir = self.dir.clone();
        for c in std::iter::once(None).chain(rest.components().map(Some)) {
            dir.extend(c);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_dir() => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(false),
                _ => return None,
            }
        }
        Some(true)
    }

    /// Reads an index file of at most `cap` bytes, decrypting it when the
    /// folder is encrypted; None when it is missing or damaged (a link,
    /// which is removed, or larger than `cap`).
    pub fn read_bytes(&self, path: &Path, cap: u64) -> Option<Vec<u8>> {
        self.read_file(path, cap).flatten()
    }

    /// Like [`Self::read_bytes`], but a missing file reads as empty: None
    /// only when a file is there and damaged.
    pub(crate) fn read_or_absent(&self, path: &Path, cap: u64) -> Option<Vec<u8>> {
        self.read_file(path, cap).map(Option::unwrap_or_default)
    }

    /// The file's bytes, decrypted; None when it is missing or damaged.
    pub(crate) fn read_present(&self, path: &Path, cap: u64) -> Option<Vec<u8>> {
        self.read_file(path, cap).flatten()
    }

    /// The file's bytes, decrypted; Some(None) when it is missing, None
    /// when damaged.
    fn read_file(&self, path: &Path, cap: u64) -> Option<Option<Vec<u8>>> {
        let Some(bytes) = self.read_raw(path, cap)? else { return Some(None) };
        match &self.keys {
            Some(_) => self.open_sealed(path, &bytes).map(Some),
            None => Some(Some(bytes)),
        }
    }

    /// What binds a sealed index file to its name in the index folder: a
    /// file put in another's place does not open.
    fn context(&self, path: &Path) -> Vec<u8> {
        let name = path.strip_prefix(&self.dir).unwrap_or(path);
        [&SEALED[..], name.as_os_str().as_encoded_bytes()].concat()
    }

    /// `plain` sealed as index file `path` (or a line of it) when the
    /// folder is encrypted, as it is otherwise.
    pub(super) fn seal(&self, path: &Path, plain: &[u8]) -> anyhow::Result<Vec<u8>> {
        match &self.keys {
            Some(k) => Ok([&SEALED[..], &k.seal_index_file(&self.context(path), plain)?].concat()),
            None => Ok(plain.to_vec()),
        }
    }

    /// What [`Self::seal`] sealed as `path`, or None when it did not (an
    /// index file of an older Rapport, an age file, is one: it is rebuilt).
    pub(super) fn open_sealed(&self, path: &Path, sealed: &[u8]) -> Option<Vec<u8>> {
        match &self.keys {
            Some(k) => k.open_index_file(&self.context(path), sealed.strip_prefix(SEALED)?),
            None => Some(sealed.to_vec()),
        }
    }

    /// The file's bytes as they are on disk (for a log, encrypted line by
    /// line); Some(None) when it is missing, None when damaged.
    pub(super) fn read_raw(&self, path: &Path, cap: u64) -> Option<Option<Vec<u8>>> {
        match self.folders_of(path) {
            Some(true) => {}
            Some(false) => return Some(None),
            None => return None,
        }
        match read_regular(path, cap) {
            Ok(bytes) => Some(Some(bytes)),
            Err(ReadError::NotFound) => Some(None),
            Err(ReadError::Link) => {
                let _ = fs::remove_file(path);
                None
            }
            Err(_) => None,
        }
    }

    /// Opens an index file to read parts of it: None when it is missing or
    /// damaged (a link, which is removed, or larger than `cap`). What it
    /// holds is the reader's to check, and to decrypt.
    pub(crate) fn open_raw(&self, path: &Path, cap: u64) -> Option<fs::File> {
        if self.folders_of(path) != Some(true) {
            return None;
        }
        match open_nofollow(path) {
            Ok(file) => file.metadata().is_ok_and(|m| m.is_file() && m.len() <= cap).then_some(file),
            Err(ReadError::Link) => {
                let _ = fs::remove_file(path);
                None
            }
            Err(_) => None,
        }
    }

    /// Writes an index file whole as it is: its writer has sealed what
    /// needs sealing (see [`Self::open_raw`]).
    pub(crate) fn write_raw(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        self.make_folder_of(path)?;
        write_atomic_unsynced(path, bytes)
    }

    /// Writes an index file whole (encrypted when the folder is), creating
    /// its folder; never through a link.
    pub fn write_bytes(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        self.make_folder_of(path)?;
        // Derived data: atomic, but not worth an fsync; a torn index is rebuilt.
        match &self.keys {
            Some(_) => write_atomic_unsynced(path, &self.seal(path, bytes)?),
            None => write_atomic_unsynced(path, bytes),
        }
    }

    /// Creates the folder that holds `path` and makes sure it lies inside
    /// the data folder, with no link on the way.
    pub(super) fn make_folder_of(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(folder) = path.parent() {
            create_private_dir(folder)?;
        }
        if self.folders_of(path) != Some(true) {
            bail!(
                "{} is not a folder of the index but a link or a file; Rapport does not follow links inside its data folder",
                path.parent().unwrap_or(path).display()
            );
        }
        Ok(())
    }

    /// Removes an index file, if there (never what a link points to).
    pub(crate) fn remove(&self, path: &Path) -> io::Result<()> {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_in_place_of_the_index_or_its_witness_folder_is_removed_on_opening() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, outside) = (tmp.path().join("data"), tmp.path().join("outside"));
        fs::create_dir_all(root.join("index")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        symlink(&outside, root.join("index").join(WITNESS)).unwrap();
        let index = IndexDir::new(&root, None);
        assert!(!root.join("index").join(WITNESS).exists(), "the link is gone");
        index.write_bytes(&index.path(WITNESS).join("ann"), b"{}").unwrap();
        assert_eq!(fs::read(root.join("index/witness/ann")).unwrap(), b"{}");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);

        fs::remove_dir_all(root.join("index")).unwrap();
        symlink(&outside, root.join("index")).unwrap();
        let index = IndexDir::new(&root, None);
        assert!(root.is_dir() && !root.join("index").exists());
        index.write_bytes(&index.path("state.json"), b"{}").unwrap();
        assert!(!root.join("index").is_symlink() && root.join("index/state.json").is_file());
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    }

    #[test]
    fn a_link_planted_after_opening_is_neither_read_nor_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, outside) = (tmp.path().join("data"), tmp.path().join("outside"));
        fs::create_dir_all(root.join("index")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("ann"), b"theirs").unwrap();
        let index = IndexDir::new(&root, None);
        symlink(&outside, root.join("index").join(WITNESS)).unwrap();
        let path = index.path(WITNESS).join("ann");
        assert_eq!(index.read_bytes(&path, WITNESS_CAP), None);
        let e = index.write_bytes(&path, b"ours").unwrap_err();
        assert!(e.to_string().contains("link"), "{e}");
        assert_eq!(fs::read(outside.join("ann")).unwrap(), b"theirs");
    }

    #[test]
    fn an_encrypted_index_file_names_nothing_and_opens_only_in_its_own_place() {
        let tmp = tempfile::tempdir().unwrap();
        let keys = std::sync::Arc::new(crate::store::crypt::Keys::generate().unwrap());
        let index = IndexDir::new(tmp.path(), Some(keys.clone()));
        let names = b"ann-byrne\tAnn Byrne\n";
        index.write_bytes(&index.path("names.tsv"), names).unwrap();
        let sealed = fs::read(index.path("names.tsv")).unwrap();
        assert!(sealed.starts_with(SEALED) && memchr::memmem::find(&sealed, b"Byrne").is_none());
        assert_eq!(index.read_bytes(&index.path("names.tsv"), NAMES_CAP).unwrap(), names);
        // Put in another file's place, it does not open.
        fs::write(index.path("state.json"), &sealed).unwrap();
        assert_eq!(index.read_bytes(&index.path("state.json"), STATE_CAP), None);
        // Nor does an age file, as the index was written before, nor one
        // sealed with another practice's key.
        fs::write(index.path("names.tsv"), keys.encrypt(names)).unwrap();
        assert_eq!(index.read_bytes(&index.path("names.tsv"), NAMES_CAP), None);
        let other =
            IndexDir::new(tmp.path(), Some(std::sync::Arc::new(crate::store::crypt::Keys::generate().unwrap())));
        other.write_bytes(&other.path("names.tsv"), names).unwrap();
        assert_eq!(index.read_bytes(&index.path("names.tsv"), NAMES_CAP), None);
    }

    #[test]
    fn a_file_over_its_cap_is_not_read_and_a_linked_file_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let index = IndexDir::new(tmp.path(), None);
        index.write_bytes(&index.path("state.json"), &vec![b' '; STATE_CAP as usize + 1]).unwrap();
        assert_eq!(index.read_bytes(&index.path("state.json"), STATE_CAP), None);
        index.write_bytes(&index.path("state.json"), b"{}").unwrap();
        assert_eq!(index.read_bytes(&index.path("state.json"), STATE_CAP).unwrap(), b"{}");

        let target = tmp.path().join("target");
        fs::write(&target, b"kept").unwrap();
        fs::remove_file(index.path("state.json")).unwrap();
        symlink(&target, index.path("state.json")).unwrap();
        assert_eq!(index.read_or_absent(&index.path("state.json"), STATE_CAP), None, "a link is damage");
        assert!(!index.path("state.json").is_symlink(), "and is removed");
        assert_eq!(index.read_or_absent(&index.path("state.json"), STATE_CAP).unwrap(), b"", "now simply absent");
        assert_eq!(fs::read(&target).unwrap(), b"kept");
    }
}
