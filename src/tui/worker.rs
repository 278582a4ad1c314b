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
use crate::store::{IndexMark, Store};

/// How often a refresh reads every file's size and time even when the
/// folder's own time did not change (a file edited in place).
const FULL_REFRESH: Duration = Duration::from_secs(60);

/// What the worker sends back for one effect.
pub struct Done {
    /// The effect's result, if it has one, then what the store noticed on
    /// the way (shown after it, so it stays on the status line).
    pub actions: Vec<Action>,
    /// It was a change to the record: the loop waits for these before it
    /// reads more keys, so a key never acts on a state about to change.
    pub was_change: bool,
    /// The effect is done; false for news on the way (how far a long
    /// loading has got), more of which follows.
    pub finished: bool,
}

/// How long the loading behind the first frame goes on before it says how
/// far it has got, and how often it says so then.
const LOADING_NEWS: Duration = Duration::from_millis(150);

pub struct Worker {
    jobs: Option<Sender<(Effect, NaiveDateTime)>>,
    done: Receiver<Done>,
    /// For a sync, which runs on a thread of its own (see [`Worker::send`]).
    store: Store,
    side: Sender<Done>,
    thread: Option<JoinHandle<()>>,
    /// Effects sent and not yet done.
    pub in_flight: usize,
    /// Of those, changes to the record.
    pub changes_in_flight: usize,
}

impl Worker {
    /// Starts the worker on `store`, whose roster holds the summaries at
    /// `mark` (see [`effects::look`]).
    pub fn start(store: Store, mark: Option<IndexMark>) -> Worker {
        let (jobs, inbox) = mpsc::channel::<(Effect, NaiveDateTime)>();
        let (outbox, done) = mpsc::channel::<Done>();
        let side = outbox.clone();
        let worker_store = store.clone();
        let thread = std::thread::Builder::new()
            .name("rapport-store".into())
            .spawn(move || work(&worker_store, mark, &inbox, &outbox))
            .expect("starting the store thread");
        Worker { jobs: Some(jobs), done, store, side, thread: Some(thread), in_flight: 0, changes_in_flight: 0 }
    }

    pub fn send(&mut self, effect: Effect, now: NaiveDateTime) {
        self.in_flight += 1;
        if effect == Effect::Sync {
            // A sync waits on the network, for as long as two minutes: on a
            // thread of its own, so notes and drafts are saved meanwhile.
            let (store, side) = (self.store.clone(), self.side.clone());
            let started = std::thread::Builder::new().name("rapport-sync".into()).spawn(move || {
                let mut actions: Vec<Action> = effects::run(&store, Effect::Sync, now).into_iter().collect();
                actions.extend(store.take_notices().into_iter().map(Action::StoreWarned));
                let _ = side.send(Done { actions, was_change: false, finished: true });
            });
            if started.is_err() {
                let failed = Action::Synced(Box::new(Err("a thread for the sync could not be started".into())));
                let _ = self.side.send(Done { actions: vec![failed], was_change: false, finished: true });
            }
            return;
        }
        if effect.is_change() {
            self.changes_in_flight += 1;
        }
        if let Some(jobs) = &self.jobs {
            // The worker only stops when this side hangs up.
            let _ = jobs.send((effect, now));
        }
    }

    /// The results of one effect, waiting up to `timeout` for them.
    pub fn next(&mut self, timeout: Duration) -> Option<Vec<Action>> {
        match self.done.recv_timeout(timeout) {
            Ok(done) if !done.finished => Some(done.actions),
            Ok(done) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                if done.was_change {
                    self.changes_in_flight = self.changes_in_flight.saturating_sub(1);
                }
                Some(done.actions)
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

fn work(store: &Store, mut mark: Option<IndexMark>, inbox: &Receiver<(Effect, NaiveDateTime)>, outbox: &Sender<Done>) {
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
                    let time = store.clients_folder_time();
                    let quiet = time.is_some() && time == folder_time && last_full.elapsed() < FULL_REFRESH;
                    if !quiet {
                        folder_time = time;
                        last_full = Instant::now();
                    }
                    quiet
                }
                _ => false,
            };
            let mut actions: Vec<Action> = match effect {
                _ if skip => None,
                Effect::Refresh => effects::look(store, &mut mark),
                Effect::LoadRoster => {
                    let started = Instant::now();
                    let mut said = started;
                    let mut tell = |done: usize, total: usize| {
                        if started.elapsed() >= LOADING_NEWS && said.elapsed() >= LOADING_NEWS {
                            said = Instant::now();
                            let news = Action::RosterLoading { done, total };
                            let _ = outbox.send(Done { actions: vec![news], was_change: false, finished: false });
                        }
                    };
                    effects::load_roster(store, &mut mark, &mut tell)
                }
                effect => effects::run(store, effect, now),
            }
            .into_iter()
            .collect();
            actions.extend(store.take_notices().into_iter().map(Action::StoreWarned));
            if outbox.send(Done { actions, was_change, finished: true }).is_err() {
                return;
            }
        }
    }
}
