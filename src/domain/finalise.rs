//! An honest record: notes can be edited until they are finalised (by hand,
//! or automatically some hours after the session); after that they are
//! read-only, corrections are dated addenda, and each finalised note carries
//! a hash chained to the previous one, so a later change can be named.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Addendum, ClientRecord, Finalised, NewSession, RecordError, Session, SessionId, time};

/// When notes finalise by themselves: this many hours after the session,
/// or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalisePolicy {
    pub after_hours: Option<u32>,
}

impl Default for FinalisePolicy {
    fn default() -> Self {
        FinalisePolicy { after_hours: Some(24) }
    }
}

impl FinalisePolicy {
    /// The session's editing period has run out at `now`.
    pub fn due(&self, s: &Session, now: NaiveDateTime) -> bool {
        self.due_at(s.at, now)
    }

    /// A note dated `at` would be final at `now`: saved now, it could never
    /// be edited, only corrected by an addendum.
    pub fn due_at(&self, at: NaiveDateTime, now: NaiveDateTime) -> bool {
        self.after_hours.is_some_and(|h| now >= at + Duration::hours(h.into()))
    }
}

/// What a note's hash covers: its own words and facts, not its addenda.
#[derive(Serialize)]
struct Content<'a> {
    id: &'a str,
    at: NaiveDateTime,
    minutes: u32,
    topics: &'a [String],
    feedback: &'a [String],
    observations: &'a [String],
    plan: &'a str,
    notes: &'a str,
    appointment: Option<NaiveDateTime>,
    // Left out when empty, so every seal made before they existed holds.
    #[serde(skip_serializing_if = "str::is_empty")]
    assessment: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    intervention: &'a str,
}

/// SHA-256 of the previous hash and the session's content, in hex.
pub fn content_hash(s: &Session, prev: &str) -> String {
    // Every field named: one added to a note does not compile until it is
    // sealed or said not to be (which changes what old seals cover).
    let Session {
        id,
        at,
        minutes,
        topics,
        feedback,
        observations,
        plan,
        notes,
        appointment,
        assessment,
        intervention,
        // The seal itself, and the corrections added beneath it later.
        finalised: _,
        addenda: _,
    } = s;
    let content = Content {
        id: id.as_str(),
        at: *at,
        minutes: *minutes,
        topics,
        feedback,
        observations,
        plan,
        notes,
        appointment: *appointment,
        assessment,
        intervention,
    };
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(serde_json::to_vec(&content).expect("content serialises"));
    hex::encode(h.finalize())
}

/// What a version-2 seal adds: the tasks the note set, as they were set
/// (their status and outcome change later, legitimately), and when it was sealed.
#[derive(Serialize)]
struct SealedWith<'a> {
    tasks: Vec<(&'a str, &'a str, chrono::NaiveDate)>,
    sealed_at: NaiveDateTime,
}

/// The seal versions this build makes and reads (see [`Finalised::version`]).
pub const SEAL_VERSION: u32 = 2;

/// A note whose content no longer matches its seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub session: SessionId,
    pub at: NaiveDateTime,
}

impl ClientRecord {
    fn last_seal(&self) -> (u32, String) {
        self.sessions
            .iter()
            .filter_map(|s| s.finalised.as_ref())
            .max_by_key(|f| f.seq)
            .map_or((0, String::new()), |f| (f.seq, f.hash.clone()))
    }

    /// The hash a seal of `version` made at `sealed_at` carries for `s`.
    pub fn seal_hash(&self, s: &Session, prev: &str, version: u32, sealed_at: NaiveDateTime) -> String {
        let v1 = content_hash(s, prev);
        if version < 2 {
            return v1;
        }
        let with = SealedWith {
            tasks: self
                .tasks
                .iter()
                .filter(|t| t.session.as_ref().map(|x| x.as_str()) == Some(s.id.as_str()))
                .map(|t| (t.id.as_str(), t.text.as_str(), t.set_on))
                .collect(),
            sealed_at,
        };
        let mut h = Sha256::new();
        h.update(v1.as_bytes());
        h.update(serde_json::to_vec(&with).expect("content serialises"));
        hex::encode(h.finalize())
    }

    fn seal(&mut self, i: usize, now: NaiveDateTime, auto: bool) {
        let (seq, prev) = self.last_seal();
        let hash = self.seal_hash(&self.sessions[i], &prev, SEAL_VERSION, now);
        self.sessions[i].finalised = Some(Finalised { at: now, auto, seq: seq + 1, hash, version: SEAL_VERSION });
    }

