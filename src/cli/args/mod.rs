//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::Channel;
use crate::domain::bounds;

mod calendar;
mod care;
pub use calendar::*;
pub use care::*;

/// What every CLIENT argument says in `--help`.
const CLIENT: &str = "The client: their id, or the start of any word of their name (mari, lopez, nunez)";
const SESSION: &str = "The session: s3, or just 3";
const TASK: &str = "The task: t2, or just 2 (`rapport task list` shows them)";
const GOAL: &str = "The goal: g1, or just 1 (`rapport goal list` shows them)";
const CONTACT: &str = "The message: c4, or just 4 (`rapport contact list` shows them)";
const WATCH: &str = "The item: w2, or just 2 (`rapport watch list` shows them)";
const QUESTION: &str = "The question: q2, or just 2 (`rapport supervision list` shows them)";

/// A whole number within one of the limits in [`bounds`]; clap refuses
/// anything else with a message naming the range.
fn bounded(range: std::ops::RangeInclusive<u32>) -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(i64::from(*range.start())..=i64::from(*range.end()))
}

/// How long `unlock --for` holds the key, within [`bounds::HOLD_SECONDS`].
fn hold_duration(text: &str) -> Result<std::time::Duration, String> {
    let duration = humantime::parse_duration(text).map_err(|e| format!("{e}; write it as 8h, 30m, 1h30m or 90s"))?;
    if !bounds::HOLD_SECONDS.contains(&duration.as_secs()) {
        // humantime reads `M` as months: `30M` is two and a half years.
        let months = if text.contains('M') {
            format!("; `M` is months and `m` minutes: did you mean {}?", text.replace('M', "m"))
        } else {
            String::new()
        };
        return Err(format!("hold the key for at least 1s and at most a week (168h){months}"));
    }
    Ok(duration)
}

#[derive(Debug, Parser)]
#[command(
    name = "rapport",
    version,
    about = "Session notes for therapists: write them straight after, read them again just before.",
    long_about = "Session notes for therapists: write them straight after, read them again just before.\n\n\
                  Run with no command to open the app; `rapport demo` opens it on a fictional practice."
)]
pub struct Cli {
    /// The data folder [default: RAPPORT_DIR, else the platform data folder]
    #[arg(long, global = true, value_name = "DIR", env = "RAPPORT_DIR", hide_env = true)]
    pub data_dir: Option<PathBuf>,

