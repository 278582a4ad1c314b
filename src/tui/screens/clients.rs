//! The main screen: the client list, the selected client's sessions, and the
//! full text of the highlighted session.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph, Wrap};

use super::panel;
use crate::domain::time::{format_datetime, format_day_near};
use crate::domain::{ClientRecord, Session};
use crate::tui::model::{Model, NoteCache, NoteItem};
use crate::tui::theme::Theme;

/// The sessions of a record, newest first.
pub fn sessions_newest_first(r: &ClientRecord) -> Vec<&Session> {
    let mut s: Vec<&Session> = r.sessions.iter().collect();
    s.sort_by_key(|s| std::cmp::Reverse(s.at));
    s
}

/// Draws rows `0..count` (made by `row`, only for those on screen) with
/// `selected` highlighted and kept in view.
pub fn selectable_list(
    frame: &mut Frame,
    area: Rect,
    count: usize,
    selected: usize,
    theme: &Theme,
    row: impl Fn(usize) -> String,
) {
    let height = usize::from(area.height);
    let items: Vec<ListItem> = (window_start(selected, height)..count)
        .take(height)
        .map(|i| {
            let style = if i == selected { theme.selected() } else { Default::default() };
            ListItem::new(row(i)).style(style)
        })
        .collect();
    frame.render_widget(List::new(items), area);
}

/// The first row to draw so that `selected` is on screen.
pub fn window_start(selected: usize, height: usize) -> usize {
    selected.saturating_sub(height.saturating_sub(1))
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    if m.clients.is_empty() {
        return welcome(frame, area, theme);
    }
    let left_width = (area.width * 2 / 5).clamp(34, 48);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(area);
    client_list(frame, left, m);
    match m.selected_entry() {
        Some(entry) => match (&entry.record, &entry.summary) {
            (Some(r), _) => client_pane(frame, right, m, r),
            (None, Ok(s)) => frame.render_widget(
                Paragraph::new(Line::styled("Opening…", theme.quiet())).block(panel(s.display_name(), false, theme)),
                right,
            ),
            (None, Err(e)) => {
                let text = vec![
                    Line::styled("This client's file could not be read.", theme.error()),
                    Line::raw(""),
                    Line::raw(e.clone()),
                    Line::raw(""),
                    Line::raw("Rapport will not write to it. Every other client works as usual."),
                ];
                frame.render_widget(
                    Paragraph::new(text).wrap(Wrap { trim: false }).block(panel(&entry.id, false, theme)),
                    right,
                );
            }
        },
        None => frame.render_widget(
            Paragraph::new("No client matches the filter. Esc clears it.").block(panel("Sessions", false, theme)),
            right,
        ),
    }
}

fn welcome(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Welcome to Rapport", theme.title()),
        Line::raw(""),
        Line::raw("There are no clients yet."),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled("a", theme.key()),
            Span::raw(" to add your first client, then "),
            Span::styled("n", theme.key()),
            Span::raw(" to write a session note."),
        ]),
        Line::from(vec![
            Span::styled("?", theme.key()),
            Span::raw(" shows every key. "),
            Span::styled("q", theme.key()),
            Span::raw(" quits."),
        ]),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(panel("Clients", true, theme)), area);
}

