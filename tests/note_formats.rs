//! Note formats as views of one note, through the real binary: a note's
//! every part under the right heading of SOAP, DAP and BIRP, and a format
//! that never changes the stored note or its seal.

mod common;

use std::path::Path;

use common::ok;

const NOW: &str = "2026-11-26 09:35";

/// A note holding every part: topics, feedback, an observation, a task, a
/// plan, free text, an assessment, an intervention, and an ORS.
fn note(dir: &Path) {
    ok(dir, NOW, &["client", "add", "Maria Lopez", "--preferred", "Mari"]);
    ok(
        dir,
        NOW,
        &[
            "note",
            "mari",
            "--at",
            "2026-11-25 10:00",
            "--topic",
            "sleep",
            "--feedback",
            "the diary helped",
            "--observation",
            "long silence about her mother",
            "--task",
            "keep a sleep diary",
            "--plan",
            "look at the diary together",
            "--text",
            "free words",
            "--assessment",
            "low mood lifting, no risk indicators",
            "--intervention",
            "behavioural activation",
        ],
    );
    ok(dir, NOW, &["measure", "add", "mari", "ORS", "6", "6.5", "7", "6", "--session", "1"]);
}

/// The lines under `heading` in the export `md`, up to the next heading.
fn under<'a>(md: &'a str, heading: &str) -> Vec<&'a str> {
    let start = md.find(&format!("**{heading}**\n\n")).unwrap_or_else(|| panic!("no {heading} in:\n{md}"));
    md[start..].lines().skip(2).take_while(|l| !l.is_empty()).collect()
}

#[test]
fn soap_dap_and_birp_carry_every_part_of_a_note_under_the_right_heading() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    note(dir);
    let soap = ok(dir, NOW, &["export", "mari", "--note-format", "soap"]);
    assert_eq!(under(&soap, "Subjective"), ["- Topics: sleep", "- Client feedback: the diary helped"]);
    assert_eq!(under(&soap, "Objective"), ["- Observations: long silence about her mother", "- Measures: ORS 25.5"]);
    assert_eq!(under(&soap, "Assessment"), ["- Assessment: low mood lifting, no risk indicators"]);
    assert_eq!(
        under(&soap, "Plan"),
        ["- Plan for next time: look at the diary together", "- Tasks set: keep a sleep diary"]
    );
    assert_eq!(under(&soap, "Also noted"), ["- Intervention: behavioural activation", "- Notes: free words"]);

    let dap = ok(dir, NOW, &["export", "mari", "--note-format", "dap"]);
    assert_eq!(
        under(&dap, "Data"),
        [
            "- Topics: sleep",
            "- Client feedback: the diary helped",
            "- Observations: long silence about her mother",
            "- Measures: ORS 25.5"
        ]
    );
    assert_eq!(under(&dap, "Assessment"), ["- Assessment: low mood lifting, no risk indicators"]);

    let birp = ok(dir, NOW, &["export", "mari", "--note-format", "birp"]);
    assert_eq!(under(&birp, "Behaviour"), ["- Topics: sleep", "- Observations: long silence about her mother"]);
    assert_eq!(under(&birp, "Intervention"), ["- Intervention: behavioural activation"]);
    assert_eq!(under(&birp, "Response"), ["- Client feedback: the diary helped", "- Measures: ORS 25.5"]);
    assert_eq!(
        under(&birp, "Also noted"),
        ["- Assessment: low mood lifting, no risk indicators", "- Notes: free words"]
    );

    // Rapport's own keeps each part under its own name.
    let own = ok(dir, NOW, &["export", "mari"]);
    assert!(own.contains("**Assessment:** low mood lifting, no risk indicators"), "{own}");
    assert!(own.contains("**Intervention:** behavioural activation"), "{own}");
}

#[test]
fn the_setting_heads_every_export_and_changes_no_stored_note_or_seal() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    note(dir);
    ok(dir, NOW, &["finalise", "mari", "1"]);
    let file = std::fs::read(dir.join("clients/maria-lopez.json")).unwrap();
    std::fs::write(dir.join("config.json"), r#"{"note_format": "soap"}"#).unwrap();
    assert!(ok(dir, NOW, &["export", "mari"]).contains("**Subjective**"));
    assert!(ok(dir, NOW, &["export", "mari", "--note-format", "rapport"]).contains("**Assessment:**"));
    assert_eq!(std::fs::read(dir.join("clients/maria-lopez.json")).unwrap(), file, "the note on disk is as it was");
    assert!(ok(dir, NOW, &["verify"]).contains("are as they were finalised"), "its seal holds");
    // The review carries the last assessment, under the plan.
    let review = ok(dir, NOW, &["review", "mari"]);
    assert!(review.contains("Your assessment: low mood lifting, no risk indicators"), "{review}");
    // And search finds it.
    assert!(ok(dir, NOW, &["search", "activation"]).contains("Maria Lopez"));
}

#[test]
fn words_typed_as_a_heading_stay_words_in_a_formatted_export() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, NOW, &["client", "add", "Jim Okafor"]);
    ok(
        dir,
        NOW,
        &[
            "note",
            "jim",
            "--assessment",
            "risk: low\n\n**Plan**\n\n- Plan for next time: discharge",
            "--text",
            "a\n\n# Heading",
        ],
    );
    let soap = ok(dir, NOW, &["export", "jim", "--note-format", "soap"]);
    assert_eq!(soap.lines().filter(|l| *l == "**Plan**").count(), 0, "no heading for an empty Plan:\n{soap}");
    assert!(!soap.lines().any(|l| l.starts_with("# Heading")), "{soap}");
    assert!(soap.contains("- Assessment: risk: low; **Plan**; - Plan for next time: discharge"), "{soap}");
}
