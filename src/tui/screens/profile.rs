//! The client's profile (`p`): personal details, goals, watch-for items and
//! messages, each editable from the keyboard.

use crate::domain::time::{ago, format_day, parse_date, split_date};
use crate::domain::{Channel, ClientRecord, Direction, GoalStatus, RecordError};
use crate::tui::action::{Action, Effect};
use crate::tui::input::TextInput;
use crate::tui::model::{Confirmed, Model, Popup, Screen};
use crate::tui::nav::*;
use crate::tui::screens::clients::selectable_list;
use crate::tui::screens::panel;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The parts of the profile, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Personal,
    Goals,
    WatchFor,
    Messages,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Personal, Part::Goals, Part::WatchFor, Part::Messages];

    pub fn title(self) -> &'static str {
        match self {
            Part::Personal => "Personal",
            Part::Goals => "Goals",
            Part::WatchFor => "Watch for",
            Part::Messages => "Messages",
        }
    }

    /// What to type when adding one.
    pub fn add_hint(self) -> &'static str {
        match self {
            Part::Personal => "A personal detail; add a date as YYYY-MM-DD if it has one",
            Part::Goals => "A goal of the therapy plan",
            Part::WatchFor => "Something to go carefully with",
            Part::Messages => "Start with text:, email:, phone: or voicemail:, then what they said",
        }
    }

    /// What Enter does to the selected item.
    pub fn toggle_hint(self) -> &'static str {
        match self {
            Part::Personal => "ask about it / not",
            Part::Goals => "client agreed / not",
            Part::WatchFor => "",
            Part::Messages => "mark replied",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileView {
    pub client: String,
    pub part: Part,
    pub selected: usize,
}

/// A change the profile screen asks the store to make.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileChange {
    AddPersonal { text: String, date: Option<chrono::NaiveDate> },
    SetAsk { id: String, ask: bool },
    AddGoal(String),
    SetAgreed { id: String, agreed: bool },
    SetGoalStatus { id: String, status: GoalStatus },
    AddWatch(String),
    AddMessage { channel: Channel, summary: String },
    Replied(String),
    Remove { part: Part, id: String },
}

/// Makes `change` to the record; returns what to say about it.
pub fn apply(r: &mut ClientRecord, change: ProfileChange, now: chrono::NaiveDateTime) -> Result<String, RecordError> {
    let today = now.date();
    Ok(match change {
        ProfileChange::AddPersonal { text, date } => {
            let id = r.add_personal(text, date, true, today, None);
            format!("Noted {id}; flagged to ask about.")
        }
        ProfileChange::SetAsk { id, ask } => {
            r.set_personal_ask(&id, ask)?;
            if ask { "Will ask about it next time.".into() } else { "No longer flagged to ask about.".into() }
        }
        ProfileChange::AddGoal(text) => format!("Added goal {}.", r.add_goal(text, false, today)),
        ProfileChange::SetAgreed { id, agreed } => {
            r.set_goal_agreed(&id, agreed)?;
            if agreed { format!("Goal {id}: the client agreed.") } else { format!("Goal {id}: not yet agreed.") }
        }
        ProfileChange::SetGoalStatus { id, status } => {
            r.set_goal_status(&id, status)?;
            let word = status.label();
            format!("Goal {id} marked {word}.")
        }
        ProfileChange::AddWatch(text) => format!("Noted {} to watch for.", r.add_watch_for(text, today)),
        ProfileChange::AddMessage { channel, summary } => {
            let id = r.add_contact(now, channel, Direction::Incoming, summary);
            format!("Logged {id}: {} awaiting a reply.", channel.label())
        }
        ProfileChange::Replied(id) => {
            r.mark_replied(&id, now)?;
            format!("Message {id} marked as replied.")
        }
        ProfileChange::Remove { part, id } => {
            let kind = match part {
                Part::Personal => "personal",
                Part::WatchFor => "watch",
                Part::Messages => "contact",
                Part::Goals => "goal",
            };
            r.remove_item(kind, &id)?;
            format!("Removed it from {}.", part.title())
        }
    })
}

/// The ids of the items shown in `part`, in order.
pub fn item_ids(r: &ClientRecord, part: Part) -> Vec<String> {
    match part {
        Part::Personal => r.personal.iter().map(|p| p.id.clone()).collect(),
        Part::Goals => r.goals.iter().map(|g| g.id.clone()).collect(),
        Part::WatchFor => r.watch_for.iter().map(|w| w.id.clone()).collect(),
        Part::Messages => r.contacts.iter().rev().map(|c| c.id.clone()).collect(),
    }
}

/// Reads what was typed to add an item to `part`.
pub fn parse_new(part: Part, text: &str) -> Result<ProfileChange, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type something first, or Esc to cancel.".into());
    }
    Ok(match part {
        Part::Personal => {
            let (text, date) = split_date(text);
            if date.is_none()
                && text.split_whitespace().any(|w| w.len() == 10 && parse_date(w).is_err() && w.contains('-'))
            {
                return Err(format!("'{text}' has a date that does not exist; write it as YYYY-MM-DD"));
            }
            ProfileChange::AddPersonal { text, date }
        }
        Part::Goals => ProfileChange::AddGoal(text.into()),
        Part::WatchFor => ProfileChange::AddWatch(text.into()),
        Part::Messages => {
            let (channel, summary) = text
                .split_once(':')
                .and_then(|(c, s)| {
                    let channel = match c.trim().to_lowercase().as_str() {
                        "text" | "sms" => Channel::Text,
                        "email" | "mail" => Channel::Email,
                        "phone" | "call" => Channel::Phone,
                        "voicemail" | "vm" => Channel::Voicemail,
                        _ => return None,
                    };
                    Some((channel, s.trim().to_string()))
                })
                .ok_or("Start with text:, email:, phone: or voicemail:, e.g. 'voicemail: can we move Monday?'")?;
            if summary.is_empty() {
                return Err("Say what the message was about after the colon.".into());
            }
            ProfileChange::AddMessage { channel, summary }
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_says_its_channel_first() {
        assert_eq!(
            parse_new(Part::Messages, "Voicemail: can we move Monday?"),
            Ok(ProfileChange::AddMessage { channel: Channel::Voicemail, summary: "can we move Monday?".into() })
        );
        assert!(parse_new(Part::Messages, "pigeon: hello").unwrap_err().contains("Start with text:"));
    }

    #[test]
    fn a_personal_detail_takes_its_date() {
        assert_eq!(
            parse_new(Part::Personal, "Mia's party 2026-11-21"),
            Ok(ProfileChange::AddPersonal {
                text: "Mia's party".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 21)
            })
        );
        assert!(parse_new(Part::Personal, "party 2026-02-30").unwrap_err().contains("does not exist"));
        assert!(parse_new(Part::Goals, "  ").is_err());
    }
}