    /// Pretend it is this time (YYYY-MM-DD HH:MM); for tests and demos.
    #[arg(long, global = true, value_name = "TIME", env = "RAPPORT_NOW", hide = true)]
    pub now: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open Rapport on a fictional sample practice (in a temporary folder)
    Demo {
        #[command(subcommand)]
        command: Option<DemoCommand>,
    },
    /// Add, list, edit, archive and erase clients
    #[command(subcommand)]
    Client(ClientCommand),
    /// Write a session note
    Note(NoteArgs),
    /// What to remember before a client's next appointment
    Review {
        #[arg(help = CLIENT)]
        client: String,
        /// Review for the appointment at this time (YYYY-MM-DD HH:MM, or HH:MM today)
        #[arg(long)]
        at: Option<String>,
        /// Print the review as JSON
        #[arg(long)]
        json: bool,
    },
    /// Find notes, addenda, tasks and their outcomes, personal details and messages containing every word
    Search {
        /// The words to find (in any case, with or without accents; all must match)
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Only this client's
        #[arg(long)]
        client: Option<String>,
        /// Show at most this many, newest first
        #[arg(long, default_value_t = 20, value_parser = bounded(bounds::SEARCH_LIMIT))]
        limit: u32,
    },
    /// The appointments of a day and the days after it
    Agenda {
        /// First day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// How many days to show
        #[arg(long, default_value_t = 1, value_parser = bounded(bounds::AGENDA_DAYS))]
        days: u32,
    },
    /// Book an appointment, or cancel one
    Appointment(AppointmentArgs),
    /// The appointments as a feed for a phone or desktop calendar, or booked from an .ics file
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Finalise a note (or every note of the client not yet final): it becomes read-only
    Finalise {
        #[arg(help = CLIENT)]
        client: String,
        /// The session (s3, or 3); every note not yet final when left out
        session: Option<String>,
    },
    /// Add a dated correction beneath a note
    Addendum {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = SESSION)]
        session: String,
        /// The correction
        text: String,
    },
    /// Check that no finalised note was changed afterwards
    Verify {
        #[arg(help = CLIENT)]
        client: Option<String>,
        /// Start the ledger again from the seals the files hold now, after it
        /// was lost (a change made to finalised notes meanwhile is accepted)
        #[arg(long)]
        restart_ledger: bool,
        /// Print the code of the ledger's head, to keep elsewhere (a notebook, a phone)
        #[arg(long)]
        anchor: bool,
        /// Fail if the ledger no longer extends the head whose code `--anchor` printed
        #[arg(long, value_name = "CODE")]
        against: Option<String>,
    },
    /// Snapshots of the data folder
    Backup {
        #[command(subcommand)]
        command: Option<BackupCommand>,
    },
    /// Put the client files back as they were in a snapshot
    Restore {
        /// The snapshot's name, as `rapport backup list` shows it
        snapshot: String,
        /// Put back only this client's record; every other client stays as it is
        #[arg(long, value_name = "CLIENT")]
        client: Option<String>,
        /// Do not ask first
        #[arg(long)]
        yes: bool,
    },
    /// Write a client's complete record as one document (subject access, supervision, handover)
    Export {
        #[arg(help = CLIENT)]
        client: String,
        /// Markdown to read and print, or JSON for another program
        #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
        format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
        /// With encryption on: write the file unencrypted
        #[arg(long)]
        plain: bool,
        /// The notes under the headings of this format, for this export [default: the setting note_format]
        #[arg(long, value_enum)]
        note_format: Option<crate::domain::note_format::NoteFormat>,
        /// Also the process notes (your private reflections), after a question on what the law says
        #[arg(long)]
        include_process_notes: bool,
        /// Answer yes to that question (for a script)
        #[arg(long, short)]
        yes: bool,
    },
    /// Process notes: your private reflections on a session, kept apart from the record
    #[command(subcommand)]
    Process(ProcessCommand),
    /// Client hours from the sessions held, by month or year, for an accreditation log
    Hours {
        /// First day counted (YYYY-MM-DD) [default: the first session]
        #[arg(long)]
        from: Option<String>,
        /// Last day counted (YYYY-MM-DD) [default: the last session]
        #[arg(long)]
        to: Option<String>,
        /// Group the hours by month or by year
        #[arg(long, value_enum, default_value_t = HoursBy::Month)]
        by: HoursBy,
        /// One line per session held (date, client code, minutes, counted hours), for the log
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Print the hours as JSON
        #[arg(long)]
        json: bool,
    },
    /// Supervision taken, questions to bring to it, and a case brief to take
    #[command(subcommand)]
    Supervision(SupervisionCommand),
    /// Continuing professional development done
    #[command(subcommand)]
    Cpd(CpdCommand),
    /// Archived clients whose last contact is older than the retention period, for review
    Retention {
        /// The retention period, in years since the last contact
        #[arg(long, default_value_t = 7, value_parser = bounded(bounds::RETENTION_YEARS))]
        years: u32,
    },
    /// Fold a conflict copy left by another sync tool (Dropbox, Syncthing,
    /// Nextcloud) into the client's record, then remove it
    Merge {
        /// The conflict copy, e.g. "clients/ann-byrne (conflicted copy).json"
        file: std::path::PathBuf,
    },
    /// Check the data folder: permissions, damaged and newer-format files,
    /// sync-conflict copies, links, left-over temp files, encryption.
    /// Exits non-zero when something needs your attention.
    Doctor {
        /// Also rebuild the index (the client list, names and search) from
        /// the client files, as after a file was changed by another program
        #[arg(long)]
        reindex: bool,
    },
    /// Encrypt the data folder with a passphrase (RAPPORT_PASSPHRASE, or asked)
    Encrypt {
        /// Do not ask first
        #[arg(long)]
        yes: bool,
        /// A synced folder: replace its git history, here and on the remote, with one holding only
        /// ciphertext (asks you to type 'new history')
        #[arg(long)]
        new_history: bool,
    },
    /// Turn an encrypted data folder back into plain files
    Decrypt {
        /// Do not ask first
        #[arg(long)]
        yes: bool,
    },
    /// Change the passphrase of an encrypted data folder (the new one: RAPPORT_NEW_PASSPHRASE, or asked)
    Passphrase,
    /// Keep an encrypted data folder unlocked for a while, so commands and the app start at once
    ///
    /// Asks for the passphrase once (or reads RAPPORT_PASSPHRASE) and holds
    /// the unlocked key in the system's keyring until its time is up or
    /// `rapport lock`. Any program running as your user can use it meanwhile.
    Unlock {
        /// For how long: 8h, 30m, 1h30m, 90s (at most a week)
        #[arg(long = "for", value_name = "DURATION", default_value = "8h", value_parser = hold_duration)]
        duration: std::time::Duration,
    },
    /// Lock the data folder now: remove the key `rapport unlock` holds
    Lock,
    /// Personal details to remember
    #[command(subcommand)]
    Personal(PersonalCommand),
    /// The therapy plan's goals
    #[command(subcommand)]
    Goal(GoalCommand),
    /// Things to go carefully with
    #[command(subcommand)]
    Watch(WatchCommand),
    /// Homework set in sessions
    #[command(subcommand)]
    Task(TaskCommand),
    /// Texts, emails, calls and voicemails
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Outcome and alliance measures: ORS, SRS, PHQ-9, GAD-7 and custom ones
    #[command(subcommand)]
    Measure(MeasureCommand),
    /// Sync this practice between devices through git: commit, fetch, merge, push
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
    },
    /// Print the completion script for a shell (see docs/commands.md for where it goes)
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages into a folder: rapport.1, and one for each command (rapport-note.1, …)
    Man {
        /// The folder to write them into (made if it is not there)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print the JSON Schema of a file Rapport writes, for another program (see docs/format.md)
    Schema {
        /// Which file: a client's record (clients/<id>.json) or the settings (config.json)
        #[arg(value_enum, default_value_t = crate::store::schema::FileKind::Client)]
        kind: crate::store::schema::FileKind,
    },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Send this practice to an empty remote (a git address, or the path of a bare repository)
    ///
    /// In a plain (not encrypted) practice, every client first gets an id with no name in it
    /// (`cq7ka-x3m` for `ann-byrne`), in their file, snapshots, draft, exports and the logs, so the
    /// remote sees no name in a file name. A name still finds its client.
    Init {
        /// The remote: a git address (git@host:practice.git), or the path of a bare repository
        remote: String,
    },
    /// Bring the practice a remote holds to this device, into a new or empty data folder
    Clone {
        /// The remote the practice was sent to with `sync init`
        remote: String,
    },
    /// Changes not yet synced, commits either side, conflicts to settle, last sync
    Status,
    /// Settle a conflict from syncing: keep the value in place, or put the other value there
    Resolve {
        #[arg(help = CLIENT)]
        client: String,
        /// The conflict's number, as `sync status` lists them for this client
        number: usize,
        /// Put the other value in place instead
        #[arg(long)]
        other: bool,
    },
    /// Keep this device's version of a client held back at a sync, and let the other device's go
    ///
    /// A sync holds a client back when the two devices' versions of the record cannot be merged
    /// here (one written by a newer Rapport, or damaged); the next sync that can merge them does.
    KeepThis {
        /// The client (their name or id), or the file name the sync gave for one not readable here
        client: String,
    },
    /// Take the key file that came from the remote, kept aside since: only if the passphrase
    /// given (the one set on the other device) opens it and it holds this practice's key
    AcceptKey,
    /// What git runs to merge a file both devices changed (set up by init and clone)
    #[command(hide = true)]
    MergeDriver { base: PathBuf, ours: PathBuf, theirs: PathBuf, path: String },
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// List the snapshots
    List,
    /// Remove the oldest snapshots, or take one client's record out of all of them
    Prune {
        /// How many to keep
        #[arg(long, default_value_t = 14, value_parser = bounded(bounds::KEEP_BACKUPS))]
        keep: u32,
        /// Instead: remove this client id's file from every snapshot (after an erasure)
        #[arg(long, value_name = "CLIENT_ID")]
        erase: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write a large, realistic, deterministic practice into an empty folder
    Generate {
        /// How many clients
        #[arg(long, default_value_t = 1500, value_parser = bounded(bounds::DEMO_CLIENTS))]
        clients: u32,
        /// Weekly sessions per client
        #[arg(long, default_value_t = 30, value_parser = bounded(bounds::DEMO_SESSIONS))]
        sessions: u32,
        /// The empty folder to write it into
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// The same seed writes the same practice
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Add a client
    Add {
        /// Full name
        name: String,
        #[command(flatten)]
        profile: ProfileArgs,
    },
    /// List clients
    List {
        /// Archived clients too
        #[arg(long)]
        all: bool,
    },
    /// Discharge a client: hidden from the list and the agenda, record kept
    Archive {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// The placement or setting a client is seen in, for the practice log (no NAME: none)
    Setting {
        #[arg(help = CLIENT)]
        client: String,
        /// The placement or setting: an agency, a course placement, "private"
        name: Option<String>,
    },
    /// Bring an archived client back
    Unarchive {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Erase a client's record for good (asks for their full name on standard input)
    Delete {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Change a client's details
    Edit {
        #[arg(help = CLIENT)]
        client: String,
        /// New full name
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        profile: ProfileArgs,
    },
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The name they like to be called
    #[arg(long)]
    pub preferred: Option<String>,
    /// How they prefer to be contacted
    #[arg(long, value_enum)]
    pub channel: Option<Channel>,
    /// Their pronouns (she/her, they/them)
    #[arg(long)]
    pub pronouns: Option<String>,
    /// Their phone number
    #[arg(long)]
    pub phone: Option<String>,
    /// Their email address
    #[arg(long)]
    pub email: Option<String>,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    #[arg(help = CLIENT)]
    pub client: String,
    /// When the session was (YYYY-MM-DD HH:MM) [default: now]
    #[arg(long)]
    pub at: Option<String>,
    /// Length in minutes [default: 50]
    #[arg(long, value_parser = bounded(bounds::MINUTES))]
    pub minutes: Option<u32>,
    /// A topic talked about (repeat for more)
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Something the client said about the therapy (repeat for more)
    #[arg(long = "feedback", value_name = "TEXT")]
    pub feedback: Vec<String>,
    /// A non-verbal cue or silence (repeat for more)
    #[arg(long = "observation", value_name = "TEXT")]
    pub observations: Vec<String>,
    /// A task set (repeat for more)
    #[arg(long = "task", value_name = "TEXT")]
    pub tasks: Vec<String>,
    /// A personal detail to ask about; a YYYY-MM-DD in it is its date (repeat for more)
    #[arg(long = "personal", value_name = "TEXT")]
    pub personal: Vec<String>,
    /// The plan for next session
    #[arg(long)]
    pub plan: Option<String>,
    /// Free-text notes
    #[arg(long)]
    pub text: Option<String>,
    /// A process note: your private reflections, kept apart from the record and out of every review,
    /// search and export unless asked for
    #[arg(long)]
    pub process: Option<String>,
    /// Your assessment: progress, formulation, risk (the A of SOAP and DAP)
    #[arg(long)]
    pub assessment: Option<String>,
    /// What you did: the approach and techniques used (the I of BIRP)
    #[arg(long)]
    pub intervention: Option<String>,
    /// Save a note dated in the future without asking
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AppointmentArgs {
    #[command(subcommand)]
    pub cancel: Option<AppointmentCommand>,
    #[arg(required = true, help = CLIENT)]
    pub client: Option<String>,
    /// Start (YYYY-MM-DD HH:MM)
    #[arg(long, required = true)]
    pub at: Option<String>,
    /// Length in minutes
    #[arg(long, default_value_t = 50, value_parser = bounded(bounds::MINUTES))]
    pub minutes: u32,
    /// Also book this many weekly repeats (at most 104: two years)
    #[arg(long, default_value_t = 0, value_parser = bounded(bounds::WEEKLY_REPEATS))]
    pub weekly: u32,
}

#[derive(Debug, Subcommand)]
pub enum AppointmentCommand {
    /// Cancel an appointment
    Cancel {
        #[arg(help = CLIENT)]
        client: String,
        /// Its start (YYYY-MM-DD HH:MM)
        #[arg(long)]
        at: String,
        /// You called it off (default: the client did)
        #[arg(long, conflicts_with = "did_not_attend")]
        by_therapist: bool,
        /// The client did not come (DNA)
        #[arg(long)]
        did_not_attend: bool,
    },
    /// Move an appointment to another time
    Move {
        #[arg(help = CLIENT)]
        client: String,
        /// Its start now (YYYY-MM-DD HH:MM)
        #[arg(long)]
        at: String,
        /// Its new start (YYYY-MM-DD HH:MM)
        #[arg(long)]
        to: String,
        /// Its new length in minutes [default: as it was]
        #[arg(long, value_parser = bounded(bounds::MINUTES))]
        minutes: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HoursBy {
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum SupervisionCommand {
    /// Log a supervision session taken
    Add {
        /// When it was (YYYY-MM-DD HH:MM, or HH:MM today)
        #[arg(long)]
        at: String,
        /// How long it was, in minutes
        #[arg(long, value_parser = bounded(bounds::MINUTES))]
        minutes: u32,
        /// Who supervised
        #[arg(long)]
        supervisor: Option<String>,
        /// Group supervision: how many took part, you included
        #[arg(long, value_parser = bounded(crate::domain::supervision::GROUP_MEMBERS))]
        group: Option<u32>,
        /// Your own notes of it (kept apart from every client's record)
        #[arg(long)]
        notes: Option<String>,
        /// Mark every open question discussed at it
        #[arg(long)]
        discussed_all: bool,
    },
    /// Supervision logged, with what each counts for, and the open questions
    List {
        /// First day listed (YYYY-MM-DD)
        #[arg(long)]
        from: Option<String>,
        /// Last day listed (YYYY-MM-DD)
        #[arg(long)]
        to: Option<String>,
        /// Also print each supervision's notes
        #[arg(long)]
        notes: bool,
    },
    /// Remove a supervision logged by mistake
    Remove {
        /// The supervision: v3, as `supervision list` prints it
        id: String,
    },
    /// Keep a question about a client for the next supervision
    Bring {
        #[arg(help = CLIENT)]
        client: String,
        /// The question, as you would put it in supervision
        text: String,
    },
    /// Mark a question discussed, at the last supervision logged
    Discussed {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = QUESTION)]
        question: String,
    },
    /// Take a question kept by mistake (on the wrong client, a slip) out of the client's record
    Drop {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = QUESTION)]
        question: String,
    },
    /// Set a question marked discussed by mistake open again
    Reopen {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = QUESTION)]
        question: String,
    },
    /// Print an anonymised case brief on a client, to take to supervision
    Brief {
        #[arg(help = CLIENT)]
        client: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CpdCommand {
    /// Log CPD done
    Add {
        /// The day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        at: Option<String>,
        /// How many hours (1.5 is an hour and a half)
        #[arg(long)]
        hours: String,
        /// What it was: a course, a workshop, reading
        text: String,
    },
    /// CPD logged
    List {
        /// First day listed (YYYY-MM-DD)
        #[arg(long)]
        from: Option<String>,
        /// Last day listed (YYYY-MM-DD)
        #[arg(long)]
        to: Option<String>,
    },
    /// Remove a CPD entry logged by mistake
    Remove {
        /// The entry: d2, as `cpd list` prints it
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProcessCommand {
    /// Write (or rewrite) the process note of a session, until its note is final
    Write {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = SESSION)]
        session: String,
        /// Your reflections; empty takes the process note away
        text: String,
    },
    /// Show a client's process notes (private: mind where the output goes)
    Show {
        #[arg(help = CLIENT)]
        client: String,
    },
}
