//! The command line beside the TUI: for scripting and quick entry.

pub mod args;
pub mod bar;
mod calendar;
mod care;
mod client;
mod commands;
pub mod crypt;
mod history;
mod hours;
mod measure;
mod note;
pub mod outward;
mod record;
mod review;
mod supervision;
pub mod sync;
pub mod unlock;

pub use args::{Cli, Command};
pub use commands::run;

/// Where a command asks the therapist a question and reads the answer: the
/// terminal (standard error and input), or a test's scripted answers.
pub trait Prompt {
    fn ask(&mut self, question: &str) -> std::io::Result<String>;
}

/// Asks on standard error (through the sanitizer) and reads a line from
/// standard input.
pub struct Terminal;

impl Prompt for Terminal {
    fn ask(&mut self, question: &str) -> std::io::Result<String> {
        use std::io::IsTerminal;
        let question = crate::sanitize::visible(question);
        // Wrapped at word boundaries to a terminal's width.
        let shown = match crossterm::terminal::size() {
            Ok((cols, _)) if std::io::stderr().is_terminal() => {
                let end = if question.ends_with(' ') { " " } else { "" };
                textwrap::fill(question.trim_end(), usize::from(cols).max(20)) + end
            }
            _ => question.into_owned(),
        };
        eprint!("{shown}");
        let mut answer = String::new();
        // No answer at all (no terminal, or the input ended): the line the
        // question began is ended, so what follows starts a line of its own.
        if std::io::stdin().read_line(&mut answer)? == 0 {
            eprintln!();
        }
        Ok(answer)
    }
}

use crate::store::ClientName;

/// Finds the client a CLIENT argument names: their id, or a prefix of the
/// full name, the preferred name or any word of either (the rule is
/// [`crate::practice::find::resolve`]'s). An unknown or ambiguous name is an
/// error that lists the candidates.
pub fn resolve<'a>(files: &'a [ClientName], query: &str) -> Result<&'a ClientName, String> {
    crate::practice::find::resolve(files, query, crate::practice::find::Naming::Typed).map_err(|e| e.to_string())
}

/// The width of a list's id column: its longest id (a device-marked
/// `t12-k4x`), four at least, so the text after lines up.
pub fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(str::len).max().unwrap_or(0).max(4)
}
