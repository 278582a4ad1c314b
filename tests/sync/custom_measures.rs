//! A custom measure defined on one device travels with the client's
//! record, and a record holding one merges like any other.

use super::*;

const CORE_10: &str = r#"{ "measures": [{ "name": "CORE-10", "items": 10, "item_max": 4, "higher_is": "worse",
    "cutoff": 11, "reliable_change": 6 }] }"#;

#[test]
fn a_custom_measure_taken_on_one_device_syncs_both_ways_while_the_other_writes_notes() {
    let p = Practice::new();
    std::fs::write(p.laptop.join("config.json"), CORE_10).unwrap();
    let said = ok(
        &p,
        &p.laptop,
        NOON,
        &["measure", "add", "ann", "CORE-10", "1", "2", "1", "0", "2", "1", "1", "0", "1", "2"],
    );
    assert!(said.contains("CORE-10"), "{said}");
    // The desktop knows nothing of CORE-10, and changes Ann's record too.
    ok(&p, &p.desktop, NOON, &["note", "ann", "--topic", "panic"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let said = ok(&p, &p.desktop, EVENING, &["sync"]);
    assert!(!said.contains("could not"), "{said}");
    ok(&p, &p.laptop, EVENING, &["sync"]);
    for dir in [&p.laptop, &p.desktop] {
        assert_eq!(topics(dir), vec!["panic", "sleep"], "both notes on {}", dir.display());
        let r = ann(dir);
        assert_eq!(r["scales"][0]["name"], "CORE-10", "the scale travels with the record");
        assert_eq!(r["measures"][0]["total"], 11, "the score travels too");
        let listed = ok(&p, dir, EVENING, &["measure", "list", "ann"]);
        assert!(listed.contains("CORE-10"), "{listed}");
        let doctor = ok(&p, dir, EVENING, &["doctor"]);
        assert!(!doctor.contains("conflict"), "{doctor}");
    }
    // Defined on the desktop as well, and taken on both offline: one scale, both scores.
    std::fs::write(p.desktop.join("config.json"), CORE_10).unwrap();
    ok(
        &p,
        &p.desktop,
        EVENING,
        &["measure", "add", "ann", "CORE-10", "0", "0", "1", "0", "0", "1", "0", "0", "1", "0"],
    );
    ok(&p, &p.laptop, EVENING, &["measure", "add", "ann", "CORE-10", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2"]);
    ok(&p, &p.desktop, EVENING, &["sync"]);
    ok(&p, &p.laptop, EVENING, &["sync"]);
    ok(&p, &p.desktop, EVENING, &["sync"]);
    for dir in [&p.laptop, &p.desktop] {
        let r = ann(dir);
        assert_eq!(r["scales"].as_array().unwrap().len(), 1, "one CORE-10 on {}", dir.display());
        let mut totals: Vec<i64> =
            r["measures"].as_array().unwrap().iter().map(|m| m["total"].as_f64().unwrap() as i64).collect();
        totals.sort();
        assert_eq!(totals, vec![3, 11, 20], "every score on {}", dir.display());
    }
}
