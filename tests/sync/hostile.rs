//! A remote that cannot be trusted: what it sends is checked before
//! anything here changes, and a remote that never answers holds nothing up.

use super::*;

#[test]
fn hostile_remote_content_changes_nothing_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let attacker = p.tmp.path().join("attacker");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "attacker"]);
    p.git(&attacker, &["config", "user.name", "x"]);
    p.git(&attacker, &["config", "user.email", "x@x"]);
    std::fs::write(p.ann_file(&attacker), "<<<<<<< HEAD\n{}\n=======\n").unwrap();
    p.git(&attacker, &["commit", "-qam", "broken"]);
    p.git(&attacker, &["push", "-q", "origin", "main"]);

    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "kept safe"]);
    let before = std::fs::read(p.ann_file(&p.laptop)).unwrap();
    // Held back, named: the file here is untouched, and goes out as it is.
    let said = ok(&p, &p.laptop, NOON, &["sync"]);
    assert!(said.contains("Ann Byrne is held back") && said.contains("is not a readable client record"), "{said}");
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);
    assert_eq!(p.on_remote(&p.ann).unwrap(), serde_json::from_slice::<serde_json::Value>(&before).unwrap());

    // A link to a file outside is refused, whole.
    p.git(&attacker, &["pull", "-q", "origin", "main"]);
    p.git(&attacker, &["rm", "-q", &p.ann_path()]);
    std::fs::create_dir_all(attacker.join("clients")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", p.ann_file(&attacker)).unwrap();
    p.git(&attacker, &["add", &p.ann_path()]);
    p.git(&attacker, &["commit", "-qm", "link"]);
    p.git(&attacker, &["push", "-q", "origin", "main"]);
    let e = fails(&p, &p.laptop, NOON, &["sync"]);
    assert!(e.contains("which is a symbolic link"), "{e}");
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);
    // Doctor says so until a sync goes through (the time only: no word of why, which may name a client).
    let doctor = String::from_utf8_lossy(&output(&p, &p.laptop, NOON, &["doctor"]).stdout).into_owned();
    assert!(doctor.contains("the last sync, at 2026-11-23 12:00, did not go through"), "{doctor}");

    // And what is put under `held/` is only ever read as a client's
    // version: a link there is refused as well.
    p.git(&attacker, &["reset", "-q", "--hard", "HEAD~1"]);
    std::os::unix::fs::symlink("/etc/passwd", attacker.join("held").join("x.json")).unwrap();
    p.git(&attacker, &["add", "-f", "held/x.json"]);
    p.git(&attacker, &["commit", "-qm", "link"]);
    p.git(&attacker, &["push", "-q", "-f", "origin", "main"]);
    let e = fails(&p, &p.laptop, NOON, &["sync"]);
    assert!(e.contains("held/x.json, which is a symbolic link"), "{e}");

    // Put right, the remote syncs again, and doctor says no more of it.
    p.git(&attacker, &["reset", "-q", "--hard", "HEAD~1"]);
    p.git(&attacker, &["push", "-q", "-f", "origin", "main"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let doctor = String::from_utf8_lossy(&output(&p, &p.laptop, NOON, &["doctor"]).stdout).into_owned();
    assert!(!doctor.contains("did not go through"), "{doctor}");
}

#[test]
fn a_remote_that_cuts_the_ledger_or_changes_how_git_treats_files_changes_nothing_here() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["finalise", "ann"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let attacker = p.tmp.path().join("attacker");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "attacker"]);
    p.git(&attacker, &["config", "user.name", "x"]);
    p.git(&attacker, &["config", "user.email", "x@x"]);
    let ledger = std::fs::read_to_string(attacker.join("ledger")).unwrap();
    assert!(ledger.lines().count() >= 2, "{ledger}");
    let push = |what: &str| {
        p.git(&attacker, &["commit", "-qam", what]);
        p.git(&attacker, &["push", "-q", "-f", "origin", "main"]);
    };
    let before = || (std::fs::read(p.laptop.join("ledger")).unwrap(), ann(&p.laptop));
    let kept = before();
    ok(&p, &p.laptop, EVENING, &["note", "ann", "--topic", "kept safe"]);
    let kept = (kept.0, ann(&p.laptop));

    // The ledger cut short is merged by union: nothing is lost here, and
    // the remote's grows back. Then removed: refused.
    std::fs::write(attacker.join("ledger"), ledger.lines().next().unwrap().to_string() + "\n").unwrap();
    push("cut");
    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(said.contains("The other device's ledger or audit log lacked"), "{said}");
    assert!(said.contains("kept, and sent back. The ledger only ever grows"), "{said}");
    assert_eq!(before(), kept);
    assert_eq!(p.git(&p.remote, &["show", "main:ledger"]).as_bytes(), kept.0, "the remote's ledger grew back");
    p.git(&attacker, &["rm", "-q", "ledger"]);
    push("gone");
    let e = fails(&p, &p.laptop, EVENING, &["sync"]);
    assert!(e.contains("the remote no longer holds ledger"), "{e}");
    assert_eq!(before(), kept);

    // Put back, then a .gitattributes that would rewrite note words on the way.
    std::fs::write(attacker.join("ledger"), &ledger).unwrap();
    p.git(&attacker, &["add", "ledger"]);
    let attributes = std::fs::read_to_string(attacker.join(".gitattributes")).unwrap();
    std::fs::write(attacker.join(".gitattributes"), attributes + "/clients/*.json ident\n").unwrap();
    push("ident");
    let e = fails(&p, &p.laptop, EVENING, &["sync"]);
    assert!(e.contains(".gitattributes") && e.contains("not as Rapport writes it"), "{e}");
    assert_eq!(before(), kept);
    // And the same on the device's side: its own settings outrank any .gitattributes.
    let info = std::fs::read_to_string(p.laptop.join(".git/info/attributes")).unwrap();
    assert!(info.contains("* -ident -filter -working-tree-encoding -text -eol"), "{info}");
}

