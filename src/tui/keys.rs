//! The key table's leaf types: where a binding applies ([`Context`]), a key
//! ([`Key`]), a binding ([`Binding`]) and the keys' names. Screens declare
//! their slice of the table with these; the table itself is in `keymap.rs`,
//! which no screen imports: a screen reads it through [`KeyTable`] in its
//! `Ctx`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Today,
    /// Today, with the messages awaiting a reply selected.
    TodayMessages,
    Clients,
    /// The client list, with the sessions pane focused.
    Sessions,
    /// Typing a name filter.
    Filter,
    Review,
    /// The selected client's open tasks.
    Tasks,
    /// Typing a new task.
    NewTask,
    /// The keys every part of the profile shares.
    Profile,
    /// The profile's parts, each with its own keys besides the shared ones.
    ProfilePersonal,
    ProfileGoals,
    ProfileWatch,
    ProfileMessages,
    /// Typing a new profile item, or new words for one.
    AddItem,
    /// Typing an addendum to a note.
    Addendum,
    /// Typing measure scores.
    Measures,
    /// Typing a question to bring to supervision.
    Bring,
    /// Saying why a watch-for item is resolved.
    ResolveWatch,
    /// A client's measures as charts.
    Chart,
    /// The practice log: client hours, supervision, CPD.
    Practice,
    Search,
    NoteForm,
    ClientForm,
    AppointmentForm,
    /// A short outcome note for a task.
    Outcome,
    Confirm,
    /// Which way an appointment is not held.
    Cancel,
    /// A conflict from two devices, to settle.
    Conflict,
    /// A kept draft is offered back.
    Restore,
    /// The snapshots holding a client's record, one to restore it from.
    Snapshots,
    /// The screen is hidden; any key brings it back.
    Blank,
    Help,
    /// The window is too small to draw in: only Ctrl-C acts, so no key
    /// typed blind does anything.
    TooSmall,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Today => "Today",
            Context::TodayMessages => "Today · awaiting reply",
            Context::Clients => "Clients",
            Context::Sessions => "Sessions pane",
            Context::Filter => "Filter by name",
            Context::Review => "Review",
            Context::Tasks => "Open tasks",
            Context::NewTask => "New task",
            Context::Profile => "Profile",
            Context::ProfilePersonal => "Profile · Personal",
            Context::ProfileGoals => "Profile · Goals",
            Context::ProfileWatch => "Profile · Watch for",
            Context::ProfileMessages => "Profile · Messages",
            Context::AddItem => "Profile item",
            Context::Addendum => "Addendum",
            Context::Measures => "Measure scores",
            Context::Bring => "For supervision",
            Context::ResolveWatch => "Resolve a watch-for item",
            Context::Chart => "Measures chart",
            Context::Practice => "Practice",
            Context::Search => "Search every note",
            Context::NoteForm => "Session note",
            Context::ClientForm => "Client details",
            Context::AppointmentForm => "Appointment",
            Context::Outcome => "Task outcome",
            Context::Confirm => "Question",
            Context::Cancel => "Cancel an appointment",
            Context::Conflict => "From two devices",
            Context::Restore => "Unsaved note found",
            Context::Snapshots => "Restore from a snapshot",
            Context::Help => "Help",
            Context::Blank => "Hidden screen",
            Context::TooSmall => "Window too small",
        }
    }

    /// The context whose keys work here too: each part of the profile has
    /// the profile's shared keys besides its own.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::ProfilePersonal | Context::ProfileGoals | Context::ProfileWatch | Context::ProfileMessages => {
                Some(Context::Profile)
            }
            _ => None,
        }
    }

    /// Screens where unbound keys are typed into a field.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Filter
                | Context::NoteForm
                | Context::ClientForm
                | Context::AppointmentForm
                | Context::Outcome
                | Context::AddItem
                | Context::Addendum
                | Context::NewTask
                | Context::Measures
                | Context::Bring
                | Context::ResolveWatch
                | Context::Search
        )
    }
}

/// A key with its modifiers (Shift is part of the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

pub(crate) const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}
pub(crate) const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}
pub(crate) const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

