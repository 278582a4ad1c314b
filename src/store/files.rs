//! Reading files of the data folder without being led outside it, and the
//! ssh-like check that the folder is the therapist's alone.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why a file of the data folder was not read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// A symbolic link: Rapport never follows one inside its folder.
    Link,
    /// A folder, a device, a pipe: not a file.
    NotAFile,
    /// Larger than the limit for its kind.
    TooLarge(u64),
    Io(io::Error),
}

/// Opens `path` for reading without following a symbolic link at its end.
pub fn open_nofollow(path: &Path) -> Result<File, ReadError> {
    OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path).map_err(|e| {
        match (e.kind(), e.raw_os_error()) {
            (io::ErrorKind::NotFound, _) => ReadError::NotFound,
            (_, Some(libc::ELOOP)) => ReadError::Link,
            _ => ReadError::Io(e),
        }
    })
}

/// Reads the regular file at `path`, refusing a symbolic link, anything
/// that is not a file, and a file over `max` bytes (before reading it).
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut file = open_nofollow(path)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read one byte past the limit, so a file growing meanwhile is caught too.
    (&mut file).take(max + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Like `fs::read` for the folder's own logs and state files: never
/// through a link, never a pipe or a device (which could make Rapport wait
/// for ever), never more than 1 GiB.
pub fn read_file(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    read_regular(path, 1 << 30).map_err(ReadError::into_io)
}

/// Opens a regular file for reading, on the same terms as [`read_file`].
pub fn open_file(path: &Path) -> io::Result<File> {
    let file = open_nofollow(path).map_err(ReadError::into_io)?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotAFile.into_io());
    }
    Ok(file)
}

impl ReadError {
    fn into_io(self) -> io::Error {
        match self {
            ReadError::NotFound => io::Error::from(io::ErrorKind::NotFound),
            ReadError::Link => io::Error::other("it is a symbolic link, which Rapport does not follow"),
            ReadError::NotAFile => io::Error::new(io::ErrorKind::InvalidInput, "it is not a file"),
            ReadError::TooLarge(n) => io::Error::other(format!("it is {n} bytes, too large")),
            ReadError::Io(e) => e,
        }
    }
}

/// What is wrong with the data folder's ownership or permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeFolder {
    pub path: PathBuf,
    pub problem: String,
    /// A command that fixes it.
    pub fix: String,
}

/// The folders Rapport keeps inside the data folder.
const SUBFOLDERS: [&str; 5] = ["clients", "drafts", "index", "backups", "exports"];

/// Checks, as ssh does for `~/.ssh`, that the data folder and every
/// folder Rapport keeps in it belong to this account and that no one else
/// can write to them, and that none of them but the index is a symbolic
/// link (the data folder itself may be one, to a folder that passes). Notes in a folder
/// another account can write to could be read, changed or replaced.
pub fn check_folder(root: &Path) -> Vec<UnsafeFolder> {
    let mut problems = Vec::new();
    let Ok(meta) = fs::metadata(root) else { return problems };
    problems.extend(owner_only(root, &meta));
    let mut folders: Vec<PathBuf> = SUBFOLDERS.iter().map(|f| root.join(f)).collect();
    if let Ok(entries) = fs::read_dir(root.join("backups")) {
        folders.extend(entries.filter_map(|e| e.ok()).flat_map(|e| [e.path(), e.path().join("clients")]));
    }
    for dir in folders {
        let Ok(meta) = fs::symlink_metadata(&dir) else { continue };
        // The index is derived: a link there is removed, never followed,
        // and the index rebuilt (see `index::IndexDir::new`).
        if meta.file_type().is_symlink() && dir == root.join("index") {
            continue;
        }
        if meta.file_type().is_symlink() {
            problems.push(UnsafeFolder {
                path: dir.clone(),
                problem: "is a symbolic link; Rapport does not follow links inside its data folder".into(),
                fix: format!("replace the link with a real folder: rm '{0}' && mkdir -m 700 '{0}'", dir.display()),
            });
        } else if meta.is_dir() {
            problems.extend(owner_only(&dir, &meta));
        }
    }
    problems
}

/// What is wrong with a folder another account owns or can write to.
fn owner_only(path: &Path, meta: &fs::Metadata) -> Option<UnsafeFolder> {
    let me = euid();
    let shown = path.display();
    if meta.uid() != me {
        return Some(UnsafeFolder {
            path: path.to_path_buf(),
            problem: format!("belongs to another account (user id {}, you are {me})", meta.uid()),
            fix: format!("chown -R \"$(id -u)\" '{shown}'"),
        });
    }
    (meta.mode() & 0o022 != 0).then(|| UnsafeFolder {
        path: path.to_path_buf(),
        problem: format!("can be written by other accounts (permissions {:o})", meta.mode() & 0o777),
        fix: format!("chmod 700 '{shown}'"),
    })
}

/// This process's effective user id.
fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Whether `e` (an I/O error, or one with one inside) says the disk is
/// read-only.
pub fn read_only_disk(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.raw_os_error() == Some(libc::EROFS)))
}

/// Whether the folder `dir` is on a disk mounted read-only.
pub fn on_read_only_disk(dir: &Path) -> bool {
    rustix::fs::statvfs(dir).is_ok_and(|st| st.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_link_is_not_followed_and_a_large_file_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.json");
        fs::write(&target, b"{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(read_regular(&link, 100), Err(ReadError::Link)));
        assert!(matches!(read_regular(&target, 1), Err(ReadError::TooLarge(2))));
        assert_eq!(read_regular(&target, 2).unwrap(), b"{}");
        assert!(matches!(read_regular(dir.path(), 100), Err(ReadError::NotAFile)));
        assert!(matches!(read_regular(&dir.path().join("none"), 100), Err(ReadError::NotFound)));
    }

    #[test]
    fn a_folder_others_can_write_to_is_named_with_its_fix() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("clients")).unwrap();
        assert_eq!(check_folder(dir.path()), vec![]);
        fs::set_permissions(dir.path().join("clients"), fs::Permissions::from_mode(0o777)).unwrap();
        let problems = check_folder(dir.path());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].problem.contains("permissions 777"));
        assert_eq!(problems[0].fix, format!("chmod 700 '{}'", dir.path().join("clients").display()));
    }
}
