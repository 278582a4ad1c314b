//! Long work says how far it has got: through the library, each use case
//! tells its progress step by step up to the whole; through the real
//! binary, with standard error piped (a script, a log), no bar is drawn.

mod common;

use std::path::Path;

use rapport::demo::generate::{Spec, generate};
use rapport::store::Store;

use common::{DEFAULT_NOW, encrypted};

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(DEFAULT_NOW, "%Y-%m-%d %H:%M").unwrap()
}

/// What a piece of work told its progress, in order.
#[derive(Default)]
struct Told(Vec<(usize, usize)>);

impl Told {
    fn progress(&mut self) -> impl FnMut(usize, usize) + '_ {
        |done, total| self.0.push((done, total))
    }

    /// It began at 0, never went back, never passed the total, and reached
    /// it; the total it reached.
    fn went_up_to_the_total(&self, what: &str) -> usize {
        let told = &self.0;
        assert!(!told.is_empty(), "{what}: nothing told");
        let total = told[0].1;
        assert_eq!(told[0].0, 0, "{what} begins at none done: {told:?}");
        assert!(told.windows(2).all(|w| w[0].0 <= w[1].0), "{what} never goes back: {told:?}");
        assert!(told.iter().all(|&(done, t)| t == total && done <= total), "{what}: {told:?}");
        assert_eq!(told.last().unwrap().0, total, "{what} reaches the whole: {told:?}");
        total
    }
}

#[test]
fn a_therapist_generating_converting_and_restoring_a_practice_sees_each_counted_to_the_end() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let mut told = Told::default();
    generate(dir, &Spec { clients: 7, sessions: 3, seed: 2 }, now(), &mut told.progress()).unwrap();
    assert_eq!(told.went_up_to_the_total("writing the practice"), 7, "one step a client");

    let store = Store::open(dir).unwrap();
    let snapshot = store.backup(now()).unwrap().name;
    let mut told = Told::default();
    store.rebuild_index(&mut told.progress()).unwrap();
    assert_eq!(told.went_up_to_the_total("rebuilding the index"), 7);
    let mut told = Told::default();
    store.restore(&snapshot, None, now(), &mut told.progress()).unwrap();
    assert_eq!(told.went_up_to_the_total("restoring"), 7);
    drop(store);

    let mut told = Told::default();
    Store::encrypt_folder(dir, encrypted::PASS, now(), &mut told.progress()).unwrap();
    // The live client files at least (snapshots' objects are rewritten beside them).
    assert!(told.went_up_to_the_total("encrypting") >= 7, "{:?}", told.0);
    let mut told = Told::default();
    Store::change_passphrase(dir, encrypted::PASS, "a new and long passphrase", &mut told.progress()).unwrap();
    assert_eq!(told.went_up_to_the_total("changing the passphrase"), 2, "unlocking, then locking again");
    let mut told = Told::default();
    Store::decrypt_folder(dir, "a new and long passphrase", now(), &mut told.progress()).unwrap();
    assert!(told.went_up_to_the_total("decrypting") >= 7);
}

/// No sign of a bar: no carriage return redrawing a line, no terminal
/// code, no bar's frame.
fn assert_no_bar(stderr: &[u8], args: &[&str]) {
    let text = String::from_utf8_lossy(stderr);
    assert!(
        !text.contains('\r') && !text.contains('\u{1b}') && !text.contains("] 0/") && !text.contains("=>"),
        "rapport {args:?} drew a bar on a piped standard error: {text:?}"
    );
}

fn piped(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut c = common::rapport(dir);
    c.env("RAPPORT_TEST_SCRYPT_LOG_N", "10").env("RAPPORT_PASSPHRASE", encrypted::PASS);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.args(args).output().unwrap();
    assert_no_bar(&out.stderr, args);
    common::succeeded(out, args)
}

#[test]
fn with_standard_error_piped_no_command_draws_a_bar() {
    let d = tempfile::tempdir().unwrap();
    let practice = d.path().join("practice");
    let dir = practice.as_path();
    let out = practice.to_str().unwrap();
    piped(d.path(), &["demo", "generate", "--clients", "40", "--sessions", "2", "--out", out], &[]);
    piped(dir, &["doctor", "--reindex"], &[]);
    piped(dir, &["backup"], &[]);
    let snapshot = piped(dir, &["backup", "list"], &[]).split_whitespace().next().unwrap().to_string();
    piped(dir, &["restore", &snapshot, "--yes"], &[]);
    piped(dir, &["encrypt", "--yes"], &[]);
    piped(dir, &["passphrase"], &[("RAPPORT_NEW_PASSPHRASE", "a new and long passphrase")]);
    piped(dir, &["decrypt", "--yes"], &[("RAPPORT_PASSPHRASE", "a new and long passphrase")]);
    assert!(dir.join("clients").read_dir().unwrap().count() >= 40);
}