#[test]
fn a_remote_that_never_answers_stops_the_sync_in_time_and_notes_are_saved_meanwhile() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    // A server that takes the connection and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("git://127.0.0.1:{}/practice.git", silent.local_addr().unwrap().port());
    let remote = p.remote.to_str().unwrap().to_string();
    p.git(laptop, &["remote", "set-url", "origin", &url]);
    let mut c = p.command(laptop, NOON);
    // Long enough that the note below is saved while the sync still waits,
    // on a busy machine too.
    c.env("RAPPORT_SYNC_TIMEOUT", "6")
        .arg("sync")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut syncing = c.spawn().unwrap();
    // Once git has reached the remote (and waits on it), a note is saved at once.
    silent.set_nonblocking(true).unwrap();
    let start = std::time::Instant::now();
    let _connection = loop {
        match silent.accept() {
            Ok((connection, _)) => break connection,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(start.elapsed() < std::time::Duration::from_secs(60), "git never reached the remote");
                assert!(syncing.try_wait().unwrap().is_none(), "the sync ended before git reached the remote");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("{e}"),
        }
    };
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "while it synced"]);
    assert!(syncing.try_wait().unwrap().is_none(), "the note waited for the sync");
    let status = loop {
        if let Some(status) = syncing.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = syncing.kill();
            panic!("the sync still waits on a remote that never answers");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut e = String::new();
    std::io::Read::read_to_string(&mut syncing.stderr.take().unwrap(), &mut e).unwrap();
    assert!(!status.success() && e.contains("did not answer within 6 seconds"), "{e}");
    assert!(e.contains("run `rapport sync` again"), "{e}");
    // The remote back: everything goes out.
    p.git(laptop, &["remote", "set-url", "origin", &remote]);
    let said = ok(&p, laptop, NOON, &["sync"]);
    assert!(said.contains("1 note out"), "{said}");
    ok(&p, &p.desktop, NOON, &["sync"]);
    assert!(topics(&p.desktop).contains(&"while it synced".to_string()));
    drop(silent);
}

