//! The loop: draw, read an event, map it through the keymap, update, run the
//! effects on the store and feed their results back. The only TUI code that
//! reads the clock or touches files and the terminal.

use std::io::{self, Write};
use std::process::Command as Process;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{Local, NaiveDateTime};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::execute;

use super::action::{Action, Effect};
use super::input::pasted_char;
use super::keymap::action_for;
use super::model::Model;
use super::theme::Theme;
use super::update::update;
use super::view::view;
use super::worker::Worker;
use crate::store::Store;

/// The time: the real clock, or a fixed start that runs on in real time.
struct Clock {
    start: Instant,
    fixed: Option<NaiveDateTime>,
}

impl Clock {
    fn now(&self) -> NaiveDateTime {
        match self.fixed {
            Some(t) => t + chrono::Duration::from_std(self.start.elapsed()).unwrap_or_default(),
            None => Local::now().naive_local(),
        }
    }
}

/// How often the clock ticks when no key is pressed.
const TICK: Duration = Duration::from_millis(250);

/// Runs the app on `store` until the therapist quits.
pub fn run(store: Store, fixed_now: Option<NaiveDateTime>) -> Result<()> {
    let clock = Clock { start: Instant::now(), fixed: fixed_now };
    let mut model = super::runtime::open_model(&store, clock.now(), Theme::from_env())?;
    // Held while the app runs: its drafts are its own (see WindowLock).
    let _window = store.hold_window(&model.window).ok();
    let mut terminal = ratatui::init();
    // Bracketed paste: a pasted note arrives as one event, not as keys.
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut model, &store, &clock);
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    match &model.sync {
        Some(s) if result.is_ok() && s.on_start_and_quit => super::sync::at_quit(&store, clock.now()),
        Some(_) if result.is_ok() => super::sync::remind_at_quit(&store),
        _ => {}
    }
    result
}

/// Keys that follow a paste's end closer than this came with it.
const PASTE_BURST: Duration = Duration::from_millis(5);
/// How long a search waits for the next keystroke before it runs.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(80);
/// How often the loop looks for results while the worker is busy (a
/// channel cannot wake the terminal's poll).
const RESULT_POLL: Duration = Duration::from_millis(1);

/// The loop's own state beside the model: the terminal, the store's
/// worker thread, and a search waiting for typing to pause.
struct Loop<'a> {
    terminal: &'a mut DefaultTerminal,
    store: &'a Store,
    worker: Worker,
    search: Option<(Effect, Instant)>,
    /// Something happened since the screen was last drawn.
    dirty: bool,
}

fn event_loop(terminal: &mut DefaultTerminal, model: &mut Model, store: &Store, clock: &Clock) -> Result<()> {
    let mut l =
        Loop { terminal, store, worker: Worker::start(store.clone(), model.index_mark), search: None, dirty: true };
    let mut last_tick = Instant::now();
    // What the first frame was drawn without loads behind it, then the
    // first tick loads what the first screen shows.
    l.dispatch(model, Action::Opened)?;
    l.dispatch(model, Action::Tick(clock.now()))?;
    let size = l.terminal.size()?;
    l.dispatch(model, Action::Resized(size.width, size.height))?;
    loop {
        // Drawn when something happened: an idle loop waiting for the
        // store's answer writes nothing to the terminal.
        if std::mem::take(&mut l.dirty) {
            l.terminal.draw(|f| view(model, f))?;
        }
        if model.quit {
            // A draft being kept, a note being saved: finished before leaving.
            l.worker.finish();
            return Ok(());
        }
        let mut came_back = false;
        let was_unseen = unseen(model);
        while let Some(results) = l.worker.next(Duration::ZERO) {
            came_back = true;
            for result in results {
                l.dispatch(model, result)?;
            }
        }
        l.drop_keys_for_unseen_rows(model, was_unseen)?;
        if came_back {
            // Drawn at once, not at the next key or tick.
            continue;
        }
        if l.search.as_ref().is_some_and(|(_, at)| at.elapsed() >= SEARCH_DEBOUNCE)
            && let Some((search, _)) = l.search.take()
        {
            l.worker.send(search, model.now);
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            l.dispatch(model, Action::Tick(clock.now()))?;
        }
        if l.worker.changes_in_flight > 0 {
            // Keys wait (in the terminal) until a change is saved, so none
            // acts on a screen about to change; the screen is still drawn.
            let was_unseen = unseen(model);
            for result in l.worker.next(RESULT_POLL * 5).unwrap_or_default() {
                l.dispatch(model, result)?;
            }
            l.drop_keys_for_unseen_rows(model, was_unseen)?;
            continue;
        }
        let mut wait = TICK.saturating_sub(last_tick.elapsed());
        if l.worker.in_flight > 0 {
            wait = wait.min(RESULT_POLL);
        }
        if let Some((_, at)) = &l.search {
            wait = wait.min(SEARCH_DEBOUNCE.saturating_sub(at.elapsed()));
        }
        if !event::poll(wait)? {
            continue;
        }
        let action = match event::read()? {
            // Esc and a key typed fast arrive as Alt+key: take them as the two keys.
            Event::Key(mut key) if key.kind == KeyEventKind::Press && key.modifiers == KeyModifiers::ALT => {
                let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
                if let Some(a) = action_for(model.context(), &esc) {
                    l.dispatch(model, a)?;
                }
                key.modifiers = KeyModifiers::NONE;
                action_for(model.context(), &key)
            }
            Event::Key(key) if key.kind == KeyEventKind::Press => action_for(model.context(), &key),
            Event::Paste(mut text) => {
                // A paste holding ESC[201~ ends early, and the rest of it
                // comes as keys: keys in the same burst are the paste's text.
                while event::poll(PASTE_BURST)? {
                    match event::read()? {
                        Event::Key(key) if key.kind == KeyEventKind::Press => text.extend(pasted_char(&key)),
                        Event::Paste(more) => text.push_str(&more),
                        Event::Resize(w, h) => l.dispatch(model, Action::Resized(w, h))?,
                        _ => {}
                    }
                }
                Some(Action::Paste(text))
            }
            Event::Resize(w, h) => Some(Action::Resized(w, h)),
            _ => None,
        };
        if let Some(action) = action {
            l.dispatch(model, action)?;
        }
    }
}

