//! End to end: the real binary in a real terminal (tmux), driven by keys,
//! read from the screen and from the files it writes. Needs tmux
//! (`.ci/run` installs it).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::require_tool;
use common::term::{Term, wait_for};

/// Runs a `rapport` command on `dir` (with RAPPORT_PASSPHRASE set to
/// `passphrase` when given) and checks that it succeeded.
/// At the harness's fixed time unless `--now` says otherwise.
fn cli(dir: &Path, passphrase: Option<&str>, args: &[&str]) {
    let mut c = common::rapport(dir);
    if let Some(p) = passphrase {
        c.env("RAPPORT_PASSPHRASE", p);
    }
    common::succeeded(c.args(args).output().unwrap(), args);
}

fn client_file(dir: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("clients").join(format!("{id}.json"))).unwrap()).unwrap()
}

/// Ann's file on a synced device: `sync init` gave her an id with no name.
fn ann_file(dir: &Path) -> serde_json::Value {
    let ann: Vec<serde_json::Value> = fs::read_dir(dir.join("clients"))
        .unwrap()
        .map(|e| serde_json::from_slice(&fs::read(e.unwrap().path()).unwrap()).unwrap())
        .filter(|r: &serde_json::Value| r["client"]["name"] == "Ann Byrne")
        .collect();
    assert_eq!(ann.len(), 1, "one client is Ann");
    let id = ann[0]["client"]["id"].as_str().unwrap();
    // Random letters may spell "ann" (canny-ztr): her name, whole, is not there.
    assert!(!id.starts_with("ann-") && !id.contains("byrne"), "{id}");
    ann[0].clone()
}

#[test]
fn a_first_client_and_note_survive_a_restart() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.wait("Welcome to Rapport");
    t.keys(&["a"]);
    t.wait("New client");
    t.type_text("Maria Lopez");
    t.keys(&["Tab"]);
    t.type_text("Mari");
    t.keys(&["C-s"]);
    t.wait("Saved Maria Lopez (Mari).");
    t.keys(&["n"]);
    t.wait("New note · Maria Lopez (Mari)");
    t.type_text("sleep");
    t.keys(&["Tab"]);
    t.type_text("the breathing helped");
    t.keys(&["C-s"]);
    t.wait("Note saved for Mari (s1).");
    t.keys(&["q"]);
    t.wait_exit();

    let file = client_file(d.path(), "maria-lopez");
    assert_eq!(file["sessions"][0]["topics"][0], "sleep");
    assert_eq!(file["sessions"][0]["feedback"][0], "the breathing helped");

    let t = Term::start(d.path(), "2026-11-26 10:00", &[]);
    t.wait("Appointments: today");
    t.keys(&["Tab"]);
    t.wait("Maria Lopez (Mari)");
    t.wait("sleep");
    t.wait("\"the breathing helped\"");
}

#[test]
fn before_an_appointment_the_review_is_one_key_away() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(d.path(), None, args);
    cli(&["client", "add", "Maria Lopez", "--preferred", "Mari", "--pronouns", "she/her"]);
    cli(&[
        "note",
        "mari",
        "--at",
        "2026-11-19 10:00",
        "--yes",
        "--topic",
        "sleep",
        "--feedback",
        "the diary felt like a chore",
        "--task",
        "keep a sleep diary",
        "--personal",
        "Mia's birthday party 2026-11-21",
        "--plan",
        "look at the diary",
    ]);
    cli(&["watch", "add", "mari", "go gently with her mother's illness"]);
    cli(&[
        "contact",
        "add",
        "mari",
        "--channel",
        "voicemail",
        "--summary",
        "can we move Monday?",
        "--at",
        "2026-11-25 18:00",
    ]);
    cli(&["appointment", "mari", "--at", "2026-11-26 10:00"]);

    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.wait("in 25 min");
    t.wait("Awaiting reply (1)");
    t.keys(&["Enter"]);
    t.wait("Review · Maria Lopez (Mari) · she/her");
    let screen = t.screen();
    for heading in ["Last time", "They told you", "Tasks to check", "Personal", "Plan", "Watch for", "Awaiting reply"] {
        assert!(screen.contains(heading), "no {heading}:\n{screen}");
    }
    assert!(screen.contains("Mia's birthday party, Sat 21 Nov: ask how it went"), "{screen}");
    assert!(screen.contains("session 2 · 7 days since the last"), "{screen}");
    t.keys(&["d"]);
    t.wait("Outcome");
    t.type_text("filled in 5 nights");
    t.keys(&["Enter"]);
    t.wait("Task t1 marked done.");
    t.wait("+ Done: keep a sleep diary: filled in 5 nights");
    t.keys(&["n"]);
    t.wait("for Thu 26 Nov 10:00");
    t.type_text("the diary");
    t.keys(&["C-s"]);
    // Written before the session, the note is dated ahead of now: asked.
    t.wait("This note for Maria Lopez (Mari) is dated Thu 26 Nov");
    t.wait("10:00, 25 min ahead.");
    t.keys(&["y"]);
    t.wait("Note saved for Mari (s2).");
    let file = client_file(d.path(), "maria-lopez");
    assert_eq!(file["tasks"][0]["status"], "done");
    assert_eq!(file["sessions"][1]["appointment"], "2026-11-26T10:00:00");
    assert_eq!(file["appointments"][0]["note"], "s2", "the appointment holds its note's id");
}

