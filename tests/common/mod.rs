//! The one harness of the tests that run the real binary: a command with an
//! environment of its own (whatever the developer's shell holds), at a
//! fixed time; the system tools a test needs, skipped with a reason where
//! missing; and the tmux driver of the end-to-end tests. Each test file
//! uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

pub mod crash;
pub mod encrypted;
pub mod synced;
pub mod term;

/// What another program does to a file of the data folder: writes `bytes`
/// in its place, leaving its time a moment past the one Rapport left. (On a
/// disk whose clock ticks coarsely, a program writing the same length
/// within the same tick as Rapport leaves the time as it was, and is not
/// seen: the time is set here so that no test hangs on the machine's speed.)
pub fn written_by_another_program(path: &Path, bytes: &[u8]) {
    let before = std::fs::metadata(path).unwrap().modified().unwrap();
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(before + std::time::Duration::from_secs(1))
        .unwrap();
}

/// The path of the binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rapport")
}

/// Clears what the developer's shell would lend a test: every `RAPPORT_*`
/// variable (a passphrase, a data folder, a crash point, an unsafe folder
/// allowed), the editor and NO_COLOR. A test sets what it needs.
pub fn clean_env(c: &mut std::process::Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("RAPPORT_")) {
            c.env_remove(&key);
        }
    }
    for key in ["EDITOR", "VISUAL", "NO_COLOR"] {
        c.env_remove(key);
    }
}

/// `rapport` on `dir` at [`DEFAULT_NOW`], with a cleaned environment, as a
/// process to spawn (see [`rapport`] for one to run whole).
pub fn command(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    clean_env(&mut c);
    c.env("RAPPORT_DIR", dir).env("RAPPORT_NOW", DEFAULT_NOW);
    c
}

/// `rapport` on `dir` at [`DEFAULT_NOW`], with a cleaned environment. Set
/// `RAPPORT_NOW`, a passphrase or anything else on it as the test needs.
pub fn rapport(dir: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(command(dir))
}

/// `rapport` on `dir` at `now`, with a cleaned environment.
pub fn rapport_at(dir: &Path, now: &str) -> assert_cmd::Command {
    let mut c = rapport(dir);
    c.env("RAPPORT_NOW", now);
    c
}

/// The time of a test that names none.
pub const DEFAULT_NOW: &str = "2026-11-26 09:35";

/// `rapport ARGS` on `dir` at `now` (`YYYY-MM-DD HH:MM`), whatever the clock says.
pub fn run(dir: &Path, now: &str, args: &[&str]) -> Output {
    rapport(dir).env("RAPPORT_NOW", now).args(args).output().unwrap()
}

/// Its standard output; the command must succeed.
pub fn ok(dir: &Path, now: &str, args: &[&str]) -> String {
    succeeded(run(dir, now, args), args)
}

/// Its standard error; the command must fail and print nothing else.
pub fn fails(dir: &Path, now: &str, args: &[&str]) -> String {
    failed(run(dir, now, args), args)
}

