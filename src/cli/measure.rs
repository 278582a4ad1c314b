//! `rapport measure`: outcome and alliance scores, taken in a session.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDateTime;
use serde::Serialize;

use super::args::MeasureCommand;
use super::commands::*;
use crate::domain::measures::{CustomScale, MeasureKind, NewMeasure, Score, kind_named, read_scores};
use crate::domain::time::{ahead, format_datetime, parse_datetime};
use crate::domain::{ClientRecord, Measure, MeasureId, RecordError, SessionId};
use crate::sanitize::json_inert;
use crate::store::Store;

/// The custom scales a name may stand for: the client's own, then the settings'.
fn custom(store: &Store, r: &ClientRecord) -> Vec<CustomScale> {
    let mut all = r.scales.clone();
    let more: Vec<CustomScale> =
        store.settings().measures.iter().filter(|c| !all.iter().any(|a| a.key() == c.key())).cloned().collect();
    all.extend(more);
    all
}

/// A measure as `measure list --json` prints it.
#[derive(Serialize)]
struct Listed<'a> {
    id: &'a MeasureId,
    kind: &'a MeasureKind,
    name: String,
    at: NaiveDateTime,
    items: &'a [Score],
    total: Score,
    band: Option<String>,
    session: Option<&'a SessionId>,
}

fn listed<'a>(r: &ClientRecord, m: &'a Measure) -> Listed<'a> {
    let scale = r.scale(&m.kind);
    Listed {
        id: &m.id,
        kind: &m.kind,
        name: scale.as_ref().map_or_else(|| m.kind.to_string(), |s| s.name.clone()),
        at: m.at,
        items: &m.items,
        total: m.total,
        band: scale.and_then(|s| s.band(m.total)),
        session: m.session.as_ref(),
    }
}

pub(super) fn measure(c: MeasureCommand, store: &Store, now: NaiveDateTime, out: &mut dyn Write) -> Result<()> {
    match c {
        MeasureCommand::Add { client, kind, scores, at, session } => {
            let at = at.map(|a| parse_datetime(&a)).transpose().map_err(|e| anyhow!(e))?;
            if let Some(at) = at.filter(|at| *at > now) {
                bail!("that is {}, {}; a measure is recorded once it is taken", format_datetime(at), ahead(at, now));
            }
            let settings = store.settings().measures.clone();
            let (id, r) = change(store, now, "measure added", &client, |r| {
                let all = custom(store, r);
                let (kind, items) =
                    read_scores(&kind, scores.iter().map(String::as_str), &all).map_err(RecordError::Invalid)?;
                let session: Option<SessionId> = session.map(|s| r.item_ref(&s)).transpose()?;
                let at = match (at, &session) {
                    (Some(at), _) => at,
                    (None, Some(s)) => {
                        r.session(s).ok_or_else(|| RecordError::UnknownId { kind: "note", id: s.to_string() })?.at
                    }
                    (None, None) => now,
                };
                r.add_measure(NewMeasure { kind, items, at, session }, &settings)
            })?;
            let m = r.measures.iter().find(|m| m.id == id).expect("just added");
            let l = listed(&r, m);
            let band = l.band.map(|b| format!(" ({b})")).unwrap_or_default();
            writeln!(
                out,
                "Recorded {} {id} for {}: {}{band}, {}.",
                l.name,
                r.client.name,
                m.total,
                format_datetime(m.at)
            )?;
            for f in r.measure_flags(now).iter().filter(|f| f.measure == id) {
                writeln!(out, "Warning: {}", f.text)?;
            }
        }
        MeasureCommand::List { client, kind, json } => {
            let r = load(store, &client)?;
            let kind = kind.map(|k| kind_named(&k, &custom(store, &r))).transpose().map_err(|e| anyhow!(e))?;
            let shown: Vec<&Measure> =
                r.measures.iter().filter(|m| kind.as_ref().is_none_or(|k| m.kind == *k)).collect();
            if json {
                let list: Vec<Listed> = shown.iter().map(|m| listed(&r, m)).collect();
                writeln!(out, "{}", json_inert(serde_json::to_string_pretty(&list)?))?;
                return Ok(());
            }
            let w = super::id_width(shown.iter().map(|m| m.id.as_str()));
            for m in &shown {
                let l = listed(&r, m);
                let items: Vec<String> = m.items.iter().map(Score::to_string).collect();
                let session = m.session.as_ref().map(|s| format!("  ({s})")).unwrap_or_default();
                let band = l.band.unwrap_or_default();
                writeln!(
                    out,
                    "{:<w$} {}  {:<7} {:>5}  {band:<20} {}{session}",
                    m.id,
                    format_datetime(m.at),
                    l.name,
                    m.total.to_string(),
                    items.join(" ")
                )?;
            }
            let none = match &kind {
                Some(k) => format!("No {} scores yet.", r.scale(k).map_or_else(|| k.to_string(), |s| s.name)),
                None => "No measures yet. `rapport measure add CLIENT ORS 6 6.5 7 6` records one.".into(),
            };
            empty_note(out, shown.is_empty(), &none)?;
        }
        MeasureCommand::Remove { client, id } => {
            let ((m, name), r) = change(store, now, "measure removed", &client, |r| {
                let m = r.remove_measure(&r.item_ref::<crate::domain::MeasureId>(&id)?)?;
                let name = r.scale(&m.kind).map_or_else(|| m.kind.to_string(), |s| s.name);
                r.drop_unused_scales();
                Ok((m, name))
            })?;
            writeln!(
                out,
                "Removed {name} {} ({}, total {}) from {}'s record.",
                m.id,
                format_datetime(m.at),
                m.total,
                r.client.name
            )?;
        }
    }
    Ok(())
}
