//! Process notes: the therapist's private reflections on a session
//! (hypotheses, their own reactions), kept apart from the client's record
//! in a file of their own. They are in no review, pane, search, brief or
//! export unless asked for; sealed when their session's note is sealed;
//! erased with the client.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ClientId, RecordError, SessionId, bounds};

/// The version of a process-notes file this build writes.
pub const PROCESS_VERSION: u32 = 1;

/// One client's process notes: `process/<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessNotes {
    pub schema_version: u32,
    pub client: ClientId,
    #[serde(default)]
    pub notes: Vec<ProcessNote>,
    /// Process notes whose note is no longer in the record (a restore took
    /// it away): kept, never attached to a note that takes its id again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphaned: Vec<ProcessNote>,
}

/// The process note of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessNote {
    pub session: SessionId,
    pub written: NaiveDateTime,
    pub text: String,
    /// Set when its session's note is finalised: from then on it is
    /// read-only, and the hash says whether it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<ProcessSeal>,
    /// Why a note in `orphaned` is kept apart (none: a restore, as all
    /// were before a sync could set one apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apart: Option<Apart>,
}

/// Why a process note is kept apart from the notes of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Apart {
    /// A restore took its note away.
    Restore,
    /// Two devices wrote the process note at once: these are the words
    /// that did not become the note's (the later words, or the sealed
    /// ones, did).
    Sync,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessSeal {
    pub at: NaiveDateTime,
    /// SHA-256 (hex) of the session id, when it was written, and the text.
    pub hash: String,
}

impl ProcessNote {
    fn hash(&self) -> String {
        let ProcessNote { session, written, text, sealed: _, apart: _ } = self;
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&(session, written, text)).expect("a process note serialises"));
        hex::encode(h.finalize())
    }

    /// Sealed, and changed since.
    pub fn is_broken(&self) -> bool {
        self.sealed.as_ref().is_some_and(|s| s.hash != self.hash())
    }
}

impl ProcessNotes {
    pub fn new(client: ClientId) -> ProcessNotes {
        ProcessNotes { schema_version: PROCESS_VERSION, client, notes: Vec::new(), orphaned: Vec::new() }
    }

    /// Sets apart the process notes of notes `record` no longer holds;
    /// returns how many.
    pub fn orphan_missing(&mut self, record: &super::ClientRecord) -> usize {
        let (kept, gone): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.notes).into_iter().partition(|n| record.session(&n.session).is_some());
        self.notes = kept;
        let n = gone.len();
        self.orphaned.extend(gone.into_iter().map(|g| ProcessNote { apart: Some(Apart::Restore), ..g }));
        n
    }

    /// The same notes in one order whichever device merged them: by when
    /// they were written, then by note.
    pub fn in_order(mut self) -> ProcessNotes {
        let key = |n: &ProcessNote| (n.written, n.session.to_string(), n.text.clone());
        self.notes.sort_by_key(key);
        self.orphaned.sort_by_key(key);
        self
    }

    pub fn of(&self, session: &SessionId) -> Option<&ProcessNote> {
        self.notes.iter().find(|n| n.session == *session)
    }

    /// Writes (or rewrites) the process note of `session`; refused once it
    /// is sealed.
    pub fn write(&mut self, session: &SessionId, text: &str, now: NaiveDateTime) -> Result<(), RecordError> {
        let text = text.trim_end();
        bounds::check_text("the process note", text).map_err(RecordError::Invalid)?;
        match self.notes.iter_mut().find(|n| n.session == *session) {
            Some(n) if n.sealed.is_some() => Err(RecordError::Invalid(format!(
                "the process note of {session} was sealed with its note and cannot be changed"
            ))),
            Some(_) if text.is_empty() => {
                self.notes.retain(|n| n.session != *session);
                Ok(())
            }
            Some(n) => {
                n.text = text.to_string();
                n.written = now;
                Ok(())
            }
            None if text.is_empty() => Ok(()),
            None => {
                self.notes.push(ProcessNote {
                    session: session.clone(),
                    written: now,
                    text: text.to_string(),
                    sealed: None,
                    apart: None,
                });
                Ok(())
            }
        }
    }

    /// Seals the process notes of `sessions` (their notes were just
    /// sealed); returns how many.
    pub fn seal(&mut self, sessions: &[SessionId], now: NaiveDateTime) -> usize {
        let mut n = 0;
        for note in self.notes.iter_mut().filter(|p| p.sealed.is_none() && sessions.contains(&p.session)) {
            note.sealed = Some(ProcessSeal { at: now, hash: note.hash() });
            n += 1;
        }
        n
    }

    /// Every value within its bounds: a file edited by hand is refused whole.
    pub fn check(&self, client: &ClientId) -> Result<(), String> {
        if self.schema_version > PROCESS_VERSION {
            return Err(format!("it was written by a newer Rapport (format {})", self.schema_version));
        }
        if self.client != *client {
            return Err(format!("it holds the process notes of another client ({})", self.client));
        }
        for n in self.notes.iter().chain(&self.orphaned) {
            if !bounds::is_valid_id(n.session.as_str()) {
                return Err("a session id is not an id".into());
            }
            bounds::check_text("a process note", &n.text)?;
        }
        Ok(())
    }
}

