//! The record's ids, one type for each kind of thing, so a session id can
//! never be passed where a client id is wanted. Each is a short string
//! (`maria-lopez`, `s12`, `t3`); `check.rs` holds them to the grammar
//! Rapport writes before one is used, and only the store turns a client id
//! into a file name.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The schema of an id (`maria-lopez`, `s3`, `t3-k4x`), for the published
/// file format: the grammar [`super::bounds::is_valid_id`] holds every id to.
fn id_schema(what: &str) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9-]{0,63}$",
        "description": format!("{what}: 1 to 64 of a-z, 0-9 and -, not starting with -."),
    })
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }


        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        /// Written as a plain string; its schema carries the id grammar
        /// every id is held to when read.
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                id_schema(concat!("A ", stringify!($name)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }



        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }



        /// Ids are held to their grammar when read, so this changes
        /// nothing of a checked record; it keeps the rule "everything shown
        /// is made visible" without exceptions.
        impl crate::sanitize::MakeVisible for $name {
            fn make_visible(&mut self) {
                crate::sanitize::MakeVisible::make_visible(&mut self.0);
            }
        }

    )*};
}

id_type! {
    /// A client, and the name of their file: `maria-lopez`.
    ClientId;
    /// A note within a client's record: `s1`, `s2`, …
    SessionId;
    /// A task (homework): `t1`, …
    TaskId;
    /// A personal detail: `p1`, …
    DetailId;
    /// A goal of the therapy plan: `g1`, …
    GoalId;
    /// Something to go carefully with: `w1`, …
    WatchId;
    /// A text, email, call or voicemail: `c1`, …
    ContactId;
    /// A booked appointment: `a1`, …
    AppointmentId;
    /// An outcome or alliance measure taken: `m1`, …
    MeasureId;
    /// A question to bring to supervision: `q1`, …
    QuestionId;
}
