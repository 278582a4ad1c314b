//! What in the data folder needs the therapist's attention: files Rapport
//! does not use (sync-conflict copies, links, foreign files), damaged and
//! newer-format client files, left-over temp files, folder permissions.
//! `rapport doctor` prints it all; the client list warns of the strays.

use std::fs;
use std::path::{Path, PathBuf};

use super::atomic::is_temp_file;
use super::{Store, StoreError};
use crate::domain::bounds;

/// A file in `clients/` or `drafts/` that Rapport does not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    pub path: PathBuf,
    pub kind: StrayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrayKind {
    /// A copy a sync tool left beside a file both sides changed.
    ConflictCopy,
    /// A symbolic link: never followed.
    Link,
    /// A temp file of a save that was interrupted.
    TempFile,
    /// Any other name: not a file Rapport writes.
    Foreign,
}

impl StrayKind {
    /// Whether the therapist should do something about it.
    pub fn needs_attention(self) -> bool {
        matches!(self, StrayKind::ConflictCopy | StrayKind::Link)
    }

    /// What it is and what to do, after the file's name.
    pub fn explain(self) -> &'static str {
        match self {
            StrayKind::ConflictCopy => {
                "is a conflict copy left by a sync tool (Dropbox, Syncthing, Nextcloud…); Rapport ignores it. \
                 `rapport merge FILE` folds what it holds into the client's record (the same merge as `rapport \
                 sync`: nothing is lost, a true conflict is kept to settle) and removes it"
            }
            StrayKind::Link => "is a symbolic link; Rapport ignores it. Put the file itself there, or delete the link",
            StrayKind::TempFile => "is left from an interrupted save; Rapport removes it by itself",
            StrayKind::Foreign => "is not a file Rapport writes; it is ignored",
        }
    }
}

/// The names sync tools give their conflict copies: Dropbox "(… conflicted
/// copy …)" and "(Case Conflict)", Syncthing ".sync-conflict-…", Nextcloud
/// and ownCloud "(conflicted copy …)", "(conflict …)" and "_conflict-",
/// Google Drive "(1)", macOS Finder " 2". (A copy under any other name is
/// still caught: see [`Store::strays`].)
pub fn is_conflict_copy(name: &str) -> bool {
    let lower = name.to_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    let numbered = |s: &str| {
        s.strip_suffix(')')
            .and_then(|s| s.rsplit_once('('))
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let finder_copy =
        stem.rsplit_once(' ').is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    lower.contains("conflicted copy")
        || lower.contains(".sync-conflict-")
        || lower.contains("(conflict")
        || lower.contains("(case conflict")
        || lower.contains("_conflict-")
        || numbered(stem.trim_end())
        || finder_copy
}

/// One line of the doctor's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub attention: bool,
    pub text: String,
}

impl Store {
    /// Every file in `clients/` and `drafts/` that is not one Rapport uses.
    pub fn strays(&self) -> Vec<Stray> {
        self.strays_in(true)
    }

    /// [`Store::strays`], without listing a folder of many clients when
    /// the index's last full look saw nothing else there and it has not
    /// changed since: for the app's start and the client list.
    pub fn strays_at_a_glance(&self) -> Vec<Stray> {
        self.strays_in(!self.only_client_files())
    }

    fn strays_in(&self, list_clients: bool) -> Vec<Stray> {
        let mut strays = Vec::new();
        let clients = list_clients.then(|| self.clients_dir());
        for dir in clients.into_iter().chain([self.drafts_dir()]) {
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for e in entries.filter_map(|e| e.ok()) {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_link = e.file_type().is_ok_and(|t| t.is_symlink());
                let ours = name.strip_suffix(&format!(".{}", self.ext())).is_some_and(bounds::is_valid_id);
                let is_file = e.file_type().is_ok_and(|t| t.is_file());
                // An open app window's lock: Rapport's own, while it runs.
                if name.starts_with(".window-") && name.ends_with(".lock") {
                    continue;
                }
                let kind = if is_link {
                    StrayKind::Link
                } else if is_temp_file(&name) {
                    StrayKind::TempFile
                } else if is_conflict_copy(&name) {
                    StrayKind::ConflictCopy
                } else if ours && is_file {
                    continue;
                } else if is_file && dir == self.clients_dir() && self.holds_a_record(&e.path()) {
                    // A client's record under a name Rapport does not give: a copy.
                    StrayKind::ConflictCopy
                } else {
                    StrayKind::Foreign
                };
                strays.push(Stray { path: e.path(), kind });
            }
        }
        strays.sort_by(|a, b| a.path.cmp(&b.path));
        strays
    }

