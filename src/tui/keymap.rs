//! Every key binding, in one table. The footer of each screen and the `?`
//! help are both built from it, so they can never disagree with the keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::action::Action;
pub use super::keys::*;

/// The keys that work on any screen: the hidden screen's.
static ANYWHERE_KEYS: &[Binding] =
    &[b(Context::Blank, &[ENTER], Action::Unblank, "any key shows the screen again", true)];

/// The one key table: each screen declares its own slice (`KEYS` in
/// `screens/<screen>.rs`); footers, `?` help and the key table in
/// `docs/using.md` are built from it.
static SLICES: &[&[Binding]] = &[
    crate::tui::screens::today::KEYS,
    crate::tui::screens::clients::KEYS,
    crate::tui::screens::review::KEYS,
    crate::tui::screens::popups::tasks::KEYS,
    crate::tui::screens::popups::text_box::KEYS,
    crate::tui::screens::popups::question::KEYS,
    crate::tui::screens::popups::cancel::KEYS,
    crate::tui::screens::popups::restore::KEYS,
    crate::tui::screens::popups::snapshots::KEYS,
    crate::tui::screens::conflict::KEYS,
    crate::tui::screens::profile::KEYS,
    crate::tui::screens::chart::KEYS,
    crate::tui::screens::practice::KEYS,
    crate::tui::screens::search::KEYS,
    crate::tui::screens::note_form::KEYS,
    crate::tui::screens::client_form::KEYS,
    crate::tui::screens::appointment::KEYS,
    crate::tui::screens::help::KEYS,
    ANYWHERE_KEYS,
];

/// The table as screens read it, through their `Ctx`.
pub static TABLE: KeyTable =
    KeyTable { slices: SLICES, order: &HELP_ORDER, quit: &[QUIT_ANYWHERE], hide: &BLANK_ANYWHERE };

/// Every binding, screen by screen.
pub fn bindings() -> impl Iterator<Item = &'static Binding> {
    TABLE.bindings()
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
/// those it shares with its parent. In a practice without clients
/// (`no_clients`), no key is offered that would do nothing.
pub fn footer(context: Context, no_clients: bool) -> Vec<(String, &'static str)> {
    let own = bindings().filter(move |b| b.context == context);
    let shared = bindings().filter(move |b| Some(b.context) == context.parent());
    own.chain(shared)
        .filter(|b| b.footer && !(no_clients && b.needs_client))
        .map(|b| (keys_label(b.keys), b.help))
        .collect()
}

use Context::*;

/// Every context in the order help lists them.
pub const HELP_ORDER: [Context; 32] = [
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
    Snapshots,
    Chart,
    Practice,
    AddItem,
    Addendum,
    Measures,
    Bring,
    ResolveWatch,
    NoteForm,
    ClientForm,
    AppointmentForm,
    Outcome,
    Conflict,
    Confirm,
    Cancel,
    Restore,
    Help,
    Blank,
];

/// The key table as Markdown, for `docs/using.md` (a test keeps them equal).
pub fn markdown() -> String {
    let mut out = String::from("| Screen | Keys | Does |\n| --- | --- | --- |\n");
    for c in HELP_ORDER {
        for b in bindings().filter(|b| b.context == c) {
            out.push_str(&format!("| {} | `{}` | {} |\n", c.title(), keys_label(b.keys), b.describe()));
        }
    }
    for (keys, does) in TABLE.anywhere() {
        out.push_str(&format!("| Anywhere | `{keys}` | {does} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

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

    #[test]
    fn every_help_section_starts_at_its_heading_and_the_last_line_is_counted() {
        use crate::tui::screens::help::{lines, max_scroll, section_start};
        let theme = crate::tui::theme::Theme { color: false };
        let lines = lines(&TABLE, &theme);
        for c in HELP_ORDER {
            let heading = lines[usize::from(section_start(&TABLE, c))].spans[0].content.to_string();
            assert_eq!(heading, c.parent().unwrap_or(c).title());
        }
        assert_eq!(max_scroll(&TABLE, 0) as usize, lines.len());
    }
}
