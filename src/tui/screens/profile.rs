//! The client's profile (`p`): personal details, goals, watch-for items and
//! messages, each editable from the keyboard.

use crate::domain::ClientId;
use crate::domain::time::{ago, format_day};
use crate::domain::{ClientRecord, GoalStatus, name_within};
use crate::fit::{self, fit, fit_with_tail};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::TextInput;
use crate::tui::keys::{BACKTAB, Binding, Context, DOWN, ENTER, ESC, Key, TAB, UP, b, code, k};
use crate::tui::popup::{Confirmed, Popup};
use crate::tui::screens::list::{selectable_list, step};
use crate::tui::screens::{fit_line, panel};
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use crate::domain::profile::{ItemKind as Part, ProfileChange, item_ids, item_text, parse_edit, parse_new};

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileView {
    pub client: ClientId,
    pub part: Part,
    pub selected: usize,
}

/// The rows of `part`, each at most `cols` wide: a long text is cut with
/// `…` before its date and state, which always show.
fn rows(r: &ClientRecord, part: Part, ctx: &Ctx, cols: usize) -> Vec<String> {
    let today = ctx.now.date();
    let shared = r.shared_numbers();
    match part {
        Part::Personal => r
            .personal
            .iter()
            .map(|p| {
                let date = p.date.map(|d| format!(", {}", format_day(d))).unwrap_or_default();
                let ask = if p.ask { "  [ask]" } else { "" };
                fit_with_tail(&p.text, &format!("{date}{ask}"), cols)
            })
            .collect(),
        Part::Goals => r
            .goals
            .iter()
            .map(|g| {
                let status = g.status.label();
                let agreed = if g.agreed { "agreed" } else { "not yet agreed" };
                let id = crate::domain::find::shown_id(g.id.as_str(), &shared);
                fit_with_tail(&format!("[{id}] {}", g.text), &format!(" ({status}, {agreed})"), cols)
            })
            .collect(),
        // A resolved item stays where it was, marked, so u can set it back.
        Part::WatchFor => r
            .watch_for
            .iter()
            .map(|w| match (w.resolved_on, &w.resolved_why) {
                (Some(d), why) => {
                    let why = why.as_ref().map(|w| format!(" (resolved: {w})")).unwrap_or_default();
                    fit_with_tail(&format!("{}{why}", w.text), &format!("  [resolved {}]", format_day(d)), cols)
                }
                (None, _) => fit(&w.text, cols).into_owned(),
            })
            .collect(),
        Part::Messages => r
            .contacts
            .iter()
            .rev()
            .map(|c| {
                let state = if c.awaits_reply() {
                    "AWAITING REPLY"
                } else if c.replied_at.is_some() {
                    "replied"
                } else {
                    "sent"
                };
                let said = format!("{} {}: {}", c.channel.label(), ago(c.at.date(), today), c.summary);
                fit_with_tail(&said, &format!(" [{state}]"), cols)
            })
            .collect(),
    }
}

