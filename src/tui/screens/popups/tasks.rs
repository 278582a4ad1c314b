//! A client's open tasks (`t` on the client list): mark one done or
//! dropped (with a few words on how it went), or set a new one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};

use crate::domain::summary::open_task_line;
use crate::domain::{ClientId, TaskStatus};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::TextInput;
use crate::tui::keys::{Binding, Context, DOWN, ESC, UP, b, k};
use crate::tui::popup::Popup;
use crate::tui::screens::list::{selectable_list, step};
use crate::tui::screens::{centered, panel};

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Tasks, &[UP, k('k')], Action::Up, "previous task", false),
    b(Context::Tasks, &[DOWN, k('j')], Action::Down, "next task", false),
    b(Context::Tasks, &[k('d')], Action::TaskDone, "done", true),
    b(Context::Tasks, &[k('x')], Action::TaskDrop, "drop", true),
    b(Context::Tasks, &[k('a')], Action::AddTask, "new task", true).about("set a new task"),
    b(Context::Tasks, &[ESC], Action::Back, "close", true),
];

pub fn update(popup: &mut Popup, ctx: &Ctx, action: Action) -> Outcome {
    let Popup::Tasks { client, selected } = popup else { return Outcome::none() };
    let record = ctx.roster.record(client.as_str());
    let open: Vec<_> = record.map(|r| r.open_tasks().collect()).unwrap_or_default();
    // A new task whose save failed leaves the selection one past the end.
    *selected = (*selected).min(open.len().saturating_sub(1));
    match action {
        Action::Up | Action::Down => *selected = step(*selected, open.len(), action == Action::Down),
        Action::TaskDone | Action::TaskDrop => {
            let Some(task) = open.get(*selected) else { return Outcome::none() };
            if let Err(refused) = ctx.writable(client.as_str()) {
                return refused.into();
            }
            let status = if action == Action::TaskDone { TaskStatus::Done } else { TaskStatus::Dropped };
            return Outcome::go(Go::Popup(Popup::outcome(client, &task.id, &task.text, status)));
        }
        Action::AddTask => {
            if let Err(refused) = ctx.writable(client.as_str()) {
                return refused.into();
            }
            let input = Box::new(TextInput::one_line(""));
            return Outcome::go(Go::Popup(Popup::NewTask { client: client.clone(), input }));
        }
        Action::Back => return Outcome::go(Go::Close),
        _ => {}
    }
    Outcome::none()
}

pub fn view(client: &ClientId, selected: usize, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(rec) = ctx.roster.record(client.as_str()) else { return };
    let open: Vec<_> = rec.open_tasks().collect();
    let r = centered(area, 70, (open.len() as u16 + 2).clamp(4, 14));
    frame.render_widget(Clear, r);
    let title = format!("Open tasks · {}", rec.client.name);
    let block = panel(crate::fit::fit(&title, usize::from(r.width.saturating_sub(4))), true, theme);
    if open.is_empty() {
        let text = format!("No open tasks. {} sets one.", ctx.key_for(Context::Tasks, Action::AddTask));
        frame.render_widget(Paragraph::new(text).block(block), r);
        return;
    }
    let today = ctx.now.date();
    let inner = block.inner(r);
    frame.render_widget(block, r);
    // However many tasks, the selected one stays in view.
    selectable_list(frame, inner, open.len(), selected.min(open.len() - 1), theme, |i| {
        let t = open[i];
        open_task_line(t.id.as_str(), &t.text, t.set_on, t.outcome.as_deref(), today)
    });
}
