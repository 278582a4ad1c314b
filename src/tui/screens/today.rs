//! Today: the appointments of today and the next days, and every message
//! awaiting a reply. The app opens here.

use crate::domain::name_within;
use crate::domain::time::{Standing, ago, format_day_near, relative, standing};
use crate::fit::{self, fit, fit_exact};
use crate::store;
use crate::store::ClientSummary;
use crate::tui::action::{Action, Effect};
use crate::tui::keymap::{Binding, Context, DOWN, ENTER, TAB, UP, b, ctrl, k};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::clients::window_start;
use crate::tui::screens::panel;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};

/// Today's own state.
#[derive(Debug, Default)]
pub struct TodayState {
    /// Index of the selected row.
    pub row: usize,
}

/// Every message awaiting a reply across all clients, oldest first, with
/// whose it is.
pub fn awaiting(m: &Model) -> Vec<(&ClientSummary, &store::index::Awaiting)> {
    let mut all: Vec<(&ClientSummary, &store::index::Awaiting)> = m
        .clients
        .iter()
        .filter_map(|c| c.summary.as_ref().ok())
        .filter(|s| !s.archived)
        .flat_map(|s| s.awaiting.iter().map(move |a| (s, a)))
        .collect();
    all.sort_by_key(|(_, a)| a.at);
    all
}

