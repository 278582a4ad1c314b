//! Cancelling an appointment asks which way it is not held: the client
//! cancelled, you cancelled, or the client did not attend. Esc keeps it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::NotHeld;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, ESC, b, k, keys_label};
use crate::tui::popup::Popup;
use crate::tui::screens::{centered, panel};

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Cancel, &[k('c')], Action::CancelAs(NotHeld::CancelledByClient), "the client cancelled", true),
    b(Context::Cancel, &[k('t')], Action::CancelAs(NotHeld::CancelledByTherapist), "you cancelled", true),
    b(Context::Cancel, &[k('d')], Action::CancelAs(NotHeld::DidNotAttend), "did not attend", true),
    b(Context::Cancel, &[ESC], Action::Back, "keep it booked", true),
];

pub fn update(popup: &mut Popup, _ctx: &Ctx, action: Action) -> Outcome {
    let Popup::Cancel { client, appointment, start, .. } = popup else { return Outcome::none() };
    match action {
        Action::CancelAs(how) => Outcome::effect(Effect::CancelAppointment {
            client: client.clone(),
            appointment: appointment.clone(),
            start: *start,
            how,
        })
        .and_go(Go::Close),
        Action::Back => Outcome::go(Go::Close),
        _ => Outcome::none(),
    }
}

pub fn view(popup: &Popup, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let Popup::Cancel { question, .. } = popup else { return };
    let mut lines = vec![Line::raw(question.clone()), Line::raw("")];
    for b in KEYS {
        lines.push(Line::raw(format!("{:<4} {}", keys_label(b.keys), b.help)));
    }
    let width = 56;
    let question_lines = textwrap::wrap(question, usize::from(area.width.min(width).saturating_sub(2))).len() as u16;
    let r = centered(area, width, question_lines + KEYS.len() as u16 + 3);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel("Not held: which way?", true, ctx.theme)),
        r,
    );
}
