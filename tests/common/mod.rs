//! Running the real binary on a folder at a fixed time, for the tests that
//! tell a day's story through the command line. Each test file uses part
//! of it.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;

pub mod encrypted;
pub mod synced;

/// `rapport ARGS` on `dir` at `now` (`YYYY-MM-DD HH:MM`), whatever the clock says.
pub fn rapport(dir: &Path, now: &str, args: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("rapport").unwrap();
    c.env("RAPPORT_DIR", dir).env("RAPPORT_NOW", now).env_remove("NO_COLOR").env_remove("RAPPORT_PASSPHRASE");
    c.args(args).output().unwrap()
}

/// Its standard output; the command must succeed.
pub fn ok(dir: &Path, now: &str, args: &[&str]) -> String {
    let out = rapport(dir, now, args);
    assert!(out.status.success(), "rapport {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Its standard error; the command must fail and print nothing else.
pub fn fails(dir: &Path, now: &str, args: &[&str]) -> String {
    let out = rapport(dir, now, args);
    assert!(!out.status.success(), "rapport {args:?} should have failed");
    assert!(out.stdout.is_empty(), "a failure prints nothing to stdout");
    String::from_utf8(out.stderr).unwrap()
}

/// A client file as JSON.
pub fn file(dir: &Path, id: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(format!("clients/{id}.json"))).unwrap()).unwrap()
}

/// The id of the client called `name` in `dir`, read from the files: a
/// folder set up for syncing gives its clients ids with no name in them.
pub fn id_of(dir: &Path, name: &str) -> String {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir.join("clients")).unwrap().flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(id) = file.strip_suffix(".json") else { continue };
        let Ok(record) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(e.path()).unwrap()) else {
            continue;
        };
        if record["client"]["name"] == name {
            found.push(id.to_string());
        }
    }
    assert_eq!(found.len(), 1, "one client called {name} in {}: {found:?}", dir.display());
    found.remove(0)
}
