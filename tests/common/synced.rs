//! Two devices of one practice, a laptop and a desktop, synced through a
//! bare git repository, driven through the real binary with the real `git`,
//! with no git identity configured (for `tests/sync.rs` and
//! `tests/sync_encrypted.rs`). The tests call `common::require_tool("git")`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub use super::encrypted::PASS;
pub const MORNING: &str = "2026-11-23 09:00";
pub const NOON: &str = "2026-11-23 12:00";
pub const EVENING: &str = "2026-11-23 18:00";

/// Words of the practice that must never reach the remote in plain text:
/// long enough that random ciphertext never spells one by chance.
pub const WORDS: &[&str] = &[
    "Annabel",
    "Byrneford",
    "annabel-byrneford",
    "Bartholomew",
    "bartholomew-quince",
    "nightmares",
    "lighthouse",
    "glasshouse",
    "Wilhelmina",
    "quarrelled",
];

/// The one practice of the sync tests: a bare remote and two data folders,
/// a laptop and a desktop, in one temporary folder.
pub struct Practice {
    pub tmp: tempfile::TempDir,
    pub remote: PathBuf,
    pub laptop: PathBuf,
    pub desktop: PathBuf,
    /// Ann's id, given at `sync init` (no name is in it), in [`Practice::new`]'s.
    pub ann: String,
    /// The passphrase commands are given: an encrypted practice's.
    pub pass: Option<&'static str>,
}

/// No git identity and no git settings from this machine.
pub fn quiet_git(c: &mut Command, home: &Path) {
    c.env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL");
}

impl Practice {
    /// An empty bare remote, and no practice yet.
    pub fn empty() -> Practice {
        let tmp = super::fast_tempdir();
        let p = Practice {
            remote: tmp.path().join("remote.git"),
            laptop: tmp.path().join("laptop"),
            desktop: tmp.path().join("desktop"),
            tmp,
            ann: String::new(),
            pass: None,
        };
        p.git(p.tmp.path(), &["init", "-q", "--bare", "remote.git"]);
        p
    }

    /// Ann Byrne's plain practice on the laptop, synced, and cloned onto the desktop.
    pub fn new() -> Practice {
        let p = Practice::empty();
        ok(&p, &p.laptop, MORNING, &["client", "add", "Ann Byrne"]);
        ok(&p, &p.laptop, MORNING, &["note", "ann", "--topic", "sleep", "--task", "diary"]);
        let said = ok(&p, &p.laptop, MORNING, &["sync", "init", p.remote.to_str().unwrap()]);
        assert!(said.contains("1 client sent"), "{said}");
        let said = ok(&p, &p.desktop, MORNING, &["sync", "clone", p.remote.to_str().unwrap()]);
        assert!(said.contains("Brought 1 client and 1 note"), "{said}");
        let ann = super::id_of(&p.laptop, "Ann Byrne");
        // Random letters may spell "ann" (canny-ztr): her name, whole, is not there.
        assert!(!ann.starts_with("ann-") && !ann.contains("byrne"), "{ann}");
        Practice { ann, ..p }
    }

    /// A bare remote, and Annabel's practice on the laptop, not yet synced;
    /// commands are given the passphrase.
    pub fn plain() -> Practice {
        let p = Practice { pass: Some(PASS), ..Practice::empty() };
        ok(&p, &p.laptop, MORNING, &["client", "add", "Annabel Byrneford"]);
        ok(&p, &p.laptop, MORNING, &["note", "annabel", "--topic", "nightmares", "--task", "lighthouse diary"]);
        p
    }

    /// Annabel's practice encrypted on the laptop, sent, and cloned onto the desktop.
    pub fn encrypted() -> Practice {
        let p = Practice::plain();
        ok(&p, &p.laptop, MORNING, &["encrypt", "--yes"]);
        let said = ok(&p, &p.laptop, MORNING, &["sync", "init", p.remote.to_str().unwrap()]);
        assert!(said.contains("1 client sent. Only ciphertext was sent, with the key file"), "{said}");
        let said = ok(&p, &p.desktop, MORNING, &["sync", "clone", p.remote.to_str().unwrap()]);
        assert!(said.contains("Brought 1 client and 1 note"), "{said}");
        assert!(said.contains("The practice is encrypted: commands and the app ask for its passphrase"), "{said}");
        p
    }

    /// Ann's file in the data folder (or git working tree) `dir`.
    pub fn ann_file(&self, dir: &Path) -> PathBuf {
        dir.join(self.ann_path())
    }

