//! `rapport`: parse the arguments, find the data folder, then open the app
//! or run one command. The only place (with the TUI loop) that reads the clock.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDateTime, TimeZone, Timelike};
use clap::{CommandFactory, FromArgMatches};

use rapport::cli::args::{CalendarCommand, DemoCommand, SyncCommand};
use rapport::cli::{self, Cli, Command};
use rapport::domain::time::parse_datetime;
use rapport::sanitize::{VisibleWriter, visible};
use rapport::store::held::SystemKeyring;
use rapport::store::{Store, StoreError, crypt, files};

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

/// The time `--now` (or RAPPORT_NOW) fixes, for the tests: a held key's
/// time is then told by it, not by the wall clock.
static FIXED_CLOCK: std::sync::OnceLock<SystemTime> = std::sync::OnceLock::new();

/// The wall clock, or the time `--now` fixes.
fn clock() -> SystemTime {
    FIXED_CLOCK.get().copied().unwrap_or_else(SystemTime::now)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`rapport client list | head`): nothing to
        // say, as for any program a closed pipe stops.
        Err(e) if broken_pipe(&e) => ExitCode::from(141),
        Err(e) => {
            // An error can quote a name or a file name: shown, never executed.
            eprintln!("rapport: {}", visible(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// The error is a write to a pipe whose reader has gone.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
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
    let matches = match Cli::command().after_help(data_folder_help()).try_get_matches() {
        Ok(m) => m,
        // Help, a version or a mistake in the arguments: clap's words, but
        // through the sanitizer (they quote what was typed, and paths).
        Err(e) => {
            let text = visible(&e.render().to_string()).into_owned();
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            std::process::exit(e.exit_code());
        }
    };
    let cli = Cli::from_arg_matches(&matches)?;
    let now = match &cli.now {
        Some(t) => parse_datetime(t).map_err(|e| anyhow!("--now: {e}"))?,
        None => now_to_the_minute(),
    };
    if cli.now.is_some() {
        let _ = FIXED_CLOCK.set(Local.from_local_datetime(&now).earliest().map_or_else(SystemTime::now, Into::into));
    }
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
        let spec =
            rapport::demo::generate::Spec { clients: *clients as usize, sessions: *sessions as usize, seed: *seed };
        let n = rapport::demo::generate::generate(out, &spec, now, &mut cli::bar::Bar::new("Writing the practice"))?;
        println!(
            "Wrote {} with {} each to {}.",
            rapport::domain::plural(n, "client"),
            rapport::domain::plural(*sessions as usize, "session"),
            visible(&out.display().to_string())
        );
        return Ok(());
    }
    // What the tools around Rapport are given: no data folder needed.
    match &cli.command {
        Some(Command::Completions { shell }) => return cli::outward::completions(*shell, &mut io::stdout().lock()),
        Some(Command::Man { out }) => return cli::outward::man(out, &mut io::stdout().lock()),
        Some(Command::Schema { kind }) => return cli::outward::schema(*kind, &mut io::stdout().lock()),
        _ => {}
    }
    let dir = cli
        .data_dir
        .clone()
        .or_else(default_data_dir)
        .context("no data folder: pass --data-dir DIR or set RAPPORT_DIR")?;
    // A mistyped --data-dir or RAPPORT_DIR must not quietly become a new,
    // empty practice: Rapport makes the data folder, never the folders above it.
    if cli.data_dir.is_some() && !dir.exists() && dir.parent().is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
    {
        bail!(
            "there is no folder {}, so Rapport will not make a data folder in it; check --data-dir or RAPPORT_DIR",
            visible(&dir.parent().map(|p| p.display().to_string()).unwrap_or_default())
        );
    }
    if let Some(Command::Sync { command: Some(c @ SyncCommand::MergeDriver { .. }) }) = &cli.command {
        return cli::sync::merge_driver(&dir, c, now);
    }
    let doctor = matches!(cli.command, Some(Command::Doctor { .. }));
    refuse_unsafe_folder(&dir, doctor)?;
    match &cli.command {
        Some(Command::Encrypt { yes, new_history }) => return cli::crypt::encrypt(&dir, *yes, *new_history, now),
        Some(Command::Decrypt { yes }) => return cli::crypt::decrypt(&dir, *yes, now, &SystemKeyring),
        Some(Command::Passphrase) => return cli::crypt::change_passphrase(&dir, &SystemKeyring),
        Some(Command::Unlock { duration }) => {
            return cli::unlock::unlock(&dir, *duration, &SystemKeyring, clock);
        }
        Some(Command::Lock) => return cli::unlock::lock(&dir, &SystemKeyring),
        Some(Command::Sync { command: Some(SyncCommand::AcceptKey) }) => {
            cli::sync::accept_key(&dir, &mut VisibleWriter::new(io::stdout().lock()))?;
            cli::unlock::release_after(&dir, &SystemKeyring, "(it was unlocked from the old key file)");
            return Ok(());
        }
        Some(Command::Sync { command: Some(SyncCommand::Clone { remote }) }) => {
            return cli::sync::clone(&dir, remote, now, &mut VisibleWriter::new(io::stdout().lock()));
        }
        _ => {}
    }
    let store = open_store(&dir)?;
    let result = match cli.command {
        // A calendar feed on standard output keeps its CRLF line ends (RFC
        // 5545), which the sanitizer would show as `␍`: its only text from
        // the record, the titles, was made visible as the feed was built.
        Some(command @ Command::Calendar(CalendarCommand::Export { out: None, .. })) => {
            cli::run(command, &store, now, &mut io::stdout().lock(), &mut cli::Terminal)
        }
        Some(command) => {
            cli::run(command, &store, now, &mut VisibleWriter::new(io::stdout().lock()), &mut cli::Terminal)
        }
        None => open_tui(store.clone(), cli.now.is_some().then_some(now)),
    };
    for notice in store.take_notices() {
        eprintln!("rapport: note: {}", visible(&notice));
    }
    result
}

/// Refuses a data folder that another account owns or can write to (as
/// ssh refuses such a `~/.ssh`), before anything in it is read, unless
/// RAPPORT_ALLOW_UNSAFE_FOLDER is set, which is then said every time.
/// `doctor` goes on, to report it.
fn refuse_unsafe_folder(dir: &Path, doctor: bool) -> Result<()> {
    let Some(problem) = files::check_folder(dir).into_iter().next() else { return Ok(()) };
    if doctor {
        return Ok(());
    }
    if std::env::var_os("RAPPORT_ALLOW_UNSAFE_FOLDER").is_some_and(|v| v == "1") {
        eprintln!(
            "rapport: warning: {}",
            visible(&format!(
                "{} {} (used anyway: RAPPORT_ALLOW_UNSAFE_FOLDER is set)",
                problem.path.display(),
                problem.problem
            ))
        );
        return Ok(());
    }
    Err(StoreError::UnsafeFolder(problem).into())
}

/// Opens the data folder; an encrypted one with the key `rapport unlock`
/// holds, else its passphrase.
fn open_store(dir: &Path) -> Result<Store> {
    if let Some(refusal) = rapport::store::conversion::refusal(dir) {
        bail!(refusal);
    }
    if rapport::sync::clone_stopped(dir) {
        bail!(
            "a `rapport sync clone` into this data folder was stopped part way, so it holds no practice yet: run \
             it again (`rapport sync clone REMOTE`, with this data folder) to finish it"
        );
    }
    if crypt::is_encrypted(dir) { cli::unlock::open_encrypted(dir, &SystemKeyring, clock()) } else { Store::open(dir) }
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
