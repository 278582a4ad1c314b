//! The file format is pinned. The current schema version has a fixture
//! holding every part of a record, which this build reads and writes back
//! exactly, and whose finalised note's seal holds. A change to what a
//! client file holds, or to what a seal covers, fails here until
//! `SCHEMA_VERSION` (or the seal's version) moves on with a fixture of its own.

use std::path::PathBuf;

use rapport::domain::{ClientRecord, SCHEMA_VERSION};

fn fixture(version: u32) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-v{version}.json"))
}

#[test]
fn the_current_format_has_a_fixture_of_every_part_that_reads_and_writes_back_exactly_with_its_seal_holding() {
    let path = fixture(SCHEMA_VERSION);
    let bytes = std::fs::read(&path).unwrap_or_else(|_| {
        panic!("format {SCHEMA_VERSION} has no fixture: add {} (a record with every part)", path.display())
    });
    let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let record: ClientRecord = serde_json::from_value(file.clone()).unwrap();
    assert_eq!(record.schema_version, SCHEMA_VERSION);
    record.check().unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), file, "this build writes the fixture back as it is");
    assert!(record.verify().is_empty(), "the seal covers what it covered when the fixture was written");
    // Every part holds something, so a part added to the record is added here.
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
    } = &record;
    let sizes = [
        sessions.len(),
        tasks.len(),
        personal.len(),
        goals.len(),
        watch_for.len(),
        appointments.len(),
        contacts.len(),
        measures.len(),
        scales.len(),
        supervision.len(),
        conflicts.len(),
    ];
    assert!(sizes.iter().all(|n| *n > 0), "{sizes:?}");
    assert!(sessions[0].finalised.is_some() && !sessions[0].addenda.is_empty());
    // Format 5's fields are filled too.
    assert!(watch_for.iter().any(|w| w.resolved_on.is_some()), "a resolved watch-for item");
    assert!(appointments.iter().any(|a| a.not_held.is_some()), "an appointment not held");
    // Format 6's: questions for supervision, one discussed and one open.
    assert!(supervision.iter().any(|q| q.discussed_on.is_some()) && supervision.iter().any(|q| q.is_open()));
    // Format 7's: a note's assessment and intervention.
    assert!(sessions.iter().any(|s| !s.assessment.is_empty() && !s.intervention.is_empty()));
    assert!(
        appointments.iter().any(|a| a.source_uid.is_some() && a.source_start.is_some()),
        "an appointment imported from a calendar"
    );
    assert!(record.client.setting.is_some(), "the setting the client is seen in");
}

#[test]
fn a_format_4_cancel_is_read_as_cancelled_by_the_client_and_written_back_as_format_5() {
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture(4)).unwrap()).unwrap();
    file["appointments"][1]["cancelled"] = "2026-11-22T18:00:00".into();
    let d = tempfile::tempdir().unwrap();
    let store = rapport::store::Store::open(d.path()).unwrap();
    let id = rapport::domain::ClientId::new("maria-lopez");
    std::fs::write(store.client_path(&id), serde_json::to_vec_pretty(&file).unwrap()).unwrap();
    let r = store.load(&id).unwrap();
    assert_eq!(r.schema_version, 4);
    assert_eq!(r.appointments[1].not_held, Some(rapport::domain::NotHeld::CancelledByClient));
    assert_eq!(r.watch_for[0].resolved_on, None);
    let now = rapport::domain::time::dt("2026-11-23 09:00");
    store.update(&id, now, "watch-for added", |r| Ok(r.add_watch_for("x".into(), now.date()))).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(store.client_path(&id)).unwrap()).unwrap();
    assert_eq!(written["schema_version"], SCHEMA_VERSION);
    assert_eq!(written["appointments"][1]["not_held"], "cancelled_by_client");
    assert!(written["appointments"][0].get("not_held").is_none(), "a held one says nothing");
}

#[test]
fn every_older_fixture_still_reads() {
    for version in 1..SCHEMA_VERSION {
        let path = fixture(version);
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let d = tempfile::tempdir().unwrap();
        let store = rapport::store::Store::open(d.path()).unwrap();
        let id: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let id = rapport::domain::ClientId::new(id["client"]["id"].as_str().unwrap());
        std::fs::write(store.client_path(&id), &bytes).unwrap();
        let r = store.load(&id).unwrap_or_else(|e| panic!("format {version}: {e}"));
        assert_eq!(r.schema_version, version);
    }
}

#[test]
fn measures_in_a_file_edited_out_of_order_are_read_in_the_order_they_were_taken() {
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture(SCHEMA_VERSION)).unwrap()).unwrap();
    let measures = file["measures"].as_array_mut().unwrap();
    // The first one in the file taken last.
    measures[0]["at"] = "2026-11-18T10:00:00".into();
    let bytes = serde_json::to_vec(&file).unwrap();
    let r = rapport::store::parse_record(&bytes, std::path::Path::new("x.json")).unwrap();
    let at: Vec<String> = r.measures.iter().map(|m| m.at.to_string()).collect();
    let mut sorted = at.clone();
    sorted.sort();
    assert_eq!(at, sorted, "oldest first, whatever the file's order");
    assert_ne!(serde_json::to_value(&r.measures).unwrap(), file["measures"], "the file's order was not kept");
}
