//! A fictional practice for `rapport demo`: nine clients with a few months
//! of weekly sessions, tasks, personal details, goals, watch-for items,
//! measures, messages and upcoming appointments, all placed around `now`.

pub mod generate;
mod measures;

use anyhow::Result;
use chrono::{Duration, NaiveDateTime, Timelike};

use crate::domain::{Channel, ClientProfile, ClientRecord, Direction, NewSession, TaskStatus};
use crate::store::Store;

struct Person {
    name: &'static str,
    preferred: Option<&'static str>,
    pronouns: &'static str,
    topics: &'static [&'static str],
    feedback: &'static [&'static str],
    observations: &'static [&'static str],
    tasks: &'static [&'static str],
    plans: &'static [&'static str],
    personal: &'static [&'static str],
    /// (text, days before the next appointment) of a dated event.
    event: Option<(&'static str, i64)>,
    goals: &'static [(&'static str, bool)],
    watch: &'static [&'static str],
    /// (channel, hours ago, summary) of an unanswered message.
    message: Option<(Channel, i64, &'static str)>,
}

const PEOPLE: &[Person] = &[
    Person {
        name: "Maria López",
        preferred: Some("Mari"),
        pronouns: "she/her",
        topics: &["sleep", "worry at night", "work deadlines", "mother's health", "saying no"],
        feedback: &[
            "the breathing exercise helped on Tuesday",
            "the diary felt like a chore",
            "likes having a plan to look at",
        ],
        observations: &["fidgeted with her ring when work came up", "long pause before talking about her mother"],
        tasks: &["keep a sleep diary", "try the 4-7-8 breathing before bed", "write down three worries and park them"],
        plans: &["look at the sleep diary together", "start on worry time", "revisit boundaries at work"],
        personal: &["daughter Mia, 7", "plays trombone in a brass band"],
        event: Some(("Mia's birthday party", 2)),
        goals: &[("sleep through most nights", true), ("leave work by 6 three days a week", false)],
        watch: &["do not rush the topic of her mother's illness"],
        message: Some((Channel::Voicemail, 20, "asked whether Monday can move to 5pm")),
    },
    Person {
        name: "James Okafor",
        preferred: Some("Jim"),
        pronouns: "he/him",
        topics: &[
            "grief",
            "the funeral",
            "anger at his brother",
            "going back to the allotment",
            "memories of fishing trips",
        ],
        feedback: &["it helps to say it out loud", "felt rushed at the end last time"],
        observations: &["tearful when talking about the funeral", "silent for a minute after the brother came up"],
        tasks: &["visit the allotment once", "write a letter to Dad (not to send)"],
        plans: &["stay with the grief; no pushing", "talk about the brother when he is ready"],
        personal: &["grows leeks on his father's allotment", "supports Leeds United"],
        event: Some(("first anniversary of his father's death", 4)),
        goals: &[("be able to talk about Dad without shutting down", true)],
        watch: &["do not push on the father yet", "anniversary coming: check in on mood"],
        message: None,
    },
    Person {
        name: "Priya Raman",
        preferred: None,
        pronouns: "she/her",
        topics: &["burnout", "perfectionism", "team lead role", "rest without guilt"],
        feedback: &["the values exercise was eye-opening", "wants more practical tools"],
        observations: &["spoke fast, checked her phone twice", "relaxed noticeably when talking about climbing"],
        tasks: &["block one lunch break a day", "notice the inner critic and name it"],
        plans: &["look at what 'good enough' means", "plan a real day off"],
        personal: &["goes bouldering on Thursdays", "cat called Biscuit"],
        event: None,
        goals: &[("take a full weekend off each month", true)],
        watch: &[],
        message: Some((Channel::Email, 50, "sent an article about burnout, asks what you think")),
    },
    Person {
        name: "Tom Becker",
        preferred: None,
        pronouns: "he/him",
        topics: &["arguments with his partner", "moving in together", "money", "his own father's temper"],
        feedback: &["felt understood", "not sure the homework is for him"],
        observations: &["arms crossed most of the session", "laughed it off when money came up"],
        tasks: &["take a time-out when voices rise", "ask Sam how their week was, and listen"],
        plans: &["map what happens before an argument", "explore the link with his father"],
        personal: &["partner Sam", "training for a half marathon"],
        event: Some(("half marathon", -5)),
        goals: &[("fewer shouting matches at home", false)],
        watch: &["defensive about his father: go gently"],
        message: None,
    },
    Person {
        name: "Aisha Khan",
        preferred: None,
        pronouns: "she/her",
        topics: &["seminar presentations", "avoiding the library", "friends from home", "exam plan"],
        feedback: &["the exposure ladder makes sense", "liked ending with something positive"],
        observations: &["little eye contact at first, more by the end"],
        tasks: &["sit in the library for 20 minutes", "say one thing in the seminar"],
        plans: &["next rung of the ladder", "prepare for the presentation"],
        personal: &["final-year biology student", "younger brother Zayd starts school abroad"],
        event: Some(("presentation in the ecology module", 1)),
        goals: &[("speak up once in every seminar", true)],
        watch: &[],
        message: Some((Channel::Text, 3, "nervous about tomorrow, can we talk about it first?")),
    },
    Person {
        name: "Daniel Novak",
        preferred: Some("Dan"),
        pronouns: "he/him",
        topics: &["anger with the kids", "bedtime battles", "his shift pattern", "repair after shouting"],
        feedback: &["the traffic-light idea works with his son", "wants the sessions earlier"],
        observations: &["softened when talking about his daughter's drawing"],
        tasks: &["use the traffic-light check-in at bedtime", "one repair conversation after a row"],
        plans: &["review the bedtime routine", "talk about his own childhood"],
        personal: &["son Leo, 9, and daughter Ema, 5", "night shifts at the depot"],
        event: None,
        goals: &[("calmer bedtimes", true), ("no shouting at the kids for a week", true)],
        watch: &[],
        message: None,
    },
    Person {
        name: "Sofia Rossi",
        preferred: None,
        pronouns: "she/her",
        topics: &["low mood since the birth", "sleep", "feeling alone", "her mother's visits"],
        feedback: &["glad to have a place to say it", "the walk with the buggy helped"],
        observations: &["tired, yawning; baby in the pram slept throughout"],
        tasks: &["one walk a day with Luca", "call the new-parents group"],
        plans: &["check mood scores", "talk about asking for help"],
        personal: &["baby Luca, 4 months", "used to sing in a choir"],
        event: Some(("Luca's first vaccinations", 3)),
        goals: &[("ask for help once a week", true)],
        watch: &["check for thoughts of harm gently each session"],
        message: Some((Channel::Phone, 30, "missed call, no message")),
    },
    Person {
        name: "Erik Lindqvist",
        preferred: None,
        pronouns: "he/him",
        topics: &["retirement", "loneliness", "what to do with the days", "old colleagues"],
        feedback: &["didn't expect to enjoy talking", "thinks the tasks are too small"],
        observations: &["well dressed, early as always"],
        tasks: &["go to the gardening club once", "phone an old colleague"],
        plans: &["build a weekly routine", "look at volunteering"],
        personal: &["keeps an allotment and bees", "granddaughter in Uppsala"],
        event: None,
        goals: &[("something in the diary every weekday", false)],
        watch: &[],
        message: None,
    },
    Person {
        name: "Hannah Weiss",
        preferred: Some("Han"),
        pronouns: "they/them",
        topics: &["coming out to family", "their sister's wedding", "work friendships", "self-worth"],
        feedback: &["feels safe here", "wants to go slower on family"],
        observations: &["quiet when parents came up; long silence"],
        tasks: &["write what they would want to say to Mum", "one evening with friends"],
        plans: &["go slowly with family", "plan for the wedding"],
        personal: &["sister Lena's wedding in spring", "plays bass in a band"],
        event: Some(("band's first gig", 3)),
        goals: &[("feel able to be themselves at the wedding", true)],
        watch: &["use their name and pronouns; family still does not"],
        message: None,
    },
];