#[test]
fn straight_after_a_session_n_writes_its_note_not_the_next_clients() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(d.path(), None, args);
    cli(&["client", "add", "Maria Lopez"]);
    cli(&["client", "add", "Tom Becker"]);
    cli(&["appointment", "maria", "--at", "2026-11-26 10:00"]);
    cli(&["appointment", "tom", "--at", "2026-11-26 11:00"]);
    // Two minutes after Maria's session ended, eight before Tom's begins.
    let t = Term::start(d.path(), "2026-11-26 10:52", &[]);
    t.wait("note due");
    t.keys(&["n"]);
    t.wait("New note · Maria Lopez");
    t.type_text("what she said about work");
    t.keys(&["C-s"]);
    t.wait("Note saved for Maria Lopez (s1).");
    assert!(!t.screen().contains("dated"), "written after the session: not dated ahead\n{}", t.screen());
    t.keys(&["q"]);
    t.wait_exit();
    // Long after a session, Today opens on the next appointment again.
    cli(&["appointment", "maria", "--at", "2026-11-26 13:00"]);
    let t = Term::start(d.path(), "2026-11-26 12:30", &[]);
    t.wait("in 30 min");
    t.keys(&["Enter"]);
    t.wait("Review · Maria Lopez");
}

#[test]
fn an_older_unsaved_note_opens_first_and_says_it_is_not_this_appointments() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Maria Lopez"]);
    cli(d.path(), None, &["appointment", "maria", "--at", "2026-11-26 10:00"]);
    // The day before, a note begun and never saved.
    let t = Term::start(d.path(), "2026-11-25 17:00", &[]);
    t.keys(&["Tab"]);
    t.wait("Maria Lopez");
    t.keys(&["n"]);
    t.wait("New note");
    t.type_text("yesterday's thought");
    wait_for("the draft reaching the disk", || d.path().join("drafts/maria-lopez.json").exists());
    drop(t);
    let t = Term::start(d.path(), "2026-11-26 10:52", &[]);
    t.wait("Unsaved note found");
    t.keys(&["Escape"]);
    t.wait("note due");
    t.keys(&["n"]);
    t.wait("This is the unsaved note kept Wed 25 Nov 17:00, not the note for Thu 26 Nov 10:00");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    t.keys(&["Escape"]);
    t.keys(&["Tab"]);
    t.keys(&["Tab"]);
    t.wait("note due");
    t.keys(&["n"]);
    t.wait("New note · Maria Lopez  for Thu 26 Nov 10:00");
}

#[test]
fn a_note_typed_before_the_terminal_dies_is_offered_back() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Tom Becker"]);
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.keys(&["Tab"]);
    t.wait("Tom Becker");
    t.keys(&["n"]);
    t.wait("New note");
    t.type_text("arguments at home");
    let draft = d.path().join("drafts/tom-becker.json");
    wait_for("the draft reaching the disk", || draft.exists());
    drop(t); // the terminal closes: the app is killed with it

    let t = Term::start(d.path(), "2026-11-26 09:50", &[]);
    t.wait("Unsaved note found");
    t.wait("A note for Tom Becker was not saved");
    t.keys(&["Enter"]);
    t.wait("arguments at home");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    assert_eq!(client_file(d.path(), "tom-becker")["sessions"][0]["topics"][0], "arguments at home");
    wait_for("the draft going away", || !draft.exists());
}

