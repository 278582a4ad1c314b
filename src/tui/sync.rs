//! The app's side of syncing (see [`crate::sync`]): the header's mark
//! ("synced 3 min ago", "4 changes to sync", "1 conflict"), the key that
//! syncs, and the setting that syncs as the app opens and as it quits.
//!
//! A sync runs on the store's worker like any other effect, so the screen
//! keeps drawing while git talks to the remote; what it brings is read
//! back as a refresh of the roster.

use chrono::NaiveDateTime;

use super::action::{Action, Effect};
use super::ctx::Outcome;
use super::roster::Roster;
use crate::domain::plural;
use crate::store::{IndexEntry, Store};
use crate::sync::Status;

/// What the header knows of the folder's sync, in a synced folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncMark {
    /// When this device last synced.
    pub last: Option<NaiveDateTime>,
    /// Files changed and commits not yet on the remote.
    pub to_sync: usize,
    /// A sync is under way.
    pub running: bool,
    /// The last sync failed (offline, refused): the status line said why.
    pub failed: bool,
    /// When the folder's standing was last asked for.
    pub checked: Option<NaiveDateTime>,
    /// Sync as the app opens and as it quits (the settings').
    pub on_start_and_quit: bool,
}

/// How often the header's standing is asked for when nothing happens
/// (another window or `rapport sync` may have synced meanwhile).
const CHECK_MINUTES: i64 = 1;

pub use super::action::SyncDone;

/// How the header's mark looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Quiet,
    Warning,
}

/// The header's words about syncing, in a synced folder: where `s`
/// stands at `now`, and the conflicts over every client of `roster`.
pub fn mark(s: &SyncMark, roster: &Roster, now: NaiveDateTime) -> (String, Tone) {
    let (said, tone) = if s.running {
        ("syncing…".into(), Tone::Quiet)
    } else if s.failed {
        ("not synced".into(), Tone::Warning)
    } else if s.to_sync > 0 {
        (format!("{} to sync", plural(s.to_sync, "change")), Tone::Quiet)
    } else if let Some(last) = s.last {
        (format!("synced {}", since(last, now)), Tone::Quiet)
    } else {
        ("not synced yet".into(), Tone::Quiet)
    };
    // Conflicts first, and where the sync stands beside them.
    match conflicts(roster) {
        0 => (said, tone),
        n => (format!("{} · {said}", plural(n, "conflict")), Tone::Warning),
    }
}

/// Conflicts from two devices not yet settled, over every client.
pub fn conflicts(roster: &Roster) -> usize {
    roster.clients.iter().filter_map(|c| c.summary.as_ref().ok()).map(|s| s.conflicts).sum()
}

/// "just now", "3 min ago", "2 h ago", "4 days ago".
pub fn since(then: NaiveDateTime, now: NaiveDateTime) -> String {
    crate::domain::time::ago_within_a_day(then, now)
        .unwrap_or_else(|| format!("{} ago", plural(((now - then).num_minutes() / 1440) as usize, "day")))
}

/// The sync key: sync now, in a synced folder (`sync` is None in one that is not).
pub fn sync_key(sync: &mut Option<SyncMark>) -> Outcome {
    match sync {
        None => Outcome::info(
            "This practice is on this device only. `rapport sync init REMOTE` sets up syncing with your other \
             devices (see Two devices, docs/sync.md).",
        ),
        Some(s) if s.running => Outcome::info("Already syncing; the header says when it is done."),
        Some(s) => {
            s.running = true;
            Outcome::effect(Effect::Sync)
        }
    }
}

/// On each tick: the first syncs (with the setting) or asks where the
/// folder stands; later ones ask again now and then.
pub fn tick(sync: &mut Option<SyncMark>, now: NaiveDateTime) -> Vec<Effect> {
    let Some(s) = sync else { return vec![] };
    let first = s.checked.is_none();
    let due = s.checked.is_none_or(|t| (now - t).num_minutes() >= CHECK_MINUTES);
    if !due || s.running {
        return vec![];
    }
    s.checked = Some(now);
    if first && s.on_start_and_quit {
        s.running = true;
        return vec![Effect::Sync];
    }
    vec![Effect::CheckSync]
}

/// After a change is saved: the header counts it.
pub fn changed(sync: &mut Option<SyncMark>, now: NaiveDateTime) -> Vec<Effect> {
    match sync {
        Some(s) if !s.running => {
            s.checked = Some(now);
            vec![Effect::CheckSync]
        }
        _ => vec![],
    }
}

/// The answer to [`Effect::CheckSync`].
pub fn checked(sync: &mut Option<SyncMark>, result: Result<Status, String>) {
    let Some(s) = sync else { return };
    if let Ok(st) = result {
        s.to_sync = st.changes();
        s.last = st.last_sync;
    }
}