    /// Ann's file within a data folder.
    pub fn ann_path(&self) -> String {
        format!("clients/{}.json", self.ann)
    }

    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        String::from_utf8(self.git_bytes(dir, args, None)).unwrap()
    }

    pub fn git_bytes(&self, dir: &Path, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
        let mut c = Command::new("git");
        quiet_git(&mut c, self.tmp.path());
        c.current_dir(dir).args(args);
        if let Some(i) = input {
            c.write_stdin(i);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// Commits everything in `dir` with git alone, as an older Rapport or a
    /// person would, and pushes it to the remote.
    pub fn push_by_hand(&self, dir: &Path) {
        self.git(dir, &["add", "-A"]);
        self.git(dir, &["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "by hand"]);
        self.git(dir, &["push", "-q", "origin", "HEAD:main"]);
    }

    /// A client's file as the remote's branch holds it, if it does.
    pub fn on_remote(&self, id: &str) -> Option<serde_json::Value> {
        let mut c = Command::new("git");
        quiet_git(&mut c, self.tmp.path());
        let out = c.current_dir(&self.remote).args(["show", &format!("main:clients/{id}.json")]).output().unwrap();
        out.status.success().then(|| serde_json::from_slice(&out.stdout).unwrap())
    }

    /// `rapport` on `dir` at `now`: the harness's clean environment, no git
    /// identity, a passphrase cheap to try.
    pub fn rapport(&self, dir: &Path, now: &str) -> Command {
        Command::from_std(self.command(dir, now))
    }

    /// Like [`Practice::rapport`], as a process to spawn.
    pub fn command(&self, dir: &Path, now: &str) -> std::process::Command {
        let mut c = super::command(dir);
        c.env("RAPPORT_NOW", now)
            .env("RAPPORT_TEST_SCRYPT_LOG_N", "10")
            .env("HOME", self.tmp.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        for identity in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"] {
            c.env_remove(identity);
        }
        c
    }

    /// `rapport ARGS` on `dir`: with the passphrase or not, typing `typed`.
    pub fn run(&self, dir: &Path, now: &str, args: &[&str], pass: Option<&str>, typed: &str) -> Output {
        let mut c = self.rapport(dir, now);
        c.write_stdin(typed);
        if let Some(p) = pass {
            c.env("RAPPORT_PASSPHRASE", p);
        }
        c.args(args).output().unwrap()
    }

    /// Every object `git cat-file --batch-all-objects --batch` shows in `repo`.
    pub fn every_object(&self, repo: &Path) -> Vec<u8> {
        self.git_bytes(repo, &["cat-file", "--batch-all-objects", "--batch"], None)
    }

    /// Every object reachable from a branch or tag of `repo`.
    pub fn reachable_objects(&self, repo: &Path) -> Vec<u8> {
        let list = self.git(repo, &["rev-list", "--objects", "--all"]);
        let ids: String = list.lines().map(|l| format!("{}\n", l.split(' ').next().unwrap())).collect();
        self.git_bytes(repo, &["cat-file", "--batch"], Some(ids.as_bytes()))
    }

    /// The commits of `repo`'s branches.
    pub fn commits_in(&self, repo: &Path) -> usize {
        self.git(repo, &["rev-list", "--count", "--all"]).trim().parse().unwrap()
    }

    /// The commits of the remote's branch.
    pub fn commits(&self) -> usize {
        self.git(&self.remote, &["rev-list", "--count", "main"]).trim().parse().unwrap()
    }
}

/// `rapport ARGS` on `dir` of practice `p`, with its passphrase if it has one.
pub fn output(p: &Practice, dir: &Path, now: &str, args: &[&str]) -> Output {
    p.run(dir, now, args, p.pass, "")
}

/// Its standard output; the command must succeed.
pub fn ok(p: &Practice, dir: &Path, now: &str, args: &[&str]) -> String {
    super::succeeded(output(p, dir, now, args), args)
}

/// Its standard error; the command must fail.
pub fn fails(p: &Practice, dir: &Path, now: &str, args: &[&str]) -> String {
    fails_with(p, dir, now, args, p.pass)
}

/// Its standard error, given passphrase `pass` or none; the command must fail.
pub fn fails_with(p: &Practice, dir: &Path, now: &str, args: &[&str], pass: Option<&str>) -> String {
    let out = p.run(dir, now, args, pass, "");
    assert!(!out.status.success(), "rapport {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// The words of `WORDS` that `bytes` hold.
pub fn plain_words(bytes: &[u8]) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(bytes);
    WORDS.iter().copied().filter(|w| text.contains(w)).collect()
}

/// Annabel's record on `dir`, decrypted. (Her id is made from her name
/// when the folder was encrypted before `sync init`, and free of it when
/// it was encrypted after.)
pub fn annabel(dir: &Path) -> rapport::domain::ClientRecord {
    let store = rapport::store::Store::unlock(dir, PASS).unwrap();
    let mut found: Vec<_> = store
        .load_all()
        .unwrap()
        .into_iter()
        .filter_map(|f| f.record.ok())
        .filter(|r| r.client.name == "Annabel Byrneford")
        .collect();
    assert_eq!(found.len(), 1, "one client is Annabel");
    found.remove(0)
}

pub fn topics(dir: &Path) -> Vec<String> {
    let mut t: Vec<String> = annabel(dir).sessions.iter().flat_map(|s| s.topics.clone()).collect();
    t.sort();
    t
}

pub fn assert_unique(ids: Vec<String>) {
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "an id is shared: {ids:?}");
}

pub fn all_ids(dir: &Path) -> Vec<String> {
    let r = annabel(dir);
    let mut ids: Vec<String> = r.sessions.iter().map(|s| s.id.to_string()).collect();
    ids.extend(r.tasks.iter().map(|t| t.id.to_string()));
    ids.extend(r.personal.iter().map(|p| p.id.to_string()));
    ids
}

/// Every file under `dir` but its `.git`, with its bytes.
pub fn working_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() && e.file_name() != ".git" {
                stack.push(p);
            } else if p.is_file() {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}
