//! Booking or moving an appointment (`s` on a client, `m` on Today).

use crate::domain::bounds;
use crate::domain::time::{format_datetime, parse_datetime};
use crate::domain::{Appointment, AppointmentId, ClientId};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{BACKTAB, Binding, Context, ENTER, ESC, F1, TAB, b, ctrl};
use crate::tui::screens::fields::LineFields;
use chrono::{NaiveDateTime, Timelike};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABELS: &[&str] = &["When (YYYY-MM-DD HH:MM)", "Minutes", "Weekly repeats after this one"];
/// Moving one appointment asks no repeats: it is moved alone.
const MOVE_LABELS: &[&str] = &["When (YYYY-MM-DD HH:MM)", "Minutes"];

#[derive(Debug, Clone)]
pub struct AppointmentForm {
    pub client: ClientId,
    pub client_name: String,
    /// Moving this appointment (its id and start); None to book a new one.
    pub replaces: Option<(AppointmentId, NaiveDateTime)>,
    pub fields: LineFields,
}

/// What the form asks the store to book.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub start: NaiveDateTime,
    pub minutes: u32,
    pub weekly: u32,
}

impl AppointmentForm {
    /// A new booking, a week after the last one, else on the next hour.
    pub fn book(client: ClientId, client_name: String, last: Option<(NaiveDateTime, u32)>, now: NaiveDateTime) -> Self {
        let (start, minutes) = match last {
            Some((start, minutes)) if start > now - chrono::Duration::days(7) => {
                (start + chrono::Duration::weeks(1), minutes)
            }
            _ => {
                let next_hour = now.with_minute(0).unwrap_or(now) + chrono::Duration::hours(1);
                (next_hour, 50)
            }
        };
        AppointmentForm {
            client,
            client_name,
            replaces: None,
            fields: LineFields::new(LABELS, &[format_datetime(start), minutes.to_string(), "0".into()]),
        }
    }

    pub fn move_existing(client: ClientId, client_name: String, appointment: &Appointment) -> Self {
        let (start, minutes) = (appointment.start, appointment.minutes);
        AppointmentForm {
            client,
            client_name,
            replaces: Some((appointment.id.clone(), start)),
            fields: LineFields::new(MOVE_LABELS, &[format_datetime(start), minutes.to_string()]),
        }
    }

    pub fn booking(&self) -> Result<Booking, String> {
        let start = parse_datetime(&self.fields.value(0)).map_err(|e| format!("When: {e}"))?;
        let minutes = bounds::parse_number("Minutes", &self.fields.value(1), &bounds::MINUTES)?;
        let weekly = match self.replaces {
            Some(_) => 0,
            None => bounds::parse_number("Weekly repeats", &self.fields.value(2), &bounds::WEEKLY_REPEATS)?,
        };
        Ok(Booking { start, minutes, weekly })
    }
}

pub fn view(form: &AppointmentForm, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let heading = match form.replaces {
        Some((_, t)) => format!("Move appointment · {} · now {}", form.client_name, format_datetime(t)),
        None => format!("Book appointment · {}", form.client_name),
    };
    let heading = super::fit_line(Line::from(Span::styled(heading, theme.title())), usize::from(title.width));
    frame.render_widget(Paragraph::new(heading), title);
    form.fields.view(frame, Rect { width: body.width.min(60), ..body }, theme);
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::AppointmentForm, &[TAB], Action::NextField, "next field", true),
    b(Context::AppointmentForm, &[BACKTAB], Action::PrevField, "previous", true),
    b(Context::AppointmentForm, &[ctrl('s'), ENTER], Action::Save, "book", true),
    b(Context::AppointmentForm, &[ESC], Action::Back, "cancel", true),
    b(Context::AppointmentForm, &[F1], Action::Help, "help", true),
];

/// The form booking `client`'s next appointment (None: the client is not held).
pub fn open_book(ctx: &Ctx, client: ClientId) -> Option<AppointmentForm> {
    let s = ctx.roster.summary(client.as_str())?;
    let last = s.appointments.iter().max_by_key(|a| a.start).map(|a| (a.start, a.minutes));
    let mut form = AppointmentForm::book(client, s.display_name(), last, ctx.now);
    // Proposed at a time no appointment of any client's takes.
    if let Ok(start) = parse_datetime(&form.fields.value(0)) {
        let minutes = form.fields.value(1).parse().unwrap_or(50);
        let booked = ctx.roster.clients.iter().filter_map(|c| c.summary.as_ref().ok()).flat_map(|s| &s.appointments);
        let free = crate::domain::agenda::free_from(start, minutes, booked);
        if free != start {
            form = AppointmentForm {
                fields: LineFields::new(LABELS, &[format_datetime(free), minutes.to_string(), "0".into()]),
                ..form
            };
        }
    }
    Some(form)
}

/// The form moving `client`'s `appointment`.
pub fn open_move(ctx: &Ctx, client: ClientId, appointment: &Appointment) -> AppointmentForm {
    let name = ctx.roster.summary(client.as_str()).map(|s| s.display_name()).unwrap_or_default();
    AppointmentForm::move_existing(client, name, appointment)
}

// ---- Keys -------------------------------------------------------------------

/// The form's keys: typing, moving between fields, booking, leaving.
pub fn update(form: &mut AppointmentForm, _ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Input(_) | Action::Paste(_) | Action::NextField | Action::PrevField => match form.fields.edit(action) {
            Some(why) => Outcome::error(why),
            None => Outcome::none(),
        },
        Action::Save => match form.booking() {
            Ok(b) => Outcome::effect(Effect::Schedule {
                client: form.client.clone(),
                start: b.start,
                minutes: b.minutes,
                weekly: b.weekly,
                replaces: form.replaces.as_ref().map(|(id, _)| id.clone()),
            })
            .and_info("Saving…"),
            Err(e) => Outcome::error(e),
        },
        // Nothing typed is thrown away without asking.
        Action::Back if form.fields.changed() => Outcome::go(Go::AskDiscard),
        Action::Back => Outcome::go(Go::Home),
        _ => Outcome::none(),
    }
}

/// The booking reached the disk: the form's work is done, it closes.
pub fn on_saved(_form: &AppointmentForm) -> Outcome {
    Outcome::go(Go::Home)
}
