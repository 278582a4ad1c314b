//! The one text input every form and box uses: the note form's fields, the
//! client and appointment forms, the profile, addendum and outcome boxes,
//! the name filter and the search line. Typing, pasting, newlines, undo and
//! the size limit behave the same everywhere:
//!
//! * a paste into a multi-line field keeps its newlines; into a one-line
//!   field its lines are joined with spaces. A paste is text, never keys.
//! * Enter, Ctrl-M and Ctrl-J (a terminal's line feed) start a new line in
//!   a multi-line field; in a one-line field they are not taken, so the form
//!   can use Enter, and Ctrl-J is ignored (it used to wipe the line).
//! * Ctrl-Z undoes (a word at a time), Ctrl-Y redoes; Ctrl-U empties the line up to the cursor.
//! * A field never grows past [`bounds::FIELD_BYTES`]: what would take it
//!   past is refused with a message, and the field stays as it was.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::domain::bounds;
use crate::tui::action::Action;

#[derive(Debug, Clone)]
pub struct TextInput {
    area: TextArea<'static>,
    one_line: bool,
}

/// What a key did to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// The text changed.
    Changed,
    /// The key was taken but changed nothing (a cursor move).
    Moved,
    /// The key is not for the input (Enter in a one-line field): the form
    /// may act on it.
    NotTaken,
    /// Refused, with the reason (the field would grow past its limit).
    Refused(String),
}

impl TextInput {
    /// A field that holds several lines, starting with `text`.
    pub fn multi_line(text: &str) -> TextInput {
        TextInput::new(text, false)
    }

    /// A field of one line, starting with `text`.
    pub fn one_line(text: &str) -> TextInput {
        TextInput::new(&join_lines(text), true)
    }

    fn new(text: &str, one_line: bool) -> TextInput {
        let lines: Vec<String> =
            if text.is_empty() { vec![String::new()] } else { text.split('\n').map(str::to_string).collect() };
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        TextInput { area, one_line }
    }

    /// Shows `hint` while the field is empty.
    pub fn with_placeholder(mut self, hint: &str) -> TextInput {
        self.area.set_placeholder_text(hint);
        self
    }

    pub fn is_one_line(&self) -> bool {
        self.one_line
    }

    /// Undoes the last word typed (a paste, or any other change, at once):
    /// the letters typed one by one are undone together, back to the space
    /// before them. Whether something was undone.
    fn undo_word(&mut self) -> bool {
        // The one character an undo of `area` would take away, if that is all it does.
        let one_char = |area: &TextArea<'static>| -> Option<char> {
            let mut probe = area.clone();
            let before: String = area.lines().join("\n");
            if !probe.undo() {
                return None;
            }
            let after: String = probe.lines().join("\n");
            if before.chars().count() != after.chars().count() + 1 {
                return None;
            }
            let at = before.chars().zip(after.chars()).take_while(|(a, b)| a == b).count();
            before.chars().nth(at)
        };
        let Some(first) = one_char(&self.area) else { return self.area.undo() };
        self.area.undo();
        let mut only_space = first.is_whitespace();
        while let Some(c) = one_char(&self.area) {
            if c.is_whitespace() && !only_space {
                break;
            }
            only_space &= c.is_whitespace();
            self.area.undo();
        }
        true
    }

    /// Types one key.
    pub fn input(&mut self, key: KeyEvent) -> Typed {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let newline = key.code == KeyCode::Enter || (ctrl && matches!(key.code, KeyCode::Char('j' | 'm')));
        if newline {
            if self.one_line {
                return if key.code == KeyCode::Enter { Typed::NotTaken } else { Typed::Moved };
            }
            return self.insert("\n");
        }
        // Undo and redo as in most editors; Ctrl-U empties the line up to
        // the cursor, as in a shell.
        if ctrl {
            let done = match key.code {
                KeyCode::Char('z') => Some(self.undo_word()),
                KeyCode::Char('y') => Some(self.area.redo()),
                KeyCode::Char('u') => Some(self.area.delete_line_by_head()),
                _ => None,
            };
            if let Some(changed) = done {
                return if changed { Typed::Changed } else { Typed::Moved };
            }
        }
        if let KeyCode::Char(c) = key.code
            && !ctrl
            && !key.modifiers.contains(KeyModifiers::ALT)
        {
            return self.insert(&c.to_string());
        }
        if self.area.input(key) { Typed::Changed } else { Typed::Moved }
    }

    /// Pastes `text`: newlines kept in a multi-line field, lines joined
    /// with spaces in a one-line one. Carriage returns become newlines.
    pub fn paste(&mut self, text: &str) -> Typed {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let text = if self.one_line { join_lines(&text) } else { text };
        self.insert(&text)
    }

    fn insert(&mut self, text: &str) -> Typed {
        let now = self.len();
        if now + text.len() > bounds::FIELD_BYTES {
            return Typed::Refused(format!(
                "Not added: this field would hold {}, and a field holds at most {}. What you typed is kept.",
                bounds::size((now + text.len()) as u64),
                bounds::size(bounds::FIELD_BYTES as u64)
            ));
        }
        if self.area.insert_str(text) { Typed::Changed } else { Typed::Moved }
    }

    /// Holds no text at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        self.area.lines().iter().map(|l| l.len() + 1).sum::<usize>().saturating_sub(1)
    }

    /// The text, lines joined with newlines.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// Nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.area.lines().iter().all(|l| l.trim().is_empty())
    }

    /// Empties the field (Ctrl-U in the search line).
    pub fn clear(&mut self) {
        *self = TextInput::new("", self.one_line);
    }
}

