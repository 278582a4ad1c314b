//! Drawing the client list: the welcome to an empty practice, the list of
//! clients, and the selected client's sessions and note.

use super::*;

pub(super) fn welcome(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let theme = ctx.theme;
    let key = |action| ctx.key_for(Context::Clients, action);
    let text = vec![
        Line::styled("Welcome to Rapport", theme.title()),
        Line::raw(""),
        Line::raw("There are no clients yet."),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled(key(Action::AddClient), theme.key()),
            Span::raw(" to add your first client, then "),
            Span::styled(key(Action::NewNote), theme.key()),
            Span::raw(" to write a session note."),
        ]),
        Line::from(vec![
            Span::styled(key(Action::Help), theme.key()),
            Span::raw(" shows every key. "),
            Span::styled(key(Action::Quit), theme.key()),
            Span::raw(" quits."),
        ]),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(panel("Clients", true, theme)), area);
}

pub(super) fn client_list(frame: &mut Frame, area: Rect, list: &ClientsState, ctx: &Ctx) {
    let theme = ctx.theme;
    let focused = !list.sessions_focus;
    let mut title = format!("Clients ({})", list.visible.len());
    if list.strays > 0 {
        // Sync-conflict copies and links are never listed: say they are there.
        title.push_str(&format!(" · {} ignored: rapport doctor", if list.strays == 1 { "1 file" } else { "files" }));
    }
    let block = panel(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [header, inner] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let width = usize::from(inner.width);
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{:<w$}{:>8} {:>5}", "Name", "Last", "Tasks", w = width.saturating_sub(14)),
            theme.quiet(),
        )),
        header,
    );
    let (filter_area, list_area) = if let Some(filter) = &list.filter {
        let [f, l] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        let query = filter.lines().join(" ");
        let cursor = if list.filter_typing { "▏" } else { "" };
        let find = format!("{} ", ctx.key_for(Context::Clients, Action::Filter));
        frame.render_widget(
            Paragraph::new(Line::from(vec![Span::styled(find, theme.key()), Span::raw(query), Span::raw(cursor)])),
            f,
        );
        (Some(f), l)
    } else {
        (None, inner)
    };
    let _ = filter_area;
    let rows = Rows::new(list.visible.len(), Some(list.selected), theme.selected());
    rows.draw(frame, list_area, |pos, width| {
        let entry = &ctx.roster.clients[list.visible[pos]];
        let (name, right) = match &entry.summary {
            Ok(r) => {
                let last = r.last_session.map(|s| s.format("%-d %b").to_string()).unwrap_or_default();
                let open = r.open_tasks;
                let tasks = if open > 0 { open.to_string() } else { String::new() };
                // A kept draft, a read-only file, a conflict from two
                // devices or a note due shows instead of the date.
                let last = if ctx.drafts.get(&entry.id).is_some_and(|d| !d.discarded) {
                    "draft".to_string()
                } else if entry.read_only {
                    "locked".to_string()
                } else if r.conflicts > 0 {
                    "conflict".to_string()
                } else if r.note_due(ctx.now, AGENDA_DAYS) {
                    "note due".to_string()
                } else {
                    last
                };
                let right = format!("{last:>8} {tasks:>5}");
                // A client whose measures raise a warning is marked "!".
                let mark = if r.flag.is_some() { "! " } else { "" };
                let room = width.saturating_sub(right.len() + 1 + mark.len());
                (format!("{mark}{}", name_within(&r.name, r.preferred_name.as_deref(), room)), right)
            }
            Err(_) => (entry.id.to_string(), "unreadable".to_string()),
        };
        let room = width.saturating_sub(right.len() + 1);
        let line = format!("{} {right}", fit_exact(&name, room));
        let style = match &entry.summary {
            Err(_) => theme.error(),
            Ok(s) if s.flag.is_some() => theme.warning(),
            Ok(_) => Default::default(),
        };
        ListItem::new(line).style(style)
    });
}

pub(super) fn client_pane(
    frame: &mut Frame,
    area: Rect,
    list: &ClientsState,
    ctx: &Ctx,
    entry: &ClientEntry,
    r: &ClientRecord,
) {
    let theme = ctx.theme;
    let sessions = r.sessions_newest_first();
    let list_height = (sessions.len() as u16 + 2).clamp(3, (area.height / 3).max(4));
    let [list_area, detail_area] = Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let today = ctx.now.date();
    let mut tail = format!(" · {}", crate::domain::plural(sessions.len(), "session"));
    if entry.read_only {
        tail.push_str(" · made by a newer Rapport: read-only");
    }
    // The title sits between the corners and a space either side.
    let room = usize::from(area.width).saturating_sub(4);
    let name = name_within(&r.client.name, r.client.preferred_name.as_deref(), room.saturating_sub(fit::width(&tail)));
    let title = fit(&format!("{name}{tail}"), room).into_owned();
    let block = panel(title, list.sessions_focus, theme);
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if sessions.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                fit(
                    &format!(
                        "No sessions yet. Press {} to write the first note.",
                        ctx.key_for(Context::Clients, Action::NewNote)
                    ),
                    usize::from(inner.width),
                )
                .into_owned(),
                theme.quiet(),
            )),
            inner,
        );
    } else {
        selectable_list(frame, inner, sessions.len(), list.session, theme, |i| {
            format!(
                "{:<10}  {}",
                format_day_near(sessions[i].at.date(), today),
                super::super::note_pane::topics_line(&sessions[i].topics)
            )
        });
    }
    let text_width = usize::from(detail_area.width.saturating_sub(2));
    let height = usize::from(detail_area.height.saturating_sub(2));
    let detail = sessions
        .get(list.session)
        .map(|s| super::super::note_pane::note_window(r, s, (text_width, height), list.scroll, &list.note_cache, ctx))
        .unwrap_or_default();
    let detail_title = sessions.get(list.session).map_or("Note".to_string(), |s| {
        format!("Note {}", crate::domain::find::shown_id(s.id.as_str(), &r.shared_numbers()))
    });
    // The lines are wrapped already, and only those on screen are drawn.
    frame.render_widget(Paragraph::new(detail).block(panel(detail_title, false, theme)), detail_area);
}