    /// Files in `clients/` other than the client's own that hold client
    /// `id`'s record, or are named as a sync tool names a copy of its file.
    pub(crate) fn copies_of(&self, id: &str) -> Vec<std::path::PathBuf> {
        let stem = self.stem(id);
        self.strays()
            .into_iter()
            .filter(|s| s.kind == StrayKind::ConflictCopy && s.path.parent() == Some(self.clients_dir().as_path()))
            .filter(|s| {
                let name = s.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let named_for = name.strip_prefix(&stem).is_some_and(|rest| rest.starts_with([' ', '.', '(', '_']));
                let holds = self
                    .read_file(&s.path)
                    .ok()
                    .and_then(|b| super::parse_record(&b, &s.path).or_else(|_| super::read_lenient(&b, &s.path)).ok())
                    .is_some_and(|r| r.client.id.as_str() == id);
                named_for || holds
            })
            .map(|s| s.path)
            .collect()
    }

    /// The file reads as a client record (any name, any version).
    fn holds_a_record(&self, path: &Path) -> bool {
        self.read_file(path)
            .is_ok_and(|b| super::parse_record(&b, path).is_ok() || super::read_lenient(&b, path).is_ok())
    }

    /// Everything worth telling about the folder, worst first.
    pub fn doctor(&self, now: chrono::NaiveDateTime) -> Result<Vec<Finding>, StoreError> {
        let mut found = Vec::new();
        let shown = |p: &Path| p.strip_prefix(self.root()).unwrap_or(p).display().to_string();
        for problem in super::files::check_folder(self.root()) {
            found.push(Finding {
                attention: true,
                text: format!("{} {}. Fix: {}", problem.path.display(), problem.problem, problem.fix),
            });
        }
        for s in self.strays() {
            found.push(Finding {
                attention: s.kind.needs_attention(),
                text: format!("{} {}", shown(&s.path), s.kind.explain()),
            });
        }
        for name in ["rapport.lock", "audit.log", "ledger", "config.json", "identity.age"] {
            let path = self.root().join(name);
            match fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => found.push(Finding {
                    attention: true,
                    text: format!("{name} is a symbolic link; Rapport does not follow it. Delete the link"),
                }),
                Ok(m) if !m.is_file() => found.push(Finding {
                    attention: true,
                    text: format!("{name} is not a file (a folder or a pipe); Rapport cannot use it. Move it away"),
                }),
                _ => {}
            }
        }
        if let Ok(entries) = fs::read_dir(self.root().join("backups")) {
            for e in entries.filter_map(|e| e.ok()) {
                let name = e.file_name().to_string_lossy().into_owned();
                match super::backup::snapshot_time(&name) {
                    _ if is_temp_file(&name) || name == "objects" => {}
                    None => found.push(Finding {
                        attention: false,
                        text: format!("backups/{name} is not a snapshot Rapport made; it is never restored or pruned"),
                    }),
                    Some(t) if t > now + chrono::Duration::days(1) => found.push(Finding {
                        attention: true,
                        text: format!(
                            "backups/{name} is dated in the future (a planted folder, or a clock that was wrong); \
                             pruning leaves it alone. Check it and remove it"
                        ),
                    }),
                    Some(_) => {}
                }
            }
        }
        for damage in self.damaged_snapshots(None) {
            found.push(Finding { attention: true, text: damage.text });
        }
        if self.ledger_lost() {
            found.push(Finding {
                attention: true,
                text: "the ledger (the record of every finalised note) is missing though it was started: no note can \
                       be changed until it is put back or `rapport verify --restart-ledger` starts it again"
                    .into(),
            });
        }
        if let Ok(ledger) = super::ledger::read(self.root(), self.keys.as_deref(), None) {
            if !ledger.forged.is_empty() {
                found.push(Finding {
                    attention: true,
                    text: format!(
                        "the ledger holds {} not made with this practice's key (forged, or from another practice): \
                         `rapport verify` names {}",
                        if ledger.forged.len() == 1 {
                            "1 entry".to_string()
                        } else {
                            format!("{} entries", ledger.forged.len())
                        },
                        if ledger.forged.len() == 1 { "it" } else { "them" }
                    ),
                });
            }
            if let Some((snapshot, n)) = self.ledger_shorter_than_snapshot(&ledger.entries) {
                found.push(Finding {
                    attention: true,
                    text: format!(
                        "the ledger holds {} entries, fewer than the {n} it held when snapshot {snapshot} was \
                         taken: it was cut short, or an older copy was put back; `rapport verify` says what it lacks",
                        ledger.entries.len()
                    ),
                });
            }
        }
        if super::ledger::exists(self.root()) && !self.root().join("audit.log").exists() {
            found.push(Finding {
                attention: true,
                text: "audit.log is missing though the ledger is there: the record of what was done was removed".into(),
            });
        }
        let files = self.load_all()?;
        let mut readable = 0;
        for f in &files {
            match (&f.record, f.read_only) {
                (Err(e), _) => found.push(Finding { attention: true, text: e.to_string() }),
                (Ok(_), true) => found.push(Finding {
                    attention: true,
                    text: format!(
                        "{} was written by a newer Rapport: shown read-only. Update Rapport to change it",
                        shown(&f.path)
                    ),
                }),
                (Ok(_), false) => readable += 1,
            }
        }
        let keys = self.keys.as_deref();
        for (file, torn) in [
            ("audit.log", super::audit::torn_lines(self.root(), keys)),
            ("ledger", super::ledger::torn_lines(self.root(), keys)),
        ] {
            if torn > 0 {
                found.push(Finding {
                    attention: false,
                    text: format!(
                        "{file} has {torn} unreadable {} (torn by a crash or a full disk): skipped on reading; the entries after it are whole",
                        if torn == 1 { "line" } else { "lines" }
                    ),
                });
            }
        }
        // Process notes: each file readable, each seal holding.
        for f in &files {
            let Ok(record) = &f.record else { continue };
            let id = &record.client.id;
            if self.process_path(id).symlink_metadata().is_err() {
                continue;
            }
            match self.process_notes(id) {
                Err(e) => found.push(Finding { attention: true, text: e.to_string() }),
                Ok(notes) => {
                    for (session, why) in crate::domain::process::against_record(&notes, record) {
                        found.push(Finding {
                            attention: true,
                            text: format!("note {session} of {} {why}", record.display_name()),
                        });
                    }
                }
            }
        }
        if let Err(e) = self.practice_log() {
            found.push(Finding { attention: true, text: e.to_string() });
        }
        if let Some(plain) = self.plain_practice_log_beside() {
            found.push(Finding {
                attention: true,
                text: format!(
                    "{} is in plain text beside the encrypted practice.age: Rapport never reads it. Compare the two \
                     with `rapport supervision list`, then delete the plain copy",
                    shown(&plain)
                ),
            });
        }
        found.sort_by_key(|f| !f.attention);
        found.push(Finding {
            attention: false,
            text: format!("{readable} of {} read and checked", crate::domain::plural(files.len(), "client file")),
        });
        found.push(Finding {
            attention: false,
            text: if self.is_encrypted() {
                "encryption: on (age); client files, drafts, snapshots, index, exports, audit log and ledger are encrypted".into()
            } else {
                "encryption: off (`rapport encrypt` turns it on)".into()
            },
        });
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::is_conflict_copy;

    #[test]
    fn the_conflict_names_of_common_sync_tools_are_known() {
        for name in [
            "sally (Jane's conflicted copy 2026-11-20).json",
            "sally.sync-conflict-20261120-123456-ABCDEFG.json",
            "sally (conflicted copy 2026-11-20 123456).json",
            "sally (conflict 2026-11-20).json",
            "sally (1).json",
        ] {
            assert!(is_conflict_copy(name), "{name}");
        }
        assert!(!is_conflict_copy("sally.json"));
        assert!(!is_conflict_copy("conflict-resolution-coach.json"));
    }
}
