//! Clients added before `sync init` have ids made from their names; the
//! practice a remote receives has none: `sync init` gives every client a
//! name-free id, everywhere the old one was (files, snapshots, drafts,
//! exports, the audit log, the ledger), and a killed run is finished by the
//! next command.

use std::fs;

use super::*;

/// Every client's id made from their name, as files and logs hold them.
const SLUGS: [&str; 3] = ["annabel-byrneford", "bartholomew-quince", "cornelius-wexley"];

/// Annabel and Bartholomew on the laptop, not synced: a finalised note
/// with an addendum, a snapshot, an export, a draft and a torn line in the
/// audit log, all under ids made from their names; and Cornelius, erased
/// since the snapshot, which still holds him.
pub(super) fn before_sync() -> Practice {
    let p = Practice::empty();
    let l = &p.laptop;
    ok(&p, l, MORNING, &["client", "add", "Annabel Byrneford"]);
    ok(&p, l, MORNING, &["client", "add", "Bartholomew Quince"]);
    ok(&p, l, MORNING, &["note", "annabel", "--topic", "nightmares", "--task", "lighthouse diary"]);
    ok(&p, l, MORNING, &["finalise", "annabel"]);
    ok(&p, l, MORNING, &["addendum", "annabel", "1", "she asked to add the dream about the sea"]);
    ok(&p, l, MORNING, &["client", "add", "Cornelius Wexley"]);
    ok(&p, l, MORNING, &["backup"]);
    super::erasure::erase(&p, l, SLUGS[2], "Cornelius Wexley");
    let morning = chrono::NaiveDateTime::parse_from_str(MORNING, "%Y-%m-%d %H:%M").unwrap();
    rapport::store::Store::open(l).unwrap().export_client(&rapport::domain::ClientId::new(SLUGS[0]), morning).unwrap();
    fs::write(l.join("drafts/annabel-byrneford.json"), r#"{"fields":{"topics":"half a thought"},"window":""}"#)
        .unwrap();
    // A crash tore the audit log's last line.
    let mut log = fs::OpenOptions::new().append(true).open(l.join("audit.log")).unwrap();
    std::io::Write::write_all(
        &mut log,
        br#"{"at":"2026-11-23T09:00:00","action":"note added","client":"annabel-byrneford","det"#,
    )
    .unwrap();
    for slug in &SLUGS[..2] {
        assert!(l.join(format!("clients/{slug}.json")).exists(), "before: ids made from names");
    }
    p
}

/// The paths under `dir` (its `.git` aside) that hold a client's old id.
pub(super) fn named_paths(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if SLUGS.iter().any(|s| e.file_name().to_string_lossy().contains(s)) {
                found.push(path.display().to_string());
            }
            // A snapshot's manifest names its files, and its objects are
            // the files themselves: neither may hold an old id.
            let in_backups = path.strip_prefix(dir).is_ok_and(|p| p.starts_with("backups"));
            if in_backups && e.file_type().unwrap().is_file() {
                let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
                if SLUGS.iter().any(|s| text.contains(s)) {
                    found.push(format!("{} (in its words)", path.display()));
                }
            }
            if e.file_type().unwrap().is_dir() {
                dirs.push(path);
            }
        }
    }
    found
}

/// The client files of `dir` (a `clients` folder), temp files aside.
fn client_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// What every client file of `dir` and its snapshots holds, ids aside.
fn records_without_ids(dir: &Path) -> Vec<Vec<serde_json::Value>> {
    let live = dir.join("clients");
    let mut folders: Vec<Vec<Vec<u8>>> =
        vec![client_files(&live).iter().map(|n| fs::read(live.join(n)).unwrap()).collect()];
    let mut snaps: Vec<String> = fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("20"))
        .collect();
    snaps.sort();
    folders.extend(snaps.iter().map(|s| common::snapshot_files(dir, s).into_values().collect()));
    folders
        .into_iter()
        .map(|files| {
            let mut records: Vec<serde_json::Value> = files
                .iter()
                .map(|bytes| {
                    let mut r: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                    r["client"]["id"] = serde_json::Value::Null;
                    r
                })
                .collect();
            records.sort_by_key(|r| r["client"]["name"].to_string());
            records
        })
        .collect()
}

