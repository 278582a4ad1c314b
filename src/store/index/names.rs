//! The names of every client, apart from their summaries: all that finding
//! a client by name needs, small enough to read for every command.

use serde::{Deserialize, Serialize};

use super::IndexEntry;
use crate::domain::ClientId;
use crate::domain::bounds::is_valid_id;

/// A client as name look-ups know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientName {
    pub id: ClientId,
    /// The client file's name without its ending.
    pub file: String,
    /// None when their file could not be read.
    pub name: Option<String>,
    pub preferred_name: Option<String>,
}

impl ClientName {
    pub fn of(e: &IndexEntry) -> ClientName {
        ClientName {
            id: e.id.clone(),
            file: e.file.clone(),
            name: e.summary.as_ref().map(|s| s.name.clone()),
            preferred_name: e.summary.as_ref().and_then(|s| s.preferred_name.clone()),
        }
    }

    /// One Rapport could have written: ids that can become paths.
    pub fn is_sound(&self) -> bool {
        is_valid_id(&self.id) && is_valid_id(&self.file)
    }
}
