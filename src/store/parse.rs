//! Reading a client file's bytes into a record, or saying exactly what is
//! wrong and where; and the check every id passes before it names a file.

use std::io;
use std::path::Path;

use super::*;
use crate::domain::{ClientRecord, RecordError, SCHEMA_VERSION, bounds};

/// Refuses an id Rapport would not write before it becomes part of a path.
pub(crate) fn valid_id(id: &str) -> Result<(), StoreError> {
    if bounds::is_valid_id(id) {
        return Ok(());
    }
    Err(StoreError::Record(RecordError::Invalid(format!(
        "'{}' is not a client id (a-z, 0-9 and -, at most 64); `rapport client list` shows them",
        crate::sanitize::visible(id)
    ))))
}

/// Reads a client file or a draft: never through a link, never one over
/// the size limit.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    use files::ReadError;
    files::read_regular(path, bounds::FILE_BYTES).map_err(|e| match e {
        ReadError::NotFound => StoreError::NotFound { path: path.to_path_buf() },
        ReadError::Link => StoreError::Link { path: path.to_path_buf() },
        ReadError::TooLarge(len) => StoreError::TooLarge { path: path.to_path_buf(), len },
        ReadError::NotAFile => {
            StoreError::io("read", path, io::Error::new(io::ErrorKind::InvalidInput, "it is not a file"))
        }
        ReadError::Io(e) => StoreError::io("read", path, e),
    })
}

pub(crate) fn version_of(bytes: &[u8]) -> u32 {
    serde_json::from_slice::<VersionOnly>(bytes).map_or(0, |v| v.schema_version)
}

fn corrupt(path: &Path, e: &serde_json::Error) -> StoreError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; we say it our way.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    StoreError::Corrupt { path: path.to_path_buf(), line: e.line(), column: e.column(), message }
}

#[derive(serde::Deserialize)]
struct VersionOnly {
    schema_version: u32,
}

/// Reads the bytes of a client file (named `path` in messages): a record,
/// or an error saying what is wrong and where. Never panics, whatever the
/// bytes (the fuzz target in `fuzz/` holds it to that).
pub fn parse_record(bytes: &[u8], path: &Path) -> Result<ClientRecord, StoreError> {
    // Look at the version first, so a newer file is named as such rather than
    // as damaged when its shape has changed.
    let version: VersionOnly = serde_json::from_slice(bytes).map_err(|e| corrupt(path, &e))?;
    if version.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: path.to_path_buf(), found: version.schema_version });
    }
    if version.schema_version == 0 {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: "schema_version 0 is no Rapport format".into(),
        });
    }
    let mut record: ClientRecord = serde_json::from_slice(bytes).map_err(|e| corrupt(path, &e))?;
    if version.schema_version < 3 {
        record.upgrade_appointments();
    }
    if version.schema_version < 5 {
        record.upgrade_cancels();
    }
    record.measures_in_time_order();
    record.check().map_err(|reason| StoreError::Damaged { path: path.to_path_buf(), reason })?;
    Ok(record)
}

/// Reads a newer-format file as far as this build understands it; it must
/// pass the same checks as any other.
pub(crate) fn read_lenient(bytes: &[u8], path: &Path) -> Result<ClientRecord, StoreError> {
    let record: ClientRecord = serde_json::from_slice(bytes)
        .map_err(|_| StoreError::NewerSchema { path: path.to_path_buf(), found: version_of(bytes) })?;
    record.check().map_err(|reason| StoreError::Damaged { path: path.to_path_buf(), reason })?;
    Ok(record)
}
