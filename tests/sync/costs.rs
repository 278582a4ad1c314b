//! What a sync costs, counted rather than timed: every git the real binary
//! starts goes through a `git` on PATH that writes down its arguments
//! before running the real one. A sync of one new note asks git a handful
//! of times, whatever the practice's size; one with nothing to send and a
//! remote that has not moved is one look at the folder and one fetch.

use std::path::{Path, PathBuf};

use super::*;

/// A `git` on PATH, in `bin`, that writes each call's arguments, one line
/// a call, to `log`, then runs the real git.
fn counting_git(bin: &Path, log: &Path) {
    let real = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join("git")).find(|g| g.is_file()))
        .expect("git on PATH");
    std::fs::create_dir_all(bin).unwrap();
    let script = bin.join("git");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n", log.display(), real.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `rapport sync` on `dir` through the counting git: what it said, and
/// every git it ran.
fn counted_sync(p: &Practice, dir: &Path, bin: &Path, log: &PathBuf) -> (String, Vec<String>) {
    let _ = std::fs::remove_file(log);
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = p.rapport(dir, EVENING).env("PATH", path).args(["sync"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = std::fs::read_to_string(log).unwrap_or_default().lines().map(str::to_string).collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), calls)
}

/// The git commands among `calls` (`fetch`, `push`, …), past git's own
/// `-c` settings.
fn commands(calls: &[String]) -> Vec<String> {
    calls
        .iter()
        .map(|c| {
            let mut words = c.split(' ');
            let mut command = words.next().unwrap_or("");
            while command == "-c" {
                words.next();
                command = words.next().unwrap_or("");
            }
            command.to_string()
        })
        .collect()
}

#[test]
fn a_sync_of_one_note_asks_git_a_handful_of_times_and_one_with_nothing_to_send_is_little_more_than_a_fetch() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    // Clients enough that a question asked per client, or per guard and
    // client, would show.
    for name in ["Bea Ching", "Cal Doyle", "Dee Evans", "Eli Ford", "Fay Gill"] {
        ok(&p, &p.laptop, NOON, &["client", "add", name]);
        ok(&p, &p.laptop, NOON, &["note", &name[..3].to_lowercase(), "--topic", "sleep"]);
    }
    ok(&p, &p.laptop, NOON, &["sync"]);
    let bin = p.tmp.path().join("counting-bin");
    let log = p.tmp.path().join("git-calls.log");
    counting_git(&bin, &log);

    ok(&p, &p.laptop, EVENING, &["note", "ann", "--topic", "lighthouse"]);
    let (said, calls) = counted_sync(&p, &p.laptop, &bin, &log);
    assert!(said.contains("1 note out"), "{said}");
    let run = commands(&calls);
    eprintln!("one note: {} gits: {run:?}", calls.len());
    // Before, 50: each guard asked git for the last commit and its own
    // list, a blob at a time, twice (before and after the fetch), and the
    // remote was fetched again after the push. Now 13 (14 when git's
    // housekeeping is due).
    assert!(calls.len() <= 16, "{} gits for one note: {calls:#?}", calls.len());
    assert_eq!(run.iter().filter(|c| *c == "fetch").count(), 1, "{calls:#?}");
    assert_eq!(run.iter().filter(|c| *c == "push").count(), 1, "{calls:#?}");
    assert_eq!(run.iter().filter(|c| *c == "commit").count(), 1, "{calls:#?}");
    assert_eq!(p.git(&p.remote, &["rev-parse", "main"]), p.git(&p.laptop, &["rev-parse", "HEAD"]));
    assert_eq!(p.git(&p.laptop, &["rev-parse", "origin/main"]), p.git(&p.laptop, &["rev-parse", "HEAD"]));

    let (said, calls) = counted_sync(&p, &p.laptop, &bin, &log);
    assert!(said.contains("no new notes either way"), "{said}");
    let run = commands(&calls);
    eprintln!("nothing to send: {} gits: {run:?}", calls.len());
    // Before, 41: the guards and the commit twice over, with nothing to
    // send. Now 5: git's settings, one look at the folder, the fetch, and
    // one question of where the branches stand.
    assert!(calls.len() <= 6, "{} gits with nothing to send: {calls:#?}", calls.len());
    assert_eq!(run.iter().filter(|c| *c == "fetch").count(), 1, "{calls:#?}");
    for writes in ["add", "commit", "push", "gc", "update-ref", "reset"] {
        assert!(!run.iter().any(|c| c == writes), "{writes} with nothing to send: {calls:#?}");
    }

    // The desktop, with nothing of its own, takes the notes in.
    let (said, _) = counted_sync(&p, &p.desktop, &bin, &log);
    assert!(said.contains("6 notes in, 0 notes out"), "{said}");
    assert!(topics(&p.desktop).contains(&"lighthouse".to_string()));
}
