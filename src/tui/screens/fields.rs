//! A column of labelled one-line fields with a focus: the client form's
//! and the appointment form's, each field the one text input.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use crate::tui::action::Action;
use crate::tui::input::{TextInput, Typed};
use crate::tui::screens::panel;
use crate::tui::theme::Theme;

/// A column of labelled one-line fields with a focus.
#[derive(Debug, Clone)]
pub struct LineFields {
    pub labels: &'static [&'static str],
    pub fields: Vec<TextInput>,
    pub focus: usize,
    /// The values the form opened with, to know whether anything was typed.
    initial: Vec<String>,
}

impl LineFields {
    pub fn new(labels: &'static [&'static str], values: &[String]) -> LineFields {
        LineFields {
            labels,
            fields: labels
                .iter()
                .enumerate()
                .map(|(i, _)| TextInput::one_line(values.get(i).map_or("", String::as_str)))
                .collect(),
            focus: 0,
            initial: labels.iter().enumerate().map(|(i, _)| values.get(i).cloned().unwrap_or_default()).collect(),
        }
    }

    pub fn value(&self, i: usize) -> String {
        self.fields[i].text().trim().to_string()
    }

    /// Something was typed since the form opened.
    pub fn changed(&self) -> bool {
        self.fields.iter().zip(&self.initial).any(|(f, v)| f.text().trim() != v.trim())
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    /// Typing, pasting and moving between the fields (Enter is for saving,
    /// not new lines). Returns why a key or paste was refused, if it was.
    pub fn edit(&mut self, action: Action) -> Option<String> {
        let typed = match action {
            Action::Input(key) => self.fields[self.focus].input(key),
            Action::Paste(text) => self.fields[self.focus].paste(&text),
            Action::NextField => {
                self.next();
                Typed::Moved
            }
            Action::PrevField => {
                self.prev();
                Typed::Moved
            }
            _ => Typed::NotTaken,
        };
        match typed {
            Typed::Refused(why) => Some(why),
            _ => None,
        }
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let rows = Layout::vertical(self.fields.iter().map(|_| Constraint::Length(3))).split(area);
        for (i, (field, row)) in self.fields.iter().zip(rows.iter()).enumerate() {
            let block = panel(self.labels[i], i == self.focus, theme);
            let inner = block.inner(*row);
            frame.render_widget(block, *row);
            if i == self.focus {
                frame.render_widget(field, inner);
            } else {
                frame.render_widget(Paragraph::new(field.text()), inner);
            }
        }
    }
}
