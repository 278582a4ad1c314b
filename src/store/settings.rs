//! The therapist's settings, in `DATA/config.json` (all optional):
//!
//! ```json
//! { "finalise_after_hours": 24, "keep_backups": 14 }
//! ```
//! `finalise_after_hours: null` turns automatic finalising off.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::finalise::FinalisePolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Notes finalise by themselves this many hours after the session;
    /// null for never.
    pub finalise_after_hours: Option<u32>,
    /// How many daily snapshots to keep.
    pub keep_backups: usize,
    /// Hide the app's screen after this many idle minutes; null for never.
    pub blank_after_minutes: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { finalise_after_hours: Some(24), keep_backups: 14, blank_after_minutes: None }
    }
}

impl Settings {
    /// Reads `config.json` in the data folder; defaults when there is none.
    pub fn read(root: &Path) -> anyhow::Result<Settings> {
        let path = root.join("config.json");
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid ({e}); it takes {{\"finalise_after_hours\": 24, \"keep_backups\": 14}}. Fix or delete it",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(anyhow::anyhow!("reading {}: {e}", path.display())),
        }
    }

    pub fn policy(&self) -> FinalisePolicy {
        FinalisePolicy { after_hours: self.finalise_after_hours }
    }
}
