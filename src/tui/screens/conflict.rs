//! Settling a conflict from two devices, from the review: the box shows one
//! conflict in words; `k` keeps the value in place, `o` puts the other
//! value there (a field's conflict only), `↓` goes to the next one. The
//! record travels to the other device, so nothing here says whose value
//! was whose.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::{ClientId, ConflictKind};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, DOWN, ESC, UP, b, k};
use crate::tui::popup::{ConflictBox, Popup};
use crate::tui::screens::{centered, panel};

/// The box for `client`'s conflict number `index` (from 0), when there is one.
pub fn open(ctx: &Ctx, client: &ClientId, index: usize) -> Option<ConflictBox> {
    let conflicts = &ctx.roster.record(client.as_str())?.conflicts;
    let index = index.min(conflicts.len().checked_sub(1)?);
    Some(ConflictBox { client: client.clone(), index, conflict: Box::new(conflicts[index].clone()) })
}

/// The review's key: the first conflict, or why there is none.
pub fn settle(ctx: &Ctx, client: &ClientId) -> Outcome {
    match open(ctx, client, 0) {
        Some(settling) => Outcome::go(Go::Popup(Popup::Conflict(settling))),
        None => Outcome::info("Nothing from two devices to settle for this client."),
    }
}

/// The client whose record the box needs, while it is not loaded.
pub fn wants(c: &ConflictBox, ctx: &Ctx) -> Option<ClientId> {
    ctx.roster.unloaded(c.client.as_str())
}

/// The box's keys.
pub fn update(c: &mut ConflictBox, ctx: &Ctx, action: Action) -> Outcome {
    let count = ctx.roster.record(c.client.as_str()).map_or(0, |r| r.conflicts.len());
    let settle = |take_other| {
        let effect = Effect::SettleConflict { client: c.client.clone(), conflict: c.conflict.clone(), take_other };
        Outcome::effect(effect).and_go(Go::Close)
    };
    match action {
        Action::KeepThis => settle(false),
        Action::TakeOther if c.conflict.kind != ConflictKind::Edit => Outcome::info(format!(
            "Both versions are kept whole here, so there is no other value to put in place: read them, then {} \
             settles it.",
            ctx.key_for(Context::Conflict, Action::KeepThis)
        )),
        Action::TakeOther => settle(true),
        Action::Down | Action::Up => {
            let next = if action == Action::Down { c.index + 1 } else { c.index.wrapping_sub(1) };
            if next < count
                && let Some(other) = open(ctx, &c.client, next)
            {
                *c = other;
            }
            Outcome::none()
        }
        Action::Back => Outcome::go(Go::Close),
        _ => Outcome::none(),
    }
}

pub fn view(c: &ConflictBox, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let conflict = &c.conflict;
    let count = ctx.roster.record(c.client.as_str()).map_or(0, |r| r.conflicts.len());
    let mut lines = vec![Line::raw(conflict.describe()), Line::raw("")];
    if conflict.kind == ConflictKind::Edit {
        // Whole, to choose between (the line above cuts long values).
        const WHOLE: usize = 1000;
        lines.push(Line::raw(format!("In place: {}", crate::domain::merge::shown(&conflict.kept, WHOLE))));
        lines.push(Line::raw(format!("The other: {}", crate::domain::merge::shown(&conflict.other, WHOLE))));
        lines.push(Line::raw(""));
    }
    let keep = ctx.key_for(Context::Conflict, Action::KeepThis);
    let how = if conflict.kind == ConflictKind::Edit {
        let other = ctx.key_for(Context::Conflict, Action::TakeOther);
        format!("{keep} keeps the value in place; {other} puts the other value in its place.")
    } else {
        format!("Both versions are in the record. {keep} settles it (nothing changes).")
    };
    lines.push(Line::styled(how, ctx.theme.quiet()));
    let width = area.width.min(70);
    let text_rows: usize =
        lines.iter().map(|l| textwrap::wrap(&l.to_string(), usize::from(width.saturating_sub(2))).len().max(1)).sum();
    let r = centered(area, width, (text_rows as u16 + 2).max(5));
    frame.render_widget(Clear, r);
    let title = format!("From two devices · {} of {count}", c.index + 1);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel(title, true, ctx.theme)), r);
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
