//! An encrypted practice through the real binary: the passphrase given in
//! `RAPPORT_PASSPHRASE`, or none at all, at a fixed time.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

pub const PASS: &str = "correct horse battery";

/// `rapport ARGS` on `dir` at the harness's time, with passphrase `pass` or none.
pub fn run(dir: &Path, pass: Option<&str>, args: &[&str]) -> Output {
    run_at(dir, super::DEFAULT_NOW, pass, args)
}

/// `rapport ARGS` on `dir` at `now`, with passphrase `pass` or none.
pub fn run_at(dir: &Path, now: &str, pass: Option<&str>, args: &[&str]) -> Output {
    let mut c = super::rapport(dir);
    // A debug build makes the passphrase cheap to try with this.
    c.env("RAPPORT_NOW", now).env("RAPPORT_TEST_SCRYPT_LOG_N", "10");
    if let Some(p) = pass {
        c.env("RAPPORT_PASSPHRASE", p);
    }
    c.args(args).output().unwrap()
}

/// Its standard output; the command must succeed.
pub fn ok(dir: &Path, pass: Option<&str>, args: &[&str]) -> String {
    super::succeeded(run(dir, pass, args), args)
}

/// Its standard error; the command must fail.
pub fn err(dir: &Path, pass: Option<&str>, args: &[&str]) -> String {
    let out = run(dir, pass, args);
    assert!(!out.status.success(), "rapport {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// Every file under `dir` with its bytes.
pub fn all_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}