/// Writes the sample practice into `store`, dated around `now`.
pub fn write_sample_practice(store: &Store, now: NaiveDateTime) -> Result<()> {
    // Today's first appointment ended a little while ago; the next starts in
    // about 25 minutes; the rest follow through today and tomorrow.
    let base = (now - Duration::minutes(35)).with_second(0).unwrap_or(now);
    let base = base - Duration::minutes(i64::from(base.minute() % 5));
    for (k, p) in PEOPLE.iter().enumerate() {
        let k = k as i64;
        let next = match k {
            0 => base - Duration::minutes(60),
            1..=5 => base + Duration::minutes(k * 60),
            _ => base + Duration::days(1) + Duration::minutes((k - 6) * 60),
        };
        let record = store.create_client(
            ClientProfile {
                name: p.name.into(),
                preferred_name: p.preferred.map(Into::into),
                pronouns: Some(p.pronouns.into()),
                phone: Some(format!("07700 900{:03}", 100 + k * 7)),
                email: Some(format!("{}@example.org", p.name.split(' ').next().unwrap_or("client").to_lowercase())),
                preferred_channel: Some([Channel::Text, Channel::Email, Channel::Phone][k as usize % 3]),
            },
            next - Duration::weeks(16),
        )?;
        store.update(&record.client.id, now, "sample practice written", |r| {
            fill(r, p, k, next, now);
            Ok(())
        })?;
    }
    supervision_log(store, now)
}

