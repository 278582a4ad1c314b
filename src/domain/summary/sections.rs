//! The review as lines under headings: what the review screen draws and
//! `rapport review` prints, built once from a [`Summary`].

use super::*;
use crate::domain::measures::{MeasureKind, Reading, SRS_CONCERN};
use crate::domain::time::{ago, format_day, format_day_near};
use chrono::NaiveDate;

/// How a line of the review should stand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Normal,
    /// Something to ask about now.
    Ask,
    /// Something to give credit for.
    Credit,
    /// Background: older, condensed.
    Quiet,
    /// A warning raised by the measures: shown at the top of the review.
    Warning,
}

/// One line of a review section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub text: String,
    pub emphasis: Emphasis,
    /// The open task this line is about, so the review can mark it.
    pub task: Option<TaskId>,
    /// The personal detail this line asks about, so the review can mark it asked.
    pub ask: Option<DetailId>,
}

/// One headed section of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: &'static str,
    pub lines: Vec<ReviewLine>,
    /// The quiet line shown when `lines` is empty.
    pub empty: &'static str,
}

/// The review's section headings, in order.
pub const HEADINGS: [&str; 7] =
    ["Last time", "They told you", "Tasks to check", "Personal", "Plan", "Watch for", "Awaiting reply"];

/// The heading of the measures section, shown (after "They told you") only
/// for a client with measures taken.
pub const MEASURES: &str = "Measures";

/// The heading of the conflicts from two devices, shown last while there
/// are any to settle.
pub const TWO_DEVICES: &str = "Two devices";

/// The heading of the questions kept for supervision, shown while there
/// are any open.
pub const SUPERVISION: &str = "Supervision";

/// The most characters a heading may have: the review screen draws them in
/// a column this wide, with a space before the text beside them.
pub const HEADING_WIDTH: usize = 14;

/// The most totals a review's sparkline shows: the latest ones (the chart
/// shows them all).
const SPARK_MAX: usize = 16;

/// An open task as the review and the tasks list show it, with the latest
/// word on it ("not done yet (26 Nov): too tired") when there is one.
pub fn open_task_line(id: &str, text: &str, set_on: NaiveDate, outcome: Option<&str>, today: NaiveDate) -> String {
    let latest = outcome.map(|o| format!(" · {o}")).unwrap_or_default();
    format!("[{id}] {text} (set {}){latest}", ago(set_on, today))
}

fn line(text: String) -> ReviewLine {
    ReviewLine { text, emphasis: Emphasis::Normal, task: None, ask: None }
}

fn with(text: String, emphasis: Emphasis) -> ReviewLine {
    ReviewLine { text, emphasis, task: None, ask: None }
}

/// A client's words in quotes, once: words typed with their own quotes
/// keep those.
pub fn quoted(text: &str) -> String {
    let t = text.trim();
    let quotes = [('"', '"'), ('“', '”'), ('\'', '\''), ('‘', '’')];
    let has_own = t.chars().count() >= 2 && quotes.iter().any(|(a, b)| t.starts_with(*a) && t.ends_with(*b));
    if has_own { t.to_string() } else { format!("\"{t}\"") }
}

