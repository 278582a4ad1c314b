//! `?`: every key of every screen, from the one key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::panel;
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, DOWN, ESC, F1, KeyTable, UP, b, k, keys_label};
use crate::tui::theme::Theme;

/// Help's own state: how far it is scrolled.
pub type HelpState = u16;

/// The help text, one line per binding under each screen's heading.
pub fn lines(keys: &KeyTable, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for &c in keys.order {
        out.push(Line::styled(c.title(), theme.heading()));
        for b in keys.bindings().filter(|b| b.context == c) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys_label(b.keys)), theme.key()),
                Span::raw(b.describe()),
            ]));
        }
    }
    out.push(Line::styled("Anywhere", theme.heading()));
    for (label, does) in keys.anywhere() {
        out.push(Line::from(vec![Span::styled(format!("  {label:<16}"), theme.key()), Span::raw(does)]));
    }
    out
}

/// The line of help where the keys of `context` begin: help opens there,
/// so F1 in the note form shows the note form's keys. A part of the
/// profile opens at the profile's shared keys, just above its own.
pub fn section_start(keys: &KeyTable, context: Context) -> u16 {
    let context = context.parent().unwrap_or(context);
    let mut line = 0;
    for &c in keys.order {
        if c == context {
            return line;
        }
        line += 1 + keys.bindings().filter(|b| b.context == c).count() as u16;
    }
    0
}

/// How far help scrolls in a panel showing `height` lines: the last line
/// stops at the bottom.
pub fn max_scroll(keys: &KeyTable, height: u16) -> u16 {
    let count = keys.order.len() + keys.bindings().count() + 3;
    (count as u16).saturating_sub(height)
}

/// Help's keys: scroll, or close.
pub fn update(scroll: &mut HelpState, ctx: &Ctx, action: Action) -> Outcome {
    // The help panel's lines: the window less the top bar, the status
    // line, the footer and the panel's borders.
    let max = max_scroll(ctx.keys, ctx.size.1.saturating_sub(5));
    *scroll = (*scroll).min(max);
    match action {
        Action::Back => return Outcome::go(Go::Close),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::Down => *scroll = scroll.saturating_add(1).min(max),
        _ => {}
    }
    Outcome::none()
}

pub fn view(scroll: &HelpState, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    frame.render_widget(Clear, area);
    let cols = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = lines(ctx.keys, theme).into_iter().map(|l| super::fit_line(l, cols)).collect();
    let scroll = (*scroll).min(max_scroll(ctx.keys, area.height.saturating_sub(2)));
    let (up, down) = (ctx.key_for(Context::Help, Action::Up), ctx.key_for(Context::Help, Action::Down));
    let title = format!("Keys · {up}/{down} scroll · {} closes", ctx.key_for(Context::Help, Action::Back));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(panel(title, true, theme)), area);
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Help, &[ESC, k('?'), k('q'), F1], Action::Back, "close help", true),
    b(Context::Help, &[UP, k('k')], Action::Up, "scroll up", false),
    b(Context::Help, &[DOWN, k('j')], Action::Down, "scroll down", false),
];
