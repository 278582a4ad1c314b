//! Crash points, for the tests that stop the real binary at each of them
//! (`RAPPORT_CRASH_AT=<point>:<n>`, see `rapport::store::crash`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output};

/// A copy of the folder `from` at `to`.
pub fn copy_folder(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(status.success(), "copying {}", from.display());
}

/// How many times `run` reaches each crash point, run once on a copy of
/// `dir` (in `scratch`) with the trace on.
pub fn reached(dir: &Path, scratch: &Path, run: &dyn Fn(&Path) -> Command) -> BTreeMap<String, usize> {
    let copy = scratch.join("traced");
    copy_folder(dir, &copy);
    traced(run(&copy), &scratch.join("trace.txt"))
}

/// How many times `cmd` reaches each crash point, run once with the trace
/// on (written to `trace`).
pub fn traced(mut cmd: Command, trace: &Path) -> BTreeMap<String, usize> {
    let _ = fs::remove_file(trace);
    let out = cmd.env("RAPPORT_CRASH_TRACE", trace).output().unwrap();
    assert!(out.status.success(), "the traced run failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut counts = BTreeMap::new();
    for line in fs::read_to_string(trace).unwrap_or_default().lines() {
        *counts.entry(line.to_string()).or_insert(0) += 1;
    }
    counts
}

/// The moments to crash at: every time each point is reached, or for a
/// point reached more than 12 times its first and last three and others
/// spread evenly between, 12 in all.
pub fn moments(counts: &BTreeMap<String, usize>) -> Vec<(String, usize)> {
    moments_up_to(counts, 12)
}

/// Like [`moments`], with at most `most` moments for each point (6 or more).
pub fn moments_up_to(counts: &BTreeMap<String, usize>, most: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (point, &count) in counts {
        let ns: BTreeSet<usize> = if count <= most {
            (1..=count).collect()
        } else {
            let between = most - 6;
            let spread = (1..=between).map(|i| 3 + i * (count - 6) / (between + 1));
            [1, 2, 3, count - 2, count - 1, count].into_iter().chain(spread).collect()
        };
        out.extend(ns.into_iter().map(|n| (point.clone(), n)));
    }
    out
}

/// Checks the points `run` reaches are exactly `covered`.
pub fn assert_reaches(counts: &BTreeMap<String, usize>, covered: &[&str], what: &str) {
    let reached: BTreeSet<&str> = counts.keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = covered.iter().copied().collect();
    assert_eq!(reached, listed, "{what} reaches other crash points than the test says it covers");
}

/// Runs `cmd` stopped at the `n`th time it reaches `point`, and checks it
/// stopped there.
pub fn crash(mut cmd: Command, point: &str, n: usize) -> Output {
    let out = cmd.env("RAPPORT_CRASH_AT", format!("{point}:{n}")).output().unwrap();
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGABRT),
        "did not stop at {point}:{n} ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
