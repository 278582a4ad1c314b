//! Every scrolling list on screen is drawn here: only the rows in view are
//! made (a list may hold a whole career's clients), ratatui's `ListState`
//! marks the selected row, and a `Scrollbar` on the right shows where the
//! view stands whenever not every row fits.

use crate::fit::fit;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{List, ListItem, ListState, Scrollbar, ScrollbarOrientation, ScrollbarState};

/// Lines a PgUp or PgDn moves.
pub const PAGE: u16 = 10;

/// The row after (or before) `i` of `len`, stopping at either end.
pub fn step(i: usize, len: usize, down: bool) -> usize {
    if down { (i + 1).min(len.saturating_sub(1)) } else { i.saturating_sub(1) }
}

/// A list of `count` rows, each `row_height` lines tall, to draw in a box.
pub struct Rows {
    pub count: usize,
    /// The row to highlight and keep in view; None: nothing highlighted.
    pub selected: Option<usize>,
    pub row_height: u16,
    pub highlight: Style,
}

impl Rows {
    pub fn new(count: usize, selected: Option<usize>, highlight: Style) -> Rows {
        Rows { count, selected, row_height: 1, highlight }
    }

    /// How many rows fit in `height` lines.
    fn fitting(&self, height: u16) -> usize {
        usize::from((height / self.row_height.max(1)).max(1))
    }

    /// The first row in view: the selected one is the last in view when it
    /// would otherwise fall below.
    pub fn first(&self, height: u16) -> usize {
        let fit = self.fitting(height);
        self.selected.unwrap_or(0).saturating_sub(fit - 1).min(self.count.saturating_sub(fit))
    }

    /// Draws the rows in `area`; `row(i, width)` makes row `i` for the
    /// `width` left beside the scrollbar, and is called only for rows in view.
    pub fn draw<'a>(&self, frame: &mut Frame, area: Rect, mut row: impl FnMut(usize, usize) -> ListItem<'a>) {
        let fit = self.fitting(area.height);
        let scrolls = self.count > fit && area.width > 2;
        let width = if scrolls { area.width - 1 } else { area.width };
        let first = self.first(area.height);
        let items: Vec<ListItem> = (first..self.count.min(first + fit)).map(|i| row(i, usize::from(width))).collect();
        let mut state = ListState::default().with_selected(self.selected.map(|s| s - first));
        let list = List::new(items).highlight_style(self.highlight);
        frame.render_stateful_widget(list, Rect { width, ..area }, &mut state);
        if scrolls {
            let mut bar = ScrollbarState::new(self.count.saturating_sub(fit)).position(first);
            let scrollbar = Scrollbar::new(ScrollbarOrientation::VerticalRight).begin_symbol(None).end_symbol(None);
            frame.render_stateful_widget(scrollbar, area, &mut bar);
        }
    }
}

/// Draws rows `0..count` (made by `row`, only for those on screen) with
/// `selected` highlighted and kept in view; a row too long is cut with `…`.
pub fn selectable_list(
    frame: &mut Frame,
    area: Rect,
    count: usize,
    selected: usize,
    theme: &Theme,
    row: impl Fn(usize) -> String,
) {
    Rows::new(count, Some(selected), theme.selected())
        .draw(frame, area, |i, width| ListItem::new(fit(&row(i), width).into_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_row_stays_in_view_and_the_view_never_runs_past_the_end() {
        let rows = |selected| Rows::new(30, Some(selected), Style::default());
        assert_eq!(rows(0).first(10), 0);
        assert_eq!(rows(9).first(10), 0);
        assert_eq!(rows(10).first(10), 1);
        assert_eq!(rows(29).first(10), 20, "the last row at the bottom");
        let two_lines = Rows { row_height: 2, ..rows(29) };
        assert_eq!(two_lines.first(10), 25, "five rows of two lines fit");
        assert_eq!(Rows::new(3, Some(2), Style::default()).first(10), 0, "a short list starts at the top");
    }
}
