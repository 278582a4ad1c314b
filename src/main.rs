//! `rapport`: parse the arguments, find the data folder, then open the app
//! or run one command. The only place (with the TUI loop) that reads the clock.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDateTime, Timelike};
use clap::{CommandFactory, FromArgMatches};

use rapport::cli::args::DemoCommand;
use rapport::cli::{self, Cli, Command};
use rapport::domain::time::parse_datetime;
use rapport::store::{Store, crypt};

fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rapport").map(|d| d.data_dir().to_path_buf())
}

fn data_folder_help() -> String {
    let default = default_data_dir().map_or("(none found)".into(), |d| d.display().to_string());
    let env = match std::env::var_os("RAPPORT_DIR") {
        Some(v) => format!("RAPPORT_DIR is set: {} (used unless --data-dir is given)", PathBuf::from(v).display()),
        None => "RAPPORT_DIR is not set".to_string(),
    };
    format!("Data folder: --data-dir, else RAPPORT_DIR, else {default}.\n{env}.")
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A panic prints where it happened, never its message: a message could hold
/// a client's name or words.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "rapport: stopped by an internal error{at}. Saved notes are safe on disk; a note being typed was kept as a draft. Please report this."
        );
    }));
}

fn run() -> Result<()> {
    quiet_panics();
    let matches = Cli::command().after_help(data_folder_help()).get_matches();
    let cli = Cli::from_arg_matches(&matches)?;
    let now = match &cli.now {
        Some(t) => parse_datetime(t).map_err(|e| anyhow!("--now: {e}"))?,
        None => now_to_the_minute(),
    };
    if let Some(Command::Demo { command: None }) = cli.command {
        let dir = tempfile::Builder::new()
            .prefix("rapport-demo-")
            .tempdir()
            .context("creating a folder for the demo practice")?;
        let store = Store::open(dir.path())?;
        rapport::demo::write_sample_practice(&store, now)?;
        return open_tui(store, cli.now.is_some().then_some(now));
    }
    if let Some(Command::Demo { command: Some(DemoCommand::Generate { clients, sessions, out, seed }) }) = &cli.command
    {
        let spec = rapport::demo::generate::Spec { clients: *clients, sessions: *sessions, seed: *seed };
        let n = rapport::demo::generate::generate(out, &spec, now)?;
        println!("Wrote {n} clients with {sessions} sessions each to {}.", out.display());
        return Ok(());
    }
    let dir = cli
        .data_dir
        .clone()
        .or_else(default_data_dir)
        .context("no data folder: pass --data-dir DIR or set RAPPORT_DIR")?;
    match &cli.command {
        Some(Command::Encrypt { yes }) => return encrypt(&dir, *yes, now),
        Some(Command::Decrypt { yes }) => return decrypt(&dir, *yes, now),
        Some(Command::Passphrase) => return change_passphrase(&dir),
        _ => {}
    }
    let store = open_store(&dir)?;
    let result = match cli.command {
        Some(command) => cli::run(command, &store, now, &mut io::stdout().lock()),
        None => open_tui(store.clone(), cli.now.is_some().then_some(now)),
    };
    for notice in store.take_notices() {
        eprintln!("rapport: note: {notice}");
    }
    result
}

/// Opens the data folder, asking for the passphrase if it is encrypted.
fn open_store(dir: &Path) -> Result<Store> {
    if crypt::is_encrypted(dir) {
        let passphrase = ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?;
        Store::unlock(dir, &passphrase)
    } else {
        Store::open(dir)
    }
}

/// A secret from the environment variable `var`, else asked without echo.
fn ask_secret(var: &str, prompt: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    if !io::stdin().is_terminal() {
        bail!("the data folder is encrypted: set {var} or run rapport in a terminal to be asked");
    }
    Ok(rpassword::prompt_password(prompt)?)
}

/// A new passphrase from `var`, else asked twice.
fn new_secret(var: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    let first = ask_secret("RAPPORT_NO_SUCH_VARIABLE", "New passphrase (at least 8 characters): ")?;
    let again = ask_secret("RAPPORT_NO_SUCH_VARIABLE", "The same again: ")?;
    if first != again {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}

fn confirm(question: &str) -> Result<bool> {
    eprint!("{question}");
    let mut answer = String::new();
    io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

fn encrypt(dir: &Path, yes: bool, now: NaiveDateTime) -> Result<()> {
    if crypt::is_encrypted(dir)
        && dir
            .join("clients")
            .read_dir()
            .map_or(true, |mut d| !d.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))))
    {
        bail!("this data folder is already encrypted; `rapport passphrase` changes its passphrase");
    }
    if !yes
        && !confirm(
            "Encrypt every note, draft, snapshot and export in this data folder? Without the passphrase they cannot be read, by anyone. Type yes: ",
        )?
    {
        bail!("not encrypted: nothing was changed");
    }
    let passphrase = if crypt::is_encrypted(dir) {
        ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?
    } else {
        new_secret("RAPPORT_PASSPHRASE")?
    };
    let done = Store::encrypt_folder(dir, &passphrase, now)?;
    println!(
        "Encrypted {} files. The state before is kept, encrypted, as snapshot {}. Keep the passphrase safe: without it the notes cannot be read.",
        done.files, done.snapshot
    );
    Ok(())
}

fn decrypt(dir: &Path, yes: bool, now: NaiveDateTime) -> Result<()> {
    if !crypt::is_encrypted(dir) {
        bail!("this data folder is not encrypted");
    }
    let passphrase = ask_secret("RAPPORT_PASSPHRASE", "Passphrase for the Rapport data folder: ")?;
    if !yes && !confirm("Write every note back to disk unencrypted? Type yes: ")? {
        bail!("not decrypted: nothing was changed");
    }
    let done = Store::decrypt_folder(dir, &passphrase, now)?;
    println!("Decrypted {} files; the data folder is plain again.", done.files);
    Ok(())
}

fn change_passphrase(dir: &Path) -> Result<()> {
    if !crypt::is_encrypted(dir) {
        bail!("this data folder is not encrypted; `rapport encrypt` encrypts it");
    }
    let old = ask_secret("RAPPORT_PASSPHRASE", "Current passphrase: ")?;
    let new = new_secret("RAPPORT_NEW_PASSPHRASE")?;
    Store::change_passphrase(dir, &old, &new)?;
    println!("Passphrase changed. No note needed rewriting.");
    Ok(())
}

fn open_tui(store: Store, fixed_now: Option<NaiveDateTime>) -> Result<()> {
    if !io::stdout().is_terminal() {
        bail!("the app needs a terminal; for scripts use the commands in `rapport --help`");
    }
    rapport::tui::app::run(store, fixed_now)
}

fn now_to_the_minute() -> NaiveDateTime {
    let now = Local::now().naive_local();
    now.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(now)
}
