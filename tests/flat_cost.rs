//! A command about one client costs the same in a practice of any size: it
//! opens, stats and lists a bounded number of the data folder's files, never
//! every client's. Counted, not timed, with strace (`apt-get install
//! strace`; .ci/run installs it), on the real binary.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{ok, require_tool};

const NOW: &str = "2026-11-26 09:35";

/// A practice of `clients` generated clients and one more, Zelda, with a
/// note holding a rare word; its index, ledger and today's snapshot made,
/// as on any working day.
fn practice(clients: u32) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("data");
    let n = clients.to_string();
    let args = ["demo", "generate", "--clients", &n, "--sessions", "3", "--out", out.to_str().unwrap()];
    let o = common::rapport_at(&out, NOW).args(args).env_remove("RAPPORT_DIR").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(&out, NOW, &["client", "add", "Zelda Quartermaine"]);
    ok(&out, NOW, &["note", "zelda", "--at", "2026-11-20 10:00", "--yes", "--text", "talked about the marmalade"]);
    ok(&out, NOW, &["client", "list"]);
    d
}

/// What one command did to the data folder: every file or folder in it
/// that it opened or looked at, and the folders it listed.
#[derive(Debug)]
struct Touched {
    paths: BTreeSet<String>,
    listed: BTreeSet<String>,
}

impl Touched {
    fn under(&self, folder: &str) -> Vec<&String> {
        self.paths.iter().filter(|p| p.starts_with(&format!("{folder}/"))).collect()
    }
}

fn touched(dir: &Path, args: &[&str]) -> Touched {
    touched_with(dir, args, &[])
}

/// Like [`touched`], with more environment.
fn touched_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Touched {
    let log = dir.parent().unwrap().join(format!("strace-{}.log", args.join("-").replace(' ', "_")));
    let mut strace = Command::new("strace");
    common::clean_env(&mut strace);
    let o = strace
        .args(["-f", "-qq", "-e", "trace=%file", "-o"])
        .arg(&log)
        .arg(common::bin())
        .args(args)
        .env("RAPPORT_DIR", dir)
        .env("RAPPORT_NOW", NOW)
        .envs(env.iter().copied())
        .output()
        .expect("strace is needed to count the files a command opens: apt-get install strace");
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&log).unwrap();
    let root = format!("{}/", dir.display());
    let mut paths = BTreeSet::new();
    let mut listed = BTreeSet::new();
    for line in text.lines() {
        // The first quoted argument is the path, when there is one.
        let Some(path) = line.split('"').nth(1).filter(|p| p.starts_with(&root)) else { continue };
        let path = path[root.len()..].to_string();
        if line.contains("O_DIRECTORY") {
            listed.insert(path.clone());
        }
        paths.insert(path);
    }
    Touched { paths, listed }
}

#[test]
fn a_command_about_one_client_touches_a_bounded_number_of_files_in_a_practice_of_any_size() {
    if !require_tool("strace") {
        return;
    }
    let small = practice(10);
    let large = practice(200);
    let commands: [&[&str]; 5] = [
        &["review", "zelda-quartermaine"],
        &["review", "zelda"],
        &["note", "zelda", "--topic", "sleep"],
        &["addendum", "zelda", "s1", "and the jam"],
        &["search", "marmalade"],
    ];
    for args in commands {
        let (s, l) = (touched(&small.path().join("data"), args), touched(&large.path().join("data"), args));
        // Of clients/: Zelda's file, the temp file a save writes it
        // through, and `clients/zelda.json`, looked for in case "zelda"
        // was an id.
        let clients = l.under("clients");
        assert!(clients.len() <= 3, "{args:?} touched {} client files: {clients:?}", clients.len());
        assert!(!l.listed.contains("clients"), "{args:?} listed every client file");
        assert!(l.paths.len() <= 42, "{args:?} touched {} paths in the data folder: {:#?}", l.paths.len(), l.paths);
        assert_eq!(
            l.paths.len(),
            s.paths.len(),
            "{args:?}: the same command touches as many paths in 201 clients as in 11\n{:#?}\n{:#?}",
            l.paths,
            s.paths
        );
    }
}

#[test]
fn a_client_file_added_by_another_program_makes_the_next_command_look_at_every_file_once() {
    if !require_tool("strace") {
        return;
    }
    let large = practice(200);
    let data = large.path().join("data");
    let zelda = std::fs::read_to_string(data.join("clients/zelda-quartermaine.json")).unwrap();
    let copy = zelda.replace("zelda-quartermaine", "zora-quartermaine").replace("Zelda", "Zora");
    std::fs::write(data.join("clients/.incoming"), copy).unwrap();
    std::fs::rename(data.join("clients/.incoming"), data.join("clients/zora-quartermaine.json")).unwrap();
    let first = touched(&data, &["review", "zora"]);
    assert!(first.listed.contains("clients"), "the folder changed: it is looked at whole");
    assert!(ok(&data, NOW, &["search", "marmalade"]).contains("Zora Quartermaine"));
    let next = touched(&data, &["review", "zora"]);
    assert!(!next.listed.contains("clients") && next.under("clients").len() <= 3, "{next:?}");
}

#[test]
fn an_encrypted_practice_costs_a_command_as_few_files_as_a_plain_one() {
    if !require_tool("strace") {
        return;
    }
    let large = practice(200);
    let data = large.path().join("data");
    // A debug build makes the passphrase cheap to unlock with this.
    let env = [("RAPPORT_PASSPHRASE", "a long enough passphrase"), ("RAPPORT_TEST_SCRYPT_LOG_N", "10")];
    let o = common::rapport_at(&data, NOW).args(["encrypt", "--yes"]).envs(env).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = common::rapport_at(&data, NOW).args(["client", "list"]).envs(env).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("Zelda Quartermaine"));
    for args in [&["review", "zelda"][..], &["note", "zelda", "--topic", "sleep"]] {
        let t = touched_with(&data, args, &env);
        let clients = t.under("clients");
        assert!(clients.len() <= 3, "{args:?} touched {} client files: {clients:?}", clients.len());
        assert!(!t.listed.contains("clients"), "{args:?} listed every client file");
    }
}

#[test]
fn the_client_list_reads_its_rows_and_no_client_file() {
    if !require_tool("strace") {
        return;
    }
    let small = practice(10);
    let large = practice(200);
    let args = ["client", "list"];
    let (s, l) = (touched(&small.path().join("data"), &args), touched(&large.path().join("data"), &args));
    for t in [&s, &l] {
        assert!(t.under("clients").is_empty(), "no client file is opened: {:?}", t.under("clients"));
        assert!(!t.listed.contains("clients"), "nor is every client file listed");
    }
    // One page of rows holds 256 clients: 11 and 201 both fit in one.
    assert_eq!(l.under("index/list"), s.under("index/list"));
    assert_eq!(l.paths.len(), s.paths.len(), "{:#?}\n{:#?}", l.paths, s.paths);
}
