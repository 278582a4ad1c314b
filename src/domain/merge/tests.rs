use super::*;
use crate::domain::finalise::FinalisePolicy;
use crate::domain::time::dt;
use crate::domain::{ClientProfile, ConflictKind, NewSession, TaskStatus};

fn base() -> ClientRecord {
    let mut r = ClientRecord::new(
        crate::domain::ClientId::new("ann"),
        ClientProfile { name: "Ann".into(), ..Default::default() },
        dt("2026-11-01 09:00").date(),
    );
    r.add_session(
        NewSession {
            topics: vec!["sleep".into()],
            tasks: vec!["diary".into()],
            plan: "work".into(),
            ..Default::default()
        },
        dt("2026-11-02 10:00"),
    )
    .unwrap();
    r
}

fn note(r: &mut ClientRecord, at: &str, topic: &str) -> SessionId {
    let new =
        NewSession { topics: vec![topic.into()], tasks: vec![format!("task from {topic}")], ..Default::default() };
    r.add_session(new, dt(at)).unwrap()
}

fn retag(r: &mut ClientRecord, old: &str, new: &str) -> SessionId {
    r.sessions.iter_mut().filter(|s| s.id.as_str() == old).for_each(|s| s.id = crate::domain::SessionId::new(new));
    r.tasks
        .iter_mut()
        .filter(|t| t.session.as_ref().map(|x| x.as_str()) == Some(old))
        .for_each(|t| t.session = Some(crate::domain::SessionId::new(new)));
    crate::domain::SessionId::new(new)
}

const NOW: &str = "2026-11-20 18:00";

fn merged(b: &ClientRecord, o: &ClientRecord, t: &ClientRecord) -> Merged {
    merge(Some(b), o, t, dt(NOW)).unwrap()
}

fn topics(r: &ClientRecord) -> Vec<String> {
    r.sessions.iter().flat_map(|s| s.topics.clone()).collect()
}

#[test]
fn notes_written_offline_on_both_devices_both_survive_under_their_own_ids() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    note(&mut laptop, "2026-11-09 10:00", "laptop");
    note(&mut desktop, "2026-11-10 10:00", "desktop");
    let m = merged(&b, &laptop, &desktop);
    assert_eq!(topics(&m.record), vec!["sleep", "laptop", "desktop"]);
    let ids: Vec<&str> = m.record.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["s1", "s2", "s3"], "the other device's s2 became s3");
    let desk_task = m.record.tasks.iter().find(|t| t.text == "task from desktop").unwrap();
    assert_eq!(desk_task.session.as_ref().map(|x| x.as_str()), Some("s3"), "its task follows it");
    assert_eq!(m.record.tasks.len(), 3);
    assert!(m.conflicts.is_empty());
    // Either way round, the same notes.
    let other_way = merged(&b, &desktop, &laptop);
    assert_eq!(topics(&other_way.record), vec!["sleep", "laptop", "desktop"]);
}

#[test]
fn changes_to_different_fields_are_both_kept_and_the_same_field_is_a_conflict() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.sessions[0].plan = "look at the diary".into();
    desktop.sessions[0].notes = "long silence".into();
    laptop.tasks[0].status = TaskStatus::Done;
    desktop.tasks[0].text = "sleep diary".into();
    let m = merged(&b, &laptop, &desktop);
    assert_eq!(m.record.sessions[0].plan, "look at the diary");
    assert_eq!(m.record.sessions[0].notes, "long silence");
    assert_eq!((m.record.tasks[0].status, m.record.tasks[0].text.as_str()), (TaskStatus::Done, "sleep diary"));
    assert!(m.conflicts.is_empty());

    desktop.sessions[0].plan = "talk about work".into();
    let m = merged(&b, &laptop, &desktop);
    assert_eq!(m.record.sessions[0].plan, "look at the diary", "this device's value stays in place");
    let c = &m.record.conflicts[0];
    assert_eq!(
        (c.kind, c.part.key(), c.item.as_str(), c.field.as_str()),
        (ConflictKind::Edit, "sessions", "s1", "plan")
    );
    assert_eq!((c.kept.as_str(), c.other.as_str()), (Some("look at the diary"), Some("talk about work")));
    // The other way round keeps the other value in place, and the first in conflicts.
    let m = merged(&b, &desktop, &laptop);
    assert_eq!(m.record.sessions[0].plan, "talk about work");
    assert_eq!(m.record.conflicts[0].other.as_str(), Some("look at the diary"));
}

