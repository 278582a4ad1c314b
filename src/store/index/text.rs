//! The searchable text of a client's record: one line per note, addendum,
//! task outcome and message, and one for details noted outside a session,
//! each named by its [`Place`].

use chrono::NaiveDate;

use crate::domain::bounds::is_valid_id;
use crate::domain::find::fold;
use crate::domain::{ClientRecord, ContactId, SessionId, TaskId};

fn one_line(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The searchable text of one session: its topics, feedback, observations,
/// the tasks and personal details it set, the plan and the notes, on one line.
pub fn session_text(r: &ClientRecord, s: &crate::domain::Session) -> String {
    // Every field named: one added to a note does not compile until it is
    // searchable or said not to be.
    let crate::domain::Session {
        id,
        topics,
        feedback,
        observations,
        plan,
        notes,
        assessment,
        intervention,
        // Facts, not words; addenda are lines of their own (`Place::Addendum`).
        at: _,
        minutes: _,
        appointment: _,
        finalised: _,
        addenda: _,
    } = s;
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(topics.iter().map(String::as_str));
    parts.extend(feedback.iter().map(String::as_str));
    parts.extend(observations.iter().map(String::as_str));
    parts.extend(r.tasks.iter().filter(|t| t.session.as_ref() == Some(id)).map(|t| t.text.as_str()));
    parts.extend(r.personal.iter().filter(|p| p.session.as_ref() == Some(id)).map(|p| p.text.as_str()));
    parts.push(plan);
    parts.push(assessment);
    parts.push(intervention);
    parts.push(notes);
    one_line(&parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · "))
}

/// The searchable text of tasks and personal details noted outside a session.
pub fn loose_text(r: &ClientRecord) -> String {
    let loose: Vec<&str> = r
        .tasks
        .iter()
        .filter(|t| t.session.is_none())
        .map(|t| t.text.as_str())
        .chain(r.personal.iter().filter(|p| p.session.is_none()).map(|p| p.text.as_str()))
        .collect();
    one_line(&loose.join(" · "))
}

/// Where in a client's record a line of searchable text stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A session's note, with the tasks and personal details it set.
    Note(SessionId),
    /// The n-th (from 1) addendum beneath a session's note.
    Addendum(SessionId, usize),
    /// The outcome noted for a task.
    Outcome(TaskId),
    /// A message logged from or to the client.
    Message(ContactId),
    /// Tasks and personal details noted outside a session.
    Profile,
}

impl Place {
    /// How the place is written in a shard line. Ids are `a-z`, `0-9` and
    /// `-` (see `is_valid_id`), so `+`, `:` and a lone `-` cannot be one.
    fn code(&self) -> String {
        match self {
            Place::Note(s) => s.to_string(),
            Place::Addendum(s, n) => format!("{s}+{n}"),
            Place::Outcome(t) => format!("outcome:{t}"),
            Place::Message(c) => format!("message:{c}"),
            Place::Profile => "-".into(),
        }
    }

    /// The place a shard line names, or None for one Rapport did not write.
    pub(crate) fn parse(code: &str) -> Option<Place> {
        let place = if code == "-" {
            Place::Profile
        } else if let Some(t) = code.strip_prefix("outcome:") {
            Place::Outcome(TaskId::new(t))
        } else if let Some(c) = code.strip_prefix("message:") {
            Place::Message(ContactId::new(c))
        } else if let Some((s, n)) = code.split_once('+') {
            Place::Addendum(SessionId::new(s), n.parse().ok().filter(|&n| n > 0)?)
        } else {
            Place::Note(SessionId::new(code))
        };
        let id = match &place {
            Place::Note(id) | Place::Addendum(id, _) => id.as_str(),
            Place::Outcome(id) => id.as_str(),
            Place::Message(id) => id.as_str(),
            Place::Profile => return Some(place),
        };
        is_valid_id(id).then_some(place)
    }

    /// Where a hit is, for a person: "s3", "addendum to s3", "outcome of
    /// t2", "message c4", "profile".
    pub fn label(&self) -> String {
        match self {
            Place::Note(s) => s.to_string(),
            Place::Addendum(s, 1) => format!("addendum to {s}"),
            Place::Addendum(s, n) => format!("addendum {n} to {s}"),
            Place::Outcome(t) => format!("outcome of {t}"),
            Place::Message(c) => format!("message {c}"),
            Place::Profile => "profile".into(),
        }
    }

    /// The text at this place in `r`, on one line; None when `r` has no such place.
    pub fn text(&self, r: &ClientRecord) -> Option<String> {
        Some(match self {
            Place::Note(s) => session_text(r, r.session(s)?),
            Place::Addendum(s, n) => one_line(&r.session(s)?.addenda.get(n.checked_sub(1)?)?.text),
            Place::Outcome(t) => one_line(r.tasks.iter().find(|x| x.id == *t)?.outcome.as_ref()?),
            Place::Message(c) => one_line(&r.contacts.iter().find(|x| x.id == *c)?.summary),
            Place::Profile => loose_text(r),
        })
    }

    /// The day of this place in `r`: its note's, addendum's or message's,
    /// the day its task closed (or was set), the client's first for their
    /// profile; None when `r` has no such place.
    pub fn date(&self, r: &ClientRecord) -> Option<NaiveDate> {
        Some(match self {
            Place::Note(s) => r.session(s)?.at.date(),
            Place::Addendum(s, n) => r.session(s)?.addenda.get(n.checked_sub(1)?)?.at.date(),
            Place::Outcome(t) => r.tasks.iter().find(|x| x.id == *t).map(|t| t.closed_on.unwrap_or(t.set_on))?,
            Place::Message(c) => r.contacts.iter().find(|x| x.id == *c)?.at.date(),
            Place::Profile => r.client.created,
        })
    }

    /// The session this place belongs to, if any: where a hit opens.
    pub fn session(&self, r: &ClientRecord) -> Option<SessionId> {
        match self {
            Place::Note(s) | Place::Addendum(s, _) => Some(s.clone()),
            Place::Outcome(t) => r.tasks.iter().find(|x| x.id == *t)?.session.clone(),
            Place::Message(_) | Place::Profile => None,
        }
    }
}

/// The searchable lines of a client, folded for matching (see
/// [`fold`]): one per session's note, addendum, task outcome and message,
/// and one for details noted outside a session.
/// `id \t place \t date \t text`
pub fn text_lines(r: &ClientRecord) -> Vec<String> {
    let mut places: Vec<Place> = Vec::new();
    for s in &r.sessions {
        places.push(Place::Note(s.id.clone()));
        places.extend((1..=s.addenda.len()).map(|n| Place::Addendum(s.id.clone(), n)));
    }
    places.extend(r.tasks.iter().filter(|t| t.outcome.is_some()).map(|t| Place::Outcome(t.id.clone())));
    places.extend(r.contacts.iter().map(|c| Place::Message(c.id.clone())));
    places.push(Place::Profile);
    let id = &r.client.id;
    places
        .into_iter()
        .filter_map(|place| {
            let text = place.text(r).filter(|t| !t.trim().is_empty())?;
            let date = place.date(r)?;
            Some(format!("{id}\t{}\t{}\t{}", place.code(), date.format("%Y-%m-%d"), fold(&text)))
        })
        .collect()
}
