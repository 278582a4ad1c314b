//! Notes and what is booked for them: a session's note, its seal and
//! addenda, what is typed for a new one, appointments and measures.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{AppointmentId, MeasureId, SessionId};
use crate::domain::measures::{CustomScale, MeasureKind, Score};

/// One session held: the note written after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Session {
    /// Short id within the client, `s1`, `s2`, …
    pub id: SessionId,
    pub at: NaiveDateTime,
    #[schemars(range(min = *crate::domain::bounds::MINUTES.start(), max = *crate::domain::bounds::MINUTES.end()))]
    pub minutes: u32,
    #[serde(default)]
    pub topics: Vec<String>,
    /// What the client said about the therapy, the plan, the last task.
    #[serde(default)]
    pub feedback: Vec<String>,
    /// What was not said: non-verbal cues, silences.
    #[serde(default)]
    pub observations: Vec<String>,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub notes: String,
    /// The clinician's assessment: a formulation, progress, risk (format 7).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assessment: String,
    /// What the therapist did: the approach and techniques used (format 7).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intervention: String,
    /// The appointment this note was written for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<NaiveDateTime>,
    /// Set when the note is finalised: from then on it is read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalised: Option<Finalised>,
    /// Dated corrections added after finalising, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addenda: Vec<Addendum>,
}

impl Session {
    /// What an edit of the note starts from (its words, time and length),
    /// to tell whether another window changed it meanwhile.
    pub fn edit_base(&self) -> String {
        let Session {
            id: _,
            at,
            minutes,
            topics,
            feedback,
            observations,
            plan,
            notes,
            assessment,
            intervention,
            // Not changed by an edit of the note's words.
            appointment: _,
            finalised: _,
            addenda: _,
        } = self;
        let words = (topics, feedback, observations, plan, notes, at, minutes, assessment, intervention);
        serde_json::to_string(&words).expect("a note's words serialise")
    }

    /// An edit `mine` begun from the note's words `base` (its
    /// [`Session::edit_base`] then), brought onto this note as it is now
    /// (changed meanwhile, in another window): field by field, what only
    /// one side changed is taken from it. The edit to save and the fields
    /// kept from the other change; or the fields both changed differently.
    pub fn merge_edit(
        &self,
        base: &str,
        mine: NewSession,
    ) -> Result<(NewSession, Vec<&'static str>), Vec<&'static str>> {
        type Words = (Vec<String>, Vec<String>, Vec<String>, String, String, NaiveDateTime, u32, String, String);
        let Ok((b_topics, b_feedback, b_observations, b_plan, b_notes, b_at, b_minutes, b_assessment, b_intervention)) =
            serde_json::from_str::<Words>(base)
        else {
            return Err(vec!["the note"]);
        };
        let (mut kept, mut both) = (Vec::new(), Vec::new());
        fn pick<T: PartialEq>(
            name: &'static str,
            base: T,
            theirs: T,
            mine: T,
            kept: &mut Vec<&'static str>,
            both: &mut Vec<&'static str>,
        ) -> T {
            if mine == base || mine == theirs {
                if theirs != base {
                    kept.push(name);
                }
                theirs
            } else {
                if theirs != base {
                    both.push(name);
                }
                mine
            }
        }
        let NewSession {
            at,
            minutes,
            topics,
            feedback,
            observations,
            tasks,
            personal,
            plan,
            notes,
            assessment,
            intervention,
            appointment,
            measures,
            scales,
            process,
        } = mine;
        let lines = |v: Vec<String>| -> Vec<String> {
            v.into_iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
        };
        let merged = NewSession {
            topics: pick("Topics", b_topics, self.topics.clone(), lines(topics), &mut kept, &mut both),
            feedback: pick("They told you", b_feedback, self.feedback.clone(), lines(feedback), &mut kept, &mut both),
            observations: pick(
                "Observations",
                b_observations,
                self.observations.clone(),
                lines(observations),
                &mut kept,
                &mut both,
            ),
            plan: pick("Plan", b_plan, self.plan.clone(), plan.trim().to_string(), &mut kept, &mut both),
            notes: pick("Notes", b_notes, self.notes.clone(), notes.trim_end().to_string(), &mut kept, &mut both),
            assessment: pick(
                "Assessment",
                b_assessment,
                self.assessment.clone(),
                assessment.trim().to_string(),
                &mut kept,
                &mut both,
            ),
            intervention: pick(
                "Intervention",
                b_intervention,
                self.intervention.clone(),
                intervention.trim().to_string(),
                &mut kept,
                &mut both,
            ),
            at: Some(pick("When", b_at, self.at, at.unwrap_or(b_at), &mut kept, &mut both)),
            minutes: Some(pick("Minutes", b_minutes, self.minutes, minutes.unwrap_or(b_minutes), &mut kept, &mut both)),
            tasks,
            personal,
            appointment,
            measures,
            scales,
            // Kept apart, and written as it was typed.
            process,
        };
        if both.is_empty() { Ok((merged, kept)) } else { Err(both) }
    }
}

/// The seal on a finalised note: a hash of its content chained to the
/// client's previously finalised note, so a later change shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finalised {
    pub at: NaiveDateTime,
    /// Finalised automatically when its editing period ran out.
    #[serde(default)]
    pub auto: bool,
    /// Its place in the client's chain: 1, 2, 3, …
    pub seq: u32,
    /// SHA-256 (hex) of the previous finalised note's hash and this note's content.
    pub hash: String,
    /// What the hash covers. 1: the note's own words and facts. 2: those,
    /// the tasks the note set, and the moment it was sealed. Seals made
    /// before version 2 keep verifying as version 1.
    #[serde(default = "seal_v1", skip_serializing_if = "is_seal_v1")]
    pub version: u32,
}

