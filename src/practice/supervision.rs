//! Supervision and CPD: logging them, questions about a client kept for
//! the next supervision, and the anonymised brief to take there. The
//! supervision log is the therapist's own (`practice.json`); a question
//! about a client lives in that client's record, so it is erased, exported
//! and synced with them.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::supervision::{Cpd, PracticeLog, Supervision};
use crate::domain::{ClientId, QuestionId, RecordError, SupervisionQuestion, bounds, plural};
use crate::practice::hours::Period;
use crate::store::{Store, StoreError};

/// A supervision session to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupervision {
    pub at: NaiveDateTime,
    pub minutes: u32,
    pub supervisor: Option<String>,
    /// Members of the group, you included; none for one-to-one.
    pub group: Option<u32>,
    pub notes: Option<String>,
    /// Mark every open question discussed at it.
    pub discussed_all: bool,
}

/// A supervision logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub supervision: Supervision,
    /// The questions marked discussed at it.
    pub discussed: usize,
    /// The questions still open.
    pub open: usize,
}

fn text(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Logs a supervision session; with `discussed_all`, every open question
/// is marked discussed on its day.
pub fn add_supervision(store: &Store, new: NewSupervision, now: NaiveDateTime) -> Result<Logged, StoreError> {
    let NewSupervision { at, minutes, supervisor, group, notes, discussed_all } = new;
    if at > now {
        return Err(RecordError::Invalid(format!(
            "a supervision is logged once it has taken place, and {} is still ahead; check --at",
            crate::domain::time::format_datetime(at)
        ))
        .into());
    }
    let supervision = store.change_practice_log(now, "supervision logged", |log| {
        if let Some(same) = log.supervision.iter().find(|s| s.at == at) {
            return Err(RecordError::Invalid(format!(
                "a supervision is logged at that time already ({}, {} minutes): `rapport supervision list` shows it",
                same.id, same.minutes
            )));
        }
        let s = Supervision {
            id: log.next_id("v"),
            at,
            minutes,
            supervisor: text(supervisor),
            group: group.filter(|g| *g > 1),
            notes: text(notes),
        };
        log.supervision.push(s.clone());
        log.supervision.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(s)
    })?;
    let mut discussed = 0;
    if discussed_all {
        for (id, questions) in open_questions(store)? {
            // Only what was asked before it could be discussed at it.
            let ids: Vec<QuestionId> =
                questions.iter().filter(|q| q.noted_on <= at.date()).map(|q| q.id.clone()).collect();
            if ids.is_empty() {
                continue;
            }
            store.update(&id, now, "questions discussed at supervision", |r| {
                for q in &ids {
                    r.discuss_question(q, at.date())?;
                }
                Ok(())
            })?;
            discussed += ids.len();
        }
    }
    let open = open_questions(store)?.iter().map(|(_, q)| q.len()).sum();
    Ok(Logged { supervision, discussed, open })
}

/// Removes a supervision logged by mistake; returns it and how many
/// questions discussed at it are open again (when no other supervision is
/// logged that day).
pub fn remove_supervision(store: &Store, id: &str, now: NaiveDateTime) -> Result<(Supervision, usize), StoreError> {
    let (removed, day_left) = store.change_practice_log(now, "supervision removed", |log| {
        let i = log.supervision.iter().position(|s| s.id == id.trim()).ok_or_else(|| {
            RecordError::Invalid(format!(
                "there is no supervision {} in your log; `rapport supervision list` shows them",
                id.trim()
            ))
        })?;
        let removed = log.supervision.remove(i);
        let day = removed.at.date();
        Ok((removed, log.supervision.iter().any(|s| s.at.date() == day)))
    })?;
    let mut reopened = 0;
    if !day_left {
        let day = removed.at.date();
        for f in store.load_all()? {
            let Ok(r) = f.record else { continue };
            let ids: Vec<QuestionId> =
                r.supervision.iter().filter(|q| q.discussed_on == Some(day)).map(|q| q.id.clone()).collect();
            if ids.is_empty() {
                continue;
            }
            store.update(&r.client.id, now, "questions open again for supervision", |r| {
                for q in &ids {
                    r.reopen_question(q)?;
                }
                Ok(())
            })?;
            reopened += ids.len();
        }
    }
    Ok((removed, reopened))
}

/// Logs CPD done on `on`.
pub fn add_cpd(store: &Store, on: NaiveDate, minutes: u32, what: &str, now: NaiveDateTime) -> Result<Cpd, StoreError> {
    let what = what.trim();
    if what.is_empty() {
        return Err(RecordError::Invalid("say what the CPD was (a course, a workshop, reading)".into()).into());
    }
    bounds::check_text("the CPD entry", what).map_err(RecordError::Invalid)?;
    store.change_practice_log(now, "CPD logged", |log| {
        let c = Cpd { id: log.next_id("d"), on, minutes, text: what.to_string() };
        log.cpd.push(c.clone());
        log.cpd.sort_by(|a, b| (a.on, &a.id).cmp(&(b.on, &b.id)));
        Ok(c)
    })
}

/// Removes a CPD entry logged by mistake; returns it.
pub fn remove_cpd(store: &Store, id: &str, now: NaiveDateTime) -> Result<Cpd, StoreError> {
    store.change_practice_log(now, "CPD removed", |log| {
        let i = log.cpd.iter().position(|c| c.id == id.trim()).ok_or_else(|| {
            RecordError::Invalid(format!(
                "there is no CPD entry {} in your log; `rapport cpd list` shows them",
                id.trim()
            ))
        })?;
        Ok(log.cpd.remove(i))
    })
}

/// The log's supervision and CPD within `period`.
pub fn log_within(store: &Store, period: Period) -> Result<PracticeLog, StoreError> {
    let mut log = store.practice_log()?;
    log.supervision.retain(|s| period.holds(s.at.date()));
    log.cpd.retain(|c| period.holds(c.on));
    Ok(log)
}

/// Keeps a question about `client` for the next supervision.
pub fn bring(
    store: &Store,
    client: &ClientId,
    question: &str,
    now: NaiveDateTime,
) -> Result<(QuestionId, crate::domain::ClientRecord), StoreError> {
    store.update(client, now, "question for supervision", |r| r.add_question(question, now.date()))
}

/// Marks a question discussed, at the last supervision logged since it
/// was noted; refused when there is none (log it first: the day is its day).
pub fn discussed(
    store: &Store,
    client: &ClientId,
    question: &str,
    now: NaiveDateTime,
) -> Result<(SupervisionQuestion, NaiveDate), StoreError> {
    let log = store.practice_log()?;
    let days: Vec<NaiveDate> = log.supervision.iter().filter(|s| s.at <= now).map(|s| s.at.date()).collect();
    let ((q, on), _) = store.update(client, now, "question discussed at supervision", |r| {
        let id = r.item_ref::<QuestionId>(question)?;
        let noted = r.supervision.iter().find(|q| q.id == id).map(|q| q.noted_on);
        let Some(on) = days.iter().filter(|d| noted.is_none_or(|n| **d >= n)).max().copied() else {
            return Err(RecordError::Invalid(match noted {
                Some(n) if !days.is_empty() => format!(
                    "{id} was noted on {n}, after the last supervision logged: log the supervision it was \
                     discussed at first (`rapport supervision add`)"
                ),
                _ => "no supervision is logged yet: log the one it was discussed at first (`rapport supervision \
                      add`)"
                    .into(),
            }));
        };
        r.discuss_question(&id, on)?;
        Ok((r.supervision.iter().find(|q| q.id == id).cloned().expect("just marked"), on))
    })?;
    Ok((q, on))
}

/// Takes a question kept by mistake (on the wrong client, a slip) out of
/// the client's record; returns it.
pub fn drop_question(
    store: &Store,
    client: &ClientId,
    question: &str,
    now: NaiveDateTime,
) -> Result<SupervisionQuestion, StoreError> {
    let (q, _) = store.update(client, now, "question for supervision removed", |r| {
        let id = r.item_ref::<QuestionId>(question)?;
        let i = r
            .supervision
            .iter()
            .position(|q| q.id == id)
            .ok_or_else(|| RecordError::UnknownId { kind: "question for supervision", id: id.to_string() })?;
        Ok(r.supervision.remove(i))
    })?;
    Ok(q)
}

/// Sets a question marked discussed by mistake open again.
pub fn reopen(
    store: &Store,
    client: &ClientId,
    question: &str,
    now: NaiveDateTime,
) -> Result<SupervisionQuestion, StoreError> {
    let (q, _) = store.update(client, now, "question reopened for supervision", |r| {
        let id = r.item_ref::<QuestionId>(question)?;
        r.reopen_question(&id)?;
        Ok(r.supervision.iter().find(|q| q.id == id).cloned().expect("just reopened"))
    })?;
    Ok(q)
}

/// Every client's open questions, in the order of the client list. A file
/// that cannot be read is passed over (and `doctor` names it).
pub fn open_questions(store: &Store) -> Result<Vec<(ClientId, Vec<SupervisionQuestion>)>, StoreError> {
    let mut out = Vec::new();
    for f in store.load_all()? {
        let Ok(r) = f.record else { continue };
        let open: Vec<SupervisionQuestion> = r.open_questions().cloned().collect();
        if !open.is_empty() {
            out.push((r.client.id.clone(), open));
        }
    }
    Ok(out)
}

/// The anonymised brief on `client` for supervision.
pub fn brief(store: &Store, client: &ClientId, now: NaiveDateTime) -> Result<String, StoreError> {
    let r = store.load(client)?;
    let others: Vec<String> = store
        .index()?
        .into_iter()
        .filter(|e| e.id != *client)
        .filter_map(|e| e.summary)
        .flat_map(|s| [Some(s.name), s.preferred_name].into_iter().flatten())
        .collect();
    Ok(crate::domain::brief::brief(&r, &store.client_code(client), &others, now))
}

/// The entries of the practice log whose words name client `r` (the
/// supervisor, the notes, a CPD entry's text): an erasure says so, for
/// the log is the therapist's own and not erased with the client.
pub fn log_mentions(store: &Store, r: &crate::domain::ClientRecord) -> Vec<String> {
    let Ok(log) = store.practice_log() else { return Vec::new() };
    let names = |t: &Option<String>| t.as_deref().is_some_and(|t| crate::domain::brief::names_in(r, t));
    log.supervision
        .iter()
        .filter(|s| names(&s.notes) || names(&s.supervisor))
        .map(|s| s.id.clone())
        .chain(log.cpd.iter().filter(|c| crate::domain::brief::names_in(r, &c.text)).map(|c| c.id.clone()))
        .collect()
}

/// "2 questions are still open for supervision", or nothing.
pub fn still_open(open: usize) -> Option<String> {
    (open > 0).then(|| {
        format!(
            "{} still open for supervision (`rapport supervision list` shows them)",
            if open == 1 { "1 question is".to_string() } else { format!("{} are", plural(open, "question")) }
        )
    })
}

/// The figures of one stretch of time (this month, this year).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// "December 2026", "2026".
    pub label: String,
    pub client_minutes: u64,
    pub supervision_minutes: u64,
    pub cpd_minutes: u64,
}

