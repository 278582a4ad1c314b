//! Worked examples of scoring, bands, Jacobson–Truax readings and flags,
//! at the boundaries the scales name.

use super::*;
use crate::domain::time::dt;
use crate::domain::{ClientProfile, NewSession};

fn s(text: &str) -> Score {
    Score::parse(text).unwrap()
}

fn scale(kind: MeasureKind) -> Scale {
    Scale::of(&kind, &[]).unwrap()
}

fn record() -> ClientRecord {
    ClientRecord::new(
        crate::domain::ClientId::new("ann"),
        ClientProfile { name: "Ann".into(), ..Default::default() },
        dt("2026-09-01 09:00").date(),
    )
}

/// Records `lines` ("SRS 9 9 9 9") a week apart from 7 Sep.
fn taken(lines: &[&str]) -> ClientRecord {
    let mut r = record();
    for (week, line) in lines.iter().enumerate() {
        let (kind, items) = read_line(line, &[]).unwrap();
        let at = dt("2026-09-07 10:00") + chrono::Duration::weeks(week as i64);
        r.add_measure(NewMeasure { kind, items, at, session: None }, &[]).unwrap();
    }
    r
}

fn flags(r: &ClientRecord) -> Vec<String> {
    r.measure_flags(dt("2027-01-01 00:00")).into_iter().map(|f| f.text).collect()
}

#[test]
fn totals_are_added_up_exactly_with_tenths() {
    let r = taken(&["ORS 6 6.5 7 6.3"]);
    assert_eq!(r.measures[0].total, s("25.8"));
    assert_eq!(r.measures[0].id, crate::domain::MeasureId::new("m1"));
    let r = taken(&["phq9 1 1 2 2 1 0 1 0 0"]);
    assert_eq!(r.measures[0].total, Score::whole(8));
}

#[test]
fn kinds_are_named_any_case_with_or_without_a_hyphen() {
    for (typed, kind) in [
        ("PHQ9", MeasureKind::Phq9),
        ("phq-9", MeasureKind::Phq9),
        ("Gad-7", MeasureKind::Gad7),
        ("ors", MeasureKind::Ors),
        ("SRS:", MeasureKind::Srs),
    ] {
        assert_eq!(kind_named(typed.trim_end_matches(':'), &[]), Ok(kind), "{typed}");
    }
    let e = kind_named("BDI", &[]).unwrap_err();
    assert!(e.contains("'BDI' is not a measure Rapport knows: ORS, SRS, PHQ-9, GAD-7"), "{e}");
}

#[test]
fn a_wrong_number_of_items_or_a_score_out_of_range_names_the_item() {
    let e = |line: &str| read_line(line, &[]).unwrap_err();
    assert_eq!(e("ORS 6 6 6"), "ORS takes 4 item scores; 3 were given");
    assert_eq!(e("ORS 6 10.1 6 6"), "ORS item 2 (Interpersonally) is 10.1; it takes 0 to 10");
    assert_eq!(
        e("PHQ-9 0 0 0 0 0 0 0 0 4"),
        "PHQ-9 item 9 (thoughts of self-harm) is 4; it takes whole numbers 0 to 3"
    );
    assert_eq!(e("GAD7 1 1.5 1 1 1 1 1"), "GAD-7 item 2 (cannot stop worrying) is 1.5; it takes whole numbers 0 to 3");
    assert!(e("SRS 9 9 9,5 9").contains("SRS item 3: '9,5' is not a score; write a decimal with a point: 9.5"));
    assert!(e("").contains("type a measure and its scores"));
}

#[test]
fn phq9_and_gad7_bands_at_their_edges() {
    let phq = scale(MeasureKind::Phq9);
    let bands: Vec<_> = [0, 4, 5, 9, 10, 14, 15, 19, 20, 27].map(|t| phq.band(Score::whole(t)).unwrap()).into();
    assert_eq!(
        bands,
        [
            "minimal",
            "minimal",
            "mild",
            "mild",
            "moderate",
            "moderate",
            "moderately severe",
            "moderately severe",
            "severe",
            "severe"
        ]
    );
    assert_eq!(phq.clinical(Score::whole(9)), Some(false));
    assert_eq!(phq.clinical(Score::whole(10)), Some(true), "caseness is 10 or more");
    let gad = scale(MeasureKind::Gad7);
    assert_eq!(gad.band(Score::whole(14)).unwrap(), "moderate");
    assert_eq!(gad.band(Score::whole(15)).unwrap(), "severe");
    assert_eq!(gad.clinical(Score::whole(7)), Some(false));
    assert_eq!(gad.clinical(Score::whole(8)), Some(true), "caseness is 8 or more");
}

