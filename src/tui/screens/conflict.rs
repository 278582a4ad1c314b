//! Settling a conflict from two devices, from the review: the box shows one
//! conflict in words; `k` keeps the value in place, `o` puts the other
//! value there (a field's conflict only), `↓` goes to the next one. The
//! record travels to the other device, so nothing here says whose value
//! was whose.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::{ClientId, Conflict, ConflictKind};
use crate::tui::action::{Action, Effect};
use crate::tui::keys::{Binding, Context, DOWN, ESC, UP, b, k};
use crate::tui::model::{Model, Popup};
use crate::tui::screens::{centered, panel};

/// The box for `client`'s conflict number `index` (from 0), when there is one.
pub fn open(m: &Model, client: &ClientId, index: usize) -> Option<Popup> {
    let conflicts = &m.record(client.as_str())?.conflicts;
    let index = index.min(conflicts.len().checked_sub(1)?);
    Some(Popup::Conflict { client: client.clone(), index, conflict: Box::new(conflicts[index].clone()) })
}

/// The review's key: the first conflict, or why there is none.
pub fn settle(m: &mut Model, client: &ClientId) -> Vec<Effect> {
    match open(m, client, 0) {
        Some(popup) => m.popup = Some(popup),
        None => m.set_info("Nothing from two devices to settle for this client."),
    }
    vec![]
}

/// The box's keys. Returns the box to keep open, and the effects.
pub fn update(
    m: &mut Model,
    client: ClientId,
    index: usize,
    conflict: Box<Conflict>,
    action: Action,
) -> (Option<Popup>, Vec<Effect>) {
    let count = m.record(client.as_str()).map_or(0, |r| r.conflicts.len());
    match action {
        Action::KeepThis => (None, vec![Effect::SettleConflict { client, conflict, take_other: false }]),
        Action::TakeOther if conflict.kind != ConflictKind::Edit => {
            m.set_info(
                "Both versions are kept whole here, so there is no other value to put in place: read them, then k settles it.",
            );
            (Some(Popup::Conflict { client, index, conflict }), vec![])
        }
        Action::TakeOther => (None, vec![Effect::SettleConflict { client, conflict, take_other: true }]),
        Action::Down if index + 1 < count => (open(m, &client, index + 1), vec![]),
        Action::Up if index > 0 => (open(m, &client, index - 1), vec![]),
        Action::Back => (None, vec![]),
        _ => (Some(Popup::Conflict { client, index, conflict }), vec![]),
    }
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model, client: &ClientId, index: usize, conflict: &Conflict) {
    let count = m.record(client.as_str()).map_or(0, |r| r.conflicts.len());
    let mut lines = vec![Line::raw(conflict.describe()), Line::raw("")];
    if conflict.kind == ConflictKind::Edit {
        // Whole, to choose between (the line above cuts long values).
        const WHOLE: usize = 1000;
        lines.push(Line::raw(format!("In place: {}", crate::domain::merge::shown(&conflict.kept, WHOLE))));
        lines.push(Line::raw(format!("The other: {}", crate::domain::merge::shown(&conflict.other, WHOLE))));
        lines.push(Line::raw(""));
    }
    let how = if conflict.kind == ConflictKind::Edit {
        "k keeps the value in place; o puts the other value in its place."
    } else {
        "Both versions are in the record. k settles it (nothing changes)."
    };
    lines.push(Line::styled(how, m.theme.quiet()));
    let width = area.width.min(70);
    let text_rows: usize =
        lines.iter().map(|l| textwrap::wrap(&l.to_string(), usize::from(width.saturating_sub(2))).len().max(1)).sum();
    let r = centered(area, width, (text_rows as u16 + 2).max(5));
    frame.render_widget(Clear, r);
    let title = format!("From two devices · {} of {count}", index + 1);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel(title, true, &m.theme)), r);
}

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Conflict, &[k('k')], Action::KeepThis, "keep this", true)
        .about("keep the value in place and settle the conflict"),
    b(Context::Conflict, &[k('o')], Action::TakeOther, "take the other", true)
        .about("put the other value in place (a field's conflict)"),
    b(Context::Conflict, &[DOWN, k('j')], Action::Down, "next", true).about("the next conflict"),
    b(Context::Conflict, &[UP], Action::Up, "previous", false).about("the previous conflict"),
    b(Context::Conflict, &[ESC], Action::Back, "later", true).about("close; settle it later"),
];
