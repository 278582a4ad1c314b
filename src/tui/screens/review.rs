//! The review before an appointment: everything worth remembering, on one
//! screen. Drawn from the same [`Summary`] as `rapport review`.

use crate::domain::ClientId;
use crate::domain::summary::{Emphasis, HEADING_WIDTH, Summary, summary};
use crate::domain::{Appointment, TaskStatus};
use crate::tui::action::{Action, Effect};
use crate::tui::input::TextInput;
use crate::tui::keys::{Binding, Context, DOWN, ESC, PGDN, PGUP, UP, b, k};
use crate::tui::model::{Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::fit_line;
use crate::tui::screens::profile::{Part, ProfileView};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewView {
    pub client: ClientId,
    pub appointment: Option<Appointment>,
    /// Index of the selected task to check.
    pub task: usize,
    pub scroll: u16,
}

impl ReviewView {
    pub fn summary(&self, m: &Model) -> Option<Summary> {
        m.record(self.client.as_str()).map(|r| summary(r, self.appointment.as_ref(), m.now))
    }
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model, v: &ReviewView) {
    let theme = &m.theme;
    let Some(s) = v.summary(m) else {
        frame.render_widget(Paragraph::new("This client could not be read."), area);
        return;
    };
    let today = m.now.date();
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
    let mut task_index = 0;
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
            if l.task.is_some() {
                if task_index == v.task {
                    style = style.patch(theme.selected());
                }
                task_index += 1;
            }
            let bullet = match l.emphasis {
                Emphasis::Ask | Emphasis::Warning => "! ",
                Emphasis::Credit => "+ ",
                _ => "· ",
            };
            let wrapped = textwrap::wrap(&l.text, text_width.saturating_sub(2));
            for (i, part) in wrapped.iter().enumerate() {
                let lead = if i == 0 { bullet } else { "  " };
                lines.push(Line::from(vec![label(&mut first), Span::styled(format!("{lead}{part}"), style)]));
            }
        }
    }
    let overflow = lines.len() > usize::from(body.height) + usize::from(v.scroll);
    frame.render_widget(Paragraph::new(lines).scroll((v.scroll, 0)), body);
    if overflow {
        let more = " ↓ more: PgDn ";
        let r = Rect {
            x: body.right().saturating_sub(more.chars().count() as u16),
            y: body.bottom().saturating_sub(1),
            width: more.chars().count() as u16,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(more, theme.key())), r);
    }
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Review, &[UP, k('k')], Action::Up, "previous task", false),
    b(Context::Review, &[DOWN, k('j')], Action::Down, "next task", false),
    b(Context::Review, &[k('d')], Action::TaskDone, "task done", true),
    b(Context::Review, &[k('u')], Action::TaskNotDone, "not done", true)
        .about("task not done yet: keep it open with a dated note"),
    b(Context::Review, &[k('x')], Action::TaskDrop, "drop task", true),
    b(Context::Review, &[k('n')], Action::NewNote, "start note", true),
    b(Context::Review, &[k('m')], Action::AddScores, "scores", true)
        .about("record measure scores (ORS, SRS, PHQ-9, GAD-7) for today's session"),
    b(Context::Review, &[k('p')], Action::Profile, "profile", false),
    b(Context::Review, &[k('g')], Action::Chart, "chart", true).about("the measures as charts, with their cutoffs"),
    b(Context::Review, &[k('c')], Action::SettleConflict, "settle conflict", false)
        .about("settle a conflict from two devices (under \"Two devices\")"),
    b(Context::Review, &[PGUP], Action::PageUp, "scroll up", false),
    b(Context::Review, &[PGDN], Action::PageDown, "scroll down", false),
    b(Context::Review, &[ESC], Action::Back, "back", true),
    b(Context::Review, &[k('?')], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Review(v) = &m.screen else { return vec![] };
    let v = v.clone();
    let Some(summary) = v.summary(m) else {
        if action == Action::Back {
            m.screen = home(m);
        }
        return vec![];
    };
    let tasks = &summary.tasks_to_check;
    let mut next = v.clone();
    match action {
        Action::Up | Action::Down => next.task = step(v.task, tasks.len(), action == Action::Down),
        Action::PageUp => next.scroll = v.scroll.saturating_sub(PAGE),
        Action::PageDown => next.scroll = v.scroll.saturating_add(PAGE),
        Action::TaskDone | Action::TaskNotDone | Action::TaskDrop => {
            if let Some(t) = tasks.get(v.task).filter(|_| writable(m, v.client.as_str())) {
                let status = match action {
                    Action::TaskDone => TaskStatus::Done,
                    Action::TaskDrop => TaskStatus::Dropped,
                    _ => TaskStatus::Open,
                };
                m.popup = Some(outcome_popup(&v.client, &t.id, &t.text, status));
            } else if tasks.is_empty() {
                m.set_info("No open tasks to mark.");
            }
        }
        Action::Profile => {
            m.screen = Screen::Profile(ProfileView { client: v.client.clone(), part: Part::Personal, selected: 0 });
            return vec![];
        }
        // Today's latest note takes the scores; before it is written, they are dated now.
        Action::AddScores if writable(m, v.client.as_str()) => {
            let today =
                m.record(v.client.as_str()).and_then(|r| r.last_session().filter(|s| s.at.date() == m.now.date()));
            let (session, at) = today.map_or((None, m.now), |s| (Some(s.id.clone()), s.at));
            let input = Box::new(TextInput::one_line(""));
            m.popup = Some(Popup::Measures { client: v.client.clone(), session, at, input });
        }
        Action::SettleConflict if writable(m, v.client.as_str()) => {
            let outcome = crate::tui::screens::conflict::settle(&crate::ctx!(m), &v.client);
            return crate::tui::update::apply(m, outcome);
        }
        Action::Chart => {
            let chart = Screen::Chart(crate::tui::screens::chart::open(v.client.clone()));
            m.behind = Some(Box::new(std::mem::replace(&mut m.screen, chart)));
            return vec![];
        }
        Action::NewNote => {
            let appt = v.appointment.clone().filter(|a| a.note.is_none() && !a.is_cancelled());
            return open_note(m, v.client.as_str(), appt);
        }
        Action::Back => {
            m.screen = home(m);
            return vec![];
        }
        _ => {}
    }
    m.screen = Screen::Review(next);
    vec![]
}
