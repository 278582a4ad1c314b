//! The file a note's field is handed to `$EDITOR` in: private to the
//! therapist, inside the data folder (so a sync or backup tool that skips
//! dot-files skips it too), refused while the folder is encrypted (the
//! editor would write the note in plain text), and read back on the same
//! terms as every other file (no link, no pipe, no more than a field holds).

use std::io::Write;
use std::path::Path;

use tempfile::NamedTempFile;

use super::atomic::FILE_MODE;
use super::{Store, StoreError, files};
use crate::domain::{RecordError, bounds};

/// Starts every editor file's name; `encrypt` sweeps any left behind.
pub const EDITOR_FILE_PREFIX: &str = ".rapport-edit-";

impl Store {
    /// A new private file holding `text`, for the editor; removed when dropped.
    pub fn editor_file(&self, text: &str) -> Result<NamedTempFile, StoreError> {
        if self.is_encrypted() {
            return Err(RecordError::Invalid(
                "the editor would write the note to disk unencrypted, so it is off while the folder is encrypted"
                    .into(),
            )
            .into());
        }
        let fail = |e: std::io::Error| StoreError::io("make a file for the editor in", self.root(), e);
        let mut file = tempfile::Builder::new()
            .prefix(EDITOR_FILE_PREFIX)
            .suffix(".txt")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(FILE_MODE))
            .tempfile_in(self.root())
            .map_err(fail)?;
        file.write_all(text.as_bytes()).and_then(|()| file.flush()).map_err(fail)?;
        Ok(file)
    }

    /// What the editor saved in `path`.
    pub fn read_editor_file(&self, path: &Path) -> Result<String, StoreError> {
        let bytes = files::read_regular(path, bounds::FIELD_BYTES as u64 + 1).map_err(|_| {
            StoreError::io("read back", path, std::io::Error::other("it is not there, not a file, or too long"))
        })?;
        String::from_utf8(bytes)
            .map_err(|_| RecordError::Invalid("the editor saved text that is not UTF-8".into()).into())
    }
}