#[test]
fn the_demo_opens_on_a_believable_practice_and_quits_cleanly() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let t = Term::start(d.path(), "2026-11-26 09:35", &["demo"]);
    t.wait("Today, Thu 26 Nov");
    t.wait("James Okafor (Jim)");
    t.keys(&["?"]);
    t.wait("Keys · ↑/↓ scroll");
    t.keys(&["Escape", "q"]);
    t.wait_exit();
    assert!(!d.path().join("clients").exists(), "the demo never touches the real data folder");
}

#[test]
fn two_windows_and_a_script_writing_at_once_lose_nothing() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(d.path(), None, args);
    cli(&["client", "add", "Maria Lopez"]);
    let a = Term::start(d.path(), "2026-11-26 09:35", &[]);
    let b = Term::start(d.path(), "2026-11-26 09:36", &[]);
    for t in [&a, &b] {
        t.keys(&["Tab"]);
        t.wait("Maria Lopez");
        t.keys(&["n"]);
        t.wait("New note");
    }
    a.type_text("from window A");
    b.type_text("from window B");
    // Meanwhile a quick note from a third terminal.
    cli(&["note", "maria", "--at", "2026-11-26 09:00", "--yes", "--topic", "from the command line"]);
    a.keys(&["C-s"]);
    a.wait("Note saved");
    b.keys(&["C-s"]);
    b.wait("Note saved");
    let file = client_file(d.path(), "maria-lopez");
    let mut topics: Vec<String> =
        file["sessions"].as_array().unwrap().iter().map(|s| s["topics"][0].as_str().unwrap().to_string()).collect();
    topics.sort();
    assert_eq!(topics, vec!["from the command line", "from window A", "from window B"]);
    // Each window shows all three once it looks again.
    a.wait("from window B");
    b.wait("from window A");
}

#[test]
fn ctrl_e_edits_the_field_in_the_editor_and_takes_the_text_back() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let editor = d.path().join("editor.sh");
    fs::write(&editor, "#!/bin/sh\nprintf 'written in the editor\\nsecond line\\n' >> \"$1\"\n").unwrap();
    fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let data = d.path().join("data");
    cli(&data, None, &["client", "add", "Tom Becker"]);
    let t = Term::start_with_editor(&data, "2026-11-26 09:35", editor.to_str().unwrap(), &[]);
    t.keys(&["Tab"]);
    t.wait("Tom Becker");
    t.keys(&["n"]);
    t.wait("New note");
    for _ in 0..6 {
        t.keys(&["Tab"]);
    }
    t.wait("▸ Notes");
    t.type_text("typed first");
    t.keys(&["C-e"]);
    t.wait("Took the text back from the editor.");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    let file = client_file(&data, "tom-becker");
    assert_eq!(file["sessions"][0]["notes"], "typed firstwritten in the editor\nsecond line");
}

#[test]
fn in_an_encrypted_folder_the_app_writes_nothing_readable() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(d.path(), Some("correct horse battery"), args);
    cli(&["client", "add", "Tom Becker"]);
    cli(&["encrypt", "--yes"]);
    let t =
        Term::start_env(d.path(), "2026-11-26 09:35", "RAPPORT_PASSPHRASE='correct horse battery' EDITOR=true", &[]);
    t.keys(&["Tab"]);
    t.wait("Tom Becker");
    t.keys(&["n"]);
    t.wait("New note");
    t.type_text("zebra secrets");
    wait_for("the encrypted draft", || fs::read_dir(d.path().join("drafts")).unwrap().next().is_some());
    t.keys(&["C-e"]);
    t.wait("Ctrl-E is off while the data folder is encrypted");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    t.keys(&["C-f"]);
    t.type_text("zebra");
    t.wait("Results (1)");
    let out =
        Command::new("grep").arg("-rl").arg("-e").arg("zebra").arg("-e").arg("Becker").arg(d.path()).output().unwrap();
    assert!(out.stdout.is_empty(), "readable on disk: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_app_asks_for_the_passphrase_unless_the_folder_is_unlocked() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let pass = "correct horse battery";
    cli(d.path(), None, &["client", "add", "Tom Becker"]);
    cli(d.path(), Some(pass), &["encrypt", "--yes"]);
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.wait("Passphrase for the Rapport data folder:");
    t.type_text(pass);
    t.keys(&["Enter", "Tab"]);
    t.wait("Tom Becker");
    t.keys(&["q"]);
    t.wait_exit();

    // Unlocked (against the real kernel keyring): no question at all.
    if !common::require_keyring() {
        return;
    }
    cli(d.path(), Some(pass), &["unlock", "--for", "5m"]);
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.keys(&["Tab"]);
    t.wait("Tom Becker");
    assert!(!t.screen().contains("Passphrase"), "{}", t.screen());
    t.keys(&["q"]);
    t.wait_exit();
    cli(d.path(), None, &["lock"]);
}