/// A fortnightly supervision (monthly one-to-one, a group in between),
/// two CPD entries, and questions kept about two clients.
fn supervision_log(store: &Store, now: NaiveDateTime) -> Result<()> {
    use crate::practice::supervision::{NewSupervision, add_cpd, add_supervision};
    let evening = |weeks: i64| (now - Duration::weeks(weeks)).date().and_hms_opt(18, 0, 0).unwrap_or(now);
    for weeks in [2, 6, 10, 14] {
        let new = NewSupervision {
            at: evening(weeks),
            minutes: 90,
            supervisor: Some("Dr Ruth Okafor".into()),
            group: None,
            notes: Some("Endings, and my pull to rescue when a client goes quiet.".into()),
            discussed_all: false,
        };
        add_supervision(store, new, now)?;
    }
    for weeks in [4, 8, 12] {
        let new = NewSupervision {
            at: evening(weeks),
            minutes: 120,
            supervisor: Some("Peer group".into()),
            group: Some(5),
            notes: None,
            discussed_all: false,
        };
        add_supervision(store, new, now)?;
    }
    add_cpd(store, (now - Duration::weeks(3)).date(), 360, "Working with shame (workshop)", now)?;
    add_cpd(store, (now - Duration::weeks(9)).date(), 180, "Reading: The Heart and Soul of Change", now)?;
    Ok(())
}

fn pick<'a>(pool: &[&'a str], i: usize) -> &'a str {
    pool[i % pool.len()]
}

