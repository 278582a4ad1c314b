//! The snapshots that hold one client's record (`R` on the profile),
//! newest first: Enter restores the record from the one selected, after the
//! core's question about what it would take away.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};

use crate::domain::ClientId;
use crate::domain::time::ago;
use crate::practice::{Answers, Question};
use crate::store::backup::snapshot_time;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, UP, b, k};
use crate::tui::popup::{Confirmed, Popup};
use crate::tui::screens::list::{selectable_list, step};
use crate::tui::screens::{centered, panel};

/// This box's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Snapshots, &[UP, k('k')], Action::Up, "newer", false),
    b(Context::Snapshots, &[DOWN, k('j')], Action::Down, "older", false),
    b(Context::Snapshots, &[ENTER], Action::Open, "restore from it", true)
        .about("restore the record from the snapshot selected (asks first, naming what it takes away)"),
    b(Context::Snapshots, &[ESC], Action::Back, "close", true),
];

pub fn update(popup: &mut Popup, ctx: &Ctx, action: Action) -> Outcome {
    let Popup::Snapshots { client, snapshots, selected } = popup else { return Outcome::none() };
    match action {
        Action::Up | Action::Down => *selected = step(*selected, snapshots.len(), action == Action::Down),
        Action::Open => {
            let Some(snapshot) = snapshots.get(*selected).cloned() else { return Outcome::go(Go::Close) };
            if let Err(refused) = ctx.writable(client.as_str()) {
                return refused.into();
            }
            // The core asks first; its question comes back as a box.
            let restore = Effect::Restore { client: client.clone(), snapshot, answers: Answers::none() };
            return Outcome::effect(restore).and_go(Go::Close);
        }
        Action::Back => return Outcome::go(Go::Close),
        _ => {}
    }
    Outcome::none()
}

/// How a snapshot is listed: when it was taken, how long ago, and what
/// it was kept before ("before a restore").
pub fn row(name: &str, ctx: &Ctx) -> String {
    let Some(at) = snapshot_time(name) else { return name.to_string() };
    let before = name.get(17..).and_then(|t| t.strip_prefix("-before-")).and_then(|t| t.split('-').next());
    let kept = before.map(|w| format!(" · kept before a {w}")).unwrap_or_default();
    format!("{} · {}{kept}", at.format("%a %-d %b %Y %H:%M"), ago(at.date(), ctx.now.date()))
}

pub fn view(popup: &Popup, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let Popup::Snapshots { client, snapshots, selected } = popup else { return };
    let name = ctx.roster.entry(client.as_str()).map_or(client.as_str(), |e| e.name());
    let r = centered(area, 64, (snapshots.len() as u16 + 2).clamp(4, 14));
    frame.render_widget(Clear, r);
    let title = format!("Restore {name}'s record from");
    let block = panel(crate::fit::fit(&title, usize::from(r.width.saturating_sub(4))), true, ctx.theme);
    if snapshots.is_empty() {
        frame.render_widget(Paragraph::new("No snapshot holds this record.").block(block), r);
        return;
    }
    let inner = block.inner(r);
    frame.render_widget(block, r);
    selectable_list(frame, inner, snapshots.len(), (*selected).min(snapshots.len() - 1), ctx.theme, |i| {
        row(&snapshots[i], ctx)
    });
}

/// The snapshots holding `client`'s record came back from the store: the
/// box listing them, or what the status line says when there are none.
pub fn listed(ctx: &Ctx, client: ClientId, snapshots: Result<Vec<String>, String>) -> Outcome {
    match snapshots {
        Err(e) => Outcome::error(e),
        Ok(names) if names.is_empty() => {
            let name = ctx.roster.entry(client.as_str()).map_or(client.as_str(), |e| e.name());
            Outcome::info(format!(
                "No snapshot holds {name}'s record yet; `rapport backup` takes one of the whole practice."
            ))
        }
        Ok(snapshots) => Outcome::go(Go::Popup(Popup::Snapshots { client, snapshots, selected: 0 })),
    }
}

/// The box that asks the core's `questions` before the record is
/// restored; yes restores it with them answered. None when nothing is asked.
pub fn ask_before_restoring(
    ctx: &Ctx,
    questions: Vec<Question>,
    client: ClientId,
    snapshot: String,
    answers: Answers,
) -> Option<Popup> {
    questions.first()?;
    let said: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let (yes, no) = (ctx.key_for(Context::Confirm, Action::Yes), ctx.key_for(Context::Confirm, Action::No));
    let question = format!("{} {yes} restores it, {no} leaves the record as it is.", said.join(" "));
    let answers = answers.and(questions.iter().map(|q| q.ask));
    Some(Popup::Confirm { question, on_yes: Confirmed::Restore { client, snapshot, answers } })
}