/// The width of the name column in a list `cols` wide: it grows with the
/// window (24 at 80 columns), and what follows it takes the rest.
fn name_column(cols: usize) -> usize {
    (cols.saturating_sub(22) * 3 / 7).clamp(12, 40)
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    let rows = m.agenda();
    let waiting = awaiting(m);
    let waiting_height = (waiting.len() as u16 + 2).clamp(3, (area.height / 3).max(3));
    let [agenda_area, waiting_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(waiting_height)]).areas(area);

    let block = panel("Appointments: today and the next 7 days", true, theme);
    let inner = block.inner(agenda_area);
    frame.render_widget(block, agenda_area);
    if rows.is_empty() {
        let text = vec![
            Line::styled("No appointments in the next 7 days.", theme.quiet()),
            Line::raw("Tab to the client list, pick a client and press s to book one."),
        ];
        frame.render_widget(Paragraph::new(text), inner);
    } else {
        let today = m.now.date();
        // Day headings stand between the rows. First find where each row and
        // heading falls, then draw only the lines that are on screen.
        let mut layout: Vec<(Option<usize>, NaiveDate)> = Vec::new();
        let mut selected_line = 0;
        for (i, row) in rows.iter().enumerate() {
            let day = row.appointment.start.date();
            if layout.last().is_none_or(|(_, d)| *d != day) {
                layout.push((None, day));
            }
            if i == m.today.row {
                selected_line = layout.len();
            }
            layout.push((Some(i), day));
        }
        let height = usize::from(inner.height);
        let start = window_start(selected_line, height);
        // " 10:00 " name " " "in 1 h 25 min " reminder
        // As wide as the longest name needs, within the column's limit.
        let longest = rows.iter().filter_map(|r| m.summary(&r.client)).map(|s| fit::width(&s.display_name())).max();
        let name_width = name_column(usize::from(inner.width)).min(longest.unwrap_or(0).max(12));
        let reminder_width = usize::from(inner.width).saturating_sub(7 + name_width + 1 + 14);
        let visible: Vec<ListItem> = layout
            .iter()
            .skip(start)
            .take(height)
            .map(|&(row, day)| {
                let Some(i) = row else {
                    let label = match (day - today).num_days() {
                        0 => format!("Today, {}", format_day_near(today, today)),
                        1 => format!("Tomorrow, {}", format_day_near(day, today)),
                        _ => format_day_near(day, today),
                    };
                    return ListItem::new(Line::styled(label, theme.heading()));
                };
                let (client, a) = (&rows[i].client, &rows[i].appointment);
                let summary = m.summary(client);
                let name = match summary {
                    Some(s) => name_within(&s.name, s.preferred_name.as_deref(), name_width),
                    None => client.clone(),
                };
                let reminder = summary.and_then(|s| s.reminder.as_deref()).unwrap_or_default();
                let when = if day == today { relative(m.now, a.start, a.minutes) } else { String::new() };
                let when_style = match standing(m.now, a.start, a.minutes) {
                    _ if day != today => Default::default(),
                    Standing::Now => theme.now(),
                    Standing::Done => theme.quiet(),
                    Standing::LaterToday => theme.ask(),
                    Standing::AnotherDay => Default::default(),
                };
                let mut line = Line::from(vec![
                    Span::raw(format!(" {} ", a.start.format("%H:%M"))),
                    Span::raw(format!("{} ", fit_exact(&name, name_width))),
                    Span::styled(format!("{when:<14}"), when_style),
                    Span::styled(fit(reminder, reminder_width).into_owned(), theme.quiet()),
                ]);
                if i == m.today.row {
                    line = line.style(theme.selected());
                }
                ListItem::new(line)
            })
            .collect();
        frame.render_widget(List::new(visible), inner);
    }

    let block = panel(format!("Awaiting reply ({})", waiting.len()), false, theme);
    let inner = block.inner(waiting_area);
    frame.render_widget(block, waiting_area);
    let lines: Vec<Line> = if waiting.is_empty() {
        vec![Line::styled("No messages awaiting a reply.", theme.quiet())]
    } else {
        // The names in a column as wide as the longest needs (within the
        // agenda's), so what each message says starts in one place.
        let cols = usize::from(inner.width);
        let names: Vec<String> =
            waiting.iter().map(|(s, _)| name_within(&s.name, s.preferred_name.as_deref(), name_column(cols))).collect();
        let name_width = names.iter().map(|n| fit::width(n)).max().unwrap_or(0);
        waiting
            .iter()
            .zip(&names)
            .map(|((_, w), name)| {
                let said = format!("{} {}: {}", w.channel.label(), ago(w.at.date(), m.now.date()), w.summary);
                Line::from(vec![
                    Span::styled(format!("{} ", fit_exact(name, name_width)), theme.ask()),
                    Span::raw(fit(&said, cols.saturating_sub(name_width + 1)).into_owned()),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Today, &[ENTER], Action::Review, "review", true).about("review before the appointment"),
    b(Context::Today, &[UP, k('k')], Action::Up, "previous appointment", false),
    b(Context::Today, &[DOWN, k('j')], Action::Down, "next appointment", false),
    b(Context::Today, &[k('n')], Action::NewNote, "note", true).about("write the note for this appointment"),
    b(Context::Today, &[k('m')], Action::MoveAppointment, "move", true).about("move the appointment"),
    b(Context::Today, &[k('c')], Action::CancelAppointment, "cancel", true)
        .about("cancel the appointment (asks first)"),
    b(Context::Today, &[ctrl('f')], Action::Search, "search notes", true),
    b(Context::Today, &[TAB], Action::SwitchTab, "clients", true),
    b(Context::Today, &[k('?')], Action::Help, "help", true),
    b(Context::Today, &[ctrl('l')], Action::Blank, "hide", true)
        .about("hide the screen at once; any key brings it back"),
    b(Context::Today, &[k('q')], Action::Quit, "quit", true),
];

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let rows = m.agenda();
    let row = rows.get(m.today.row).cloned();
    match action {
        Action::Up | Action::Down => m.today.row = step(m.today.row, rows.len(), action == Action::Down),
        Action::Review | Action::Open => {
            if let Some(r) = row {
                open_review(m, &r.client, Some(r.appointment));
            }
        }
        Action::NewNote => {
            if let Some(r) = row {
                open_note(m, &r.client, Some((r.appointment.start, r.appointment.minutes)));
            }
        }
        Action::MoveAppointment => {
            if let Some(r) = row.filter(|r| writable(m, &r.client)) {
                let name = m.summary(&r.client).map(ClientSummary::display_name).unwrap_or_default();
                m.screen = Screen::Appointment(AppointmentForm::move_existing(
                    r.client,
                    name,
                    r.appointment.start,
                    r.appointment.minutes,
                ));
            }
        }
        Action::CancelAppointment => {
            if let Some(r) = row.filter(|r| writable(m, &r.client)) {
                let name = m.summary(&r.client).map(|c| c.name.clone()).unwrap_or_default();
                m.popup = Some(Popup::Confirm {
                    question: format!(
                        "Cancel {name}'s appointment on {}? y cancels it, n keeps it.",
                        r.appointment.start.format("%a %-d %b at %H:%M")
                    ),
                    on_yes: Confirmed::CancelAppointment { client: r.client, start: r.appointment.start },
                });
            }
        }
        Action::SwitchTab => {
            m.screen = Screen::Clients;
            m.home = Screen::Clients;
        }
        _ => {}
    }
    vec![]
}
