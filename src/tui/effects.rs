//! The effects that touch the data folder, run by the app loop (and by
//! tests, without a terminal).

use chrono::NaiveDateTime;

use super::action::{Action, Effect};
use super::keys::Context;
use crate::domain::time::format_datetime;
use crate::domain::{RecordError, plural};
use crate::sanitize::MakeVisible;
use crate::store::{IndexMark, Store};

/// Runs one effect on the store and returns its result as an action, with
/// every text from the record made visible (see [`crate::sanitize`]): what
/// the app holds, it can draw. Failures come back as
/// [`Action::StoreFailed`] with a message for the status line; nothing here
/// panics or exits.
pub fn run(store: &Store, effect: Effect, now: NaiveDateTime) -> Option<Action> {
    let mut action = perform(store, effect, now)?;
    action.make_visible();
    Some(action)
}

/// The app's look in the background ([`Effect::Refresh`]): every client
/// file's size and time. The summaries are read again, and sent, only when
/// something changed since those at `mark`, which then follows them: no
/// second copy of every summary while nothing changes.
pub fn look(store: &Store, mark: &mut Option<IndexMark>) -> Option<Action> {
    match store.index_looked(*mark) {
        Ok((entries, now)) => {
            *mark = now;
            let mut action = Action::Refreshed(entries?);
            action.make_visible();
            Some(action)
        }
        Err(e) => Some(Action::StoreFailed(e.to_string())),
    }
}

/// Every client, read behind the first frame ([`Effect::LoadRoster`]),
/// telling `progress` of each client file read when the index must be
/// built; `mark` then names the summaries sent (see [`look`]).
pub fn load_roster(
    store: &Store,
    mark: &mut Option<IndexMark>,
    progress: &mut dyn crate::progress::Progress,
) -> Option<Action> {
    // Read first: summaries saved meanwhile are newer than it says.
    let before = store.index_mark();
    let mut action = Action::RosterLoaded(store.index_told(progress).map_err(|e| e.to_string()));
    if matches!(action, Action::RosterLoaded(Ok(_))) {
        *mark = before;
    }
    action.make_visible();
    Some(action)
}

