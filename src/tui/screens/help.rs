//! `?`: every key of every screen, from the one key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::panel;
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Context, DOWN, ESC, F1, UP, b, k};
use crate::tui::keymap::{HELP_ORDER, bindings, keys_label};
use crate::tui::theme::Theme;

/// The help text, one line per binding under each screen's heading.
pub fn lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for c in HELP_ORDER {
        out.push(Line::styled(c.title(), theme.heading()));
        for b in bindings().filter(|b| b.context == c) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys_label(b.keys)), theme.key()),
                Span::raw(b.describe()),
            ]));
        }
    }
    out.push(Line::styled("Anywhere", theme.heading()));
    out.push(Line::from(vec![
        Span::styled(format!("  {:<16}", "Ctrl-C"), theme.key()),
        Span::raw("quit (an unsaved note is kept and offered back next time)"),
    ]));
    out.push(Line::from(vec![
        Span::styled(format!("  {:<16}", "Ctrl-L/F12"), theme.key()),
        Span::raw("hide the screen at once (a client walks in); any key brings it back"),
    ]));
    out
}

/// The line of help where the keys of `context` begin: help opens there,
/// so F1 in the note form shows the note form's keys. A part of the
/// profile opens at the profile's shared keys, just above its own.
pub fn section_start(context: Context) -> u16 {
    let context = context.parent().unwrap_or(context);
    let mut line = 0;
    for c in HELP_ORDER {
        if c == context {
            return line;
        }
        line += 1 + bindings().filter(|b| b.context == c).count() as u16;
    }
    0
}

/// How far help scrolls in a panel showing `height` lines: the last line
/// stops at the bottom.
pub fn max_scroll(height: u16) -> u16 {
    let count = HELP_ORDER.len() + bindings().count() + 3;
    (count as u16).saturating_sub(height)
}

pub fn view(frame: &mut Frame, area: Rect, scroll: u16, theme: &Theme) {
    frame.render_widget(Clear, area);
    let cols = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = lines(theme).into_iter().map(|l| super::fit_line(l, cols)).collect();
    let scroll = scroll.min(max_scroll(area.height.saturating_sub(2)));
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(panel("Keys · ↑/↓ scroll · Esc closes", true, theme)),
        area,
    );
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Help, &[ESC, k('?'), k('q'), F1], Action::Back, "close help", true),
    b(Context::Help, &[UP, k('k')], Action::Up, "scroll up", false),
    b(Context::Help, &[DOWN, k('j')], Action::Down, "scroll down", false),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_starts_at_its_heading_and_the_last_line_is_counted() {
        let theme = Theme { color: false };
        let lines = lines(&theme);
        for c in HELP_ORDER {
            let heading = lines[usize::from(section_start(c))].spans[0].content.to_string();
            assert_eq!(heading, c.parent().unwrap_or(c).title());
        }
        assert_eq!(max_scroll(0) as usize, lines.len());
    }
}
