//! Finding the client a therapist named: by their id, or the start of their
//! full name, preferred name or any word of either, in any case and with or
//! without accents (see [`crate::domain::find::answers_to`]). The one rule
//! for a CLIENT argument and for the name in an imported calendar event.

use crate::domain::find::{NameQuery, fold};
use crate::domain::{ClientId, ClientRecord};
use crate::store::{ClientName, Store, StoreError};

/// Why a name found no one client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    #[error("name a client; `rapport client list` shows them")]
    NothingTyped,
    #[error("no client matches '{query}'; `rapport client list` shows them")]
    NoClient { query: String },
    /// More than one answers to it: each as "Maria Lopez (maria-lopez)".
    #[error("'{query}' matches more than one client: {}; type more of the name or use the id", .names.join(", "))]
    Several { query: String, names: Vec<String> },
}

/// How much of a name must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The start of a name or word will do when it names one client (a
    /// CLIENT typed on the command line: `mari`).
    Typed,
    /// The whole full name, preferred name or a whole word of either (a
    /// calendar event's title, which nobody typed for Rapport: "Call" is not
    /// Callum).
    Whole,
}

/// The client `query` names among `files`. A whole name or word typed out
/// wins over names it only begins ("zo" is Zo, the preferred name, before
/// Zora). An unknown or ambiguous name is an error listing the candidates.
pub fn resolve<'a>(files: &'a [ClientName], query: &str, naming: Naming) -> Result<&'a ClientName, Unresolved> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Err(Unresolved::NothingTyped);
    }
    if let Some(f) = files.iter().find(|f| f.id.as_str() == q) {
        return Ok(f);
    }
    let typed = NameQuery::new(query);
    let matches: Vec<&ClientName> = files
        .iter()
        .filter(|f| f.name.as_ref().is_some_and(|name| typed.answered_by(name, f.preferred_name.as_deref())))
        .collect();
    let whole = |f: &&&ClientName| {
        let names = [f.name.as_deref(), f.preferred_name.as_deref()];
        names.into_iter().flatten().any(|n| fold(n) == q || fold(n).split(' ').any(|w| w == q))
    };
    let exact: Vec<&&ClientName> = matches.iter().filter(whole).collect();
    let several = |many: &[&ClientName]| Unresolved::Several {
        query: query.to_string(),
        names: many.iter().filter_map(|f| f.name.as_ref().map(|name| format!("{name} ({})", f.id))).collect(),
    };
    match (naming, matches.as_slice(), exact.as_slice()) {
        (_, _, [one]) => Ok(one),
        (Naming::Typed, [one], _) => Ok(one),
        (Naming::Typed, [], _) => {
            // A client whose file could not be read answers to its id's start.
            let unreadable: Vec<&ClientName> =
                files.iter().filter(|f| f.name.is_none() && f.id.as_str().starts_with(&q)).collect();
            match unreadable.as_slice() {
                [one] => Ok(one),
                _ => Err(Unresolved::NoClient { query: query.to_string() }),
            }
        }
        (Naming::Typed, many, _) => Err(several(many)),
        (Naming::Whole, _, []) => Err(Unresolved::NoClient { query: query.to_string() }),
        (Naming::Whole, _, many) => Err(several(&many.iter().map(|f| **f).collect::<Vec<_>>())),
    }
}

