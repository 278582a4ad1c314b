//! Today: the appointments of today and the next days, and every message
//! awaiting a reply. The app opens here.

use crate::domain::agenda::Warning;
use crate::domain::appointments::AppointmentState;
use crate::domain::name_within;
use crate::domain::time::{ago, format_day_near, relative};
use crate::domain::{Appointment, AppointmentId, ClientId};
use crate::fit::{self, fit, fit_exact};
use crate::store;
use crate::store::ClientSummary;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, TAB, UP, b, ctrl, k};
use crate::tui::popup::{Confirmed, Popup};
use crate::tui::roster::{AGENDA_DAYS, AgendaRow, Roster};
use crate::tui::screens::list::{Rows, step};
use crate::tui::screens::panel;
use crate::tui::screens::profile::{Part, ProfileChange, item_ids};
use chrono::{NaiveDate, NaiveDateTime};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{ListItem, Paragraph};

/// Today's own state.
#[derive(Debug, Default)]
pub struct TodayState {
    /// Index of the selected row.
    pub row: usize,
    /// The awaiting-reply list has the keys (↓ past the last appointment, or w).
    pub messages_focus: bool,
    /// Index of the selected message awaiting a reply.
    pub message: usize,
    /// The appointment being moved or cancelled: the selection follows it
    /// to its new place once the change is saved, never onto another client.
    pub follow: Option<(ClientId, AppointmentId)>,
}

/// After a change is saved: the selection stays on a row, on the
/// appointment that was being moved or cancelled wherever it now stands,
/// and on a message still awaiting a reply.
pub fn on_saved(t: &mut TodayState, ctx: &Ctx) {
    let rows = ctx.roster.agenda(ctx.now);
    t.row = t.row.min(rows.len().saturating_sub(1));
    if let Some((client, id)) = t.follow.take()
        && let Some(row) = rows.iter().position(|r| r.client == client && r.appointment.id == id)
    {
        t.row = row;
    }
    messages_changed(t, ctx.roster);
}

/// After a note is saved: the selection on the next appointment to see
/// (under way or to come, booked, its note not written), so Enter opens
/// its review; with none, where Today opens.
pub fn on_note_saved(t: &mut TodayState, ctx: &Ctx) {
    let rows = ctx.roster.agenda(ctx.now);
    let next =
        |r: &AgendaRow| !r.appointment.is_cancelled() && r.appointment.note.is_none() && r.appointment.end() > ctx.now;
    t.row = rows.iter().position(next).unwrap_or_else(|| opening_row(&rows, ctx.now));
    t.messages_focus = false;
    t.follow = None;
}

/// How soon after a session ends Today opens on its note (due) rather than
/// the next appointment: the break between two sessions.
const JUST_ENDED_MINUTES: i64 = 30;

/// The row Today opens on: the appointment under way, else one that ended
/// within the break and whose note is due (opened straight after a
/// session, `n` writes that note), else the next to start, else the last.
pub fn opening_row(rows: &[AgendaRow], now: NaiveDateTime) -> usize {
    let live = |r: &&AgendaRow| !r.appointment.is_cancelled();
    let just_ended = |r: &AgendaRow| {
        r.appointment.state(now) == AppointmentState::NoteDue
            && now - r.appointment.end() <= chrono::Duration::minutes(JUST_ENDED_MINUTES)
    };
    rows.iter()
        .position(|r| live(&r) && r.appointment.start <= now && now < r.appointment.end())
        .or_else(|| rows.iter().rposition(just_ended))
        .or_else(|| rows.iter().position(|r| live(&r) && r.appointment.start > now))
        .unwrap_or(rows.len().saturating_sub(1))
}

/// How a row reads in the "when" column, and its style.
fn when(ctx: &Ctx, a: &Appointment, day: NaiveDate) -> (String, Style) {
    let theme = ctx.theme;
    match a.state(ctx.now) {
        // Within the column's 14, with a space after: "you cancelled", "no-show (DNA)".
        AppointmentState::Cancelled(how) => (how.short().into(), theme.quiet()),
        AppointmentState::Noted => ("noted".into(), theme.quiet()),
        AppointmentState::NoteDue => ("note due".into(), theme.ask()),
        AppointmentState::Now => ("now".into(), theme.now()),
        AppointmentState::Upcoming if day == ctx.now.date() => (relative(ctx.now, a.start, a.minutes), theme.ask()),
        AppointmentState::Upcoming => (String::new(), Style::default()),
    }
}

