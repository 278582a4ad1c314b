//! The therapist's settings, in `DATA/config.json` (all optional):
//!
//! ```json
//! { "finalise_after_hours": 24, "keep_backups": 14,
//!   "measures": [{ "name": "CORE-10", "items": 10, "item_max": 4, "higher_is": "worse",
//!                  "cutoff": 11, "reliable_change": 6 }] }
//! ```
//! `finalise_after_hours: null` turns automatic finalising off; `measures`
//! defines custom outcome measures beside ORS, SRS, PHQ-9 and GAD-7;
//! `"sync_on_start_and_quit": true` has the app sync a synced folder as it
//! opens and as it closes. `client_hour_from_minutes` (50) and
//! `longer_sessions_count` (`"one_hour"` or `"actual_minutes"`) set how
//! `rapport hours` counts a held session (see `domain::hours`);
//! `supervision_rule` (`"monthly"` or `"trainee"`) and `target_client_hours`
//! (450) what it checks the months and the total against.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::bounds::{self, check_number};
use crate::domain::finalise::FinalisePolicy;
use crate::domain::hours::{ClientHourRule, LongerSessions};
use crate::domain::measures::CustomScale;
use crate::domain::note_format::NoteFormat;
use crate::domain::supervision::SupervisionRule;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
/// The therapist's settings: the contents of `config.json` in the data
/// folder. Every setting may be left out, for its default; one Rapport does
/// not know is refused.
pub struct Settings {
    /// Notes finalise by themselves this many hours after the session;
    /// null for never.
    #[schemars(range(min = *bounds::FINALISE_AFTER_HOURS.start(), max = *bounds::FINALISE_AFTER_HOURS.end()))]
    pub finalise_after_hours: Option<u32>,
    /// How many daily snapshots to keep.
    #[schemars(range(min = *bounds::KEEP_BACKUPS.start(), max = *bounds::KEEP_BACKUPS.end()))]
    pub keep_backups: usize,
    /// Hide the app's screen after this many idle minutes; null for never.
    #[schemars(range(min = *bounds::BLANK_AFTER_MINUTES.start(), max = *bounds::BLANK_AFTER_MINUTES.end()))]
    pub blank_after_minutes: Option<u32>,
    /// Custom outcome measures (CORE-10, WSAS, a service's own).
    #[schemars(length(max = bounds::CUSTOM_SCALES))]
    pub measures: Vec<CustomScale>,
    /// In a synced folder, the app syncs when it starts and when it quits.
    pub sync_on_start_and_quit: bool,
    /// A held session this long, up to an hour, counts as one client hour;
    /// a shorter one its minutes (50; 30 for work with young people).
    #[schemars(range(min = *bounds::CLIENT_HOUR_FROM_MINUTES.start(), max = *bounds::CLIENT_HOUR_FROM_MINUTES.end()))]
    pub client_hour_from_minutes: u32,
    /// A session longer than an hour counts as one hour, or its minutes.
    pub longer_sessions_count: LongerSessions,
    /// What a month of supervision must reach: `"monthly"` (1.5 hours) or
    /// `"trainee"` (also 1:8 and every two weeks).
    pub supervision_rule: SupervisionRule,
    /// How notes are headed and ordered: `"rapport"`, `"soap"`, `"dap"` or `"birp"`.
    pub note_format: NoteFormat,
    /// The client hours to reach (450 for BACP accreditation); null for none.
    #[schemars(range(min = *bounds::TARGET_CLIENT_HOURS.start(), max = *bounds::TARGET_CLIENT_HOURS.end()))]
    pub target_client_hours: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            finalise_after_hours: Some(24),
            keep_backups: 14,
            blank_after_minutes: None,
            measures: Vec::new(),
            sync_on_start_and_quit: false,
            client_hour_from_minutes: ClientHourRule::default().full_hour_from_minutes,
            longer_sessions_count: LongerSessions::default(),
            supervision_rule: SupervisionRule::default(),
            target_client_hours: None,
            note_format: NoteFormat::default(),
        }
    }
}

impl Settings {
    /// Reads `config.json` in the data folder; defaults when there is none.
    /// A value out of its range is refused, naming the setting.
    pub fn read(root: &Path) -> anyhow::Result<Settings> {
        let path = root.join("config.json");
        let settings: Settings = match super::files::read_regular(&path, 64 * 1024) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid ({e}); it takes {{\"finalise_after_hours\": 24, \"keep_backups\": 14}}. Fix or delete it",
                    path.display()
                )
            })?,
            Err(super::files::ReadError::NotFound) => Settings::default(),
            Err(super::files::ReadError::Link) => {
                anyhow::bail!("{} is a symbolic link; Rapport does not follow links in its data folder", path.display())
            }
            Err(super::files::ReadError::TooLarge(_)) => {
                anyhow::bail!("{} is larger than settings ever are (64 KiB); fix or delete it", path.display())
            }
            Err(super::files::ReadError::NotAFile) => anyhow::bail!("{} is not a file; move it away", path.display()),
            Err(super::files::ReadError::Io(e)) => anyhow::bail!("{} could not be read: {e}", path.display()),
        };
        settings.check().map_err(|e| anyhow::anyhow!("{}: {e}. Fix or delete it", path.display()))?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(h) = self.finalise_after_hours {
            check_number("finalise_after_hours", h, &bounds::FINALISE_AFTER_HOURS)?;
        }
        let keep = u32::try_from(self.keep_backups).unwrap_or(u32::MAX);
        check_number("keep_backups", keep, &bounds::KEEP_BACKUPS)?;
        if let Some(m) = self.blank_after_minutes {
            check_number("blank_after_minutes", m, &bounds::BLANK_AFTER_MINUTES)?;
        }
        check_number("client_hour_from_minutes", self.client_hour_from_minutes, &bounds::CLIENT_HOUR_FROM_MINUTES)?;
        if let Some(t) = self.target_client_hours {
            check_number("target_client_hours", t, &bounds::TARGET_CLIENT_HOURS)?;
        }
        if self.measures.len() > bounds::CUSTOM_SCALES {
            return Err(format!("measures defines {}; at most {}", self.measures.len(), bounds::CUSTOM_SCALES));
        }
        let mut keys = Vec::new();
        for m in &self.measures {
            m.check().map_err(|e| format!("measures: {e}"))?;
            if keys.contains(&m.key()) {
                return Err(format!("measures: two are named '{}'", crate::sanitize::visible(&m.name)));
            }
            keys.push(m.key());
        }
        Ok(())
    }

    /// How `rapport hours` counts a held session.
    pub fn client_hour(&self) -> ClientHourRule {
        ClientHourRule { full_hour_from_minutes: self.client_hour_from_minutes, longer: self.longer_sessions_count }
    }

    pub fn policy(&self) -> FinalisePolicy {
        FinalisePolicy { after_hours: self.finalise_after_hours }
    }
}
