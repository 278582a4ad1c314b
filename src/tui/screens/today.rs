//! Today: the appointments of today and the next days, and every message
//! awaiting a reply. The app opens here.

use crate::domain::Appointment;
use crate::domain::appointments::AppointmentState;
use crate::domain::time::{ago, format_day_near, relative};
use crate::store;
use crate::store::ClientSummary;
use crate::tui::action::{Action, Effect};
use crate::tui::keymap::{Binding, Context, DOWN, ENTER, TAB, UP, b, ctrl, k};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::roster::AgendaRow;
use crate::tui::screens::appointment::AppointmentForm;
use crate::tui::screens::clients::window_start;
use crate::tui::screens::panel;
use chrono::{NaiveDate, NaiveDateTime};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};

/// Today's own state.
#[derive(Debug, Default)]
pub struct TodayState {
    /// Index of the selected row.
    pub row: usize,
}

/// The row Today opens on: the appointment under way, else the next to
/// start, else the last.
pub fn opening_row(rows: &[AgendaRow], now: NaiveDateTime) -> usize {
    let live = |r: &&AgendaRow| !r.appointment.is_cancelled();
    rows.iter()
        .position(|r| live(&r) && r.appointment.start <= now && now < r.appointment.end())
        .or_else(|| rows.iter().position(|r| live(&r) && r.appointment.start > now))
        .unwrap_or(rows.len().saturating_sub(1))
}

/// How a row reads in the "when" column, and its style.
fn when(m: &Model, a: &Appointment, day: NaiveDate) -> (String, Style) {
    let theme = &m.theme;
    match a.state(m.now) {
        AppointmentState::Cancelled => ("cancelled".into(), theme.quiet()),
        AppointmentState::Noted => ("noted".into(), theme.quiet()),
        AppointmentState::NoteDue => ("note due".into(), theme.ask()),
        AppointmentState::Now => ("now".into(), theme.now()),
        AppointmentState::Upcoming if day == m.now.date() => (relative(m.now, a.start, a.minutes), theme.ask()),
        AppointmentState::Upcoming => (String::new(), Style::default()),
    }
}

/// Every message awaiting a reply across all clients, oldest first, with
/// the client's name.
pub fn awaiting(m: &Model) -> Vec<(&str, &store::index::Awaiting)> {
    let mut all: Vec<(&str, &store::index::Awaiting)> = m
        .clients
        .iter()
        .filter_map(|c| c.summary.as_ref().ok())
        .filter(|s| !s.archived)
        .flat_map(|s| s.awaiting.iter().map(move |a| (s.name.as_str(), a)))
        .collect();
    all.sort_by_key(|(_, a)| a.at);
    all
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    let rows = m.agenda();
    let waiting = awaiting(m);
    let waiting_height = (waiting.len() as u16 + 2).clamp(3, (area.height / 3).max(3));
    let [agenda_area, waiting_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(waiting_height)]).areas(area);

    let due = rows.iter().filter(|r| r.appointment.state(m.now) == AppointmentState::NoteDue).count();
    let title = match due {
        0 => "Appointments: today and the next 7 days".to_string(),
        1 => "Appointments: today and the next 7 days · 1 note due".to_string(),
        n => format!("Appointments: today and the next 7 days · {n} notes due"),
    };
    let block = panel(title, true, theme);
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
        let visible: Vec<ListItem> = layout
            .iter()
            .skip(start)
            .take(height)
            .map(|&(row, day)| {
                let Some(i) = row else {
                    let label = match (day - today).num_days() {
                        -1 => format!("Yesterday, {}", format_day_near(day, today)),
                        0 => format!("Today, {}", format_day_near(today, today)),
                        1 => format!("Tomorrow, {}", format_day_near(day, today)),
                        _ => format_day_near(day, today),
                    };
                    return ListItem::new(Line::styled(label, theme.heading()));
                };
                let (client, a) = (&rows[i].client, &rows[i].appointment);
                let summary = m.summary(client);
                let name: String =
                    summary.map(|s| s.display_name()).unwrap_or_else(|| client.to_string()).chars().take(24).collect();
                // A warning from the measures shows before any reminder.
                let (reminder, reminder_style) = match summary.and_then(|s| s.flag.clone()) {
                    Some(flag) => (format!("!! {flag}"), theme.warning()),
                    None => (summary.and_then(|s| s.reminder.clone()).unwrap_or_default(), theme.quiet()),
                };
                let (when, when_style) = when(m, a, day);
                let mut line = Line::from(vec![
                    Span::raw(format!(" {} ", a.start.format("%H:%M"))),
                    Span::raw(format!("{name:<24} ")),
                    Span::styled(format!("{when:<14}"), when_style),
                    Span::styled(reminder, reminder_style),
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
        waiting
            .iter()
            .map(|(name, w)| {
                Line::from(vec![
                    Span::styled(format!("{name} "), theme.ask()),
                    Span::raw(format!("{} {}: {}", w.channel.label(), ago(w.at.date(), m.now.date()), w.summary)),
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
        Action::NewNote => match row.as_ref().map(|r| r.appointment.state(m.now)) {
            Some(AppointmentState::Cancelled) => m.set_error("That appointment was cancelled: it has no note."),
            Some(AppointmentState::Noted) => {
                let note = row.and_then(|r| r.appointment.note).unwrap_or_default();
                m.set_error(format!("Its note is written ({note}): Tab to Clients to read or edit it."));
            }
            _ => {
                if let Some(r) = row {
                    return open_note(m, &r.client, Some(r.appointment));
                }
            }
        },
        Action::MoveAppointment | Action::CancelAppointment
            if row.as_ref().is_some_and(|r| r.appointment.is_cancelled() || r.appointment.note.is_some()) =>
        {
            m.set_error("Only a booked appointment without a note can be moved or cancelled.");
        }
        Action::MoveAppointment => {
            if let Some(r) = row.filter(|r| writable(m, &r.client)) {
                let name = m.summary(&r.client).map(ClientSummary::display_name).unwrap_or_default();
                m.screen = Screen::Appointment(AppointmentForm::move_existing(r.client, name, &r.appointment));
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
                    on_yes: Confirmed::CancelAppointment {
                        client: r.client,
                        appointment: r.appointment.id.clone(),
                        start: r.appointment.start,
                    },
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