    /// The note is read-only: finalised, or past its editing period.
    pub fn is_final(&self, s: &Session, now: NaiveDateTime, policy: FinalisePolicy) -> bool {
        s.finalised.is_some() || policy.due(s, now)
    }

    /// Seals every note whose editing period has run out, oldest first.
    /// Returns how many were sealed.
    pub fn finalise_due(&mut self, now: NaiveDateTime, policy: FinalisePolicy) -> usize {
        self.finalise_due_where(now, policy, |_, _| true).0.len()
    }

    /// Seals every note whose editing period has run out and that
    /// `may_seal(note, hash it would carry)` allows, oldest first. Returns
    /// the ids sealed and the ids refused.
    pub fn finalise_due_where(
        &mut self,
        now: NaiveDateTime,
        policy: FinalisePolicy,
        may_seal: impl Fn(&Session, &str) -> bool,
    ) -> (Vec<SessionId>, Vec<SessionId>) {
        let mut due: Vec<usize> = (0..self.sessions.len())
            .filter(|&i| self.sessions[i].finalised.is_none() && policy.due(&self.sessions[i], now))
            .collect();
        due.sort_by_key(|&i| self.sessions[i].at);
        let (mut sealed, mut refused) = (Vec::new(), Vec::new());
        for &i in &due {
            let (_, prev) = self.last_seal();
            if may_seal(&self.sessions[i], &self.seal_hash(&self.sessions[i], &prev, SEAL_VERSION, now)) {
                self.seal(i, now, true);
                sealed.push(self.sessions[i].id.clone());
            } else {
                refused.push(self.sessions[i].id.clone());
            }
        }
        (sealed, refused)
    }

    /// Finalises one note, or every note not yet final. Returns the ids.
    pub fn finalise(&mut self, session: Option<&SessionId>, now: NaiveDateTime) -> Result<Vec<SessionId>, RecordError> {
        let mut targets: Vec<usize> = match session {
            Some(id) => {
                let i = self
                    .sessions
                    .iter()
                    .position(|s| s.id == *id)
                    .ok_or_else(|| RecordError::UnknownId { kind: "session", id: id.to_string() })?;
                if let Some(f) = &self.sessions[i].finalised {
                    return Err(RecordError::Invalid(format!(
                        "note {id} was already finalised on {}; add an addendum to correct it",
                        time::format_datetime(f.at)
                    )));
                }
                vec![i]
            }
            None => (0..self.sessions.len()).filter(|&i| self.sessions[i].finalised.is_none()).collect(),
        };
        if targets.is_empty() {
            return Err(RecordError::Invalid("every note of this client is already final".into()));
        }
        targets.sort_by_key(|&i| self.sessions[i].at);
        for &i in &targets {
            self.seal(i, now, false);
        }
        Ok(targets.iter().map(|&i| self.sessions[i].id.clone()).collect())
    }

    /// Replaces a note's text, if it is not final. New tasks and personal
    /// details typed in the edit are added; existing ones are kept.
    /// Adds what `new` holds to note `id`, saved meanwhile for the same
    /// appointment (in another window): its lines after the note's own
    /// (each once), its plan and free text after the note's, its tasks,
    /// details and measures as the note's. A final note is refused (an
    /// addendum corrects it).
    pub fn add_to_session(
        &mut self,
        id: &SessionId,
        new: NewSession,
        now: NaiveDateTime,
        policy: FinalisePolicy,
    ) -> Result<(), RecordError> {
        let old = self.session(id).ok_or_else(|| RecordError::UnknownId { kind: "session", id: id.to_string() })?;
        let NewSession {
            at: _,
            minutes: _,
            topics,
            feedback,
            observations,
            tasks,
            personal,
            plan,
            notes,
            assessment,
            intervention,
            appointment: _,
            measures,
            scales,
            // Written apart by the use case, not into the note.
            process: _,
        } = new;
        let joined = |old: &[String], new: Vec<String>| -> Vec<String> {
            let mut all = old.to_vec();
            all.extend(new.into_iter().filter(|l| !old.contains(l)));
            all
        };
        let text = |old: &str, new: String| -> String {
            let new = new.trim();
            if new.is_empty() || old.contains(new) {
                old.to_string()
            } else if old.trim().is_empty() {
                new.to_string()
            } else {
                format!("{}\n\n{new}", old.trim_end())
            }
        };
        let combined = NewSession {
            at: None,
            minutes: None,
            topics: joined(&old.topics, topics),
            feedback: joined(&old.feedback, feedback),
            observations: joined(&old.observations, observations),
            tasks,
            personal,
            plan: text(&old.plan, plan),
            notes: text(&old.notes, notes),
            assessment: text(&old.assessment, assessment),
            intervention: text(&old.intervention, intervention),
            process: String::new(),
            appointment: None,
            measures,
            scales,
        };
        self.edit_session(id, combined, now, policy)
    }