/// The merge of two devices' versions of one client's process notes
/// (`base`: the version both started from, if any). Nothing typed is lost,
/// and a sealed note is never changed:
/// - a note on one side only is kept, unless the other side took it away
///   from the common version unchanged (written empty);
/// - a sealed note wins over an unsealed one, and two seals keep this
///   device's;
/// - a note changed on one side only takes that side's words; changed on
///   both, the later words win;
/// - the losing words of a note both changed (or changed against a seal)
///   are kept apart, with the notes whose note left the record.
pub fn merge(base: Option<&ProcessNotes>, ours: &ProcessNotes, theirs: &ProcessNotes) -> ProcessNotes {
    let in_base = |s: &SessionId| base.and_then(|b| b.of(s));
    let mut merged = ProcessNotes::new(ours.client.clone());
    merged.schema_version = ours.schema_version.max(theirs.schema_version);
    let mut apart: Vec<ProcessNote> = Vec::new();
    let mut sessions: Vec<&SessionId> = ours.notes.iter().map(|n| &n.session).collect();
    sessions.extend(theirs.notes.iter().map(|n| &n.session).filter(|s| ours.of(s).is_none()));
    for session in sessions {
        let (o, t, b) = (ours.of(session), theirs.of(session), in_base(session));
        let kept = match (o, t) {
            (Some(o), Some(t)) if o == t => Some(o.clone()),
            (Some(o), Some(t)) => {
                let o_sealed = o.sealed.is_some() && !o.is_broken();
                let t_sealed = t.sealed.is_some() && !t.is_broken();
                let (win, lose) = match (o_sealed, t_sealed) {
                    (true, _) => (o, t),
                    (false, true) => (t, o),
                    _ if Some(o) == b => (t, o),
                    _ if Some(t) == b => (o, t),
                    _ if t.written > o.written => (t, o),
                    _ => (o, t),
                };
                // The words the other side changed are kept apart; a version
                // that is only the common one, or only a seal more, is not.
                let lost = Some(lose) != b && lose.text != win.text;
                if lost {
                    apart.push(ProcessNote { sealed: None, apart: Some(Apart::Sync), ..lose.clone() });
                }
                Some(win.clone())
            }
            // On one side only: taken away on the other, or new on this one.
            (Some(one), None) | (None, Some(one)) => match b {
                Some(b) if b == one && one.sealed.is_none() => None,
                _ => Some(one.clone()),
            },
            (None, None) => None,
        };
        merged.notes.extend(kept);
    }
    for n in ours.orphaned.iter().chain(&theirs.orphaned).chain(&apart) {
        if !merged.orphaned.contains(n) {
            merged.orphaned.push(n.clone());
        }
    }
    merged.in_order()
}

/// What a client's process notes say against their record: a note final
/// in the record whose process note is not sealed (its seal taken away, or
/// the words put in after the note was sealed), or whose seal no longer
/// holds; as (session, what the note "has", to follow "note s3").
pub fn against_record(notes: &ProcessNotes, record: &super::ClientRecord) -> Vec<(SessionId, &'static str)> {
    let mut found = Vec::new();
    for n in notes.notes.iter().chain(&notes.orphaned) {
        if n.is_broken() {
            found.push((n.session.clone(), "has a process note changed after it was sealed with the note"));
        }
    }
    for n in &notes.notes {
        let finalised = record.session(&n.session).is_some_and(|s| s.finalised.is_some());
        if finalised && n.sealed.is_none() {
            found.push((
                n.session.clone(),
                "has a process note that is not sealed, though the note is final (its seal was taken away, or the \
                 words were put in outside Rapport)",
            ));
        }
    }
    found
}

/// Why including process notes in an export is a decision, in one
/// sentence for each jurisdiction: asked before any export holds them.
pub const EXPORT_QUESTION: &str = "Process notes are your private reflections, kept apart from the record. Under \
    US HIPAA, psychotherapy notes kept separately are not part of the client's routine right of access. Under UK \
    GDPR there is no such exemption: kept at all, they are the client's personal data and within a subject \
    access request.";

/// Why a process note is kept apart, as a heading: its note left the
/// record (a restore took it away), or it is the other version of a
/// process note two devices wrote at once, whose later words are the note's.
pub fn apart_heading(n: &ProcessNote) -> String {
    let written = n.written.format("%Y-%m-%d %H:%M");
    if n.apart == Some(Apart::Sync) {
        format!("Another version of the process note of {}, written {written}: kept apart at a sync", n.session)
    } else {
        format!("Kept from note {} of {written}, no longer in the record (a restore took it away)", n.session)
    }
}