/// One message awaiting a reply, and whose it is.
pub struct Waiting<'a> {
    pub client: &'a str,
    pub summary: &'a ClientSummary,
    pub message: &'a store::index::Awaiting,
}

/// Every message awaiting a reply across all clients, oldest first.
pub fn awaiting(roster: &Roster) -> Vec<Waiting<'_>> {
    roster
        .awaiting()
        .into_iter()
        .filter_map(|(i, j)| {
            let c = roster.clients.get(i)?;
            let summary = c.summary.as_ref().ok()?;
            Some(Waiting { client: c.id.as_str(), summary, message: summary.awaiting.get(j)? })
        })
        .collect()
}

/// The width of the name column in a list `cols` wide: it grows with the
/// window (24 at 80 columns), and what follows it takes the rest.
fn name_column(cols: usize) -> usize {
    (cols.saturating_sub(22) * 3 / 7).clamp(12, 40)
}

/// One line of the agenda: a day's heading, an appointment's row (with
/// the first line of its warnings), or a further line of its warnings.
enum AgendaLine {
    Day(NaiveDate),
    Row(usize, NaiveDate, Option<String>),
    More(String),
}

impl AgendaLine {
    fn day(&self) -> Option<NaiveDate> {
        match self {
            AgendaLine::Day(d) | AgendaLine::Row(_, d, _) => Some(*d),
            AgendaLine::More(_) => None,
        }
    }
}

/// A row's warnings (on `day`) as lines of at most `cols`: each wrapped
/// whole under its `!!`, so none is cut in a window 80 columns wide.
fn warning_lines(warnings: &[Warning], day: NaiveDate, cols: usize) -> Vec<String> {
    warnings.iter().flat_map(|w| w.lines(day, cols)).collect()
}

