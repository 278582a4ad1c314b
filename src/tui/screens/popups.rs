//! Small windows over the screen: a question, the open tasks, a task
//! outcome, a kept draft.

use crate::domain::TaskStatus;
use crate::domain::time::ago;
use crate::tui::action::{Action, Effect};
use crate::tui::model::{Confirmed, DISCARD_QUESTION, Model, Popup};
use crate::tui::nav::*;
use crate::tui::screens::clients::selectable_list;
use crate::tui::screens::profile::{ProfileChange, parse_new};
use crate::tui::screens::{centered, panel};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

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

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, popup: Popup, action: Action) -> Vec<Effect> {
    match popup {
        Popup::Confirm { question, on_yes } => match action {
            Action::Yes => match on_yes {
                Confirmed::CancelAppointment { client, start } => vec![Effect::CancelAppointment { client, start }],
                Confirmed::Finalise { client, session } => vec![Effect::Finalise { client, session }],
                Confirmed::RemoveItem { client, part, id } => {
                    vec![Effect::ChangeProfile { client, change: ProfileChange::Remove { part, id } }]
                }
            },
            Action::No | Action::Back => vec![],
            _ => {
                m.popup = Some(Popup::Confirm { question, on_yes });
                vec![]
            }
        },
        Popup::Tasks { client, selected } => {
            let open: Vec<(String, String)> = m
                .record(&client)
                .map(|r| r.open_tasks().map(|t| (t.id.clone(), t.text.clone())).collect())
                .unwrap_or_default();
            match action {
                Action::Up | Action::Down => {
                    m.popup =
                        Some(Popup::Tasks { selected: step(selected, open.len(), action == Action::Down), client });
                }
                Action::TaskDone | Action::TaskDrop => {
                    if let Some((id, text)) = open.get(selected).filter(|_| writable(m, &client)) {
                        let status = if action == Action::TaskDone { TaskStatus::Done } else { TaskStatus::Dropped };
                        m.popup = Some(outcome_popup(&client, id, text, status));
                    } else {
                        m.popup = Some(Popup::Tasks { client, selected });
                    }
                }
                Action::Back => {}
                _ => m.popup = Some(Popup::Tasks { client, selected }),
            }
            vec![]
        }
        Popup::Outcome { client, task, task_text, status, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                let outcome = match (status, text.is_empty()) {
                    (TaskStatus::Open, true) => Some(format!("not done yet ({})", m.now.format("%-d %b"))),
                    (TaskStatus::Open, false) => Some(format!("not done yet ({}): {text}", m.now.format("%-d %b"))),
                    (_, true) => None,
                    (_, false) => Some(text),
                };
                vec![Effect::SetTask { client, task, status, outcome }]
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::Outcome { client, task, task_text, status, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::Outcome { client, task, task_text, status, input });
                vec![]
            }
        },
        Popup::AddItem { client, part, mut input } => match action {
            Action::Save => match parse_new(part, &input.lines().join(" ")) {
                Ok(change) => vec![Effect::ChangeProfile { client, change }],
                Err(e) => {
                    m.set_error(e);
                    m.popup = Some(Popup::AddItem { client, part, input });
                    vec![]
                }
            },
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::AddItem { client, part, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::AddItem { client, part, input });
                vec![]
            }
        },
        Popup::Addendum { client, session, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                if text.is_empty() {
                    m.set_error("Type the correction first, or Esc to cancel.");
                    m.popup = Some(Popup::Addendum { client, session, input });
                    return vec![];
                }
                vec![Effect::AddAddendum { client, session, text }]
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(m, Popup::Addendum { client, session, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                m.popup = Some(Popup::Addendum { client, session, input });
                vec![]
            }
        },
        Popup::Discard { keep } => match action {
            Action::Yes => match keep {
                Some(_) => vec![],
                None => {
                    m.set_info("Discarded.");
                    discard_form(m)
                }
            },
            Action::No | Action::Back => {
                m.popup = keep.map(|p| *p);
                vec![]
            }
            _ => {
                m.popup = Some(Popup::Discard { keep });
                vec![]
            }
        },
        Popup::Restore { client } => match action {
            Action::Open => {
                open_note(m, &client, None);
                vec![]
            }
            Action::DiscardDraft => {
                m.drafts.remove(&client);
                m.set_info("The kept note was discarded.");
                vec![Effect::DeleteDraft { client }]
            }
            Action::Back => vec![],
            _ => {
                m.popup = Some(Popup::Restore { client });
                vec![]
            }
        },
    }
}