#[test]
fn a_finalised_note_changed_on_one_device_is_kept_as_sealed_with_the_change_beside_it() {
    let mut b = base();
    b.finalise(Some(&crate::domain::SessionId::new("s1")), dt("2026-11-03 10:00")).unwrap();
    let (laptop, mut desktop) = (b.clone(), b.clone());
    desktop.sessions[0].plan = "quietly rewritten".into();
    for (o, t) in [(&laptop, &desktop), (&desktop, &laptop)] {
        let m = merged(&b, o, t);
        assert_eq!(m.record.sessions[0].plan, "work", "the sealed words stay in place");
        assert!(m.record.verify().is_empty());
        let c = &m.record.conflicts[0];
        assert_eq!((c.kind, c.item.as_str()), (ConflictKind::Finalised, "s1"));
        assert_eq!(c.other["plan"], "quietly rewritten", "the changed version is kept too");
    }
}

#[test]
fn an_addendum_on_each_device_keeps_both() {
    let mut b = base();
    b.finalise(Some(&crate::domain::SessionId::new("s1")), dt("2026-11-03 10:00")).unwrap();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.add_addendum(&crate::domain::SessionId::new("s1"), "from the laptop", dt("2026-11-05 10:00")).unwrap();
    desktop.add_addendum(&crate::domain::SessionId::new("s1"), "from the desktop", dt("2026-11-04 10:00")).unwrap();
    let m = merged(&b, &laptop, &desktop);
    let texts: Vec<&str> = m.record.sessions[0].addenda.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, vec!["from the desktop", "from the laptop"], "in time order");
    assert!(m.conflicts.is_empty());
}

#[test]
fn notes_finalised_offline_on_both_devices_chain_again() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    let l = note(&mut laptop, "2026-11-09 10:00", "laptop");
    laptop.finalise(Some(&l), dt("2026-11-09 12:00")).unwrap();
    let d = note(&mut desktop, "2026-11-10 10:00", "desktop");
    // Ids made on another device carry its mark (see `DeviceTag`).
    let d = retag(&mut desktop, d.as_str(), "s2-dsk");
    desktop.finalise(Some(&d), dt("2026-11-10 12:00")).unwrap();
    // Both seal s1 too, by themselves, at different times.
    laptop.finalise_due(dt("2026-11-12 09:00"), FinalisePolicy::default());
    desktop.finalise_due(dt("2026-11-13 09:00"), FinalisePolicy::default());
    let m = merged(&b, &laptop, &desktop);
    assert!(m.record.verify().is_empty(), "{:?}", m.record.verify());
    assert!(m.record.sessions.iter().all(|s| s.finalised.is_some()));
    // The desktop's seal was made anew, and the ledger must hear of it.
    let desk = m.record.sessions.iter().find(|s| s.topics == ["desktop"]).unwrap();
    assert!(m.rewitness.iter().any(|(id, h)| *id == desk.id && Some(h) == desk.finalised.as_ref().map(|f| &f.hash)));
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
}

#[test]
fn a_note_finalised_on_one_device_and_edited_on_the_other_keeps_the_finalised_one() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.finalise(Some(&crate::domain::SessionId::new("s1")), dt("2026-11-02 12:00")).unwrap();
    desktop.sessions[0].plan = "edited later".into();
    let m = merged(&b, &desktop, &laptop);
    assert_eq!(m.record.sessions[0].plan, "work");
    assert!(m.record.sessions[0].finalised.is_some());
    assert_eq!(m.conflicts[0].kind, ConflictKind::Finalised);
    assert_eq!(m.conflicts[0].other["plan"], "edited later");
}

#[test]
fn removed_on_one_device_and_changed_on_the_other_is_kept() {
    let mut b = base();
    b.add_watch_for("the father".into(), dt("2026-11-02 10:00").date());
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.watch_for.clear();
    desktop.watch_for[0].text = "the father, gently".into();
    let m = merged(&b, &laptop, &desktop);
    assert_eq!(m.record.watch_for[0].text, "the father, gently");
    assert_eq!(m.conflicts[0].kind, ConflictKind::Removed);
    // Removed on one and untouched on the other: a watch-for item is never
    // removed (it is resolved), so it is kept; a personal detail goes.
    let m = merged(&b, &laptop, &b);
    assert_eq!(m.record.watch_for.len(), 1);
    let mut with_detail = b.clone();
    with_detail.add_personal("a hobby".into(), None, false, dt("2026-11-02 10:00").date(), None);
    let mut taken_out = with_detail.clone();
    taken_out.personal.clear();
    assert!(merged(&with_detail, &taken_out, &with_detail).record.personal.is_empty());
}

