//! The one typed box: a line to type in under a title and a hint, Enter to
//! take it, Esc to leave (asking first when something was typed). Five
//! boxes are this box, each saying only what it is for: a task's outcome,
//! a profile item, an addendum, a new task, measure scores and a question
//! for supervision.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::TaskStatus;
use crate::domain::profile::{item_text, parse_edit, parse_new};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::{TextInput, type_line};
use crate::tui::keys::{Binding, Context, ENTER, ESC, b, ctrl};
use crate::tui::popup::Popup;
use crate::tui::screens::{centered, panel};

/// The typed boxes' slices of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::NewTask, &[ENTER, ctrl('s')], Action::Save, "set", true),
    b(Context::NewTask, &[ESC], Action::Back, "cancel", true),
    b(Context::AddItem, &[ENTER, ctrl('s')], Action::Save, "save", true),
    b(Context::AddItem, &[ESC], Action::Back, "cancel", true),
    b(Context::Addendum, &[ENTER, ctrl('s')], Action::Save, "add", true),
    b(Context::Addendum, &[ESC], Action::Back, "cancel", true),
    b(Context::Measures, &[ENTER, ctrl('s')], Action::Save, "record", true),
    b(Context::Measures, &[ESC], Action::Back, "cancel", true),
    b(Context::Bring, &[ENTER, ctrl('s')], Action::Save, "keep", true),
    b(Context::Bring, &[ESC], Action::Back, "cancel", true),
    b(Context::ResolveWatch, &[ENTER, ctrl('s')], Action::Save, "resolve", true),
    b(Context::ResolveWatch, &[ESC], Action::Back, "keep it open", true),
    b(Context::Outcome, &[ENTER, ctrl('s')], Action::Save, "save", true),
    b(Context::Outcome, &[ESC], Action::Back, "cancel", true),
];

/// The box's text input (None: not a typed box).
fn input(popup: &mut Popup) -> Option<&mut TextInput> {
    match popup {
        Popup::Outcome { input, .. }
        | Popup::AddItem { input, .. }
        | Popup::Addendum { input, .. }
        | Popup::NewTask { input, .. }
        | Popup::Measures { input, .. }
        | Popup::Bring { input, .. }
        | Popup::ResolveWatch { input, .. } => Some(input),
        _ => None,
    }
}

/// The keys of the box: typing, Enter, Esc.
pub fn update(popup: &mut Popup, ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Save => save(popup, ctx),
        Action::Back if typed(popup, ctx) => Outcome::go(Go::AskDiscard),
        // A new task left blank goes back to the open tasks it came from.
        Action::Back => match popup {
            Popup::NewTask { client, .. } => {
                Outcome::go(Go::Popup(Popup::Tasks { client: client.clone(), selected: 0 }))
            }
            _ => Outcome::go(Go::Close),
        },
        other => match input(popup).and_then(|input| type_line(input, other)) {
            Some(why) => Outcome::error(why),
            None => Outcome::none(),
        },
    }
}

/// Something was typed that Esc would throw away: changing a profile item
/// counts only when its words were changed.
fn typed(popup: &mut Popup, ctx: &Ctx) -> bool {
    match popup {
        Popup::AddItem { client, part, editing: Some(id), input } => {
            match ctx.roster.record(client.as_str()).and_then(|r| item_text(r, *part, id)) {
                Some(before) => input.text().trim() != before.trim(),
                None => !input.is_blank(),
            }
        }
        _ => input(popup).is_some_and(|input| !input.is_blank()),
    }
}

/// Enter: what the box is for, done; or why not, the box kept with its text.
fn save(popup: &mut Popup, ctx: &Ctx) -> Outcome {
    let done = |effect| Outcome::effect(effect).and_go(Go::Close);
    let cancel = |ctx: &Ctx, context| ctx.key_for(context, Action::Back);
    match popup {
        Popup::Outcome { client, task, status, input, .. } => {
            let text = input.lines().join(" ").trim().to_string();
            let outcome = match (*status, text.is_empty()) {
                (TaskStatus::Open, _) => Some(crate::domain::not_done_yet(ctx.now.date(), &text)),
                (_, true) => None,
                (_, false) => Some(text),
            };
            done(Effect::SetTask { client: client.clone(), task: task.clone(), status: *status, outcome })
        }
        Popup::AddItem { client, part, editing, input } => {
            let text = input.lines().join(" ");
            let parsed = match editing {
                Some(id) => parse_edit(*part, id, &text),
                None => parse_new(*part, &text),
            };
            match parsed {
                Ok(change) => done(Effect::ChangeProfile { client: client.clone(), change }),
                Err(e) => Outcome::error(e),
            }
        }
        Popup::Addendum { client, session, input } => {
            let text = input.lines().join(" ").trim().to_string();
            if text.is_empty() {
                let esc = cancel(ctx, Context::Addendum);
                return Outcome::error(format!("Type the correction first, or {esc} to cancel."));
            }
            done(Effect::AddAddendum { client: client.clone(), session: session.clone(), text })
        }
        Popup::Bring { client, input } => {
            let text = input.lines().join(" ").trim().to_string();
            if text.is_empty() {
                let esc = cancel(ctx, Context::Bring);
                return Outcome::error(format!("Type the question first, or {esc} to cancel."));
            }
            done(Effect::Bring { client: client.clone(), text })
        }
        Popup::ResolveWatch { client, id, input, .. } => {
            let why = input.lines().join(" ").trim().to_string();
            let change = crate::domain::profile::ProfileChange::Resolve {
                id: id.clone(),
                why: (!why.is_empty()).then_some(why),
            };
            done(Effect::ChangeProfile { client: client.clone(), change })
        }
        Popup::NewTask { client, input } => {
            let text = input.lines().join(" ").trim().to_string();
            if text.is_empty() {
                let esc = cancel(ctx, Context::NewTask);
                return Outcome::error(format!("Type the task first, or {esc} to cancel."));
            }
            // Back to the open tasks, the new one (added last) selected.
            let selected = ctx.roster.record(client.as_str()).map_or(0, |r| r.open_tasks().count());
            let tasks = Popup::Tasks { client: client.clone(), selected };
            Outcome::effect(Effect::AddTask { client: client.clone(), text }).and_go(Go::Popup(tasks))
        }
        Popup::Measures { client, session, at, input } => {
            let scales = ctx.roster.scales_for(client.as_str());
            match crate::domain::measures::read_lines(&input.lines().join(" "), &scales) {
                Ok(measures) if !measures.is_empty() => done(Effect::AddMeasures {
                    client: client.clone(),
                    measures,
                    at: *at,
                    session: session.clone(),
                    scales,
                }),
                Ok(_) => {
                    let esc = cancel(ctx, Context::Measures);
                    Outcome::error(format!("Type a measure and its scores (ORS 6 6.5 7 6), or {esc} to cancel."))
                }
                Err(e) => Outcome::error(e),
            }
        }
        _ => Outcome::none(),
    }
}

