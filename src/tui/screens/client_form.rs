//! The client form (`a` to add, `e` to edit), and the one-line fields it
//! shares with the appointment form.

use crate::domain::{Channel, ClientId, ClientProfile};
use crate::tui::action::{Action, Effect};
use crate::tui::input::{TextInput, Typed};
use crate::tui::keys::{BACKTAB, Binding, Context, ENTER, ESC, F1, TAB, b, ctrl};
use crate::tui::model::{Model, Screen};
use crate::tui::nav::*;
use crate::tui::screens::panel;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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

const LABELS: &[&str] =
    &["Full name", "Preferred name", "Pronouns", "Phone", "Email", "Prefers (text, email, phone or voicemail)"];
/// The field of the preferred way to be contacted.
const CHANNEL: usize = 5;

#[derive(Debug, Clone)]
pub struct ClientForm {
    /// The client being edited, and their details as read; None to add.
    pub editing: Option<(ClientId, ClientProfile)>,
    pub fields: LineFields,
}

impl ClientForm {
    pub fn add() -> ClientForm {
        ClientForm { editing: None, fields: LineFields::new(LABELS, &[]) }
    }

    pub fn edit(id: ClientId, p: ClientProfile) -> ClientForm {
        let values = [
            p.name.clone(),
            p.preferred_name.clone().unwrap_or_default(),
            p.pronouns.clone().unwrap_or_default(),
            p.phone.clone().unwrap_or_default(),
            p.email.clone().unwrap_or_default(),
            p.preferred_channel.map(|c| c.label().to_string()).unwrap_or_default(),
        ];
        ClientForm { editing: Some((id, p)), fields: LineFields::new(LABELS, &values) }
    }

    /// The details typed, or why the way to contact them is not one Rapport knows.
    pub fn profile(&self) -> Result<ClientProfile, String> {
        let opt = |i| Some(self.fields.value(i)).filter(|v: &String| !v.is_empty());
        let preferred_channel = match opt(CHANNEL) {
            None => None,
            Some(word) => Some(Channel::parse(&word).ok_or_else(|| {
                format!("Prefers: '{word}' is not text, email, phone or voicemail; leave it empty for none.")
            })?),
        };
        Ok(ClientProfile {
            name: self.fields.value(0),
            preferred_name: opt(1),
            pronouns: opt(2),
            phone: opt(3),
            email: opt(4),
            preferred_channel,
        })
    }

    pub fn has_text(&self) -> bool {
        (0..LABELS.len()).any(|i| !self.fields.value(i).is_empty())
    }
}

pub fn view(frame: &mut Frame, area: Rect, form: &ClientForm, theme: &Theme) {
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let heading = match &form.editing {
        Some((_, p)) => format!("Edit client · {}", p.name),
        None => "New client".to_string(),
    };
    let heading = super::fit_line(Line::from(Span::styled(heading, theme.title())), usize::from(title.width));
    frame.render_widget(Paragraph::new(heading), title);
    let width = body.width.min(60);
    form.fields.view(frame, Rect { width, ..body }, theme);
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::ClientForm, &[TAB], Action::NextField, "next field", true),
    b(Context::ClientForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(Context::ClientForm, &[ctrl('s'), ENTER], Action::Save, "save", true),
    b(Context::ClientForm, &[ESC], Action::Back, "cancel", true),
    b(Context::ClientForm, &[F1], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::ClientForm(form) = &mut m.screen else { return vec![] };
    match action {
        Action::Input(_) | Action::Paste(_) | Action::NextField | Action::PrevField => {
            if let Some(why) = form.fields.edit(action) {
                m.set_error(why);
            }
        }
        Action::Save => {
            let editing = form.editing.clone();
            let profile = match form.profile() {
                Ok(profile) => profile,
                Err(e) => {
                    m.set_error(e);
                    return vec![];
                }
            };
            match profile.cleaned() {
                Err(e) => m.set_error(format!("{e}: type it in the first field")),
                Ok(profile) => {
                    m.set_info("Saving…");
                    return vec![match editing {
                        None => Effect::AddClient { profile },
                        Some((client, base)) => Effect::EditClient { client, base, profile },
                    }];
                }
            }
        }
        Action::Back => {
            let typed = form.fields.changed();
            return leave_form(m, typed);
        }
        _ => {}
    }
    vec![]
}