    pub fn edit_session(
        &mut self,
        id: &SessionId,
        new: NewSession,
        now: NaiveDateTime,
        policy: FinalisePolicy,
    ) -> Result<(), RecordError> {
        let i = self
            .sessions
            .iter()
            .position(|s| s.id == *id)
            .ok_or_else(|| RecordError::UnknownId { kind: "session", id: id.to_string() })?;
        if self.is_final(&self.sessions[i], now, policy) {
            return Err(RecordError::Invalid(format!(
                "note {id} is final and cannot be changed; add an addendum to correct it"
            )));
        }
        // Scores already recorded for the note stay; the same measure again is refused.
        if let Some(m) = self.measures.iter().find(|m| {
            m.session.as_ref().map(|x| x.as_str()) == Some(id.as_str())
                && new.measures.iter().any(|(kind, _)| *kind == m.kind)
        }) {
            return Err(RecordError::Invalid(format!(
                "note {id} already has its {} scores ({}); remove those first with `rapport measure remove`",
                self.scale(&m.kind).map_or_else(|| m.kind.to_string(), |s| s.name),
                m.id
            )));
        }
        // What the edit leaves out of the time, length and appointment stays.
        let old = &self.sessions[i];
        let new = NewSession {
            at: new.at.or(Some(old.at)),
            minutes: new.minutes.or(Some(old.minutes)),
            appointment: None,
            ..new
        };
        let appointment = old.appointment;
        // Add it as a new note to reuse the cleaning and linking, then move
        // the result into place under the old id.
        let temp_id = self.add_session(new, now)?;
        let j = self.sessions.iter().position(|s| s.id == temp_id).expect("just added");
        let mut edited = self.sessions.remove(j);
        for t in self.tasks.iter_mut().filter(|t| t.session.as_ref().map(|x| x.as_str()) == Some(temp_id.as_str())) {
            t.session = Some(id.clone());
        }
        for p in self.personal.iter_mut().filter(|p| p.session.as_ref().map(|x| x.as_str()) == Some(temp_id.as_str())) {
            p.session = Some(id.clone());
        }
        for m in self.measures.iter_mut().filter(|m| m.session.as_ref().map(|x| x.as_str()) == Some(temp_id.as_str())) {
            m.session = Some(id.clone());
        }
        let i = self.sessions.iter().position(|s| s.id == *id).expect("still there");
        edited.id = id.clone();
        // The note stays written for the appointment it was written for.
        edited.appointment = appointment;
        edited.addenda = std::mem::take(&mut self.sessions[i].addenda);
        self.sessions[i] = edited;
        self.sessions.sort_by_key(|s| s.at);
        Ok(())
    }

