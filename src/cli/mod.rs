//! The command line beside the TUI: for scripting and quick entry.

pub mod args;
mod commands;
pub mod crypt;

pub use args::{Cli, Command};
pub use commands::run;

use crate::store::IndexEntry;

/// Finds the client a CLIENT argument names: an exact id, or a
/// case-insensitive prefix of the full name, the preferred name, or any word
/// of the full name. An unknown or ambiguous name is an error that lists the
/// candidates.
pub fn resolve<'a>(files: &'a [IndexEntry], query: &str) -> Result<&'a IndexEntry, String> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Err("name a client; `rapport client list` shows them".into());
    }
    if let Some(f) = files.iter().find(|f| f.id == q) {
        return Ok(f);
    }
    let matches: Vec<&IndexEntry> = files
        .iter()
        .filter(|f| {
            let Some(r) = &f.summary else { return false };
            let name = r.name.to_lowercase();
            let preferred = r.preferred_name.as_deref().unwrap_or("").to_lowercase();
            name.starts_with(&q)
                || (!preferred.is_empty() && preferred.starts_with(&q))
                || name.split_whitespace().any(|w| w.starts_with(&q))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let unreadable: Vec<&str> =
                files.iter().filter(|f| f.summary.is_none() && f.id.starts_with(&q)).map(|f| f.id.as_str()).collect();
            if let [id] = unreadable.as_slice() {
                return Ok(files.iter().find(|f| f.id == *id).expect("listed"));
            }
            Err(format!("no client matches '{query}'; `rapport client list` shows them"))
        }
        many => {
            let names: Vec<String> =
                many.iter().filter_map(|f| f.summary.as_ref().map(|s| format!("{} ({})", s.name, f.id))).collect();
            Err(format!(
                "'{query}' matches more than one client: {}; type more of the name or use the id",
                names.join(", ")
            ))
        }
    }
}
