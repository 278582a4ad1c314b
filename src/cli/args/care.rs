//! The arguments of the commands that keep what a therapist remembers of
//! a client between sessions: personal details, goals, watch-for items,
//! tasks, messages and measures.

use clap::Subcommand;

use super::*;

#[derive(Debug, Subcommand)]
pub enum PersonalCommand {
    /// Note something personal
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// What to remember (Mia's birthday party)
        text: String,
        /// When it happens (YYYY-MM-DD)
        #[arg(long)]
        date: Option<String>,
        /// Ask about it next time
        #[arg(long)]
        ask: bool,
    },
    /// List personal details
    List {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Change what a personal detail says, or its date
    Edit {
        #[arg(help = CLIENT)]
        client: String,
        /// The detail: p2, or just 2, as `personal list` prints it
        detail: String,
        /// The new words [default: as they are]
        text: Option<String>,
        /// Its date (YYYY-MM-DD)
        #[arg(long, conflicts_with = "no_date")]
        date: Option<String>,
        /// Take its date away
        #[arg(long)]
        no_date: bool,
    },
    /// You asked about it: it leaves the review's "Ask about" (and stays in the record)
    Asked {
        #[arg(help = CLIENT)]
        client: String,
        /// The detail: p2, or just 2, as `personal list` prints it
        detail: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    /// List goals
    List {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Add a goal
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// The goal, in the client's words if you can
        text: String,
        /// The client agreed to it
        #[arg(long)]
        agreed: bool,
    },
    /// Change a goal's status
    Set {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = GOAL)]
        goal: String,
        /// Its status now
        #[arg(long)]
        status: crate::domain::GoalStatus,
    },
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Note something to go carefully with
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// What to go carefully with
        text: String,
    },
    /// List them with their ids, resolved ones marked
    List {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Mark one resolved: it leaves the review and stays in the record
    Resolve {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = WATCH)]
        item: String,
        /// Why it is resolved ("the court case ended"), kept with it
        #[arg(long)]
        why: Option<String>,
    },
    /// The same as resolve: an item is never erased
    Remove {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = WATCH)]
        item: String,
        /// Why it is resolved, kept with it
        #[arg(long)]
        why: Option<String>,
    },
    /// Set a resolved one back: it is in the review again
    Reopen {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = WATCH)]
        item: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// List tasks
    List {
        #[arg(help = CLIENT)]
        client: String,
    },
    /// Set a task (homework) outside a note
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// What the client will do
        text: String,
        /// The session it was set in (s3, or 3), if that note is not yet final
        #[arg(long)]
        session: Option<String>,
    },
    /// Mark a task done
    Done {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = TASK)]
        task: String,
        /// How it went, in a few words
        #[arg(long)]
        outcome: Option<String>,
    },
    /// Keep a task open: not done yet, with the reason the client gave
    NotYet {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = TASK)]
        task: String,
        /// Why not yet, in a few words (too tired, forgot)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Drop a task
    Drop {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = TASK)]
        task: String,
        /// How it went, in a few words
        #[arg(long)]
        outcome: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// List contacts (of every client when none is named)
    List {
        #[arg(help = CLIENT)]
        client: Option<String>,
    },
    /// Log a message from the client
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// How it came
        #[arg(long)]
        channel: Channel,
        /// What it said, in a few words
        #[arg(long)]
        summary: String,
        /// When it came (YYYY-MM-DD HH:MM) [default: now]
        #[arg(long)]
        at: Option<String>,
        /// It was a message you sent, not one to reply to
        #[arg(long)]
        outgoing: bool,
    },
    /// Mark a message as replied to
    Replied {
        #[arg(help = CLIENT)]
        client: String,
        #[arg(help = CONTACT)]
        contact: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Record a measure's item scores; Rapport adds up the total
    #[command(after_help = "Examples:\n  rapport measure add maria ORS 6 6.5 7 6 --session s12\n  \
                            rapport measure add maria phq9 1 1 2 1 0 1 1 0 0")]
    Add {
        #[arg(help = CLIENT)]
        client: String,
        /// ORS, SRS, PHQ-9, GAD-7 or a custom measure from config.json (any case, hyphen optional)
        kind: String,
        /// Every item's score, in order (ORS and SRS take one decimal: 6.5)
        #[arg(required = true, num_args = 1.., allow_negative_numbers = true)]
        scores: Vec<String>,
        /// When it was taken (YYYY-MM-DD HH:MM) [default: the session's time with --session, else now]
        #[arg(long)]
        at: Option<String>,
        /// The note of the session it was taken in (s12)
        #[arg(long)]
        session: Option<String>,
    },
    /// List a client's measures, oldest first
    List {
        #[arg(help = CLIENT)]
        client: String,
        /// Only this measure
        #[arg(long)]
        kind: Option<String>,
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a measure entered by mistake
    Remove {
        #[arg(help = CLIENT)]
        client: String,
        /// Its id (m3), as `rapport measure list` shows
        id: String,
    },
}
