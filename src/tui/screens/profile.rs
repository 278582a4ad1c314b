//! The client's profile (`p`): personal details, goals, watch-for items and
//! messages, each editable from the keyboard.

use crate::domain::ClientId;
use crate::domain::ClientRecord;
use crate::domain::time::{ago, format_day};
use crate::tui::action::{Action, Effect};
use crate::tui::input::TextInput;
use crate::tui::keymap::{BACKTAB, Binding, Context, DOWN, ENTER, ESC, TAB, UP, b, code, k};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::clients::selectable_list;
use crate::tui::screens::panel;
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use crate::domain::profile::{ItemKind as Part, ProfileChange, item_ids, parse_new};

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileView {
    pub client: ClientId,
    pub part: Part,
    pub selected: usize,
}

fn rows(r: &ClientRecord, part: Part, m: &Model) -> Vec<String> {
    let today = m.now.date();
    match part {
        Part::Personal => r
            .personal
            .iter()
            .map(|p| {
                let date = p.date.map(|d| format!(", {}", format_day(d))).unwrap_or_default();
                let ask = if p.ask { "  [ask]" } else { "" };
                format!("{}{date}{ask}", p.text)
            })
            .collect(),
        Part::Goals => r
            .goals
            .iter()
            .map(|g| {
                let status = g.status.label();
                let agreed = if g.agreed { "agreed" } else { "not yet agreed" };
                format!("[{}] {} ({status}, {agreed})", g.id, g.text)
            })
            .collect(),
        Part::WatchFor => r.watch_for.iter().map(|w| w.text.clone()).collect(),
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
                format!("{} {}: {} [{state}]", c.channel.label(), ago(c.at.date(), today), c.summary)
            })
            .collect(),
    }
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model, v: &ProfileView) {
    let theme = &m.theme;
    let Some(r) = m.record(&v.client) else { return };
    let [title, tabs, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let c = &r.client;
    let mut who = vec![Span::styled(format!("Profile · {}", r.display_name()), theme.title())];
    for extra in [&c.pronouns, &c.phone, &c.email].into_iter().flatten() {
        who.push(Span::styled(format!(" · {extra}"), theme.quiet()));
    }
    frame.render_widget(Paragraph::new(Line::from(who)), title);
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
    let items = rows(r, v.part, m);
    if items.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled("Nothing yet. Press a to add one.", theme.quiet())), inner);
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
    b(Context::Profile, &[ENTER, k(' ')], Action::Toggle, "ask / agreed / replied", true)
        .about("flip the item: ask about it, client agreed, message replied"),
    b(Context::Profile, &[k('d')], Action::GoalAchieved, "goal achieved", true),
    b(Context::Profile, &[k('x')], Action::GoalDropped, "drop goal", false),
    b(
        Context::Profile,
        &[code(KeyCode::Delete)],
        Action::RemoveItem,
        "remove (asks first; goals are dropped instead)",
        false,
    ),
    b(Context::Profile, &[k('g')], Action::Chart, "measures chart", false),
    b(Context::Profile, &[ESC], Action::Back, "back", true),
    b(Context::Profile, &[k('?')], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Profile(v) = &m.screen else { return vec![] };
    let mut v = v.clone();
    let Some(r) = m.record(&v.client) else {
        if action == Action::Back {
            m.screen = home(m);
        }
        return vec![];
    };
    let ids = item_ids(r, v.part);
    v.selected = v.selected.min(ids.len().saturating_sub(1));
    let selected = ids.get(v.selected).cloned();
    let mut info = None;
    let change = match (&action, v.part, selected) {
        (Action::Up | Action::Down, ..) => {
            v.selected = step(v.selected, ids.len(), action == Action::Down);
            None
        }
        (Action::NextField | Action::PrevField, ..) => {
            let i = Part::ALL.iter().position(|p| *p == v.part).unwrap_or(0);
            let n = Part::ALL.len();
            v.part = Part::ALL[if action == Action::NextField { (i + 1) % n } else { (i + n - 1) % n }];
            v.selected = 0;
            None
        }
        (Action::AddItem, part, _) => {
            let client = v.client.clone();
            m.screen = Screen::Profile(v);
            if writable(m, &client) {
                m.popup = Some(Popup::AddItem { client, part, input: Box::new(TextInput::one_line("")) });
            }
            return vec![];
        }
        (Action::Toggle, Part::Personal, Some(id)) => {
            let ask = r.personal.iter().find(|p| p.id == id).is_some_and(|p| p.ask);
            Some(ProfileChange::SetAsk { id, ask: !ask })
        }
        (Action::Toggle, Part::Goals, Some(id)) => {
            let agreed = r.goals.iter().find(|g| g.id == id).is_some_and(|g| g.agreed);
            Some(ProfileChange::SetAgreed { id, agreed: !agreed })
        }
        (Action::Toggle, Part::Messages, Some(id)) => {
            if r.contacts.iter().any(|c| c.id == id && c.awaits_reply()) {
                Some(ProfileChange::Replied(id))
            } else {
                info = Some("That message needs no reply.");
                None
            }
        }
        (Action::RemoveItem, Part::Goals, Some(_)) => {
            info = Some("Goals are not removed: x drops one, and it stays in the record.");
            None
        }
        (Action::RemoveItem, part, Some(id)) => {
            let client = v.client.clone();
            m.screen = Screen::Profile(v);
            if writable(m, &client) {
                m.popup = Some(Popup::Confirm {
                    question: format!("Remove this item from {}? y removes it, n keeps it.", part.title()),
                    on_yes: Confirmed::RemoveItem { client, part, id },
                });
            }
            return vec![];
        }
        (Action::GoalAchieved, Part::Goals, Some(id)) => {
            Some(ProfileChange::SetGoalStatus { id, status: crate::domain::GoalStatus::Achieved })
        }
        (Action::GoalDropped, Part::Goals, Some(id)) => {
            Some(ProfileChange::SetGoalStatus { id, status: crate::domain::GoalStatus::Dropped })
        }
        (Action::Back, ..) => {
            m.screen = home(m);
            return vec![];
        }
        (Action::Chart, ..) => {
            let client = v.client.clone();
            crate::tui::screens::chart::open(m, &client, crate::tui::screens::chart::Back::Profile(v));
            return vec![];
        }
        _ => None,
    };
    let client = v.client.clone();
    m.screen = Screen::Profile(v);
    if let Some(info) = info {
        m.set_info(info);
    }
    match change {
        Some(change) if writable(m, &client) => vec![Effect::ChangeProfile { client, change }],
        _ => vec![],
    }
}