pub fn view(t: &TodayState, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let rows = ctx.roster.agenda(ctx.now);
    let waiting = awaiting(ctx.roster);
    let waiting_height = (waiting.len() as u16 + 2).clamp(3, (area.height / 3).max(3));
    let [agenda_area, waiting_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(waiting_height)]).areas(area);

    let due = rows.iter().filter(|r| r.appointment.state(ctx.now) == AppointmentState::NoteDue).count();
    let mut title = match due {
        0 => "Appointments: today and the next 7 days".to_string(),
        n => format!("Appointments: today and the next 7 days · {} due", crate::domain::plural(n, "note")),
    };
    // Their appointments cannot be shown: said, so a session is not missed.
    let unreadable = ctx.roster.clients.iter().filter(|c| c.summary.is_err()).count();
    if unreadable > 0 {
        title.push_str(&format!(" · !! {} unreadable (see Clients)", crate::domain::plural(unreadable, "client")));
    }
    let on_messages = t.messages_focus && !waiting.is_empty();
    let block = panel(title, !on_messages, theme);
    let inner = block.inner(agenda_area);
    frame.render_widget(block, agenda_area);
    if rows.is_empty() && ctx.roster.reading_blind() {
        // A first open: nothing to say of the week until the clients are read.
        let text = match ctx.roster.loading {
            Some((done, total)) => format!("Reading the practice's clients: {done} of {total}…"),
            None => "Reading the practice's clients…".to_string(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.quiet())), inner);
    } else if rows.is_empty() {
        let text = vec![
            Line::styled("No appointments in the next 7 days.", theme.quiet()),
            Line::raw(format!(
                "{} to the client list, pick a client and press {} to book one.",
                ctx.key_for(Context::Today, Action::SwitchTab),
                ctx.key_for(Context::Clients, Action::Schedule)
            )),
        ];
        frame.render_widget(Paragraph::new(text), inner);
    } else {
        let today = ctx.now.date();
        // " 10:00 " name " " "in 1 h 25 min " reminder or warnings.
        // As wide as the longest name needs, within the column's limit.
        let longest = rows
            .iter()
            .filter_map(|r| ctx.roster.summary(r.client.as_str()))
            .map(|s| fit::width(&s.display_name()))
            .max();
        let name_width = name_column(usize::from(inner.width)).min(longest.unwrap_or(0).max(12));
        let lead = 7 + name_width + 1 + 14;
        // The room beside a row, a scrollbar's column kept free.
        let reminder_width = usize::from(inner.width).saturating_sub(1 + lead);
        // Day headings stand between the rows, and a row's warnings go on
        // below it, whole. First find where each falls, then draw only the
        // lines that are on screen.
        let mut layout: Vec<AgendaLine> = Vec::new();
        let mut selected_line = 0;
        for (i, row) in rows.iter().enumerate() {
            let day = row.appointment.start.date();
            if layout.iter().rev().find_map(AgendaLine::day).is_none_or(|d| d != day) {
                layout.push(AgendaLine::Day(day));
            }
            if i == t.row {
                selected_line = layout.len();
            }
            let mut beside = warning_lines(&row.warnings, day, reminder_width).into_iter();
            layout.push(AgendaLine::Row(i, day, beside.next()));
            layout.extend(beside.map(AgendaLine::More));
        }
        let list = Rows::new(layout.len(), (!on_messages).then_some(selected_line), theme.selected());
        list.draw(frame, inner, |line, _| {
            let (i, day, warning) = match &layout[line] {
                AgendaLine::Day(day) => {
                    let day = *day;
                    let label = match (day - today).num_days() {
                        -1 => format!("Yesterday, {}", format_day_near(day, today)),
                        0 => format!("Today, {}", format_day_near(today, today)),
                        1 => format!("Tomorrow, {}", format_day_near(day, today)),
                        _ => format_day_near(day, today),
                    };
                    return ListItem::new(Line::styled(label, theme.heading()));
                }
                AgendaLine::More(more) => {
                    return ListItem::new(Line::from(vec![
                        Span::raw(" ".repeat(lead)),
                        Span::styled(more.clone(), theme.warning()),
                    ]));
                }
                AgendaLine::Row(i, day, warning) => (*i, *day, warning),
            };
            let (client, a) = (&rows[i].client, &rows[i].appointment);
            let summary = ctx.roster.summary(client.as_str());
            let name = match summary {
                Some(s) => name_within(&s.name, s.preferred_name.as_deref(), name_width),
                None => client.to_string(),
            };
            // A warning shows before any reminder.
            let (reminder, reminder_style) = match warning {
                Some(w) => (w.clone(), theme.warning()),
                None => {
                    let reminder =
                        summary.and_then(|s| s.reminder.as_deref()).filter(|_| a.still_to_hold()).unwrap_or_default();
                    (fit(reminder, reminder_width).into_owned(), theme.quiet())
                }
            };
            let (when, when_style) = when(ctx, a, day);
            ListItem::new(Line::from(vec![
                Span::raw(format!(" {} ", a.start.format("%H:%M"))),
                Span::raw(format!("{} ", fit_exact(&name, name_width))),
                Span::styled(format!("{when:<14}"), when_style),
                Span::styled(reminder, reminder_style),
            ]))
        });
    }

    let reading = ctx.roster.reading_blind();
    let count = if reading { "…".to_string() } else { waiting.len().to_string() };
    let block = panel(format!("Awaiting reply ({count})"), on_messages, theme);
    let inner = block.inner(waiting_area);
    frame.render_widget(block, waiting_area);
    if reading {
        frame.render_widget(Paragraph::new(Line::styled("Reading the practice's clients…", theme.quiet())), inner);
        return;
    }
    if waiting.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled("No messages awaiting a reply.", theme.quiet())), inner);
        return;
    }
    // The names in a column as wide as the longest needs (within the
    // agenda's), so what each message says starts in one place.
    let names: Vec<String> = waiting
        .iter()
        .map(|w| {
            name_within(&w.summary.name, w.summary.preferred_name.as_deref(), name_column(usize::from(inner.width)))
        })
        .collect();
    let name_width = names.iter().map(|n| fit::width(n)).max().unwrap_or(0);
    let selected = t.message.min(waiting.len() - 1);
    let list = Rows::new(waiting.len(), on_messages.then_some(selected), theme.selected());
    list.draw(frame, inner, |i, cols| {
        let w = waiting[i].message;
        let said = format!("{} {}: {}", w.channel.label(), ago(w.at.date(), ctx.now.date()), w.summary);
        ListItem::new(Line::from(vec![
            Span::styled(format!("{} ", fit_exact(&names[i], name_width)), theme.ask()),
            Span::raw(fit(&said, cols.saturating_sub(name_width + 1)).into_owned()),
        ]))
    });
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Today, &[ENTER], Action::Review, "review", true).needs_client().about("review before the appointment"),
    b(Context::Today, &[UP, k('k')], Action::Up, "previous appointment", false).needs_client(),
    b(Context::Today, &[DOWN, k('j')], Action::Down, "next appointment", false).needs_client(),
    b(Context::Today, &[k('n')], Action::NewNote, "note", true)
        .needs_client()
        .about("write the note for this appointment"),
    b(Context::Today, &[k('m')], Action::MoveAppointment, "move", true).needs_client().about("move the appointment"),
    b(Context::Today, &[k('c')], Action::CancelAppointment, "cancel", true)
        .needs_client()
        .about("cancel: asks who cancelled, or did not attend"),
    b(Context::Today, &[k('w')], Action::Messages, "awaiting reply", true)
        .needs_client()
        .about("the messages awaiting a reply (↓ past the appointments too)"),
    b(Context::Today, &[ctrl('f')], Action::Search, "search notes", true).needs_client(),
    b(Context::Today, &[TAB], Action::SwitchTab, "clients", true),
    b(Context::Today, &[k('P')], Action::Practice, "practice", false)
        .about("the practice log: client hours week by week, supervision due, CPD, questions for supervision"),
    b(Context::Today, &[k('S')], Action::Sync, "sync", false)
        .about("sync with your other devices now (a synced practice; the header says where it stands)"),
    b(Context::Today, &[k('?')], Action::Help, "help", true),
    b(Context::Today, &[ctrl('l')], Action::Blank, "hide", true)
        .about("hide the screen at once; any key brings it back"),
    b(Context::Today, &[k('q')], Action::Quit, "quit", true),
    b(Context::TodayMessages, &[UP, k('k')], Action::Up, "previous message", false)
        .about("previous message (from the first: back to the appointments)"),
    b(Context::TodayMessages, &[DOWN, k('j')], Action::Down, "next message", false),
    b(Context::TodayMessages, &[k('r')], Action::Replied, "replied", true)
        .about("mark it replied (Enter on it in the profile takes it back)"),
    b(Context::TodayMessages, &[ENTER], Action::Open, "open", true).about("the client's messages in their profile"),
    b(Context::TodayMessages, &[ESC, k('w')], Action::Back, "appointments", true).about("back to the appointments"),
    b(Context::TodayMessages, &[ctrl('f')], Action::Search, "search notes", false),
    b(Context::TodayMessages, &[TAB], Action::SwitchTab, "clients", true),
    b(Context::TodayMessages, &[k('?')], Action::Help, "help", true),
    b(Context::TodayMessages, &[ctrl('l')], Action::Blank, "hide", false)
        .about("hide the screen at once; any key brings it back"),
    b(Context::TodayMessages, &[k('q')], Action::Quit, "quit", true),
];