fn perform(store: &Store, effect: Effect, now: NaiveDateTime) -> Option<Action> {
    let failed = |e: crate::store::StoreError| Action::StoreFailed(e.to_string());
    Some(match effect {
        Effect::Search { query, limit } => {
            let result = store.search(&query, None, limit).map_err(|e| e.to_string());
            Action::SearchDone { query, result }
        }
        Effect::EditNote { client, session, note, base } => {
            let policy = store.settings().policy();
            let process = note.process.clone();
            let edited = store.update(&client, now, "note edited", |r| {
                // The app holds the record made visible; compare like with like.
                let mut on_disk = r.session(&session).cloned();
                on_disk.make_visible();
                let mut note = note;
                let mut kept = Vec::new();
                if let (Some(base), Some(on_disk)) = (&base, &on_disk)
                    && on_disk.edit_base() != *base
                {
                    // Changed in another window meanwhile: what each changed
                    // is kept, unless both changed the same part.
                    (note, kept) = on_disk.merge_edit(base, note).map_err(|both| {
                        RecordError::Invalid(format!(
                            "this note was changed in another window since you opened it, in the same part as \
                             here ({}), and saving now would write over that change. Copy what you added, press \
                             Esc and open the note again",
                            both.join(", ")
                        ))
                    })?;
                }
                r.edit_session(&session, note, now, policy).map(|()| kept)
            });
            match edited {
                Ok((kept, record)) => {
                    crate::practice::note::keep_process_note(store, &client, &session, &process, now);
                    Action::NoteSaved { record: Box::new(record), session, kept }
                }
                Err(e) => Action::NoteNotSaved(format!("Not saved: {e}. Your note is still here.")),
            }
        }
        Effect::Finalise { client, session } => {
            // A note whose editing period ran out is sealed just before: say so.
            let result = store.update_with(&client, now, "note finalised", |r, auto| {
                if auto.contains(&session) { Ok(true) } else { r.finalise(Some(&session), now).map(|_| false) }
            });
            match result {
                Ok((auto, record)) => Action::RecordSaved {
                    record: Box::new(record),
                    message: if auto {
                        format!("Note {session} was finalised automatically just now (its editing period had run out).")
                    } else {
                        format!("Note {session} finalised: it is read-only now; corrections go in addenda (+).")
                    },
                },
                Err(e) => failed(e),
            }
        }
        Effect::AddAddendum { client, session, text } => {
            match store.update(&client, now, "addendum added", |r| r.add_addendum(&session, &text, now)) {
                Ok(((), record)) => Action::RecordSaved {
                    record: Box::new(record),
                    message: format!("Addendum added to note {session}."),
                },
                Err(e) => failed(e),
            }
        }
        Effect::CountPractice => Action::PracticeCounted(
            crate::practice::supervision::overview(store, now).map(Box::new).map_err(|e| e.to_string()),
        ),
        Effect::Bring { client, text } => match crate::practice::supervision::bring(store, &client, &text, now) {
            Ok((id, record)) => Action::RecordSaved {
                record: Box::new(record),
                message: format!("Kept {id} for the next supervision: `rapport supervision brief` names no one."),
            },
            Err(e) => failed(e),
        },
        Effect::AddMeasures { client, measures, at, session, scales } => {
            match store.update(&client, now, "measures added", |r| r.add_measures(measures, at, session, &scales)) {
                Ok((message, record)) => Action::RecordSaved { record: Box::new(record), message },
                Err(e) => failed(e),
            }
        }
        Effect::Export { client } => Action::Exported(
            store.export_client(&client, now).map(|p| p.display().to_string()).map_err(|e| e.to_string()),
        ),
        // The app's look in the background: every file's size and time.
        Effect::Refresh => match store.index_checked() {
            Ok(entries) => Action::Refreshed(entries),
            Err(e) => failed(e),
        },
        Effect::LoadRoster => Action::RosterLoaded(store.index().map_err(|e| e.to_string())),
        Effect::Sync => super::sync::run(store, now),
        Effect::CheckSync => super::sync::check(store),
        Effect::SettleConflict { client, conflict, take_other } => {
            let result = store.update(&client, now, "sync conflict settled", |r| {
                // Found by what it is about, not by its place: the list may
                // have changed on disk since it was shown.
                let same = |c: &crate::domain::Conflict| {
                    c.kind == conflict.kind
                        && c.part == conflict.part
                        && c.item == conflict.item
                        && c.field == conflict.field
                };
                let Some(index) = r.conflicts.iter().position(same) else {
                    return Err(RecordError::Invalid(
                        "that conflict was settled meanwhile (in another window or on another device)".into(),
                    ));
                };
                r.settle_conflict(index, take_other)
            });
            match result {
                Ok((c, record)) => Action::RecordSaved {
                    record: Box::new(record),
                    message: format!("Settled: {}.", c.settled(take_other)),
                },
                Err(e) => failed(e),
            }
        }
        Effect::ListSnapshots { client } => {
            // Newest first: the one most likely wanted is on top.
            let mut snapshots = store.snapshots_holding(&client);
            snapshots.reverse();
            Action::SnapshotsListed { client, snapshots: Ok(snapshots) }
        }
        Effect::Restore { client, snapshot, answers } => {
            use crate::practice::{Outcome, restore};
            match restore::restore(store, &snapshot, Some(&client), &answers, now, &mut crate::progress::Quiet) {
                Ok(Outcome::Asks(questions)) => Action::RestoreQuestions { client, snapshot, answers, questions },
                Ok(Outcome::Done(restored)) => match store.load(&client) {
                    Ok(record) => Action::RecordSaved {
                        message: format!(
                            "Restored {}'s record from {snapshot}; no other client changed. Before it: snapshot {}.",
                            record.display_name(),
                            restored.kept
                        ),
                        record: Box::new(record),
                    },
                    Err(e) => failed(e),
                },
                Err(e) => failed(e),
            }
        }
        Effect::Asked { client, detail, asked } => {
            let what = if asked { "personal detail asked" } else { "personal detail to ask about again" };
            match store.update(&client, now, what, |r| {
                r.set_personal_ask(&detail, !asked)?;
                Ok(r.personal.iter().find(|p| p.id == detail).map(|p| p.text.clone()).unwrap_or_default())
            }) {
                Ok((text, record)) => {
                    let message = if asked {
                        // The undo is offered at once, named from the key table.
                        let again = super::keymap::TABLE.key_for(Context::Review, &Action::AskAgain);
                        format!(
                            "Asked about {detail} \"{text}\": it leaves {}'s \"Ask about\"; it stays in the record. \
                             {again} asks again.",
                            record.client.name
                        )
                    } else {
                        format!("{detail} \"{text}\" is back under \"Ask about\".")
                    };
                    Action::RecordSaved { record: Box::new(record), message }
                }
                Err(e) => failed(e),
            }
        }
        Effect::LoadClient { client } => {
            // A newer-format file is shown (its entry is marked read-only);
            // the store refuses any change to it, with the reason.
            let record = store.load_file(&client).record.map(Box::new).map_err(|e| e.to_string());
            Action::ClientLoaded { client, record }
        }
        Effect::SaveNote { client, note, answers } => {
            use crate::practice::{Outcome, note};
            match note::save(store, &client, (*note).clone(), &answers, now) {
                Ok(Outcome::Done(saved)) => {
                    Action::NoteSaved { record: Box::new(saved.record), session: saved.session, kept: Vec::new() }
                }
                Ok(Outcome::Asks(questions)) => Action::NoteQuestions { client, note, answers, questions },
                Err(e) => Action::NoteNotSaved(format!("Not saved: {e}. Your note is still here.")),
            }
        }
        Effect::AddClient { profile } => match store.create_client(profile, now) {
            Ok(record) => Action::ClientSaved(Box::new(record)),
            Err(e) => failed(e),
        },
        Effect::EditClient { client, base, profile } => {
            let result = store.update(&client, now, "client edited", |r| {
                // The app holds the profile made visible; compare like with like.
                let mut on_disk = r.profile();
                on_disk.make_visible();
                if on_disk != base {
                    let key = |context, action| super::keymap::TABLE.key_for(context, &action);
                    return Err(RecordError::Invalid(format!(
                        "these details were changed in another window meanwhile; nothing was saved. Press {}, then {} \
                         to edit the new version",
                        key(Context::ClientForm, Action::Back),
                        key(Context::Clients, Action::EditClient)
                    )));
                }
                r.set_profile(profile);
                Ok(())
            });
            match result {
                Ok(((), record)) => Action::ClientSaved(Box::new(record)),
                Err(e) => failed(e),
            }
        }
        Effect::SetTask { client, task, status, outcome } => {
            match store.update(&client, now, "task changed", |r| r.set_task_status(&task, status, outcome, now.date()))
            {
                Ok(((), record)) => {
                    let word = match status {
                        crate::domain::TaskStatus::Done => "done",
                        crate::domain::TaskStatus::Dropped => "dropped",
                        crate::domain::TaskStatus::Open => "not done yet",
                    };
                    Action::RecordSaved { record: Box::new(record), message: format!("Task {task} marked {word}.") }
                }
                Err(e) => failed(e),
            }
        }
        Effect::AddTask { client, text } => {
            match store.update(&client, now, "task set", |r| r.add_task(&text, None, now.date())) {
                Ok((id, record)) => {
                    Action::RecordSaved { record: Box::new(record), message: format!("Task {id} set: {text}.") }
                }
                Err(e) => failed(e),
            }
        }
        Effect::Schedule { client, start, minutes, weekly, replaces } => {
            let moved = replaces.is_some();
            let booking = crate::practice::booking::Booking { start, minutes, weekly, replaces };
            match crate::practice::booking::book(store, &client, &booking, now) {
                Ok(booked) => {
                    let mut message = if moved {
                        format!("Moved to {} ({minutes} min).", format_datetime(start))
                    } else {
                        format!(
                            "Booked {} ({minutes} min): {}.",
                            plural(booked.booked.len(), "appointment"),
                            booked.times()
                        )
                    };
                    for w in &booked.warnings {
                        message.push_str(&format!(" Note: {w}"));
                    }
                    Action::RecordSaved { record: Box::new(booked.record), message }
                }
                Err(e) => failed(e),
            }
        }
        Effect::CancelAppointment { client, appointment, start, how } => {
            match store.update(&client, now, "appointment cancelled", |r| r.cancel_appointment(&appointment, how, now))
            {
                Ok((_, record)) => Action::RecordSaved {
                    record: Box::new(record),
                    message: format!("The appointment at {} is marked {}.", format_datetime(start), how.label()),
                },
                Err(e) => failed(e),
            }
        }
        Effect::ChangeProfile { client, change } => {
            let resolved = matches!(change, crate::domain::profile::ProfileChange::Resolve { .. });
            match store.update(&client, now, "profile changed", |r| r.apply_profile_change(change, now)) {
                Ok((message, record)) if resolved => {
                    // The undo is offered at once, named from the key table.
                    let undo = super::keymap::TABLE.key_for(Context::ProfileWatch, &Action::ReopenItem);
                    Action::RecordSaved { record: Box::new(record), message: format!("{message} {undo} undoes.") }
                }
                Ok((message, record)) => Action::RecordSaved { record: Box::new(record), message },
                Err(e) => failed(e),
            }
        }
        Effect::SaveDraft { client, draft } => match store.save_draft(client.as_str(), &draft, &draft.window) {
            Ok(()) => Action::DraftSaved { client },
            Err(e) => Action::DraftFailed(format!("Could not keep a draft: {e}")),
        },
        Effect::ClaimDraft { client, from, to } => {
            let result = store.claim_draft(&client, &from, &to).map_err(|e| e.to_string());
            Action::DraftClaimed { client, result }
        }
        Effect::DeleteDraft { client, windows } => match store.delete_draft(&client, &windows) {
            Ok(()) => return None,
            Err(e) => failed(e),
        },
        Effect::OpenEditor { .. } => Action::EditorClosed(Err("The editor cannot be opened here.".into())),
    })
}