/// Types a key or a paste into a one-line field (Enter is not a new line).
/// Returns why it was refused (the field is full), for the status line.
pub fn type_line(input: &mut TextInput, action: Action) -> Option<String> {
    let typed = match action {
        Action::Input(key) => input.input(key),
        Action::Paste(text) => input.paste(&text),
        _ => Typed::NotTaken,
    };
    match typed {
        Typed::Refused(why) => Some(why),
        _ => None,
    }
}

impl Widget for &TextInput {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // The hint of an empty field is wrapped to the field's width (the
        // text area draws it on one line, cut without a word).
        let hint = self.area.placeholder_text();
        if self.area.is_empty() && !hint.is_empty() {
            use ratatui::widgets::{Paragraph, Wrap};
            let cursor = ratatui::text::Span::styled(" ", self.area.cursor_style());
            let line = ratatui::text::Line::from(vec![cursor, ratatui::text::Span::raw(hint)]);
            Paragraph::new(line)
                .style(self.area.placeholder_style().unwrap_or_default())
                .wrap(Wrap { trim: false })
                .render(area, buf);
            return;
        }
        self.area.render(area, buf);
    }
}

/// The lines of `text` on one line, joined by single spaces (a single line
/// is kept exactly as it is).
fn join_lines(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A key that came in the same burst as a paste's end, as the text it
/// stands for: a paste holding `ESC[201~` ends the terminal's bracketed
/// paste early, and the rest of it arrives as keys. Enter is a new line,
/// Tab a tab, a character itself (an Alt- one without its Esc); Esc and
/// control keys (a pasted Ctrl-C) stand for no text and do nothing.
pub fn pasted_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(_) if key.modifiers.contains(KeyModifiers::CONTROL) => None,
        KeyCode::Char(c) => Some(c),
        KeyCode::Enter => Some('\n'),
        KeyCode::Tab => Some('\t'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn ctrl_j_is_a_newline_in_a_multi_line_field_and_nothing_in_a_one_line_one() {
        let mut note = TextInput::multi_line("first line");
        assert_eq!(note.input(key(KeyCode::Char('j'), KeyModifiers::CONTROL)), Typed::Changed);
        note.input(key(KeyCode::Char('x'), KeyModifiers::NONE));
        assert_eq!(note.text(), "first line\nx");
        let mut name = TextInput::one_line("Maria");
        assert_eq!(name.input(key(KeyCode::Char('j'), KeyModifiers::CONTROL)), Typed::Moved);
        assert_eq!(name.input(key(KeyCode::Enter, KeyModifiers::NONE)), Typed::NotTaken);
        assert_eq!(name.text(), "Maria");
    }

    #[test]
    fn a_paste_keeps_its_lines_or_joins_them_with_spaces() {
        let mut note = TextInput::multi_line("");
        note.paste("one\r\ntwo\n\nq\nx");
        assert_eq!(note.text(), "one\ntwo\n\nq\nx");
        let mut line = TextInput::one_line("said: ");
        line.paste("one\ntwo\n\n  three ");
        assert_eq!(line.text(), "said: one two three");
    }

    #[test]
    fn ctrl_z_undoes_ctrl_y_redoes_and_ctrl_u_empties_the_line() {
        let mut line = TextInput::one_line("50");
        line.paste("Hi, thanks for yesterday");
        assert_eq!(line.input(key(KeyCode::Char('z'), KeyModifiers::CONTROL)), Typed::Changed);
        assert_eq!(line.text(), "50");
        line.input(key(KeyCode::Char('y'), KeyModifiers::CONTROL));
        assert_eq!(line.text(), "50Hi, thanks for yesterday");
        line.input(key(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(line.text(), "");
    }

    #[test]
    fn ctrl_z_undoes_a_word_typed_letter_by_letter_at_a_time() {
        let mut line = TextInput::one_line("");
        for c in "sleep diary walks".chars() {
            line.input(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let undo = |l: &mut TextInput| l.input(key(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(undo(&mut line), Typed::Changed);
        assert_eq!(line.text(), "sleep diary ");
        undo(&mut line);
        assert_eq!(line.text(), "sleep ");
        undo(&mut line);
        assert_eq!(line.text(), "");
        assert_eq!(undo(&mut line), Typed::Moved, "nothing left to undo");
    }

    #[test]
    fn a_field_never_grows_past_its_limit() {
        let mut note = TextInput::multi_line(&"x".repeat(bounds::FIELD_BYTES - 2));
        assert!(matches!(note.paste("abc"), Typed::Refused(m) if m.contains("at most 256 KiB")));
        assert_eq!(note.len(), bounds::FIELD_BYTES - 2);
        assert_eq!(note.paste("ab"), Typed::Changed);
        assert!(matches!(note.input(key(KeyCode::Char('y'), KeyModifiers::NONE)), Typed::Refused(_)));
    }

    #[test]
    fn keys_after_a_paste_cut_short_are_its_text_and_a_pasted_ctrl_c_is_none() {
        let key = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(pasted_char(&key(KeyCode::Char('y'), KeyModifiers::NONE)), Some('y'));
        assert_eq!(pasted_char(&key(KeyCode::Char('y'), KeyModifiers::ALT)), Some('y'));
        assert_eq!(pasted_char(&key(KeyCode::Enter, KeyModifiers::NONE)), Some('\n'));
        assert_eq!(pasted_char(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)), None);
        assert_eq!(pasted_char(&key(KeyCode::Esc, KeyModifiers::NONE)), None);
    }
}
