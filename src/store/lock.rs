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
    _file: File,
}

impl DataLock {
    pub fn acquire(path: &Path) -> Result<DataLock, StoreError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(super::atomic::FILE_MODE)
            // A planted link would make Rapport create or lock another file.
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| StoreError::io("open the lock file", path, e))?;
        let start = Instant::now();
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => return Ok(DataLock { _file: file }),
                Err(fs4::TryLockError::WouldBlock) if start.elapsed() < WAIT => {
                    sleep(Duration::from_millis(10));
                }
                Err(fs4::TryLockError::WouldBlock) => return Err(StoreError::Locked),
                Err(fs4::TryLockError::Error(e)) => return Err(StoreError::io("lock", path, e)),
            }
        }
    }
}
