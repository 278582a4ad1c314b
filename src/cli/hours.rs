//! `rapport hours`: client hours from the sessions held, for a practice
//! log. The counting is `practice::hours`; here only the typed dates and
//! the output.

use std::io::Write;

use anyhow::{Result, anyhow};
use chrono::NaiveDateTime;

use super::args::HoursBy;
use crate::domain::hours::format_hours;
use crate::practice::hours::{By, ClientHours, Period, client_hours};
use crate::sanitize::json_inert;
use crate::store::Store;

/// What `rapport hours` was asked.
pub(super) struct Asked {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: HoursBy,
    pub csv: bool,
    pub json: bool,
}

pub(super) fn hours(asked: Asked, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    let Asked { from, to, by, csv, json } = asked;
    let period = Period::parse(from.as_deref(), to.as_deref()).map_err(|e| anyhow!(e))?;
    let by = match by {
        HoursBy::Month => By::Month,
        HoursBy::Year => By::Year,
    };
    let counted = client_hours(store, period, by, now)?;
    for w in &counted.warnings {
        store.notice(w.clone());
    }
    match (csv, json) {
        (true, _) => write!(out, "{}", counted.csv())?,
        (_, true) => writeln!(out, "{}", json_inert(serde_json::to_string_pretty(&counted.json())?))?,
        _ => write!(out, "{}", text(&counted))?,
    }
    Ok(())
}

/// The hours as the therapist reads them: a line a month (or year), the
/// total, and in words what was counted and how.
fn text(h: &ClientHours) -> String {
    let day =
        |d: Option<chrono::NaiveDate>, open: &str| d.map_or(open.to_string(), |d| d.format("%Y-%m-%d").to_string());
    let mut out =
        format!("Client hours from {} to {}\n", day(h.period.from, "the first session"), day(h.period.to, "the last"));
    let rows: Vec<(String, String, String)> = h
        .groups
        .iter()
        .map(|g| (g.label.clone(), g.sessions.to_string(), format_hours(g.counted_minutes)))
        .chain(std::iter::once(("Total".into(), h.sessions.len().to_string(), format_hours(h.counted_minutes))))
        .collect();
    let n = rows.iter().map(|r| r.1.len()).max().unwrap_or(1);
    let hrs = rows.iter().map(|r| r.2.len()).max().unwrap_or(1);
    for (label, sessions, hours) in &rows {
        out.push_str(&format!("  {label:<7}  {sessions:>n$} held  {hours:>hrs$} h\n"));
    }
    // In words, within an 80-column terminal.
    for said in [format!("{}.", h.said()), format!("Counted: {}.", h.rule.said())] {
        out.push_str(&textwrap::fill(&said, 80));
        out.push('\n');
    }
    out
}
