//! The profile: personal details, goals, watch-for items and messages, and
//! the changes a therapist makes to them (from the app's profile screen).

use super::time::{impossible_date, split_date};
use super::{Channel, ClientRecord, Direction, GoalStatus, RecordError};

/// The kinds of item a profile holds, in the order the profile shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Personal,
    Goals,
    WatchFor,
    Messages,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [ItemKind::Personal, ItemKind::Goals, ItemKind::WatchFor, ItemKind::Messages];

    pub fn title(self) -> &'static str {
        match self {
            ItemKind::Personal => "Personal",
            ItemKind::Goals => "Goals",
            ItemKind::WatchFor => "Watch for",
            ItemKind::Messages => "Messages",
        }
    }

    /// What to type when adding one.
    pub fn add_hint(self) -> &'static str {
        match self {
            ItemKind::Personal => "A personal detail; add a date as YYYY-MM-DD if it has one",
            ItemKind::Goals => "A goal of the therapy plan",
            ItemKind::WatchFor => "Something to go carefully with",
            ItemKind::Messages => "Start with text:, email:, phone: or voicemail:, then what they said",
        }
    }

    /// What Enter does to the selected item.
    pub fn toggle_hint(self) -> &'static str {
        match self {
            ItemKind::Personal => "ask about it / not",
            ItemKind::Goals => "client agreed / not",
            ItemKind::WatchFor => "",
            ItemKind::Messages => "replied / not",
        }
    }
}

/// A change to the profile: what the profile screen asks the store to make.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileChange {
    AddPersonal {
        text: String,
        date: Option<chrono::NaiveDate>,
    },
    SetAsk {
        id: String,
        ask: bool,
    },
    AddGoal(String),
    SetAgreed {
        id: String,
        agreed: bool,
    },
    SetGoalStatus {
        id: String,
        status: GoalStatus,
    },
    AddWatch(String),
    AddMessage {
        channel: Channel,
        summary: String,
    },
    Replied(String),
    /// Marked replied by mistake: it awaits a reply again.
    NotReplied(String),
    Remove {
        part: ItemKind,
        id: String,
    },
    /// A watch-for item resolved: it stays in the record, out of the review.
    /// A watch-for item resolved, with why if said.
    Resolve {
        id: String,
        why: Option<String>,
    },
    /// A resolved watch-for item set back (a resolve taken back).
    Reopen(String),
    /// New words for a personal detail (with its date), goal or watch-for item.
    Edit {
        part: ItemKind,
        id: String,
        text: String,
        date: Option<chrono::NaiveDate>,
    },
}

impl ClientRecord {
    /// Makes `change` to the record; returns what to say about it.
    pub fn apply_profile_change(
        &mut self,
        change: ProfileChange,
        now: chrono::NaiveDateTime,
    ) -> Result<String, RecordError> {
        let r = self;
        let today = now.date();
        Ok(match change {
            ProfileChange::AddPersonal { text, date } => {
                r.check_new_personal(&text, date)?;
                let id = r.add_personal(text, date, true, today, None);
                format!("Noted {id}; flagged to ask about.")
            }
            ProfileChange::SetAsk { id, ask } => {
                r.set_personal_ask(&super::DetailId::new(id.as_str()), ask)?;
                if ask { "Will ask about it next time.".into() } else { "No longer flagged to ask about.".into() }
            }
            ProfileChange::AddGoal(text) => format!("Added goal {}.", r.add_goal(text, false, today)),
            ProfileChange::SetAgreed { id, agreed } => {
                r.set_goal_agreed(&super::GoalId::new(id.as_str()), agreed)?;
                if agreed { format!("Goal {id}: the client agreed.") } else { format!("Goal {id}: not yet agreed.") }
            }
            ProfileChange::SetGoalStatus { id, status } => {
                r.set_goal_status(&super::GoalId::new(id.as_str()), status)?;
                match status {
                    GoalStatus::Active => format!("Goal {id} is active again."),
                    _ => format!("Goal {id} marked {}.", status.label()),
                }
            }
            ProfileChange::AddWatch(text) => format!("Noted {} to watch for.", r.add_watch_for(text, today)),
            ProfileChange::AddMessage { channel, summary } => {
                let id = r.add_contact(now, channel, Direction::Incoming, summary);
                format!("Logged {id}: {} awaiting a reply.", channel.label())
            }
            ProfileChange::Replied(id) => {
                r.mark_replied(&super::ContactId::new(id.as_str()), now)?;
                format!("{}'s message {id} marked as replied.", r.called())
            }
            ProfileChange::NotReplied(id) => {
                r.unmark_replied(&super::ContactId::new(id.as_str()))?;
                format!("{}'s message {id} awaits a reply again.", r.called())
            }
            ProfileChange::Remove { part, id } => {
                let text = r.remove_item(part, &id)?;
                format!("Removed \"{}\" from {}.", crate::fit::fit(&text, 60), part.title())
            }
            ProfileChange::Resolve { id, why } => {
                let text = r.resolve_watch_for(&super::WatchId::new(id.as_str()), today, why)?;
                format!("Resolved {id} \"{}\": kept, out of the review.", crate::fit::fit(&text, 26))
            }
            ProfileChange::Reopen(id) => {
                let text = r.reopen_watch_for(&super::WatchId::new(id.as_str()))?;
                format!("Set {id} \"{}\" back: in the review again.", crate::fit::fit(&text, 30))
            }
            ProfileChange::Edit { part, id, text, date } => {
                r.edit_item(part, &id, &text, date)?;
                format!("Changed {id} in {}.", part.title())
            }
        })
    }
}