fn client_list(frame: &mut Frame, area: Rect, m: &Model) {
    let theme = &m.theme;
    let focused = !m.sessions_focus;
    let title = format!("Clients ({})", m.visible.len());
    let block = panel(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [header, inner] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let width = usize::from(inner.width);
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{:<w$}{:>7} {:>5}", "Name", "Last", "Tasks", w = width.saturating_sub(13)),
            theme.quiet(),
        )),
        header,
    );
    let (filter_area, list_area) = if let Some(filter) = &m.filter {
        let [f, l] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        let query = filter.lines().join(" ");
        let cursor = if m.filter_typing { "▏" } else { "" };
        frame.render_widget(
            Paragraph::new(Line::from(vec![Span::styled("/ ", theme.key()), Span::raw(query), Span::raw(cursor)])),
            f,
        );
        (Some(f), l)
    } else {
        (None, inner)
    };
    let _ = filter_area;
    let height = usize::from(list_area.height);
    let start = window_start(m.selected, height);
    let items: Vec<ListItem> = m
        .visible
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(pos, &i)| {
            let entry = &m.clients[i];
            let (name, right) = match &entry.summary {
                Ok(r) => {
                    let last = r.last_session.map(|s| s.format("%-d %b").to_string()).unwrap_or_default();
                    let open = r.open_tasks;
                    let tasks = if open > 0 { open.to_string() } else { String::new() };
                    // A kept draft or a read-only file shows instead of the date.
                    let last = if m.drafts.contains_key(&entry.id) {
                        "draft".to_string()
                    } else if entry.read_only {
                        "locked".to_string()
                    } else {
                        last
                    };
                    (r.display_name(), format!("{last:>7} {tasks:>5}"))
                }
                Err(_) => (entry.id.clone(), "unreadable".to_string()),
            };
            let room = width.saturating_sub(right.chars().count() + 1);
            let name: String = if name.chars().count() > room {
                name.chars().take(room.saturating_sub(1)).chain(['…']).collect()
            } else {
                name
            };
            let line = format!("{name:<room$} {right}");
            let mut style = if entry.summary.is_err() { theme.error() } else { Default::default() };
            if pos == m.selected {
                style = style.patch(theme.selected());
            }
            ListItem::new(line).style(style)
        })
        .collect();
    frame.render_widget(List::new(items), list_area);
}

fn client_pane(frame: &mut Frame, area: Rect, m: &Model, r: &ClientRecord) {
    let theme = &m.theme;
    let sessions = sessions_newest_first(r);
    let list_height = (sessions.len() as u16 + 2).clamp(3, (area.height / 3).max(4));
    let [list_area, detail_area] = Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let today = m.now.date();
    let mut title = format!("{} · {} sessions", r.display_name(), sessions.len());
    if m.selected_entry().is_some_and(|e| e.read_only) {
        title.push_str(" · made by a newer Rapport: read-only");
    }
    let block = panel(title, m.sessions_focus, theme);
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if sessions.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("No sessions yet. Press n to write the first note.", theme.quiet())),
            inner,
        );
    } else {
        selectable_list(frame, inner, sessions.len(), m.session, theme, |i| {
            format!("{:<10}  {}", format_day_near(sessions[i].at.date(), today), topics_line(&sessions[i].topics))
        });
    }
    let text_width = usize::from(detail_area.width.saturating_sub(2));
    let height = usize::from(detail_area.height.saturating_sub(2));
    let detail = sessions.get(m.session).map(|s| note_window(r, s, text_width, height, m)).unwrap_or_default();
    let detail_title = sessions.get(m.session).map_or("Note".to_string(), |s| format!("Note {}", s.id));
    // The lines are wrapped already, and only those on screen are drawn.
    frame.render_widget(Paragraph::new(detail).block(panel(detail_title, false, theme)), detail_area);
}

/// The `height` lines of a note from `m.scroll` on, wrapped to `width`.
/// The wrapping of the note's body is kept in [`Model::note_cache`], so a
/// keypress costs the lines on screen, not the length of the note, and
/// a note is wrapped only as far as the screen has reached.
fn note_window<'a>(r: &ClientRecord, s: &Session, width: usize, height: usize, m: &Model) -> Vec<Line<'a>> {
    let key = (m.generation, r.client.id.clone(), s.id.clone(), width);
    let mut cache = m.note_cache.borrow_mut();
    if cache.key.as_ref() != Some(&key) {
        *cache = NoteCache { key: Some(key), items: body_items(r, s), ..Default::default() };
    }
    let head = header_lines(s, width, m);
    let scroll = usize::from(m.scroll);
    wrap_until(&mut cache, scroll + height, width, &m.theme);
    let body = cache.lines.iter().skip(scroll.saturating_sub(head.len())).take(height).cloned();
    head.into_iter().skip(scroll).chain(body).take(height).collect()
}