#[test]
fn when_the_disk_refuses_a_save_the_note_stays_on_screen() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Tom Becker"]);
    let before = fs::read(d.path().join("clients/tom-becker.json")).unwrap();
    // No file may grow past 2 KB (as on a full disk): the client file with the note cannot be written.
    let t = Term::start_shell(&format!(
        "ulimit -f 2; trap '' XFSZ; env RAPPORT_NOW='2026-11-26 09:35' '{}' --data-dir '{}'",
        common::bin(),
        d.path().display()
    ));
    t.keys(&["Tab"]);
    t.wait("Tom Becker");
    t.keys(&["n"]);
    t.wait("New note");
    t.type_text(&"a note that will not fit ".repeat(30));
    t.wait(" 1│");
    t.keys(&["C-s"]);
    t.wait("Not saved:");
    t.wait("still here.");
    t.wait("New note · Tom Becker");
    assert_eq!(fs::read(d.path().join("clients/tom-becker.json")).unwrap(), before, "the old file is intact");
}

#[test]
fn a_pasted_note_with_lines_q_and_x_keeps_every_paragraph_and_runs_no_command() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Paula Paste"]);
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.wait("Today");
    t.keys(&["Tab"]);
    t.wait("Paula Paste");
    t.keys(&["n"]);
    t.wait("New note");
    let note = "She read out the letter.\n\nq\nx\nThen a long silence.\n\nWe agreed to return to it.";
    let buffer = d.path().join("paste.txt");
    fs::write(&buffer, note).unwrap();
    t.tmux(&["load-buffer", buffer.to_str().unwrap()]);
    // -p: as a terminal pastes, in bracketed-paste markers.
    t.tmux(&["paste-buffer", "-p", "-t", "main"]);
    t.wait("We agreed to return to it.");
    assert!(t.running(), "q in the paste did not quit");
    let screen = t.screen();
    assert!(!screen.contains("Are you sure?") && !screen.contains("Export"), "x opened nothing:\n{screen}");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("clients/paula-paste.json")).unwrap()).unwrap();
    let topics: Vec<&str> =
        file["sessions"][0]["topics"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(topics, ["She read out the letter.", "q", "x", "Then a long silence.", "We agreed to return to it."]);
}

#[test]
fn a_paste_cut_short_by_its_own_end_marker_stays_text_and_discards_nothing() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Paula Paste"]);
    let t = Term::start(d.path(), "2026-11-26 09:35", &[]);
    t.wait("Today");
    t.keys(&["Tab"]);
    t.wait("Paula Paste");
    t.keys(&["n"]);
    t.wait("New note");
    // The pasted text holds ESC[201~: the terminal's paste ends there, and
    // the rest ("Esc y", a Ctrl-C, more words) arrives as keys at once.
    let paste = "\x1b[200~She spoke of the accident\x1b[201~\x1by\x03 then of her brother\x1b[201~";
    t.tmux(&["send-keys", "-t", "main", "-l", paste]);
    t.wait("then of her brother");
    assert!(t.running(), "the pasted Ctrl-C did not quit");
    let screen = t.screen();
    assert!(!screen.contains("Discard"), "Esc y in the paste discarded nothing:\n{screen}");
    t.keys(&["C-s"]);
    t.wait("Note saved");
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("clients/paula-paste.json")).unwrap()).unwrap();
    let topics = file["sessions"][0]["topics"].to_string();
    assert!(topics.contains("She spoke of the accidenty then of her brother"), "{topics}");
}

