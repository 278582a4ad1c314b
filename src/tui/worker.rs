//! The store on its own thread: the loop sends [`Effect`]s, the worker runs
//! them with [`effects::run`] and sends back the resulting [`Action`]s, so
//! the screen is drawn while a file is read, a search runs or the folder is
//! checked for changes made elsewhere.
//!
//! Effects run in the order sent. Two kinds are thinned on the way: of the
//! searches waiting, only the newest runs (an older query's results would be
//! thrown away anyway), and a refresh runs its full pass over the client
//! files only when the `clients/` folder changed or a minute has passed.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use chrono::NaiveDateTime;

use super::action::{Action, Effect};
use super::effects;
use crate::store::Store;

/// How often a refresh reads every file's size and time even when the
/// folder's own time did not change (a file edited in place).
const FULL_REFRESH: Duration = Duration::from_secs(60);

/// What the worker sends back for one effect.
pub struct Done {
    /// The effect's result, if it has one.
    pub action: Option<Action>,
    /// It was a change to the record: the loop waits for these before it
    /// reads more keys, so a key never acts on a state about to change.
    pub was_change: bool,
    /// What the store had to say besides (see `Store::take_notices`).
    pub notices: Vec<String>,
}

pub struct Worker {
    jobs: Option<Sender<(Effect, NaiveDateTime)>>,
    done: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
    /// Effects sent and not yet done.
    pub in_flight: usize,
    /// Of those, changes to the record.
    pub changes_in_flight: usize,
    /// Actions of a result already received, not yet handed out.
    pending: std::collections::VecDeque<Action>,
}

impl Worker {
    pub fn start(store: Store) -> Worker {
        let (jobs, inbox) = mpsc::channel::<(Effect, NaiveDateTime)>();
        let (outbox, done) = mpsc::channel::<Done>();
        let thread = std::thread::Builder::new()
            .name("rapport-store".into())
            .spawn(move || work(&store, &inbox, &outbox))
            .expect("starting the store thread");
        Worker {
            jobs: Some(jobs),
            done,
            thread: Some(thread),
            in_flight: 0,
            changes_in_flight: 0,
            pending: Default::default(),
        }
    }

    pub fn send(&mut self, effect: Effect, now: NaiveDateTime) {
        self.in_flight += 1;
        if effect.is_change() {
            self.changes_in_flight += 1;
        }
        if let Some(jobs) = &self.jobs {
            // The worker only stops when this side hangs up.
            let _ = jobs.send((effect, now));
        }
    }

    /// A result, waiting up to `timeout` for one.
    pub fn next(&mut self, timeout: Duration) -> Option<Action> {
        if let Some(action) = self.pending.pop_front() {
            return Some(action);
        }
        match self.done.recv_timeout(timeout) {
            Ok(done) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                if done.was_change {
                    self.changes_in_flight = self.changes_in_flight.saturating_sub(1);
                }
                // The result first, then what the store said, which stays
                // on the status line.
                self.pending.extend(done.notices.into_iter().map(Action::StoreWarned));
                match done.action {
                    Some(action) => Some(action),
                    None => self.pending.pop_front(),
                }
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Finishes every effect sent (a draft being kept at quit), then stops.
    pub fn finish(&mut self) {
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.finish();
    }
}

fn work(store: &Store, inbox: &Receiver<(Effect, NaiveDateTime)>, outbox: &Sender<Done>) {
    let mut folder_time: Option<SystemTime> = None;
    let mut last_full = Instant::now();
    while let Ok(first) = inbox.recv() {
        let mut jobs = vec![first];
        jobs.extend(inbox.try_iter());
        let newest_search = jobs.iter().rposition(|(e, _)| matches!(e, Effect::Search { .. }));
        for (i, (effect, now)) in jobs.into_iter().enumerate() {
            let was_change = effect.is_change();
            let skip = match &effect {
                Effect::Search { .. } => Some(i) != newest_search,
                Effect::Refresh => {
                    let time = std::fs::metadata(store.root().join("clients")).and_then(|m| m.modified()).ok();
                    let quiet = time.is_some() && time == folder_time && last_full.elapsed() < FULL_REFRESH;
                    if !quiet {
                        folder_time = time;
                        last_full = Instant::now();
                    }
                    quiet
                }
                _ => false,
            };
            let action = if skip { None } else { effects::run(store, effect, now) };
            let notices = store.take_notices();
            if outbox.send(Done { action, was_change, notices }).is_err() {
                return;
            }
        }
    }
}
