//! Every key binding, in one table. The footer of each screen and the `?`
//! help are both built from it, so they can never disagree with the keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Today,
    Clients,
    /// The client list, with the sessions pane focused.
    Sessions,
    /// Typing a name filter.
    Filter,
    Review,
    /// The selected client's open tasks.
    Tasks,
    Profile,
    /// Typing a new profile item.
    AddItem,
    /// Typing an addendum to a note.
    Addendum,
    Search,
    NoteForm,
    ClientForm,
    AppointmentForm,
    /// A short outcome note for a task.
    Outcome,
    Confirm,
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
            Context::Clients => "Clients",
            Context::Sessions => "Sessions pane",
            Context::Filter => "Filter by name",
            Context::Review => "Review",
            Context::Tasks => "Open tasks",
            Context::Profile => "Profile",
            Context::AddItem => "Add to the profile",
            Context::Addendum => "Addendum",
            Context::Search => "Search every note",
            Context::NoteForm => "Session note",
            Context::ClientForm => "Client details",
            Context::AppointmentForm => "Appointment",
            Context::Outcome => "Task outcome",
            Context::Confirm => "Question",
            Context::Restore => "Unsaved note found",
            Context::Help => "Help",
            Context::Blank => "Hidden screen",
            Context::TooSmall => "Window too small",
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

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const UP: Key = code(KeyCode::Up);
const DOWN: Key = code(KeyCode::Down);
const ENTER: Key = code(KeyCode::Enter);
const ESC: Key = code(KeyCode::Esc);
const TAB: Key = code(KeyCode::Tab);
const BACKTAB: Key = code(KeyCode::BackTab);
const PGUP: Key = code(KeyCode::PageUp);
const PGDN: Key = code(KeyCode::PageDown);
const F1: Key = code(KeyCode::F(1));

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

const fn b(context: Context, keys: &'static [Key], action: Action, help: &'static str, footer: bool) -> Binding {
    Binding { context, keys, action, help, about: None, footer }
}