/// A bare remote with Ann's practice on a laptop and a desktop, at 09:00.
fn two_devices(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (remote, laptop, desktop) = (tmp.join("remote.git"), tmp.join("laptop"), tmp.join("desktop"));
    let git = Command::new("git").args(["init", "-q", "--bare"]).arg(&remote).status().unwrap();
    assert!(git.success(), "git is needed for the sync tests");
    let at = |dir: &Path, args: &[&str]| {
        let mut all = vec!["--now", "2026-11-23 09:00"];
        all.extend_from_slice(args);
        cli(dir, None, &all)
    };
    at(&laptop, &["client", "add", "Ann Byrne"]);
    at(&laptop, &["note", "ann", "--topic", "sleep"]);
    at(&laptop, &["personal", "add", "ann", "Mia's party"]);
    at(&laptop, &["sync", "init", remote.to_str().unwrap()]);
    at(&desktop, &["sync", "clone", remote.to_str().unwrap()]);
    (laptop, desktop)
}

#[test]
fn the_app_says_where_the_sync_stands_syncs_with_s_and_settles_a_conflict() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let (laptop, desktop) = two_devices(d.path());
    let now = |dir: &Path, args: &[&str]| {
        let mut all = vec!["--now", "2026-11-23 12:00"];
        all.extend_from_slice(args);
        cli(dir, None, &all)
    };
    // Offline, the desktop writes a note and changes Mia's party; the laptop changes it too.
    now(&desktop, &["note", "ann", "--topic", "desktop words"]);
    now(&desktop, &["personal", "edit", "ann", "1", "Mia's birthday party"]);
    now(&desktop, &["sync"]);
    now(&laptop, &["personal", "edit", "ann", "1", "Mia's party on Saturday"]);

    let t = Term::start(&laptop, "2026-11-23 12:00", &[]);
    // One change here not yet synced.
    t.wait("1 change to sync");
    t.wait("S sync");
    t.keys(&["S"]);
    // The laptop's own change to the detail went out too, and is said.
    t.wait("Synced: 1 note in, 0 notes out; other changes to 1 client went out. 1 conflict from the two");
    t.wait("1 conflict · synced just now");
    t.keys(&["Tab"]);
    t.wait("desktop words");
    t.keys(&["r"]);
    t.wait("Two devices    ! ");
    t.wait("settle each with c in the app's review");
    t.wait("c settle conflict");
    t.keys(&["c"]);
    t.wait("From two devices · 1 of 1");
    t.wait("o puts the other value");
    t.keys(&["o"]);
    t.wait("Settled: the other value is in place now");
    // Settled: the header no longer speaks of a conflict, and the change waits to be synced.
    t.wait("1 change to sync");
    assert!(!t.screen().contains("conflict ·"), "{}", t.screen());
    let file = ann_file(&laptop);
    assert_eq!(file["personal"][0]["text"], "Mia's birthday party");
    assert!(file["conflicts"].as_array().is_none_or(|c| c.is_empty()), "{file}");
    t.keys(&["Escape", "S"]);
    t.wait("Synced: no new notes either way; other changes to 1 client went out.");
    t.wait("synced just now");
    t.keys(&["q"]);
    t.wait_exit();
    now(&desktop, &["sync"]);
    assert_eq!(ann_file(&desktop)["personal"][0]["text"], "Mia's birthday party");
}

#[test]
fn with_the_setting_the_app_syncs_as_it_opens_and_as_it_quits() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let (laptop, desktop) = two_devices(d.path());
    fs::write(laptop.join("config.json"), r#"{"sync_on_start_and_quit": true}"#).unwrap();
    cli(&desktop, None, &["--now", "2026-11-23 12:00", "note", "ann", "--topic", "desktop words"]);
    cli(&desktop, None, &["--now", "2026-11-23 12:00", "sync"]);

    let t = Term::start(&laptop, "2026-11-23 12:00", &[]);
    // No key pressed: the desktop's note comes in as the app opens.
    t.wait("Synced: 1 note in, 0 notes out.");
    t.keys(&["Tab"]);
    t.wait("desktop words");
    // A note written here while the app is open goes out as it quits.
    cli(&laptop, None, &["--now", "2026-11-23 12:00", "note", "ann", "--topic", "laptop words"]);
    t.keys(&["q"]);
    wait_for("the sync at quit", || t.screen().contains("Synced: 0 notes in, 1 note out.") || !t.running());
    cli(&desktop, None, &["--now", "2026-11-23 12:05", "sync"]);
    let topics = ann_file(&desktop)["sessions"].to_string();
    assert!(topics.contains("laptop words"), "{topics}");
}