impl Summary {
    /// An item's id as the review shows it (see [`crate::domain::find::shown_id`]).
    fn id<'a>(&self, id: &'a str) -> &'a str {
        crate::domain::find::shown_id(id, &self.shared_numbers)
    }

    /// The client line and the appointment line of the header.
    pub fn header(&self, today: NaiveDate) -> (String, String) {
        let mut who = self.name.clone();
        if let Some(p) = self.preferred_name.as_ref().filter(|p| **p != self.name) {
            who.push_str(&format!(" ({p})"));
        }
        if let Some(p) = &self.pronouns {
            who.push_str(&format!(" · {p}"));
        }
        let mut when = match (&self.appointment, &self.appointment_when) {
            (Some(a), Some(rel)) => {
                let time = a.start.format("%H:%M").to_string();
                let day_time = format!("{} {time}", format_day_near(a.start.date(), today));
                // "in 25 min" and "tomorrow" say more than the date; a later
                // day's "Thu 3 Dec 10:00" would only say it twice.
                match rel.strip_suffix(time.as_str()).map(str::trim) {
                    Some(day) if day == format_day(a.start.date()) => day_time,
                    Some(day) => format!("{day_time} ({day})"),
                    None => format!("{day_time} ({rel})"),
                }
            }
            _ => "No appointment booked".to_string(),
        };
        when.push_str(&format!(" · session {}", self.session_number));
        match self.days_since_last {
            Some(0) => when.push_str(" · last session today"),
            Some(1) => when.push_str(" · 1 day since the last"),
            Some(d) => when.push_str(&format!(" · {d} days since the last")),
            None => when.push_str(" · first session"),
        }
        (who, when)
    }

    /// The measures' warnings, the most urgent first, for the top of the review.
    pub fn flag_lines(&self) -> Vec<ReviewLine> {
        self.flags.iter().map(|f| with(f.text.clone(), Emphasis::Warning)).collect()
    }

    /// One line per kind of measure, "PHQ-9 17 → 8 (mild): recovered
    /// █▃▁" (first → latest, the latest's band, the Jacobson–Truax reading
    /// of the change, every total), and the SRS items under 9 when the
    /// total alone raises no concern.
    fn measure_lines(&self) -> Vec<ReviewLine> {
        let mut lines = Vec::new();
        for t in &self.measures {
            let mut text = match &t.change {
                Some(c) => format!("{} {} → {}", t.name, c.from, t.latest),
                None => format!("{} {}", t.name, t.latest),
            };
            // PHQ-9 and GAD-7 name their caseness cutoff: the band alone
            // ("moderate") does not say which side of it a score is.
            let caseness = match (&t.kind, t.cutoff, t.clinical) {
                (MeasureKind::Phq9 | MeasureKind::Gad7, Some(c), Some(true)) => format!(", at or over caseness {c}"),
                (MeasureKind::Phq9 | MeasureKind::Gad7, Some(c), Some(false)) => format!(", under caseness {c}"),
                _ => String::new(),
            };
            if let Some(b) = &t.band {
                text.push_str(&format!(" ({b}{caseness})"));
            }
            let reading = t.change.as_ref().and_then(|c| c.reading);
            if let Some(r) = reading {
                text.push_str(&format!(": {}", r.label()));
            }
            // A reliable change from the one before, when the whole course
            // does not say it.
            let step = t.step.as_ref().and_then(|c| Some((c, c.reading?))).filter(|(_, r)| {
                matches!(r, Reading::ReliableDeterioration | Reading::ReliableImprovement | Reading::Recovered)
                    && reading != Some(*r)
            });
            if let Some((c, r)) = step {
                text.push_str(&format!(
                    "; since {}: {} → {}, {}",
                    c.since.format("%-d %b"),
                    c.from,
                    t.latest,
                    r.label()
                ));
            }
            let bars: Vec<char> = t.sparkline.chars().collect();
            if bars.len() > 1 {
                let more = if bars.len() > SPARK_MAX { "…" } else { "" };
                let spark: String = bars[bars.len().saturating_sub(SPARK_MAX)..].iter().collect();
                text.push_str(&format!("  {more}{spark}"));
            }
            let concern = t.kind == MeasureKind::Srs && t.latest <= SRS_CONCERN;
            let emphasis = match reading {
                _ if step.is_some_and(|(_, r)| r == Reading::ReliableDeterioration) => Emphasis::Ask,
                Some(Reading::Recovered | Reading::ReliableImprovement) => Emphasis::Credit,
                Some(Reading::ReliableDeterioration) => Emphasis::Ask,
                _ if concern => Emphasis::Ask,
                _ => Emphasis::Normal,
            };
            lines.push(with(text, emphasis));
            if !t.low_items.is_empty() && !concern {
                let items: Vec<String> = t.low_items.iter().map(|l| format!("{} {}", l.item, l.score)).collect();
                lines.push(with(format!("{} under 9, worth a word: {}", t.name, items.join(", ")), Emphasis::Ask));
            }
        }
        lines
    }

    /// The review's sections, in [`HEADINGS`] order, with [`MEASURES`]
    /// after the second when there are any.
    pub fn sections(&self, today: NaiveDate) -> Vec<Section> {
        let topics = |t: &SessionTopics| {
            if t.topics.is_empty() { "(no topics noted)".to_string() } else { t.topics.join("; ") }
        };
        let mut last_time = Vec::new();
        if let Some(t) = &self.last_time {
            last_time.push(line(format!("{}: {}", format_day_near(t.date, today), topics(t))));
            if !t.observations.is_empty() {
                last_time.push(line(format!("You noticed: {}", t.observations.join("; "))));
            }
        }
        if !self.not_held_since.is_empty() {
            let missed: Vec<String> = self
                .not_held_since
                .iter()
                .map(|d| format!("{} ({})", format_day_near(d.date, today), d.text))
                .collect();
            let since = if self.last_time.is_some() { "Not held since" } else { "Not held" };
            last_time.push(with(format!("{since}: {}", missed.join(", ")), Emphasis::Ask));
        }
        for t in &self.earlier {
            last_time.push(with(format!("{}: {}", format_day_near(t.date, today), topics(t)), Emphasis::Quiet));
        }

        let told_you = self
            .told_you
            .iter()
            .map(|d| line(format!("{}: {}", format_day_near(d.date, today), quoted(&d.text))))
            .collect();

        let mut tasks: Vec<ReviewLine> = self
            .tasks_to_check
            .iter()
            .map(|t| ReviewLine {
                text: open_task_line(self.id(t.id.as_str()), &t.text, t.set_on, t.outcome.as_deref(), today),
                emphasis: Emphasis::Normal,
                task: Some(t.id.clone()),
                ask: None,
            })
            .collect();
        if tasks.is_empty() && !self.done_since_last.is_empty() {
            tasks.push(with("No open tasks".into(), Emphasis::Quiet));
        }
        for t in &self.done_since_last {
            let outcome = t.outcome.as_ref().map(|o| format!(": {o}")).unwrap_or_default();
            tasks.push(with(format!("Done: {}{outcome}", t.text), Emphasis::Credit));
        }

        let personal = self
            .personal
            .iter()
            .map(|p| {
                let day = p.date.map(format_day).unwrap_or_default();
                match p.kind {
                    PersonalKind::HappenedSince => with(format!("{}, {day}: ask how it went", p.text), Emphasis::Ask),
                    PersonalKind::AskAbout => {
                        let text = if p.date.is_some() {
                            format!("Ask about: {} ({day})", p.text)
                        } else {
                            format!("Ask about: {}", p.text)
                        };
                        ReviewLine { ask: Some(p.id.clone()), ..with(text, Emphasis::Ask) }
                    }
                    PersonalKind::ComingUp => line(format!("{}, {day}: coming up", p.text)),
                    PersonalKind::Other => with(p.text.clone(), Emphasis::Quiet),
                }
            })
            .collect();

        let mut plan = Vec::new();
        if let Some(p) = &self.plan {
            plan.push(line(format!("Plan: {p}")));
        }
        if let Some(a) = &self.assessment {
            plan.push(with(format!("Your assessment: {a}"), Emphasis::Quiet));
        }
        for g in &self.goals {
            let agreed = if g.agreed { "agreed" } else { "not yet agreed with the client" };
            plan.push(line(format!("Goal [{}] {} ({agreed})", self.id(g.id.as_str()), g.text)));
        }

        let watch = self.watch_for.iter().map(|w| with(w.clone(), Emphasis::Ask)).collect();

        let replies = self
            .awaiting_reply
            .iter()
            .map(|r| {
                with(
                    format!("[{}] {} {}: {}", self.id(r.id.as_str()), r.channel, ago(r.at.date(), today), r.summary),
                    Emphasis::Ask,
                )
            })
            .collect();

        let empties = [
            "No sessions yet",
            "No feedback noted yet",
            "No open tasks",
            "Nothing personal noted yet",
            "No plan or goals yet",
            "Nothing noted to watch for",
            "No messages awaiting a reply",
        ];
        let mut sections: Vec<Section> = [last_time, told_you, tasks, personal, plan, watch, replies]
            .into_iter()
            .zip(HEADINGS)
            .zip(empties)
            .map(|((lines, heading), empty)| Section { heading, lines, empty })
            .collect();
        if !self.measures.is_empty() {
            sections.insert(2, Section { heading: MEASURES, lines: self.measure_lines(), empty: "" });
        }
        if !self.for_supervision.is_empty() {
            sections.push(Section {
                heading: SUPERVISION,
                lines: self
                    .for_supervision
                    .iter()
                    .map(|q| line(format!("[{}] {}", self.id(q.id.as_str()), q.text)))
                    .collect(),
                empty: "",
            });
        }
        // Only while there is something to settle.
        if !self.from_two_devices.is_empty() {
            sections.push(Section {
                heading: TWO_DEVICES,
                lines: self
                    .from_two_devices
                    .iter()
                    .map(|c| with(c.clone(), Emphasis::Ask))
                    .chain([with(
                        "settle each with c in the app's review, or `rapport sync resolve CLIENT N`".into(),
                        Emphasis::Quiet,
                    )])
                    .collect(),
                empty: "",
            });
        }
        sections
    }

    /// The whole review as plain text, as `rapport review` prints it.
    pub fn to_text(&self, today: NaiveDate) -> String {
        let (who, when) = self.header(today);
        let mut out = format!("{who}\n{when}\n");
        let flags = self.flag_lines();
        if !flags.is_empty() {
            out.push('\n');
        }
        for f in flags {
            out.push_str(&format!("!! {}\n", f.text));
        }
        for s in self.sections(today) {
            out.push_str(&format!("\n{}\n", s.heading));
            if s.lines.is_empty() {
                out.push_str(&format!("  {}\n", s.empty));
            }
            for l in s.lines {
                let bullet = match l.emphasis {
                    Emphasis::Ask => "!",
                    Emphasis::Credit => "+",
                    _ => "-",
                };
                out.push_str(&format!("  {bullet} {}\n", l.text));
            }
        }
        out
    }
}
