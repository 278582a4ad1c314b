//! The text of the note on the client list's right: wrapped only as far as
//! the screen reaches, kept between frames in [`NoteCache`], so a keypress
//! on a long note costs what the screen shows.

use ratatui::text::Line;

use crate::domain::note_format::{NoteFormat, NotePart};
use crate::domain::time::format_datetime;
use crate::domain::{ClientId, ClientRecord, Session, SessionId};
use crate::tui::action::Action;
use crate::tui::ctx::Ctx;
use crate::tui::keys::Context;
use crate::tui::theme::Theme;
use std::cell::RefCell;

/// The `height` lines of a note from line `scroll` on, wrapped to `width`.
/// The wrapping of the note's body is kept in `cache` (the client list's), so a
/// keypress costs the lines on screen, not the length of the note, and
/// a note is wrapped only as far as the screen has reached.
pub fn note_window<'a>(
    r: &ClientRecord,
    s: &Session,
    (width, height): (usize, usize),
    scroll: u16,
    cache: &RefCell<NoteCache>,
    ctx: &Ctx,
) -> Vec<Line<'a>> {
    let key = (ctx.roster.generation, r.client.id.clone(), s.id.clone(), width);
    let mut cache = cache.borrow_mut();
    if cache.key.as_ref() != Some(&key) {
        *cache = NoteCache { key: Some(key), items: body_items(r, s, ctx.note_format), ..Default::default() };
    }
    let head = header_lines(s, width, ctx);
    cache.head = head.len();
    cache.height = height;
    let scroll = usize::from(scroll);
    wrap_until(&mut cache, scroll + height, width, ctx.theme);
    // Never past the end: the last line stays at the bottom.
    let scroll = match cache.last_top() {
        Some(last) => scroll.min(last),
        None => scroll,
    };
    let body = cache.lines.iter().skip(scroll.saturating_sub(head.len())).take(height).cloned();
    head.into_iter().skip(scroll).chain(body).take(height).collect()
}

/// The note pane's scroll after `by` lines more than `scroll`, on the
/// note `on_screen` (its client and session): it stops where the last line
/// of the note reaches the bottom. Wraps no more of a long note than that
/// page shows.
pub fn scroll_down(
    cache: &RefCell<NoteCache>,
    ctx: &Ctx,
    on_screen: Option<(ClientId, SessionId)>,
    scroll: u16,
    by: u16,
) -> u16 {
    let wanted = scroll.saturating_add(by);
    let Ok(mut cache) = cache.try_borrow_mut() else { return wanted };
    let on_screen = on_screen.map(|(client, session)| (ctx.roster.generation, client, session));
    let Some((generation, client, session, width)) = cache.key.clone() else { return wanted };
    if on_screen != Some((generation, client, session)) {
        // Not drawn yet: the view keeps it within the note.
        return wanted;
    }
    let needed = (usize::from(wanted) + cache.height).saturating_sub(cache.head);
    wrap_until(&mut cache, needed, width, ctx.theme);
    match cache.last_top() {
        Some(last) => wanted.min(u16::try_from(last).unwrap_or(u16::MAX)),
        None => wanted,
    }
}