/// Its standard error; the command must fail (`doctor`, `verify`: with
/// their report on standard output).
pub fn fails_with_report(dir: &Path, now: &str, args: &[&str]) -> String {
    let out = run(dir, now, args);
    assert!(!out.status.success(), "rapport {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// The standard output of `out`, which must be a success.
pub fn succeeded(out: Output, args: &[&str]) -> String {
    assert!(out.status.success(), "rapport {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The standard error of `out`, which must be a failure that printed nothing else.
pub fn failed(out: Output, args: &[&str]) -> String {
    assert!(!out.status.success(), "rapport {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "a failure prints nothing to stdout");
    String::from_utf8(out.stderr).unwrap()
}

/// Limits the process `c` starts to `seconds` of CPU time (it is killed
/// past them): a bound on the work a command does that, unlike a bound on
/// the time it takes, holds however busy the machine is.
pub fn cpu_bounded(c: &mut std::process::Command, seconds: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only setrlimit, async-signal-safe, runs between fork and exec.
    unsafe {
        c.pre_exec(move || {
            let limit = libc::rlimit { rlim_cur: seconds, rlim_max: seconds };
            if libc::setrlimit(libc::RLIMIT_CPU, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Runs `c` to its end, failing the test if it is still running after a
/// minute: for a command that must never hang (a hang is forever, so the
/// limit only matters when the test fails, and a busy machine never meets it).
pub fn never_hangs(mut c: std::process::Command, what: &str) -> Output {
    use std::process::Stdio;
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{what}: still waiting after a minute");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A temporary folder on tmpfs where there is one: for tests that write
/// and sync files hundreds of times, which a disk makes slow (and slower
/// still while other tests sync theirs).
pub fn fast_tempdir() -> tempfile::TempDir {
    tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).unwrap()
}

/// A data folder (0700) inside a scratch folder that also holds `outside/`,
/// a folder Rapport must never touch.
pub struct Scene {
    _tmp: tempfile::TempDir,
    pub data: std::path::PathBuf,
    pub outside: std::path::PathBuf,
}

pub fn scene() -> Scene {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::create_dir(&outside).unwrap();
    Scene { _tmp: tmp, data, outside }
}

/// A client file as JSON.
pub fn file(dir: &Path, id: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(format!("clients/{id}.json"))).unwrap()).unwrap()
}

/// The id of the client called `name` in `dir`, read from the files: a
/// folder set up for syncing gives its clients ids with no name in them.
pub fn id_of(dir: &Path, name: &str) -> String {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir.join("clients")).unwrap().flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(id) = file.strip_suffix(".json") else { continue };
        let Ok(record) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(e.path()).unwrap()) else {
            continue;
        };
        if record["client"]["name"] == name {
            found.push(id.to_string());
        }
    }
    assert_eq!(found.len(), 1, "one client called {name} in {}: {found:?}", dir.display());
    found.remove(0)
}

/// True when the system tool `tool` (tmux, git, strace) is on the PATH.
/// When it is not, the test says so and is skipped (the caller returns);
/// with RAPPORT_TEST_REQUIRE_TOOLS=1 (as `.ci/run` sets) it fails instead,
/// so CI runs every test.
pub fn require_tool(tool: &str) -> bool {
    let found =
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| is_executable(&d.join(tool))));
    found || skipped(&format!("{tool} is not installed (apt-get install {tool})"))
}

/// True when this machine lets a process use the kernel keyring (a
/// container's seccomp profile may forbid the keyctl calls); otherwise
/// skipped as by [`require_tool`].
pub fn require_keyring() -> bool {
    #[cfg(target_os = "linux")]
    let usable = {
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        KeyRing::from_special_id(KeyRingIdentifier::User, true).is_ok()
            && KeyRing::from_special_id(KeyRingIdentifier::Process, true).is_ok()
    };
    #[cfg(not(target_os = "linux"))]
    let usable = true;
    usable || skipped("the kernel keyring cannot be used here (keyctl is forbidden, as in some containers)")
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn skipped(why: &str) -> bool {
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    if std::env::var_os("RAPPORT_TEST_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("{test}: {why}, and RAPPORT_TEST_REQUIRE_TOOLS=1 asks every test to run");
    }
    // Past the test harness's capture, so the skip shows in `cargo test`'s output.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    false
}

/// `rapport ARGS` on a read-only view of the data folder `dir` (a bind
/// mount with `ro`, in a mount namespace of its own: `unshare`), at `now`;
/// None (skipped, as by [`require_tool`]) where this machine does not let a
/// process make one.
pub fn on_read_only_disk(dir: &Path, now: &str, args: &[&str]) -> Option<Output> {
    let view = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new("unshare");
    clean_env(&mut c);
    c.args([
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        "mount --bind -o ro \"$1\" \"$2\" && shift 2 && exec \"$@\"",
        "sh",
    ])
    .arg(dir)
    .arg(view.path())
    .arg(bin())
    .args(args)
    .env("RAPPORT_DIR", view.path())
    .env("RAPPORT_NOW", now);
    let can = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !can {
        skipped("this machine does not let a process mount a folder read-only (unshare --user --mount)");
        return None;
    }
    Some(c.output().unwrap())
}

/// The client files snapshot `name` of data folder `dir` holds, by their
/// name in `clients/`, each as stored (read through its manifest and the
/// object store, as a person with a shell would).
#[allow(dead_code)]
pub fn snapshot_files(dir: &Path, name: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let backups = dir.join("backups");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backups.join(name).join("manifest.json")).unwrap()).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (path, hash) = (e["path"].as_str().unwrap(), e["hash"].as_str().unwrap());
            let object = backups.join("objects").join(&hash[..2]).join(&hash[2..]);
            (path.strip_prefix("clients/").unwrap().to_string(), std::fs::read(object).unwrap())
        })
        .collect()
}

/// The path of the object that holds client file `file` in snapshot `name`.
#[allow(dead_code)]
pub fn snapshot_object(dir: &Path, name: &str, file: &str) -> std::path::PathBuf {
    let backups = dir.join("backups");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backups.join(name).join("manifest.json")).unwrap()).unwrap();
    let entry = manifest["files"].as_array().unwrap().iter().find(|e| e["path"] == format!("clients/{file}")).unwrap();
    let hash = entry["hash"].as_str().unwrap();
    backups.join("objects").join(&hash[..2]).join(&hash[2..])
}