/// A name that found no client, or a folder that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error(transparent)]
    Unresolved(#[from] Unresolved),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The client `query` names, and their record when it was read to check the
/// name. An id typed whole names its file at once; a name is looked up in
/// the index's list of names, and the client's own file must then answer to
/// it, or the index is rebuilt from the files and asked again (so a damaged
/// index can never send a note to the wrong client).
pub fn locate(store: &Store, query: &str) -> Result<(ClientId, Option<ClientRecord>), FindError> {
    let typed = fold(query.trim());
    let whole = ClientId::new(typed.clone());
    if store.has_client_file(&whole) {
        return Ok((whole, None));
    }
    // An id from before `sync init` gave the client one free of names.
    if let Some(id) = store.renamed_from(&typed) {
        return Ok((id, None));
    }
    let names = store.client_names()?;
    let rebuilt = || -> Result<ClientId, FindError> {
        let names: Vec<ClientName> =
            store.rebuild_index(&mut crate::progress::Quiet)?.iter().map(ClientName::of).collect();
        Ok(resolve(&names, query, Naming::Typed)?.id.clone())
    };
    let id = match resolve(&names, query, Naming::Typed) {
        Ok(e) => e.id.clone(),
        // No one, says the index: if it does not name every client file
        // (emptied or replaced by another program), it is wrong; ask it
        // again rebuilt. (Only a name that finds no one pays the count.)
        Err(Unresolved::NoClient { .. }) if store.client_files().is_ok_and(|files| files.len() != names.len()) => {
            return Ok((rebuilt()?, None));
        }
        Err(e) => {
            // More than one answers to it, says the index: if one's own
            // file says otherwise, the index is wrong; ask it again rebuilt.
            let typed = NameQuery::new(query);
            let answers = |name: &str, preferred: Option<&str>| typed.answered_by(name, preferred);
            let claimed: Vec<&ClientName> = names
                .iter()
                .filter(|n| n.name.as_deref().is_some_and(|name| answers(name, n.preferred_name.as_deref())))
                .collect();
            let wrong = claimed.len() > 1
                && claimed.iter().any(|n| {
                    !store.load(&n.id).is_ok_and(|r| answers(&r.client.name, r.client.preferred_name.as_deref()))
                });
            if !wrong {
                return Err(e.into());
            }
            return Ok((rebuilt()?, None));
        }
    };
    match store.load(&id) {
        Ok(r)
            if r.client.id == ClientId::new(typed)
                || crate::domain::find::answers_to(&r.client.name, r.client.preferred_name.as_deref(), query) =>
        {
            Ok((id, Some(r)))
        }
        // Another's file, or none at all: the index is wrong.
        Ok(_) | Err(StoreError::NotFound { .. }) => Ok((rebuilt()?, None)),
        // A damaged file: the command says so.
        Err(_) => Ok((id, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[(&str, &str, Option<&str>)]) -> Vec<ClientName> {
        list.iter()
            .map(|(id, name, preferred)| ClientName {
                id: ClientId::new(*id),
                file: id.to_string(),
                name: Some(name.to_string()),
                preferred_name: preferred.map(str::to_string),
            })
            .collect()
    }

    #[test]
    fn a_typed_start_names_one_client_but_a_calendar_title_must_be_whole() {
        let files = names(&[("callum-ross", "Callum Ross", None), ("maria-lopez", "María López", Some("Mari"))]);
        assert_eq!(resolve(&files, "call", Naming::Typed).unwrap().id.as_str(), "callum-ross");
        assert_eq!(
            resolve(&files, "Call", Naming::Whole),
            Err(Unresolved::NoClient { query: "Call".into() }),
            "a calendar's 'Call' is not Callum"
        );
        for whole in ["Maria Lopez", "MARÍA LÓPEZ", "mari", "López", "maria-lopez"] {
            assert_eq!(resolve(&files, whole, Naming::Whole).unwrap().id.as_str(), "maria-lopez", "{whole}");
        }
    }

    #[test]
    fn a_name_two_clients_answer_to_names_neither() {
        let files = names(&[("a", "Sam Byrne", None), ("b", "Sam Okafor", None)]);
        for naming in [Naming::Typed, Naming::Whole] {
            match resolve(&files, "sam", naming) {
                Err(Unresolved::Several { names, .. }) => assert_eq!(names, ["Sam Byrne (a)", "Sam Okafor (b)"]),
                other => panic!("{other:?}"),
            }
        }
    }
}
