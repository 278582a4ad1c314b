//! Named crash points, for the crash tests: every step that writes to the
//! data folder calls [`point`] with its name, and a test run with
//! `RAPPORT_CRASH_AT=<point>:<n>` aborts the process exactly the `n`th time
//! that point is reached — as a power cut or a kill would stop it there,
//! with no destructor run and nothing flushed. The tests enumerate
//! [`POINTS`] and every `n`, as SQLite's crash tests do; no timed kill can
//! cover as much, or as steadily.
//!
//! `RAPPORT_CRASH_TRACE=<file>` instead appends the name of every point
//! reached to `<file>`, one a line: how a test learns how many times each
//! point is reached by a command.
//!
//! Neither variable is for therapists. Unset, a point costs one load of an
//! initialised `OnceLock`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every crash point, each named once here (a test checks that the calls
/// in the code and this list agree). A point is reached just before the
/// step it names.
pub const POINTS: &[&str] = &[
    // write_atomic: a temp file in the same folder, written, flushed, renamed, the folder synced.
    "write.temp",
    "write.fsync",
    "write.rename",
    "write.folder-sync",
    // The append-only logs: one write of whole lines, then a sync.
    "audit.append",
    "ledger.append",
    "append.torn",
    "append.sync",
    // A snapshot: each changed file stored as an object, the manifest
    // written last in a temporary folder, renamed when whole.
    "snapshot.object",
    "snapshot.rename",
    "snapshot.folder-sync",
    // Pruning: each manifest removed (with its folder), then each object no
    // manifest names. Rewriting the snapshots (erasure, encrypt, new ids):
    // each manifest written anew after the objects it names.
    "snapshot.prune",
    "objects.remove",
    "snapshot.rewrite",
    // Full copies an older Rapport made, moved into objects: each file,
    // the manifest, the copies removed.
    "migrate.object",
    "migrate.manifest",
    "migrate.remove-copies",
    // A client erased (its file goes last), a conflict copy removed once merged.
    "erase.remove",
    "merge-copy.remove",
    // encrypt / decrypt: snapshot, journal, key, each file, logs, journal removed.
    "convert.journal",
    "convert.key",
    "convert.file",
    "convert.remove-old",
    "convert.practice-log",
    "convert.audit",
    "convert.ledger",
    "convert.finish",
    "decrypt.remove-key",
    // `rapport passphrase`: the key file written anew under the new passphrase.
    "passphrase.write",
    // `sync init` on a plain folder: ids without names, journaled.
    "new-ids.journal",
    "new-ids.rename",
    "new-ids.finish",
    // Each git command a sync, `sync init` or `sync clone` runs.
    "git.command",
    // `sync init`: the mark, the repository, the first commit, the mark removed.
    "sync-init.mark",
    "sync-init.repository",
    "sync-init.commit",
    "sync-init.finish",
    // `backup restore`: a snapshot of now, then each file put back.
    "restore.file",
    "restore.remove",
];

struct Switch {
    /// The point to abort at, and at which time it is reached.
    at: Option<(String, usize)>,
    reached: AtomicUsize,
    trace: Option<std::path::PathBuf>,
}

static SWITCH: OnceLock<Option<Switch>> = OnceLock::new();

fn read_switch() -> Option<Switch> {
    let at = std::env::var("RAPPORT_CRASH_AT").ok().map(|v| {
        let parsed = v.rsplit_once(':').and_then(|(p, n)| Some((p.to_string(), n.parse::<usize>().ok()?)));
        match parsed {
            Some((p, n)) if POINTS.contains(&p.as_str()) && n > 0 => (p, n),
            _ => {
                // A test that names no real point must fail, not pass unharmed.
                eprintln!("RAPPORT_CRASH_AT={v}: not <point>:<n> with a point of store::crash::POINTS and n ≥ 1");
                std::process::exit(101);
            }
        }
    });
    let trace = std::env::var_os("RAPPORT_CRASH_TRACE").map(std::path::PathBuf::from);
    (at.is_some() || trace.is_some()).then(|| Switch { at, reached: AtomicUsize::new(0), trace })
}

/// Crash point `name` (one of [`POINTS`]): aborts the process here when the
/// tests asked for it, and does nothing otherwise.
#[inline]
pub fn point(name: &'static str) {
    if let Some(s) = SWITCH.get_or_init(read_switch) {
        reached(s, name);
    }
}

/// Like [`point`], for a step that can be cut half way (an append torn by a
/// power cut): true when the caller should do half its work, then call
/// [`abort`].
pub fn half_way(name: &'static str) -> bool {
    let Some(s) = SWITCH.get_or_init(read_switch) else { return false };
    trace(s, name);
    hit(s, name)
}

/// Stops the process at once, as a kill would: no destructor, no flush, no
/// core file.
pub fn abort() -> ! {
    let none = rustix::process::Rlimit { current: Some(0), maximum: Some(0) };
    let _ = rustix::process::setrlimit(rustix::process::Resource::Core, none);
    std::process::abort()
}

#[cold]
fn reached(s: &Switch, name: &'static str) {
    trace(s, name);
    if hit(s, name) {
        abort();
    }
}

fn hit(s: &Switch, name: &str) -> bool {
    debug_assert!(POINTS.contains(&name), "crash point {name} is not in store::crash::POINTS");
    match &s.at {
        Some((p, n)) if p == name => s.reached.fetch_add(1, Ordering::SeqCst) + 1 == *n,
        _ => false,
    }
}

fn trace(s: &Switch, name: &str) {
    if let Some(path) = &s.trace {
        use std::io::Write;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        if let Ok(mut f) = file {
            let _ = f.write_all(format!("{name}\n").as_bytes());
        }
    }
}
