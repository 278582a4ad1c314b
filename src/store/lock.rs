//! One lock for the whole data folder, held around every read-modify-write,
//! so two Rapport processes never interleave their changes.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

use fs4::FileExt;

use super::StoreError;

/// How long a writer waits for another to finish before giving up.
const WAIT: Duration = Duration::from_secs(5);

/// Held while it lives; the OS releases it if the process dies.
#[derive(Debug)]
pub struct DataLock {
    /// None on a read-only disk, where nothing can change the folder.
    _file: Option<File>,
}

impl DataLock {
    pub fn acquire(path: &Path) -> Result<DataLock, StoreError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(super::atomic::FILE_MODE)
            // A planted link would make Rapport create or lock another file;
            // a planted pipe would make it wait for ever.
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => StoreError::Link { path: path.to_path_buf() },
                _ => StoreError::io("open the lock file", path, e),
            });
        // A folder on a read-only disk (a mount, a backup drive) is read
        // as it is: no one can change it, so there is nothing to lock
        // against, and what would write says why it cannot.
        let file = match file {
            Err(StoreError::Io { cause, .. }) if cause.raw_os_error() == Some(libc::EROFS) => {
                return Ok(DataLock { _file: None });
            }
            other => other?,
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Err(StoreError::io(
                "use the lock file",
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "it is not a file; move it away"),
            ));
        }
        let start = Instant::now();
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => return Ok(DataLock { _file: Some(file) }),
                Err(fs4::TryLockError::WouldBlock) if start.elapsed() < WAIT => {
                    sleep(Duration::from_millis(10));
                }
                Err(fs4::TryLockError::WouldBlock) => return Err(StoreError::Locked),
                Err(fs4::TryLockError::Error(e)) => return Err(StoreError::io("lock", path, e)),
            }
        }
    }
}
