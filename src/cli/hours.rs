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
        format!("Practice hours from {} to {}\n", day(h.period.from, "the first entry"), day(h.period.to, "the last"));
    let s = &h.supervised;
    let hours = |m: u64| if m == 0 { String::new() } else { format_hours(m) };
    let head = || [String::new(), "Held".into(), "Client h".into(), "Supervision h".into(), "CPD h".into()];
    let rows: Vec<[String; 5]> = std::iter::once(head())
        .chain(h.groups.iter().map(|g| {
            [
                g.label.clone(),
                g.sessions.to_string(),
                hours(g.counted_minutes),
                hours(g.supervision_minutes),
                hours(g.cpd_minutes),
            ]
        }))
        .chain(std::iter::once([
            "Total".into(),
            h.sessions.len().to_string(),
            format_hours(h.counted_minutes),
            format_hours(s.supervision_minutes),
            format_hours(s.cpd_minutes),
        ]))
        .collect();
    let w: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(1)).collect();
    for r in &rows {
        let line = format!(
            "  {:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if !h.settings.is_empty() {
        let by: Vec<String> = h
            .settings
            .iter()
            .map(|s| format!("{} {} h", s.setting.as_deref().unwrap_or("no setting"), format_hours(s.counted_minutes)))
            .collect();
        out.push_str(&textwrap::fill(&format!("By setting: {}.", by.join("; ")), 80));
        out.push('\n');
    }
    let mut said = vec![format!("{}.", h.said())];
    said.push(match h.ratio() {
        Some(r) if h.counted_minutes > 0 => format!("Supervision: 1 hour for every {r} client hours."),
        Some(_) => "Supervision logged, and no client hours in this period.".into(),
        None => "No supervision logged in this period (`rapport supervision add`).".into(),
    });
    if let Some(t) = s.target_hours {
        let all = s.all_client_minutes;
        let pct = (all * 100) / (u64::from(t) * 60).max(1);
        let ever = if all == h.counted_minutes { "" } else { ", all time" };
        said.push(format!("Toward your target of {t} client hours: {} ({pct}%{ever}).", format_hours(all)));
    }
    if s.shortfalls.is_empty() && h.ratio().is_none() {
        // Nothing logged: nothing said to fall short.
    } else if s.shortfalls.is_empty() {
        said.push(format!("No month of client work falls short of {}.", s.rule.said()));
    } else {
        said.push(format!("Short of {}:", s.rule.said()));
    }
    for line in &said {
        out.push_str(&textwrap::fill(line, 80));
        out.push('\n');
    }
    for f in &s.shortfalls {
        out.push_str(&textwrap::fill(
            &format!("  {}: {}", f.month, f.said),
            textwrap::Options::new(80).subsequent_indent("    "),
        ));
        out.push('\n');
    }
    // In words, within an 80-column terminal.
    for said in [
        format!("Counted: {}.", h.rule.said()),
        format!("Supervision claimed: {}.", crate::domain::supervision::GROUP_RULE),
    ] {
        out.push_str(&textwrap::fill(&said, 80));
        out.push('\n');
    }
    out
}
