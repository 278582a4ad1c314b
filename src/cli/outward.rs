//! What Rapport gives the tools around it, none of which needs a data
//! folder: shell completions, manual pages and the schema of its files, all
//! generated from the declarations the program itself runs on (the clap
//! arguments, the serde types), so none can drift from it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::args::Cli;
use crate::store::schema::{self, FileKind};

/// `rapport completions SHELL`: the completion script, on `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), "rapport", out);
    Ok(())
}

/// `rapport man --out DIR`: `rapport.1` and a page for each command
/// (`rapport-note.1`, `rapport-client-add.1`, …) in `dir`, made if it is
/// not there. Says how many it wrote.
pub fn man(dir: &Path, out: &mut dyn Write) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("making the folder {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("writing the manual pages to {}", dir.display()))?;
    let pages = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with("rapport") && n.ends_with(".1")))
        .count();
    writeln!(
        out,
        "Wrote {} to {}; `man -l {}` reads one, or add the folder to MANPATH.",
        crate::domain::plural(pages, "manual page"),
        crate::sanitize::visible(&dir.display().to_string()),
        crate::sanitize::visible(&dir.join("rapport.1").display().to_string()),
    )?;
    Ok(())
}

/// `rapport schema [KIND]`: the JSON Schema of a file Rapport writes.
pub fn schema(kind: FileKind, out: &mut dyn Write) -> Result<()> {
    out.write_all(schema::schema(kind).as_bytes())?;
    Ok(())
}