pub fn view(v: &ProfileView, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(r) = ctx.roster.record(v.client.as_str()) else { return };
    let [title, contact, tabs, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1), Constraint::Min(3)])
            .areas(area);
    let c = &r.client;
    let cols = usize::from(title.width);
    let name = name_within(&c.name, c.preferred_name.as_deref(), cols.saturating_sub(fit::width("Profile · ")));
    let mut who = vec![Span::styled(format!("Profile · {name}"), theme.title())];
    if let Some(p) = &c.pronouns {
        who.push(Span::styled(format!(" · {p}"), theme.quiet()));
    }
    frame.render_widget(Paragraph::new(fit_line(Line::from(who), cols)), title);
    // How to reach them, the way they prefer first.
    let mut reach = Vec::new();
    if let Some(ch) = c.preferred_channel {
        reach.push(Span::styled(format!("prefers {}", ch.label()), theme.ask()));
    }
    for way in [&c.phone, &c.email].into_iter().flatten() {
        let sep = if reach.is_empty() { "" } else { " · " };
        reach.push(Span::styled(format!("{sep}{way}"), theme.quiet()));
    }
    if reach.is_empty() {
        let edit = ctx.key_for(Context::Clients, Action::EditClient);
        reach.push(Span::styled(
            format!("No contact details yet ({edit} on the client list adds them)."),
            theme.quiet(),
        ));
    }
    frame.render_widget(Paragraph::new(fit_line(Line::from(reach), cols)), contact);
    let tab_spans: Vec<Span> = Part::ALL
        .iter()
        .map(|p| {
            let label = format!(" {} ({}) ", p.title(), item_ids(r, *p).len());
            if *p == v.part { Span::styled(label, theme.selected()) } else { Span::raw(label) }
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(tab_spans)), tabs);

    let block = panel(v.part.title(), true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let items = rows(r, v.part, ctx, usize::from(inner.width));
    if items.is_empty() {
        let add = ctx.key_for(Context::Profile, Action::AddItem);
        let nothing = Line::styled(format!("Nothing yet. Press {add} to add one."), theme.quiet());
        frame.render_widget(Paragraph::new(nothing), inner);
        return;
    }
    selectable_list(frame, inner, items.len(), v.selected, theme, |i| items[i].clone());
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Profile, &[TAB], Action::NextField, "next part", true),
    b(Context::Profile, &[BACKTAB], Action::PrevField, "previous part", false),
    b(Context::Profile, &[UP, k('k')], Action::Up, "previous item", false),
    b(Context::Profile, &[DOWN, k('j')], Action::Down, "next item", false),
    b(Context::Profile, &[k('a')], Action::AddItem, "add", true),
    b(Context::Profile, &[k('g')], Action::Chart, "measures chart", false),
    b(Context::Profile, &[k('R')], Action::RestoreSnapshot, "restore", true)
        .about("restore this client's record from a snapshot (lists the snapshots holding it; asks first)"),
    b(Context::Profile, &[ESC], Action::Back, "back", true),
    b(Context::Profile, &[k('?')], Action::Help, "help", true),
    b(Context::ProfilePersonal, &[ENTER, k(' ')], Action::Toggle, "ask / not", true)
        .about("flip whether to ask about it next time"),
    b(Context::ProfilePersonal, &[k('e')], Action::EditItem, "edit", true).about("change the detail's words or date"),
    b(Context::ProfilePersonal, &[DELETE], Action::RemoveItem, "remove", true)
        .about("remove the detail, when it is outdated (asks first)"),
    b(Context::ProfileGoals, &[ENTER, k(' ')], Action::Toggle, "agreed / not", true)
        .about("flip whether the client agreed to the goal"),
    b(Context::ProfileGoals, &[k('e')], Action::EditItem, "edit", true).about("change the goal's words"),
    b(Context::ProfileGoals, &[k('d')], Action::GoalAchieved, "achieved / not", true)
        .about("goal achieved (on an achieved goal: active again)"),
    b(Context::ProfileGoals, &[k('x')], Action::GoalDropped, "drop / not", true)
        .about("drop the goal, it stays in the record (on a dropped goal: active again)"),
    b(Context::ProfileGoals, &[DELETE], Action::RemoveItem, "remove", false)
        .about("not for goals: x drops one, and it stays in the record"),
    b(Context::ProfileWatch, &[k('e')], Action::EditItem, "edit", true).about("change the item's words"),
    b(Context::ProfileWatch, &[k('r'), DELETE], Action::RemoveItem, "resolve", true)
        .about("resolve the item: out of the review, kept in the record (u sets it back)"),
    b(Context::ProfileWatch, &[k('u')], Action::ReopenItem, "set back", true)
        .about("set a resolved item back (undoes a resolve)"),
    b(Context::ProfileMessages, &[ENTER, k(' ')], Action::Toggle, "replied / not", true)
        .about("flip whether you have replied (takes back a mistaken reply)"),
    b(Context::ProfileMessages, &[DELETE], Action::RemoveItem, "remove", true)
        .about("remove a message logged by mistake (asks first)"),
];

/// The Delete key.
const DELETE: Key = code(KeyCode::Delete);

// ---- Keys -------------------------------------------------------------------

/// The profile of `client`, on `part`'s item `selected`.
pub fn open(client: ClientId, part: Part, selected: usize) -> ProfileView {
    ProfileView { client, part, selected }
}

/// The client whose record the profile needs, while it is not loaded.
pub fn wants(v: &ProfileView, ctx: &Ctx) -> Option<ClientId> {
    ctx.roster.unloaded(v.client.as_str())
}

