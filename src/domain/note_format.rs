//! Note formats as views of one note: SOAP, DAP and BIRP group the parts
//! Rapport keeps under the headings supervisors, agencies and insurers
//! expect. The mapping is written down here, once; the export, the notes
//! pane and the note form's order all read it. A format never changes a
//! stored note or its seal.

use serde::{Deserialize, Serialize};

/// How notes are headed and ordered (the setting `note_format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum NoteFormat {
    /// Rapport's own: each part under its own name.
    #[default]
    Rapport,
    /// Subjective, Objective, Assessment, Plan.
    Soap,
    /// Data, Assessment, Plan.
    Dap,
    /// Behaviour, Intervention, Response, Plan.
    Birp,
}

/// A part of a note, as the formats group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum NotePart {
    Topics,
    Feedback,
    Observations,
    Measures,
    Assessment,
    Intervention,
    Plan,
    Tasks,
    Notes,
}

impl NotePart {
    /// What the part is called on its own.
    pub fn label(self) -> &'static str {
        match self {
            NotePart::Topics => "Topics",
            NotePart::Feedback => "Client feedback",
            NotePart::Observations => "Observations",
            NotePart::Measures => "Measures",
            NotePart::Assessment => "Assessment",
            NotePart::Intervention => "Intervention",
            NotePart::Plan => "Plan for next time",
            NotePart::Tasks => "Tasks set",
            NotePart::Notes => "Notes",
        }
    }
}

/// A heading of a format and the parts under it, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heading {
    pub title: &'static str,
    /// Its initial in the note form ("S"), none in Rapport's own format.
    pub letter: &'static str,
    pub parts: &'static [NotePart],
}

const fn h(title: &'static str, letter: &'static str, parts: &'static [NotePart]) -> Heading {
    Heading { title, letter, parts }
}

use NotePart::*;

/// The heading under which a format puts what its own headings leave out
/// (the intervention in SOAP, the free-text notes): nothing is dropped.
pub const ALSO: &str = "Also noted";

const RAPPORT: &[Heading] = &[
    h("Topics", "", &[Topics]),
    h("Client feedback", "", &[Feedback]),
    h("Observations", "", &[Observations]),
    h("Measures", "", &[Measures]),
    h("Tasks set", "", &[Tasks]),
    h("Plan for next time", "", &[Plan]),
    h("Notes", "", &[Notes]),
    h("Assessment", "", &[Assessment]),
    h("Intervention", "", &[Intervention]),
];

const SOAP: &[Heading] = &[
    h("Subjective", "S", &[Topics, Feedback]),
    h("Objective", "O", &[Observations, Measures]),
    h("Assessment", "A", &[Assessment]),
    h("Plan", "P", &[Plan, Tasks]),
    h(ALSO, "·", &[Intervention, Notes]),
];

const DAP: &[Heading] = &[
    h("Data", "D", &[Topics, Feedback, Observations, Measures]),
    h("Assessment", "A", &[Assessment]),
    h("Plan", "P", &[Plan, Tasks]),
    h(ALSO, "·", &[Intervention, Notes]),
];

const BIRP: &[Heading] = &[
    h("Behaviour", "B", &[Topics, Observations]),
    h("Intervention", "I", &[Intervention]),
    h("Response", "R", &[Feedback, Measures]),
    h("Plan", "P", &[Plan, Tasks]),
    h(ALSO, "·", &[Assessment, Notes]),
];

impl NoteFormat {
    /// The format's headings, each with its parts: every part under
    /// exactly one.
    pub fn headings(self) -> &'static [Heading] {
        match self {
            NoteFormat::Rapport => RAPPORT,
            NoteFormat::Soap => SOAP,
            NoteFormat::Dap => DAP,
            NoteFormat::Birp => BIRP,
        }
    }

    /// "SOAP", "Rapport".
    pub fn name(self) -> &'static str {
        match self {
            NoteFormat::Rapport => "Rapport",
            NoteFormat::Soap => "SOAP",
            NoteFormat::Dap => "DAP",
            NoteFormat::Birp => "BIRP",
        }
    }

    /// The heading `part` stands under.
    pub fn heading_of(self, part: NotePart) -> &'static Heading {
        self.headings().iter().find(|h| h.parts.contains(&part)).expect("every part has a heading")
    }

    /// The parts in the order the format lists them.
    pub fn parts(self) -> impl Iterator<Item = NotePart> {
        self.headings().iter().flat_map(|h| h.parts.iter().copied())
    }
}

/// The lines of `part` of note `s` in record `r`: a list's items, a text's
/// paragraph, the measures taken in the session ("ORS 25.5"), the tasks it
/// set. Empty when the note holds nothing of it.
pub fn part_lines(r: &super::ClientRecord, s: &super::Session, part: NotePart) -> Vec<String> {
    // A text's paragraphs as lines of their own, so no line of what was
    // typed can stand as a heading of the export.
    let text = |t: &str| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect::<Vec<_>>();
    match part {
        NotePart::Topics => s.topics.clone(),
        NotePart::Feedback => s.feedback.clone(),
        NotePart::Observations => s.observations.clone(),
        NotePart::Measures => r
            .measures
            .iter()
            .filter(|m| m.session.as_ref() == Some(&s.id))
            .map(|m| format!("{} {}", r.scale(&m.kind).map_or_else(|| m.kind.to_string(), |sc| sc.name), m.total))
            .collect(),
        NotePart::Assessment => text(&s.assessment),
        NotePart::Intervention => text(&s.intervention),
        NotePart::Plan => text(&s.plan),
        NotePart::Tasks => {
            r.tasks.iter().filter(|t| t.session.as_ref() == Some(&s.id)).map(|t| t.text.clone()).collect()
        }
        NotePart::Notes => text(&s.notes),
    }
}

/// A note under a format's headings: each heading with its parts' lines.
pub type Headed = Vec<(&'static Heading, Vec<(NotePart, Vec<String>)>)>;

/// Note `s` under the headings of `format`: each heading with the parts
/// that hold something, each part with its lines. Headings with nothing
/// under them are left out.
pub fn headed(r: &super::ClientRecord, s: &super::Session, format: NoteFormat) -> Headed {
    format
        .headings()
        .iter()
        .map(|h| (h, h.parts.iter().map(|p| (*p, part_lines(r, s, *p))).filter(|(_, l)| !l.is_empty()).collect()))
        .filter(|(_, parts): &(_, Vec<_>)| !parts.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn every_format_puts_every_part_under_exactly_one_heading() {
        for format in [NoteFormat::Rapport, NoteFormat::Soap, NoteFormat::Dap, NoteFormat::Birp] {
            for part in NotePart::VARIANTS {
                let n = format.headings().iter().filter(|h| h.parts.contains(part)).count();
                assert_eq!(n, 1, "{part:?} in {}", format.name());
            }
        }
    }

    #[test]
    fn the_mapping_is_the_one_the_professions_use() {
        let under = |f: NoteFormat, p| f.heading_of(p).title;
        assert_eq!(under(NoteFormat::Soap, Feedback), "Subjective");
        assert_eq!(under(NoteFormat::Soap, Measures), "Objective");
        assert_eq!(under(NoteFormat::Soap, Tasks), "Plan");
        assert_eq!(under(NoteFormat::Dap, Observations), "Data");
        assert_eq!(under(NoteFormat::Birp, Observations), "Behaviour");
        assert_eq!(under(NoteFormat::Birp, Feedback), "Response");
        assert_eq!(under(NoteFormat::Birp, Intervention), "Intervention");
    }
}
