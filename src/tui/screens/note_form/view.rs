//! Drawing the note form: the fields down the side with what each holds,
//! and the field being typed in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};

use super::NoteForm;
use super::fields::{FIELDS, MEASURES, NOTES, PLAN};
use crate::domain::measures::next_item_prompt;
use crate::tui::ctx::Ctx;
use crate::tui::screens::panel;

/// A short summary of a field for the side list: "2", "✓", or its value.
fn badge(form: &NoteForm, i: usize) -> String {
    let text = form.fields[i].text();
    if FIELDS[i].one_line {
        return text;
    }
    let n = form.fields[i].lines().iter().filter(|l| !l.trim().is_empty()).count();
    match (i, n) {
        (_, 0) => String::new(),
        (PLAN | NOTES | super::fields::ASSESSMENT | super::fields::INTERVENTION | super::fields::PROCESS, _) => {
            "✓".into()
        }
        (_, n) => n.to_string(),
    }
}

pub fn view(form: &NoteForm, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let heading_text = match &form.editing {
        Some(id) => format!("Edit note {id}"),
        None => "New note".to_string(),
    };
    let mut heading = vec![Span::styled(heading_text, theme.title()), Span::raw(format!(" · {}", form.client_name))];
    if let Some(a) = form.appointment {
        heading.push(Span::styled(format!("  for {}", a.format("%a %-d %b %H:%M")), theme.quiet()));
    }
    frame.render_widget(Paragraph::new(super::super::fit_line(Line::from(heading), usize::from(title.width))), title);

    let side_width = if body.width >= 100 { 34 } else { 28 };
    let [side, editor] = Layout::horizontal([Constraint::Length(side_width), Constraint::Min(20)]).areas(body);
    let items: Vec<ListItem> = super::fields::order(ctx.note_format)
        .into_iter()
        .map(|i| {
            let marker = if i == form.focus { "▸ " } else { "  " };
            let badge = badge(form, i);
            let room = usize::from(side_width.saturating_sub(4));
            let label_room = room.saturating_sub(badge.chars().count() + 1);
            let label = super::fields::label(ctx.note_format, i);
            let line = format!("{marker}{:<label_room$} {badge}", crate::fit::fit(&label, label_room));
            let style = if i == form.focus { theme.selected() } else { Default::default() };
            ListItem::new(line).style(style)
        })
        .collect();
    frame.render_widget(List::new(items).block(panel("Fields", false, theme)), side);

    let mut block = panel(super::fields::label(ctx.note_format, form.focus).trim_start(), true, theme);
    // While a PHQ-9 or GAD-7 is typed, the next item's wording (never the ORS's or SRS's).
    if form.focus == MEASURES
        && let Some(prompt) = next_item_prompt(&form.fields[MEASURES].text(), &[])
    {
        block = block.title_bottom(Line::styled(format!(" {prompt} "), theme.quiet()));
    }
    let inner = block.inner(editor);
    frame.render_widget(block, editor);
    frame.render_widget(&form.fields[form.focus], inner);
}
