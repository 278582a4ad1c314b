//! The client form (`a` to add, `e` to edit).

use crate::domain::{Channel, ClientId, ClientProfile};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{BACKTAB, Binding, Context, ENTER, ESC, F1, TAB, b, ctrl};
use crate::tui::screens::fields::LineFields;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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

pub fn view(form: &ClientForm, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
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

/// The form changing `client`'s details (None: their record is not held).
pub fn open_edit(ctx: &Ctx, client: ClientId) -> Option<ClientForm> {
    let profile = ctx.roster.record(client.as_str())?.profile();
    Some(ClientForm::edit(client, profile))
}

// ---- Keys -------------------------------------------------------------------

/// The form's keys: typing, moving between fields, saving, leaving.
pub fn update(form: &mut ClientForm, _ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Input(_) | Action::Paste(_) | Action::NextField | Action::PrevField => match form.fields.edit(action) {
            Some(why) => Outcome::error(why),
            None => Outcome::none(),
        },
        Action::Save => {
            let profile = match form.profile() {
                Ok(profile) => profile,
                Err(e) => return Outcome::error(e),
            };
            match profile.cleaned() {
                Err(e) => Outcome::error(format!("{e}: type it in the first field")),
                Ok(profile) => {
                    let effect = match form.editing.clone() {
                        None => Effect::AddClient { profile },
                        Some((client, base)) => Effect::EditClient { client, base, profile },
                    };
                    Outcome::effect(effect).and_info("Saving…")
                }
            }
        }
        // Nothing typed is thrown away without asking.
        Action::Back if form.fields.changed() => Outcome::go(Go::AskDiscard),
        Action::Back => Outcome::go(Go::Home),
        _ => Outcome::none(),
    }
}
