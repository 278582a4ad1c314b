//! The loop: draw, read an event, map it through the keymap, update, run the
//! effects on the store and feed their results back. The only TUI code that
//! reads the clock or touches files and the terminal.

use std::io::{self, Write};
use std::process::Command as Process;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::{Local, NaiveDateTime};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::execute;

use super::action::{Action, Effect};
use super::effects;
use super::keymap::action_for;
use super::model::Model;
use super::screens::note_form::NoteDraft;
use super::theme::Theme;
use super::update::update;
use super::view::view;
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
    let index = store.index()?;
    // Drafts are filed by file name; the app knows clients by id.
    let by_file: std::collections::HashMap<String, String> =
        index.iter().map(|e| (store.stem(&e.id), e.id.clone())).collect();
    let drafts: Vec<(String, NoteDraft)> =
        store.drafts().into_iter().filter_map(|(file, d)| Some((by_file.get(&file)?.clone(), d))).collect();
    let mut model = Model::new(index, drafts, clock.now(), Theme::from_env());
    model.policy = store.settings().policy();
    model.encrypted = store.is_encrypted();
    model.blank_after_minutes = store.settings().blank_after_minutes;
    let mut terminal = ratatui::init();
    // Bracketed paste: a pasted note arrives as one event, not as keys.
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut model, &store, &clock);
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut DefaultTerminal, model: &mut Model, store: &Store, clock: &Clock) -> Result<()> {
    let mut last_tick = Instant::now();
    // The first tick loads what the first screen shows.
    dispatch(terminal, model, store, Action::Tick(clock.now()))?;
    loop {
        terminal.draw(|f| view(model, f))?;
        if model.quit {
            return Ok(());
        }
        let mut action = None;
        if event::poll(TICK.saturating_sub(last_tick.elapsed()))? {
            action = match event::read()? {
                // Esc and a key typed fast arrive as Alt+key: take them as the two keys.
                Event::Key(mut key) if key.kind == KeyEventKind::Press && key.modifiers == KeyModifiers::ALT => {
                    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
                    if let Some(a) = action_for(model.context(), &esc) {
                        dispatch(terminal, model, store, a)?;
                    }
                    key.modifiers = KeyModifiers::NONE;
                    action_for(model.context(), &key)
                }
                Event::Key(key) if key.kind == KeyEventKind::Press => action_for(model.context(), &key),
                Event::Paste(text) => Some(Action::Paste(text)),
                _ => None,
            };
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            dispatch(terminal, model, store, Action::Tick(clock.now()))?;
        }
        if let Some(action) = action {
            dispatch(terminal, model, store, action)?;
        }
    }
}

/// Updates the model with `action`, then runs each effect and feeds its
/// result back, until nothing is left to do.
fn dispatch(terminal: &mut DefaultTerminal, model: &mut Model, store: &Store, action: Action) -> Result<()> {
    let mut queue = vec![action];
    while let Some(action) = queue.pop() {
        for effect in update(model, action) {
            let result = run_effect(terminal, store, effect, model.now)?;
            // Pushed first so they are handled last and stay on the status line.
            queue.extend(store.take_notices().into_iter().rev().map(Action::StoreWarned));
            queue.extend(result);
        }
    }
    Ok(())
}

/// Runs one effect: $EDITOR here (it needs the terminal), the rest in
/// [`effects::run`]. Only a broken terminal is an error.
fn run_effect(
    terminal: &mut DefaultTerminal,
    store: &Store,
    effect: Effect,
    now: NaiveDateTime,
) -> Result<Option<Action>> {
    match effect {
        Effect::OpenEditor { text } => Ok(Some(Action::EditorClosed(edit_in_editor(terminal, store, &text)?))),
        other => Ok(effects::run(store, other, now)),
    }
}

/// Hands the terminal to $EDITOR (else $VISUAL, else vi) on a private temp
/// file in the data folder, and takes back what was saved.
fn edit_in_editor(terminal: &mut DefaultTerminal, store: &Store, text: &str) -> Result<Result<String, String>> {
    let editor = std::env::var("EDITOR").or_else(|_| std::env::var("VISUAL")).unwrap_or_else(|_| "vi".into());
    let file = tempfile::Builder::new()
        .prefix(".rapport-edit-")
        .suffix(".txt")
        .tempfile_in(store.root())
        .context("creating a file for the editor")?;
    std::fs::write(file.path(), text).context("writing the file for the editor")?;
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = Process::new(program).args(parts).arg(file.path()).status();
    *terminal = ratatui::init();
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    terminal.clear()?;
    io::stdout().flush()?;
    Ok(match status {
        Ok(s) if s.success() => {
            std::fs::read_to_string(file.path()).map_err(|e| format!("Could not read the editor's file back: {e}"))
        }
        Ok(s) => Err(format!("The editor ({editor}) exited with {s}; the field is unchanged.")),
        Err(e) => Err(format!("Could not start the editor '{editor}': {e}. Set EDITOR to one you have.")),
    })
}
