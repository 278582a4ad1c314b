//! The `git` program, run on the data folder and nowhere else.
//!
//! Rapport uses the git command line rather than a library: it is there
//! wherever git hosting is, and brings the therapist's own ssh keys,
//! credential helpers and proxies with it (see "Two devices", `docs/sync.md`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Git, on one data folder's repository (`DATA/.git`).
#[derive(Debug, Clone)]
pub struct Git {
    root: PathBuf,
    /// When git must be done talking to the remote: one deadline for a
    /// whole sync (see [`Git::within_one_deadline`]), so fetch, ls-remote
    /// and push together never hold a sync longer than `docs/sync.md` says.
    deadline: Option<Instant>,
    /// The ssh command, once read (see [`Git::knowing`]): a sync asks
    /// git for its settings once, not at every fetch and push.
    ssh: Option<String>,
}

/// Every setting git sees in a repository, read with one `git config`:
/// this repository's own, and every one in effect (from every scope).
/// Keys as git writes them in its list: section and name in lower case.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub local: std::collections::HashMap<String, String>,
    pub all: std::collections::HashMap<String, String>,
}

impl Settings {
    /// The value in effect for `key` (`core.sshCommand`,
    /// `remote.origin.url`): the last one git read, as `git config --get`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.all.get(&canonical(key)).map(String::as_str)
    }

    /// This repository's own value for `key`.
    pub fn local(&self, key: &str) -> Option<&str> {
        self.local.get(&canonical(key)).map(String::as_str)
    }
}

/// A setting's key as `git config --list` writes it: the section and the
/// name in lower case, a subsection (`remote.origin.url`) as it is.
fn canonical(key: &str) -> String {
    match (key.split_once('.'), key.rsplit_once('.')) {
        (Some((section, _)), Some((rest, name))) if rest.len() > section.len() => {
            format!("{}{}.{}", section.to_ascii_lowercase(), &rest[section.len()..], name.to_ascii_lowercase())
        }
        _ => key.to_ascii_lowercase(),
    }
}

/// One object `git cat-file` found.
struct Object {
    id: String,
    kind: String,
    bytes: Vec<u8>,
}

/// A git command that ran and failed: what it said.
#[derive(Debug)]
pub struct Failed {
    pub stderr: String,
    pub stdout: String,
}

impl Failed {
    /// What git said, in one line, for a message.
    pub fn said(&self) -> String {
        let text = if self.stderr.trim().is_empty() { &self.stdout } else { &self.stderr };
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(3).collect();
        lines.join(" / ")
    }
}

pub const MISSING: &str = "Rapport syncs with the git program, which is not installed here (or not on PATH). \
                           Install git (your package manager, or https://git-scm.com) and run this again";

