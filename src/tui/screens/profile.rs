//! The client's profile (`p`): personal details, goals, watch-for items and
//! messages, each editable from the keyboard.

use crate::domain::ClientId;
use crate::domain::time::{ago, format_day};
use crate::domain::{ClientRecord, name_within};
use crate::fit::{self, fit, fit_with_tail};
use crate::tui::action::{Action, Effect};
use crate::tui::input::TextInput;
use crate::tui::keys::{BACKTAB, Binding, Context, DOWN, ENTER, ESC, Key, TAB, UP, b, code, k};
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::clients::selectable_list;
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
fn rows(r: &ClientRecord, part: Part, m: &Model, cols: usize) -> Vec<String> {
    let today = m.now.date();
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
                fit_with_tail(&format!("[{}] {}", g.id, g.text), &format!(" ({status}, {agreed})"), cols)
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
                let said = format!("{} {}: {}", c.channel.label(), ago(c.at.date(), today), c.summary);
                fit_with_tail(&said, &format!(" [{state}]"), cols)
            })
            .collect(),
    }
}

pub fn view(frame: &mut Frame, area: Rect, m: &Model, v: &ProfileView) {
    let theme = &m.theme;
    let Some(r) = m.record(v.client.as_str()) else { return };
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
        reach.push(Span::styled("No contact details yet (e on the client list adds them).", theme.quiet()));
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
    let items = rows(r, v.part, m, usize::from(inner.width));
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
    b(Context::Profile, &[k('g')], Action::Chart, "measures chart", false),
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
    b(Context::ProfileGoals, &[k('d')], Action::GoalAchieved, "achieved", true).about("goal achieved"),
    b(Context::ProfileGoals, &[k('x')], Action::GoalDropped, "drop", true)
        .about("drop the goal (it stays in the record)"),
    b(Context::ProfileGoals, &[DELETE], Action::RemoveItem, "remove", false)
        .about("not for goals: x drops one, and it stays in the record"),
    b(Context::ProfileWatch, &[k('e')], Action::EditItem, "edit", true).about("change the item's words"),
    b(Context::ProfileWatch, &[DELETE], Action::RemoveItem, "remove", true).about("remove the item (asks first)"),
    b(Context::ProfileMessages, &[ENTER, k(' ')], Action::Toggle, "replied / not", true)
        .about("flip whether you have replied (takes back a mistaken reply)"),
    b(Context::ProfileMessages, &[DELETE], Action::RemoveItem, "remove", true)
        .about("remove a message logged by mistake (asks first)"),
];

/// The Delete key.
const DELETE: Key = code(KeyCode::Delete);

// ---- Keys -------------------------------------------------------------------

pub(crate) fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let Screen::Profile(v) = &m.screen else { return vec![] };
    let mut v = v.clone();
    let Some(r) = m.record(v.client.as_str()) else {
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
            if writable(m, client.as_str()) {
                m.popup =
                    Some(Popup::AddItem { client, part, editing: None, input: Box::new(TextInput::one_line("")) });
            }
            return vec![];
        }
        (Action::EditItem, part, Some(id)) => {
            let client = v.client.clone();
            let text = item_text(r, part, &id);
            m.screen = Screen::Profile(v);
            match text {
                Some(text) if writable(m, client.as_str()) => {
                    let input = Box::new(TextInput::one_line(&text));
                    m.popup = Some(Popup::AddItem { client, part, editing: Some(id), input });
                }
                Some(_) => {}
                None => m.set_info("A message stays as it was logged; Delete removes one logged by mistake."),
            }
            return vec![];
        }
        (Action::Toggle, Part::Personal, Some(id)) => {
            let ask = r.personal.iter().find(|p| p.id.as_str() == id).is_some_and(|p| p.ask);
            Some(ProfileChange::SetAsk { id, ask: !ask })
        }
        (Action::Toggle, Part::Goals, Some(id)) => {
            let agreed = r.goals.iter().find(|g| g.id.as_str() == id).is_some_and(|g| g.agreed);
            Some(ProfileChange::SetAgreed { id, agreed: !agreed })
        }
        (Action::Toggle, Part::Messages, Some(id)) => match r.contacts.iter().find(|c| c.id.as_str() == id) {
            Some(c) if c.awaits_reply() => Some(ProfileChange::Replied(id)),
            Some(c) if c.replied_at.is_some() => Some(ProfileChange::NotReplied(id)),
            _ => {
                info = Some("A message you sent needs no reply.");
                None
            }
        },
        (Action::RemoveItem, Part::Goals, Some(_)) => {
            info = Some("Goals are not removed: x drops one, and it stays in the record.");
            None
        }
        (Action::RemoveItem, part, Some(id)) => {
            let client = v.client.clone();
            // The question names the item, so a slip of the arrow keys shows.
            let text = match part {
                Part::Messages => r.contacts.iter().find(|c| c.id.as_str() == id).map(|c| c.summary.clone()),
                _ => item_text(r, part, &id),
            };
            m.screen = Screen::Profile(v);
            if writable(m, client.as_str()) {
                m.popup = Some(Popup::Confirm {
                    question: format!(
                        "Remove \"{}\" from {}? y removes it, n keeps it.",
                        fit(&text.unwrap_or_default(), 80),
                        part.title()
                    ),
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
            m.screen = Screen::Profile(v);
            let chart = Screen::Chart(crate::tui::screens::chart::open(client));
            m.behind = Some(Box::new(std::mem::replace(&mut m.screen, chart)));
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
        Some(change) if writable(m, client.as_str()) => vec![Effect::ChangeProfile { client, change }],
        _ => vec![],
    }
}