fn seal_v1() -> u32 {
    1
}

fn is_seal_v1(v: &u32) -> bool {
    *v == 1
}

/// A dated correction to a finalised note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Addendum {
    pub at: NaiveDateTime,
    pub text: String,
}

/// A booked appointment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Appointment {
    /// Short id within the client, `a1`, `a2`, … (files before format 3
    /// have none; they are given one when read).
    #[serde(default)]
    pub id: AppointmentId,
    pub start: NaiveDateTime,
    #[schemars(range(min = *crate::domain::bounds::MINUTES.start(), max = *crate::domain::bounds::MINUTES.end()))]
    pub minutes: u32,
    /// The note written for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<SessionId>,
    /// When it was cancelled; a cancelled appointment stays in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<NaiveDateTime>,
    /// Why it was not held, set with `cancelled` (files before format 5
    /// say nothing: read as cancelled by the client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_held: Option<NotHeld>,
    /// The UID of the calendar event it was booked from (`rapport calendar
    /// import`), so importing that calendar again updates it rather than
    /// booking it twice. Left out when empty: an older Rapport drops it and
    /// only forgets the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_uid: Option<String>,
    /// When that calendar event started as last imported: an import of the
    /// same file again leaves an appointment you moved here where you moved
    /// it, and moves it only when the event itself moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_start: Option<NaiveDateTime>,
    /// When it was first booked for, once it has been moved: the record
    /// says it was rescheduled. Left out when never moved; an older Rapport
    /// drops it and only forgets that it moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<NaiveDateTime>,
}

/// Why a booked appointment was not held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotHeld {
    /// The client called it off (the default, as before format 5).
    #[default]
    CancelledByClient,
    /// The therapist called it off.
    CancelledByTherapist,
    /// The client did not come, and did not say (DNA).
    DidNotAttend,
}

impl NotHeld {
    pub const ALL: [NotHeld; 3] = [NotHeld::CancelledByClient, NotHeld::CancelledByTherapist, NotHeld::DidNotAttend];

    /// In words, as the therapist reads it.
    pub fn label(self) -> &'static str {
        match self {
            NotHeld::CancelledByClient => "cancelled by client",
            NotHeld::CancelledByTherapist => "cancelled by you",
            NotHeld::DidNotAttend => "did not attend",
        }
    }

    /// In at most 13 columns, for Today's list: "cancelled" (by the
    /// client, as before), "you cancelled", "no-show (DNA)".
    pub fn short(self) -> &'static str {
        match self {
            NotHeld::CancelledByClient => "cancelled",
            NotHeld::CancelledByTherapist => "you cancelled",
            NotHeld::DidNotAttend => "no-show (DNA)",
        }
    }
}

/// An outcome or alliance measure taken: the item scores as given and
/// their total, which Rapport adds up (see `measures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Measure {
    /// Short id within the client, `m1`, `m2`, …
    pub id: MeasureId,
    pub kind: MeasureKind,
    pub at: NaiveDateTime,
    pub items: Vec<Score>,
    pub total: Score,
    /// The note of the session it was taken in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
}

/// What the therapist types after a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub at: Option<NaiveDateTime>,
    pub minutes: Option<u32>,
    pub topics: Vec<String>,
    pub feedback: Vec<String>,
    pub observations: Vec<String>,
    /// Each becomes an open `Task` linked to the session.
    pub tasks: Vec<String>,
    /// Each becomes a `PersonalDetail` to ask about, linked to the session.
    /// A `YYYY-MM-DD` date in the line becomes the detail's date.
    pub personal: Vec<String>,
    pub plan: String,
    pub notes: String,
    /// The clinician's assessment.
    #[serde(default)]
    pub assessment: String,
    /// The approach and techniques used.
    #[serde(default)]
    pub intervention: String,
    /// A process note to keep apart from the record (never part of the
    /// note: `practice::note::save` writes it to its own file).
    #[serde(default)]
    pub process: String,
    /// The appointment the note is written for: it takes the note's id.
    pub appointment: Option<AppointmentId>,
    /// Measures taken in the session: (kind, item scores), read from the
    /// note form's lines with `measures::read_line`.
    #[serde(default)]
    pub measures: Vec<(MeasureKind, Vec<Score>)>,
    /// The settings' custom scales, for measures of a custom kind.
    #[serde(default)]
    pub scales: Vec<CustomScale>,
}