impl Git {
    pub fn new(root: &Path) -> Git {
        // Git runs in the folder: a relative name would be read from there.
        Git { root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()), deadline: None, ssh: None }
    }

    /// This git, with one deadline, from now, for everything it says to the
    /// remote: two minutes, or `RAPPORT_SYNC_TIMEOUT` seconds.
    pub fn within_one_deadline(mut self) -> Git {
        self.deadline = Some(Instant::now() + network_limit());
        self
    }

    /// This git, with the settings `settings` read already: the ssh
    /// command is taken from them rather than asked for again.
    pub fn knowing(mut self, settings: &Settings) -> Git {
        self.ssh = Some(ssh_of(settings.get("core.sshCommand").map(str::to_string)));
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `DATA/.git`.
    pub fn dir(&self) -> PathBuf {
        self.root.join(".git")
    }

    /// Removes the lock files a git killed part way left (`index.lock`,
    /// `HEAD.lock`, `refs/heads/main.lock`, …), which would stop every
    /// later sync. Called under the data folder's lock only: every git that
    /// Rapport runs in the folder runs under it, so a lock file found then
    /// belongs to no git still running. Returns how many were removed.
    pub fn clear_stale_locks(&self) -> usize {
        fn walk(dir: &Path, depth: usize, removed: &mut usize) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for e in entries.flatten() {
                let Ok(kind) = e.file_type() else { continue };
                let name = e.file_name();
                if kind.is_dir() && depth > 0 && name != "objects" && name != "rapport" {
                    walk(&e.path(), depth - 1, removed);
                } else if kind.is_file()
                    && name.to_string_lossy().ends_with(".lock")
                    && std::fs::remove_file(e.path()).is_ok()
                {
                    *removed += 1;
                }
            }
        }
        let mut removed = 0;
        walk(&self.dir(), 4, &mut removed);
        removed
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        // Always this folder's repository, never one found above it (a home
        // folder kept in git), and never one named by the environment.
        c.current_dir(&self.root);
        if self.dir().is_dir() || args.first() == Some(&"init") {
            c.env("GIT_DIR", self.dir()).env("GIT_WORK_TREE", &self.root);
        } else {
            c.env_remove("GIT_DIR").env_remove("GIT_WORK_TREE").env("GIT_CEILING_DIRECTORIES", &self.root);
        }
        c.env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
            .env_remove("GIT_NAMESPACE")
            // Answers Rapport reads (`[rejected]`) in one language.
            .env("LC_ALL", "C")
            // `status` takes no lock it can do without: asking where the
            // folder stands never stands in a sync's way.
            .env("GIT_OPTIONAL_LOCKS", "0")
            .args(["-c", "core.quotePath=off", "-c", "core.symlinks=false", "-c", "core.autocrlf=false"])
            .args(args)
            .stdin(Stdio::null())
            // Git never talks to the terminal: it never asks for a username
            // or a password there (the app's screen and keyboard are the
            // therapist's), ssh never asks either, and git runs in a process
            // group of its own, so it cannot read the terminal, and the whole
            // group (ssh, git-remote-https) is stopped at the deadline.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GCM_INTERACTIVE", "never");
        std::os::unix::process::CommandExt::process_group(&mut c, 0);
        if talks_to_the_remote(args) {
            c.env("GIT_SSH_COMMAND", format!("{} -o BatchMode=yes", self.ssh_command()));
        }
        c
    }

    /// The ssh command git would run: the therapist's own (the
    /// environment's `GIT_SSH_COMMAND`, else git's `core.sshCommand`), or
    /// `ssh`; Rapport adds only `-o BatchMode=yes` to it.
    fn ssh_command(&self) -> String {
        match &self.ssh {
            Some(ssh) => ssh.clone(),
            None => ssh_of(self.config("core.sshCommand").ok().flatten()),
        }
    }

    /// Runs git with `args`, feeding `input`; its output, or what it said.
    pub fn output(&self, args: &[&str], input: Option<&[u8]>) -> Result<std::result::Result<Vec<u8>, Failed>> {
        if talks_to_the_remote(args) && self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Err(Failed { stderr: too_long(), stdout: String::new() }));
        }
        let mut c = self.command(args);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        if input.is_some() {
            c.stdin(Stdio::piped());
        }
        crate::store::crash::point("git.command");
        let mut child = match c.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(MISSING),
            Err(e) => return Err(e).context("starting git"),
        };
        // Fed beside the reading of its output: a long batch of questions
        // (`cat-file --batch`) would otherwise fill both pipes and stall.
        let feeding = input.map(|bytes| {
            let mut stdin = child.stdin.take().expect("piped");
            let bytes = bytes.to_vec();
            // A write error shows as git's own failure below.
            std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            })
        });
        let out = if talks_to_the_remote(args) {
            let deadline = self.deadline.unwrap_or_else(|| Instant::now() + network_limit());
            match wait_within(child, deadline)? {
                Some(out) => out,
                None => return Ok(Err(Failed { stderr: too_long(), stdout: String::new() })),
            }
        } else {
            child.wait_with_output().context("waiting for git")?
        };
        if let Some(feeding) = feeding {
            let _ = feeding.join();
        }
        if out.status.success() {
            Ok(Ok(out.stdout))
        } else {
            Ok(Err(Failed {
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            }))
        }
    }

    /// Runs git; its output as text (trimmed), or an error naming the command.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        match self.output(args, None)? {
            Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
            Err(f) => bail!("git {} failed: {}", args.first().copied().unwrap_or(""), f.said()),
        }
    }

    /// Runs git; its output as bytes, or an error naming the command.
    pub fn run_bytes(&self, args: &[&str]) -> Result<Vec<u8>> {
        match self.output(args, None)? {
            Ok(out) => Ok(out),
            Err(f) => bail!("git {} failed: {}", args.first().copied().unwrap_or(""), f.said()),
        }
    }

    /// Runs git; true when it succeeds.
    pub fn succeeds(&self, args: &[&str]) -> Result<bool> {
        Ok(self.output(args, None)?.is_ok())
    }

    /// The commit `rev` names, if any.
    pub fn commit(&self, rev: &str) -> Result<Option<String>> {
        let spec = format!("{rev}^{{commit}}");
        Ok(self
            .output(&["rev-parse", "--verify", "--quiet", &spec], None)?
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim().to_string()))
    }

    /// The branch HEAD is on (`main`), read from `.git/HEAD` (else asked of
    /// git); None when it names no branch (a `git checkout` of an older commit).
    pub fn branch(&self) -> Result<Option<String>> {
        let named = |head: &str| Some(head.strip_prefix("refs/heads/")?.to_string());
        match std::fs::read_to_string(self.dir().join("HEAD")) {
            Ok(head) => Ok(head.strip_prefix("ref: ").and_then(|h| named(h.trim_end_matches('\n')))),
            Err(_) => Ok(self
                .output(&["symbolic-ref", "-q", "HEAD"], None)?
                .ok()
                .and_then(|o| named(String::from_utf8_lossy(&o).trim()))),
        }
    }

    /// The commit HEAD names: read from git's own files where they say it
    /// plainly (`.git/HEAD` naming a branch, the branch's file holding an
    /// id), else asked of git (a packed branch, another way of keeping
    /// branches, an unborn one).
    pub fn head(&self) -> Result<Option<String>> {
        let from_files = || -> Option<String> {
            let head = std::fs::read_to_string(self.dir().join("HEAD")).ok()?;
            let branch = head.strip_prefix("ref: ")?.trim_end_matches('\n');
            let name = branch.strip_prefix("refs/heads/")?;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
                return None;
            }
            let id = std::fs::read_to_string(self.dir().join(branch)).ok()?;
            let id = id.trim_end_matches('\n');
            let hex = id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            (hex && matches!(id.len(), 40 | 64)).then(|| id.to_string())
        };
        match from_files() {
            Some(id) => Ok(Some(id)),
            None => self.commit("HEAD"),
        }
    }

    /// `a` is `b` or an ancestor of it.
    pub fn is_ancestor(&self, a: &str, b: &str) -> Result<bool> {
        self.succeeds(&["merge-base", "--is-ancestor", a, b])
    }

    /// A file's content at a commit (`rev:path`), if it is there.
    pub fn blob(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.output(&["cat-file", "blob", &format!("{rev}:{path}")], None)?.ok())
    }

    /// A repository setting.
    pub fn config(&self, key: &str) -> Result<Option<String>> {
        Ok(self.output(&["config", "--get", key], None)?.ok().map(|o| String::from_utf8_lossy(&o).trim().to_string()))
    }

    /// A setting of this repository alone.
    pub fn local_config(&self, key: &str) -> Result<Option<String>> {
        let out = self.output(&["config", "--local", "--get", key], None)?;
        Ok(out.ok().map(|o| String::from_utf8_lossy(&o).trim().to_string()))
    }

    /// Every setting of this repository, and every one in effect, read at once.
    pub fn settings(&self) -> Result<Settings> {
        let mut settings = Settings::default();
        let Ok(out) = self.output(&["config", "--list", "-z", "--show-scope"], None)? else {
            return Ok(settings);
        };
        // `SCOPE\0KEY\nVALUE\0`, one after another; a later value wins.
        let mut fields = out.split(|b| *b == 0);
        while let (Some(scope), Some(entry)) = (fields.next(), fields.next()) {
            let entry = String::from_utf8_lossy(entry);
            let (key, value) = entry.split_once('\n').unwrap_or((&entry, ""));
            if scope == b"local" {
                settings.local.insert(key.to_string(), value.to_string());
            }
            settings.all.insert(key.to_string(), value.to_string());
        }
        Ok(settings)
    }

    /// The contents of several files at once (`REV:PATH` each), with one
    /// `git cat-file --batch`: each blob's bytes, or None where there is no
    /// such file (or it is not a file).
    pub fn blobs(&self, specs: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
        Ok(self.batch("--batch", specs)?.into_iter().map(|o| o.filter(|o| o.kind == "blob").map(|o| o.bytes)).collect())
    }

    /// What several revisions name, with one `git cat-file --batch-check`
    /// (`HEAD^{commit}`, `refs/remotes/origin/main^{commit}`, `HEAD:held`):
    /// each object's id, or None where there is none.
    pub fn resolve(&self, specs: &[&str]) -> Result<Vec<Option<String>>> {
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        Ok(self.batch("--batch-check", &specs)?.into_iter().map(|o| o.map(|o| o.id)).collect())
    }

    fn batch(&self, mode: &str, specs: &[String]) -> Result<Vec<Option<Object>>> {
        if specs.is_empty() {
            return Ok(Vec::new());
        }
        if specs.iter().any(|s| s.contains('\n')) {
            bail!("a name git was asked about holds a line break");
        }
        let input: String = specs.iter().map(|s| format!("{s}\n")).collect();
        let out = match self.output(&["cat-file", mode], Some(input.as_bytes()))? {
            Ok(out) => out,
            Err(f) => bail!("git cat-file failed: {}", f.said()),
        };
        let with_bytes = mode == "--batch";
        let mut rest = out.as_slice();
        let mut found = Vec::with_capacity(specs.len());
        for _ in specs {
            let Some(end) = rest.iter().position(|b| *b == b'\n') else {
                bail!("git cat-file answered fewer questions than it was asked");
            };
            let header = String::from_utf8_lossy(&rest[..end]).into_owned();
            rest = &rest[end + 1..];
            // `ID TYPE SIZE`, or `SPEC missing` (or `ambiguous`).
            let cols: Vec<&str> = header.rsplitn(3, ' ').collect();
            let (Some(size), Some(kind), Some(id)) =
                (cols.first().and_then(|s| s.parse::<usize>().ok()), cols.get(1), cols.get(2))
            else {
                found.push(None);
                continue;
            };
            let bytes = if with_bytes {
                if rest.len() < size + 1 {
                    bail!("git cat-file's answer was cut short");
                }
                let bytes = rest[..size].to_vec();
                rest = &rest[size + 1..];
                bytes
            } else {
                Vec::new()
            };
            found.push(Some(Object { id: id.to_string(), kind: kind.to_string(), bytes }));
        }
        Ok(found)
    }

    /// Git's housekeeping (packing loose objects), which the sync's own
    /// commands never start (`gc.auto` is 0 there): started after a sync,
    /// in the background, only when git finds it due.
    pub fn maintain(&self) {
        if !self.maintenance_may_be_due() {
            return;
        }
        let mut c = self.command(&["-c", "gc.auto=6700", "-c", "gc.autoDetach=true", "gc", "--auto", "--quiet"]);
        let _ = c.stdout(Stdio::null()).stderr(Stdio::null()).status();
    }

    /// Whether `gc --auto` may find housekeeping due, by git's own measure
    /// (loose objects in `objects/17`, one 256th of them; packs), read
    /// from the folder so that a sync that is not due starts no git. In
    /// doubt, it may.
    fn maintenance_may_be_due(&self) -> bool {
        let count = |dir: PathBuf, wanted: &dyn Fn(&str) -> bool| -> Option<usize> {
            match std::fs::read_dir(dir) {
                Ok(entries) => {
                    Some(entries.filter_map(|e| e.ok()).filter(|e| wanted(&e.file_name().to_string_lossy())).count())
                }
                // No such folder: no object there yet.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(0),
                Err(_) => None,
            }
        };
        let objects = self.dir().join("objects");
        let loose = count(objects.join("17"), &|n| n.len() >= 38 && n.bytes().all(|b| b.is_ascii_hexdigit()));
        let packs = count(objects.join("pack"), &|n| n.ends_with(".pack"));
        // `gc.auto` 6700 (below) is 27 in one folder of 256; the packs' limit is 50.
        !matches!((loose, packs), (Some(loose), Some(packs)) if loose <= 26 && packs < 50)
    }

    pub fn set_config(&self, key: &str, value: &str) -> Result<()> {
        self.run(&["config", "--local", key, value]).map(|_| ())
    }
}

