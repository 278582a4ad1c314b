//! The published file format: the schemas in docs/schema are the ones the
//! record types give, `rapport schema` prints them, and an independent
//! validator (the `jsonschema` crate) finds every file Rapport writes valid
//! by them, and a file Rapport would refuse not.

mod common;

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use rapport::store::schema::{FileKind, schema};
use serde_json::{Value, json};

use common::{DEFAULT_NOW, ok};

fn checked_in(kind: FileKind) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema").join(kind.file_name())
}

fn validator(kind: FileKind) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(checked_in(kind)).unwrap()).unwrap();
    jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{} is no valid JSON Schema: {e}", kind.name()));
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

/// Every way `file` breaks the schema of `kind`, in words; none when valid.
fn problems(kind: FileKind, file: &Value) -> Vec<String> {
    validator(kind).iter_errors(file).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn assert_valid(kind: FileKind, path: &Path) {
    let file: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let found = problems(kind, &file);
    assert!(found.is_empty(), "{} is not valid by docs/schema/{}: {found:#?}", path.display(), kind.file_name());
}

#[test]
fn the_published_schemas_are_the_ones_the_record_types_give() {
    let bless = std::env::var_os("RAPPORT_BLESS").is_some_and(|v| v == "1");
    for kind in FileKind::value_variants() {
        let path = checked_in(*kind);
        let generated = schema(*kind);
        if bless {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let on_file = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_file == generated,
            "docs/schema/{} is not the schema the code gives: the format changed. Regenerate it with \
             `RAPPORT_BLESS=1 cargo test --test schema` (or `rapport schema {} > docs/schema/{}`), read the \
             diff, and say in docs/format.md what changed (a change an older Rapport cannot read needs a new \
             SCHEMA_VERSION)",
            kind.file_name(),
            kind.name(),
            kind.file_name()
        );
    }
}

#[test]
fn rapport_schema_prints_the_published_schema_of_each_file() {
    let d = tempfile::tempdir().unwrap();
    for (args, kind) in [
        (&["schema"][..], FileKind::Client),
        (&["schema", "client"], FileKind::Client),
        (&["schema", "config"], FileKind::Config),
        (&["schema", "settings"], FileKind::Config),
    ] {
        assert_eq!(ok(d.path(), DEFAULT_NOW, args), std::fs::read_to_string(checked_in(kind)).unwrap(), "{args:?}");
    }
    assert!(!d.path().join("clients").exists(), "printing a schema touches no data folder");
}

#[test]
fn every_file_a_generated_practice_writes_is_valid() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("practice");
    let args = ["demo", "generate", "--clients", "6", "--sessions", "12", "--out", out.to_str().unwrap()];
    ok(d.path(), DEFAULT_NOW, &args);
    let files = published_files(&out);
    assert_eq!(files.len(), 6, "{files:?}");
    for (kind, path) in files {
        assert_valid(kind, &path);
    }
}

#[test]
fn every_file_of_the_sample_practice_is_valid_settings_included() {
    let d = tempfile::tempdir().unwrap();
    let now = chrono::NaiveDateTime::parse_from_str("2026-11-26 09:35", "%Y-%m-%d %H:%M").unwrap();
    std::fs::write(
        d.path().join("config.json"),
        r#"{ "finalise_after_hours": 48, "keep_backups": 30, "blank_after_minutes": 5,
             "measures": [{ "name": "CORE-10", "items": 10, "item_max": 4, "higher_is": "worse",
                            "cutoff": 11, "reliable_change": 6 }],
             "sync_on_start_and_quit": true, "client_hour_from_minutes": 30,
             "longer_sessions_count": "actual_minutes" }"#,
    )
    .unwrap();
    let store = rapport::store::Store::open(d.path()).unwrap();
    rapport::demo::write_sample_practice(&store, now).unwrap();
    let files = published_files(d.path());
    assert!(files.iter().filter(|(k, _)| *k == FileKind::Client).count() >= 9, "{files:?}");
    assert!(files.iter().any(|(k, _)| *k == FileKind::Config));
    assert!(files.iter().any(|(k, _)| *k == FileKind::Practice), "the sample practice logs supervision");
    for (kind, path) in files {
        assert_valid(kind, &path);
    }
}

#[test]
fn every_older_format_kept_in_the_fixtures_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "json") {
            assert_valid(FileKind::Client, &e.path());
            seen += 1;
        }
    }
    assert!(seen >= 4, "the fixtures of formats 1, 2, 4 and 5");
}

#[test]
fn a_file_rapport_would_refuse_is_invalid_by_the_schema_too() {
    let good = json!({
        "schema_version": 5,
        "client": { "id": "maria-lopez", "name": "Maria Lopez", "created": "2026-09-01" },
        "sessions": [{ "id": "s1", "at": "2026-11-16T10:00:00", "minutes": 50, "topics": ["sleep"] }],
        "measures": [{ "id": "m1", "kind": "ors", "at": "2026-11-16T10:00:00", "items": [6, 6.5, 7, 6], "total": 25.5 }]
    });
    assert_eq!(problems(FileKind::Client, &good), Vec::<String>::new());
    let broken = |pointer: &str, value: Value| {
        let mut file = good.clone();
        *file.pointer_mut(pointer).unwrap() = value;
        file
    };
    for (what, file) in [
        ("a newer format", broken("/schema_version", json!(rapport::domain::SCHEMA_VERSION + 1))),
        ("an id with a slash", broken("/client/id", json!("../maria"))),
        ("a time with a zone", broken("/sessions/0/at", json!("2026-11-16T10:00:00Z"))),
        ("a date written the other way", broken("/client/created", json!("01/09/2026"))),
        ("a session of no minutes", broken("/sessions/0/minutes", json!(0))),
        ("a negative score", broken("/measures/0/total", json!(-1))),
    ] {
        assert!(!problems(FileKind::Client, &file).is_empty(), "{what} passed: {file}");
        let bytes = serde_json::to_vec(&file).unwrap();
        assert!(
            rapport::store::parse_record(&bytes, Path::new("x.json")).is_err(),
            "{what}: the schema and Rapport disagree"
        );
    }
    assert!(!problems(FileKind::Config, &json!({ "finalise_after_hour": 24 })).is_empty(), "a mistyped setting");
    assert!(!problems(FileKind::Config, &json!({ "keep_backups": 0 })).is_empty(), "no snapshot kept");
}

/// The files in the data folder `root` whose format is published: the
/// client files and the settings. Any other JSON file found must be one of
/// Rapport's own (derived, or a draft), not a file for other programs.
fn published_files(root: &Path) -> Vec<(FileKind, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel == "config.json" {
                found.push((FileKind::Config, path));
            } else if rel == "practice.json" {
                found.push((FileKind::Practice, path));
            } else if rel.starts_with("clients/") || (rel.starts_with("backups/") && rel.contains("/clients/")) {
                found.push((FileKind::Client, path));
            } else {
                assert!(
                    rel.starts_with("index/")
                        || rel.starts_with("drafts/")
                        || (rel.starts_with("backups/") && rel.ends_with("/manifest.json")),
                    "{rel}: a JSON file Rapport writes that docs/format.md does not place"
                );
            }
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

#[test]
fn the_example_in_docs_format_md_is_a_valid_client_file() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md")).unwrap();
    let example = doc.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a json example");
    let file: Value = serde_json::from_str(example).unwrap();
    assert_eq!(problems(FileKind::Client, &file), Vec::<String>::new());
}