// ---- Keys -------------------------------------------------------------------

pub fn update(t: &mut TodayState, ctx: &Ctx, action: Action) -> Outcome {
    if t.messages_focus {
        return messages_update(t, ctx, action);
    }
    let rows = ctx.roster.agenda(ctx.now);
    let row = rows.get(t.row).cloned();
    let waiting = awaiting(ctx.roster).len();
    let for_a_row = matches!(
        action,
        Action::Review | Action::Open | Action::NewNote | Action::CancelAppointment | Action::MoveAppointment
    );
    if for_a_row && row.is_none() {
        return no_appointment(ctx);
    }
    match action {
        // Down from the last appointment goes on to the messages awaiting a reply.
        Action::Down if t.row + 1 >= rows.len() && waiting > 0 => {
            t.messages_focus = true;
            t.message = 0;
        }
        Action::Messages if waiting > 0 => {
            t.messages_focus = true;
            t.message = t.message.min(waiting - 1);
        }
        Action::Messages => return Outcome::info("No messages awaiting a reply."),
        Action::Up | Action::Down => t.row = step(t.row, rows.len(), action == Action::Down),
        Action::Review | Action::Open => {
            if let Some(r) = row {
                return Outcome::go(Go::Review { client: r.client, appointment: Some(r.appointment) });
            }
        }
        Action::NewNote => match row {
            Some(r) if r.appointment.is_cancelled() => {
                return Outcome::error("That appointment was not held: it has no note.");
            }
            Some(r) if r.appointment.state(ctx.now) == AppointmentState::Noted => {
                let note = r.appointment.note.unwrap_or_default();
                let tab = ctx.key_for(Context::Today, Action::SwitchTab);
                return Outcome::error(format!("Its note is written ({note}): {tab} to Clients to read or edit it."));
            }
            Some(r) => return Outcome::go(Go::NewNote { client: r.client, appointment: Some(r.appointment) }),
            None => {}
        },
        Action::CancelAppointment | Action::MoveAppointment => {
            let Some(r) = row else { return Outcome::none() };
            let (yes, no) = (ctx.key_for(Context::Confirm, Action::Yes), ctx.key_for(Context::Confirm, Action::No));
            if action == Action::CancelAppointment && r.appointment.is_cancelled() {
                // A cancel taken back: the same appointment is booked again.
                if let Err(refused) = ctx.writable(r.client.as_str()) {
                    return refused.into();
                }
                let (start, minutes) = (r.appointment.start, r.appointment.minutes);
                let on_yes = Confirmed::Rebook { client: r.client.clone(), start, minutes };
                let question = |name: &str, when: String| {
                    format!(
                        "Book {name}'s cancelled appointment on {when} again? {yes} books it, {no} leaves it cancelled."
                    )
                };
                return ask_about(t, ctx, &r, question, on_yes);
            }
            if r.appointment.is_cancelled() || r.appointment.note.is_some() {
                return Outcome::error("Only a booked appointment without a note can be moved or cancelled.");
            }
            if let Err(refused) = ctx.writable(r.client.as_str()) {
                return refused.into();
            }
            t.follow = Some((r.client.clone(), r.appointment.id.clone()));
            if action == Action::MoveAppointment {
                return Outcome::go(Go::MoveAppointment { client: r.client, appointment: r.appointment });
            }
            let name = ctx.roster.summary(r.client.as_str()).map(|c| c.name.clone()).unwrap_or_default();
            let when = r.appointment.start.format("%a %-d %b at %H:%M");
            return Outcome::go(Go::Popup(Popup::Cancel {
                client: r.client.clone(),
                appointment: r.appointment.id.clone(),
                start: r.appointment.start,
                question: format!("{name}'s appointment on {when} is not held. Which way?"),
            }));
        }
        Action::SwitchTab => return Outcome::go(Go::Clients),
        _ => {}
    }
    Outcome::none()
}

