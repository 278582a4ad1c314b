//! One terminal on a private tmux server, running the real app: keys in,
//! the screen read back. A test calls `common::require_tool("tmux")` first.
//! Waits poll with a generous limit: it only matters when a test fails, and
//! a loaded machine draws slowly.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long a wait may last before the test fails: only ever reached when
/// it fails (a sync's git times out twice after 8 s in one test), so generous.
const LIMIT: Duration = Duration::from_secs(60);

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// One terminal on a private tmux server.
pub struct Term {
    socket: String,
}

impl Term {
    pub fn start(dir: &Path, now: &str, args: &[&str]) -> Term {
        Term::start_with_editor(dir, now, "true", args)
    }

    pub fn start_with_editor(dir: &Path, now: &str, editor: &str, args: &[&str]) -> Term {
        Term::start_env(dir, now, &format!("EDITOR='{editor}'"), args)
    }

    pub fn start_env(dir: &Path, now: &str, env: &str, args: &[&str]) -> Term {
        Term::start_then(dir, now, env, args, "")
    }

    /// Runs `then` (a shell command) in the terminal once the app has quit.
    pub fn start_then(dir: &Path, now: &str, env: &str, args: &[&str], then: &str) -> Term {
        let socket = format!("rapport-e2e-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let bin = super::bin();
        let mut cmd = format!("env RAPPORT_NOW='{now}' {env} '{bin}' --data-dir '{}'", dir.display());
        for a in args {
            cmd.push_str(&format!(" '{a}'"));
        }
        if !then.is_empty() {
            cmd.push_str(&format!("; {then}"));
        }
        Term::launch(socket, &[&cmd])
    }

    /// Runs the shell command `cmd` in the terminal (it starts the app itself).
    pub fn start_shell(cmd: &str) -> Term {
        let socket = format!("rapport-e2e-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        Term::launch(socket, &["sh", "-c", cmd])
    }

    fn launch(socket: String, command: &[&str]) -> Term {
        // The server, and so the app, gets the test's clean environment.
        let mut tmux = Command::new("tmux");
        super::clean_env(&mut tmux);
        let status = tmux
            .args(["-L", &socket, "new-session", "-d", "-s", "main", "-x", "100", "-y", "30"])
            .args(command)
            .status()
            .expect("tmux is needed for the end-to-end tests: apt-get install tmux");
        assert!(status.success());
        Term { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().unwrap()
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-t", "main", "-p"]).stdout).into_owned()
    }

    /// Waits until `text` is on screen, or fails showing the screen.
    pub fn wait(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < LIMIT {
            if self.screen().contains(text) {
                return;
            }
            sleep(Duration::from_millis(25));
        }
        panic!("'{text}' never appeared; the screen is:\n{}", self.screen());
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "main", k]);
        }
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "main", "-l", text]);
    }

    pub fn running(&self) -> bool {
        self.tmux(&["has-session", "-t", "main"]).status.success()
    }

    /// Waits for the app to leave by itself.
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while self.running() {
            assert!(start.elapsed() < LIMIT, "the app did not quit:\n{}", self.screen());
            sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

pub fn wait_for(what: &str, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < LIMIT, "{what} never happened");
        sleep(Duration::from_millis(25));
    }
}
