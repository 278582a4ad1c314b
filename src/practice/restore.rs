//! Restoring a snapshot: what it would take away, asked about first, in
//! the same words wherever it is asked.

use chrono::NaiveDateTime;

use super::{Answers, Ask, Outcome, Question};
use crate::domain::{ClientId, ClientRecord, ItemKind, plural};
use crate::store::{Store, StoreError};

/// What a restore of a plain practice would take away from one client:
/// what was written since the snapshot, item by item of every kind, or the
/// whole client when the snapshot does not hold them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenAway {
    pub client: String,
    /// The snapshot does not hold this client at all.
    pub whole: bool,
    /// How many items of each kind were added since (kinds with none left out).
    pub added: Vec<(ItemKind, usize)>,
    /// Items there then were changed since (a task closed, a detail edited).
    pub changed: bool,
    /// Notes finalised since: their seal goes (open again, or gone).
    pub unsealed: Vec<String>,
    /// Addenda written since.
    pub addenda: usize,
    /// Notes the snapshot holds under the same id with other words: each
    /// is put back as it was then.
    pub notes_rewritten: Vec<String>,
    /// Items there then changed since, and whether the client's details did.
    pub items_changed: usize,
    pub details_changed: bool,
}

impl TakenAway {
    fn said(&self) -> String {
        format!("{}: {}", self.client, self.what())
    }

    /// "2 notes, 1 personal detail", or "the whole record (added since)".
    fn what(&self) -> String {
        if self.whole {
            return "the whole record (added since)".into();
        }
        let mut parts: Vec<String> = self.added.iter().map(|(k, n)| plural(*n, k.noun())).collect();
        if !self.unsealed.is_empty() {
            parts.push(format!(
                "the seal of {} finalised since ({}: open again, or gone)",
                plural(self.unsealed.len(), "note"),
                self.unsealed.join(", ")
            ));
        }
        if self.addenda > 0 {
            parts.push(plural(self.addenda, "addendum").replace("addendums", "addenda"));
        }
        if !self.notes_rewritten.is_empty() {
            parts.push(format!(
                "what {} {} now (put back as written then)",
                if self.notes_rewritten.len() == 1 { "note" } else { "notes" },
                self.notes_rewritten.join(", ") + if self.notes_rewritten.len() == 1 { " says" } else { " say" }
            ));
        }
        match (self.items_changed, self.details_changed) {
            (0, false) => {}
            (0, true) => parts.push("changes to the client's details".into()),
            (n, d) => parts.push(format!(
                "changes to {}{}",
                plural(n, "item"),
                if d { " and to the client's details" } else { "" }
            )),
        }
        if self.changed && parts.is_empty() {
            parts.push("changes made since".into());
        }
        parts.join(", ")
    }
}

/// Client by client, what putting `snapshot` back over `now` would take
/// away (a plain practice's restore: each file is replaced whole). Clients
/// losing nothing are left out.
pub fn taken_away(snapshot: &[ClientRecord], now: &[ClientRecord]) -> Vec<TakenAway> {
    use strum::VariantArray;
    let mut out: Vec<TakenAway> = now
        .iter()
        .filter_map(|r| {
            let added = |then: Option<&ClientRecord>| -> Vec<(ItemKind, usize)> {
                ItemKind::VARIANTS
                    .iter()
                    .map(|k| {
                        let old = then.map(|t| t.ids_of(*k)).unwrap_or_default();
                        (*k, r.ids_of(*k).iter().filter(|i| !old.contains(i)).count())
                    })
                    .filter(|(_, n)| *n > 0)
                    .collect()
            };
            let Some(then) = snapshot.iter().find(|s| s.client.id == r.client.id) else {
                return Some(TakenAway {
                    client: r.display_name(),
                    whole: true,
                    added: added(None),
                    changed: false,
                    unsealed: Vec::new(),
                    addenda: 0,
                    notes_rewritten: Vec::new(),
                    items_changed: 0,
                    details_changed: false,
                });
            };
            let added = added(Some(then));
            let unsealed: Vec<String> = r
                .sessions
                .iter()
                .filter(|s| s.finalised.is_some())
                .filter(|s| then.session(&s.id).is_none_or(|t| t.finalised.is_none()))
                .map(|s| s.id.to_string())
                .collect();
            let addenda = r
                .sessions
                .iter()
                .map(|s| s.addenda.len().saturating_sub(then.session(&s.id).map_or(0, |t| t.addenda.len())))
                .sum();
            let (items_changed, details_changed) = changes_since(then, r);
            // The same id, other words: a note edited since, or written
            // under an id the snapshot gave an older note (after a restore).
            let notes_rewritten: Vec<String> = r
                .sessions
                .iter()
                .filter(|s| then.session(&s.id).is_some_and(|t| t.edit_base() != s.edit_base()))
                .map(|s| s.id.to_string())
                .collect();
            let t = TakenAway {
                notes_rewritten,
                client: r.display_name(),
                whole: false,
                added,
                changed: then != r,
                unsealed,
                addenda,
                items_changed,
                details_changed,
            };
            t.changed.then_some(t)
        })
        .collect();
    out.sort_by(|a, b| a.client.cmp(&b.client));
    out
}