#[test]
fn a_merge_run_again_on_its_own_result_changes_nothing() {
    // A sync killed after writing its merge commits it as this device's and merges again.
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.sessions[0].plan = "a".into();
    desktop.sessions[0].plan = "b".into();
    note(&mut laptop, "2026-11-09 10:00", "laptop");
    note(&mut desktop, "2026-11-10 10:00", "desktop");
    let first = merged(&b, &laptop, &desktop).record;
    let again = merge(Some(&b), &first, &desktop, dt("2026-11-21 09:00")).unwrap().record;
    assert_eq!(again, first);
}

#[test]
fn conflicts_settled_on_one_device_stay_settled() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.sessions[0].plan = "a".into();
    desktop.sessions[0].plan = "b".into();
    let first = merged(&b, &laptop, &desktop).record;
    let mut settled = first.clone();
    settled.conflicts.clear();
    let mut elsewhere = first.clone();
    note(&mut elsewhere, "2026-11-09 10:00", "later");
    let m = merged(&first, &settled, &elsewhere);
    assert!(m.record.conflicts.is_empty());
    assert_eq!(m.record.sessions.len(), 2);
}

#[test]
fn a_hostile_copy_is_refused_not_written() {
    let b = base();
    let mut other = b.clone();
    other.client.id = crate::domain::ClientId::new("someone-else");
    assert!(merge(Some(&b), &b, &other, dt(NOW)).is_err());
    let mut huge = b.clone();
    huge.sessions[0].notes = "x".repeat(300 * 1024);
    let e = merge(Some(&b), &b, &huge, dt(NOW)).unwrap_err();
    assert!(e.contains("300 KiB"), "{e}");
}