/// How the box looks: its size, title, hint (and the hint's height), and input.
struct Look<'a> {
    size: (u16, u16),
    title: String,
    hint: String,
    hint_rows: u16,
    input: &'a TextInput,
}

fn look<'a>(popup: &'a Popup, ctx: &Ctx) -> Option<Look<'a>> {
    Some(match popup {
        Popup::Outcome { task_text, status, input, .. } => {
            let verb = match status {
                TaskStatus::Done => "Done",
                TaskStatus::Dropped => "Drop",
                TaskStatus::Open => "Not done yet",
            };
            let enter = ctx.key_for(Context::Outcome, Action::Save);
            let hint = format!("Outcome, in a few words (optional), then {enter}:");
            Look { size: (70, 7), title: format!("{verb}: {task_text}"), hint, hint_rows: 2, input }
        }
        Popup::AddItem { part, editing, input, .. } => {
            let title = match editing {
                Some(id) => format!("Change {id} in {}", part.title()),
                None => format!("Add to {}", part.title()),
            };
            Look { size: (76, 6), title, hint: part.add_hint().into(), hint_rows: 2, input }
        }
        Popup::Addendum { session, input, .. } => Look {
            size: (76, 6),
            title: format!("Addendum to note {session}"),
            hint: "The correction, dated now and shown beneath the note; the note itself stays as it was.".into(),
            hint_rows: 2,
            input,
        },
        Popup::Bring { input, .. } => Look {
            size: (76, 6),
            title: "For supervision".into(),
            hint: "A question to bring to your next supervision; `rapport supervision brief` anonymises the case."
                .into(),
            hint_rows: 2,
            input,
        },
        Popup::ResolveWatch { text, input, .. } => {
            let (enter, esc) =
                (ctx.key_for(Context::ResolveWatch, Action::Save), ctx.key_for(Context::ResolveWatch, Action::Back));
            Look {
                size: (76, 7),
                title: format!("Resolve: {text}"),
                hint: format!(
                    "Why it is resolved (optional), kept with it in the record; {enter} resolves, {esc} keeps it open."
                ),
                hint_rows: 2,
                input,
            }
        }
        Popup::NewTask { input, .. } => Look {
            size: (76, 6),
            title: "New task".into(),
            hint: "What the client will do before next time; set today, and checked in the review.".into(),
            hint_rows: 2,
            input,
        },
        Popup::Measures { client, session, at, input } => {
            let when = match session {
                Some(s) => format!("note {s}, {}", at.format("%a %-d %b %H:%M")),
                None => format!("taken {}, for today's note", at.format("%a %-d %b %H:%M")),
            };
            // PHQ-9 and GAD-7 wording, item by item, as the scores are typed.
            let scales = ctx.roster.scales_for(client.as_str());
            let hint =
                crate::domain::measures::next_item_prompt(&input.lines().join(" "), &scales).unwrap_or_else(|| {
                    "Each item's score in order, measures between semicolons: ORS 6 6.5 7 6; SRS 9 9 9.5 9 \
                 (also PHQ-9, GAD-7). Rapport adds up the totals."
                        .into()
                });
            Look { size: (76, 7), title: format!("Scores · {when}"), hint, hint_rows: 3, input }
        }
        _ => return None,
    })
}

pub fn view(popup: &Popup, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let Some(look) = look(popup, ctx) else { return };
    let theme = ctx.theme;
    let r = centered(area, look.size.0, look.size.1);
    frame.render_widget(Clear, r);
    let block = panel(crate::fit::fit(&look.title, usize::from(r.width.saturating_sub(4))), true, theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let [label, field] = Layout::vertical([Constraint::Length(look.hint_rows), Constraint::Min(1)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::styled(look.hint, theme.quiet())).wrap(Wrap { trim: true }), label);
    frame.render_widget(look.input, field);
}