/// How many items `then` held that `now` holds changed, and whether the
/// client's details changed: every list of the record, by item id.
fn changes_since(then: &ClientRecord, now: &ClientRecord) -> (usize, bool) {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(then), serde_json::to_value(now))
    else {
        return (0, false);
    };
    let mut items = 0;
    for (key, old) in &a {
        let (Some(old), Some(new)) = (old.as_array(), b.get(key).and_then(|v| v.as_array())) else { continue };
        for item in old {
            let Some(id) = item.get("id") else { continue };
            if let Some(now) = new.iter().find(|n| n.get("id") == Some(id))
                && now != item
            {
                items += 1;
            }
        }
    }
    (items, a.get("client") != b.get("client"))
}

/// The question before restoring snapshot `name` (only the record of
/// client `only`, when named by their name).
pub fn question(name: &str, only: Option<&str>, synced: bool, taken: &[TakenAway]) -> Question {
    if let Some(client) = only {
        let client = crate::sanitize::visible(client);
        let text = if synced {
            format!(
                "Restore {client}'s record from snapshot {name}? What it holds is put back; this practice is synced, \
                 so nothing added since is taken away. No other client changes. The current state is kept as a \
                 snapshot first."
            )
        } else if let Some(t) = taken.first() {
            format!(
                "Restore {client}'s record from snapshot {name}? It takes away what was written since ({}). No \
                 other client changes. The current state is kept as a snapshot first.",
                t.what()
            )
        } else {
            format!(
                "Restore {client}'s record from snapshot {name}? Nothing written since would be taken away, and no \
                 other client changes. The current state is kept as a snapshot first."
            )
        };
        return Question { ask: Ask::Restore, text };
    }
    let text = if synced {
        format!(
            "Restore snapshot {name}? What it holds is put back; this practice is synced, so nothing added since is \
             taken away, and the restore goes to your other devices with the next sync. The current state is kept as \
             a snapshot first."
        )
    } else if taken.is_empty() {
        format!(
            "Restore snapshot {name} over the current notes? Nothing written since it would be taken away. The \
             current state is kept as a snapshot first."
        )
    } else {
        let lines: Vec<String> = taken.iter().map(|t| format!("  {}", t.said())).collect();
        format!(
            "Restore snapshot {name} over the current notes? It takes away what was written since, for {}:\n{}\nThe \
             current state is kept as a snapshot first.",
            plural(taken.len(), "client"),
            lines.join("\n")
        )
    };
    Question { ask: Ask::Restore, text }
}

/// Restored: the snapshot that keeps the state before it.
#[derive(Debug)]
pub struct Restored {
    pub kept: String,
}

/// Restores snapshot `name` (only client `only`'s record, when given) once
/// the question about it is answered yes.
pub fn restore(
    store: &Store,
    name: &str,
    only: Option<&ClientId>,
    answers: &Answers,
    now: NaiveDateTime,
    progress: &mut dyn crate::progress::Progress,
) -> Result<Outcome<Restored>, StoreError> {
    let mut snapshot = store.snapshot_records(name, only)?;
    let synced = store.is_synced();
    let mut current: Vec<ClientRecord> =
        if synced { Vec::new() } else { store.load_all()?.into_iter().filter_map(|f| f.record.ok()).collect() };
    let named = match only {
        Some(id) => {
            snapshot.retain(|r| &r.client.id == id);
            current.retain(|r| &r.client.id == id);
            let Some(held) = snapshot.first() else {
                return Err(StoreError::Record(crate::domain::RecordError::Invalid(format!(
                    "snapshot {name} does not hold {}'s record; nothing was restored. `rapport backup list` lists \
                     the snapshots",
                    store.load(id).map_or_else(|_| id.to_string(), |r| r.display_name())
                ))));
            };
            Some(held.display_name())
        }
        None => None,
    };
    let taken = taken_away(&snapshot, &current);
    let open = answers.open(vec![question(name, named.as_deref(), synced, &taken)]);
    if !open.is_empty() {
        return Ok(Outcome::Asks(open));
    }
    // A client file damaged since the last sync is restored with what its
    // synced copy holds, not from the snapshot alone.
    let git = crate::sync::git::Git::new(store.root());
    // (Asked only in a synced practice: the store keeps nothing otherwise.)
    let synced_copy = |file: &str| git.blob("HEAD", &format!("clients/{file}")).ok().flatten();
    Ok(Outcome::Done(Restored { kept: store.restore_with(name, only, now, progress, &synced_copy)? }))
}
