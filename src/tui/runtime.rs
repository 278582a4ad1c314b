//! The app's state on a data folder, without a terminal: how the app opens
//! a practice (the index, kept drafts, settings, files needing attention),
//! and a synchronous dispatch that runs every effect on the store at once.
//! The live app opens the same way, then runs effects on its worker
//! thread; the screen tests and the benches drive this one.

use chrono::NaiveDateTime;

use super::action::{Action, Effect};
use super::effects;
use super::model::{Model, Roster};
use super::screens::note_form::NoteDraft;
use super::theme::Theme;
use super::update::update;
use crate::domain::ClientId;
use crate::sanitize::MakeVisible;
use crate::store::{IndexMark, Store, StoreError};

pub struct Runtime {
    pub model: Model,
    pub store: Store,
    /// This window's mark on the drafts it keeps, held while it runs.
    _window: Option<crate::store::WindowLock>,
    /// The summaries the roster holds (see [`effects::look`]).
    mark: Option<IndexMark>,
}

impl Runtime {
    /// The app's state on `store` at `now`, as the app opens it.
    pub fn open(store: Store, now: NaiveDateTime, theme: Theme) -> Result<Runtime, StoreError> {
        let mut rt = Runtime::first_frame(store, now, theme)?;
        rt.dispatch(Action::Opened);
        Ok(rt)
    }

    /// The app's state as its first frame shows it, before what it loads
    /// behind that frame (see [`Action::Opened`]).
    pub fn first_frame(store: Store, now: NaiveDateTime, theme: Theme) -> Result<Runtime, StoreError> {
        let model = open_model(&store, now, theme)?;
        let window = store.hold_window(&model.window).ok();
        let mark = model.index_mark;
        Ok(Runtime { model, store, _window: window, mark })
    }

    /// Updates the model with `action`, runs each effect on the store and
    /// feeds its result (and what the store noticed) back, until nothing is
    /// left to do. (`$EDITOR` is not run here: it answers that it cannot be.)
    pub fn dispatch(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for effect in update(&mut self.model, a) {
                let result = match effect {
                    Effect::Refresh => effects::look(&self.store, &mut self.mark),
                    Effect::LoadRoster => {
                        effects::load_roster(&self.store, &mut self.mark, &mut crate::progress::Quiet)
                    }
                    effect => effects::run(&self.store, effect, self.model.now),
                };
                queue.extend(self.store.take_notices().into_iter().rev().map(Action::StoreWarned));
                queue.extend(result);
            }
        }
    }
}

/// The model the app opens with on `store`.
///
/// The first frame is Today, drawn from the index's small file of the
/// clients it shows ([`Store::index_today`]); every other client loads
/// behind it ([`Action::Opened`]). Without that file (a first open after
/// `sync clone`, an index another program changed), the app opens on no
/// client and says how the loading goes. Drafts kept from before need every
/// client at once, to be offered back: the index is then read whole first.
pub fn open_model(store: &Store, now: NaiveDateTime, theme: Theme) -> Result<Model, StoreError> {
    // A draft another open window is still writing is that window's: it is
    // not offered here as if it had been left behind.
    let kept: Vec<(String, NoteDraft)> =
        store.drafts().into_iter().filter(|(_, d): &(String, NoteDraft)| !store.window_open(&d.window)).collect();
    let (roster, mark, drafts) = if kept.is_empty() {
        let roster = match store.index_today()? {
            Some(today) if !today.any => Roster::new(Vec::new()),
            Some(mut today) => {
                today.clients.make_visible();
                Roster::opening(Some(today.clients))
            }
            None => Roster::opening(None),
        };
        (roster, None, Vec::new())
    } else {
        // Read first: summaries saved meanwhile are newer than it says.
        let mark = store.index_mark();
        let mut index = store.index()?;
        index.make_visible();
        // Drafts are filed by file name; the app knows clients by id.
        let by_file: std::collections::HashMap<String, ClientId> =
            index.iter().map(|e| (store.stem(e.id.as_str()), e.id.clone())).collect();
        let drafts: Vec<(ClientId, NoteDraft)> =
            kept.into_iter().filter_map(|(file, d)| Some((by_file.get(&file)?.clone(), d))).collect();
        (Roster::new(index), mark, drafts)
    };
    let mut model = Model::new(roster, drafts, now, theme);
    model.index_mark = mark;
    model.policy = store.settings().policy();
    model.note_format = store.settings().note_format;
    model.encrypted = store.is_encrypted();
    model.blank_after_minutes = store.settings().blank_after_minutes;
    model.roster.custom_scales = store.settings().measures.clone();
    if store.is_synced() {
        let on_start_and_quit = store.settings().sync_on_start_and_quit;
        model.sync = Some(super::sync::SyncMark { on_start_and_quit, ..Default::default() });
    }
    model.list.strays = store.strays_at_a_glance().into_iter().filter(|s| s.kind.needs_attention()).count();
    if model.list.strays > 0 {
        model.set_error(format!(
            "{} in the data folder Rapport ignores (a sync-conflict copy or a link): run `rapport doctor` to see what to do.",
            if model.list.strays == 1 { "1 file".to_string() } else { format!("{} files", model.list.strays) }
        ));
    }
    // What the store noticed as it opened (a read-only disk) is said.
    for notice in store.take_notices() {
        model.set_error(notice);
    }
    Ok(model)
}
