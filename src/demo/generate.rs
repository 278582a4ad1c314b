//! `rapport demo generate`: a large, realistic, deterministic practice for
//! measuring speed, written in exactly the format the app stores.

use std::path::Path;

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDateTime, Timelike};

use crate::domain::{Channel, ClientProfile, ClientRecord, Direction, GoalStatus, NewSession, TaskStatus, slug};
use crate::progress::{Progress, Steps};
use crate::store::Store;

const FIRST: &[&str] = &[
    "Ada", "Aisha", "Alex", "Amir", "Anna", "Ben", "Bilal", "Carla", "Chen", "Chloe", "Daniel", "Dara", "Elena",
    "Emeka", "Erik", "Fatima", "Felix", "Grace", "Hannah", "Hugo", "Ines", "Isaac", "Jade", "James", "Jonas", "Kai",
    "Kemi", "Lara", "Leo", "Lina", "Luca", "Maria", "Mark", "Maya", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya",
    "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom", "Uma", "Vera", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Becker",
    "Brennan",
    "Castillo",
    "Chowdhury",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jansen",
    "Kaur",
    "Kowalski",
    "Lindqvist",
    "López",
    "Mahmoud",
    "Meyer",
    "Nakamura",
    "Novak",
    "Okafor",
    "O'Neill",
    "Petrov",
    "Quinn",
    "Raman",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Thompson",
    "Usman",
    "Varga",
    "Weiss",
    "Williams",
    "Xu",
    "Yilmaz",
    "Zielinski",
];
const TOPICS: &[&str] = &[
    "sleep",
    "work stress",
    "grief",
    "anger",
    "family conflict",
    "self-worth",
    "panic attacks",
    "avoidance",
    "relationship",
    "loneliness",
    "perfectionism",
    "boundaries",
    "motivation",
    "body image",
    "parenting",
    "money worries",
    "health anxiety",
    "transitions",
    "trauma memories",
    "drinking",
    "social anxiety",
    "procrastination",
    "identity",
    "rumination",
    "exam stress",
    "burnout",
    "jealousy",
    "decision making",
    "retirement",
    "new baby",
];
const SENTENCES: &[&str] = &[
    "We began with how the week had been, and the client said it was mixed.",
    "They described a difficult conversation with their manager on Tuesday.",
    "We returned to the pattern of avoiding phone calls and what it protects them from.",
    "There was a long pause when the subject of their father came up, and I let it sit.",
    "They reported sleeping better on the nights they kept to the routine.",
    "I reflected that they seemed more settled than last time; they agreed, cautiously.",
    "We practised the grounding exercise together and they rated their anxiety before and after.",
    "They were tearful talking about the anniversary and said it helped to say it aloud.",
    "We looked at the thought record and found two examples of all-or-nothing thinking.",
    "They want to try asking for help at home, which feels new and risky.",
    "We agreed to keep the focus on small, specific steps rather than the whole problem.",
    "They laughed when describing the family dinner, but the laugh did not reach their eyes.",
    "I checked in about risk; they said there were no thoughts of harm this week.",
    "They found the breathing exercise awkward at first but used it twice at work.",
    "We mapped what happens in the hour before an argument, step by step.",
    "They noticed the inner critic most in the evenings, when tired.",
    "We discussed what a good enough week would look like, in their own words.",
    "They brought a list of questions, which we worked through in order.",
    "Towards the end we came back to the plan and adjusted it together.",
    "They said the pace of the sessions feels right for now.",
];
const FEEDBACK: &[&str] = &[
    "the exercise helped more than expected",
    "felt rushed at the end",
    "likes having something written down",
    "the homework felt like a chore",
    "it helps to say it out loud",
    "wants more practical tools",
    "the plan feels right",
    "not sure the last task was for them",
    "liked ending on something positive",
];
const OBSERVATIONS: &[&str] = &[
    "long silence after mentioning home",
    "fidgeted when work came up",
    "little eye contact at first",
    "relaxed noticeably towards the end",
    "spoke quickly, checked the time often",
    "tearful but steady",
];
const TASKS: &[&str] = &[
    "keep a sleep diary",
    "one walk a day",
    "write down three worries and park them",
    "try the breathing before bed",
    "call a friend this week",
    "notice the inner critic and name it",
    "one small act of kindness to self",
    "take a proper lunch break",
    "practise saying no once",
    "write a letter (not to send)",
];
const PERSONAL: &[&str] = &[
    "daughter starts school",
    "plays in a brass band",
    "training for a half marathon",
    "keeps bees",
    "sister's wedding",
    "new puppy",
    "moving house",
    "grandmother in hospital",
    "starts a new job",
    "choir concert",
];

/// What to generate.
pub struct Spec {
    pub clients: usize,
    pub sessions: usize,
    pub seed: u64,
}

