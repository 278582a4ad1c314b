//! `practice.json` (`practice.age` when the folder is encrypted): the
//! therapist's own log of supervision and CPD, kept apart from every
//! client's record. Read whole, changed under the folder lock, written
//! atomically; a file that cannot be read is never written over.

use std::path::PathBuf;

use chrono::NaiveDateTime;

use super::*;
use crate::domain::supervision::{LOG_VERSION, PracticeLog};

/// The log's file name without its ending.
pub const PRACTICE_LOG: &str = "practice";

impl Store {
    /// Where the practice log is.
    pub fn practice_log_path(&self) -> PathBuf {
        self.root.join(format!("{PRACTICE_LOG}.{}", self.ext()))
    }

    /// The practice log; empty when there is none yet. One that cannot be
    /// used is refused whole, saying why and what to do, and never written.
    pub fn practice_log(&self) -> Result<PracticeLog, StoreError> {
        let path = self.practice_log_path();
        let damaged = |why: String| StoreError::PracticeLog {
            path: path.clone(),
            said: format!(
                "cannot be read: {why}. Rapport has not changed it; correct it in a text editor (docs/format.md \
                 describes it), or move it away to start a new log"
            ),
        };
        let bytes = match self.read_file(&path) {
            Ok(bytes) => bytes,
            Err(StoreError::NotFound { .. }) => return Ok(PracticeLog::default()),
            Err(StoreError::Link { .. }) => {
                return Err(StoreError::PracticeLog {
                    path: path.clone(),
                    said: "is a symbolic link; Rapport does not follow links in its data folder and has not used or \
                           changed it. Put the file itself there instead of the link"
                        .into(),
                });
            }
            Err(StoreError::TooLarge { len, .. }) => {
                return Err(damaged(format!("it is {}, larger than a log ever is", super::bounds_size(len))));
            }
            Err(StoreError::Undecryptable { .. }) => {
                return Err(damaged("it could not be decrypted with this folder's key".into()));
            }
            Err(e) => return Err(e),
        };
        let version = super::version_of(&bytes);
        if version > LOG_VERSION {
            return Err(StoreError::PracticeLog {
                path,
                said: format!(
                    "was written by a newer Rapport (format {version}; this one knows {LOG_VERSION}). Update \
                     Rapport to use it; it has not been changed"
                ),
            });
        }
        let log: PracticeLog = serde_json::from_slice(&bytes).map_err(|e| {
            let message = e.to_string();
            damaged(format!(
                "line {}, column {}: {}",
                e.line(),
                e.column(),
                message.split(" at line ").next().unwrap_or("")
            ))
        })?;
        log.check().map_err(damaged)?;
        Ok(log)
    }

    /// A plain `practice.json` left beside the encrypted `practice.age` (put
    /// back by hand, or by another tool): never read, and worth saying.
    pub fn plain_practice_log_beside(&self) -> Option<PathBuf> {
        let plain = self.root.join(format!("{PRACTICE_LOG}.json"));
        (self.is_encrypted() && plain.symlink_metadata().is_ok()).then_some(plain)
    }

    /// Applies `change` to the practice log as it is on disk now, under the
    /// folder lock, and writes it. `what` goes to the audit log (never the
    /// words of the log).
    pub fn change_practice_log<T>(
        &self,
        now: NaiveDateTime,
        what: &str,
        change: impl FnOnce(&mut PracticeLog) -> Result<T, crate::domain::RecordError>,
    ) -> Result<T, StoreError> {
        let _lock = self.lock()?;
        let mut log = self.practice_log()?;
        let out = change(&mut log)?;
        log.schema_version = LOG_VERSION;
        log.check().map_err(crate::domain::RecordError::Invalid)?;
        self.write_json(&self.practice_log_path(), &log)?;
        self.audit(now, what, "", "");
        Ok(out)
    }
}