impl Binding {
    /// Says more in help than in the footer.
    const fn about(mut self, about: &'static str) -> Binding {
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

use Context::*;

/// The key table.
pub static BINDINGS: &[Binding] = &[
    b(Today, &[ENTER], Action::Review, "review", true).about("review before the appointment"),
    b(Today, &[UP, k('k')], Action::Up, "previous appointment", false),
    b(Today, &[DOWN, k('j')], Action::Down, "next appointment", false),
    b(Today, &[k('n')], Action::NewNote, "note", true).about("write the note for this appointment"),
    b(Today, &[k('m')], Action::MoveAppointment, "move", true).about("move the appointment"),
    b(Today, &[k('c')], Action::CancelAppointment, "cancel", true).about("cancel the appointment (asks first)"),
    b(Today, &[ctrl('f')], Action::Search, "search notes", true),
    b(Today, &[TAB], Action::SwitchTab, "clients", true),
    b(Today, &[k('?')], Action::Help, "help", true),
    b(Today, &[ctrl('l')], Action::Blank, "hide", true).about("hide the screen at once; any key brings it back"),
    b(Today, &[k('q')], Action::Quit, "quit", true),
    b(Clients, &[UP, k('k')], Action::Up, "previous client", false),
    b(Clients, &[DOWN, k('j')], Action::Down, "next client", false),
    b(Clients, &[ENTER], Action::Open, "read sessions", false),
    b(Clients, &[k('x')], Action::Export, "export record", false),
    b(Clients, &[k('A')], Action::ShowArchived, "show or hide archived clients", false),
    b(Clients, &[k('n')], Action::NewNote, "new note", true),
    b(Clients, &[k('r')], Action::Review, "review", true).about("review before the next appointment"),
    b(Clients, &[k('t')], Action::Tasks, "tasks", true).about("open tasks: mark them done or dropped"),
    b(Clients, &[k('s')], Action::Schedule, "book", true).about("book an appointment"),
    b(Clients, &[k('p')], Action::Profile, "profile", true)
        .about("profile: personal details, goals, watch-for, messages"),
    b(Clients, &[k('/')], Action::Filter, "find", true).about("find a client by name"),
    b(Clients, &[ctrl('f')], Action::Search, "search notes", true),
    b(Clients, &[k('a')], Action::AddClient, "add client", true),
    b(Clients, &[k('e')], Action::EditClient, "edit client", false),
    b(Clients, &[ESC], Action::Back, "clear the filter", false),
    b(Clients, &[PGUP], Action::PageUp, "scroll note up", false),
    b(Clients, &[PGDN], Action::PageDown, "scroll note down", false),
    b(Clients, &[TAB], Action::SwitchTab, "today", true),
    b(Clients, &[k('?')], Action::Help, "help", true),
    b(Clients, &[ctrl('l')], Action::Blank, "hide", true).about("hide the screen at once; any key brings it back"),
    b(Clients, &[k('q')], Action::Quit, "quit", true),
    b(Sessions, &[UP, k('k')], Action::Up, "newer session", true),
    b(Sessions, &[DOWN, k('j')], Action::Down, "older session", true),
    b(Sessions, &[PGUP], Action::PageUp, "scroll up", true),
    b(Sessions, &[PGDN], Action::PageDown, "scroll down", true),
    b(Sessions, &[k('n')], Action::NewNote, "new note", true),
    b(Sessions, &[k('r')], Action::Review, "review", false),
    b(Sessions, &[k('e')], Action::EditNote, "edit note", true),
    b(Sessions, &[k('f')], Action::Finalise, "finalise", true)
        .about("finalise the note: read-only from then on (asks first)"),
    b(Sessions, &[k('+')], Action::Addendum, "addendum", true).about("add a dated correction beneath the note"),
    b(Sessions, &[ctrl('f')], Action::Search, "search notes", false),
    b(Sessions, &[ESC], Action::Back, "back to clients", true),
    b(Sessions, &[k('?')], Action::Help, "help", true),
    b(Filter, &[ENTER], Action::Open, "keep filter", true),
    b(Filter, &[UP], Action::Up, "previous match", false),
    b(Filter, &[DOWN], Action::Down, "next match", false),
    b(Filter, &[ESC], Action::Back, "clear filter", true),
    b(Review, &[UP, k('k')], Action::Up, "previous task", false),
    b(Review, &[DOWN, k('j')], Action::Down, "next task", false),
    b(Review, &[k('d')], Action::TaskDone, "task done", true),
    b(Review, &[k('u')], Action::TaskNotDone, "not done", true)
        .about("task not done yet: keep it open with a dated note"),
    b(Review, &[k('x')], Action::TaskDrop, "drop task", true),
    b(Review, &[k('n')], Action::NewNote, "start note", true),
    b(Review, &[k('p')], Action::Profile, "profile", false),
    b(Review, &[PGUP], Action::PageUp, "scroll up", false),
    b(Review, &[PGDN], Action::PageDown, "scroll down", false),
    b(Review, &[ESC], Action::Back, "back", true),
    b(Review, &[k('?')], Action::Help, "help", true),
    b(Tasks, &[UP, k('k')], Action::Up, "previous task", false),
    b(Tasks, &[DOWN, k('j')], Action::Down, "next task", false),
    b(Tasks, &[k('d')], Action::TaskDone, "done", true),
    b(Tasks, &[k('x')], Action::TaskDrop, "drop", true),
    b(Tasks, &[ESC], Action::Back, "close", true),
    b(Profile, &[TAB], Action::NextField, "next part", true),
    b(Profile, &[BACKTAB], Action::PrevField, "previous part", false),
    b(Profile, &[UP, k('k')], Action::Up, "previous item", false),
    b(Profile, &[DOWN, k('j')], Action::Down, "next item", false),
    b(Profile, &[k('a')], Action::AddItem, "add", true),
    b(Profile, &[ENTER, k(' ')], Action::Toggle, "ask / agreed / replied", true)
        .about("flip the item: ask about it, client agreed, message replied"),
    b(Profile, &[k('d')], Action::GoalAchieved, "goal achieved", true),
    b(Profile, &[k('x')], Action::GoalDropped, "drop goal", false),
    b(Profile, &[code(KeyCode::Delete)], Action::RemoveItem, "remove (asks first; goals are dropped instead)", false),
    b(Profile, &[ESC], Action::Back, "back", true),
    b(Profile, &[k('?')], Action::Help, "help", true),
    b(AddItem, &[ENTER, ctrl('s')], Action::Save, "add", true),
    b(AddItem, &[ESC], Action::Back, "cancel", true),
    b(Addendum, &[ENTER, ctrl('s')], Action::Save, "add", true),
    b(Addendum, &[ESC], Action::Back, "cancel", true),
    b(Search, &[UP], Action::Up, "previous result", false),
    b(Search, &[DOWN], Action::Down, "next result", false),
    b(Search, &[ENTER], Action::Open, "open the session", true),
    b(Search, &[ESC], Action::Back, "back", true),
    b(NoteForm, &[TAB], Action::NextField, "next field", true),
    b(NoteForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(NoteForm, &[ctrl('s')], Action::Save, "save", true),
    b(NoteForm, &[ctrl('e')], Action::ExternalEditor, "$EDITOR", true),
    b(NoteForm, &[ESC], Action::Back, "cancel", true),
    b(NoteForm, &[F1], Action::Help, "help", true),
    b(ClientForm, &[TAB], Action::NextField, "next field", true),
    b(ClientForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(ClientForm, &[ctrl('s'), ENTER], Action::Save, "save", true),
    b(ClientForm, &[ESC], Action::Back, "cancel", true),
    b(ClientForm, &[F1], Action::Help, "help", true),
    b(AppointmentForm, &[TAB], Action::NextField, "next field", true),
    b(AppointmentForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(AppointmentForm, &[ctrl('s'), ENTER], Action::Save, "book", true),
    b(AppointmentForm, &[ESC], Action::Back, "cancel", true),
    b(AppointmentForm, &[F1], Action::Help, "help", true),
    b(Outcome, &[ENTER, ctrl('s')], Action::Save, "save", true),
    b(Outcome, &[ESC], Action::Back, "cancel", true),
    b(Confirm, &[k('y')], Action::Yes, "yes", true),
    b(Confirm, &[k('n'), ESC], Action::No, "no", true),
    b(Restore, &[ENTER], Action::Open, "restore it", true),
    b(Restore, &[k('d')], Action::DiscardDraft, "discard it", true),
    b(Restore, &[ESC], Action::Back, "decide later", true),
    b(Help, &[ESC, k('?'), k('q'), F1], Action::Back, "close help", true),
    b(Blank, &[ENTER], Action::Unblank, "any key shows the screen again", true),
    b(Help, &[UP, k('k')], Action::Up, "scroll up", false),
    b(Help, &[DOWN, k('j')], Action::Down, "scroll down", false),
];

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
    if let Some(b) = BINDINGS.iter().find(|b| b.context == context && b.keys.contains(&key)) {
        return Some(b.action.clone());
    }
    context.takes_text().then_some(Action::Input(*event))
}

/// The footer line's (keys, help) pairs for `context`.
pub fn footer(context: Context) -> Vec<(String, &'static str)> {
    BINDINGS.iter().filter(|b| b.context == context && b.footer).map(|b| (keys_label(b.keys), b.help)).collect()
}

/// "↑/k" for a binding's keys.
pub fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

/// Every context in the order help lists them.
pub const HELP_ORDER: [Context; 18] = [
    Today,
    Clients,
    Sessions,
    Filter,
    Search,
    Review,
    Tasks,
    Profile,
    AddItem,
    Addendum,
    NoteForm,
    ClientForm,
    AppointmentForm,
    Outcome,
    Confirm,
    Restore,
    Help,
    Blank,
];

/// The key table as Markdown, for the README (a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from("| Screen | Keys | Does |\n| --- | --- | --- |\n");
    for c in HELP_ORDER {
        for b in BINDINGS.iter().filter(|b| b.context == c) {
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
            for b in BINDINGS.iter().filter(|b| b.context == c) {
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
                BINDINGS.iter().any(|b| b.context == c
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