/// Writes a practice of `spec.clients` clients with `spec.sessions` weekly
/// sessions each into the empty folder `out`, dated up to `now`, telling
/// `progress` client by client.
pub fn generate(out: &Path, spec: &Spec, now: NaiveDateTime, progress: &mut dyn Progress) -> Result<usize> {
    let store = Store::open(out)?;
    if !store.client_ids()?.is_empty() {
        bail!("{} already holds clients; generate into an empty folder", out.display());
    }
    if spec.clients == 0 || spec.clients > 100_000 || spec.sessions > 5_000 {
        bail!("use 1 to 100000 clients and 0 to 5000 sessions each");
    }
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let now = now.with_second(0).unwrap_or(now);
    let mut written = 0;
    let mut steps = Steps::new(spec.clients, progress);
    for i in 0..spec.clients {
        let name = format!("{} {}", rng.choice(FIRST).unwrap(), rng.choice(LAST).unwrap());
        let id = crate::domain::ClientId::new(format!("{}-{i:05}", slug(&name)));
        let profile = ClientProfile {
            name,
            preferred_name: None,
            pronouns: Some(["she/her", "he/him", "they/them"][rng.usize(0..3)].into()),
            phone: Some(format!("07700 9{:05}", rng.u32(0..100_000))),
            email: None,
            preferred_channel: None,
        };
        let hour = 9 + rng.i64(0..8);
        let weekday_offset = rng.i64(1..8);
        let first_weekly = (now - Duration::days(weekday_offset)).date().and_hms_opt(hour as u32, 0, 0).unwrap_or(now);
        // Some clients finished long ago; most are current.
        // A full-time caseload is some 35 current clients; the rest of a
        // career's clients finished, some long ago.
        let ended_weeks_ago = if rng.u32(0..1000) < 25 { 0 } else { rng.i64(1..1500) };
        let last = first_weekly - Duration::weeks(ended_weeks_ago);
        let first = last - Duration::weeks(spec.sessions as i64);
        let mut r = ClientRecord::new(id, profile, first.date());
        for s in 0..spec.sessions {
            let at = first + Duration::weeks(s as i64 + 1);
            let mut notes = String::new();
            let target = rng.usize(1000..3000);
            while notes.len() < target {
                notes.push_str(rng.choice(SENTENCES).unwrap());
                notes.push(' ');
            }
            let note = NewSession {
                at: Some(at),
                minutes: Some(50),
                topics: (0..rng.usize(1..4)).map(|_| rng.choice(TOPICS).unwrap().to_string()).collect(),
                feedback: (0..rng.usize(0..2)).map(|_| rng.choice(FEEDBACK).unwrap().to_string()).collect(),
                observations: (0..rng.usize(0..2)).map(|_| rng.choice(OBSERVATIONS).unwrap().to_string()).collect(),
                tasks: (0..rng.usize(0..2)).map(|_| rng.choice(TASKS).unwrap().to_string()).collect(),
                personal: if rng.u8(0..8) == 0 { vec![rng.choice(PERSONAL).unwrap().to_string()] } else { vec![] },
                plan: format!("pick up {}", rng.choice(TOPICS).unwrap()),
                notes: notes.trim_end().to_string(),
                appointment: None,
                ..Default::default()
            };
            r.add_session(note, at)?;
        }
        let open_from = r.tasks.len().saturating_sub(2);
        for (j, t) in r.tasks.iter_mut().enumerate().take(open_from) {
            t.status = if j % 4 == 3 { TaskStatus::Dropped } else { TaskStatus::Done };
            t.closed_on = Some(t.set_on + Duration::days(7));
        }
        for g in 0..rng.usize(1..4) {
            let id =
                r.add_goal(format!("goal {} about {}", g + 1, rng.choice(TOPICS).unwrap()), rng.bool(), first.date());
            if rng.u8(0..4) == 0 {
                r.set_goal_status(&id, GoalStatus::Achieved)?;
            }
        }
        if rng.u8(0..3) == 0 {
            r.add_watch_for(format!("go gently with {}", rng.choice(TOPICS).unwrap()), first.date());
        }
        for _ in 0..rng.usize(0..4) {
            let at = last - Duration::hours(rng.i64(1..24 * 60));
            let id = r.add_contact(
                at,
                *rng.choice(&[Channel::Text, Channel::Email, Channel::Phone, Channel::Voicemail]).unwrap(),
                Direction::Incoming,
                "asked about the next appointment".into(),
            );
            if rng.u8(0..5) != 0 {
                r.mark_replied(&id, at + Duration::hours(2))?;
            }
        }
        if ended_weeks_ago == 0 {
            r.schedule(last + Duration::weeks(1), 50, 3)?;
        } else {
            r.client.archived = rng.u8(0..2) == 0;
        }
        store.import(&r)?;
        written += 1;
        steps.one();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;
    use crate::progress::Quiet;

    #[test]
    fn the_same_seed_gives_the_same_practice() {
        let spec = Spec { clients: 5, sessions: 4, seed: 7 };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &spec, dt("2026-11-26 09:00"), &mut Quiet).unwrap();
        generate(b.path(), &spec, dt("2026-11-26 09:00"), &mut Quiet).unwrap();
        let read = |d: &Path| {
            let s = Store::open(d).unwrap();
            s.load_all().unwrap().into_iter().map(|f| f.record.unwrap()).collect::<Vec<_>>()
        };
        let (ra, rb) = (read(a.path()), read(b.path()));
        assert_eq!(ra, rb);
        assert_eq!(ra.len(), 5);
        assert!(ra.iter().all(|r| r.sessions.len() == 4));
        let note = &ra[0].sessions[0].notes;
        assert!((1000..3200).contains(&note.len()), "note of {} bytes", note.len());
        assert!(
            generate(a.path(), &spec, dt("2026-11-26 09:00"), &mut Quiet).is_err(),
            "never into a folder with clients"
        );
    }
}