pub(crate) const UP: Key = code(KeyCode::Up);
pub(crate) const DOWN: Key = code(KeyCode::Down);
pub(crate) const ENTER: Key = code(KeyCode::Enter);
pub(crate) const ESC: Key = code(KeyCode::Esc);
pub(crate) const TAB: Key = code(KeyCode::Tab);
pub(crate) const BACKTAB: Key = code(KeyCode::BackTab);
pub(crate) const PGUP: Key = code(KeyCode::PageUp);
pub(crate) const PGDN: Key = code(KeyCode::PageDown);
pub(crate) const F1: Key = code(KeyCode::F(1));

impl Key {
    pub fn from_event(e: &KeyEvent) -> Key {
        let code = match e.code {
            // Terminals report Shift-Tab either way.
            KeyCode::Tab if e.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            c => c,
        };
        Key { code, ctrl: e.modifiers.contains(KeyModifiers::CONTROL) }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("Ctrl-{}", base.to_uppercase()) } else { base }
    }
}

/// One binding: in `context`, any of `keys` means `action`.
#[derive(Debug)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// A word or two for the footer.
    pub help: &'static str,
    /// The longer words for `?` help and `docs/using.md`, where the footer's are too terse.
    pub about: Option<&'static str>,
    /// Shown in the footer (the rest are in `?` help).
    pub footer: bool,
    /// Does something only when the practice has a client: the footer of
    /// an empty practice leaves it out.
    pub needs_client: bool,
}

pub(crate) const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    footer: bool,
) -> Binding {
    Binding { context, keys, action, help, about: None, footer, needs_client: false }
}

impl Binding {
    /// Says more in help than in the footer.
    pub(crate) const fn about(mut self, about: &'static str) -> Binding {
        self.about = Some(about);
        self
    }

    /// Does nothing in a practice without clients (see [`Binding::needs_client`]).
    pub(crate) const fn needs_client(mut self) -> Binding {
        self.needs_client = true;
        self
    }

    /// What help says this key does.
    pub fn describe(&self) -> &'static str {
        match self.about {
            Some(a) => a,
            None => self.help,
        }
    }
}

/// The one key table as screens see it (in their `Ctx`): every binding,
/// and the order help lists the contexts in.
#[derive(Debug)]
pub struct KeyTable {
    pub slices: &'static [&'static [Binding]],
    pub order: &'static [Context],
    /// The keys that quit from anywhere (an unsaved note is kept).
    pub quit: &'static [Key],
    /// The keys that hide the screen at once, from anywhere.
    pub hide: &'static [Key],
}

impl KeyTable {
    /// The first key that quits from anywhere ("Ctrl-C").
    pub fn key_for_quit(&self) -> String {
        self.quit.first().map(Key::label).unwrap_or_default()
    }

    /// The keys that work on every screen, with what help says they do.
    pub fn anywhere(&self) -> [(String, &'static str); 2] {
        [
            (keys_label(self.quit), "quit (an unsaved note is kept and offered back next time)"),
            (keys_label(self.hide), "hide the screen at once (a client walks in); any key brings it back"),
        ]
    }

    /// Every binding, screen by screen.
    pub fn bindings(&self) -> impl Iterator<Item = &'static Binding> + use<> {
        self.slices.iter().flat_map(|keys| keys.iter())
    }

    /// The keys that do `action` in `context` (or its parent), as a hint
    /// names them ("Enter", "Ctrl-S"); a hint on screen is never typed by hand.
    pub fn keys_for(&self, context: Context, action: &Action) -> String {
        let found = self
            .bindings()
            .find(|b| b.context == context && &b.action == action)
            .or_else(|| self.bindings().find(|b| Some(b.context) == context.parent() && &b.action == action));
        found.map(|b| keys_label(b.keys)).unwrap_or_default()
    }

    /// The footer's words for `action` in `context`: its keys and what they
    /// do ("S", "sync"), as the table says them.
    pub fn hint(&self, context: Context, action: &Action) -> Option<(String, &'static str)> {
        self.bindings()
            .find(|b| (b.context == context || Some(b.context) == context.parent()) && &b.action == action)
            .map(|b| (keys_label(b.keys), b.help))
    }

    /// The first key that does `action` in `context`, alone ("Enter", not "Enter/Ctrl-S").
    pub fn key_for(&self, context: Context, action: &Action) -> String {
        self.bindings()
            .find(|b| (b.context == context || Some(b.context) == context.parent()) && &b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::label)
            .unwrap_or_default()
    }
}

/// "↑/k" for a binding's keys.
pub fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}