#[test]
fn the_ors_cutoff_is_25_and_below_it_is_clinical() {
    let ors = scale(MeasureKind::Ors);
    assert_eq!(ors.band(s("24.9")).unwrap(), "clinical range");
    assert_eq!(ors.band(s("25")).unwrap(), "non-clinical range");
}

#[test]
fn a_phq9_change_of_exactly_6_is_reliable() {
    let phq = scale(MeasureKind::Phq9);
    let w = Score::whole;
    assert_eq!(phq.reading(w(18), w(12)), Some(Reading::ReliableImprovement), "6 down, still moderate");
    assert_eq!(phq.reading(w(18), w(13)), Some(Reading::NoReliableChange), "5 is not enough");
    assert_eq!(phq.reading(w(15), w(9)), Some(Reading::Recovered), "6 down and below caseness");
    assert_eq!(phq.reading(w(15), w(10)), Some(Reading::NoReliableChange), "10 is still caseness");
    assert_eq!(phq.reading(w(16), w(10)), Some(Reading::ReliableImprovement), "reliable, not recovered at 10");
    assert_eq!(phq.reading(w(6), w(12)), Some(Reading::ReliableDeterioration));
    assert_eq!(phq.reading(w(6), w(11)), Some(Reading::NoReliableChange));
    assert_eq!(phq.reading(w(8), w(2)), Some(Reading::ReliableImprovement), "never clinical, so not 'recovered'");
}

#[test]
fn an_ors_crossing_25_by_a_reliable_change_is_recovery() {
    let ors = scale(MeasureKind::Ors);
    assert_eq!(ors.reading(s("20"), s("25")), Some(Reading::Recovered), "5 up, onto the cutoff");
    assert_eq!(ors.reading(s("20.1"), s("25")), Some(Reading::NoReliableChange), "4.9 up crosses, not reliably");
    assert_eq!(ors.reading(s("19"), s("24.9")), Some(Reading::ReliableImprovement), "5.9 up, still below 25");
    assert_eq!(ors.reading(s("26"), s("31")), Some(Reading::ReliableImprovement), "never clinical");
    assert_eq!(ors.reading(s("30"), s("25")), Some(Reading::ReliableDeterioration));
    assert_eq!(ors.reading(s("30"), s("25.1")), Some(Reading::NoReliableChange));
    assert_eq!(scale(MeasureKind::Srs).reading(s("38"), s("30")), None, "the SRS has no reliable-change reading");
}

#[test]
fn gad7_reliable_change_is_4_and_caseness_8() {
    let gad = scale(MeasureKind::Gad7);
    let w = Score::whole;
    assert_eq!(gad.reading(w(11), w(7)), Some(Reading::Recovered));
    assert_eq!(gad.reading(w(12), w(8)), Some(Reading::ReliableImprovement));
    assert_eq!(gad.reading(w(11), w(8)), Some(Reading::NoReliableChange));
}

#[test]
fn an_srs_of_exactly_36_raises_the_alliance_flag_and_36_1_does_not() {
    let r = taken(&["SRS 9 9 9 9"]);
    assert_eq!(flags(&r), ["alliance: last SRS 36, ask how the sessions feel"]);
    assert_eq!(r.trends(dt("2027-01-01 00:00"))[0].band.as_deref(), Some("alliance concern"));
    let r = taken(&["SRS 9 9 9 9.1"]);
    assert!(flags(&r).is_empty(), "{:?}", flags(&r));
}

#[test]
fn an_srs_drop_of_3_is_flagged_even_above_36() {
    let r = taken(&["SRS 10 10 10 10", "SRS 9.3 9.2 9.3 9.2"]);
    assert_eq!(flags(&r), ["alliance: SRS fell 40 → 37 since 7 Sep, ask what changed"]);
    let r = taken(&["SRS 10 10 10 10", "SRS 9.3 9.3 9.3 9.2"]);
    assert!(flags(&r).is_empty(), "a fall of 2.9 is not flagged: {:?}", flags(&r));
    let r = taken(&["SRS 10 10 10 10", "SRS 9 9 8 8"]);
    assert_eq!(flags(&r).len(), 2, "low and fallen: {:?}", flags(&r));
}

#[test]
fn an_srs_item_under_9_is_worth_a_word() {
    let r = taken(&["SRS 10 10 8.5 10"]);
    let t = &r.trends(dt("2027-01-01 00:00"))[0];
    assert_eq!(t.low_items, vec![LowItem { item: "Approach or method".into(), score: s("8.5") }]);
    assert!(flags(&r).is_empty(), "38.5 raises no flag");
}