/// The screen shows no client, and says how far the reading has got: the
/// app opened without the file of Today's clients and is reading them all,
/// long enough to say so (see `Roster::opening`). Keys typed ahead of a
/// short reading act as on any start.
fn unseen(model: &Model) -> bool {
    model.roster.reading_blind() && model.roster.loading.is_some()
}

impl Loop<'_> {
    /// Once the clients are read, after a screen that showed none
    /// (`was_unseen`): the keys pressed meanwhile were meant for rows never
    /// seen, and are not used (a resize is, and quitting).
    fn drop_keys_for_unseen_rows(&mut self, model: &mut Model, was_unseen: bool) -> Result<()> {
        if !was_unseen || unseen(model) {
            return Ok(());
        }
        while event::poll(Duration::ZERO)? {
            match event::read()? {
                Event::Resize(w, h) => self.dispatch(model, Action::Resized(w, h))?,
                // Quitting needs no row: it goes.
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    if let Some(Action::Quit) = action_for(model.context(), &key) {
                        self.dispatch(model, Action::Quit)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Updates the model with `action` and hands its effects on: $EDITOR
    /// runs here (it needs the terminal), a search waits for typing to
    /// pause, the rest go to the worker. Only a broken terminal is an error.
    fn dispatch(&mut self, model: &mut Model, action: Action) -> Result<()> {
        self.dirty = true;
        let mut queue = vec![action];
        while let Some(action) = queue.pop() {
            for effect in update(model, action) {
                match effect {
                    Effect::OpenEditor { text } => {
                        queue.push(Action::EditorClosed(edit_in_editor(self.terminal, self.store, &text)?))
                    }
                    search @ Effect::Search { .. } => self.search = Some((search, Instant::now())),
                    other => self.worker.send(other, model.now),
                }
            }
        }
        Ok(())
    }
}

/// Hands the terminal to $EDITOR (else $VISUAL) on a private temp file in
/// the data folder, and takes back what was saved. With neither set, says
/// so rather than dropping the therapist into an editor they did not choose.
fn edit_in_editor(terminal: &mut DefaultTerminal, store: &Store, text: &str) -> Result<Result<String, String>> {
    let editor = ["EDITOR", "VISUAL"].iter().filter_map(|v| std::env::var(v).ok()).find(|e| !e.trim().is_empty());
    let Some(editor) = editor else {
        return Ok(Err("Ctrl-E opens your own editor, but neither EDITOR nor VISUAL is set. Set one (for example \
             export EDITOR=nano) and start Rapport again; the field is unchanged."
            .into()));
    };
    let words = match shell_words::split(&editor) {
        Ok(words) if !words.is_empty() => words,
        _ => return Ok(Err(format!("EDITOR is '{editor}', which is not a command line; the field is unchanged."))),
    };
    let file = match store.editor_file(text) {
        Ok(file) => file,
        Err(e) => return Ok(Err(format!("The editor was not opened: {e}."))),
    };
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    let status = Process::new(&words[0]).args(&words[1..]).arg(file.path()).status();
    *terminal = ratatui::init();
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    terminal.clear()?;
    io::stdout().flush()?;
    Ok(match status {
        Ok(s) if s.success() => {
            store.read_editor_file(file.path()).map_err(|e| format!("The field is unchanged: {e}."))
        }
        Ok(s) => Err(format!("The editor ({editor}) exited with {s}; the field is unchanged.")),
        Err(e) => Err(format!("Could not start the editor '{editor}': {e}. Set EDITOR to one you have.")),
    })
}