/// What the app's Practice screen shows: this month and this year, client
/// hours week by week, supervision against what is due, the open
/// questions, and the hours toward the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub month: Figures,
    /// The supervision this month needs by the settings' rule.
    pub month_due_minutes: u64,
    pub year: Figures,
    /// The Monday of each of the last weeks, oldest first, with the client
    /// hours (in minutes) held in it.
    pub weeks: Vec<(NaiveDate, u64)>,
    pub all_client_minutes: u64,
    pub target_hours: Option<u32>,
    pub rule: crate::domain::supervision::SupervisionRule,
    /// The latest months short of supervision, newest last.
    pub shortfalls: Vec<crate::domain::supervision::Shortfall>,
    /// How many months are short in all (more than those kept above).
    pub shortfalls_in_all: usize,
    /// Each open question, with its client's name (the app is the
    /// therapist's own screen).
    pub questions: Vec<(String, QuestionId, String)>,
    pub warnings: Vec<String>,
}

/// How many weeks the Practice screen's chart shows.
pub const WEEKS: usize = 12;

/// The Practice screen's figures at `now`.
pub fn overview(store: &Store, now: NaiveDateTime) -> Result<Overview, StoreError> {
    use chrono::Datelike;
    let all = crate::practice::hours::client_hours(store, Period::default(), crate::practice::hours::By::Month, now)?;
    let today = now.date();
    let month_start = today.with_day(1).unwrap_or(today);
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    // An unreadable log is said (in `all.warnings`), and counts as empty.
    let log = store.practice_log().unwrap_or_default();
    let figures = |label: String, from: NaiveDate| Figures {
        label,
        client_minutes: all
            .sessions
            .iter()
            .filter(|s| s.at.date() >= from && s.at.date() <= today)
            .map(|s| u64::from(s.counted_minutes))
            .sum(),
        supervision_minutes: log
            .supervision
            .iter()
            .filter(|s| s.at.date() >= from && s.at.date() <= today)
            .map(|s| u64::from(s.claimed_minutes()))
            .sum(),
        cpd_minutes: log.cpd.iter().filter(|c| c.on >= from && c.on <= today).map(|c| u64::from(c.minutes)).sum(),
    };
    let month = figures(now.format("%B %Y").to_string(), month_start);
    let year = figures(today.year().to_string(), year_start);
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let weeks = (0..WEEKS)
        .rev()
        .map(|w| {
            let start = monday - chrono::Duration::weeks(w as i64);
            let end = start + chrono::Duration::days(7);
            let minutes = all
                .sessions
                .iter()
                .filter(|s| s.at.date() >= start && s.at.date() < end)
                .map(|s| u64::from(s.counted_minutes))
                .sum();
            (start, minutes)
        })
        .collect();
    let rule = store.settings().supervision_rule;
    let mut questions = Vec::new();
    for (id, open) in open_questions(store)? {
        let name = store.load(&id).map(|r| r.display_name()).unwrap_or_else(|_| id.to_string());
        questions.extend(open.into_iter().map(|q| (name.clone(), q.id, q.text)));
    }
    let mut shortfalls = all.supervised.shortfalls.clone();
    let shortfalls_in_all = shortfalls.len();
    let keep = shortfalls.len().saturating_sub(2);
    shortfalls.drain(..keep);
    Ok(Overview {
        month_due_minutes: rule.due_minutes(month.client_minutes),
        month,
        year,
        weeks,
        all_client_minutes: all.counted_minutes,
        target_hours: store.settings().target_client_hours,
        rule,
        shortfalls,
        shortfalls_in_all,
        questions,
        warnings: all.warnings,
    })
}
