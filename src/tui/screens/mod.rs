//! One file per screen: its state, its helpers and its drawing.

pub mod appointment;
pub mod chart;
pub mod client_form;
pub mod clients;
pub mod conflict;
pub mod fields;
pub mod help;
pub mod list;
pub mod note_form;
pub mod note_pane;
pub mod popups;
pub mod practice;
pub mod profile;
pub mod review;
pub mod search;
pub mod today;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::theme::Theme;

/// A bordered block, brighter when it has the keys.
pub fn panel<'a>(title: impl Into<String>, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if focused { theme.border_focus() } else { theme.border() })
        .title(format!(" {} ", title.into()))
}

/// A rectangle of at most `w`×`h`, centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// A one-line heading in at most `cols` columns: the spans that fit whole,
/// then the first that does not, cut with `…` (see [`crate::fit`]).
pub fn fit_line(line: Line<'_>, cols: usize) -> Line<'_> {
    let mut left = cols;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = crate::fit::width(&span.content);
        if w <= left {
            left -= w;
            spans.push(span);
            continue;
        }
        if left > 0 {
            spans.push(Span::styled(crate::fit::fit(&span.content, left).into_owned(), span.style));
        }
        break;
    }
    Line { spans, ..line }
}