#[test]
fn phq9_item_9_above_0_is_flagged_every_time_on_the_latest() {
    let r = taken(&["PHQ-9 1 1 1 1 1 0 0 0 1"]);
    assert_eq!(flags(&r), ["check risk: PHQ-9 item 9 scored 1 on 7 Sep"]);
    let r = taken(&["PHQ-9 1 1 1 1 1 0 0 0 2", "PHQ-9 1 1 1 1 1 0 0 0 0"]);
    assert!(flags(&r).is_empty(), "the latest scored 0: {:?}", flags(&r));
    let r = taken(&["PHQ-9 0 0 0 0 0 0 0 0 0"]);
    assert!(flags(&r).is_empty());
}

#[test]
fn reliable_deterioration_on_any_measure_is_flagged() {
    let r = taken(&["GAD-7 1 1 1 1 1 0 0", "GAD-7 2 2 1 1 1 1 1"]);
    assert_eq!(flags(&r), ["GAD-7: reliable deterioration, 5 → 9 since 7 Sep: review the plan together"]);
    let r = taken(&["ORS 8 8 8 8", "ORS 6.5 7 7 7.6"]);
    assert!(flags(&r).is_empty(), "a fall of 3.9 is no reliable change: {:?}", flags(&r));
    let r = taken(&["ORS 8 8 8 8", "ORS 6 7 7 7"]);
    assert_eq!(flags(&r), ["ORS: reliable deterioration, 32 → 27 since 7 Sep: review the plan together"]);
}

#[test]
fn flags_only_count_what_was_taken_before_the_review() {
    let r = taken(&["SRS 10 10 10 10", "SRS 8 8 8 8"]);
    assert!(r.measure_flags(dt("2026-09-10 00:00")).is_empty());
    assert_eq!(r.measure_flags(dt("2026-09-14 10:00")).len(), 2);
}

#[test]
fn the_trend_reads_from_first_to_latest() {
    let r = taken(&["PHQ-9 2 2 2 2 2 2 2 2 1", "PHQ-9 2 2 1 1 1 1 1 1 0", "PHQ-9 1 1 1 1 1 1 1 1 0"]);
    let t = &r.trends(dt("2027-01-01 00:00"))[0];
    assert_eq!((t.latest, t.band.as_deref()), (Score::whole(8), Some("mild")));
    let c = t.change.as_ref().unwrap();
    assert_eq!((c.from, c.by.to_string(), c.reading), (Score::whole(17), "−9".into(), Some(Reading::Recovered)));
    assert_eq!(t.sparkline, "█▃▁");
}

#[test]
fn sparklines_go_oldest_to_newest_and_noise_stays_flat() {
    let ors = scale(MeasureKind::Ors);
    let w = Score::whole;
    assert_eq!(ors.sparkline(&[w(10), w(20), w(30), w(40)]), "▁▃▆█");
    assert_eq!(ors.sparkline(&[w(30), w(30)]), "▅▅", "level, in the middle");
    assert_eq!(ors.sparkline(&[s("30"), s("30.5")]), "▄▅", "half a point is one step, not a swing");
    assert_eq!(ors.sparkline(&[]), "");
}

#[test]
fn one_kind_twice_at_one_time_or_in_one_note_is_refused() {
    let mut r = taken(&["ORS 5 5 5 5"]);
    let again =
        NewMeasure { kind: MeasureKind::Ors, items: vec![Score::whole(6); 4], at: r.measures[0].at, session: None };
    let e = r.add_measure(again, &[]).unwrap_err().to_string();
    assert!(e.contains("ORS scores were already taken at 2026-09-07 10:00 (m1)"), "{e}");
    let note = NewSession {
        topics: vec!["work".into()],
        measures: vec![read_line("ORS 5 5 5 5", &[]).unwrap(), read_line("ors 6 6 6 6", &[]).unwrap()],
        ..Default::default()
    };
    let before = r.clone();
    let e = r.add_session(note, dt("2026-09-14 10:00")).unwrap_err().to_string();
    assert!(e.contains("ORS is given twice"), "{e}");
    assert_eq!(r, before, "nothing of the note was added");
}

#[test]
fn measures_typed_in_a_note_are_linked_to_it() {
    let mut r = record();
    let note = NewSession {
        measures: vec![read_line("ORS 5 5 5 5", &[]).unwrap(), read_line("SRS 9 9 9 9.5", &[]).unwrap()],
        ..Default::default()
    };
    assert!(!note.is_empty(), "scores alone make a note");
    let id = r.add_session(note, dt("2026-09-14 10:00")).unwrap();
    assert_eq!(r.measures.len(), 2);
    assert!(r.measures.iter().all(|m| m.session.as_ref() == Some(&id) && m.at == dt("2026-09-14 10:00")));
    assert_eq!(r.remove_measure(&crate::domain::MeasureId::new("m1")).unwrap().kind, MeasureKind::Ors);
    assert!(r.remove_measure(&crate::domain::MeasureId::new("m1")).is_err());
}

