//! Two devices of an encrypted practice, a laptop and a desktop, synced
//! through a bare git repository, driven through the real binary with the
//! real `git`, with no git identity configured (for `tests/sync_encrypted.rs`).

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

pub struct Practice {
    pub tmp: tempfile::TempDir,
    pub remote: PathBuf,
    pub laptop: PathBuf,
    pub desktop: PathBuf,
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
    /// A bare remote, and Annabel's practice on the laptop, not yet synced.
    pub fn plain() -> Practice {
        let tmp = tempfile::tempdir().unwrap();
        let p = Practice {
            remote: tmp.path().join("remote.git"),
            laptop: tmp.path().join("laptop"),
            desktop: tmp.path().join("desktop"),
            tmp,
        };
        p.git(p.tmp.path(), &["init", "-q", "--bare", "remote.git"]);
        p.ok(&p.laptop, MORNING, &["client", "add", "Annabel Byrneford"]);
        p.ok(&p.laptop, MORNING, &["note", "annabel", "--topic", "nightmares", "--task", "lighthouse diary"]);
        p
    }

    /// The practice encrypted on the laptop, sent, and cloned onto the desktop.
    pub fn encrypted() -> Practice {
        let p = Practice::plain();
        p.ok(&p.laptop, MORNING, &["encrypt", "--yes"]);
        let said = p.ok(&p.laptop, MORNING, &["sync", "init", p.remote.to_str().unwrap()]);
        assert!(said.contains("1 client sent. Only ciphertext was sent, with the key file"), "{said}");
        let said = p.ok(&p.desktop, MORNING, &["sync", "clone", p.remote.to_str().unwrap()]);
        assert!(said.contains("Brought 1 client and 1 note"), "{said}");
        assert!(said.contains("The practice is encrypted: commands and the app ask for its passphrase"), "{said}");
        p
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

    /// `rapport ARGS` on `dir`: with the passphrase or not, typing `typed`.
    pub fn run(&self, dir: &Path, now: &str, args: &[&str], pass: Option<&str>, typed: &str) -> Output {
        let mut c = Command::cargo_bin("rapport").unwrap();
        quiet_git(&mut c, self.tmp.path());
        c.env("RAPPORT_DIR", dir)
            .env("RAPPORT_NOW", now)
            .env("RAPPORT_TEST_SCRYPT_LOG_N", "10")
            .env_remove("RAPPORT_PASSPHRASE")
            .write_stdin(typed);
        if let Some(p) = pass {
            c.env("RAPPORT_PASSPHRASE", p);
        }
        c.args(args).output().unwrap()
    }

    pub fn ok(&self, dir: &Path, now: &str, args: &[&str]) -> String {
        let out = self.run(dir, now, args, Some(PASS), "");
        assert!(out.status.success(), "rapport {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn fails(&self, dir: &Path, now: &str, args: &[&str], pass: Option<&str>) -> String {
        let out = self.run(dir, now, args, pass, "");
        assert!(!out.status.success(), "rapport {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
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

    pub fn commits(&self, repo: &Path) -> usize {
        self.git(repo, &["rev-list", "--count", "--all"]).trim().parse().unwrap()
    }
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
