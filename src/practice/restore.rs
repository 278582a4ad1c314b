//! Restoring a snapshot: what it would take away, asked about first, in
//! the same words wherever it is asked.

use chrono::NaiveDateTime;

use super::{Answers, Ask, Outcome, Question};
use crate::domain::{ClientRecord, plural};
use crate::store::{Store, StoreError};

/// What a restore of a plain practice would take away from one client:
/// what was written since the snapshot, or the whole client when the
/// snapshot does not hold them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenAway {
    pub client: String,
    /// The snapshot does not hold this client at all.
    pub whole: bool,
    pub notes: usize,
    pub messages: usize,
    pub tasks: usize,
    pub measures: usize,
}

impl TakenAway {
    fn said(&self) -> String {
        if self.whole {
            return format!("{}: the whole record (added since)", self.client);
        }
        let parts: Vec<String> =
            [(self.notes, "note"), (self.messages, "message"), (self.tasks, "task"), (self.measures, "measure")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, w)| plural(n, w))
                .collect();
        format!("{}: {}", self.client, parts.join(", "))
    }
}

/// Client by client, what putting `snapshot` back over `now` would take
/// away (a plain practice's restore: each file is replaced whole). Clients
/// losing nothing are left out.
pub fn taken_away(snapshot: &[ClientRecord], now: &[ClientRecord]) -> Vec<TakenAway> {
    let mut out: Vec<TakenAway> = now
        .iter()
        .filter_map(|r| {
            let Some(then) = snapshot.iter().find(|s| s.client.id == r.client.id) else {
                return Some(TakenAway {
                    client: r.display_name(),
                    whole: true,
                    notes: r.sessions.len(),
                    messages: r.contacts.len(),
                    tasks: r.tasks.len(),
                    measures: r.measures.len(),
                });
            };
            use crate::domain::ItemKind as K;
            let new = |k: K| {
                let old = then.ids_of(k);
                r.ids_of(k).iter().filter(|i| !old.contains(i)).count()
            };
            let t = TakenAway {
                client: r.display_name(),
                whole: false,
                notes: new(K::Session),
                messages: new(K::Contact),
                tasks: new(K::Task),
                measures: new(K::Measure),
            };
            (t.notes + t.messages + t.tasks + t.measures > 0).then_some(t)
        })
        .collect();
    out.sort_by(|a, b| a.client.cmp(&b.client));
    out
}

/// The question before restoring snapshot `name`.
pub fn question(name: &str, synced: bool, taken: &[TakenAway]) -> Question {
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

/// Restores snapshot `name` once the question about it is answered yes.
pub fn restore(
    store: &Store,
    name: &str,
    answers: &Answers,
    now: NaiveDateTime,
) -> Result<Outcome<Restored>, StoreError> {
    let snapshot = store.snapshot_records(name)?;
    let synced = store.is_synced();
    let taken = if synced {
        Vec::new()
    } else {
        let current: Vec<ClientRecord> = store.load_all()?.into_iter().filter_map(|f| f.record.ok()).collect();
        taken_away(&snapshot, &current)
    };
    let open = answers.open(vec![question(name, synced, &taken)]);
    if !open.is_empty() {
        return Ok(Outcome::Asks(open));
    }
    Ok(Outcome::Done(Restored { kept: store.restore(name, now)? }))
}
