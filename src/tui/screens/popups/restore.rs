//! A note kept unsaved (the app closed, or it was discarded) offered back
//! as the app opens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::ClientId;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, ENTER, ESC, b, k};
use crate::tui::screens::{centered, panel};

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Restore, &[ENTER], Action::Open, "restore it", true),
    b(Context::Restore, &[k('d')], Action::DiscardDraft, "discard it", true),
    b(Context::Restore, &[ESC], Action::Back, "decide later", true),
];

pub fn update(client: &ClientId, ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Open => Outcome::go(Go::NewNote { client: client.clone(), appointment: None }),
        Action::DiscardDraft => {
            // Only while the window that kept it still owns it: a note
            // another window has taken up since stays.
            let windows = ctx.drafts.get(client).map(|d| vec![d.window.clone()]).unwrap_or_default();
            Outcome::effect(Effect::DeleteDraft { client: client.clone(), windows })
                .and_go(Go::Close)
                .and_info("The kept note was discarded.")
        }
        Action::Back => Outcome::go(Go::Close),
        _ => Outcome::none(),
    }
}

pub fn view(client: &ClientId, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let name = ctx.roster.entry(client.as_str()).map_or(client.as_str(), |e| e.name());
    let kept = ctx.drafts.get(client).map(|d| d.kept_at.format("%a %-d %b %H:%M").to_string()).unwrap_or_default();
    let r = centered(area, 60, 7);
    frame.render_widget(Clear, r);
    let key = |action| ctx.key_for(Context::Restore, action);
    let text = format!(
        "A note for {name} was not saved (kept {kept}).\n\n{} restores it · {} discards it · {} decides later",
        key(Action::Open),
        key(Action::DiscardDraft),
        key(Action::Back)
    );
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(panel("Unsaved note found", true, ctx.theme)),
        r,
    );
}