fn core10() -> CustomScale {
    CustomScale {
        name: "CORE-10".into(),
        items: 10,
        item_max: 4,
        higher_is: HigherIs::Worse,
        cutoff: Some(Score::whole(11)),
        reliable_change: Some(Score::whole(6)),
    }
}

#[test]
fn a_custom_scale_from_the_settings_is_copied_into_the_record() {
    let settings = [core10()];
    let mut r = record();
    let (kind, items) = read_line("core10 2 2 2 2 2 2 1 1 1 1", &settings).unwrap();
    assert_eq!(kind, MeasureKind::Custom("core-10".into()));
    r.add_measure(NewMeasure { kind: kind.clone(), items, at: dt("2026-09-07 10:00"), session: None }, &settings)
        .unwrap();
    assert_eq!(r.scales, settings);
    assert_eq!(r.check(), Ok(()));
    // Read later without the settings, it still means the same.
    let (_, items) = read_line("CORE-10 1 1 1 1 0 0 0 0 0 0", &r.scales).unwrap();
    r.add_measure(NewMeasure { kind: kind.clone(), items, at: dt("2026-09-14 10:00"), session: None }, &[]).unwrap();
    let t = &r.trends(dt("2027-01-01 00:00"))[0];
    assert_eq!((t.name.as_str(), t.band.as_deref()), ("CORE-10", Some("non-clinical range")));
    assert_eq!(t.change.as_ref().unwrap().reading, Some(Reading::Recovered));
    // A changed definition under the same name is refused.
    let changed = [CustomScale { item_max: 5, ..core10() }];
    let m = NewMeasure { kind, items: vec![Score::whole(1); 10], at: dt("2026-09-21 10:00"), session: None };
    assert!(r.add_measure(m, &changed).unwrap_err().to_string().contains("another definition"));
}

#[test]
fn a_custom_scale_is_bounded_and_cannot_pose_as_a_standard_one() {
    assert_eq!(core10().check(), Ok(()));
    for bad in [
        CustomScale { name: "phq 9".into(), ..core10() },
        CustomScale { name: "".into(), ..core10() },
        CustomScale { name: "a\u{1b}[2J".into(), ..core10() },
        CustomScale { name: "x".repeat(25), ..core10() },
        CustomScale { items: 0, ..core10() },
        CustomScale { items: 51, ..core10() },
        CustomScale { item_max: 0, ..core10() },
        CustomScale { cutoff: Some(Score::whole(41)), ..core10() },
        CustomScale { reliable_change: Some(Score::ZERO), ..core10() },
    ] {
        assert!(bad.check().is_err(), "{bad:?}");
    }
}

#[test]
fn a_damaged_measure_in_a_file_is_named() {
    let mut r = taken(&["ORS 5 5 5 5"]);
    r.measures[0].total = Score::whole(40);
    assert_eq!(r.check().unwrap_err(), "measure m1 has the total 40, but its items add up to 20");
    let mut r = taken(&["ORS 5 5 5 5"]);
    r.measures[0].items.push(Score::whole(5));
    assert!(r.check().unwrap_err().contains("measure m1: ORS takes 4 item scores; 5 were given"));
    let mut r = taken(&["ORS 5 5 5 5"]);
    r.measures[0].kind = MeasureKind::Custom("core-10".into());
    assert!(r.check().unwrap_err().contains("measure m1 is a 'core-10', which this file does not define"));
    let mut r = taken(&["ORS 5 5 5 5"]);
    r.measures[0].kind = MeasureKind::Custom("../x".into());
    assert!(r.check().unwrap_err().contains("the kind of measure m1 '../x' is not one Rapport writes"));
    let mut r = taken(&["ORS 5 5 5 5", "ORS 6 6 6 6"]);
    r.measures[1].id = crate::domain::MeasureId::new("m1");
    assert!(r.check().unwrap_err().contains("two of its measures share the id 'm1'"));
}

#[test]
fn several_measures_are_read_from_lines_or_between_semicolons() {
    let m = read_lines("ORS 6 6.5 7 6; SRS 9 9 9 9\n\n phq9 0 0 0 0 0 0 0 0 0 ", &[]).unwrap();
    assert_eq!(
        m.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        [MeasureKind::Ors, MeasureKind::Srs, MeasureKind::Phq9]
    );
    assert_eq!(read_lines("  \n ", &[]), Ok(vec![]));
    let e = read_lines("ORS 6 6.5 7 6\nSRS 9 9 9", &[]).unwrap_err();
    assert_eq!(e, "measure 2 (SRS 9 9 9): SRS takes 4 item scores; 3 were given");
}