pub fn update(v: &mut ProfileView, ctx: &Ctx, action: Action) -> Outcome {
    let Some(r) = ctx.roster.record(v.client.as_str()) else {
        return if action == Action::Back { Outcome::go(Go::Back) } else { Outcome::none() };
    };
    let ids = item_ids(r, v.part);
    v.selected = v.selected.min(ids.len().saturating_sub(1));
    let selected = ids.get(v.selected).cloned();
    let client = v.client.clone();
    // A change, a box or a question: each only for a client that may be changed.
    let writable = || ctx.writable(client.as_str());
    let change = match (&action, v.part, selected) {
        (Action::Up | Action::Down, ..) => {
            v.selected = step(v.selected, ids.len(), action == Action::Down);
            return Outcome::none();
        }
        (Action::NextField | Action::PrevField, ..) => {
            let i = Part::ALL.iter().position(|p| *p == v.part).unwrap_or(0);
            let n = Part::ALL.len();
            v.part = Part::ALL[if action == Action::NextField { (i + 1) % n } else { (i + n - 1) % n }];
            v.selected = 0;
            return Outcome::none();
        }
        (Action::AddItem, part, _) => {
            if let Err(refused) = writable() {
                return refused.into();
            }
            let input = Box::new(TextInput::one_line(""));
            return Outcome::go(Go::Popup(Popup::AddItem { client, part, editing: None, input }));
        }
        (Action::EditItem, part, Some(id)) => {
            let Some(text) = item_text(r, part, &id) else {
                let remove = ctx.key_for(Context::ProfileMessages, Action::RemoveItem);
                return Outcome::info(format!(
                    "A message stays as it was logged; {remove} removes one logged by mistake."
                ));
            };
            if let Err(refused) = writable() {
                return refused.into();
            }
            let input = Box::new(TextInput::one_line(&text));
            return Outcome::go(Go::Popup(Popup::AddItem { client, part, editing: Some(id), input }));
        }
        (Action::Toggle, Part::Personal, Some(id)) => {
            let ask = r.personal.iter().find(|p| p.id.as_str() == id).is_some_and(|p| p.ask);
            ProfileChange::SetAsk { id, ask: !ask }
        }
        (Action::Toggle, Part::Goals, Some(id)) => {
            let agreed = r.goals.iter().find(|g| g.id.as_str() == id).is_some_and(|g| g.agreed);
            ProfileChange::SetAgreed { id, agreed: !agreed }
        }
        (Action::Toggle, Part::Messages, Some(id)) => match r.contacts.iter().find(|c| c.id.as_str() == id) {
            Some(c) if c.awaits_reply() => ProfileChange::Replied(id),
            Some(c) if c.replied_at.is_some() => ProfileChange::NotReplied(id),
            _ => return Outcome::info("A message you sent needs no reply."),
        },
        (Action::RemoveItem, Part::Goals, Some(_)) => {
            let drop = ctx.key_for(Context::ProfileGoals, Action::GoalDropped);
            return Outcome::info(format!("Goals are not removed: {drop} drops one, and it stays in the record."));
        }
        // Never erased: a box names the item (so a slip of the arrow keys
        // shows) and takes why, if said; u sets it back.
        (Action::RemoveItem, Part::WatchFor, Some(id)) => {
            if r.watch_for.iter().any(|w| w.id.as_str() == id && w.is_resolved()) {
                let undo = ctx.key_for(Context::ProfileWatch, Action::ReopenItem);
                return Outcome::info(format!("{id} is resolved already; {undo} sets it back."));
            }
            if let Err(refused) = writable() {
                return refused.into();
            }
            let text = item_text(r, Part::WatchFor, &id).unwrap_or_default();
            return Outcome::go(Go::Popup(Popup::ResolveWatch {
                client: v.client.clone(),
                id,
                text,
                input: Box::new(crate::tui::input::TextInput::one_line("")),
            }));
        }
        (Action::ReopenItem, Part::WatchFor, Some(id)) => {
            if !r.watch_for.iter().any(|w| w.id.as_str() == id && w.is_resolved()) {
                let resolve = ctx.key_for(Context::ProfileWatch, Action::RemoveItem);
                return Outcome::info(format!("{id} is not resolved: {resolve} resolves it."));
            }
            ProfileChange::Reopen(id)
        }
        (Action::RemoveItem, part, Some(id)) => {
            // The question names the item, so a slip of the arrow keys shows.
            let text = match part {
                Part::Messages => r.contacts.iter().find(|c| c.id.as_str() == id).map(|c| c.summary.clone()),
                _ => item_text(r, part, &id),
            };
            if let Err(refused) = writable() {
                return refused.into();
            }
            let (yes, no) = (ctx.key_for(Context::Confirm, Action::Yes), ctx.key_for(Context::Confirm, Action::No));
            let question = format!(
                "Remove \"{}\" from {}? {yes} removes it, {no} keeps it.",
                fit(&text.unwrap_or_default(), 80),
                part.title()
            );
            let on_yes = Confirmed::RemoveItem { client, part, id };
            return Outcome::go(Go::Popup(Popup::Confirm { question, on_yes }));
        }
        (Action::GoalAchieved | Action::GoalDropped, Part::Goals, Some(id)) => {
            let to = if action == Action::GoalAchieved { GoalStatus::Achieved } else { GoalStatus::Dropped };
            let now = r.goals.iter().find(|g| g.id.as_str() == id).map_or(GoalStatus::Active, |g| g.status);
            ProfileChange::SetGoalStatus { id, status: now.marked(to) }
        }
        (Action::Back, ..) => return Outcome::go(Go::Back),
        (Action::Chart, ..) => return Outcome::go(Go::Chart { client }),
        // Listed by the store worker; the box opens when they come back.
        (Action::RestoreSnapshot, ..) => {
            return match writable() {
                Ok(()) => Outcome::effect(Effect::ListSnapshots { client }),
                Err(refused) => refused.into(),
            };
        }
        _ => return Outcome::none(),
    };
    match writable() {
        Ok(()) => Outcome::effect(Effect::ChangeProfile { client, change }),
        Err(refused) => refused.into(),
    }
}
