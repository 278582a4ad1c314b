//! What Rapport gives the tools around it, through the real binary: the
//! completion scripts load in their shells and complete a command, and the
//! manual pages render. A shell or `man` that is not installed skips the
//! test, saying so (a failure under RAPPORT_TEST_REQUIRE_TOOLS=1).

mod common;

use std::path::Path;
use std::process::Command;

use common::{DEFAULT_NOW, fails, ok, require_tool};

/// `rapport completions SHELL`, written to a file in `dir`.
fn completion_script(dir: &Path, shell: &str) -> std::path::PathBuf {
    let script = ok(dir, DEFAULT_NOW, &["completions", shell]);
    assert!(script.contains("rapport"), "{shell}: {script}");
    let path = dir.join(format!("rapport.{shell}"));
    std::fs::write(&path, script).unwrap();
    path
}

/// Runs `shell ARGS` with a home of its own (no rc file of the developer's),
/// and returns what it printed; it must succeed, printing no error.
fn in_shell(shell: &str, home: &Path, args: &[&str]) -> String {
    let out = Command::new(shell).args(args).env("HOME", home).env_remove("ENV").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{shell} {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completes_a_command_from_the_script_rapport_prints() {
    if !require_tool("bash") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let script = completion_script(d.path(), "bash");
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        in_shell(
            "bash",
            d.path(),
            &[
                "--norc",
                "--noprofile",
                "-c",
                &format!(
                    "source '{}'; COMP_WORDS=({line}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
                     _rapport rapport '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                    script.display(),
                    words.len() - 1,
                    words[words.len() - 1],
                    words[words.len() - 2],
                ),
            ],
        )
    };
    assert_eq!(complete("rapport no").trim(), "note");
    let options = complete("rapport note --to");
    assert!(options.lines().any(|l| l == "--topic"), "{options}");
}

#[test]
fn zsh_loads_the_script_rapport_prints_as_its_completion() {
    if !require_tool("zsh") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let script = completion_script(d.path(), "zsh");
    let said = in_shell(
        "zsh",
        d.path(),
        &[
            "-f",
            "-c",
            &format!(
                "autoload -Uz compinit && compinit -u -D && source '{}' && print -r -- $_comps[rapport]",
                script.display()
            ),
        ],
    );
    assert_eq!(said.trim(), "_rapport");
}

#[test]
fn fish_completes_a_command_from_the_script_rapport_prints() {
    if !require_tool("fish") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let script = completion_script(d.path(), "fish");
    let complete = |line: &str| {
        in_shell(
            "fish",
            d.path(),
            &["--no-config", "-c", &format!("source '{}'; complete -C'{line}'", script.display())],
        )
    };
    assert!(complete("rapport no").starts_with("note\tWrite a session note"));
    assert!(complete("rapport client a").lines().any(|l| l.starts_with("archive\t")));
}

#[test]
fn every_shell_clap_knows_gets_a_script_and_another_is_refused() {
    let d = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert!(!ok(d.path(), DEFAULT_NOW, &["completions", shell]).is_empty(), "{shell}");
    }
    assert!(fails(d.path(), DEFAULT_NOW, &["completions", "tcsh"]).contains("possible values"));
}

#[test]
fn the_manual_pages_are_written_one_a_command_and_render() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("man/man1");
    let said = ok(d.path(), DEFAULT_NOW, &["man", "--out", out.to_str().unwrap()]);
    assert!(said.starts_with("Wrote ") && said.contains("manual pages"), "{said}");
    for page in ["rapport.1", "rapport-note.1", "rapport-client-add.1", "rapport-sync-clone.1", "rapport-schema.1"] {
        assert!(out.join(page).is_file(), "{page} in {said}");
    }
    assert!(!out.join("rapport-sync-merge-driver.1").exists(), "a hidden command gets no page");
    assert!(!d.path().join("clients").exists(), "no data folder is made");
    if !require_tool("man") {
        return;
    }
    for (page, says) in [("rapport.1", "Session notes for therapists"), ("rapport-note.1", "--topic")] {
        let shown = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(out.join(page))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&shown.stdout), String::from_utf8_lossy(&shown.stderr));
        assert!(shown.status.success() && stderr.trim().is_empty(), "man -l {page}: {stderr}");
        assert!(stdout.contains(says), "{page}: {stdout}");
    }
}