#[test]
fn phq9_and_gad7_wording_is_offered_item_by_item_and_ors_wording_never() {
    let p = |t: &str| next_item_prompt(t, &[]);
    assert_eq!(
        p("PHQ-9 ").unwrap(),
        "PHQ-9 item 1 of 9: Little interest or pleasure in doing things \
         (0 not at all · 1 several days · 2 more than half the days · 3 nearly every day)"
    );
    assert!(p("phq9 1 2 ").unwrap().starts_with("PHQ-9 item 3 of 9: Trouble falling or staying asleep"));
    assert!(p("phq9 1 2").unwrap().starts_with("PHQ-9 item 2 of 9"), "the score being typed is item 2's");
    assert!(p("phq9 0 0 0 0 0 0 0 0 ").unwrap().contains("item 9 of 9: Thoughts that you would be better off dead"));
    assert_eq!(p("phq9 0 0 0 0 0 0 0 0 0 "), None);
    assert!(p("ORS 6 6.5; GAD7 1 ").unwrap().starts_with("GAD-7 item 2 of 7: Not being able to stop"));
    assert_eq!(p("ORS "), None);
    assert_eq!(p("SRS 9 "), None);
    assert_eq!(p(""), None);
}

#[test]
fn scores_added_when_a_note_is_edited_stay_with_it_and_none_is_doubled() {
    let mut r = record();
    let at = dt("2026-09-14 10:00");
    let note = NewSession {
        topics: vec!["work".into()],
        measures: vec![read_line("ORS 5 5 5 5", &[]).unwrap()],
        ..Default::default()
    };
    let id = r.add_session(note, at).unwrap();
    let policy = crate::domain::finalise::FinalisePolicy::default();
    let edit = |line: &str| NewSession {
        topics: vec!["work".into()],
        measures: vec![read_line(line, &[]).unwrap()],
        ..Default::default()
    };
    r.edit_session(&id, edit("SRS 9 9 9 9"), at + chrono::Duration::hours(1), policy).unwrap();
    assert_eq!(r.measure_names(&id), ["ORS 20", "SRS 36"]);
    assert!(r.measures.iter().all(|m| m.session.as_ref() == Some(&id)), "{:?}", r.measures);
    let e = r.edit_session(&id, edit("ORS 6 6 6 6"), at + chrono::Duration::hours(1), policy).unwrap_err();
    assert!(e.to_string().contains("note s1 already has its ORS scores (m1)"), "{e}");
}

#[test]
fn a_custom_measures_name_with_an_invisible_or_reordering_character_is_refused() {
    let scale = |name: &str| crate::domain::measures::CustomScale {
        name: name.into(),
        items: 10,
        item_max: 4,
        higher_is: crate::domain::measures::HigherIs::Worse,
        cutoff: None,
        reliable_change: None,
    };
    assert!(scale("CORE-10").check().is_ok());
    for hostile in ["CORE\u{202E}01", "CORE\u{1b}[31m", "CORE\u{9b}1"] {
        assert!(scale(hostile).check().is_err(), "{hostile:?}");
    }
}

#[test]
fn scores_from_a_review_go_with_the_appointment_it_is_for() {
    let mut r = record();
    r.schedule(dt("2026-11-23 15:00"), 50, 0).unwrap();
    r.schedule(dt("2026-11-23 17:00"), 50, 0).unwrap();
    let (first, second) = (r.appointments[0].clone(), r.appointments[1].clone());
    let note = NewSession {
        topics: vec!["sleep".into()],
        appointment: Some(first.id.clone()),
        at: Some(first.start),
        ..Default::default()
    };
    let s1 = r.add_session(note, dt("2026-11-23 15:55")).unwrap();
    let now = dt("2026-11-23 16:55");
    let find = |a: &Appointment| r.appointments.iter().find(|x| x.id == a.id).cloned().unwrap();
    // The review of the 17:00 appointment: not the 15:00 note's.
    assert_eq!(r.note_for_scores(Some(&find(&second)), now), (None, now));
    assert_eq!(r.note_for_scores(Some(&find(&first)), now), (Some(s1.clone()), dt("2026-11-23 15:00")));
    assert_eq!(r.note_for_scores(None, now), (Some(s1), dt("2026-11-23 15:00")), "no appointment: today's note");
}
