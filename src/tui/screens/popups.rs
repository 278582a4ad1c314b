//! Small windows over the screen: a question, the open tasks, a task
//! outcome, a kept draft.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::clients::selectable_list;
use super::{centered, panel};
use crate::domain::TaskStatus;
use crate::domain::time::ago;
use crate::tui::model::{DISCARD_QUESTION, Model, Popup};

pub fn view(frame: &mut Frame, area: Rect, m: &Model, popup: &Popup) {
    let theme = &m.theme;
    match popup {
        Popup::Confirm { question, .. } => question_box(frame, area, m, question),
        Popup::Discard { .. } => question_box(frame, area, m, DISCARD_QUESTION),
        Popup::Tasks { client, selected } => {
            let Some(rec) = m.record(client) else { return };
            let open: Vec<_> = rec.open_tasks().collect();
            let r = centered(area, 70, (open.len() as u16 + 2).clamp(4, 14));
            frame.render_widget(Clear, r);
            let block = panel(format!("Open tasks · {}", rec.client.name), true, theme);
            if open.is_empty() {
                frame.render_widget(Paragraph::new("No open tasks.").block(block), r);
                return;
            }
            let today = m.now.date();
            let inner = block.inner(r);
            frame.render_widget(block, r);
            // However many tasks, the selected one stays in view.
            selectable_list(frame, inner, open.len(), *selected, theme, |i| {
                format!("[{}] {} (set {})", open[i].id, open[i].text, ago(open[i].set_on, today))
            });
        }
        Popup::Outcome { task_text, status, input, .. } => {
            let r = centered(area, 70, 7);
            frame.render_widget(Clear, r);
            let verb = match status {
                TaskStatus::Done => "Done",
                TaskStatus::Dropped => "Drop",
                TaskStatus::Open => "Not done yet",
            };
            let block = panel(format!("{verb}: {task_text}"), true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            frame.render_widget(
                Paragraph::new(Line::styled("Outcome, in a few words (optional), then Enter:", theme.quiet())),
                label,
            );
            frame.render_widget(&**input, field);
        }
        Popup::AddItem { part, input, .. } => {
            let r = centered(area, 76, 6);
            frame.render_widget(Clear, r);
            let block = panel(format!("Add to {}", part.title()), true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            frame.render_widget(
                Paragraph::new(Line::styled(part.add_hint(), theme.quiet())).wrap(Wrap { trim: true }),
                label,
            );
            frame.render_widget(&**input, field);
        }
        Popup::Addendum { session, input, .. } => {
            let r = centered(area, 76, 6);
            frame.render_widget(Clear, r);
            let block = panel(format!("Addendum to note {session}"), true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            let hint = "The correction, dated now and shown beneath the note; the note itself stays as it was.";
            frame.render_widget(Paragraph::new(Line::styled(hint, theme.quiet())).wrap(Wrap { trim: true }), label);
            frame.render_widget(&**input, field);
        }
        Popup::Restore { client } => {
            let name = m.entry(client).map_or(client.as_str(), |e| e.name());
            let kept =
                m.drafts.get(client).map(|d| d.kept_at.format("%a %-d %b %H:%M").to_string()).unwrap_or_default();
            let r = centered(area, 60, 7);
            frame.render_widget(Clear, r);
            let text = format!(
                "A note for {name} was not saved (kept {kept}).\n\nEnter restores it · d discards it · Esc decides later"
            );
            frame.render_widget(
                Paragraph::new(text).wrap(Wrap { trim: true }).block(panel("Unsaved note found", true, theme)),
                r,
            );
        }
    }
}

fn question_box(frame: &mut Frame, area: Rect, m: &Model, question: &str) {
    let r = centered(area, 56, 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(question.to_string()).wrap(Wrap { trim: true }).block(panel("Are you sure?", true, &m.theme)),
        r,
    );
}