/// The ssh command git would run, given git's `core.sshCommand`.
fn ssh_of(configured: Option<String>) -> String {
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    set(std::env::var("GIT_SSH_COMMAND").ok()).or_else(|| set(configured)).unwrap_or_else(|| "ssh".into())
}

/// Git commands that talk to the remote, which may never answer.
fn talks_to_the_remote(args: &[&str]) -> bool {
    matches!(args.first(), Some(&("fetch" | "push" | "ls-remote" | "clone")))
}

/// How long git may talk to the remote in one sync: two minutes, or
/// `RAPPORT_SYNC_TIMEOUT` seconds (1 to 3,600).
fn network_limit() -> Duration {
    let secs = std::env::var("RAPPORT_SYNC_TIMEOUT").ok().and_then(|s| s.parse::<u64>().ok());
    Duration::from_secs(secs.filter(|s| (1..=3600).contains(s)).unwrap_or(120))
}

fn too_long() -> String {
    format!("the remote did not answer within {} seconds, so git was stopped", network_limit().as_secs())
}

/// What git said means the remote wants credentials that Rapport lets no
/// one type in the terminal: an ssh key refused or missing, a username or
/// password asked for.
pub fn wants_credentials(said: &str) -> bool {
    let said = said.to_ascii_lowercase();
    [
        "terminal prompts disabled",
        "could not read username",
        "could not read password",
        "authentication failed",
        "permission denied (publickey",
        "host key verification failed",
        "no supported authentication methods",
    ]
    .iter()
    .any(|w| said.contains(w))
}

/// What to add to a message when the remote wants credentials.
pub const CREDENTIALS: &str = "the remote wants credentials, and Rapport never lets git ask for them in the \
                               terminal: set up an ssh key or a credential helper (and check it with `git ls-remote` \
                               on the remote's address)";

/// The child's output, or None when it ran past `deadline` (it is then
/// stopped, with every process of its group): a remote that accepts a
/// connection and never answers must not hold a sync, and the folder, for
/// ever, nor leave an ssh behind.
fn wait_within(mut child: std::process::Child, deadline: Instant) -> Result<Option<std::process::Output>> {
    use std::io::Read;
    fn drain(from: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut from) = from {
                let _ = from.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for git")? {
            break status;
        }
        if Instant::now() >= deadline {
            // The group git leads (its pid is the group's id): git, ssh,
            // git-remote-https, whatever they started.
            if let Some(group) = i32::try_from(child.id()).ok().and_then(rustix::process::Pid::from_raw) {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(Some(std::process::Output { status, stdout, stderr }))
}
