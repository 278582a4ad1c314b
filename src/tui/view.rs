//! Draws the model. Pure: reads the model, touches nothing else.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Action;
use super::ctx::{MIN_HEIGHT, MIN_WIDTH, too_small};
use super::keymap::{Context, TABLE, footer};
use super::model::{Model, Screen, StatusKind};
use super::screens;
use super::theme::Theme;
use crate::fit;

pub fn view(m: &Model, frame: &mut Frame) {
    let area = frame.area();
    if too_small((area.width, area.height)) {
        let text = format!(
            "Window too small ({}×{}). Make it at least {MIN_WIDTH}×{MIN_HEIGHT}; nothing is lost. Until then keys do nothing (type again after); {} quits.",
            area.width,
            area.height,
            TABLE.key_for_quit()
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    if m.blanked {
        // Nothing of any client: a neutral panel for when someone walks in.
        let r = super::screens::centered(area, 30, 5);
        frame.render_widget(
            Paragraph::new(vec![Line::raw(""), Line::styled("Rapport", m.theme.quiet())])
                .alignment(ratatui::layout::Alignment::Center)
                .block(super::screens::panel("", false, &m.theme)),
            r,
        );
        return;
    }
    let context = m.context();
    let mut keys = situational_keys(m, context);
    keys.extend(footer(context, m.roster.clients.is_empty()));
    let footer_text = footer_lines(&keys, usize::from(area.width), &m.theme);
    let footer_height = footer_text.len() as u16;
    // A long message (an error with its reason and what to do) gets up to three lines.
    let status_len = m.status.as_ref().map_or(0, |s| s.text.chars().count());
    let status_height = status_len.div_ceil(usize::from(area.width).max(1)).clamp(1, 3) as u16;
    let [top, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(status_height),
        Constraint::Length(footer_height),
    ])
    .areas(area);

    let ctx = crate::ctx!(m);
    top_bar(frame, top, m);
    match &m.screen {
        Screen::Today => screens::today::view(&m.today, &ctx, frame, body),
        Screen::Clients => screens::clients::view(&m.list, &ctx, frame, body),
        Screen::Review(v) => screens::review::view(v, &ctx, frame, body),
        Screen::NoteForm(f) => screens::note_form::view(f, &ctx, frame, body),
        Screen::ClientForm(f) => screens::client_form::view(f, &ctx, frame, body),
        Screen::Appointment(f) => screens::appointment::view(f, &ctx, frame, body),
        Screen::Profile(v) => screens::profile::view(v, &ctx, frame, body),
        Screen::Search(v) => screens::search::view(v, &ctx, frame, body),
        Screen::Chart(v) => screens::chart::view(v, &ctx, frame, body),
        Screen::Practice(v) => screens::practice::view(v, &ctx, frame, body),
    }
    if let Some(p) = &m.popup {
        screens::popups::view(p, &ctx, frame, body);
    }
    if let Some(scroll) = &m.help {
        screens::help::view(scroll, &ctx, frame, body);
    }
    if let Some(s) = &m.status {
        let style = match s.kind {
            StatusKind::Info => m.theme.info(),
            StatusKind::Error | StatusKind::NoteNotSaved => m.theme.error(),
        };
        frame.render_widget(Paragraph::new(Line::styled(s.text.clone(), style)).wrap(Wrap { trim: true }), status);
    }
    frame.render_widget(Paragraph::new(footer_text), foot);
}

/// Keys shown first in the footer only while they do something: `S` in a
/// synced practice, `c` on the review of a client with a conflict.
fn situational_keys(m: &Model, context: Context) -> Vec<(String, &'static str)> {
    let synced = m.sync.is_some() && TABLE.hint(context, &Action::Sync).is_some();
    let conflict = matches!(&m.screen, Screen::Review(v) if m.summary(v.client.as_str()).is_some_and(|s| s.conflicts > 0))
        && context == Context::Review;
    let shown = [(synced, Action::Sync), (conflict, Action::SettleConflict)];
    let mut acting: Vec<Action> = shown.into_iter().filter(|(on, _)| *on).map(|(_, action)| action).collect();
    // The review's keys for what is selected: a task's, or "asked".
    if let (Screen::Review(v), Context::Review) = (&m.screen, context) {
        acting.extend(screens::review::acting(v, &crate::ctx!(m)));
    }
    acting.iter().filter_map(|action| TABLE.hint(context, action)).collect()
}

/// The most lines the footer takes; `?` lists every key anyway.
const FOOTER_LINES: usize = 3;

/// The footer's keys packed into lines `width` wide, each key kept on one
/// line with its words ("a add client", never "a" / "add client").
fn footer_lines(keys: &[(String, &str)], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    const GAP: usize = 2;
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (key, help) in keys {
        let help = format!(" {help}");
        let w = fit::width(key) + fit::width(&help);
        if used > 0 && used + GAP + w > width {
            lines.push(Vec::new());
            used = 0;
        }
        let line = lines.last_mut().expect("one line at least");
        if used > 0 {
            line.push(Span::raw(" ".repeat(GAP)));
            used += GAP;
        }
        line.push(Span::styled(key.clone(), theme.key()));
        // A key wider than the window alone: its words are cut, with …
        let room = width.saturating_sub(used + fit::width(key));
        line.push(Span::raw(fit::fit(&help, room).into_owned()));
        used += w.min(width.saturating_sub(used));
    }
    lines.truncate(FOOTER_LINES);
    lines.into_iter().map(Line::from).collect()
}

fn top_bar(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    let tab = |name: &'static str, on: bool| {
        if on { Span::styled(format!(" {name} "), theme.selected()) } else { Span::raw(format!(" {name} ")) }
    };
    let home_today = matches!(m.home, Screen::Today);
    let clock = m.now.format("%a %-d %b %Y  %H:%M").to_string();
    let left = Line::from(vec![
        Span::styled("Rapport ", theme.title()),
        tab("Today", home_today),
        tab("Clients", !home_today),
    ]);
    // In a synced folder, where it stands: "synced 3 min ago", "1 conflict".
    // The tabs always show whole: what does not fit beside them gives way,
    // the clock first, then the end of the sync mark (cut with "…").
    let room = usize::from(area.width).saturating_sub(left.width() + 1);
    let mut right = Vec::new();
    if let Some((mark, tone)) = m.sync.as_ref().map(|s| super::sync::mark(s, &m.roster, m.now)) {
        let style = match tone {
            super::sync::Tone::Quiet => theme.quiet(),
            super::sync::Tone::Warning => theme.error(),
        };
        let with_clock = crate::fit::width(&mark) + 3 + crate::fit::width(&clock) <= room;
        right.push(Span::styled(crate::fit::fit(&mark, room).into_owned(), style));
        if with_clock {
            right.push(Span::raw(" · "));
            right.push(Span::styled(clock, theme.quiet()));
        }
    } else if crate::fit::width(&clock) <= room {
        right.push(Span::styled(clock, theme.quiet()));
    }
    let right = Line::from(right);
    let [l, r] = Layout::horizontal([Constraint::Min(10), Constraint::Length(right.width() as u16 + 1)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}
