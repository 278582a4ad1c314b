//! Every key binding, in one table. The footer of each screen and the `?`
//! help are both built from it, so they can never disagree with the keys.

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
    /// A client's measures as charts.
    Chart,
    Search,
    NoteForm,
    ClientForm,
    AppointmentForm,
    /// A short outcome note for a task.
    Outcome,
    Confirm,
    /// A conflict from two devices, to settle.
    Conflict,
    /// A kept draft is offered back.
    Restore,
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
            Context::Chart => "Measures chart",
            Context::Search => "Search every note",
            Context::NoteForm => "Session note",
            Context::ClientForm => "Client details",
            Context::AppointmentForm => "Appointment",
            Context::Outcome => "Task outcome",
            Context::Confirm => "Question",
            Context::Conflict => "From two devices",
            Context::Restore => "Unsaved note found",
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
    /// The longer words for `?` help and the README, where the footer's are too terse.
    pub about: Option<&'static str>,
    /// Shown in the footer (the rest are in `?` help).
    pub footer: bool,
}

pub(crate) const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    footer: bool,
) -> Binding {
    Binding { context, keys, action, help, about: None, footer }
}

impl Binding {
    /// Says more in help than in the footer.
    pub(crate) const fn about(mut self, about: &'static str) -> Binding {
        self.about = Some(about);
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

/// The keys that work on any screen: the hidden screen's.
static ANYWHERE_KEYS: &[Binding] =
    &[b(Context::Blank, &[ENTER], Action::Unblank, "any key shows the screen again", true)];

/// The one key table: each screen declares its own slice (`KEYS` in
/// `screens/<screen>.rs`); footers, `?` help and the README are built from it.
static TABLE: &[&[Binding]] = &[
    crate::tui::screens::today::KEYS,
    crate::tui::screens::clients::KEYS,
    crate::tui::screens::review::KEYS,
    crate::tui::screens::popups::KEYS,
    crate::tui::screens::conflict::KEYS,
    crate::tui::screens::profile::KEYS,
    crate::tui::screens::chart::KEYS,
    crate::tui::screens::search::KEYS,
    crate::tui::screens::note_form::KEYS,
    crate::tui::screens::client_form::KEYS,
    crate::tui::screens::appointment::KEYS,
    crate::tui::screens::help::KEYS,
    ANYWHERE_KEYS,
];

/// Every binding, screen by screen.
pub fn bindings() -> impl Iterator<Item = &'static Binding> {
    TABLE.iter().flat_map(|keys| keys.iter())
}

/// Ctrl-C leaves from anywhere (an unsaved note is kept as a draft).
const QUIT_ANYWHERE: Key = ctrl('c');
/// Ctrl-L or F12 hide the screen at once, from anywhere (a client walks in).
const BLANK_ANYWHERE: [Key; 2] = [ctrl('l'), code(KeyCode::F(12))];

/// What a key press means in `context`.
pub fn action_for(context: Context, event: &KeyEvent) -> Option<Action> {
    let key = Key::from_event(event);
    if context == Context::Blank {
        return Some(Action::Unblank);
    }
    if key == QUIT_ANYWHERE {
        return Some(Action::Quit);
    }
    if context == Context::TooSmall {
        return None;
    }
    if BLANK_ANYWHERE.contains(&key) {
        return Some(Action::Blank);
    }
    let own = bindings().find(|b| b.context == context && b.keys.contains(&key));
    let shared = || bindings().find(|b| Some(b.context) == context.parent() && b.keys.contains(&key));
    if let Some(b) = own.or_else(shared) {
        return Some(b.action.clone());
    }
    context.takes_text().then_some(Action::Input(*event))
}

/// The footer line's (keys, help) pairs for `context`: its own keys, then
/// those it shares with its parent.
pub fn footer(context: Context) -> Vec<(String, &'static str)> {
    let own = bindings().filter(move |b| b.context == context);
    let shared = bindings().filter(move |b| Some(b.context) == context.parent());
    own.chain(shared).filter(|b| b.footer).map(|b| (keys_label(b.keys), b.help)).collect()
}

/// "↑/k" for a binding's keys.
pub fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

use Context::*;

/// Every context in the order help lists them.
pub const HELP_ORDER: [Context; 27] = [
    Today,
    TodayMessages,
    Clients,
    Sessions,
    Filter,
    Search,
    Review,
    Tasks,
    NewTask,
    Profile,
    ProfilePersonal,
    ProfileGoals,
    ProfileWatch,
    ProfileMessages,
    Chart,
    AddItem,
    Addendum,
    Measures,
    NoteForm,
    ClientForm,
    AppointmentForm,
    Outcome,
    Conflict,
    Confirm,
    Restore,
    Help,
    Blank,
];

/// The key table as Markdown, for the README (a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from("| Screen | Keys | Does |\n| --- | --- | --- |\n");
    for c in HELP_ORDER {
        for b in bindings().filter(|b| b.context == c) {
            out.push_str(&format!("| {} | `{}` | {} |\n", c.title(), keys_label(b.keys), b.describe()));
        }
    }
    out.push_str("| Anywhere | `Ctrl-C` | quit (an unsaved note is kept and offered back next time) |\n");
    out.push_str("| Anywhere | `Ctrl-L/F12` | hide the screen at once (a client walks in); any key brings it back |\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for c in HELP_ORDER {
            let mut seen = Vec::new();
            for b in bindings().filter(|b| b.context == c || Some(b.context) == c.parent()) {
                for key in b.keys {
                    assert!(!seen.contains(key), "{} bound twice in {c:?}", key.label());
                    seen.push(*key);
                }
            }
        }
    }

    #[test]
    fn every_context_has_a_way_out_and_is_in_help() {
        for c in HELP_ORDER {
            assert!(
                bindings().any(|b| (b.context == c || Some(b.context) == c.parent())
                    && matches!(b.action, Action::Back | Action::Quit | Action::No | Action::Unblank)),
                "{c:?} has no way out"
            );
        }
    }

    #[test]
    fn typed_text_is_not_taken_for_a_command_in_a_form() {
        let e = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(NoteForm, &e), Some(Action::Input(e)));
        assert_eq!(action_for(Clients, &e), Some(Action::Quit));
        let shift_tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT);
        assert_eq!(action_for(NoteForm, &shift_tab), Some(Action::PrevField));
    }
}
