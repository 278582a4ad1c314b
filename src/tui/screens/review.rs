//! The review before an appointment: everything worth remembering, on one
//! screen. Drawn from the same [`Summary`] as `rapport review`.

use crate::domain::ClientId;
use crate::domain::summary::{Emphasis, HEADING_WIDTH, Summary, summary};
use crate::domain::{Appointment, DetailId, TaskId, TaskStatus};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::TextInput;
use crate::tui::keys::{Binding, Context, DOWN, ESC, PGDN, PGUP, UP, b, k};
use crate::tui::popup::Popup;
use crate::tui::screens::fit_line;
use crate::tui::screens::list::{PAGE, step};
use crate::tui::screens::profile::Part;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewView {
    pub client: ClientId,
    pub appointment: Option<Appointment>,
    /// Index of the selected item: the open tasks to check, then the
    /// personal details to ask about (see [`items`]).
    pub selected: usize,
    /// The detail last marked asked here, which the undo key flags again.
    pub asked: Option<DetailId>,
    /// Where the page was scrolled to with PgUp/PgDn.
    pub scroll: u16,
    /// Whether the page follows the selection (moved with ↑/↓ since the
    /// last PgUp/PgDn), so an item below the fold is scrolled into view.
    pub follow: bool,
    /// The scroll last drawn: where PgUp/PgDn go on from.
    pub shown: std::cell::Cell<u16>,
}

/// What the review's selection can rest on.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Task(TaskId),
    Ask(DetailId),
}

/// The items the selection moves over, in the order the review shows them.
pub fn items(s: &Summary, today: chrono::NaiveDate) -> Vec<Item> {
    s.sections(today)
        .into_iter()
        .flat_map(|section| section.lines)
        .filter_map(|l| l.task.map(Item::Task).or(l.ask.map(Item::Ask)))
        .collect()
}

impl ReviewView {
    pub fn summary(&self, ctx: &Ctx) -> Option<Summary> {
        ctx.roster.record(self.client.as_str()).map(|r| {
            // The appointment as the record has it now (cancelled, moved or
            // settled since the review opened), else as it was opened.
            let now = self.appointment.as_ref().and_then(|a| r.appointments.iter().find(|x| x.id == a.id));
            summary(r, now.or(self.appointment.as_ref()), ctx.now)
        })
    }
}