/// What a key that needs an appointment says when there is none on Today.
fn no_appointment(ctx: &Ctx) -> Outcome {
    if ctx.roster.clients.is_empty() {
        return ctx.no_client();
    }
    let (tab, book) = (ctx.key_for(Context::Today, Action::SwitchTab), ctx.key_for(Context::Clients, Action::Schedule));
    Outcome::info(format!(
        "No appointment in the next {AGENDA_DAYS} days: {tab} to Clients, pick one, {book} books one."
    ))
}

/// Asks `question(name, when)` about row `r`'s appointment, `on_yes` being
/// what a yes does; the selection follows the appointment through the change.
fn ask_about(
    t: &mut TodayState,
    ctx: &Ctx,
    r: &AgendaRow,
    question: impl FnOnce(&str, String) -> String,
    on_yes: Confirmed,
) -> Outcome {
    let name = ctx.roster.summary(r.client.as_str()).map(|c| c.name.clone()).unwrap_or_default();
    t.follow = Some((r.client.clone(), r.appointment.id.clone()));
    let question = question(&name, r.appointment.start.format("%a %-d %b at %H:%M").to_string());
    Outcome::go(Go::Popup(Popup::Confirm { question, on_yes }))
}

/// Keeps the awaiting-reply selection on a message after the list changed
/// (one answered here or elsewhere); with none left, the appointments have the keys.
pub fn messages_changed(t: &mut TodayState, roster: &Roster) {
    let count = awaiting(roster).len();
    t.message = t.message.min(count.saturating_sub(1));
    t.messages_focus &= count > 0;
}

/// The keys of the awaiting-reply list.
fn messages_update(t: &mut TodayState, ctx: &Ctx, action: Action) -> Outcome {
    let waiting = awaiting(ctx.roster);
    // The last one was answered: back to the appointments.
    let Some(last) = waiting.len().checked_sub(1) else {
        t.messages_focus = false;
        return update(t, ctx, action);
    };
    let at = t.message.min(last);
    let (client, contact, count) =
        (ClientId::new(waiting[at].client), waiting[at].message.id.to_string(), waiting.len());
    t.message = at;
    match action {
        Action::Up if t.message == 0 => t.messages_focus = false,
        Action::Up | Action::Down => t.message = step(t.message, count, action == Action::Down),
        Action::Back => t.messages_focus = false,
        Action::Replied => {
            return match ctx.writable(client.as_str()) {
                Ok(()) => Outcome::effect(Effect::ChangeProfile { client, change: ProfileChange::Replied(contact) }),
                Err(refused) => refused.into(),
            };
        }
        Action::Open => {
            let selected = ctx
                .roster
                .record(client.as_str())
                .map_or(0, |r| item_ids(r, Part::Messages).iter().position(|id| *id == contact).unwrap_or(0));
            return Outcome::go(Go::Profile { client, part: Part::Messages, selected });
        }
        Action::SwitchTab => return Outcome::go(Go::Clients),
        _ => {}
    }
    Outcome::none()
}
