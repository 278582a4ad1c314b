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
    let e = fails(&p, &p.laptop, NOON, &["sync"]);
    assert!(e.contains("is not a readable client record") && e.contains("Nothing was changed here"), "{e}");
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);

    // A link to a file outside is refused too.
    p.git(&attacker, &["rm", "-q", &p.ann_path()]);
    std::fs::create_dir_all(attacker.join("clients")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", p.ann_file(&attacker)).unwrap();
    p.git(&attacker, &["add", &p.ann_path()]);
    p.git(&attacker, &["commit", "-qm", "link"]);
    p.git(&attacker, &["push", "-q", "origin", "main"]);
    let e = fails(&p, &p.laptop, NOON, &["sync"]);
    assert!(e.contains("which is a symbolic link"), "{e}");
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);
}

#[test]
fn a_merge_that_cannot_complete_leaves_the_folder_as_it_was() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    // The desktop runs a newer Rapport, whose format this one cannot merge.
    let path = p.ann_file(&p.desktop);
    let newer = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&format!("\"schema_version\": {}", rapport::domain::SCHEMA_VERSION), "\"schema_version\": 99");
    std::fs::write(&path, newer).unwrap();
    p.git(&p.desktop, &["commit", "-qam", "newer"]);
    p.git(&p.desktop, &["push", "-q", "origin", "main"]);

    ok(&p, &p.laptop, NOON, &["note", "ann", "--topic", "kept safe"]);
    let before = std::fs::read(p.ann_file(&p.laptop)).unwrap();
    let e = fails(&p, &p.laptop, NOON, &["sync"]);
    assert!(e.contains("newer") && e.contains("Nothing was changed here"), "{e}");
    assert_eq!(std::fs::read(p.ann_file(&p.laptop)).unwrap(), before);
    assert!(ok(&p, &p.laptop, NOON, &["sync", "status"]).contains("1 commit not yet on the remote"));
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

    // The ledger cut short, then removed.
    std::fs::write(attacker.join("ledger"), ledger.lines().next().unwrap().to_string() + "\n").unwrap();
    push("cut");
    let e = fails(&p, &p.laptop, EVENING, &["sync"]);
    assert!(e.contains("the remote holds ledger") && e.contains("only ever grow"), "{e}");
    assert_eq!(before(), kept);
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
