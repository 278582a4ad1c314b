//! The command line beside the TUI: for scripting and quick entry.

pub mod args;
pub mod bar;
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

use crate::domain::find::{NameQuery, fold};
use crate::store::ClientName;

/// Finds the client a CLIENT argument names: their id, or a prefix of the
/// full name, the preferred name or any word of either, in any case and
/// with or without accents (see [`crate::domain::find::answers_to`]). An unknown or ambiguous
/// name is an error that lists the candidates.
pub fn resolve<'a>(files: &'a [ClientName], query: &str) -> Result<&'a ClientName, String> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Err("name a client; `rapport client list` shows them".into());
    }
    if let Some(f) = files.iter().find(|f| f.id.as_str() == q) {
        return Ok(f);
    }
    let typed = NameQuery::new(query);
    let matches: Vec<&ClientName> = files
        .iter()
        .filter(|f| f.name.as_ref().is_some_and(|name| typed.answered_by(name, f.preferred_name.as_deref())))
        .collect();
    // A whole name or word typed out wins over names it only begins
    // ("zo" is Zo, the preferred name, before Zora).
    let whole = |f: &&&ClientName| {
        let names = [f.name.as_deref(), f.preferred_name.as_deref()];
        names.into_iter().flatten().any(|n| fold(n) == q || fold(n).split(' ').any(|w| w == q))
    };
    let exact: Vec<&&ClientName> = matches.iter().filter(whole).collect();
    match (matches.as_slice(), exact.as_slice()) {
        (_, [one]) => Ok(one),
        ([one], _) => Ok(one),
        ([], _) => {
            let unreadable: Vec<&str> = files
                .iter()
                .filter(|f| f.name.is_none() && f.id.as_str().starts_with(&q))
                .map(|f| f.id.as_str())
                .collect();
            if let [id] = unreadable.as_slice() {
                return Ok(files.iter().find(|f| f.id.as_str() == *id).expect("listed"));
            }
            Err(format!("no client matches '{query}'; `rapport client list` shows them"))
        }
        (many, _) => {
            let names: Vec<String> =
                many.iter().filter_map(|f| f.name.as_ref().map(|name| format!("{name} ({})", f.id))).collect();
            Err(format!(
                "'{query}' matches more than one client: {}; type more of the name or use the id",
                names.join(", ")
            ))
        }
    }
}

/// The width of a list's id column: its longest id (a device-marked
/// `t12-k4x`), four at least, so the text after lines up.
pub fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(str::len).max().unwrap_or(0).max(4)
}