#[test]
fn the_first_open_after_a_clone_builds_the_index_behind_the_app_and_the_next_start_draws_today_at_once() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let (laptop, _) = two_devices(d.path());
    let at = |dir: &Path, args: &[&str]| {
        let mut all = vec!["--now", "2026-11-23 09:00"];
        all.extend_from_slice(args);
        cli(dir, None, &all)
    };
    at(&laptop, &["appointment", "ann", "--at", "2026-11-23 14:00"]);
    at(&laptop, &["sync"]);
    let desktop = d.path().join("desktop2");
    at(&desktop, &["sync", "clone", d.path().join("remote.git").to_str().unwrap()]);
    // A clone has no index of its own yet: the app builds it behind its first frame.
    let _ = fs::remove_dir_all(desktop.join("index"));
    let t = Term::start(&desktop, "2026-11-23 09:00", &[]);
    t.wait("14:00");
    t.wait("Awaiting reply (0)");
    t.keys(&["Tab"]);
    t.wait("Clients (1)");
    t.wait("Ann Byrne · 1 session");
    assert!(desktop.join("index/today.json").is_file(), "the next start draws from it");
    t.keys(&["q"]);
    t.wait_exit();
    // The next start draws Today from it at once.
    let t = Term::start(&desktop, "2026-11-23 09:00", &[]);
    t.wait("14:00");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn while_a_silent_remote_holds_a_sync_the_app_saves_notes_and_then_says_why_it_did_not_sync() {
    if !require_tool("tmux") || !require_tool("git") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let (laptop, _desktop) = two_devices(d.path());
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("git://127.0.0.1:{}/practice.git", silent.local_addr().unwrap().port());
    let git = Command::new("git").arg("-C").arg(&laptop).args(["remote", "set-url", "origin", &url]).status();
    assert!(git.unwrap().success());
    // Long enough that the note is saved while the sync still waits, on a busy machine too.
    let env = "EDITOR=true RAPPORT_SYNC_TIMEOUT=8";
    let t = Term::start_then(&laptop, "2026-11-23 12:00", env, &[], "echo the app quit; sleep 60");
    t.wait("synced");
    t.keys(&["S"]);
    t.wait("syncing…");
    t.keys(&["Tab", "n"]);
    t.wait("New note");
    t.type_text("written while it synced");
    t.keys(&["C-s"]);
    t.wait("Note saved for Ann");
    assert!(t.screen().contains("syncing…"), "{}", t.screen());
    t.wait("Not synced: everything is saved here; S tries again. The remote git://127.0.0.1:");
    t.wait("did not answer within 8 seconds");
    t.wait("not synced ·");
    let file = ann_file(&laptop);
    assert!(file["sessions"].to_string().contains("written while it synced"), "{file}");
    // Quitting, the app says what is still to send.
    t.keys(&["Escape", "q"]);
    t.wait("the app quit");
    assert!(t.screen().contains("1 change to sync: `rapport sync` (or S in the app) sends"), "{}", t.screen());
    drop(silent);
}

#[test]
fn a_short_new_passphrase_is_refused_at_once_and_a_wrong_one_may_be_typed_again() {
    if !require_tool("tmux") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    cli(d.path(), None, &["client", "add", "Tom Becker"]);
    let cheap = "RAPPORT_TEST_SCRYPT_LOG_N=10";
    let t = Term::start_then(d.path(), "2026-11-26 09:35", cheap, &["encrypt", "--yes"], "echo ENCRYPT-DONE; sleep 60");
    t.wait("New passphrase (at least 8 characters)");
    t.type_text("short");
    t.keys(&["Enter"]);
    t.wait("choose a passphrase of at least 8 characters; type another.");
    t.type_text("long enough words");
    t.keys(&["Enter"]);
    t.wait("The same again");
    t.type_text("long enough words");
    t.keys(&["Enter"]);
    t.wait("ENCRYPT-DONE");
    assert!(d.path().join("identity.age").is_file(), "{}", t.screen());

    let t = Term::start_then(d.path(), "2026-11-26 09:35", cheap, &["client", "list"], "echo LIST-DONE; sleep 60");
    t.wait("Passphrase for the Rapport data folder");
    t.type_text("not the words");
    t.keys(&["Enter"]);
    t.wait("the passphrase is wrong; type it again.");
    t.type_text("long enough words");
    t.keys(&["Enter"]);
    t.wait("LIST-DONE");
    assert!(t.screen().contains("Tom Becker"), "{}", t.screen());
}