#[test]
fn logs_are_the_union_in_time_order() {
    let at = |h: u32| dt(&format!("2026-11-20 {h:02}:00"));
    let base = vec![(at(1), "a"), (at(2), "b")];
    let mut ours = base.clone();
    ours.extend([(at(5), "ours"), (at(7), "ours late")]);
    let mut theirs = base.clone();
    theirs.extend([(at(6), "theirs")]);
    let out = union_in_time_order(&base, &ours, &theirs, |e| *e, |e| e.0);
    let words: Vec<&str> = out.iter().map(|e| e.1).collect();
    assert_eq!(words, vec!["a", "b", "ours", "theirs", "ours late"]);
    // Run again on a copy that already holds the other's: nothing twice.
    let again = union_in_time_order(&base, &out, &theirs, |e| *e, |e| e.0);
    assert_eq!(again, out);
    // An entry removed on one side (an erasure) stays removed.
    let erased = vec![(at(2), "b")];
    let out = union_in_time_order(&base, &erased, &theirs, |e| *e, |e| e.0);
    assert_eq!(out.iter().map(|e| e.1).collect::<Vec<_>>(), vec!["b", "theirs"]);
    // Unless it is one of a client whose record the merge kept.
    let out = union_keeping(&base, &erased, &theirs, |e| *e, |e| e.0, |e| e.1 == "a");
    assert_eq!(out.iter().map(|e| e.1).collect::<Vec<_>>(), vec!["b", "a", "theirs"]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// One offline change a therapist can make.
    #[derive(Debug, Clone)]
    enum Edit {
        Note(String),
        Task(String),
        Plan(usize, String),
        Done(usize),
        Finalise,
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let word = "[a-z]{1,6}";
        prop_oneof![
            word.prop_map(Edit::Note),
            word.prop_map(Edit::Task),
            (0usize..4, word).prop_map(|(i, w)| Edit::Plan(i, w)),
            (0usize..4).prop_map(Edit::Done),
            Just(Edit::Finalise),
        ]
    }

    fn apply(r: &mut ClientRecord, edits: &[Edit], day: u32) {
        for (n, e) in edits.iter().enumerate() {
            let at = dt(&format!("2026-11-{:02} {:02}:00", day, 8 + n % 12));
            match e {
                Edit::Note(w) => {
                    r.add_session(NewSession { topics: vec![w.clone()], ..Default::default() }, at).unwrap();
                }
                Edit::Task(w) => {
                    r.add_task(w, None, at.date()).unwrap();
                }
                Edit::Plan(i, w) => {
                    let i = i % r.sessions.len();
                    if r.sessions[i].finalised.is_none() {
                        r.sessions[i].plan = w.clone();
                    }
                }
                Edit::Done(i) => {
                    let i = i % r.tasks.len();
                    r.tasks[i].status = TaskStatus::Done;
                }
                Edit::Finalise => {
                    let _ = r.finalise(None, at);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn every_item_added_on_either_device_is_there_once_and_the_order_does_not_matter(
            a in proptest::collection::vec(edit(), 0..8),
            b in proptest::collection::vec(edit(), 0..8),
        ) {
            let base = base();
            let (mut laptop, mut desktop) = (base.clone(), base.clone());
            apply(&mut laptop, &a, 10);
            apply(&mut desktop, &b, 12);
            let one = merged(&base, &laptop, &desktop).record;
            let two = merged(&base, &desktop, &laptop).record;
            for (m, name) in [(&one, "laptop first"), (&two, "desktop first")] {
                prop_assert!(m.verify().is_empty(), "{name}: {:?}", m.verify());
                let mut expected: Vec<String> = laptop.sessions.iter().chain(&desktop.sessions).flat_map(|s| s.topics.clone()).collect();
                expected.sort();
                expected.dedup_by(|x, y| x == y && x == "sleep");
                // Only two notes finalised under the same id on two devices
                // (ids from before `sync init`) cannot both be in place: the
                // second is kept whole among the conflicts.
                let mut got = topics(m);
                for c in m.conflicts.iter().filter(|c| c.kind == ConflictKind::SameId) {
                    got.extend(c.other["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()));
                }
                got.sort();
                prop_assert_eq!(&got, &expected, "{}", name);
                let tasks = |r: &ClientRecord| r.tasks.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
                let mut expected = tasks(&laptop);
                expected.extend(tasks(&desktop).into_iter().skip(base.tasks.len()));
                expected.sort();
                let mut got = tasks(m);
                got.sort();
                prop_assert_eq!(got, expected);
            }
            // Symmetric up to which side's value stays in place in a conflict.
            let words = |r: &ClientRecord| {
                let mut t: Vec<_> = r.sessions.iter().map(|s| (s.at.to_string(), s.topics.clone())).collect();
                for c in r.conflicts.iter().filter(|c| c.kind == ConflictKind::SameId) {
                    let topics = c.other["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string());
                    t.push((c.other["at"].as_str().unwrap().replace('T', " "), topics.collect()));
                }
                t.sort();
                t
            };
            prop_assert_eq!(words(&one), words(&two));
            prop_assert_eq!(one.conflicts.len(), two.conflicts.len());
            // Run again on its own result (a sync killed part way): nothing more.
            let again = merge(Some(&base), &one, &desktop, dt(NOW)).unwrap().record;
            prop_assert_eq!(again, one);
        }
    }
}

#[test]
fn a_conflict_is_settled_with_either_value() {
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.sessions[0].plan = "a".into();
    desktop.sessions[0].plan = "b".into();
    let m = merged(&b, &laptop, &desktop).record;
    let mut kept = m.clone();
    kept.settle_conflict(0, false).unwrap();
    assert_eq!((kept.sessions[0].plan.as_str(), kept.conflicts.len()), ("a", 0));
    let mut other = m.clone();
    other.settle_conflict(0, true).unwrap();
    assert_eq!((other.sessions[0].plan.as_str(), other.conflicts.len()), ("b", 0));
    assert!(m.clone().settle_conflict(3, false).is_err());
    let mut sealed = m.clone();
    sealed.finalise(Some(&crate::domain::SessionId::new("s1")), dt(NOW)).unwrap();
    let e = sealed.settle_conflict(0, true).unwrap_err().to_string();
    assert!(e.contains("final now"), "{e}");
}

mod sealed;

#[test]
fn a_restore_puts_back_the_snapshot_and_keeps_what_happened_since() {
    let b = base();
    let mut snapshot = b.clone();
    snapshot.sessions[0].plan = "work".into();
    let mut with_conflict = b.clone();
    with_conflict.sessions[0].plan = "a".into();
    let mut other = b.clone();
    other.sessions[0].plan = "b".into();
    snapshot.conflicts = merged(&b, &with_conflict, &other).record.conflicts;
    assert_eq!(snapshot.conflicts.len(), 1);
    // Since the snapshot: the plan changed by mistake, a note added, the task done, the conflict settled.
    let mut now = snapshot.clone();
    now.sessions[0].plan = "a mistake".into();
    note(&mut now, "2026-11-09 10:00", "later");
    let t1 = now.tasks[0].id.clone();
    now.set_task_status(&t1, TaskStatus::Done, Some("every night".into()), dt(NOW).date()).unwrap();
    now.conflicts.clear();
    let (r, kept) = restore_keeping(&snapshot, &now);
    assert_eq!(r.sessions[0].plan, "work", "the snapshot's words are back");
    assert_eq!(topics(&r), vec!["sleep", "later"], "the note added since stays");
    assert_eq!(r.tasks[0].status, TaskStatus::Done, "a task closed since stays closed");
    assert_eq!(r.tasks[0].outcome.as_deref(), Some("every night"));
    assert!(r.conflicts.is_empty(), "a conflict settled since stays settled");
    assert_eq!(kept, 3, "the note, its task, and the task done");
    assert!(r.check().is_ok());

    // An appointment booked then and not held since (cancelled, or the
    // client did not come) stays not held: that happened.
    let mut snapshot = b.clone();
    snapshot.schedule(dt("2026-11-20 10:00"), 50, 0).unwrap();
    let mut now = snapshot.clone();
    let a = now.appointments.iter().find(|a| a.note.is_none()).unwrap().id.clone();
    now.cancel_appointment(&a, crate::domain::NotHeld::DidNotAttend, dt("2026-11-20 10:30")).unwrap();
    let (r, _) = restore_keeping(&snapshot, &now);
    let kept = r.appointments.iter().find(|x| x.id == a).unwrap();
    assert!(kept.is_cancelled() && kept.not_held == Some(crate::domain::NotHeld::DidNotAttend), "{kept:?}");
}

#[test]
fn a_custom_scale_copied_into_the_record_on_one_device_merges_with_the_others_changes() {
    use crate::domain::measures::{CustomScale, HigherIs, MeasureKind, Score};
    let day = crate::domain::time::dt("2026-11-02 10:00");
    let b = ClientRecord::new(
        crate::domain::ClientId::new("ann"),
        ClientProfile { name: "Ann".into(), ..Default::default() },
        day.date(),
    );
    let core = CustomScale {
        name: "CORE-10".into(),
        items: 10,
        item_max: 4,
        higher_is: HigherIs::Worse,
        cutoff: None,
        reliable_change: None,
    };
    let mut laptop = b.clone();
    laptop
        .add_measure(
            crate::domain::measures::NewMeasure {
                kind: MeasureKind::Custom("core-10".into()),
                items: vec![Score::whole(1); 10],
                at: day,
                session: None,
            },
            std::slice::from_ref(&core),
        )
        .unwrap();
    let mut desktop = b.clone();
    desktop.add_session(NewSession { topics: vec!["panic".into()], ..Default::default() }, day).unwrap();
    for (o, t) in [(&laptop, &desktop), (&desktop, &laptop)] {
        let m = merged(&b, o, t);
        assert_eq!(m.record.scales, vec![core.clone()]);
        assert_eq!(m.record.measures.len(), 1);
        assert_eq!(m.record.sessions.len(), 1);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    }
    // The same name defined differently on the other device: this device's
    // definition stays in place, the other is kept as a conflict to settle.
    let mut other = laptop.clone();
    other.scales[0].cutoff = Some(Score::whole(11));
    let m = merged(&b, &laptop, &other);
    assert_eq!(m.record.scales, laptop.scales);
    let c = &m.record.conflicts[0];
    assert_eq!((c.kind, c.part, c.item.as_str()), (ConflictKind::SameId, RecordPart::Scales, "core-10"));
    assert!(c.describe().contains("two different custom measures core-10"), "{}", c.describe());
    // Changed on one device after both had it: a field's conflict.
    let mut desktop = laptop.clone();
    desktop.scales[0].cutoff = Some(Score::whole(12));
    let m = merged(&laptop, &other, &desktop);
    let c = &m.record.conflicts[0];
    assert_eq!(
        (c.kind, c.part, c.item.as_str(), c.field.as_str()),
        (ConflictKind::Edit, RecordPart::Scales, "core-10", "cutoff")
    );
}

mod every_part {
    //! Generated offline changes to every part of the record that holds
    //! items, on two devices: the merge never fails, keeps every item of
    //! both sides, and does not depend on which device merges.

    use super::*;
    use crate::domain::measures::{CustomScale, HigherIs, MeasureKind, NewMeasure, Score};
    use crate::domain::{Channel, Direction};
    use proptest::prelude::*;

    fn core_10() -> CustomScale {
        CustomScale {
            name: "CORE-10".into(),
            items: 10,
            item_max: 4,
            higher_is: HigherIs::Worse,
            cutoff: None,
            reliable_change: None,
        }
    }

    /// The parts a person adds items to; the match in `add` names them all.
    const PARTS: [RecordPart; 10] = [
        RecordPart::Sessions,
        RecordPart::Tasks,
        RecordPart::Personal,
        RecordPart::Goals,
        RecordPart::WatchFor,
        RecordPart::Appointments,
        RecordPart::Contacts,
        RecordPart::Measures,
        RecordPart::Scales,
        RecordPart::Supervision,
    ];

    /// Adds an item to `part` of `r`, written `w`, at `at`.
    fn add(r: &mut ClientRecord, part: RecordPart, w: &str, at: chrono::NaiveDateTime) {
        let day = at.date();
        match part {
            RecordPart::Sessions => {
                r.add_session(NewSession { topics: vec![w.into()], ..Default::default() }, at).unwrap();
            }
            RecordPart::Tasks => {
                r.add_task(w, None, day).unwrap();
            }
            RecordPart::Personal => {
                r.add_personal(w.into(), None, true, day, None);
            }
            RecordPart::Goals => {
                r.add_goal(w.into(), false, day);
            }
            RecordPart::WatchFor => {
                r.add_watch_for(w.into(), day);
            }
            RecordPart::Appointments => {
                r.schedule(at + chrono::Duration::days(30), 50, 0).unwrap();
            }
            RecordPart::Contacts => {
                r.add_contact(at, Channel::Text, Direction::Incoming, w.into());
            }
            RecordPart::Measures => {
                let items = vec![Score::whole(w.len() as u32 % 4); 4];
                r.add_measure(NewMeasure { kind: MeasureKind::Ors, items, at, session: None }, &[]).unwrap();
            }
            // A custom measure taken: its scale is copied into the record.
            RecordPart::Scales => {
                let items = vec![Score::whole(1); 10];
                let kind = MeasureKind::Custom("core-10".into());
                r.add_measure(NewMeasure { kind, items, at, session: None }, &[core_10()]).unwrap();
            }
            RecordPart::Supervision => {
                r.add_question(w, day).unwrap();
            }
            RecordPart::Record | RecordPart::Client | RecordPart::Conflicts => {
                unreachable!("not a list a person adds to")
            }
        }
    }

    /// The items of every part, as text, sorted: what must survive a merge.
    fn items(r: &ClientRecord) -> Vec<String> {
        let ClientRecord {
            schema_version: _,
            client: _,
            sessions,
            tasks,
            personal,
            goals,
            watch_for,
            appointments,
            contacts,
            measures,
            scales,
            supervision,
            conflicts,
            device: _,
        } = r;
        let mut out: Vec<String> = Vec::new();
        out.extend(sessions.iter().map(|s| format!("note {} {:?}", s.at, s.topics)));
        out.extend(tasks.iter().map(|t| format!("task {}", t.text)));
        out.extend(personal.iter().map(|p| format!("detail {}", p.text)));
        out.extend(goals.iter().map(|g| format!("goal {}", g.text)));
        out.extend(watch_for.iter().map(|w| format!("watch {}", w.text)));
        out.extend(appointments.iter().map(|a| format!("appointment {}", a.start)));
        out.extend(contacts.iter().map(|c| format!("message {}", c.summary)));
        out.extend(measures.iter().map(|m| format!("measure {} {} {}", m.kind, m.at, m.total)));
        out.extend(scales.iter().map(|s| format!("scale {}", s.name)));
        out.extend(supervision.iter().map(|q| format!("question {}", q.text)));
        // Two items given one id on two devices: the other is kept whole here.
        out.extend(conflicts.iter().filter(|c| c.kind == ConflictKind::SameId).map(|c| format!("kept {}", c.other)));
        out.sort();
        out
    }

    fn edits() -> impl Strategy<Value = Vec<(usize, String)>> {
        proptest::collection::vec((0..PARTS.len(), "[a-z]{1,6}"), 0..10)
    }

    fn apply(r: &mut ClientRecord, edits: &[(usize, String)], day: u32) {
        for (n, (part, w)) in edits.iter().enumerate() {
            let at = dt(&format!("2026-11-{day:02} {:02}:{:02}", 8 + n % 10, n % 60));
            add(r, PARTS[*part], w, at);
        }
    }

    proptest! {
        #[test]
        fn a_merge_of_changes_to_every_part_never_fails_and_keeps_every_item_of_both_sides(
            a in edits(),
            b in edits(),
        ) {
            let base = base();
            let (mut laptop, mut desktop) = (base.clone(), base.clone());
            apply(&mut laptop, &a, 10);
            apply(&mut desktop, &b, 12);
            let one = merge(Some(&base), &laptop, &desktop, dt(NOW)).expect("the merge never fails").record;
            let two = merge(Some(&base), &desktop, &laptop, dt(NOW)).expect("the merge never fails").record;
            let mut expected = items(&laptop);
            let from_base = items(&base);
            expected.extend(items(&desktop).into_iter().filter(|i| !from_base.contains(i)));
            // One CORE-10, however many devices took it.
            expected.sort();
            expected.dedup_by(|x, y| x == y && x.starts_with("scale "));
            let seen = |r: &ClientRecord| {
                let mut i: Vec<String> = items(r).into_iter().filter(|i| !i.starts_with("kept ")).collect();
                i.sort();
                i
            };
            prop_assert_eq!(seen(&one), expected.clone(), "laptop first");
            prop_assert_eq!(seen(&two), expected, "desktop first");
            prop_assert!(one.check().is_ok() && two.check().is_ok());
        }
    }
}

#[test]
fn measures_taken_on_two_devices_are_in_the_order_they_were_taken_after_a_merge() {
    use crate::domain::measures::{MeasureKind, NewMeasure, Score};
    let b = base();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    let ors = |items: u32, at: &str| NewMeasure {
        kind: MeasureKind::Ors,
        items: vec![Score::whole(items); 4],
        at: dt(at),
        session: None,
    };
    desktop.add_measure(ors(1, "2026-11-22 09:00"), &[]).unwrap();
    laptop.add_measure(ors(9, "2026-11-22 08:00"), &[]).unwrap();
    for m in [merged(&b, &desktop, &laptop), merged(&b, &laptop, &desktop)] {
        let at: Vec<_> = m.record.measures.iter().map(|m| m.at).collect();
        assert_eq!(at, vec![dt("2026-11-22 08:00"), dt("2026-11-22 09:00")]);
        let t = &m.record.trends(dt("2026-11-23 09:00"))[0];
        assert_eq!((t.change.as_ref().unwrap().from, t.latest), (Score::whole(36), Score::whole(4)), "36 then 4");
    }
}

#[test]
fn a_watch_for_item_resolved_on_one_device_stays_resolved_and_on_both_takes_the_earlier_day() {
    let mut b = base();
    let w = b.add_watch_for("the father".into(), dt("2026-11-02 10:00").date());
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.resolve_watch_for(&w, dt("2026-11-10 10:00").date(), None).unwrap();
    desktop.watch_for[0].text = "the father, gently".into();
    for m in [merged(&b, &laptop, &desktop), merged(&b, &desktop, &laptop)] {
        assert_eq!(m.record.watch_for[0].resolved_on, Some(dt("2026-11-10 10:00").date()));
        assert_eq!(m.record.watch_for[0].text, "the father, gently");
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    }
    desktop.resolve_watch_for(&w, dt("2026-11-12 10:00").date(), None).unwrap();
    for m in [merged(&b, &laptop, &desktop), merged(&b, &desktop, &laptop)] {
        assert_eq!(m.record.watch_for[0].resolved_on, Some(dt("2026-11-10 10:00").date()), "the earlier day");
        assert!(m.conflicts.is_empty(), "both resolved it: nothing to settle {:?}", m.conflicts);
    }
    // Set back on one device after both had it resolved: set back.
    let resolved = merged(&b, &laptop, &desktop).record;
    let mut reopened = resolved.clone();
    reopened.reopen_watch_for(&w).unwrap();
    assert_eq!(merged(&resolved, &reopened, &resolved).record.watch_for[0].resolved_on, None);
}

#[test]
fn an_appointment_not_held_for_different_reasons_on_two_devices_is_a_conflict_at_the_earlier_cancel() {
    let mut b = base();
    b.schedule(dt("2026-11-16 10:00"), 50, 0).unwrap();
    let a = b.appointments[0].id.clone();
    let (mut laptop, mut desktop) = (b.clone(), b.clone());
    laptop.cancel_appointment(&a, crate::domain::NotHeld::DidNotAttend, dt("2026-11-16 10:20")).unwrap();
    // Cancelled on one device only: it is cancelled, and says why.
    let m = merged(&b, &laptop, &b);
    assert_eq!(m.record.appointments[0].not_held, Some(crate::domain::NotHeld::DidNotAttend));
    desktop.cancel_appointment(&a, crate::domain::NotHeld::CancelledByClient, dt("2026-11-16 11:00")).unwrap();
    let m = merged(&b, &laptop, &desktop);
    assert_eq!(m.record.appointments[0].cancelled, Some(dt("2026-11-16 10:20")));
    assert_eq!(m.record.appointments[0].not_held, Some(crate::domain::NotHeld::DidNotAttend), "this device's");
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert_eq!(m.conflicts[0].field, "not_held");
    assert_eq!(m.conflicts[0].other, "cancelled_by_client");
    // The other device's merge keeps the same time.
    assert_eq!(merged(&b, &desktop, &laptop).record.appointments[0].cancelled, Some(dt("2026-11-16 10:20")));
}

#[test]
fn a_conflict_over_why_an_appointment_was_not_held_is_said_in_words() {
    let c = Conflict {
        found: dt(NOW),
        kind: ConflictKind::Edit,
        part: crate::domain::RecordPart::Appointments,
        item: "a1".into(),
        field: "not_held".into(),
        kept: serde_json::json!("did_not_attend"),
        other: serde_json::json!("cancelled_by_client"),
    };
    let said = c.describe();
    assert!(said.contains("\"did not attend\" is in place; the other value was \"cancelled by client\""), "{said}");
    assert_eq!(c.settled(true), "the other value is in place now: \"cancelled by client\"");
}

#[test]
fn tasks_appointments_and_a_final_notes_scores_taken_out_on_one_side_are_kept_other_scores_go() {
    use crate::domain::measures::{MeasureKind, NewMeasure, Score};
    let mut b = base();
    let s1 = b.sessions[0].id.clone();
    let score = |session: Option<SessionId>| NewMeasure {
        kind: MeasureKind::Ors,
        items: vec![Score::whole(5); 4],
        at: dt("2026-11-02 10:00"),
        session,
    };
    b.add_measure(score(Some(s1.clone())), &[]).unwrap();
    b.add_measure(NewMeasure { at: dt("2026-11-03 10:00"), ..score(None) }, &[]).unwrap();
    b.schedule(dt("2026-11-09 10:00"), 50, 0).unwrap();
    b.finalise(Some(&s1), dt("2026-11-03 10:00")).unwrap();
    // Taken out by git alone on the other device: the task, the
    // appointment, both scores.
    let mut theirs = b.clone();
    theirs.tasks.clear();
    theirs.appointments.clear();
    theirs.measures.clear();
    for (o, t) in [(&b, &theirs), (&theirs, &b)] {
        let m = merged(&b, o, t);
        assert_eq!(m.record.tasks.len(), 1, "the task stays");
        assert_eq!(m.record.appointments.len(), 1, "the appointment stays");
        let kept: Vec<_> = m.record.measures.iter().map(|x| x.session.clone()).collect();
        assert_eq!(kept, [Some(s1.clone())], "the final note's score stays, the other goes");
        assert!(m.record.verify().is_empty(), "the seal holds");
        assert_eq!(m.conflicts.iter().filter(|c| c.kind == ConflictKind::Removed).count(), 3, "{:?}", m.conflicts);
    }
}