/// The note's time and whether it can still be changed (these follow the clock).
fn header_lines<'a>(s: &Session, width: usize, m: &Model) -> Vec<Line<'a>> {
    let theme = &m.theme;
    let state = match (&s.finalised, m.policy.after_hours) {
        (Some(f), _) => format!("Final since {} · + to correct", f.at.format("%-d %b %H:%M")),
        (None, _) if m.policy.due(s, m.now) => "Final (editing period over) · + to correct".to_string(),
        (None, Some(h)) => format!(
            "Editable until {} · e edit · f finalise",
            (s.at + chrono::Duration::hours(h.into())).format("%-d %b %H:%M")
        ),
        (None, None) => "Editable · e edit · f finalise".to_string(),
    };
    let wrap = |text: String, style| {
        textwrap::wrap(&text, width.max(8))
            .into_iter()
            .map(move |l| Line::styled(l.into_owned(), style))
            .collect::<Vec<_>>()
    };
    let mut lines = wrap(format!("{} · {} min", format_datetime(s.at), s.minutes), theme.title());
    lines.extend(wrap(state, theme.quiet()));
    lines
}

/// The body of one session note, with what it set: headings and the
/// paragraphs under them, not yet wrapped.
pub fn body_items(r: &ClientRecord, s: &Session) -> Vec<NoteItem> {
    let mut items = Vec::new();
    let mut section = |heading: &str, paragraphs: Vec<String>| {
        if paragraphs.is_empty() {
            return;
        }
        items.push(NoteItem::Heading(heading.to_string()));
        items.extend(paragraphs.into_iter().map(NoteItem::Text));
    };
    section("Topics", s.topics.clone());
    section("They told you", s.feedback.iter().map(|f| format!("\"{f}\"")).collect());
    section("Observations", s.observations.clone());
    section(
        "Tasks set",
        r.tasks
            .iter()
            .filter(|t| t.session.as_deref() == Some(&s.id))
            .map(|t| {
                let status = t.status.label();
                let outcome = t.outcome.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
                format!("[{}] {} ({status}{outcome})", t.id, t.text)
            })
            .collect(),
    );
    section(
        "Personal",
        r.personal
            .iter()
            .filter(|p| p.session.as_deref() == Some(&s.id))
            .map(|p| match p.date {
                Some(d) => format!("{} ({})", p.text, d.format("%a %-d %b")),
                None => p.text.clone(),
            })
            .collect(),
    );
    section("Plan for next time", if s.plan.is_empty() { vec![] } else { vec![s.plan.clone()] });
    section("Notes", if s.notes.is_empty() { vec![] } else { s.notes.lines().map(str::to_string).collect() });
    section("Addenda", s.addenda.iter().map(|a| format!("{}: {}", format_datetime(a.at), a.text)).collect());
    items
}

/// Wraps the note's items into `cache` until it holds `wanted` lines (or
/// all of them): only as much of a long note as the screen reaches.
fn wrap_until(cache: &mut NoteCache, wanted: usize, width: usize, theme: &crate::tui::theme::Theme) {
    // First fit, as a reader fills lines: linear, where the optimal fit is not.
    let options = textwrap::Options::new(width.max(8))
        .initial_indent("  ")
        .subsequent_indent("  ")
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    while cache.lines.len() < wanted && cache.next < cache.items.len() {
        match &cache.items[cache.next] {
            NoteItem::Heading(h) => cache.lines.push(Line::styled(h.clone(), theme.heading())),
            NoteItem::Text(t) => {
                cache.lines.extend(textwrap::wrap(t, &options).into_iter().map(|l| Line::raw(l.into_owned())))
            }
        }
        cache.next += 1;
    }
}

/// The topics on one line, cut at a screen's width: a long topic costs
/// nothing to draw.
fn topics_line(topics: &[String]) -> String {
    let mut line = String::new();
    for t in topics {
        if !line.is_empty() {
            line.push_str("; ");
        }
        line.extend(t.chars().take(400));
        if line.len() >= 400 {
            break;
        }
    }
    line
}
