//! The names of every client, apart from their summaries: all that finding
//! a client by name needs, small enough to read for every command. One line
//! a client: `id \t file \t + or - \t name \t preferred name`, the file
//! left empty when it is the id, `-` for a file that could not be read, and
//! a tab, line break or backslash in a name written `\t`, `\n`, `\\`.

use serde::{Deserialize, Serialize};

use super::IndexEntry;
use crate::domain::ClientId;
use crate::domain::bounds::is_valid_id;

/// A client as name look-ups know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientName {
    pub id: ClientId,
    /// The client file's name without its ending.
    pub file: String,
    /// None when their file could not be read.
    pub name: Option<String>,
    pub preferred_name: Option<String>,
}

impl ClientName {
    pub fn of(e: &IndexEntry) -> ClientName {
        ClientName {
            id: e.id.clone(),
            file: e.file.clone(),
            name: e.summary.as_ref().map(|s| s.name.clone()),
            preferred_name: e.summary.as_ref().and_then(|s| s.preferred_name.clone()),
        }
    }

    /// One Rapport could have written: ids that can become paths.
    pub fn is_sound(&self) -> bool {
        is_valid_id(self.id.as_str()) && is_valid_id(&self.file)
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => '\t',
                Some('n') => '\n',
                Some('r') => '\r',
                Some(other) => other,
                None => break,
            },
            (c, false) => c,
        });
    }
    out
}

/// The names file's bytes.
pub fn encode(names: &[ClientName]) -> Vec<u8> {
    let mut out = String::with_capacity(names.len() * 48);
    for n in names {
        out.push_str(n.id.as_str());
        out.push('\t');
        if n.file != n.id.as_str() {
            out.push_str(&n.file);
        }
        out.push_str(if n.name.is_some() { "\t+\t" } else { "\t-\t" });
        escape(n.name.as_deref().unwrap_or(""), &mut out);
        out.push('\t');
        escape(n.preferred_name.as_deref().unwrap_or(""), &mut out);
        out.push('\n');
    }
    out.into_bytes()
}

/// The names in a names file, or None when it is not one.
pub fn decode(bytes: &[u8]) -> Option<Vec<ClientName>> {
    let text = std::str::from_utf8(bytes).ok()?;
    text.lines()
        .map(|line| {
            let mut f = line.split('\t');
            let (id, file, readable, name, preferred) = (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
            let name = match readable {
                "+" => Some(unescape(name)),
                "-" => None,
                _ => return None,
            };
            let preferred_name = Some(unescape(preferred)).filter(|p| !p.is_empty());
            let file = if file.is_empty() { id } else { file };
            Some(ClientName { id: ClientId::new(id), file: file.into(), name, preferred_name })
                .filter(|_| f.next().is_none())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_written_whatever_they_hold() {
        let names = vec![
            ClientName {
                id: crate::domain::ClientId::new("ana"),
                file: "ana".into(),
                name: Some("Ana\tB\\c\nd".into()),
                preferred_name: None,
            },
            ClientName {
                id: crate::domain::ClientId::new("zoe"),
                file: "9f3a".into(),
                name: Some("Zoë".into()),
                preferred_name: Some("Z".into()),
            },
            ClientName {
                id: crate::domain::ClientId::new("bad"),
                file: "bad".into(),
                name: None,
                preferred_name: None,
            },
        ];
        assert_eq!(decode(&encode(&names)), Some(names));
        assert_eq!(decode(b"ana\t\t+\tAna"), None, "a line cut short is no names file");
    }
}