/// The ids of the items shown in `part`, in order.
pub fn item_ids(r: &ClientRecord, part: ItemKind) -> Vec<String> {
    match part {
        ItemKind::Personal => r.personal.iter().map(|p| p.id.to_string()).collect(),
        ItemKind::Goals => r.goals.iter().map(|g| g.id.to_string()).collect(),
        ItemKind::WatchFor => r.watch_for.iter().map(|w| w.id.to_string()).collect(),
        ItemKind::Messages => r.contacts.iter().rev().map(|c| c.id.to_string()).collect(),
    }
}

/// What an item says, as its box shows it for changing: a personal
/// detail's date is written after it as `YYYY-MM-DD`, as it is typed.
/// None for a message, which stays as it was logged.
pub fn item_text(r: &ClientRecord, part: ItemKind, id: &str) -> Option<String> {
    match part {
        ItemKind::Personal => r.personal.iter().find(|p| p.id.as_str() == id).map(|p| match p.date {
            Some(d) => format!("{} {}", p.text, d.format("%Y-%m-%d")),
            None => p.text.clone(),
        }),
        ItemKind::Goals => r.goals.iter().find(|g| g.id.as_str() == id).map(|g| g.text.clone()),
        ItemKind::WatchFor => r.watch_for.iter().find(|w| w.id.as_str() == id).map(|w| w.text.clone()),
        ItemKind::Messages => None,
    }
}

/// Reads the new words typed for item `id` of `part`, as [`parse_new`] reads them.
pub fn parse_edit(part: ItemKind, id: &str, text: &str) -> Result<ProfileChange, String> {
    let id = id.to_string();
    match parse_new(part, text)? {
        ProfileChange::AddPersonal { text, date } => Ok(ProfileChange::Edit { part, id, text, date }),
        ProfileChange::AddGoal(text) | ProfileChange::AddWatch(text) => {
            Ok(ProfileChange::Edit { part, id, text, date: None })
        }
        _ => Err("A message stays as it was logged; Delete removes one logged by mistake.".into()),
    }
}

/// Reads what was typed to add an item to `part`.
pub fn parse_new(part: ItemKind, text: &str) -> Result<ProfileChange, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type something first, or Esc to cancel.".into());
    }
    if let Some(why) = impossible_date(text) {
        return Err(format!("{why}."));
    }
    Ok(match part {
        ItemKind::Personal => {
            let (text, date) = split_date(text);
            ProfileChange::AddPersonal { text, date }
        }
        ItemKind::Goals => ProfileChange::AddGoal(text.into()),
        ItemKind::WatchFor => ProfileChange::AddWatch(text.into()),
        ItemKind::Messages => {
            let (channel, summary) = text
                .split_once(':')
                .and_then(|(c, s)| Some((Channel::parse(c)?, s.trim().to_string())))
                .ok_or("Start with text:, email:, phone: or voicemail:, e.g. 'voicemail: can we move Monday?'")?;
            if summary.is_empty() {
                return Err("Say what the message was about after the colon.".into());
            }
            ProfileChange::AddMessage { channel, summary }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_says_its_channel_first() {
        assert_eq!(
            parse_new(ItemKind::Messages, "Voicemail: can we move Monday?"),
            Ok(ProfileChange::AddMessage { channel: Channel::Voicemail, summary: "can we move Monday?".into() })
        );
        assert!(parse_new(ItemKind::Messages, "pigeon: hello").unwrap_err().contains("Start with text:"));
    }

    #[test]
    fn a_personal_detail_takes_its_date() {
        assert_eq!(
            parse_new(ItemKind::Personal, "Mia's party 2026-11-21"),
            Ok(ProfileChange::AddPersonal {
                text: "Mia's party".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 21)
            })
        );
        assert_eq!(
            parse_new(ItemKind::Personal, "exam 2026-02-30"),
            Err("2026-02-30 does not exist in the calendar: write a real date as YYYY-MM-DD, or leave it out.".into())
        );
        assert!(parse_new(ItemKind::Goals, "  ").is_err());
        // Words that only look a little like dates are words.
        assert!(parse_new(ItemKind::Personal, "well-being retreat").is_ok());
        assert!(parse_new(ItemKind::WatchFor, "phone 0770-090-01").is_ok());
    }

    #[test]
    fn an_item_is_changed_in_place_and_its_box_shows_its_date() {
        let mut r = ClientRecord::new(
            crate::domain::ClientId::new("ann-lee"),
            crate::domain::ClientProfile { name: "Ann Lee".into(), ..Default::default() },
            chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        );
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        r.add_personal("exam".into(), None, true, day, None);
        let change = parse_edit(ItemKind::Personal, "p1", "exam on Friday 2026-12-04").unwrap();
        let now = day.and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(r.apply_profile_change(change, now), Ok("Changed p1 in Personal.".into()));
        assert_eq!(r.personal[0].text, "exam on Friday");
        assert!(r.personal[0].ask, "what was flagged stays flagged");
        assert_eq!(item_text(&r, ItemKind::Personal, "p1").as_deref(), Some("exam on Friday 2026-12-04"));
        assert!(parse_edit(ItemKind::Personal, "p1", "exam 2026-02-30").is_err());
        assert!(parse_edit(ItemKind::Messages, "c1", "text: hello").is_err());
        assert!(r.edit_item(ItemKind::Personal, "p9", "x", None).is_err());
    }
}
