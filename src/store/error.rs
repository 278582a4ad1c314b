//! What went wrong with the data folder, in words for the therapist.

use std::io;
use std::path::{Path, PathBuf};

use super::*;
use crate::domain::{RecordError, SCHEMA_VERSION, bounds};

/// What went wrong with the data folder, in words for the therapist.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no client file {}", path.display())]
    NotFound { path: PathBuf },
    #[error(
        "{} is damaged or not a Rapport client file (line {line}, column {column}: {message}). \
         Rapport will not change it; repair it in a text editor or restore it from a backup",
        path.display()
    )]
    Corrupt { path: PathBuf, line: usize, column: usize, message: String },
    #[error(
        "{} was written by a newer Rapport (format {found}; this one knows format {SCHEMA_VERSION}). \
         It can be read but not changed; update Rapport to edit it",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("another Rapport window kept the data folder busy for 5 seconds; nothing was saved, try again")]
    Locked,
    // Not named `source`: the reason is in the sentence, not repeated after it.
    #[error("could not {action} {}: {cause}{}", path.display(), hint(cause))]
    Io { action: &'static str, path: PathBuf, cause: io::Error },
    // Not named `source`: the reason is in the sentence, not repeated after it.
    #[error("could not save {}: {}. The file on disk is unchanged{}", path.display(), cause.root_cause(), write_hint(cause))]
    Write { path: PathBuf, cause: anyhow::Error },
    #[error(
        "{} could not be decrypted with this folder's key: it is damaged or from another folder. Rapport will not change it",
        path.display()
    )]
    Undecryptable { path: PathBuf },
    #[error(
        "{} is damaged: {reason}. Rapport will not use or change it; repair it in a text editor or restore it from a backup",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{} is a symbolic link; Rapport does not follow links inside its data folder, and has not used or changed it. \
         Put the file itself there instead of the link",
        path.display()
    )]
    Link { path: PathBuf },
    #[error(
        "{} is {}; Rapport has not read or changed it. Split the record or restore it from a backup",
        path.display(), over(*len)
    )]
    TooLarge { path: PathBuf, len: u64 },
    #[error(
        "the data folder is not safe: {} {}. Notes there could be read or changed by someone else. \
         Fix it with: {}   (or set RAPPORT_ALLOW_UNSAFE_FOLDER=1 to use it anyway)",
        .0.path.display(), .0.problem, .0.fix
    )]
    UnsafeFolder(files::UnsafeFolder),
    /// The practice log (`practice.json`) cannot be used: `said` says why
    /// and what to do.
    #[error("{} (your supervision and CPD log) {said}", path.display())]
    PracticeLog { path: PathBuf, said: String },
    #[error(transparent)]
    Record(#[from] RecordError),
}

pub(crate) fn hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "; check that this account owns the data folder",
        io::ErrorKind::StorageFull => "; free some disk space and try again",
        _ => "",
    }
}

fn write_hint(e: &anyhow::Error) -> &'static str {
    match e.root_cause().downcast_ref::<io::Error>().map(io::Error::kind) {
        Some(io::ErrorKind::StorageFull) => "; the disk is full: free some space and save again",
        Some(io::ErrorKind::PermissionDenied) => "; check that this account owns the data folder",
        Some(io::ErrorKind::ReadOnlyFilesystem) => {
            "; the data folder is on a read-only disk: it can be read, and written once it is mounted for writing"
        }
        _ => "",
    }
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io { action, path: path.to_path_buf(), cause: source }
    }
}

/// "17.2 MiB, over the 16.0 MiB a client file may be": in bytes where the
/// two would read the same ("16.0 MiB, over the 16.0 MiB").
pub(crate) fn over(len: u64) -> String {
    let (size, limit) = (bounds::size(len), bounds::size(bounds::FILE_BYTES));
    if size == limit {
        format!("{len} bytes, over the {} bytes a client file may be", bounds::FILE_BYTES)
    } else {
        format!("{size}, over the {limit} a client file may be")
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    fn a_file_just_over_the_limit_is_told_in_bytes_not_as_the_limit_itself() {
        let said = over(bounds::FILE_BYTES + 1);
        assert_eq!(
            said,
            format!("{} bytes, over the {} bytes a client file may be", bounds::FILE_BYTES + 1, bounds::FILE_BYTES)
        );
        assert!(over(bounds::FILE_BYTES * 2).starts_with("32.0 MiB, over the 16.0 MiB"));
    }
}
