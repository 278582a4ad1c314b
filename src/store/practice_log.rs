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

    /// The practice log; empty when there is none yet.
    pub fn practice_log(&self) -> Result<PracticeLog, StoreError> {
        let path = self.practice_log_path();
        let bytes = match self.read_file(&path) {
            Err(StoreError::NotFound { .. }) => return Ok(PracticeLog::default()),
            other => other?,
        };
        let log: PracticeLog = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        })?;
        log.check().map_err(|reason| StoreError::Damaged { path, reason })?;
        Ok(log)
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