pub fn view(v: &ReviewView, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(s) = v.summary(ctx) else {
        frame.render_widget(Paragraph::new("This client could not be read."), area);
        return;
    };
    let today = ctx.now.date();
    let (who, when) = s.header(today);
    // The measures' warnings stay at the top, never scrolled away.
    let flag_width = usize::from(area.width).saturating_sub(3).max(10);
    let flags: Vec<Line> = s
        .flag_lines()
        .iter()
        .flat_map(|f| {
            textwrap::wrap(&f.text, flag_width)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let lead = if i == 0 { "!! " } else { "   " };
                    Line::from(Span::styled(format!("{lead}{part}"), theme.warning()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let head_height = 2 + u16::try_from(flags.len()).unwrap_or(u16::MAX);
    let [head, body] = Layout::vertical([Constraint::Length(head_height), Constraint::Min(3)]).areas(area);
    let cols = usize::from(head.width);
    let mut head_lines = vec![
        fit_line(Line::from(vec![Span::styled("Review · ", theme.quiet()), Span::styled(who, theme.title())]), cols),
        fit_line(Line::raw(when), cols),
    ];
    head_lines.extend(flags);
    frame.render_widget(Paragraph::new(head_lines), head);
    // Headings in a left column, items beside them, wrapped with a hanging
    // indent: a typical client's review fits an 80x24 window.
    const LABEL: usize = HEADING_WIDTH + 1;
    let text_width = usize::from(body.width).saturating_sub(LABEL + 1).max(10);
    let mut lines = Vec::new();
    let mut item_index = 0;
    let mut selected_lines = None;
    for section in s.sections(today) {
        let mut first = true;
        let label = |first: &mut bool| {
            let l = if *first { section.heading } else { "" };
            *first = false;
            Span::styled(format!("{l:<LABEL$}"), theme.heading())
        };
        if section.lines.is_empty() {
            lines.push(Line::from(vec![label(&mut first), Span::styled(section.empty, theme.quiet())]));
        }
        for l in section.lines {
            let mut style = match l.emphasis {
                Emphasis::Normal => Default::default(),
                Emphasis::Ask => theme.ask(),
                Emphasis::Credit => theme.credit(),
                Emphasis::Quiet => theme.quiet(),
                Emphasis::Warning => theme.warning(),
            };
            let is_selected = (l.task.is_some() || l.ask.is_some()) && item_index == v.selected;
            if l.task.is_some() || l.ask.is_some() {
                if is_selected {
                    style = style.patch(theme.selected());
                }
                item_index += 1;
            }
            let bullet = match l.emphasis {
                Emphasis::Ask | Emphasis::Warning => "! ",
                Emphasis::Credit => "+ ",
                _ => "· ",
            };
            let wrapped = textwrap::wrap(&l.text, text_width.saturating_sub(2));
            let start = lines.len();
            for (i, part) in wrapped.iter().enumerate() {
                let lead = if i == 0 { bullet } else { "  " };
                lines.push(Line::from(vec![label(&mut first), Span::styled(format!("{lead}{part}"), style)]));
            }
            if is_selected {
                selected_lines = Some((start, lines.len()));
            }
        }
    }
    let scroll = match (v.follow, selected_lines) {
        (true, Some((start, end))) => follow(v.shown.get(), (start, end), usize::from(body.height)),
        _ => v.scroll,
    };
    v.shown.set(scroll);
    let overflow = lines.len() > usize::from(body.height) + usize::from(scroll);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
    if overflow {
        let more = format!(" ↓ more: {} ", ctx.key_for(Context::Review, Action::PageDown));
        let r = Rect {
            x: body.right().saturating_sub(more.chars().count() as u16),
            y: body.bottom().saturating_sub(1),
            width: more.chars().count() as u16,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(more, theme.key())), r);
    }
}

/// The scroll, from `from`, that shows lines `start..end` (the selected
/// item) in a page of `height` lines: moved only as far as it must be.
fn follow(from: u16, (start, end): (usize, usize), height: usize) -> u16 {
    let from = usize::from(from);
    let scroll = if end > from + height { end.saturating_sub(height) } else { from };
    u16::try_from(scroll.min(start)).unwrap_or(u16::MAX)
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Review, &[UP, k('k')], Action::Up, "previous item", false)
        .about("previous open task or detail to ask about"),
    b(Context::Review, &[DOWN, k('j')], Action::Down, "next item", false)
        .about("next open task or detail to ask about"),
    // Shown in the footer only while they act (see `acting`).
    b(Context::Review, &[k('d')], Action::TaskDone, "task done", false),
    b(Context::Review, &[k('u')], Action::TaskNotDone, "not done", false)
        .about("task not done yet: keep it open with a dated note"),
    b(Context::Review, &[k('x')], Action::TaskDrop, "drop task", false),
    b(Context::Review, &[k('a')], Action::Asked, "asked", false)
        .about("asked about the detail selected: it leaves \"Ask about\", and stays in the record"),
    b(Context::Review, &[k('A')], Action::AskAgain, "ask again", false)
        .about("undo the last \"asked\": the detail is back under \"Ask about\""),
    b(Context::Review, &[k('n')], Action::NewNote, "start note", true),
    b(Context::Review, &[k('m')], Action::AddScores, "scores", true)
        .about("record measure scores (ORS, SRS, PHQ-9, GAD-7) for today's session"),
    b(Context::Review, &[k('p')], Action::Profile, "profile", false),
    b(Context::Review, &[k('g')], Action::Chart, "chart", true).about("the measures as charts, with their cutoffs"),
    b(Context::Review, &[k('b')], Action::BringToSupervision, "supervision", true)
        .about("keep a question about this client for your next supervision"),
    b(Context::Review, &[k('c')], Action::SettleConflict, "settle conflict", false)
        .about("settle a conflict from two devices (under \"Two devices\")"),
    b(Context::Review, &[k('S')], Action::Sync, "sync", false)
        .about("sync with your other devices now (a synced practice; the header says where it stands)"),
    b(Context::Review, &[PGUP], Action::PageUp, "scroll up", false),
    b(Context::Review, &[PGDN], Action::PageDown, "scroll down", false),
    b(Context::Review, &[ESC], Action::Back, "back", true),
    b(Context::Review, &[k('?')], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

/// The review of `client`, before `appointment` (else their next one);
/// else why it cannot be read (None: the client is not held).
pub fn open(ctx: &Ctx, client: &ClientId, appointment: Option<Appointment>) -> Result<ReviewView, Option<String>> {
    let Some(summary) = ctx.roster.summary(client.as_str()) else {
        return Err(ctx.roster.entry(client.as_str()).and_then(|e| e.summary.clone().err()));
    };
    let now = ctx.now;
    let appointment =
        appointment.or_else(|| summary.appointments.iter().filter(|a| a.end() > now).min_by_key(|a| a.start).cloned());
    Ok(ReviewView {
        client: client.clone(),
        appointment,
        selected: 0,
        asked: None,
        scroll: 0,
        follow: false,
        shown: Default::default(),
    })
}

/// The keys that act on what is selected, in the footer's order: the task
/// keys on a task, "asked" on a detail to ask about, the undo after one.
pub fn acting(v: &ReviewView, ctx: &Ctx) -> Vec<Action> {
    let mut keys = match v.summary(ctx).and_then(|s| items(&s, ctx.now.date()).get(v.selected).cloned()) {
        Some(Item::Task(_)) => vec![Action::TaskDone, Action::TaskNotDone, Action::TaskDrop],
        Some(Item::Ask(_)) => vec![Action::Asked],
        None => vec![],
    };
    if v.asked.is_some() {
        keys.push(Action::AskAgain);
    }
    keys
}

/// The client whose record the review needs, while it is not loaded.
pub fn wants(v: &ReviewView, ctx: &Ctx) -> Option<ClientId> {
    ctx.roster.unloaded(v.client.as_str())
}

/// A change to the record was saved: the selection stays on an item shown.
pub fn on_saved(v: &mut ReviewView, ctx: &Ctx) {
    let shown = v.summary(ctx).map_or(0, |s| items(&s, ctx.now.date()).len());
    v.selected = v.selected.min(shown.saturating_sub(1));
}

pub fn update(v: &mut ReviewView, ctx: &Ctx, action: Action) -> Outcome {
    let Some(summary) = v.summary(ctx) else {
        return if action == Action::Back { Outcome::go(Go::Home) } else { Outcome::none() };
    };
    let items = items(&summary, ctx.now.date());
    let selected = items.get(v.selected);
    let client = v.client.clone();
    let writable = || ctx.writable(client.as_str());
    match action {
        Action::Up | Action::Down => {
            v.selected = step(v.selected, items.len(), action == Action::Down);
            v.follow = true;
        }
        Action::PageUp | Action::PageDown => {
            let from = v.shown.get();
            v.scroll = if action == Action::PageUp { from.saturating_sub(PAGE) } else { from.saturating_add(PAGE) };
            v.follow = false;
        }
        Action::TaskDone | Action::TaskNotDone | Action::TaskDrop => {
            let task = match selected {
                Some(Item::Task(id)) => summary.tasks_to_check.iter().find(|t| t.id == *id),
                _ => None,
            };
            let Some(t) = task else {
                if summary.tasks_to_check.is_empty() {
                    return Outcome::info("No open tasks to mark.");
                }
                return Outcome::info(format!(
                    "Select a task first ({}/{} move between them).",
                    ctx.key_for(Context::Review, Action::Up),
                    ctx.key_for(Context::Review, Action::Down)
                ));
            };
            if let Err(refused) = writable() {
                return refused.into();
            }
            let status = match action {
                Action::TaskDone => TaskStatus::Done,
                Action::TaskDrop => TaskStatus::Dropped,
                _ => TaskStatus::Open,
            };
            return Outcome::go(Go::Popup(Popup::outcome(&client, &t.id, &t.text, status)));
        }
        Action::Asked => {
            let Some(Item::Ask(detail)) = selected.cloned() else {
                return Outcome::info("Nothing to ask about is selected: select an \"Ask about\" item first.");
            };
            if let Err(refused) = writable() {
                return refused.into();
            }
            v.asked = Some(detail.clone());
            return Outcome::effect(Effect::Asked { client, detail, asked: true });
        }
        Action::AskAgain => {
            let Some(detail) = v.asked.take() else {
                return Outcome::info("Nothing was marked asked here to undo.");
            };
            if let Err(refused) = writable() {
                v.asked = Some(detail);
                return refused.into();
            }
            return Outcome::effect(Effect::Asked { client, detail, asked: false });
        }
        Action::Profile => return Outcome::go(Go::Profile { client, part: Part::Personal, selected: 0 }),
        // Today's latest note takes the scores; before it is written, they are dated now.
        Action::AddScores => {
            if let Err(refused) = writable() {
                return refused.into();
            }
            // The appointment this review is for, as the record has it now.
            let (session, at) = match ctx.roster.record(client.as_str()) {
                Some(r) => {
                    let a = v.appointment.as_ref().and_then(|a| r.appointments.iter().find(|x| x.id == a.id));
                    r.note_for_scores(a, ctx.now)
                }
                None => (None, ctx.now),
            };
            let input = Box::new(TextInput::one_line(""));
            return Outcome::go(Go::Popup(Popup::Measures { client, session, at, input }));
        }
        Action::SettleConflict => {
            if let Err(refused) = writable() {
                return refused.into();
            }
            return crate::tui::screens::conflict::settle(ctx, &client);
        }
        Action::Chart => return Outcome::go(Go::Chart { client }),
        Action::BringToSupervision => {
            return Outcome::go(Go::Popup(Popup::Bring { client, input: Box::new(TextInput::one_line("")) }));
        }
        Action::NewNote => {
            let appointment = v.appointment.clone().filter(|a| a.note.is_none() && !a.is_cancelled());
            return Outcome::go(Go::NewNote { client, appointment });
        }
        Action::Back => return Outcome::go(Go::Home),
        _ => {}
    }
    Outcome::none()
}