/// The note's time and whether it can still be changed (these follow the clock).
fn header_lines<'a>(s: &Session, width: usize, ctx: &Ctx) -> Vec<Line<'a>> {
    let theme = ctx.theme;
    let key = |action| ctx.key_for(Context::Sessions, action);
    let correct = format!("{} to correct", key(Action::Addendum));
    let change = format!("{} edit · {} finalise", key(Action::EditNote), key(Action::Finalise));
    let state = match (&s.finalised, ctx.policy.after_hours) {
        (Some(f), _) => format!("Final since {} · {correct}", f.at.format("%-d %b %H:%M")),
        (None, _) if ctx.policy.due(s, ctx.now) => format!("Final (editing period over) · {correct}"),
        (None, Some(h)) => {
            format!("Editable until {} · {change}", (s.at + chrono::Duration::hours(h.into())).format("%-d %b %H:%M"))
        }
        (None, None) => format!("Editable · {change}"),
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
pub fn body_items(r: &ClientRecord, s: &Session, format: NoteFormat) -> Vec<NoteItem> {
    let mut items = Vec::new();
    let mut section = |heading: &str, paragraphs: Vec<String>| {
        if paragraphs.is_empty() {
            return;
        }
        items.push(NoteItem::Heading(heading.to_string()));
        items.extend(paragraphs.into_iter().map(NoteItem::Text));
    };
    // Each part as the pane shows it: quoted words, tasks with their
    // status, measures with their band and items.
    let shared = r.shared_numbers();
    let id = |id: &str| crate::domain::find::shown_id(id, &shared).to_string();
    let part = |p: NotePart| -> Vec<String> {
        let text = |t: &str| if t.is_empty() { vec![] } else { t.lines().map(str::to_string).collect() };
        match p {
            NotePart::Topics => s.topics.clone(),
            NotePart::Feedback => s.feedback.iter().map(|f| crate::domain::summary::quoted(f)).collect(),
            NotePart::Observations => s.observations.clone(),
            NotePart::Tasks => r
                .tasks
                .iter()
                .filter(|t| t.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
                .map(|t| {
                    let status = t.status.label();
                    let outcome = t.outcome.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
                    format!("[{}] {} ({status}{outcome})", id(t.id.as_str()), t.text)
                })
                .collect(),
            NotePart::Measures => r
                .measures
                .iter()
                .filter(|m| m.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
                .map(|m| {
                    let scale = r.scale(&m.kind);
                    let name = scale.as_ref().map_or_else(|| m.kind.to_string(), |sc| sc.name.clone());
                    let band =
                        scale.as_ref().and_then(|sc| sc.band(m.total)).map(|b| format!(" ({b})")).unwrap_or_default();
                    let items: Vec<String> = m.items.iter().map(ToString::to_string).collect();
                    format!("[{}] {name} {}{band}: {}", id(m.id.as_str()), m.total, items.join(" "))
                })
                .collect(),
            NotePart::Plan => text(&s.plan),
            NotePart::Notes => text(&s.notes),
            NotePart::Assessment => text(&s.assessment),
            NotePart::Intervention => text(&s.intervention),
        }
    };
    let personal: Vec<String> = r
        .personal
        .iter()
        .filter(|p| p.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
        .map(|p| match p.date {
            Some(d) => format!("{} ({})", p.text, d.format("%a %-d %b")),
            None => p.text.clone(),
        })
        .collect();
    match format {
        NoteFormat::Rapport => {
            section("Topics", part(NotePart::Topics));
            section("They told you", part(NotePart::Feedback));
            section("Observations", part(NotePart::Observations));
            section("Tasks set", part(NotePart::Tasks));
            section("Personal", personal);
            section("Measures", part(NotePart::Measures));
            section("Plan for next time", part(NotePart::Plan));
            section("Assessment", part(NotePart::Assessment));
            section("Intervention", part(NotePart::Intervention));
            section("Notes", part(NotePart::Notes));
        }
        _ => {
            // The format's headings; where one holds several parts, each
            // line says which.
            for h in format.headings() {
                let lines = h
                    .parts
                    .iter()
                    .flat_map(|p| {
                        let label = (h.parts.len() > 1).then(|| p.label());
                        part(*p).into_iter().map(move |l| label.map_or(l.clone(), |label| format!("{label}: {l}")))
                    })
                    .collect();
                section(h.title, lines);
            }
            section("Personal", personal);
        }
    }
    section("Addenda", s.addenda.iter().map(|a| format!("{}: {}", format_datetime(a.at), a.text)).collect());
    items
}

/// Wraps the note's items into `cache` until it holds `wanted` lines (or
/// all of them): only as much of a long note as the screen reaches.
fn wrap_until(cache: &mut NoteCache, wanted: usize, width: usize, theme: &Theme) {
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
pub fn topics_line(topics: &[String]) -> String {
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

/// The wrapped lines of the note on screen, kept between frames so that a
/// keypress on a long note does not wrap all of it again. A memo of the
/// view, keyed by what the lines depend on; it changes nothing the app shows.
#[derive(Debug, Default)]
pub struct NoteCache {
    /// (generation, client, session, width)
    pub key: Option<(u64, ClientId, SessionId, usize)>,
    /// The note's headings and paragraphs, in order.
    pub items: Vec<NoteItem>,
    /// The first item not yet wrapped into `lines`.
    pub next: usize,
    pub lines: Vec<ratatui::text::Line<'static>>,
    /// The lines above the body (time, whether it can change) and the
    /// pane's height, as last drawn.
    pub head: usize,
    pub height: usize,
}

impl NoteCache {
    /// The furthest the note scrolls, once all of it is wrapped: its last
    /// line at the bottom of the pane.
    fn last_top(&self) -> Option<usize> {
        (self.next >= self.items.len()).then(|| (self.head + self.lines.len()).saturating_sub(self.height))
    }
}

/// One part of a note's body, before wrapping.
#[derive(Debug, Clone)]
pub enum NoteItem {
    Heading(String),
    Text(String),
}