fn fill(r: &mut ClientRecord, p: &Person, k: i64, next: NaiveDateTime, now: NaiveDateTime) {
    let weeks = 8 + (k as usize * 3) % 7;
    for w in (1..=weeks).rev() {
        let i = weeks - w;
        let at = next - Duration::weeks(w as i64);
        let last = w == 1;
        let note = NewSession {
            at: Some(at),
            minutes: Some(50),
            topics: vec![pick(p.topics, i).into(), pick(p.topics, i + 2).into()],
            feedback: if i.is_multiple_of(2) || last { vec![pick(p.feedback, i / 2).into()] } else { vec![] },
            observations: if i.is_multiple_of(3) || last { vec![pick(p.observations, i).into()] } else { vec![] },
            tasks: if i % 3 == 1 || last { vec![pick(p.tasks, i).into()] } else { vec![] },
            personal: if i == 1 {
                vec![p.personal[0].into()]
            } else if i == 3 {
                vec![p.personal[1].into()]
            } else {
                vec![]
            },
            plan: pick(p.plans, i).into(),
            notes: format!(
                "Session {} of {weeks}. We began with how the week had been and stayed mostly with {}. \
                 Toward the end we came back to {} and agreed the plan below.",
                i + 1,
                pick(p.topics, i),
                pick(p.topics, i + 2)
            ),
            appointment: None,
            ..Default::default()
        };
        let _ = r.add_session(note, at);
    }
    measures::take(r, p.name);
    // Older tasks have been done or dropped; the newest stay open.
    let n = r.tasks.len();
    for (j, t) in r.tasks.iter_mut().enumerate() {
        if j + 1 < n {
            let done = j % 3 != 2;
            t.status = if done { TaskStatus::Done } else { TaskStatus::Dropped };
            t.closed_on = Some(t.set_on + Duration::days(7));
            t.outcome = Some(if done { "done most days" } else { "not the right task for now" }.into());
        }
    }
    if let Some((text, before)) = p.event {
        let noted = (next - Duration::weeks(2)).date();
        r.add_personal(text.into(), Some((next - Duration::days(before)).date()), false, noted, None);
    }
    for (g, agreed) in p.goals {
        r.add_goal((*g).into(), *agreed, (next - Duration::weeks(weeks as i64)).date());
    }
    for w in p.watch {
        r.add_watch_for((*w).into(), (next - Duration::weeks(3)).date());
    }
    let replied =
        r.add_contact(next - Duration::days(10), Channel::Text, Direction::Incoming, "running 5 minutes late".into());
    let _ = r.mark_replied(&replied, next - Duration::days(10) + Duration::minutes(3));
    if let Some((channel, hours, summary)) = p.message {
        r.add_contact(now - Duration::hours(hours), channel, Direction::Incoming, summary.into());
    }
    let _ = r.schedule(next, 50, 3);
    match k {
        1 => {
            let _ = r
                .add_question("she goes quiet when I summarise: am I rushing her?", (next - Duration::weeks(1)).date());
        }
        3 => {
            let _ = r.add_question(
                "his anger at me last week: how to name the rupture?",
                (next - Duration::weeks(1)).date(),
            );
        }
        _ => {}
    }
    // Notes older than a day are final, as in a practice that uses Rapport daily.
    r.finalise_due(now, crate::domain::finalise::FinalisePolicy::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    #[test]
    fn the_sample_practice_is_believable() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = dt("2026-11-26 09:35");
        write_sample_practice(&store, now).unwrap();
        let files = store.load_all().unwrap();
        assert!(files.len() >= 8);
        for f in &files {
            let r = f.record.as_ref().unwrap();
            assert!(r.sessions.len() >= 8, "{} has {} sessions", r.client.name, r.sessions.len());
            assert!(r.open_tasks().count() >= 1);
            assert!(!r.personal.is_empty() && !r.goals.is_empty());
            assert!(r.next_appointment(now).is_some() || r.appointments.iter().any(|a| a.start.date() == now.date()));
        }
        let today = files
            .iter()
            .flat_map(|f| f.record.as_ref().unwrap().appointments.iter())
            .filter(|a| a.start.date() == now.date())
            .count();
        assert!(today >= 4, "only {today} appointments today");
        let records: Vec<&ClientRecord> = files.iter().filter_map(|f| f.record.as_ref().ok()).collect();
        assert!(records.iter().filter(|r| !r.measures.is_empty()).count() >= 6, "most clients have measures");
        let flags = |name: &str| {
            let r = records.iter().find(|r| r.client.name == name).unwrap();
            r.measure_flags(now).into_iter().map(|f| f.kind).collect::<Vec<_>>()
        };
        use crate::domain::measures::{FlagKind, Reading};
        assert_eq!(flags("James Okafor"), [FlagKind::AllianceLow, FlagKind::AllianceDrop], "one alliance dip");
        assert!(records.iter().filter(|r| r.client.name != "James Okafor").all(|r| r.measure_flags(now).is_empty()));
        let maria = records.iter().find(|r| r.client.name == "Maria López").unwrap();
        assert_eq!(maria.measures.len(), maria.sessions.len() * 3, "ORS, SRS and GAD-7 every session");
        let readings: Vec<_> = maria.trends(now).iter().map(|t| t.change.as_ref().unwrap().reading).collect();
        assert_eq!(readings, [Some(Reading::Recovered), None, Some(Reading::ReliableImprovement)]);
    }
}
