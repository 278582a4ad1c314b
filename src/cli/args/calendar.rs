//! The arguments of `rapport calendar`: the appointments as an iCalendar
//! feed, and appointments booked from an `.ics` file.

use clap::Subcommand;

use super::*;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Write the appointments as an iCalendar feed (.ics) for a phone or desktop calendar
    ///
    /// The last 31 days and the next DAYS, every current client's, each titled "Session" and the
    /// client's code unless --names; never a note or a contact detail. Times are in UTC, from this
    /// machine's time zone.
    Export {
        /// Write the feed to this file (over the feed written there before) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Title each appointment with the client's name instead of their code
        #[arg(long)]
        names: bool,
        /// How many days ahead, today included
        #[arg(long, default_value_t = 365, value_parser = bounded(bounds::CALENDAR_DAYS))]
        days: u32,
        /// With encryption on: write the file unencrypted (a calendar app reads only that)
        #[arg(long)]
        plain: bool,
    },
    /// Book appointments from an .ics file: each event's title names its client
    ///
    /// Shows what it would book, move or cancel, and what it cannot match, then asks. Importing
    /// the same file again changes only what changed in it.
    Import {
        /// The .ics file (from another practice system, or a calendar app)
        file: PathBuf,
        /// Book without asking
        #[arg(long, short)]
        yes: bool,
    },
}
