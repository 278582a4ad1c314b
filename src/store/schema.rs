//! The published file format: a JSON Schema (draft 2020-12) of each file a
//! program other than Rapport may read, generated from the very serde types
//! the store reads and writes, so it cannot drift from them. The checked-in
//! copies are `docs/schema/<kind>.schema.json`; `rapport schema KIND` prints
//! one, and `tests/schema.rs` fails when a copy differs from what is
//! generated here (`RAPPORT_BLESS=1 cargo test --test schema` rewrites them).

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};

use crate::domain::ClientRecord;
use crate::store::settings::Settings;

/// A kind of file whose format is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileKind {
    /// A client's record: `clients/<id>.json`.
    Client,
    /// The settings: `config.json`.
    #[value(alias = "settings")]
    Config,
    /// Your own log of supervision and CPD: `practice.json`.
    Practice,
}

impl FileKind {
    /// Its name in `rapport schema KIND` and in `docs/schema/<name>.schema.json`.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Client => "client",
            FileKind::Config => "config",
            FileKind::Practice => "practice",
        }
    }

    /// The checked-in schema's file name.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }
}

/// The schema of `kind`, as pretty-printed JSON ending in a newline.
pub fn schema(kind: FileKind) -> String {
    let schema = match kind {
        FileKind::Client => generate::<ClientRecord>(),
        FileKind::Config => generate::<Settings>(),
        FileKind::Practice => generate::<crate::domain::supervision::PracticeLog>(),
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

fn generate<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(wall_clock))
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Times and dates as Rapport writes them (chrono's naive types: local wall
/// clock, no zone), held to their shape by a pattern: the `format` names
/// chrono gives them are not ones every validator checks.
fn wall_clock(schema: &mut Schema) {
    let (pattern, description) = match schema.get("format").and_then(|f| f.as_str()) {
        Some("partial-date-time") => (
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$",
            "A local wall-clock time, with no time zone: YYYY-MM-DDTHH:MM:SS.",
        ),
        Some("date") => (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "A date: YYYY-MM-DD."),
        _ => return,
    };
    schema.insert("pattern".into(), pattern.into());
    if schema.get("description").is_none() {
        schema.insert("description".into(), description.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_schema_naming_its_version_rule() {
        let client: serde_json::Value = serde_json::from_str(&schema(FileKind::Client)).unwrap();
        let version = &client["properties"]["schema_version"];
        assert_eq!(version["maximum"], crate::domain::SCHEMA_VERSION, "{version}");
        let config: serde_json::Value = serde_json::from_str(&schema(FileKind::Config)).unwrap();
        assert_eq!(config["additionalProperties"], false, "config.json refuses a setting it does not know");
    }
}