/// The process notes as a last section of a Markdown export.
pub fn to_markdown(notes: &ProcessNotes) -> String {
    let mut out = String::from("\n## Process notes (private, kept apart from the record)\n\n");
    if notes.notes.is_empty() {
        out.push_str("None kept.\n");
    }
    for n in &notes.notes {
        let sealed = n.sealed.as_ref().map_or(String::new(), |s| format!(", sealed {}", s.at.format("%Y-%m-%d %H:%M")));
        out.push_str(&format!(
            "### Note {} (written {}{sealed})\n\n{}\n\n",
            n.session,
            n.written.format("%Y-%m-%d %H:%M"),
            n.text
        ));
    }
    for n in &notes.orphaned {
        out.push_str(&format!("### {}\n\n{}\n\n", apart_heading(n), n.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn notes(list: &[(&str, &str, &str)]) -> ProcessNotes {
        let mut p = ProcessNotes::new(ClientId::new("ann"));
        for (s, text, at) in list {
            p.write(&SessionId::new(*s), text, dt(at)).unwrap();
        }
        p
    }

    fn texts(p: &ProcessNotes) -> Vec<(String, String)> {
        p.notes.iter().map(|n| (n.session.to_string(), n.text.clone())).collect()
    }

    #[test]
    fn two_devices_process_notes_merge_without_losing_words() {
        let base = notes(&[("s1", "first", "2026-11-01 10:00"), ("s2", "gone", "2026-11-02 10:00")]);
        // This device changed s1 and took s2 away; the other wrote s3.
        let ours = notes(&[("s1", "first, rethought", "2026-11-03 10:00")]);
        let mut theirs = base.clone();
        theirs.write(&SessionId::new("s3"), "new there", dt("2026-11-03 11:00")).unwrap();
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(
            texts(&m),
            [("s1".into(), "first, rethought".into()), ("s3".into(), "new there".into())],
            "one-sided changes are taken, a removal stands"
        );
        assert!(m.orphaned.is_empty());
        // Both changed s1: the later words win, the others are kept apart.
        let theirs = notes(&[("s1", "first, later there", "2026-11-04 10:00")]);
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(texts(&m), [("s1".into(), "first, later there".into())]);
        assert_eq!(m.orphaned.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["first, rethought"]);
        // The merge is the same whichever device runs it.
        let back = merge(Some(&base), &theirs, &ours);
        assert_eq!((texts(&back), back.orphaned.len()), (texts(&m), 1));
    }

    #[test]
    fn a_sealed_process_note_wins_and_the_words_changed_against_it_are_kept_apart() {
        let base = notes(&[("s1", "first", "2026-11-01 10:00")]);
        let mut sealed = base.clone();
        sealed.seal(&[SessionId::new("s1")], dt("2026-11-08 10:00"));
        let changed = notes(&[("s1", "changed meanwhile", "2026-11-09 10:00")]);
        for (o, t) in [(&sealed, &changed), (&changed, &sealed)] {
            let m = merge(Some(&base), o, t);
            assert_eq!(texts(&m), [("s1".into(), "first".into())]);
            assert!(m.notes[0].sealed.is_some() && !m.notes[0].is_broken());
            assert_eq!(m.orphaned.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["changed meanwhile"]);
        }
        // Only a seal more on one side: nothing is kept apart.
        let m = merge(Some(&base), &base, &sealed);
        assert!(m.notes[0].sealed.is_some() && m.orphaned.is_empty());
        // A sealed note the other side dropped stays.
        let m = merge(Some(&sealed), &sealed, &notes(&[]));
        assert_eq!(texts(&m), [("s1".into(), "first".into())]);
    }

    #[test]
    fn a_final_note_with_an_unsealed_or_changed_process_note_is_named() {
        let mut record = crate::domain::ClientRecord::new(
            ClientId::new("ann"),
            crate::domain::ClientProfile { name: "Ann".into(), ..Default::default() },
            dt("2026-11-01 09:00").date(),
        );
        let s1 = record
            .add_session(
                crate::domain::NewSession {
                    at: Some(dt("2026-11-01 10:00")),
                    topics: vec!["sleep".into()],
                    ..Default::default()
                },
                dt("2026-11-01 11:00"),
            )
            .unwrap();
        let mut p = notes(&[(s1.as_str(), "mine", "2026-11-01 11:00")]);
        assert!(against_record(&p, &record).is_empty(), "a note not final: nothing to say");
        record.finalise(Some(&s1), dt("2026-11-02 11:00")).unwrap();
        assert_eq!(against_record(&p, &record).len(), 1, "final note, process note unsealed");
        p.seal(std::slice::from_ref(&s1), dt("2026-11-02 11:00"));
        assert!(against_record(&p, &record).is_empty());
        p.notes[0].text = "rewritten".into();
        assert_eq!(against_record(&p, &record).len(), 1, "seal broken");
    }

    #[test]
    fn a_process_note_sealed_with_its_note_is_read_only_and_a_change_by_hand_shows() {
        let mut p = ProcessNotes::new(ClientId::new("ann"));
        let s1 = SessionId::new("s1");
        p.write(&s1, "I felt protective; am I rescuing?", dt("2026-11-26 11:00")).unwrap();
        assert_eq!(p.seal(std::slice::from_ref(&s1), dt("2026-11-27 11:00")), 1);
        assert!(p.write(&s1, "changed", dt("2026-11-28 11:00")).is_err());
        assert!(!p.notes[0].is_broken());
        p.notes[0].text.push('!');
        assert!(p.notes[0].is_broken());
    }
}
