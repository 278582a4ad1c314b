//! A yes-or-no question: one asked before something that cannot be taken
//! back (`Confirm`), or before typed text is thrown away (`Discard`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, ESC, b, k};
use crate::tui::popup::Popup;
use crate::tui::screens::{centered, panel};

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Confirm, &[k('y')], Action::Yes, "yes", true),
    b(Context::Confirm, &[k('n'), ESC], Action::No, "no", true),
];

/// The one question Esc asks before throwing typed text away.
pub fn discard_question(ctx: &Ctx) -> String {
    let (yes, no) = (ctx.key_for(Context::Confirm, Action::Yes), ctx.key_for(Context::Confirm, Action::No));
    format!("Discard what you typed? {yes} discards it, {no} keeps it.")
}

pub fn update(popup: &mut Popup, _ctx: &Ctx, action: Action) -> Outcome {
    match (popup, action) {
        (Popup::Confirm { on_yes, .. }, Action::Yes) => Outcome::effect(on_yes.clone().effect()).and_go(Go::Close),
        (Popup::Confirm { .. }, Action::No | Action::Back) => Outcome::go(Go::Close),
        // Discarding a box's text closes it; a form's, the form.
        (Popup::Discard { keep: Some(_) }, Action::Yes) => Outcome::go(Go::Close),
        (Popup::Discard { keep: None }, Action::Yes) => Outcome::go(Go::DiscardForm).and_info("Discarded."),
        // Kept: back to the box (or the form) as it was.
        (Popup::Discard { keep }, Action::No | Action::Back) => match keep.take() {
            Some(kept) => Outcome::go(Go::Popup(*kept)),
            None => Outcome::go(Go::Close),
        },
        _ => Outcome::none(),
    }
}

pub fn view(popup: &Popup, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let question = match popup {
        Popup::Confirm { question, .. } => question.clone(),
        _ => discard_question(ctx),
    };
    // Tall enough for the whole question, however long what it names.
    let lines = textwrap::wrap(&question, usize::from(area.width.min(56).saturating_sub(2))).len() as u16;
    let r = centered(area, 56, (lines + 2).max(5));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(question).wrap(Wrap { trim: true }).block(panel("Are you sure?", true, ctx.theme)),
        r,
    );
}