/// The answer to [`Effect::Sync`]: the mark takes it in; what the sync
/// brought (the index as it is now, and what to say) is handed on, or
/// what to say of its failure.
pub fn synced(
    sync: &mut Option<SyncMark>,
    result: Result<SyncDone, String>,
) -> Result<(Vec<IndexEntry>, String), String> {
    let Some(s) = sync else { return Err("Not synced: this practice is on this device only.".into()) };
    s.running = false;
    match result {
        Ok(done) => {
            s.failed = false;
            s.to_sync = done.status.changes();
            s.last = done.status.last_sync;
            Ok((done.entries, done.said))
        }
        Err(e) => {
            s.failed = true;
            Err(format!("Not synced: {e}"))
        }
    }
}

/// Runs [`Effect::Sync`] on the store: commit, fetch, merge, push.
pub fn run(store: &Store, now: NaiveDateTime) -> Action {
    let said = |e: anyhow::Error| match e.downcast_ref::<crate::sync::Offline>() {
        Some(offline) => offline.in_the_app(),
        None => format!("{e:#}"),
    };
    let result = crate::sync::sync(store, now).map_err(said).and_then(|synced| {
        let mut said = format!("Synced: {}.", synced.counts());
        for warning in synced.warnings() {
            said.push(' ');
            said.push_str(&warning);
        }
        let status = crate::sync::git_side(store.root()).map_err(|e| format!("{e:#}"))?;
        let entries = store.index_checked().map_err(|e| e.to_string())?;
        Ok(SyncDone { said, status, entries })
    });
    Action::Synced(Box::new(result))
}

/// Runs [`Effect::CheckSync`]: where the folder stands, without the network.
pub fn check(store: &Store) -> Action {
    Action::SyncChecked(crate::sync::git_side(store.root()).map_err(|e| format!("{e:#}")))
}

/// Syncs as the app quits (with the setting), in the restored terminal.
pub fn at_quit(store: &Store, now: NaiveDateTime) {
    println!("Syncing before closing…");
    match crate::sync::sync(store, now) {
        Ok(synced) => {
            println!("Synced: {}.", synced.counts());
            for warning in synced.warnings() {
                println!("{warning}");
            }
        }
        Err(e) => eprintln!("{}", crate::sanitize::visible(&format!("Not synced: {e:#}."))),
    }
}

/// Says, in the restored terminal, what this device has not yet sent.
pub fn remind_at_quit(store: &Store) {
    if let Ok(st) = crate::sync::git_side(store.root())
        && st.changes() > 0
    {
        println!(
            "{} to sync: `rapport sync` (or S in the app) sends them to your other devices.",
            plural(st.changes(), "change")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::ctx::Say;

    fn at(s: &str) -> NaiveDateTime {
        crate::domain::time::parse_datetime(s).unwrap()
    }

    #[test]
    fn the_mark_says_the_most_pressing_thing_first() {
        let last = Some(at("2026-11-23 11:57"));
        let roster = Roster::new(Vec::new());
        let said = |s: SyncMark| mark(&s, &roster, at("2026-11-23 12:00"));
        assert_eq!(said(SyncMark { last, ..Default::default() }), ("synced 3 min ago".into(), Tone::Quiet));
        assert_eq!(
            said(SyncMark { last, to_sync: 4, ..Default::default() }),
            ("4 changes to sync".into(), Tone::Quiet)
        );
        assert_eq!(said(SyncMark { last, to_sync: 4, failed: true, ..Default::default() }).1, Tone::Warning);
        assert_eq!(said(SyncMark { to_sync: 4, running: true, ..Default::default() }).0, "syncing…");
        assert_eq!(said(SyncMark::default()).0, "not synced yet");
    }

    #[test]
    fn the_first_tick_syncs_only_with_the_setting_and_a_sync_is_never_sent_twice() {
        let now = at("2026-11-23 12:00");
        let mut s = Some(SyncMark::default());
        assert_eq!(tick(&mut s, now), vec![Effect::CheckSync]);
        assert_eq!(tick(&mut s, now), vec![], "asked again only after a minute");
        let mut s = Some(SyncMark { on_start_and_quit: true, ..Default::default() });
        assert_eq!(tick(&mut s, now), vec![Effect::Sync]);
        assert!(sync_key(&mut s).effects.is_empty(), "already syncing");
        let failed = synced(&mut s, Err("the remote could not be reached".into())).unwrap_err();
        assert!(failed.contains("Not synced: the remote could not be reached"));
        assert_eq!(sync_key(&mut s).effects, vec![Effect::Sync]);
        let mut s = None;
        let out = sync_key(&mut s);
        assert!(out.effects.is_empty());
        assert!(matches!(out.say, Some(Say::Info(t)) if t.contains("`rapport sync init REMOTE`")));
    }

    #[test]
    fn since_reads_as_a_person_says_it() {
        let now = at("2026-11-23 12:00");
        assert_eq!(since(at("2026-11-23 12:00"), now), "just now");
        assert_eq!(since(at("2026-11-23 10:30"), now), "1 h ago");
        assert_eq!(since(at("2026-11-20 12:00"), now), "3 days ago");
    }
}
