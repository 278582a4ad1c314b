//! The small windows over the screen, each a room of its own: a question
//! (`question.rs`), the open tasks (`tasks.rs`), a kept note offered back
//! (`restore.rs`), the snapshots to restore a record from
//! (`snapshots.rs`), the one [`text_box`] every typed box is, and the
//! conflict from two devices (`screens/conflict.rs`). Here only which box
//! gets the keys and the drawing.

pub mod cancel;
pub mod question;
pub mod restore;
pub mod snapshots;
pub mod tasks;
pub mod text_box;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::domain::ClientId;
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Outcome};
use crate::tui::popup::Popup;

/// The keys of the box on screen; it changes in place, and says in its
/// outcome whether it closes or gives way to another.
pub fn update(popup: &mut Popup, ctx: &Ctx, action: Action) -> Outcome {
    match popup {
        Popup::Confirm { .. } | Popup::Discard { .. } => question::update(popup, ctx, action),
        Popup::Cancel { .. } => cancel::update(popup, ctx, action),
        Popup::Conflict(c) => super::conflict::update(c, ctx, action),
        Popup::Tasks { .. } => tasks::update(popup, ctx, action),
        Popup::Restore { client } => restore::update(client, ctx, action),
        Popup::Snapshots { .. } => snapshots::update(popup, ctx, action),
        Popup::Outcome { .. }
        | Popup::AddItem { .. }
        | Popup::Addendum { .. }
        | Popup::NewTask { .. }
        | Popup::Measures { .. }
        | Popup::Bring { .. }
        | Popup::ResolveWatch { .. } => text_box::update(popup, ctx, action),
    }
}

pub fn view(popup: &Popup, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    match popup {
        Popup::Confirm { .. } | Popup::Discard { .. } => question::view(popup, ctx, frame, area),
        Popup::Cancel { .. } => cancel::view(popup, ctx, frame, area),
        Popup::Conflict(c) => super::conflict::view(c, ctx, frame, area),
        Popup::Tasks { client, selected } => tasks::view(client, *selected, ctx, frame, area),
        Popup::Restore { client } => restore::view(client, ctx, frame, area),
        Popup::Snapshots { .. } => snapshots::view(popup, ctx, frame, area),
        Popup::Outcome { .. }
        | Popup::AddItem { .. }
        | Popup::Addendum { .. }
        | Popup::NewTask { .. }
        | Popup::Measures { .. }
        | Popup::Bring { .. }
        | Popup::ResolveWatch { .. } => text_box::view(popup, ctx, frame, area),
    }
}

/// The client whose record the box needs, while it is not loaded.
pub fn wants(popup: &Popup, ctx: &Ctx) -> Option<ClientId> {
    match popup {
        Popup::Tasks { client, .. } => ctx.roster.unloaded(client.as_str()),
        Popup::Conflict(c) => super::conflict::wants(c, ctx),
        _ => None,
    }
}