    /// Adds a dated correction beneath a note.
    pub fn add_addendum(&mut self, id: &SessionId, text: &str, now: NaiveDateTime) -> Result<(), RecordError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RecordError::Invalid("the addendum is empty; type the correction".into()));
        }
        let s = self
            .sessions
            .iter_mut()
            .find(|s| s.id == *id)
            .ok_or_else(|| RecordError::UnknownId { kind: "session", id: id.to_string() })?;
        s.addenda.push(Addendum { at: now, text: text.to_string() });
        Ok(())
    }

    /// Every finalised note whose content or place in the chain no longer
    /// matches its seal.
    pub fn verify(&self) -> Vec<Broken> {
        let mut sealed: Vec<&Session> = self.sessions.iter().filter(|s| s.finalised.is_some()).collect();
        sealed.sort_by_key(|s| s.finalised.as_ref().map(|f| f.seq));
        let mut prev = String::new();
        let mut broken = Vec::new();
        for (n, s) in sealed.iter().enumerate() {
            let f = s.finalised.as_ref().expect("sealed");
            if f.seq as usize != n + 1 || self.seal_hash(s, &prev, f.version, f.at) != f.hash {
                broken.push(Broken { session: s.id.clone(), at: s.at });
            }
            prev = f.hash.clone();
        }
        broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ClientProfile;
    use crate::domain::time::dt;

    fn record() -> ClientRecord {
        let mut r = ClientRecord::new(
            crate::domain::ClientId::new("maria"),
            ClientProfile { name: "Maria".into(), ..Default::default() },
            dt("2026-11-01 00:00").date(),
        );
        for day in ["2026-11-02", "2026-11-09", "2026-11-16"] {
            r.add_session(
                NewSession { at: Some(dt(&format!("{day} 10:00"))), topics: vec![day.into()], ..Default::default() },
                dt("2026-11-16 11:00"),
            )
            .unwrap();
        }
        r
    }

    #[test]
    fn a_note_can_be_edited_until_it_is_finalised_then_only_added_to() {
        let mut r = record();
        let policy = FinalisePolicy { after_hours: None };
        let now = dt("2026-11-16 11:00");
        r.edit_session(
            &crate::domain::SessionId::new("s3"),
            NewSession { topics: vec!["sleep".into()], tasks: vec!["diary".into()], ..Default::default() },
            now,
            policy,
        )
        .unwrap();
        assert_eq!(r.sessions[2].topics, vec!["sleep"]);
        assert_eq!(r.sessions[2].id, crate::domain::SessionId::new("s3"));
        assert_eq!(r.tasks[0].session.as_ref().map(|x| x.as_str()), Some("s3"));
        assert_eq!(
            r.finalise(Some(&crate::domain::SessionId::new("s3")), now).unwrap(),
            vec![crate::domain::SessionId::new("s3")]
        );
        let err = r.edit_session(&crate::domain::SessionId::new("s3"), NewSession::default(), now, policy).unwrap_err();
        assert!(err.to_string().contains("add an addendum"), "{err}");
        assert!(
            r.finalise(Some(&crate::domain::SessionId::new("s3")), now)
                .unwrap_err()
                .to_string()
                .contains("already finalised")
        );
        r.add_addendum(&crate::domain::SessionId::new("s3"), "Also discussed work.", now).unwrap();
        assert!(r.add_addendum(&crate::domain::SessionId::new("s9"), "x", now).is_err());
        assert!(r.add_addendum(&crate::domain::SessionId::new("s3"), "  ", now).is_err());
        assert_eq!(r.sessions[2].addenda[0].text, "Also discussed work.");
        assert!(r.verify().is_empty(), "an addendum does not break the seal");
    }

    #[test]
    fn notes_finalise_themselves_after_the_period() {
        let mut r = record();
        let policy = FinalisePolicy::default();
        assert!(r.is_final(&r.sessions[0], dt("2026-11-16 11:00"), policy));
        assert!(!r.is_final(&r.sessions[2], dt("2026-11-16 11:00"), policy));
        assert_eq!(r.finalise_due(dt("2026-11-16 11:00"), policy), 2);
        assert!(r.sessions[0].finalised.as_ref().unwrap().auto);
        assert!(
            r.edit_session(&crate::domain::SessionId::new("s1"), NewSession::default(), dt("2026-11-16 11:00"), policy)
                .is_err()
        );
        let plan = NewSession { plan: "sleep diary".into(), ..Default::default() };
        assert!(r.edit_session(&crate::domain::SessionId::new("s3"), plan, dt("2026-11-16 11:00"), policy).is_ok());
        let emptied =
            r.edit_session(&crate::domain::SessionId::new("s3"), NewSession::default(), dt("2026-11-16 11:00"), policy);
        assert_eq!(emptied, Err(RecordError::EmptyNote), "a note is never emptied by an edit");
        assert_eq!(r.finalise_due(dt("2026-11-17 10:00"), policy), 1);
        assert!(r.verify().is_empty());
    }

    #[test]
    fn a_note_changed_after_finalising_is_named() {
        let mut r = record();
        r.finalise(None, dt("2026-11-16 12:00")).unwrap();
        assert!(r.verify().is_empty());
        r.sessions[1].notes.push_str("quietly rewritten");
        let broken = r.verify();
        assert_eq!(broken.iter().map(|b| b.session.as_str()).collect::<Vec<_>>(), vec!["s2"]);
        // Removing a note from the chain shows too.
        let mut r = record();
        r.finalise(None, dt("2026-11-16 12:00")).unwrap();
        r.sessions.remove(0);
        assert!(!r.verify().is_empty());
    }
}