/// The remote's branch holds `clients` clients, and no file name or file
/// there holds an old id.
pub(super) fn assert_remote_free_of_names(p: &Practice, remote: &Path, clients: usize) {
    let tree = p.git(remote, &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(tree.lines().filter(|l| l.starts_with("clients/")).count(), clients, "{tree}");
    for file in tree.lines() {
        let text = p.git(remote, &["show", &format!("main:{file}")]);
        for slug in SLUGS {
            assert!(!file.contains(slug) && !text.contains(slug), "{slug} is in {file} on the remote");
        }
    }
}

#[test]
fn sync_init_gives_each_client_an_id_free_of_names_wherever_a_remote_or_a_restore_could_see_it() {
    if !common::require_tool("git") {
        return;
    }
    let p = before_sync();
    let l = &p.laptop;
    let draft = fs::read(l.join("drafts/annabel-byrneford.json")).unwrap();
    let records = records_without_ids(l);
    let said = ok(&p, l, NOON, &["sync", "init", p.remote.to_str().unwrap()]);
    assert!(said.contains("2 clients sent") && said.contains("The 2 clients have new ids without names"), "{said}");

    assert_remote_free_of_names(&p, &p.remote, 2);
    assert_eq!(named_paths(l), Vec::<String>::new(), "no file here is named by a name, nor erased Cornelius's");
    assert_eq!(records_without_ids(l), records, "every record, live and in the snapshot, is as it was");
    for slug in SLUGS {
        for log in ["audit.log", "ledger"] {
            assert!(!fs::read_to_string(l.join(log)).unwrap().contains(slug), "{slug} in {log}");
        }
    }
    let ann = common::id_of(l, "Annabel Byrneford");
    assert_eq!(fs::read(l.join(format!("drafts/{ann}.json"))).unwrap(), draft, "the draft keeps its client");
    assert_eq!(
        rapport::store::Store::open(l).unwrap().exports_of(&rapport::domain::ClientId::new(ann.clone())).len(),
        1,
        "the export keeps its client"
    );
    // The ledger still witnesses the seal and the addendum, under the new id.
    assert!(ok(&p, l, NOON, &["verify"]).contains("All 1 finalised note of 2 clients are as they were"));
    assert!(ok(&p, l, NOON, &["review", "annabel"]).contains("nightmares"), "a name still finds its client");
    let old_id = ok(&p, l, NOON, &["review", "annabel-byrneford"]);
    assert!(old_id.contains("nightmares"), "a script's old id still finds her, here: {old_id}");
    let list = ok(&p, l, NOON, &["client", "list"]);
    assert!(list.find("Annabel").unwrap() < list.find("Bartholomew").unwrap(), "by name, not by id: {list}");
    // Once synced, ids never change again: a journal saying so is not followed.
    fs::write(l.join("new-ids.json"), format!(r#"{{"started":"2026-11-23T09:00:00","ids":{{"{ann}":"cabcd-xyz"}}}}"#))
        .unwrap();
    let e = fails(&p, l, NOON, &["client", "list"]);
    assert!(e.contains("(the folder is a git repository already)"), "{e}");
    fs::remove_file(l.join("new-ids.json")).unwrap();
    let old_ids = fs::read_to_string(l.join("old-ids.json")).unwrap();
    assert!(SLUGS.iter().all(|s| !old_ids.contains(s)) && !old_ids.contains("annabel"), "{old_ids}");

    // A restore from the snapshot taken before (of all three) brings back no name.
    let snapshots = ok(&p, l, NOON, &["backup", "list"]);
    let snapshot = snapshots.lines().last().unwrap().split(' ').next().unwrap().to_string();
    ok(&p, l, NOON, &["restore", &snapshot, "--yes"]);
    assert_eq!(named_paths(l), Vec::<String>::new());
    assert!(ok(&p, l, NOON, &["verify"]).contains("are as they were"));
    let said = ok(&p, l, NOON, &["sync"]);
    assert!(said.starts_with("Synced with"), "{said}");
    assert_remote_free_of_names(&p, &p.remote, 3);

    // An erased client's old id finds nobody; an encrypted folder keeps no old ids.
    let bart = common::id_of(l, "Bartholomew Quince");
    assert!(ok(&p, l, NOON, &["review", "bartholomew-quince"]).contains("Bartholomew"));
    super::erasure::erase(&p, l, &bart, "Bartholomew Quince");
    assert!(fails(&p, l, EVENING, &["review", "bartholomew-quince"]).contains("no client matches"));
    let evening = chrono::NaiveDateTime::parse_from_str(EVENING, "%Y-%m-%d %H:%M").unwrap();
    rapport::store::Store::encrypt_folder(l, "a long passphrase", evening, &mut rapport::progress::Quiet).unwrap();
    assert!(!l.join("old-ids.json").exists());
}

#[test]
fn sync_init_changes_no_id_while_the_app_is_open_or_the_ledger_is_broken() {
    if !common::require_tool("git") || !common::require_tool("strace") {
        return;
    }
    let p = before_sync();
    let l = &p.laptop;
    let remote = p.remote.to_str().unwrap();
    let window = rapport::store::Store::open(l).unwrap().hold_window("0a0a").unwrap();
    let e = fails(&p, l, NOON, &["sync", "init", remote]);
    assert!(e.contains("Rapport is open in another window: close it there first"), "{e}");
    assert!(e.contains("Nothing was changed"), "{e}");
    drop(window);
    assert_eq!(client_files(&l.join("clients")), ["annabel-byrneford.json", "bartholomew-quince.json"]);
    assert!(!l.join(".git").exists());

    let ledger = fs::read_to_string(l.join("ledger")).unwrap();
    let (first, rest) = ledger.split_once('\n').unwrap();
    let tampered = first.replace("\"at\":\"2026", "\"at\":\"2025");
    assert_ne!(tampered, first);
    fs::write(l.join("ledger"), format!("{tampered}\n{rest}")).unwrap();
    let e = fails(&p, l, NOON, &["sync", "init", remote]);
    assert!(e.contains("the ledger's chain is broken at entry 1") && e.contains("`rapport verify`"), "{e}");
    assert_eq!(client_files(&l.join("clients")), ["annabel-byrneford.json", "bartholomew-quince.json"]);
    assert!(!l.join(".git").exists() && !l.join("new-ids.json").exists());
}

/// Copies the folder `from` to `to` (files and folders only).
fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            copy_folder(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// `rapport ARGS` on `dir` killed at its `n`th call of `syscall` (as a
/// power cut would), by strace. Whether it was killed.
pub(super) fn killed_at(p: &Practice, dir: &Path, args: &[&str], syscall: &str, n: usize) -> bool {
    let mut c = std::process::Command::new("strace");
    common::clean_env(&mut c);
    c.env("HOME", p.tmp.path()).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
    let out = c
        .args([
            "-o",
            "/dev/null",
            "-e",
            &format!("trace={syscall}"),
            "-e",
            &format!("inject={syscall}:signal=KILL:when={n}"),
        ])
        .arg(common::bin())
        .args(args)
        .env("RAPPORT_DIR", dir)
        .env("RAPPORT_NOW", NOON)
        .output()
        .expect("strace is needed to kill a command at a chosen step: apt-get install strace");
    !out.status.success()
}

#[test]
fn a_sync_init_killed_at_any_step_is_finished_by_the_next_command_and_the_next_sync_init() {
    if !common::require_tool("git") || !common::require_tool("strace") {
        return;
    }
    let p = before_sync();
    let records = records_without_ids(&p.laptop);
    let mut kills = 0;
    // Every file Rapport writes ends in a rename, and every one it removes goes by unlink.
    for syscall in ["rename", "renameat", "unlink"] {
        for n in 1.. {
            let dir = p.tmp.path().join(format!("{syscall}-{n}"));
            let remote = p.tmp.path().join(format!("{syscall}-{n}.git"));
            copy_folder(&p.laptop, &dir);
            p.git(p.tmp.path(), &["init", "-q", "--bare", remote.to_str().unwrap()]);
            if !killed_at(&p, &dir, &["sync", "init", remote.to_str().unwrap()], syscall, n) {
                break;
            }
            kills += 1;
            let journal = dir.join("new-ids.json").exists();
            let out = output(&p, &dir, NOON, &["client", "list"]);
            let (list, note) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success(), "{syscall} {n}: {note}");
            assert_eq!(note.contains("that is finished now"), journal, "{syscall} {n}: {note}");
            assert!(list.contains("Annabel Byrneford") && list.contains("Bartholomew Quince"), "{syscall} {n}: {list}");
            assert!(!dir.join("new-ids.json").exists(), "{syscall} {n}: the renaming was finished");
            assert_eq!(records_without_ids(&dir), records, "{syscall} {n}: every record is whole, once");
            assert!(ok(&p, &dir, NOON, &["verify"]).contains("are as they were"), "{syscall} {n}");
            // The therapist runs `sync init` again; or, told it is synced already, `sync`.
            let again = output(&p, &dir, NOON, &["sync", "init", remote.to_str().unwrap()]);
            if !again.status.success() {
                let e = String::from_utf8_lossy(&again.stderr);
                assert!(e.contains("is already synced with"), "{syscall} {n}: {e}");
                ok(&p, &dir, NOON, &["sync"]);
            }
            assert!(ok(&p, &dir, NOON, &["sync", "status"]).contains("Everything here is on the remote."));
            assert!(ok(&p, &dir, NOON, &["review", "annabel-byrneford"]).contains("nightmares"), "{syscall} {n}");
            assert_eq!(named_paths(&dir), Vec::<String>::new(), "{syscall} {n}");
            assert_remote_free_of_names(&p, &remote, 2);
        }
    }
    assert!(kills >= 20, "sync init was killed at {kills} steps only");
}

#[test]
fn a_journal_of_new_ids_that_rapport_did_not_write_is_never_followed() {
    if !common::require_tool("git") {
        return;
    }
    let p = before_sync();
    let l = &p.laptop;
    let records = records_without_ids(l);
    let plants = [
        (r#"{"started":"2026-11-23T09:00:00","ids":{"annabel-byrneford":"../../outside"}}"#, "is not a client id"),
        // Onto another client's file: Bartholomew's would be replaced.
        (
            r#"{"started":"2026-11-23T09:00:00","ids":{"annabel-byrneford":"bartholomew-quince"}}"#,
            "bartholomew-quince.json is there already",
        ),
        (
            r#"{"started":"2026-11-23T09:00:00","ids":{"annabel-byrneford":"cx","bartholomew-quince":"cx"}}"#,
            "cx would be given twice",
        ),
        (r#"{"started":"2026-11-23T09:00:00","ids":{"annabel-byrneford":"zz-top"}}"#, "zz-top.json is there already"),
        ("{\"started\": [", "at line 1 column"),
    ];
    fs::write(l.join("clients/zz-top.json"), fs::read(l.join("clients/bartholomew-quince.json")).unwrap()).unwrap();
    for (plant, why) in plants {
        fs::write(l.join("new-ids.json"), plant).unwrap();
        let e = fails(&p, l, NOON, &["client", "list"]);
        assert!(e.contains("new-ids.json is not as Rapport writes it") && e.contains(why), "{plant}: {e}");
        assert!(e.contains("move that file out of the data folder"), "{e}");
    }
    fs::remove_file(l.join("new-ids.json")).unwrap();
    fs::remove_file(l.join("clients/zz-top.json")).unwrap();
    assert!(!p.tmp.path().join("outside.json").exists());
    assert_eq!(records_without_ids(l), records, "nothing was changed");
    assert!(ok(&p, l, NOON, &["client", "list"]).contains("Annabel Byrneford"));
}

#[test]
fn a_synced_folder_copied_whole_gets_a_mark_of_its_own_and_the_two_converge() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let laptop = &p.laptop;
    // The laptop's folder copied, `.git` and all, to a second machine.
    let copy = p.tmp.path().join("second-laptop");
    let cp = std::process::Command::new("cp").arg("-a").arg(laptop).arg(&copy).status().unwrap();
    assert!(cp.success());
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "on the laptop", "--task", "laptop task"]);
    ok(&p, &copy, NOON, &["note", "ann", "--topic", "on the copy", "--task", "copy task"]);
    let mark = |dir: &Path| std::fs::read_to_string(dir.join(".git/rapport/device")).unwrap();
    assert_ne!(mark(laptop), mark(&copy), "the copy has a mark of its own");
    ok(&p, laptop, NOON, &["finalise", "ann"]);
    ok(&p, &copy, NOON, &["finalise", "ann"]);
    for dir in [laptop, &copy, laptop, &copy] {
        ok(&p, dir, EVENING, &["sync"]);
    }
    for dir in [laptop, &copy] {
        assert_eq!(topics(dir), vec!["on the copy", "on the laptop", "sleep"]);
        assert_unique(&ids(dir, "sessions"));
        assert_eq!(ids(dir, "tasks").len(), 3, "no task is doubled");
        assert_unique(&ids(dir, "tasks"));
        let status = ok(&p, dir, EVENING, &["sync", "status"]);
        assert!(status.contains("No conflicts to settle."), "{status}");
        assert!(ok(&p, dir, EVENING, &["verify"]).contains("are as they were"));
    }
    assert_eq!(ann(laptop), ann(&copy));
}
