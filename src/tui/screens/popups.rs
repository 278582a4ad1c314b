//! Small windows over the screen: a question, the open tasks, a task
//! outcome, a kept draft.

use crate::domain::summary::open_task_line;
use crate::domain::{TaskId, TaskStatus};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Go, Outcome};
use crate::tui::input::TextInput;
use crate::tui::input::type_line;
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, UP, b, ctrl, k};
use crate::tui::model::{DISCARD_QUESTION, Model, Popup};
use crate::tui::screens::list::selectable_list;
use crate::tui::screens::list::step;
use crate::tui::screens::profile::{item_text, parse_edit, parse_new};
use crate::tui::screens::{centered, panel};
use crate::tui::update::apply;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// Refuses a change to a client whose file is unreadable or newer.
fn writable(m: &mut Model, id: &str) -> bool {
    match crate::ctx!(m).writable(id) {
        Ok(()) => true,
        Err(why) => {
            if let Some(crate::tui::ctx::Say::Error(why) | crate::tui::ctx::Say::Info(why)) = why {
                m.set_error(why);
            }
            false
        }
    }
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model, popup: &Popup) {
    let theme = &m.theme;
    match popup {
        Popup::Confirm { question, .. } => question_box(frame, area, m, question),
        Popup::Conflict(c) => super::conflict::view(c, &crate::ctx!(m), frame, area),
        Popup::Discard { .. } => question_box(frame, area, m, DISCARD_QUESTION),
        Popup::Tasks { client, selected } => {
            let Some(rec) = m.record(client.as_str()) else { return };
            let open: Vec<_> = rec.open_tasks().collect();
            let r = centered(area, 70, (open.len() as u16 + 2).clamp(4, 14));
            frame.render_widget(Clear, r);
            let title = format!("Open tasks · {}", rec.client.name);
            let block = panel(crate::fit::fit(&title, usize::from(r.width.saturating_sub(4))), true, theme);
            if open.is_empty() {
                frame.render_widget(Paragraph::new("No open tasks. a sets one.").block(block), r);
                return;
            }
            let today = m.now.date();
            let inner = block.inner(r);
            frame.render_widget(block, r);
            // However many tasks, the selected one stays in view.
            selectable_list(frame, inner, open.len(), (*selected).min(open.len() - 1), theme, |i| {
                let t = open[i];
                open_task_line(t.id.as_str(), &t.text, t.set_on, t.outcome.as_deref(), today)
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
            let title = format!("{verb}: {task_text}");
            let block = panel(crate::fit::fit(&title, usize::from(r.width.saturating_sub(4))), true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            frame.render_widget(
                Paragraph::new(Line::styled("Outcome, in a few words (optional), then Enter:", theme.quiet())),
                label,
            );
            frame.render_widget(&**input, field);
        }
        Popup::AddItem { part, editing, input, .. } => {
            let r = centered(area, 76, 6);
            frame.render_widget(Clear, r);
            let title = match editing {
                Some(id) => format!("Change {id} in {}", part.title()),
                None => format!("Add to {}", part.title()),
            };
            let block = panel(title, true, theme);
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
        Popup::NewTask { input, .. } => {
            let r = centered(area, 76, 6);
            frame.render_widget(Clear, r);
            let block = panel("New task", true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            let hint = "What the client will do before next time; set today, and checked in the review.";
            frame.render_widget(Paragraph::new(Line::styled(hint, theme.quiet())).wrap(Wrap { trim: true }), label);
            frame.render_widget(&**input, field);
        }
        Popup::Measures { client, session, at, input } => {
            let r = centered(area, 76, 7);
            frame.render_widget(Clear, r);
            let when = match session {
                Some(s) => format!("note {s}, {}", at.format("%a %-d %b %H:%M")),
                None => format!("taken {} (no note yet today)", at.format("%a %-d %b %H:%M")),
            };
            let block = panel(format!("Scores · {when}"), true, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [label, field] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(inner);
            // PHQ-9 and GAD-7 wording, item by item, as the scores are typed.
            let hint =
                crate::domain::measures::next_item_prompt(&input.lines().join(" "), &m.scales_for(client.as_str()))
                    .unwrap_or_else(|| {
                        "Each item's score in order, measures between semicolons: ORS 6 6.5 7 6; SRS 9 9 9.5 9 \
                     (also PHQ-9, GAD-7). Rapport adds up the totals."
                            .into()
                    });
            frame.render_widget(Paragraph::new(Line::styled(hint, theme.quiet())).wrap(Wrap { trim: true }), label);
            frame.render_widget(&**input, field);
        }
        Popup::Restore { client } => {
            let name = m.entry(client.as_str()).map_or(client.as_str(), |e| e.name());
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
    // Tall enough for the whole question, however long what it names.
    let lines = textwrap::wrap(question, usize::from(area.width.min(56).saturating_sub(2))).len() as u16;
    let r = centered(area, 56, (lines + 2).max(5));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(question.to_string()).wrap(Wrap { trim: true }).block(panel("Are you sure?", true, &m.theme)),
        r,
    );
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Tasks, &[UP, k('k')], Action::Up, "previous task", false),
    b(Context::Tasks, &[DOWN, k('j')], Action::Down, "next task", false),
    b(Context::Tasks, &[k('d')], Action::TaskDone, "done", true),
    b(Context::Tasks, &[k('x')], Action::TaskDrop, "drop", true),
    b(Context::Tasks, &[k('a')], Action::AddTask, "new task", true).about("set a new task"),
    b(Context::Tasks, &[ESC], Action::Back, "close", true),
    b(Context::NewTask, &[ENTER, ctrl('s')], Action::Save, "set", true),
    b(Context::NewTask, &[ESC], Action::Back, "cancel", true),
    b(Context::AddItem, &[ENTER, ctrl('s')], Action::Save, "save", true),
    b(Context::AddItem, &[ESC], Action::Back, "cancel", true),
    b(Context::Addendum, &[ENTER, ctrl('s')], Action::Save, "add", true),
    b(Context::Addendum, &[ESC], Action::Back, "cancel", true),
    b(Context::Measures, &[ENTER, ctrl('s')], Action::Save, "record", true),
    b(Context::Measures, &[ESC], Action::Back, "cancel", true),
    b(Context::Outcome, &[ENTER, ctrl('s')], Action::Save, "save", true),
    b(Context::Outcome, &[ESC], Action::Back, "cancel", true),
    b(Context::Confirm, &[k('y')], Action::Yes, "yes", true),
    b(Context::Confirm, &[k('n'), ESC], Action::No, "no", true),
    b(Context::Restore, &[ENTER], Action::Open, "restore it", true),
    b(Context::Restore, &[k('d')], Action::DiscardDraft, "discard it", true),
    b(Context::Restore, &[ESC], Action::Back, "decide later", true),
];

// ---- Keys -------------------------------------------------------------------

/// What a key leaves on screen: the box kept (changed or not), another box,
/// or none. Every branch says which, so no box vanishes by being forgotten.
type Next = (Option<Popup>, Vec<Effect>);

fn keep(popup: Popup) -> Next {
    (Some(popup), vec![])
}

fn close(effects: Vec<Effect>) -> Next {
    (None, effects)
}

/// Esc on a box: closes it, or asks first when something was typed in it.
fn close_box(popup: Popup, typed: bool) -> Next {
    if typed { keep(Popup::Discard { keep: Some(Box::new(popup)) }) } else { close(vec![]) }
}

/// The keys of the box on screen (the router takes it out of the model and
/// puts back what this returns).
pub(crate) fn update(m: &mut Model, popup: Popup, action: Action) -> Vec<Effect> {
    let (next, effects) = step_popup(m, popup, action);
    // A step may also have opened a screen or a box of its own (a restored note).
    if m.popup.is_none() {
        m.popup = next;
    }
    effects
}

fn step_popup(m: &mut Model, popup: Popup, action: Action) -> Next {
    match popup {
        // A room of its own: the router gives it its keys.
        popup @ Popup::Conflict(_) => keep(popup),
        Popup::Confirm { question, on_yes } => match action {
            Action::Yes => close(vec![on_yes.effect()]),
            Action::No | Action::Back => close(vec![]),
            _ => keep(Popup::Confirm { question, on_yes }),
        },
        Popup::Tasks { client, selected } => {
            let open: Vec<(TaskId, String)> = m
                .record(client.as_str())
                .map(|r| r.open_tasks().map(|t| (t.id.clone(), t.text.clone())).collect())
                .unwrap_or_default();
            // A new task whose save failed leaves the selection one past the end.
            let selected = selected.min(open.len().saturating_sub(1));
            match action {
                Action::Up | Action::Down => {
                    keep(Popup::Tasks { selected: step(selected, open.len(), action == Action::Down), client })
                }
                Action::TaskDone | Action::TaskDrop => {
                    match open.get(selected).filter(|_| writable(m, client.as_str())) {
                        Some((id, text)) => {
                            let status =
                                if action == Action::TaskDone { TaskStatus::Done } else { TaskStatus::Dropped };
                            keep(Popup::outcome(&client, id, text, status))
                        }
                        None => keep(Popup::Tasks { client, selected }),
                    }
                }
                Action::AddTask if writable(m, client.as_str()) => {
                    keep(Popup::NewTask { client, input: Box::new(TextInput::one_line("")) })
                }
                Action::Back => close(vec![]),
                _ => keep(Popup::Tasks { client, selected }),
            }
        }
        Popup::Outcome { client, task, task_text, status, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                let outcome = match (status, text.is_empty()) {
                    (TaskStatus::Open, _) => Some(crate::domain::not_done_yet(m.now.date(), &text)),
                    (_, true) => None,
                    (_, false) => Some(text),
                };
                close(vec![Effect::SetTask { client, task, status, outcome }])
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(Popup::Outcome { client, task, task_text, status, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                keep(Popup::Outcome { client, task, task_text, status, input })
            }
        },
        Popup::AddItem { client, part, editing, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ");
                let parsed = match &editing {
                    Some(id) => parse_edit(part, id, &text),
                    None => parse_new(part, &text),
                };
                match parsed {
                    Ok(change) => close(vec![Effect::ChangeProfile { client, change }]),
                    Err(e) => {
                        m.set_error(e);
                        keep(Popup::AddItem { client, part, editing, input })
                    }
                }
            }
            Action::Back => {
                // Changing an item: asks only when its words were changed.
                let before =
                    editing.as_ref().and_then(|id| m.record(client.as_str()).and_then(|r| item_text(r, part, id)));
                let typed = match &before {
                    Some(before) => input.text().trim() != before.trim(),
                    None => !input.is_blank(),
                };
                close_box(Popup::AddItem { client, part, editing, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                keep(Popup::AddItem { client, part, editing, input })
            }
        },
        Popup::Addendum { client, session, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                if text.is_empty() {
                    m.set_error("Type the correction first, or Esc to cancel.");
                    return keep(Popup::Addendum { client, session, input });
                }
                close(vec![Effect::AddAddendum { client, session, text }])
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(Popup::Addendum { client, session, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                keep(Popup::Addendum { client, session, input })
            }
        },
        Popup::NewTask { client, mut input } => match action {
            Action::Save => {
                let text = input.lines().join(" ").trim().to_string();
                if text.is_empty() {
                    m.set_error("Type the task first, or Esc to cancel.");
                    return keep(Popup::NewTask { client, input });
                }
                // Back to the open tasks, the new one (added last) selected.
                let selected = m.record(client.as_str()).map_or(0, |r| r.open_tasks().count());
                (Some(Popup::Tasks { client: client.clone(), selected }), vec![Effect::AddTask { client, text }])
            }
            Action::Back if input.is_blank() => keep(Popup::Tasks { client, selected: 0 }),
            Action::Back => close_box(Popup::NewTask { client, input }, true),
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                keep(Popup::NewTask { client, input })
            }
        },
        Popup::Measures { client, session, at, mut input } => match action {
            Action::Save => {
                let scales = m.scales_for(client.as_str());
                match crate::domain::measures::read_lines(&input.lines().join(" "), &scales) {
                    Ok(measures) if !measures.is_empty() => {
                        close(vec![Effect::AddMeasures { client, measures, at, session, scales }])
                    }
                    Ok(_) => {
                        m.set_error("Type a measure and its scores (ORS 6 6.5 7 6), or Esc to cancel.");
                        keep(Popup::Measures { client, session, at, input })
                    }
                    Err(e) => {
                        m.set_error(e);
                        keep(Popup::Measures { client, session, at, input })
                    }
                }
            }
            Action::Back => {
                let typed = !input.is_blank();
                close_box(Popup::Measures { client, session, at, input }, typed)
            }
            other => {
                if let Some(why) = type_line(&mut input, other) {
                    m.set_error(why);
                }
                keep(Popup::Measures { client, session, at, input })
            }
        },
        Popup::Discard { keep: kept } => match action {
            Action::Yes => match kept {
                Some(_) => close(vec![]),
                None => close(apply(m, Outcome::go(Go::DiscardForm).and_info("Discarded."))),
            },
            Action::No | Action::Back => (kept.map(|p| *p), vec![]),
            _ => keep(Popup::Discard { keep: kept }),
        },
        Popup::Restore { client } => match action {
            Action::Open => close(apply(m, Outcome::go(Go::NewNote { client, appointment: None }))),
            Action::DiscardDraft => {
                // Only while the window that kept it still owns it: a note
                // another window has taken up since stays.
                let windows = m.drafts.get(&client).map(|d| vec![d.window.clone()]).unwrap_or_default();
                let forget = Outcome::effect(Effect::DeleteDraft { client, windows });
                close(apply(m, forget.and_info("The kept note was discarded.")))
            }
            Action::Back => close(vec![]),
            _ => keep(Popup::Restore { client }),
        },
    }
}