/// `rapport sync` on `dir` with `env` set besides; its output.
fn sync_with(p: &Practice, dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut c = p.rapport(dir, NOON);
    for (k, v) in env {
        c.env(k, v);
    }
    c.arg("sync").output().unwrap()
}

/// Waits until process `pid` has ended (a zombie has ended too), for a
/// minute at most: a pidfd becomes readable when its process ends.
fn ended(pid: i32) -> bool {
    // SAFETY: plain system calls on a descriptor this function owns.
    unsafe {
        let fd = libc::syscall(libc::SYS_pidfd_open, pid, 0) as i32;
        if fd < 0 {
            return std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        }
        let mut poll = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        let ready = libc::poll(&mut poll, 1, 60_000);
        libc::close(fd);
        ready == 1
    }
}

#[test]
fn an_ssh_remote_that_never_answers_is_given_up_once_for_the_whole_sync_and_leaves_no_ssh_behind() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "kept here"]);
    // An ssh that connects and never says a word; it notes each start.
    let started = p.tmp.path().join("ssh-started");
    let fake = p.tmp.path().join("fake-ssh");
    std::fs::write(&fake, format!("#!/bin/sh\necho \"$$ $*\" >> '{}'\nexec sleep 100000\n", started.display()))
        .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    p.git(laptop, &["remote", "set-url", "origin", "ssh://nowhere.invalid/practice.git"]);
    let out = sync_with(&p, laptop, &[("GIT_SSH_COMMAND", fake.to_str().unwrap()), ("RAPPORT_SYNC_TIMEOUT", "3")]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("did not answer within 3 seconds"), "{e}");
    assert!(e.contains("Everything is saved and committed on this device"), "{e}");
    let started = std::fs::read_to_string(&started).unwrap();
    let starts: Vec<&str> = started.lines().collect();
    assert_eq!(starts.len(), 1, "one deadline for the whole sync, not one per git command: {starts:?}");
    assert!(starts[0].contains("-o BatchMode=yes"), "ssh never asks in the terminal: {starts:?}");
    let pid: i32 = starts[0].split(' ').next().unwrap().parse().unwrap();
    assert!(ended(pid), "the ssh git started was stopped with it");
}

#[test]
fn a_remote_that_asks_for_a_password_is_told_to_set_up_a_key_or_a_credential_helper() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    // An https-like server that wants a username and a password.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/practice.git", server.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in server.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let _ = std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"practice\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    p.git(laptop, &["remote", "set-url", "origin", &url]);
    let out = sync_with(&p, laptop, &[]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{e}");
    assert!(e.contains("set up an ssh key or a credential helper"), "{e}");
    assert!(e.contains("Everything is saved and committed on this device"), "{e}");
}

/// A `git checkout` of an older commit in the data folder: the sync
/// commits nothing onto it (a note there would leave the record with the
/// next checkout), says what to do, and after it the note goes out.
#[test]
fn a_folder_checked_out_off_its_branch_is_not_synced_and_loses_no_note() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "before the checkout"]);
    ok(&p, laptop, NOON, &["sync"]);
    p.git(laptop, &["checkout", "-q", "HEAD~1"]);
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "while detached puffin"]);
    let said = fails(&p, laptop, NOON, &["sync"]);
    assert!(said.contains("not on its branch main") && said.contains("symbolic-ref HEAD refs/heads/main"), "{said}");
    assert!(ok(&p, laptop, NOON, &["search", "puffin"]).contains("puffin"));
    // As it says: back on the branch, no file changed.
    p.git(laptop, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    for dir in [laptop, &p.desktop] {
        for words in ["puffin", "before the checkout"] {
            assert!(ok(&p, dir, NOON, &["search", words]).contains(words), "{words} on {}", dir.display());
        }
    }
}
